-- Published rankings (排名): the period, the rule set in force and the results, kept as published.
CREATE TABLE rankings (
    id BIGSERIAL PRIMARY KEY,
    period TEXT NOT NULL,
    rules TEXT NOT NULL,
    results TEXT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users(id),
    published_at BIGINT NOT NULL
);
CREATE INDEX ix_rankings_period ON rankings(period, id);
