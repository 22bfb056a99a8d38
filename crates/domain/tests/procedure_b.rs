//! Procedure B (街道会议和主要领导交办事项), one transition at a time: what each step changes for
//! the one who may take it, and how it refuses the others and the wrong moments.

mod world;

use duban_domain::time::Millis;
use duban_domain::*;
use world::*;

const NOW: Millis = T0 + 10_000_000;

fn assert_forbidden(r: &Result<Change, DomainError>, what: &str) {
    assert!(
        matches!(r, Err(DomainError::Forbidden(_))),
        "{what}: expected Forbidden, got {r:?}"
    );
}

fn assert_bad_state(r: &Result<Change, DomainError>, what: &str) {
    assert!(
        matches!(r, Err(DomainError::InvalidState(_))),
        "{what}: expected InvalidState, got {r:?}"
    );
}

fn role_item(object: ObjectRef, action: WorkAction, role: Role) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::Role(role),
    }
}

fn m_obj() -> ObjectRef {
    ObjectRef::Matter(MATTER)
}

fn t_obj(w: &World, t: usize) -> ObjectRef {
    ObjectRef::Task(w.tasks[t].id)
}

fn b_obj(w: &World, b: usize) -> ObjectRef {
    ObjectRef::Bulletin(w.bulletins[b].id)
}

/// Both tasks done, a bulletin published after them, both closed: the matter is Closed.
fn closed_world() -> World {
    let mut w = World::dispatched();
    for t in 0..2 {
        w.sign_all(t);
        w.run(&[(w.lead_of(t), report_final(t)), (Who::Area, confirm(t))]);
    }
    let mut w = w.with_bulletin(BulletinState::Published);
    w.run(&[(Who::Office, close(0)), (Who::Office, close(1))]);
    assert_eq!(w.matter.state, MatterState::Closed);
    w
}

// ───────────────────────────── Matter ─────────────────────────────

#[test]
fn office_submits_a_decomposed_matter_to_the_principal_leader() {
    let w = World::new();
    let c = w.try_op(Who::Office, &submit(), NOW).expect("submit");
    assert_eq!(c.action, "matter.submit");
    let m = c.matter.as_ref().expect("matter");
    assert_eq!(m.state, MatterState::Submitted);
    assert_eq!(
        Matter {
            state: MatterState::Registered,
            ..m.clone()
        },
        w.matter,
        "only the state changes"
    );
    assert!(
        c.tasks.is_empty()
            && c.instruction.is_none()
            && c.allocate.is_none()
            && c.new_receipts.is_empty()
    );
    assert_eq!(c.done, vec![WorkDone::Object(m_obj())]);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(),
            WorkAction::Approve,
            Role::PrincipalLeader
        )]
    );
}

#[test]
fn only_the_office_submits() {
    let w = World::new();
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::StaffA,
        Who::HeadB,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &submit(), NOW), &format!("{who:?}"));
    }
}

#[test]
fn submit_needs_a_registered_matter_with_tasks() {
    let mut w = World::new();
    w.run(&[(Who::Office, submit())]);
    assert_bad_state(&w.try_op(Who::Office, &submit(), NOW), "already submitted");
    assert_bad_state(
        &World::dispatched().try_op(Who::Office, &submit(), NOW),
        "dispatched",
    );
    let mut empty = World::new();
    empty.tasks.clear();
    assert_bad_state(&empty.try_op(Who::Office, &submit(), NOW), "no tasks");
}

#[test]
fn the_principal_leader_approves_with_an_instruction() {
    let mut w = World::new();
    w.run(&[(Who::Office, submit())]);
    let c = w.try_op(Who::Principal, &approve(), NOW).expect("approve");
    assert_eq!(c.action, "matter.approve");
    assert_eq!(
        c.matter.as_ref().map(|m| m.state),
        Some(MatterState::Approved)
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: m_obj(),
            kind: InstructionKind::Approve,
            text: "同意，请督查办抓紧交办。".to_owned()
        })
    );
    assert!(c.tasks.is_empty(), "tasks wait for the notice");
    assert_eq!(c.done, vec![WorkDone::Object(m_obj())]);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(),
            WorkAction::IssueNotice,
            Role::SupervisionOffice
        )]
    );
    assert!(c.allocate.is_none());
}

#[test]
fn only_the_principal_leader_approves_and_only_a_submitted_matter() {
    let mut w = World::new();
    assert_bad_state(&w.try_op(Who::Principal, &approve(), NOW), "registered");
    w.run(&[(Who::Office, submit())]);
    for who in [
        Who::Supervision,
        Who::Area,
        Who::Office,
        Who::StaffA,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &approve(), NOW), &format!("{who:?}"));
    }
    w.run(&[(Who::Principal, approve())]);
    assert_bad_state(&w.try_op(Who::Principal, &approve(), NOW), "approved twice");
    assert_bad_state(
        &World::dispatched().try_op(Who::Principal, &approve(), NOW),
        "dispatched",
    );
}

#[test]
fn the_principal_leader_returns_a_matter_to_the_office() {
    let mut w = World::new();
    w.run(&[(Who::Office, submit())]);
    let c = w
        .try_op(Who::Principal, &return_matter(), NOW)
        .expect("return");
    assert_eq!(c.action, "matter.return");
    assert_eq!(
        c.matter.as_ref().map(|m| m.state),
        Some(MatterState::Registered)
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: m_obj(),
            kind: InstructionKind::Return,
            text: "办理要求不够具体。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Object(m_obj())]);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(),
            WorkAction::Decompose,
            Role::SupervisionOffice
        )]
    );
    w.run(&[(Who::Principal, return_matter())]);
    assert!(
        can_edit_tasks(&Who::Office.actor(), &w.matter).is_ok(),
        "the office may decompose again"
    );
    w.run(&[(Who::Office, submit()), (Who::Principal, approve())]);
    assert_eq!(w.matter.state, MatterState::Approved);
}

#[test]
fn only_the_principal_leader_returns_and_only_a_submitted_matter() {
    let mut w = World::new();
    assert_bad_state(
        &w.try_op(Who::Principal, &return_matter(), NOW),
        "registered",
    );
    w.run(&[(Who::Office, submit())]);
    for who in [Who::Supervision, Who::Area, Who::Office, Who::HeadB] {
        assert_forbidden(&w.try_op(who, &return_matter(), NOW), &format!("{who:?}"));
    }
    w.run(&[(Who::Principal, approve())]);
    assert_bad_state(&w.try_op(Who::Principal, &return_matter(), NOW), "approved");
}

#[test]
fn tasks_are_editable_only_by_the_office_while_registered() {
    let mut w = World::new();
    let office = Who::Office.actor();
    assert!(can_edit_tasks(&office, &w.matter).is_ok());
    assert!(matches!(
        can_edit_tasks(&Who::Principal.actor(), &w.matter),
        Err(DomainError::Forbidden(_))
    ));
    w.run(&[(Who::Office, submit())]);
    assert!(matches!(
        can_edit_tasks(&office, &w.matter),
        Err(DomainError::InvalidState(_))
    ));
}

