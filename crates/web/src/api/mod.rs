//! The JSON API (`/api/v1`): the same store and domain as the pages, bearer-token sessions, errors
//! as `{code, message}`, and its OpenAPI document at `/api/v1/openapi.json`.

mod deadlines;
pub(crate) mod dto;
mod special;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use duban_domain::input::{NewMatter, NewTask, RawTask};
use duban_domain::time::china_date;
use duban_domain::{
    BulletinId, MatterCommand, MatterId, ObjectRef, TaskCommand, TaskId, bulletin_actions,
    matter_actions, task_actions,
};
use duban_store::sessions::SessionKind;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

pub use dto::*;

use crate::AppState;
use crate::auth::{self, ApiUser, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::pages::ledger::LedgerQuery;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(create_session).delete(end_session))
        .route("/me", get(me))
        .route("/work", get(work))
        .route("/ledger", get(ledger))
        .route("/units", get(units))
        .route("/users", get(users))
        .route("/matters", post(create_matter))
        .route("/matters/{id}", get(matter))
        .route("/matters/{id}/tasks", post(add_task))
        .route("/matters/{id}/actions", post(matter_action))
        .route("/matters/{id}/notice.docx", get(notice_docx))
        .route("/matters/{id}/archive.zip", get(archive_zip))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/actions", post(task_action))
        .route(
            "/tasks/{id}/reports",
            post(task_report).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(attachment))
        .route("/bulletins", post(create_bulletin))
        .route("/bulletins/{id}", get(bulletin).put(edit_bulletin))
        .route("/bulletins/{id}/actions", post(bulletin_action))
        .route("/bulletins/{id}/issue.docx", get(issue_docx))
        .merge(special::router())
        .merge(deadlines::router())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(ErrorBody {
                    code: "not_found".into(),
                    message: "没有这个接口".into(),
                }),
            )
        })
        .layer(axum::middleware::map_response(json_errors))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "督办 Duban API", version = "1", description = "街道督查督办系统的 JSON 接口。先 POST /api/v1/session 取得令牌，再以 `Authorization: Bearer <令牌>` 调用其余接口。错误统一为 {code, message}。"),
    paths(create_session, end_session, me, work, ledger, units, users, create_matter, matter, add_task, matter_action, task, task_action, task_report, attachment, create_bulletin, bulletin, edit_bulletin, bulletin_action, notice_docx, archive_zip, issue_docx,
        special::create_superior, special::inspection_action, special::plan_docx, special::score, special::applications, special::create_application,
        special::application, special::update_application, special::application_action, special::application_docx, special::launch, special::plan,
        special::add_plan_item, special::burden,
        deadlines::urge, deadlines::extension, deadlines::cadence, deadlines::notifications, deadlines::read, deadlines::channels,
        deadlines::set_channel, deadlines::calendar, deadlines::import_calendar, deadlines::task_listing, deadlines::unit_listing,
        deadlines::listings),
    components(schemas(ErrorBody, LoginBody, TokenBody, MeBody, WorkItemBody, LedgerBody, LedgerRowBody, UnitBody, UserBody, NewMatterBody, NewTaskBody, CreatedBody, MatterBody, TaskBody, ActionBody, OfferedBody, ReceiptBody, ReportBody, AttachmentBody, StepBody, InstructionBody, BulletinSummary, NewBulletinBody, BulletinBody, EditBulletinBody, BulletinActionBody, ReportUploadForm,
        InspectionBody, special::ApplicationBody, crate::pages::matters::SuperiorForm, crate::pages::special::ApplicationForm,
        crate::pages::special::AppActForm, crate::pages::special::LaunchForm, crate::pages::special::PlanForm, crate::pages::tasks::ScoreForm,
        DeadlineBody, deadlines::UrgeBody, crate::pages::tasks::ExtensionForm, crate::pages::tasks::CadenceForm, deadlines::NotificationsBody,
        deadlines::ReadBody, deadlines::ChannelBody, deadlines::CalendarImport, crate::pages::tasks::ListingForm)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// JSON body whose parse errors are answered in Chinese as `{code, message}`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError::bad_request(match e {
                JsonRejection::MissingJsonContentType(_) => {
                    "请求须为 JSON（Content-Type: application/json）".to_owned()
                }
                JsonRejection::JsonSyntaxError(e) => {
                    format!("请求体不是有效的 JSON：{}", e.body_text())
                }
                JsonRejection::JsonDataError(e) => format!("请求字段有误：{}", e.body_text()),
                other => format!("请求体无法读取：{}", other.body_text()),
            })),
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Sign in; answers a bearer token for the other calls.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginBody, security(()), responses(
    (status = 200, body = TokenBody), (status = 401, body = ErrorBody, description = "用户名或密码错误/已锁定")))]
