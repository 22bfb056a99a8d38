//! The ledger (督查工作台账): loading matters, tasks, receipts, reports and bulletins, registering
//! and decomposing matters, and the filtered, keyset-paged list that must stay fast at a million
//! tasks (every filter has an index; counts never load rows).

use chrono::NaiveDate;
use duban_domain::input::{NewMatter, NewTask};
use duban_domain::policy::{Scope, can_register, can_view_matter, ledger_scope};
use duban_domain::time::{Millis, china_date};
use duban_domain::{
    Actor, Assignee, Bulletin, BulletinId, BulletinKind, BulletinState, Channel, DomainError,
    Matter, MatterId, MatterKind, MatterState, ObjectRef, ProgressReport, Receipt, Recipient,
    ReportId, ReportStatus, Role, Source, SuperiorNotice, Task, TaskId, TaskState, UnitId,
    UpwardReport, Urgency, UserId, WorkAction, WorkItem,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit::{AuditEntry, append};
use crate::org::next_number;
use crate::{Backend, Meta, Result, Store, now_ms};

pub(crate) const MATTER_COLS: &str = "id, year, seq, kind, title, source, source_date, source_text, urgency, state, \
    version, notice_no, archive_no, created_by, created_at, closed_at, archived_at, superior_issuer, superior_doc_no, \
    superior_channel, superior_received_at, superior_report_deadline, superior_report_to";

pub(crate) const TASK_COLS: &str = "t.id, t.matter_id, t.seq, t.content, t.requirements, t.deadline, t.lead_unit_id, \
    t.urgency, t.state, t.version, t.registered_at, t.received_at, t.started_at, t.reported_at, t.finished_at, \
    t.closed_at, t.close_remark, t.due_time, t.cadence, t.urges";
/// How many columns TASK_COLS has (a query that selects more reads them from here on).
pub(crate) const TASK_COL_COUNT: usize = 20;

/// A date as stored (`YYYY-MM-DD` text in both backends).
pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date_of(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(Box::new(e)).into())
}

pub(crate) fn matter_row(r: &AnyRow) -> Result<Matter> {
    Ok(Matter {
        id: MatterId(r.try_get(0)?),
        year: r.try_get::<i64, _>(1)? as i32,
        seq: r.try_get(2)?,
        kind: MatterKind::from_code(&r.try_get::<String, _>(3)?)?,
        title: r.try_get(4)?,
        source: Source::from_code(&r.try_get::<String, _>(5)?)?,
        source_date: date_of(&r.try_get::<String, _>(6)?)?,
        source_text: r.try_get(7)?,
        urgency: Urgency::from_code(&r.try_get::<String, _>(8)?)?,
        state: MatterState::from_code(&r.try_get::<String, _>(9)?)?,
        version: r.try_get(10)?,
        notice_no: r.try_get(11)?,
        archive_no: r.try_get(12)?,
        created_by: UserId(r.try_get(13)?),
        created_at: r.try_get(14)?,
        closed_at: r.try_get(15)?,
        archived_at: r.try_get(16)?,
        superior: match r.try_get::<Option<String>, _>(17)? {
            None => None,
            Some(issuer) => Some(SuperiorNotice {
                issuer,
                doc_no: r.try_get::<Option<String>, _>(18)?.unwrap_or_default(),
                channel: Channel::from_code(&r.try_get::<String, _>(19)?)?,
                received_at: r.try_get(20)?,
                report_deadline: date_of(&r.try_get::<String, _>(21)?)?,
                report_to: r.try_get(22)?,
            }),
        },
    })
}

#[cfg(test)]
#[test]
fn task_col_count_matches_the_columns() {
    assert_eq!(TASK_COLS.split(',').count(), TASK_COL_COUNT);
}

/// A task without its leaders and cooperating units (filled by `fill_people`).
pub(crate) fn task_row(r: &AnyRow) -> Result<Task> {
    Ok(Task {
        id: TaskId(r.try_get(0)?),
        matter_id: MatterId(r.try_get(1)?),
        seq: r.try_get(2)?,
        content: r.try_get(3)?,
        requirements: r.try_get(4)?,
        deadline: date_of(&r.try_get::<String, _>(5)?)?,
        leaders: vec![],
        lead_unit: UnitId(r.try_get(6)?),
        coop_units: vec![],
        urgency: Urgency::from_code(&r.try_get::<String, _>(7)?)?,
        state: TaskState::from_code(&r.try_get::<String, _>(8)?)?,
        version: r.try_get(9)?,
        registered_at: r.try_get(10)?,
        received_at: r.try_get(11)?,
        started_at: r.try_get(12)?,
        reported_at: r.try_get(13)?,
        finished_at: r.try_get(14)?,
        closed_at: r.try_get(15)?,
        close_remark: r.try_get(16)?,
        due_time: r
            .try_get::<Option<String>, _>(17)?
            .and_then(|t| chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok()),
        cadence: r
            .try_get::<Option<String>, _>(18)?
            .and_then(|c| duban_domain::Cadence::parse(&c).ok().flatten()),
        urges: r.try_get::<i64, _>(19)?.max(0) as u32,
    })
}

