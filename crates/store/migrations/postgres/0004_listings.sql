-- 挂牌督办: a task or a unit listed for escalated supervision with a reason and a rectification
-- deadline; the mark shows everywhere until it is lifted after verification.
CREATE TABLE listings (
    id BIGSERIAL PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    rectify_by TEXT NOT NULL,
    listed_by BIGINT NOT NULL REFERENCES users(id),
    listed_at BIGINT NOT NULL,
    lifted_by BIGINT REFERENCES users(id),
    lifted_at BIGINT,
    lift_note TEXT
);
CREATE INDEX ix_listings_object ON listings(object_type, object_id, id);
CREATE INDEX ix_listings_open ON listings(object_type, object_id) WHERE lifted_at IS NULL;
