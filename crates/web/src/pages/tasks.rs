//! 督办任务: the task page, its steps (签收、确认、退回、销号), progress reports with attachments,
//! and attachment downloads.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::time::{china_date, cn_datetime};
use duban_domain::{
    DomainError, ObjectRef, OfferedAction, Recipient, TaskCommand, TaskId, task_actions,
};
use duban_store::blobs::{self, StoredBlob};
use duban_store::{Meta, StoreError};

use crate::AppState;
use crate::auth::{Authed, ClientIp, CsrfForm, PageUser, csrf_rejection, same_token};
use crate::error::PageError;
use crate::pages::matters::ActForm;
use crate::pages::render;
use crate::view::{ActionBlock, InstructionLine, Names, Nav, Step, TaskLine, instruction_lines};

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}", get(task_page))
        .route("/tasks/{id}/act", post(act))
        .route("/tasks/{id}/score", post(score))
        .route(
            "/tasks/{id}/report",
            post(report).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(download))
}

struct ReceiptLine {
    who: String,
    kind: &'static str,
    signed: Option<String>,
    by: String,
}

struct AttachmentLine {
    id: i64,
    name: String,
    size: String,
}

struct ReportLine {
    unit: String,
    author: String,
    kind: &'static str,
    body: String,
    at: String,
    status_code: &'static str,
    status: &'static str,
    decision: Option<String>,
    attachments: Vec<AttachmentLine>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskView {
    nav: Nav,
    id: i64,
    version: i64,
    matter_id: i64,
    matter_title: String,
    ledger_no: String,
    notice_no: Option<String>,
    t: TaskLine,
    moments: Vec<(&'static str, String)>,
    receipts: Vec<ReceiptLine>,
    reports: Vec<ReportLine>,
    block: ActionBlock,
    report_actions: Vec<OfferedAction>,
    instructions: Vec<InstructionLine>,
    timeline: Vec<Step>,
    max_mb: u64,
    /// The score sheet this actor's department may fill in now (业务部门打分).
    score_sheet: Option<ScoreSheet>,
    /// Scores given so far (special inspections).
    scores: Vec<ScoreLine>,
}

struct ScoreSheet {
    department: String,
    items: Vec<(usize, String, String)>,
}

struct ScoreLine {
    department: String,
    item: String,
    max: String,
    points: String,
    remark: String,
}

fn size_label(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1048576.0)
    } else {
        format!("{:.0} KB", (n as f64 / 1024.0).ceil())
    }
}

async fn task_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(done): Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.store.task_view(a, TaskId(id)).await?;
    let names = Names::load(&state).await?;
    let today = china_date(duban_store::now_ms());
    let attachments = state.store.task_attachments(TaskId(id)).await?;
    let t = &v.task;
    let offered = task_actions(a, t, &v.context());
    let (report_actions, actions): (Vec<_>, Vec<_>) = offered
        .into_iter()
        .partition(|x| x.code.starts_with("report"));
    let moment = |label: &'static str, m: Option<i64>| {
        (label, m.map(cn_datetime).unwrap_or_else(|| "—".to_owned()))
    };
    let tobj = ObjectRef::Task(t.id);
    let timeline = state
        .store
        .timeline(v.matter.id.0)
        .await?
        .iter()
        .filter(|r| r.object_type == "task" && r.object_id == id)
        .map(Step::from)
        .collect();
    let view = TaskView {
        id,
        version: t.version,
        matter_id: v.matter.id.0,
        matter_title: v.matter.title.clone(),
        ledger_no: v.matter.ledger_no(),
        notice_no: v.matter.notice_no.clone(),
        t: TaskLine::new(t, &names, today),
        moments: vec![
            moment("立项", Some(t.registered_at)),
            moment("签收", t.received_at),
            moment("开展", t.started_at),
            moment("报告", t.reported_at),
            moment("完成", t.finished_at),
            moment("销号", t.closed_at),
        ],
        receipts: v
            .receipts
            .iter()
            .map(|r| {
                let (who, kind) = match r.recipient {
                    Recipient::User(u) => (names.user(u), "责任领导"),
                    Recipient::Unit(u) if u == t.lead_unit => (names.unit(u), "牵头单位"),
                    Recipient::Unit(u) => (names.unit(u), "配合单位"),
                };
                ReceiptLine {
                    who,
                    kind,
                    signed: r.signed_at.map(cn_datetime),
                    by: r.signed_by.map(|u| names.user(u)).unwrap_or_default(),
                }
            })
            .collect(),
        reports: v
            .reports
            .iter()
            .rev()
            .map(|r| ReportLine {
                unit: names.unit(r.unit_id),
                author: names.user(r.author_id),
                kind: if r.is_final {
                    "办结报告"
                } else {
                    "进展报告"
                },
                body: r.body.clone(),
                at: cn_datetime(r.submitted_at),
                status_code: r.status.code(),
                status: r.status.label(),
                decision: r.decision_note.clone().map(|n| {
                    format!(
                        "{}：{}",
                        r.decided_by.map(|u| names.user(u)).unwrap_or_default(),
                        n
                    )
                }),
                attachments: attachments
                    .iter()
                    .filter(|x| x.object_type == "report" && x.object_id == r.id.0)
                    .map(|x| AttachmentLine {
                        id: x.id,
                        name: x.name.clone(),
                        size: size_label(x.size),
                    })
                    .collect(),
            })
            .collect(),
        block: ActionBlock {
            url: format!("/tasks/{id}/act"),
            version: t.version,
            actions,
        },
        report_actions,
        instructions: instruction_lines(state.store.instructions(tobj).await?),
        timeline,
        max_mb: state.config.max_upload_bytes / 1024 / 1024,
        score_sheet: duban_domain::can_score(a, t, &v.context()).map(|app| ScoreSheet {
            department: names.unit(app.unit_id),
            items: app
                .score_items
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.name.clone(), duban_domain::points(s.max_tenths)))
                .collect(),
        }),
        scores: v
            .special
            .iter()
            .flat_map(|d| {
                d.scores
                    .iter()
                    .filter(|s| s.task_id == t.id)
                    .filter_map(|s| {
                        let app = d.applications.iter().find(|x| x.id == s.application_id)?;
                        let item = app.score_items.get(s.item)?;
                        Some(ScoreLine {
                            department: names.unit(app.unit_id),
                            item: item.name.clone(),
                            max: duban_domain::points(item.max_tenths),
                            points: duban_domain::points(s.tenths),
                            remark: s.remark.clone(),
                        })
                    })
            })
            .collect(),
        nav: Nav::new(&state, &user, "ledger").await?.with_done(&done),
    };
    render(&view)
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let cmd = TaskCommand::parse(&f.form.action, f.form.text.as_deref())?;
    state
        .store
        .act_on_task(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            cmd,
            &[],
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done={}", f.form.action)).into_response())
}

