//! Duban's notification delivery: one [`Message`] over one [`Channel`] per call — email
//! (SMTP), DingTalk and WeCom group robots, a plain JSON webhook, or SMS through an HTTP gateway.
//! Queuing, retries and scheduling belong to the caller; [`SendError::is_retryable`] tells it
//! whether another attempt makes sense.

mod channel;
mod config;
mod email;
mod error;
mod http;
pub mod mailbox;
mod robot;
mod sms;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::json;
use url::Url;

pub use channel::{Channel, Message};
pub use config::{Config, DEFAULT_TIMEOUT_SECS, SmsConfig, SmsFormat, SmtpConfig, SmtpTls};
pub use error::SendError;

use email::Mailer;
use sms::SmsGateway;

/// Built once from the [`Config`]; holds the SMTP transport and the HTTP client. Cheap to
/// clone (clones share the HTTP connection pool; each email opens its own SMTP connection).
#[derive(Clone)]
pub struct Notifier {
    http: reqwest::Client,
    mailer: Option<Mailer>,
    sms: Option<SmsGateway>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("smtp", &self.mailer.is_some())
            .field("sms", &self.sms.is_some())
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// Checks the configuration (sender address, gateway URL and template, timeout) so that a
    /// mistake shows at start-up rather than at the first notification.
    pub fn new(cfg: Config) -> Result<Self, SendError> {
        if cfg.timeout_secs == 0 {
            return Err(SendError::Invalid("通知发送超时时间须大于 0 秒".into()));
        }
        let timeout = Duration::from_secs(cfg.timeout_secs);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("duban-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                SendError::Invalid(format!("无法创建 HTTP 客户端：{}", http::error_chain(&e)))
            })?;
        let mailer = cfg
            .smtp
            .as_ref()
            .map(|smtp| Mailer::new(smtp, timeout))
            .transpose()?;
        let sms = cfg.sms.as_ref().map(SmsGateway::new).transpose()?;
        Ok(Notifier { http, mailer, sms })
    }

    /// One delivery attempt. `Ok` means the receiving server accepted the message (SMTP 250,
    /// HTTP 2xx, robot `errcode` 0), not that a person has read it.
    pub async fn send(&self, ch: &Channel, m: &Message) -> Result<(), SendError> {
        let link = m.checked_link()?;
        let link = link.as_ref();
        match ch {
            Channel::Email { to } => {
                let mailer = self.mailer.as_ref().ok_or_else(|| {
                    SendError::NotConfigured("尚未配置发信邮件服务器（SMTP）".into())
                })?;
                mailer.send(to, m, link).await
            }
            Channel::DingTalk { url, secret } => {
                let mut url = channel::web_url(url, "钉钉机器人地址")?;
                if let Some(secret) = secret.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    url = robot::dingtalk_signed(url, secret, Utc::now().timestamp_millis())?;
                }
                let body = robot::dingtalk_body(m, link);
                let reply = http::post(self.http.post(url).json(&body), "钉钉机器人").await?;
                robot::check_dingtalk(&reply)
            }
            Channel::WeCom { url } => {
                let url = channel::web_url(url, "企业微信机器人地址")?;
                let body = robot::wecom_body(m, link);
                let reply = http::post(self.http.post(url).json(&body), "企业微信机器人").await?;
                robot::check_wecom(&reply)
            }
            Channel::Webhook { url } => {
                let url = channel::web_url(url, "Webhook 地址")?;
                let body = json!({
                    "title": m.title,
                    "body": m.body,
                    "link": link.map(Url::as_str),
                    "sent_at": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                });
                http::post(self.http.post(url).json(&body), "Webhook")
                    .await
                    .map(drop)
            }
            Channel::Sms { to } => {
                let gateway = self
                    .sms
                    .as_ref()
                    .ok_or_else(|| SendError::NotConfigured("尚未配置短信网关".into()))?;
                let phone = channel::phone_number(to)?;
                let body = gateway.request_body(&phone, &sms::sms_text(m, link));
                let req = self
                    .http
                    .post(gateway.url.clone())
                    .headers(gateway.headers.clone())
                    .body(body);
                http::post(req, "短信网关").await.map(drop)
            }
        }
    }
}
