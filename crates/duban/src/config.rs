//! Configuration in layers: defaults → duban.toml → DUBAN_* environment → command-line flags.
//! Validated at start-up; the database password never reaches a log.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// sqlite://PATH or postgres://…; empty means SQLite in the data folder.
    pub database_url: String,
    /// Where the SQLite file and attachments live.
    pub data_dir: PathBuf,
    pub idle_timeout_minutes: u64,
    pub max_upload_mb: u64,
    pub lockout_attempts: i64,
    pub lockout_window_minutes: u64,
    /// Set when served over HTTPS (marks cookies Secure).
    pub secure_cookies: bool,
    /// The address users open, for links in emails and robot messages (e.g. http://duban.local).
    pub public_url: String,
    /// How often the background jobs (reminders, deliveries) run, in seconds.
    pub jobs_interval_secs: u64,
    /// External channels: `[notify.smtp]` (host, port, tls = "none"|"starttls"|"tls", username,
    /// password, from) and `[notify.sms]` (url, format = "json"|"form", template with {phone} and
    /// {text}, headers).
    pub notify: duban_notify::Config,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            database_url: String::new(),
            data_dir: PathBuf::from("data"),
            idle_timeout_minutes: 30,
            max_upload_mb: 50,
            lockout_attempts: 5,
            lockout_window_minutes: 15,
            secure_cookies: false,
            public_url: String::new(),
            jobs_interval_secs: 30,
            notify: duban_notify::Config::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("idle_timeout_minutes", &self.idle_timeout_minutes)
            .field("max_upload_mb", &self.max_upload_mb)
            .field("lockout_attempts", &self.lockout_attempts)
            .field("lockout_window_minutes", &self.lockout_window_minutes)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_url", &self.public_url)
            .field("jobs_interval_secs", &self.jobs_interval_secs)
            .field("notify", &self.notify)
            .finish()
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s && url[s + 3..at].contains(':') => {
            let user = url[s + 3..at].split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Reads `path` (or ./duban.toml if present), then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let mut cfg = match path {
            Some(p) => Self::from_file(p)?,
            None if Path::new("duban.toml").exists() => Self::from_file(Path::new("duban.toml"))?,
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        Ok(cfg)
    }

    fn from_file(p: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("无法读取配置文件 {}", p.display()))?;
        toml::from_str(&text).with_context(|| format!("配置文件 {} 有误", p.display()))
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        fn num<T: std::str::FromStr>(k: &str, v: String) -> anyhow::Result<T> {
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("环境变量 {k} 的值“{v}”不是有效数字"))
        }
        if let Some(v) = get("DUBAN_BIND") {
            self.bind = v;
        }
        if let Some(v) = get("DUBAN_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = get("DUBAN_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("DUBAN_IDLE_TIMEOUT_MINUTES") {
            self.idle_timeout_minutes = num("DUBAN_IDLE_TIMEOUT_MINUTES", v)?;
        }
        if let Some(v) = get("DUBAN_MAX_UPLOAD_MB") {
            self.max_upload_mb = num("DUBAN_MAX_UPLOAD_MB", v)?;
        }
        if let Some(v) = get("DUBAN_LOCKOUT_ATTEMPTS") {
            self.lockout_attempts = num("DUBAN_LOCKOUT_ATTEMPTS", v)?;
        }
        if let Some(v) = get("DUBAN_LOCKOUT_WINDOW_MINUTES") {
            self.lockout_window_minutes = num("DUBAN_LOCKOUT_WINDOW_MINUTES", v)?;
        }
        if let Some(v) = get("DUBAN_SECURE_COOKIES") {
            self.secure_cookies = matches!(v.trim(), "1" | "true" | "yes");
        }
        if let Some(v) = get("DUBAN_PUBLIC_URL") {
            self.public_url = v;
        }
        if let Some(v) = get("DUBAN_JOBS_INTERVAL_SECS") {
            self.jobs_interval_secs = num("DUBAN_JOBS_INTERVAL_SECS", v)?;
        }
        // The mail server, the way intranet deployments usually pass it.
        if let Some(host) = get("DUBAN_SMTP_HOST") {
            let tls = match get("DUBAN_SMTP_TLS").as_deref().map(str::trim) {
                None | Some("starttls") => duban_notify::SmtpTls::StartTls,
                Some("none") => duban_notify::SmtpTls::None,
                Some("tls") => duban_notify::SmtpTls::Tls,
                Some(other) => {
                    bail!("环境变量 DUBAN_SMTP_TLS 的值“{other}”无效，应为 none、starttls 或 tls")
                }
            };
            self.notify.smtp = Some(duban_notify::SmtpConfig {
                host,
                port: get("DUBAN_SMTP_PORT")
                    .map(|v| num("DUBAN_SMTP_PORT", v))
                    .transpose()?,
                tls,
                username: get("DUBAN_SMTP_USERNAME"),
                password: get("DUBAN_SMTP_PASSWORD"),
                from: get("DUBAN_SMTP_FROM").unwrap_or_else(|| "duban@localhost".to_owned()),
            });
        }
        Ok(())
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            bail!("监听地址“{}”无效，应形如 127.0.0.1:8080", self.bind);
        }
        if self.idle_timeout_minutes == 0 || self.idle_timeout_minutes > 24 * 60 {
            bail!("会话空闲超时须在1至1440分钟之间");
        }
        if self.max_upload_mb == 0 || self.max_upload_mb > 1024 {
            bail!("附件大小上限须在1至1024 MB之间");
        }
        if self.lockout_attempts < 1 {
            bail!("登录失败锁定次数须至少为1");
        }
        if self.jobs_interval_secs == 0 || self.jobs_interval_secs > 3600 {
            bail!("后台任务间隔须在1至3600秒之间");
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("duban.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn web(&self) -> duban_web::WebConfig {
        duban_web::WebConfig {
            blob_dir: self.data_dir.join("attachments"),
            idle_timeout: Duration::from_secs(self.idle_timeout_minutes * 60),
            max_upload_bytes: self.max_upload_mb * 1024 * 1024,
            lockout_attempts: self.lockout_attempts,
            lockout_window: Duration::from_secs(self.lockout_window_minutes * 60),
            secure_cookies: self.secure_cookies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_and_bad_numbers_are_named() {
        let mut c = Config::default();
        c.apply_env(|k| (k == "DUBAN_MAX_UPLOAD_MB").then(|| "10".to_owned()))
            .expect("ok");
        assert_eq!(c.max_upload_mb, 10);
        let e = c
            .apply_env(|k| (k == "DUBAN_LOCKOUT_ATTEMPTS").then(|| "五".to_owned()))
            .expect_err("bad");
        assert!(e.to_string().contains("DUBAN_LOCKOUT_ATTEMPTS"));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = Config {
            database_url: "postgres://duban:secret@db/duban".into(),
            ..Config::default()
        };
        let d = format!("{c:?}");
        assert!(!d.contains("secret") && d.contains("duban:***@db"), "{d}");
    }

    #[test]
    fn sqlite_in_the_data_dir_by_default() {
        assert_eq!(Config::default().database_url(), "sqlite://data/duban.db");
    }
}
