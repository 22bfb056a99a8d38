//! 督查事项: register (登记报备), decompose (分解立项), the steps on a matter, and the printable
//! 督办通知.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::input::{NewMatter, NewTask, RawTask};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{
    Channel, MatterCommand, MatterId, MatterKind, ObjectRef, Source, TaskId, Urgency,
    matter_actions,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{
    ActionBlock, InstructionLine, Names, Nav, Opt, Step, TaskLine, instruction_lines, opts,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matters/new", get(new_matter))
        .route("/matters", post(create_matter))
        .route("/matters/superior", post(create_superior))
        .route("/matters/{id}/plan", get(plan_print))
        .route("/matters/{id}/plan.docx", get(plan_docx))
        .route("/matters/{id}", get(matter_page))
        .route("/matters/{id}/act", post(act))
        .route("/matters/{id}/inspect", post(inspect))
        .route("/matters/{id}/tasks", post(add_task))
        .route("/tasks/{id}/remove", post(remove_task))
        .route("/matters/{id}/notice", get(notice_print))
        .route("/matters/{id}/notice.docx", get(notice_docx))
        .route("/matters/{id}/archive.zip", get(archive_zip))
}

#[derive(Template)]
#[template(path = "matter_new.html")]
struct NewMatterView {
    nav: Nav,
    sources: Vec<Opt>,
    urgencies: Vec<Opt>,
    leaders: Vec<Opt>,
    units: Vec<Opt>,
    cadences: Vec<Opt>,
    today: String,
}

#[derive(Template)]
#[template(path = "matter_new_superior.html")]
struct NewSuperiorView {
    nav: Nav,
    sources: Vec<Opt>,
    channels: Vec<Opt>,
    urgencies: Vec<Opt>,
    today: String,
    now: String,
}

#[derive(Deserialize, Default)]
struct NewMatterQuery {
    #[serde(default)]
    kind: Option<String>,
}

async fn new_matter(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NewMatterQuery>,
) -> Result<Response, PageError> {
    if !duban_domain::policy::can_register(&user.actor) {
        return Err(duban_domain::DomainError::forbidden("仅考核督查办可登记督查事项").into());
    }
    let now = duban_store::now_ms();
    if q.kind.as_deref() == Some("superior") {
        let superior = Source::of_kind(MatterKind::Superior);
        return render(&NewSuperiorView {
            nav: Nav::new(&state, &user, "new").await?,
            sources: opts(&superior, Source::code, Source::label, ""),
            channels: opts(Channel::ALL, Channel::code, Channel::label, "written"),
            urgencies: opts(Urgency::ALL, Urgency::code, Urgency::label, "normal"),
            today: china_date(now).format("%Y-%m-%d").to_string(),
            now: duban_domain::time::to_china(now)
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
        });
    }
    let names = Names::load(&state).await?;
    let local = Source::of_kind(MatterKind::Local);
    let view = NewMatterView {
        nav: Nav::new(&state, &user, "new").await?,
        sources: opts(&local, Source::code, Source::label, ""),
        urgencies: opts(Urgency::ALL, Urgency::code, Urgency::label, "normal"),
        leaders: names.area_leaders(),
        units: names.task_units(),
        cadences: cadence_opts(),
        today: china_date(duban_store::now_ms())
            .format("%Y-%m-%d")
            .to_string(),
    };
    render(&view)
}

/// A task's fields as a form sends them.
#[derive(Deserialize, Default)]
pub(crate) struct TaskFields {
    #[serde(default)]
    content: String,
    #[serde(default)]
    requirements: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    leaders: Vec<i64>,
    #[serde(default)]
    lead_unit: Option<i64>,
    #[serde(default)]
    coop_units: Vec<i64>,
    #[serde(default)]
    task_urgency: String,
    /// "N个工作日" instead of a date.
    #[serde(default)]
    workdays: String,
    /// 特急 work: the hour on the deadline day.
    #[serde(default)]
    due_time: String,
    #[serde(default)]
    cadence: String,
}

impl TaskFields {
    /// The deadline as the domain reads it: a date, a date and time, or N个工作日.
    fn deadline(&self) -> String {
        let (n, time) = (self.workdays.trim(), self.due_time.trim());
        if !n.is_empty() {
            format!("{n}个工作日")
        } else if !time.is_empty() && !self.deadline.trim().is_empty() {
            format!("{}T{time}", self.deadline.trim())
        } else {
            self.deadline.clone()
        }
    }
    fn parse(&self, cal: &duban_domain::Calendar) -> Result<NewTask, duban_domain::DomainError> {
        let deadline = self.deadline();
        let raw = RawTask {
            content: &self.content,
            requirements: &self.requirements,
            deadline: &deadline,
            leaders: self.leaders.clone(),
            lead_unit: self.lead_unit,
            coop_units: self.coop_units.clone(),
            urgency: &self.task_urgency,
            cadence: &self.cadence,
        };
        NewTask::parse(raw, china_date(duban_store::now_ms()), cal)
    }
}

