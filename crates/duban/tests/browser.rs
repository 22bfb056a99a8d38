//! Browser test: signs in and opens the ledger in headless Chromium, driven through
//! chromedriver (WebDriver). Needs Debian's `chromium` and `chromium-driver`; without them the
//! test is skipped with a note, unless `CI` is set, in which case it fails.
//!
//! Run: `cargo test -p duban --test browser -- --nocapture`. The screenshot of the ledger is
//! written to `target/browser-ledger.png` in the workspace.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const DEMO_PASSWORD: &str = "Demo@2026";
const READY_PREFIX: &str = "督办系统已启动：";

/// Waiting for the server (the demo seeding is slow in debug builds).
const SERVER_START: Duration = Duration::from_secs(120);
/// Waiting for chromedriver to accept connections.
const DRIVER_START: Duration = Duration::from_secs(30);
/// Waiting for one element on a page.
const ELEMENT_WAIT: Duration = Duration::from_secs(30);
/// The whole browser session, from connecting to chromedriver to the screenshot.
const SESSION_LIMIT: Duration = Duration::from_secs(240);

/// Kills the processes this test started and removes its temporary folders, also on panic.
#[derive(Default)]
struct Guard {
    server: Option<Child>,
    /// chromedriver runs in its own process group so the browser it starts goes with it.
    driver: Option<Child>,
    dirs: Vec<PathBuf>,
    server_log: Arc<Mutex<VecDeque<String>>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            if let Some(pid) = driver.id() {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .stderr(Stdio::null())
                    .status();
            }
            let _ = driver.start_kill();
        }
        if let Some(server) = self.server.as_mut() {
            let _ = server.start_kill();
        }
        if std::thread::panicking() {
            let log = self
                .server_log
                .lock()
                .map(|l| l.iter().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            if !log.is_empty() {
                eprintln!("---- last lines of the server's output ----");
                for line in log {
                    eprintln!("{line}");
                }
            }
        }
        // Give the killed processes a moment to let go of their files.
        std::thread::sleep(Duration::from_millis(300));
        for d in &self.dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

impl Guard {
    /// The orderly end after a run: chromedriver is asked to stop (it reaps the browser it
    /// started), then the server is stopped. `Drop` still cleans up whatever is left.
    async fn shutdown(&mut self) {
        let driver_pid = self.driver.as_ref().and_then(|d| d.id());
        if let (Some(mut driver), Some(pid)) = (self.driver.take(), driver_pid) {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
            if tokio::time::timeout(Duration::from_secs(10), driver.wait())
                .await
                .is_err()
            {
                // Still running: left to `Drop`, which kills the whole group.
                self.driver = Some(driver);
            } else {
                // Any browser process still in chromedriver's group goes too.
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .stderr(Stdio::null())
                    .status();
            }
        }
        if let Some(mut server) = self.server.take() {
            let _ = server.start_kill();
            if tokio::time::timeout(Duration::from_secs(10), server.wait())
                .await
                .is_err()
            {
                self.server = Some(server);
            }
        }
    }
}

fn unique_temp_dir(what: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "duban-browser-{what}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

/// Starts `duban serve --demo` and returns its base URL (`http://127.0.0.1:PORT`).
async fn start_server(guard: &mut Guard, data_dir: &Path) -> anyhow::Result<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        // No ./duban.toml and no DUBAN_* settings from the developer's shell.
        .current_dir(data_dir)
        .env_remove("DUBAN_BIND")
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .env_remove("DUBAN_SECURE_COOKIES")
        .env_remove("DUBAN_LOCKOUT_ATTEMPTS")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("start the duban binary")?;
    let stdout = child.stdout.take().context("the server's stdout")?;
    guard.server = Some(child);

    // Read stdout until the ready line, then keep draining it (so the server never blocks on
    // a full pipe), remembering the last lines for the report on failure.
    let log = guard.server_log.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.trim().strip_prefix(READY_PREFIX)
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(rest.trim().to_owned());
            }
            if let Ok(mut l) = log.lock() {
                if l.len() >= 40 {
                    l.pop_front();
                }
                l.push_back(line);
            }
        }
    });
    let url = tokio::time::timeout(SERVER_START, rx)
        .await
        .with_context(|| {
            format!(
                "the server did not print “{READY_PREFIX}…” within {}s",
                SERVER_START.as_secs()
            )
        })?
        .context("the server exited before it was ready")?;
    ensure!(
        url.starts_with("http://127.0.0.1:"),
        "unexpected address in the ready line: {url}"
    );
    Ok(url.trim_end_matches('/').to_owned())
}

