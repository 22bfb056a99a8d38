//! Procedures A (上级督查) and C (部门专项督查) through the JSON API as the real roles, on a fresh
//! database (SQLite, or PostgreSQL when DUBAN_TEST_POSTGRES is set): returns, rejections,
//! forbidden steps, the off-plan rule, caps, merging two overlapping applications into a joint
//! inspection, on-site scores, lead opinions, the bulletin, closing, archiving, documents and
//! the burden report.

mod common;

use std::io::Read;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn unzip_text(bytes: &[u8], entry: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut f = zip.by_name(entry).expect("entry");
    let mut s = String::new();
    f.read_to_string(&mut s).expect("read");
    s
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    zip.file_names().map(str::to_owned).collect()
}

impl Api {
    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("put");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn application(&self, id: i64) -> Value {
        let (s, v) = self.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
    async fn app_post(&self, id: i64, body: Value) -> (StatusCode, Value) {
        let version = self.application(id).await["application"]["version"]
            .as_i64()
            .expect("version");
        let mut body = body;
        body["version"] = json!(version);
        self.post(&format!("/api/v1/applications/{id}/actions"), body)
            .await
    }
    async fn app_act(&self, id: i64, body: Value) -> Value {
        let (s, v) = self.app_post(id, body.clone()).await;
        assert!(s.is_success(), "application {id} {body} → {s} {v}");
        v
    }
    async fn inspect(&self, matter: i64, action: &str, text: &str) -> (StatusCode, Value) {
        let version = self.matter(matter).await["version"]
            .as_i64()
            .expect("version");
        self.post(
            &format!("/api/v1/matters/{matter}/inspection/actions"),
            json!({"action": action, "version": version, "text": text}),
        )
        .await
    }
    async fn score(&self, task: i64, points: &[&str]) -> (StatusCode, Value) {
        let version = self.task(task).await["task"]["version"]
            .as_i64()
            .expect("version");
        self.post(
            &format!("/api/v1/tasks/{task}/score"),
            json!({"version": version, "points": points, "remarks": points.iter().map(|_| "").collect::<Vec<_>>()}),
        )
        .await
    }
}

fn message(v: &Value) -> &str {
    v["message"].as_str().unwrap_or("")
}

#[tokio::test]
async fn procedure_a_superior_notice_end_to_end_as_the_real_roles() {
    let app = spawn_app().await;
    let office = app.login("dcb").await;
    let shuji = app.login("shuji").await;
    let duchald = app.login("duchald").await;
    let fgld1 = app.login("fgld1").await;
    let jjfz = app.login("jjfz").await;
    let csgl = app.login("csgl").await;

    // 登记报备: a written notice needs its document number; bad input names the field.
    let mut notice = json!({
        "title": "关于开展企业安全生产大检查的通知",
        "source": "superior_document",
        "source_text": "高新区要求各街道于月底前完成辖区企业安全生产大检查，并报送检查情况。",
        "urgency": "urgent",
        "issuer": "高新区安委会办公室",
        "doc_no": "",
        "channel": "written",
        "received_at": deadline(-1) + "T09:30",
        "report_deadline": deadline(20),
        "report_to": "高新区安委会办公室"
    });
    let (s, v) = office
        .post("/api/v1/matters/superior", notice.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).starts_with("来文文号"), "{v}");
    notice["received_at"] = json!(deadline(3) + "T09:30");
    notice["doc_no"] = json!("高新安办〔2026〕8号");
    let (s, v) = office
        .post("/api/v1/matters/superior", notice.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).starts_with("收文时间"), "{v}");
    let two_hours_ago = duban_domain::time::to_china(duban_store::now_ms() - 7_200_000)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    notice["received_at"] = json!(two_hours_ago);
    // Only the office registers.
    let (s, _) = jjfz.post("/api/v1/matters/superior", notice.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = office.post("/api/v1/matters/superior", notice).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    let m = office.matter(id).await;
    assert_eq!(m["kind"], "superior");
    assert_eq!(m["superior"]["issuer"], "高新区安委会办公室");
    assert_eq!(m["superior"]["channel"], "written");

    // Tasks come after the principal leader's instruction, not before.
    let jjfz_id = office.id_of("/api/v1/units", "name", "经济发展办").await;
    let csgl_id = office.id_of("/api/v1/units", "name", "城市管理办").await;
    let fgld1_id = office.id_of("/api/v1/users", "username", "fgld1").await;
    let fgld3_id = office.id_of("/api/v1/users", "username", "fgld3").await;
    let task = |content: &str, leader: i64, unit: i64| json!({"content": content, "requirements": "按上级要求完成并报送书面材料", "deadline": deadline(15), "leaders": [leader], "lead_unit": unit});
    let (s, v) = office
        .post(
            &format!(
                "/api/v1/matters/{id}/tasks?version={}",
                m["version"].as_i64().unwrap_or(0)
            ),
            task("检查规上企业", fgld1_id, jjfz_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(message(&v).contains("批阅"), "{v}");

    // 呈批 → 退回 → 呈批 → 批示.
    office.matter_act(id, "submit", "").await;
    assert!(shuji.has_todo("approve", "matter", id).await);
    shuji.matter_act(id, "return", "请补充检查范围。").await;
    assert_eq!(office.matter(id).await["state"], "registered");
    office.matter_act(id, "submit", "").await;
    let (s, _) = duchald
        .post(
            &format!("/api/v1/matters/{id}/actions"),
            json!({"action": "approve", "version": office.matter(id).await["version"], "text": "同意"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    shuji
        .matter_act(id, "approve", "请经发办、城管办抓紧落实，按时上报。")
        .await;
    let m = office.matter(id).await;
    assert_eq!(m["state"], "approved");
    assert!(office.has_todo("forward", "matter", id).await);
    // Forwarding needs tasks.
    let (s, v) = office
        .post(
            &format!("/api/v1/matters/{id}/actions"),
            json!({"action": "forward", "version": m["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    for (content, leader, unit) in [
        ("检查规上企业", fgld1_id, jjfz_id),
        ("检查沿街商铺", fgld3_id, csgl_id),
    ] {
        let version = office.matter(id).await["version"].as_i64().unwrap_or(0);
        let (s, v) = office
            .post(
                &format!("/api/v1/matters/{id}/tasks?version={version}"),
                task(content, leader, unit),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let codes: Vec<String> = office.matter(id).await["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["action"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        codes,
        ["forward"],
        "a Superior matter is forwarded, not noticed"
    );
    let (s, v) = office
        .post(
            &format!("/api/v1/matters/{id}/actions"),
            json!({"action": "issue_notice", "version": office.matter(id).await["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // 任务交办: the 批示件转办单 goes out numbered with its own format.
    let m = office.matter_act(id, "forward", "").await;
    assert_eq!(m["state"], "dispatched");
    let no = m["notice_no"].as_str().expect("number").to_owned();
    assert!(no.starts_with("张督转〔") && no.ends_with("号"), "{no}");
    let slip = office
        .bytes(&format!("/api/v1/matters/{id}/notice.docx"))
        .await;
    let xml = unzip_text(&slip, "word/document.xml");
    assert!(xml.contains("批示件转办单"), "the slip's title");
    assert!(xml.contains("高新安办〔2026〕8号"), "the source number");
    assert!(xml.contains(&no), "its own number");
    assert!(xml.contains("请经发办、城管办抓紧落实"), "the instruction");

    let t1 = m["tasks"][0]["id"].as_i64().expect("t1");
    let t2 = m["tasks"][1]["id"].as_i64().expect("t2");
    // 签收 by the leaders and units, 报送, 确认.
    for (who, t) in [(&fgld1, t1), (&jjfz, t1), (&csgl, t2)] {
        who.task_act(t, "sign", "").await;
    }
    app.login("fgld3").await.task_act(t2, "sign", "").await;
    // Another unit cannot report on a task it has no part in.
    let (s, _) = csgl.get(&format!("/api/v1/tasks/{t1}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = jjfz
        .report(
            t1,
            "report_final",
            "已检查规上企业42家，整改隐患17处。",
            vec![],
        )
        .await;
    assert!(s.is_success(), "{v}");
    let (s, v) = csgl
        .report(t2, "report_final", "已检查沿街商铺310家。", vec![])
        .await;
    assert!(s.is_success(), "{v}");
    fgld1.task_act(t1, "confirm", "").await;
    app.login("fgld3").await.task_act(t2, "confirm", "").await;
    assert!(office.has_todo("compile_report", "matter", id).await);

    // 督查汇报: compiled against the higher-level requirements, reviewed, instructed, reported upward.
    let (s, v) = office
        .post("/api/v1/bulletins", json!({"matter_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let b = v["id"].as_i64().expect("report");
    let draft = office.bulletin(b).await;
    assert_eq!(draft["kind"], "report");
    let body = draft["body"].as_str().expect("body");
    assert!(
        body.contains("上级督办要求") && body.contains("已检查规上企业42家"),
        "{body}"
    );
    office
        .bulletin_act(b, json!({"action": "submit_review"}))
        .await;
    duchald
        .bulletin_act(b, json!({"action": "review", "text": "同意上报。"}))
        .await;
    shuji
        .bulletin_act(
            b,
            json!({"action": "instruct", "text": "补充隐患整改率后上报。"}),
        )
        .await;
    // A 督查汇报 is reported upward, not published in the periodical.
    let version = office.bulletin(b).await["version"].clone();
    let (s, v) = office
        .post(
            &format!("/api/v1/bulletins/{b}/actions"),
            json!({"action": "publish", "version": version, "title": "x", "body": "y", "scope": "z"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = office
        .post(
            &format!("/api/v1/bulletins/{b}/actions"),
            json!({"action": "report_upward", "version": version, "title": "关于企业安全生产大检查落实情况的督查汇报", "body": "定稿", "report_to": "高新区安委会办公室", "report_on": deadline(1), "report_via": "公文交换"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a report dated tomorrow: {v}"
    );
    let done = office
        .bulletin_act(b, json!({"action": "report_upward", "title": "关于企业安全生产大检查落实情况的督查汇报", "body": "一、上级督办要求\n定稿正文。", "report_to": "高新区安委会办公室", "report_on": deadline(0), "report_via": "公文交换"}))
        .await;
    assert_eq!(done["state"], "published");
    assert_eq!(done["state_label"], "已上报");
    assert_eq!(done["upward"]["via"], "公文交换");
    let doc_no = done["doc_no"].as_str().expect("doc no");
    assert!(doc_no.starts_with("张督报〔"), "{doc_no}");
    let report = office
        .bytes(&format!("/api/v1/bulletins/{b}/issue.docx"))
        .await;
    let xml = unzip_text(&report, "word/document.xml");
    assert!(xml.contains("高新区安委会办公室") && xml.contains(doc_no));

    // 销号归档.
    office.task_act(t1, "close", "").await;
    office.task_act(t2, "close", "").await;
    assert_eq!(office.matter(id).await["state"], "closed");
    office.matter_act(id, "archive", "").await;
    let zip = office
        .bytes(&format!("/api/v1/matters/{id}/archive.zip"))
        .await;
    let names = zip_names(&zip);
    assert!(
        names.iter().any(|n| n.contains("批示件转办单")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.contains("督查汇报")), "{names:?}");
}

#[tokio::test]
async fn procedure_c_special_inspections_merge_score_and_close() {
    let app = spawn_app().await;
    // Tight caps make the load visible: one inspection per unit a month.
    let mut settings = app.store.settings().await.expect("settings");
    settings.cap_month = 1;
    app.store
        .save_settings(None, &settings, &duban_store::Meta::system())
        .await
        .expect("caps");
    let office = app.login("dcb").await;
    let shuji = app.login("shuji").await;
    let duchald = app.login("duchald").await;
    let fgld1 = app.login("fgld1").await;
    let fgld2 = app.login("fgld2").await;
    let fgld3 = app.login("fgld3").await;
    let shsw = app.login("shsw").await; // 社会事务办, area leader fgld2
    let yjgl = app.login("yjgl").await; // 应急管理办, area leader fgld3
    let nync = app.login("nync").await; // 农业农村办, area leader fgld3
    let zfsq = app.login("zfsq").await;
    let qjsq = app.login("qjsq").await;
    let dwzc = app.login("dwzc").await;

    let unit = |name: &'static str| {
        let office = &office;
        async move { office.id_of("/api/v1/units", "name", name).await }
    };
    let (zfsq_id, qjsq_id, dwzc_id, yjgl_id) = (
        unit("张范社区").await,
        unit("前进社区").await,
        unit("东王庄村").await,
        unit("应急管理办").await,
    );

    // The office keeps the annual plan; 应急管理办's safety inspection is in it.
    let (s, v) = yjgl
        .post(
            "/api/v1/plan",
            json!({"year": &deadline(12)[..4], "unit_id": yjgl_id, "subject": "安全生产检查", "mode": "on_site", "month": "1", "targets": "各社区、村"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = office
        .post(
            "/api/v1/plan",
            json!({"year": &deadline(12)[..4], "unit_id": yjgl_id, "subject": "安全生产检查", "mode": "on_site", "month": deadline(12)[5..7].trim_start_matches('0'), "targets": "各社区、村"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let plan_item = v["id"].as_i64().expect("plan item");

    // 1 提出督查考核申请.
    let application = |subject: &str, targets: Vec<i64>, plan: String| {
        json!({
            "subject": subject,
            "reason": "年度重点工作需要实地检查落实情况。",
            "content": format!("{subject}：查看台账、实地检查。"),
            "targets": targets,
            "window_start": deadline(10),
            "window_end": deadline(12),
            "mode": "on_site",
            "plan_item": plan,
            "score_sheet": "台账资料 40\n现场检查 60"
        })
    };
    let (s, v) = shsw
        .post(
            "/api/v1/applications",
            json!({"subject": "", "targets": []}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = duchald
        .post(
            "/api/v1/applications",
            application("越权申请", vec![zfsq_id], String::new()),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a leader does not apply; a department does"
    );
    let (s, v) = shsw
        .post(
            "/api/v1/applications",
            application(
                "养老服务工作专项督查",
                vec![zfsq_id, qjsq_id],
                String::new(),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a1 = v["id"].as_i64().expect("a1");
    let (s, v) = yjgl
        .post(
            "/api/v1/applications",
            application(
                "安全生产专项检查",
                vec![qjsq_id, dwzc_id],
                plan_item.to_string(),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a2 = v["id"].as_i64().expect("a2");
    let (s, v) = nync
        .post(
            "/api/v1/applications",
            application("秸秆禁烧督查", vec![dwzc_id], String::new()),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a3 = v["id"].as_i64().expect("a3");
    // A department sees only its own applications.
    let (_, list) = shsw.get("/api/v1/applications").await;
    let list = list.as_array().expect("list");
    let own = shsw.application(a1).await["application"]["unit_id"].clone();
    assert!(list.iter().any(|x| x["application"]["id"] == a1));
    assert!(
        list.iter().all(|x| x["application"]["unit_id"] == own),
        "{list:?}"
    );
    let (s, _) = shsw.get(&format!("/api/v1/applications/{a2}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    for (who, a) in [(&shsw, a1), (&yjgl, a2), (&nync, a3)] {
        who.app_act(a, json!({"action": "submit"})).await;
    }
    // Only the department's own area leader reviews it.
    let version = shsw.application(a1).await["application"]["version"].clone();
    let (s, _) = fgld1
        .post(
            &format!("/api/v1/applications/{a1}/actions"),
            json!({"action": "area_approve", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "fgld1 has no part in 社会事务办");
    let (s, _) = shsw.app_post(a1, json!({"action": "area_approve"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        fgld2
            .has_todo("review_application", "application", a1)
            .await
    );
    fgld2
        .app_act(a1, json!({"action": "area_approve", "text": "同意。"}))
        .await;
    // 退回 and revised.
    fgld3
        .app_act(a2, json!({"action": "return", "text": "请补充检查重点。"}))
        .await;
    assert_eq!(yjgl.application(a2).await["application"]["state"], "draft");
    let version = yjgl.application(a2).await["application"]["version"].clone();
    let mut revised = application(
        "安全生产专项检查",
        vec![qjsq_id, dwzc_id],
        plan_item.to_string(),
    );
    revised["version"] = version;
    revised["content"] = json!("重点检查燃气、消防通道和电动车充电。");
    let (s, v) = yjgl
        .put(&format!("/api/v1/applications/{a2}"), revised)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    yjgl.app_act(a2, json!({"action": "submit"})).await;
    fgld3.app_act(a2, json!({"action": "area_approve"})).await;
    fgld3.app_act(a3, json!({"action": "area_approve"})).await;

    // Caps: 前进社区 would get two inspections in one month.
    let view = shuji.application(a2).await;
    let warnings = view["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap_or("").contains("前进社区")),
        "{view}"
    );
    // 计划外 needs the principal leader's explicit approval.
    let (s, v) = shuji
        .app_post(a1, json!({"action": "principal_approve", "text": "同意。"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).starts_with("计划外"), "{v}");
    let (s, _) = fgld2
        .app_post(a1, json!({"action": "principal_approve", "off_plan": "1"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = shuji
        .app_act(a1, json!({"action": "principal_approve", "off_plan": "1", "text": "同意，与相关督查合并开展。"}))
        .await;
    assert_eq!(v["application"]["state"], "approved");
    shuji
        .app_act(a2, json!({"action": "principal_approve"}))
        .await;
    // 不同意: the application ends there.
    shuji
        .app_act(
            a3,
            json!({"action": "reject", "text": "纳入日常工作，不单独督查。"}),
        )
        .await;
    let v = nync.application(a3).await;
    assert_eq!(v["application"]["state"], "rejected");
    assert!(v["actions"].as_array().expect("actions").is_empty());
    // 2 启动备案: the supervision leader forwards; the office sees the overlap and merges.
    for a in [a1, a2] {
        duchald.app_act(a, json!({"action": "forward"})).await;
    }
    let v = office.application(a1).await;
    assert_eq!(v["application"]["state"], "accepted");
    let overlapping = v["overlapping"].as_array().expect("overlapping");
    assert!(overlapping.contains(&json!(a2)), "{v}");
    assert!(
        !overlapping.contains(&json!(a3)),
        "a rejected application is no candidate"
    );
    let on_site = |rows: &Value, name: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_name"] == name)
            .and_then(|r| r["on_site"].as_i64())
            .expect("row")
    };
    let (_, before) = office.get("/api/v1/burden").await;
    let plan = json!({
        "applications": [a1, a2],
        "title": "养老服务和安全生产联合督查考核方案",
        "window_start": deadline(10),
        "window_end": deadline(12),
        "requirements": "各单位准备台账，主要负责人在岗。",
        "team": "组长：陈晓；成员：蒋丽、韩磊",
        "vehicle": "申请公务用车1辆"
    });
    let (s, _) = shsw.post("/api/v1/inspections", plan.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = office.post("/api/v1/inspections", plan).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mid = v["id"].as_i64().expect("matter");
    let m = office.matter(mid).await;
    assert_eq!(m["kind"], "special");
    assert_eq!(m["state"], "approved");
    assert_eq!(m["inspection"]["joint"], true);
    assert_eq!(
        m["tasks"].as_array().map(Vec::len),
        Some(3),
        "one task per inspected unit"
    );
    assert_eq!(
        shsw.application(a1).await["application"]["state"],
        "launched"
    );

    // 3 实施: the notice must go out the configured number of days ahead.
    let mut s2 = app.store.settings().await.expect("settings");
    s2.notice_days = 30;
    app.store
        .save_settings(None, &s2, &duban_store::Meta::system())
        .await
        .expect("save");
    let (s, v) = office.inspect(mid, "notify", "").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(message(&v).contains("提前30天"), "{v}");
    s2.notice_days = 3;
    app.store
        .save_settings(None, &s2, &duban_store::Meta::system())
        .await
        .expect("save");
    let (s, v) = office.inspect(mid, "notify", "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let no = v["notice_no"].as_str().expect("notice no");
    assert!(no.starts_with("张督考〔"), "{no}");
    let task_of = |m: &Value, unit: i64| -> i64 {
        m["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|t| t["lead_unit"] == unit)
            .and_then(|t| t["id"].as_i64())
            .expect("task of unit")
    };
    let (t_zf, t_qj, t_dw) = (
        task_of(&v, zfsq_id),
        task_of(&v, qjsq_id),
        task_of(&v, dwzc_id),
    );
    let notice = office
        .bytes(&format!("/api/v1/matters/{mid}/notice.docx?unit={qjsq_id}"))
        .await;
    let xml = unzip_text(&notice, "word/document.xml");
    assert!(
        xml.contains("前进社区") && xml.contains(no),
        "the notice to 前进社区"
    );
    let plan_doc = office
        .bytes(&format!("/api/v1/matters/{mid}/plan.docx"))
        .await;
    let xml = unzip_text(&plan_doc, "word/document.xml");
    assert!(
        xml.contains("社会事务办") && xml.contains("应急管理办"),
        "each department's content"
    );

    // Scoring before the unit signed is refused; the units sign.
    let (s, _) = shsw.score(t_zf, &["30", "50"]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    for (who, t) in [(&zfsq, t_zf), (&qjsq, t_qj), (&dwzc, t_dw)] {
        who.task_act(t, "sign", "").await;
    }
    // Each department scores only the units its own application named, within the marks.
    let (s, _) = yjgl.score(t_zf, &["30", "50"]).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "张范社区 is not 应急管理办's target"
    );
    let (s, v) = shsw.score(t_zf, &["30", "70"]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).contains("现场检查"), "{v}");
    let (s, v) = shsw.score(t_zf, &["30"]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = shsw.score(t_zf, &["35.5", "52"]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["task"]["state"], "completed");
    // 前进社区 is inspected by both: complete only when both scored.
    let (_, v) = shsw.score(t_qj, &["38", "55"]).await;
    assert_eq!(v["task"]["state"], "in_progress");
    let (s, _) = shsw.score(t_qj, &["38", "55"]).await;
    assert_eq!(s, StatusCode::CONFLICT, "scored twice");
    let (_, v) = yjgl.score(t_qj, &["36", "50"]).await;
    assert_eq!(v["task"]["state"], "completed");
    // An opinion before every unit is done is refused.
    let (s, _) = shsw
        .app_post(
            a1,
            json!({"action": "opinion", "problems": "a", "causes": "b", "next_steps": "c"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, v) = yjgl.score(t_dw, &["30", "45"]).await;
    assert_eq!(v["task"]["state"], "completed");
    assert!(shsw.has_todo("write_opinion", "application", a1).await);

    // 4 通报: lead opinions signed by the area leaders, then the bulletin.
    let (s, _) = office
        .post("/api/v1/bulletins", json!({"matter_ids": [mid]}))
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "no bulletin before the opinions are signed"
    );
    shsw.app_act(a1, json!({"action": "opinion", "problems": "部分社区养老台账不全。", "causes": "专人管理不到位。", "next_steps": "月底前补齐台账。"})).await;
    fgld2.app_act(a1, json!({"action": "sign_opinion"})).await;
    yjgl.app_act(a2, json!({"action": "opinion", "problems": "消防通道堵塞。", "causes": "巡查频次不够。", "next_steps": "每周巡查。"})).await;
    fgld3
        .app_act(
            a2,
            json!({"action": "return_opinion", "text": "原因分析再具体些。"}),
        )
        .await;
    yjgl.app_act(a2, json!({"action": "opinion", "problems": "消防通道堵塞。", "causes": "村民安全意识薄弱，巡查频次不够。", "next_steps": "每周巡查。"})).await;
    fgld3.app_act(a2, json!({"action": "sign_opinion"})).await;
    assert!(office.has_todo("compile_bulletin", "matter", mid).await);
    let (s, v) = office
        .post("/api/v1/bulletins", json!({"matter_ids": [mid]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let b = v["id"].as_i64().expect("bulletin");
    let draft = office.bulletin(b).await;
    let body = draft["body"].as_str().expect("body");
    assert!(
        body.contains("前进社区") && body.contains("消防通道堵塞"),
        "{body}"
    );
    office
        .bulletin_act(b, json!({"action": "submit_review"}))
        .await;
    // The departments' area leaders approve a special bulletin, not the supervision leader.
    let version = office.bulletin(b).await["version"].clone();
    let (s, _) = duchald
        .post(
            &format!("/api/v1/bulletins/{b}/actions"),
            json!({"action": "review", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(fgld2.has_todo("review", "bulletin", b).await);
    fgld2
        .bulletin_act(b, json!({"action": "review", "text": "同意印发。"}))
        .await;
    shuji
        .bulletin_act(b, json!({"action": "instruct", "text": "印发各社区、村。"}))
        .await;
    let done = office
        .bulletin_act(b, json!({"action": "publish", "title": "关于养老服务和安全生产联合督查情况的通报", "body": "定稿正文", "scope": "各社区、村"}))
        .await;
    assert_eq!(done["state"], "published");

    // 5 销号归档.
    for t in [t_zf, t_qj, t_dw] {
        office.task_act(t, "close", "").await;
    }
    office.matter_act(mid, "archive", "").await;
    let zip = office
        .bytes(&format!("/api/v1/matters/{mid}/archive.zip"))
        .await;
    let names = zip_names(&zip);
    for part in [
        "专项督查考核方案",
        "督查考核申请书",
        "督查考核评分表",
        "督查考核通知",
    ] {
        assert!(
            names.iter().any(|n| n.contains(part)),
            "{part} in {names:?}"
        );
    }

    // The burden report counts the joint inspection once per unit.
    let (s, rows) = office.get("/api/v1/burden").await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    for unit in ["前进社区", "东王庄村", "张范社区"] {
        assert_eq!(
            on_site(&rows, unit),
            on_site(&before, unit) + 1,
            "{unit}: one joint inspection counts once"
        );
    }
    let (s, _) = zfsq.get("/api/v1/burden").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
