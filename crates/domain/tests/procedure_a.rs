//! Procedure A (上级督查重点事项): a higher-level phone or written notice is registered and
//! submitted to the principal leader, who instructs; the office then defines the tasks and forwards
//! copies of the instruction (批示件转办单) to the leaders and units, who sign and report; the
//! office compiles a 督查汇报, the supervision leader reviews it, the principal leader instructs and
//! the office reports it upward; only then are the tasks closed and the matter archived.

mod ledger;

use duban_domain::input::{NewMatter, RawSuperior};
use duban_domain::time::Millis;
use duban_domain::*;
use ledger::*;

const LEADERSHIP: UnitId = UnitId(3);
const OFFICE_UNIT: UnitId = UnitId(2);
const STREET: UnitId = UnitId(1);
/// Leads task 1, cooperates on nothing else.
const UNIT_A: UnitId = UnitId(10);
/// Cooperates on task 1, leads task 2.
const UNIT_B: UnitId = UnitId(11);
/// Involved in nothing.
const UNIT_X: UnitId = UnitId(12);

fn principal() -> Actor {
    person(101, "书记", LEADERSHIP, &[Role::PrincipalLeader], &[])
}
fn supervision() -> Actor {
    person(
        102,
        "考核督查分管领导",
        LEADERSHIP,
        &[Role::SupervisionLeader],
        &[],
    )
}
/// The area leader responsible for both tasks (portfolio: A and B).
fn area() -> Actor {
    person(
        103,
        "分管领导甲",
        LEADERSHIP,
        &[Role::AreaLeader],
        &[UNIT_A, UNIT_B],
    )
}
fn other_area() -> Actor {
    person(
        104,
        "分管领导乙",
        LEADERSHIP,
        &[Role::AreaLeader],
        &[UNIT_X],
    )
}
fn office() -> Actor {
    person(
        105,
        "督查办经办",
        OFFICE_UNIT,
        &[Role::SupervisionOffice],
        &[],
    )
}
fn staff_a() -> Actor {
    person(106, "甲单位经办人", UNIT_A, &[Role::UnitStaff], &[])
}
fn head_b() -> Actor {
    person(107, "乙单位负责人", UNIT_B, &[Role::UnitHead], &[])
}
fn staff_x() -> Actor {
    person(108, "丙单位经办人", UNIT_X, &[Role::UnitStaff], &[])
}
fn admin() -> Actor {
    person(109, "系统管理员", STREET, &[Role::SystemAdmin], &[])
}

/// Everyone, for "nobody else may" checks.
fn everyone() -> Vec<Actor> {
    vec![
        principal(),
        supervision(),
        area(),
        other_area(),
        office(),
        staff_a(),
        head_b(),
        staff_x(),
        admin(),
    ]
}

fn except(allowed: &[UserId]) -> Vec<Actor> {
    everyone()
        .into_iter()
        .filter(|a| !allowed.contains(&a.user_id))
        .collect()
}

/// 2026-12-01 09:00 in Beijing: the office registers the notice.
fn start() -> Millis {
    at(2026, 12, 1, 9, 0)
}

fn raw_notice<'a>() -> RawSuperior<'a> {
    RawSuperior {
        issuer: "高新区党工委办公室",
        doc_no: "枣高办发〔2026〕35号",
        channel: "written",
        received_at: "2026-12-01T08:30",
        report_deadline: "2026-12-20",
        report_to: "高新区党工委督查室",
    }
}

fn parse_notice(raw: RawSuperior<'_>, now: Millis) -> Result<NewMatter, DomainError> {
    NewMatter::parse_superior(
        "安全生产大检查",
        "superior_document",
        "各街道于12月20日前完成辖区安全生产大检查并报送情况。",
        "urgent",
        raw,
        now,
    )
}

/// A matter as the store files a parsed registration.
fn matter_from(nm: NewMatter, state: MatterState, now: Millis) -> Matter {
    Matter {
        id: MatterId(0),
        year: 2026,
        seq: 0,
        kind: nm.source.kind(),
        title: nm.title,
        source: nm.source,
        source_date: nm.source_date,
        source_text: nm.source_text,
        superior: nm.superior,
        urgency: nm.urgency,
        state,
        version: 1,
        notice_no: None,
        archive_no: None,
        created_by: office().user_id,
        created_at: now,
        closed_at: None,
        archived_at: None,
    }
}

fn local_matter(l: &mut Ledger, state: MatterState) -> MatterId {
    let nm = NewMatter::parse(
        "推进老旧小区改造",
        "cadre_meeting",
        "2026-11-30",
        "会议决定：年底前完成改造。",
        "",
        date(2026, 12, 1),
    )
    .expect("a local matter");
    let m = matter_from(nm, state, l.now);
    l.add_matter(m, None)
}

// ── Commands ──

fn approve() -> MatterCommand {
    MatterCommand::Approve {
        instruction: "请分管领导牵头抓好落实，督查办跟踪督办。".to_owned(),
    }
}
fn return_matter() -> MatterCommand {
    MatterCommand::Return {
        reason: "报送时限需与上级核实。".to_owned(),
    }
}
fn final_report() -> TaskCommand {
    TaskCommand::Report {
        body: "已完成全部检查，整改隐患12处。".to_owned(),
        is_final: true,
    }
}
fn progress() -> TaskCommand {
    TaskCommand::Report {
        body: "已检查企业20家。".to_owned(),
        is_final: false,
    }
}
fn confirm() -> TaskCommand {
    TaskCommand::Confirm {
        opinion: "同意办结。".to_owned(),
    }
}
fn close() -> TaskCommand {
    TaskCommand::Close {
        remark: "已上报，予以销号。".to_owned(),
    }
}
fn review() -> BulletinCommand {
    BulletinCommand::Review {
        opinion: "已阅，同意上报。".to_owned(),
    }
}
fn instruct() -> BulletinCommand {
    BulletinCommand::Instruct {
        instruction: "按程序上报。".to_owned(),
    }
}
fn return_bulletin() -> BulletinCommand {
    BulletinCommand::Return {
        reason: "数据需再核实。".to_owned(),
    }
}
fn upward() -> UpwardReport {
    UpwardReport {
        to: "高新区党工委督查室".to_owned(),
        on: date(2026, 12, 1),
        via: "公文交换".to_owned(),
    }
}
fn report_upward() -> BulletinCommand {
    BulletinCommand::ReportUpward {
        title: "关于安全生产大检查落实情况的汇报".to_owned(),
        body: "定稿正文".to_owned(),
        upward: upward(),
    }
}
fn publish() -> BulletinCommand {
    BulletinCommand::Publish {
        title: "督查通报".to_owned(),
        body: "定稿正文".to_owned(),
        scope: "各部门、各社区".to_owned(),
    }
}

// ── Stages ──

/// The notice is registered (登记中), with no task yet.
fn registered() -> (Ledger, MatterId) {
    let mut l = Ledger::new(start());
    let nm = parse_notice(raw_notice(), l.now).expect("a valid notice");
    let m = matter_from(nm, MatterState::Registered, l.now);
    let id = l.add_matter(m, Some(WorkAction::Decompose));
    (l, id)
}

