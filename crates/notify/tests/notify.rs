//! Each channel delivered to a real local receiver (an SMTP server and an HTTP server started
//! by the test), and each kind of failure mapped to the right `SendError`.

#![allow(clippy::unwrap_used)]

mod support;

use base64::Engine;
use duban_notify::{
    Channel, Config, Message, Notifier, SendError, SmsConfig, SmsFormat, SmtpConfig, SmtpTls,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use support::{HttpSink, SmtpSink, closed_port, mime};

const LINK: &str = "https://duban.example.gov.cn/matters/42";

fn message() -> Message {
    Message {
        title: "督办提醒：关于老旧小区改造的督查事项".into(),
        body: "请于 5 个工作日内反馈办理情况。\n逾期将列入督查通报。".into(),
        link: Some(LINK.into()),
    }
}

fn notifier() -> Notifier {
    Notifier::new(Config::default()).unwrap()
}

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        tls: SmtpTls::None,
        username: Some("duban".into()),
        password: Some("s3cret".into()),
        from: "张范街道督查督办 <duban@example.gov.cn>".into(),
    }
}

fn mailer(port: u16) -> Notifier {
    Notifier::new(Config {
        smtp: Some(smtp(port)),
        ..Config::default()
    })
    .unwrap()
}

fn email(to: &str) -> Channel {
    Channel::Email { to: to.into() }
}

fn code(result: Result<(), SendError>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(e) => e.code(),
    }
}

// ---- email ----

#[tokio::test]
async fn email_arrives_with_chinese_subject_sender_and_body() {
    let sink = SmtpSink::start().await;
    mailer(sink.port)
        .send(&email("张三 <zhang.san@example.gov.cn>"), &message())
        .await
        .unwrap();

    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.auth.as_deref(), Some("\0duban\0s3cret"));
    assert_eq!(mail.from, "duban@example.gov.cn");
    assert_eq!(mail.to, ["zhang.san@example.gov.cn"]);

    let parsed = mime::parse(&mail.data);
    let raw_subject = parsed.raw("Subject").unwrap();
    assert!(
        raw_subject.is_ascii() && raw_subject.contains("=?utf-8?"),
        "{raw_subject}"
    );
    assert_eq!(parsed.decoded("Subject").unwrap(), message().title);
    assert!(parsed.decoded("From").unwrap().contains("张范街道督查督办"));
    assert!(
        parsed
            .decoded("From")
            .unwrap()
            .contains("<duban@example.gov.cn>")
    );
    assert!(
        parsed
            .decoded("To")
            .unwrap()
            .contains("<zhang.san@example.gov.cn>")
    );
    assert!(
        parsed
            .raw("Content-Type")
            .unwrap()
            .starts_with("text/plain; charset=utf-8")
    );
    assert!(
        parsed.raw("Date").is_some() && parsed.raw("Message-ID").is_some(),
        "{}",
        mail.data
    );

    let body = parsed.body();
    assert!(
        body.starts_with(&format!("{}\r\n\r\n", message().title)),
        "{body}"
    );
    assert!(
        body.contains("请于 5 个工作日内反馈办理情况。\r\n逾期将列入督查通报。"),
        "{body}"
    );
    assert!(body.contains(&format!("查看详情：{LINK}")), "{body}");
}

#[tokio::test]
async fn email_without_link_or_credentials() {
    let sink = SmtpSink::start().await;
    let notifier = Notifier::new(Config {
        smtp: Some(SmtpConfig {
            username: None,
            password: None,
            ..smtp(sink.port)
        }),
        ..Config::default()
    })
    .unwrap();
    let m = Message {
        link: None,
        ..message()
    };
    notifier
        .send(&email("li@example.gov.cn"), &m)
        .await
        .unwrap();
    let mail = &sink.mails()[0];
    assert_eq!(mail.auth, None);
    assert!(!mime::parse(&mail.data).body().contains("查看详情"));
}

#[tokio::test]
async fn email_refusals_are_permanent_or_temporary_as_the_server_says() {
    let sink = SmtpSink::start().await;
    let notifier = mailer(sink.port);

    let rejected = notifier
        .send(&email("reject@example.gov.cn"), &message())
        .await;
    let err = rejected.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("550"), "{err}");

    let busy = notifier
        .send(&email("busy@example.gov.cn"), &message())
        .await;
    let err = busy.unwrap_err();
    assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
    assert!(err.is_retryable());

    assert!(sink.mails().is_empty());
}

