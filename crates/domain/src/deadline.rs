//! Deadlines that drive the work (倒逼): the traffic light of every task, the progress cadence of
//! long tasks (反馈频次) and the reports it requires, reminders, urging (催办) with its escalation
//! ladder, and extensions (延期申请). Section 三（一）（二） of the notice: 急事急办、特事特办，
//! 件件能落实、事事有回音.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, due_at_millis};
use crate::input::{TEXT_MAX, required_text};
use crate::matter::coded_enum;
use crate::time::{Millis, china_date};
use crate::{
    Actor, Assignee, DomainError, Matter, MatterState, ObjectRef, ProgressReport, Role, Task,
    TaskState, UserId, WorkAction, WorkItem,
};

coded_enum!(
    /// 红黄绿灯: on track, due soon, overdue; once done, on time or late.
    Light, "信号灯" {
        Green => "green", "正常";
        Yellow => "yellow", "临期";
        Red => "red", "逾期";
        OnTime => "on_time", "按期完成";
        Late => "late", "逾期完成";
    }
);

impl Task {
    /// The moment the task is due: the deadline's end in China time, or its hour for 特急 work.
    pub fn due_at(&self) -> Millis {
        due_at_millis(self.deadline, self.due_time)
    }
    pub fn is_done(&self) -> bool {
        matches!(self.state, TaskState::Completed | TaskState::Closed)
    }
}

/// The light of a task at `now`: yellow when due within `warn_days` working days.
pub fn light(task: &Task, now: Millis, cal: &Calendar, warn_days: u32) -> Light {
    light_of(
        &LightFacts {
            deadline: task.deadline,
            due_at: task.due_at(),
            done: task.is_done(),
            finished_at: task.finished_at,
        },
        now,
        cal,
        warn_days,
    )
}

/// What a light needs to know of a task (lists that do not load whole tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightFacts {
    pub deadline: NaiveDate,
    pub due_at: Millis,
    pub done: bool,
    pub finished_at: Option<Millis>,
}

pub fn light_of(f: &LightFacts, now: Millis, cal: &Calendar, warn_days: u32) -> Light {
    if f.done {
        return match f.finished_at {
            Some(t) if t > f.due_at => Light::Late,
            _ => Light::OnTime,
        };
    }
    if now > f.due_at {
        return Light::Red;
    }
    if f.deadline <= yellow_bound(china_date(now), cal, warn_days) {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// The last deadline that is "due soon" today: `warn_days` working days ahead.
pub fn yellow_bound(today: NaiveDate, cal: &Calendar, warn_days: u32) -> NaiveDate {
    if warn_days == 0 {
        today
    } else {
        cal.add_workdays(today, warn_days)
    }
}

// ───────────────────────────── Cadence ─────────────────────────────

/// How often a long task reports progress (反馈频次).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cadence {
    /// Every week on this weekday (1 = Monday … 5 = Friday).
    Weekly(u32),
    /// Every month on this day (1–28; a later day is the month's last working day before it).
    Monthly(u32),
    /// Every N working days from the start.
    EveryWorkdays(u32),
}

impl Cadence {
    /// Stored as `weekly:1`, `monthly:25`, `workdays:10`.
    pub fn code(&self) -> String {
        match self {
            Cadence::Weekly(d) => format!("weekly:{d}"),
            Cadence::Monthly(d) => format!("monthly:{d}"),
            Cadence::EveryWorkdays(n) => format!("workdays:{n}"),
        }
    }
    pub fn label(&self) -> String {
        const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
        match self {
            Cadence::Weekly(d) => format!("每周{}", DAYS[(*d as usize).clamp(1, 7) - 1]),
            Cadence::Monthly(d) => format!("每月{d}日"),
            Cadence::EveryWorkdays(n) => format!("每{n}个工作日"),
        }
    }
    pub fn parse(raw: &str) -> Result<Option<Cadence>, DomainError> {
        let field = "反馈频次";
        let t = raw.trim();
        if t.is_empty() || t == "none" {
            return Ok(None);
        }
        let bad = || DomainError::invalid(field, "请选择每周、每月或每N个工作日");
        let (kind, n) = t.split_once(':').ok_or_else(bad)?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        let c = match kind {
            "weekly" if (1..=5).contains(&n) => Cadence::Weekly(n),
            "monthly" if (1..=28).contains(&n) => Cadence::Monthly(n),
            "workdays" if (1..=60).contains(&n) => Cadence::EveryWorkdays(n),
            "weekly" => return Err(DomainError::invalid(field, "每周报送日须为周一至周五")),
            "monthly" => return Err(DomainError::invalid(field, "每月报送日须为1至28日")),
            "workdays" => return Err(DomainError::invalid(field, "间隔须为1至60个工作日")),
            _ => return Err(bad()),
        };
        Ok(Some(c))
    }
}

/// The dates a progress report is due between `start` (exclusive) and the deadline (inclusive):
/// each cadence date moved to a working day, and the deadline itself (the final report).
pub fn report_due_dates(
    cadence: Option<Cadence>,
    start: NaiveDate,
    deadline: NaiveDate,
    cal: &Calendar,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if let Some(c) = cadence {
        let mut d = start;
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 400 {
                break;
            }
            let next = match c {
                Cadence::Weekly(w) => {
                    let target = weekday(w);
                    let mut x = d + chrono::Duration::days(1);
                    while x.weekday() != target {
                        x += chrono::Duration::days(1);
                    }
                    x
                }
                Cadence::Monthly(day) => {
                    let this = NaiveDate::from_ymd_opt(d.year(), d.month(), day);
                    match this {
                        Some(x) if x > d => x,
                        _ => {
                            let (y, m) = if d.month() == 12 {
                                (d.year() + 1, 1)
                            } else {
                                (d.year(), d.month() + 1)
                            };
                            NaiveDate::from_ymd_opt(y, m, day).unwrap_or(deadline)
                        }
                    }
                }
                Cadence::EveryWorkdays(n) => cal.add_workdays(d, n),
            };
            d = next;
            let due = cal.next_workday_on_or_after(next);
            if due >= deadline {
                break;
            }
            if out.last() != Some(&due) {
                out.push(due);
            }
        }
    }
    out.push(deadline);
    out
}

