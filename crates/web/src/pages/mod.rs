//! The zh-CN pages. Each area has its own module; all state-changing forms go through `CsrfForm`.

mod admin;
mod bulletins;
mod dashboard;
pub(crate) mod ledger;
pub(crate) mod matters;
mod notices;
mod rectify;
mod referrals;
mod scores;
pub(crate) mod special;
pub(crate) mod tasks;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::ObjectRef;
use duban_domain::time::cn_datetime;
use duban_store::sessions::{SessionKind, random_token};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, ClientIp, CsrfForm, LOGIN_CSRF_COOKIE, PageUser, cookie, same_token};
use crate::error::PageError;
use crate::view::Nav;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/work") }))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/work", get(work))
        .merge(ledger::router())
        .merge(matters::router())
        .merge(tasks::router(upload_limit))
        .merge(bulletins::router())
        .merge(special::router())
        .merge(notices::router())
        .merge(dashboard::router())
        .merge(referrals::router())
        .merge(rectify::router())
        .merge(scores::router())
        .merge(admin::router())
}

/// Renders a template, or a plain error if the template itself fails.
pub(crate) fn render<T: Template>(t: &T) -> Result<Response, PageError> {
    let html = t
        .render()
        .map_err(|e| duban_store::StoreError::Config(format!("模板渲染失败：{e}")))?;
    Ok(Html(html).into_response())
}

/// A link to the page of what a work item or audit record is about.
pub(crate) fn link_of(object: ObjectRef) -> String {
    match object {
        ObjectRef::Matter(id) => format!("/matters/{}", id.0),
        ObjectRef::Task(id) => format!("/tasks/{}", id.0),
        ObjectRef::Bulletin(id) => format!("/bulletins/{}", id.0),
        ObjectRef::Application(id) => format!("/applications/{}", id.0),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    css: String,
    org: String,
    error: Option<String>,
    next: String,
    csrf: String,
    username: String,
    first_run: bool,
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths may be a `next`, never another site.
fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.chars().all(|c| c.is_ascii_graphic());
    if local {
        next.to_owned()
    } else {
        "/work".to_owned()
    }
}

async fn login_form(
    state: &AppState,
    error: Option<String>,
    next: &str,
    username: &str,
) -> Result<Response, PageError> {
    let csrf = random_token();
    let page = LoginPage {
        css: crate::assets::css_url(),
        org: state.store.settings().await?.org_name,
        error,
        next: safe_next(next),
        csrf: csrf.clone(),
        username: username.to_owned(),
        first_run: state.store.user_count().await? == 0,
    };
    let mut res = render(&page)?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let c = format!("{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict{secure}");
    if let Ok(v) = c.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    login_form(&state, None, &q.next, "").await
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_submit(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> Result<Response, PageError> {
    // Double-submit token: the form's value must match the cookie set with the form.
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_token(&expected, &f.csrf) {
        return login_form(
            &state,
            Some("登录页面已过期，请重新输入".into()),
            &f.next,
            &f.username,
        )
        .await;
    }
    if let Some(old) = cookie(&headers, auth::SESSION_COOKIE) {
        state.store.end_session(&old).await?;
    }
    match auth::login(&state, &f.username, &f.password, SessionKind::Web, &ip).await {
        Ok(token) => {
            let mut res = Redirect::to(&safe_next(&f.next)).into_response();
            if let Ok(v) = auth::session_cookie(&state, &token).parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = auth::clear_cookie(LOGIN_CSRF_COOKIE).parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e) => {
            if let auth::LoginError::Internal(err) = e {
                return Err(PageError(err));
            }
            let mut res = login_form(&state, Some(e.message()), &f.next, &f.username).await?;
            *res.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(res)
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(State(state): State<AppState>, f: CsrfForm<Empty>) -> Result<Response, PageError> {
    state.store.end_session(&f.user.token).await?;
    let e = duban_store::audit::AuditEntry::by(
        Some(&f.user.actor),
        "logout",
        "user",
        f.user.actor.user_id.0,
        "退出系统",
    );
    state.store.audit(e, &f.ip.meta()).await?;
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = auth::clear_cookie(auth::SESSION_COOKIE).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

struct WorkRow {
    action: &'static str,
    title: String,
    ledger_no: String,
    link: String,
    at: String,
    code: &'static str,
    /// A task's light (code, label).
    light: Option<(&'static str, &'static str)>,
    listed: bool,
}

struct DoneRow {
    at: String,
    what: String,
    link: String,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    nav: Nav,
    tab: String,
    todo: Vec<WorkRow>,
    done: Vec<DoneRow>,
}

#[derive(Deserialize)]
struct WorkQuery {
    #[serde(default)]
    tab: String,
}

/// 我的工作: 待办 (what waits for me) and 已办 (what I did).
async fn work(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<WorkQuery>,
) -> Result<Response, PageError> {
    let nav = Nav::new(&state, &user, "work").await?;
    let tab = if q.tab == "done" { "done" } else { "todo" }.to_owned();
    let clock = crate::view::Clock::load(&state).await?;
    let items = state.store.todo(&user.actor, 200).await?;
    let task_ids: Vec<_> = items
        .iter()
        .filter_map(|w| match w.object {
            ObjectRef::Task(t) => Some(t),
            _ => None,
        })
        .collect();
    let listed = state.store.listed_among(&task_ids, &[]).await?;
    let todo = items
        .into_iter()
        .map(|w| WorkRow {
            listed: matches!(w.object, ObjectRef::Task(t) if listed.task(t)),
            light: w
                .light
                .map(|f| clock.light_of(&f))
                .map(|l| (l.code(), l.label())),
            action: w.action.label(),
            code: w.action.code(),
            title: w.title,
            ledger_no: w.ledger_no,
            link: link_of(w.object),
            at: cn_datetime(w.created_at),
        })
        .collect();
    let done = if tab == "done" {
        state
            .store
            .done_by(user.actor.user_id.0, 200)
            .await?
            .into_iter()
            .map(|r| DoneRow {
                at: cn_datetime(r.at),
                what: r.summary,
                link: ObjectRef::from_parts(&r.object_type, r.object_id)
                    .map(link_of)
                    .unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&WorkPage {
        nav,
        tab,
        todo,
        done,
    })
}
