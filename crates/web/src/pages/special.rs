//! 部门专项督查 (procedure C): the departments' applications (督查考核申请书) and their
//! approval, the annual inspection plan (年度督查检查考核计划), launching one or several merged
//! applications as a special inspection (专项督查考核方案, 联合督查), and the burden report that
//! shows how often each unit is inspected (中办发〔2018〕56号).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{
    ApplicationCommand, ApplicationId, ApplicationState, ApplicationText, DomainError,
    InspectionMode, NewApplication, NewInspection, OfferedAction, PlanItemId, RawApplication, Role,
    application_actions, can_apply,
};
use duban_store::special::NewPlanItem;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{Names, Nav, Opt, Step, opts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list).post(create))
        .route("/applications/new", get(new_form))
        .route("/applications/{id}", get(page))
        .route("/applications/{id}/edit", get(edit_form).post(update))
        .route("/applications/{id}/act", post(act))
        .route("/applications/{id}/print", get(print))
        .route("/applications/{id}/application.docx", get(docx))
        .route("/inspections", post(launch))
        .route("/plan", get(plan).post(add_plan_item))
        .route("/plan/{id}/retire", post(retire_plan_item))
        .route("/burden", get(burden))
}

fn today() -> NaiveDate {
    china_date(duban_store::now_ms())
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn window(a: NaiveDate, b: NaiveDate) -> String {
    if a == b {
        cn_date(a)
    } else {
        format!("{}至{}", cn_date(a), cn_date(b))
    }
}

// ───────────── list ─────────────

struct AppRow {
    id: i64,
    number: String,
    department: String,
    subject: String,
    targets: String,
    window: String,
    mode: &'static str,
    off_plan: bool,
    state_code: &'static str,
    state_label: &'static str,
    matter_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListView {
    nav: Nav,
    rows: Vec<AppRow>,
    states: Vec<Opt>,
    can_apply: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    state: Option<String>,
}

fn app_row(a: &duban_domain::Application, names: &Names) -> AppRow {
    AppRow {
        id: a.id.0,
        number: a.number(),
        department: names.unit(a.unit_id),
        subject: a.subject.clone(),
        targets: names.units(&a.targets),
        window: window(a.window_start, a.window_end),
        mode: a.mode.label(),
        off_plan: a.off_plan(),
        state_code: a.state.code(),
        state_label: a.state.label(),
        matter_id: a.matter_id.map(|m| m.0),
    }
}

async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let filter = match q.state.as_deref() {
        None | Some("") => None,
        Some(c) => Some(ApplicationState::from_code(c)?),
    };
    let names = Names::load(&state).await?;
    let apps = state.store.applications(a, filter, 300).await?;
    render(&ListView {
        nav: Nav::new(&state, &user, "special").await?,
        rows: apps.iter().map(|x| app_row(x, &names)).collect(),
        states: opts(
            ApplicationState::ALL,
            ApplicationState::code,
            ApplicationState::label,
            q.state.as_deref().unwrap_or(""),
        ),
        can_apply: can_apply(a),
    })
}

// ───────────── new / edit ─────────────

#[derive(Template)]
#[template(path = "application_form.html")]
struct FormView {
    nav: Nav,
    /// `None` for a new application.
    id: Option<i64>,
    version: i64,
    department: String,
    subject: String,
    reason: String,
    content: String,
    targets: Vec<Opt>,
    window_start: String,
    window_end: String,
    modes: Vec<Opt>,
    plan_items: Vec<Opt>,
    score_sheet: String,
    today: String,
}

async fn plan_options(
    state: &AppState,
    unit: duban_domain::UnitId,
    year: i32,
    current: Option<PlanItemId>,
) -> Result<Vec<Opt>, PageError> {
    Ok(state
        .store
        .plan_items(year)
        .await?
        .into_iter()
        .filter(|p| p.active && p.unit_id == unit)
        .map(|p| Opt {
            value: p.id.0.to_string(),
            label: format!("{}（{}月，{}）", p.subject, p.month, p.mode.label()),
            selected: Some(p.id) == current,
        })
        .collect())
}

fn target_opts(
    names: &Names,
    chosen: &[duban_domain::UnitId],
    own: duban_domain::UnitId,
) -> Vec<Opt> {
    names
        .task_units()
        .into_iter()
        .filter(|o| o.value != own.0.to_string())
        .map(|mut o| {
            o.selected = chosen.iter().any(|u| u.0.to_string() == o.value);
            o
        })
        .collect()
}

async fn new_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let a = &user.actor;
    if !can_apply(a) {
        return Err(DomainError::forbidden("督查考核申请由业务部门提出").into());
    }
    let names = Names::load(&state).await?;
    let t = today();
    render(&FormView {
        nav: Nav::new(&state, &user, "special").await?,
        id: None,
        version: 0,
        department: names.unit(a.unit_id),
        subject: String::new(),
        reason: String::new(),
        content: String::new(),
        targets: target_opts(&names, &[], a.unit_id),
        window_start: day(t + chrono::Duration::days(14)),
        window_end: day(t + chrono::Duration::days(16)),
        modes: opts(
            InspectionMode::ALL,
            InspectionMode::code,
            InspectionMode::label,
            "on_site",
        ),
        plan_items: plan_options(&state, a.unit_id, t.year(), None).await?,
        score_sheet: "工作部署 20\n台账资料 30\n现场检查 50".to_owned(),
        today: day(t),
    })
}

