//! SMS through an HTTP gateway: the configured template with `{phone}` and `{text}` filled
//! in, escaped for JSON or form encoding, POSTed with the configured headers.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::config::{SmsConfig, SmsFormat};
use crate::{Message, SendError};

#[derive(Clone)]
pub(crate) struct SmsGateway {
    pub(crate) url: Url,
    format: SmsFormat,
    template: String,
    pub(crate) headers: HeaderMap,
}

impl SmsGateway {
    pub(crate) fn new(cfg: &SmsConfig) -> Result<Self, SendError> {
        let url = crate::channel::web_url(&cfg.url, "短信网关地址")?;
        for placeholder in ["{phone}", "{text}"] {
            if !cfg.template.contains(placeholder) {
                return Err(SendError::Invalid(format!(
                    "短信模板缺少 {placeholder} 占位符"
                )));
            }
        }
        let mut headers = HeaderMap::new();
        let content_type = match cfg.format {
            SmsFormat::Json => "application/json; charset=utf-8",
            SmsFormat::Form => "application/x-www-form-urlencoded",
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        // Configured headers come last so they may override the content type.
        for (name, value) in &cfg.headers {
            let header = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| SendError::Invalid(format!("短信网关请求头名称“{name}”无效")))?;
            let mut value = HeaderValue::from_str(value.trim())
                .map_err(|_| SendError::Invalid(format!("短信网关请求头“{name}”的值无效")))?;
            value.set_sensitive(true);
            headers.insert(header, value);
        }
        let gateway = SmsGateway {
            url,
            format: cfg.format,
            template: cfg.template.clone(),
            headers,
        };
        if gateway.format == SmsFormat::Json {
            let sample = gateway.request_body("13800138000", "测试\"引号\"\n换行");
            serde_json::from_str::<serde_json::Value>(&sample).map_err(|e| {
                SendError::Invalid(format!("短信模板填入号码和内容后不是有效的 JSON：{e}"))
            })?;
        }
        Ok(gateway)
    }

    pub(crate) fn request_body(&self, phone: &str, text: &str) -> String {
        let escape = |value: &str| match self.format {
            SmsFormat::Json => json_string_content(value),
            SmsFormat::Form => url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        };
        fill(&self.template, &escape(phone), &escape(text))
    }
}

/// The text of the SMS: `标题：正文 链接`.
pub(crate) fn sms_text(m: &Message, link: Option<&Url>) -> String {
    let mut text = format!("{}：{}", m.title.trim(), m.body.trim());
    if let Some(link) = link {
        text.push(' ');
        text.push_str(link.as_str());
    }
    text
}

/// `value` as it appears between the quotes of a JSON string.
fn json_string_content(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Replaces `{phone}` and `{text}` in one pass, so a `{phone}` inside the text stays text.
fn fill(template: &str, phone: &str, text: &str) -> String {
    let mut out = String::with_capacity(template.len() + phone.len() + text.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix("{phone}") {
            out.push_str(phone);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{text}") {
            out.push_str(text);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(format: SmsFormat, template: &str) -> Result<SmsGateway, SendError> {
        SmsGateway::new(&SmsConfig {
            url: "https://sms.example.com/send".into(),
            format,
            template: template.into(),
            headers: Default::default(),
        })
    }

    #[test]
    fn json_template_escapes_and_keeps_braces() {
        let g = gateway(
            SmsFormat::Json,
            r#"{"to":"{phone}","msg":"{text}","extra":{"a":1}}"#,
        )
        .expect("gateway");
        let body = g.request_body("13800138000", "含\"{phone}\"\n的内容");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["to"], "13800138000");
        assert_eq!(v["msg"], "含\"{phone}\"\n的内容");
        assert_eq!(v["extra"]["a"], 1);
    }

    #[test]
    fn form_template_encodes() {
        let g =
            gateway(SmsFormat::Form, "mobile={phone}&content={text}&sign=abc").expect("gateway");
        assert_eq!(
            g.request_body("+8613800138000", "a&b=c 督办"),
            "mobile=%2B8613800138000&content=a%26b%3Dc+%E7%9D%A3%E5%8A%9E&sign=abc"
        );
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(matches!(
            gateway(SmsFormat::Json, r#"{"msg":"{text}"}"#),
            Err(SendError::Invalid(_))
        ));
        assert!(matches!(
            gateway(SmsFormat::Json, r#"{"to":"{phone}","msg":{text}}"#),
            Err(SendError::Invalid(_))
        ));
        assert!(matches!(
            gateway(SmsFormat::Form, "to={phone}"),
            Err(SendError::Invalid(_))
        ));
    }
}