#[test]
fn issuing_the_notice_assigns_every_task_and_asks_every_recipient_to_sign() {
    let mut w = World::new();
    w.run(&[(Who::Office, submit()), (Who::Principal, approve())]);
    let c = w.try_op(Who::Office, &issue_notice(), NOW).expect("issue");
    assert_eq!(c.action, "matter.issue_notice");
    assert_eq!(
        c.matter.as_ref().map(|m| m.state),
        Some(MatterState::Dispatched)
    );
    assert_eq!(c.allocate, Some(Allocate::NoticeNo));
    assert_eq!(c.done, vec![WorkDone::Object(m_obj())]);
    assert_eq!(c.tasks.len(), 2);
    for (before, after) in w.tasks.iter().zip(&c.tasks) {
        assert_eq!(after.state, TaskState::Assigned);
        assert_eq!(
            &Task {
                state: TaskState::Draft,
                ..after.clone()
            },
            before,
            "only the state changes"
        );
    }
    let expected: Vec<(TaskId, Recipient)> = vec![
        (TASK_1, Recipient::User(Who::Area.id())),
        (TASK_1, Recipient::Unit(UNIT_A)),
        (TASK_1, Recipient::Unit(UNIT_B)),
        (TASK_2, Recipient::User(Who::Supervision.id())),
        (TASK_2, Recipient::User(Who::Area.id())),
        (TASK_2, Recipient::Unit(UNIT_B)),
        (TASK_2, Recipient::Unit(UNIT_A)),
    ];
    let got: Vec<(TaskId, Recipient)> = c
        .new_receipts
        .iter()
        .map(|r| (r.task_id, r.recipient))
        .collect();
    assert_eq!(got, expected);
    assert!(
        c.new_receipts
            .iter()
            .all(|r| r.signed_at.is_none() && r.signed_by.is_none())
    );
    let items: Vec<WorkItem> = expected
        .iter()
        .map(|(t, r)| WorkItem {
            object: ObjectRef::Task(*t),
            action: WorkAction::Sign,
            assignee: match r {
                Recipient::User(u) => Assignee::User(*u),
                Recipient::Unit(u) => Assignee::Unit(*u),
            },
        })
        .collect();
    assert_eq!(c.open, items);
}

#[test]
fn only_the_office_issues_the_notice_and_only_after_approval() {
    let mut w = World::new();
    assert_bad_state(&w.try_op(Who::Office, &issue_notice(), NOW), "registered");
    w.run(&[(Who::Office, submit())]);
    assert_bad_state(
        &w.try_op(Who::Office, &issue_notice(), NOW),
        "submitted, not approved",
    );
    w.run(&[(Who::Principal, approve())]);
    for who in [Who::Principal, Who::Supervision, Who::Area, Who::StaffA] {
        assert_forbidden(&w.try_op(who, &issue_notice(), NOW), &format!("{who:?}"));
    }
    w.run(&[(Who::Office, issue_notice())]);
    assert_bad_state(&w.try_op(Who::Office, &issue_notice(), NOW), "issued twice");
}

#[test]
fn the_office_archives_a_closed_matter() {
    let w = closed_world();
    let c = w.try_op(Who::Office, &archive(), NOW).expect("archive");
    assert_eq!(c.action, "matter.archive");
    let m = c.matter.as_ref().expect("matter");
    assert_eq!(m.state, MatterState::Archived);
    assert_eq!(m.archived_at, Some(NOW));
    assert_eq!(m.closed_at, w.matter.closed_at);
    assert_eq!(c.allocate, Some(Allocate::ArchiveNo));
    assert_eq!(c.done, vec![WorkDone::Object(m_obj())]);
    assert!(c.open.is_empty() && c.tasks.is_empty());
}

#[test]
fn archive_only_by_the_office_and_only_when_closed() {
    let w = closed_world();
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::StaffA,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &archive(), NOW), &format!("{who:?}"));
    }
    assert_bad_state(
        &World::new().try_op(Who::Office, &archive(), NOW),
        "registered",
    );
    assert_bad_state(
        &World::completed(0).try_op(Who::Office, &archive(), NOW),
        "dispatched",
    );
    let mut w2 = w.clone();
    w2.run(&[(Who::Office, archive())]);
    assert_bad_state(&w2.try_op(Who::Office, &archive(), NOW), "archived twice");
    // A matter marked Closed while a task is still open (not reachable, but refused anyway).
    let mut odd = w;
    odd.tasks[1].state = TaskState::Completed;
    assert_bad_state(
        &odd.try_op(Who::Office, &archive(), NOW),
        "a task not closed",
    );
}

#[test]
fn matter_commands_parse_from_codes() {
    assert_eq!(
        MatterCommand::parse("approve", None),
        Ok(MatterCommand::Approve {
            instruction: "同意。".to_owned()
        }),
        "approval without text defaults to 同意"
    );
    assert!(matches!(
        MatterCommand::parse("return", Some("  ")),
        Err(DomainError::Invalid { .. })
    ));
    assert!(matches!(
        MatterCommand::parse("delete", None),
        Err(DomainError::Invalid { .. })
    ));
    for code in MatterCommand::CODES {
        assert!(MatterCommand::parse(code, Some("理由")).is_ok(), "{code}");
    }
}

// ───────────────────────────── Task ─────────────────────────────

#[test]
fn no_task_step_before_the_notice_is_issued() {
    let mut w = World::new();
    for stage in 0..3 {
        for who in Who::ALL {
            for t in 0..2 {
                for op in [
                    sign(t),
                    report(t),
                    report_final(t),
                    confirm(t),
                    return_report(t),
                    close(t),
                ] {
                    assert_bad_state(
                        &w.try_op(who, &op, NOW),
                        &format!("stage {stage}: {who:?} {op:?}"),
                    );
                }
            }
        }
        let next = [(Who::Office, submit()), (Who::Principal, approve())];
        if let Some(step) = next.get(stage) {
            w.run(std::slice::from_ref(step));
        }
    }
}

#[test]
fn no_task_step_after_the_matter_is_closed() {
    let w = closed_world();
    for who in [Who::Office, Who::Area, Who::StaffA, Who::HeadB] {
        for op in [
            sign(0),
            report(1),
            report_final(0),
            confirm(0),
            return_report(1),
            close(0),
        ] {
            assert_bad_state(&w.try_op(who, &op, NOW), &format!("{who:?} {op:?}"));
        }
    }
}

#[test]
fn the_lead_units_receipt_starts_the_task() {
    let w = World::dispatched();
    let c = w.try_op(Who::StaffA, &sign(0), NOW).expect("sign");
    assert_eq!(c.action, "task.sign");
    assert_eq!(c.signed, Some(Recipient::Unit(UNIT_A)));
    assert_eq!(c.summary, "牵头单位签收");
    let t = &c.tasks[0];
    assert_eq!(
        (t.state, t.received_at, t.started_at),
        (TaskState::InProgress, Some(NOW), Some(NOW))
    );
    assert_eq!(
        c.done,
        vec![WorkDone::Item(
            t_obj(&w, 0),
            WorkAction::Sign,
            Assignee::Unit(UNIT_A)
        )]
    );
    assert_eq!(
        c.open,
        vec![WorkItem {
            object: t_obj(&w, 0),
            action: WorkAction::Report,
            assignee: Assignee::Unit(UNIT_A)
        }]
    );
    assert!(c.matter.is_none());
    // A unit head signs for the lead unit as well (task 2 is led by unit B).
    let c2 = w.try_op(Who::HeadB, &sign(1), NOW).expect("sign");
    assert_eq!(
        (c2.signed, c2.tasks[0].state),
        (Some(Recipient::Unit(UNIT_B)), TaskState::InProgress)
    );
}

