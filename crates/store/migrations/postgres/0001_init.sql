-- Duban schema, PostgreSQL. Moments are BIGINT milliseconds (UTC); dates are TEXT 'YYYY-MM-DD'.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT NOT NULL, year BIGINT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (name, year));

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES units(id),
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    sort BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_units_parent ON units(parent_id);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL REFERENCES units(id),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_users_unit ON users(unit_id);
CREATE TABLE user_roles (user_id BIGINT NOT NULL REFERENCES users(id), role TEXT NOT NULL, PRIMARY KEY (user_id, role));
CREATE INDEX ix_user_roles_role ON user_roles(role);
CREATE TABLE portfolios (user_id BIGINT NOT NULL REFERENCES users(id), unit_id BIGINT NOT NULL REFERENCES units(id), PRIMARY KEY (user_id, unit_id));
CREATE INDEX ix_portfolios_unit ON portfolios(unit_id);

CREATE TABLE matters (
    id BIGSERIAL PRIMARY KEY,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    source_date TEXT NOT NULL,
    source_text TEXT NOT NULL,
    urgency TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    notice_no TEXT,
    archive_no TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    archived_at BIGINT,
    UNIQUE (year, seq)
);
CREATE INDEX ix_matters_state ON matters(state);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    matter_id BIGINT NOT NULL REFERENCES matters(id),
    -- copied from the matter (never change) so the ledger filters and sorts on one table
    matter_year BIGINT NOT NULL,
    matter_seq BIGINT NOT NULL,
    matter_kind TEXT NOT NULL,
    seq BIGINT NOT NULL,
    content TEXT NOT NULL,
    requirements TEXT NOT NULL,
    deadline TEXT NOT NULL,
    lead_unit_id BIGINT NOT NULL REFERENCES units(id),
    urgency TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    registered_at BIGINT NOT NULL,
    received_at BIGINT,
    started_at BIGINT,
    reported_at BIGINT,
    finished_at BIGINT,
    closed_at BIGINT,
    close_remark TEXT,
    -- matter title and task content, for keyword search
    search_text TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    UNIQUE (matter_id, seq)
);
-- Each ledger index starts with one filter, then the ledger order, then the other narrow filter
-- columns: any combination of filters is counted from the index alone, without reading rows.
CREATE INDEX ix_tasks_ledger ON tasks(matter_year DESC, matter_seq, seq, state, matter_kind, urgency, deadline);
CREATE INDEX ix_tasks_state ON tasks(state, matter_year DESC, matter_seq, seq, matter_kind, urgency, deadline);
CREATE INDEX ix_tasks_kind ON tasks(matter_kind, matter_year DESC, matter_seq, seq, state, urgency, deadline);
CREATE INDEX ix_tasks_urgency ON tasks(urgency, matter_year DESC, matter_seq, seq, state, matter_kind, deadline);
-- open tasks by deadline: the overdue filter reads only these
CREATE INDEX ix_tasks_open_deadline ON tasks(deadline, id) WHERE state NOT IN ('completed', 'closed');
CREATE INDEX ix_tasks_deadline ON tasks(deadline, id, state, matter_kind, urgency, matter_year);
CREATE INDEX ix_tasks_updated ON tasks(updated_at, id, state, matter_kind, urgency, matter_year, deadline);
CREATE INDEX ix_tasks_lead_unit ON tasks(lead_unit_id);

-- Keyword search: trigram index serving LIKE '%…%' on search_text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_tasks_search ON tasks USING gin (search_text gin_trgm_ops);

CREATE TABLE task_leaders (task_id BIGINT NOT NULL REFERENCES tasks(id), user_id BIGINT NOT NULL REFERENCES users(id), PRIMARY KEY (task_id, user_id));
CREATE INDEX ix_task_leaders_user ON task_leaders(user_id, task_id);
CREATE TABLE task_units (task_id BIGINT NOT NULL REFERENCES tasks(id), unit_id BIGINT NOT NULL REFERENCES units(id), is_lead BIGINT NOT NULL, PRIMARY KEY (task_id, unit_id));
CREATE INDEX ix_task_units_unit ON task_units(unit_id, task_id);

CREATE TABLE receipts (
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    recipient_kind TEXT NOT NULL,
    recipient_id BIGINT NOT NULL,
    signed_at BIGINT,
    signed_by BIGINT REFERENCES users(id),
    PRIMARY KEY (task_id, recipient_kind, recipient_id)
);

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    is_final BIGINT NOT NULL,
    body TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decision_note TEXT
);
CREATE INDEX ix_reports_task ON reports(task_id, id);

CREATE TABLE bulletins (
    id BIGSERIAL PRIMARY KEY,
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    issue_no BIGINT,
    scope TEXT,
    review_opinion TEXT,
    instruction TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    UNIQUE (year, issue_no)
);
CREATE TABLE bulletin_matters (bulletin_id BIGINT NOT NULL REFERENCES bulletins(id), matter_id BIGINT NOT NULL REFERENCES matters(id), PRIMARY KEY (bulletin_id, matter_id));
CREATE INDEX ix_bulletin_matters_matter ON bulletin_matters(matter_id);

CREATE TABLE instructions (
    id BIGSERIAL PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    leader_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX ix_instructions_object ON instructions(object_type, object_id);

CREATE TABLE work_items (
    id BIGSERIAL PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    assignee_kind TEXT NOT NULL,
    assignee_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    done_by BIGINT REFERENCES users(id)
);
CREATE INDEX ix_work_open ON work_items(assignee_kind, assignee_id, done_at);
CREATE INDEX ix_work_object ON work_items(object_type, object_id);

CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX ix_attachments_object ON attachments(object_type, object_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    matter_id BIGINT,
    summary TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    ip TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_matter ON audit_log(matter_id, id);
CREATE INDEX ix_audit_actor ON audit_log(actor_id, id);
-- One row: the chain's head. Every write transaction updates it first, which serialises writers
-- across instances and lets each audit record carry the previous hash.
CREATE TABLE audit_head (id BIGINT PRIMARY KEY, last_id BIGINT NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions(user_id);
CREATE TABLE login_failures (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, at BIGINT NOT NULL, ip TEXT NOT NULL);
CREATE INDEX ix_login_failures ON login_failures(username, at);

-- The audit log is append-only: changing or deleting a record needs a DBA to drop this first,
-- and `duban audit verify` then names the first record touched.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
