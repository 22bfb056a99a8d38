//! Gathers each unit's scoring events of a period (`domain::scoring` decides the points), keeps
//! the rule set, and publishes rankings with the rules in force.

use std::collections::HashMap;

use duban_domain::figures::Period;
use duban_domain::scoring::{ScoreRules, ScoredTask, UnitFacts, UnitScore, rank, unit_events};
use duban_domain::{Actor, Cadence, DomainError, MatterKind, ObjectRef, TaskId, UnitId};
use sqlx::Row;

use crate::audit::{AuditEntry, append};
use crate::deadlines::load_calendar;
use crate::{Meta, Result, Store, now_ms};

/// A published ranking.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Published {
    pub id: i64,
    pub period: String,
    pub rules: ScoreRules,
    pub results: Vec<UnitScore>,
    pub published_at: i64,
}

impl Store {
    /// The rule set in force.
    pub async fn score_rules(&self) -> Result<ScoreRules> {
        let v: Option<String> = sqlx::query("SELECT value FROM settings WHERE key = 'score_rules'")
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        Ok(v.and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    /// The office changes the rules; rankings are recomputed from them (published ones keep theirs).
    pub async fn save_score_rules(
        &self,
        actor: &Actor,
        rules: &ScoreRules,
        meta: &Meta,
    ) -> Result<()> {
        if !actor.has(duban_domain::Role::SupervisionOffice) {
            return Err(DomainError::forbidden("计分规则由考核督查办维护").into());
        }
        let json = serde_json::to_string(rules).unwrap_or_default();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM settings WHERE key = 'score_rules'")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('score_rules', $1)")
            .bind(&json)
            .execute(&mut *tx)
            .await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "scoring.rules",
            "settings",
            0,
            "修改督查考核计分规则",
        );
        e.after = Some(json);
        append(&mut tx, e, meta, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every unit's score, rank and tier in a period under `rules`, with the events behind it.
    pub async fn unit_scores(
        &self,
        actor: &Actor,
        period: Period,
        rules: &ScoreRules,
    ) -> Result<Vec<UnitScore>> {
        if !actor.sees_all_matters() {
            return Err(DomainError::forbidden("考核排名供街道领导和考核督查办查阅").into());
        }
        let now = now_ms();
        let mut conn = self.pool.acquire().await?;
        let cal = load_calendar(&mut conn).await?;
        let (start, end) = (period.start(), period.end());
        let (s, e) = (
            start.format("%Y-%m-%d").to_string(),
            end.format("%Y-%m-%d").to_string(),
        );
        let start_ms = duban_domain::calendar::due_at_millis(start, None) - 86_400_000 + 1;
        let end_ms = duban_domain::calendar::due_at_millis(end, None);
        let mut facts: HashMap<UnitId, UnitFacts> = HashMap::new();
        // Every department and community is ranked, even without events.
        for r in sqlx::query(
            "SELECT id FROM units WHERE active = 1 AND kind IN ('department', 'community')",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            facts.entry(UnitId(r.try_get(0)?)).or_default();
        }
        // Tasks: due in the period, or long tasks whose reports fall in it (as the figures).
        let rows = sqlx::query(
            "SELECT t.id, t.lead_unit_id, t.matter_kind, t.deadline, t.due_at, t.received_at, t.finished_at, t.cadence, t.content, t.quality \
             FROM tasks t WHERE t.state <> 'draft' AND ((t.deadline >= $1 AND t.deadline <= $2) \
             OR (t.cadence IS NOT NULL AND t.deadline > $2 AND t.received_at <= $3))",
        )
        .bind(&s)
        .bind(&e)
        .bind(end_ms)
        .fetch_all(&mut *conn)
        .await?;
        let mut tasks: HashMap<i64, (UnitId, ScoredTask)> = HashMap::new();
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let deadline =
                chrono::NaiveDate::parse_from_str(&r.try_get::<String, _>(3)?, "%Y-%m-%d")
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            let unit = UnitId(r.try_get(1)?);
            tasks.insert(
                id,
                (
                    unit,
                    ScoredTask {
                        id: TaskId(id),
                        content: r.try_get(8)?,
                        due: duban_domain::figures::TaskFacts {
                            lead_unit: unit,
                            leaders: vec![],
                            kind: MatterKind::from_code(&r.try_get::<String, _>(2)?)?,
                            deadline,
                            due_at: r.try_get::<Option<i64>, _>(4)?.unwrap_or_else(|| {
                                duban_domain::calendar::due_at_millis(deadline, None)
                            }),
                            received_at: r.try_get(5)?,
                            finished_at: r.try_get(6)?,
                            cadence: r
                                .try_get::<Option<String>, _>(7)?
                                .and_then(|c| Cadence::parse(&c).ok().flatten()),
                            reports: vec![],
                            draft: false,
                            cancelled_on: None,
                        },
                        returned: vec![],
                        quality: r
                            .try_get::<Option<String>, _>(9)?
                            .and_then(|q| duban_domain::Quality::from_code(&q).ok()),
                    },
                ),
            );
        }
        if !tasks.is_empty() {
            let ids: Vec<i64> = tasks.keys().copied().collect();
            for chunk in ids.chunks(500) {
                let sql = format!(
                    "SELECT task_id, submitted_at, status, decided_at FROM reports WHERE task_id IN ({}) ORDER BY task_id, submitted_at",
                    crate::ledger::placeholders(chunk.len(), 0)
                );
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                let csql = format!(
                    "SELECT task_id, decided_at FROM cancellations WHERE status = 'approved' AND task_id IN ({})",
                    crate::ledger::placeholders(chunk.len(), 0)
                );
                let mut cq = sqlx::query(&csql);
                for id in chunk {
                    cq = cq.bind(*id);
                }
                for r in cq.fetch_all(&mut *conn).await? {
                    let tid: i64 = r.try_get(0)?;
                    if let (Some((_, t)), Some(at)) =
                        (tasks.get_mut(&tid), r.try_get::<Option<i64>, _>(1)?)
                    {
                        t.due.cancelled_on = Some(duban_domain::time::china_date(at));
                    }
                }
                for r in q.fetch_all(&mut *conn).await? {
                    let tid: i64 = r.try_get(0)?;
                    let status: String = r.try_get(2)?;
                    if let Some((_, t)) = tasks.get_mut(&tid) {
                        if status == "returned" {
                            t.returned
                                .push(r.try_get::<Option<i64>, _>(3)?.unwrap_or(r.try_get(1)?));
                        } else {
                            t.due.reports.push(r.try_get(1)?);
                        }
                    }
                }
            }
        }
        for (_, (unit, t)) in tasks {
            facts.entry(unit).or_default().tasks.push(t);
        }
        // 挂牌督办 in the period: of a unit, or of one of its tasks.
        for r in sqlx::query(
            "SELECT l.object_type, l.object_id, l.reason, l.listed_at, t.lead_unit_id FROM listings l \
             LEFT JOIN tasks t ON l.object_type = 'task' AND t.id = l.object_id WHERE l.listed_at >= $1 AND l.listed_at <= $2",
        )
        .bind(start_ms)
        .bind(end_ms)
        .fetch_all(&mut *conn)
        .await?
        {
            let kind: String = r.try_get(0)?;
            let id: i64 = r.try_get(1)?;
            let (unit, obj) = if kind == "unit" {
                (UnitId(id), ObjectRef::Matter(duban_domain::MatterId(0)))
            } else {
                (UnitId(r.try_get::<Option<i64>, _>(4)?.unwrap_or(0)), ObjectRef::Task(TaskId(id)))
            };
            facts.entry(unit).or_default().listings.push((obj, r.try_get(2)?, r.try_get(3)?));
        }
        // 问责 in the period: against the unit, or one of its people.
        for r in sqlx::query(
            "SELECT a.task_id, a.facts, a.created_at, CASE WHEN a.target_type = 'unit' THEN a.target_id ELSE u.unit_id END \
             FROM accountability a LEFT JOIN users u ON a.target_type = 'user' AND u.id = a.target_id \
             WHERE a.created_at >= $1 AND a.created_at <= $2",
        )
        .bind(start_ms)
        .bind(end_ms)
        .fetch_all(&mut *conn)
        .await?
        {
            let unit = UnitId(r.try_get::<Option<i64>, _>(3)?.unwrap_or(0));
            facts.entry(unit).or_default().accountability.push((
                ObjectRef::Task(TaskId(r.try_get(0)?)),
                r.try_get(1)?,
                r.try_get(2)?,
            ));
        }
        // Special-inspection scores: each department's total for an inspected unit.
        for r in sqlx::query(
            "SELECT t.lead_unit_id, t.matter_id, s.application_id, a.score_items, CAST(SUM(s.tenths) AS BIGINT), MAX(s.scored_at), a.subject \
             FROM scores s JOIN tasks t ON t.id = s.task_id JOIN applications a ON a.id = s.application_id \
             WHERE s.scored_at >= $1 AND s.scored_at <= $2 GROUP BY t.lead_unit_id, t.matter_id, s.application_id, a.score_items, a.subject",
        )
        .bind(start_ms)
        .bind(end_ms)
        .fetch_all(&mut *conn)
        .await?
        {
            let items: Vec<duban_domain::ScoreItem> =
                serde_json::from_str(&r.try_get::<String, _>(3)?).unwrap_or_default();
            let full: i64 = items.iter().map(|i| i.max_tenths).sum();
            facts.entry(UnitId(r.try_get(0)?)).or_default().inspections.push((
                ObjectRef::Matter(duban_domain::MatterId(r.try_get(1)?)),
                r.try_get(6)?,
                r.try_get(5)?,
                r.try_get(4)?,
                full,
            ));
        }
        facts.remove(&UnitId(0));
        let units = facts
            .into_iter()
            .map(|(u, f)| (u, unit_events(&f, period, now, &cal, rules)))
            .collect();
        Ok(rank(units, rules))
    }

    /// Publishes a period's ranking with the rules in force; later rule changes leave it as published.
    pub async fn publish_ranking(&self, actor: &Actor, period: Period, meta: &Meta) -> Result<i64> {
        if !actor.has(duban_domain::Role::SupervisionOffice) {
            return Err(DomainError::forbidden("考核排名由考核督查办发布").into());
        }
        let rules = self.score_rules().await?;
        let results = self.unit_scores(actor, period, &rules).await?;
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO rankings (period, rules, results, published_by, published_at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
        )
        .bind(period.code())
        .bind(serde_json::to_string(&rules).unwrap_or_default())
        .bind(serde_json::to_string(&results).unwrap_or_default())
        .bind(actor.user_id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let e = AuditEntry::by(
            Some(actor),
            "scoring.publish",
            "ranking",
            id,
            format!(
                "发布{}督查考核排名（{}个单位）",
                period.label(),
                results.len()
            ),
        );
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The published rankings of a period, newest first.
    pub async fn published_rankings(&self, period: Period) -> Result<Vec<Published>> {
        let rows = sqlx::query(
            "SELECT id, period, rules, results, published_at FROM rankings WHERE period = $1 ORDER BY id DESC",
        )
        .bind(period.code())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Published {
                    id: r.try_get(0)?,
                    period: r.try_get(1)?,
                    rules: serde_json::from_str(&r.try_get::<String, _>(2)?).unwrap_or_default(),
                    results: serde_json::from_str(&r.try_get::<String, _>(3)?).unwrap_or_default(),
                    published_at: r.try_get(4)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The responsible leader rates a finished task's quality (优/良/中/差); scoring uses it.
    pub async fn rate_quality(
        &self,
        actor: &Actor,
        task: TaskId,
        quality: duban_domain::Quality,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let v = crate::ledger::task_view(&mut tx, task)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !v.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        duban_domain::can_rate(actor, &v.task)?;
        sqlx::query("UPDATE tasks SET quality = $1 WHERE id = $2")
            .bind(quality.code())
            .bind(task.0)
            .execute(&mut *tx)
            .await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "task.quality",
            "task",
            task.0,
            format!("评价办理质量：{}", quality.label()),
        );
        e.matter_id = Some(v.matter.id.0);
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// A task's quality rating, if given.
    pub async fn quality_of(&self, task: TaskId) -> Result<Option<duban_domain::Quality>> {
        let v: Option<String> = sqlx::query("SELECT quality FROM tasks WHERE id = $1")
            .bind(task.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten();
        Ok(v.and_then(|q| duban_domain::Quality::from_code(&q).ok()))
    }
}
