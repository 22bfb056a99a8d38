//! Sessions live in the database so several instances share them and an admin can end all of a
//! user's sessions at once. Only a hash of the token is stored.

use duban_domain::UserId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Result, Store, now_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Cookie session of the pages; needs the CSRF token on every form.
    Web,
    /// Bearer token of the JSON API.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: UserId,
    pub csrf: String,
    pub kind: SessionKind,
}

/// However active a session is, it ends after this long.
pub const ABSOLUTE_LIFETIME_MS: i64 = 12 * 3600 * 1000;

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Starts a session and returns its token (shown once, to the client).
    pub async fn create_session(
        &self,
        user: UserId,
        kind: SessionKind,
        ip: &str,
    ) -> Result<String> {
        let token = random_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, kind, created_at, last_seen_at, ip) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(token_hash(&token))
        .bind(user.0)
        .bind(random_token())
        .bind(kind.code())
        .bind(now)
        .bind(now)
        .bind(ip)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The live session for a token; an idle one is ended. Touches `last_seen_at` at most once a
    /// minute so reads do not become writes.
    pub async fn session(&self, token: &str, idle_ms: i64) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let row = sqlx::query(
            "SELECT user_id, csrf, kind, last_seen_at, created_at FROM sessions WHERE token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let last: i64 = r.try_get(3)?;
        let now = now_ms();
        let created: i64 = r.try_get(4)?;
        // Idle too long, or older than a working day however busy: sign in again.
        if now - last > idle_ms || now - created > ABSOLUTE_LIFETIME_MS {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(&hash)
                .execute(&self.pool)
                .await?;
            return Ok(None);
        }
        if now - last > 60_000 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        let kind: String = r.try_get(2)?;
        Ok(Some(Session {
            user_id: UserId(r.try_get(0)?),
            csrf: r.try_get(1)?,
            kind: if kind == "api" {
                SessionKind::Api
            } else {
                SessionKind::Web
            },
        }))
    }

    pub async fn end_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Failed sign-ins for a username since `since`.
    pub async fn recent_failures(&self, username: &str, since: i64) -> Result<i64> {
        Ok(
            sqlx::query("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2")
                .bind(username)
                .bind(since)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?,
        )
    }

    pub async fn record_failure(&self, username: &str, ip: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_failures (username, at, ip) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(now_ms())
            .bind(ip)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn clear_failures(&self, username: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
