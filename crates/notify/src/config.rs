//! What the notifier is built from: the mail server, the SMS gateway and the timeout.
//! Deserializable so the binary can read it from `duban.toml`; secrets are redacted in `Debug`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// Seconds one attempt may take when the configuration does not say.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// Needed for [`crate::Channel::Email`].
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// Needed for [`crate::Channel::Sms`].
    #[serde(default)]
    pub sms: Option<SmsConfig>,
    /// Upper bound for one attempt: connecting, sending and reading the reply.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            smtp: None,
            sms: None,
            timeout_secs: DEFAULT_TIMEOUT_SECS,
        }
    }
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text; only for a relay on the same host or a trusted internal network.
    None,
    /// Plain connection upgraded with STARTTLS, which is required (port 587 by default).
    #[default]
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Tls,
}

impl SmtpTls {
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

#[derive(Clone, Deserialize)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults to the usual port of `tls`.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, e.g. `张范街道督查督办 <duban@example.gov.cn>`.
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// How the SMS gateway expects its request body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsFormat {
    /// `application/json`; placeholders sit inside JSON strings: `{"mobile":"{phone}"}`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: `mobile={phone}&content={text}`.
    Form,
}

/// An HTTP SMS gateway. The notifier POSTs `template` to `url` with `{phone}` and `{text}`
/// replaced (escaped for the format) and `headers` added; any 2xx counts as accepted.
#[derive(Clone, Deserialize)]
pub struct SmsConfig {
    pub url: String,
    #[serde(default)]
    pub format: SmsFormat,
    pub template: String,
    /// Extra request headers, e.g. `Authorization`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values are usually credentials; the URL may carry a key in its query.
        let headers: Vec<&str> = self.headers.keys().map(String::as_str).collect();
        f.debug_struct("SmsConfig")
            .field("url", &crate::channel::redact_url(&self.url))
            .field("format", &self.format)
            .field("template", &self.template)
            .field("headers", &headers)
            .finish()
    }
}
