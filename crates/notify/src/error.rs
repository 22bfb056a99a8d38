//! The one error type of a delivery attempt. Its variant tells the caller what to do next:
//! fix the configuration, fix the address, try again later, or give up.

/// Why a notification was not delivered. `Display` is Chinese, fit to show an administrator;
/// it never contains a webhook URL (those carry access tokens) or a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The channel needs a server the configuration does not have (SMTP, SMS gateway).
    #[error("未配置：{0}")]
    NotConfigured(String),
    /// The address, URL, phone number, message or configuration is malformed.
    #[error("参数无效：{0}")]
    Invalid(String),
    /// Network trouble, a timeout, a 5xx or a rate limit: the same attempt may succeed later.
    #[error("暂时无法送达：{0}")]
    Temporary(String),
    /// The receiver refused (4xx, rejected recipient, bad signature): retrying will not help.
    #[error("送达被拒绝：{0}")]
    Permanent(String),
}

impl SendError {
    /// Whether the caller should schedule another attempt.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Temporary(_))
    }

    /// A stable code for storage and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            SendError::NotConfigured(_) => "not_configured",
            SendError::Invalid(_) => "invalid",
            SendError::Temporary(_) => "temporary",
            SendError::Permanent(_) => "permanent",
        }
    }
}