/// The cadences a form offers.
pub(crate) fn cadence_opts() -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: "不设（到期报送办结报告）".into(),
        selected: true,
    }];
    for (value, label) in [
        ("weekly:1", "每周一报送进展"),
        ("weekly:5", "每周五报送进展"),
        ("monthly:25", "每月25日报送进展"),
        ("workdays:10", "每10个工作日报送进展"),
    ] {
        v.push(Opt {
            value: value.into(),
            label: label.into(),
            selected: false,
        });
    }
    v
}

#[derive(Deserialize)]
struct MatterForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_date: String,
    #[serde(default)]
    source_text: String,
    #[serde(default)]
    urgency: String,
    #[serde(flatten)]
    task: TaskFields,
}

async fn create_matter(
    State(state): State<AppState>,
    f: CsrfForm<MatterForm>,
) -> Result<Response, PageError> {
    let m = &f.form;
    let today = china_date(duban_store::now_ms());
    let new = NewMatter::parse(
        &m.title,
        &m.source,
        &m.source_date,
        &m.source_text,
        &m.urgency,
        today,
    )?;
    // The first task is optional on this form; more are added on the matter's page.
    let tasks = if m.task.content.trim().is_empty() {
        vec![]
    } else {
        vec![m.task.parse(&state.store.calendar().await?)?]
    };
    let id = state
        .store
        .create_matter(&f.user.actor, new, tasks, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/matters/{}", id.0)).into_response())
}

/// A higher-level notice as the registration form sends it.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SuperiorForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub source_text: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub received_at: String,
    #[serde(default)]
    pub report_deadline: String,
    #[serde(default)]
    pub report_to: String,
}

impl SuperiorForm {
    pub fn parse(&self) -> Result<NewMatter, duban_domain::DomainError> {
        NewMatter::parse_superior(
            &self.title,
            &self.source,
            &self.source_text,
            &self.urgency,
            duban_domain::input::RawSuperior {
                issuer: &self.issuer,
                doc_no: &self.doc_no,
                channel: &self.channel,
                received_at: &self.received_at,
                report_deadline: &self.report_deadline,
                report_to: &self.report_to,
            },
            duban_store::now_ms(),
        )
    }
}

async fn create_superior(
    State(state): State<AppState>,
    f: CsrfForm<SuperiorForm>,
) -> Result<Response, PageError> {
    let new = f.form.parse()?;
    let id = state
        .store
        .create_matter(&f.user.actor, new, vec![], &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/matters/{}", id.0)).into_response())
}

async fn plan_docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(
        crate::documents::plan_docx(&state, &user.actor, MatterId(id))
            .await?
            .download()?,
    )
}

struct BulletinLink {
    id: i64,
    title: String,
    state_code: &'static str,
    state_label: &'static str,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterView {
    nav: Nav,
    id: i64,
    version: i64,
    ledger_no: String,
    title: String,
    kind: &'static str,
    source: &'static str,
    source_date: String,
    source_text: String,
    urgency_code: &'static str,
    urgency_label: &'static str,
    state_code: &'static str,
    state_label: &'static str,
    notice_no: Option<String>,
    archive_no: Option<String>,
    registered_at: String,
    tasks: Vec<TaskLine>,
    block: ActionBlock,
    editable: bool,
    leaders: Vec<Opt>,
    units: Vec<Opt>,
    cadences: Vec<Opt>,
    urgencies: Vec<Opt>,
    today: String,
    instructions: Vec<InstructionLine>,
    bulletins: Vec<BulletinLink>,
    can_compile: bool,
    /// 督查通报 or 督查汇报.
    compile_label: &'static str,
    /// 督办通知 / 批示件转办单 / 督查考核通知.
    dispatch_doc: &'static str,
    can_download_archive: bool,
    timeline: Vec<Step>,
    superior: Option<SuperiorLine>,
    special: Option<SpecialBlock>,
}

/// The higher-level notice of a Superior matter, as the page shows it.
struct SuperiorLine {
    issuer: String,
    doc_no: String,
    channel: &'static str,
    received: String,
    report_deadline: String,
    report_to: String,
}

/// A special inspection's plan, applications, results and steps.
struct SpecialBlock {
    mode: &'static str,
    joint: bool,
    window: String,
    requirements: String,
    team: String,
    vehicle: String,
    notice_days: i64,
    applications: Vec<AppLine>,
    departments: Vec<String>,
    results: Vec<ResultLine>,
    block: ActionBlock,
    situation: Option<String>,
    situation_instruction: Option<String>,
    notified: bool,
}