fn weekday(n: u32) -> Weekday {
    match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// One required report and whether it came (反馈).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueReport {
    pub due: NaiveDate,
    /// When the report that answers it came, if it did.
    pub received: Option<Millis>,
    /// Due and not received.
    pub missing: bool,
    /// Received after its due date.
    pub late: bool,
}

/// The reports a task requires up to `today` and the reports that answered them: each report
/// answers the earliest due date not yet answered whose window it falls in (after the previous
/// due date); a report after its due date still answers it, late.
pub fn due_reports(
    task: &Task,
    cadence: Option<Cadence>,
    reports: &[ProgressReport],
    today: NaiveDate,
    cal: &Calendar,
) -> Vec<DueReport> {
    let Some(start) = task.received_at.map(china_date) else {
        return vec![];
    };
    let dues = report_due_dates(cadence, start, task.deadline, cal);
    let mut times: Vec<Millis> = reports
        .iter()
        .filter(|r| r.task_id == task.id && r.status != crate::ReportStatus::Returned)
        .map(|r| r.submitted_at)
        .collect();
    times.sort();
    let mut used = 0usize;
    dues.into_iter()
        .map(|due| {
            let received = times.get(used).copied();
            let answered = received.filter(|_| used < times.len());
            if answered.is_some() {
                used += 1;
            }
            let late = answered.is_some_and(|t| china_date(t) > due);
            DueReport {
                due,
                received: answered,
                missing: answered.is_none() && due < today && !task.is_done(),
                late,
            }
        })
        .collect()
}

/// What is wrong with a task today: not signed, reports missing, not finished by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Signals {
    /// 未签收: dispatched, the lead unit has not signed.
    pub unsigned: bool,
    /// 缺报: required progress reports that did not come.
    pub missing_reports: usize,
    /// 逾期未完成.
    pub overdue: bool,
}

pub fn signals(task: &Task, due: &[DueReport], now: Millis) -> Signals {
    Signals {
        unsigned: task.state == TaskState::Assigned,
        missing_reports: due.iter().filter(|d| d.missing).count(),
        overdue: !task.is_done() && now > task.due_at(),
    }
}

// ───────────────────────────── Reminders and urging ─────────────────────────────