#[test]
fn a_leaders_receipt_does_not_start_the_task() {
    let mut w = World::dispatched();
    let c = w.try_op(Who::Area, &sign(0), NOW).expect("sign");
    assert_eq!(c.signed, Some(Recipient::User(Who::Area.id())));
    assert_eq!(c.summary, "责任领导签收");
    assert_eq!(c.tasks[0], w.tasks[0], "the task is unchanged");
    assert_eq!(
        c.done,
        vec![WorkDone::Item(
            t_obj(&w, 0),
            WorkAction::Sign,
            Assignee::User(Who::Area.id())
        )]
    );
    assert!(c.open.is_empty());
    // The supervision leader is a responsible leader of task 2: he signs for himself.
    w.run(&[(Who::Supervision, sign(1))]);
    assert_eq!(w.tasks[1].state, TaskState::Assigned);
    w.run(&[(Who::Area, sign(0)), (Who::StaffA, sign(0))]);
    assert_eq!(w.tasks[0].state, TaskState::InProgress);
}

#[test]
fn a_cooperating_units_receipt_does_not_start_the_task() {
    let mut w = World::dispatched();
    let c = w.try_op(Who::HeadB, &sign(0), NOW).expect("sign");
    assert_eq!(c.signed, Some(Recipient::Unit(UNIT_B)));
    assert_eq!(c.summary, "配合单位签收");
    assert_eq!(c.tasks[0].state, TaskState::Assigned);
    assert!(c.open.is_empty());
    // Signing late, after the lead unit, changes nothing either.
    w.run(&[(Who::StaffA, sign(0))]);
    let c = w.try_op(Who::HeadB, &sign(0), NOW).expect("late sign");
    assert_eq!(c.tasks[0], w.tasks[0]);
}

#[test]
fn only_recipients_sign_and_only_once() {
    let mut w = World::dispatched();
    for who in [
        Who::Principal,
        Who::OtherArea,
        Who::Office,
        Who::StaffX,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &sign(0), NOW), &format!("{who:?}"));
    }
    // The supervision leader is responsible for task 2 only.
    assert_forbidden(
        &w.try_op(Who::Supervision, &sign(0), NOW),
        "supervision leader on task 1",
    );
    w.run(&[(Who::StaffA, sign(0))]);
    assert_forbidden(&w.try_op(Who::StaffA, &sign(0), NOW), "second signature");
}

#[test]
fn units_report_progress_without_changing_the_state() {
    let w = World::in_progress(0);
    for (who, unit) in [(Who::StaffA, UNIT_A), (Who::HeadB, UNIT_B)] {
        let c = w.try_op(who, &report(0), NOW).expect("report");
        assert_eq!(c.action, "task.report");
        assert_eq!(
            c.new_report,
            Some(NewReport {
                unit_id: unit,
                is_final: false,
                body: "正在推进，已完成过半。".to_owned(),
                status: ReportStatus::Noted
            })
        );
        let t = &c.tasks[0];
        assert_eq!((t.state, t.reported_at), (TaskState::InProgress, Some(NOW)));
        assert!(c.done.is_empty() && c.open.is_empty() && c.decided_report.is_none());
    }
}

#[test]
fn the_lead_unit_submits_the_final_report_to_the_leaders() {
    let w = World::in_progress(1);
    let c = w.try_op(Who::HeadB, &report_final(1), NOW).expect("final");
    assert_eq!(c.action, "task.report_final");
    assert_eq!(
        c.new_report,
        Some(NewReport {
            unit_id: UNIT_B,
            is_final: true,
            body: "已全部办结。".to_owned(),
            status: ReportStatus::Submitted
        })
    );
    let t = &c.tasks[0];
    assert_eq!(
        (t.state, t.reported_at, t.finished_at),
        (TaskState::AwaitingConfirmation, Some(NOW), None)
    );
    let obj = t_obj(&w, 1);
    assert_eq!(c.done, vec![WorkDone::Action(obj, WorkAction::Report)]);
    assert_eq!(
        c.open,
        vec![
            WorkItem {
                object: obj,
                action: WorkAction::Confirm,
                assignee: Assignee::User(Who::Supervision.id())
            },
            WorkItem {
                object: obj,
                action: WorkAction::Confirm,
                assignee: Assignee::User(Who::Area.id())
            },
        ]
    );
}

#[test]
fn a_cooperating_unit_cannot_submit_a_final_report() {
    let w = World::in_progress(0);
    assert_forbidden(
        &w.try_op(Who::HeadB, &report_final(0), NOW),
        "unit B cooperates on task 1",
    );
    let w = World::in_progress(1);
    assert_forbidden(
        &w.try_op(Who::StaffA, &report_final(1), NOW),
        "unit A cooperates on task 2",
    );
    // Even before anything is under way, the refusal names the role, not the state.
    let w = World::dispatched();
    assert_forbidden(&w.try_op(Who::HeadB, &report_final(0), NOW), "assigned");
}

#[test]
fn only_the_tasks_units_report() {
    let w = World::in_progress(0);
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::Office,
        Who::StaffX,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &report(0), NOW), &format!("{who:?}"));
        assert_forbidden(
            &w.try_op(who, &report_final(0), NOW),
            &format!("{who:?} final"),
        );
    }
}

#[test]
fn reports_wait_for_the_lead_units_receipt_and_stop_while_awaiting_confirmation() {
    let mut w = World::dispatched();
    w.run(&[(Who::Area, sign(0)), (Who::HeadB, sign(0))]);
    assert_bad_state(
        &w.try_op(Who::StaffA, &report(0), NOW),
        "lead unit has not signed",
    );
    assert_bad_state(
        &w.try_op(Who::HeadB, &report(0), NOW),
        "coop reports before the lead signed",
    );
    let w = World::awaiting(0);
    assert_bad_state(&w.try_op(Who::StaffA, &report(0), NOW), "awaiting");
    assert_bad_state(
        &w.try_op(Who::StaffA, &report_final(0), NOW),
        "awaiting, final",
    );
    let w = World::completed(0);
    assert_bad_state(&w.try_op(Who::StaffA, &report(0), NOW), "completed");
}

#[test]
fn the_responsible_area_leader_confirms_completion() {
    let w = World::awaiting(0);
    let pending = w
        .reports
        .iter()
        .find(|r| r.is_final)
        .expect("final report")
        .id;
    let c = w.try_op(Who::Area, &confirm(0), NOW).expect("confirm");
    assert_eq!(c.action, "task.confirm");
    let t = &c.tasks[0];
    assert_eq!(
        (t.state, t.finished_at, t.closed_at),
        (TaskState::Completed, Some(NOW), None)
    );
    assert_eq!(
        c.decided_report,
        Some((
            pending,
            ReportStatus::Confirmed,
            Some("同意办结。".to_owned())
        ))
    );
    assert_eq!(
        c.done,
        vec![WorkDone::Action(t_obj(&w, 0), WorkAction::Confirm)]
    );
    assert!(
        c.open.is_empty(),
        "task 2 is still under way: no bulletin asked for yet"
    );
    assert!(c.matter.is_none());
}

