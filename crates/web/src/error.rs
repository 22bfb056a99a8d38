//! One error, two renderers: the JSON API answers `{code, message}`, the pages a readable page.
//! A 500 logs the detail and shows none of it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use duban_domain::DomainError;
use duban_store::StoreError;
use serde::Serialize;

fn status_of(e: &StoreError) -> StatusCode {
    match e {
        StoreError::Domain(d) => match d {
            DomainError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
            DomainError::NotFound(_) => StatusCode::NOT_FOUND,
            DomainError::Conflict(_) => StatusCode::CONFLICT,
            DomainError::InvalidState(_) => StatusCode::CONFLICT,
        },
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// (status, code, message shown to the user)
fn describe(e: &StoreError) -> (StatusCode, &'static str, String) {
    let status = status_of(e);
    match e {
        StoreError::Domain(d) => (status, d.code(), d.to_string()),
        other => {
            tracing::error!(error = %other, "internal error");
            (
                status,
                "internal",
                "系统内部错误，请稍后重试；如反复出现请联系系统管理员。".to_owned(),
            )
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code: invalid_input, forbidden, not_found, conflict, invalid_state, unauthorized, internal.
    pub code: String,
    /// 中文说明
    pub message: String,
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError(pub StoreError);

impl<E: Into<StoreError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl ApiError {
    pub fn unauthorized() -> Response {
        let body = ErrorBody {
            code: "unauthorized".into(),
            message: "请先登录（在 Authorization 头中提供 Bearer 令牌）".into(),
        };
        (StatusCode::UNAUTHORIZED, Json(body)).into_response()
    }
    pub fn bad_request(message: String) -> Response {
        (
            StatusCode::BAD_REQUEST,
            Json(ErrorBody {
                code: "invalid_input".into(),
                message,
            }),
        )
            .into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = describe(&self.0);
        (
            status,
            Json(ErrorBody {
                code: code.into(),
                message,
            }),
        )
            .into_response()
    }
}

/// An error of the pages.
#[derive(Debug)]
pub struct PageError(pub StoreError);

impl<E: Into<StoreError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, _, message) = describe(&self.0);
        error_page(status, &message)
    }
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    use askama::Template;
    let title = match status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "填写有误",
        StatusCode::FORBIDDEN => "无权操作",
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::CONFLICT => "无法完成操作",
        _ => "系统错误",
    };
    let page = crate::view::ErrorPage {
        title,
        message,
        css: crate::assets::css_url(),
        js: crate::assets::js_url(),
    };
    let html = page.render().unwrap_or_else(|_| message.to_owned());
    (status, Html(html)).into_response()
}
