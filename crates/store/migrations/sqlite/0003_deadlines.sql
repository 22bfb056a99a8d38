-- Deadlines that drive the work: the working-day calendar, the exact due moment and light of each
-- task, progress cadence, urging, extensions, reminders, notifications and background jobs.

-- 工作日历: 法定节假日 and 调休上班 days; every other Monday–Friday is a working day.
CREATE TABLE calendar_days (day TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL);

-- The due moment (China time; the deadline's end, or its hour for 特急 work), kept with the
-- deadline so lights filter on an index; whether a finished task finished late.
ALTER TABLE tasks ADD COLUMN due_time TEXT;
ALTER TABLE tasks ADD COLUMN due_at INTEGER;
UPDATE tasks SET due_at = (CAST(strftime('%s', deadline) AS INTEGER) + 86400 - 28800) * 1000 - 1;
ALTER TABLE tasks ADD COLUMN finished_late INTEGER;
UPDATE tasks SET finished_late = CASE WHEN finished_at IS NULL THEN NULL WHEN finished_at > due_at THEN 1 ELSE 0 END;
-- 反馈频次 (weekly:1, monthly:25, workdays:10) and the number of 催办.
ALTER TABLE tasks ADD COLUMN cadence TEXT;
ALTER TABLE tasks ADD COLUMN urges INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_tasks_open_due ON tasks(due_at, id) WHERE state NOT IN ('completed', 'closed');
CREATE INDEX ix_tasks_finished_late ON tasks(finished_late, id) WHERE finished_late IS NOT NULL;

-- 延期申请 and their decisions: the deadline history of a task.
CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    old_deadline TEXT NOT NULL,
    new_deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    note TEXT
);
CREATE INDEX ix_extensions_task ON extensions(task_id, id);

-- One automatic reminder per task, kind and day, whichever instance sends it.
CREATE TABLE reminders (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    kind TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (task_id, kind, due_on)
);

-- In-app notifications (消息) with their unread state.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX ix_notifications_user ON notifications(user_id, id);
CREATE INDEX ix_notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- The external channels each user chose: email, sms, dingtalk, wecom, webhook.
CREATE TABLE user_channels (
    user_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    secret TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, channel)
);

-- One delivery per notification and channel; retried with backoff; leased by one instance.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    secret TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_until INTEGER NOT NULL DEFAULT 0,
    leased_by TEXT,
    last_error TEXT,
    sent_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX ix_deliveries_due ON deliveries(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX ix_deliveries_recent ON deliveries(id);

-- Background jobs: one row per job; an instance runs it only while it holds the lease.
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    leased_until INTEGER NOT NULL DEFAULT 0,
    leased_by TEXT,
    last_run_at INTEGER
);
INSERT INTO jobs (name) VALUES ('reminders');
