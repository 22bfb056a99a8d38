-- 整改: problems found in bulletins, reports and inspections go back to the unit with a deadline;
-- the unit reports, the office verifies (or returns).
CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    source_type TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    problem TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    report TEXT,
    reported_by INTEGER REFERENCES users(id),
    reported_at INTEGER,
    verify_note TEXT,
    verified_by INTEGER REFERENCES users(id),
    verified_at INTEGER,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX ix_rectifications_unit ON rectifications(unit_id, id);
CREATE INDEX ix_rectifications_state ON rectifications(state, deadline);
CREATE INDEX ix_rectifications_source ON rectifications(source_type, source_id);