fn submitted() -> (Ledger, MatterId) {
    let (mut l, m) = registered();
    l.matter_do(&office(), m, MatterCommand::Submit);
    (l, m)
}

fn approved() -> (Ledger, MatterId) {
    let (mut l, m) = submitted();
    l.matter_do(&principal(), m, approve());
    (l, m)
}

/// Approved, and per the instruction the office has defined two tasks: task 1 (leader: area; lead
/// A, cooperating B) and task 2 (leader: area; lead B).
fn decomposed() -> (Ledger, MatterId, TaskId, TaskId) {
    let (mut l, m) = approved();
    can_edit_tasks(&office(), l.matter(m)).expect("tasks are defined after the instruction");
    let t1 = l.add_task(m, &[area().user_id], UNIT_A, &[UNIT_B], date(2026, 12, 18));
    let t2 = l.add_task(m, &[area().user_id], UNIT_B, &[], date(2026, 12, 18));
    (l, m, t1, t2)
}

fn dispatched() -> (Ledger, MatterId, TaskId, TaskId) {
    let (mut l, m, t1, t2) = decomposed();
    l.matter_do(&office(), m, MatterCommand::Forward);
    (l, m, t1, t2)
}

/// Everyone signs task `t`; its lead unit reports it done; the area leader confirms.
fn complete(l: &mut Ledger, t: TaskId) {
    for who in everyone() {
        if l.try_task(&who, t, TaskCommand::Sign, l.now).is_ok() {
            l.task_do(&who, t, TaskCommand::Sign);
        }
    }
    let lead = if l.task(t).lead_unit == UNIT_A {
        staff_a()
    } else {
        head_b()
    };
    l.task_do(&lead, t, final_report());
    l.task_do(&area(), t, confirm());
    assert_eq!(l.task(t).state, TaskState::Completed);
}

fn completed() -> (Ledger, MatterId, TaskId, TaskId) {
    let (mut l, m, t1, t2) = dispatched();
    complete(&mut l, t1);
    complete(&mut l, t2);
    (l, m, t1, t2)
}

/// A 督查汇报 over `m`, reviewed and instructed: waiting to be reported upward (待定稿).
fn instructed_report(l: &mut Ledger, m: MatterId) -> BulletinId {
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), b, review());
    l.bulletin_do(&principal(), b, instruct());
    assert_eq!(l.bulletin(b).state, BulletinState::Revising);
    b
}

/// A document stored as given (for what the domain must not take as a report).
fn stored_bulletin(
    l: &mut Ledger,
    kind: BulletinKind,
    matters: &[MatterId],
    state: BulletinState,
    created: Millis,
    published: Option<Millis>,
) -> BulletinId {
    let id = BulletinId(900 + l.bulletins.len() as i64);
    l.bulletins.push(Bulletin {
        id,
        kind,
        year: 2026,
        title: "文稿".to_owned(),
        body: "正文".to_owned(),
        state,
        version: 1,
        matter_ids: matters.to_vec(),
        issue_no: None,
        doc_no: None,
        scope: None,
        review_opinion: None,
        instruction: None,
        reviewers: vec![],
        upward: None,
        created_by: office().user_id,
        created_at: created,
        published_at: published,
    });
    id
}

fn m_obj(m: MatterId) -> ObjectRef {
    ObjectRef::Matter(m)
}

// ───────────────────────────── 登记报备: the notice ─────────────────────────────

#[test]
fn a_written_superior_notice_parses_into_a_matter_of_procedure_a() {
    let nm = parse_notice(raw_notice(), start()).expect("valid");
    assert_eq!(nm.source, Source::SuperiorDocument);
    assert_eq!(nm.source.kind(), MatterKind::Superior);
    assert_eq!(nm.urgency, Urgency::Urgent);
    assert_eq!(nm.source_date, date(2026, 12, 1), "the day it was received");
    let n = nm.superior.expect("the notice");
    assert_eq!(n.issuer, "高新区党工委办公室");
    assert_eq!(n.doc_no, "枣高办发〔2026〕35号");
    assert_eq!(n.channel, Channel::Written);
    assert_eq!(n.received_at, at(2026, 12, 1, 8, 30), "read in China time");
    assert_eq!(n.report_deadline, date(2026, 12, 20));
    assert_eq!(n.report_to, "高新区党工委督查室");
}

#[test]
fn every_superior_source_is_accepted_and_no_other() {
    for s in Source::of_kind(MatterKind::Superior) {
        let nm = NewMatter::parse_superior("事项", s.code(), "内容", "", raw_notice(), start())
            .unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(nm.source, s);
        assert_eq!(nm.urgency, Urgency::Normal, "empty urgency is 一般");
    }
    for s in Source::of_kind(MatterKind::Local)
        .into_iter()
        .chain(Source::of_kind(MatterKind::Special))
    {
        let r = NewMatter::parse_superior("事项", s.code(), "内容", "", raw_notice(), start());
        assert_invalid(&r, "来源", &format!("{s:?}"));
    }
    assert_invalid(
        &NewMatter::parse_superior("事项", "nonsense", "内容", "", raw_notice(), start()),
        "来源",
        "unknown source",
    );
}

#[test]
fn the_local_form_refuses_superior_sources() {
    let r = NewMatter::parse(
        "事项",
        "superior_document",
        "2026-11-30",
        "内容",
        "",
        date(2026, 12, 1),
    );
    assert_invalid(&r, "来源", "a superior source on the local form");
}

#[test]
fn a_written_notice_needs_its_document_number_a_phone_notice_does_not() {
    let r = parse_notice(
        RawSuperior {
            doc_no: "   ",
            ..raw_notice()
        },
        start(),
    );
    assert_invalid(&r, "来文文号", "written, blank number");
    assert!(message(&r).contains("文字通知请填写来文文号"), "{r:?}");

    let phone = parse_notice(
        RawSuperior {
            doc_no: "",
            channel: "phone",
            ..raw_notice()
        },
        start(),
    )
    .expect("a phone notice has no number");
    let n = phone.superior.expect("notice");
    assert_eq!(n.channel, Channel::Phone);
    assert_eq!(n.doc_no, "");
}

#[test]
fn the_report_deadline_may_be_the_day_of_receipt_but_not_before_it_in_china_time() {
    // 00:30 on 12-05 in Beijing is still 12-04 in UTC: the receipt day is the 5th.
    let now = at(2026, 12, 5, 9, 0);
    let late_night = |deadline| RawSuperior {
        received_at: "2026-12-05T00:30",
        report_deadline: deadline,
        ..raw_notice()
    };
    let r = parse_notice(late_night("2026-12-04"), now);
    assert_invalid(&r, "报送时限", "deadline the day before receipt");
    assert!(message(&r).contains("不能早于收文日期"));
    let same_day = parse_notice(late_night("2026-12-05"), now).expect("same day is fine");
    assert_eq!(same_day.source_date, date(2026, 12, 5));
    assert_eq!(
        same_day.superior.expect("notice").report_deadline,
        date(2026, 12, 5)
    );
}