#[test]
fn confirming_the_last_task_asks_the_office_for_a_bulletin() {
    let mut w = World::completed(0);
    w.sign_all(1);
    w.run(&[(Who::HeadB, report_final(1))]);
    let c = w.try_op(Who::Area, &confirm(1), NOW).expect("confirm");
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(),
            WorkAction::CompileBulletin,
            Role::SupervisionOffice
        )]
    );
}

#[test]
fn only_a_responsible_leader_confirms_or_returns() {
    let w = World::awaiting(0);
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::OtherArea,
        Who::Office,
        Who::StaffA,
        Who::HeadB,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &confirm(0), NOW), &format!("{who:?}"));
        assert_forbidden(
            &w.try_op(who, &return_report(0), NOW),
            &format!("{who:?} return"),
        );
    }
    // Being named a responsible leader is the authority (the store admits only area leaders
    // there): the supervision leader, responsible for task 2, may decide on it.
    let w = World::awaiting(1);
    assert!(w.try_op(Who::Supervision, &confirm(1), NOW).is_ok());
    assert!(w.try_op(Who::Supervision, &return_report(1), NOW).is_ok());
    assert!(w.try_op(Who::Area, &confirm(1), NOW).is_ok());
}

#[test]
fn confirm_and_return_need_a_pending_final_report() {
    for w in [World::in_progress(0), World::completed(0)] {
        assert_bad_state(
            &w.try_op(Who::Area, &confirm(0), NOW),
            &format!("{:?}", w.tasks[0].state),
        );
        assert_bad_state(
            &w.try_op(Who::Area, &return_report(0), NOW),
            &format!("{:?}", w.tasks[0].state),
        );
    }
    // The state says awaiting, but the report is gone (not reachable): still refused.
    let mut odd = World::awaiting(0);
    odd.reports.clear();
    assert_bad_state(&odd.try_op(Who::Area, &confirm(0), NOW), "no report");
}

#[test]
fn the_leader_returns_a_final_report_to_the_lead_unit() {
    let w = World::awaiting(0);
    let pending = w
        .reports
        .iter()
        .find(|r| r.is_final)
        .expect("final report")
        .id;
    let c = w.try_op(Who::Area, &return_report(0), NOW).expect("return");
    assert_eq!(c.action, "task.return_report");
    assert_eq!(c.tasks[0].state, TaskState::InProgress);
    assert_eq!(c.tasks[0].finished_at, None);
    assert_eq!(
        c.decided_report,
        Some((
            pending,
            ReportStatus::Returned,
            Some("佐证材料不全。".to_owned())
        ))
    );
    let obj = t_obj(&w, 0);
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: obj,
            kind: InstructionKind::Return,
            text: "佐证材料不全。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Action(obj, WorkAction::Confirm)]);
    assert_eq!(
        c.open,
        vec![WorkItem {
            object: obj,
            action: WorkAction::Report,
            assignee: Assignee::Unit(UNIT_A)
        }]
    );
}

#[test]
fn after_a_return_the_new_final_report_is_the_one_confirmed() {
    let mut w = World::awaiting(0);
    w.run(&[
        (Who::Area, return_report(0)),
        (Who::StaffA, report(0)),
        (Who::StaffA, report_final(0)),
    ]);
    let newest = w
        .reports
        .iter()
        .rfind(|r| r.is_final)
        .expect("second final")
        .id;
    let c = w.try_op(Who::Area, &confirm(0), NOW).expect("confirm");
    assert_eq!(c.decided_report.map(|d| d.0), Some(newest));
    w.run(&[(Who::Area, confirm(0))]);
    w.check_invariants();
}

#[test]
fn the_office_closes_a_task_reported_in_a_published_bulletin() {
    let w = World::completed(0).with_bulletin(BulletinState::Published);
    let c = w.try_op(Who::Office, &close(0), NOW).expect("close");
    assert_eq!(c.action, "task.close");
    let t = &c.tasks[0];
    assert_eq!(t.state, TaskState::Closed);
    assert_eq!(t.closed_at, Some(NOW));
    assert_eq!(t.close_remark.as_deref(), Some("已办结，予以销号。"));
    assert_eq!(t.finished_at, w.tasks[0].finished_at);
    assert_eq!(c.done, vec![WorkDone::Object(t_obj(&w, 0))]);
    assert!(
        c.matter.is_none(),
        "task 2 is still open: the matter stays dispatched"
    );
    assert!(c.open.is_empty());
}

#[test]
fn closing_the_last_task_closes_the_matter_and_asks_for_the_archive() {
    let mut w = World::dispatched();
    for t in 0..2 {
        w.sign_all(t);
        w.run(&[(w.lead_of(t), report_final(t)), (Who::Area, confirm(t))]);
    }
    let mut w = w.with_bulletin(BulletinState::Published);
    w.run(&[(Who::Office, close(1))]);
    let c = w.try_op(Who::Office, &close(0), NOW).expect("close");
    let m = c.matter.as_ref().expect("the matter changes");
    assert_eq!((m.state, m.closed_at), (MatterState::Closed, Some(NOW)));
    assert!(c.summary.ends_with("事项全部任务已销号"), "{}", c.summary);
    assert_eq!(
        c.open,
        vec![role_item(
            m_obj(),
            WorkAction::Archive,
            Role::SupervisionOffice
        )]
    );
}

#[test]
fn only_the_office_closes() {
    let w = World::completed(0).with_bulletin(BulletinState::Published);
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::StaffA,
        Who::HeadB,
        Who::StaffX,
        Who::Admin,
    ] {
        assert_forbidden(&w.try_op(who, &close(0), NOW), &format!("{who:?}"));
    }
}

#[test]
fn close_needs_a_confirmed_task() {
    for w in [
        World::dispatched(),
        World::in_progress(0),
        World::awaiting(0),
    ] {
        let w = w.with_bulletin(BulletinState::Published);
        assert_bad_state(
            &w.try_op(Who::Office, &close(0), NOW),
            &format!("{:?}", w.tasks[0].state),
        );
    }
    let mut closed = World::completed(0).with_bulletin(BulletinState::Published);
    closed.run(&[(Who::Office, close(0))]);
    assert_bad_state(&closed.try_op(Who::Office, &close(0), NOW), "closed twice");
}

#[test]
fn close_needs_the_completion_published_in_a_bulletin_covering_the_matter() {
    // No bulletin at all.
    assert_bad_state(
        &World::completed(0).try_op(Who::Office, &close(0), NOW),
        "no bulletin",
    );
    // A bulletin still on its way.
    for s in [
        BulletinState::Drafting,
        BulletinState::Reviewing,
        BulletinState::Instructing,
        BulletinState::Revising,
    ] {
        let w = World::completed(0).with_bulletin(s);
        assert_bad_state(
            &w.try_op(Who::Office, &close(0), NOW),
            &format!("bulletin {s:?}"),
        );
    }
    // Published before the task was finished.
    let mut early = World::in_progress(0).with_bulletin(BulletinState::Published);
    early.run(&[(Who::StaffA, report_final(0)), (Who::Area, confirm(0))]);
    assert_bad_state(
        &early.try_op(Who::Office, &close(0), NOW),
        "bulletin published before completion",
    );
    // A later bulletin makes it good.
    let later = early.with_bulletin(BulletinState::Published);
    assert!(later.try_op(Who::Office, &close(0), NOW).is_ok());
    // Published after completion, but about another matter.
    let mut other = World::completed(0);
    other.run(&[(Who::Office, create(Cover::Other))]);
    for (who, op) in [
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
        (Who::Office, publish(0)),
    ] {
        other.run(&[(who, op)]);
    }
    assert_eq!(other.bulletins[0].state, BulletinState::Published);
    assert_bad_state(
        &other.try_op(Who::Office, &close(0), NOW),
        "bulletin over another matter",
    );
}

