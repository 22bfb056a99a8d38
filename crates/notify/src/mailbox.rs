//! A local mailbox: a small SMTP server that accepts every message and keeps it (in memory, and
//! as .eml files when given a folder). For trying the email channel on an intranet box without a
//! mail server (`duban mailbox`), and for tests that check what was really sent.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The raw message (headers and body), dot-unstuffed.
    pub data: String,
}

/// A running mailbox; dropping it does not stop the server task (it ends with the runtime).
#[derive(Clone)]
pub struct Mailbox {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl Mailbox {
    /// Listens on `bind` (e.g. 127.0.0.1:2525, or port 0 for any free port).
    pub async fn start(bind: &str, dir: Option<PathBuf>) -> std::io::Result<Mailbox> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        if let Some(d) = &dir {
            std::fs::create_dir_all(d)?;
        }
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (mails, dir) = (kept.clone(), dir.clone());
                tokio::spawn(async move {
                    let _ = session(stream, mails, dir).await;
                });
            }
        });
        Ok(Mailbox { addr, mails })
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

async fn session(
    stream: TcpStream,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    dir: Option<PathBuf>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write
        .write_all(b"220 duban-mailbox ESMTP ready\r\n")
        .await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-duban-mailbox\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 duban-mailbox\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line[10..]);
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&line[8..]));
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            let mail = ReceivedMail {
                from: from.clone(),
                to: to.clone(),
                data,
            };
            if let Some(d) = &dir {
                let n = mails.lock().map(|m| m.len()).unwrap_or(0) + 1;
                let name = format!("{}-{n:04}.eml", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
                std::fs::write(d.join(name), &mail.data)?;
            }
            if let Ok(mut m) = mails.lock() {
                m.push(mail);
            }
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            break;
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
    Ok(())
}

fn address(s: &str) -> String {
    let s = s.trim();
    match (s.find('<'), s.find('>')) {
        (Some(a), Some(b)) if b > a => s[a + 1..b].to_owned(),
        _ => s.split_whitespace().next().unwrap_or("").to_owned(),
    }
}
