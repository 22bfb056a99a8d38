//! 整改: problems fed back to units (from bulletins, reports and inspections), the units'
//! reports and the office's verification.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::time::{cn_date, cn_datetime};
use duban_domain::{DomainError, ObjectRef, RectificationCommand, RectificationState, UnitId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::{link_of, render};
use crate::view::{Names, Nav};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rectifications", get(list).post(create))
        .route("/rectifications/{id}", get(page))
        .route("/rectifications/{id}/act", post(act))
}

struct Line {
    id: i64,
    unit: String,
    problem: String,
    deadline: String,
    state_code: &'static str,
    state: &'static str,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "rectifications.html")]
struct ListView {
    nav: Nav,
    lines: Vec<Line>,
}

async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let names = Names::load(&state).await?;
    let today = duban_domain::time::china_date(duban_store::now_ms());
    let lines = state
        .store
        .rectifications(&user.actor)
        .await?
        .into_iter()
        .map(|r| Line {
            id: r.id,
            unit: names.unit(r.unit_id),
            overdue: r.state != RectificationState::Verified && r.deadline < today,
            problem: r.problem,
            deadline: cn_date(r.deadline),
            state_code: match r.state {
                RectificationState::Open => "assigned",
                RectificationState::Reported => "awaiting_confirmation",
                RectificationState::Verified => "completed",
            },
            state: r.state.label(),
        })
        .collect();
    render(&ListView {
        nav: Nav::new(&state, &user, "rectifications").await?,
        lines,
    })
}

/// A new item as the forms on a task, bulletin or application page send it.
#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    unit: String,
    /// task, bulletin, application or matter
    #[serde(default)]
    source_type: String,
    #[serde(default)]
    source_id: i64,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    deadline: String,
}

async fn create(
    State(state): State<AppState>,
    f: CsrfForm<NewForm>,
) -> Result<Response, PageError> {
    let unit: i64 = f
        .form
        .unit
        .trim()
        .parse()
        .map_err(|_| DomainError::invalid("责任单位", "请选择责任单位"))?;
    let source = ObjectRef::from_parts(&f.form.source_type, f.form.source_id)
        .ok_or_else(|| DomainError::invalid("来源", "来源无效"))?;
    let id = state
        .store
        .create_rectification(
            &f.user.actor,
            UnitId(unit),
            source,
            &f.form.problem,
            &f.form.deadline,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/rectifications/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "rectification.html")]
struct PageView {
    nav: Nav,
    id: i64,
    version: i64,
    unit: String,
    problem: String,
    deadline: String,
    state: &'static str,
    source: String,
    report: Option<(String, String)>,
    verify: Option<(String, String)>,
    can_report: bool,
    can_verify: bool,
}

async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    axum::extract::Query(done): axum::extract::Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let r = state.store.rectification(a, id).await?;
    let names = Names::load(&state).await?;
    let probe = |code| {
        RectificationCommand::parse(code, Some("（检查）"))
            .and_then(|c| duban_domain::decide_rectification(a, &r, c))
            .is_ok()
    };
    render(&PageView {
        nav: Nav::new(&state, &user, "rectifications")
            .await?
            .with_done(&done),
        id,
        version: r.version,
        unit: names.unit(r.unit_id),
        problem: r.problem.clone(),
        deadline: cn_date(r.deadline),
        state: r.state.label(),
        source: link_of(r.source),
        report: r
            .report
            .clone()
            .map(|t| (t, r.reported_at.map(cn_datetime).unwrap_or_default())),
        verify: r
            .verify_note
            .clone()
            .map(|t| (t, r.verified_at.map(cn_datetime).unwrap_or_default())),
        can_report: probe("report"),
        can_verify: probe("verify"),
    })
}

#[derive(Deserialize)]
struct ActForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let cmd = RectificationCommand::parse(&f.form.action, f.form.text.as_deref())?;
    state
        .store
        .act_on_rectification(&f.user.actor, id, f.form.version, cmd, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!(
        "/rectifications/{id}?done=rectify_{}",
        f.form.action
    ))
    .into_response())
}
