-- 中止/撤销: a task stopped on the principal leader's approval, with the reason; it leaves the
-- figures from that day.
CREATE TABLE cancellations (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    reason TEXT NOT NULL,
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    proposed_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    note TEXT
);
CREATE INDEX ix_cancellations_task ON cancellations(task_id, id);
