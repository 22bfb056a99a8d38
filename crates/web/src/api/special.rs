//! The JSON API of procedures A and C: registering a higher-level notice, the departments'
//! applications, the annual plan, launching (and merging) special inspections, their steps and
//! scores, and the burden report. The bodies are the pages' forms: one parser for both.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use duban_domain::{ApplicationId, ApplicationState, MatterId, TaskId, application_actions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ActionBody, ApiJson, ApiResult, CreatedBody, MatterBody, OfferedBody, StepBody, TaskBody,
};
use crate::AppState;
use crate::auth::{ApiUser, ClientIp};
use crate::pages::matters::SuperiorForm;
use crate::pages::special::{AppActForm, ApplicationForm, LaunchForm, PeriodQuery, PlanForm};
use crate::pages::tasks::ScoreForm;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matters/superior", post(create_superior))
        .route("/matters/{id}/inspection/actions", post(inspection_action))
        .route("/matters/{id}/plan.docx", get(plan_docx))
        .route("/tasks/{id}/score", post(score))
        .route("/applications", get(applications).post(create_application))
        .route(
            "/applications/{id}",
            get(application).put(update_application),
        )
        .route("/applications/{id}/actions", post(application_action))
        .route("/applications/{id}/application.docx", get(application_docx))
        .route("/inspections", post(launch))
        .route("/plan", get(plan).post(add_plan_item))
        .route("/burden", get(burden))
}