async fn create_session(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(b): ApiJson<LoginBody>,
) -> Response {
    match auth::login(&state, &b.username, &b.password, SessionKind::Api, &ip).await {
        Ok(token) => Json(TokenBody { token }).into_response(),
        Err(auth::LoginError::Internal(e)) => ApiError(e).into_response(),
        Err(e) => {
            let code = if matches!(e, auth::LoginError::Locked) {
                "locked"
            } else {
                "unauthorized"
            };
            (
                StatusCode::UNAUTHORIZED,
                Json(ErrorBody {
                    code: code.into(),
                    message: e.message(),
                }),
            )
                .into_response()
        }
    }
}

/// Sign out: the token stops working.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)))]
async fn end_session(State(state): State<AppState>, ApiUser(u): ApiUser) -> ApiResult<StatusCode> {
    state.store.end_session(&u.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user, roles and the number of open work items.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeBody)))]
async fn me(State(state): State<AppState>, ApiUser(u): ApiUser) -> ApiResult<Json<MeBody>> {
    let todo = state.store.todo_count(&u.actor).await?;
    Ok(Json(MeBody::new(&u.actor, todo)))
}

/// 待办: what waits for the signed-in user.
#[utoipa::path(get, path = "/api/v1/work", responses((status = 200, body = [WorkItemBody])))]
async fn work(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<WorkItemBody>>> {
    Ok(Json(
        state
            .store
            .todo(&u.actor, 500)
            .await?
            .into_iter()
            .map(WorkItemBody::from)
            .collect(),
    ))
}

/// 督查工作台账: filtered, sorted, keyset-paged; `next` is the cursor for `after`.
#[utoipa::path(get, path = "/api/v1/ledger", params(LedgerQuery), responses((status = 200, body = LedgerBody)))]
async fn ledger(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<LedgerQuery>,
) -> ApiResult<Json<LedgerBody>> {
    let f = q.filter()?;
    let page = state
        .store
        .ledger(
            &u.actor,
            &f,
            q.sort(),
            q.after.as_deref().filter(|s| !s.is_empty()),
            q.limit.unwrap_or(50),
        )
        .await?;
    let clock = crate::view::Clock::load(&state).await?;
    Ok(Json(LedgerBody {
        total: page.total,
        next: page.next,
        rows: page
            .rows
            .iter()
            .map(|r| LedgerRowBody::new(r, &clock))
            .collect(),
    }))
}

/// Units (for pickers).
#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, body = [UnitBody])))]
async fn units(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
) -> ApiResult<Json<Vec<UnitBody>>> {
    Ok(Json(
        state
            .store
            .units()
            .await?
            .into_iter()
            .map(UnitBody::from)
            .collect(),
    ))
}

/// People (for pickers): id, name, unit and roles. Office and leaders only.
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = [UserBody]), (status = 403, body = ErrorBody)))]
async fn users(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<UserBody>>> {
    // The office and leaders pick people; others need no list of every account.
    if !user.actor.sees_all_matters() {
        return Err(
            duban_domain::DomainError::forbidden("人员名单仅考核督查办和街道领导可查").into(),
        );
    }
    Ok(Json(
        state
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(UserBody::from)
            .collect(),
    ))
}

fn parse_task(
    t: &NewTaskBody,
    cal: &duban_domain::Calendar,
) -> Result<NewTask, duban_domain::DomainError> {
    let raw = RawTask {
        content: &t.content,
        requirements: &t.requirements,
        deadline: &t.deadline,
        leaders: t.leaders.clone(),
        lead_unit: t.lead_unit,
        coop_units: t.coop_units.clone(),
        urgency: t.urgency.as_deref().unwrap_or(""),
        cadence: t.cadence.as_deref().unwrap_or(""),
    };
    NewTask::parse(raw, china_date(duban_store::now_ms()), cal)
}

/// 登记报备: register a Local matter with its tasks (分解立项). Office only.
#[utoipa::path(post, path = "/api/v1/matters", request_body = NewMatterBody, responses(
    (status = 201, body = CreatedBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_matter(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<NewMatterBody>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let today = china_date(duban_store::now_ms());
    let m = NewMatter::parse(
        &b.title,
        &b.source,
        &b.source_date,
        &b.source_text,
        b.urgency.as_deref().unwrap_or(""),
        today,
    )?;
    let cal = state.store.calendar().await?;
    let tasks = b
        .tasks
        .iter()
        .map(|t| parse_task(t, &cal))
        .collect::<Result<Vec<_>, _>>()?;
    let id = state
        .store
        .create_matter(&u.actor, m, tasks, &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

/// A matter with its tasks, the actions the caller may take now, bulletins, instructions, timeline.
#[utoipa::path(get, path = "/api/v1/matters/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = MatterBody), (status = 404, body = ErrorBody)))]
pub(super) async fn matter(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<MatterBody>> {
    let v = state.store.matter_view(&u.actor, MatterId(id)).await?;
    let actions = matter_actions(&u.actor, &v.matter, &v.tasks);
    let timeline = state.store.timeline_for(&u.actor, &v).await?;
    let instructions = state
        .store
        .instructions(ObjectRef::Matter(MatterId(id)))
        .await?;
    let mut body = MatterBody::new(&v, actions, timeline, instructions);
    let clock = crate::view::Clock::load(&state).await?;
    body.tasks = v
        .tasks
        .iter()
        .map(|t| TaskSummary::lit(t, &clock))
        .collect();
    if let Some(d) = state.store.special_view(&u.actor, MatterId(id)).await? {
        let ctx = duban_domain::InspectionContext {
            tasks: &v.tasks,
            inspection: &d.inspection,
            applications: &d.applications,
        };
        let actions =
            duban_domain::inspection_actions(&u.actor, &v.matter, &ctx, duban_store::now_ms());
        body.inspection = Some(InspectionBody {
            joint: d.joint(),
            actions: actions.into_iter().map(Into::into).collect(),
            plan: d.inspection,
            applications: d.applications,
            scores: d.scores,
        });
    }
    Ok(Json(body))
}

/// 分解立项: add a task while the matter is being registered.
#[utoipa::path(post, path = "/api/v1/matters/{id}/tasks", params(("id" = i64, Path), ("version" = i64, Query, description = "the matter's version")),
    request_body = NewTaskBody, responses((status = 201, body = CreatedBody), (status = 409, body = ErrorBody)))]
async fn add_task(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    Query(v): Query<VersionQuery>,
    ApiJson(b): ApiJson<NewTaskBody>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let t = parse_task(&b, &state.store.calendar().await?)?;
    let tid = state
        .store
        .add_task(&u.actor, MatterId(id), v.version, t, &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: tid.0 })))
}

