//! Sign-in, sessions and CSRF. Passwords are argon2id; sessions live in the database (cookie for
//! pages, bearer token for the API); every state-changing form carries the session's CSRF token.

use std::net::SocketAddr;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::{Actor, DomainError};
use duban_store::Meta;
use duban_store::audit::AuditEntry;
use duban_store::sessions::SessionKind;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, error_page};

pub const SESSION_COOKIE: &str = "duban_session";
pub const LOGIN_CSRF_COOKIE: &str = "duban_login";

pub fn hash_password(password: &str) -> Result<String, DomainError> {
    check_password_strength(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::invalid("密码", format!("无法处理：{e}")))
}

/// At least 8 characters with letters and digits; offices ask for this much.
pub fn check_password_strength(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err(DomainError::invalid("密码", "长度须为8至128位"));
    }
    if !(password.chars().any(|c| c.is_ascii_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit()))
    {
        return Err(DomainError::invalid("密码", "须同时包含字母和数字"));
    }
    Ok(())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The signed-in user of this request, resolved once by `resolve_session`.
#[derive(Debug, Clone)]
pub struct Authed {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

/// The client's address, for audit records.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl ClientIp {
    pub fn meta(&self) -> Meta {
        Meta { ip: self.0.clone() }
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// Middleware: finds the session (cookie for pages, bearer for `/api/`) and the client address.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    req.extensions_mut().insert(ClientIp(ip));
    let is_api = req.uri().path().starts_with("/api/");
    let token = if is_api {
        bearer(req.headers())
    } else {
        cookie(req.headers(), SESSION_COOKIE)
    };
    if let Some(token) = token.filter(|t| t.len() == 64) {
        let idle = state.config.idle_timeout.as_millis() as i64;
        match state.store.session(&token, idle).await {
            Ok(Some(s)) if (s.kind == SessionKind::Api) == is_api => {
                if let Ok(Some(actor)) = state.store.actor(s.user_id).await {
                    req.extensions_mut().insert(Authed {
                        actor,
                        csrf: s.csrf,
                        token,
                    });
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    next.run(req).await
}

/// A page handler's user; without a session the browser goes to the login page.
pub struct PageUser(pub Authed);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Authed>() {
            Some(a) => Ok(PageUser(a.clone())),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let next = crate::view::percent_encode(next, b"/");
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
        }
    }
}

/// An API handler's user; without a bearer token the answer is 401.
pub struct ApiUser(pub Authed);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<Authed>()
            .cloned()
            .map(ApiUser)
            .ok_or_else(ApiError::unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .cloned()
            .unwrap_or(ClientIp("unknown".into())))
    }
}

/// Constant-time comparison for tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn csrf_rejection() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重新提交。",
    )
}

/// A form posted from one of our pages: the session's CSRF token is checked before `T` is parsed.
pub struct CsrfForm<T> {
    pub user: Authed,
    pub ip: ClientIp,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let PageUser(user) = PageUser::from_request_parts(&mut parts, state).await?;
        let ip = parts
            .extensions
            .get::<ClientIp>()
            .cloned()
            .unwrap_or(ClientIp("unknown".into()));
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let field: CsrfField = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfField {
            csrf: String::new(),
        });
        if !same_token(&field.csrf, &user.csrf) {
            return Err(csrf_rejection());
        }
        let form = serde_html_form::from_bytes(&bytes).map_err(|e| {
            error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("表单内容无效：{e}"),
            )
        })?;
        Ok(CsrfForm { user, ip, form })
    }
}

/// Why a sign-in failed, said the same way for unknown users and wrong passwords.
#[derive(Debug)]
pub enum LoginError {
    BadCredentials,
    Locked,
    Disabled,
    Internal(duban_store::StoreError),
}

impl LoginError {
    pub fn message(&self) -> String {
        match self {
            LoginError::BadCredentials => "用户名或密码错误".to_owned(),
            LoginError::Locked => {
                "连续登录失败次数过多，账户已临时锁定，请稍后再试或联系安全管理员".to_owned()
            }
            LoginError::Disabled => "该账户已停用，请联系系统管理员".to_owned(),
            LoginError::Internal(_) => "系统内部错误，请稍后重试".to_owned(),
        }
    }
}

/// Checks the password, applies the lockout, audits the outcome and starts a new session.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    kind: SessionKind,
    ip: &ClientIp,
) -> Result<String, LoginError> {
    let store = &state.store;
    let meta = ip.meta();
    let username = username.trim();
    // Nothing oversized reaches the database or the audit log.
    if username.is_empty() || username.chars().count() > 40 || password.chars().count() > 128 {
        return Err(LoginError::BadCredentials);
    }
    let window = state.config.lockout_window.as_millis() as i64;
    let since = duban_store::now_ms() - window;
    // The attempt is recorded before the password is checked, so parallel guesses count too;
    // a successful sign-in clears it.
    store
        .record_failure(username, &ip.0)
        .await
        .map_err(LoginError::Internal)?;
    let attempts = store
        .recent_failures(username, since)
        .await
        .map_err(LoginError::Internal)?;
    if attempts > state.config.lockout_attempts {
        let e = AuditEntry::by(
            None,
            "login.refused_locked",
            "login",
            0,
            format!("账户 {username} 处于锁定期，拒绝登录"),
        );
        store.audit(e, &meta).await.map_err(LoginError::Internal)?;
        return Err(LoginError::Locked);
    }
    let creds = store
        .credentials(username)
        .await
        .map_err(LoginError::Internal)?;
    let (hash, found) = match &creds {
        Some((_, h, _)) => (h.clone(), true),
        // Same work for unknown names, so timing does not reveal which names exist.
        None => ("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2pJ2nY0X8k5nC5dJ1y3Xn1m0Wq0bH4mO7VbS3iQ3d1E".to_owned(), false),
    };
    let pw = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .unwrap_or(false)
        && found;
    let Some((user_id, _, active)) = creds.filter(|_| ok) else {
        let mut summary = format!("登录失败：{username}");
        if attempts >= state.config.lockout_attempts {
            summary = format!("{summary}，连续失败{attempts}次，账户锁定");
        }
        let e = AuditEntry::by(None, "login.failed", "login", 0, summary);
        store.audit(e, &meta).await.map_err(LoginError::Internal)?;
        return Err(LoginError::BadCredentials);
    };
    if !active {
        return Err(LoginError::Disabled);
    }
    store
        .clear_failures(username)
        .await
        .map_err(LoginError::Internal)?;
    let token = store
        .create_session(user_id, kind, &ip.0)
        .await
        .map_err(LoginError::Internal)?;
    let actor = store.actor(user_id).await.map_err(LoginError::Internal)?;
    let what = if kind == SessionKind::Api {
        "通过接口登录"
    } else {
        "登录系统"
    };
    let e = AuditEntry::by(actor.as_ref(), "login.ok", "user", user_id.0, what);
    store.audit(e, &meta).await.map_err(LoginError::Internal)?;
    Ok(token)
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

pub fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("Demo@2026").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Demo@2026", &h));
        assert!(!verify_password("demo@2026", &h));
        assert!(hash_password("short1").is_err());
        assert!(hash_password("onlyletters").is_err());
    }

    #[test]
    fn tokens_compare_in_constant_shape() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }
}
