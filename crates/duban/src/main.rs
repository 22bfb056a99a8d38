//! duban — the binary: `serve` (with `--demo`), `admin create-user`, `audit verify`.

mod config;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use duban_domain::{Role, UnitKind};
use duban_store::audit::ChainCheck;
use duban_store::org::UserInput;
use duban_store::{Meta, Store};

use crate::config::Config;

/// 督办 Duban — 街道督查督办系统
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (default: ./duban.toml if present)
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database: sqlite://PATH or postgres://USER@HOST/DB (overrides the configuration)
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        /// Seed the demo organisation 张范街道 into an empty database (password Demo@2026).
        #[arg(long)]
        demo: bool,
        /// Address to listen on, e.g. 0.0.0.0:8080
        #[arg(long)]
        bind: Option<String>,
        /// Folder for the SQLite file and attachments
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// A local mailbox for trying the email channel without a mail server: an SMTP server that
    /// keeps every message as an .eml file (point DUBAN_SMTP_HOST/PORT at it, DUBAN_SMTP_TLS=none).
    Mailbox {
        #[arg(long, default_value = "127.0.0.1:2525")]
        bind: String,
        #[arg(long, default_value = "data/mailbox")]
        dir: PathBuf,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user (the first administrator on a new installation). The password is read
    /// from --password, else DUBAN_PASSWORD, else one line of standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Role codes: system_admin, security_admin, audit_admin, principal_leader, supervision_leader,
        /// area_leader, supervision_office, unit_head, unit_staff, discipline
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The user's unit (created under the root if missing)
        #[arg(long)]
        unit: Option<String>,
        /// The organisation's name, used when the database has no units yet
        #[arg(long, default_value = "街道")]
        org: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a user's password (the only way for administrator accounts, 三员分立); ends the
    /// user's sessions and lifts a lockout. Password as for create-user.
    SetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit chain; names the first broken record.
    Verify,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(Cli::parse())) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn connect(cfg: &Config) -> anyhow::Result<Store> {
    let url = cfg.database_url();
    Store::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(d) = cli.database {
        cfg.database_url = d;
    }
    match cli.command {
        Command::Serve {
            demo,
            bind,
            data_dir,
        } => {
            if let Some(b) = bind {
                cfg.bind = b;
            }
            if let Some(d) = data_dir {
                cfg.data_dir = d;
            }
            cfg.validate()?;
            serve(cfg, demo).await?;
        }
        Command::Mailbox { bind, dir } => {
            let mb = duban_notify::mailbox::Mailbox::start(&bind, Some(dir.clone()))
                .await
                .with_context(|| format!("无法监听 {bind}"))?;
            println!(
                "本地邮箱已启动：smtp://{}，收到的邮件保存在 {}。
请用 DUBAN_SMTP_HOST={} DUBAN_SMTP_PORT={} DUBAN_SMTP_TLS=none 启动督办系统。",
                mb.addr,
                dir.display(),
                mb.addr.ip(),
                mb.addr.port()
            );
            let mut seen = 0;
            loop {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => break,
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                let mails = mb.mails();
                for m in mails.iter().skip(seen) {
                    println!("收到邮件：{} → {}", m.from, m.to.join(", "));
                }
                seen = mails.len();
            }
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    username,
                    name,
                    roles,
                    unit,
                    org,
                    password,
                },
        } => {
            let store = connect(&cfg).await?;
            create_user(&store, username, name, roles, unit, org, password).await?;
        }
        Command::Admin {
            command: AdminCommand::SetPassword { username, password },
        } => {
            let store = connect(&cfg).await?;
            let Some((id, _, _)) = store.credentials(&username).await? else {
                bail!("用户 {username} 不存在");
            };
            let hash = duban_web::auth::hash_password(&read_password(password)?)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store
                .set_password(None, id, &hash, &Meta { ip: "cli".into() })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已重置用户 {username} 的密码，并注销其全部会话。");
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = connect(&cfg).await?;
            match store.verify_audit_chain().await? {
                ChainCheck::Intact { records } => {
                    println!("审计链完整：共 {records} 条记录，逐条校验通过。")
                }
                ChainCheck::Broken { id, why } => {
                    println!("审计链断开：第 {id} 条记录 —— {why}");
                    return Ok(std::process::ExitCode::from(2));
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

pub const DEMO_PASSWORD: &str = "Demo@2026";

async fn serve(cfg: Config, demo: bool) -> anyhow::Result<()> {
    tracing::info!(config = ?cfg, "starting");
    let store = connect(&cfg).await?;
    if demo {
        let hash =
            duban_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
        if store.seed_demo(&hash).await.context("生成演示数据失败")? {
            println!(
                "已生成演示单位“张范街道”，全部演示账户密码为 {DEMO_PASSWORD}（账户见 README）。"
            );
        }
    } else if store.user_count().await? == 0 {
        println!(
            "数据库中还没有用户。请先运行：duban admin create-user --username admin --name 管理员 --role system_admin"
        );
    }
    let notifier = if cfg.notify.smtp.is_some() || cfg.notify.sms.is_some() {
        Some(
            duban_notify::Notifier::new(cfg.notify.clone())
                .map_err(|e| anyhow::anyhow!("通知配置有误：{e}"))?,
        )
    } else {
        None
    };
    let jobs = duban_web::jobs::Jobs {
        store: store.clone(),
        notifier,
        me: format!(
            "{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "duban".into()),
            std::process::id()
        ),
        public_url: if cfg.public_url.is_empty() {
            format!("http://{}", cfg.bind)
        } else {
            cfg.public_url.clone()
        },
    };
    let background = jobs.spawn(std::time::Duration::from_secs(cfg.jobs_interval_secs));
    let state = duban_web::AppState {
        store: store.clone(),
        config: Arc::new(cfg.web()),
    };
    let app = duban_web::router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .with_context(|| format!("无法监听 {}", cfg.bind))?;
    println!("督办系统已启动：http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    background.abort();
    store.close().await;
    Ok(())
}

async fn create_user(
    store: &Store,
    username: String,
    name: String,
    roles: Vec<String>,
    unit: Option<String>,
    org: String,
    password: Option<String>,
) -> anyhow::Result<()> {
    let roles = roles
        .iter()
        .map(|r| Role::from_code(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = duban_web::auth::hash_password(&read_password(password)?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let meta = Meta { ip: "cli".into() };
    let mut units = store.units().await?;
    if units.is_empty() {
        store
            .create_unit(None, None, &org, UnitKind::SubDistrict, 0, &meta)
            .await?;
        units = store.units().await?;
    }
    let root = units.iter().find(|u| u.parent_id.is_none()).map(|u| u.id);
    let unit_id = match unit {
        None => root.context("组织机构为空")?,
        Some(n) => match units.iter().find(|u| u.name == n) {
            Some(u) => u.id,
            None => {
                store
                    .create_unit(None, root, &n, UnitKind::Department, 100, &meta)
                    .await?
            }
        },
    };
    if name.trim().is_empty() {
        bail!("姓名不能为空");
    }
    let input = UserInput {
        username,
        name,
        title: String::new(),
        unit_id,
        roles,
        portfolio: vec![],
    };
    let id = store
        .create_user(None, &input, &hash, &meta)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("已创建用户 {}（编号 {}）。", input.username, id.0);
    Ok(())
}

/// The password from the flag, else DUBAN_PASSWORD, else one line of standard input.
fn read_password(flag: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = flag.or_else(|| std::env::var("DUBAN_PASSWORD").ok()) {
        return Ok(p);
    }
    eprintln!("请输入密码（至少8位，含字母和数字），回车结束：");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
