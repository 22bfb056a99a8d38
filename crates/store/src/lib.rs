//! Duban's storage: one implementation over SQLite (default) and PostgreSQL, chosen once from the
//! database URL. Every state change goes through `procedure` in one transaction with its audit record.

pub mod accountability;
pub mod audit;
pub mod blobs;
mod db;
pub mod deadlines;
pub mod demo;
pub mod figures;
pub mod inbox;
pub mod ledger;
pub mod org;
pub mod procedure;
pub mod scoring;
pub mod sessions;
pub mod special;
#[doc(hidden)]
pub mod testing;

pub use db::{Backend, Store, now_ms};

use duban_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    #[error("文件存储错误：{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who did something and from where; written into every audit record.
#[derive(Debug, Clone)]
pub struct Meta {
    pub ip: String,
}

impl Meta {
    pub fn system() -> Meta {
        Meta {
            ip: "system".to_owned(),
        }
    }
}