#[test]
fn a_receipt_in_the_future_is_refused_beyond_a_minute_of_clock_skew() {
    let now = at(2026, 12, 1, 10, 0) + 30_000; // 10:00:30
    let at_time = |t| RawSuperior {
        received_at: t,
        ..raw_notice()
    };
    parse_notice(at_time("2026-12-01T10:01"), now).expect("30 s ahead: skew");
    let r = parse_notice(at_time("2026-12-01T10:02"), now);
    assert_invalid(&r, "收文时间", "90 s ahead");
    assert!(message(&r).contains("不能晚于现在"));
    assert_invalid(
        &parse_notice(at_time("2026-12-02"), now),
        "收文时间",
        "tomorrow",
    );
    // A bare date is the start of that day in Beijing.
    let d = parse_notice(at_time("2026-12-01"), now).expect("today");
    assert_eq!(
        d.superior.expect("notice").received_at,
        at(2026, 12, 1, 0, 0)
    );
}

#[test]
fn a_superior_notice_refuses_bad_channels_dates_and_missing_fields() {
    let now = start();
    assert_invalid(
        &parse_notice(
            RawSuperior {
                channel: "fax",
                ..raw_notice()
            },
            now,
        ),
        "来文方式",
        "unknown channel",
    );
    assert_invalid(
        &parse_notice(
            RawSuperior {
                channel: "",
                ..raw_notice()
            },
            now,
        ),
        "来文方式",
        "no channel",
    );
    assert_invalid(
        &parse_notice(
            RawSuperior {
                received_at: "昨天上午",
                ..raw_notice()
            },
            now,
        ),
        "收文时间",
        "not a time",
    );
    assert_invalid(
        &parse_notice(
            RawSuperior {
                report_deadline: "月底",
                ..raw_notice()
            },
            now,
        ),
        "报送时限",
        "not a date",
    );
    assert_invalid(
        &parse_notice(
            RawSuperior {
                issuer: " ",
                ..raw_notice()
            },
            now,
        ),
        "来文单位",
        "no issuer",
    );
    assert_invalid(
        &parse_notice(
            RawSuperior {
                report_to: "",
                ..raw_notice()
            },
            now,
        ),
        "报送对象",
        "no addressee",
    );
    let no_content =
        NewMatter::parse_superior("事项", "superior_document", "  ", "", raw_notice(), now);
    assert_invalid(&no_content, "来文主要内容", "no content");
    let no_title =
        NewMatter::parse_superior("", "superior_document", "内容", "", raw_notice(), now);
    assert_invalid(&no_title, "督查事项", "no title");
    let bad_urgency = NewMatter::parse_superior(
        "事项",
        "superior_document",
        "内容",
        "asap",
        raw_notice(),
        now,
    );
    assert_invalid(&bad_urgency, "紧急程度", "unknown urgency");
}

// ───────────────────────────── 呈批 and 批示 ─────────────────────────────

#[test]
fn the_office_submits_a_superior_notice_before_any_task_is_defined() {
    let (l, m) = registered();
    assert!(l.tasks_of(m).is_empty());
    let c = l
        .try_matter(&office(), m, MatterCommand::Submit, l.now)
        .expect("submit");
    assert_eq!(c.action, "matter.submit");
    assert_eq!(c.summary, "呈报主要领导批阅上级通知");
    let next = c.matter.as_ref().expect("matter");
    assert_eq!(next.state, MatterState::Submitted);
    assert_eq!(
        Matter {
            state: MatterState::Registered,
            ..next.clone()
        },
        *l.matter(m),
        "only the state changes"
    );
    assert_eq!(c.done, vec![WorkDone::Object(m_obj(m))]);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(m),
            WorkAction::Approve,
            Role::PrincipalLeader
        )]
    );
    assert!(c.tasks.is_empty() && c.allocate.is_none() && c.instruction.is_none());
}

#[test]
fn only_the_office_submits_and_only_a_registered_notice() {
    let (l, m) = registered();
    for who in except(&[office().user_id]) {
        assert_forbidden(
            &l.try_matter(&who, m, MatterCommand::Submit, l.now),
            &who.name,
        );
    }
    let (l, m) = submitted();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Submit, l.now),
        "submitted twice",
    );
    let (l, m) = approved();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Submit, l.now),
        "approved",
    );
}

#[test]
fn the_principal_leaders_instruction_asks_the_office_to_forward_not_to_issue_a_notice() {
    let (l, m) = submitted();
    let c = l
        .try_matter(&principal(), m, approve(), l.now)
        .expect("approve");
    assert_eq!(c.action, "matter.approve");
    assert_eq!(
        c.matter.as_ref().map(|x| x.state),
        Some(MatterState::Approved)
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: m_obj(m),
            kind: InstructionKind::Approve,
            text: "请分管领导牵头抓好落实，督查办跟踪督办。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Object(m_obj(m))]);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(m),
            WorkAction::Forward,
            Role::SupervisionOffice
        )]
    );
    assert!(c.allocate.is_none() && c.tasks.is_empty());
}

#[test]
fn the_principal_leader_returns_a_notice_to_the_office() {
    let (l, m) = submitted();
    let c = l
        .try_matter(&principal(), m, return_matter(), l.now)
        .expect("return");
    assert_eq!(c.action, "matter.return");
    assert_eq!(
        c.matter.as_ref().map(|x| x.state),
        Some(MatterState::Registered)
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: m_obj(m),
            kind: InstructionKind::Return,
            text: "报送时限需与上级核实。".to_owned()
        })
    );
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(m),
            WorkAction::Decompose,
            Role::SupervisionOffice
        )]
    );
    // Submitted again after the return.
    let mut l = l;
    l.matter_do(&principal(), m, return_matter());
    l.matter_do(&office(), m, MatterCommand::Submit);
    assert_eq!(l.matter(m).state, MatterState::Submitted);
}

#[test]
fn only_the_principal_leader_approves_or_returns_and_only_a_submitted_notice() {
    let (l, m) = registered();
    assert_bad_state(
        &l.try_matter(&principal(), m, approve(), l.now),
        "registered",
    );
    assert_bad_state(
        &l.try_matter(&principal(), m, return_matter(), l.now),
        "registered",
    );
    let (l, m) = submitted();
    for who in except(&[principal().user_id]) {
        assert_forbidden(&l.try_matter(&who, m, approve(), l.now), &who.name);
        assert_forbidden(&l.try_matter(&who, m, return_matter(), l.now), &who.name);
    }
    let (l, m) = approved();
    assert_bad_state(&l.try_matter(&principal(), m, approve(), l.now), "twice");
    assert_bad_state(
        &l.try_matter(&principal(), m, return_matter(), l.now),
        "after the instruction",
    );
}

// ───────────────────────────── Tasks per the instruction ─────────────────────────────