struct AppLine {
    id: i64,
    number: String,
    department: String,
    subject: String,
    opinion: &'static str,
}

struct ResultLine {
    task_id: i64,
    unit_id: i64,
    unit: String,
    totals: Vec<String>,
    total: String,
    state_code: &'static str,
    state_label: &'static str,
}

async fn matter_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(done): Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.store.matter_view(a, MatterId(id)).await?;
    let names = Names::load(&state).await?;
    let clock = crate::view::Clock::load(&state).await?;
    let today = clock.today;
    let m = &v.matter;
    let editable = duban_domain::can_edit_tasks(a, m).is_ok();
    let special_data = if m.kind == MatterKind::Special {
        state.store.special_view(a, m.id).await?
    } else {
        None
    };
    let can_compile = duban_domain::create_bulletin(a, std::slice::from_ref(m)).is_ok()
        && special_data
            .as_ref()
            .is_none_or(|d| duban_domain::special_bulletin_ready(&d.applications).is_ok());
    let special = special_data
        .as_ref()
        .map(|d| special_block(a, m, &v.tasks, d, &names));
    let timeline = state
        .store
        .timeline_for(a, &v)
        .await?
        .iter()
        .map(Step::from)
        .collect();
    let view = MatterView {
        nav: Nav::new(&state, &user, "ledger").await?.with_done(&done),
        id,
        version: m.version,
        ledger_no: m.ledger_no(),
        title: m.title.clone(),
        kind: m.kind.label(),
        source: m.source.label(),
        source_date: cn_date(m.source_date),
        source_text: m.source_text.clone(),
        urgency_code: m.urgency.code(),
        urgency_label: m.urgency.label(),
        state_code: m.state.code(),
        state_label: m.state.label(),
        notice_no: m.notice_no.clone(),
        archive_no: m.archive_no.clone(),
        registered_at: cn_datetime(m.created_at),
        tasks: {
            let ids: Vec<_> = v.tasks.iter().map(|t| t.id).collect();
            let units: Vec<_> = v.tasks.iter().map(|t| t.lead_unit).collect();
            let listed = state.store.listed_among(&ids, &units).await?;
            v.tasks
                .iter()
                .map(|t| TaskLine {
                    listed: listed.task(t.id) || listed.unit(t.lead_unit),
                    ..TaskLine::new(t, &names, &clock)
                })
                .collect()
        },
        block: ActionBlock {
            url: format!("/matters/{id}/act"),
            version: m.version,
            actions: matter_actions(a, m, &v.tasks),
        },
        editable,
        leaders: names.area_leaders(),
        units: names.task_units(),
        cadences: cadence_opts(),
        urgencies: opts(
            Urgency::ALL,
            Urgency::code,
            Urgency::label,
            m.urgency.code(),
        ),
        today: today.format("%Y-%m-%d").to_string(),
        instructions: instruction_lines(state.store.instructions(ObjectRef::Matter(m.id)).await?),
        bulletins: v
            .bulletins
            .iter()
            .map(|b| BulletinLink {
                id: b.id.0,
                title: b.title.clone(),
                state_code: b.state.code(),
                state_label: b.state_label(),
            })
            .collect(),
        can_compile,
        compile_label: duban_domain::BulletinKind::for_matter(m.kind).label(),
        dispatch_doc: match m.kind {
            MatterKind::Local => "督办通知",
            MatterKind::Superior => "批示件转办单",
            MatterKind::Special => "督查考核通知",
        },
        superior: m.superior.as_ref().map(|s| SuperiorLine {
            issuer: s.issuer.clone(),
            doc_no: s.doc_no.clone(),
            channel: s.channel.label(),
            received: cn_datetime(s.received_at),
            report_deadline: cn_date(s.report_deadline),
            report_to: s.report_to.clone(),
        }),
        special,
        can_download_archive: a.sees_all_matters()
            && matches!(
                m.state,
                duban_domain::MatterState::Closed | duban_domain::MatterState::Archived
            ),
        timeline,
    };
    render(&view)
}

