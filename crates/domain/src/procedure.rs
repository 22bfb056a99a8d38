//! Procedure B of the notice (街道会议和主要领导交办事项) as a state machine:
//! 登记报备 → 任务交办 → 任务办理 → 督查通报 → 销号归档.
//!
//! Every step is a pure function `(actor, context, command, now) -> Result<Change, DomainError>`.
//! Who may act and in which state is decided here, once; the store applies a `Change` in one
//! transaction, and the pages ask `*_actions` (which tries each command) what to offer.

use serde::{Deserialize, Serialize};

use crate::input::{BODY_MAX, TEXT_MAX, TITLE_MAX, optional_text, required_text};
use crate::time::Millis;
use crate::{
    Actor, Assignee, Bulletin, BulletinKind, BulletinState, DomainError, Matter, MatterKind,
    MatterState, ObjectRef, ProgressReport, Receipt, Recipient, ReportId, ReportStatus, Role, Task,
    TaskState, UnitId, UpwardReport, WorkAction, WorkItem,
};

/// A leader's written word on an object (批示/审阅意见/退回理由).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instruction {
    pub object: ObjectRef,
    pub kind: InstructionKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstructionKind {
    /// 批示同意
    Approve,
    /// 退回
    Return,
    /// 审阅意见
    Review,
    /// 批示
    Instruct,
}

impl InstructionKind {
    pub fn code(self) -> &'static str {
        match self {
            InstructionKind::Approve => "approve",
            InstructionKind::Return => "return",
            InstructionKind::Review => "review",
            InstructionKind::Instruct => "instruct",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            InstructionKind::Approve => "批示同意",
            InstructionKind::Return => "退回",
            InstructionKind::Review => "审阅意见",
            InstructionKind::Instruct => "批示",
        }
    }
}

/// A number the store hands out inside the same transaction (never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocate {
    /// 督办通知文号, e.g. 张督办〔2026〕12号
    NoticeNo,
    /// 批示件转办单编号, e.g. 张督转〔2026〕3号
    TransferNo,
    /// 《张范督查》第N期
    IssueNo,
    /// 督查考核通知文号
    InspectionNoticeNo,
    /// 督查汇报文号
    ReportNo,
    /// 归档号
    ArchiveNo,
}

/// Which open work items a step completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkDone {
    /// Every open item on the object.
    Object(ObjectRef),
    /// Every open item of this action on the object.
    Action(ObjectRef, WorkAction),
    /// One assignee's item.
    Item(ObjectRef, WorkAction, Assignee),
}

/// A new progress report, decided but not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub unit_id: UnitId,
    pub is_final: bool,
    pub body: String,
    pub status: ReportStatus,
}

/// Everything one step changes; the store writes it in one transaction with its audit record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    /// Stable code of the step, e.g. `matter.approve`.
    pub action: &'static str,
    /// What the timeline says, in Chinese.
    pub summary: String,
    pub matter: Option<Matter>,
    pub tasks: Vec<Task>,
    pub bulletin: Option<Bulletin>,
    pub new_receipts: Vec<Receipt>,
    pub signed: Option<Recipient>,
    pub new_report: Option<NewReport>,
    pub decided_report: Option<(ReportId, ReportStatus, Option<String>)>,
    pub instruction: Option<Instruction>,
    pub allocate: Option<Allocate>,
    /// Applications this step changes (procedure C).
    pub application: Vec<crate::Application>,
    /// Scores a department gave (procedure C).
    pub new_scores: Vec<crate::Score>,
    pub done: Vec<WorkDone>,
    pub open: Vec<WorkItem>,
}

fn office(actor: &Actor) -> Result<(), DomainError> {
    if actor.has(Role::SupervisionOffice) {
        Ok(())
    } else {
        Err(DomainError::forbidden("仅考核督查办可执行"))
    }
}

fn principal(actor: &Actor) -> Result<(), DomainError> {
    if actor.has(Role::PrincipalLeader) {
        Ok(())
    } else {
        Err(DomainError::forbidden("须由街道主要领导批示"))
    }
}

fn role_item(object: ObjectRef, action: WorkAction, role: Role) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::Role(role),
    }
}

// ───────────────────────────── Matter ─────────────────────────────

/// Steps on a matter as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatterCommand {
    /// 呈批: the office submits the decomposed matter to the principal leader.
    Submit,
    /// 批示同意交办.
    Approve { instruction: String },
    /// 退回 with a reason.
    Return { reason: String },
    /// 印发《督办通知》 (Local).
    IssueNotice,
    /// 批示件转报: copies of the instruction go to the leaders and units (Superior).
    Forward,
    /// 归档.
    Archive,
}

impl MatterCommand {
    pub const CODES: [&'static str; 6] = [
        "submit",
        "approve",
        "return",
        "issue_notice",
        "forward",
        "archive",
    ];