/// A department's scores: `points` and `remarks` in the order of its score sheet.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct ScoreForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub points: Vec<String>,
    #[serde(default)]
    pub remarks: Vec<String>,
}

impl ScoreForm {
    pub fn command(&self) -> TaskCommand {
        TaskCommand::Score {
            points: self
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), self.remarks.get(i).cloned().unwrap_or_default()))
                .collect(),
        }
    }
}

async fn score(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ScoreForm>,
) -> Result<Response, PageError> {
    state
        .store
        .act_on_task(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            f.form.command(),
            &[],
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=score")).into_response())
}

/// A progress report as a multipart form sends it (pages and API alike).
pub(crate) struct ReportUpload {
    pub csrf: String,
    pub version: i64,
    pub action: String,
    pub body: String,
    pub files: Vec<StoredBlob>,
}

/// Reads a report form; every file is checked (size, type by content) and stored as it arrives.
/// With `csrf`, the form's token must come (first) and match before any file is stored.
pub(crate) async fn read_report(
    state: &AppState,
    mut mp: Multipart,
    csrf: Option<&str>,
) -> Result<ReportUpload, StoreError> {
    let mut up = ReportUpload {
        csrf: String::new(),
        version: 0,
        action: "report".into(),
        body: String::new(),
        files: vec![],
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        DomainError::invalid("表单", format!("上传内容无法读取：{e}"))
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "files" => {
                if csrf.is_some_and(|expected| !same_token(&up.csrf, expected)) {
                    return Err(DomainError::forbidden(
                        "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重新提交",
                    )
                    .into());
                }
                let file_name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                if file_name.is_empty() && bytes.is_empty() {
                    continue; // an empty file input
                }
                up.files.push(
                    blobs::put(
                        &state.config.blob_dir,
                        &file_name,
                        &bytes,
                        state.config.max_upload_bytes,
                    )
                    .await?,
                );
            }
            "_csrf" => up.csrf = field.text().await.map_err(bad)?,
            "version" => {
                let t = field.text().await.map_err(bad)?;
                up.version = t
                    .trim()
                    .parse()
                    .map_err(|_| DomainError::invalid("版本", "无效"))?;
            }
            "action" | "final" => {
                let t = field.text().await.map_err(bad)?;
                up.action = match t.trim() {
                    "report_final" | "true" | "1" => "report_final".into(),
                    _ => "report".into(),
                };
            }
            "body" | "text" => up.body = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if up.files.len() > 20 {
        return Err(DomainError::invalid("附件", "一次最多上传20个文件").into());
    }
    Ok(up)
}

/// Applies a read report: the domain decides, the store links the files in the same transaction.
pub(crate) async fn submit_report(
    state: &AppState,
    user: &Authed,
    id: i64,
    up: ReportUpload,
    meta: &Meta,
) -> Result<(), StoreError> {
    let cmd = TaskCommand::parse(&up.action, Some(&up.body))?;
    state
        .store
        .act_on_task(&user.actor, TaskId(id), up.version, cmd, &up.files, meta)
        .await?;
    Ok(())
}

async fn report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    // Nothing is stored for a task the user cannot see, nor before the CSRF token matched.
    state.store.task_view(&user.actor, TaskId(id)).await?;
    let up = read_report(&state, mp, Some(&user.csrf)).await?;
    if !same_token(&up.csrf, &user.csrf) {
        return Ok(csrf_rejection());
    }
    let action = up.action.clone();
    submit_report(&state, &user, id, up, &ip.meta()).await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done={action}")).into_response())
}

/// Serves an attachment only as a download, only to someone who may see its task.
pub(crate) async fn attachment_response(
    state: &AppState,
    user: &Authed,
    id: i64,
) -> Result<Response, StoreError> {
    let a = state.store.attachment_for(&user.actor, id).await?;
    let bytes = tokio::fs::read(blobs::blob_path(&state.config.blob_dir, &a.sha256)).await?;
    Ok(crate::documents::download(
        &a.name,
        "application/octet-stream",
        bytes,
    ))
}

async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(attachment_response(&state, &user, id).await?)
}
