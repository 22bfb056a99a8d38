//! 督查通报: compiled from the reports, reviewed by the supervision leader, instructed by the
//! principal leader, revised and published as an issue of the periodical (《张范督查》第N期).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{
    BulletinId, MatterId, ObjectRef, OfferedAction, bulletin_actions, can_edit_bulletin,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{ActionBlock, InstructionLine, Nav, instruction_lines};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bulletins", get(list).post(create))
        .route("/bulletins/{id}", get(page))
        .route("/bulletins/{id}/edit", post(edit))
        .route("/bulletins/{id}/act", post(act))
        .route("/bulletins/{id}/print", get(print))
        .route("/bulletins/{id}/issue.docx", get(issue_docx))
}

struct Line {
    id: i64,
    title: String,
    state_code: &'static str,
    state_label: &'static str,
    kind: &'static str,
    issue: String,
    at: String,
}

#[derive(Template)]
#[template(path = "bulletins.html")]
struct ListView {
    nav: Nav,
    lines: Vec<Line>,
}

async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let periodical = state.store.settings().await?.periodical();
    let lines = state
        .store
        .bulletins(&user.actor, 200)
        .await?
        .into_iter()
        .map(|b| Line {
            id: b.id.0,
            state_code: b.state.code(),
            state_label: b.state_label(),
            kind: b.kind.label(),
            issue: match (&b.doc_no, b.issue_no) {
                (Some(no), _) => no.clone(),
                (None, Some(n)) => format!("《{periodical}》{}年第{n}期", b.year),
                (None, None) => String::new(),
            },
            title: b.title,
            at: cn_datetime(b.published_at.unwrap_or(b.created_at)),
        })
        .collect();
    render(&ListView {
        nav: Nav::new(&state, &user, "bulletins").await?,
        lines,
    })
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    matters: Vec<i64>,
}

