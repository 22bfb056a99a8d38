//! Deadlines that drive the work, through the API and the background jobs, on a fresh database
//! (SQLite, or PostgreSQL with DUBAN_TEST_POSTGRES): 催办, 延期申请, reminders with a moved
//! clock, deliveries to a real local SMTP mailbox and HTTP receiver with retries, and three
//! instances sharing the jobs so that every reminder and delivery happens once.

mod common;

use std::sync::{Arc, Mutex};

use chrono::TimeZone;
use common::*;
use duban_notify::mailbox::Mailbox;
use duban_notify::{Config, Notifier, SmtpConfig, SmtpTls};
use duban_web::jobs::Jobs;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A local HTTP receiver that records every body and fails the first `fail_first` requests.
#[derive(Clone)]
struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = Arc::new(Mutex::new(0usize));
    let (b, s) = (bodies.clone(), seen.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let (b, s) = (b.clone(), s.clone());
            async move {
                let n = {
                    let mut s = s.lock().expect("lock");
                    *s += 1;
                    *s
                };
                if n <= fail_first {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                b.lock().expect("lock").push(v);
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    Receiver {
        url: format!("http://{addr}/hook"),
        bodies,
    }
}

fn jobs(store: duban_store::Store, mailbox: &Mailbox, me: &str) -> Jobs {
    let notifier = Notifier::new(Config {
        smtp: Some(SmtpConfig {
            host: mailbox.addr.ip().to_string(),
            port: Some(mailbox.addr.port()),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "张范街道督查督办 <duban@zhangfan.test>".into(),
        }),
        sms: None,
        timeout_secs: 5,
    })
    .expect("notifier");
    Jobs {
        store,
        notifier: Some(notifier),
        me: me.into(),
        public_url: "http://duban.test".into(),
    }
}

/// 9:00 China time on a day.
fn nine(d: chrono::NaiveDate) -> i64 {
    duban_domain::time::china()
        .from_local_datetime(&d.and_hms_opt(9, 0, 0).expect("time"))
        .single()
        .expect("moment")
        .timestamp_millis()
}

fn decode(mail: &str) -> String {
    // Subjects are RFC 2047 words; bodies base64 or plain: the test looks for ASCII markers and
    // decodes what it can.
    let mut out = mail.to_owned();
    for word in mail
        .split("=?utf-8?b?")
        .skip(1)
        .chain(mail.split("=?UTF-8?B?").skip(1))
    {
        if let Some(end) = word.find("?=") {
            use base64::Engine;
            if let Ok(b) = base64::engine::general_purpose::STANDARD.decode(&word[..end]) {
                out.push_str(&String::from_utf8_lossy(&b));
            }
        }
    }
    out
}

/// Registers, approves and dispatches a Local matter with one task for 经济发展办 (leader
/// fgld1), due in `deadline`; both sign. Returns the task id.
async fn dispatched_task(app: &App, deadline: &str) -> i64 {
    let office = app.login("dcb").await;
    let jjfz = office.id_of("/api/v1/units", "name", "经济发展办").await;
    let fgld1 = office.id_of("/api/v1/users", "username", "fgld1").await;
    let (s, v) = office
        .post(
            "/api/v1/matters",
            json!({
                "title": "年底前完成重点项目入库",
                "source": "cadre_meeting",
                "source_date": deadline_day(0),
                "source_text": "科级干部例会要求年底前完成重点项目入库。",
                "tasks": [{"content": "完成重点项目入库申报", "requirements": "按时报送", "deadline": deadline,
                           "leaders": [fgld1], "lead_unit": jjfz, "cadence": "weekly:5"}]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    office.matter_act(id, "submit", "").await;
    app.login("shuji").await.matter_act(id, "approve", "").await;
    let m = office.matter_act(id, "issue_notice", "").await;
    let t = m["tasks"][0]["id"].as_i64().expect("task");
    app.login("jjfz").await.task_act(t, "sign", "").await;
    app.login("fgld1").await.task_act(t, "sign", "").await;
    t
}

fn deadline_day(days: i64) -> String {
    deadline(days)
}

async fn put(api: &Api, path: &str, body: Value) -> (StatusCode, Value) {
    let res = api
        .http
        .put(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .json(&body)
        .send()
        .await
        .expect("put");
    let s = res.status();
    (s, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn urging_extensions_reminders_and_deliveries_with_a_moved_clock() {
    let app = spawn_app().await;
    let mailbox = Mailbox::start("127.0.0.1:0", None).await.expect("mailbox");
    let hook = receiver(1).await;
    let jjfz = app.login("jjfz").await;
    let fgld1 = app.login("fgld1").await;
    let office = app.login("dcb").await;

    // Users choose their channels; bad addresses are refused by name.
    let (s, v) = put(
        &jjfz,
        "/api/v1/me/channels",
        json!({"channel": "email", "address": "not-an-address"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap_or("").starts_with("通知地址"),
        "{v}"
    );
    let (s, _) = put(
        &jjfz,
        "/api/v1/me/channels",
        json!({"channel": "email", "address": "chuwei@zhangfan.test"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = put(
        &fgld1,
        "/api/v1/me/channels",
        json!({"channel": "webhook", "address": hook.url}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // "3个工作日" on the working-day calendar.
    let t = dispatched_task(&app, "3个工作日").await;
    let task = office.task(t).await;
    let cal = app.store.calendar().await.expect("calendar");
    let today = duban_domain::time::china_date(duban_store::now_ms());
    let due = cal.add_workdays(today, 3);
    assert_eq!(task["task"]["deadline"], due.format("%Y-%m-%d").to_string());
    assert_eq!(task["task"]["cadence"], "weekly:5");
    assert!(
        ["green", "yellow"].contains(&task["task"]["light"].as_str().unwrap_or("")),
        "{task}"
    );

    // The assignment reached the unit by email and the leader's robot (after one 500, retried).
    let job = jobs(app.store.clone(), &mailbox, "a");
    let now = duban_store::now_ms();
    let first = job.tick(now).await.expect("tick");
    assert!(first.sent >= 1 && first.retried == 1, "{first:?}");
    let mails = mailbox.mails();
    assert!(
        mails
            .iter()
            .any(|m| m.to == ["chuwei@zhangfan.test"] && decode(&m.data).contains("签收")),
        "{mails:?}"
    );
    assert!(hook.bodies.lock().expect("lock").is_empty());
    // Too early for the retry; after the backoff it goes.
    let again = job.tick(now + 1_000).await.expect("tick");
    assert_eq!(again.sent, 0, "{again:?}");
    let later = job.tick(now + 61_000).await.expect("tick");
    assert_eq!(later.sent, 1, "{later:?}");
    let got = hook.bodies.lock().expect("lock").clone();
    assert_eq!(got.len(), 1);
    assert!(
        got[0]["title"].as_str().unwrap_or("").contains("签收"),
        "{got:?}"
    );
    assert!(
        got[0]["link"]
            .as_str()
            .unwrap_or("")
            .starts_with("http://duban.test/tasks/"),
        "{got:?}"
    );

    // 催办: only the office; recorded, counted and delivered.
    let version = office.task(t).await["task"]["version"].clone();
    let (s, _) = jjfz
        .post(
            &format!("/api/v1/tasks/{t}/urge"),
            json!({"version": version, "text": "快"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = office
        .ok(
            &format!("/api/v1/tasks/{t}/urge"),
            json!({"version": version, "text": "请于周五前报送办结报告。"}),
        )
        .await;
    assert_eq!(v["task"]["urges"], 1);
    let (_, inbox) = jjfz.get("/api/v1/notifications").await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|n| n["kind"] == "task.urge"),
        "{inbox}"
    );
    assert!(inbox["unread"].as_i64().unwrap_or(0) >= 2);
    job.tick(now + 62_000).await.expect("tick");
    assert!(
        mailbox
            .mails()
            .iter()
            .any(|m| decode(&m.data).contains("催办"))
    );

    // 延期申请: the unit asks; another unit may not; the leader refuses once, then approves.
    let version = office.task(t).await["task"]["version"].clone();
    let wanted = cal.add_workdays(due, 10).format("%Y-%m-%d").to_string();
    let csgl = app.login("csgl").await;
    let (s, _) = csgl
        .post(
            &format!("/api/v1/tasks/{t}/extension"),
            json!({"version": version, "action": "request", "text": "x", "new_deadline": wanted}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = jjfz
        .post(
            &format!("/api/v1/tasks/{t}/extension"),
            json!({"version": version, "action": "request", "text": "", "new_deadline": wanted}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let v = jjfz
        .ok(&format!("/api/v1/tasks/{t}/extension"), json!({"version": version, "action": "request", "text": "需等待区级审批。", "new_deadline": wanted}))
        .await;
    assert_eq!(v["deadline"]["extensions"][0]["status"], "pending");
    assert!(fgld1.has_todo("decide_extension", "task", t).await);
    let (s, _) = jjfz
        .post(
            &format!("/api/v1/tasks/{t}/extension"),
            json!({"version": v["task"]["version"], "action": "approve"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a unit does not approve its own extension"
    );
    let v = fgld1
        .ok(&format!("/api/v1/tasks/{t}/extension"), json!({"version": v["task"]["version"], "action": "refuse", "text": "请按原时限完成。"}))
        .await;
    assert_eq!(v["task"]["deadline"], due.format("%Y-%m-%d").to_string());
    let v = jjfz
        .ok(&format!("/api/v1/tasks/{t}/extension"), json!({"version": v["task"]["version"], "action": "request", "text": "区级审批已受理，需顺延。", "new_deadline": wanted}))
        .await;
    let v = fgld1
        .ok(
            &format!("/api/v1/tasks/{t}/extension"),
            json!({"version": v["task"]["version"], "action": "approve", "text": "同意。"}),
        )
        .await;
    assert_eq!(
        v["task"]["deadline"], wanted,
        "the figures use the approved deadline"
    );
    let history = v["deadline"]["extensions"].as_array().expect("history");
    assert_eq!(
        history
            .iter()
            .map(|e| e["status"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["refused", "approved"]
    );

    // Reminders: the clock moves to the working day before the new deadline, then past it.
    let new_due = chrono::NaiveDate::parse_from_str(&wanted, "%Y-%m-%d").expect("date");
    let mut before = new_due - chrono::Duration::days(1);
    while !cal.is_workday(before) {
        before -= chrono::Duration::days(1);
    }
    let t1 = nine(before);
    let tick = job.tick(t1).await.expect("tick");
    assert!(tick.ran_reminders, "{tick:?}");
    let soon = |items: &Value, kind: &str| {
        items["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| n["kind"] == kind && n["link"] == format!("/tasks/{t}"))
            .count()
    };
    let (_, inbox) = jjfz.get("/api/v1/notifications").await;
    assert_eq!(soon(&inbox, "due_soon"), 1, "{inbox}");
    // The same day again: the lease holds, and after it the reminder is not repeated.
    assert!(!job.tick(t1 + 60_000).await.expect("tick").ran_reminders);
    let after_lease = job.tick(t1 + 6 * 60_000).await.expect("tick");
    assert!(after_lease.ran_reminders);
    let (_, inbox) = jjfz.get("/api/v1/notifications").await;
    assert_eq!(soon(&inbox, "due_soon"), 1, "reminded once a day");
    // Overdue: the unit and the leader hear of it; the task is red.
    let late = cal.add_workdays(new_due, 1);
    job.tick(nine(late)).await.expect("tick");
    let (_, inbox) = jjfz.get("/api/v1/notifications").await;
    assert_eq!(soon(&inbox, "overdue"), 1, "{inbox}");
    let (_, lead) = fgld1.get("/api/v1/notifications").await;
    assert_eq!(soon(&lead, "overdue"), 1, "{lead}");

    // The delivery log is the admins'.
    let admin = app.store.actor_by_username("admin").await;
    let log = app
        .store
        .deliveries(&admin, None, 100)
        .await
        .expect("deliveries");
    assert!(
        log.iter().any(|d| d.status == "sent" && d.attempts == 2),
        "the retried one"
    );
    let unit = app.store.actor_by_username("jjfz").await;
    assert!(app.store.deliveries(&unit, None, 10).await.is_err());
}

#[tokio::test]
async fn three_instances_share_the_jobs_and_deliver_each_notification_once() {
    let url = duban_store::testing::fresh_url("jobs").await;
    let first = duban_store::Store::connect(&url).await.expect("store");
    let hash = duban_web::auth::hash_password(PASSWORD).expect("hash");
    first.seed_demo(&hash).await.expect("demo");
    let others = [
        duban_store::Store::connect(&url).await.expect("store"),
        duban_store::Store::connect(&url).await.expect("store"),
    ];
    let mailbox = Mailbox::start("127.0.0.1:0", None).await.expect("mailbox");
    // Every unit head and leader reads email; then the office urges every open task.
    let meta = duban_store::Meta::system();
    let mut people = Vec::new();
    for u in first.users().await.expect("users") {
        if !u.active || u.roles.iter().any(|r| r.is_admin_role()) {
            continue;
        }
        let a = first.actor(u.id).await.expect("actor").expect("actor");
        first
            .set_user_channel(
                &a,
                "email",
                &format!("{}@zhangfan.test", u.username),
                None,
                &meta,
            )
            .await
            .expect("channel");
        people.push(u.username);
    }
    let office = first.actor_by_username("dcb").await;
    let f = duban_store::ledger::LedgerFilter {
        state: Some(duban_domain::TaskState::InProgress),
        ..Default::default()
    };
    let open = first
        .ledger(
            &office,
            &f,
            duban_store::ledger::LedgerSort::Ledger,
            None,
            20,
        )
        .await
        .expect("ledger")
        .rows;
    assert!(open.len() >= 3, "the demo has tasks in progress");
    for r in &open {
        first
            .urge_task(&office, r.task.id, r.task.version, "请抓紧办理。", &meta)
            .await
            .expect("urge");
    }
    let admin = first.actor_by_username("admin").await;
    let pending = first
        .deliveries(&admin, None, 500)
        .await
        .expect("log")
        .iter()
        .filter(|d| d.status == "pending")
        .count();
    assert!(pending >= open.len(), "{pending}");

    // Three instances tick at the same moment.
    let now = duban_store::now_ms();
    let (a, b, c) = (
        jobs(first.clone(), &mailbox, "one"),
        jobs(others[0].clone(), &mailbox, "two"),
        jobs(others[1].clone(), &mailbox, "three"),
    );
    let (ra, rb, rc) = tokio::join!(a.tick(now), b.tick(now), c.tick(now));
    let (ra, rb, rc) = (ra.expect("one"), rb.expect("two"), rc.expect("three"));
    assert_eq!(
        [ra.ran_reminders, rb.ran_reminders, rc.ran_reminders]
            .iter()
            .filter(|r| **r)
            .count(),
        1,
        "one instance runs the reminders: {ra:?} {rb:?} {rc:?}"
    );
    assert_eq!(ra.sent + rb.sent + rc.sent, pending, "{ra:?} {rb:?} {rc:?}");
    let mails = mailbox.mails();
    assert_eq!(mails.len(), pending, "each delivery sent once");
    let log = first.deliveries(&admin, None, 500).await.expect("log");
    assert!(
        log.iter().all(|d| d.status == "sent" && d.attempts == 1),
        "{log:?}"
    );
    // Nothing is left for anyone.
    let (ra, rb) = tokio::join!(a.tick(now + 1), b.tick(now + 1));
    assert_eq!(ra.expect("one").sent + rb.expect("two").sent, 0);
    assert!(!people.is_empty());
}

#[tokio::test]
async fn the_dashboard_is_drawn_from_the_demo_for_leaders_only() {
    let app = spawn_app().await;
    let leader = Pages::login(&app, "shuji").await;
    let (s, html) = leader.get("/dashboard").await;
    assert_eq!(s, StatusCode::OK);
    for part in [
        "领导驾驶舱",
        "按期办结率",
        "<svg",
        "unit-ranking",
        "/ledger?light=red",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // The ranking's numbers come from the demo's own tasks.
    assert!(html.contains("/ledger?unit="), "units are ranked");
    let (s, _) = leader.get("/dashboard?period=2026-13").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let unit = Pages::login(&app, "jjfz").await;
    let (s, _) = unit.get("/dashboard").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn listing_marks_a_task_and_a_unit_everywhere_until_lifted_after_verification() {
    let app = spawn_app().await;
    let t = dispatched_task(&app, "5个工作日").await;
    let office = app.login("dcb").await;
    let jjfz = app.login("jjfz").await;
    let path = format!("/api/v1/tasks/{t}/listing");
    let (s, _) = jjfz
        .post(
            &path,
            json!({"action": "list", "text": "x", "rectify_by": deadline(5)}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a unit does not list itself");
    let (s, v) = office
        .post(
            &path,
            json!({"action": "list", "text": "屡催不办。", "rectify_by": deadline(-1)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap_or("").starts_with("整改时限"),
        "{v}"
    );
    office
        .ok(
            &path,
            json!({"action": "list", "text": "屡催不办。", "rectify_by": deadline(5)}),
        )
        .await;
    let (s, _) = office
        .post(
            &path,
            json!({"action": "list", "text": "再挂", "rectify_by": deadline(5)}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not listed twice at once");
    // The mark shows in the ledger, on the task page and on the dashboard; the unit was told.
    let pages = Pages::login(&app, "dcb").await;
    let (_, html) = pages.get("/ledger?q=重点项目入库").await;
    assert!(html.contains("挂牌督办"), "ledger");
    let (_, html) = pages.get(&format!("/tasks/{t}")).await;
    assert!(html.contains("id=\"listed\""), "task page");
    let (_, html) = pages.get("/dashboard").await;
    assert!(html.contains("屡催不办"), "dashboard");
    let mid = office.task(t).await["matter_id"].as_i64().expect("matter");
    let (_, html) = pages.get(&format!("/matters/{mid}")).await;
    assert!(html.contains("挂牌督办"), "matter page");
    let (_, html) = Pages::login(&app, "jjfz").await.get("/work").await;
    assert!(
        html.contains("挂牌督办") || !html.contains("重点项目入库"),
        "inbox"
    );
    let (_, inbox) = jjfz.get("/api/v1/notifications").await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|n| n["kind"] == "listing.list")
    );
    // Lifted only with a verification note.
    let (s, _) = office
        .post(&path, json!({"action": "lift", "text": ""}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    office
        .ok(
            &path,
            json!({"action": "lift", "text": "经核查已整改到位。"}),
        )
        .await;
    let (_, open) = office.get("/api/v1/listings").await;
    assert!(
        !open
            .as_array()
            .expect("open")
            .iter()
            .any(|l| l["object"]["Task"] == t),
        "{open}"
    );
    let (_, html) = pages.get(&format!("/tasks/{t}")).await;
    assert!(!html.contains("id=\"listed\"") && html.contains("经核查已整改到位"));
    // A unit as a whole.
    let unit = office.id_of("/api/v1/units", "name", "城市管理办").await;
    let v = office
        .ok(
            &format!("/api/v1/units/{unit}/listing"),
            json!({"action": "list", "text": "环境整治考核排名末位。", "rectify_by": deadline(10)}),
        )
        .await;
    assert!(
        v.as_array()
            .expect("open")
            .iter()
            .any(|l| l["object"]["Unit"] == unit),
        "{v}"
    );
    let (_, html) = pages.get(&format!("/ledger?unit={unit}")).await;
    assert!(html.contains("挂牌督办"), "the unit's tasks carry the mark");
}

#[tokio::test]
async fn accountability_and_a_referral_reach_the_discipline_committee_as_one_package() {
    let app = spawn_app().await;
    let t = dispatched_task(&app, "5个工作日").await;
    let office = app.login("dcb").await;
    let version = office.task(t).await["task"]["version"].clone();
    office
        .ok(
            &format!("/api/v1/tasks/{t}/urge"),
            json!({"version": version, "text": "请立即报送。"}),
        )
        .await;
    let (s, _) = app
        .login("jjfz")
        .await
        .report(t, "report", "正在推进。", vec![])
        .await;
    assert!(s.is_success());
    let pages = Pages::login(&app, "dcb").await;
    let (_, html) = pages.get(&format!("/tasks/{t}")).await;
    let csrf = csrf_of(&html);
    let jjfz_unit = office.id_of("/api/v1/units", "name", "经济发展办").await;
    let today = deadline(0);
    let target = format!("unit:{jjfz_unit}");
    // Bad input names the field; then the record is kept and shown.
    let (s, html) = pages
        .post(
            &format!("/tasks/{t}/accountability"),
            &[
                ("_csrf", csrf.as_str()),
                ("target", target.as_str()),
                ("kind", "perfunctory"),
                ("facts", ""),
                ("decision", "约谈"),
                ("decided_on", today.as_str()),
                ("decided_by", "街道党工委"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("问责事实"));
    let (s, _) = pages
        .post(
            &format!("/tasks/{t}/accountability"),
            &[
                ("_csrf", csrf.as_str()),
                ("target", target.as_str()),
                ("kind", "perfunctory"),
                ("facts", "两次催办后仍未报送办结报告。"),
                ("decision", "约谈提醒"),
                ("decided_on", today.as_str()),
                ("decided_by", "街道党工委"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, html) = pages.get(&format!("/tasks/{t}")).await;
    assert!(
        html.contains("经济发展办（敷衍塞责）"),
        "the record shows on the task"
    );
    // A unit may not record or refer.
    let unit = Pages::login(&app, "jjfz").await;
    let (_, uhtml) = unit.get(&format!("/tasks/{t}")).await;
    let (s, _) = unit
        .post(
            &format!("/tasks/{t}/refer"),
            &[("_csrf", csrf_of(&uhtml).as_str()), ("text", "x")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = pages
        .post(
            &format!("/tasks/{t}/refer"),
            &[("_csrf", csrf.as_str()), ("text", "屡催不办，涉嫌失职。")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = pages
        .post(
            &format!("/tasks/{t}/refer"),
            &[("_csrf", csrf.as_str()), ("text", "再次移送")],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not twice while pending");

    // The committee: notified, sees the referral and its package, acknowledges; not the ledger.
    let jgw = Pages::login(&app, "jgw").await;
    let (s, html) = jgw.get("/referrals").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("屡催不办，涉嫌失职"));
    let rid: i64 = html
        .split("/referrals/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("referral id");
    let (s, _) = jgw.get(&format!("/tasks/{t}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "the committee sees what is referred, not the ledger"
    );
    let res = jgw
        .http
        .get(format!("{}/referrals/{rid}/package.zip", jgw.base))
        .send()
        .await
        .expect("zip");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes").to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for part in [
        "00-移送说明",
        "01-办理过程",
        "02-催办和提醒记录",
        "03-落实情况",
        "04-退回和领导意见",
        "05-问责记录",
    ] {
        assert!(
            names.iter().any(|n| n.contains(part)),
            "{part} in {names:?}"
        );
    }
    let urges = names
        .iter()
        .find(|n| n.contains("02-催办"))
        .expect("urges")
        .clone();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&urges).expect("entry"), &mut text)
        .expect("read");
    assert!(text.contains("请立即报送"), "{text}");
    let (_, html) = jgw.get(&format!("/referrals/{rid}")).await;
    let (s, _) = jgw
        .post(
            &format!("/referrals/{rid}/acknowledge"),
            &[("_csrf", csrf_of(&html).as_str()), ("text", "已受理。")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, html) = jgw.get(&format!("/referrals/{rid}")).await;
    assert!(html.contains("受理：已受理"), "acknowledged");
    let (s, _) = unit.get("/referrals").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_problem_goes_back_to_the_unit_for_rectification_until_verified() {
    let app = spawn_app().await;
    let t = dispatched_task(&app, "5个工作日").await;
    let office = Pages::login(&app, "dcb").await;
    let (_, html) = office.get(&format!("/tasks/{t}")).await;
    let csrf = csrf_of(&html);
    let unit = app
        .login("dcb")
        .await
        .id_of("/api/v1/units", "name", "经济发展办")
        .await
        .to_string();
    let tid = t.to_string();
    let (s, _) = office
        .post(
            "/rectifications",
            &[
                ("_csrf", csrf.as_str()),
                ("unit", unit.as_str()),
                ("source_type", "task"),
                ("source_id", tid.as_str()),
                ("problem", "台账资料不完整。"),
                ("deadline", deadline(-1).as_str()),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a past deadline is refused"
    );
    let (s, html) = office
        .post(
            "/rectifications",
            &[
                ("_csrf", csrf.as_str()),
                ("unit", unit.as_str()),
                ("source_type", "task"),
                ("source_id", tid.as_str()),
                ("problem", "台账资料不完整。"),
                ("deadline", deadline(5).as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("待整改"));
    let id: i64 = html
        .split("第")
        .nth(1)
        .and_then(|s| s.split('号').next())
        .and_then(|s| s.parse().ok())
        .expect("id");
    let path = format!("/rectifications/{id}");
    // Another unit does not see it; the responsible unit reports; the office returns, then verifies.
    let other = Pages::login(&app, "csgl").await;
    let (s, _) = other.get(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let jjfz = Pages::login(&app, "jjfz").await;
    let (_, list) = jjfz.get("/rectifications").await;
    assert!(list.contains("台账资料不完整"));
    let (_, html) = jjfz.get(&path).await;
    let (s, html) = rect_step(&jjfz, &path, &html, "report", "已补齐台账。").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("待核查"));
    let (_, html) = office.get(&path).await;
    let (s, html) = rect_step(&office, &path, &html, "return", "仍缺少三月份记录。").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("待整改"));
    let (_, html) = jjfz.get(&path).await;
    rect_step(&jjfz, &path, &html, "report", "三月份记录已补齐。").await;
    let (_, html) = jjfz.get(&path).await;
    let (s, _) = rect_step(&jjfz, &path, &html, "verify", "自己核查").await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a unit does not verify its own rectification"
    );
    let (_, html) = office.get(&path).await;
    let (s, html) = rect_step(&office, &path, &html, "verify", "经现场核查已整改到位。").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已整改") && html.contains("经现场核查已整改到位"));
    // A problem named in a bulletin goes back the same way.
    let (_, html) = office.get("/rectifications").await;
    let csrf = csrf_of(&html);
    let (s, html) = office
        .post(
            "/rectifications",
            &[
                ("_csrf", csrf.as_str()),
                ("unit", unit.as_str()),
                ("source_type", "bulletin"),
                ("source_id", "1"),
                ("problem", "通报指出进度滞后。"),
                ("deadline", deadline(3).as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("通报指出进度滞后"));
}

async fn rect_step(
    who: &Pages,
    path: &str,
    html: &str,
    action: &str,
    text: &str,
) -> (StatusCode, String) {
    let csrf = csrf_of(html);
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0")
        .to_owned();
    who.post(
        &format!("{path}/act"),
        &[
            ("_csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("action", action),
            ("text", text),
        ],
    )
    .await
}

#[tokio::test]
async fn units_are_scored_ranked_and_tiered_and_each_score_opens_to_its_events() {
    let app = spawn_app().await;
    let office = Pages::login(&app, "dcb").await;
    let (s, html) = office.get("/scores").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"ranking\""));
    // The demo listed 财政所: its score opens to the listing among its events.
    let at = html.find("财政所</a>").expect("财政所 ranked");
    let row = html[at..]
        .split("</details>")
        .next()
        .expect("its events")
        .to_owned();
    assert!(row.contains("挂牌督办"), "{row}");
    assert!(html.contains("办理质量评价"), "the leaders' ratings count");
    // New rules recompute at once; a published ranking keeps the rules it was published with.
    let csrf = csrf_of(&html);
    let (s, _) = office
        .post(
            "/scores/rules",
            &[("_csrf", csrf.as_str()), ("t1", "80"), ("t2", "90")],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "thresholds must descend"
    );
    let (s, html) = office
        .post(
            "/scores/rules",
            &[("_csrf", csrf.as_str()), ("base", "90"), ("listing", "-5")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("value=\"90\""), "the new base is in force");
    let year = deadline(0)[..4].to_owned();
    let (s, html) = office
        .post(
            "/scores/publish",
            &[("_csrf", csrf.as_str()), ("period", year.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已发布的排名"));
    let rules = app.store.score_rules().await.expect("rules");
    assert_eq!(rules.base, 900);
    let published = app
        .store
        .published_rankings(duban_domain::figures::Period::parse(&year).expect("period"))
        .await
        .expect("published");
    assert_eq!(published[0].rules.base, 900);
    assert!(published[0].results.iter().all(|u| u.score <= 900 + 100));
    let res = office
        .http
        .get(format!("{}/scores/export.xlsx", office.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.expect("bytes").starts_with(b"PK"));
    let unit = Pages::login(&app, "jjfz").await;
    let (s, _) = unit.get("/scores").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_task_cancelled_on_the_principals_approval_leaves_the_figures() {
    let app = spawn_app().await;
    let t = dispatched_task(&app, "5个工作日").await;
    let api = app.login("dcb").await;
    let task = api.task(t).await;
    let deadline_day = chrono::NaiveDate::parse_from_str(
        task["task"]["deadline"].as_str().expect("deadline"),
        "%Y-%m-%d",
    )
    .expect("date");
    let unit = duban_domain::UnitId(task["task"]["lead_unit"].as_i64().expect("unit"));
    let office_actor = app.store.actor_by_username("dcb").await;
    let month = duban_domain::figures::Period::month_of(deadline_day);
    let due = |tally: &duban_store::figures::Tally| {
        tally[0]
            .get(&duban_domain::figures::Group::Unit(unit))
            .map(|f| f.due)
            .unwrap_or(0)
    };
    let before = due(&app
        .store
        .figures(&office_actor, &[month])
        .await
        .expect("figures"));
    assert!(before >= 1);
    let version = |v: &Value| v["task"]["version"].as_i64().expect("version").to_string();
    // A unit may not propose; the office proposes; the principal approves.
    let unit_pages = Pages::login(&app, "jjfz").await;
    let (_, html) = unit_pages.get(&format!("/tasks/{t}")).await;
    let v = version(&api.task(t).await);
    let (s, _) = unit_pages
        .post(
            &format!("/tasks/{t}/cancel"),
            &[
                ("_csrf", csrf_of(&html).as_str()),
                ("version", v.as_str()),
                ("action", "propose"),
                ("text", "x"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let office = Pages::login(&app, "dcb").await;
    let (_, html) = office.get(&format!("/tasks/{t}")).await;
    let (s, _) = office
        .post(
            &format!("/tasks/{t}/cancel"),
            &[
                ("_csrf", csrf_of(&html).as_str()),
                ("version", v.as_str()),
                ("action", "propose"),
                ("text", "上级部署调整，该任务由区级统一实施。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        app.login("shuji")
            .await
            .has_todo("decide_cancel", "task", t)
            .await
    );
    let principal = Pages::login(&app, "shuji").await;
    let (_, html) = principal.get(&format!("/tasks/{t}")).await;
    let v = version(&api.task(t).await);
    let (s, _) = principal
        .post(
            &format!("/tasks/{t}/cancel"),
            &[
                ("_csrf", csrf_of(&html).as_str()),
                ("version", v.as_str()),
                ("action", "approve"),
                ("text", "同意。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let after = api.task(t).await;
    assert_eq!(after["task"]["state"], "closed");
    assert!(
        !app.login("jjfz").await.has_todo("report", "task", t).await,
        "nothing more is asked"
    );
    let now_due = due(&app
        .store
        .figures(&office_actor, &[month])
        .await
        .expect("figures"));
    assert_eq!(now_due, before - 1, "the cancelled task left the figures");
}
