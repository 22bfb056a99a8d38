-- Duban schema, SQLite. Moments are INTEGER milliseconds (UTC); dates are TEXT 'YYYY-MM-DD'.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT NOT NULL, year INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (name, year));

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_units_parent ON units(parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    unit_id INTEGER NOT NULL REFERENCES units(id),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_users_unit ON users(unit_id);
CREATE TABLE user_roles (user_id INTEGER NOT NULL REFERENCES users(id), role TEXT NOT NULL, PRIMARY KEY (user_id, role));
CREATE INDEX ix_user_roles_role ON user_roles(role);
CREATE TABLE portfolios (user_id INTEGER NOT NULL REFERENCES users(id), unit_id INTEGER NOT NULL REFERENCES units(id), PRIMARY KEY (user_id, unit_id));
CREATE INDEX ix_portfolios_unit ON portfolios(unit_id);

CREATE TABLE matters (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    source_date TEXT NOT NULL,
    source_text TEXT NOT NULL,
    urgency TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    notice_no TEXT,
    archive_no TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER,
    archived_at INTEGER,
    UNIQUE (year, seq)
);
CREATE INDEX ix_matters_state ON matters(state);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    matter_id INTEGER NOT NULL REFERENCES matters(id),
    -- copied from the matter (never change) so the ledger filters and sorts on one table
    matter_year INTEGER NOT NULL,
    matter_seq INTEGER NOT NULL,
    matter_kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    content TEXT NOT NULL,
    requirements TEXT NOT NULL,
    deadline TEXT NOT NULL,
    lead_unit_id INTEGER NOT NULL REFERENCES units(id),
    urgency TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    registered_at INTEGER NOT NULL,
    received_at INTEGER,
    started_at INTEGER,
    reported_at INTEGER,
    finished_at INTEGER,
    closed_at INTEGER,
    close_remark TEXT,
    -- matter title and task content, for keyword search
    search_text TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
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

-- Keyword search: trigram full-text index over search_text (rowid = task id), kept by the store.
CREATE VIRTUAL TABLE task_search USING fts5(text, tokenize = 'trigram');

CREATE TABLE task_leaders (task_id INTEGER NOT NULL REFERENCES tasks(id), user_id INTEGER NOT NULL REFERENCES users(id), PRIMARY KEY (task_id, user_id));
CREATE INDEX ix_task_leaders_user ON task_leaders(user_id, task_id);
CREATE TABLE task_units (task_id INTEGER NOT NULL REFERENCES tasks(id), unit_id INTEGER NOT NULL REFERENCES units(id), is_lead INTEGER NOT NULL, PRIMARY KEY (task_id, unit_id));
CREATE INDEX ix_task_units_unit ON task_units(unit_id, task_id);

CREATE TABLE receipts (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    recipient_kind TEXT NOT NULL,
    recipient_id INTEGER NOT NULL,
    signed_at INTEGER,
    signed_by INTEGER REFERENCES users(id),
    PRIMARY KEY (task_id, recipient_kind, recipient_id)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    is_final INTEGER NOT NULL,
    body TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    decision_note TEXT
);
CREATE INDEX ix_reports_task ON reports(task_id, id);

CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    issue_no INTEGER,
    scope TEXT,
    review_opinion TEXT,
    instruction TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    published_at INTEGER,
    UNIQUE (year, issue_no)
);
CREATE TABLE bulletin_matters (bulletin_id INTEGER NOT NULL REFERENCES bulletins(id), matter_id INTEGER NOT NULL REFERENCES matters(id), PRIMARY KEY (bulletin_id, matter_id));
CREATE INDEX ix_bulletin_matters_matter ON bulletin_matters(matter_id);

CREATE TABLE instructions (
    id INTEGER PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    leader_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX ix_instructions_object ON instructions(object_type, object_id);

CREATE TABLE work_items (
    id INTEGER PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    assignee_kind TEXT NOT NULL,
    assignee_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    done_by INTEGER REFERENCES users(id)
);
CREATE INDEX ix_work_open ON work_items(assignee_kind, assignee_id, done_at);
CREATE INDEX ix_work_object ON work_items(object_type, object_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX ix_attachments_object ON attachments(object_type, object_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    matter_id INTEGER,
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
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions(user_id);
CREATE TABLE login_failures (id INTEGER PRIMARY KEY, username TEXT NOT NULL, at INTEGER NOT NULL, ip TEXT NOT NULL);
CREATE INDEX ix_login_failures ON login_failures(username, at);

-- The audit log is append-only: changing or deleting a record needs a DBA to drop these first,
-- and `duban audit verify` then names the first record touched.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