    /// From an action code and the text a form or JSON gave.
    pub fn parse(action: &str, text: Option<&str>) -> Result<MatterCommand, DomainError> {
        Ok(match action {
            "submit" => MatterCommand::Submit,
            "approve" => MatterCommand::Approve {
                instruction: optional_text("批示意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "同意。".to_owned()),
            },
            "return" => MatterCommand::Return {
                reason: required_text("退回理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            "issue_notice" => MatterCommand::IssueNotice,
            "forward" => MatterCommand::Forward,
            "archive" => MatterCommand::Archive,
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// Whether the office may still add, edit or remove tasks (分解立项): a Local matter before it is
/// submitted; a Superior matter after the principal leader's instruction and before the copies
/// go out (按照批示意见，明确每项任务); a Special inspection's tasks come from its plan.
pub fn can_edit_tasks(actor: &Actor, matter: &Matter) -> Result<(), DomainError> {
    office(actor)?;
    match (matter.kind, matter.state) {
        (MatterKind::Local, MatterState::Registered)
        | (MatterKind::Superior, MatterState::Approved) => Ok(()),
        (MatterKind::Local, _) => Err(DomainError::state(
            "事项已呈批，不能再修改任务；如需修改请由主要领导退回",
        )),
        (MatterKind::Superior, MatterState::Registered | MatterState::Submitted) => Err(
            DomainError::state("请先呈报主要领导批阅，再按照批示意见明确任务"),
        ),
        (MatterKind::Superior, _) => Err(DomainError::state("批示件已转办，不能再修改任务")),
        (MatterKind::Special, _) => Err(DomainError::state(
            "专项督查的任务由督查考核方案确定，不能单独修改",
        )),
    }
}

/// The receipts and sign items of dispatching tasks: each responsible leader, the lead unit and
/// every cooperating unit signs (签收).
fn dispatch(tasks: &[Task], change: &mut Change) {
    for t in tasks {
        let mut t2 = t.clone();
        t2.state = TaskState::Assigned;
        let tobj = ObjectRef::Task(t.id);
        let recipients = t
            .leaders
            .iter()
            .map(|u| Recipient::User(*u))
            .chain(std::iter::once(Recipient::Unit(t.lead_unit)))
            .chain(t.coop_units.iter().map(|u| Recipient::Unit(*u)));
        for r in recipients {
            change.new_receipts.push(Receipt {
                task_id: t.id,
                recipient: r,
                signed_at: None,
                signed_by: None,
            });
            let assignee = match r {
                Recipient::User(u) => Assignee::User(u),
                Recipient::Unit(u) => Assignee::Unit(u),
            };
            change.open.push(WorkItem {
                object: tobj,
                action: WorkAction::Sign,
                assignee,
            });
        }
        change.tasks.push(t2);
    }
}

pub fn decide_matter(
    actor: &Actor,
    matter: &Matter,
    tasks: &[Task],
    cmd: MatterCommand,
    now: Millis,
) -> Result<Change, DomainError> {
    let obj = ObjectRef::Matter(matter.id);
    let superior = matter.kind == MatterKind::Superior;
    if matter.kind == MatterKind::Special && !matches!(cmd, MatterCommand::Archive) {
        return Err(DomainError::state(
            "专项督查按申请、方案、通知、考核的流程办理",
        ));
    }
    let mut next = matter.clone();
    let change = match cmd {
        MatterCommand::Submit => {
            office(actor)?;
            if matter.state != MatterState::Registered {
                return Err(DomainError::state("只有登记中的事项可以呈批"));
            }
            if !superior && tasks.is_empty() {
                return Err(DomainError::state("请先分解立项，至少添加一项任务"));
            }
            next.state = MatterState::Submitted;
            Change {
                action: "matter.submit",
                summary: if superior {
                    "呈报主要领导批阅上级通知".to_owned()
                } else {
                    format!("呈报主要领导批阅（{}项任务）", tasks.len())
                },
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(obj, WorkAction::Approve, Role::PrincipalLeader)],
                ..Default::default()
            }
        }
        MatterCommand::Approve { instruction } => {
            principal(actor)?;
            if matter.state != MatterState::Submitted {
                return Err(DomainError::state("该事项不在待审批状态"));
            }
            next.state = MatterState::Approved;
            Change {
                action: "matter.approve",
                summary: format!("批示：{instruction}"),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Approve,
                    text: instruction,
                }),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    if superior {
                        WorkAction::Forward
                    } else {
                        WorkAction::IssueNotice
                    },
                    Role::SupervisionOffice,
                )],
                ..Default::default()
            }
        }
        MatterCommand::Return { reason } => {
            principal(actor)?;
            if matter.state != MatterState::Submitted {
                return Err(DomainError::state("该事项不在待审批状态"));
            }
            next.state = MatterState::Registered;
            Change {
                action: "matter.return",
                summary: format!("退回：{reason}"),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Return,
                    text: reason,
                }),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    WorkAction::Decompose,
                    Role::SupervisionOffice,
                )],
                ..Default::default()
            }
        }
        MatterCommand::IssueNotice => {
            office(actor)?;
            if superior {
                return Err(DomainError::state(
                    "上级督查事项以批示件转办单交办，不印发督办通知",
                ));
            }
            if matter.state != MatterState::Approved {
                return Err(DomainError::state("须经主要领导批示同意后方可印发督办通知"));
            }
            next.state = MatterState::Dispatched;
            let mut change = Change {
                action: "matter.issue_notice",
                summary: format!("印发《督办通知》，交办{}项任务", tasks.len()),
                allocate: Some(Allocate::NoticeNo),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            dispatch(tasks, &mut change);
            change
        }
        MatterCommand::Forward => {
            office(actor)?;
            if !superior {
                return Err(DomainError::state("批示件转办用于上级督查事项"));
            }
            if matter.state != MatterState::Approved {
                return Err(DomainError::state("须经主要领导批示后方可转办"));
            }
            if tasks.is_empty() {
                return Err(DomainError::state(
                    "请先按照批示意见明确任务，至少添加一项任务",
                ));
            }
            next.state = MatterState::Dispatched;
            let mut change = Change {
                action: "matter.forward",
                summary: format!(
                    "印发《批示件转办单》，将主要领导批示件转报相关领导和部门，交办{}项任务",
                    tasks.len()
                ),
                allocate: Some(Allocate::TransferNo),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            dispatch(tasks, &mut change);
            change
        }
        MatterCommand::Archive => {
            office(actor)?;
            if matter.state != MatterState::Closed {
                return Err(DomainError::state("事项全部任务销号后方可归档"));
            }
            if tasks.iter().any(|t| t.state != TaskState::Closed) {
                return Err(DomainError::state("仍有任务未销号"));
            }
            next.state = MatterState::Archived;
            next.archived_at = Some(now);
            Change {
                action: "matter.archive",
                summary: "督查材料整理归档备查".to_owned(),
                allocate: Some(Allocate::ArchiveNo),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            }
        }
    };
    Ok(Change {
        matter: Some(next),
        ..change
    })
}

