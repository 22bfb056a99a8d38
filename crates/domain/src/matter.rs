//! The ledger's objects: matters (督查事项), their decomposed tasks (督办任务), receipts (签收),
//! progress reports (落实情况), bulletins (督查通报) and the work items that make up each inbox.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::time::Millis;
use crate::{
    ApplicationId, BulletinId, DomainError, MatterId, ReportId, Role, TaskId, UnitId, UserId,
};

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($variant:ident => $code:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),* }
        /// Serialised as its stable code, like the database and the API.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = String::deserialize(d)?;
                Self::from_code(&code).map_err(serde::de::Error::custom)
            }
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// Stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),* } }
            /// 中文 label shown on screen.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),* } }
            pub fn from_code(code: &str) -> Result<Self, DomainError> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
                    .ok_or_else(|| DomainError::invalid($field, format!("无效的取值“{}”", code)))
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// The three procedures of the notice.
    MatterKind, "事项类别" {
        Superior => "superior", "上级督查重点事项";
        Local => "local", "街道会议和主要领导交办事项";
        Special => "special", "部门专项督查";
    }
);

coded_enum!(
    /// Where a matter comes from: section 二（一） of the notice for Superior matters, 二（二）
    /// for Local ones, 二（三） for Special inspections. The source decides the procedure.
    Source, "来源" {
        WorkingCommitteeMeeting => "committee_meeting", "党工委会议";
        CadreMeeting => "cadre_meeting", "科级干部例会";
        TopicMeeting => "topic_meeting", "专题工作会议";
        FieldResearch => "field_research", "基层调研";
        OnSiteOffice => "onsite_office", "现场办公";
        LeaderAssignment => "leader_assignment", "主要领导交办";
        SuperiorDocument => "superior_document", "上级重要文件";
        SuperiorMeeting => "superior_meeting", "上级重要会议";
        SuperiorSpeech => "superior_speech", "领导同志重要讲话";
        SuperiorInstruction => "superior_instruction", "上级领导批示";
        SuperiorAssignment => "superior_assignment", "上级交办事项";
        DepartmentApplication => "department_application", "部门专项督查申请";
    }
);

impl Source {
    /// The procedure a matter from this source follows.
    pub fn kind(self) -> MatterKind {
        match self {
            Source::SuperiorDocument
            | Source::SuperiorMeeting
            | Source::SuperiorSpeech
            | Source::SuperiorInstruction
            | Source::SuperiorAssignment => MatterKind::Superior,
            Source::DepartmentApplication => MatterKind::Special,
            _ => MatterKind::Local,
        }
    }
    /// The sources of one procedure, for a form's choices.
    pub fn of_kind(kind: MatterKind) -> Vec<Source> {
        Source::ALL
            .iter()
            .copied()
            .filter(|s| s.kind() == kind)
            .collect()
    }
}

coded_enum!(
    /// How a higher-level notice arrived (上级有关电话和文字通知).
    Channel, "来文方式" {
        Written => "written", "文字通知";
        Phone => "phone", "电话通知";
    }
);

/// The higher-level notice a Superior matter was registered from (登记报备).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperiorNotice {
    /// 来文单位, e.g. 高新区党工委办公室
    pub issuer: String,
    /// 来文文号; empty for a phone notice
    pub doc_no: String,
    pub channel: Channel,
    /// 收文（接听）时间
    pub received_at: Millis,
    /// 上级要求的报送时限
    pub report_deadline: NaiveDate,
    /// 报送对象 (the higher-level office the 督查汇报 goes to)
    pub report_to: String,
}

coded_enum!(
    /// The compiled document of stage 4: a 督查通报 published in the periodical (Local and
    /// Special matters) or a 督查汇报 reported upward (Superior matters).
    BulletinKind, "文稿类别" {
        Bulletin => "bulletin", "督查通报";
        Report => "report", "督查汇报";
    }
);

impl BulletinKind {
    /// Which document stage 4 of a matter's procedure produces.
    pub fn for_matter(kind: MatterKind) -> BulletinKind {
        match kind {
            MatterKind::Superior => BulletinKind::Report,
            _ => BulletinKind::Bulletin,
        }
    }
}

/// How a 督查汇报 went up (上报上级有关部门): to whom, when, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpwardReport {
    pub to: String,
    pub on: NaiveDate,
    /// e.g. 公文交换、电子政务外网、传真、专人报送
    pub via: String,
}