#[test]
fn a_bulletin_published_in_the_same_moment_as_the_confirmation_counts() {
    let mut w = World::completed(0).with_bulletin(BulletinState::Published);
    let finished = w.tasks[0].finished_at;
    w.bulletins[0].published_at = finished;
    assert!(w.try_op(Who::Office, &close(0), NOW).is_ok());
    w.bulletins[0].published_at = finished.map(|f| f - 1);
    assert_bad_state(
        &w.try_op(Who::Office, &close(0), NOW),
        "one millisecond early",
    );
}

#[test]
fn task_commands_parse_from_codes() {
    assert_eq!(
        TaskCommand::parse("report_final", Some(" 已办结 ")),
        Ok(TaskCommand::Report {
            body: "已办结".to_owned(),
            is_final: true
        })
    );
    assert!(matches!(
        TaskCommand::parse("report", None),
        Err(DomainError::Invalid { .. })
    ));
    assert!(matches!(
        TaskCommand::parse("return_report", Some("")),
        Err(DomainError::Invalid { .. })
    ));
    assert_eq!(
        TaskCommand::parse("confirm", None),
        Ok(TaskCommand::Confirm {
            opinion: "已按要求办结。".to_owned()
        })
    );
    assert_eq!(
        TaskCommand::parse("close", None),
        Ok(TaskCommand::Close {
            remark: "已办结，予以销号。".to_owned()
        })
    );
    assert!(matches!(
        TaskCommand::parse("approve", None),
        Err(DomainError::Invalid { .. })
    ));
}

// ───────────────────────────── Bulletin ─────────────────────────────

#[test]
fn the_office_compiles_a_bulletin_over_dispatched_local_matters() {
    let w = World::dispatched();
    let c = w
        .try_op(Who::Office, &create(Cover::Matter), NOW)
        .expect("create");
    assert_eq!(c.action, "bulletin.create");
    assert!(
        c.bulletin.is_none() && c.matter.is_none(),
        "the store creates the draft"
    );
    assert_eq!(
        c.done,
        vec![WorkDone::Action(m_obj(), WorkAction::CompileBulletin)]
    );
    let c = w
        .try_op(Who::Office, &create(Cover::Both), NOW)
        .expect("create");
    assert_eq!(
        c.done,
        vec![
            WorkDone::Action(m_obj(), WorkAction::CompileBulletin),
            WorkDone::Action(ObjectRef::Matter(OTHER_MATTER), WorkAction::CompileBulletin),
        ]
    );
}

#[test]
fn only_the_office_compiles_bulletins_and_only_over_dispatched_local_matters() {
    let w = World::dispatched();
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::StaffA,
        Who::Admin,
    ] {
        assert_forbidden(
            &w.try_op(who, &create(Cover::Matter), NOW),
            &format!("{who:?}"),
        );
    }
    let office = Who::Office.actor();
    assert!(matches!(
        create_bulletin(&office, &[]),
        Err(DomainError::Invalid { .. })
    ));
    // A 督查汇报 over Superior matters and a 督查通报 over Local ones are compiled apart.
    let mut superior = w.matter.clone();
    superior.kind = MatterKind::Superior;
    superior.id = MatterId(99);
    assert!(matches!(
        create_bulletin(&office, &[w.matter.clone(), superior]),
        Err(DomainError::Invalid { .. })
    ));
    let mut approved = World::new();
    approved.run(&[(Who::Office, submit()), (Who::Principal, approve())]);
    assert_bad_state(
        &approved.try_op(Who::Office, &create(Cover::Matter), NOW),
        "approved, not dispatched",
    );
    assert_bad_state(
        &approved.try_op(Who::Office, &create(Cover::Both), NOW),
        "one of two not dispatched",
    );
    assert_bad_state(
        &closed_world().try_op(Who::Office, &create(Cover::Matter), NOW),
        "closed",
    );
}

#[test]
fn the_office_submits_a_draft_for_review() {
    let w = World::dispatched().with_bulletin(BulletinState::Drafting);
    let c = w
        .try_op(Who::Office, &submit_review(0), NOW)
        .expect("submit");
    assert_eq!(c.action, "bulletin.submit_review");
    assert_eq!(
        c.bulletin.as_ref().map(|b| b.state),
        Some(BulletinState::Reviewing)
    );
    assert_eq!(c.done, vec![WorkDone::Object(b_obj(&w, 0))]);
    assert_eq!(
        c.open,
        vec![role_item(
            b_obj(&w, 0),
            WorkAction::Review,
            Role::SupervisionLeader
        )]
    );
    for who in [Who::Principal, Who::Supervision, Who::Area] {
        assert_forbidden(&w.try_op(who, &submit_review(0), NOW), &format!("{who:?}"));
    }
    for s in [
        BulletinState::Reviewing,
        BulletinState::Revising,
        BulletinState::Published,
    ] {
        let w = World::dispatched().with_bulletin(s);
        assert_bad_state(
            &w.try_op(Who::Office, &submit_review(0), NOW),
            &format!("{s:?}"),
        );
    }
}

