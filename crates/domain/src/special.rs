//! Procedure C of the notice (部门专项督查) and the rules that keep inspections few
//! (中办发〔2018〕56号): the annual plan (年度督查检查考核计划), caps per inspected unit, overlap
//! detection and merging into one joint inspection (联合督查).
//!
//! 1 提出督查考核申请: `ApplicationCommand::{Submit, AreaApprove, PrincipalApprove, Return, Reject}`
//! 2 专项督查启动备案: `ApplicationCommand::Forward` (考核督查分管领导阅转), `launch_inspection`
//! 3 专项督查实施: `InspectionCommand::Notify` (督查考核通知), `TaskCommand::Score` (业务部门打分),
//!   `InspectionCommand::{SubmitSituation, ReadSituation}` (电话和文字督查：汇总上报主要领导)
//! 4 专项督查通报: `ApplicationCommand::{Opinion, SignOpinion, ReturnOpinion}` (主导性通报意见),
//!   then the bulletin of procedure B, approved by the departments' area leaders
//! 5 销号归档: as in procedure B.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::input::{TEXT_MAX, TITLE_MAX, optional_text, required_text};
use crate::matter::coded_enum;
use crate::procedure::{Allocate, Change, Instruction, InstructionKind, WorkDone};
use crate::time::Millis;
use crate::{
    Actor, ApplicationId, Assignee, DomainError, Matter, MatterId, MatterKind, MatterState,
    ObjectRef, PlanItemId, Receipt, Recipient, ReportStatus, Role, Task, TaskId, TaskState, UnitId,
    UserId, WorkAction, WorkItem,
};

coded_enum!(
    /// 两种督查方式.
    InspectionMode, "督查方式" {
        OnSite => "on_site", "实地督查考核";
        Written => "written", "电话和文字督查";
    }
);

coded_enum!(
    ApplicationState, "申请状态" {
        Draft => "draft", "起草中";
        AreaReview => "area_review", "待分管领导审核";
        PrincipalReview => "principal_review", "待主要领导批示";
        Approved => "approved", "待考核督查领导阅转";
        Accepted => "accepted", "待起草方案";
        Launched => "launched", "已启动";
        Rejected => "rejected", "未同意";
    }
);

/// One line of a score sheet: an item and its full marks, in tenths of a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreItem {
    pub name: String,
    pub max_tenths: i64,
}

/// Points shown the way a score sheet reads: 9.5, 10.
pub fn points(tenths: i64) -> String {
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// Points as typed: 9, 9.5 (at most one decimal).
pub fn parse_points(field: &str, raw: &str) -> Result<i64, DomainError> {
    let t = raw.trim();
    let bad = || DomainError::invalid(field, format!("“{t}”不是有效分值，如 9 或 9.5"));
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || frac.len() > 1
        || (t.contains('.') && frac.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    if w > 100_000 {
        return Err(bad());
    }
    Ok(w * 10 + f)
}

/// The business department's lead opinion (主导性通报意见), signed by its area leader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadOpinion {
    /// 存在问题
    pub problems: String,
    /// 原因分析
    pub causes: String,
    /// 下步工作重点
    pub next_steps: String,
    pub written_by: UserId,
    pub written_at: Millis,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<Millis>,
}

/// A department's 督查考核申请书.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    pub year: i32,
    pub seq: i64,
    /// 申请部门
    pub unit_id: UnitId,
    /// 督查考核事项
    pub subject: String,
    /// 申请理由
    pub reason: String,
    /// 督查内容
    pub content: String,
    /// 督查对象
    pub targets: Vec<UnitId>,
    /// 拟督查时间
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub mode: InspectionMode,
    /// 年度计划内的条目; `None` is 计划外.
    pub plan_item: Option<PlanItemId>,
    pub score_items: Vec<ScoreItem>,
    pub state: ApplicationState,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: Millis,
    /// The department's area leaders (业务分管、主管领导), loaded from the portfolios.
    pub area_leaders: Vec<UserId>,
    /// The special inspection it was launched into (alone or merged).
    pub matter_id: Option<MatterId>,
    pub opinion: Option<LeadOpinion>,
}

impl Application {
    /// 申请编号, e.g. 申2026-003.
    pub fn number(&self) -> String {
        format!("申{}-{:03}", self.year, self.seq)
    }
    pub fn off_plan(&self) -> bool {
        self.plan_item.is_none()
    }
    fn obj(&self) -> ObjectRef {
        ObjectRef::Application(self.id)
    }
}

/// One entry of the annual inspection plan (年度督查检查考核计划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: PlanItemId,
    pub year: i32,
    /// 牵头业务部门
    pub unit_id: UnitId,
    pub subject: String,
    pub mode: InspectionMode,
    /// 计划月份 (1–12)
    pub month: u32,
    /// 督查对象 as the plan describes them (e.g. 各社区)
    pub targets: String,
    pub active: bool,
}

/// The plan of a launched special inspection (专项督查考核方案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub matter_id: MatterId,
    pub mode: InspectionMode,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// 工作要求
    pub requirements: String,
    /// 督查组成员
    pub team: String,
    /// 公务车辆申请 (实地)
    pub vehicle: String,
    /// 督查考核通知 at least this many days before the window opens.
    pub notice_days: i64,
    /// 电话和文字督查: the office's summary for the principal leader, and the leader's word.
    pub situation: Option<String>,
    pub situation_instruction: Option<String>,
}

