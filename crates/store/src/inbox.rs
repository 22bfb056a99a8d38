//! My work (待办): the open work items addressed to a user, their unit (for unit staff) or one of
//! their roles, described in one batched query per object kind.

use duban_domain::time::Millis;
use duban_domain::{Actor, ObjectRef, Role, WorkAction};
use sqlx::Row;

use crate::ledger::placeholders;
use crate::{Result, Store};

#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkEntry {
    pub id: i64,
    pub action: WorkAction,
    pub object: ObjectRef,
    pub title: String,
    /// 督查编号 of the matter it belongs to, where there is one.
    pub ledger_no: String,
    pub created_at: Millis,
    /// For a task: what its light needs.
    #[serde(skip)]
    pub light: Option<duban_domain::LightFacts>,
}

/// The WHERE clause for "addressed to this actor", with its binds.
fn addressed(actor: &Actor) -> (String, Vec<String>) {
    let mut binds = vec![actor.user_id.0.to_string()];
    let mut parts = vec!["(w.assignee_kind = 'user' AND w.assignee_id = $1)".to_owned()];
    if actor.has(Role::UnitHead) || actor.has(Role::UnitStaff) {
        binds.push(actor.unit_id.0.to_string());
        parts.push(format!(
            "(w.assignee_kind = 'unit' AND w.assignee_id = ${})",
            binds.len()
        ));
    }
    if !actor.roles.is_empty() {
        let start = binds.len();
        binds.extend(actor.roles.iter().map(|r| r.code().to_owned()));
        parts.push(format!(
            "(w.assignee_kind = 'role' AND w.assignee_id IN ({}))",
            placeholders(actor.roles.len(), start)
        ));
    }
    (
        format!("w.done_at IS NULL AND ({})", parts.join(" OR ")),
        binds,
    )
}

impl Store {
    /// How many items wait for the actor (the number in the navigation).
    pub async fn todo_count(&self, actor: &Actor) -> Result<i64> {
        let (w, binds) = addressed(actor);
        let sql = format!("SELECT COUNT(*) FROM work_items w WHERE {w}");
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        Ok(q.fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// The items waiting for the actor, newest first.
    pub async fn todo(&self, actor: &Actor, limit: i64) -> Result<Vec<WorkEntry>> {
        let (w, binds) = addressed(actor);
        let sql = format!(
            "SELECT w.id, w.object_type, w.object_id, w.action, w.created_at FROM work_items w WHERE {w} ORDER BY w.id DESC LIMIT {}",
            limit.clamp(1, 500)
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get(1)?;
            let Some(object) = ObjectRef::from_parts(&kind, r.try_get(2)?) else {
                continue;
            };
            let Ok(action) = WorkAction::from_code(&r.try_get::<String, _>(3)?) else {
                continue;
            };
            out.push(WorkEntry {
                id: r.try_get(0)?,
                action,
                object,
                title: String::new(),
                ledger_no: String::new(),
                created_at: r.try_get(4)?,
                light: None,
            });
        }
        self.describe(&mut out).await?;
        self.fill_lights(&mut out).await?;
        Ok(out)
    }

    /// The lights of the tasks on the page, in one query.
    async fn fill_lights(&self, items: &mut [WorkEntry]) -> Result<()> {
        let ids: Vec<i64> = items
            .iter()
            .filter(|i| i.object.kind() == "task")
            .map(|i| i.object.id())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT id, deadline, due_at, state, finished_at FROM tasks WHERE id IN ({})",
            placeholders(ids.len(), 0)
        );
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&self.pool).await? {
            let id: i64 = r.try_get(0)?;
            let Ok(deadline) =
                chrono::NaiveDate::parse_from_str(&r.try_get::<String, _>(1)?, "%Y-%m-%d")
            else {
                continue;
            };
            let state: String = r.try_get(3)?;
            let facts = duban_domain::LightFacts {
                deadline,
                due_at: r
                    .try_get::<Option<i64>, _>(2)?
                    .unwrap_or_else(|| duban_domain::calendar::due_at_millis(deadline, None)),
                done: state == "completed" || state == "closed",
                finished_at: r.try_get(4)?,
            };
            for item in items
                .iter_mut()
                .filter(|i| i.object.kind() == "task" && i.object.id() == id)
            {
                item.light = Some(facts);
            }
        }
        Ok(())
    }

    /// Fills titles: one query per kind of object on the page.
    async fn describe(&self, items: &mut [WorkEntry]) -> Result<()> {
        let queries = [
            (
                "matter",
                "SELECT id, title, year, seq FROM matters WHERE id IN",
            ),
            (
                "task",
                "SELECT t.id, t.content, t.matter_year, t.matter_seq FROM tasks t WHERE t.id IN",
            ),
            (
                "bulletin",
                "SELECT id, title, year, 0 FROM bulletins WHERE id IN",
            ),
            (
                "application",
                "SELECT id, subject, year, 0 FROM applications WHERE id IN",
            ),
        ];
        for (kind, head) in queries {
            let ids: Vec<i64> = items
                .iter()
                .filter(|i| i.object.kind() == kind)
                .map(|i| i.object.id())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let sql = format!("{head} ({})", placeholders(ids.len(), 0));
            let mut q = sqlx::query(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let id: i64 = r.try_get(0)?;
                let title: String = r.try_get(1)?;
                let (year, seq): (i64, i64) = (r.try_get(2)?, r.try_get(3)?);
                for item in items
                    .iter_mut()
                    .filter(|i| i.object.kind() == kind && i.object.id() == id)
                {
                    item.title = title.clone();
                    if seq > 0 {
                        item.ledger_no = duban_domain::ledger_no(year as i32, seq);
                    }
                }
            }
        }
        Ok(())
    }
}
