//! Duban's web layer: zh-CN pages (askama) and the JSON API (`/api/v1`) over the same store and
//! domain. Handlers are thin: extract, call one service, render.

pub mod api;
mod assets;
pub mod auth;
mod charts;
mod documents;
pub mod error;
pub mod jobs;
pub mod pages;
pub(crate) mod view;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use duban_store::Store;

/// Settings the web layer needs; built from the configuration file and environment by the binary.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where attachments are kept (outside any served folder).
    pub blob_dir: PathBuf,
    pub idle_timeout: Duration,
    pub max_upload_bytes: u64,
    pub lockout_attempts: i64,
    pub lockout_window: Duration,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            blob_dir: PathBuf::from("data/attachments"),
            idle_timeout: Duration::from_secs(30 * 60),
            max_upload_bytes: 50 * 1024 * 1024,
            lockout_attempts: 5,
            lockout_window: Duration::from_secs(15 * 60),
            secure_cookies: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
}

/// The whole application: pages, API, assets, health.
pub fn router(state: AppState) -> Router {
    // Forms and JSON: 1 MiB (a 50 000-character bulletin fits). Report uploads: the configured
    // file limit, a few files at once.
    let upload_limit = (state.config.max_upload_bytes as usize)
        .saturating_mul(4)
        .saturating_add(1024 * 1024);
    let body_limit = 1024 * 1024;
    Router::new()
        .merge(pages::router(upload_limit))
        .nest("/api/v1", api::router(upload_limit))
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(assets::serve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_session,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "数据库不可用").into_response()
        }
    }
}

/// Headers every response carries: no framing, no sniffing, only our own scripts and styles.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::CACHE_CONTROL, "no-store");
    res
}
