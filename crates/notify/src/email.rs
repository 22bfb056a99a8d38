//! Email over SMTP (lettre): one plain-text message per attempt, UTF-8 subject as an
//! encoded word, body in base64 (compact and 7-bit safe for Chinese text).

use std::time::Duration;

use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use url::Url;

use crate::config::{SmtpConfig, SmtpTls};
use crate::{Message, SendError};

#[derive(Clone)]
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub(crate) fn new(cfg: &SmtpConfig, timeout: Duration) -> Result<Self, SendError> {
        let host = cfg.host.trim();
        if host.is_empty() {
            return Err(SendError::Invalid("邮件服务器地址（host）不能为空".into()));
        }
        let from: Mailbox = cfg.from.trim().parse().map_err(|_| {
            SendError::Invalid(format!("发件人“{}”不是有效的邮件地址", cfg.from.trim()))
        })?;
        let builder = match cfg.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| SendError::Invalid(format!("邮件服务器 TLS 设置无效：{e}")))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| SendError::Invalid(format!("邮件服务器 TLS 设置无效：{e}")))?,
        };
        let mut builder = builder
            .port(cfg.port.unwrap_or(cfg.tls.default_port()))
            .timeout(Some(timeout));
        match (&cfg.username, &cfg.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => {
                return Err(SendError::Invalid(
                    "邮件服务器的用户名和密码须同时填写或同时留空".into(),
                ));
            }
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    pub(crate) async fn send(
        &self,
        to: &str,
        m: &Message,
        link: Option<&Url>,
    ) -> Result<(), SendError> {
        let to: Mailbox = to
            .trim()
            .parse()
            .map_err(|_| SendError::Invalid(format!("收件人“{}”不是有效的邮件地址", to.trim())))?;
        let body = Body::new_with_encoding(plain_text(m, link), ContentTransferEncoding::Base64)
            .map_err(|_| SendError::Invalid("邮件正文无法编码".into()))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.title.trim())
            // A Message-ID (random @ this host) lets mail servers and clients spot duplicates.
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| SendError::Invalid(format!("邮件无法生成：{e}")))?;
        self.transport.send(email).await.map(drop).map_err(classify)
    }
}

/// The text of the mail: title, body, link, each separated by a blank line.
fn plain_text(m: &Message, link: Option<&Url>) -> String {
    let mut text = format!("{}\n\n{}\n", m.title.trim(), m.body.trim_end());
    if let Some(link) = link {
        text.push_str(&format!("\n查看详情：{link}\n"));
    }
    text
}

/// SMTP replies say themselves whether they are transient (4xx) or permanent (5xx); a
/// refusal of our own client (e.g. the server offers no STARTTLS) will not change by itself.
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let detail = crate::http::error_chain(&e);
    if e.is_permanent() {
        SendError::Permanent(format!("邮件服务器拒绝：{detail}"))
    } else if e.is_transient() {
        SendError::Temporary(format!("邮件服务器暂时拒绝：{detail}"))
    } else if e.is_timeout() {
        SendError::Temporary("连接邮件服务器超时".into())
    } else if e.is_client() {
        SendError::Permanent(format!("无法按配置与邮件服务器通信：{detail}"))
    } else if e.is_tls() {
        SendError::Temporary(format!("与邮件服务器建立加密连接失败：{detail}"))
    } else {
        SendError::Temporary(format!("无法连接邮件服务器：{detail}"))
    }
}
