//! The HTTP side shared by robots, webhooks and the SMS gateway: one POST, and what its
//! outcome means for a retry. Errors never repeat the request URL (it carries tokens).

use reqwest::{RequestBuilder, StatusCode};

use crate::SendError;

/// Sends `req` and returns the body of a 2xx reply; `what` names the receiver in errors.
pub(crate) async fn post(req: RequestBuilder, what: &str) -> Result<String, SendError> {
    let resp = req.send().await.map_err(|e| transport_error(e, what))?;
    let status = resp.status();
    let body = resp.text().await;
    if status.is_success() {
        return body.map_err(|e| transport_error(e, what));
    }
    let snippet = body.map(|b| snippet(&b)).unwrap_or_default();
    let detail = if snippet.is_empty() {
        format!("{what}返回 HTTP {status}")
    } else {
        format!("{what}返回 HTTP {status}：{snippet}")
    };
    Err(classify_status(status, detail))
}

/// 5xx, 408 and 429 may pass later; any other 4xx is a refusal. Redirects are not followed
/// (a POST would turn into a GET): the address needs fixing.
fn classify_status(status: StatusCode, detail: String) -> SendError {
    if status.is_redirection() {
        SendError::Permanent(format!(
            "{detail}（重定向，请检查地址，例如 http 与 https）"
        ))
    } else if matches!(
        status,
        StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_EARLY | StatusCode::TOO_MANY_REQUESTS
    ) {
        SendError::Temporary(detail)
    } else if status.is_client_error() {
        SendError::Permanent(detail)
    } else {
        SendError::Temporary(detail)
    }
}

fn transport_error(e: reqwest::Error, what: &str) -> SendError {
    let e = e.without_url();
    if e.is_timeout() {
        SendError::Temporary(format!("{what}应答超时"))
    } else if e.is_connect() {
        SendError::Temporary(format!("无法连接{what}：{}", error_chain(&e)))
    } else {
        SendError::Temporary(format!("请求{what}失败：{}", error_chain(&e)))
    }
}

/// An error and its causes on one line: `a: b: c`.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// At most 200 characters of a reply body, on one line, for an error message.
pub(crate) fn snippet(body: &str) -> String {
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let class = |code: u16| {
            let status = StatusCode::from_u16(code).expect("status");
            classify_status(status, String::new()).code()
        };
        assert_eq!(class(500), "temporary");
        assert_eq!(class(503), "temporary");
        assert_eq!(class(429), "temporary");
        assert_eq!(class(408), "temporary");
        assert_eq!(class(400), "permanent");
        assert_eq!(class(404), "permanent");
        assert_eq!(class(302), "permanent");
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        assert_eq!(snippet(" a\n  b "), "a b");
        let long = "错".repeat(300);
        assert_eq!(snippet(&long).chars().count(), 201);
    }
}