/// One department's score of one inspected unit on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub task_id: TaskId,
    pub application_id: ApplicationId,
    pub item: usize,
    pub tenths: i64,
    pub remark: String,
}

// ───────────────────────────── Input ─────────────────────────────

/// A 督查考核申请书 as the department fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    pub unit_id: UnitId,
    pub subject: String,
    pub reason: String,
    pub content: String,
    pub targets: Vec<UnitId>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub mode: InspectionMode,
    pub plan_item: Option<PlanItemId>,
    pub score_items: Vec<ScoreItem>,
}

#[derive(Debug, Clone, Default)]
pub struct RawApplication<'a> {
    pub subject: &'a str,
    pub reason: &'a str,
    pub content: &'a str,
    pub targets: Vec<i64>,
    pub window_start: &'a str,
    pub window_end: &'a str,
    pub mode: &'a str,
    pub plan_item: Option<i64>,
    /// One item a line: 名称 分值 (e.g. "台账资料 20").
    pub score_sheet: &'a str,
}

/// A score sheet typed one item a line, "名称 分值" or "名称，分值".
pub fn parse_score_sheet(raw: &str) -> Result<Vec<ScoreItem>, DomainError> {
    let field = "评分表";
    let mut items = Vec::new();
    // Lines are numbered as typed, blank ones included, so an error points at the right one.
    for (i, line) in raw
        .lines()
        .map(|l| l.trim().trim_end_matches('分').trim_end())
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        let cut = line
            .rfind(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '：' || c == ':')
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    format!("第{}行请写成“项目 分值”，如“台账资料 20”", i + 1),
                )
            })?;
        let name = line[..cut]
            .trim()
            .trim_end_matches([',', '，', '：', ':'])
            .trim();
        let value = line[cut..].trim_start_matches([' ', '\t', ',', '，', '：', ':']);
        let max = parse_points(field, value.trim_end_matches('分'))?;
        if name.is_empty() || max == 0 {
            return Err(DomainError::invalid(
                field,
                format!("第{}行须有项目名称和大于0的分值", i + 1),
            ));
        }
        items.push(ScoreItem {
            name: required_text(field, name, TITLE_MAX)?,
            max_tenths: max,
        });
    }
    if items.len() > 50 {
        return Err(DomainError::invalid(field, "评分项目不能超过50项"));
    }
    Ok(items)
}

impl NewApplication {
    pub fn parse(
        unit_id: UnitId,
        raw: RawApplication<'_>,
        today: NaiveDate,
    ) -> Result<NewApplication, DomainError> {
        let window_start = crate::input::date("拟督查开始日期", raw.window_start)?;
        let window_end = crate::input::date("拟督查结束日期", raw.window_end)?;
        if window_start < today {
            return Err(DomainError::invalid("拟督查开始日期", "不能早于今天"));
        }
        if window_end < window_start {
            return Err(DomainError::invalid("拟督查结束日期", "不能早于开始日期"));
        }
        if window_end > window_start + chrono::Duration::days(366) {
            return Err(DomainError::invalid(
                "拟督查结束日期",
                "督查时间不能超过一年",
            ));
        }
        let mut targets: Vec<UnitId> = raw.targets.into_iter().map(UnitId).collect();
        targets.sort();
        targets.dedup();
        if targets.is_empty() {
            return Err(DomainError::invalid(
                "督查对象",
                "至少选择一个被督查考核单位",
            ));
        }
        if targets.contains(&unit_id) {
            return Err(DomainError::invalid("督查对象", "申请部门不能督查本部门"));
        }
        let mode = InspectionMode::from_code(raw.mode)
            .map_err(|_| DomainError::invalid("督查方式", "请选择实地督查考核或电话和文字督查"))?;
        Ok(NewApplication {
            unit_id,
            subject: required_text("督查考核事项", raw.subject, TITLE_MAX)?,
            reason: required_text("申请理由", raw.reason, TEXT_MAX)?,
            content: required_text("督查内容", raw.content, TEXT_MAX)?,
            targets,
            window_start,
            window_end,
            mode,
            plan_item: raw.plan_item.map(PlanItemId),
            score_items: parse_score_sheet(raw.score_sheet)?,
        })
    }
}

/// The plan the office drafts when it launches one or more approved applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInspection {
    pub title: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub requirements: String,
    pub team: String,
    pub vehicle: String,
}

impl NewInspection {
    pub fn parse(
        title: &str,
        window_start: &str,
        window_end: &str,
        requirements: &str,
        team: &str,
        vehicle: &str,
        today: NaiveDate,
    ) -> Result<NewInspection, DomainError> {
        let window_start = crate::input::date("督查开始日期", window_start)?;
        let window_end = crate::input::date("督查结束日期", window_end)?;
        if window_start < today {
            return Err(DomainError::invalid("督查开始日期", "不能早于今天"));
        }
        if window_end < window_start {
            return Err(DomainError::invalid("督查结束日期", "不能早于开始日期"));
        }
        Ok(NewInspection {
            title: required_text("方案名称", title, TITLE_MAX)?,
            window_start,
            window_end,
            requirements: required_text("工作要求", requirements, TEXT_MAX)?,
            team: required_text("督查组成员", team, TEXT_MAX)?,
            vehicle: optional_text("公务车辆", Some(vehicle), TEXT_MAX)?.unwrap_or_default(),
        })
    }
}

