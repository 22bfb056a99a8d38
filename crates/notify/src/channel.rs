//! What is sent ([`Message`]) and where to ([`Channel`]), with the checks that turn the
//! strings a user typed into an address, a URL or a phone number, or a Chinese refusal.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::SendError;

/// One notification, independent of the channel that carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// Absolute URL of the page the notification is about.
    #[serde(default)]
    pub link: Option<String>,
}

impl Message {
    /// The link, checked; `None` when there is none.
    pub(crate) fn checked_link(&self) -> Result<Option<Url>, SendError> {
        if self.title.trim().is_empty() {
            return Err(SendError::Invalid("通知标题不能为空".into()));
        }
        match self.link.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(link) => web_url(link, "通知链接").map(Some),
        }
    }
}

/// One destination. Stored per user or per group by the caller; tagged by `kind` in JSON.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Channel {
    /// A mailbox: `zhang@example.gov.cn` or `张三 <zhang@example.gov.cn>`.
    #[serde(rename = "email")]
    Email { to: String },
    /// A DingTalk group robot (钉钉群自定义机器人) webhook; `secret` is the 加签 key (`SEC…`).
    #[serde(rename = "dingtalk")]
    DingTalk {
        url: String,
        #[serde(default)]
        secret: Option<String>,
    },
    /// A WeCom group robot (企业微信群机器人) webhook.
    #[serde(rename = "wecom")]
    WeCom { url: String },
    /// Any HTTP endpoint taking `{title, body, link, sent_at}` as JSON.
    #[serde(rename = "webhook")]
    Webhook { url: String },
    /// A mobile number, reached through the configured SMS gateway.
    #[serde(rename = "sms")]
    Sms { to: String },
}

impl Channel {
    /// The channel's name on screen.
    pub fn label(&self) -> &'static str {
        match self {
            Channel::Email { .. } => "邮件",
            Channel::DingTalk { .. } => "钉钉机器人",
            Channel::WeCom { .. } => "企业微信机器人",
            Channel::Webhook { .. } => "Webhook",
            Channel::Sms { .. } => "短信",
        }
    }
}

// Webhook URLs carry their access token in the query, so `Debug` (and logs) drop it.
impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Channel::Email { to } => f.debug_struct("Email").field("to", to).finish(),
            Channel::DingTalk { url, secret } => f
                .debug_struct("DingTalk")
                .field("url", &redact_url(url))
                .field("secret", &secret.as_ref().map(|_| "***"))
                .finish(),
            Channel::WeCom { url } => f
                .debug_struct("WeCom")
                .field("url", &redact_url(url))
                .finish(),
            Channel::Webhook { url } => f
                .debug_struct("Webhook")
                .field("url", &redact_url(url))
                .finish(),
            Channel::Sms { to } => f.debug_struct("Sms").field("to", to).finish(),
        }
    }
}

/// `url` without its query and fragment, for `Debug` output.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once(['?', '#']) {
        Some((head, _)) => format!("{head}?***"),
        None => url.to_owned(),
    }
}

/// An absolute `http`/`https` URL with a host; `what` names it in the refusal.
pub(crate) fn web_url(raw: &str, what: &str) -> Result<Url, SendError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(SendError::Invalid(format!("{what}不能为空")));
    }
    let url = Url::parse(raw).map_err(|_| {
        SendError::Invalid(format!(
            "{what}不是有效的网址，应以 http:// 或 https:// 开头"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(SendError::Invalid(format!(
            "{what}不是有效的网址，应以 http:// 或 https:// 开头"
        )));
    }
    Ok(url)
}

/// A phone number as the gateway gets it: separators (spaces, `-`) removed, an optional
/// leading `+`, then 6 to 15 digits (E.164 allows at most 15).
pub(crate) fn phone_number(raw: &str) -> Result<String, SendError> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if digits.len() < 6 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SendError::Invalid(format!(
            "手机号码“{}”无效：应为 6 到 15 位数字，可带国际区号前的 + 号",
            raw.trim()
        )));
    }
    Ok(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert_eq!(
            phone_number(" 138-0013-8000 ").ok().as_deref(),
            Some("13800138000")
        );
        assert_eq!(
            phone_number("+86 13800138000").ok().as_deref(),
            Some("+8613800138000")
        );
        for bad in [
            "",
            "12345",
            "1380013800a",
            "++8613800138000",
            "1234567890123456",
            "１３８",
        ] {
            assert!(
                matches!(phone_number(bad), Err(SendError::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn web_urls() {
        assert!(
            web_url(
                "https://oapi.dingtalk.com/robot/send?access_token=x",
                "地址"
            )
            .is_ok()
        );
        assert!(web_url("http://10.0.0.5:8080/hook", "地址").is_ok());
        for bad in [
            "",
            "oapi.dingtalk.com/robot/send",
            "ftp://example.com/",
            "javascript:alert(1)",
            "http://",
        ] {
            assert!(
                matches!(web_url(bad, "地址"), Err(SendError::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_hides_tokens_and_secrets() {
        let ch = Channel::DingTalk {
            url: "https://oapi.dingtalk.com/robot/send?access_token=TOKEN".into(),
            secret: Some("SECret".into()),
        };
        let shown = format!("{ch:?}");
        assert!(
            !shown.contains("TOKEN") && !shown.contains("SECret"),
            "{shown}"
        );
    }

    #[test]
    fn channels_in_json() {
        let ch: Channel =
            serde_json::from_str(r#"{"kind":"dingtalk","url":"https://x/robot"}"#).expect("json");
        assert_eq!(
            ch,
            Channel::DingTalk {
                url: "https://x/robot".into(),
                secret: None
            }
        );
        let back = serde_json::to_value(Channel::Sms {
            to: "13800138000".into(),
        })
        .expect("json");
        assert_eq!(
            back,
            serde_json::json!({"kind": "sms", "to": "13800138000"})
        );
    }
}