#[test]
fn superior_tasks_are_defined_after_the_instruction_and_before_the_forward() {
    let (l, m) = registered();
    assert_bad_state(&can_edit_tasks(&office(), l.matter(m)), "registered");
    let (l, m) = submitted();
    assert_bad_state(&can_edit_tasks(&office(), l.matter(m)), "submitted");
    let (l, m) = approved();
    can_edit_tasks(&office(), l.matter(m)).expect("after the instruction");
    for who in except(&[office().user_id]) {
        assert_forbidden(&can_edit_tasks(&who, l.matter(m)), &who.name);
    }
    let (l, m, _, _) = dispatched();
    assert_bad_state(&can_edit_tasks(&office(), l.matter(m)), "forwarded");
    let (l, m, _, _) = completed();
    let mut closed = l.matter(m).clone();
    closed.state = MatterState::Closed;
    assert_bad_state(&can_edit_tasks(&office(), &closed), "closed");
}

#[test]
fn local_tasks_are_edited_only_while_registered_and_special_ones_never() {
    let mut l = Ledger::new(start());
    for state in MatterState::ALL {
        let m = local_matter(&mut l, *state);
        let r = can_edit_tasks(&office(), l.matter(m));
        if *state == MatterState::Registered {
            r.expect("a local matter being decomposed");
            assert_forbidden(&can_edit_tasks(&area(), l.matter(m)), "area leader");
        } else {
            assert_bad_state(&r, &format!("local {state:?}"));
        }
        let mut special = l.matter(m).clone();
        special.kind = MatterKind::Special;
        special.source = Source::DepartmentApplication;
        assert_bad_state(
            &can_edit_tasks(&office(), &special),
            &format!("special {state:?}"),
        );
    }
}

#[test]
fn forward_needs_the_instruction_and_at_least_one_task() {
    let (l, m) = registered();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Forward, l.now),
        "registered",
    );
    let (l, m) = submitted();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Forward, l.now),
        "submitted",
    );
    let (l, m) = approved();
    let r = l.try_matter(&office(), m, MatterCommand::Forward, l.now);
    assert_bad_state(&r, "no task yet");
    assert!(message(&r).contains("至少添加一项任务"), "{r:?}");
    let (l, m, _, _) = dispatched();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Forward, l.now),
        "forwarded twice",
    );
}

#[test]
fn forwarding_sends_the_instruction_to_every_leader_and_unit_with_a_transfer_number() {
    let (l, m, t1, t2) = decomposed();
    let c = l
        .try_matter(&office(), m, MatterCommand::Forward, l.now)
        .expect("forward");
    assert_eq!(c.action, "matter.forward");
    assert!(c.summary.contains("批示件转办单") && c.summary.contains("2项任务"));
    assert_eq!(c.allocate, Some(Allocate::TransferNo));
    assert_eq!(
        c.matter.as_ref().map(|x| x.state),
        Some(MatterState::Dispatched)
    );
    assert_eq!(c.done, vec![WorkDone::Object(m_obj(m))]);
    assert_eq!(
        c.tasks.iter().map(|t| (t.id, t.state)).collect::<Vec<_>>(),
        vec![(t1, TaskState::Assigned), (t2, TaskState::Assigned)]
    );
    let expected = [
        (t1, Recipient::User(area().user_id)),
        (t1, Recipient::Unit(UNIT_A)),
        (t1, Recipient::Unit(UNIT_B)),
        (t2, Recipient::User(area().user_id)),
        (t2, Recipient::Unit(UNIT_B)),
    ];
    assert_eq!(
        c.new_receipts
            .iter()
            .map(|r| (r.task_id, r.recipient))
            .collect::<Vec<_>>(),
        expected
    );
    assert!(c.new_receipts.iter().all(|r| r.signed_at.is_none()));
    assert_eq!(
        c.open,
        expected
            .iter()
            .map(|(t, r)| WorkItem {
                object: ObjectRef::Task(*t),
                action: WorkAction::Sign,
                assignee: match r {
                    Recipient::User(u) => Assignee::User(*u),
                    Recipient::Unit(u) => Assignee::Unit(*u),
                },
            })
            .collect::<Vec<_>>()
    );
    let mut l = l;
    l.apply(&office(), &c, l.now);
    assert_eq!(l.matter(m).notice_no.as_deref(), Some("张督转〔2026〕1号"));
}

#[test]
fn only_the_office_forwards() {
    let (l, m, _, _) = decomposed();
    for who in except(&[office().user_id]) {
        assert_forbidden(
            &l.try_matter(&who, m, MatterCommand::Forward, l.now),
            &who.name,
        );
    }
}

#[test]
fn a_superior_matter_is_never_dispatched_by_a_supervision_notice() {
    let (l, m, _, _) = decomposed();
    let r = l.try_matter(&office(), m, MatterCommand::IssueNotice, l.now);
    assert_bad_state(&r, "issue notice on a superior matter");
    assert!(message(&r).contains("批示件转办单"), "{r:?}");
    for (l, m) in [registered(), submitted()] {
        assert_bad_state(
            &l.try_matter(&office(), m, MatterCommand::IssueNotice, l.now),
            "issue notice before approval",
        );
    }
}

#[test]
fn a_local_matter_is_never_forwarded() {
    let mut l = Ledger::new(start());
    let m = local_matter(&mut l, MatterState::Approved);
    l.add_task(m, &[area().user_id], UNIT_A, &[], date(2026, 12, 31));
    let r = l.try_matter(&office(), m, MatterCommand::Forward, l.now);
    assert_bad_state(&r, "forward on a local matter");
    assert!(message(&r).contains("上级督查事项"), "{r:?}");
    // The Local way is the notice.
    let c = l
        .try_matter(&office(), m, MatterCommand::IssueNotice, l.now)
        .expect("issue notice");
    assert_eq!(c.allocate, Some(Allocate::NoticeNo));
}

#[test]
fn the_matter_offers_forward_at_the_right_moment() {
    let codes = |l: &Ledger, who: &Actor, m: MatterId| -> Vec<&'static str> {
        matter_actions(who, l.matter(m), &l.tasks_of(m))
            .into_iter()
            .map(|a| a.code)
            .collect()
    };
    let (l, m) = registered();
    assert_eq!(codes(&l, &office(), m), ["submit"]);
    assert!(codes(&l, &principal(), m).is_empty());
    let (l, m) = submitted();
    assert_eq!(codes(&l, &principal(), m), ["approve", "return"]);
    assert!(codes(&l, &office(), m).is_empty());
    let (l, m) = approved();
    assert!(
        codes(&l, &office(), m).is_empty(),
        "no forward before a task is defined"
    );
    let (l, m, _, _) = decomposed();
    assert_eq!(codes(&l, &office(), m), ["forward"]);
    let offered = matter_actions(&office(), l.matter(m), &l.tasks_of(m));
    assert_eq!(offered[0].label, "印发批示件转办单");
    assert_eq!(action_label("forward"), Some("印发批示件转办单"));
    let (l, m, _, _) = dispatched();
    for who in everyone() {
        assert!(codes(&l, &who, m).is_empty(), "{}", who.name);
    }
}

// ───────────────────────────── 任务办理 ─────────────────────────────

