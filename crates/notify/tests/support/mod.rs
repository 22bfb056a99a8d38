//! Real receivers on 127.0.0.1 for the notifier to talk to: a small SMTP server and an HTTP
//! server (axum). Both record what arrived; nothing in the library is replaced.

#![allow(dead_code, clippy::unwrap_used)]

pub mod mime;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the SMTP server received it.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    /// `AUTH PLAIN` credentials, decoded: `"\0user\0password"`.
    pub auth: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after `DATA`, dot-stuffing undone, CRLF line ends.
    pub data: String,
}

/// A tiny SMTP server: greeting, EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// A recipient containing `reject` gets 550, one containing `busy` gets 451.
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(smtp_session(stream, store.clone()));
            }
        });
        SmtpSink { port, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

async fn smtp_session(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut mail = Mail::default();
    let mut auth = None;
    macro_rules! reply {
        ($text:expr) => {
            if write.write_all($text.as_bytes()).await.is_err() {
                return;
            }
        };
    }
    reply!("220 sink.test ESMTP ready\r\n");
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply!("250-sink.test\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n");
        } else if upper.starts_with("HELO") {
            reply!("250 sink.test\r\n");
        } else if upper.starts_with("AUTH PLAIN") {
            let initial = line[10..].trim().to_owned();
            let encoded = if initial.is_empty() {
                reply!("334 \r\n");
                match lines.next_line().await {
                    Ok(Some(next)) => next,
                    _ => return,
                }
            } else {
                initial
            };
            let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim());
            auth = decoded
                .ok()
                .map(|d| String::from_utf8_lossy(&d).into_owned());
            reply!("235 2.7.0 Authentication successful\r\n");
        } else if upper.starts_with("MAIL FROM:") {
            mail = Mail {
                auth: auth.clone(),
                from: angle_address(&line),
                ..Mail::default()
            };
            reply!("250 2.1.0 OK\r\n");
        } else if upper.starts_with("RCPT TO:") {
            let to = angle_address(&line);
            if to.contains("reject") {
                reply!("550 5.1.1 User unknown\r\n");
            } else if to.contains("busy") {
                reply!("451 4.3.0 Mailbox busy, try again later\r\n");
            } else {
                mail.to.push(to);
                reply!("250 2.1.5 OK\r\n");
            }
        } else if upper == "DATA" {
            reply!("354 End data with <CR><LF>.<CR><LF>\r\n");
            let mut data = String::new();
            loop {
                match lines.next_line().await {
                    Ok(Some(l)) if l == "." => break,
                    Ok(Some(l)) => {
                        data.push_str(l.strip_prefix('.').unwrap_or(&l));
                        data.push_str("\r\n");
                    }
                    _ => return,
                }
            }
            mail.data = data;
            mails.lock().unwrap().push(std::mem::take(&mut mail));
            reply!("250 2.0.0 OK queued\r\n");
        } else if upper == "RSET" || upper == "NOOP" {
            reply!("250 OK\r\n");
        } else if upper == "QUIT" {
            reply!("221 2.0.0 Bye\r\n");
            return;
        } else {
            reply!("502 5.5.2 Command not recognized\r\n");
        }
    }
}

/// `MAIL FROM:<a@b> SIZE=1` → `a@b`.
fn angle_address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_owned()
}

/// One request as the HTTP server received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Request {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// The decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

/// An HTTP receiver whose reply is chosen by the path:
/// `/ok` → 200 `{"errcode":0,"errmsg":"ok"}`; `/status/N` → status N;
/// `/errcode/N` → 200 with `errcode` N; `/redirect` → 302; `/html` → 200 with an HTML page;
/// `/slow` → answers after 5 s.
pub struct HttpSink {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl HttpSink {
    pub async fn start() -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(receive).with_state(requests.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        HttpSink { addr, requests }
    }

    /// `path_and_query` on this server, e.g. `/ok?access_token=abc`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received so far.
    pub fn single(&self) -> Request {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.into_iter().next().unwrap()
    }
}

async fn receive(
    State(requests): State<Arc<Mutex<Vec<Request>>>>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let path = uri.path().to_owned();
    requests.lock().unwrap().push(Request {
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    let json = [(header::CONTENT_TYPE, "application/json")];
    let number = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|n| n.parse::<i64>().ok())
    };
    if path == "/ok" {
        (json, r#"{"errcode":0,"errmsg":"ok"}"#).into_response()
    } else if let Some(code) = number("/status/") {
        let code = u16::try_from(code).unwrap();
        let status = StatusCode::from_u16(code).unwrap();
        (status, format!("服务器应答 {code}")).into_response()
    } else if let Some(code) = number("/errcode/") {
        (
            json,
            format!(r#"{{"errcode":{code},"errmsg":"refused by test"}}"#),
        )
            .into_response()
    } else if path == "/redirect" {
        (StatusCode::FOUND, [(header::LOCATION, "/ok")]).into_response()
    } else if path == "/html" {
        (
            [(header::CONTENT_TYPE, "text/html")],
            "<html>系统维护中</html>",
        )
            .into_response()
    } else if path == "/slow" {
        tokio::time::sleep(Duration::from_secs(5)).await;
        (json, r#"{"errcode":0,"errmsg":"ok"}"#).into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// A local port nobody listens on.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}