/// `HH:MM` as stored.
pub(crate) fn time_text(t: Option<chrono::NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

/// `$1, $2, …` for a list of ids, starting after `offset` binds.
pub(crate) fn placeholders(n: usize, offset: usize) -> String {
    (1..=n)
        .map(|i| format!("${}", i + offset))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fills leaders and cooperating units for a batch of tasks in two queries (no N+1).
pub(crate) async fn fill_people(conn: &mut AnyConnection, tasks: &mut [Task]) -> Result<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    let ids = placeholders(tasks.len(), 0);
    let sql = format!(
        "SELECT task_id, user_id FROM task_leaders WHERE task_id IN ({ids}) ORDER BY user_id"
    );
    let mut q = sqlx::query(&sql);
    for t in tasks.iter() {
        q = q.bind(t.id.0);
    }
    for r in q.fetch_all(&mut *conn).await? {
        let (tid, uid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if let Some(t) = tasks.iter_mut().find(|t| t.id.0 == tid) {
            t.leaders.push(UserId(uid));
        }
    }
    let sql = format!(
        "SELECT task_id, unit_id FROM task_units WHERE is_lead = 0 AND task_id IN ({ids}) ORDER BY unit_id"
    );
    let mut q = sqlx::query(&sql);
    for t in tasks.iter() {
        q = q.bind(t.id.0);
    }
    for r in q.fetch_all(&mut *conn).await? {
        let (tid, uid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if let Some(t) = tasks.iter_mut().find(|t| t.id.0 == tid) {
            t.coop_units.push(UnitId(uid));
        }
    }
    Ok(())
}

pub(crate) async fn load_matter(conn: &mut AnyConnection, id: MatterId) -> Result<Option<Matter>> {
    let row = sqlx::query(&format!("SELECT {MATTER_COLS} FROM matters WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(matter_row).transpose()
}

pub(crate) async fn load_tasks(conn: &mut AnyConnection, matter: MatterId) -> Result<Vec<Task>> {
    let rows = sqlx::query(&format!(
        "SELECT {TASK_COLS} FROM tasks t WHERE t.matter_id = $1 ORDER BY t.seq"
    ))
    .bind(matter.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut tasks = rows.iter().map(task_row).collect::<Result<Vec<_>>>()?;
    fill_people(conn, &mut tasks).await?;
    Ok(tasks)
}

pub(crate) async fn load_task(conn: &mut AnyConnection, id: TaskId) -> Result<Option<Task>> {
    let row = sqlx::query(&format!("SELECT {TASK_COLS} FROM tasks t WHERE t.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut t = [task_row(&row)?];
    fill_people(conn, &mut t).await?;
    let [t] = t;
    Ok(Some(t))
}

pub(crate) async fn load_receipts(conn: &mut AnyConnection, task: TaskId) -> Result<Vec<Receipt>> {
    let rows = sqlx::query(
        "SELECT recipient_kind, recipient_id, signed_at, signed_by FROM receipts WHERE task_id = $1 \
         ORDER BY recipient_kind DESC, recipient_id",
    )
    .bind(task.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let id: i64 = r.try_get(1)?;
            Ok(Receipt {
                task_id: task,
                recipient: if kind == "user" {
                    Recipient::User(UserId(id))
                } else {
                    Recipient::Unit(UnitId(id))
                },
                signed_at: r.try_get(2)?,
                signed_by: r.try_get::<Option<i64>, _>(3)?.map(UserId),
            })
        })
        .collect()
}

pub(crate) async fn load_reports(
    conn: &mut AnyConnection,
    task: TaskId,
) -> Result<Vec<ProgressReport>> {
    let rows = sqlx::query(
        "SELECT id, task_id, unit_id, author_id, is_final, body, submitted_at, status, decided_by, decided_at, \
         decision_note FROM reports WHERE task_id = $1 ORDER BY id",
    )
    .bind(task.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(report_row).collect()
}

fn report_row(r: &AnyRow) -> Result<ProgressReport> {
    Ok(ProgressReport {
        id: ReportId(r.try_get(0)?),
        task_id: TaskId(r.try_get(1)?),
        unit_id: UnitId(r.try_get(2)?),
        author_id: UserId(r.try_get(3)?),
        is_final: r.try_get::<i64, _>(4)? == 1,
        body: r.try_get(5)?,
        submitted_at: r.try_get(6)?,
        status: ReportStatus::from_code(&r.try_get::<String, _>(7)?)?,
        decided_by: r.try_get::<Option<i64>, _>(8)?.map(UserId),
        decided_at: r.try_get(9)?,
        decision_note: r.try_get(10)?,
    })
}

pub(crate) const BULLETIN_COLS: &str = "id, year, title, body, state, version, issue_no, scope, review_opinion, \
    instruction, created_by, created_at, published_at, kind, doc_no, report_to, report_on, report_via";

pub(crate) async fn bulletin_rows(
    conn: &mut AnyConnection,
    rows: Vec<AnyRow>,
) -> Result<Vec<Bulletin>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(Bulletin {
            id: BulletinId(r.try_get(0)?),
            year: r.try_get::<i64, _>(1)? as i32,
            title: r.try_get(2)?,
            body: r.try_get(3)?,
            state: BulletinState::from_code(&r.try_get::<String, _>(4)?)?,
            version: r.try_get(5)?,
            matter_ids: vec![],
            issue_no: r.try_get(6)?,
            scope: r.try_get(7)?,
            review_opinion: r.try_get(8)?,
            instruction: r.try_get(9)?,
            created_by: UserId(r.try_get(10)?),
            created_at: r.try_get(11)?,
            published_at: r.try_get(12)?,
            kind: BulletinKind::from_code(&r.try_get::<String, _>(13)?)?,
            doc_no: r.try_get(14)?,
            upward: match r.try_get::<Option<String>, _>(15)? {
                None => None,
                Some(to) => Some(UpwardReport {
                    to,
                    on: date_of(&r.try_get::<String, _>(16)?)?,
                    via: r.try_get(17)?,
                }),
            },
            reviewers: vec![],
        });
    }
    if !out.is_empty() {
        let sql = format!(
            "SELECT bulletin_id, matter_id FROM bulletin_matters WHERE bulletin_id IN ({}) ORDER BY matter_id",
            placeholders(out.len(), 0)
        );
        let mut q = sqlx::query(&sql);
        for b in &out {
            q = q.bind(b.id.0);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let (bid, mid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(b) = out.iter_mut().find(|b| b.id.0 == bid) {
                b.matter_ids.push(MatterId(mid));
            }
        }
        // A special inspection's bulletin is approved by the departments' area leaders.
        for b in out.iter_mut() {
            if let Some(m) = b.matter_ids.first() {
                b.reviewers = crate::special::bulletin_reviewers(conn, *m).await?;
            }
        }
    }
    Ok(out)
}

pub(crate) async fn load_bulletin(
    conn: &mut AnyConnection,
    id: BulletinId,
) -> Result<Option<Bulletin>> {
    let rows = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM bulletins WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(bulletin_rows(conn, rows).await?.into_iter().next())
}

pub(crate) async fn bulletins_of_matter(
    conn: &mut AnyConnection,
    matter: MatterId,
) -> Result<Vec<Bulletin>> {
    let rows = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM bulletins WHERE id IN (SELECT bulletin_id FROM bulletin_matters WHERE matter_id = $1) ORDER BY id"
    ))
    .bind(matter.0)
    .fetch_all(&mut *conn)
    .await?;
    bulletin_rows(conn, rows).await
}

/// Everything the detail page of a matter shows.
#[derive(Debug, Clone)]
pub struct MatterView {
    pub matter: Matter,
    pub tasks: Vec<Task>,
    pub bulletins: Vec<Bulletin>,
}

/// Everything the detail page of a task shows.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub matter: Matter,
    pub task: Task,
    pub siblings: Vec<Task>,
    pub receipts: Vec<Receipt>,
    pub reports: Vec<ProgressReport>,
    pub bulletins: Vec<Bulletin>,
    /// For a special inspection's task: its plan, applications and scores.
    pub special: Option<crate::special::SpecialData>,
}

impl TaskView {
    /// A unit's own task, or any task of a special inspection its department asked for.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        duban_domain::policy::can_view_task(actor, &self.task)
            || self
                .special
                .as_ref()
                .is_some_and(|d| duban_domain::inspects(actor, &d.applications))
    }
    pub fn context(&self) -> duban_domain::TaskContext<'_> {
        duban_domain::TaskContext {
            matter: &self.matter,
            siblings: &self.siblings,
            receipts: &self.receipts,
            reports: &self.reports,
            bulletins: &self.bulletins,
            special: self.special.as_ref().map(|s| s.context()),
        }
    }
}

pub(crate) async fn task_view(conn: &mut AnyConnection, id: TaskId) -> Result<Option<TaskView>> {
    let Some(task) = load_task(conn, id).await? else {
        return Ok(None);
    };
    let Some(matter) = load_matter(conn, task.matter_id).await? else {
        return Ok(None);
    };
    let siblings = load_tasks(conn, matter.id).await?;
    let receipts = load_receipts(conn, id).await?;
    let reports = load_reports(conn, id).await?;
    let bulletins = bulletins_of_matter(conn, matter.id).await?;
    let special = if matter.kind == MatterKind::Special {
        crate::special::special_data(conn, matter.id).await?
    } else {
        None
    };
    Ok(Some(TaskView {
        matter,
        task,
        siblings,
        receipts,
        reports,
        bulletins,
        special,
    }))
}

/// The ledger's filters; every one is backed by an index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    pub year: Option<i32>,
    pub kind: Option<MatterKind>,
    pub state: Option<TaskState>,
    pub unit: Option<UnitId>,
    pub leader: Option<UserId>,
    pub urgency: Option<Urgency>,
    pub overdue: bool,
    /// 红黄绿灯 and 按期/逾期完成.
    pub light: Option<duban_domain::Light>,
    pub keyword: Option<String>,
    pub matter: Option<MatterId>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LedgerSort {
    /// 督查编号 (year newest first, then number and task order)
    #[default]
    Ledger,
    /// 落实时限, soonest first
    Deadline,
    /// last changed first
    Recent,
}

impl LedgerSort {
    pub fn code(self) -> &'static str {
        match self {
            LedgerSort::Ledger => "ledger",
            LedgerSort::Deadline => "deadline",
            LedgerSort::Recent => "recent",
        }
    }
    pub fn from_code(c: &str) -> LedgerSort {
        match c {
            "deadline" => LedgerSort::Deadline,
            "recent" => LedgerSort::Recent,
            _ => LedgerSort::Ledger,
        }
    }
}

/// One row of the ledger list: a task with what the list shows of its matter.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub task: Task,
    pub ledger_no: String,
    pub matter_title: String,
    pub matter_kind: MatterKind,
    pub matter_state: MatterState,
    pub source: Source,
    pub notice_no: Option<String>,
    pub updated_at: Millis,
    /// The newest progress report, for 办理情况.
    pub latest_report: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    pub total: i64,
    /// Opaque cursor for the next page, if there is one.
    pub next: Option<String>,
}

