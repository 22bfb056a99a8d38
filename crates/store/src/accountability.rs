//! 问责 records and referrals to the discipline committee (移送纪工委), with the package the
//! committee receives: the task's timeline, urgings, reports (returned ones too), returns and
//! leaders' words, and the audit trail.

use duban_domain::time::{Millis, china_date, cn_date};
use duban_domain::{
    AccountTarget, Accountability, AccountabilityKind, Actor, Assignee, DomainError,
    NewAccountability, Referral, Role, TaskId, UnitId, UserId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditEntry, AuditRecord, append};
use crate::deadlines::{Notice, notify_assignees};
use crate::ledger::{TaskView, task_view};
use crate::{Meta, Result, Store, now_ms};

const ACC_COLS: &str = "id, task_id, target_type, target_id, kind, facts, decision, decided_on, decided_by, created_by, created_at";

fn acc_row(r: &AnyRow) -> Result<Accountability> {
    let kind: String = r.try_get(2)?;
    let id: i64 = r.try_get(3)?;
    Ok(Accountability {
        id: r.try_get(0)?,
        task_id: TaskId(r.try_get(1)?),
        target: if kind == "unit" {
            AccountTarget::Unit(UnitId(id))
        } else {
            AccountTarget::Person(UserId(id))
        },
        kind: AccountabilityKind::from_code(&r.try_get::<String, _>(4)?)?,
        facts: r.try_get(5)?,
        decision: r.try_get(6)?,
        decided_on: chrono::NaiveDate::parse_from_str(&r.try_get::<String, _>(7)?, "%Y-%m-%d")
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        decided_by: r.try_get(8)?,
        created_by: UserId(r.try_get(9)?),
        created_at: r.try_get(10)?,
    })
}

const REF_COLS: &str =
    "id, task_id, reason, created_by, created_at, acknowledged_by, acknowledged_at, ack_note";

fn ref_row(r: &AnyRow) -> Result<Referral> {
    Ok(Referral {
        id: r.try_get(0)?,
        task_id: TaskId(r.try_get(1)?),
        reason: r.try_get(2)?,
        created_by: UserId(r.try_get(3)?),
        created_at: r.try_get(4)?,
        acknowledged_by: r.try_get::<Option<i64>, _>(5)?.map(UserId),
        acknowledged_at: r.try_get(6)?,
        ack_note: r.try_get(7)?,
    })
}

/// What the discipline committee receives.
#[derive(Debug, Clone)]
pub struct ReferralPackage {
    pub referral: Referral,
    pub task: TaskView,
    pub accountability: Vec<Accountability>,
    /// Every audit record of the task (and its matter's steps), oldest first.
    pub trail: Vec<AuditRecord>,
    /// Leaders' words on the task: (kind, text, who, at).
    pub instructions: Vec<(String, String, String, Millis)>,
}