#[test]
fn the_supervision_leader_reviews() {
    let w = World::dispatched().with_bulletin(BulletinState::Reviewing);
    let c = w.try_op(Who::Supervision, &review(0), NOW).expect("review");
    assert_eq!(c.action, "bulletin.review");
    let b = c.bulletin.as_ref().expect("bulletin");
    assert_eq!(
        (b.state, b.review_opinion.as_deref()),
        (BulletinState::Instructing, Some("已阅，同意。"))
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: b_obj(&w, 0),
            kind: InstructionKind::Review,
            text: "已阅，同意。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Object(b_obj(&w, 0))]);
    assert_eq!(
        c.open,
        vec![role_item(
            b_obj(&w, 0),
            WorkAction::Instruct,
            Role::PrincipalLeader
        )]
    );
    for who in [Who::Principal, Who::Office, Who::Area, Who::Admin] {
        assert_forbidden(&w.try_op(who, &review(0), NOW), &format!("{who:?}"));
    }
    for s in [
        BulletinState::Drafting,
        BulletinState::Instructing,
        BulletinState::Published,
    ] {
        let w = World::dispatched().with_bulletin(s);
        assert_bad_state(
            &w.try_op(Who::Supervision, &review(0), NOW),
            &format!("{s:?}"),
        );
    }
}

#[test]
fn the_principal_leader_instructs() {
    let w = World::dispatched().with_bulletin(BulletinState::Instructing);
    let c = w
        .try_op(Who::Principal, &instruct(0), NOW)
        .expect("instruct");
    assert_eq!(c.action, "bulletin.instruct");
    let b = c.bulletin.as_ref().expect("bulletin");
    assert_eq!(
        (b.state, b.instruction.as_deref()),
        (BulletinState::Revising, Some("同意印发。"))
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: b_obj(&w, 0),
            kind: InstructionKind::Instruct,
            text: "同意印发。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Object(b_obj(&w, 0))]);
    assert_eq!(
        c.open,
        vec![role_item(
            b_obj(&w, 0),
            WorkAction::Publish,
            Role::SupervisionOffice
        )]
    );
    for who in [Who::Supervision, Who::Office, Who::Area] {
        assert_forbidden(&w.try_op(who, &instruct(0), NOW), &format!("{who:?}"));
    }
    for s in [BulletinState::Reviewing, BulletinState::Revising] {
        let w = World::dispatched().with_bulletin(s);
        assert_bad_state(
            &w.try_op(Who::Principal, &instruct(0), NOW),
            &format!("{s:?}"),
        );
    }
}

#[test]
fn the_reviewing_leader_returns_a_bulletin_in_review() {
    let w = World::dispatched().with_bulletin(BulletinState::Reviewing);
    let c = w
        .try_op(Who::Supervision, &return_bulletin(0), NOW)
        .expect("return");
    assert_eq!(c.action, "bulletin.return");
    assert_eq!(
        c.bulletin.as_ref().map(|b| b.state),
        Some(BulletinState::Drafting)
    );
    assert_eq!(
        c.instruction,
        Some(Instruction {
            object: b_obj(&w, 0),
            kind: InstructionKind::Return,
            text: "数据需核实。".to_owned()
        })
    );
    assert_eq!(c.done, vec![WorkDone::Object(b_obj(&w, 0))]);
    assert_eq!(
        c.open,
        vec![role_item(
            b_obj(&w, 0),
            WorkAction::CompileBulletin,
            Role::SupervisionOffice
        )]
    );
    for who in [Who::Principal, Who::Office, Who::Area] {
        assert_forbidden(
            &w.try_op(who, &return_bulletin(0), NOW),
            &format!("{who:?} in review"),
        );
    }
}

#[test]
fn the_instructing_leader_returns_a_bulletin_awaiting_instruction() {
    let w = World::dispatched().with_bulletin(BulletinState::Instructing);
    let c = w
        .try_op(Who::Principal, &return_bulletin(0), NOW)
        .expect("return");
    assert_eq!(
        c.bulletin.as_ref().map(|b| b.state),
        Some(BulletinState::Drafting)
    );
    assert_eq!(
        c.instruction.as_ref().map(|i| i.kind),
        Some(InstructionKind::Return)
    );
    for who in [Who::Supervision, Who::Office, Who::Area] {
        assert_forbidden(
            &w.try_op(who, &return_bulletin(0), NOW),
            &format!("{who:?} awaiting instruction"),
        );
    }
    // Returned, it goes through review again before it can be instructed.
    let mut w = w;
    w.run(&[(Who::Principal, return_bulletin(0))]);
    assert_bad_state(
        &w.try_op(Who::Principal, &instruct(0), NOW),
        "instruct a returned draft",
    );
    w.run(&[
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
    ]);
    assert_eq!(w.bulletins[0].state, BulletinState::Revising);
}

#[test]
fn nobody_returns_a_draft_a_final_draft_or_a_published_bulletin() {
    for s in [
        BulletinState::Drafting,
        BulletinState::Revising,
        BulletinState::Published,
    ] {
        let w = World::dispatched().with_bulletin(s);
        for who in [Who::Principal, Who::Supervision, Who::Office] {
            assert_bad_state(
                &w.try_op(who, &return_bulletin(0), NOW),
                &format!("{who:?} {s:?}"),
            );
        }
    }
}

#[test]
fn the_office_publishes_and_asks_to_close_the_completed_tasks() {
    let w = World::completed(0).with_bulletin(BulletinState::Revising);
    let c = w.try_op(Who::Office, &publish(0), NOW).expect("publish");
    assert_eq!(c.action, "bulletin.publish");
    let b = c.bulletin.as_ref().expect("bulletin");
    assert_eq!(b.state, BulletinState::Published);
    assert_eq!(b.title, "关于重点工作落实情况的通报");
    assert_eq!(b.body, "定稿正文");
    assert_eq!(b.scope.as_deref(), Some("各部门、各社区"));
    assert_eq!(b.published_at, Some(NOW));
    assert_eq!(b.issue_no, None, "the store gives the issue number");
    assert_eq!(c.allocate, Some(Allocate::IssueNo));
    assert_eq!(c.done, vec![WorkDone::Object(b_obj(&w, 0))]);
    // Task 1 is completed, task 2 still assigned.
    assert_eq!(
        c.open,
        vec![role_item(
            t_obj(&w, 0),
            WorkAction::Close,
            Role::SupervisionOffice
        )]
    );
    for who in [Who::Principal, Who::Supervision, Who::Area] {
        assert_forbidden(&w.try_op(who, &publish(0), NOW), &format!("{who:?}"));
    }
    for s in [
        BulletinState::Drafting,
        BulletinState::Reviewing,
        BulletinState::Instructing,
        BulletinState::Published,
    ] {
        let w = World::dispatched().with_bulletin(s);
        assert_bad_state(&w.try_op(Who::Office, &publish(0), NOW), &format!("{s:?}"));
    }
}

#[test]
fn bulletins_are_edited_only_by_the_office_while_a_draft() {
    let office = Who::Office.actor();
    for (s, ok) in [
        (BulletinState::Drafting, true),
        (BulletinState::Reviewing, false),
        (BulletinState::Instructing, false),
        (BulletinState::Revising, true),
        (BulletinState::Published, false),
    ] {
        let w = World::dispatched().with_bulletin(s);
        let r = can_edit_bulletin(&office, &w.bulletins[0]);
        assert_eq!(r.is_ok(), ok, "{s:?}: {r:?}");
        if !ok {
            assert!(matches!(r, Err(DomainError::InvalidState(_))));
        }
        assert!(matches!(
            can_edit_bulletin(&Who::Principal.actor(), &w.bulletins[0]),
            Err(DomainError::Forbidden(_))
        ));
    }
}

#[test]
fn bulletin_commands_parse_from_codes() {
    assert!(matches!(
        BulletinCommand::parse("instruct", &BulletinText::default()),
        Err(DomainError::Invalid { .. })
    ));
    assert_eq!(
        BulletinCommand::parse("review", &BulletinText::default()),
        Ok(BulletinCommand::Review {
            opinion: "已阅，同意。".to_owned()
        })
    );
    assert!(matches!(
        BulletinCommand::parse(
            "publish",
            &BulletinText {
                title: Some("标题"),
                body: Some("正文"),
                ..Default::default()
            }
        ),
        Err(DomainError::Invalid { .. })
    ));
}

// ───────────────────────── What to offer ─────────────────────────

const WHO_TYPICAL: [Who; 9] = Who::ALL;

fn matter_codes(w: &World, who: Who) -> Vec<&'static str> {
    matter_actions(&who.actor(), &w.matter, &w.tasks)
        .into_iter()
        .map(|a| a.code)
        .collect()
}

fn task_codes(w: &World, who: Who, t: usize) -> Vec<&'static str> {
    let (receipts, reports) = w.task_ctx_parts(t);
    let ctx = TaskContext {
        matter: &w.matter,
        siblings: &w.tasks,
        receipts: &receipts,
        reports: &reports,
        bulletins: &w.bulletins,
        special: None,
    };
    task_actions(&who.actor(), &w.tasks[t], &ctx)
        .into_iter()
        .map(|a| a.code)
        .collect()
}