/// The office's schedule of automatic reminders and its escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRules {
    /// Remind this many working days before the deadline (e.g. [3, 1]).
    pub before: Vec<u32>,
    /// When overdue, remind every this many working days (0 = once).
    pub overdue_every: u32,
    /// Suggest 挂牌督办 after this many urgings …
    pub escalate_after_urges: u32,
    /// … or this many working days overdue.
    pub escalate_after_overdue_days: u32,
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            before: vec![3, 1],
            overdue_every: 1,
            escalate_after_urges: 3,
            escalate_after_overdue_days: 5,
        }
    }
}

coded_enum!(
    /// What an automatic reminder says.
    ReminderKind, "提醒类型" {
        DueSoon => "due_soon", "临期提醒";
        Overdue => "overdue", "逾期提醒";
        ReportDue => "report_due", "报送提醒";
    }
);

/// The reminder a task is owed today, if any; the store records it once per (task, kind, day).
pub fn reminder_due(
    task: &Task,
    missing_report: bool,
    today: NaiveDate,
    now: Millis,
    cal: &Calendar,
    rules: &ReminderRules,
) -> Option<ReminderKind> {
    if task.is_done() || task.state == TaskState::Draft || !cal.is_workday(today) {
        return None;
    }
    if now > task.due_at() {
        let days = cal.workdays_between(task.deadline, today).max(0) as u32;
        let every = rules.overdue_every;
        return match every {
            0 if days <= 1 => Some(ReminderKind::Overdue),
            0 => None,
            n if days.is_multiple_of(n) || days == 1 => Some(ReminderKind::Overdue),
            _ => None,
        };
    }
    let left = cal.workdays_between(today, task.deadline).max(0) as u32;
    if rules.before.contains(&left) {
        return Some(ReminderKind::DueSoon);
    }
    if missing_report {
        return Some(ReminderKind::ReportDue);
    }
    None
}

/// Whether the ladder suggests 挂牌督办 (listing, issue 5) for a task.
pub fn suggests_listing(
    task: &Task,
    urges: u32,
    today: NaiveDate,
    now: Millis,
    cal: &Calendar,
    rules: &ReminderRules,
) -> bool {
    if task.is_done() {
        return false;
    }
    let overdue_days = if now > task.due_at() {
        cal.workdays_between(task.deadline, today).max(0) as u32
    } else {
        0
    };
    (rules.escalate_after_urges > 0 && urges >= rules.escalate_after_urges)
        || (rules.escalate_after_overdue_days > 0
            && overdue_days >= rules.escalate_after_overdue_days)
}

/// 催办: the office urges a unit on an open task; recorded in the timeline and sent to the unit.
pub fn urge(
    actor: &Actor,
    matter: &Matter,
    task: &Task,
    message: &str,
) -> Result<String, DomainError> {
    if !actor.has(Role::SupervisionOffice) {
        return Err(DomainError::forbidden("仅考核督查办可以催办"));
    }
    if matter.state != MatterState::Dispatched || task.state == TaskState::Draft {
        return Err(DomainError::state("任务尚未交办，无需催办"));
    }
    if task.is_done() {
        return Err(DomainError::state("任务已办结，无需催办"));
    }
    required_text("催办内容", message, TEXT_MAX)
}

// ───────────────────────────── Extensions ─────────────────────────────

coded_enum!(
    ExtensionStatus, "延期申请状态" {
        Pending => "pending", "待审批";
        Approved => "approved", "已同意";
        Refused => "refused", "不同意";
    }
);

/// 延期申请: a unit asks for a later deadline; a responsible leader decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub id: i64,
    pub task_id: crate::TaskId,
    pub unit_id: crate::UnitId,
    pub requested_by: UserId,
    pub requested_at: Millis,
    pub reason: String,
    pub old_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub status: ExtensionStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<Millis>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionCommand {
    Request {
        reason: String,
        new_deadline: NaiveDate,
    },
    Approve {
        note: String,
    },
    Refuse {
        reason: String,
    },
}