// ───────────────────────────── Task ─────────────────────────────

/// Steps on one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskCommand {
    /// 签收, for oneself as leader or for one's unit.
    Sign,
    /// 报送落实情况; `is_final` asks the leader to confirm completion.
    Report { body: String, is_final: bool },
    /// 分管领导确认办结.
    Confirm { opinion: String },
    /// 分管领导退回落实情况.
    ReturnReport { reason: String },
    /// 销号.
    Close { remark: String },
    /// 业务部门打分 (procedure C): per score item, the points and a remark.
    Score { points: Vec<(String, String)> },
}

impl TaskCommand {
    pub const CODES: [&'static str; 6] = [
        "sign",
        "report",
        "report_final",
        "confirm",
        "return_report",
        "close",
    ];

    pub fn parse(action: &str, text: Option<&str>) -> Result<TaskCommand, DomainError> {
        Ok(match action {
            "sign" => TaskCommand::Sign,
            "report" | "report_final" => TaskCommand::Report {
                body: required_text("落实情况", text.unwrap_or(""), BODY_MAX)?,
                is_final: action == "report_final",
            },
            "confirm" => TaskCommand::Confirm {
                opinion: optional_text("确认意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "已按要求办结。".to_owned()),
            },
            "return_report" => TaskCommand::ReturnReport {
                reason: required_text("退回理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            "close" => TaskCommand::Close {
                remark: optional_text("销号说明", text, TEXT_MAX)?
                    .unwrap_or_else(|| "已办结，予以销号。".to_owned()),
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// What a task step needs to see besides the task.
pub struct TaskContext<'a> {
    pub matter: &'a Matter,
    /// All tasks of the matter, this one included.
    pub siblings: &'a [Task],
    pub receipts: &'a [Receipt],
    pub reports: &'a [ProgressReport],
    /// Bulletins that cover the matter.
    pub bulletins: &'a [Bulletin],
    /// For a special inspection's task: the plan, applications and scores.
    pub special: Option<crate::SpecialContext<'a>>,
}

/// The receipt this actor would sign: their own first, else their unit's.
pub fn receipt_for<'a>(actor: &Actor, task: &Task, receipts: &'a [Receipt]) -> Option<&'a Receipt> {
    let pending = || {
        receipts
            .iter()
            .filter(|r| r.task_id == task.id && r.signed_at.is_none())
    };
    pending()
        .find(|r| r.recipient == Recipient::User(actor.user_id))
        .or_else(|| {
            pending().find(|r| matches!(r.recipient, Recipient::Unit(u) if actor.acts_for_unit(u)))
        })
}

pub fn decide_task(
    actor: &Actor,
    task: &Task,
    ctx: &TaskContext<'_>,
    cmd: TaskCommand,
    now: Millis,
) -> Result<Change, DomainError> {
    let obj = ObjectRef::Task(task.id);
    if ctx.matter.state != MatterState::Dispatched {
        return Err(DomainError::state(match ctx.matter.state {
            MatterState::Closed | MatterState::Archived => "事项已销号，不能再办理",
            _ => "督办通知尚未印发，任务尚未交办",
        }));
    }
    let mut next = task.clone();
    let mut change = match cmd {
        TaskCommand::Sign => {
            if matches!(task.state, TaskState::Completed | TaskState::Closed) {
                return Err(DomainError::state("任务已办结，无需签收"));
            }
            let receipt = receipt_for(actor, task, ctx.receipts)
                .ok_or_else(|| DomainError::forbidden("您或您的单位没有待签收的此项任务"))?;
            let mut change = Change {
                action: "task.sign",
                signed: Some(receipt.recipient),
                ..Default::default()
            };
            let assignee = match receipt.recipient {
                Recipient::User(u) => {
                    change.summary = "责任领导签收".to_owned();
                    Assignee::User(u)
                }
                Recipient::Unit(u) => {
                    change.summary = if u == task.lead_unit {
                        "牵头单位签收"
                    } else {
                        "配合单位签收"
                    }
                    .to_owned();
                    Assignee::Unit(u)
                }
            };
            change
                .done
                .push(WorkDone::Item(obj, WorkAction::Sign, assignee));
            if receipt.recipient == Recipient::Unit(task.lead_unit)
                && task.state == TaskState::Assigned
            {
                next.state = TaskState::InProgress;
                next.received_at = Some(now);
                next.started_at = Some(now);
                match &ctx.special {
                    // 实地督查考核: the departments score the unit on site.
                    Some(sp) if sp.inspection.mode == crate::InspectionMode::OnSite => {
                        change.open.extend(crate::special::score_items(task, sp));
                    }
                    _ => change.open.push(WorkItem {
                        object: obj,
                        action: WorkAction::Report,
                        assignee: Assignee::Unit(task.lead_unit),
                    }),
                }
            }
            change
        }
        TaskCommand::Report { body, is_final } => {
            let unit = if actor.acts_for_unit(task.lead_unit) {
                task.lead_unit
            } else if let Some(u) = task.coop_units.iter().find(|u| actor.acts_for_unit(**u)) {
                if is_final {
                    return Err(DomainError::forbidden(
                        "办结报告由牵头单位报送，配合单位可报送进展",
                    ));
                }
                *u
            } else {
                return Err(DomainError::forbidden("只有牵头或配合单位可以报送落实情况"));
            };
            if is_final
                && ctx
                    .special
                    .is_some_and(|sp| sp.inspection.mode == crate::InspectionMode::OnSite)
            {
                return Err(DomainError::state(
                    "实地督查考核由业务部门现场打分，被督查单位无需报送办结报告",
                ));
            }
            if task.state != TaskState::InProgress {
                return Err(DomainError::state(match task.state {
                    TaskState::Assigned => "请牵头单位先签收",
                    TaskState::AwaitingConfirmation => "办结报告正待分管领导确认",
                    _ => "该任务当前不需报送落实情况",
                }));
            }
            next.reported_at = Some(now);
            let mut change = Change {
                action: if is_final {
                    "task.report_final"
                } else {
                    "task.report"
                },
                summary: if is_final {
                    "报送办结报告，请分管领导确认"
                } else {
                    "报送落实进展"
                }
                .to_owned(),
                new_report: Some(NewReport {
                    unit_id: unit,
                    is_final,
                    body,
                    status: if is_final {
                        ReportStatus::Submitted
                    } else {
                        ReportStatus::Noted
                    },
                }),
                ..Default::default()
            };
            if let (true, Some(sp)) = (is_final, &ctx.special) {
                // 电话和文字督查: the unit's written situation goes to the departments.
                next.state = TaskState::AwaitingConfirmation;
                change.summary = "报送书面工作情况，请业务部门评定".to_owned();
                change.done.push(WorkDone::Action(obj, WorkAction::Report));
                change.open.extend(crate::special::score_items(task, sp));
                if ctx.siblings.iter().all(|t| {
                    t.id == task.id
                        || matches!(
                            t.state,
                            TaskState::AwaitingConfirmation
                                | TaskState::Completed
                                | TaskState::Closed
                        )
                }) {
                    change.open.push(role_item(
                        ObjectRef::Matter(ctx.matter.id),
                        WorkAction::CompileSituation,
                        Role::SupervisionOffice,
                    ));
                }
            } else if is_final {
                next.state = TaskState::AwaitingConfirmation;
                change.done.push(WorkDone::Action(obj, WorkAction::Report));
                for l in &task.leaders {
                    change.open.push(WorkItem {
                        object: obj,
                        action: WorkAction::Confirm,
                        assignee: Assignee::User(*l),
                    });
                }
            }
            change
        }
        TaskCommand::Confirm { opinion } => {
            let report = pending_final_report(actor, task, ctx)?;
            next.state = TaskState::Completed;
            next.finished_at = Some(now);
            let mut change = Change {
                action: "task.confirm",
                summary: format!("责任领导确认办结：{opinion}"),
                decided_report: Some((report, ReportStatus::Confirmed, Some(opinion))),
                done: vec![WorkDone::Action(obj, WorkAction::Confirm)],
                ..Default::default()
            };
            let others_done = ctx
                .siblings
                .iter()
                .filter(|t| t.id != task.id)
                .all(|t| matches!(t.state, TaskState::Completed | TaskState::Closed));
            if others_done {
                change.open.push(role_item(
                    ObjectRef::Matter(ctx.matter.id),
                    compile_action(BulletinKind::for_matter(ctx.matter.kind)),
                    Role::SupervisionOffice,
                ));
            }
            change
        }
        TaskCommand::ReturnReport { reason } => {
            let report = pending_final_report(actor, task, ctx)?;
            next.state = TaskState::InProgress;
            Change {
                action: "task.return_report",
                summary: format!("退回办结报告：{reason}"),
                decided_report: Some((report, ReportStatus::Returned, Some(reason.clone()))),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Return,
                    text: reason,
                }),
                done: vec![WorkDone::Action(obj, WorkAction::Confirm)],
                open: vec![WorkItem {
                    object: obj,
                    action: WorkAction::Report,
                    assignee: Assignee::Unit(task.lead_unit),
                }],
                ..Default::default()
            }
        }
        TaskCommand::Close { remark } => {
            office(actor)?;
            if task.state != TaskState::Completed {
                return Err(DomainError::state("任务须经责任领导确认办结后方可销号"));
            }
            let finished = task.finished_at.unwrap_or(i64::MAX);
            // The bulletin (督查汇报 for a Superior matter) must report the completion: compiled
            // (and so reviewed and instructed) after the task was finished, and published or
            // reported upward.
            let kind = BulletinKind::for_matter(ctx.matter.kind);
            let reported = ctx.bulletins.iter().any(|b| {
                b.state == BulletinState::Published
                    && b.kind == kind
                    && b.matter_ids.contains(&ctx.matter.id)
                    && b.created_at >= finished
                    && b.published_at.is_some_and(|p| p >= finished)
            });
            if !reported {
                return Err(DomainError::state(match kind {
                    BulletinKind::Report => "办结情况须先形成督查汇报并上报，方可销号",
                    BulletinKind::Bulletin => "办结情况须先在督查通报中通报，方可销号",
                }));
            }
            next.state = TaskState::Closed;
            next.closed_at = Some(now);
            next.close_remark = Some(remark.clone());
            let mut change = Change {
                action: "task.close",
                summary: format!("在《督查工作台账》中销号：{remark}"),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            let all_closed = ctx
                .siblings
                .iter()
                .filter(|t| t.id != task.id)
                .all(|t| t.state == TaskState::Closed);
            if all_closed {
                let mut m = ctx.matter.clone();
                m.state = MatterState::Closed;
                m.closed_at = Some(now);
                change.matter = Some(m);
                change.summary = format!(
                    "{}；事项全部任务已销号",
                    change.summary.trim_end_matches('。')
                );
                change
                    .done
                    .push(WorkDone::Object(ObjectRef::Matter(ctx.matter.id)));
                change.open.push(role_item(
                    ObjectRef::Matter(ctx.matter.id),
                    WorkAction::Archive,
                    Role::SupervisionOffice,
                ));
            }
            change
        }
        TaskCommand::Score { points } => {
            let sp = ctx
                .special
                .as_ref()
                .ok_or_else(|| DomainError::state("只有专项督查需要业务部门打分"))?;
            let (scores, app, all) = crate::special::score(actor, task, sp, &points)?;
            let total: i64 = scores.iter().map(|s| s.tenths).sum();
            let dept = sp
                .applications
                .iter()
                .find(|a| a.id == app)
                .map(|a| a.unit_id)
                .unwrap_or(actor.unit_id);
            let mut change = Change {
                action: "task.score",
                summary: format!("业务部门打分，合计{}分", crate::special::points(total)),
                new_scores: scores,
                done: vec![WorkDone::Item(obj, WorkAction::Score, Assignee::Unit(dept))],
                ..Default::default()
            };
            if all {
                next.state = TaskState::Completed;
                next.finished_at = Some(now);
                change.summary.push_str("；该单位督查考核完成");
                if sp.inspection.mode == crate::InspectionMode::Written
                    && let Some(r) = ctx.reports.iter().rev().find(|r| {
                        r.task_id == task.id && r.is_final && r.status == ReportStatus::Submitted
                    })
                {
                    change.decided_report = Some((
                        r.id,
                        crate::special::SCORED_REPORT,
                        Some("业务部门已评定".to_owned()),
                    ));
                }
                let others_done = ctx
                    .siblings
                    .iter()
                    .filter(|t| t.id != task.id)
                    .all(|t| matches!(t.state, TaskState::Completed | TaskState::Closed));
                if others_done {
                    change.open.extend(crate::special::opinion_items(sp));
                }
            }
            change
        }
    };
    change.tasks = vec![next];
    Ok(change)
}

/// The application under which this actor may score the task now, if any.
pub fn can_score<'a>(
    actor: &Actor,
    task: &Task,
    ctx: &'a TaskContext<'_>,
) -> Option<&'a crate::Application> {
    let sp = ctx.special.as_ref()?;
    let app = sp
        .scorers(task.lead_unit)
        .find(|a| actor.acts_for_unit(a.unit_id))?;
    let probe: Vec<(String, String)> = app
        .score_items
        .iter()
        .map(|_| ("0".to_owned(), String::new()))
        .collect();
    decide_task(actor, task, ctx, TaskCommand::Score { points: probe }, 0)
        .ok()
        .map(|_| app)
}

/// The final report the task's responsible leader is asked to decide on.
fn pending_final_report(
    actor: &Actor,
    task: &Task,
    ctx: &TaskContext<'_>,
) -> Result<ReportId, DomainError> {
    // Being named a responsible leader of the task is the authority; the store only accepts
    // area leaders there.
    if !task.leaders.contains(&actor.user_id) {
        return Err(DomainError::forbidden("须由该任务的责任领导确认"));
    }
    if task.state != TaskState::AwaitingConfirmation {
        return Err(DomainError::state("没有待确认的办结报告"));
    }
    ctx.reports
        .iter()
        .rev()
        .find(|r| r.task_id == task.id && r.is_final && r.status == ReportStatus::Submitted)
        .map(|r| r.id)
        .ok_or_else(|| DomainError::state("没有待确认的办结报告"))
}

// ───────────────────────────── Bulletin ─────────────────────────────

/// Steps on a 督查通报.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulletinCommand {
    /// 报分管考核督查领导审阅.
    SubmitForReview,
    /// 审阅 (supervision leader).
    Review { opinion: String },
    /// 批示 (principal leader).
    Instruct { instruction: String },
    /// 退回 (by the reviewing or instructing leader).
    Return { reason: String },
    /// 修改定稿，形成《张范督查》第N期并印发.
    Publish {
        title: String,
        body: String,
        scope: String,
    },
    /// 修改、整理上报上级有关部门 (a 督查汇报): to whom, when, how.
    ReportUpward {
        title: String,
        body: String,
        upward: UpwardReport,
    },
}

