//! The API and pages as the real roles use them, on the real router over a fresh database (SQLite,
//! or PostgreSQL when DUBAN_TEST_POSTGRES is set). Reads like procedure B of the notice.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Registers a Local matter with two tasks as the office: task 1 led by 经济发展办 with 财政所
/// cooperating (leader 孙立新), task 2 led by 城市管理办 (leader 吴国强).
async fn register(office: &Api) -> (i64, i64, i64) {
    let jjfz = office.id_of("/api/v1/units", "name", "经济发展办").await;
    let czs = office.id_of("/api/v1/units", "name", "财政所").await;
    let csgl = office.id_of("/api/v1/units", "name", "城市管理办").await;
    let fgld1 = office.id_of("/api/v1/users", "username", "fgld1").await;
    let fgld3 = office.id_of("/api/v1/users", "username", "fgld3").await;
    let (s, v) = office
        .post(
            "/api/v1/matters",
            json!({
                "title": "优化营商环境专项行动",
                "source": "committee_meeting",
                "source_date": deadline(-1),
                "source_text": "党工委会议决定开展优化营商环境专项行动。",
                "urgency": "urgent",
                "tasks": [
                    {"content": "梳理涉企服务事项清单", "requirements": "形成清单报考核督查办", "deadline": deadline(10), "leaders": [fgld1], "lead_unit": jjfz, "coop_units": [czs]},
                    {"content": "整治占道经营", "requirements": "每周报送进展", "deadline": deadline(20), "leaders": [fgld3], "lead_unit": csgl}
                ]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    let m = office.matter(id).await;
    assert_eq!(m["state"], "registered");
    (
        id,
        m["tasks"][0]["id"].as_i64().expect("t1"),
        m["tasks"][1]["id"].as_i64().expect("t2"),
    )
}

#[tokio::test]
async fn procedure_b_end_to_end_as_the_real_roles() {
    let app = spawn_app().await;
    let office = app.login("dcb").await; // 考核督查办
    let principal = app.login("shuji").await; // 党工委书记
    let supervision = app.login("duchald").await; // 分管考核督查领导
    let fgld1 = app.login("fgld1").await; // 分管领导 of 经济发展办、财政所
    let fgld3 = app.login("fgld3").await; // 分管领导 of 城市管理办
    let jjfz = app.login("jjfz").await; // 经济发展办
    let czs = app.login("czs").await; // 财政所
    let csgl = app.login("csgl").await; // 城市管理办

    // 1. 登记报备 → 呈批 → 退回 → 再呈批 → 批示同意
    let (mid, t1, t2) = register(&office).await;
    assert!(office.has_todo("decompose", "matter", mid).await);
    office.matter_act(mid, "submit", "").await;
    assert!(principal.has_todo("approve", "matter", mid).await);
    principal
        .matter_act(mid, "return", "请明确配合单位职责")
        .await;
    assert_eq!(office.matter(mid).await["state"], "registered");
    assert!(office.has_todo("decompose", "matter", mid).await);
    office.matter_act(mid, "submit", "").await;
    let m = principal
        .matter_act(mid, "approve", "同意，请抓紧印发督办通知。")
        .await;
    assert_eq!(m["state"], "approved");
    assert_eq!(
        m["instructions"].as_array().expect("ins").len(),
        2,
        "the return and the approval are both kept"
    );

    // 2. 任务交办: numbered 督办通知
    let m = office.matter_act(mid, "issue_notice", "").await;
    assert_eq!(m["state"], "dispatched");
    let no = m["notice_no"].as_str().expect("notice no");
    assert!(no.starts_with("张督办〔") && no.ends_with("号"), "{no}");
    for (who, task) in [
        (&fgld1, t1),
        (&jjfz, t1),
        (&czs, t1),
        (&fgld3, t2),
        (&csgl, t2),
    ] {
        assert!(who.has_todo("sign", "task", task).await);
        who.task_act(task, "sign", "").await;
    }
    let t = office.task(t1).await;
    assert_eq!(t["task"]["state"], "in_progress");
    assert!(
        t["receipts"]
            .as_array()
            .expect("r")
            .iter()
            .all(|r| !r["signed_at"].is_null())
    );

    // 3. 任务办理: progress with attachments; the leader returns, then confirms
    let (s, v) = czs
        .report(
            t1,
            "report",
            "已配合提供财政政策清单。",
            vec![("清单.txt", "财政政策清单".as_bytes().to_vec())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = jjfz
        .report(
            t1,
            "report_final",
            "清单已形成。",
            vec![("清单.pdf", b"%PDF-1.4 test".to_vec())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(fgld1.has_todo("confirm", "task", t1).await);
    fgld1
        .task_act(t1, "return_report", "清单缺少办理时限")
        .await;
    assert!(jjfz.has_todo("report", "task", t1).await);
    let (s, _) = jjfz
        .report(t1, "report_final", "已补充办理时限。", vec![])
        .await;
    assert_eq!(s, StatusCode::OK);
    fgld1.task_act(t1, "confirm", "同意办结").await;
    let (s, _) = csgl
        .report(t2, "report_final", "占道经营已整治到位。", vec![])
        .await;
    assert_eq!(s, StatusCode::OK);
    fgld3.task_act(t2, "confirm", "").await;
    assert!(office.has_todo("compile_bulletin", "matter", mid).await);

    // 4. 督查通报: draft from the reports → review (returned once) → instruct → publish
    let (s, v) = office
        .post("/api/v1/bulletins", json!({"matter_ids": [mid]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let bid = v["id"].as_i64().expect("id");
    let b = office.bulletin(bid).await;
    let body = b["body"].as_str().expect("body");
    assert!(
        body.contains("已完成事项（2项）") && body.contains("已补充办理时限"),
        "{body}"
    );
    office
        .bulletin_act(bid, json!({"action": "submit_review"}))
        .await;
    supervision
        .bulletin_act(
            bid,
            json!({"action": "return", "text": "请补充下步工作要求"}),
        )
        .await;
    let version = office.bulletin(bid).await["version"].as_i64().expect("v");
    let edited = format!("{body}\n下步工作要求：持续巩固整治成果。");
    let res = office
        .http
        .put(format!("{}/api/v1/bulletins/{bid}", office.base))
        .bearer_auth(&office.token)
        .json(&json!({"version": version, "title": b["title"], "body": edited}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), StatusCode::OK);
    office
        .bulletin_act(bid, json!({"action": "submit_review"}))
        .await;
    supervision
        .bulletin_act(bid, json!({"action": "review", "text": "同意报批"}))
        .await;
    assert!(principal.has_todo("instruct", "bulletin", bid).await);
    principal
        .bulletin_act(
            bid,
            json!({"action": "instruct", "text": "同意印发，予以通报表扬。"}),
        )
        .await;
    let b = office
        .bulletin_act(bid, json!({"action": "publish", "title": b["title"], "body": edited, "scope": "各部门、各社区"}))
        .await;
    assert_eq!(b["state"], "published");
    let issue = b["periodical_issue"].as_str().expect("issue");
    assert!(
        issue.starts_with("《张范督查》") && issue.contains("期"),
        "{issue}"
    );

    // 5. 销号归档
    assert!(office.has_todo("close", "task", t1).await);
    office.task_act(t1, "close", "").await;
    office.task_act(t2, "close", "").await;
    assert_eq!(office.matter(mid).await["state"], "closed");
    let m = office.matter_act(mid, "archive", "").await;
    assert_eq!(m["state"], "archived");
    assert!(
        m["archive_no"]
            .as_str()
            .expect("archive no")
            .starts_with("GD-")
    );
    // Archived is read-only.
    let (s, v) = office
        .post(
            &format!("/api/v1/tasks/{t1}/actions"),
            json!({"action": "close", "version": office.task(t1).await["task"]["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // The documents and the archive package (归档备查).
    let notice = office
        .bytes(&format!("/api/v1/matters/{mid}/notice.docx"))
        .await;
    assert!(notice.starts_with(b"PK"), "the notice is a .docx");
    let issue_docx = office
        .bytes(&format!("/api/v1/bulletins/{bid}/issue.docx"))
        .await;
    assert!(issue_docx.starts_with(b"PK"));
    let package = office
        .bytes(&format!("/api/v1/matters/{mid}/archive.zip"))
        .await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).expect("zip");
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).expect("entry").name().to_owned())
        .collect();
    for part in [
        "00-归档目录.txt",
        "01-办理过程.txt",
        "02-领导批示.txt",
        "03-督办通知-张督办",
        "04-督查通报-张范督查",
        "05-督查工作台账.xlsx",
        "任务1/落实情况.txt",
        "任务1/附件/",
        "任务2/落实情况.txt",
    ] {
        assert!(
            names.iter().any(|n| n.contains(part)),
            "archive lacks {part}: {names:?}"
        );
    }
    let index = names
        .iter()
        .find(|n| n.ends_with("00-归档目录.txt"))
        .expect("index")
        .clone();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&index).expect("index"), &mut text)
        .expect("read");
    assert!(
        text.contains("归档号：GD-") && text.contains("优化营商环境专项行动"),
        "{text}"
    );
    let (s, _) = jjfz
        .get(&format!("/api/v1/matters/{mid}/archive.zip"))
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "units do not download archive packages"
    );

    // The timeline holds every step with who did it.
    let steps: Vec<String> = m["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|s| s["action"].as_str().unwrap_or("").to_owned())
        .collect();
    for step in [
        "matter.register",
        "matter.submit",
        "matter.return",
        "matter.approve",
        "matter.issue_notice",
        "task.sign",
        "task.report",
        "task.report_final",
        "task.return_report",
        "task.confirm",
        "bulletin.create",
        "bulletin.return",
        "bulletin.review",
        "bulletin.instruct",
        "bulletin.publish",
        "task.close",
        "matter.archive",
    ] {
        assert!(steps.iter().any(|s| s == step), "timeline lacks {step}");
    }
    assert!(matches!(
        app.store.verify_audit_chain().await.expect("verify"),
        duban_store::audit::ChainCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn forbidden_actions_are_refused_and_other_units_see_nothing() {
    let app = spawn_app().await;
    let office = app.login("dcb").await;
    let (mid, t1, _) = register(&office).await;
    let jjfz = app.login("jjfz").await;
    let shsw = app.login("shsw").await; // 社会事务办: not involved
    let principal = app.login("shuji").await;

    // The list of people is for the office and leaders.
    let (s, _) = jjfz.get("/api/v1/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Without a token.
    let res = Client::new()
        .get(format!("{}/api/v1/ledger", app.base))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A unit cannot register or approve.
    let (s, v) = jjfz.post("/api/v1/matters", json!({"title": "x", "source": "cadre_meeting", "source_date": deadline(0), "source_text": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "forbidden");
    office.matter_act(mid, "submit", "").await;
    let version = office.matter(mid).await["version"].clone();
    let (s, v) = jjfz
        .post(
            &format!("/api/v1/matters/{mid}/actions"),
            json!({"action": "approve", "version": version}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a unit does not even see a matter before it is assigned: {v}"
    );
    // The office cannot approve in the principal leader's place.
    let (s, _) = office
        .post(
            &format!("/api/v1/matters/{mid}/actions"),
            json!({"action": "approve", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The principal leader cannot issue the notice.
    principal.matter_act(mid, "approve", "").await;
    let version = office.matter(mid).await["version"].clone();
    let (s, _) = principal
        .post(
            &format!("/api/v1/matters/{mid}/actions"),
            json!({"action": "issue_notice", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    office.matter_act(mid, "issue_notice", "").await;
    // An uninvolved unit sees neither the matter nor the task, and not in the ledger either.
    let (s, v) = shsw.get(&format!("/api/v1/matters/{mid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = shsw.get(&format!("/api/v1/tasks/{t1}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, ledger) = shsw.get("/api/v1/ledger?q=营商环境").await;
    assert_eq!(ledger["total"], 0);
    let (_, ledger) = jjfz.get("/api/v1/ledger?q=营商环境").await;
    assert_eq!(ledger["total"], 1, "the lead unit sees its own task only");
    let m = jjfz.matter(mid).await;
    assert_eq!(
        m["tasks"].as_array().expect("tasks").len(),
        1,
        "nor the other units' tasks of the same matter"
    );
    assert!(
        m["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .all(|s| s["object_type"] != "task" || s["object_id"] == t1),
        "nor their steps in the timeline"
    );
    // Framework rejections are answered as JSON in Chinese too.
    let (s, v) = jjfz.get("/api/v1/tasks/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "invalid_input");
    assert!(
        v["message"]
            .as_str()
            .expect("m")
            .starts_with("请求参数有误"),
        "{v}"
    );
    // The system admin sees no business data (三员分立), not even published bulletins.
    let admin = app.login("admin").await;
    let (_, ledger) = admin.get("/api/v1/ledger").await;
    assert_eq!(ledger["total"], 0);
    let pages = Pages::login(&app, "admin").await;
    let (_, html) = pages.get("/bulletins").await;
    assert!(
        !html.contains("/bulletins/1\""),
        "no bulletin is listed for the admin"
    );
    // …and cannot reset passwords, which is the security admin's duty.
    let (_, users) = pages.get("/admin/users").await;
    let csrf = csrf_of(&users);
    let (s, _) = pages
        .post(
            "/admin/users/1/password",
            &[("_csrf", csrf.as_str()), ("password", "Another@2026")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stale_versions_get_a_conflict_never_a_silent_overwrite() {
    let app = spawn_app().await;
    let office = app.login("dcb").await;
    let principal = app.login("shuji").await;
    let (mid, _, _) = register(&office).await;
    office.matter_act(mid, "submit", "").await;
    let version = principal.matter(mid).await["version"].clone();
    let (s, _) = principal
        .post(
            &format!("/api/v1/matters/{mid}/actions"),
            json!({"action": "approve", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = principal
        .post(
            &format!("/api/v1/matters/{mid}/actions"),
            json!({"action": "return", "version": version, "text": "再议"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "conflict");
    assert!(
        v["message"].as_str().expect("msg").contains("已被他人修改"),
        "{v}"
    );
    assert_eq!(office.matter(mid).await["state"], "approved");
}

#[tokio::test]
async fn bad_input_gets_chinese_messages_naming_the_field() {
    let app = spawn_app().await;
    let office = app.login("dcb").await;
    let jjfz = office.id_of("/api/v1/units", "name", "经济发展办").await;
    let fgld1 = office.id_of("/api/v1/users", "username", "fgld1").await;
    let task = |deadline: String, unit: i64| json!({"content": "内容", "requirements": "要求", "deadline": deadline, "leaders": [fgld1], "lead_unit": unit});
    let matter = |title: String, tasks: Value| json!({"title": title, "source": "cadre_meeting", "source_date": deadline(0), "source_text": "原文", "tasks": tasks});
    let cases = [
        (matter("".into(), json!([])), "督查事项：不能为空"),
        (
            matter("长".repeat(10_000), json!([])),
            "督查事项：不能超过200个字",
        ),
        (
            matter("坏输入测试".into(), json!([task(deadline(-2), jjfz)])),
            "落实时限：不能早于今天",
        ),
        (
            matter("坏输入测试".into(), json!([task("明天".into(), jjfz)])),
            "落实时限：",
        ),
        (
            matter("坏输入测试".into(), json!([task(deadline(3), 987_654)])),
            "牵头单位：单位（编号987654）不存在",
        ),
    ];
    for (body, expected) in cases {
        let (s, v) = office.post("/api/v1/matters", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_input");
        assert!(
            v["message"]
                .as_str()
                .expect("message")
                .starts_with(expected),
            "{v} should start with {expected}"
        );
    }
    // Malformed JSON.
    let res = office
        .http
        .post(format!("{}/api/v1/matters", app.base))
        .bearer_auth(&office.token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let v: Value = res.json().await.expect("json");
    assert!(
        v["message"]
            .as_str()
            .expect("msg")
            .starts_with("请求体不是有效的 JSON"),
        "{v}"
    );
    // Nothing of the refused requests was stored.
    let (_, ledger) = office.get("/api/v1/ledger?q=坏输入测试").await;
    assert_eq!(ledger["total"], 0);
    // A script tag is kept as text and shown escaped on the page.
    let (s, v) = office
        .post(
            "/api/v1/matters",
            matter(
                "<script>alert(1)</script>".into(),
                json!([task(deadline(3), jjfz)]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    let page = Pages::login(&app, "dcb").await;
    let html = page.get(&format!("/matters/{id}")).await.1;
    assert!(
        !html.contains("<script>alert(1)"),
        "the tag must not reach the page raw"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)") || html.contains("&#60;script&#62;alert(1)"),
        "the text is shown, escaped"
    );
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_served_only_to_those_who_may_see_them() {
    let app = spawn_app().await;
    let office = app.login("dcb").await;
    let principal = app.login("shuji").await;
    let (mid, t1, _) = register(&office).await;
    office.matter_act(mid, "submit", "").await;
    principal.matter_act(mid, "approve", "").await;
    office.matter_act(mid, "issue_notice", "").await;
    let jjfz = app.login("jjfz").await;
    jjfz.task_act(t1, "sign", "").await;
    let (s, v) = jjfz
        .report(
            t1,
            "report",
            "进展",
            vec![("报告.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec())],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["message"].as_str().expect("m").contains("文件类型不允许"));
    let (s, v) = jjfz
        .report(
            t1,
            "report",
            "进展",
            vec![("大文件.txt", vec![b'a'; 2 * 1024 * 1024])],
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::PAYLOAD_TOO_LARGE,
        "{s} {v}"
    );
    let (s, v) = jjfz
        .report(
            t1,
            "report",
            "进展",
            vec![("../../说明.txt", "进展说明".as_bytes().to_vec())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let att = &v["reports"][0]["attachments"][0];
    assert_eq!(att["name"], "说明.txt");
    let aid = att["id"].as_i64().expect("id");
    let res = jjfz
        .http
        .get(format!("{}/api/v1/attachments/{aid}", app.base))
        .bearer_auth(&jjfz.token)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .starts_with("attachment")
    );
    assert_eq!(
        res.bytes().await.expect("bytes").as_ref(),
        "进展说明".as_bytes()
    );
    let shsw = app.login("shsw").await;
    let (s, _) = shsw.get(&format!("/api/v1/attachments/{aid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_and_openapi_contract() {
    let app = spawn_app().await;
    let http = Client::new();
    let res = http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("health");
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = http
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().expect("v").starts_with("3."));
    for path in [
        "/api/v1/session",
        "/api/v1/ledger",
        "/api/v1/matters",
        "/api/v1/matters/{id}/actions",
        "/api/v1/tasks/{id}/reports",
        "/api/v1/bulletins/{id}/actions",
    ] {
        assert!(doc["paths"][path].is_object(), "openapi lacks {path}");
    }
}

/// A browser-like client of the pages: cookie session and CSRF tokens.
#[tokio::test]
async fn pages_require_csrf_and_walk_the_first_steps() {
    let app = spawn_app().await;
    let office = Pages::login(&app, "dcb").await;
    let (s, html) = office.get("/ledger").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("督查工作台账") && html.contains("冬季安全生产大排查大整治"));
    let (s, html) = office.get("/ledger?state=in_progress&sort=deadline").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("办理中"));
    let (s, html) = office.get("/ledger?state=nonsense").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("任务状态"));
    let res = office
        .http
        .get(format!("{}/ledger/export.xlsx?year=", app.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.expect("bytes").starts_with(b"PK"));

    // Register through the form: without the CSRF token it is refused, with it it works.
    let form = |csrf: &'static str| {
        vec![
            ("_csrf", csrf),
            ("title", "页面登记事项"),
            ("source", "topic_meeting"),
            ("source_text", "专题会议决定"),
            ("urgency", "normal"),
        ]
    };
    let (s, html) = office.post("/matters", &form("wrong")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(html.contains("CSRF"));
    let (_, new_page) = office.get("/matters/new").await;
    let csrf: &'static str = Box::leak(csrf_of(&new_page).into_boxed_str());
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let mut fields = form(csrf);
    fields.push(("source_date", Box::leak(today.into_boxed_str())));
    let (s, html) = office.post("/matters", &fields).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("页面登记事项") && html.contains("分解立项"));

    // Pages apply the same authority: a unit gets 403 on the audit log and the admin pages.
    let unit = Pages::login(&app, "jjfz").await;
    assert_eq!(unit.get("/audit").await.0, StatusCode::FORBIDDEN);
    assert_eq!(unit.get("/admin/users").await.0, StatusCode::FORBIDDEN);
    assert_eq!(unit.get("/matters/new").await.0, StatusCode::FORBIDDEN);
    let auditor = Pages::login(&app, "shenji").await;
    let (s, html) = auditor.get("/audit?verify=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("审计链完整"), "{html}");
    // Logout ends the session.
    let (_, work) = unit.get("/work").await;
    let csrf = csrf_of(&work);
    unit.post("/logout", &[("_csrf", csrf.as_str())]).await;
    let (_, html) = unit.get("/work").await;
    assert!(html.contains("登录"), "back on the login page");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_are_audited() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (_, s, html) = Pages::try_login(&app, "jjfz", "wrong-password1").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(html.contains("用户名或密码错误"));
    }
    let (_, s, html) = Pages::try_login(&app, "jjfz", PASSWORD).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "locked even with the right password"
    );
    assert!(html.contains("锁定"));
    let records = app.store.audit_page(None, 20).await.expect("audit");
    assert!(records.iter().any(|r| r.action == "login.refused_locked"));
    assert_eq!(
        records
            .iter()
            .filter(|r| r.action == "login.failed")
            .count(),
        5
    );
    // The API is locked too.
    let res = Client::new()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "jjfz", "password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Other accounts are unaffected.
    Pages::login(&app, "czs").await;
}