async fn create(
    State(state): State<AppState>,
    f: CsrfForm<CreateForm>,
) -> Result<Response, PageError> {
    let ids: Vec<MatterId> = f.form.matters.iter().copied().map(MatterId).collect();
    let id = state
        .store
        .create_bulletin(&f.user.actor, &ids, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/bulletins/{}", id.0)).into_response())
}

struct MatterLink {
    id: i64,
    ledger_no: String,
    title: String,
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct PageView {
    nav: Nav,
    id: i64,
    version: i64,
    title: String,
    body: String,
    state_code: &'static str,
    state_label: &'static str,
    issue: Option<String>,
    scope: String,
    editable: bool,
    matters: Vec<MatterLink>,
    block: ActionBlock,
    publish: Option<OfferedAction>,
    instructions: Vec<InstructionLine>,
    /// 督查通报 or 督查汇报.
    kind: &'static str,
    is_report: bool,
    /// For a 督查汇报: the matters' report recipient, and how it went up once reported.
    report_to: String,
    upward: Option<String>,
    doc_no: Option<String>,
    today: String,
    /// Units of the covered tasks, for feeding a problem back (整改) from a published bulletin.
    rectify_units: Vec<crate::view::Opt>,
}

async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(done): Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let (b, matters, tasks) = state.store.bulletin_view(a, BulletinId(id)).await?;
    let settings = state.store.settings().await?;
    let (publish, actions): (Vec<_>, Vec<_>) = bulletin_actions(a, &b, &tasks)
        .into_iter()
        .partition(|x| x.code == "publish" || x.code == "report_upward");
    let is_report = b.kind == duban_domain::BulletinKind::Report;
    let view = PageView {
        id,
        version: b.version,
        title: b.title.clone(),
        body: b.body.clone(),
        state_code: b.state.code(),
        state_label: b.state_label(),
        issue: b
            .issue_no
            .map(|n| format!("《{}》{}年第{n}期", settings.periodical(), b.year)),
        scope: b.scope.clone().unwrap_or(settings.default_scope),
        editable: can_edit_bulletin(a, &b).is_ok(),
        matters: matters
            .iter()
            .map(|m| MatterLink {
                id: m.id.0,
                ledger_no: m.ledger_no(),
                title: m.title.clone(),
            })
            .collect(),
        block: ActionBlock {
            url: format!("/bulletins/{id}/act"),
            version: b.version,
            actions,
        },
        publish: publish.into_iter().next(),
        kind: b.kind.label(),
        is_report,
        report_to: matters
            .iter()
            .filter_map(|m| m.superior.as_ref().map(|s| s.report_to.clone()))
            .next()
            .unwrap_or_default(),
        upward: b.upward.as_ref().map(|u| {
            format!(
                "{}以{}上报{}",
                duban_domain::time::cn_date(u.on),
                u.via,
                u.to
            )
        }),
        doc_no: b.doc_no.clone(),
        today: duban_domain::time::china_date(duban_store::now_ms())
            .format("%Y-%m-%d")
            .to_string(),
        rectify_units: if a.has(duban_domain::Role::SupervisionOffice)
            && b.state == duban_domain::BulletinState::Published
        {
            let names = crate::view::Names::load(&state).await?;
            let mut units: Vec<_> = tasks.iter().map(|t| t.lead_unit).collect();
            units.sort();
            units.dedup();
            units
                .into_iter()
                .map(|u| crate::view::Opt {
                    value: u.0.to_string(),
                    label: names.unit(u),
                    selected: false,
                })
                .collect()
        } else {
            vec![]
        },
        instructions: instruction_lines(state.store.instructions(ObjectRef::Bulletin(b.id)).await?),
        nav: Nav::new(&state, &user, "bulletins").await?.with_done(&done),
    };
    render(&view)
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<EditForm>,
) -> Result<Response, PageError> {
    let e = &f.form;
    state
        .store
        .edit_bulletin(
            &f.user.actor,
            BulletinId(id),
            e.version,
            &e.title,
            &e.body,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/bulletins/{id}")).into_response())
}

/// The steps' form; publishing also carries the final title, body and scope.
/// The form of a bulletin step is the API body: one parser for both.
pub(crate) type BulletinActForm = crate::api::dto::BulletinActionBody;

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<BulletinActForm>,
) -> Result<Response, PageError> {
    let cmd = f.form.command()?;
    state
        .store
        .act_on_bulletin(
            &f.user.actor,
            BulletinId(id),
            f.form.version,
            cmd,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/bulletins/{id}?done={}", f.form.action)).into_response())
}

#[derive(Template)]
#[template(path = "print_bulletin.html")]
struct PrintView {
    css: String,
    js: String,
    org: String,
    periodical: String,
    issue: String,
    title: String,
    paragraphs: Vec<String>,
    scope: String,
    date: String,
    draft: bool,
}

/// The bulletin as the periodical issue prints it (no navigation).
async fn print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (b, _, _) = state
        .store
        .bulletin_view(&user.actor, BulletinId(id))
        .await?;
    if b.state == duban_domain::BulletinState::Published {
        // The issued document itself, as the Word file has it.
        return crate::documents::bulletin_docx(&state, &user.actor, BulletinId(id))
            .await?
            .print(format!("/bulletins/{id}/issue.docx"));
    }
    let settings = state.store.settings().await?;
    let at = b.published_at.unwrap_or(b.created_at);
    let view = PrintView {
        css: crate::assets::css_url(),
        js: crate::assets::js_url(),
        periodical: settings.periodical(),
        issue: b
            .issue_no
            .map(|n| format!("{}年第{n}期", b.year))
            .unwrap_or_else(|| "（送审稿）".to_owned()),
        title: b.title.clone(),
        paragraphs: b
            .body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        scope: b.scope.clone().unwrap_or(settings.default_scope),
        date: cn_date(china_date(at)),
        draft: b.published_at.is_none(),
        org: settings.org_name,
    };
    render(&view)
}

async fn issue_docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(
        crate::documents::bulletin_docx(&state, &user.actor, BulletinId(id))
            .await?
            .download()?,
    )
}
