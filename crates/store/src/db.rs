//! Connecting: the backend is chosen once from the URL, migrations run at start-up, and SQLite gets
//! the pragmas a server needs (WAL, busy timeout, foreign keys).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub backend: Backend,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    /// `sqlite://PATH` (the file and its folder are created) or `postgres://…`. Anything else is
    /// refused with a message that says what is accepted.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::Config(
                    "SQLite 数据库地址缺少文件路径，例如 sqlite://data/duban.db".into(),
                ));
            }
            if path != ":memory:"
                && let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Config(format!("无法创建数据目录 {}：{e}", dir.display()))
                })?;
            }
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "不支持的数据库地址“{}”：请使用 sqlite://文件路径 或 postgres://用户@主机/库名",
                redact(url)
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("数据库地址无效（{}）：{e}", redact(&url))))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Config(format!("无法连接数据库（{}）：{e}", redact(&url))))?;
        let store = Store { pool, backend };
        store.migrate().await?;
        // The official holiday schedules ship with the binary (an admin keeps them current).
        store.seed_calendar().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Answers when the database does (for /healthz).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction and takes the writers' lock first (see `audit_head` in the
    /// migration): concurrent writers queue instead of failing, on either backend.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE audit_head SET last_id = last_id WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// A transaction for claiming queued rows: on PostgreSQL without the writers' lock, so that
    /// instances claim side by side with `FOR UPDATE SKIP LOCKED`; SQLite has one writer anyway.
    pub(crate) async fn begin_claim(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        if self.backend == Backend::Sqlite {
            return self.begin_write().await;
        }
        Ok(self.pool.begin().await?)
    }
}

/// Hides a password in a URL before it reaches a message or a log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[tokio::test]
    async fn unknown_schemes_are_refused_clearly() {
        let e = Store::connect("mysql://x").await.err().expect("refused");
        assert!(e.to_string().contains("不支持的数据库地址"), "{e}");
        let e = Store::connect("sqlite://").await.err().expect("refused");
        assert!(e.to_string().contains("缺少文件路径"), "{e}");
    }
}