fn bulletin_codes(w: &World, who: Who, b: usize) -> Vec<&'static str> {
    bulletin_actions(&who.actor(), &w.bulletins[b], &w.covered_tasks(b))
        .into_iter()
        .map(|a| a.code)
        .collect()
}

/// The codes for which the step itself succeeds, with ordinary texts.
fn succeeding(
    w: &World,
    who: Who,
) -> (
    Vec<&'static str>,
    Vec<Vec<&'static str>>,
    Vec<Vec<&'static str>>,
) {
    let m = [
        ("submit", submit()),
        ("approve", approve()),
        ("return", return_matter()),
        ("issue_notice", issue_notice()),
        ("archive", archive()),
    ]
    .into_iter()
    .filter(|(_, op)| w.try_op(who, op, NOW).is_ok())
    .map(|(c, _)| c)
    .collect();
    let t = (0..w.tasks.len())
        .map(|t| {
            [
                ("sign", sign(t)),
                ("report", report(t)),
                ("report_final", report_final(t)),
                ("confirm", confirm(t)),
                ("return_report", return_report(t)),
                ("close", close(t)),
            ]
            .into_iter()
            .filter(|(_, op)| w.try_op(who, op, NOW).is_ok())
            .map(|(c, _)| c)
            .collect()
        })
        .collect();
    let b = (0..w.bulletins.len())
        .map(|b| {
            [
                ("submit_review", submit_review(b)),
                ("review", review(b)),
                ("instruct", instruct(b)),
                ("return", return_bulletin(b)),
                ("publish", publish(b)),
            ]
            .into_iter()
            .filter(|(_, op)| w.try_op(who, op, NOW).is_ok())
            .map(|(c, _)| c)
            .collect()
        })
        .collect();
    (m, t, b)
}

fn assert_offers_match_decisions(w: &World, at: &str) {
    for who in WHO_TYPICAL {
        let (m, t, b) = succeeding(w, who);
        assert_eq!(matter_codes(w, who), m, "{at}: matter actions of {who:?}");
        for (i, codes) in t.iter().enumerate() {
            assert_eq!(
                &task_codes(w, who, i),
                codes,
                "{at}: task {i} actions of {who:?}"
            );
        }
        for (i, codes) in b.iter().enumerate() {
            assert_eq!(
                &bulletin_codes(w, who, i),
                codes,
                "{at}: bulletin {i} actions of {who:?}"
            );
        }
    }
}

/// The whole procedure, with a return at each review, and a bulletin over another matter too.
fn long_path() -> Vec<(Who, Op)> {
    vec![
        (Who::Office, submit()),
        (Who::Principal, return_matter()),
        (Who::Office, submit()),
        (Who::Principal, approve()),
        (Who::Office, issue_notice()),
        (Who::Office, create(Cover::Other)),
        (Who::Area, sign(0)),
        (Who::HeadB, sign(0)),
        (Who::StaffA, sign(0)),
        (Who::StaffA, report(0)),
        (Who::HeadB, report(0)),
        (Who::StaffA, report_final(0)),
        (Who::Area, return_report(0)),
        (Who::StaffA, report_final(0)),
        (Who::Area, confirm(0)),
        (Who::HeadB, sign(1)),
        (Who::Supervision, sign(1)),
        (Who::Area, sign(1)),
        (Who::StaffA, sign(1)),
        (Who::HeadB, report_final(1)),
        (Who::Area, confirm(1)),
        (Who::Office, create(Cover::Matter)),
        (Who::Office, submit_review(1)),
        (Who::Supervision, return_bulletin(1)),
        (Who::Office, submit_review(1)),
        (Who::Supervision, review(1)),
        (Who::Principal, return_bulletin(1)),
        (Who::Office, submit_review(1)),
        (Who::Supervision, review(1)),
        (Who::Principal, instruct(1)),
        (Who::Office, publish(1)),
        (Who::Office, close(0)),
        (Who::Office, close(1)),
        (Who::Office, archive()),
    ]
}

#[test]
fn offered_actions_are_exactly_those_that_succeed_all_along_the_procedure() {
    let mut w = World::new();
    assert_offers_match_decisions(&w, "start");
    for (i, (who, op)) in long_path().into_iter().enumerate() {
        w.run(&[(who, op.clone())]);
        w.check_invariants();
        assert_offers_match_decisions(&w, &format!("after step {i} {who:?} {op:?}"));
    }
    assert_eq!(w.matter.state, MatterState::Archived);
}

#[test]
fn typical_actors_are_offered_what_their_role_allows() {
    let none: Vec<&str> = vec![];
    let mut w = World::new();
    assert_eq!(matter_codes(&w, Who::Office), ["submit"]);
    assert_eq!(matter_codes(&w, Who::Principal), none);
    w.run(&[(Who::Office, submit())]);
    assert_eq!(matter_codes(&w, Who::Principal), ["approve", "return"]);
    assert_eq!(matter_codes(&w, Who::Office), none);
    assert_eq!(matter_codes(&w, Who::Supervision), none);
    w.run(&[(Who::Principal, approve())]);
    assert_eq!(matter_codes(&w, Who::Office), ["issue_notice"]);
    w.run(&[(Who::Office, issue_notice())]);
    for who in Who::ALL {
        assert_eq!(matter_codes(&w, who), none, "{who:?} while dispatched");
    }
    for who in [Who::Area, Who::StaffA, Who::HeadB] {
        assert_eq!(task_codes(&w, who, 0), ["sign"], "{who:?}");
    }
    for who in [
        Who::Principal,
        Who::Supervision,
        Who::OtherArea,
        Who::Office,
        Who::StaffX,
        Who::Admin,
    ] {
        assert_eq!(task_codes(&w, who, 0), none, "{who:?}");
    }
    assert_eq!(task_codes(&w, Who::Supervision, 1), ["sign"]);
    w.sign_all(0);
    assert_eq!(task_codes(&w, Who::StaffA, 0), ["report", "report_final"]);
    assert_eq!(
        task_codes(&w, Who::HeadB, 0),
        ["report"],
        "a cooperating unit reports progress only"
    );
    assert_eq!(task_codes(&w, Who::Area, 0), none);
    w.run(&[(Who::StaffA, report_final(0))]);
    assert_eq!(task_codes(&w, Who::Area, 0), ["confirm", "return_report"]);
    assert_eq!(task_codes(&w, Who::OtherArea, 0), none);
    assert_eq!(task_codes(&w, Who::StaffA, 0), none);
    w.run(&[(Who::Area, confirm(0))]);
    assert_eq!(task_codes(&w, Who::Office, 0), none, "no bulletin yet");
    w.sign_all(1);
    w.run(&[(Who::HeadB, report_final(1))]);
    assert_eq!(
        task_codes(&w, Who::Supervision, 1),
        ["confirm", "return_report"],
        "a responsible leader decides on the final report"
    );
    assert_eq!(task_codes(&w, Who::Area, 1), ["confirm", "return_report"]);
    w.run(&[
        (Who::Area, confirm(1)),
        (Who::Office, create(Cover::Matter)),
    ]);
    assert_eq!(bulletin_codes(&w, Who::Office, 0), ["submit_review"]);
    assert_eq!(bulletin_codes(&w, Who::Supervision, 0), none);
    w.run(&[(Who::Office, submit_review(0))]);
    assert_eq!(
        bulletin_codes(&w, Who::Supervision, 0),
        ["review", "return"]
    );
    assert_eq!(bulletin_codes(&w, Who::Principal, 0), none);
    assert_eq!(bulletin_codes(&w, Who::Office, 0), none);
    w.run(&[(Who::Supervision, review(0))]);
    assert_eq!(
        bulletin_codes(&w, Who::Principal, 0),
        ["instruct", "return"]
    );
    assert_eq!(bulletin_codes(&w, Who::Supervision, 0), none);
    w.run(&[(Who::Principal, instruct(0))]);
    assert_eq!(bulletin_codes(&w, Who::Office, 0), ["publish"]);
    assert_eq!(bulletin_codes(&w, Who::Principal, 0), none);
    w.run(&[(Who::Office, publish(0))]);
    for who in Who::ALL {
        assert_eq!(
            bulletin_codes(&w, who, 0),
            none,
            "{who:?} on a published bulletin"
        );
    }
    assert_eq!(task_codes(&w, Who::Office, 0), ["close"]);
    assert_eq!(task_codes(&w, Who::Office, 1), ["close"]);
    w.run(&[(Who::Office, close(0)), (Who::Office, close(1))]);
    assert_eq!(matter_codes(&w, Who::Office), ["archive"]);
    assert_eq!(matter_codes(&w, Who::Principal), none);
    w.run(&[(Who::Office, archive())]);
    for who in Who::ALL {
        assert_eq!(matter_codes(&w, who), none, "{who:?} on an archived matter");
    }
}

