//! Attachments: files kept outside the web root under their SHA-256, checked by content (not by
//! the name the browser sent), and handed out only as downloads to those who may see the object.

use std::path::{Path, PathBuf};

use duban_domain::{Actor, DomainError, TaskId, UserId};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::{Result, Store};

/// A file written to the blob folder, not yet linked to anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredBlob {
    pub sha256: String,
    pub name: String,
    pub size: i64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub sha256: String,
    pub name: String,
    pub size: i64,
    pub mime: String,
    pub object_type: String,
    pub object_id: i64,
}

/// What an office exchanges: documents, sheets, scans and photos, plain text.
fn allowed_type(bytes: &[u8]) -> Option<&'static str> {
    if let Some(kind) = infer::get(bytes) {
        return match kind.mime_type() {
            "application/pdf" => Some("application/pdf"),
            "image/jpeg" => Some("image/jpeg"),
            "image/png" => Some("image/png"),
            "image/gif" => Some("image/gif"),
            "image/bmp" => Some("image/bmp"),
            "image/tiff" => Some("image/tiff"),
            // .docx/.xlsx/.pptx/.ofd are zip containers; .doc/.xls/.wps are OLE compound files.
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/zip" => Some("application/zip"),
            "application/msword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-powerpoint"
            | "application/x-ole-storage" => Some("application/x-ole-storage"),
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let head: String = text.chars().take(512).collect::<String>().to_lowercase();
    let markup = ["<html", "<script", "<svg", "<!doctype", "<?xml", "<iframe"];
    let binary = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    if binary || markup.iter().any(|m| head.contains(m)) {
        return None;
    }
    Some("text/plain")
}

/// A file name safe to store and to send back in Content-Disposition.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "附件".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

pub fn blob_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

/// Checks and writes an uploaded file; returns what to link.
pub async fn put(dir: &Path, name: &str, bytes: &[u8], max_bytes: u64) -> Result<StoredBlob> {
    if bytes.is_empty() {
        return Err(DomainError::invalid("附件", format!("“{}”是空文件", clean_name(name))).into());
    }
    if bytes.len() as u64 > max_bytes {
        return Err(DomainError::invalid(
            "附件",
            format!(
                "“{}”超过大小限制（{} MB）",
                clean_name(name),
                max_bytes / 1024 / 1024
            ),
        )
        .into());
    }
    let mime = allowed_type(bytes).ok_or_else(|| {
        DomainError::invalid(
            "附件",
            format!(
                "“{}”的文件类型不允许，请上传 PDF、Word、Excel、WPS、图片或文本文件",
                clean_name(name)
            ),
        )
    })?;
    let sha = hex::encode(Sha256::digest(bytes));
    let path = blob_path(dir, &sha);
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Write then rename, so a half-written file is never served.
        let tmp = path.with_extension(format!(
            "tmp{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
    }
    Ok(StoredBlob {
        sha256: sha,
        name: clean_name(name),
        size: bytes.len() as i64,
        mime: mime.to_owned(),
    })
}

pub(crate) async fn link(
    tx: &mut Transaction<'static, Any>,
    b: &StoredBlob,
    object_type: &str,
    object_id: i64,
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO attachments (sha256, name, size, mime, object_type, object_id, uploaded_by, uploaded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(&b.sha256)
    .bind(&b.name)
    .bind(b.size)
    .bind(&b.mime)
    .bind(object_type)
    .bind(object_id)
    .bind(by.0)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn attachment_row(r: &sqlx::any::AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: r.try_get(0)?,
        sha256: r.try_get(1)?,
        name: r.try_get(2)?,
        size: r.try_get(3)?,
        mime: r.try_get(4)?,
        object_type: r.try_get(5)?,
        object_id: r.try_get(6)?,
    })
}

impl Store {
    /// Attachments of a task's reports (one query).
    pub async fn task_attachments(&self, task: TaskId) -> Result<Vec<Attachment>> {
        let rows = sqlx::query(
            "SELECT id, sha256, name, size, mime, object_type, object_id FROM attachments WHERE object_type = 'report' \
             AND object_id IN (SELECT id FROM reports WHERE task_id = $1) ORDER BY id",
        )
        .bind(task.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attachment_row).collect()
    }

    /// An attachment, if the actor may see the task it belongs to.
    pub async fn attachment_for(&self, actor: &Actor, id: i64) -> Result<Attachment> {
        let row = sqlx::query("SELECT id, sha256, name, size, mime, object_type, object_id FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let a = row
            .as_ref()
            .map(attachment_row)
            .transpose()?
            .ok_or_else(|| DomainError::not_found("附件"))?;
        let task_id: Option<i64> = match a.object_type.as_str() {
            "report" => sqlx::query("SELECT task_id FROM reports WHERE id = $1")
                .bind(a.object_id)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?,
            _ => None,
        };
        let Some(task_id) = task_id else {
            return Err(DomainError::not_found("附件").into());
        };
        // task_view applies the same visibility rule as the task page.
        self.task_view(actor, TaskId(task_id))
            .await
            .map_err(|_| DomainError::not_found("附件"))?;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_judged_by_content() {
        assert_eq!(allowed_type(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(allowed_type("落实情况说明".as_bytes()), Some("text/plain"));
        assert_eq!(
            allowed_type(b"MZ\x90\x00\x03\x00\x00\x00"),
            None,
            "a Windows executable is refused"
        );
        assert_eq!(
            allowed_type(b"<html><script>alert(1)</script>"),
            None,
            "markup is refused"
        );
        assert_eq!(allowed_type(b"\x7fELF\x02\x01\x01"), None);
    }

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\报告\\落实情况.docx"), "落实情况.docx");
        assert_eq!(clean_name("\"a\".pdf"), "a.pdf");
    }
}
