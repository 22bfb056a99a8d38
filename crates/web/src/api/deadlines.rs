//! The JSON API of deadlines that drive the work: urging (催办), extensions (延期申请), the
//! progress cadence, notifications (消息) and their channels, and the working-day calendar.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use duban_domain::TaskId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, ApiResult, DeadlineBody, TaskBody};
use crate::AppState;
use crate::auth::{ApiUser, ClientIp};
use crate::pages::tasks::{CadenceForm, ExtensionForm, ListingForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}/urge", post(urge))
        .route("/tasks/{id}/extension", post(extension))
        .route("/tasks/{id}/cadence", post(cadence))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read))
        .route("/me/channels", get(channels).put(set_channel))
        .route("/calendar", get(calendar).post(import_calendar))
        .route("/tasks/{id}/listing", post(task_listing))
        .route("/units/{id}/listing", post(unit_listing))
        .route("/listings", get(listings))
}

/// The deadline side of a task as `actor` sees it.
pub(super) async fn deadline_body(
    state: &AppState,
    actor: &duban_domain::Actor,
    v: &duban_store::ledger::TaskView,
    clock: &crate::view::Clock,
) -> Result<DeadlineBody, duban_store::StoreError> {
    let t = &v.task;
    let rules = duban_store::deadlines::rules_of(&state.store.settings().await?);
    let due = duban_domain::due_reports(t, t.cadence, &v.reports, clock.today, &clock.cal);
    let signals = duban_domain::signals(t, &due, clock.now);
    let extensions = state.store.extensions(t.id).await?;
    let pending = extensions
        .iter()
        .find(|e| e.status == duban_domain::ExtensionStatus::Pending);
    Ok(DeadlineBody {
        suggest_listing: duban_domain::suggests_listing(
            t,
            t.urges,
            clock.today,
            clock.now,
            &clock.cal,
            &rules,
        ),
        extension_actions: duban_domain::extension_actions(actor, &v.matter, t, pending)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        can_urge: duban_domain::urge(actor, &v.matter, t, "（检查）").is_ok(),
        due_reports: due,
        signals,
        extensions,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct UrgeBody {
    pub version: i64,
    /// 催办内容
    pub text: String,
}

/// 催办: the office urges the units of an open task (recorded in the timeline; the units are notified).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/urge", params(("id" = i64, Path)), request_body = UrgeBody,
    responses((status = 200, body = TaskBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn urge(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<UrgeBody>,
) -> ApiResult<Json<TaskBody>> {
    state
        .store
        .urge_task(&u.actor, TaskId(id), b.version, &b.text, &ip.meta())
        .await?;
    super::task(State(state), ApiUser(u), Path(id)).await
}

/// 延期申请: request (text = reason, new_deadline), approve (text = opinion), refuse (text = reason).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/extension", params(("id" = i64, Path)), request_body = ExtensionForm,
    responses((status = 200, body = TaskBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn extension(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ExtensionForm>,
) -> ApiResult<Json<TaskBody>> {
    let cmd = b.command()?;
    state
        .store
        .act_on_extension(&u.actor, TaskId(id), b.version, cmd, &ip.meta())
        .await?;
    super::task(State(state), ApiUser(u), Path(id)).await
}

/// 反馈频次 of an open task (the office).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/cadence", params(("id" = i64, Path)), request_body = CadenceForm,
    responses((status = 200, body = TaskBody), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn cadence(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CadenceForm>,
) -> ApiResult<Json<TaskBody>> {
    let c = duban_domain::Cadence::parse(&b.cadence)?;
    state
        .store
        .set_cadence(&u.actor, TaskId(id), b.version, c, &ip.meta())
        .await?;
    super::task(State(state), ApiUser(u), Path(id)).await
}

#[derive(Serialize, ToSchema)]
pub struct NotificationsBody {
    pub unread: i64,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<duban_store::deadlines::Notification>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BeforeQuery {
    /// Keyset cursor: the smallest id of the previous page
    #[serde(default)]
    pub before: Option<i64>,
}

/// The caller's notifications (消息), newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", params(BeforeQuery), responses((status = 200, body = NotificationsBody)))]
pub(super) async fn notifications(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<BeforeQuery>,
) -> ApiResult<Json<NotificationsBody>> {
    Ok(Json(NotificationsBody {
        unread: state.store.unread_count(u.actor.user_id).await?,
        items: state
            .store
            .notifications(u.actor.user_id, q.before, 50)
            .await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReadBody {
    /// One notification; absent marks all read
    #[serde(default)]
    pub id: Option<i64>,
}

/// Mark one or all notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", request_body = ReadBody, responses((status = 200, body = NotificationsBody)))]
pub(super) async fn read(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ApiJson(b): ApiJson<ReadBody>,
) -> ApiResult<Json<NotificationsBody>> {
    state.store.mark_read(u.actor.user_id, b.id).await?;
    notifications(
        State(state),
        ApiUser(u),
        Query(BeforeQuery { before: None }),
    )
    .await
}

/// The caller's external channels.
#[utoipa::path(get, path = "/api/v1/me/channels", responses((status = 200, body = [Object])))]
pub(super) async fn channels(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<duban_store::deadlines::UserChannel>>> {
    Ok(Json(state.store.user_channels(u.actor.user_id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ChannelBody {
    /// email, sms, dingtalk, wecom, webhook
    pub channel: String,
    /// Address, phone or robot URL; empty removes the channel
    pub address: String,
    /// DingTalk signing secret (optional)
    #[serde(default)]
    pub secret: Option<String>,
}

/// Set (or, with an empty address, remove) one of the caller's channels.
#[utoipa::path(put, path = "/api/v1/me/channels", request_body = ChannelBody, responses((status = 200, body = [Object]), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn set_channel(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<ChannelBody>,
) -> ApiResult<Json<Vec<duban_store::deadlines::UserChannel>>> {
    state
        .store
        .set_user_channel(
            &u.actor,
            &b.channel,
            &b.address,
            b.secret.as_deref(),
            &ip.meta(),
        )
        .await?;
    channels(State(state), ApiUser(u)).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CalendarQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

/// The working-day calendar of a year: 放假 and 调休上班 days.
#[utoipa::path(get, path = "/api/v1/calendar", params(CalendarQuery), responses((status = 200, body = [Object])))]
pub(super) async fn calendar(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<CalendarQuery>,
) -> ApiResult<Json<Vec<duban_domain::calendar::CalendarDay>>> {
    let year = q.year.unwrap_or_else(|| {
        chrono::Datelike::year(&duban_domain::time::china_date(duban_store::now_ms()))
    });
    Ok(Json(state.store.calendar_days(year).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CalendarImport {
    /// One day a line: 2027-01-01,放假,元旦
    pub text: String,
}

/// Import days into the calendar (system admin).
#[utoipa::path(post, path = "/api/v1/calendar", request_body = CalendarImport, responses((status = 201), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn import_calendar(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<CalendarImport>,
) -> ApiResult<StatusCode> {
    let days = duban_domain::calendar::parse_calendar_file(&b.text)?;
    state
        .store
        .set_calendar_days(&u.actor, &days, &ip.meta())
        .await?;
    Ok(StatusCode::CREATED)
}

/// 挂牌督办 (action list: text = reason, rectify_by) or 摘牌 after verification (action lift: text = 核查意见) of a task.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/listing", params(("id" = i64, Path)), request_body = ListingForm,
    responses((status = 200, body = TaskBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(super) async fn task_listing(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ListingForm>,
) -> ApiResult<Json<TaskBody>> {
    state.store.task_view(&u.actor, TaskId(id)).await?;
    b.apply(
        &state,
        &u.actor,
        duban_domain::ListedObject::Task(TaskId(id)),
        &ip.meta(),
    )
    .await?;
    super::task(State(state), ApiUser(u), Path(id)).await
}

/// 挂牌督办 or 摘牌 of a unit as a whole.
#[utoipa::path(post, path = "/api/v1/units/{id}/listing", params(("id" = i64, Path)), request_body = ListingForm,
    responses((status = 200, body = [Object]), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn unit_listing(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ListingForm>,
) -> ApiResult<Json<Vec<duban_domain::Listing>>> {
    b.apply(
        &state,
        &u.actor,
        duban_domain::ListedObject::Unit(duban_domain::UnitId(id)),
        &ip.meta(),
    )
    .await?;
    listings(State(state), ApiUser(u)).await
}

/// Everything listed now (挂牌督办).
#[utoipa::path(get, path = "/api/v1/listings", responses((status = 200, body = [Object])))]
pub(super) async fn listings(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<duban_domain::Listing>>> {
    if !u.actor.sees_all_matters() {
        return Err(
            duban_domain::DomainError::forbidden("挂牌督办清单供街道领导和考核督查办查阅").into(),
        );
    }
    Ok(Json(state.store.open_listings().await?))
}