#[test]
fn offered_actions_carry_their_labels() {
    let mut w = World::new();
    w.run(&[(Who::Office, submit())]);
    let offered = matter_actions(&Who::Principal.actor(), &w.matter, &w.tasks);
    let ret = offered
        .iter()
        .find(|a| a.code == "return")
        .expect("return offered");
    assert!(ret.is_return && ret.text_required && ret.text_label == Some("退回理由"));
    let ok = offered
        .iter()
        .find(|a| a.code == "approve")
        .expect("approve offered");
    assert!(!ok.is_return && !ok.text_required && !ok.label.is_empty());
}

// ───────────────────── The context a store passes ─────────────────────
//
// `TaskContext` says `siblings` are all tasks of the matter, but does not say whether `receipts`
// and `reports` are the task's own or the matter's. A store that loads them per matter (as it does
// siblings) makes the domain act on another task's receipt or report: neither `receipt_for` nor
// `pending_final_report` looks at `task_id`. The store today (`store/src/ledger.rs` `task_view`)
// loads them per task, so this is latent: a contract the domain relies on without saying so.

#[test]
fn signing_uses_only_this_tasks_receipts() {
    let mut w = World::dispatched();
    w.run(&[(Who::StaffA, sign(0))]); // unit A signed task 1; its receipt on task 2 is pending
    let ctx = TaskContext {
        matter: &w.matter,
        siblings: &w.tasks,
        receipts: &w.receipts, // the matter's receipts
        reports: &[],
        bulletins: &[],
        special: None,
    };
    let r = decide_task(
        &Who::StaffA.actor(),
        &w.tasks[0],
        &ctx,
        TaskCommand::Sign,
        NOW,
    );
    assert_forbidden(&r, "unit A has nothing left to sign on task 1");
}

#[test]
fn confirming_decides_only_this_tasks_report() {
    let mut w = World::awaiting(0);
    w.sign_all(1);
    w.run(&[(Who::HeadB, report_final(1))]);
    let own = w
        .reports
        .iter()
        .find(|r| r.task_id == TASK_1 && r.is_final)
        .expect("task 1 report")
        .id;
    let ctx = TaskContext {
        matter: &w.matter,
        siblings: &w.tasks,
        receipts: &w.receipts,
        reports: &w.reports, // the matter's reports, oldest first
        bulletins: &[],
        special: None,
    };
    let c =
        decide_task(&Who::Area.actor(), &w.tasks[0], &ctx, confirm_cmd(), NOW).expect("confirm");
    assert_eq!(
        c.decided_report.map(|d| d.0),
        Some(own),
        "decided another task's report"
    );
}

fn confirm_cmd() -> TaskCommand {
    TaskCommand::Confirm {
        opinion: "同意办结。".to_owned(),
    }
}

// ───────────────────────── The inbox ─────────────────────────

#[test]
fn every_confirm_item_goes_to_someone_who_may_confirm() {
    let w = World::awaiting(1);
    let asked: Vec<UserId> = w
        .inbox
        .iter()
        .filter(|i| i.object == t_obj(&w, 1) && i.action == WorkAction::Confirm)
        .filter_map(|i| match i.assignee {
            Assignee::User(u) => Some(u),
            _ => None,
        })
        .collect();
    assert!(!asked.is_empty());
    for u in asked {
        let who = Who::ALL
            .into_iter()
            .find(|w| w.id() == u)
            .expect("a known person");
        assert!(
            task_codes(&w, who, 1).contains(&"confirm"),
            "{who:?} is asked to confirm but may not"
        );
    }
}

#[test]
fn a_bulletin_compiled_before_completion_does_not_allow_closing() {
    let mut w = World::dispatched();
    w.run(&[(Who::Office, create(Cover::Matter))]);
    w.sign_all(0);
    w.run(&[
        (w.lead_of(0), report_final(0)),
        (Who::Area, confirm(0)),
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
        (Who::Office, publish(0)),
    ]);
    let e = w
        .try_op(Who::Office, &close(0), NOW)
        .expect_err("the bulletin predates the completion");
    assert!(matches!(e, DomainError::InvalidState(_)), "{e:?}");
}

#[test]
fn a_closed_matter_asks_only_for_the_archive() {
    // Both tasks finish; the bulletin that reports them is compiled, reviewed, instructed and
    // published; closing the last task leaves only the archive to do.
    let mut w = World::dispatched();
    for t in 0..2 {
        w.sign_all(t);
        w.run(&[(w.lead_of(t), report_final(t)), (Who::Area, confirm(t))]);
    }
    w.run(&[(Who::Office, create(Cover::Matter))]);
    w.run(&[
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
        (Who::Office, publish(0)),
        (Who::Office, close(0)),
        (Who::Office, close(1)),
    ]);
    assert_eq!(w.matter.state, MatterState::Closed);
    let open: Vec<WorkAction> = w
        .inbox
        .iter()
        .filter(|i| i.object == m_obj())
        .map(|i| i.action)
        .collect();
    assert_eq!(
        open,
        [WorkAction::Archive],
        "the office cannot compile a bulletin for a closed matter"
    );
}
