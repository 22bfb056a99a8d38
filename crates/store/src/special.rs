//! Procedure C (部门专项督查) in the database: the annual plan, applications, launching one or
//! several (联合督查) into a special inspection with its plan, the inspection's steps, scores, the
//! caps and overlaps that keep inspections few, and the burden report per inspected unit.

use chrono::{Datelike, NaiveDate};
use duban_domain::input::NewTask;
use duban_domain::time::{Millis, china_date, cn_date};
use duban_domain::{
    Actor, Application, ApplicationCommand, ApplicationContext, ApplicationId, ApplicationState,
    Assignee, DomainError, Inspection, InspectionCommand, InspectionContext, InspectionMode,
    LeadOpinion, MatterId, MatterKind, MatterState, NewApplication, NewInspection, ObjectRef,
    PlanItem, PlanItemId, Role, Score, ScoreItem, Source, SpecialContext, UnitId, UnitLoad,
    Urgency, UserId, WorkAction, WorkItem, can_apply, can_edit_application, can_view_application,
    decide_application, decide_inspection, launch_inspection, union_targets,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit::{AuditEntry, AuditRecord, append};
use crate::ledger::{insert_task, load_matter, load_tasks, open_work, placeholders};
use crate::org::next_number;
use crate::{Meta, Result, Store, now_ms};

use crate::ledger::{date_of, day};

/// The plan, applications and scores of one special inspection.
#[derive(Debug, Clone)]
pub struct SpecialData {
    pub inspection: Inspection,
    pub applications: Vec<Application>,
    pub scores: Vec<Score>,
}

impl SpecialData {
    pub fn context(&self) -> SpecialContext<'_> {
        SpecialContext {
            inspection: &self.inspection,
            applications: &self.applications,
            scores: &self.scores,
        }
    }
    /// Whether two or more departments' applications were merged (联合督查).
    pub fn joint(&self) -> bool {
        self.applications.len() > 1
    }
    /// A unit's total score from one department, if it scored.
    pub fn total(&self, task: duban_domain::TaskId, app: ApplicationId) -> Option<i64> {
        let mut it = self
            .scores
            .iter()
            .filter(|s| s.task_id == task && s.application_id == app)
            .peekable();
        it.peek()?;
        Some(it.map(|s| s.tenths).sum())
    }
}

/// The area leaders (分管领导) whose portfolio holds a unit.
pub(crate) async fn area_leaders_of(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<UserId>> {
    let rows = sqlx::query(
        "SELECT p.user_id FROM portfolios p JOIN user_roles r ON r.user_id = p.user_id AND r.role = 'area_leader' \
         JOIN users u ON u.id = p.user_id AND u.active = 1 WHERE p.unit_id = $1 ORDER BY p.user_id",
    )
    .bind(unit.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok(UserId(r.try_get(0)?)))
        .collect::<Result<Vec<_>>>()
}

/// Whether `actor` follows a special inspection as one of its applying departments (or their
/// area leader), beyond the tasks of its own unit.
pub(crate) async fn special_party(
    conn: &mut AnyConnection,
    actor: &Actor,
    matter: &duban_domain::Matter,
) -> Result<bool> {
    if matter.kind != MatterKind::Special || actor.sees_all_matters() {
        return Ok(false);
    }
    let apps = applications_where(conn, "a.matter_id = $1", &[matter.id.0]).await?;
    Ok(duban_domain::inspects(actor, &apps))
}

/// Who approves a bulletin covering this matter: the departments' area leaders for a special
/// inspection, nobody named (the supervision leader) otherwise.
pub(crate) async fn bulletin_reviewers(
    conn: &mut AnyConnection,
    matter: MatterId,
) -> Result<Vec<UserId>> {
    let apps = applications_where(conn, "a.matter_id = $1", &[matter.0]).await?;
    Ok(duban_domain::special_reviewers(&apps))
}

const APP_COLS: &str = "a.id, a.year, a.seq, a.unit_id, a.subject, a.reason, a.content, a.window_start, a.window_end, \
    a.mode, a.plan_item_id, a.score_items, a.state, a.version, a.created_by, a.created_at, a.matter_id, \
    a.opinion_problems, a.opinion_causes, a.opinion_next_steps, a.opinion_by, a.opinion_at, a.opinion_signed_by, \
    a.opinion_signed_at";

fn app_row(r: &AnyRow) -> Result<Application> {
    let items: Vec<ScoreItem> =
        serde_json::from_str(&r.try_get::<String, _>(11)?).unwrap_or_default();
    let opinion = match r.try_get::<Option<String>, _>(17)? {
        None => None,
        Some(problems) => Some(LeadOpinion {
            problems,
            causes: r.try_get::<Option<String>, _>(18)?.unwrap_or_default(),
            next_steps: r.try_get::<Option<String>, _>(19)?.unwrap_or_default(),
            written_by: UserId(r.try_get::<Option<i64>, _>(20)?.unwrap_or(0)),
            written_at: r.try_get::<Option<i64>, _>(21)?.unwrap_or(0),
            signed_by: r.try_get::<Option<i64>, _>(22)?.map(UserId),
            signed_at: r.try_get(23)?,
        }),
    };
    Ok(Application {
        id: ApplicationId(r.try_get(0)?),
        year: r.try_get::<i64, _>(1)? as i32,
        seq: r.try_get(2)?,
        unit_id: UnitId(r.try_get(3)?),
        subject: r.try_get(4)?,
        reason: r.try_get(5)?,
        content: r.try_get(6)?,
        targets: vec![],
        window_start: date_of(&r.try_get::<String, _>(7)?)?,
        window_end: date_of(&r.try_get::<String, _>(8)?)?,
        mode: InspectionMode::from_code(&r.try_get::<String, _>(9)?)?,
        plan_item: r.try_get::<Option<i64>, _>(10)?.map(PlanItemId),
        score_items: items,
        state: ApplicationState::from_code(&r.try_get::<String, _>(12)?)?,
        version: r.try_get(13)?,
        created_by: UserId(r.try_get(14)?),
        created_at: r.try_get(15)?,
        area_leaders: vec![],
        matter_id: r.try_get::<Option<i64>, _>(16)?.map(MatterId),
        opinion,
    })
}

/// Applications matching a WHERE clause over `applications a`, with targets and area leaders
/// filled in batched queries.
async fn applications_where(
    conn: &mut AnyConnection,
    cond: &str,
    binds: &[i64],
) -> Result<Vec<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications a WHERE {cond} ORDER BY a.id DESC");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut apps = rows.iter().map(app_row).collect::<Result<Vec<_>>>()?;
    fill_applications(conn, &mut apps).await?;
    Ok(apps)
}

