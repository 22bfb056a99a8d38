//! The API's request and response bodies (with their OpenAPI schemas). Moments are RFC 3339 in
//! China Standard Time; dates are YYYY-MM-DD.

use chrono::NaiveDate;
use duban_domain::time::{Millis, to_china};
use duban_domain::{Actor, Bulletin, OfferedAction, Recipient, Task, Unit};
use duban_store::audit::AuditRecord;
use duban_store::blobs::Attachment;
use duban_store::inbox::WorkEntry;
use duban_store::ledger::{LedgerRow, MatterView, TaskView};
use duban_store::org::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn at(ms: Millis) -> String {
    to_china(ms).to_rfc3339()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenBody {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeBody {
    pub id: i64,
    pub name: String,
    pub unit_id: i64,
    pub roles: Vec<String>,
    pub portfolio: Vec<i64>,
    /// Open work items (待办).
    pub todo: i64,
}

impl MeBody {
    pub fn new(a: &Actor, todo: i64) -> MeBody {
        MeBody {
            id: a.user_id.0,
            name: a.name.clone(),
            unit_id: a.unit_id.0,
            roles: a.roles.iter().map(|r| r.code().to_owned()).collect(),
            portfolio: a.portfolio.iter().map(|u| u.0).collect(),
            todo,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkItemBody {
    pub id: i64,
    /// decompose, approve, issue_notice, sign, report, confirm, compile_bulletin, review, instruct, publish, close, archive
    pub action: String,
    pub action_label: String,
    /// matter, task or bulletin
    pub object_type: String,
    pub object_id: i64,
    pub title: String,
    pub ledger_no: String,
    pub created_at: String,
}

impl From<WorkEntry> for WorkItemBody {
    fn from(w: WorkEntry) -> Self {
        WorkItemBody {
            id: w.id,
            action: w.action.code().into(),
            action_label: w.action.label().into(),
            object_type: w.object.kind().into(),
            object_id: w.object.id(),
            title: w.title,
            ledger_no: w.ledger_no,
            created_at: at(w.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LedgerBody {
    pub total: i64,
    /// Cursor for the next page (pass as `after`), absent on the last page.
    pub next: Option<String>,
    pub rows: Vec<LedgerRowBody>,
}

#[derive(Serialize, ToSchema)]
pub struct LedgerRowBody {
    pub ledger_no: String,
    pub matter_id: i64,
    pub matter_title: String,
    pub matter_state: String,
    pub source: String,
    pub task: TaskSummary,
    pub overdue: bool,
    pub latest_report: Option<String>,
}

impl LedgerRowBody {
    pub fn new(r: &LedgerRow, clock: &crate::view::Clock) -> LedgerRowBody {
        let today = clock.today;
        LedgerRowBody {
            ledger_no: r.ledger_no.clone(),
            matter_id: r.task.matter_id.0,
            matter_title: r.matter_title.clone(),
            matter_state: r.matter_state.code().into(),
            source: r.source.code().into(),
            task: TaskSummary::lit(&r.task, clock),
            overdue: r.task.is_overdue(today),
            latest_report: r.latest_report.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskSummary {
    pub id: i64,
    pub seq: i64,
    pub content: String,
    pub requirements: String,
    pub deadline: String,
    pub leaders: Vec<i64>,
    pub lead_unit: i64,
    pub coop_units: Vec<i64>,
    pub urgency: String,
    pub state: String,
    pub state_label: String,
    pub version: i64,
    pub registered_at: String,
    pub received_at: Option<String>,
    pub started_at: Option<String>,
    pub reported_at: Option<String>,
    pub finished_at: Option<String>,
    pub closed_at: Option<String>,
    /// 红黄绿灯: green / yellow / red / on_time / late (where the list computes it)
    pub light: Option<String>,
    /// 特急 work: due at this time of the deadline day (HH:MM, China time)
    pub due_time: Option<String>,
    /// 反馈频次, e.g. weekly:5
    pub cadence: Option<String>,
    /// 催办 so far
    pub urges: u32,
}

impl TaskSummary {
    pub fn lit(t: &Task, clock: &crate::view::Clock) -> Self {
        TaskSummary {
            light: Some(clock.light(t).code().into()),
            ..TaskSummary::from(t)
        }
    }
}

impl From<&Task> for TaskSummary {
    fn from(t: &Task) -> Self {
        TaskSummary {
            id: t.id.0,
            seq: t.seq,
            content: t.content.clone(),
            requirements: t.requirements.clone(),
            deadline: day(t.deadline),
            leaders: t.leaders.iter().map(|u| u.0).collect(),
            lead_unit: t.lead_unit.0,
            coop_units: t.coop_units.iter().map(|u| u.0).collect(),
            urgency: t.urgency.code().into(),
            state: t.state.code().into(),
            state_label: t.state.label().into(),
            version: t.version,
            registered_at: at(t.registered_at),
            received_at: t.received_at.map(at),
            started_at: t.started_at.map(at),
            reported_at: t.reported_at.map(at),
            finished_at: t.finished_at.map(at),
            closed_at: t.closed_at.map(at),
            light: None,
            due_time: t.due_time.map(|h| h.format("%H:%M").to_string()),
            cadence: t.cadence.map(|c| c.code()),
            urges: t.urges,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitBody {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
}

impl From<Unit> for UnitBody {
    fn from(u: Unit) -> Self {
        UnitBody {
            id: u.id.0,
            parent_id: u.parent_id.map(|p| p.0),
            name: u.name,
            kind: u.kind.code().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub title: String,
    pub unit_id: i64,
    pub roles: Vec<String>,
    pub portfolio: Vec<i64>,
}

impl From<User> for UserBody {
    fn from(u: User) -> Self {
        UserBody {
            id: u.id.0,
            username: u.username,
            name: u.name,
            title: u.title,
            unit_id: u.unit_id.0,
            roles: u.roles.iter().map(|r| r.code().to_owned()).collect(),
            portfolio: u.portfolio.iter().map(|p| p.0).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewTaskBody {
    /// 督查内容
    pub content: String,
    /// 办理要求
    pub requirements: String,
    /// 落实时限: YYYY-MM-DD, YYYY-MM-DDTHH:MM (特急, counted in hours) or "N个工作日" from today
    /// on the working-day calendar; not in the past
    pub deadline: String,
    /// 责任领导 (user ids of area leaders)
    #[serde(default)]
    pub leaders: Vec<i64>,
    /// 牵头单位
    pub lead_unit: Option<i64>,
    /// 配合单位
    #[serde(default)]
    pub coop_units: Vec<i64>,
    /// normal / urgent / very_urgent
    pub urgency: Option<String>,
    /// 反馈频次: weekly:1 (Monday) … weekly:5, monthly:25, workdays:10
    #[serde(default)]
    pub cadence: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewMatterBody {
    /// 督查事项
    pub title: String,
    /// committee_meeting, cadre_meeting, topic_meeting, field_research, onsite_office, leader_assignment
    pub source: String,
    /// 会议/交办日期, YYYY-MM-DD
    pub source_date: String,
    /// 会议决定/交办原文
    pub source_text: String,
    pub urgency: Option<String>,
    #[serde(default)]
    pub tasks: Vec<NewTaskBody>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedBody {
    pub id: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct ActionBody {
    /// The action code offered in `actions`.
    pub action: String,
    /// The object's version as last read; a stale one is answered 409.
    pub version: i64,
    /// Instruction, opinion, reason or report text, as the action needs.
    pub text: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OfferedBody {
    pub action: String,
    pub label: String,
    /// The text the action asks for, if any.
    pub text_label: Option<String>,
    pub text_required: bool,
}

impl From<OfferedAction> for OfferedBody {
    fn from(a: OfferedAction) -> Self {
        OfferedBody {
            action: a.code.into(),
            label: a.label.into(),
            text_label: a.text_label.map(Into::into),
            text_required: a.text_required,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StepBody {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub summary: String,
}

impl From<AuditRecord> for StepBody {
    fn from(r: AuditRecord) -> Self {
        StepBody {
            at: at(r.at),
            actor: r.actor_name,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            summary: r.summary,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InstructionBody {
    /// approve, return, review, instruct
    pub kind: String,
    pub text: String,
    pub leader: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct BulletinSummary {
    pub id: i64,
    pub title: String,
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct MatterBody {
    pub id: i64,
    pub ledger_no: String,
    pub kind: String,
    pub title: String,
    pub source: String,
    pub source_date: String,
    pub source_text: String,
    pub urgency: String,
    pub state: String,
    pub state_label: String,
    pub version: i64,
    pub notice_no: Option<String>,
    pub archive_no: Option<String>,
    pub tasks: Vec<TaskSummary>,
    pub actions: Vec<OfferedBody>,
    pub bulletins: Vec<BulletinSummary>,
    pub instructions: Vec<InstructionBody>,
    pub timeline: Vec<StepBody>,
    /// A Superior matter's higher-level notice: {issuer, doc_no, channel, received_at, report_deadline, report_to}
    #[schema(value_type = Option<Object>)]
    pub superior: Option<duban_domain::SuperiorNotice>,
    /// A Special matter's plan, applications, scores and the inspection steps the caller may take
    pub inspection: Option<InspectionBody>,
}

/// A special inspection (部门专项督查) as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct InspectionBody {
    /// {mode, window_start, window_end, requirements, team, vehicle, notice_days, situation, situation_instruction}
    #[schema(value_type = Object)]
    pub plan: duban_domain::Inspection,
    /// The applications launched into it (more than one: 联合督查)
    #[schema(value_type = Vec<Object>)]
    pub applications: Vec<duban_domain::Application>,
    /// {task_id, application_id, item, tenths, remark}
    #[schema(value_type = Vec<Object>)]
    pub scores: Vec<duban_domain::Score>,
    pub joint: bool,
    /// notify (下达督查考核通知), submit_situation, read_situation
    pub actions: Vec<OfferedBody>,
}

impl MatterBody {
    pub fn new(
        v: &MatterView,
        actions: Vec<OfferedAction>,
        timeline: Vec<AuditRecord>,
        ins: Vec<(String, String, String, i64)>,
    ) -> Self {
        let m = &v.matter;
        MatterBody {
            id: m.id.0,
            ledger_no: m.ledger_no(),
            kind: m.kind.code().into(),
            title: m.title.clone(),
            source: m.source.code().into(),
            source_date: day(m.source_date),
            source_text: m.source_text.clone(),
            urgency: m.urgency.code().into(),
            state: m.state.code().into(),
            state_label: m.state.label().into(),
            version: m.version,
            notice_no: m.notice_no.clone(),
            archive_no: m.archive_no.clone(),
            tasks: v.tasks.iter().map(TaskSummary::from).collect(),
            actions: actions.into_iter().map(Into::into).collect(),
            bulletins: v
                .bulletins
                .iter()
                .map(|b| BulletinSummary {
                    id: b.id.0,
                    title: b.title.clone(),
                    state: b.state.code().into(),
                })
                .collect(),
            instructions: ins
                .into_iter()
                .map(|(kind, text, leader, t)| InstructionBody {
                    kind,
                    text,
                    leader,
                    at: at(t),
                })
                .collect(),
            timeline: timeline.into_iter().map(Into::into).collect(),
            superior: m.superior.clone(),
            inspection: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptBody {
    /// user or unit
    pub recipient_type: String,
    pub recipient_id: i64,
    pub signed_at: Option<String>,
    pub signed_by: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentBody {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReportBody {
    pub id: i64,
    pub unit_id: i64,
    pub author_id: i64,
    pub is_final: bool,
    pub body: String,
    pub submitted_at: String,
    /// submitted, confirmed, returned, noted
    pub status: String,
    pub decision_note: Option<String>,
    pub attachments: Vec<AttachmentBody>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskBody {
    pub matter_id: i64,
    pub matter_title: String,
    pub ledger_no: String,
    pub task: TaskSummary,
    pub receipts: Vec<ReceiptBody>,
    pub reports: Vec<ReportBody>,
    pub actions: Vec<OfferedBody>,
    /// 时限与反馈: required reports, signals, urging, extension history
    pub deadline: Option<DeadlineBody>,
}

/// The deadline side of a task.
#[derive(Serialize, ToSchema)]
pub struct DeadlineBody {
    /// {due, received, missing, late} per required report
    #[schema(value_type = Vec<Object>)]
    pub due_reports: Vec<duban_domain::DueReport>,
    /// {unsigned, missing_reports, overdue}
    #[schema(value_type = Object)]
    pub signals: duban_domain::Signals,
    /// The escalation ladder suggests 挂牌督办
    pub suggest_listing: bool,
    /// The deadline history: every 延期申请 and its decision
    #[schema(value_type = Vec<Object>)]
    pub extensions: Vec<duban_domain::Extension>,
    /// request / approve / refuse, as the caller may now
    pub extension_actions: Vec<String>,
    pub can_urge: bool,
}

impl TaskBody {
    pub fn new(v: &TaskView, actions: Vec<OfferedAction>, attachments: Vec<Attachment>) -> Self {
        TaskBody {
            matter_id: v.matter.id.0,
            matter_title: v.matter.title.clone(),
            ledger_no: v.matter.ledger_no(),
            deadline: None,
            task: TaskSummary::from(&v.task),
            receipts: v
                .receipts
                .iter()
                .map(|r| {
                    let (kind, id) = match r.recipient {
                        Recipient::User(u) => ("user", u.0),
                        Recipient::Unit(u) => ("unit", u.0),
                    };
                    ReceiptBody {
                        recipient_type: kind.into(),
                        recipient_id: id,
                        signed_at: r.signed_at.map(at),
                        signed_by: r.signed_by.map(|u| u.0),
                    }
                })
                .collect(),
            reports: v
                .reports
                .iter()
                .map(|r| ReportBody {
                    id: r.id.0,
                    unit_id: r.unit_id.0,
                    author_id: r.author_id.0,
                    is_final: r.is_final,
                    body: r.body.clone(),
                    submitted_at: at(r.submitted_at),
                    status: r.status.code().into(),
                    decision_note: r.decision_note.clone(),
                    attachments: attachments
                        .iter()
                        .filter(|a| a.object_type == "report" && a.object_id == r.id.0)
                        .map(|a| AttachmentBody {
                            id: a.id,
                            name: a.name.clone(),
                            size: a.size,
                            sha256: a.sha256.clone(),
                        })
                        .collect(),
                })
                .collect(),
            actions: actions.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewBulletinBody {
    pub matter_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BulletinBody {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub state: String,
    pub state_label: String,
    pub version: i64,
    pub matter_ids: Vec<i64>,
    /// 《张范督查》2026年第N期 once published
    pub periodical_issue: Option<String>,
    pub scope: Option<String>,
    pub review_opinion: Option<String>,
    pub instruction: Option<String>,
    pub published_at: Option<String>,
    pub actions: Vec<OfferedBody>,
    /// bulletin (督查通报) or report (督查汇报)
    pub kind: String,
    /// 督查汇报文号 once reported upward
    pub doc_no: Option<String>,
    /// How a 督查汇报 went up: {to, on, via}
    #[schema(value_type = Option<Object>)]
    pub upward: Option<duban_domain::UpwardReport>,
    /// Who approves it: empty means the supervision leader (a Special bulletin: the departments' area leaders)
    pub reviewers: Vec<i64>,
}

impl BulletinBody {
    pub fn new(
        b: &Bulletin,
        actions: Vec<OfferedAction>,
        periodical_issue: Option<String>,
    ) -> Self {
        BulletinBody {
            id: b.id.0,
            title: b.title.clone(),
            body: b.body.clone(),
            state: b.state.code().into(),
            state_label: b.state_label().into(),
            version: b.version,
            matter_ids: b.matter_ids.iter().map(|m| m.0).collect(),
            periodical_issue,
            scope: b.scope.clone(),
            review_opinion: b.review_opinion.clone(),
            instruction: b.instruction.clone(),
            published_at: b.published_at.map(at),
            actions: actions.into_iter().map(Into::into).collect(),
            kind: b.kind.code().into(),
            doc_no: b.doc_no.clone(),
            upward: b.upward.clone(),
            reviewers: b.reviewers.iter().map(|u| u.0).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct EditBulletinBody {
    pub version: i64,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BulletinActionBody {
    pub action: String,
    pub version: i64,
    pub text: Option<String>,
    /// publish: the final title
    pub title: Option<String>,
    /// publish: the final body
    pub body: Option<String>,
    /// publish: 印发范围
    pub scope: Option<String>,
    /// report_upward (督查汇报): to whom
    pub report_to: Option<String>,
    /// report_upward: when, 2026-12-04
    pub report_on: Option<String>,
    /// report_upward: how (公文交换、电子政务外网、传真、专人报送…)
    pub report_via: Option<String>,
}

impl BulletinActionBody {
    pub fn command(&self) -> Result<duban_domain::BulletinCommand, duban_domain::DomainError> {
        duban_domain::BulletinCommand::parse(
            &self.action,
            &duban_domain::BulletinText {
                text: self.text.as_deref(),
                title: self.title.as_deref(),
                body: self.body.as_deref(),
                scope: self.scope.as_deref(),
                report_to: self.report_to.as_deref(),
                report_on: self.report_on.as_deref(),
                report_via: self.report_via.as_deref(),
            },
        )
    }
}

/// The multipart form of a progress report.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReportUploadForm {
    pub version: i64,
    /// report or report_final
    pub action: String,
    pub body: String,
    #[schema(value_type = Vec<String>, format = Binary)]
    pub files: Vec<Vec<u8>>,
}