// ───────────────────────────── Application ─────────────────────────────

/// Steps on an application and, once launched, on its department's lead opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationCommand {
    /// 报业务分管领导.
    Submit,
    /// 业务分管领导审核同意, 报主要领导.
    AreaApprove { opinion: String },
    /// 主要领导批示同意; a 计划外 application needs `off_plan` said explicitly.
    PrincipalApprove { instruction: String, off_plan: bool },
    /// 退回 (area leader or principal leader).
    Return { reason: String },
    /// 不同意 (principal leader): the application ends.
    Reject { reason: String },
    /// 考核督查分管领导阅转考核督查办起草方案.
    Forward { opinion: String },
    /// 主导性通报意见 (the department, after the inspection).
    Opinion {
        problems: String,
        causes: String,
        next_steps: String,
    },
    /// 业务分管领导审阅签字.
    SignOpinion { remark: String },
    /// 业务分管领导退回通报意见.
    ReturnOpinion { reason: String },
}

/// The form fields an application step may carry.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicationText<'a> {
    pub text: Option<&'a str>,
    pub off_plan: bool,
    pub problems: Option<&'a str>,
    pub causes: Option<&'a str>,
    pub next_steps: Option<&'a str>,
}

impl ApplicationCommand {
    pub const CODES: [&'static str; 9] = [
        "submit",
        "area_approve",
        "principal_approve",
        "return",
        "reject",
        "forward",
        "opinion",
        "sign_opinion",
        "return_opinion",
    ];

