//! The one error type of the domain: a stable code for machines and a Chinese message for people.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// Bad input; names the field (in Chinese) and why.
    #[error("{field}：{message}")]
    Invalid { field: String, message: String },
    #[error("无权执行此操作：{0}")]
    Forbidden(String),
    #[error("未找到{0}，或您无权查看")]
    NotFound(String),
    /// The object changed since the user loaded it.
    #[error("{0}")]
    Conflict(String),
    #[error("当前状态不允许此操作：{0}")]
    InvalidState(String),
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
    pub fn forbidden(why: impl Into<String>) -> Self {
        DomainError::Forbidden(why.into())
    }
    pub fn state(why: impl Into<String>) -> Self {
        DomainError::InvalidState(why.into())
    }
    pub fn not_found(what: &str) -> Self {
        DomainError::NotFound(what.to_owned())
    }
    pub fn stale() -> Self {
        DomainError::Conflict("该记录已被他人修改，请刷新页面后重试（您的操作未保存）".to_owned())
    }

    /// Stable machine-readable code, part of the JSON API contract.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. } => "invalid_input",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::NotFound(_) => "not_found",
            DomainError::Conflict(_) => "conflict",
            DomainError::InvalidState(_) => "invalid_state",
        }
    }
}