impl ExtensionCommand {
    pub fn parse(
        action: &str,
        text: Option<&str>,
        new_deadline: Option<&str>,
    ) -> Result<ExtensionCommand, DomainError> {
        Ok(match action {
            "request" => ExtensionCommand::Request {
                reason: required_text("延期理由", text.unwrap_or(""), TEXT_MAX)?,
                new_deadline: crate::input::date("申请延至", new_deadline.unwrap_or(""))?,
            },
            "approve" => ExtensionCommand::Approve {
                note: crate::input::optional_text("审批意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "同意延期。".to_owned()),
            },
            "refuse" => ExtensionCommand::Refuse {
                reason: required_text("不同意的理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// Who decides a task's extension: its responsible leaders; a task without one (a special
/// inspection's unit) is decided by the office.
fn may_decide(actor: &Actor, task: &Task) -> bool {
    if task.leaders.is_empty() {
        actor.has(Role::SupervisionOffice)
    } else {
        task.leaders.contains(&actor.user_id)
    }
}

/// What an extension step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionChange {
    pub action: &'static str,
    pub summary: String,
    /// A new request, or the decided one.
    pub extension: Extension,
    /// The task with its new deadline, when approved.
    pub task: Option<Task>,
    pub open: Vec<WorkItem>,
    pub done: Vec<(ObjectRef, WorkAction)>,
}

pub fn decide_extension(
    actor: &Actor,
    matter: &Matter,
    task: &Task,
    pending: Option<&Extension>,
    cmd: ExtensionCommand,
    now: Millis,
) -> Result<ExtensionChange, DomainError> {
    let obj = ObjectRef::Task(task.id);
    if matter.state != MatterState::Dispatched {
        return Err(DomainError::state("任务尚未交办或已销号"));
    }
    match cmd {
        ExtensionCommand::Request {
            reason,
            new_deadline,
        } => {
            if !actor.acts_for_unit(task.lead_unit) {
                return Err(DomainError::forbidden("延期申请由牵头单位提出"));
            }
            if task.is_done() || task.state == TaskState::AwaitingConfirmation {
                return Err(DomainError::state("任务已报办结，无需延期"));
            }
            if pending.is_some() {
                return Err(DomainError::state("已有待审批的延期申请"));
            }
            if new_deadline <= task.deadline {
                return Err(DomainError::invalid("申请延至", "须晚于现在的落实时限"));
            }
            if new_deadline > task.deadline + chrono::Duration::days(366) {
                return Err(DomainError::invalid("申请延至", "延期不能超过一年"));
            }
            let deciders: Vec<Assignee> = if task.leaders.is_empty() {
                vec![Assignee::Role(Role::SupervisionOffice)]
            } else {
                task.leaders.iter().map(|u| Assignee::User(*u)).collect()
            };
            Ok(ExtensionChange {
                action: "task.extension_request",
                summary: format!("申请延期至{}：{reason}", crate::time::cn_date(new_deadline)),
                extension: Extension {
                    id: 0,
                    task_id: task.id,
                    unit_id: task.lead_unit,
                    requested_by: actor.user_id,
                    requested_at: now,
                    reason,
                    old_deadline: task.deadline,
                    new_deadline,
                    status: ExtensionStatus::Pending,
                    decided_by: None,
                    decided_at: None,
                    note: None,
                },
                task: None,
                open: deciders
                    .into_iter()
                    .map(|assignee| WorkItem {
                        object: obj,
                        action: WorkAction::DecideExtension,
                        assignee,
                    })
                    .collect(),
                done: vec![],
            })
        }
        cmd => {
            let p = pending.ok_or_else(|| DomainError::state("没有待审批的延期申请"))?;
            if !may_decide(actor, task) {
                return Err(DomainError::forbidden("延期申请由任务的责任领导审批"));
            }
            let mut ext = p.clone();
            ext.decided_by = Some(actor.user_id);
            ext.decided_at = Some(now);
            let (action, summary, new_task) = match cmd {
                ExtensionCommand::Approve { note } => {
                    ext.status = ExtensionStatus::Approved;
                    ext.note = Some(note.clone());
                    let mut t = task.clone();
                    t.deadline = p.new_deadline;
                    (
                        "task.extension_approve",
                        format!(
                            "同意延期：落实时限由{}调整为{}（{note}）",
                            crate::time::cn_date(p.old_deadline),
                            crate::time::cn_date(p.new_deadline)
                        ),
                        Some(t),
                    )
                }
                ExtensionCommand::Refuse { reason } => {
                    ext.status = ExtensionStatus::Refused;
                    ext.note = Some(reason.clone());
                    (
                        "task.extension_refuse",
                        format!("不同意延期：{reason}"),
                        None,
                    )
                }
                ExtensionCommand::Request { .. } => {
                    return Err(DomainError::state("已有待审批的延期申请"));
                }
            };
            Ok(ExtensionChange {
                action,
                summary,
                extension: ext,
                task: new_task,
                open: vec![],
                done: vec![(obj, WorkAction::DecideExtension)],
            })
        }
    }
}

/// The actions on extensions the page may offer now.
pub fn extension_actions(
    actor: &Actor,
    matter: &Matter,
    task: &Task,
    pending: Option<&Extension>,
) -> Vec<&'static str> {
    let probe_date = (task.deadline + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    ["request", "approve", "refuse"]
        .into_iter()
        .filter(|code| {
            ExtensionCommand::parse(code, Some("（检查）"), Some(&probe_date))
                .and_then(|cmd| decide_extension(actor, matter, task, pending, cmd, 0))
                .is_ok()
        })
        .collect()
}

/// The label of a deadline step's code (for "已完成：…").
pub fn deadline_action_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "urge" => "催办",
        "cadence" => "设定反馈频次",
        "extension_request" => "申请延期",
        "extension_approve" => "同意延期",
        "extension_refuse" => "不同意延期",
        "listing_list" => "挂牌督办",
        "listing_lift" => "核查后摘牌",
        "accountability" => "记录问责",
        "refer" => "移送纪工委",
        "acknowledge" => "受理",
        "rectify_report" => "报送整改情况",
        "rules" => "保存计分规则",
        "quality" => "评价办理质量",
        "cancel_propose" => "提请中止撤销",
        "cancel_approve" => "同意中止撤销",
        "cancel_refuse" => "不同意中止撤销",
        "publish_ranking" => "发布排名",
        "rectify_verify" => "核查通过",
        "rectify_return" => "退回重新整改",
        _ => return None,
    })
}

// ───────────────────────────── 挂牌督办 ─────────────────────────────

/// What is listed: a task, or a unit as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ListedObject {
    Task(crate::TaskId),
    Unit(crate::UnitId),
}

impl ListedObject {
    pub fn kind(self) -> &'static str {
        match self {
            ListedObject::Task(_) => "task",
            ListedObject::Unit(_) => "unit",
        }
    }
    pub fn id(self) -> i64 {
        match self {
            ListedObject::Task(t) => t.0,
            ListedObject::Unit(u) => u.0,
        }
    }
}

/// 挂牌督办 of a task or a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub id: i64,
    pub object: ListedObject,
    pub reason: String,
    /// 整改时限
    pub rectify_by: NaiveDate,
    pub listed_by: UserId,
    pub listed_at: Millis,
    pub lifted_by: Option<UserId>,
    pub lifted_at: Option<Millis>,
    /// 核查意见 on lifting.
    pub lift_note: Option<String>,
}

