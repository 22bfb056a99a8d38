//! The storage contract: the same suite on SQLite (`cargo test`) and on PostgreSQL
//! (`DUBAN_TEST_POSTGRES=postgres://… cargo test`, which fails if the server is unreachable).

use chrono::{Duration, NaiveDate};
use duban_domain::input::{NewMatter, NewTask};
use duban_domain::time::china_date;
use duban_domain::*;
use duban_store::audit::ChainCheck;
use duban_store::ledger::{LedgerFilter, LedgerSort};
use duban_store::org::UserInput;
use duban_store::sessions::SessionKind;
use duban_store::testing::{drop_audit_guard, execute_raw, fresh_store, try_execute_raw};
use duban_store::{Meta, Store, StoreError, now_ms};

fn meta() -> Meta {
    Meta {
        ip: "127.0.0.1".into(),
    }
}

fn today() -> NaiveDate {
    china_date(now_ms())
}

/// A small organisation: two departments, a leader for each role.
struct Org {
    store: Store,
    dept_a: UnitId,
    dept_b: UnitId,
    dept_c: UnitId,
    office: Actor,
    principal: Actor,
    supervision: Actor,
    leader: Actor,
    staff_a: Actor,
    staff_b: Actor,
    staff_c: Actor,
    admin: Actor,
}

async fn user(
    store: &Store,
    name: &str,
    unit: UnitId,
    roles: &[Role],
    portfolio: &[UnitId],
) -> Actor {
    let input = UserInput {
        username: name.into(),
        name: name.into(),
        title: String::new(),
        unit_id: unit,
        roles: roles.to_vec(),
        portfolio: portfolio.to_vec(),
    };
    let id = store
        .create_user(None, &input, "not-a-real-hash", &meta())
        .await
        .expect("user");
    store.actor(id).await.expect("load").expect("active")
}

async fn org(tag: &str) -> Org {
    let store = fresh_store(tag).await;
    let m = meta();
    let root = store
        .create_unit(None, None, "测试街道", UnitKind::SubDistrict, 0, &m)
        .await
        .expect("root");
    let lead = store
        .create_unit(None, Some(root), "领导班子", UnitKind::Leadership, 1, &m)
        .await
        .expect("unit");
    let dept_a = store
        .create_unit(None, Some(root), "经济发展办", UnitKind::Department, 2, &m)
        .await
        .expect("unit");
    let dept_b = store
        .create_unit(None, Some(root), "城市管理办", UnitKind::Department, 3, &m)
        .await
        .expect("unit");
    let dept_c = store
        .create_unit(None, Some(root), "张范社区", UnitKind::Community, 4, &m)
        .await
        .expect("unit");
    let office_unit = store
        .create_unit(None, Some(root), "考核督查办", UnitKind::Department, 5, &m)
        .await
        .expect("unit");
    Org {
        office: user(
            &store,
            "office",
            office_unit,
            &[Role::SupervisionOffice],
            &[],
        )
        .await,
        principal: user(&store, "principal", lead, &[Role::PrincipalLeader], &[]).await,
        supervision: user(&store, "supervision", lead, &[Role::SupervisionLeader], &[]).await,
        leader: user(
            &store,
            "leader",
            lead,
            &[Role::AreaLeader],
            &[dept_a, dept_b],
        )
        .await,
        staff_a: user(&store, "staff_a", dept_a, &[Role::UnitStaff], &[]).await,
        staff_b: user(&store, "staff_b", dept_b, &[Role::UnitHead], &[]).await,
        staff_c: user(&store, "staff_c", dept_c, &[Role::UnitStaff], &[]).await,
        admin: user(&store, "admin", office_unit, &[Role::SystemAdmin], &[]).await,
        store,
        dept_a,
        dept_b,
        dept_c,
    }
}

fn new_matter(title: &str) -> NewMatter {
    NewMatter {
        title: title.into(),
        source: Source::CadreMeeting,
        source_date: today(),
        source_text: "会议决定".into(),
        superior: None,
        urgency: Urgency::Normal,
    }
}

fn new_task(o: &Org, content: &str, lead: UnitId, coop: &[UnitId], days: i64) -> NewTask {
    NewTask {
        content: content.into(),
        requirements: "按时报送".into(),
        deadline: today() + Duration::days(days),
        due_time: None,
        cadence: None,
        leaders: vec![o.leader.user_id],
        lead_unit: lead,
        coop_units: coop.to_vec(),
        urgency: Urgency::Normal,
    }
}