/// Starts chromedriver on a free port and waits until it accepts connections.
async fn start_driver(guard: &mut Guard) -> anyhow::Result<String> {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .context("start chromedriver")?;
    guard.driver = Some(child);
    let started = Instant::now();
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(format!("http://127.0.0.1:{port}"));
        }
        if started.elapsed() > DRIVER_START {
            bail!(
                "chromedriver did not listen on port {port} within {}s",
                DRIVER_START.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn connect_browser(driver_url: &str, profile: &Path) -> anyhow::Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1366,768",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    caps.insert(
        "timeouts".into(),
        json!({ "pageLoad": 30_000, "script": 30_000, "implicit": 0 }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver_url)
        .await
        .context("open a WebDriver session in Chromium")
}

async fn wait_for(c: &Client, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    c.wait()
        .at_most(ELEMENT_WAIT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no element `{css}` within {}s", ELEMENT_WAIT.as_secs()))
}

async fn fill(c: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    let field = wait_for(c, css).await?;
    field
        .clear()
        .await
        .with_context(|| format!("clear `{css}`"))?;
    field
        .send_keys(value)
        .await
        .with_context(|| format!("type into `{css}`"))?;
    Ok(())
}

async fn number_in(c: &Client, css: &str) -> anyhow::Result<i64> {
    let text = wait_for(c, css)
        .await?
        .text()
        .await
        .with_context(|| format!("read `{css}`"))?;
    text.trim()
        .parse()
        .with_context(|| format!("`{css}` shows “{text}”, not a number"))
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/login"))
        .await
        .context("open /login")?;
    fill(c, "#username", username).await?;
    fill(c, "#password", password).await?;
    wait_for(c, "#login-submit")
        .await?
        .click()
        .await
        .context("click 登录")?;
    Ok(())
}

/// The browser steps. Returns an error rather than panicking so the session is always closed.
async fn steps(c: &Client, base: &str, screenshot: &Path) -> anyhow::Result<()> {
    // A wrong password is refused with a message (another account than dcb: no lockout risk).
    sign_in(c, base, "fgld1", "wrong-password-1").await?;
    let error = wait_for(c, "#login-error").await?.text().await?;
    ensure!(
        error.contains("用户名或密码错误"),
        "#login-error says “{error}”, expected 用户名或密码错误"
    );
    println!("wrong password refused: {error}");

    // The right password leads to the work page with something to do.
    sign_in(c, base, "dcb", DEMO_PASSWORD).await?;
    let todo = number_in(c, "#todo-count")
        .await
        .context("after signing in as dcb")?;
    let url = c.current_url().await?;
    ensure!(
        url.path() != "/login",
        "still on the login page after signing in"
    );
    ensure!(todo > 0, "#todo-count is {todo}, expected more than 0");
    println!("signed in as dcb, landed on {url}, {todo} to do");

    // The ledger.
    c.goto(&format!("{base}/ledger"))
        .await
        .context("open /ledger")?;
    wait_for(c, "table#ledger").await?;
    let source = c.source().await?;
    ensure!(
        source.contains("督查工作台账"),
        "the ledger page does not mention 督查工作台账"
    );
    let total = number_in(c, "#ledger-total").await?;
    ensure!(total > 0, "#ledger-total is {total}, expected more than 0");
    let rows = c
        .find_all(Locator::Css("table#ledger tbody tr"))
        .await
        .context("find the ledger rows")?;
    let empty = c
        .find_all(Locator::Css("table#ledger tbody td[colspan]"))
        .await
        .context("look for the empty-ledger row")?;
    ensure!(
        !rows.is_empty() && empty.is_empty(),
        "the ledger table has no task rows"
    );
    println!("ledger: {total} tasks in all, {} rows shown", rows.len());

    // How the page fits a 1366×768 window (reported, not asserted).
    let fit = c
        .execute(
            "const d = document.documentElement; const w = document.querySelector('.table-wrap');\
             return [window.innerWidth, window.innerHeight, d.scrollWidth, d.scrollHeight,\
                     w ? w.scrollWidth : 0, w ? w.clientWidth : 0];",
            vec![],
        )
        .await
        .context("measure the page")?;
    println!(
        "viewport/page/table-wrap sizes [innerW, innerH, pageW, pageH, tableScrollW, tableClientW]: {fit}"
    );

    let png = c.screenshot().await.context("take a screenshot")?;
    if let Some(dir) = screenshot.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    std::fs::write(screenshot, &png).with_context(|| format!("write {}", screenshot.display()))?;
    println!("screenshot: {}", screenshot.display());
    Ok(())
}

#[tokio::test]
async fn sign_in_and_open_the_ledger() {
    let have_browser = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !have_browser {
        if std::env::var_os("CI").is_some() {
            panic!(
                "browser test: {CHROMIUM} or {CHROMEDRIVER} is missing; \
                 install them with `apt-get install -y chromium chromium-driver fonts-noto-cjk`"
            );
        }
        println!("browser test skipped: chromium/chromedriver not installed");
        return;
    }

    let started = Instant::now();
    let mut guard = Guard::default();
    let data_dir = unique_temp_dir("data");
    guard.dirs.push(data_dir.clone());
    let profile = unique_temp_dir("profile");
    guard.dirs.push(profile.clone());
    // <workspace>/target/browser-ledger.png (the manifest is <workspace>/crates/duban).
    let screenshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace folder")
        .join("target")
        .join("browser-ledger.png");

    let base = start_server(&mut guard, &data_dir)
        .await
        .expect("start duban serve --demo");
    println!(
        "server ready at {base} after {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let driver_url = start_driver(&mut guard).await.expect("start chromedriver");

    let outcome = tokio::time::timeout(SESSION_LIMIT, async {
        let client = connect_browser(&driver_url, &profile).await?;
        let result = steps(&client, &base, &screenshot).await;
        // Close the session (and with it the browser) whatever happened.
        let closed = tokio::time::timeout(Duration::from_secs(15), client.close()).await;
        if !matches!(closed, Ok(Ok(()))) {
            eprintln!("note: the WebDriver session did not close cleanly");
        }
        result
    })
    .await;

    match outcome {
        Err(_) => panic!("browser test took longer than {}s", SESSION_LIMIT.as_secs()),
        Ok(Err(e)) => panic!("browser test failed: {e:#}"),
        Ok(Ok(())) => println!(
            "browser test passed in {:.1}s",
            started.elapsed().as_secs_f64()
        ),
    }
    guard.shutdown().await;
    drop(guard);
}