fn special_block(
    a: &duban_domain::Actor,
    m: &duban_domain::Matter,
    tasks: &[duban_domain::Task],
    d: &duban_store::special::SpecialData,
    names: &Names,
) -> SpecialBlock {
    let i = &d.inspection;
    let ctx = duban_domain::InspectionContext {
        tasks,
        inspection: i,
        applications: &d.applications,
    };
    SpecialBlock {
        mode: i.mode.label(),
        joint: d.joint(),
        window: format!("{}至{}", cn_date(i.window_start), cn_date(i.window_end)),
        requirements: i.requirements.clone(),
        team: i.team.clone(),
        vehicle: i.vehicle.clone(),
        notice_days: i.notice_days,
        applications: d
            .applications
            .iter()
            .map(|app| AppLine {
                id: app.id.0,
                number: app.number(),
                department: names.unit(app.unit_id),
                subject: app.subject.clone(),
                opinion: match &app.opinion {
                    None => "未提交",
                    Some(o) if o.signed_by.is_none() => "待分管领导签字",
                    Some(_) => "已签字",
                },
            })
            .collect(),
        departments: d
            .applications
            .iter()
            .map(|app| names.unit(app.unit_id))
            .collect(),
        results: tasks
            .iter()
            .map(|t| {
                let totals = d
                    .applications
                    .iter()
                    .map(|app| {
                        d.total(t.id, app.id)
                            .map(duban_domain::points)
                            .unwrap_or_else(|| "—".to_owned())
                    })
                    .collect();
                let sum: i64 = d
                    .scores
                    .iter()
                    .filter(|s| s.task_id == t.id)
                    .map(|s| s.tenths)
                    .sum();
                ResultLine {
                    task_id: t.id.0,
                    unit_id: t.lead_unit.0,
                    unit: names.unit(t.lead_unit),
                    totals,
                    total: duban_domain::points(sum),
                    state_code: t.state.code(),
                    state_label: t.state.label(),
                }
            })
            .collect(),
        block: ActionBlock {
            url: format!("/matters/{}/inspect", m.id.0),
            version: m.version,
            actions: duban_domain::inspection_actions(a, m, &ctx, duban_store::now_ms()),
        },
        situation: i.situation.clone(),
        situation_instruction: i.situation_instruction.clone(),
        notified: m.notice_no.is_some(),
    }
}

async fn inspect(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let cmd = duban_domain::InspectionCommand::parse(&f.form.action, f.form.text.as_deref())?;
    state
        .store
        .act_on_inspection(
            &f.user.actor,
            MatterId(id),
            f.form.version,
            cmd,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/matters/{id}?done={}", f.form.action)).into_response())
}

/// The steps' common form: which action, on which version, with what text.
#[derive(Deserialize)]
pub(crate) struct ActForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub text: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let cmd = MatterCommand::parse(&f.form.action, f.form.text.as_deref())?;
    state
        .store
        .act_on_matter(
            &f.user.actor,
            MatterId(id),
            f.form.version,
            cmd,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/matters/{id}?done={}", f.form.action)).into_response())
}

#[derive(Deserialize)]
struct AddTaskForm {
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    task: TaskFields,
}

async fn add_task(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<AddTaskForm>,
) -> Result<Response, PageError> {
    let task = f.form.task.parse(&state.store.calendar().await?)?;
    state
        .store
        .add_task(
            &f.user.actor,
            MatterId(id),
            f.form.version,
            task,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/matters/{id}")).into_response())
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    matter: i64,
}

async fn remove_task(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<RemoveForm>,
) -> Result<Response, PageError> {
    state
        .store
        .remove_task(&f.user.actor, TaskId(id), f.form.version, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/matters/{}", f.form.matter)).into_response())
}

#[derive(Deserialize, Default)]
struct DocQuery {
    /// A special inspection's notice addressed to one inspected unit.
    #[serde(default)]
    unit: Option<i64>,
}

/// The document that dispatched the matter (督办通知 / 批示件转办单 / 督查考核通知) as a print
/// view: no navigation, A4, the same blocks as the Word file.
async fn notice_print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<DocQuery>,
) -> Result<Response, PageError> {
    let unit = q.unit.map(duban_domain::UnitId);
    let doc = crate::documents::dispatch_docx(&state, &user.actor, MatterId(id), unit).await?;
    let query = q.unit.map(|u| format!("?unit={u}")).unwrap_or_default();
    doc.print(format!("/matters/{id}/notice.docx{query}"))
}

async fn notice_docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<DocQuery>,
) -> Result<Response, PageError> {
    let unit = q.unit.map(duban_domain::UnitId);
    Ok(
        crate::documents::dispatch_docx(&state, &user.actor, MatterId(id), unit)
            .await?
            .download()?,
    )
}

/// 专项督查考核方案 as a print view.
async fn plan_print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    crate::documents::plan_docx(&state, &user.actor, MatterId(id))
        .await?
        .print(format!("/matters/{id}/plan.docx"))
}

async fn archive_zip(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ip: crate::auth::ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) =
        crate::documents::archive_zip(&state, &user.actor, MatterId(id), &ip.meta()).await?;
    Ok(crate::documents::download(&name, "application/zip", bytes))
}