/// A step on a matter: submit (呈批), approve (批示同意), return (退回), issue_notice (印发督办通知), archive (归档).
#[utoipa::path(post, path = "/api/v1/matters/{id}/actions", params(("id" = i64, Path)), request_body = ActionBody,
    responses((status = 200, body = MatterBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn matter_action(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<Json<MatterBody>> {
    let cmd = MatterCommand::parse(&b.action, b.text.as_deref())?;
    state
        .store
        .act_on_matter(&u.actor, MatterId(id), b.version, cmd, &ip.meta())
        .await?;
    matter(State(state), ApiUser(u), Path(id)).await
}

/// A task with receipts, reports (and their attachments) and the actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = TaskBody), (status = 404, body = ErrorBody)))]
pub(super) async fn task(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<TaskBody>> {
    let v = state.store.task_view(&u.actor, TaskId(id)).await?;
    let actions = task_actions(&u.actor, &v.task, &v.context());
    let attachments = state.store.task_attachments(TaskId(id)).await?;
    let clock = crate::view::Clock::load(&state).await?;
    let mut body = TaskBody::new(&v, actions, attachments);
    body.task = TaskSummary::lit(&v.task, &clock);
    body.deadline = Some(deadlines::deadline_body(&state, &u.actor, &v, &clock).await?);
    Ok(Json(body))
}

/// A step on a task: sign (签收), report / report_final (报送), confirm (确认办结), return_report (退回), close (销号).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/actions", params(("id" = i64, Path)), request_body = ActionBody,
    responses((status = 200, body = TaskBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn task_action(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<Json<TaskBody>> {
    let cmd = TaskCommand::parse(&b.action, b.text.as_deref())?;
    state
        .store
        .act_on_task(&u.actor, TaskId(id), b.version, cmd, &[], &ip.meta())
        .await?;
    task(State(state), ApiUser(u), Path(id)).await
}

/// 报送落实情况 with attachments (multipart/form-data: version, action=report|report_final, body, files…).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", params(("id" = i64, Path)),
    request_body(content = ReportUploadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = TaskBody), (status = 422, body = ErrorBody)))]
async fn task_report(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    mp: Multipart,
) -> ApiResult<Json<TaskBody>> {
    state.store.task_view(&u.actor, TaskId(id)).await?;
    let up = crate::pages::tasks::read_report(&state, mp, None).await?;
    crate::pages::tasks::submit_report(&state, &u, id, up, &ip.meta()).await?;
    task(State(state), ApiUser(u), Path(id)).await
}

/// Download an attachment (only if the caller may see its task).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn attachment(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(crate::pages::tasks::attachment_response(&state, &u, id).await?)
}

/// 编制督查通报 over dispatched Local matters; the draft is assembled from the reports.
#[utoipa::path(post, path = "/api/v1/bulletins", request_body = NewBulletinBody, responses(
    (status = 201, body = CreatedBody), (status = 409, body = ErrorBody)))]
