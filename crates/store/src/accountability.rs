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

    /// Referrals for the committee (and the office), newest first, with their task's content.
    pub async fn referrals(&self, actor: &Actor) -> Result<Vec<(Referral, String)>> {
        if !duban_domain::can_read_referrals(actor) {
            return Err(DomainError::forbidden("移送材料仅纪工委和考核督查办可查阅").into());
        }
        let cols = REF_COLS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {cols}, t.content FROM referrals r JOIN tasks t ON t.id = r.task_id ORDER BY r.id DESC LIMIT 500"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((ref_row(r)?, r.try_get(8)?)))
            .collect()
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

// ───────────────────────────── 整改 ─────────────────────────────

const RECT_COLS: &str = "id, unit_id, source_type, source_id, problem, deadline, state, version, report, reported_at, \
    verify_note, verified_at, created_at";

fn rect_row(r: &AnyRow) -> Result<duban_domain::Rectification> {
    let kind: String = r.try_get(2)?;
    Ok(duban_domain::Rectification {
        id: r.try_get(0)?,
        unit_id: UnitId(r.try_get(1)?),
        source: duban_domain::ObjectRef::from_parts(&kind, r.try_get(3)?)
            .ok_or_else(|| DomainError::invalid("来源", "未知来源"))?,
        problem: r.try_get(4)?,
        deadline: chrono::NaiveDate::parse_from_str(&r.try_get::<String, _>(5)?, "%Y-%m-%d")
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        state: duban_domain::RectificationState::from_code(&r.try_get::<String, _>(6)?)?,
        version: r.try_get(7)?,
        report: r.try_get(8)?,
        reported_at: r.try_get(9)?,
        verify_note: r.try_get(10)?,
        verified_at: r.try_get(11)?,
        created_at: r.try_get(12)?,
    })
}

fn rect_visible(actor: &Actor, r: &duban_domain::Rectification) -> bool {
    actor.sees_all_matters()
        || actor.acts_for_unit(r.unit_id)
        || (actor.has(Role::AreaLeader) && actor.portfolio.contains(&r.unit_id))
}

impl Store {
    /// Feeds a problem back to a unit as a rectification item (整改); the unit is asked to report.
    pub async fn create_rectification(
        &self,
        actor: &Actor,
        unit: UnitId,
        source: duban_domain::ObjectRef,
        problem: &str,
        deadline: &str,
        meta: &Meta,
    ) -> Result<i64> {
        let now = now_ms();
        let (problem, deadline) =
            duban_domain::new_rectification(actor, problem, deadline, china_date(now))?;
        let mut tx = self.begin_write().await?;
        let name: String = sqlx::query("SELECT name FROM units WHERE id = $1 AND active = 1")
            .bind(unit.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::invalid("责任单位", "单位不存在"))?
            .try_get(0)?;
        let id: i64 = sqlx::query(
            "INSERT INTO rectifications (unit_id, source_type, source_id, problem, deadline, state, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,'open',$6,$7) RETURNING id",
        )
        .bind(unit.0)
        .bind(source.kind())
        .bind(source.id())
        .bind(&problem)
        .bind(deadline.format("%Y-%m-%d").to_string())
        .bind(actor.user_id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let notice = Notice {
            kind: "rectification",
            title: format!("整改事项：{}", problem.chars().take(30).collect::<String>()),
            body: format!("请于{}前整改并报送整改情况。", cn_date(deadline)),
            link: format!("/rectifications/{id}"),
        };
        notify_assignees(&mut tx, &[Assignee::Unit(unit)], &notice, now).await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "rectification.create",
            "rectification",
            id,
            format!("反馈{name}整改（时限{}）：{problem}", cn_date(deadline)),
        );
        e.matter_id = self.matter_of_source(&mut tx, source).await?;
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn matter_of_source(
        &self,
        conn: &mut sqlx::AnyConnection,
        source: duban_domain::ObjectRef,
    ) -> Result<Option<i64>> {
        let sql = match source {
            duban_domain::ObjectRef::Task(_) => "SELECT matter_id FROM tasks WHERE id = $1",
            duban_domain::ObjectRef::Matter(_) => "SELECT id FROM matters WHERE id = $1",
            duban_domain::ObjectRef::Bulletin(_) => {
                "SELECT MIN(matter_id) FROM bulletin_matters WHERE bulletin_id = $1"
            }
            duban_domain::ObjectRef::Application(_) => {
                "SELECT matter_id FROM applications WHERE id = $1"
            }
        };
        Ok(sqlx::query(sql)
            .bind(source.id())
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<Option<i64>, _>(0))
            .transpose()?
            .flatten())
    }

    /// Rectification items the actor may see, newest first (a unit its own; leaders and the office all).
    pub async fn rectifications(&self, actor: &Actor) -> Result<Vec<duban_domain::Rectification>> {
        let rows = if actor.sees_all_matters() {
            sqlx::query(&format!(
                "SELECT {RECT_COLS} FROM rectifications ORDER BY id DESC LIMIT 500"
            ))
            .fetch_all(&self.pool)
            .await?
        } else {
            let mut units: Vec<i64> = vec![actor.unit_id.0];
            if actor.has(Role::AreaLeader) {
                units.extend(actor.portfolio.iter().map(|u| u.0));
            }
            let sql = format!(
                "SELECT {RECT_COLS} FROM rectifications WHERE unit_id IN ({}) ORDER BY id DESC LIMIT 500",
                crate::ledger::placeholders(units.len(), 0)
            );
            let mut q = sqlx::query(&sql);
            for u in &units {
                q = q.bind(*u);
            }
            q.fetch_all(&self.pool).await?
        };
        Ok(rows
            .iter()
            .map(rect_row)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|r| rect_visible(actor, r))
            .collect())
    }

    pub async fn rectification(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<duban_domain::Rectification> {
        let r = sqlx::query(&format!(
            "SELECT {RECT_COLS} FROM rectifications WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(rect_row)
        .transpose()?
        .ok_or_else(|| DomainError::not_found("整改事项"))?;
        if !rect_visible(actor, &r) {
            return Err(DomainError::not_found("整改事项").into());
        }
        Ok(r)
    }

    /// 报送整改情况 / 核查 / 退回, version-guarded.
    pub async fn act_on_rectification(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        cmd: duban_domain::RectificationCommand,
        meta: &Meta,
    ) -> Result<()> {
        let r = self.rectification(actor, id).await?;
        // Who may act is decided before the version: a stranger learns nothing from a conflict.
        let (state, summary) = duban_domain::decide_rectification(actor, &r, cmd.clone())?;
        if r.version != version {
            return Err(DomainError::stale().into());
        }
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let n = match &cmd {
            duban_domain::RectificationCommand::Report { text } => sqlx::query(
                "UPDATE rectifications SET state = $1, report = $2, reported_by = $3, reported_at = $4, version = version + 1 \
                 WHERE id = $5 AND version = $6",
            )
            .bind(state.code())
            .bind(text)
            .bind(actor.user_id.0)
            .bind(now)
            .bind(id)
            .bind(version),
            duban_domain::RectificationCommand::Verify { note }
            | duban_domain::RectificationCommand::Return { reason: note } => sqlx::query(
                "UPDATE rectifications SET state = $1, verify_note = $2, verified_by = $3, verified_at = $4, version = version + 1 \
                 WHERE id = $5 AND version = $6",
            )
            .bind(state.code())
            .bind(note)
            .bind(actor.user_id.0)
            .bind(now)
            .bind(id)
            .bind(version),
        }
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        let to = if state == duban_domain::RectificationState::Reported {
            Assignee::Role(Role::SupervisionOffice)
        } else {
            Assignee::Unit(r.unit_id)
        };
        let notice = Notice {
            kind: "rectification",
            title: format!("整改：{}", r.problem.chars().take(30).collect::<String>()),
            body: summary.clone(),
            link: format!("/rectifications/{id}"),
        };
        notify_assignees(&mut tx, &[to], &notice, now).await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "rectification.step",
            "rectification",
            id,
            summary,
        );
        e.matter_id = self.matter_of_source(&mut tx, r.source).await?;
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