impl Listing {
    pub fn is_open(&self) -> bool {
        self.lifted_at.is_none()
    }
}

/// Who lists and lifts: the office, the supervision leader and the principal leaders.
pub fn can_list(actor: &Actor) -> bool {
    actor.has(Role::SupervisionOffice)
        || actor.has(Role::SupervisionLeader)
        || actor.has(Role::PrincipalLeader)
}

/// 挂牌: a reason and a rectification deadline; not twice at once.
pub fn list(
    actor: &Actor,
    open: Option<&Listing>,
    reason: &str,
    rectify_by: &str,
    today: NaiveDate,
) -> Result<(String, NaiveDate), DomainError> {
    if !can_list(actor) {
        return Err(DomainError::forbidden("挂牌督办由考核督查办或街道领导决定"));
    }
    if open.is_some() {
        return Err(DomainError::state("已在挂牌督办中"));
    }
    let reason = required_text("挂牌理由", reason, TEXT_MAX)?;
    let by = crate::input::date("整改时限", rectify_by)?;
    if by < today {
        return Err(DomainError::invalid("整改时限", "不能早于今天"));
    }
    Ok((reason, by))
}

/// 摘牌: only after verification (核查意见 required).
pub fn lift(actor: &Actor, open: Option<&Listing>, note: &str) -> Result<String, DomainError> {
    if !can_list(actor) {
        return Err(DomainError::forbidden(
            "摘牌由考核督查办或街道领导核查后决定",
        ));
    }
    if open.is_none() {
        return Err(DomainError::state("没有挂牌督办"));
    }
    required_text("核查意见", note, TEXT_MAX)
}

// ───────────────────────────── 中止/撤销 ─────────────────────────────

coded_enum!(
    CancelStatus, "撤销状态" {
        Pending => "pending", "待主要领导审批";
        Approved => "approved", "已撤销";
        Refused => "refused", "不同意撤销";
    }
);

