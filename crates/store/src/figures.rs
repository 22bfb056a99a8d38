//! Loads what the figures need (`domain::figures`) for a range of periods, in pages, and tallies
//! them by unit, leader and kind: the definitions live in the domain, this only feeds them.

use std::collections::HashMap;

use duban_domain::figures::{Figures, Group, Period, TaskFacts, groups_of, tally};
use duban_domain::{Actor, Cadence, DomainError, MatterKind, UnitId, UserId};
use sqlx::Row;

use crate::deadlines::load_calendar;
use crate::ledger::placeholders;
use crate::{Result, Store};

/// Figures per period (in the order asked) and group.
pub type Tally = Vec<HashMap<Group, Figures>>;

const PAGE: i64 = 2000;

impl Store {
    /// The four figures for each period, grouped. Leaders and the office only.
    pub async fn figures(&self, actor: &Actor, periods: &[Period]) -> Result<Tally> {
        if !actor.sees_all_matters() {
            return Err(DomainError::forbidden("统计数据供街道领导和考核督查办查阅").into());
        }
        let mut out: Tally = vec![HashMap::new(); periods.len()];
        let (Some(first), Some(last)) = (
            periods.iter().map(|p| p.start()).min(),
            periods.iter().map(|p| p.end()).max(),
        ) else {
            return Ok(out);
        };
        let mut conn = self.pool.acquire().await?;
        let cal = load_calendar(&mut conn).await?;
        let end_ms = duban_domain::calendar::due_at_millis(last, None);
        let mut after = 0_i64;
        loop {
            // Tasks due in the range, and long tasks with a cadence whose reports fall in it.
            let rows = sqlx::query(
                "SELECT t.id, t.lead_unit_id, t.matter_kind, t.deadline, t.due_at, t.received_at, t.finished_at, \
                 t.cadence, t.state FROM tasks t WHERE t.id > $1 AND t.state <> 'draft' AND \
                 ((t.deadline >= $2 AND t.deadline <= $3) OR (t.cadence IS NOT NULL AND t.deadline > $3 AND t.received_at <= $4)) \
                 ORDER BY t.id LIMIT $5",
            )
            .bind(after)
            .bind(first.format("%Y-%m-%d").to_string())
            .bind(last.format("%Y-%m-%d").to_string())
            .bind(end_ms)
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await?;
            let Some(last_row) = rows.last() else {
                break;
            };
            after = last_row.try_get(0)?;
            let mut facts: Vec<(i64, TaskFacts)> = Vec::with_capacity(rows.len());
            for r in &rows {
                let deadline =
                    chrono::NaiveDate::parse_from_str(&r.try_get::<String, _>(3)?, "%Y-%m-%d")
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                facts.push((
                    r.try_get(0)?,
                    TaskFacts {
                        lead_unit: UnitId(r.try_get(1)?),
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
                ));
            }
            // Leaders and reports for the page: two batched queries.
            let ids = placeholders(facts.len(), 0);
            let sql = format!("SELECT task_id, user_id FROM task_leaders WHERE task_id IN ({ids})");
            let mut q = sqlx::query(&sql);
            for (id, _) in &facts {
                q = q.bind(*id);
            }
            let mut leaders: HashMap<i64, Vec<UserId>> = HashMap::new();
            for r in q.fetch_all(&mut *conn).await? {
                leaders
                    .entry(r.try_get(0)?)
                    .or_default()
                    .push(UserId(r.try_get(1)?));
            }
            let sql = format!(
                "SELECT task_id, submitted_at FROM reports WHERE status <> 'returned' AND task_id IN ({ids}) ORDER BY task_id, submitted_at"
            );
            let mut q = sqlx::query(&sql);
            for (id, _) in &facts {
                q = q.bind(*id);
            }
            let mut reports: HashMap<i64, Vec<i64>> = HashMap::new();
            for r in q.fetch_all(&mut *conn).await? {
                reports
                    .entry(r.try_get(0)?)
                    .or_default()
                    .push(r.try_get(1)?);
            }
            let sql = format!(
                "SELECT task_id, decided_at FROM cancellations WHERE status = 'approved' AND task_id IN ({ids})"
            );
            let mut q = sqlx::query(&sql);
            for (id, _) in &facts {
                q = q.bind(*id);
            }
            let mut cancelled: HashMap<i64, chrono::NaiveDate> = HashMap::new();
            for r in q.fetch_all(&mut *conn).await? {
                if let Some(at) = r.try_get::<Option<i64>, _>(1)? {
                    cancelled.insert(r.try_get(0)?, duban_domain::time::china_date(at));
                }
            }
            for (id, mut t) in facts {
                t.cancelled_on = cancelled.remove(&id);
                t.leaders = leaders.remove(&id).unwrap_or_default();
                t.reports = reports.remove(&id).unwrap_or_default();
                let groups = groups_of(&t);
                for (i, p) in periods.iter().enumerate() {
                    let f = tally(&t, *p, &cal);
                    if f == Figures::default() {
                        continue;
                    }
                    for g in &groups {
                        out[i].entry(*g).or_default().add(&f);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Tasks by state and light for the dashboard: one indexed count each.
    pub async fn counts(
        &self,
        actor: &Actor,
    ) -> Result<(
        Vec<(duban_domain::TaskState, i64)>,
        Vec<(duban_domain::Light, i64)>,
    )> {
        use crate::ledger::{LedgerFilter, LedgerSort};
        let mut states = Vec::new();
        for s in duban_domain::TaskState::ALL {
            let f = LedgerFilter {
                state: Some(*s),
                ..Default::default()
            };
            let n = self
                .ledger(actor, &f, LedgerSort::Ledger, None, 1)
                .await?
                .total;
            states.push((*s, n));
        }
        let mut lights = Vec::new();
        for l in duban_domain::Light::ALL {
            let f = LedgerFilter {
                light: Some(*l),
                ..Default::default()
            };
            let n = self
                .ledger(actor, &f, LedgerSort::Ledger, None, 1)
                .await?
                .total;
            lights.push((*l, n));
        }
        Ok((states, lights))
    }
}