async fn matter_version(o: &Org, id: MatterId) -> i64 {
    o.store
        .matter_view(&o.office, id)
        .await
        .expect("view")
        .matter
        .version
}

async fn task_version(o: &Org, id: TaskId) -> i64 {
    o.store
        .task_view(&o.office, id)
        .await
        .expect("view")
        .task
        .version
}

async fn act_m(
    o: &Org,
    who: &Actor,
    id: MatterId,
    cmd: MatterCommand,
) -> Result<Change, StoreError> {
    let v = matter_version(o, id).await;
    o.store.act_on_matter(who, id, v, cmd, &meta()).await
}

async fn act_t(
    o: &Org,
    who: &Actor,
    id: TaskId,
    action: &str,
    text: &str,
) -> Result<Change, StoreError> {
    let v = task_version(o, id).await;
    o.store
        .act_on_task(
            who,
            id,
            v,
            TaskCommand::parse(action, Some(text)).expect("cmd"),
            &[],
            &meta(),
        )
        .await
}

async fn act_b(
    o: &Org,
    who: &Actor,
    id: BulletinId,
    cmd: BulletinCommand,
) -> Result<Change, StoreError> {
    let v = o
        .store
        .bulletin_view(&o.office, id)
        .await
        .expect("view")
        .0
        .version;
    o.store.act_on_bulletin(who, id, v, cmd, &meta()).await
}

/// How many tasks of the ledger `who` sees under `f`.
async fn total(store: &Store, who: &Actor, f: &LedgerFilter) -> i64 {
    store
        .ledger(who, f, LedgerSort::Ledger, None, 50)
        .await
        .expect("ledger")
        .total
}

fn is_domain(r: &Result<Change, StoreError>, pred: fn(&DomainError) -> bool) -> bool {
    matches!(r, Err(StoreError::Domain(d)) if pred(d))
}

#[tokio::test]
async fn connects_migrates_and_answers() {
    let o = org("connect").await;
    o.store.ping().await.expect("ping");
    assert_eq!(o.store.units().await.expect("units").len(), 6);
    assert!(o.store.user_count().await.expect("count") >= 8);
    // Reconnecting runs the migrations again without harm.
    let again = o.store.settings().await.expect("settings");
    assert_eq!(again.notice_no(2026, 3), "督办〔2026〕3号");
}

#[tokio::test]
async fn org_refuses_duplicates_and_unknown_units() {
    let o = org("org").await;
    let dup = UserInput {
        username: "office".into(),
        name: "重复".into(),
        title: String::new(),
        unit_id: o.dept_a,
        roles: vec![Role::UnitStaff],
        portfolio: vec![],
    };
    let e = o
        .store
        .create_user(None, &dup, "h", &meta())
        .await
        .expect_err("duplicate");
    assert!(
        e.to_string().contains("用户名") && e.to_string().contains("已被使用"),
        "{e}"
    );
    let bad = UserInput {
        username: "nobody".into(),
        unit_id: UnitId(9999),
        ..dup
    };
    let e = o
        .store
        .create_user(None, &bad, "h", &meta())
        .await
        .expect_err("unknown unit");
    assert!(e.to_string().contains("所在单位"), "{e}");
    assert_eq!(o.leader.portfolio, vec![o.dept_a, o.dept_b]);
}

