//! The audit log: append-only and chained. Each record carries the hash of the one before, so a
//! changed or deleted record breaks the chain at that point, and `verify` names it.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::{Meta, Result, Store};
use duban_domain::{Actor, time::Millis};

/// One record to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub matter_id: Option<i64>,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    pub fn by(
        actor: Option<&Actor>,
        action: &str,
        object_type: &str,
        object_id: i64,
        summary: impl Into<String>,
    ) -> Self {
        AuditEntry {
            actor_id: actor.map(|a| a.user_id.0),
            actor_name: actor
                .map(|a| a.name.clone())
                .unwrap_or_else(|| "系统".to_owned()),
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id,
            matter_id: None,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: Millis,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub matter_id: Option<i64>,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

fn chain_hash(r: &AuditRecord) -> String {
    let mut h = Sha256::new();
    let fields = [
        r.prev_hash.clone(),
        r.id.to_string(),
        r.at.to_string(),
        r.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        r.actor_name.clone(),
        r.action.clone(),
        r.object_type.clone(),
        r.object_id.to_string(),
        r.matter_id.map(|a| a.to_string()).unwrap_or_default(),
        r.summary.clone(),
        r.before.clone().unwrap_or_default(),
        r.after.clone().unwrap_or_default(),
        r.ip.clone(),
    ];
    for f in fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Appends inside the caller's write transaction (which already holds `audit_head`).
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    e: AuditEntry,
    meta: &Meta,
    at: Millis,
) -> Result<i64> {
    let head = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let last_id: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let mut r = AuditRecord {
        id: last_id + 1,
        at,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        action: e.action,
        object_type: e.object_type,
        object_id: e.object_id,
        matter_id: e.matter_id,
        summary: e.summary,
        before: e.before,
        after: e.after,
        ip: meta.ip.clone(),
        prev_hash,
        hash: String::new(),
    };
    r.hash = chain_hash(&r);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, action, object_type, object_id, matter_id, summary, \
         before_json, after_json, ip, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
    )
    .bind(r.id)
    .bind(r.at)
    .bind(r.actor_id)
    .bind(&r.actor_name)
    .bind(&r.action)
    .bind(&r.object_type)
    .bind(r.object_id)
    .bind(r.matter_id)
    .bind(&r.summary)
    .bind(&r.before)
    .bind(&r.after)
    .bind(&r.ip)
    .bind(&r.prev_hash)
    .bind(&r.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
        .bind(r.id)
        .bind(&r.hash)
        .execute(&mut **tx)
        .await?;
    Ok(r.id)
}

pub(crate) const COLUMNS: &str = "id, at, actor_id, actor_name, action, object_type, object_id, matter_id, summary, \
                       before_json, after_json, ip, prev_hash, hash";

pub(crate) fn record(row: &sqlx::any::AnyRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: row.try_get(0)?,
        at: row.try_get(1)?,
        actor_id: row.try_get(2)?,
        actor_name: row.try_get(3)?,
        action: row.try_get(4)?,
        object_type: row.try_get(5)?,
        object_id: row.try_get(6)?,
        matter_id: row.try_get(7)?,
        summary: row.try_get(8)?,
        before: row.try_get(9)?,
        after: row.try_get(10)?,
        ip: row.try_get(11)?,
        prev_hash: row.try_get(12)?,
        hash: row.try_get(13)?,
    })
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { records: i64 },
    Broken { id: i64, why: String },
}

impl Store {
    /// Writes one audit record on its own (sign-in, lockout, admin actions).
    pub async fn audit(&self, e: AuditEntry, meta: &Meta) -> Result<()> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, e, meta, crate::now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Walks the whole chain in pages, recomputing every hash.
    pub async fn verify_audit_chain(&self) -> Result<ChainCheck> {
        let mut prev = "0".repeat(64);
        let mut expected_id = 1;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY id LIMIT 1000"
            ))
            .bind(expected_id)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let r = record(row)?;
                if r.id != expected_id {
                    return Ok(ChainCheck::Broken {
                        id: expected_id,
                        why: format!("第{expected_id}条记录缺失"),
                    });
                }
                if r.prev_hash != prev {
                    return Ok(ChainCheck::Broken {
                        id: r.id,
                        why: "前一条记录的哈希不符（其前记录被改动或删除）".into(),
                    });
                }
                if chain_hash(&r) != r.hash {
                    return Ok(ChainCheck::Broken {
                        id: r.id,
                        why: "记录内容与其哈希不符（记录被改动）".into(),
                    });
                }
                prev = r.hash;
                expected_id += 1;
            }
        }
        let head: String = sqlx::query("SELECT last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if head != prev {
            return Ok(ChainCheck::Broken {
                id: expected_id,
                why: "链尾记录被删除".into(),
            });
        }
        Ok(ChainCheck::Intact {
            records: expected_id - 1,
        })
    }

    /// The audit log, newest first, keyset-paged by id.
    pub async fn audit_page(&self, before_id: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// A matter's timeline: every step on it, its tasks and bulletins, oldest first.
    pub async fn timeline(&self, matter_id: i64) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE matter_id = $1 ORDER BY id"
        ))
        .bind(matter_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// What a user has done (已办), newest first.
    pub async fn done_by(&self, user_id: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE actor_id = $1 AND matter_id IS NOT NULL ORDER BY id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }
}