    pub fn parse(action: &str, f: &ApplicationText<'_>) -> Result<ApplicationCommand, DomainError> {
        let text = f.text;
        Ok(match action {
            "submit" => ApplicationCommand::Submit,
            "area_approve" => ApplicationCommand::AreaApprove {
                opinion: optional_text("审核意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "同意，请主要领导审批。".to_owned()),
            },
            "principal_approve" => ApplicationCommand::PrincipalApprove {
                instruction: optional_text("批示意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "同意。".to_owned()),
                off_plan: f.off_plan,
            },
            "return" => ApplicationCommand::Return {
                reason: required_text("退回理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            "reject" => ApplicationCommand::Reject {
                reason: required_text("不同意的理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            "forward" => ApplicationCommand::Forward {
                opinion: optional_text("阅转意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "请考核督查办起草专项督查考核方案。".to_owned()),
            },
            "opinion" => ApplicationCommand::Opinion {
                problems: required_text("存在问题", f.problems.unwrap_or(""), TEXT_MAX)?,
                causes: required_text("原因分析", f.causes.unwrap_or(""), TEXT_MAX)?,
                next_steps: required_text("下步工作重点", f.next_steps.unwrap_or(""), TEXT_MAX)?,
            },
            "sign_opinion" => ApplicationCommand::SignOpinion {
                remark: optional_text("审阅意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "同意。".to_owned()),
            },
            "return_opinion" => ApplicationCommand::ReturnOpinion {
                reason: required_text("退回理由", text.unwrap_or(""), TEXT_MAX)?,
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// What an application step needs to see besides the application.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicationContext<'a> {
    /// The launched inspection's tasks (one per inspected unit).
    pub tasks: &'a [Task],
    /// The other applications launched into the same inspection (联合督查).
    pub siblings: &'a [Application],
}

fn department(actor: &Actor, app: &Application) -> Result<(), DomainError> {
    if actor.acts_for_unit(app.unit_id) {
        Ok(())
    } else {
        Err(DomainError::forbidden("只有申请部门可以办理"))
    }
}

fn area_leader(actor: &Actor, app: &Application) -> Result<(), DomainError> {
    if app.area_leaders.contains(&actor.user_id) {
        Ok(())
    } else {
        Err(DomainError::forbidden("须由申请部门的业务分管领导办理"))
    }
}

fn leader_items(app: &Application, action: WorkAction) -> Vec<WorkItem> {
    app.area_leaders
        .iter()
        .map(|u| WorkItem {
            object: app.obj(),
            action,
            assignee: Assignee::User(*u),
        })
        .collect()
}

fn role_item(object: ObjectRef, action: WorkAction, role: Role) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::Role(role),
    }
}

fn instruction(object: ObjectRef, kind: InstructionKind, text: &str) -> Option<Instruction> {
    Some(Instruction {
        object,
        kind,
        text: text.to_owned(),
    })
}

pub fn decide_application(
    actor: &Actor,
    app: &Application,
    ctx: &ApplicationContext<'_>,
    cmd: ApplicationCommand,
    now: Millis,
) -> Result<Change, DomainError> {
    let obj = app.obj();
    let mut next = app.clone();
    let change = match cmd {
        ApplicationCommand::Submit => {
            department(actor, app)?;
            if app.state != ApplicationState::Draft {
                return Err(DomainError::state("只有起草中的申请可以报送"));
            }
            if app.area_leaders.is_empty() {
                return Err(DomainError::state(
                    "申请部门尚未设置分管领导，请系统管理员先设置分管部门",
                ));
            }
            next.state = ApplicationState::AreaReview;
            Change {
                action: "application.submit",
                summary: "报业务分管领导审核".to_owned(),
                done: vec![WorkDone::Object(obj)],
                open: leader_items(app, WorkAction::ReviewApplication),
                ..Default::default()
            }
        }
        ApplicationCommand::AreaApprove { opinion } => {
            area_leader(actor, app)?;
            if app.state != ApplicationState::AreaReview {
                return Err(DomainError::state("该申请不在待分管领导审核状态"));
            }
            next.state = ApplicationState::PrincipalReview;
            Change {
                action: "application.area_approve",
                summary: format!("业务分管领导审核：{opinion}"),
                instruction: instruction(obj, InstructionKind::Review, &opinion),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    WorkAction::ApproveApplication,
                    Role::PrincipalLeader,
                )],
                ..Default::default()
            }
        }
        ApplicationCommand::PrincipalApprove {
            instruction: text,
            off_plan,
        } => {
            principal(actor)?;
            if app.state != ApplicationState::PrincipalReview {
                return Err(DomainError::state("该申请不在待主要领导批示状态"));
            }
            if app.off_plan() && !off_plan {
                return Err(DomainError::invalid(
                    "计划外",
                    "此申请不在年度督查检查考核计划内，须明确同意开展计划外督查",
                ));
            }
            next.state = ApplicationState::Approved;
            Change {
                action: "application.principal_approve",
                summary: if app.off_plan() {
                    format!("主要领导批示同意（计划外）：{text}")
                } else {
                    format!("主要领导批示同意：{text}")
                },
                instruction: instruction(obj, InstructionKind::Approve, &text),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    WorkAction::ForwardApplication,
                    Role::SupervisionLeader,
                )],
                ..Default::default()
            }
        }
        ApplicationCommand::Return { reason } => {
            match app.state {
                ApplicationState::AreaReview => area_leader(actor, app)?,
                ApplicationState::PrincipalReview => principal(actor)?,
                _ => return Err(DomainError::state("该申请当前不能退回")),
            }
            next.state = ApplicationState::Draft;
            Change {
                action: "application.return",
                summary: format!("退回：{reason}"),
                instruction: instruction(obj, InstructionKind::Return, &reason),
                done: vec![WorkDone::Object(obj)],
                open: vec![WorkItem {
                    object: obj,
                    action: WorkAction::ReviseApplication,
                    assignee: Assignee::Unit(app.unit_id),
                }],
                ..Default::default()
            }
        }
        ApplicationCommand::Reject { reason } => {
            principal(actor)?;
            if app.state != ApplicationState::PrincipalReview {
                return Err(DomainError::state("该申请不在待主要领导批示状态"));
            }
            next.state = ApplicationState::Rejected;
            Change {
                action: "application.reject",
                summary: format!("主要领导不同意开展：{reason}"),
                instruction: instruction(obj, InstructionKind::Return, &reason),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            }
        }
        ApplicationCommand::Forward { opinion } => {
            if !actor.has(Role::SupervisionLeader) {
                return Err(DomainError::forbidden("须由分管考核督查领导阅转"));
            }
            if app.state != ApplicationState::Approved {
                return Err(DomainError::state("该申请不在待阅转状态"));
            }
            next.state = ApplicationState::Accepted;
            Change {
                action: "application.forward",
                summary: format!("考核督查分管领导阅转：{opinion}"),
                instruction: instruction(obj, InstructionKind::Review, &opinion),
                done: vec![WorkDone::Object(obj)],
                open: vec![role_item(
                    obj,
                    WorkAction::DraftPlan,
                    Role::SupervisionOffice,
                )],
                ..Default::default()
            }
        }
        ApplicationCommand::Opinion {
            problems,
            causes,
            next_steps,
        } => {
            department(actor, app)?;
            if app.state != ApplicationState::Launched {
                return Err(DomainError::state("专项督查尚未启动"));
            }
            if app.opinion.as_ref().is_some_and(|o| o.signed_by.is_some()) {
                return Err(DomainError::state("通报意见已经分管领导签字"));
            }
            if ctx.tasks.is_empty()
                || ctx
                    .tasks
                    .iter()
                    .any(|t| !matches!(t.state, TaskState::Completed | TaskState::Closed))
            {
                return Err(DomainError::state(
                    "督查考核全部完成（各单位均已打分或确认）后方可形成通报意见",
                ));
            }
            next.opinion = Some(LeadOpinion {
                problems,
                causes,
                next_steps,
                written_by: actor.user_id,
                written_at: now,
                signed_by: None,
                signed_at: None,
            });
            Change {
                action: "application.opinion",
                summary: "形成主导性通报意见，报业务分管领导审阅签字".to_owned(),
                done: vec![WorkDone::Object(obj)],
                open: leader_items(app, WorkAction::SignOpinion),
                ..Default::default()
            }
        }
        ApplicationCommand::SignOpinion { remark } => {
            area_leader(actor, app)?;
            let o = pending_opinion(app)?;
            let mut o = o.clone();
            o.signed_by = Some(actor.user_id);
            o.signed_at = Some(now);
            next.opinion = Some(o);
            let mut change = Change {
                action: "application.sign_opinion",
                summary: format!("业务分管领导审阅签字：{remark}"),
                instruction: instruction(obj, InstructionKind::Review, &remark),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            let others_signed = ctx
                .siblings
                .iter()
                .filter(|s| s.id != app.id)
                .all(|s| s.opinion.as_ref().is_some_and(|o| o.signed_by.is_some()));
            if let (true, Some(m)) = (others_signed, app.matter_id) {
                change.open.push(role_item(
                    ObjectRef::Matter(m),
                    WorkAction::CompileBulletin,
                    Role::SupervisionOffice,
                ));
            }
            change
        }
        ApplicationCommand::ReturnOpinion { reason } => {
            area_leader(actor, app)?;
            pending_opinion(app)?;
            next.opinion = None;
            Change {
                action: "application.return_opinion",
                summary: format!("退回通报意见：{reason}"),
                instruction: instruction(obj, InstructionKind::Return, &reason),
                done: vec![WorkDone::Object(obj)],
                open: vec![WorkItem {
                    object: obj,
                    action: WorkAction::WriteOpinion,
                    assignee: Assignee::Unit(app.unit_id),
                }],
                ..Default::default()
            }
        }
    };
    Ok(Change {
        application: vec![next],
        ..change
    })
}

fn principal(actor: &Actor) -> Result<(), DomainError> {
    if actor.has(Role::PrincipalLeader) {
        Ok(())
    } else {
        Err(DomainError::forbidden("须由街道主要领导批示"))
    }
}

fn pending_opinion(app: &Application) -> Result<&LeadOpinion, DomainError> {
    match &app.opinion {
        Some(o) if o.signed_by.is_none() => Ok(o),
        Some(_) => Err(DomainError::state("通报意见已签字")),
        None => Err(DomainError::state("申请部门尚未形成通报意见")),
    }
}

/// The department may edit its application while it is being drafted or after a return.
pub fn can_edit_application(actor: &Actor, app: &Application) -> Result<(), DomainError> {
    department(actor, app)?;
    if app.state != ApplicationState::Draft {
        return Err(DomainError::state(
            "申请已报送，不能修改；如需修改请由领导退回",
        ));
    }
    Ok(())
}

/// Who may read an application: its department, the department's area leaders, the leaders
/// who decide (principal, supervision) and the office.
pub fn can_view_application(actor: &Actor, app: &Application) -> bool {
    actor.sees_all_matters()
        || actor.acts_for_unit(app.unit_id)
        || app.area_leaders.contains(&actor.user_id)
}

/// The departments that asked for a special inspection, and their area leaders, follow all of
/// it: every inspected unit, its scores and its bulletin draft's basis.
pub fn inspects(actor: &Actor, apps: &[Application]) -> bool {
    apps.iter().any(|a| can_view_application(actor, a))
}

/// Only a department (部门负责人、经办人 of a department) applies.
pub fn can_apply(actor: &Actor) -> bool {
    actor.has(Role::UnitHead) || actor.has(Role::UnitStaff)
}

// ───────────────────────────── Launch ─────────────────────────────

/// The office drafts the 专项督查考核方案 for one application, or for several overlapping ones
/// merged into one joint inspection (联合督查): one visit per unit, each department's content and
/// score sheet kept.
pub fn launch_inspection(
    actor: &Actor,
    apps: &[Application],
    plan: &NewInspection,
) -> Result<Change, DomainError> {
    if !actor.has(Role::SupervisionOffice) {
        return Err(DomainError::forbidden(
            "仅考核督查办可起草方案、启动专项督查",
        ));
    }
    let first = apps
        .first()
        .ok_or_else(|| DomainError::invalid("申请", "至少选择一份已批准的申请"))?;
    for a in apps {
        if a.state != ApplicationState::Accepted {
            return Err(DomainError::state(format!(
                "申请 {} 尚未经主要领导批准并阅转（当前：{}）",
                a.number(),
                a.state.label()
            )));
        }
        if a.mode != first.mode {
            return Err(DomainError::invalid(
                "申请",
                "实地督查考核与电话和文字督查不能合并",
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if apps.iter().any(|a| !seen.insert(a.id)) {
        return Err(DomainError::invalid("申请", "同一份申请选择了两次"));
    }
    if apps.len() > 1 {
        for a in &apps[1..] {
            if !a.targets.iter().any(|t| first.targets.contains(t)) {
                return Err(DomainError::invalid(
                    "申请",
                    format!(
                        "申请 {} 与 {} 没有共同的督查对象，不宜合并",
                        a.number(),
                        first.number()
                    ),
                ));
            }
        }
    }
    let _ = plan;
    let joint = apps.len() > 1;
    Ok(Change {
        action: "inspection.launch",
        summary: if joint {
            format!(
                "合并{}份申请为联合督查，起草《专项督查考核方案》并启动备案",
                apps.len()
            )
        } else {
            "起草《专项督查考核方案》，启动专项督查并备案".to_owned()
        },
        done: apps.iter().map(|a| WorkDone::Object(a.obj())).collect(),
        application: apps
            .iter()
            .map(|a| Application {
                state: ApplicationState::Launched,
                ..a.clone()
            })
            .collect(),
        ..Default::default()
    })
}

/// A special inspection's bulletin is formed once every department's lead opinion is signed
/// (结合相关部门通报意见，形成街道督查通报).
pub fn special_bulletin_ready(apps: &[Application]) -> Result<(), DomainError> {
    if apps.is_empty() {
        return Err(DomainError::state("该专项督查没有关联的申请"));
    }
    for a in apps {
        if a.opinion.as_ref().is_none_or(|o| o.signed_by.is_none()) {
            return Err(DomainError::state(format!(
                "申请 {} 的主导性通报意见尚未经业务分管领导签字",
                a.number()
            )));
        }
    }
    Ok(())
}

/// Who approves a special inspection's bulletin: the departments' area leaders.
pub fn special_reviewers(apps: &[Application]) -> Vec<UserId> {
    let mut all: Vec<UserId> = apps
        .iter()
        .flat_map(|a| a.area_leaders.iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The inspected units of one or more applications, in order.
pub fn union_targets(apps: &[Application]) -> Vec<UnitId> {
    let mut all: Vec<UnitId> = apps
        .iter()
        .flat_map(|a| a.targets.iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

// ───────────────────────────── Inspection ─────────────────────────────

/// Steps on a launched special inspection as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionCommand {
    /// 下达《督查考核通知》 to the inspected units, in advance.
    Notify,
    /// 电话和文字督查: the office's summary of the units' situation for the principal leader.
    SubmitSituation { text: String },
    /// The principal leader reads it (阅示).
    ReadSituation { instruction: String },
}

impl InspectionCommand {
    pub const CODES: [&'static str; 3] = ["notify", "submit_situation", "read_situation"];

    pub fn parse(action: &str, text: Option<&str>) -> Result<InspectionCommand, DomainError> {
        Ok(match action {
            "notify" => InspectionCommand::Notify,
            "submit_situation" => InspectionCommand::SubmitSituation {
                text: required_text("工作情况汇总", text.unwrap_or(""), crate::input::BODY_MAX)?,
            },
            "read_situation" => InspectionCommand::ReadSituation {
                instruction: optional_text("批示意见", text, TEXT_MAX)?
                    .unwrap_or_else(|| "已阅。".to_owned()),
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// What an inspection step needs besides the matter.
#[derive(Debug, Clone, Copy)]
pub struct InspectionContext<'a> {
    pub tasks: &'a [Task],
    pub inspection: &'a Inspection,
    pub applications: &'a [Application],
}

/// The result of a step on an inspection: the matter change and the inspection's new state.
pub struct InspectionChange {
    pub change: Change,
    pub inspection: Inspection,
}

pub fn decide_inspection(
    actor: &Actor,
    matter: &Matter,
    ctx: &InspectionContext<'_>,
    cmd: InspectionCommand,
    now: Millis,
) -> Result<InspectionChange, DomainError> {
    if matter.kind != MatterKind::Special {
        return Err(DomainError::state("此操作用于部门专项督查"));
    }
    let obj = ObjectRef::Matter(matter.id);
    let mut insp = ctx.inspection.clone();
    let mut next = matter.clone();
    let change = match cmd {
        InspectionCommand::Notify => {
            office(actor)?;
            if matter.state != MatterState::Approved {
                return Err(DomainError::state("督查考核通知已下达或专项督查已结束"));
            }
            let today = crate::time::china_date(now);
            let days = (insp.window_start - today).num_days();
            if days < insp.notice_days {
                return Err(DomainError::state(format!(
                    "须至少提前{}天下达督查考核通知（距督查开始还有{}天），请调整方案的督查时间",
                    insp.notice_days,
                    days.max(0)
                )));
            }
            next.state = MatterState::Dispatched;
            let mut change = Change {
                action: "inspection.notify",
                summary: format!(
                    "向{}个被督查考核单位下达《督查考核通知》（{}）",
                    ctx.tasks.len(),
                    insp.mode.label()
                ),
                allocate: Some(Allocate::InspectionNoticeNo),
                done: vec![WorkDone::Object(obj)],
                ..Default::default()
            };
            for t in ctx.tasks {
                let mut t2 = t.clone();
                t2.state = TaskState::Assigned;
                change.new_receipts.push(Receipt {
                    task_id: t.id,
                    recipient: Recipient::Unit(t.lead_unit),
                    signed_at: None,
                    signed_by: None,
                });
                change.open.push(WorkItem {
                    object: ObjectRef::Task(t.id),
                    action: WorkAction::Sign,
                    assignee: Assignee::Unit(t.lead_unit),
                });
                change.tasks.push(t2);
            }
            change
        }
        InspectionCommand::SubmitSituation { text } => {
            office(actor)?;
            if insp.mode != InspectionMode::Written {
                return Err(DomainError::state(
                    "实地督查考核由业务部门打分，无需汇总上报",
                ));
            }
            if matter.state != MatterState::Dispatched {
                return Err(DomainError::state("督查考核通知尚未下达"));
            }
            if insp.situation.is_some() && insp.situation_instruction.is_none() {
                return Err(DomainError::state("工作情况汇总正待主要领导阅示"));
            }
            insp.situation = Some(text);
            insp.situation_instruction = None;
            Change {
                action: "inspection.submit_situation",
                summary: "梳理汇总各单位工作情况，上报街道主要领导".to_owned(),
                done: vec![WorkDone::Action(obj, WorkAction::CompileSituation)],
                open: vec![role_item(
                    obj,
                    WorkAction::ReadSituation,
                    Role::PrincipalLeader,
                )],
                ..Default::default()
            }
        }
        InspectionCommand::ReadSituation { instruction: text } => {
            principal(actor)?;
            if insp.situation.is_none() || insp.situation_instruction.is_some() {
                return Err(DomainError::state("没有待阅示的工作情况汇总"));
            }
            insp.situation_instruction = Some(text.clone());
            Change {
                action: "inspection.read_situation",
                summary: format!("主要领导阅示工作情况汇总：{text}"),
                instruction: instruction(obj, InstructionKind::Instruct, &text),
                done: vec![WorkDone::Action(obj, WorkAction::ReadSituation)],
                ..Default::default()
            }
        }
    };
    Ok(InspectionChange {
        change: Change {
            matter: Some(next),
            ..change
        },
        inspection: insp,
    })
}

fn office(actor: &Actor) -> Result<(), DomainError> {
    if actor.has(Role::SupervisionOffice) {
        Ok(())
    } else {
        Err(DomainError::forbidden("仅考核督查办可执行"))
    }
}

/// What a task of a special inspection needs: the plan, the applications and the scores so far.
#[derive(Debug, Clone, Copy)]
pub struct SpecialContext<'a> {
    pub inspection: &'a Inspection,
    pub applications: &'a [Application],
    pub scores: &'a [Score],
}

impl SpecialContext<'_> {
    /// The applications whose department scores this inspected unit: in a joint inspection
    /// each department inspects only the units its own application named.
    pub fn scorers(&self, unit: UnitId) -> impl Iterator<Item = &Application> {
        self.applications
            .iter()
            .filter(move |a| a.targets.contains(&unit))
    }
    pub fn has_scored(&self, task: TaskId, app: ApplicationId) -> bool {
        self.scores
            .iter()
            .any(|s| s.task_id == task && s.application_id == app)
    }
}

/// Work items that ask every department to score a unit.
pub(crate) fn score_items(task: &Task, special: &SpecialContext<'_>) -> Vec<WorkItem> {
    special
        .scorers(task.lead_unit)
        .filter(|a| !special.has_scored(task.id, a.id))
        .map(|a| WorkItem {
            object: ObjectRef::Task(task.id),
            action: WorkAction::Score,
            assignee: Assignee::Unit(a.unit_id),
        })
        .collect()
}

/// One department scores one inspected unit (具体打分由相关业务部门进行). Returns the scores
/// and whether every department has now scored the unit.
pub(crate) fn score(
    actor: &Actor,
    task: &Task,
    special: &SpecialContext<'_>,
    points: &[(String, String)],
) -> Result<(Vec<Score>, ApplicationId, bool), DomainError> {
    let app = special
        .scorers(task.lead_unit)
        .find(|a| actor.acts_for_unit(a.unit_id))
        .ok_or_else(|| DomainError::forbidden("只有督查该单位的业务部门可以打分"))?;
    match (special.inspection.mode, task.state) {
        (InspectionMode::OnSite, TaskState::InProgress) => {}
        (InspectionMode::Written, TaskState::AwaitingConfirmation) => {}
        (InspectionMode::Written, TaskState::InProgress) => {
            return Err(DomainError::state("请等待被督查单位报送书面材料后再评定"));
        }
        (_, TaskState::Assigned) => {
            return Err(DomainError::state("被督查单位尚未签收督查考核通知"));
        }
        _ => return Err(DomainError::state("该单位的督查考核已完成")),
    }
    if special.has_scored(task.id, app.id) {
        return Err(DomainError::state("本部门已对该单位打分"));
    }
    if points.len() != app.score_items.len() {
        return Err(DomainError::invalid(
            "评分",
            format!("请对全部{}个评分项目打分", app.score_items.len()),
        ));
    }
    let mut scores = Vec::new();
    for (i, (item, (raw, remark))) in app.score_items.iter().zip(points).enumerate() {
        let field = format!("评分：{}", item.name);
        let tenths = parse_points(&field, raw)?;
        if tenths > item.max_tenths {
            return Err(DomainError::invalid(
                &field,
                format!("不能超过该项满分{}分", self::points(item.max_tenths)),
            ));
        }
        scores.push(Score {
            task_id: task.id,
            application_id: app.id,
            item: i,
            tenths,
            remark: optional_text(&field, Some(remark), TITLE_MAX)?.unwrap_or_default(),
        });
    }
    let all = special
        .scorers(task.lead_unit)
        .all(|a| a.id == app.id || special.has_scored(task.id, a.id));
    Ok((scores, app.id, all))
}

/// After a unit's inspection is complete: when every unit is done, each department is asked for
/// its lead opinion.
pub(crate) fn opinion_items(special: &SpecialContext<'_>) -> Vec<WorkItem> {
    special
        .applications
        .iter()
        .map(|a| WorkItem {
            object: a.obj(),
            action: WorkAction::WriteOpinion,
            assignee: Assignee::Unit(a.unit_id),
        })
        .collect()
}

/// The report status a score gives a written report it decides on.
pub(crate) const SCORED_REPORT: ReportStatus = ReportStatus::Confirmed;

// ───────────────────────────── Fewer, merged inspections ─────────────────────────────

/// Caps of inspections per inspected unit (配置：每月、每年上限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caps {
    pub per_month: i64,
    pub per_year: i64,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            per_month: 2,
            per_year: 12,
        }
    }
}

/// How many other inspections an inspected unit already has in the application's month and year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLoad {
    pub unit_id: UnitId,
    pub month: i64,
    pub year: i64,
}

/// Warnings shown before approval when this application would push a unit over a cap.
pub fn cap_warnings(
    app: &Application,
    loads: &[UnitLoad],
    caps: Caps,
    name: impl Fn(UnitId) -> String,
) -> Vec<String> {
    let ym = format!(
        "{}年{}月",
        app.window_start.year(),
        app.window_start.month()
    );
    let mut out = Vec::new();
    for l in loads.iter().filter(|l| app.targets.contains(&l.unit_id)) {
        if l.month + 1 > caps.per_month {
            out.push(format!(
                "{}：{ym}已有{}次督查检查考核，再加本次将超过每月{}次的上限",
                name(l.unit_id),
                l.month,
                caps.per_month
            ));
        }
        if l.year + 1 > caps.per_year {
            out.push(format!(
                "{}：{}年已有{}次督查检查考核，再加本次将超过每年{}次的上限",
                name(l.unit_id),
                app.window_start.year(),
                l.year,
                caps.per_year
            ));
        }
    }
    out
}

/// Two inspections overlap when they share an inspected unit and their windows meet.
pub fn overlaps(a: &Application, b: &Application) -> bool {
    a.id != b.id
        && a.window_start <= b.window_end
        && b.window_start <= a.window_end
        && a.targets.iter().any(|t| b.targets.contains(t))
}

/// Applications that may still be merged with others: not yet launched, not refused.
pub fn mergeable(app: &Application) -> bool {
    matches!(
        app.state,
        ApplicationState::AreaReview
            | ApplicationState::PrincipalReview
            | ApplicationState::Approved
            | ApplicationState::Accepted
    )
}

/// Whether an application counts toward a unit's load (it is, or is about to be, an inspection).
pub fn counts_toward_load(state: ApplicationState) -> bool {
    !matches!(state, ApplicationState::Draft | ApplicationState::Rejected)
}

/// An application as a form shows its choices after it.
pub fn application_actions(
    actor: &Actor,
    app: &Application,
    ctx: &ApplicationContext<'_>,
) -> Vec<crate::OfferedAction> {
    ApplicationCommand::CODES
        .into_iter()
        .filter(|code| {
            ApplicationCommand::parse(
                code,
                &ApplicationText {
                    text: Some("（检查）"),
                    off_plan: true,
                    problems: Some("（检查）"),
                    causes: Some("（检查）"),
                    next_steps: Some("（检查）"),
                },
            )
            .and_then(|cmd| decide_application(actor, app, ctx, cmd, 0))
            .is_ok()
        })
        .map(application_offer)
        .collect()
}

fn application_offer(code: &'static str) -> crate::OfferedAction {
    let (label, text_label, text_required, is_return) = match code {
        "submit" => ("报业务分管领导审核", None, false, false),
        "area_approve" => ("审核同意，报主要领导", Some("审核意见"), false, false),
        "principal_approve" => ("批示同意", Some("批示意见"), false, false),
        "return" => ("退回修改", Some("退回理由"), true, true),
        "reject" => ("不同意开展", Some("不同意的理由"), true, true),
        "forward" => ("阅转考核督查办", Some("阅转意见"), false, false),
        "opinion" => ("提交通报意见", None, false, false),
        "sign_opinion" => ("审阅签字", Some("审阅意见"), false, false),
        "return_opinion" => ("退回通报意见", Some("退回理由"), true, true),
        _ => ("", None, false, false),
    };
    crate::OfferedAction {
        code,
        label,
        text_label,
        text_required,
        is_return,
    }
}

/// Steps on the inspection the page may offer now.
pub fn inspection_actions(
    actor: &Actor,
    matter: &Matter,
    ctx: &InspectionContext<'_>,
    now: Millis,
) -> Vec<crate::OfferedAction> {
    InspectionCommand::CODES
        .into_iter()
        .filter(|code| {
            InspectionCommand::parse(code, Some("（检查）"))
                .and_then(|cmd| decide_inspection(actor, matter, ctx, cmd, now))
                .is_ok()
        })
        .map(|code| {
            let (label, text_label, text_required) = match code {
                "notify" => ("下达督查考核通知", None, false),
                "submit_situation" => ("汇总上报主要领导", Some("工作情况汇总"), true),
                _ => ("阅示", Some("批示意见"), false),
            };
            crate::OfferedAction {
                code,
                label,
                text_label,
                text_required,
                is_return: false,
            }
        })
        .collect()
}

/// The label of an application or inspection step's code (for "已完成：…").
pub fn special_action_label(code: &str) -> Option<&'static str> {
    ApplicationCommand::CODES
        .iter()
        .find(|c| **c == code)
        .map(|c| application_offer(c).label)
        .or(match code {
            "notify" => Some("下达督查考核通知"),
            "launch" => Some("起草方案并启动专项督查"),
            "score" => Some("提交评分"),
            "submit_situation" => Some("汇总上报主要领导"),
            "read_situation" => Some("阅示"),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_and_print_with_one_decimal() {
        assert_eq!(parse_points("x", "9.5").expect("ok"), 95);
        assert_eq!(parse_points("x", "10").expect("ok"), 100);
        assert!(parse_points("x", "9.55").is_err());
        assert!(parse_points("x", "-1").is_err());
        assert!(parse_points("x", "abc").is_err());
        assert_eq!(points(95), "9.5");
        assert_eq!(points(100), "10");
    }

    #[test]
    fn score_sheets_are_typed_a_line_an_item() {
        let items = parse_score_sheet("台账资料 20\n现场检查，50分\n\n群众满意度：30").expect("ok");
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].name, "现场检查");
        assert_eq!(items[1].max_tenths, 500);
        assert_eq!(items[2].max_tenths, 300);
        let e = parse_score_sheet("台账资料").expect_err("no points");
        assert!(e.to_string().contains("第1行"), "{e}");
    }
}
