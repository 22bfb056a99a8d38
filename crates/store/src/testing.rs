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
