-- 问责 and 移送纪工委: accountability records against units or people, and referrals of serious
-- cases to the discipline committee with their materials.
CREATE TABLE accountability (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    facts TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_accountability_task ON accountability(task_id, id);
CREATE INDEX ix_accountability_target ON accountability(target_type, target_id, id);
CREATE TABLE referrals (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    reason TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    acknowledged_by BIGINT REFERENCES users(id),
    acknowledged_at BIGINT,
    ack_note TEXT
);
CREATE INDEX ix_referrals_task ON referrals(task_id, id);
CREATE INDEX ix_referrals_open ON referrals(id) WHERE acknowledged_at IS NULL;