#[test]
fn the_lead_units_receipt_starts_a_superior_task_the_leaders_does_not() {
    let (mut l, _, t1, _) = dispatched();
    let c = l.task_do(&area(), t1, TaskCommand::Sign);
    assert_eq!(c.signed, Some(Recipient::User(area().user_id)));
    assert_eq!(c.tasks[0].state, TaskState::Assigned);
    assert!(c.open.is_empty());
    let c = l.task_do(&head_b(), t1, TaskCommand::Sign);
    assert_eq!(c.summary, "配合单位签收");
    assert_eq!(c.tasks[0].state, TaskState::Assigned);
    let now = l.now + STEP_MS;
    let c = l
        .try_task(&staff_a(), t1, TaskCommand::Sign, now)
        .expect("lead signs");
    assert_eq!(c.action, "task.sign");
    assert_eq!(c.summary, "牵头单位签收");
    assert_eq!(c.signed, Some(Recipient::Unit(UNIT_A)));
    let t = &c.tasks[0];
    assert_eq!(t.state, TaskState::InProgress);
    assert_eq!((t.received_at, t.started_at), (Some(now), Some(now)));
    assert_eq!(
        c.done,
        vec![WorkDone::Item(
            ObjectRef::Task(t1),
            WorkAction::Sign,
            Assignee::Unit(UNIT_A)
        )]
    );
    assert_eq!(
        c.open,
        vec![unit_item(ObjectRef::Task(t1), WorkAction::Report, UNIT_A)]
    );
}

#[test]
fn outsiders_do_not_sign_or_report_a_superior_task() {
    let (mut l, _, t1, _) = dispatched();
    for who in [other_area(), staff_x(), admin(), office(), principal()] {
        assert_forbidden(&l.try_task(&who, t1, TaskCommand::Sign, l.now), &who.name);
    }
    assert_bad_state(
        &l.try_task(&staff_a(), t1, progress(), l.now),
        "before the lead's receipt",
    );
    l.task_do(&staff_a(), t1, TaskCommand::Sign);
    for who in [other_area(), staff_x(), office(), area()] {
        assert_forbidden(&l.try_task(&who, t1, progress(), l.now), &who.name);
    }
    assert_forbidden(
        &l.try_task(&head_b(), t1, final_report(), l.now),
        "a cooperating unit's final report",
    );
    let c = l.task_do(&head_b(), t1, progress());
    assert_eq!(
        c.new_report.map(|r| (r.unit_id, r.status)),
        Some((UNIT_B, ReportStatus::Noted))
    );
}

#[test]
fn the_area_leader_confirms_and_the_last_confirmation_asks_for_a_supervision_report() {
    let (mut l, m, t1, t2) = dispatched();
    complete(&mut l, t1);
    assert!(
        !l.has_open(m_obj(m), WorkAction::CompileReport),
        "one task still open"
    );
    for who in everyone() {
        if l.try_task(&who, t2, TaskCommand::Sign, l.now).is_ok() {
            l.task_do(&who, t2, TaskCommand::Sign);
        }
    }
    let c = l.task_do(&head_b(), t2, final_report());
    assert_eq!(c.tasks[0].state, TaskState::AwaitingConfirmation);
    assert_eq!(
        c.open,
        vec![user_item(
            ObjectRef::Task(t2),
            WorkAction::Confirm,
            area().user_id
        )]
    );
    for who in [supervision(), other_area(), principal(), office(), head_b()] {
        assert_forbidden(&l.try_task(&who, t2, confirm(), l.now), &who.name);
    }
    let report = l.reports_of(t2).last().expect("final report").id;
    let now = l.now + STEP_MS;
    let c = l.try_task(&area(), t2, confirm(), now).expect("confirm");
    assert_eq!(c.tasks[0].state, TaskState::Completed);
    assert_eq!(c.tasks[0].finished_at, Some(now));
    assert_eq!(
        c.decided_report,
        Some((
            report,
            ReportStatus::Confirmed,
            Some("同意办结。".to_owned())
        ))
    );
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(m),
            WorkAction::CompileReport,
            Role::SupervisionOffice
        )],
        "a 督查汇报, not a 督查通报"
    );
}

#[test]
fn a_returned_final_report_goes_back_to_the_lead_unit() {
    let (mut l, _, t1, _) = dispatched();
    for who in [area(), staff_a(), head_b()] {
        l.task_do(&who, t1, TaskCommand::Sign);
    }
    l.task_do(&staff_a(), t1, final_report());
    let c = l.task_do(
        &area(),
        t1,
        TaskCommand::ReturnReport {
            reason: "隐患台账不全。".to_owned(),
        },
    );
    assert_eq!(c.action, "task.return_report");
    assert_eq!(c.tasks[0].state, TaskState::InProgress);
    assert_eq!(
        c.decided_report.as_ref().map(|d| d.1),
        Some(ReportStatus::Returned)
    );
    assert_eq!(
        c.open,
        vec![unit_item(ObjectRef::Task(t1), WorkAction::Report, UNIT_A)]
    );
    assert_bad_state(
        &l.try_task(&area(), t1, confirm(), l.now),
        "nothing pending",
    );
}

// ───────────────────────────── 督查汇报 ─────────────────────────────

#[test]
fn the_office_compiles_a_supervision_report_over_superior_matters() {
    let (mut l, m, _, _) = completed();
    assert!(l.has_open(m_obj(m), WorkAction::CompileReport));
    assert_eq!(
        bulletin_kind(std::slice::from_ref(l.matter(m))),
        Ok(BulletinKind::Report)
    );
    for who in except(&[office().user_id]) {
        assert_forbidden(
            &create_bulletin(&who, std::slice::from_ref(l.matter(m))),
            &who.name,
        );
    }
    let (b, c) = l.create_bulletin(&office(), &[m]).expect("compile");
    assert_eq!(c.action, "bulletin.create");
    assert!(c.summary.contains("督查汇报"), "{}", c.summary);
    assert_eq!(
        c.done,
        vec![WorkDone::Action(m_obj(m), WorkAction::CompileReport)]
    );
    assert!(!l.has_open(m_obj(m), WorkAction::CompileReport));
    assert_eq!(l.bulletin(b).kind, BulletinKind::Report);
    assert!(l.bulletin(b).reviewers.is_empty());
    can_edit_bulletin(&office(), l.bulletin(b)).expect("a draft");
}

#[test]
fn a_supervision_report_covers_only_dispatched_superior_matters() {
    let (mut l, m) = approved();
    let local = local_matter(&mut l, MatterState::Dispatched);
    let both = [l.matter(m).clone(), l.matter(local).clone()];
    assert_bad_state(&create_bulletin(&office(), &both[..1]), "not yet forwarded");
    let mut dispatched = both.clone();
    dispatched[0].state = MatterState::Dispatched;
    assert_invalid(
        &create_bulletin(&office(), &dispatched),
        "通报事项",
        "superior and local together",
    );
    assert_invalid(&create_bulletin(&office(), &[]), "通报事项", "nothing");
    let mut closed = dispatched[0].clone();
    closed.state = MatterState::Closed;
    assert_bad_state(&create_bulletin(&office(), &[closed]), "closed");
    // Two superior matters share one report.
    let mut second = dispatched[0].clone();
    second.id = MatterId(77);
    assert_eq!(
        bulletin_kind(&[dispatched[0].clone(), second.clone()]),
        Ok(BulletinKind::Report)
    );
    let c = create_bulletin(&office(), &[dispatched[0].clone(), second]).expect("two");
    assert_eq!(c.done.len(), 2);
}