#[tokio::test]
async fn email_to_a_closed_port_is_temporary() {
    let notifier = mailer(closed_port().await);
    let err = notifier
        .send(&email("li@example.gov.cn"), &message())
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
}

#[tokio::test]
async fn starttls_required_is_never_downgraded_to_plain_text() {
    // The sink offers no STARTTLS: the message must not go out unencrypted.
    let sink = SmtpSink::start().await;
    let notifier = Notifier::new(Config {
        smtp: Some(SmtpConfig {
            tls: SmtpTls::StartTls,
            ..smtp(sink.port)
        }),
        ..Config::default()
    })
    .unwrap();
    let err = notifier
        .send(&email("li@example.gov.cn"), &message())
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(sink.mails().is_empty());
}

#[tokio::test]
async fn email_needs_smtp_and_a_valid_address() {
    let err = notifier()
        .send(&email("li@example.gov.cn"), &message())
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::NotConfigured(_)), "{err:?}");
    assert!(err.to_string().contains("SMTP"), "{err}");

    let sink = SmtpSink::start().await;
    let notifier = mailer(sink.port);
    for bad in [
        "",
        "li",
        "li@",
        "@example.gov.cn",
        "li @example.gov.cn",
        "a@b@c",
    ] {
        let err = notifier.send(&email(bad), &message()).await.unwrap_err();
        assert!(matches!(err, SendError::Invalid(_)), "{bad}: {err:?}");
        assert!(err.to_string().contains("邮件地址"), "{err}");
    }
    assert!(sink.mails().is_empty());
}

// ---- DingTalk ----

