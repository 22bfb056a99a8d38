//! 督查事项: register (登记报备), decompose (分解立项), the steps on a matter, and the printable
//! 督办通知.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::input::{NewMatter, NewTask, RawTask};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{MatterCommand, MatterId, ObjectRef, Source, TaskId, Urgency, matter_actions};
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
        .route("/matters/{id}", get(matter_page))
        .route("/matters/{id}/act", post(act))
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
    today: String,
}

async fn new_matter(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if !duban_domain::policy::can_register(&user.actor) {
        return Err(duban_domain::DomainError::forbidden("仅考核督查办可登记督查事项").into());
    }
    let names = Names::load(&state).await?;
    let view = NewMatterView {
        nav: Nav::new(&state, &user, "new").await?,
        sources: opts(Source::ALL, Source::code, Source::label, ""),
        urgencies: opts(Urgency::ALL, Urgency::code, Urgency::label, "normal"),
        leaders: names.area_leaders(),
        units: names.task_units(),
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
}

impl TaskFields {
    fn parse(&self) -> Result<NewTask, duban_domain::DomainError> {
        let raw = RawTask {
            content: &self.content,
            requirements: &self.requirements,
            deadline: &self.deadline,
            leaders: self.leaders.clone(),
            lead_unit: self.lead_unit,
            coop_units: self.coop_units.clone(),
            urgency: &self.task_urgency,
        };
        NewTask::parse(raw, china_date(duban_store::now_ms()))
    }
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
        vec![m.task.parse()?]
    };
    let id = state
        .store
        .create_matter(&f.user.actor, new, tasks, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/matters/{}", id.0)).into_response())
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
    urgencies: Vec<Opt>,
    today: String,
    instructions: Vec<InstructionLine>,
    bulletins: Vec<BulletinLink>,
    can_compile: bool,
    can_download_archive: bool,
    timeline: Vec<Step>,
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
    let today = china_date(duban_store::now_ms());
    let m = &v.matter;
    let editable = duban_domain::can_edit_tasks(a, m).is_ok();
    let can_compile = duban_domain::create_bulletin(a, std::slice::from_ref(m)).is_ok();
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
        tasks: v
            .tasks
            .iter()
            .map(|t| TaskLine::new(t, &names, today))
            .collect(),
        block: ActionBlock {
            url: format!("/matters/{id}/act"),
            version: m.version,
            actions: matter_actions(a, m, &v.tasks),
        },
        editable,
        leaders: names.area_leaders(),
        units: names.task_units(),
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
                state_label: b.state.label(),
            })
            .collect(),
        can_compile,
        can_download_archive: a.sees_all_matters()
            && matches!(
                m.state,
                duban_domain::MatterState::Closed | duban_domain::MatterState::Archived
            ),
        timeline,
    };
    render(&view)
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
    let task = f.form.task.parse()?;
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

#[derive(Template)]
#[template(path = "print_notice.html")]
struct NoticePrint {
    css: String,
    js: String,
    org: String,
    notice_no: String,
    title: String,
    source: &'static str,
    source_date: String,
    source_text: String,
    urgency: &'static str,
    tasks: Vec<TaskLine>,
    date: String,
    instruction: String,
}

/// The 督办通知 as a print view: no navigation, A4, the office's fonts.
async fn notice_print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = state.store.matter_view(&user.actor, MatterId(id)).await?;
    let m = &v.matter;
    let Some(notice_no) = m.notice_no.clone() else {
        return Err(duban_domain::DomainError::state("该事项尚未印发督办通知").into());
    };
    let names = Names::load(&state).await?;
    let settings = state.store.settings().await?;
    let today = china_date(duban_store::now_ms());
    let issued = state
        .store
        .timeline(id)
        .await?
        .into_iter()
        .find(|r| r.action == "matter.issue_notice")
        .map(|r| r.at)
        .unwrap_or(m.created_at);
    let instruction = state
        .store
        .instructions(ObjectRef::Matter(m.id))
        .await?
        .into_iter()
        .rev()
        .find(|(k, ..)| k == "approve")
        .map(|(_, t, who, _)| format!("{who}批示：{t}"))
        .unwrap_or_default();
    let view = NoticePrint {
        css: crate::assets::css_url(),
        js: crate::assets::js_url(),
        org: settings.org_name,
        notice_no,
        title: m.title.clone(),
        source: m.source.label(),
        source_date: cn_date(m.source_date),
        source_text: m.source_text.clone(),
        urgency: m.urgency.label(),
        tasks: v
            .tasks
            .iter()
            .map(|t| TaskLine::new(t, &names, today))
            .collect(),
        date: cn_date(china_date(issued)),
        instruction,
    };
    render(&view)
}

async fn notice_docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = crate::documents::notice_docx(&state, &user.actor, MatterId(id)).await?;
    Ok(crate::documents::download(
        &name,
        crate::documents::DOCX_TYPE,
        bytes,
    ))
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
