//! Our own CSS and JS, embedded in the binary and addressed by a content hash so a new release is
//! never served from a stale cache.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../static/duban.css");
const JS: &str = include_str!("../static/duban.js");

fn short_hash(s: &str) -> String {
    hex::encode(&Sha256::digest(s.as_bytes())[..6])
}

fn names() -> &'static (String, String) {
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    NAMES.get_or_init(|| {
        (
            format!("duban.{}.css", short_hash(CSS)),
            format!("duban.{}.js", short_hash(JS)),
        )
    })
}

pub fn css_url() -> String {
    format!("/static/{}", names().0)
}

pub fn js_url() -> String {
    format!("/static/{}", names().1)
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let (css, js) = names();
    let (body, kind) = if file == *css {
        (CSS, "text/css; charset=utf-8")
    } else if file == *js {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return (StatusCode::NOT_FOUND, "未找到").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