async fn create_bulletin(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    ApiJson(b): ApiJson<NewBulletinBody>,
) -> ApiResult<(StatusCode, Json<CreatedBody>)> {
    let ids: Vec<MatterId> = b.matter_ids.iter().copied().map(MatterId).collect();
    let id = state
        .store
        .create_bulletin(&u.actor, &ids, &ip.meta())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id: id.0 })))
}

/// A bulletin with the actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = BulletinBody), (status = 404, body = ErrorBody)))]
async fn bulletin(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<BulletinBody>> {
    let (b, _, tasks) = state.store.bulletin_view(&u.actor, BulletinId(id)).await?;
    let actions = bulletin_actions(&u.actor, &b, &tasks);
    let settings = state.store.settings().await?;
    let periodical = b
        .issue_no
        .map(|n| format!("《{}》{}年第{n}期", settings.periodical(), b.year));
    Ok(Json(BulletinBody::new(&b, actions, periodical)))
}

/// Edit a draft bulletin (起草中/待定稿).
#[utoipa::path(put, path = "/api/v1/bulletins/{id}", params(("id" = i64, Path)), request_body = EditBulletinBody,
    responses((status = 200, body = BulletinBody), (status = 409, body = ErrorBody)))]
async fn edit_bulletin(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EditBulletinBody>,
) -> ApiResult<Json<BulletinBody>> {
    state
        .store
        .edit_bulletin(
            &u.actor,
            BulletinId(id),
            b.version,
            &b.title,
            &b.body,
            &ip.meta(),
        )
        .await?;
    bulletin(State(state), ApiUser(u), Path(id)).await
}

/// A step on a bulletin: submit_review (报审), review (审阅), instruct (批示), return (退回), publish (定稿印发, with title, body, scope).
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/actions", params(("id" = i64, Path)), request_body = BulletinActionBody,
    responses((status = 200, body = BulletinBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn bulletin_action(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<BulletinActionBody>,
) -> ApiResult<Json<BulletinBody>> {
    let cmd = b.command()?;
    state
        .store
        .act_on_bulletin(&u.actor, BulletinId(id), b.version, cmd, &ip.meta())
        .await?;
    bulletin(State(state), ApiUser(u), Path(id)).await
}

/// 督办通知 as .docx (GB/T 9704), once issued.
#[utoipa::path(get, path = "/api/v1/matters/{id}/notice.docx", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 409, body = ErrorBody)))]
async fn notice_docx(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(
        crate::documents::notice_docx(&state, &u.actor, MatterId(id))
            .await?
            .download()?,
    )
}

/// The archive package (归档备查) of a closed matter: documents, reports, attachments, timeline, index.
#[utoipa::path(get, path = "/api/v1/matters/{id}/archive.zip", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/zip"), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn archive_zip(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    ip: ClientIp,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (name, bytes) =
        crate::documents::archive_zip(&state, &u.actor, MatterId(id), &ip.meta()).await?;
    Ok(crate::documents::download(&name, "application/zip", bytes))
}

/// A published bulletin as its periodical issue (.docx).
#[utoipa::path(get, path = "/api/v1/bulletins/{id}/issue.docx", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 409, body = ErrorBody)))]
async fn issue_docx(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(
        crate::documents::bulletin_docx(&state, &u.actor, BulletinId(id))
            .await?
            .download()?,
    )
}

/// Answers the framework's own plain-text rejections (bad path or query values, a missing
/// multipart boundary, a body too large) as `{code, message}` in Chinese like every other error.
async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() || is_json {
        return res;
    }
    let detail = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "请求内容过大".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "该接口不支持此请求方法".to_owned())
        }
        StatusCode::NOT_FOUND => ("not_found", "没有这个接口".to_owned()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("invalid_input", format!("请求的内容类型不正确：{detail}"))
        }
        _ => ("invalid_input", format!("请求参数有误：{detail}")),
    };
    (
        status,
        Json(ErrorBody {
            code: code.into(),
            message,
        }),
    )
        .into_response()
}