/// The texts a bulletin step may carry, as a form or JSON sends them.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulletinText<'a> {
    pub text: Option<&'a str>,
    pub title: Option<&'a str>,
    pub body: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub report_to: Option<&'a str>,
    pub report_on: Option<&'a str>,
    pub report_via: Option<&'a str>,
}

impl BulletinCommand {
    pub const CODES: [&'static str; 6] = [
        "submit_review",
        "review",
        "instruct",
        "return",
        "publish",
        "report_upward",
    ];

    pub fn parse(action: &str, f: &BulletinText<'_>) -> Result<BulletinCommand, DomainError> {
        let (text, title, body, scope) = (f.text, f.title, f.body, f.scope);
        Ok(match action {
            "submit_review" => BulletinCommand::SubmitForReview,
            "review" => BulletinCommand::Review {
                opinion: optional_text("审阅意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "已阅，同意。".to_owned()),
            },
            "instruct" => BulletinCommand::Instruct {
                instruction: required_text("批示意见", text.unwrap_or(""), TEXT_MAX)?,
            },
            "return" => BulletinCommand::Return {
                reason: required_text("退回理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            "publish" => BulletinCommand::Publish {
                title: required_text("通报标题", title.unwrap_or(""), TITLE_MAX)?,
                body: required_text("通报正文", body.unwrap_or(""), BODY_MAX)?,
                scope: required_text("印发范围", scope.unwrap_or(""), TITLE_MAX)?,
            },
            "report_upward" => BulletinCommand::ReportUpward {
                title: required_text("汇报标题", title.unwrap_or(""), TITLE_MAX)?,
                body: required_text("汇报正文", body.unwrap_or(""), BODY_MAX)?,
                upward: UpwardReport {
                    to: required_text("上报对象", f.report_to.unwrap_or(""), TITLE_MAX)?,
                    on: crate::input::date("上报日期", f.report_on.unwrap_or(""))?,
                    via: required_text("上报方式", f.report_via.unwrap_or(""), TITLE_MAX)?,
                },
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

fn compile_action(kind: BulletinKind) -> WorkAction {
    match kind {
        BulletinKind::Bulletin => WorkAction::CompileBulletin,
        BulletinKind::Report => WorkAction::CompileReport,
    }
}

/// Which document the office compiles over these matters: a 督查汇报 over Superior matters, a
/// 督查通报 over Local matters (several may share one) or over one Special inspection.
pub fn bulletin_kind(matters: &[Matter]) -> Result<BulletinKind, DomainError> {
    let first = matters
        .first()
        .ok_or_else(|| DomainError::invalid("通报事项", "至少选择一个督查事项"))?;
    if matters.iter().any(|m| m.kind != first.kind) {
        return Err(DomainError::invalid(
            "通报事项",
            "上级督查、会议和领导交办、部门专项督查须分别汇总",
        ));
    }
    if first.kind == MatterKind::Special && matters.len() > 1 {
        return Err(DomainError::invalid(
            "通报事项",
            "专项督查通报一次只针对一项专项督查",
        ));
    }
    Ok(BulletinKind::for_matter(first.kind))
}

/// The office compiles a bulletin (or a 督查汇报) over dispatched matters.
pub fn create_bulletin(actor: &Actor, matters: &[Matter]) -> Result<Change, DomainError> {
    office(actor)?;
    let kind = bulletin_kind(matters)?;
    for m in matters {
        if m.state != MatterState::Dispatched {
            return Err(DomainError::state(format!(
                "事项 {} 尚未交办或已销号，不能编入{}",
                m.ledger_no(),
                kind.label()
            )));
        }
    }
    Ok(Change {
        action: "bulletin.create",
        summary: format!("编制{}（初稿由落实情况汇总生成）", kind.label()),
        done: matters
            .iter()
            .map(|m| WorkDone::Action(ObjectRef::Matter(m.id), compile_action(kind)))
            .collect(),
        ..Default::default()
    })
}

/// The office edits a draft (起草中 or 待定稿).
pub fn can_edit_bulletin(actor: &Actor, b: &Bulletin) -> Result<(), DomainError> {
    office(actor)?;
    if !matches!(b.state, BulletinState::Drafting | BulletinState::Revising) {
        return Err(DomainError::state("通报已报审或已印发，不能修改"));
    }
    Ok(())
}

pub fn decide_bulletin(
    actor: &Actor,
    b: &Bulletin,
    covered_tasks: &[Task],
    cmd: BulletinCommand,
    now: Millis,
) -> Result<Change, DomainError> {
    let obj = ObjectRef::Bulletin(b.id);
    let mut next = b.clone();
    let change = match cmd {
        BulletinCommand::SubmitForReview => {
            office(actor)?;
            if b.state != BulletinState::Drafting {
                return Err(DomainError::state("只有起草中的通报可以报审"));
            }
            next.state = BulletinState::Reviewing;
            Change {
                action: "bulletin.submit_review",
                summary: if b.reviewers.is_empty() {
                    "报分管考核督查领导审阅"
                } else {
                    "报相关业务分管领导审批"
                }
                .to_owned(),
                done: vec![WorkDone::Object(obj)],
                open: reviewer_items(b, WorkAction::Review),
                ..Default::default()
            }
        }
        BulletinCommand::Review { opinion } => {
            if !is_reviewer(actor, b) {
                return Err(DomainError::forbidden(if b.reviewers.is_empty() {
                    "须由分管考核督查领导审阅"
                } else {
                    "须由相关业务分管领导审批"
                }));
            }
            if b.state != BulletinState::Reviewing {
                return Err(DomainError::state("该通报不在待审阅状态"));
            }
            next.state = BulletinState::Instructing;
            next.review_opinion = Some(opinion.clone());
            Change {
                action: "bulletin.review",
                summary: format!("审阅：{opinion}"),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Review,
                    text: opinion,
                }),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(obj, WorkAction::Instruct, Role::PrincipalLeader)],
                ..Default::default()
            }
        }
        BulletinCommand::Instruct { instruction } => {
            principal(actor)?;
            if b.state != BulletinState::Instructing {
                return Err(DomainError::state("该通报不在待批示状态"));
            }
            next.state = BulletinState::Revising;
            next.instruction = Some(instruction.clone());
            Change {
                action: "bulletin.instruct",
                summary: format!("批示：{instruction}"),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Instruct,
                    text: instruction,
                }),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(obj, WorkAction::Publish, Role::SupervisionOffice)],
                ..Default::default()
            }
        }
        BulletinCommand::Return { reason } => {
            let may = match b.state {
                BulletinState::Reviewing => is_reviewer(actor, b),
                BulletinState::Instructing => actor.has(Role::PrincipalLeader),
                _ => return Err(DomainError::state("该通报当前不能退回")),
            };
            if !may {
                return Err(DomainError::forbidden("只有正在审阅或批示的领导可以退回"));
            }
            next.state = BulletinState::Drafting;
            next.review_opinion = None;
            next.instruction = None;
            Change {
                action: "bulletin.return",
                summary: format!("退回修改：{reason}"),
                instruction: Some(Instruction {
                    object: obj,
                    kind: InstructionKind::Return,
                    text: reason,
                }),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    compile_action(b.kind),
                    Role::SupervisionOffice,
                )],
                ..Default::default()
            }
        }
        BulletinCommand::Publish { title, body, scope } => {
            office(actor)?;
            if b.kind != BulletinKind::Bulletin {
                return Err(DomainError::state(
                    "督查汇报须上报上级有关部门，不在本街道印发",
                ));
            }
            if b.state != BulletinState::Revising {
                return Err(DomainError::state("通报须经审阅和主要领导批示后方可印发"));
            }
            next.state = BulletinState::Published;
            next.title = title;
            next.body = body;
            next.scope = Some(scope.clone());
            next.published_at = Some(now);
            let mut change = Change {
                action: "bulletin.publish",
                summary: format!("修改定稿，印发至：{scope}"),
                allocate: Some(Allocate::IssueNo),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            open_closures(covered_tasks, &mut change);
            change
        }
        BulletinCommand::ReportUpward {
            title,
            body,
            upward,
        } => {
            office(actor)?;
            if b.kind != BulletinKind::Report {
                return Err(DomainError::state("督查通报在本街道印发，不上报"));
            }
            if b.state != BulletinState::Revising {
                return Err(DomainError::state(
                    "督查汇报须经审阅和主要领导批示后方可上报",
                ));
            }
            if upward.on > crate::time::china_date(now) {
                return Err(DomainError::invalid("上报日期", "不能晚于今天"));
            }
            next.state = BulletinState::Published;
            next.title = title;
            next.body = body;
            next.published_at = Some(now);
            let mut change = Change {
                action: "bulletin.report_upward",
                allocate: Some(Allocate::ReportNo),
                summary: format!(
                    "根据批示意见修改整理，于{}以{}上报{}",
                    crate::time::cn_date(upward.on),
                    upward.via,
                    upward.to
                ),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            next.upward = Some(upward);
            open_closures(covered_tasks, &mut change);
            change
        }
    };
    Ok(Change {
        bulletin: Some(next),
        ..change
    })
}

fn is_reviewer(actor: &Actor, b: &Bulletin) -> bool {
    if b.reviewers.is_empty() {
        actor.has(Role::SupervisionLeader)
    } else {
        b.reviewers.contains(&actor.user_id)
    }
}

fn reviewer_items(b: &Bulletin, action: WorkAction) -> Vec<WorkItem> {
    let obj = ObjectRef::Bulletin(b.id);
    if b.reviewers.is_empty() {
        return vec![role_item(obj, action, Role::SupervisionLeader)];
    }
    b.reviewers
        .iter()
        .map(|u| WorkItem {
            object: obj,
            action,
            assignee: Assignee::User(*u),
        })
        .collect()
}

/// After publication the office may close each completed task (销号).
fn open_closures(covered_tasks: &[Task], change: &mut Change) {
    for t in covered_tasks
        .iter()
        .filter(|t| t.state == TaskState::Completed)
    {
        change.open.push(role_item(
            ObjectRef::Task(t.id),
            WorkAction::Close,
            Role::SupervisionOffice,
        ));
    }
}

// ───────────────────────── What to offer ─────────────────────────

/// An action the page may offer, because the domain would accept it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedAction {
    pub code: &'static str,
    pub label: &'static str,
    /// The label of the text field it needs, if any.
    pub text_label: Option<&'static str>,
    pub text_required: bool,
    /// A return or refusal: shown in a calmer, warning style.
    pub is_return: bool,
}