#[test]
fn the_supervision_leader_reviews_a_report_and_the_principal_leader_instructs() {
    let (mut l, m, _, _) = completed();
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    let bobj = ObjectRef::Bulletin(b);
    for who in except(&[office().user_id]) {
        assert_forbidden(
            &l.try_bulletin(&who, b, BulletinCommand::SubmitForReview, l.now),
            &who.name,
        );
    }
    let c = l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    assert_eq!(c.summary, "报分管考核督查领导审阅");
    assert_eq!(
        c.open,
        vec![role_item(bobj, WorkAction::Review, Role::SupervisionLeader)]
    );
    for who in except(&[supervision().user_id]) {
        assert_forbidden(&l.try_bulletin(&who, b, review(), l.now), &who.name);
    }
    let c = l.bulletin_do(&supervision(), b, review());
    assert_eq!(
        c.bulletin.as_ref().map(|x| x.state),
        Some(BulletinState::Instructing)
    );
    assert_eq!(
        c.bulletin.as_ref().and_then(|x| x.review_opinion.clone()),
        Some("已阅，同意上报。".to_owned())
    );
    assert_eq!(
        c.open,
        vec![role_item(bobj, WorkAction::Instruct, Role::PrincipalLeader)]
    );
    for who in except(&[principal().user_id]) {
        assert_forbidden(&l.try_bulletin(&who, b, instruct(), l.now), &who.name);
    }
    let c = l.bulletin_do(&principal(), b, instruct());
    assert_eq!(
        c.bulletin.as_ref().map(|x| x.state),
        Some(BulletinState::Revising)
    );
    assert_eq!(
        c.instruction.as_ref().map(|i| i.kind),
        Some(InstructionKind::Instruct)
    );
    assert_eq!(
        c.open,
        vec![role_item(
            bobj,
            WorkAction::Publish,
            Role::SupervisionOffice
        )]
    );
}

#[test]
fn a_returned_report_goes_back_to_compile_report() {
    let (mut l, m, _, _) = completed();
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    let c = l.bulletin_do(&supervision(), b, return_bulletin());
    assert_eq!(c.action, "bulletin.return");
    assert_eq!(
        c.bulletin.as_ref().map(|x| x.state),
        Some(BulletinState::Drafting)
    );
    assert_eq!(
        c.open,
        vec![role_item(
            ObjectRef::Bulletin(b),
            WorkAction::CompileReport,
            Role::SupervisionOffice
        )]
    );
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), b, review());
    assert_forbidden(
        &l.try_bulletin(&supervision(), b, return_bulletin(), l.now),
        "the reviewer no longer returns once it awaits instruction",
    );
    let c = l.bulletin_do(&principal(), b, return_bulletin());
    let back = c.bulletin.expect("bulletin");
    assert_eq!(back.state, BulletinState::Drafting);
    assert_eq!(
        (back.review_opinion, back.instruction),
        (None, None),
        "a return clears the review"
    );
}

#[test]
fn a_supervision_report_is_reported_upward_and_asks_to_close_the_completed_tasks() {
    let (mut l, m, t1, t2) = dispatched();
    complete(&mut l, t1);
    // Task 2 is still under way when the report goes up.
    for who in [area(), head_b()] {
        l.task_do(&who, t2, TaskCommand::Sign);
    }
    let b = instructed_report(&mut l, m);
    let r = l.try_bulletin(&office(), b, publish(), l.now);
    assert_bad_state(&r, "a report is not published in the periodical");
    assert!(message(&r).contains("上报"), "{r:?}");

    let now = l.now + STEP_MS;
    let c = l
        .try_bulletin(&office(), b, report_upward(), now)
        .expect("report upward");
    assert_eq!(c.action, "bulletin.report_upward");
    assert_eq!(c.allocate, Some(Allocate::ReportNo));
    assert_eq!(
        c.summary,
        "根据批示意见修改整理，于2026年12月1日以公文交换上报高新区党工委督查室"
    );
    let next = c.bulletin.as_ref().expect("bulletin");
    assert_eq!(next.state, BulletinState::Published);
    assert_eq!(next.state_label(), "已上报");
    assert_eq!(next.published_at, Some(now));
    assert_eq!(next.upward, Some(upward()));
    assert_eq!(next.title, "关于安全生产大检查落实情况的汇报");
    assert_eq!(next.body, "定稿正文");
    assert_eq!(next.scope, None, "not published to a scope");
    assert_eq!(c.done, vec![WorkDone::Object(ObjectRef::Bulletin(b))]);
    assert_eq!(
        c.open,
        vec![role_item(
            ObjectRef::Task(t1),
            WorkAction::Close,
            Role::SupervisionOffice
        )],
        "only the completed task may be closed"
    );
    l.apply(&office(), &c, now);
    assert!(
        l.bulletin(b)
            .doc_no
            .as_deref()
            .is_some_and(|n| n.starts_with("张督汇〔2026〕")),
        "a report number is handed out"
    );
    assert_eq!(l.bulletin(b).issue_no, None);
}

#[test]
fn only_the_office_reports_upward_and_only_after_the_instruction() {
    let (mut l, m, _, _) = completed();
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    let steps: [(Actor, BulletinCommand); 3] = [
        (office(), BulletinCommand::SubmitForReview),
        (supervision(), review()),
        (principal(), instruct()),
    ];
    for (who, cmd) in steps {
        assert_bad_state(
            &l.try_bulletin(&office(), b, report_upward(), l.now),
            &format!("in {:?}", l.bulletin(b).state),
        );
        l.bulletin_do(&who, b, cmd);
    }
    for who in except(&[office().user_id]) {
        assert_forbidden(&l.try_bulletin(&who, b, report_upward(), l.now), &who.name);
    }
    l.bulletin_do(&office(), b, report_upward());
    assert_bad_state(
        &l.try_bulletin(&office(), b, report_upward(), l.now),
        "reported twice",
    );
    assert_bad_state(
        &l.try_bulletin(&supervision(), b, return_bulletin(), l.now),
        "no return after it went up",
    );
}

#[test]
fn the_upward_report_date_is_not_after_today_in_china_time() {
    let (mut l, m, _, _) = completed();
    let b = instructed_report(&mut l, m);
    let on = |d| BulletinCommand::ReportUpward {
        title: "汇报".to_owned(),
        body: "正文".to_owned(),
        upward: UpwardReport { on: d, ..upward() },
    };
    // 23:59 on 12-01 in Beijing: the 2nd is tomorrow.
    let late = at(2026, 12, 1, 23, 59);
    assert_invalid(
        &l.try_bulletin(&office(), b, on(date(2026, 12, 2)), late),
        "上报日期",
        "tomorrow",
    );
    l.try_bulletin(&office(), b, on(date(2026, 12, 1)), late)
        .expect("today");
    l.try_bulletin(&office(), b, on(date(2026, 11, 30)), late)
        .expect("yesterday");
    // 00:00 on 12-02 in Beijing (still the 1st in UTC): the 2nd is today.
    l.try_bulletin(&office(), b, on(date(2026, 12, 2)), at(2026, 12, 2, 0, 0))
        .expect("today in Beijing");
}