coded_enum!(
    /// 急事急办、特事特办.
    Urgency, "紧急程度" {
        Normal => "normal", "一般";
        Urgent => "urgent", "急";
        VeryUrgent => "very_urgent", "特急";
    }
);

coded_enum!(
    MatterState, "事项状态" {
        Registered => "registered", "登记中";
        Submitted => "submitted", "待审批";
        Approved => "approved", "待交办";
        Dispatched => "dispatched", "办理中";
        Closed => "closed", "已销号";
        Archived => "archived", "已归档";
    }
);

coded_enum!(
    TaskState, "任务状态" {
        Draft => "draft", "待交办";
        Assigned => "assigned", "待签收";
        InProgress => "in_progress", "办理中";
        AwaitingConfirmation => "awaiting_confirmation", "待确认";
        Completed => "completed", "已完成";
        Closed => "closed", "已销号";
    }
);

coded_enum!(
    ReportStatus, "报告状态" {
        Submitted => "submitted", "待确认";
        Confirmed => "confirmed", "已确认";
        Returned => "returned", "已退回";
        Noted => "noted", "已报送";
    }
);

coded_enum!(
    BulletinState, "通报状态" {
        Drafting => "drafting", "起草中";
        Reviewing => "reviewing", "待审阅";
        Instructing => "instructing", "待批示";
        Revising => "revising", "待定稿";
        Published => "published", "已印发";
    }
);

impl MatterKind {
    /// Short label for filters and narrow columns.
    pub fn short_label(self) -> &'static str {
        match self {
            MatterKind::Superior => "上级督查",
            MatterKind::Local => "会议和领导交办",
            MatterKind::Special => "部门专项督查",
        }
    }
}

/// One entry of the ledger (督查事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matter {
    pub id: MatterId,
    pub year: i32,
    /// Per-year sequence; with the year it forms the 督查编号.
    pub seq: i64,
    pub kind: MatterKind,
    pub title: String,
    pub source: Source,
    pub source_date: NaiveDate,
    pub source_text: String,
    /// The higher-level notice, for Superior matters.
    pub superior: Option<SuperiorNotice>,
    pub urgency: Urgency,
    pub state: MatterState,
    pub version: i64,
    pub notice_no: Option<String>,
    pub archive_no: Option<String>,
    pub created_by: UserId,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
    pub archived_at: Option<Millis>,
}

impl Matter {
    /// 督查编号, e.g. 2026-0012.
    pub fn ledger_no(&self) -> String {
        ledger_no(self.year, self.seq)
    }
}

pub fn ledger_no(year: i32, seq: i64) -> String {
    format!("{year}-{seq:04}")
}

/// One decomposed item (督办任务).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub matter_id: MatterId,
    pub seq: i64,
    pub content: String,
    pub requirements: String,
    pub deadline: NaiveDate,
    /// 特急 work counted in hours: due at this time of the deadline day (China time).
    pub due_time: Option<chrono::NaiveTime>,
    /// 反馈频次 of a long task.
    pub cadence: Option<crate::Cadence>,
    /// 催办 so far.
    pub urges: u32,
    pub leaders: Vec<UserId>,
    pub lead_unit: UnitId,
    pub coop_units: Vec<UnitId>,
    pub urgency: Urgency,
    pub state: TaskState,
    pub version: i64,
    /// The moments the office is asked about: 立项、签收、开展、报告、完成、销号.
    pub registered_at: Millis,
    pub received_at: Option<Millis>,
    pub started_at: Option<Millis>,
    pub reported_at: Option<Millis>,
    pub finished_at: Option<Millis>,
    pub closed_at: Option<Millis>,
    pub close_remark: Option<String>,
}

impl Task {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        match self.state {
            TaskState::Completed | TaskState::Closed => false,
            _ => self.deadline < today,
        }
    }
    pub fn involves_unit(&self, unit: UnitId) -> bool {
        self.lead_unit == unit || self.coop_units.contains(&unit)
    }
}

/// Who must sign for an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Recipient {
    User(UserId),
    Unit(UnitId),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub task_id: TaskId,
    pub recipient: Recipient,
    pub signed_at: Option<Millis>,
    pub signed_by: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub id: ReportId,
    pub task_id: TaskId,
    pub unit_id: UnitId,
    pub author_id: UserId,
    pub is_final: bool,
    pub body: String,
    pub submitted_at: Millis,
    pub status: ReportStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<Millis>,
    pub decision_note: Option<String>,
}