enum Bind {
    I(i64),
    S(String),
}

/// A WHERE clause with `$n` placeholders that both backends accept.
#[derive(Default)]
struct Where {
    parts: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
    fn sql(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.parts.join(" AND "))
        }
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Keywords this long use the trigram index; shorter ones scan `search_text`.
const TRIGRAM: usize = 3;

impl Store {
    /// The lights' bounds at `now`: the calendar and the office's 黄灯 setting.
    pub(crate) async fn light_bounds(
        &self,
        conn: &mut AnyConnection,
        now: Millis,
    ) -> Result<LightBounds> {
        let cal = crate::deadlines::load_calendar(conn).await?;
        let warn: u32 = sqlx::query("SELECT value FROM settings WHERE key = 'warn_days'")
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(crate::org::OrgSettings::default().warn_days);
        let today = china_date(now);
        Ok(LightBounds {
            now,
            today,
            yellow_until: duban_domain::yellow_bound(today, &cal, warn),
        })
    }
}

/// What "now" means for the lights: the moment, and the last deadline that is still yellow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LightBounds {
    pub now: Millis,
    pub today: NaiveDate,
    pub yellow_until: NaiveDate,
}

fn ledger_where(backend: Backend, scope: &Scope, f: &LedgerFilter, at: LightBounds) -> Where {
    let today = at.today;
    let mut w = Where::default();
    // Unit and leader conditions are `t.id IN (…)` so the planner can drive them from the
    // (unit_id, task_id) and (user_id, task_id) indexes instead of probing row by row.
    if let Scope::Limited { units, leader } = scope {
        let mut any = Vec::new();
        if !units.is_empty() {
            let ps: Vec<String> = units.iter().map(|u| w.bind(Bind::I(u.0))).collect();
            any.push(format!(
                "t.id IN (SELECT su.task_id FROM task_units su WHERE su.unit_id IN ({}))",
                ps.join(", ")
            ));
        }
        if let Some(l) = leader {
            let p = w.bind(Bind::I(l.0));
            any.push(format!(
                "t.id IN (SELECT sl.task_id FROM task_leaders sl WHERE sl.user_id = {p})"
            ));
        }
        w.parts.push(if any.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("({})", any.join(" OR "))
        });
        // Same rule as domain::policy::can_view_task: not before the task is assigned.
        w.parts.push("t.state <> 'draft'".to_owned());
    }
    if let Some(m) = f.matter {
        let p = w.bind(Bind::I(m.0));
        w.parts.push(format!("t.matter_id = {p}"));
    }
    if let Some(y) = f.year {
        let p = w.bind(Bind::I(i64::from(y)));
        w.parts.push(format!("t.matter_year = {p}"));
    }
    if let Some(k) = f.kind {
        let p = w.bind(Bind::S(k.code().to_owned()));
        w.parts.push(format!("t.matter_kind = {p}"));
    }
    if let Some(s) = f.state {
        let p = w.bind(Bind::S(s.code().to_owned()));
        w.parts.push(format!("t.state = {p}"));
    }
    if let Some(u) = f.urgency {
        let p = w.bind(Bind::S(u.code().to_owned()));
        w.parts.push(format!("t.urgency = {p}"));
    }
    if let Some(u) = f.unit {
        let p = w.bind(Bind::I(u.0));
        w.parts.push(format!(
            "t.id IN (SELECT fu.task_id FROM task_units fu WHERE fu.unit_id = {p})"
        ));
    }
    if let Some(l) = f.leader {
        let p = w.bind(Bind::I(l.0));
        w.parts.push(format!(
            "t.id IN (SELECT fl.task_id FROM task_leaders fl WHERE fl.user_id = {p})"
        ));
    }
    if f.overdue {
        let p = w.bind(Bind::S(today.format("%Y-%m-%d").to_string()));
        // Same predicate as the partial index ix_tasks_open_deadline.
        w.parts.push(format!(
            "t.deadline < {p} AND t.state NOT IN ('completed', 'closed')"
        ));
    }
    if let Some(l) = f.light {
        use duban_domain::Light;
        const OPEN: &str = "t.state NOT IN ('completed', 'closed')";
        match l {
            Light::Red => {
                // Same predicate as the partial index ix_tasks_open_due.
                let p = w.bind(Bind::I(at.now));
                w.parts.push(format!("t.due_at < {p} AND {OPEN}"));
            }
            Light::Yellow => {
                let p = w.bind(Bind::I(at.now));
                let q = w.bind(Bind::S(at.yellow_until.format("%Y-%m-%d").to_string()));
                w.parts
                    .push(format!("t.due_at >= {p} AND t.deadline <= {q} AND {OPEN}"));
            }
            Light::Green => {
                let q = w.bind(Bind::S(at.yellow_until.format("%Y-%m-%d").to_string()));
                w.parts.push(format!("t.deadline > {q} AND {OPEN}"));
            }
            Light::OnTime => w.parts.push("t.finished_late = 0".to_owned()),
            Light::Late => w.parts.push("t.finished_late = 1".to_owned()),
        }
    }
    if let Some(k) = f
        .keyword
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        if backend == Backend::Sqlite && k.chars().count() >= TRIGRAM {
            let p = w.bind(Bind::S(format!("\"{}\"", k.replace('"', "\"\""))));
            w.parts.push(format!(
                "t.id IN (SELECT rowid FROM task_search WHERE task_search MATCH {p})"
            ));
        } else {
            // PostgreSQL serves this from the pg_trgm index (3+ characters).
            let p = w.bind(Bind::S(format!("%{}%", escape_like(k))));
            w.parts.push(format!("t.search_text LIKE {p} ESCAPE '\\'"));
        }
    }
    w
}

