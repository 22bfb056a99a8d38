-- Procedures A (上级督查) and C (部门专项督查), and the rules that keep inspections few.

-- A Superior matter's higher-level notice (登记报备: 来文单位、文号、来文方式、收文时间、报送时限与对象).
ALTER TABLE matters ADD COLUMN superior_issuer TEXT;
ALTER TABLE matters ADD COLUMN superior_doc_no TEXT;
ALTER TABLE matters ADD COLUMN superior_channel TEXT;
ALTER TABLE matters ADD COLUMN superior_received_at INTEGER;
ALTER TABLE matters ADD COLUMN superior_report_deadline TEXT;
ALTER TABLE matters ADD COLUMN superior_report_to TEXT;
CREATE INDEX ix_matters_kind_state ON matters(kind, state);

-- Stage 4 is a 督查通报 (published in the periodical) or a 督查汇报 (reported upward: to whom, when, how).
ALTER TABLE bulletins ADD COLUMN kind TEXT NOT NULL DEFAULT 'bulletin';
ALTER TABLE bulletins ADD COLUMN doc_no TEXT;
ALTER TABLE bulletins ADD COLUMN report_to TEXT;
ALTER TABLE bulletins ADD COLUMN report_on TEXT;
ALTER TABLE bulletins ADD COLUMN report_via TEXT;

-- 年度督查检查考核计划: one line per planned inspection.
CREATE TABLE plan_items (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    subject TEXT NOT NULL,
    mode TEXT NOT NULL,
    month INTEGER NOT NULL,
    targets TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX ix_plan_items_year ON plan_items(year, unit_id, month);

-- 督查考核申请书.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    content TEXT NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    mode TEXT NOT NULL,
    plan_item_id INTEGER REFERENCES plan_items(id),
    score_items TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    matter_id INTEGER REFERENCES matters(id),
    opinion_problems TEXT,
    opinion_causes TEXT,
    opinion_next_steps TEXT,
    opinion_by INTEGER REFERENCES users(id),
    opinion_at INTEGER,
    opinion_signed_by INTEGER REFERENCES users(id),
    opinion_signed_at INTEGER,
    UNIQUE (year, seq)
);
CREATE INDEX ix_applications_state ON applications(state, window_start);
CREATE INDEX ix_applications_unit ON applications(unit_id, id);
CREATE INDEX ix_applications_matter ON applications(matter_id);
CREATE INDEX ix_applications_window ON applications(window_start, window_end);
CREATE TABLE application_targets (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (application_id, unit_id)
);
CREATE INDEX ix_application_targets_unit ON application_targets(unit_id, application_id);

-- 专项督查考核方案 of a launched Special matter.
CREATE TABLE inspections (
    matter_id INTEGER PRIMARY KEY REFERENCES matters(id),
    mode TEXT NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    requirements TEXT NOT NULL,
    team TEXT NOT NULL,
    vehicle TEXT NOT NULL,
    situation TEXT,
    situation_instruction TEXT
);
CREATE INDEX ix_inspections_window ON inspections(window_start, window_end);

-- A department's score of one inspected unit (task) on one item of its score sheet.
CREATE TABLE scores (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    item INTEGER NOT NULL,
    tenths INTEGER NOT NULL,
    remark TEXT NOT NULL,
    scored_by INTEGER NOT NULL REFERENCES users(id),
    scored_at INTEGER NOT NULL,
    PRIMARY KEY (task_id, application_id, item)
);
CREATE INDEX ix_scores_application ON scores(application_id, task_id);

-- An application's own timeline (its steps before it becomes a matter).
CREATE INDEX ix_audit_object ON audit_log(object_type, object_id, id);