async fn fill_applications(conn: &mut AnyConnection, apps: &mut [Application]) -> Result<()> {
    if apps.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT application_id, unit_id FROM application_targets WHERE application_id IN ({}) ORDER BY unit_id",
        placeholders(apps.len(), 0)
    );
    let mut q = sqlx::query(&sql);
    for a in apps.iter() {
        q = q.bind(a.id.0);
    }
    for r in q.fetch_all(&mut *conn).await? {
        let (aid, uid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if let Some(a) = apps.iter_mut().find(|a| a.id.0 == aid) {
            a.targets.push(UnitId(uid));
        }
    }
    let mut units: Vec<UnitId> = apps.iter().map(|a| a.unit_id).collect();
    units.sort();
    units.dedup();
    for u in units {
        let leaders = area_leaders_of(conn, u).await?;
        for a in apps.iter_mut().filter(|a| a.unit_id == u) {
            a.area_leaders = leaders.clone();
        }
    }
    Ok(())
}

pub(crate) async fn load_application(
    conn: &mut AnyConnection,
    id: ApplicationId,
) -> Result<Option<Application>> {
    Ok(applications_where(conn, "a.id = $1", &[id.0])
        .await?
        .into_iter()
        .next())
}

pub(crate) async fn load_inspection(
    conn: &mut AnyConnection,
    matter: MatterId,
) -> Result<Option<Inspection>> {
    let row = sqlx::query(
        "SELECT matter_id, mode, window_start, window_end, requirements, team, vehicle, \
         (SELECT value FROM settings WHERE key = 'notice_days'), situation, \
         situation_instruction FROM inspections WHERE matter_id = $1",
    )
    .bind(matter.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Inspection {
            matter_id: MatterId(r.try_get(0)?),
            mode: InspectionMode::from_code(&r.try_get::<String, _>(1)?)?,
            window_start: date_of(&r.try_get::<String, _>(2)?)?,
            window_end: date_of(&r.try_get::<String, _>(3)?)?,
            requirements: r.try_get(4)?,
            team: r.try_get(5)?,
            vehicle: r.try_get(6)?,
            // The office's current setting (督查考核通知提前天数) applies.
            notice_days: r
                .try_get::<Option<String>, _>(7)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(crate::org::OrgSettings::default().notice_days),
            situation: r.try_get(8)?,
            situation_instruction: r.try_get(9)?,
        })
    })
    .transpose()
}