/// A 督查通报 compiled from the reports of one or more Local matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    pub id: BulletinId,
    pub kind: BulletinKind,
    pub year: i32,
    pub title: String,
    pub body: String,
    pub state: BulletinState,
    pub version: i64,
    pub matter_ids: Vec<MatterId>,
    /// 第N期 of the periodical, given when published.
    pub issue_no: Option<i64>,
    /// 督查汇报文号, given when reported upward.
    pub doc_no: Option<String>,
    pub scope: Option<String>,
    pub review_opinion: Option<String>,
    pub instruction: Option<String>,
    /// Who reviews it (审阅/审批): empty means the supervision leader; for a Special
    /// inspection, the applying departments' area leaders (报相关分管领导审批).
    pub reviewers: Vec<UserId>,
    /// For a 督查汇报: how it was reported upward.
    pub upward: Option<UpwardReport>,
    pub created_by: UserId,
    pub created_at: Millis,
    pub published_at: Option<Millis>,
}

impl Bulletin {
    /// The state as its kind says it: a 督查汇报 is 已上报, not 已印发.
    pub fn state_label(&self) -> &'static str {
        match (self.kind, self.state) {
            (BulletinKind::Report, BulletinState::Published) => "已上报",
            (_, s) => s.label(),
        }
    }
}

/// The object a step acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjectRef {
    Matter(MatterId),
    Task(TaskId),
    Bulletin(BulletinId),
    /// A 督查考核申请书 (procedure C).
    Application(ApplicationId),
}

impl ObjectRef {
    pub fn kind(self) -> &'static str {
        match self {
            ObjectRef::Matter(_) => "matter",
            ObjectRef::Task(_) => "task",
            ObjectRef::Bulletin(_) => "bulletin",
            ObjectRef::Application(_) => "application",
        }
    }
    pub fn id(self) -> i64 {
        match self {
            ObjectRef::Matter(id) => id.0,
            ObjectRef::Task(id) => id.0,
            ObjectRef::Bulletin(id) => id.0,
            ObjectRef::Application(id) => id.0,
        }
    }
    pub fn from_parts(kind: &str, id: i64) -> Option<ObjectRef> {
        match kind {
            "matter" => Some(ObjectRef::Matter(MatterId(id))),
            "task" => Some(ObjectRef::Task(TaskId(id))),
            "bulletin" => Some(ObjectRef::Bulletin(BulletinId(id))),
            "application" => Some(ObjectRef::Application(ApplicationId(id))),
            _ => None,
        }
    }
}

/// Who a work item waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Assignee {
    User(UserId),
    Unit(UnitId),
    Role(Role),
}

coded_enum!(
    /// What a work item in someone's inbox (待办) asks for.
    WorkAction, "待办类型" {
        Decompose => "decompose", "登记分解并呈批";
        Approve => "approve", "审批交办";
        IssueNotice => "issue_notice", "印发督办通知";
        Sign => "sign", "签收";
        Report => "report", "报送落实情况";
        Confirm => "confirm", "确认落实情况";
        Forward => "forward", "印发批示件转办单";
        CompileBulletin => "compile_bulletin", "编制督查通报";
        CompileReport => "compile_report", "编制督查汇报";
        Review => "review", "审阅督查通报";
        Instruct => "instruct", "批示督查通报";
        Publish => "publish", "修改定稿并印发";
        ReportUpward => "report_upward", "修改定稿并上报";
        Close => "close", "销号";
        Archive => "archive", "归档";
        ReviseApplication => "revise_application", "修改督查考核申请";
        ReviewApplication => "review_application", "审核督查考核申请";
        ApproveApplication => "approve_application", "批示督查考核申请";
        ForwardApplication => "forward_application", "阅转督查考核申请";
        DraftPlan => "draft_plan", "起草专项督查考核方案";
        Score => "score", "督查考核打分";
        CompileSituation => "compile_situation", "汇总工作情况上报";
        ReadSituation => "read_situation", "阅示工作情况汇总";
        WriteOpinion => "write_opinion", "形成主导性通报意见";
        SignOpinion => "sign_opinion", "审阅签字通报意见";
        DecideExtension => "decide_extension", "审批延期申请";
        DecideCancel => "decide_cancel", "审批中止撤销";
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkItem {
    pub object: ObjectRef,
    pub action: WorkAction,
    pub assignee: Assignee,
}