#[test]
fn a_bulletin_is_published_in_the_street_not_reported_upward() {
    let mut l = Ledger::new(start());
    let m = local_matter(&mut l, MatterState::Dispatched);
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    assert_eq!(l.bulletin(b).kind, BulletinKind::Bulletin);
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), b, review());
    l.bulletin_do(&principal(), b, instruct());
    let r = l.try_bulletin(&office(), b, report_upward(), l.now);
    assert_bad_state(&r, "report upward of a bulletin");
    assert!(message(&r).contains("不上报"), "{r:?}");
    let c = l
        .try_bulletin(&office(), b, publish(), l.now)
        .expect("publish");
    assert_eq!(c.allocate, Some(Allocate::IssueNo));
}

#[test]
fn the_report_offers_report_upward_and_a_bulletin_offers_publish() {
    let codes = |l: &Ledger, who: &Actor, b: BulletinId| -> Vec<&'static str> {
        bulletin_actions(who, l.bulletin(b), &l.covered_tasks(b))
            .into_iter()
            .map(|a| a.code)
            .collect()
    };
    let (mut l, m, _, _) = completed();
    let b = instructed_report(&mut l, m);
    assert_eq!(codes(&l, &office(), b), ["report_upward"]);
    let local = local_matter(&mut l, MatterState::Dispatched);
    let (lb, _) = l.create_bulletin(&office(), &[local]).expect("compile");
    l.bulletin_do(&office(), lb, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), lb, review());
    l.bulletin_do(&principal(), lb, instruct());
    assert_eq!(codes(&l, &office(), lb), ["publish"]);
    assert_eq!(action_label("report_upward"), Some("定稿上报"));
}

#[test]
fn report_upward_parses_from_its_form() {
    let form = BulletinText {
        title: Some(" 汇报 "),
        body: Some("正文"),
        report_to: Some("高新区党工委督查室"),
        report_on: Some("2026年12月15日"),
        report_via: Some("传真"),
        ..Default::default()
    };
    assert_eq!(
        BulletinCommand::parse("report_upward", &form),
        Ok(BulletinCommand::ReportUpward {
            title: "汇报".to_owned(),
            body: "正文".to_owned(),
            upward: UpwardReport {
                to: "高新区党工委督查室".to_owned(),
                on: date(2026, 12, 15),
                via: "传真".to_owned(),
            },
        })
    );
    let missing = |f: BulletinText<'static>, field: &str| {
        assert_invalid(&BulletinCommand::parse("report_upward", &f), field, field);
    };
    missing(
        BulletinText {
            report_to: None,
            ..form
        },
        "上报对象",
    );
    missing(
        BulletinText {
            report_on: Some("下周"),
            ..form
        },
        "上报日期",
    );
    missing(
        BulletinText {
            report_via: Some(" "),
            ..form
        },
        "上报方式",
    );
    missing(
        BulletinText {
            title: None,
            ..form
        },
        "汇报标题",
    );
    missing(BulletinText { body: None, ..form }, "汇报正文");
}

// ───────────────────────────── 销号 and 归档 ─────────────────────────────

#[test]
fn a_superior_task_closes_only_after_a_report_went_up_after_its_completion() {
    let (mut l, m, t1, t2) = dispatched();
    complete(&mut l, t1);
    for who in [office(), principal(), area()] {
        let r = l.try_task(&who, t1, close(), l.now);
        if who.has(Role::SupervisionOffice) {
            assert_bad_state(&r, "no report yet");
            assert!(message(&r).contains("形成督查汇报并上报"), "{r:?}");
        } else {
            assert_forbidden(&r, &who.name);
        }
    }
    // Reviewed and instructed but not yet reported upward.
    let b = instructed_report(&mut l, m);
    assert_bad_state(&l.try_task(&office(), t1, close(), l.now), "not yet up");
    l.bulletin_do(&office(), b, report_upward());
    // Task 2 is finished after that report: it needs another.
    complete(&mut l, t2);
    assert_bad_state(
        &l.try_task(&office(), t2, close(), l.now),
        "the report predates its completion",
    );
    let c = l.task_do(&office(), t1, close());
    assert_eq!(c.action, "task.close");
    let t = &c.tasks[0];
    assert_eq!(t.state, TaskState::Closed);
    assert_eq!(t.closed_at, Some(l.now));
    assert_eq!(t.close_remark.as_deref(), Some("已上报，予以销号。"));
    assert!(c.matter.is_none(), "task 2 is still open");
    assert_eq!(c.done, vec![WorkDone::Object(ObjectRef::Task(t1))]);

    let b2 = instructed_report(&mut l, m);
    let c = l.bulletin_do(&office(), b2, report_upward());
    assert_eq!(
        c.open,
        vec![role_item(
            ObjectRef::Task(t2),
            WorkAction::Close,
            Role::SupervisionOffice
        )],
        "a closed task is not asked to close again"
    );
    l.task_do(&office(), t2, close());
    assert_eq!(l.matter(m).state, MatterState::Closed);
}

#[test]
fn a_bulletin_kind_document_does_not_count_for_closing_a_superior_task() {
    let (mut l, m, t1, _) = completed();
    let finished = l.task(t1).finished_at.expect("finished");
    let after = finished + STEP_MS;
    stored_bulletin(
        &mut l,
        BulletinKind::Bulletin,
        &[m],
        BulletinState::Published,
        after,
        Some(after),
    );
    assert_bad_state(
        &l.try_task(&office(), t1, close(), l.now),
        "a 督查通报 over a superior matter",
    );
    // A report over another matter, or not published, or compiled before completion: no.
    stored_bulletin(
        &mut l,
        BulletinKind::Report,
        &[MatterId(4242)],
        BulletinState::Published,
        after,
        Some(after),
    );
    stored_bulletin(
        &mut l,
        BulletinKind::Report,
        &[m],
        BulletinState::Revising,
        after,
        None,
    );
    stored_bulletin(
        &mut l,
        BulletinKind::Report,
        &[m],
        BulletinState::Published,
        finished - 1,
        Some(after),
    );
    assert_bad_state(
        &l.try_task(&office(), t1, close(), l.now),
        "none of them reports the completion",
    );
    // Compiled and reported up in the very moment of completion counts.
    stored_bulletin(
        &mut l,
        BulletinKind::Report,
        &[m],
        BulletinState::Published,
        finished,
        Some(finished),
    );
    l.try_task(&office(), t1, close(), l.now)
        .expect("a report from the moment of completion");
}