/// The Chinese label of a step's code (for "已完成：…" after it was taken).
pub fn action_label(code: &str) -> Option<&'static str> {
    MatterCommand::CODES
        .iter()
        .chain(TaskCommand::CODES.iter())
        .chain(BulletinCommand::CODES.iter())
        .find(|c| **c == code)
        .map(|c| offer(c).label)
}

fn offer(code: &'static str) -> OfferedAction {
    let (label, text_label, text_required, is_return) = match code {
        "submit" => ("呈报主要领导", None, false, false),
        "approve" => ("批示同意交办", Some("批示意见"), false, false),
        "return" => ("退回", Some("退回理由"), true, true),
        "issue_notice" => ("印发督办通知", None, false, false),
        "forward" => ("印发批示件转办单", None, false, false),
        "archive" => ("整理归档", None, false, false),
        "sign" => ("签收", None, false, false),
        "report" => ("报送落实进展", Some("落实情况"), true, false),
        "report_final" => ("报送办结报告", Some("落实情况"), true, false),
        "confirm" => ("确认办结", Some("确认意见"), false, false),
        "return_report" => ("退回办结报告", Some("退回理由"), true, true),
        "close" => ("销号", Some("销号说明"), false, false),
        "submit_review" => ("报送审阅", None, false, false),
        "review" => ("审阅同意", Some("审阅意见"), false, false),
        "instruct" => ("批示", Some("批示意见"), true, false),
        "publish" => ("定稿印发", None, false, false),
        "report_upward" => ("定稿上报", None, false, false),
        _ => ("", None, false, false),
    };
    OfferedAction {
        code,
        label,
        text_label,
        text_required,
        is_return,
    }
}