#[tokio::test]
async fn dingtalk_markdown_with_sign() {
    let sink = HttpSink::start().await;
    let secret = "SEC0123456789abcdef";
    let ch = Channel::DingTalk {
        url: sink.url("/ok?access_token=tok123"),
        secret: Some(secret.into()),
    };
    let before = chrono::Utc::now().timestamp_millis();
    notifier().send(&ch, &message()).await.unwrap();
    let after = chrono::Utc::now().timestamp_millis();

    let req = sink.single();
    assert!(
        req.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let pairs = req.query_pairs();
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["access_token", "timestamp", "sign"]);
    assert_eq!(pairs[0].1, "tok123");

    // The sign is checked the way DingTalk's server would, from the raw query string.
    let timestamp: i64 = pairs[1].1.parse().unwrap();
    assert!(
        (before..=after).contains(&timestamp),
        "timestamp is in milliseconds"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(pairs[2].1, expected);
    let raw_sign = req
        .query
        .as_deref()
        .unwrap()
        .rsplit("sign=")
        .next()
        .unwrap();
    assert!(
        !raw_sign.contains(['+', '/', '=']),
        "sign is URL-encoded: {raw_sign}"
    );

    let body = req.json();
    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(body["markdown"]["title"], message().title);
    let text = body["markdown"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("#### {}\n\n", message().title)),
        "{text}"
    );
    assert!(
        text.contains("请于 5 个工作日内反馈办理情况。\n\n逾期将列入督查通报。"),
        "{text}"
    );
    assert!(text.ends_with(&format!("[查看详情]({LINK})")), "{text}");
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

#[tokio::test]
async fn dingtalk_without_secret_is_not_signed() {
    let sink = HttpSink::start().await;
    for secret in [None, Some("  ".to_owned())] {
        let ch = Channel::DingTalk {
            url: sink.url("/ok?access_token=tok123"),
            secret,
        };
        notifier().send(&ch, &message()).await.unwrap();
    }
    for req in sink.requests() {
        assert_eq!(req.query.as_deref(), Some("access_token=tok123"));
    }
}

#[tokio::test]
async fn dingtalk_errcodes_fail_even_with_http_200() {
    let sink = HttpSink::start().await;
    let send = |path: &str| {
        let ch = Channel::DingTalk {
            url: sink.url(path),
            secret: Some("SECx".into()),
        };
        async move { notifier().send(&ch, &message()).await }
    };
    let err = send("/errcode/310000").await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(
        err.to_string().contains("310000") && err.to_string().contains("关键词"),
        "{err}"
    );
    assert_eq!(code(send("/errcode/130101").await), "temporary");
    // Not DingTalk's JSON (a proxy's maintenance page): try again later.
    assert_eq!(code(send("/html").await), "temporary");
}

// ---- WeCom ----

#[tokio::test]
async fn wecom_markdown() {
    let sink = HttpSink::start().await;
    let ch = Channel::WeCom {
        url: sink.url("/ok?key=693a91f6"),
    };
    notifier().send(&ch, &message()).await.unwrap();

    let req = sink.single();
    assert_eq!(req.query.as_deref(), Some("key=693a91f6"));
    assert!(
        req.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let body = req.json();
    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(body["markdown"].as_object().unwrap().len(), 1, "{body}");
    assert_eq!(
        body["markdown"]["content"],
        format!(
            "**{}**\n请于 5 个工作日内反馈办理情况。\n逾期将列入督查通报。\n[查看详情]({LINK})",
            message().title
        )
    );
}

#[tokio::test]
async fn wecom_errcodes() {
    let sink = HttpSink::start().await;
    let send = |path: &str| {
        let ch = Channel::WeCom {
            url: sink.url(path),
        };
        async move { notifier().send(&ch, &message()).await }
    };
    assert_eq!(code(send("/errcode/93000").await), "permanent");
    assert_eq!(code(send("/errcode/45009").await), "temporary");
    assert_eq!(code(send("/ok").await), "ok");
}

// ---- plain webhook ----

#[tokio::test]
async fn webhook_posts_plain_json() {
    let sink = HttpSink::start().await;
    let ch = Channel::Webhook {
        url: sink.url("/ok"),
    };
    notifier().send(&ch, &message()).await.unwrap();
    let no_link = Message {
        link: None,
        ..message()
    };
    notifier().send(&ch, &no_link).await.unwrap();

    let requests = sink.requests();
    let body = requests[0].json();
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["body", "link", "sent_at", "title"]);
    assert_eq!(body["title"], message().title);
    assert_eq!(body["body"], message().body);
    assert_eq!(body["link"], LINK);
    let sent_at = chrono::DateTime::parse_from_rfc3339(body["sent_at"].as_str().unwrap()).unwrap();
    assert!((chrono::Utc::now() - sent_at.to_utc()).num_seconds().abs() < 60);
    assert!(requests[1].json()["link"].is_null());
}

// ---- SMS ----

fn sms_notifier(sink: &HttpSink, format: SmsFormat, template: &str) -> Notifier {
    Notifier::new(Config {
        sms: Some(SmsConfig {
            url: sink.url("/ok"),
            format,
            template: template.into(),
            headers: [("Authorization".to_owned(), "Bearer t0ken".to_owned())].into(),
        }),
        ..Config::default()
    })
    .unwrap()
}

#[tokio::test]
async fn sms_json_template_is_filled() {
    let sink = HttpSink::start().await;
    let notifier = sms_notifier(
        &sink,
        SmsFormat::Json,
        r#"{"mobile":"{phone}","content":"{text}","sign":"张范街道"}"#,
    );
    let ch = Channel::Sms {
        to: "138 0013-8000".into(),
    };
    notifier.send(&ch, &message()).await.unwrap();

    let req = sink.single();
    assert_eq!(req.header("authorization").as_deref(), Some("Bearer t0ken"));
    assert!(
        req.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let body = req.json();
    assert_eq!(body["mobile"], "13800138000");
    assert_eq!(body["sign"], "张范街道");
    assert_eq!(
        body["content"],
        format!(
            "{}：请于 5 个工作日内反馈办理情况。\n逾期将列入督查通报。 {LINK}",
            message().title
        )
    );
}

#[tokio::test]
async fn sms_form_template_is_filled() {
    let sink = HttpSink::start().await;
    let notifier = sms_notifier(&sink, SmsFormat::Form, "to={phone}&msg={text}&account=zf");
    let ch = Channel::Sms {
        to: "+8613800138000".into(),
    };
    let m = Message {
        title: "提醒".into(),
        body: "A&B=C".into(),
        link: None,
    };
    notifier.send(&ch, &m).await.unwrap();

    let req = sink.single();
    assert_eq!(
        req.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(req.body.as_bytes())
        .into_owned()
        .collect();
    let expected = [
        ("to", "+8613800138000"),
        ("msg", "提醒：A&B=C"),
        ("account", "zf"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn sms_needs_a_gateway_and_a_phone_number() {
    let ch = Channel::Sms {
        to: "13800138000".into(),
    };
    let err = notifier().send(&ch, &message()).await.unwrap_err();
    assert!(matches!(err, SendError::NotConfigured(_)), "{err:?}");

    let sink = HttpSink::start().await;
    let notifier = sms_notifier(&sink, SmsFormat::Json, r#"{"m":"{phone}","t":"{text}"}"#);
    for bad in ["", "138-abc", "12345", "8613800138000123456", "+"] {
        let ch = Channel::Sms { to: bad.into() };
        let err = notifier.send(&ch, &message()).await.unwrap_err();
        assert!(matches!(err, SendError::Invalid(_)), "{bad}: {err:?}");
        assert!(err.to_string().contains("手机号码"), "{err}");
    }
    assert!(sink.requests().is_empty());
}

// ---- HTTP failures, shared by every HTTP channel ----

#[tokio::test]
async fn http_statuses_decide_retry() {
    let sink = HttpSink::start().await;
    let send = |path: &str| {
        let ch = Channel::Webhook {
            url: sink.url(path),
        };
        async move { notifier().send(&ch, &message()).await }
    };
    let err = send("/status/500").await.unwrap_err();
    assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
    assert!(
        err.to_string().contains("500") && err.to_string().contains("服务器应答"),
        "{err}"
    );
    assert_eq!(code(send("/status/503").await), "temporary");
    assert_eq!(code(send("/status/429").await), "temporary");
    assert_eq!(code(send("/status/400").await), "permanent");
    assert_eq!(code(send("/status/403").await), "permanent");
    assert_eq!(code(send("/no-such-path").await), "permanent");
    // A redirect is not followed (it would turn the POST into a GET).
    assert_eq!(code(send("/redirect").await), "permanent");
    assert_eq!(
        sink.requests().iter().filter(|r| r.path == "/ok").count(),
        0
    );

    // The robots go through the same door.
    let robot = Channel::DingTalk {
        url: sink.url("/status/502"),
        secret: None,
    };
    assert_eq!(code(notifier().send(&robot, &message()).await), "temporary");
    let robot = Channel::WeCom {
        url: sink.url("/status/404"),
    };
    assert_eq!(code(notifier().send(&robot, &message()).await), "permanent");
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_temporary() {
    let sink = HttpSink::start().await;
    let quick = Notifier::new(Config {
        timeout_secs: 1,
        ..Config::default()
    })
    .unwrap();
    let slow = Channel::Webhook {
        url: sink.url("/slow"),
    };
    let err = quick.send(&slow, &message()).await.unwrap_err();
    assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
    assert!(err.to_string().contains("超时"), "{err}");

    let port = closed_port().await;
    let refused = Channel::DingTalk {
        url: format!("http://127.0.0.1:{port}/robot/send?access_token=TOPSECRET"),
        secret: Some("SECx".into()),
    };
    let err = notifier().send(&refused, &message()).await.unwrap_err();
    assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().starts_with("暂时无法送达"), "{err}");
    // Errors end up in the database and on screen: never with the webhook's token.
    assert!(!err.to_string().contains("TOPSECRET"), "{err}");
    assert!(!format!("{err:?}").contains("TOPSECRET"), "{err:?}");
}

// ---- input checks ----

#[tokio::test]
async fn bad_urls_and_messages_are_invalid_and_send_nothing() {
    let sink = HttpSink::start().await;
    let ok = sink.url("/ok");
    let bad_channels = [
        Channel::Webhook { url: "".into() },
        Channel::Webhook {
            url: "example.com/hook".into(),
        },
        Channel::Webhook {
            url: "ftp://example.com/hook".into(),
        },
        Channel::WeCom {
            url: "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x".into(),
        },
        Channel::DingTalk {
            url: "不是网址".into(),
            secret: None,
        },
    ];
    for ch in &bad_channels {
        let err = notifier().send(ch, &message()).await.unwrap_err();
        assert!(matches!(err, SendError::Invalid(_)), "{ch:?}: {err:?}");
        assert!(err.to_string().contains("地址"), "{err}");
    }

    let bad_messages = [
        Message {
            title: " ".into(),
            ..message()
        },
        Message {
            link: Some("/matters/42".into()),
            ..message()
        },
        Message {
            link: Some("javascript:alert(1)".into()),
            ..message()
        },
    ];
    for m in &bad_messages {
        let ch = Channel::Webhook { url: ok.clone() };
        let err = notifier().send(&ch, m).await.unwrap_err();
        assert!(matches!(err, SendError::Invalid(_)), "{m:?}: {err:?}");
    }
    assert!(sink.requests().is_empty());
}

#[test]
fn bad_configuration_is_refused_at_start() {
    let invalid = |cfg: Config| matches!(Notifier::new(cfg), Err(SendError::Invalid(_)));
    let with_smtp = |smtp: SmtpConfig| Config {
        smtp: Some(smtp),
        ..Config::default()
    };
    let with_sms = |url: &str, template: &str| Config {
        sms: Some(SmsConfig {
            url: url.into(),
            format: SmsFormat::Json,
            template: template.into(),
            headers: Default::default(),
        }),
        ..Config::default()
    };
    assert!(invalid(Config {
        timeout_secs: 0,
        ..Config::default()
    }));
    assert!(invalid(with_smtp(SmtpConfig {
        from: "督查督办".into(),
        ..smtp(25)
    })));
    assert!(invalid(with_smtp(SmtpConfig {
        host: " ".into(),
        ..smtp(25)
    })));
    assert!(invalid(with_smtp(SmtpConfig {
        password: None,
        ..smtp(25)
    })));
    assert!(invalid(with_sms(
        "https://sms.example.com/send",
        r#"{"m":"{phone}"}"#
    )));
    assert!(invalid(with_sms(
        "sms.example.com",
        r#"{"m":"{phone}","t":"{text}"}"#
    )));
    assert!(invalid(with_sms(
        "https://sms.example.com/send",
        r#"{"m":"{phone}","t":{text}}"#
    )));
    assert!(!invalid(with_sms(
        "https://sms.example.com/send",
        r#"{"m":"{phone}","t":"{text}"}"#
    )));
}

#[test]
fn config_reads_from_toml_shaped_json_and_hides_secrets() {
    let cfg: Config = serde_json::from_value(serde_json::json!({
        "smtp": {
            "host": "smtp.example.gov.cn",
            "tls": "tls",
            "username": "duban",
            "password": "s3cret",
            "from": "张范街道督查督办 <duban@example.gov.cn>"
        },
        "sms": {
            "url": "https://sms.example.com/send?apikey=K3Y",
            "format": "form",
            "template": "m={phone}&t={text}",
            "headers": { "Authorization": "Bearer t0ken" }
        }
    }))
    .unwrap();
    assert_eq!(cfg.timeout_secs, duban_notify::DEFAULT_TIMEOUT_SECS);
    let smtp = cfg.smtp.as_ref().unwrap();
    assert_eq!((smtp.tls, smtp.port), (SmtpTls::Tls, None));
    assert_eq!(smtp.tls.default_port(), 465);
    let shown = format!("{cfg:?}");
    for secret in ["s3cret", "K3Y", "t0ken"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(Notifier::new(cfg).is_ok());
}

#[test]
fn errors_read_in_chinese_and_say_whether_to_retry() {
    let cases = [
        (
            SendError::NotConfigured("x".into()),
            "未配置：x",
            false,
            "not_configured",
        ),
        (
            SendError::Invalid("x".into()),
            "参数无效：x",
            false,
            "invalid",
        ),
        (
            SendError::Temporary("x".into()),
            "暂时无法送达：x",
            true,
            "temporary",
        ),
        (
            SendError::Permanent("x".into()),
            "送达被拒绝：x",
            false,
            "permanent",
        ),
    ];
    for (err, shown, retry, code) in cases {
        assert_eq!(err.to_string(), shown);
        assert_eq!(err.is_retryable(), retry);
        assert_eq!(err.code(), code);
    }
}