#[test]
fn close_needs_a_confirmed_task() {
    let (mut l, m, t1, _) = dispatched();
    for who in [area(), staff_a()] {
        l.task_do(&who, t1, TaskCommand::Sign);
    }
    l.task_do(&staff_a(), t1, final_report());
    let later = l.now + 1;
    stored_bulletin(
        &mut l,
        BulletinKind::Report,
        &[m],
        BulletinState::Published,
        later,
        Some(later),
    );
    assert_bad_state(
        &l.try_task(&office(), t1, close(), later + 1),
        "awaiting confirmation",
    );
}

#[test]
fn closing_the_last_task_closes_the_matter_and_asks_for_the_archive() {
    let (mut l, m, t1, t2) = completed();
    assert_bad_state(
        &l.try_matter(&office(), m, MatterCommand::Archive, l.now),
        "not closed",
    );
    let b = instructed_report(&mut l, m);
    l.bulletin_do(&office(), b, report_upward());
    l.task_do(&office(), t1, close());
    let now = l.now + STEP_MS;
    let c = l.try_task(&office(), t2, close(), now).expect("close");
    let closed = c.matter.as_ref().expect("the matter closes");
    assert_eq!(closed.state, MatterState::Closed);
    assert_eq!(closed.closed_at, Some(now));
    assert!(c.summary.ends_with("事项全部任务已销号"), "{}", c.summary);
    assert!(c.done.contains(&WorkDone::Object(m_obj(m))));
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(m),
            WorkAction::Archive,
            Role::SupervisionOffice
        )]
    );
    l.apply(&office(), &c, now);
    for who in except(&[office().user_id]) {
        assert_forbidden(
            &l.try_matter(&who, m, MatterCommand::Archive, l.now),
            &who.name,
        );
    }
    let c = l.matter_do(&office(), m, MatterCommand::Archive);
    assert_eq!(c.action, "matter.archive");
    assert_eq!(c.allocate, Some(Allocate::ArchiveNo));
    assert_eq!(
        c.matter.as_ref().map(|x| (x.state, x.archived_at)),
        Some((MatterState::Archived, Some(l.now)))
    );
    assert_bad_state(
        &l.try_task(&office(), t1, TaskCommand::Sign, l.now),
        "no task step after the archive",
    );
}

// ───────────────────────────── The whole procedure ─────────────────────────────

#[test]
fn procedure_a_end_to_end_with_returns_and_the_inbox_following_each_step() {
    let (mut l, m) = registered();
    let mobj = m_obj(m);
    let inbox = |l: &Ledger| {
        let mut v: Vec<(ObjectRef, WorkAction, Assignee)> = l
            .inbox
            .iter()
            .map(|w| (w.object, w.action, w.assignee))
            .collect();
        v.sort_by_key(|(o, a, s)| (o.kind(), o.id(), a.code(), format!("{s:?}")));
        v
    };
    assert_eq!(
        inbox(&l),
        [(
            mobj,
            WorkAction::Decompose,
            Assignee::Role(Role::SupervisionOffice)
        )]
    );
    l.matter_do(&office(), m, MatterCommand::Submit);
    l.matter_do(&principal(), m, return_matter());
    assert_eq!(inbox(&l)[0].1, WorkAction::Decompose);
    l.matter_do(&office(), m, MatterCommand::Submit);
    assert_eq!(
        inbox(&l),
        [(
            mobj,
            WorkAction::Approve,
            Assignee::Role(Role::PrincipalLeader)
        )]
    );
    l.matter_do(&principal(), m, approve());
    assert_eq!(
        inbox(&l),
        [(
            mobj,
            WorkAction::Forward,
            Assignee::Role(Role::SupervisionOffice)
        )]
    );
    let t1 = l.add_task(m, &[area().user_id], UNIT_A, &[UNIT_B], date(2026, 12, 18));
    let t2 = l.add_task(m, &[area().user_id], UNIT_B, &[], date(2026, 12, 18));
    l.matter_do(&office(), m, MatterCommand::Forward);
    assert_eq!(
        l.inbox.len(),
        5,
        "five receipts to sign, the forward item done"
    );
    assert!(l.inbox.iter().all(|w| w.action == WorkAction::Sign));

    complete(&mut l, t1);
    complete(&mut l, t2);
    assert_eq!(
        inbox(&l),
        [(
            mobj,
            WorkAction::CompileReport,
            Assignee::Role(Role::SupervisionOffice)
        )]
    );
    let (b, _) = l.create_bulletin(&office(), &[m]).expect("compile");
    assert!(l.inbox.is_empty(), "{:?}", l.inbox);
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), b, review());
    l.bulletin_do(&principal(), b, return_bulletin());
    assert_eq!(
        inbox(&l),
        [(
            ObjectRef::Bulletin(b),
            WorkAction::CompileReport,
            Assignee::Role(Role::SupervisionOffice)
        )]
    );
    l.bulletin_do(&office(), b, BulletinCommand::SubmitForReview);
    l.bulletin_do(&supervision(), b, review());
    l.bulletin_do(&principal(), b, instruct());
    l.bulletin_do(&office(), b, report_upward());
    assert_eq!(
        inbox(&l),
        [
            (
                ObjectRef::Task(t1),
                WorkAction::Close,
                Assignee::Role(Role::SupervisionOffice)
            ),
            (
                ObjectRef::Task(t2),
                WorkAction::Close,
                Assignee::Role(Role::SupervisionOffice)
            ),
        ]
    );
    l.task_do(&office(), t1, close());
    l.task_do(&office(), t2, close());
    assert_eq!(
        inbox(&l),
        [(
            mobj,
            WorkAction::Archive,
            Assignee::Role(Role::SupervisionOffice)
        )]
    );
    l.matter_do(&office(), m, MatterCommand::Archive);
    assert!(l.inbox.is_empty());

    let matter = l.matter(m);
    assert_eq!(matter.state, MatterState::Archived);
    assert!(
        matter
            .notice_no
            .as_deref()
            .is_some_and(|n| n.starts_with("张督转"))
    );
    assert!(matter.archive_no.is_some());
    assert!(l.tasks_of(m).iter().all(|t| {
        t.state == TaskState::Closed
            && t.received_at.is_some()
            && t.reported_at.is_some()
            && t.finished_at < t.closed_at
    }));
    assert!(
        l.reports
            .iter()
            .filter(|r| r.is_final)
            .all(|r| r.status == ReportStatus::Confirmed && r.decided_by == Some(area().user_id))
    );
    let codes: Vec<&str> = l.log.iter().map(|e| e.2).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "bulletin.report_upward")
            .count(),
        1
    );
    assert_eq!(codes.last(), Some(&"matter.archive"));
    // Who decided: the principal leader instructed the matter and the report; the supervision
    // leader reviewed it.
    let kinds: Vec<(UserId, InstructionKind)> =
        l.instructions.iter().map(|(u, i)| (*u, i.kind)).collect();
    assert!(kinds.contains(&(principal().user_id, InstructionKind::Approve)));
    assert!(kinds.contains(&(principal().user_id, InstructionKind::Instruct)));
    assert!(kinds.contains(&(supervision().user_id, InstructionKind::Review)));
}