const PROBE: &str = "（检查）";

pub fn matter_actions(actor: &Actor, matter: &Matter, tasks: &[Task]) -> Vec<OfferedAction> {
    MatterCommand::CODES
        .into_iter()
        .filter(|code| {
            MatterCommand::parse(code, Some(PROBE))
                .and_then(|cmd| decide_matter(actor, matter, tasks, cmd, 0))
                .is_ok()
        })
        .map(offer)
        .collect()
}

pub fn task_actions(actor: &Actor, task: &Task, ctx: &TaskContext<'_>) -> Vec<OfferedAction> {
    TaskCommand::CODES
        .into_iter()
        .filter(|code| {
            TaskCommand::parse(code, Some(PROBE))
                .and_then(|cmd| decide_task(actor, task, ctx, cmd, 0))
                .is_ok()
        })
        .map(offer)
        .collect()
}

pub fn bulletin_actions(actor: &Actor, b: &Bulletin, covered: &[Task]) -> Vec<OfferedAction> {
    BulletinCommand::CODES
        .into_iter()
        .filter(|code| {
            BulletinCommand::parse(
                code,
                &BulletinText {
                    text: Some(PROBE),
                    title: Some(PROBE),
                    body: Some(PROBE),
                    scope: Some(PROBE),
                    report_to: Some(PROBE),
                    report_on: Some("1970-01-01"),
                    report_via: Some(PROBE),
                },
            )
            .and_then(|cmd| decide_bulletin(actor, b, covered, cmd, 0))
            .is_ok()
        })
        .map(offer)
        .collect()
}

/// Group a matter's tasks for a bulletin draft: 已完成 / 推进中 / 滞后.
pub fn bulletin_group(task: &Task, today: chrono::NaiveDate) -> &'static str {
    match task.state {
        TaskState::Completed | TaskState::Closed => "已完成",
        _ if task.is_overdue(today) => "滞后",
        _ => "推进中",
    }
}