pub(crate) async fn special_data(
    conn: &mut AnyConnection,
    matter: MatterId,
) -> Result<Option<SpecialData>> {
    let Some(inspection) = load_inspection(conn, matter).await? else {
        return Ok(None);
    };
    let mut applications = applications_where(conn, "a.matter_id = $1", &[matter.0]).await?;
    applications.sort_by_key(|a| a.id);
    let rows = sqlx::query(
        "SELECT s.task_id, s.application_id, s.item, s.tenths, s.remark FROM scores s JOIN tasks t ON t.id = s.task_id \
         WHERE t.matter_id = $1 ORDER BY s.task_id, s.application_id, s.item",
    )
    .bind(matter.0)
    .fetch_all(&mut *conn)
    .await?;
    let scores = rows
        .iter()
        .map(|r| {
            Ok(Score {
                task_id: duban_domain::TaskId(r.try_get(0)?),
                application_id: ApplicationId(r.try_get(1)?),
                item: r.try_get::<i64, _>(2)? as usize,
                tenths: r.try_get(3)?,
                remark: r.try_get(4)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(SpecialData {
        inspection,
        applications,
        scores,
    }))
}

/// Writes the applications a step changed (version-guarded).
pub(crate) async fn save_applications(
    tx: &mut Transaction<'static, Any>,
    apps: &[Application],
    now: Millis,
) -> Result<()> {
    for a in apps {
        let o = a.opinion.as_ref();
        let n = sqlx::query(
            "UPDATE applications SET state = $1, matter_id = $2, opinion_problems = $3, opinion_causes = $4, \
             opinion_next_steps = $5, opinion_by = $6, opinion_at = $7, opinion_signed_by = $8, opinion_signed_at = $9, \
             version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12",
        )
        .bind(a.state.code())
        .bind(a.matter_id.map(|m| m.0))
        .bind(o.map(|o| o.problems.clone()))
        .bind(o.map(|o| o.causes.clone()))
        .bind(o.map(|o| o.next_steps.clone()))
        .bind(o.map(|o| o.written_by.0))
        .bind(o.map(|o| o.written_at))
        .bind(o.and_then(|o| o.signed_by.map(|u| u.0)))
        .bind(o.and_then(|o| o.signed_at))
        .bind(now)
        .bind(a.id.0)
        .bind(a.version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
    }
    Ok(())
}

pub(crate) async fn insert_scores(
    tx: &mut Transaction<'static, Any>,
    scores: &[Score],
    by: UserId,
    now: Millis,
) -> Result<()> {
    for s in scores {
        sqlx::query(
            "INSERT INTO scores (task_id, application_id, item, tenths, remark, scored_by, scored_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(s.task_id.0)
        .bind(s.application_id.0)
        .bind(s.item as i64)
        .bind(s.tenths)
        .bind(&s.remark)
        .bind(by.0)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(|_| DomainError::stale())?;
    }
    Ok(())
}

pub(crate) async fn save_inspection(
    tx: &mut Transaction<'static, Any>,
    i: &Inspection,
) -> Result<()> {
    sqlx::query(
        "UPDATE inspections SET situation = $1, situation_instruction = $2 WHERE matter_id = $3",
    )
    .bind(&i.situation)
    .bind(&i.situation_instruction)
    .bind(i.matter_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new line of the annual inspection plan.
#[derive(Debug, Clone)]
pub struct NewPlanItem {
    pub year: i32,
    pub unit_id: UnitId,
    pub subject: String,
    pub mode: InspectionMode,
    pub month: u32,
    pub targets: String,
}

impl NewPlanItem {
    pub fn parse(
        year: &str,
        unit_id: Option<i64>,
        subject: &str,
        mode: &str,
        month: &str,
        targets: &str,
    ) -> Result<NewPlanItem, DomainError> {
        use duban_domain::input::{TITLE_MAX, required_text};
        let year: i32 = year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| DomainError::invalid("年度", "请填写有效年度，如 2026"))?;
        let month: u32 = month
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| DomainError::invalid("计划月份", "请选择1至12月"))?;
        Ok(NewPlanItem {
            year,
            unit_id: UnitId(
                unit_id.ok_or_else(|| DomainError::invalid("牵头部门", "请选择牵头部门"))?,
            ),
            subject: required_text("督查检查考核事项", subject, TITLE_MAX)?,
            mode: InspectionMode::from_code(mode)
                .map_err(|_| DomainError::invalid("督查方式", "请选择督查方式"))?,
            month,
            targets: required_text("督查对象", targets, TITLE_MAX)?,
        })
    }
}

/// One line of the burden report (基层督查检查考核负担).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BurdenRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    /// 实地督查考核
    pub on_site: i64,
    /// 电话和文字督查
    pub written: i64,
    /// 材料报送要求 (tasks of other procedures assigned to it, each asking for written reports)
    pub material: i64,
}

/// Everything an application's page shows.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub application: Application,
    pub plan_item: Option<PlanItem>,
    /// Other inspections the targets already have in the window's month and year.
    pub loads: Vec<UnitLoad>,
    pub warnings: Vec<String>,
    /// Planned or running applications with overlapping targets and windows (merge candidates).
    pub overlapping: Vec<Application>,
    pub timeline: Vec<AuditRecord>,
    /// The launched inspection's tasks (one per inspected unit).
    pub tasks: Vec<duban_domain::Task>,
    pub siblings: Vec<Application>,
}

impl ApplicationView {
    pub fn context(&self) -> ApplicationContext<'_> {
        ApplicationContext {
            tasks: &self.tasks,
            siblings: &self.siblings,
        }
    }
}

const COUNTED: &str = "('area_review', 'principal_review', 'approved', 'accepted', 'launched')";

fn plan_row(r: &AnyRow) -> Result<PlanItem> {
    Ok(PlanItem {
        id: PlanItemId(r.try_get(0)?),
        year: r.try_get::<i64, _>(1)? as i32,
        unit_id: UnitId(r.try_get(2)?),
        subject: r.try_get(3)?,
        mode: InspectionMode::from_code(&r.try_get::<String, _>(4)?)?,
        month: r.try_get::<i64, _>(5)? as u32,
        targets: r.try_get(6)?,
        active: r.try_get::<i64, _>(7)? == 1,
    })
}

const PLAN_COLS: &str = "id, year, unit_id, subject, mode, month, targets, active";

fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = d.with_day(1).unwrap_or(d);
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    (start, next.map(|n| n.pred_opt().unwrap_or(n)).unwrap_or(d))
}

/// How many other inspections each target already has in the application's month and year. A
/// launched joint inspection counts once per unit; its plan's window is the one that counts.
async fn unit_loads(conn: &mut AnyConnection, app: &Application) -> Result<Vec<UnitLoad>> {
    if app.targets.is_empty() {
        return Ok(vec![]);
    }
    let (m0, m1) = month_bounds(app.window_start);
    let y0 = NaiveDate::from_ymd_opt(app.window_start.year(), 1, 1).unwrap_or(m0);
    let y1 = NaiveDate::from_ymd_opt(app.window_start.year(), 12, 31).unwrap_or(m1);
    let mut out: Vec<UnitLoad> = app
        .targets
        .iter()
        .map(|u| UnitLoad {
            unit_id: *u,
            month: 0,
            year: 0,
        })
        .collect();
    for (from, to, is_month) in [(m0, m1, true), (y0, y1, false)] {
        let sql = format!(
            "SELECT t.unit_id, COUNT(DISTINCT CASE WHEN a.matter_id IS NULL THEN -a.id ELSE a.matter_id END) \
             FROM application_targets t JOIN applications a ON a.id = t.application_id \
             LEFT JOIN inspections i ON i.matter_id = a.matter_id \
             WHERE t.unit_id IN ({}) AND a.id <> $1 AND a.state IN {COUNTED} \
             AND COALESCE(i.window_start, a.window_start) <= $2 AND COALESCE(i.window_end, a.window_end) >= $3 \
             GROUP BY t.unit_id",
            placeholders(app.targets.len(), 3)
        );
        let mut q = sqlx::query(&sql)
            .bind(app.id.0)
            .bind(day(to))
            .bind(day(from));
        for u in &app.targets {
            q = q.bind(u.0);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let (u, n): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(l) = out.iter_mut().find(|l| l.unit_id.0 == u) {
                if is_month {
                    l.month = n;
                } else {
                    l.year = n;
                }
            }
        }
    }
    Ok(out)
}

/// Planned or running applications (launched ones included, to be seen though no longer
/// mergeable) that share a target and whose windows meet.
async fn overlapping(conn: &mut AnyConnection, app: &Application) -> Result<Vec<Application>> {
    if app.targets.is_empty() {
        return Ok(vec![]);
    }
    let cond = format!(
        "a.id IN (SELECT t.application_id FROM application_targets t WHERE t.unit_id IN ({})) \
         AND a.id <> $1 AND a.state IN {COUNTED} AND a.window_start <= $2 AND a.window_end >= $3",
        placeholders(app.targets.len(), 3)
    );
    let sql =
        format!("SELECT {APP_COLS} FROM applications a WHERE {cond} ORDER BY a.id DESC LIMIT 50");
    let mut q = sqlx::query(&sql)
        .bind(app.id.0)
        .bind(day(app.window_end))
        .bind(day(app.window_start));
    for u in &app.targets {
        q = q.bind(u.0);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut apps = rows.iter().map(app_row).collect::<Result<Vec<_>>>()?;
    fill_applications(conn, &mut apps).await?;
    apps.retain(|o| duban_domain::overlaps(app, o));
    Ok(apps)
}

fn year_of(now: Millis) -> i32 {
    china_date(now).year()
}

impl Store {
    // ───────────── 年度督查检查考核计划 ─────────────

    pub async fn plan_items(&self, year: i32) -> Result<Vec<PlanItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {PLAN_COLS} FROM plan_items WHERE year = $1 ORDER BY month, unit_id, id"
        ))
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(plan_row).collect()
    }

    pub async fn plan_item(&self, id: PlanItemId) -> Result<Option<PlanItem>> {
        let row = sqlx::query(&format!("SELECT {PLAN_COLS} FROM plan_items WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(plan_row).transpose()
    }

    /// The office keeps the annual plan.
    pub async fn add_plan_item(
        &self,
        actor: &Actor,
        p: &NewPlanItem,
        meta: &Meta,
    ) -> Result<PlanItemId> {
        if !actor.has(Role::SupervisionOffice) {
            return Err(DomainError::forbidden("年度督查检查考核计划由考核督查办制定").into());
        }
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let dept = sqlx::query("SELECT name FROM units WHERE id = $1 AND active = 1")
            .bind(p.unit_id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::invalid("牵头部门", "部门不存在"))?;
        let dept: String = dept.try_get(0)?;
        let id: i64 = sqlx::query(
            "INSERT INTO plan_items (year, unit_id, subject, mode, month, targets, active, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,1,$7,$8) RETURNING id",
        )
        .bind(i64::from(p.year))
        .bind(p.unit_id.0)
        .bind(&p.subject)
        .bind(p.mode.code())
        .bind(i64::from(p.month))
        .bind(&p.targets)
        .bind(actor.user_id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let e = AuditEntry::by(
            Some(actor),
            "plan.add",
            "plan_item",
            id,
            format!(
                "列入{}年度督查检查考核计划：{}（{}，{}月，{}）",
                p.year,
                p.subject,
                dept,
                p.month,
                p.mode.label()
            ),
        );
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(PlanItemId(id))
    }

    /// Takes a line out of the plan (kept for the record; applications that cite it keep it).
    pub async fn retire_plan_item(&self, actor: &Actor, id: PlanItemId, meta: &Meta) -> Result<()> {
        if !actor.has(Role::SupervisionOffice) {
            return Err(DomainError::forbidden("年度督查检查考核计划由考核督查办制定").into());
        }
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE plan_items SET active = 0 WHERE id = $1 AND active = 1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DomainError::not_found("计划条目").into());
        }
        let e = AuditEntry::by(
            Some(actor),
            "plan.retire",
            "plan_item",
            id.0,
            "撤销计划条目",
        );
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }

    // ───────────── 督查考核申请 ─────────────

    async fn check_application(
        &self,
        tx: &mut Transaction<'static, Any>,
        a: &NewApplication,
    ) -> Result<()> {
        for u in &a.targets {
            let found = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND active = 1")
                .bind(u.0)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_none() {
                return Err(
                    DomainError::invalid("督查对象", format!("单位（编号{}）不存在", u.0)).into(),
                );
            }
        }
        if let Some(pid) = a.plan_item {
            let row = sqlx::query(&format!("SELECT {PLAN_COLS} FROM plan_items WHERE id = $1"))
                .bind(pid.0)
                .fetch_optional(&mut **tx)
                .await?;
            let p = row
                .as_ref()
                .map(plan_row)
                .transpose()?
                .ok_or_else(|| DomainError::invalid("年度计划", "计划条目不存在"))?;
            if !p.active || p.unit_id != a.unit_id || p.year != a.window_start.year() {
                return Err(DomainError::invalid(
                    "年度计划",
                    "只能选择本部门、督查年度内有效的计划条目",
                )
                .into());
            }
        }
        Ok(())
    }

    /// A department drafts a 督查考核申请书 (起草中 until it submits).
    pub async fn create_application(
        &self,
        actor: &Actor,
        a: &NewApplication,
        meta: &Meta,
    ) -> Result<ApplicationId> {
        if !can_apply(actor) || a.unit_id != actor.unit_id {
            return Err(DomainError::forbidden("督查考核申请由业务部门提出").into());
        }
        let now = now_ms();
        let year = year_of(now);
        let mut tx = self.begin_write().await?;
        self.check_application(&mut tx, a).await?;
        let seq = next_number(&mut tx, "application", year).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO applications (year, seq, unit_id, subject, reason, content, window_start, window_end, mode, \
             plan_item_id, score_items, state, created_by, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id",
        )
        .bind(i64::from(year))
        .bind(seq)
        .bind(a.unit_id.0)
        .bind(&a.subject)
        .bind(&a.reason)
        .bind(&a.content)
        .bind(day(a.window_start))
        .bind(day(a.window_end))
        .bind(a.mode.code())
        .bind(a.plan_item.map(|p| p.0))
        .bind(serde_json::to_string(&a.score_items).unwrap_or_else(|_| "[]".to_owned()))
        .bind(ApplicationState::Draft.code())
        .bind(actor.user_id.0)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        insert_targets(&mut tx, id, &a.targets).await?;
        let e = AuditEntry::by(
            Some(actor),
            "application.create",
            "application",
            id,
            format!(
                "起草督查考核申请书：{}（{}，{}）",
                a.subject,
                a.mode.label(),
                if a.plan_item.is_some() {
                    "年度计划内"
                } else {
                    "计划外"
                }
            ),
        );
        append(&mut tx, e, meta, now).await?;
        open_work(
            &mut tx,
            &[WorkItem {
                object: ObjectRef::Application(ApplicationId(id)),
                action: WorkAction::ReviseApplication,
                assignee: Assignee::Unit(a.unit_id),
            }],
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ApplicationId(id))
    }

    /// The department revises its draft (or a returned application).
    pub async fn update_application(
        &self,
        actor: &Actor,
        id: ApplicationId,
        version: i64,
        a: &NewApplication,
        meta: &Meta,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let old = load_application(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查考核申请"))?;
        if !can_view_application(actor, &old) {
            return Err(DomainError::not_found("督查考核申请").into());
        }
        can_edit_application(actor, &old)?;
        if old.version != version {
            return Err(DomainError::stale().into());
        }
        self.check_application(&mut tx, a).await?;
        let n = sqlx::query(
            "UPDATE applications SET subject = $1, reason = $2, content = $3, window_start = $4, window_end = $5, \
             mode = $6, plan_item_id = $7, score_items = $8, version = version + 1, updated_at = $9 \
             WHERE id = $10 AND version = $11",
        )
        .bind(&a.subject)
        .bind(&a.reason)
        .bind(&a.content)
        .bind(day(a.window_start))
        .bind(day(a.window_end))
        .bind(a.mode.code())
        .bind(a.plan_item.map(|p| p.0))
        .bind(serde_json::to_string(&a.score_items).unwrap_or_else(|_| "[]".to_owned()))
        .bind(now)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        sqlx::query("DELETE FROM application_targets WHERE application_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_targets(&mut tx, id.0, &a.targets).await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "application.edit",
            "application",
            id.0,
            format!("修改督查考核申请书：{}", a.subject),
        );
        e.before = serde_json::to_string(&old).ok();
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A step on an application (报送、审核、批示、退回、不同意、阅转、通报意见、签字).
    pub async fn act_on_application(
        &self,
        actor: &Actor,
        id: ApplicationId,
        version: i64,
        cmd: ApplicationCommand,
        meta: &Meta,
    ) -> Result<duban_domain::Change> {
        let settings = self.settings().await?;
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let app = load_application(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查考核申请"))?;
        if !can_view_application(actor, &app) {
            return Err(DomainError::not_found("督查考核申请").into());
        }
        if app.version != version {
            return Err(DomainError::stale().into());
        }
        let (tasks, siblings) = match app.matter_id {
            Some(m) => (
                load_tasks(&mut tx, m).await?,
                applications_where(&mut tx, "a.matter_id = $1", &[m.0]).await?,
            ),
            None => (vec![], vec![]),
        };
        let ctx = ApplicationContext {
            tasks: &tasks,
            siblings: &siblings,
        };
        let mut change = decide_application(actor, &app, &ctx, cmd, now)?;
        if change.action == "application.principal_approve" {
            // The leader approved knowing the load: the record says so.
            let loads = unit_loads(&mut tx, &app).await?;
            let names = unit_names(&mut tx).await?;
            let warnings = duban_domain::cap_warnings(&app, &loads, settings.caps(), |u| {
                names.get(&u).cloned().unwrap_or_default()
            });
            if !warnings.is_empty() {
                change.summary = format!("{}（超过上限：{}）", change.summary, warnings.join("；"));
            }
        }
        let before = serde_json::to_string(&app).ok();
        self.apply(
            &mut tx,
            actor,
            &change,
            ObjectRef::Application(id),
            app.matter_id,
            before,
            meta,
            now,
            &[],
            &settings,
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }

    /// An application as `actor` may read it, with its load, cap warnings and merge candidates.
    pub async fn application_view(
        &self,
        actor: &Actor,
        id: ApplicationId,
    ) -> Result<ApplicationView> {
        let settings = self.settings().await?;
        let mut conn = self.pool.acquire().await?;
        let app = load_application(&mut conn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查考核申请"))?;
        if !can_view_application(actor, &app) {
            return Err(DomainError::not_found("督查考核申请").into());
        }
        let plan_item = match app.plan_item {
            Some(p) => {
                let row = sqlx::query(&format!("SELECT {PLAN_COLS} FROM plan_items WHERE id = $1"))
                    .bind(p.0)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.as_ref().map(plan_row).transpose()?
            }
            None => None,
        };
        let loads = unit_loads(&mut conn, &app).await?;
        let names = unit_names(&mut conn).await?;
        let warnings = duban_domain::cap_warnings(&app, &loads, settings.caps(), |u| {
            names.get(&u).cloned().unwrap_or_default()
        });
        let overlapping = if actor.sees_all_matters() && duban_domain::mergeable(&app) {
            overlapping(&mut conn, &app).await?
        } else {
            vec![]
        };
        let rows = sqlx::query(&format!(
            "SELECT {} FROM audit_log WHERE object_type = 'application' AND object_id = $1 ORDER BY id",
            crate::audit::COLUMNS
        ))
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await?;
        let timeline = rows
            .iter()
            .map(crate::audit::record)
            .collect::<Result<Vec<_>>>()?;
        let (tasks, siblings) = match app.matter_id {
            Some(m) => (
                load_tasks(&mut conn, m).await?,
                applications_where(&mut conn, "a.matter_id = $1", &[m.0]).await?,
            ),
            None => (vec![], vec![]),
        };
        Ok(ApplicationView {
            application: app,
            plan_item,
            loads,
            warnings,
            overlapping,
            timeline,
            tasks,
            siblings,
        })
    }

    /// The applications `actor` may see, newest first: all for leaders and the office; a
    /// department its own; an area leader those of the departments in the portfolio.
    pub async fn applications(
        &self,
        actor: &Actor,
        state: Option<ApplicationState>,
        limit: i64,
    ) -> Result<Vec<Application>> {
        let mut conn = self.pool.acquire().await?;
        let mut cond = Vec::new();
        let mut binds = Vec::new();
        if !actor.sees_all_matters() {
            let mut units: Vec<i64> = Vec::new();
            if can_apply(actor) {
                units.push(actor.unit_id.0);
            }
            if actor.has(Role::AreaLeader) {
                units.extend(actor.portfolio.iter().map(|u| u.0));
            }
            if units.is_empty() {
                return Ok(vec![]);
            }
            cond.push(format!("a.unit_id IN ({})", placeholders(units.len(), 0)));
            binds.extend(units);
        }
        let state_code = state.map(|s| s.code());
        let mut sql = format!("SELECT {APP_COLS} FROM applications a");
        if !cond.is_empty() || state_code.is_some() {
            let mut parts = cond;
            if state_code.is_some() {
                parts.push(format!("a.state = ${}", binds.len() + 1));
            }
            sql.push_str(&format!(" WHERE {}", parts.join(" AND ")));
        }
        sql.push_str(&format!(
            " ORDER BY a.id DESC LIMIT ${}",
            binds.len() + 1 + usize::from(state_code.is_some())
        ));
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(*b);
        }
        if let Some(s) = state_code {
            q = q.bind(s);
        }
        let rows = q.bind(limit.clamp(1, 500)).fetch_all(&mut *conn).await?;
        let mut apps = rows.iter().map(app_row).collect::<Result<Vec<_>>>()?;
        fill_applications(&mut conn, &mut apps).await?;
        Ok(apps)
    }

    // ───────────── 专项督查启动、实施 ─────────────

    /// The office drafts the 专项督查考核方案 for one application or merges several into a joint
    /// inspection (联合督查), files it in the ledger and opens one task per inspected unit.
    pub async fn launch_inspection(
        &self,
        actor: &Actor,
        ids: &[ApplicationId],
        plan: &NewInspection,
        meta: &Meta,
    ) -> Result<MatterId> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let mut apps = Vec::new();
        for id in ids {
            let a = load_application(&mut tx, *id).await?.ok_or_else(|| {
                DomainError::invalid("申请", format!("申请（编号{}）不存在", id.0))
            })?;
            apps.push(a);
        }
        let mut change = launch_inspection(actor, &apps, plan)?;
        let first = &apps[0];
        let year = year_of(now);
        let seq = next_number(&mut tx, "ledger", year).await?;
        let joint = apps.len() > 1;
        let names = unit_names(&mut tx).await?;
        let name = |u: UnitId| names.get(&u).cloned().unwrap_or_default();
        let source_text = apps
            .iter()
            .map(|a| {
                format!(
                    "{}《督查考核申请书》（{}）：{}",
                    name(a.unit_id),
                    a.number(),
                    a.content
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mid: i64 = sqlx::query(
            "INSERT INTO matters (year, seq, kind, title, source, source_date, source_text, urgency, state, created_by, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
        )
        .bind(i64::from(year))
        .bind(seq)
        .bind(MatterKind::Special.code())
        .bind(&plan.title)
        .bind(Source::DepartmentApplication.code())
        .bind(day(china_date(first.created_at)))
        .bind(&source_text)
        .bind(Urgency::Normal.code())
        .bind(MatterState::Approved.code())
        .bind(actor.user_id.0)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let matter = MatterId(mid);
        sqlx::query(
            "INSERT INTO inspections (matter_id, mode, window_start, window_end, requirements, team, vehicle) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(mid)
        .bind(first.mode.code())
        .bind(day(plan.window_start))
        .bind(day(plan.window_end))
        .bind(&plan.requirements)
        .bind(&plan.team)
        .bind(&plan.vehicle)
        .execute(&mut *tx)
        .await?;
        let mut audit = AuditEntry::by(
            Some(actor),
            change.action,
            "matter",
            mid,
            format!(
                "{}：{}（{}至{}，{}）",
                change.summary,
                plan.title,
                cn_date(plan.window_start),
                cn_date(plan.window_end),
                first.mode.label()
            ),
        );
        audit.matter_id = Some(mid);
        audit.after = serde_json::to_string(&apps.iter().map(|a| a.id).collect::<Vec<_>>()).ok();
        append(&mut tx, audit, meta, now).await?;
        for unit in union_targets(&apps) {
            let content = apps
                .iter()
                .filter(|a| a.targets.contains(&unit))
                .map(|a| {
                    if joint {
                        format!("【{}】{}", name(a.unit_id), a.content)
                    } else {
                        a.content.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let t = NewTask {
                content: format!("对{}开展{}：{}", name(unit), first.mode.label(), content),
                requirements: plan.requirements.clone(),
                deadline: plan.window_end,
                due_time: None,
                cadence: None,
                leaders: vec![],
                lead_unit: unit,
                coop_units: vec![],
                urgency: Urgency::Normal,
            };
            insert_task(
                &mut tx,
                self.backend,
                actor,
                (matter, year, seq, &plan.title, MatterKind::Special),
                &t,
                meta,
                now,
            )
            .await?;
        }
        for a in change.application.iter_mut() {
            a.matter_id = Some(matter);
        }
        crate::special::save_applications(&mut tx, &change.application, now).await?;
        for d in &change.done {
            crate::ledger::close_work(&mut tx, d, actor.user_id, now).await?;
        }
        open_work(
            &mut tx,
            &[WorkItem {
                object: ObjectRef::Matter(matter),
                action: WorkAction::IssueNotice,
                assignee: Assignee::Role(Role::SupervisionOffice),
            }],
            now,
        )
        .await?;
        for a in &apps {
            let mut e = AuditEntry::by(
                Some(actor),
                "application.launch",
                "application",
                a.id.0,
                format!(
                    "启动专项督查，列入督查工作台账 {}",
                    duban_domain::ledger_no(year, seq)
                ),
            );
            e.matter_id = Some(mid);
            append(&mut tx, e, meta, now).await?;
        }
        tx.commit().await?;
        Ok(matter)
    }

    /// A step on a launched inspection (下达督查考核通知、汇总上报、阅示).
    pub async fn act_on_inspection(
        &self,
        actor: &Actor,
        id: MatterId,
        version: i64,
        cmd: InspectionCommand,
        meta: &Meta,
    ) -> Result<duban_domain::Change> {
        let settings = self.settings().await?;
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let matter = load_matter(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        let tasks = load_tasks(&mut tx, id).await?;
        if !duban_domain::policy::can_view_matter(actor, &tasks) {
            return Err(DomainError::not_found("督查事项").into());
        }
        if matter.version != version {
            return Err(DomainError::stale().into());
        }
        let data = special_data(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::state("此操作用于部门专项督查"))?;
        let ctx = InspectionContext {
            tasks: &tasks,
            inspection: &data.inspection,
            applications: &data.applications,
        };
        let out = decide_inspection(actor, &matter, &ctx, cmd, now)?;
        if out.inspection != data.inspection {
            save_inspection(&mut tx, &out.inspection).await?;
        }
        let before = serde_json::to_string(&matter).ok();
        self.apply(
            &mut tx,
            actor,
            &out.change,
            ObjectRef::Matter(id),
            Some(id),
            before,
            meta,
            now,
            &[],
            &settings,
        )
        .await?;
        tx.commit().await?;
        Ok(out.change)
    }

    /// A special inspection's plan, applications and scores, for those who may see the matter.
    pub async fn special_view(&self, actor: &Actor, id: MatterId) -> Result<Option<SpecialData>> {
        let mut conn = self.pool.acquire().await?;
        let matter = load_matter(&mut conn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        let tasks = load_tasks(&mut conn, id).await?;
        if !duban_domain::policy::can_view_matter(actor, &tasks)
            && !special_party(&mut conn, actor, &matter).await?
        {
            return Err(DomainError::not_found("督查事项").into());
        }
        special_data(&mut conn, id).await
    }

    /// The burden report: per inspected unit, the on-site and phone/written inspections it was
    /// notified of, and the material requests (tasks of the other procedures) it received, in
    /// `[from, to]`.
    pub async fn burden_report(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<BurdenRow>> {
        if !actor.sees_all_matters() {
            return Err(DomainError::forbidden("督查考核负担统计供领导和考核督查办查阅").into());
        }
        let mut conn = self.pool.acquire().await?;
        let units = self.units().await?;
        let mut rows: Vec<BurdenRow> = units
            .iter()
            .filter(|u| {
                matches!(
                    u.kind,
                    duban_domain::UnitKind::Department | duban_domain::UnitKind::Community
                )
            })
            .map(|u| BurdenRow {
                unit_id: u.id,
                unit_name: u.name.clone(),
                on_site: 0,
                written: 0,
                material: 0,
            })
            .collect();
        let inspections = sqlx::query(
            "SELECT t.lead_unit_id, i.mode, COUNT(DISTINCT i.matter_id) FROM inspections i \
             JOIN matters m ON m.id = i.matter_id JOIN tasks t ON t.matter_id = i.matter_id \
             WHERE m.state IN ('dispatched', 'closed', 'archived') AND i.window_start <= $1 AND i.window_end >= $2 \
             GROUP BY t.lead_unit_id, i.mode",
        )
        .bind(day(to))
        .bind(day(from))
        .fetch_all(&mut *conn)
        .await?;
        for r in inspections {
            let (u, mode, n): (i64, String, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            if let Some(row) = rows.iter_mut().find(|b| b.unit_id.0 == u) {
                if mode == InspectionMode::OnSite.code() {
                    row.on_site += n;
                } else {
                    row.written += n;
                }
            }
        }
        // Material requests: assignments of the other procedures received in the period (the
        // 督办通知 or 批示件转办单 went out then), read from the receipts.
        let start = duban_domain::input::datetime("开始日期", &day(from))?;
        let end = duban_domain::input::datetime("结束日期", &day(to))? + 86_400_000;
        let material = sqlx::query(
            "SELECT r.recipient_id, COUNT(*) FROM receipts r JOIN tasks t ON t.id = r.task_id \
             WHERE r.recipient_kind = 'unit' AND t.matter_kind <> 'special' AND t.matter_year >= $1 AND t.matter_year <= $2 \
             AND EXISTS (SELECT 1 FROM work_items w WHERE w.object_type = 'task' AND w.object_id = t.id \
                         AND w.action = 'sign' AND w.created_at >= $3 AND w.created_at < $4) \
             GROUP BY r.recipient_id",
        )
        .bind(i64::from(from.year() - 1))
        .bind(i64::from(to.year()))
        .bind(start)
        .bind(end)
        .fetch_all(&mut *conn)
        .await?;
        for r in material {
            let (u, n): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(row) = rows.iter_mut().find(|b| b.unit_id.0 == u) {
                row.material += n;
            }
        }
        Ok(rows)
    }
}

async fn insert_targets(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    targets: &[UnitId],
) -> Result<()> {
    for u in targets {
        sqlx::query("INSERT INTO application_targets (application_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(u.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn unit_names(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<UnitId, String>> {
    let rows = sqlx::query("SELECT id, name FROM units")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((UnitId(r.try_get(0)?), r.try_get(1)?)))
        .collect()
}
