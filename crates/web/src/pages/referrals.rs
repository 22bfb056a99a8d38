//! 问责 and 移送纪工委 in pages: the forms on a task, the committee's list of referrals, each
//! referral's package (one .zip) and its acknowledgement (受理).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{AccountTarget, NewAccountability, TaskId, UnitId, UserId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{Names, Nav};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}/accountability", post(hold))
        .route("/tasks/{id}/refer", post(refer))
        .route("/referrals", get(list))
        .route("/referrals/{id}", get(page))
        .route("/referrals/{id}/package.zip", get(package))
        .route("/referrals/{id}/acknowledge", post(acknowledge))
}

/// A 问责 record as the form sends it; `target` is `unit:ID` or `user:ID`.
#[derive(Deserialize)]
struct HoldForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    decided_by: String,
}

fn target(raw: &str) -> Option<AccountTarget> {
    let (k, id) = raw.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    match k {
        "unit" => Some(AccountTarget::Unit(UnitId(id))),
        "user" => Some(AccountTarget::Person(UserId(id))),
        _ => None,
    }
}

async fn hold(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<HoldForm>,
) -> Result<Response, PageError> {
    let a = &f.user.actor;
    state.store.task_view(a, TaskId(id)).await?;
    let h = &f.form;
    let new = NewAccountability::parse(
        a,
        target(&h.target),
        &h.kind,
        &h.facts,
        &h.decision,
        &h.decided_on,
        &h.decided_by,
        china_date(duban_store::now_ms()),
    )?;
    state
        .store
        .hold_to_account(a, TaskId(id), &new, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=accountability")).into_response())
}

#[derive(Deserialize)]
struct ReferForm {
    #[serde(default)]
    text: String,
}

async fn refer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ReferForm>,
) -> Result<Response, PageError> {
    let a = &f.user.actor;
    state.store.task_view(a, TaskId(id)).await?;
    state
        .store
        .refer(a, TaskId(id), &f.form.text, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=refer")).into_response())
}

struct Line {
    id: i64,
    task: String,
    reason: String,
    at: String,
    status: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListView {
    nav: Nav,
    lines: Vec<Line>,
}

async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let rows = state.store.referrals(&user.actor).await?;
    let mut lines = Vec::new();
    for (r, task) in rows {
        lines.push(Line {
            id: r.id,
            task,
            reason: r.reason.clone(),
            at: cn_datetime(r.created_at),
            status: match r.acknowledged_at {
                Some(at) => format!("已受理（{}）", cn_datetime(at)),
                None => "待受理".to_owned(),
            },
            open: r.acknowledged_at.is_none(),
        });
    }
    render(&ListView {
        nav: Nav::new(&state, &user, "referrals").await?,
        lines,
    })
}

#[derive(Template)]
#[template(path = "referral.html")]
struct PageView {
    nav: Nav,
    id: i64,
    ledger_no: String,
    matter: String,
    task: String,
    lead_unit: String,
    deadline: String,
    reason: String,
    at: String,
    ack: Option<String>,
    can_ack: bool,
    accountability: Vec<String>,
    trail: Vec<(String, String, String)>,
}

async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let p = state.store.referral_package(a, id).await?;
    let names = Names::load(&state).await?;
    render(&PageView {
        nav: Nav::new(&state, &user, "referrals").await?,
        id,
        ledger_no: p.task.matter.ledger_no(),
        matter: p.task.matter.title.clone(),
        task: p.task.task.content.clone(),
        lead_unit: names.unit(p.task.task.lead_unit),
        deadline: cn_date(p.task.task.deadline),
        reason: p.referral.reason.clone(),
        at: cn_datetime(p.referral.created_at),
        ack: p.referral.acknowledged_at.map(|at| {
            format!(
                "{} {} 受理：{}",
                cn_datetime(at),
                p.referral
                    .acknowledged_by
                    .map(|u| names.user(u))
                    .unwrap_or_default(),
                p.referral.ack_note.clone().unwrap_or_default()
            )
        }),
        can_ack: a.has(duban_domain::Role::Discipline) && p.referral.acknowledged_at.is_none(),
        accountability: p
            .accountability
            .iter()
            .map(|x| crate::documents::accountability_line(x, &names))
            .collect(),
        trail: p
            .trail
            .iter()
            .map(|r| (cn_datetime(r.at), r.actor_name.clone(), r.summary.clone()))
            .collect(),
    })
}

async fn package(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ip: crate::auth::ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = crate::documents::referral_zip(&state, &user.actor, id, &ip.meta()).await?;
    Ok(crate::documents::download(&name, "application/zip", bytes))
}

#[derive(Deserialize)]
struct AckForm {
    #[serde(default)]
    text: String,
}

async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<AckForm>,
) -> Result<Response, PageError> {
    state
        .store
        .acknowledge_referral(&f.user.actor, id, &f.form.text, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/referrals/{id}?done=acknowledge")).into_response())
}