/// 登记报备 of a higher-level notice (procedure A); tasks are defined after the principal leader's instruction.
#[utoipa::path(post, path = "/api/v1/matters/superior", request_body = SuperiorForm, responses(
    (status = 201, body = CreatedBody), (status = 422, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn create_superior(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<SuperiorForm>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let m = b.parse()?;
    let id = state
        .store
        .create_matter(&u.actor, m, vec![], &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

/// A step on a special inspection: notify (下达督查考核通知), submit_situation (汇总上报, text), read_situation (阅示).
#[utoipa::path(post, path = "/api/v1/matters/{id}/inspection/actions", params(("id" = i64, Path)), request_body = ActionBody,
    responses((status = 200, body = MatterBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn inspection_action(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<Json<MatterBody>> {
    let cmd = duban_domain::InspectionCommand::parse(&b.action, b.text.as_deref())?;
    state
        .store
        .act_on_inspection(&u.actor, MatterId(id), b.version, cmd, &ip.meta())
        .await?;
    super::matter(State(state), ApiUser(u), Path(id)).await
}

/// 专项督查考核方案 as .docx.
#[utoipa::path(get, path = "/api/v1/matters/{id}/plan.docx", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn plan_docx(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(crate::documents::plan_docx(&state, &u.actor, MatterId(id))
        .await?
        .download()?)
}

/// 业务部门打分: one department scores one inspected unit; `points` (and `remarks`) in the order of its score sheet.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/score", params(("id" = i64, Path)), request_body = ScoreForm,
    responses((status = 200, body = TaskBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn score(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ScoreForm>,
) -> ApiResult<Json<TaskBody>> {
    state
        .store
        .act_on_task(
            &u.actor,
            TaskId(id),
            b.version,
            b.command(),
            &[],
            &ip.meta(),
        )
        .await?;
    super::task(State(state), ApiUser(u), Path(id)).await
}

/// An application as the API shows it: the 申请书, the targets' load, cap warnings, merge
/// candidates, the steps the caller may take and its timeline.
#[derive(Serialize, ToSchema)]
pub struct ApplicationBody {
    pub number: String,
    #[schema(value_type = Object)]
    pub application: duban_domain::Application,
    pub state_label: String,
    pub off_plan: bool,
    /// Warnings that the targets would exceed the caps (每月/每年上限)
    pub warnings: Vec<String>,
    /// Per target unit: other inspections this month and this year
    #[schema(value_type = Vec<Object>)]
    pub loads: Vec<duban_domain::UnitLoad>,
    /// Planned or running applications with overlapping targets and windows (合并为联合督查)
    pub overlapping: Vec<i64>,
    pub actions: Vec<OfferedBody>,
    pub timeline: Vec<StepBody>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct StateQuery {
    /// draft, area_review, principal_review, approved, accepted, launched, rejected
    #[serde(default)]
    pub state: Option<String>,
}

/// The applications the caller may see (a department its own; area leaders their portfolio's; leaders and the office all).
#[utoipa::path(get, path = "/api/v1/applications", params(StateQuery), responses((status = 200, body = [ApplicationBody])))]
pub(super) async fn applications(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<StateQuery>,
) -> ApiResult<Json<Vec<ApplicationBody>>> {
    let filter = match q.state.as_deref() {
        None | Some("") => None,
        Some(c) => Some(ApplicationState::from_code(c)?),
    };
    let apps = state.store.applications(&u.actor, filter, 300).await?;
    Ok(Json(
        apps.into_iter()
            .map(|a| ApplicationBody {
                number: a.number(),
                state_label: a.state.label().into(),
                off_plan: a.off_plan(),
                application: a,
                warnings: vec![],
                loads: vec![],
                overlapping: vec![],
                actions: vec![],
                timeline: vec![],
            })
            .collect(),
    ))
}

/// 提出督查考核申请 (a department, saved as a draft; submit it with the action `submit`).
#[utoipa::path(post, path = "/api/v1/applications", request_body = ApplicationForm, responses(
    (status = 201, body = CreatedBody), (status = 422, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn create_application(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<ApplicationForm>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let new = b.parse(u.actor.unit_id)?;
    let id = state
        .store
        .create_application(&u.actor, &new, &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

/// One application with its load, cap warnings, merge candidates and actions.
#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = ApplicationBody), (status = 404, body = crate::error::ErrorBody)))]
pub(super) async fn application(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<ApplicationBody>> {
    let v = state
        .store
        .application_view(&u.actor, ApplicationId(id))
        .await?;
    let actions = application_actions(&u.actor, &v.application, &v.context());
    let a = v.application.clone();
    Ok(Json(ApplicationBody {
        number: a.number(),
        state_label: a.state.label().into(),
        off_plan: a.off_plan(),
        application: a,
        warnings: v.warnings.clone(),
        loads: v.loads.clone(),
        overlapping: v.overlapping.iter().map(|o| o.id.0).collect(),
        actions: actions.into_iter().map(Into::into).collect(),
        timeline: v.timeline.into_iter().map(Into::into).collect(),
    }))
}

/// Revise a draft (or returned) application.
#[utoipa::path(put, path = "/api/v1/applications/{id}", params(("id" = i64, Path)), request_body = ApplicationForm,
    responses((status = 200, body = ApplicationBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn update_application(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ApplicationForm>,
) -> ApiResult<Json<ApplicationBody>> {
    let new = b.parse(u.actor.unit_id)?;
    state
        .store
        .update_application(&u.actor, ApplicationId(id), b.version, &new, &ip.meta())
        .await?;
    application(State(state), ApiUser(u), Path(id)).await
}

/// A step on an application: submit, area_approve, principal_approve (off_plan: true for 计划外), return, reject, forward, opinion (problems, causes, next_steps), sign_opinion, return_opinion.
#[utoipa::path(post, path = "/api/v1/applications/{id}/actions", params(("id" = i64, Path)), request_body = AppActForm,
    responses((status = 200, body = ApplicationBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn application_action(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AppActForm>,
) -> ApiResult<Json<ApplicationBody>> {
    let cmd = b.command()?;
    state
        .store
        .act_on_application(&u.actor, ApplicationId(id), b.version, cmd, &ip.meta())
        .await?;
    application(State(state), ApiUser(u), Path(id)).await
}

/// 督查考核申请书 as .docx.
#[utoipa::path(get, path = "/api/v1/applications/{id}/application.docx", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404, body = crate::error::ErrorBody)))]
pub(super) async fn application_docx(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(
        crate::documents::application_docx(&state, &u.actor, ApplicationId(id))
            .await?
            .download()?,
    )
}

/// The office drafts the 专项督查考核方案 and launches one application, or several overlapping ones merged into a 联合督查.
#[utoipa::path(post, path = "/api/v1/inspections", request_body = LaunchForm, responses(
    (status = 201, body = CreatedBody, description = "the special matter"), (status = 409, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn launch(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<LaunchForm>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let (ids, plan) = b.parse()?;
    let id = state
        .store
        .launch_inspection(&u.actor, &ids, &plan, &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

/// The annual inspection plan (年度督查检查考核计划) of a year.
#[utoipa::path(get, path = "/api/v1/plan", params(YearQuery), responses((status = 200, body = [Object])))]
pub(super) async fn plan(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<Vec<duban_domain::PlanItem>>> {
    let year = q.year.unwrap_or_else(|| {
        chrono::Datelike::year(&duban_domain::time::china_date(duban_store::now_ms()))
    });
    Ok(Json(state.store.plan_items(year).await?))
}

/// Add a line to the annual plan (the office).
#[utoipa::path(post, path = "/api/v1/plan", request_body = PlanForm, responses(
    (status = 201, body = CreatedBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn add_plan_item(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<PlanForm>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let p = b.parse()?;
    let id = state.store.add_plan_item(&u.actor, &p, &ip.meta()).await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

/// The burden report: per unit, on-site and phone/written inspections and material requests in [from, to] (this year by default).
#[utoipa::path(get, path = "/api/v1/burden", params(("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = [Object]), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn burden(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<duban_store::special::BurdenRow>>> {
    let (from, to) = q.period()?;
    Ok(Json(state.store.burden_report(&u.actor, from, to).await?))
}
