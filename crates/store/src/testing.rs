//! For tests only: a fresh, empty database on the backend under test. With
//! `DUBAN_TEST_POSTGRES=postgres://…` each call creates a new PostgreSQL database on that server
//! (named `duban_t_…`); otherwise a new SQLite file in the temp folder. An unreachable PostgreSQL
//! fails the test: it never silently falls back to SQLite.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::{Backend, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A scratch folder (for SQLite files and attachments), unique per call.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("duban-{tag}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The backend the tests run on.
pub fn backend() -> Backend {
    if std::env::var("DUBAN_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// A database URL for a new, empty database.
pub async fn fresh_url(tag: &str) -> String {
    match std::env::var("DUBAN_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    {
        None => format!("sqlite://{}", scratch_dir(tag).join("duban.db").display()),
        Some(admin) => {
            sqlx::any::install_default_drivers();
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let name = format!(
                "duban_t_{}_{}_{}",
                std::process::id(),
                n,
                rand::random::<u32>()
            );
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| {
                    panic!("DUBAN_TEST_POSTGRES 已设置但无法连接 PostgreSQL（{admin}）：{e}")
                });
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let _ = conn.close().await;
            let (base, query) = admin
                .split_once('?')
                .map(|(b, q)| (b, format!("?{q}")))
                .unwrap_or((admin.as_str(), String::new()));
            let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(base);
            format!("{prefix}/{name}{query}")
        }
    }
}

/// A connected, migrated store on a new database.
pub async fn fresh_store(tag: &str) -> Store {
    let url = fresh_url(tag).await;
    Store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open test database {url}: {e}"))
}

/// Runs raw SQL against the store's database (to simulate tampering in tests).
pub async fn execute_raw(store: &Store, sql: &str) -> u64 {
    sqlx::query(sql)
        .execute(&store.pool)
        .await
        .expect("raw sql")
        .rows_affected()
}

/// Fetches all rows of `sql` and returns how many there were (benchmark baselines).
pub async fn fetch_rows(store: &Store, sql: &str) -> usize {
    sqlx::query(sql)
        .fetch_all(&store.pool)
        .await
        .expect("raw query")
        .len()
}

/// Fills the ledger with `tasks` tasks (five per matter, over `units` departments, three years,
/// every state; `units` and `leaders` must be consecutive ids) in a few set-based statements.
pub async fn bulk_seed(store: &Store, tasks: i64, units: &[i64], leaders: &[i64], creator: i64) {
    let now = crate::now_ms();
    let matters = (tasks + 4) / 5;
    let (u0, un) = (units[0], units.len() as i64);
    let (l0, ln) = (leaders[0], leaders.len() as i64);
    let steps = [
        format!(
            "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < {matters}) \
             INSERT INTO matters (id, year, seq, kind, title, source, source_date, source_text, urgency, state, created_by, created_at, updated_at) \
             SELECT 1000000 + x, 2026 - (x % 3), x, 'local', '督查事项' || x, 'cadre_meeting', '2026-01-05', '会议决定', \
             CASE WHEN x % 10 = 0 THEN 'urgent' ELSE 'normal' END, 'dispatched', {creator}, {now}, {now} FROM seq"
        ),
        format!(
            "WITH RECURSIVE seq(y) AS (SELECT 0 UNION ALL SELECT y + 1 FROM seq WHERE y < {tasks} - 1) \
             INSERT INTO tasks (id, matter_id, matter_year, matter_seq, matter_kind, seq, content, requirements, deadline, lead_unit_id, urgency, state, registered_at, updated_at, search_text) \
             SELECT 1000000 + y, 1000001 + y / 5, 2026 - ((y / 5 + 1) % 3), y / 5 + 1, 'local', y % 5 + 1, \
             '督查内容' || y || CASE WHEN y % 1000 = 7 THEN '燃气安全' ELSE '' END, '按时报送', \
             '2026-' || CASE WHEN y % 12 < 9 THEN '0' ELSE '' END || (y % 12 + 1) || '-' || CASE WHEN y % 28 < 9 THEN '0' ELSE '' END || (y % 28 + 1), \
             {u0} + (y % {un}), CASE WHEN y % 10 = 0 THEN 'urgent' ELSE 'normal' END, \
             CASE y % 6 WHEN 0 THEN 'assigned' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'awaiting_confirmation' WHEN 3 THEN 'completed' WHEN 4 THEN 'closed' ELSE 'in_progress' END, \
             {now}, {now} - y, \
             '督查事项' || (y / 5 + 1) || ' 督查内容' || y || CASE WHEN y % 1000 = 7 THEN '燃气安全' ELSE '' END FROM seq"
        ),
        "INSERT INTO task_units (task_id, unit_id, is_lead) SELECT id, lead_unit_id, 1 FROM tasks WHERE id >= 1000000".to_owned(),
        format!("INSERT INTO task_leaders (task_id, user_id) SELECT id, {l0} + (id % {ln}) FROM tasks WHERE id >= 1000000"),
        // One cooperating unit on every fourth task.
        format!("INSERT INTO task_units (task_id, unit_id, is_lead) SELECT id, {u0} + ((lead_unit_id - {u0} + 1) % {un}), 0 FROM tasks WHERE id >= 1000000 AND id % 4 = 0"),
    ];
    let mut steps = steps.to_vec();
    if store.backend == Backend::Sqlite {
        steps.push("INSERT INTO task_search (rowid, text) SELECT id, search_text FROM tasks WHERE id >= 1000000".to_owned());
    }
    for sql in steps {
        sqlx::query(&sql)
            .execute(&store.pool)
            .await
            .unwrap_or_else(|e| panic!("bulk seed failed: {e}\n{sql}"));
    }
    // Fresh statistics, as a running system has them; on PostgreSQL also the visibility map
    // (autovacuum's work), without which no index-only scan is possible.
    let analyze = if store.backend == Backend::Postgres {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    sqlx::query(analyze)
        .execute(&store.pool)
        .await
        .expect("analyze");
}

/// Like `execute_raw`, but returns the database's refusal instead of panicking.
pub async fn try_execute_raw(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(sql).execute(&store.pool).await?.rows_affected())
}

/// Drops the append-only guard of the audit log, as a DBA tampering with it would.
pub async fn drop_audit_guard(store: &Store) {
    let sql: &[&str] = match store.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER audit_log_no_change ON audit_log"],
    };
    for s in sql {
        execute_raw(store, s).await;
    }
}