impl Store {
    /// A task's 问责 records, newest first (the office and leaders).
    pub async fn accountability(&self, task: TaskId) -> Result<Vec<Accountability>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACC_COLS} FROM accountability WHERE task_id = $1 ORDER BY id DESC"
        ))
        .bind(task.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(acc_row).collect()
    }

    /// Records 问责 on a task's unit or a person; the timeline says so.
    pub async fn hold_to_account(
        &self,
        actor: &Actor,
        task: TaskId,
        a: &NewAccountability,
        meta: &Meta,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let v = task_view(&mut tx, task)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        let (kind, id, who) = match a.target {
            AccountTarget::Unit(u) => {
                let n: String = sqlx::query("SELECT name FROM units WHERE id = $1")
                    .bind(u.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| DomainError::invalid("问责对象", "单位不存在"))?
                    .try_get(0)?;
                ("unit", u.0, n)
            }
            AccountTarget::Person(p) => {
                let n: String = sqlx::query("SELECT name FROM users WHERE id = $1")
                    .bind(p.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| DomainError::invalid("问责对象", "人员不存在"))?
                    .try_get(0)?;
                ("user", p.0, n)
            }
        };
        let rid: i64 = sqlx::query(
            "INSERT INTO accountability (task_id, target_type, target_id, kind, facts, decision, decided_on, decided_by, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
        )
        .bind(task.0)
        .bind(kind)
        .bind(id)
        .bind(a.kind.code())
        .bind(&a.facts)
        .bind(&a.decision)
        .bind(a.decided_on.format("%Y-%m-%d").to_string())
        .bind(&a.decided_by)
        .bind(actor.user_id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let summary = format!(
            "问责（{}）：{who}，{}决定{}",
            a.kind.label(),
            cn_date(a.decided_on),
            a.decision
        );
        let mut e = AuditEntry::by(Some(actor), "task.accountability", "task", task.0, summary);
        e.matter_id = Some(v.matter.id.0);
        e.after = serde_json::to_string(&(kind, id, a.kind.code(), &a.facts)).ok();
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(rid)
    }

    /// A task's referrals, newest first.
    pub async fn referrals_of(&self, task: TaskId) -> Result<Vec<Referral>> {
        let rows = sqlx::query(&format!(
            "SELECT {REF_COLS} FROM referrals WHERE task_id = $1 ORDER BY id DESC"
        ))
        .bind(task.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(ref_row).collect()
    }

    /// 移送纪工委: the committee is notified and sees the package.
    pub async fn refer(
        &self,
        actor: &Actor,
        task: TaskId,
        reason: &str,
        meta: &Meta,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let v = task_view(&mut tx, task)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        let pending =
            sqlx::query("SELECT 1 FROM referrals WHERE task_id = $1 AND acknowledged_at IS NULL")
                .bind(task.0)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        let reason = duban_domain::refer(actor, pending, reason)?;
        let id: i64 = sqlx::query(
            "INSERT INTO referrals (task_id, reason, created_by, created_at) VALUES ($1,$2,$3,$4) RETURNING id",
        )
        .bind(task.0)
        .bind(&reason)
        .bind(actor.user_id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let notice = Notice {
            kind: "referral",
            title: format!(
                "移送纪工委：{}",
                v.task.content.chars().take(30).collect::<String>()
            ),
            body: reason.clone(),
            link: format!("/referrals/{id}"),
        };
        notify_assignees(&mut tx, &[Assignee::Role(Role::Discipline)], &notice, now).await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "task.refer",
            "task",
            task.0,
            format!("移送纪工委：{reason}"),
        );
        e.matter_id = Some(v.matter.id.0);
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Referrals for the committee (and the office), newest first.
    pub async fn referrals(&self, actor: &Actor) -> Result<Vec<Referral>> {
        if !duban_domain::can_read_referrals(actor) {
            return Err(DomainError::forbidden("移送材料仅纪工委和考核督查办可查阅").into());
        }
        let rows = sqlx::query(&format!(
            "SELECT {REF_COLS} FROM referrals ORDER BY id DESC LIMIT 500"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(ref_row).collect()
    }

    /// The package of a referral: everything the committee needs, in one place.
    pub async fn referral_package(&self, actor: &Actor, id: i64) -> Result<ReferralPackage> {
        if !duban_domain::can_read_referrals(actor) {
            return Err(DomainError::not_found("移送材料").into());
        }
        let mut conn = self.pool.acquire().await?;
        let referral = sqlx::query(&format!("SELECT {REF_COLS} FROM referrals WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .as_ref()
            .map(ref_row)
            .transpose()?
            .ok_or_else(|| DomainError::not_found("移送材料"))?;
        let task = task_view(&mut conn, referral.task_id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        drop(conn);
        let trail = self
            .timeline(task.matter.id.0)
            .await?
            .into_iter()
            .filter(|r| {
                r.object_type == "matter"
                    || (r.object_type == "task" && r.object_id == task.task.id.0)
            })
            .collect();
        Ok(ReferralPackage {
            accountability: self.accountability(referral.task_id).await?,
            instructions: self
                .instructions(duban_domain::ObjectRef::Task(referral.task_id))
                .await?,
            referral,
            task,
            trail,
        })
    }

    /// 纪工委受理.
    pub async fn acknowledge_referral(
        &self,
        actor: &Actor,
        id: i64,
        note: &str,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let r = sqlx::query(&format!("SELECT {REF_COLS} FROM referrals WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(ref_row)
            .transpose()?
            .ok_or_else(|| DomainError::not_found("移送材料"))?;
        let note = duban_domain::acknowledge(actor, &r, note)?;
        let n = sqlx::query(
            "UPDATE referrals SET acknowledged_by = $1, acknowledged_at = $2, ack_note = $3 WHERE id = $4 AND acknowledged_at IS NULL",
        )
        .bind(actor.user_id.0)
        .bind(now)
        .bind(&note)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        let matter: i64 = sqlx::query("SELECT matter_id FROM tasks WHERE id = $1")
            .bind(r.task_id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let mut e = AuditEntry::by(
            Some(actor),
            "task.referral_ack",
            "task",
            r.task_id.0,
            format!("纪工委受理移送（{}）：{note}", cn_date(china_date(now))),
        );
        e.matter_id = Some(matter);
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
