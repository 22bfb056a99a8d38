-- 中止/撤销: a task stopped on the principal leader's approval, with the reason; it leaves the
-- figures from that day.
CREATE TABLE cancellations (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    reason TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users(id),
    proposed_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    note TEXT
);
CREATE INDEX ix_cancellations_task ON cancellations(task_id, id);