fn parse_cursor(c: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = c.split('~').map(str::to_owned).collect();
    (parts.len() == 3).then_some(parts)
}

impl Store {
    /// Registers a Local matter (登记报备) with its first tasks (分解立项), in one transaction.
    pub async fn create_matter(
        &self,
        actor: &Actor,
        m: NewMatter,
        tasks: Vec<NewTask>,
        meta: &Meta,
    ) -> Result<MatterId> {
        if !can_register(actor) {
            return Err(DomainError::forbidden("仅考核督查办可登记督查事项").into());
        }
        let kind = m.source.kind();
        if kind == MatterKind::Special {
            return Err(DomainError::invalid(
                "来源",
                "部门专项督查由业务部门提出申请，经批准后由考核督查办起草方案启动",
            )
            .into());
        }
        if kind == MatterKind::Superior && !tasks.is_empty() {
            return Err(DomainError::invalid(
                "任务",
                "上级督查事项先呈报主要领导批阅，再按照批示意见明确任务",
            )
            .into());
        }
        let now = now_ms();
        let year = chrono::Datelike::year(&china_date(now));
        let mut tx = self.begin_write().await?;
        let seq = next_number(&mut tx, "ledger", year).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO matters (year, seq, kind, title, source, source_date, source_text, urgency, state, created_by, \
             created_at, updated_at, superior_issuer, superior_doc_no, superior_channel, superior_received_at, \
             superior_report_deadline, superior_report_to) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) RETURNING id",
        )
        .bind(i64::from(year))
        .bind(seq)
        .bind(kind.code())
        .bind(&m.title)
        .bind(m.source.code())
        .bind(m.source_date.format("%Y-%m-%d").to_string())
        .bind(&m.source_text)
        .bind(m.urgency.code())
        .bind(MatterState::Registered.code())
        .bind(actor.user_id.0)
        .bind(now)
        .bind(now)
        .bind(m.superior.as_ref().map(|s| s.issuer.clone()))
        .bind(m.superior.as_ref().map(|s| s.doc_no.clone()))
        .bind(m.superior.as_ref().map(|s| s.channel.code()))
        .bind(m.superior.as_ref().map(|s| s.received_at))
        .bind(
            m.superior
                .as_ref()
                .map(|s| s.report_deadline.format("%Y-%m-%d").to_string()),
        )
        .bind(m.superior.as_ref().map(|s| s.report_to.clone()))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let mid = MatterId(id);
        let mut e = AuditEntry::by(
            Some(actor),
            "matter.register",
            "matter",
            id,
            match &m.superior {
                Some(s) => format!(
                    "登记报备（{}{}{}，{}收文）：{}",
                    s.issuer,
                    s.channel.label(),
                    if s.doc_no.is_empty() {
                        String::new()
                    } else {
                        format!("，{}", s.doc_no)
                    },
                    duban_domain::time::cn_datetime(s.received_at),
                    m.title
                ),
                None => format!(
                    "登记报备（{}，{}）：{}",
                    m.source.label(),
                    duban_domain::time::cn_date(m.source_date),
                    m.title
                ),
            },
        );
        e.matter_id = Some(id);
        append(&mut tx, e, meta, now).await?;
        let obj = ObjectRef::Matter(mid);
        open_work(
            &mut tx,
            &[WorkItem {
                object: obj,
                action: WorkAction::Decompose,
                assignee: Assignee::Role(Role::SupervisionOffice),
            }],
            now,
        )
        .await?;
        for t in &tasks {
            insert_task(
                &mut tx,
                self.backend,
                actor,
                (mid, year, seq, &m.title, kind),
                t,
                meta,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(mid)
    }

    /// Adds one task to a matter still being registered (分解立项).
    pub async fn add_task(
        &self,
        actor: &Actor,
        matter: MatterId,
        version: i64,
        t: NewTask,
        meta: &Meta,
    ) -> Result<TaskId> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let m = load_matter(&mut tx, matter)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        duban_domain::can_edit_tasks(actor, &m)?;
        if m.version != version {
            return Err(DomainError::stale().into());
        }
        let id = insert_task(
            &mut tx,
            self.backend,
            actor,
            (matter, m.year, m.seq, &m.title, m.kind),
            &t,
            meta,
            now,
        )
        .await?;
        bump_matter(&mut tx, &m, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a task from a matter still being registered.
    pub async fn remove_task(
        &self,
        actor: &Actor,
        task: TaskId,
        matter_version: i64,
        meta: &Meta,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let t = load_task(&mut tx, task)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        let m = load_matter(&mut tx, t.matter_id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        duban_domain::can_edit_tasks(actor, &m)?;
        if m.version != matter_version {
            return Err(DomainError::stale().into());
        }
        for sql in [
            "DELETE FROM task_leaders WHERE task_id = $1",
            "DELETE FROM task_units WHERE task_id = $1",
            "DELETE FROM work_items WHERE object_type = 'task' AND object_id = $1",
            "DELETE FROM tasks WHERE id = $1",
        ] {
            if sql.contains("task_units") && self.backend == Backend::Sqlite {
                sqlx::query("DELETE FROM task_search WHERE rowid = $1")
                    .bind(task.0)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(sql).bind(task.0).execute(&mut *tx).await?;
        }
        bump_matter(&mut tx, &m, now).await?;
        let mut e = AuditEntry::by(
            Some(actor),
            "task.remove",
            "task",
            task.0,
            format!("删除任务{}：{}", t.seq, t.content),
        );
        e.matter_id = Some(m.id.0);
        e.before = serde_json::to_string(&t).ok();
        append(&mut tx, e, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A matter the actor may see, with its tasks and bulletins.
    pub async fn matter_view(&self, actor: &Actor, id: MatterId) -> Result<MatterView> {
        let mut conn = self.pool.acquire().await?;
        let matter = load_matter(&mut conn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        let mut tasks = load_tasks(&mut conn, id).await?;
        let party = crate::special::special_party(&mut conn, actor, &matter).await?;
        if !party && !can_view_matter(actor, &tasks) {
            return Err(DomainError::not_found("督查事项").into());
        }
        let mut bulletins = bulletins_of_matter(&mut conn, id).await?;
        if party {
            // An applying department follows every inspected unit, and published bulletins.
            bulletins.retain(|b| b.state == BulletinState::Published);
        } else if !actor.sees_all_matters() {
            // A unit or an area leader sees its own tasks of the matter and published bulletins only.
            tasks.retain(|t| duban_domain::policy::can_view_task(actor, t));
            bulletins.retain(|b| b.state == BulletinState::Published);
        }
        Ok(MatterView {
            matter,
            tasks,
            bulletins,
        })
    }

    /// The timeline of a matter as `actor` may read it: everything for leaders and the office;
    /// for others the matter's own steps, their visible tasks' steps and published bulletins.
    pub async fn timeline_for(
        &self,
        actor: &Actor,
        v: &MatterView,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        let all = self.timeline(v.matter.id.0).await?;
        if actor.sees_all_matters() {
            return Ok(all);
        }
        Ok(all
            .into_iter()
            .filter(|r| match r.object_type.as_str() {
                "matter" => true,
                "task" => v.tasks.iter().any(|t| t.id.0 == r.object_id),
                "bulletin" => {
                    r.action == "bulletin.publish"
                        && v.bulletins.iter().any(|b| b.id.0 == r.object_id)
                }
                _ => false,
            })
            .collect())
    }

    /// A task the actor may see, with everything its page shows.
    pub async fn task_view(&self, actor: &Actor, id: TaskId) -> Result<TaskView> {
        let mut conn = self.pool.acquire().await?;
        let v = task_view(&mut conn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !v.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        Ok(v)
    }

    /// Instructions (批示/审阅意见/退回理由) on an object, oldest first: (kind, text, leader name, at).
    pub async fn instructions(
        &self,
        object: ObjectRef,
    ) -> Result<Vec<(String, String, String, Millis)>> {
        let rows = sqlx::query(
            "SELECT i.kind, i.text, u.name, i.at FROM instructions i JOIN users u ON u.id = i.leader_id \
             WHERE i.object_type = $1 AND i.object_id = $2 ORDER BY i.id",
        )
        .bind(object.kind())
        .bind(object.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// One page of the ledger, filtered and sorted, with the total count.
    pub async fn ledger(
        &self,
        actor: &Actor,
        f: &LedgerFilter,
        sort: LedgerSort,
        cursor: Option<&str>,
        limit: i64,
    ) -> Result<LedgerPage> {
        let now = now_ms();
        let scope = ledger_scope(actor);
        let mut conn = self.pool.acquire().await?;
        let at = self.light_bounds(&mut conn, now).await?;

        let w = ledger_where(self.backend, &scope, f, at);
        let count_sql = format!("SELECT COUNT(*) FROM tasks t{}", w.sql());
        let mut q = sqlx::query(&count_sql);
        for b in &w.binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        let total: i64 = q.fetch_one(&mut *conn).await?.try_get(0)?;

        let mut w = ledger_where(self.backend, &scope, f, at);
        if let Some(c) = cursor.and_then(parse_cursor) {
            let part = match sort {
                LedgerSort::Ledger => {
                    let (y, s, q) = (
                        c[0].parse().unwrap_or(0),
                        c[1].parse().unwrap_or(0),
                        c[2].parse().unwrap_or(0),
                    );
                    let (py, ps, pq) = (w.bind(Bind::I(y)), w.bind(Bind::I(s)), w.bind(Bind::I(q)));
                    format!(
                        "(t.matter_year < {py} OR (t.matter_year = {py} AND (t.matter_seq > {ps} OR (t.matter_seq = {ps} AND t.seq > {pq}))))"
                    )
                }
                LedgerSort::Deadline => {
                    let (pd, pi) = (
                        w.bind(Bind::S(c[0].clone())),
                        w.bind(Bind::I(c[1].parse().unwrap_or(0))),
                    );
                    format!("(t.deadline, t.id) > ({pd}, {pi})")
                }
                LedgerSort::Recent => {
                    let (pu, pi) = (
                        w.bind(Bind::I(c[0].parse().unwrap_or(0))),
                        w.bind(Bind::I(c[1].parse().unwrap_or(0))),
                    );
                    format!("(t.updated_at, t.id) < ({pu}, {pi})")
                }
            };
            w.parts.push(part);
        }
        // When a unit, a leader, the data scope or a keyword picks the rows, they are few:
        // fetch them through that index and sort them. Otherwise a planner may walk the whole
        // ordered index hoping to meet them early (seen on PostgreSQL: 600 ms instead of 10).
        // `+ 0` / `|| ''` keep the same order but take the ordering index out of the choice.
        let driven = matches!(scope, Scope::Limited { .. })
            || f.unit.is_some()
            || f.leader.is_some()
            || f.keyword.as_deref().is_some_and(|k| !k.trim().is_empty());
        let order = match (sort, driven) {
            (LedgerSort::Ledger, false) => "t.matter_year DESC, t.matter_seq, t.seq",
            (LedgerSort::Ledger, true) => "t.matter_year + 0 DESC, t.matter_seq + 0, t.seq + 0",
            (LedgerSort::Deadline, false) => "t.deadline, t.id",
            (LedgerSort::Deadline, true) => "t.deadline || '', t.id + 0",
            (LedgerSort::Recent, false) => "t.updated_at DESC, t.id DESC",
            (LedgerSort::Recent, true) => "t.updated_at + 0 DESC, t.id + 0 DESC",
        };
        let limit = limit.clamp(1, 500);
        let sql = format!(
            "SELECT {TASK_COLS}, t.matter_year, t.matter_seq, m.title, m.kind, m.state, m.source, m.notice_no, t.updated_at \
             FROM tasks t JOIN matters m ON m.id = t.matter_id{} ORDER BY {order} LIMIT {}",
            w.sql(),
            limit + 1
        );
        let mut q = sqlx::query(&sql);
        for b in &w.binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows.iter().take(limit as usize) {
            let task = task_row(r)?;
            // The columns after TASK_COLS.
            let c = TASK_COL_COUNT;
            let year: i64 = r.try_get(c)?;
            let seq: i64 = r.try_get(c + 1)?;
            out.push(LedgerRow {
                task,
                ledger_no: duban_domain::ledger_no(year as i32, seq),
                matter_title: r.try_get(c + 2)?,
                matter_kind: MatterKind::from_code(&r.try_get::<String, _>(c + 3)?)?,
                matter_state: MatterState::from_code(&r.try_get::<String, _>(c + 4)?)?,
                source: Source::from_code(&r.try_get::<String, _>(c + 5)?)?,
                notice_no: r.try_get(c + 6)?,
                updated_at: r.try_get(c + 7)?,
                latest_report: None,
            });
        }
        let next = if rows.len() as i64 > limit {
            out.last().map(|row| match sort {
                LedgerSort::Ledger => {
                    let (y, s) = row.ledger_no.split_once('-').unwrap_or(("0", "0"));
                    format!("{}~{}~{}", y, s.trim_start_matches('0'), row.task.seq)
                }
                LedgerSort::Deadline => format!(
                    "{}~{}~",
                    row.task.deadline.format("%Y-%m-%d"),
                    row.task.id.0
                ),
                LedgerSort::Recent => format!("{}~{}~", row.updated_at, row.task.id.0),
            })
        } else {
            None
        };
        let mut tasks: Vec<Task> = out.iter().map(|r| r.task.clone()).collect();
        fill_people(&mut conn, &mut tasks).await?;
        if !tasks.is_empty() {
            let sql = format!(
                "SELECT task_id, body FROM reports WHERE id IN (SELECT MAX(id) FROM reports WHERE task_id IN ({}) GROUP BY task_id)",
                placeholders(tasks.len(), 0)
            );
            let mut q = sqlx::query(&sql);
            for t in &tasks {
                q = q.bind(t.id.0);
            }
            let latest = q.fetch_all(&mut *conn).await?;
            for (row, t) in out.iter_mut().zip(tasks) {
                row.task = t;
                row.latest_report = latest
                    .iter()
                    .find(|l| l.try_get::<i64, _>(0).ok() == Some(row.task.id.0))
                    .and_then(|l| l.try_get(1).ok());
            }
        }
        Ok(LedgerPage {
            rows: out,
            total,
            next,
        })
    }

    /// Bulletins the actor may see, newest first: all for leaders and the office; published ones
    /// covering a matter in the actor's scope for others.
    pub async fn bulletins(&self, actor: &Actor, limit: i64) -> Result<Vec<Bulletin>> {
        let mut conn = self.pool.acquire().await?;
        if actor.sees_all_matters() {
            let sql = format!("SELECT {BULLETIN_COLS} FROM bulletins ORDER BY id DESC LIMIT $1");
            let rows = sqlx::query(&sql).bind(limit).fetch_all(&mut *conn).await?;
            return bulletin_rows(&mut conn, rows).await;
        }
        let now = now_ms();
        let scope = ledger_where(
            self.backend,
            &ledger_scope(actor),
            &LedgerFilter::default(),
            LightBounds {
                now,
                today: china_date(now),
                yellow_until: china_date(now),
            },
        );
        let sql = format!(
            "SELECT {BULLETIN_COLS} FROM bulletins b WHERE b.state = 'published' AND EXISTS (SELECT 1 FROM bulletin_matters bm \
             JOIN tasks t ON t.matter_id = bm.matter_id WHERE bm.bulletin_id = b.id AND {}) ORDER BY b.id DESC LIMIT ${}",
            scope.parts.join(" AND "),
            scope.binds.len() + 1
        );
        let mut q = sqlx::query(&sql);
        for b in &scope.binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        let rows = q.bind(limit).fetch_all(&mut *conn).await?;
        bulletin_rows(&mut conn, rows).await
    }

    /// A bulletin with the tasks of the matters it covers, if the actor may see it: drafts for
    /// leaders and the office; a published one for those who see one of its matters.
    pub async fn bulletin_view(
        &self,
        actor: &Actor,
        id: BulletinId,
    ) -> Result<(Bulletin, Vec<Matter>, Vec<Task>)> {
        let mut conn = self.pool.acquire().await?;
        let b = load_bulletin(&mut conn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查通报"))?;
        let drafts = duban_domain::policy::can_view_bulletin_draft(actor, &b);
        if b.state != BulletinState::Published && !drafts {
            return Err(DomainError::not_found("督查通报").into());
        }
        let mut matters = Vec::new();
        let mut tasks = Vec::new();
        for m in &b.matter_ids {
            if let Some(matter) = load_matter(&mut conn, *m).await? {
                let of_matter = load_tasks(&mut conn, *m).await?;
                if drafts
                    || can_view_matter(actor, &of_matter)
                    || crate::special::special_party(&mut conn, actor, &matter).await?
                {
                    matters.push(matter);
                }
                tasks.extend(of_matter);
            }
        }
        if matters.is_empty() {
            return Err(DomainError::not_found("督查通报").into());
        }
        Ok((b, matters, tasks))
    }
}

async fn bump_matter(tx: &mut Transaction<'static, Any>, m: &Matter, now: Millis) -> Result<()> {
    let n = sqlx::query(
        "UPDATE matters SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(m.id.0)
    .bind(m.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(DomainError::stale().into());
    }
    Ok(())
}

/// Checks that units exist and responsible leaders are area leaders, then writes the task.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_task(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    actor: &Actor,
    (matter, year, matter_seq, title, kind): (MatterId, i32, i64, &str, MatterKind),
    t: &NewTask,
    meta: &Meta,
    now: Millis,
) -> Result<TaskId> {
    for (field, u) in std::iter::once(("牵头单位", t.lead_unit))
        .chain(t.coop_units.iter().map(|u| ("配合单位", *u)))
    {
        let found = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND active = 1")
            .bind(u.0)
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Err(DomainError::invalid(field, format!("单位（编号{}）不存在", u.0)).into());
        }
    }
    for l in &t.leaders {
        let ok = sqlx::query("SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1 AND r.role = 'area_leader' AND u.active = 1")
            .bind(l.0)
            .fetch_optional(&mut **tx)
            .await?;
        if ok.is_none() {
            return Err(DomainError::invalid(
                "责任领导",
                format!("用户（编号{}）不是分管领导", l.0),
            )
            .into());
        }
    }
    let search_text = format!("{title}\n{}", t.content);
    let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks WHERE matter_id = $1")
        .bind(matter.0)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let id: i64 = sqlx::query(
        "INSERT INTO tasks (matter_id, matter_year, matter_seq, matter_kind, seq, content, requirements, deadline, \
         lead_unit_id, urgency, state, registered_at, updated_at, search_text, due_time, due_at, cadence) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id",
    )
    .bind(matter.0)
    .bind(i64::from(year))
    .bind(matter_seq)
    .bind(kind.code())
    .bind(seq)
    .bind(&t.content)
    .bind(&t.requirements)
    .bind(t.deadline.format("%Y-%m-%d").to_string())
    .bind(t.lead_unit.0)
    .bind(t.urgency.code())
    .bind(TaskState::Draft.code())
    .bind(now)
    .bind(now)
    .bind(&search_text)
    .bind(time_text(t.due_time))
    .bind(duban_domain::calendar::due_at_millis(t.deadline, t.due_time))
    .bind(t.cadence.map(|c| c.code()))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    if backend == Backend::Sqlite {
        sqlx::query("INSERT INTO task_search (rowid, text) VALUES ($1, $2)")
            .bind(id)
            .bind(&search_text)
            .execute(&mut **tx)
            .await?;
    }
    for l in &t.leaders {
        sqlx::query("INSERT INTO task_leaders (task_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(l.0)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("INSERT INTO task_units (task_id, unit_id, is_lead) VALUES ($1, $2, 1)")
        .bind(id)
        .bind(t.lead_unit.0)
        .execute(&mut **tx)
        .await?;
    for u in &t.coop_units {
        sqlx::query("INSERT INTO task_units (task_id, unit_id, is_lead) VALUES ($1, $2, 0)")
            .bind(id)
            .bind(u.0)
            .execute(&mut **tx)
            .await?;
    }
    let mut e = AuditEntry::by(
        Some(actor),
        "task.create",
        "task",
        id,
        format!("分解立项：任务{seq}，{}", t.content),
    );
    e.matter_id = Some(matter.0);
    append(tx, e, meta, now).await?;
    Ok(TaskId(id))
}

fn assignee_parts(a: Assignee) -> (&'static str, String) {
    match a {
        Assignee::User(u) => ("user", u.0.to_string()),
        Assignee::Unit(u) => ("unit", u.0.to_string()),
        Assignee::Role(r) => ("role", r.code().to_owned()),
    }
}

pub(crate) async fn open_work(
    tx: &mut Transaction<'static, Any>,
    items: &[WorkItem],
    now: Millis,
) -> Result<()> {
    for w in items {
        let (kind, id) = assignee_parts(w.assignee);
        sqlx::query(
            "INSERT INTO work_items (object_type, object_id, action, assignee_kind, assignee_id, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(w.object.kind())
        .bind(w.object.id())
        .bind(w.action.code())
        .bind(kind)
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub(crate) async fn close_work(
    tx: &mut Transaction<'static, Any>,
    done: &duban_domain::WorkDone,
    by: UserId,
    now: Millis,
) -> Result<()> {
    use duban_domain::WorkDone;
    let base = "UPDATE work_items SET done_at = $1, done_by = $2 WHERE done_at IS NULL AND object_type = $3 AND object_id = $4";
    match *done {
        WorkDone::Object(o) => {
            sqlx::query(base)
                .bind(now)
                .bind(by.0)
                .bind(o.kind())
                .bind(o.id())
                .execute(&mut **tx)
                .await?;
        }
        WorkDone::Action(o, a) => {
            sqlx::query(&format!("{base} AND action = $5"))
                .bind(now)
                .bind(by.0)
                .bind(o.kind())
                .bind(o.id())
                .bind(a.code())
                .execute(&mut **tx)
                .await?;
        }
        WorkDone::Item(o, a, who) => {
            let (kind, id) = assignee_parts(who);
            sqlx::query(&format!(
                "{base} AND action = $5 AND assignee_kind = $6 AND assignee_id = $7"
            ))
            .bind(now)
            .bind(by.0)
            .bind(o.kind())
            .bind(o.id())
            .bind(a.code())
            .bind(kind)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