#[tokio::test]
async fn ledger_numbers_are_unique_under_concurrent_registration() {
    let o = org("numbers").await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let store = o.store.clone();
        let office = o.office.clone();
        let task = new_task(&o, "并发登记", o.dept_a, &[], 10);
        handles.push(tokio::spawn(async move {
            store
                .create_matter(
                    &office,
                    new_matter(&format!("事项{i}")),
                    vec![task],
                    &meta(),
                )
                .await
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.expect("join").expect("create"));
    }
    let mut seqs = Vec::new();
    for id in ids {
        seqs.push(
            o.store
                .matter_view(&o.office, id)
                .await
                .expect("view")
                .matter
                .seq,
        );
    }
    seqs.sort();
    assert_eq!(
        seqs,
        (1..=12).collect::<Vec<i64>>(),
        "per-year numbers without gaps or repeats"
    );
    assert!(matches!(
        o.store.verify_audit_chain().await.expect("verify"),
        ChainCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn procedure_b_persists_every_step_with_numbers_and_work_items() {
    let o = org("procedure").await;
    let t1 = new_task(&o, "任务一", o.dept_a, &[o.dept_b], 10);
    let t2 = new_task(&o, "任务二", o.dept_b, &[], 20);
    let mid = o
        .store
        .create_matter(&o.office, new_matter("重点项目推进"), vec![t1, t2], &meta())
        .await
        .expect("create");
    assert_eq!(
        o.store.todo_count(&o.office).await.expect("todo"),
        1,
        "decompose and submit"
    );

    act_m(&o, &o.office, mid, MatterCommand::Submit)
        .await
        .expect("submit");
    assert_eq!(o.store.todo_count(&o.principal).await.expect("todo"), 1);
    assert_eq!(o.store.todo_count(&o.office).await.expect("todo"), 0);
    act_m(
        &o,
        &o.principal,
        mid,
        MatterCommand::Approve {
            instruction: "同意".into(),
        },
    )
    .await
    .expect("approve");
    act_m(&o, &o.office, mid, MatterCommand::IssueNotice)
        .await
        .expect("notice");
    let v = o.store.matter_view(&o.office, mid).await.expect("view");
    assert_eq!(v.matter.state, MatterState::Dispatched);
    let year = chrono::Datelike::year(&today());
    assert_eq!(
        v.matter.notice_no.as_deref(),
        Some(format!("督办〔{year}〕1号").as_str())
    );
    let (id1, id2) = (v.tasks[0].id, v.tasks[1].id);

    // leader signs both, unit A signs task 1, unit B signs both
    assert_eq!(o.store.todo_count(&o.leader).await.expect("todo"), 2);
    assert_eq!(o.store.todo_count(&o.staff_b).await.expect("todo"), 2);
    for (who, id) in [
        (&o.leader, id1),
        (&o.leader, id2),
        (&o.staff_a, id1),
        (&o.staff_b, id1),
        (&o.staff_b, id2),
    ] {
        act_t(&o, who, id, "sign", "").await.expect("sign");
    }
    let tv = o.store.task_view(&o.office, id1).await.expect("view");
    assert!(tv.receipts.iter().all(|r| r.signed_at.is_some()));
    assert_eq!(tv.task.state, TaskState::InProgress);

    act_t(&o, &o.staff_b, id1, "report", "配合进展")
        .await
        .expect("coop interim");
    act_t(&o, &o.staff_a, id1, "report_final", "已完成")
        .await
        .expect("final");
    act_t(&o, &o.leader, id1, "return_report", "材料不全")
        .await
        .expect("return");
    act_t(&o, &o.staff_a, id1, "report_final", "已补充材料")
        .await
        .expect("final again");
    act_t(&o, &o.leader, id1, "confirm", "同意")
        .await
        .expect("confirm");
    act_t(&o, &o.staff_b, id2, "report_final", "已完成")
        .await
        .expect("final 2");
    act_t(&o, &o.leader, id2, "confirm", "同意")
        .await
        .expect("confirm 2");
    let reports = o
        .store
        .task_view(&o.office, id1)
        .await
        .expect("view")
        .reports;
    assert_eq!(
        reports.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![
            ReportStatus::Noted,
            ReportStatus::Returned,
            ReportStatus::Confirmed
        ]
    );

    let bid = o
        .store
        .create_bulletin(&o.office, &[mid], &meta())
        .await
        .expect("bulletin");
    let (b, _, _) = o.store.bulletin_view(&o.office, bid).await.expect("view");
    assert!(
        b.body.contains("已完成事项（2项）") && b.body.contains("已补充材料"),
        "{}",
        b.body
    );
    act_b(&o, &o.office, bid, BulletinCommand::SubmitForReview)
        .await
        .expect("submit");
    act_b(
        &o,
        &o.supervision,
        bid,
        BulletinCommand::Review {
            opinion: "同意".into(),
        },
    )
    .await
    .expect("review");
    act_b(
        &o,
        &o.principal,
        bid,
        BulletinCommand::Instruct {
            instruction: "印发".into(),
        },
    )
    .await
    .expect("instruct");
    let publish = BulletinCommand::Publish {
        title: b.title.clone(),
        body: b.body.clone(),
        scope: "各部门".into(),
    };
    act_b(&o, &o.office, bid, publish).await.expect("publish");
    assert_eq!(
        o.store
            .bulletin_view(&o.office, bid)
            .await
            .expect("view")
            .0
            .issue_no,
        Some(1)
    );
    assert_eq!(
        o.store.todo_count(&o.office).await.expect("todo"),
        2,
        "close both tasks"
    );

    act_t(&o, &o.office, id1, "close", "")
        .await
        .expect("close 1");
    act_t(&o, &o.office, id2, "close", "")
        .await
        .expect("close 2");
    assert_eq!(
        o.store
            .matter_view(&o.office, mid)
            .await
            .expect("view")
            .matter
            .state,
        MatterState::Closed
    );
    act_m(&o, &o.office, mid, MatterCommand::Archive)
        .await
        .expect("archive");
    let done = o
        .store
        .matter_view(&o.office, mid)
        .await
        .expect("view")
        .matter;
    assert_eq!(done.state, MatterState::Archived);
    assert_eq!(
        done.archive_no.as_deref(),
        Some(format!("GD-{year}-0001").as_str())
    );
    assert_eq!(o.store.todo_count(&o.office).await.expect("todo"), 0);
    // Read-only after archiving.
    assert!(is_domain(
        &act_t(&o, &o.office, id1, "close", "").await,
        |d| matches!(d, DomainError::InvalidState(_))
    ));

    let timeline = o.store.timeline(mid.0).await.expect("timeline");
    let actions: Vec<&str> = timeline.iter().map(|r| r.action.as_str()).collect();
    for step in [
        "matter.register",
        "task.create",
        "matter.submit",
        "matter.approve",
        "matter.issue_notice",
        "task.sign",
        "task.report",
        "task.report_final",
        "task.return_report",
        "task.confirm",
        "bulletin.create",
        "bulletin.submit_review",
        "bulletin.review",
        "bulletin.instruct",
        "bulletin.publish",
        "task.close",
        "matter.archive",
    ] {
        assert!(
            actions.contains(&step),
            "timeline lacks {step}: {actions:?}"
        );
    }
    assert!(matches!(
        o.store.verify_audit_chain().await.expect("verify"),
        ChainCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn stale_versions_are_conflicts_and_nothing_changes() {
    let o = org("stale").await;
    let mid = o
        .store
        .create_matter(
            &o.office,
            new_matter("并发"),
            vec![new_task(&o, "t", o.dept_a, &[], 5)],
            &meta(),
        )
        .await
        .expect("create");
    let v = matter_version(&o, mid).await;
    o.store
        .act_on_matter(&o.office, mid, v, MatterCommand::Submit, &meta())
        .await
        .expect("first wins");
    let second = o
        .store
        .act_on_matter(
            &o.principal,
            mid,
            v,
            MatterCommand::Approve {
                instruction: "同意".into(),
            },
            &meta(),
        )
        .await;
    assert!(
        is_domain(&second, |d| matches!(d, DomainError::Conflict(_))),
        "{second:?}"
    );
    assert_eq!(
        o.store
            .matter_view(&o.office, mid)
            .await
            .expect("view")
            .matter
            .state,
        MatterState::Submitted
    );
    // Two concurrent approvals with the same version: exactly one succeeds.
    let v = matter_version(&o, mid).await;
    let (s1, s2) = (o.store.clone(), o.store.clone());
    let (p1, p2) = (o.principal.clone(), o.principal.clone());
    let a = tokio::spawn(async move {
        s1.act_on_matter(
            &p1,
            mid,
            v,
            MatterCommand::Approve {
                instruction: "甲".into(),
            },
            &meta(),
        )
        .await
    });
    let b = tokio::spawn(async move {
        s2.act_on_matter(
            &p2,
            mid,
            v,
            MatterCommand::Return {
                reason: "乙".into(),
            },
            &meta(),
        )
        .await
    });
    let results = [a.await.expect("join"), b.await.expect("join")];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
}

#[tokio::test]
async fn ledger_filters_pages_counts_and_scopes() {
    let o = org("ledger").await;
    // 3 matters × 5 tasks over three units; two overdue.
    for m in 0..3 {
        let mut tasks = Vec::new();
        for t in 0..5 {
            let unit = [o.dept_a, o.dept_b, o.dept_c][(m + t) % 3];
            let days = if m == 0 && t < 2 { -3 } else { 5 + t as i64 };
            tasks.push(new_task(
                &o,
                &format!("内容{m}-{t}{}", if t == 4 { " 燃气安全" } else { "" }),
                unit,
                &[],
                days,
            ));
        }
        let id = o
            .store
            .create_matter(&o.office, new_matter(&format!("事项{m}")), tasks, &meta())
            .await
            .expect("create");
        // Units see tasks once the 督办通知 has assigned them.
        act_m(&o, &o.office, id, MatterCommand::Submit)
            .await
            .expect("submit");
        act_m(
            &o,
            &o.principal,
            id,
            MatterCommand::Approve {
                instruction: "同意".into(),
            },
        )
        .await
        .expect("approve");
        act_m(&o, &o.office, id, MatterCommand::IssueNotice)
            .await
            .expect("notice");
    }
    let all = LedgerFilter::default();
    let page = o
        .store
        .ledger(&o.office, &all, LedgerSort::Ledger, None, 100)
        .await
        .expect("ledger");
    assert_eq!(page.total, 15);
    // Keyset paging in every sort: pages join up to the whole list, in order, with no repeats.
    for sort in [LedgerSort::Ledger, LedgerSort::Deadline, LedgerSort::Recent] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let p = o
                .store
                .ledger(&o.office, &all, sort, cursor.as_deref(), 4)
                .await
                .expect("page");
            assert_eq!(p.total, 15);
            seen.extend(p.rows.iter().map(|r| r.task.id));
            match p.next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut dedup = seen.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), 15, "{sort:?}: {seen:?}");
        assert_eq!(seen.len(), 15, "{sort:?}");
    }
    // The same paging for a unit, whose rows are fetched through the unit index and sorted.
    for sort in [LedgerSort::Ledger, LedgerSort::Deadline, LedgerSort::Recent] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let p = o
                .store
                .ledger(&o.staff_c, &all, sort, cursor.as_deref(), 2)
                .await
                .expect("page");
            seen.extend(p.rows.iter().map(|r| r.task.id));
            match p.next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let first = o
            .store
            .ledger(&o.staff_c, &all, sort, None, 50)
            .await
            .expect("all")
            .rows;
        assert_eq!(
            seen,
            first.iter().map(|r| r.task.id).collect::<Vec<_>>(),
            "{sort:?}: pages join up in order"
        );
        assert_eq!(seen.len(), 5);
    }
    let by_unit = LedgerFilter {
        unit: Some(o.dept_a),
        ..Default::default()
    };
    assert_eq!(total(&o.store, &o.office, &by_unit).await, 5);
    let overdue = LedgerFilter {
        overdue: true,
        ..Default::default()
    };
    assert_eq!(total(&o.store, &o.office, &overdue).await, 2);
    let kw = LedgerFilter {
        keyword: Some("燃气".into()),
        ..Default::default()
    };
    assert_eq!(total(&o.store, &o.office, &kw).await, 3);
    let kw3 = LedgerFilter {
        keyword: Some("燃气安全".into()),
        ..Default::default()
    };
    assert_eq!(total(&o.store, &o.office, &kw3).await, 3, "indexed keyword");
    let by_title = LedgerFilter {
        keyword: Some("事项2".into()),
        ..Default::default()
    };
    assert_eq!(
        total(&o.store, &o.office, &by_title).await,
        5,
        "the matter's title is searched too"
    );
    let quote = LedgerFilter {
        keyword: Some("\"燃气\" OR x".into()),
        ..Default::default()
    };
    assert_eq!(
        total(&o.store, &o.office, &quote).await,
        0,
        "search syntax is literal"
    );
    let pct = LedgerFilter {
        keyword: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(
        total(&o.store, &o.office, &pct).await,
        0,
        "LIKE wildcards are literal"
    );
    let state = LedgerFilter {
        state: Some(TaskState::Assigned),
        ..Default::default()
    };
    assert_eq!(total(&o.store, &o.office, &state).await, 15);
    // Scope: a unit sees its own tasks, the area leader those of the portfolio, an admin none.
    assert_eq!(total(&o.store, &o.staff_c, &all).await, 5);
    assert_eq!(
        total(&o.store, &o.leader, &all).await,
        15,
        "leader of every task"
    );
    assert_eq!(total(&o.store, &o.admin, &all).await, 0);
    let rows = o
        .store
        .ledger(&o.staff_a, &all, LedgerSort::Ledger, None, 50)
        .await
        .expect("l")
        .rows;
    assert!(rows.iter().all(|r| r.task.lead_unit == o.dept_a));
    let other = rows.first().map(|r| r.task.matter_id).expect("row");
    let hidden = o
        .store
        .ledger(
            &o.staff_c,
            &LedgerFilter {
                matter: Some(other),
                unit: Some(o.dept_a),
                ..Default::default()
            },
            LedgerSort::Ledger,
            None,
            50,
        )
        .await
        .expect("l");
    assert_eq!(hidden.total, 0, "filters never widen the scope");
}

#[tokio::test]
async fn audit_chain_verifies_and_names_a_tampered_record() {
    let o = org("audit").await;
    o.store
        .create_matter(
            &o.office,
            new_matter("审计"),
            vec![new_task(&o, "t", o.dept_a, &[], 5)],
            &meta(),
        )
        .await
        .expect("create");
    let n = match o.store.verify_audit_chain().await.expect("verify") {
        ChainCheck::Intact { records } => records,
        other => panic!("{other:?}"),
    };
    assert!(n > 10);
    assert!(
        try_execute_raw(
            &o.store,
            "UPDATE audit_log SET summary = '篡改' WHERE id = 5"
        )
        .await
        .is_err(),
        "the audit log refuses changes"
    );
    assert!(
        try_execute_raw(&o.store, "DELETE FROM audit_log WHERE id = 5")
            .await
            .is_err(),
        "and deletions"
    );
    drop_audit_guard(&o.store).await;
    execute_raw(
        &o.store,
        "UPDATE audit_log SET summary = '篡改' WHERE id = 5",
    )
    .await;
    assert!(matches!(
        o.store.verify_audit_chain().await.expect("verify"),
        ChainCheck::Broken { id: 5, .. }
    ));
    execute_raw(&o.store, "DELETE FROM audit_log WHERE id = 5").await;
    assert!(matches!(
        o.store.verify_audit_chain().await.expect("verify"),
        ChainCheck::Broken { id: 5, .. }
    ));
}

#[tokio::test]
async fn sessions_expire_when_idle_and_failures_are_counted() {
    let o = org("sessions").await;
    let token = o
        .store
        .create_session(o.office.user_id, SessionKind::Web, "127.0.0.1")
        .await
        .expect("session");
    assert!(
        o.store
            .session(&token, 30 * 60_000)
            .await
            .expect("lookup")
            .is_some()
    );
    assert!(
        o.store
            .session("f".repeat(64).as_str(), 30 * 60_000)
            .await
            .expect("lookup")
            .is_none()
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(
        o.store.session(&token, 1).await.expect("lookup").is_none(),
        "idle session ends"
    );
    assert!(
        o.store
            .session(&token, 30 * 60_000)
            .await
            .expect("lookup")
            .is_none(),
        "and stays ended"
    );
    for _ in 0..3 {
        o.store
            .record_failure("office", "1.2.3.4")
            .await
            .expect("fail");
    }
    assert_eq!(
        o.store
            .recent_failures("office", now_ms() - 60_000)
            .await
            .expect("count"),
        3
    );
    o.store.clear_failures("office").await.expect("clear");
    assert_eq!(
        o.store.recent_failures("office", 0).await.expect("count"),
        0
    );
}

#[tokio::test]
async fn demo_organisation_covers_every_state() {
    let store = fresh_store("demo").await;
    assert!(store.seed_demo("hash").await.expect("seed"));
    assert!(
        !store
            .seed_demo("hash")
            .await
            .expect("second seed is a no-op")
    );
    let office = store.actor(UserId(2)).await.expect("actor");
    let office = match office {
        Some(a) if a.has(Role::SupervisionOffice) => a,
        _ => {
            let users = store.users().await.expect("users");
            let id = users.iter().find(|u| u.username == "dcb").expect("dcb").id;
            store.actor(id).await.expect("actor").expect("active")
        }
    };
    let page = store
        .ledger(
            &office,
            &LedgerFilter::default(),
            LedgerSort::Ledger,
            None,
            500,
        )
        .await
        .expect("ledger");
    assert!(page.total >= 30);
    let states: std::collections::HashSet<_> = page.rows.iter().map(|r| r.matter_state).collect();
    for s in MatterState::ALL {
        assert!(states.contains(s), "demo lacks a matter in {s:?}");
    }
    let task_states: std::collections::HashSet<_> =
        page.rows.iter().map(|r| r.task.state).collect();
    for s in TaskState::ALL {
        assert!(task_states.contains(s), "demo lacks a task in {s:?}");
    }
    let bulletin_states: std::collections::HashSet<_> = store
        .bulletins(&office, 100)
        .await
        .expect("b")
        .iter()
        .map(|b| b.state)
        .collect();
    for s in BulletinState::ALL {
        assert!(
            bulletin_states.contains(s),
            "demo lacks a bulletin in {s:?}"
        );
    }
    assert!(
        page.rows.iter().any(|r| r.task.is_overdue(today())),
        "some tasks are overdue"
    );
    assert!(matches!(
        store.verify_audit_chain().await.expect("verify"),
        ChainCheck::Intact { .. }
    ));
}
