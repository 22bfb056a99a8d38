//! Group robots: DingTalk (钉钉自定义机器人) and WeCom (企业微信群机器人). Both take a
//! markdown message as JSON and answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}` on
//! success; any other `errcode` is a failure even though the HTTP status is 200.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use url::Url;

use crate::{Message, SendError};

/// DingTalk: `keywords not in content`, `sign not match`, `invalid timestamp`, `ip not in
/// whitelist` all come as 310000: the robot's security settings refuse us until someone
/// changes them.
const DINGTALK_SECURITY: i64 = 310000;
/// WeCom: `invalid webhook url` (the robot was removed or the key is wrong).
const WECOM_INVALID_WEBHOOK: i64 = 93000;
/// WeCom limits a markdown `content` to 4096 bytes of UTF-8.
const WECOM_MARKDOWN_MAX: usize = 4096;

/// Appends `timestamp` (ms) and `sign` to a DingTalk webhook URL, per the 加签 rule:
/// `sign = urlencode(base64(HmacSHA256(key = secret, msg = timestamp + "\n" + secret)))`.
pub(crate) fn dingtalk_signed(
    mut url: Url,
    secret: &str,
    timestamp_ms: i64,
) -> Result<Url, SendError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| SendError::Invalid("钉钉机器人加签密钥无效".into()))?;
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    // `append_pair` form-encodes, which is the URL-encoding DingTalk expects (+ / = escaped).
    url.query_pairs_mut()
        .append_pair("timestamp", &timestamp_ms.to_string())
        .append_pair("sign", &sign);
    Ok(url)
}

pub(crate) fn dingtalk_body(m: &Message, link: Option<&Url>) -> Value {
    // DingTalk's markdown needs a blank line for a line break.
    let mut text = format!(
        "#### {}\n\n{}",
        m.title.trim(),
        m.body.trim().replace('\n', "\n\n")
    );
    if let Some(link) = link {
        text.push_str(&format!("\n\n[查看详情]({link})"));
    }
    json!({
        "msgtype": "markdown",
        "markdown": { "title": m.title.trim(), "text": text },
    })
}

pub(crate) fn wecom_body(m: &Message, link: Option<&Url>) -> Value {
    let head = format!("**{}**\n", m.title.trim());
    let tail = link
        .map(|l| format!("\n[查看详情]({l})"))
        .unwrap_or_default();
    let body = m.body.trim();
    let room = WECOM_MARKDOWN_MAX.saturating_sub(head.len() + tail.len());
    let content = if body.len() <= room {
        format!("{head}{body}{tail}")
    } else {
        let cut = truncate_utf8(body, room.saturating_sub("…".len()));
        let content = format!("{head}{cut}…{tail}");
        // Only a title longer than the whole limit gets here still too long.
        truncate_utf8(&content, WECOM_MARKDOWN_MAX).to_owned()
    };
    json!({ "msgtype": "markdown", "markdown": { "content": content } })
}

/// The longest prefix of `s` within `max` bytes that ends on a character boundary.
fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[derive(Deserialize)]
struct Reply {
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: String,
}

pub(crate) fn check_dingtalk(body: &str) -> Result<(), SendError> {
    check_reply("钉钉机器人", body, |code| code == DINGTALK_SECURITY).map_err(|e| match e {
        SendError::Permanent(msg) => SendError::Permanent(format!(
            "{msg}（请检查机器人的安全设置：自定义关键词、加签密钥或 IP 白名单）"
        )),
        other => other,
    })
}

pub(crate) fn check_wecom(body: &str) -> Result<(), SendError> {
    check_reply("企业微信机器人", body, |code| {
        code == WECOM_INVALID_WEBHOOK
    })
}

/// `errcode` 0 is success; `permanent` picks the codes no retry can fix. A reply that is not
/// the robot's JSON (a proxy's page, say) is treated as a passing fault.
fn check_reply(what: &str, body: &str, permanent: impl Fn(i64) -> bool) -> Result<(), SendError> {
    let reply: Reply = serde_json::from_str(body).map_err(|_| {
        SendError::Temporary(format!(
            "{what}的应答无法识别：{}",
            crate::http::snippet(body)
        ))
    })?;
    match reply.errcode {
        Some(0) => Ok(()),
        Some(code) => {
            let msg = format!("{what}返回错误 {code}：{}", reply.errmsg);
            if permanent(code) {
                Err(SendError::Permanent(msg))
            } else {
                Err(SendError::Temporary(msg))
            }
        }
        None => Err(SendError::Temporary(format!(
            "{what}的应答缺少 errcode：{}",
            crate::http::snippet(body)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> Message {
        Message {
            title: "督办提醒".into(),
            body: body.into(),
            link: None,
        }
    }

    #[test]
    fn sign_is_appended_after_the_token_and_url_encoded() {
        let url = Url::parse("https://oapi.dingtalk.com/robot/send?access_token=abc").expect("url");
        let signed = dingtalk_signed(url, "SECtest", 1_700_000_000_000).expect("signed");
        let query = signed.query().expect("query");
        assert!(
            query.starts_with("access_token=abc&timestamp=1700000000000&sign="),
            "{query}"
        );
        let sign = query.rsplit("sign=").next().expect("sign");
        assert!(
            !sign.contains(['+', '/', '=']),
            "sign must be URL-encoded: {sign}"
        );
    }

    #[test]
    fn wecom_content_fits_4096_bytes() {
        let long = message(&"督查事项".repeat(1000));
        let link = Url::parse("https://duban.example.gov.cn/matters/1").expect("url");
        let body = wecom_body(&long, Some(&link));
        let content = body["markdown"]["content"].as_str().expect("content");
        assert!(content.len() <= WECOM_MARKDOWN_MAX);
        assert!(content.ends_with("…\n[查看详情](https://duban.example.gov.cn/matters/1)"));

        let huge_title = Message {
            title: "标".repeat(2000),
            ..message("x")
        };
        let body = wecom_body(&huge_title, None);
        assert!(body["markdown"]["content"].as_str().expect("content").len() <= WECOM_MARKDOWN_MAX);
    }

    #[test]
    fn replies() {
        assert!(check_dingtalk(r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert_eq!(
            check_dingtalk(r#"{"errcode":310000,"errmsg":"sign not match"}"#).map_err(|e| e.code()),
            Err("permanent")
        );
        assert_eq!(
            check_dingtalk(r#"{"errcode":130101,"errmsg":"send too fast"}"#).map_err(|e| e.code()),
            Err("temporary")
        );
        assert_eq!(
            check_wecom(r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)
                .map_err(|e| e.code()),
            Err("permanent")
        );
        assert_eq!(
            check_wecom("<html>").map_err(|e| e.code()),
            Err("temporary")
        );
    }
}