/// 中止/撤销 of a task (e.g. superseded by a higher-level change), on the principal leader's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub id: i64,
    pub task_id: crate::TaskId,
    pub reason: String,
    pub proposed_by: UserId,
    pub proposed_at: Millis,
    pub status: CancelStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<Millis>,
    pub note: Option<String>,
}

/// What a cancellation step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelChange {
    pub action: &'static str,
    pub summary: String,
    pub cancellation: Cancellation,
    /// Approved: the task, closed with the reason (it leaves the figures from that day) …
    pub task: Option<Task>,
    /// … and its matter, closed when it was the last open task.
    pub matter: Option<Matter>,
    pub open: Vec<WorkItem>,
}

/// The office proposes (`decision == None` with a reason); the principal approves or refuses.
#[allow(clippy::too_many_arguments)]
pub fn decide_cancel(
    actor: &Actor,
    matter: &Matter,
    task: &Task,
    siblings: &[Task],
    pending: Option<&Cancellation>,
    decision: Option<bool>,
    text: &str,
    now: Millis,
) -> Result<CancelChange, DomainError> {
    let obj = ObjectRef::Task(task.id);
    match decision {
        None => {
            if !actor.has(Role::SupervisionOffice) {
                return Err(DomainError::forbidden("中止撤销由考核督查办提请"));
            }
            if matter.state != MatterState::Dispatched || task.is_done() {
                return Err(DomainError::state("只有交办后、尚未办结的任务可以中止撤销"));
            }
            if pending.is_some() {
                return Err(DomainError::state("已提请中止撤销，待主要领导审批"));
            }
            let reason = required_text("撤销理由", text, TEXT_MAX)?;
            Ok(CancelChange {
                action: "task.cancel_propose",
                summary: format!("提请中止撤销：{reason}"),
                cancellation: Cancellation {
                    id: 0,
                    task_id: task.id,
                    reason,
                    proposed_by: actor.user_id,
                    proposed_at: now,
                    status: CancelStatus::Pending,
                    decided_by: None,
                    decided_at: None,
                    note: None,
                },
                task: None,
                matter: None,
                open: vec![WorkItem {
                    object: obj,
                    action: WorkAction::DecideCancel,
                    assignee: Assignee::Role(Role::PrincipalLeader),
                }],
            })
        }
        Some(approve) => {
            if !actor.has(Role::PrincipalLeader) {
                return Err(DomainError::forbidden("中止撤销须经街道主要领导同意"));
            }
            let p = pending.ok_or_else(|| DomainError::state("没有待审批的中止撤销"))?;
            let note = if approve {
                crate::input::optional_text("审批意见", Some(text), TEXT_MAX)?
                    .unwrap_or_else(|| "同意撤销。".to_owned())
            } else {
                required_text("不同意的理由", text, TEXT_MAX)?
            };
            let mut c = p.clone();
            c.decided_by = Some(actor.user_id);
            c.decided_at = Some(now);
            c.note = Some(note.clone());
            if !approve {
                c.status = CancelStatus::Refused;
                return Ok(CancelChange {
                    action: "task.cancel_refuse",
                    summary: format!("不同意中止撤销：{note}"),
                    cancellation: c,
                    task: None,
                    matter: None,
                    open: vec![],
                });
            }
            c.status = CancelStatus::Approved;
            let mut t = task.clone();
            t.state = TaskState::Closed;
            t.closed_at = Some(now);
            t.close_remark = Some(format!("中止撤销：{}", p.reason));
            let last = siblings
                .iter()
                .filter(|s| s.id != task.id)
                .all(|s| s.state == TaskState::Closed);
            let (m, open) = if last {
                let mut m = matter.clone();
                m.state = MatterState::Closed;
                m.closed_at = Some(now);
                (
                    Some(m),
                    vec![WorkItem {
                        object: ObjectRef::Matter(matter.id),
                        action: WorkAction::Archive,
                        assignee: Assignee::Role(Role::SupervisionOffice),
                    }],
                )
            } else {
                (None, vec![])
            };
            Ok(CancelChange {
                action: "task.cancel_approve",
                summary: format!("主要领导同意中止撤销：{}（{note}）", p.reason),
                cancellation: c,
                task: Some(t),
                matter: m,
                open,
            })
        }
    }
}