/// The application form's fields (pages); the API sends the same names as JSON.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct ApplicationForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub targets: Vec<i64>,
    #[serde(default)]
    pub window_start: String,
    #[serde(default)]
    pub window_end: String,
    #[serde(default)]
    pub mode: String,
    /// Empty for 计划外.
    #[serde(default)]
    pub plan_item: String,
    #[serde(default)]
    pub score_sheet: String,
}

impl ApplicationForm {
    pub fn parse(&self, unit: duban_domain::UnitId) -> Result<NewApplication, DomainError> {
        let plan_item = match self.plan_item.trim() {
            "" => None,
            t => Some(
                t.parse::<i64>()
                    .map_err(|_| DomainError::invalid("年度计划", "请选择计划条目或计划外"))?,
            ),
        };
        NewApplication::parse(
            unit,
            RawApplication {
                subject: &self.subject,
                reason: &self.reason,
                content: &self.content,
                targets: self.targets.clone(),
                window_start: &self.window_start,
                window_end: &self.window_end,
                mode: &self.mode,
                plan_item,
                score_sheet: &self.score_sheet,
            },
            today(),
        )
    }
}

async fn create(
    State(state): State<AppState>,
    f: CsrfForm<ApplicationForm>,
) -> Result<Response, PageError> {
    let a = &f.user.actor;
    let new = f.form.parse(a.unit_id)?;
    let id = state
        .store
        .create_application(a, &new, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/applications/{}", id.0)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.store.application_view(a, ApplicationId(id)).await?;
    let app = &v.application;
    duban_domain::can_edit_application(a, app)?;
    let names = Names::load(&state).await?;
    let sheet = app
        .score_items
        .iter()
        .map(|s| format!("{} {}", s.name, duban_domain::points(s.max_tenths)))
        .collect::<Vec<_>>()
        .join("\n");
    render(&FormView {
        nav: Nav::new(&state, &user, "special").await?,
        id: Some(id),
        version: app.version,
        department: names.unit(app.unit_id),
        subject: app.subject.clone(),
        reason: app.reason.clone(),
        content: app.content.clone(),
        targets: target_opts(&names, &app.targets, app.unit_id),
        window_start: day(app.window_start),
        window_end: day(app.window_end),
        modes: opts(
            InspectionMode::ALL,
            InspectionMode::code,
            InspectionMode::label,
            app.mode.code(),
        ),
        plan_items: plan_options(&state, app.unit_id, app.window_start.year(), app.plan_item)
            .await?,
        score_sheet: sheet,
        today: day(today()),
    })
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ApplicationForm>,
) -> Result<Response, PageError> {
    let a = &f.user.actor;
    let new = f.form.parse(a.unit_id)?;
    state
        .store
        .update_application(a, ApplicationId(id), f.form.version, &new, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

// ───────────── the application's page ─────────────

struct LoadLine {
    unit: String,
    month: i64,
    year: i64,
}

struct OverlapLine {
    id: i64,
    number: String,
    department: String,
    subject: String,
    targets: String,
    window: String,
    state_label: &'static str,
    /// Approved and forwarded: may be merged now.
    ready: bool,
    launched: bool,
}

#[derive(Template)]
#[template(path = "application.html")]
struct PageView {
    nav: Nav,
    a: AppRow,
    version: i64,
    reason: String,
    content: String,
    plan: Option<String>,
    score_items: Vec<(String, String)>,
    created: String,
    applicant: String,
    warnings: Vec<String>,
    loads: Vec<LoadLine>,
    cap_month: i64,
    cap_year: i64,
    overlapping: Vec<OverlapLine>,
    actions: Vec<OfferedAction>,
    opinion: Option<(String, String, String, String)>,
    editable: bool,
    can_launch: bool,
    plan_title: String,
    plan_requirements: String,
    plan_team: String,
    window_start: String,
    window_end: String,
    today: String,
    timeline: Vec<Step>,
}

async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(done): Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.store.application_view(a, ApplicationId(id)).await?;
    let app = &v.application;
    let names = Names::load(&state).await?;
    let settings = state.store.settings().await?;
    let can_launch = a.has(Role::SupervisionOffice) && app.state == ApplicationState::Accepted;
    let opinion = app.opinion.as_ref().map(|o| {
        (
            o.problems.clone(),
            o.causes.clone(),
            o.next_steps.clone(),
            match (o.signed_by, o.signed_at) {
                (Some(u), Some(at)) => format!("{} 审阅签字（{}）", names.user(u), cn_datetime(at)),
                _ => "待业务分管领导审阅签字".to_owned(),
            },
        )
    });
    let dept = names.unit(app.unit_id);
    render(&PageView {
        nav: Nav::new(&state, &user, "special").await?.with_done(&done),
        a: app_row(app, &names),
        version: app.version,
        reason: app.reason.clone(),
        content: app.content.clone(),
        plan: v
            .plan_item
            .as_ref()
            .map(|p| format!("{}（{}年{}月，{}）", p.subject, p.year, p.month, p.mode.label())),
        score_items: app
            .score_items
            .iter()
            .map(|s| (s.name.clone(), duban_domain::points(s.max_tenths)))
            .collect(),
        created: cn_datetime(app.created_at),
        applicant: names.user(app.created_by),
        warnings: v.warnings.clone(),
        loads: v
            .loads
            .iter()
            .map(|l| LoadLine {
                unit: names.unit(l.unit_id),
                month: l.month,
                year: l.year,
            })
            .collect(),
        cap_month: settings.cap_month,
        cap_year: settings.cap_year,
        overlapping: v
            .overlapping
            .iter()
            .map(|o| OverlapLine {
                id: o.id.0,
                number: o.number(),
                department: names.unit(o.unit_id),
                subject: o.subject.clone(),
                targets: names.units(&o.targets),
                window: window(o.window_start, o.window_end),
                state_label: o.state.label(),
                ready: o.state == ApplicationState::Accepted && o.mode == app.mode,
                launched: o.state == ApplicationState::Launched,
            })
            .collect(),
        actions: application_actions(a, app, &v.context()),
        opinion,
        editable: duban_domain::can_edit_application(a, app).is_ok(),
        can_launch,
        plan_title: format!("{}专项督查考核方案", app.subject.trim_end_matches("专项督查")),
        plan_requirements: "被督查考核单位按督查内容准备好相关台账资料，主要负责人在岗配合；督查组严格遵守中央八项规定精神，不搞层层陪同，不增加基层负担。".to_owned(),
        plan_team: format!("组长：考核督查办负责人\n成员：考核督查办工作人员、{dept}业务骨干"),
        window_start: day(app.window_start.max(today())),
        window_end: day(app.window_end.max(today())),
        today: day(today()),
        timeline: v.timeline.iter().map(Step::from).collect(),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AppActForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub text: Option<String>,
    /// The principal leader approves an off-plan inspection explicitly.
    #[serde(default)]
    pub off_plan: Option<String>,
    #[serde(default)]
    pub problems: Option<String>,
    #[serde(default)]
    pub causes: Option<String>,
    #[serde(default)]
    pub next_steps: Option<String>,
}

impl AppActForm {
    pub fn command(&self) -> Result<ApplicationCommand, DomainError> {
        ApplicationCommand::parse(
            &self.action,
            &ApplicationText {
                text: self.text.as_deref(),
                off_plan: self
                    .off_plan
                    .as_deref()
                    .is_some_and(|v| matches!(v, "1" | "true" | "on")),
                problems: self.problems.as_deref(),
                causes: self.causes.as_deref(),
                next_steps: self.next_steps.as_deref(),
            },
        )
    }
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<AppActForm>,
) -> Result<Response, PageError> {
    let cmd = f.form.command()?;
    state
        .store
        .act_on_application(
            &f.user.actor,
            ApplicationId(id),
            f.form.version,
            cmd,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}?done={}", f.form.action)).into_response())
}

async fn print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    crate::documents::application_docx(&state, &user.actor, ApplicationId(id))
        .await?
        .print(format!("/applications/{id}/application.docx"))
}

async fn docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(
        crate::documents::application_docx(&state, &user.actor, ApplicationId(id))
            .await?
            .download()?,
    )
}

// ───────────── launch ─────────────

/// The plan the office drafts; `applications` are the one launched and any merged with it.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct LaunchForm {
    #[serde(default)]
    pub applications: Vec<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub window_start: String,
    #[serde(default)]
    pub window_end: String,
    #[serde(default)]
    pub requirements: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub vehicle: String,
}

impl LaunchForm {
    pub fn parse(&self) -> Result<(Vec<ApplicationId>, NewInspection), DomainError> {
        let plan = NewInspection::parse(
            &self.title,
            &self.window_start,
            &self.window_end,
            &self.requirements,
            &self.team,
            &self.vehicle,
            today(),
        )?;
        Ok((
            self.applications
                .iter()
                .map(|i| ApplicationId(*i))
                .collect(),
            plan,
        ))
    }
}

async fn launch(
    State(state): State<AppState>,
    f: CsrfForm<LaunchForm>,
) -> Result<Response, PageError> {
    let (ids, plan) = f.form.parse()?;
    let id = state
        .store
        .launch_inspection(&f.user.actor, &ids, &plan, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/matters/{}?done=launch", id.0)).into_response())
}

// ───────────── 年度督查检查考核计划 ─────────────

struct PlanLine {
    id: i64,
    month: u32,
    department: String,
    subject: String,
    mode: &'static str,
    targets: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanView {
    nav: Nav,
    year: i32,
    lines: Vec<PlanLine>,
    office: bool,
    departments: Vec<Opt>,
    modes: Vec<Opt>,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

async fn plan(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = q.year.unwrap_or_else(|| today().year());
    let names = Names::load(&state).await?;
    let lines = state
        .store
        .plan_items(year)
        .await?
        .into_iter()
        .map(|p| PlanLine {
            id: p.id.0,
            month: p.month,
            department: names.unit(p.unit_id),
            subject: p.subject,
            mode: p.mode.label(),
            targets: p.targets,
            active: p.active,
        })
        .collect();
    render(&PlanView {
        nav: Nav::new(&state, &user, "special").await?,
        year,
        lines,
        office: user.actor.has(Role::SupervisionOffice),
        departments: names.task_units(),
        modes: opts(
            InspectionMode::ALL,
            InspectionMode::code,
            InspectionMode::label,
            "on_site",
        ),
    })
}

/// A line of the annual plan as the form (or JSON) sends it.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct PlanForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub targets: String,
}

impl PlanForm {
    pub fn parse(&self) -> Result<NewPlanItem, DomainError> {
        NewPlanItem::parse(
            &self.year,
            self.unit_id,
            &self.subject,
            &self.mode,
            &self.month,
            &self.targets,
        )
    }
}

async fn add_plan_item(
    State(state): State<AppState>,
    f: CsrfForm<PlanForm>,
) -> Result<Response, PageError> {
    let p = f.form.parse()?;
    state
        .store
        .add_plan_item(&f.user.actor, &p, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/plan?year={}", p.year)).into_response())
}

#[derive(Deserialize, Default)]
struct RetireForm {
    #[serde(default)]
    year: i32,
}

async fn retire_plan_item(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<RetireForm>,
) -> Result<Response, PageError> {
    state
        .store
        .retire_plan_item(&f.user.actor, PlanItemId(id), &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/plan?year={}", f.form.year)).into_response())
}

// ───────────── 督查考核负担统计 ─────────────

#[derive(Template)]
#[template(path = "burden.html")]
struct BurdenView {
    nav: Nav,
    from: String,
    to: String,
    rows: Vec<duban_store::special::BurdenRow>,
    cap_month: i64,
    cap_year: i64,
}

#[derive(Deserialize, Default)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The period asked for; this year so far by default.
    pub fn period(&self) -> Result<(NaiveDate, NaiveDate), DomainError> {
        let t = today();
        let from = match self.from.as_deref() {
            None | Some("") => NaiveDate::from_ymd_opt(t.year(), 1, 1).unwrap_or(t),
            Some(s) => duban_domain::input::date("开始日期", s)?,
        };
        let to = match self.to.as_deref() {
            None | Some("") => NaiveDate::from_ymd_opt(t.year(), 12, 31).unwrap_or(t),
            Some(s) => duban_domain::input::date("结束日期", s)?,
        };
        if to < from {
            return Err(DomainError::invalid("结束日期", "不能早于开始日期"));
        }
        if (to - from).num_days() > 3700 {
            return Err(DomainError::invalid("结束日期", "统计期间不能超过十年"));
        }
        Ok((from, to))
    }
}

async fn burden(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let (from, to) = q.period()?;
    let mut rows = state.store.burden_report(&user.actor, from, to).await?;
    rows.sort_by_key(|r| std::cmp::Reverse(r.on_site + r.written + r.material));
    let settings = state.store.settings().await?;
    render(&BurdenView {
        nav: Nav::new(&state, &user, "special").await?,
        from: day(from),
        to: day(to),
        rows,
        cap_month: settings.cap_month,
        cap_year: settings.cap_year,
    })
}
