//! Deadlines that drive the work, in the database: the working-day calendar, extensions (延期),
//! urging (催办), automatic reminders, notifications with their deliveries over external
//! channels, and the leases that let several instances share the background jobs so that each
//! runs exactly once.

use chrono::NaiveDate;
use duban_domain::calendar::{Calendar, CalendarDay, DayKind};
use duban_domain::time::{Millis, china_date, cn_date};
use duban_domain::{
    Actor, Assignee, DomainError, Extension, ExtensionCommand, ExtensionStatus, ObjectRef,
    ReminderKind, ReminderRules, TaskId, UnitId, UserId, WorkItem, decide_extension,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit::{AuditEntry, append};
use crate::ledger::{close_work, open_work, task_view};
use crate::{Backend, Meta, Result, Store, now_ms};

use crate::ledger::{date_of, day};

// ───────────────────────────── 工作日历 ─────────────────────────────

pub(crate) async fn load_calendar(conn: &mut AnyConnection) -> Result<Calendar> {
    let rows = sqlx::query("SELECT day, kind, name FROM calendar_days")
        .fetch_all(&mut *conn)
        .await?;
    let days = rows.iter().map(calendar_row).collect::<Result<Vec<_>>>()?;
    Ok(Calendar::new(days))
}

fn calendar_row(r: &AnyRow) -> Result<CalendarDay> {
    Ok(CalendarDay {
        day: date_of(&r.try_get::<String, _>(0)?)?,
        kind: DayKind::from_code(&r.try_get::<String, _>(1)?)?,
        name: r.try_get(2)?,
    })
}

/// A notification about to be written: to whom, what, and where it points.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
}

impl Store {
    /// The working-day calendar (法定节假日 and 调休).
    pub async fn calendar(&self) -> Result<Calendar> {
        let mut conn = self.pool.acquire().await?;
        load_calendar(&mut conn).await
    }

    /// The calendar's entries of one year.
    pub async fn calendar_days(&self, year: i32) -> Result<Vec<CalendarDay>> {
        let rows = sqlx::query(
            "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
        )
        .bind(format!("{year}-01-01"))
        .bind(format!("{year}-12-31"))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(calendar_row).collect()
    }

    /// Ships the official schedules (2025, 2026) into an empty calendar.
    pub async fn seed_calendar(&self) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM calendar_days")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if n > 0 {
            return Ok(false);
        }
        let mut tx = self.begin_write().await?;
        for d in duban_domain::calendar::official_days() {
            upsert_day(&mut tx, &d).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The system admin sets days (one, or an imported file's worth) in one transaction.
    pub async fn set_calendar_days(
        &self,
        actor: &Actor,
        days: &[CalendarDay],
        meta: &Meta,
    ) -> Result<usize> {
        if !duban_domain::policy::can_manage_org(actor) {
            return Err(DomainError::forbidden("工作日历由系统管理员维护").into());
        }
        if days.is_empty() {
            return Err(DomainError::invalid("工作日历", "没有可导入的日期").into());
        }
        let mut tx = self.begin_write().await?;
        for d in days {
            upsert_day(&mut tx, d).await?;
        }
        let first = days.iter().map(|d| d.day).min().unwrap_or_default();
        let last = days.iter().map(|d| d.day).max().unwrap_or_default();
        let e = AuditEntry::by(
            Some(actor),
            "calendar.set",
            "calendar",
            0,
            format!(
                "设置工作日历{}天（{}至{}）",
                days.len(),
                cn_date(first),
                cn_date(last)
            ),
        );
        append(&mut tx, e, meta, now_ms()).await?;
        tx.commit().await?;
        Ok(days.len())
    }

    /// Removes a day's entry: it is an ordinary day again.
    pub async fn remove_calendar_day(
        &self,
        actor: &Actor,
        d: NaiveDate,
        meta: &Meta,
    ) -> Result<()> {
        if !duban_domain::policy::can_manage_org(actor) {
            return Err(DomainError::forbidden("工作日历由系统管理员维护").into());
        }
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
            .bind(day(d))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DomainError::not_found("日历日期").into());
        }
        let e = AuditEntry::by(
            Some(actor),
            "calendar.remove",
            "calendar",
            0,
            format!("删除工作日历{}的设置", cn_date(d)),
        );
        append(&mut tx, e, meta, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn upsert_day(tx: &mut Transaction<'static, Any>, d: &CalendarDay) -> Result<()> {
    sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(day(d.day))
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)")
        .bind(day(d.day))
        .bind(d.kind.code())
        .bind(&d.name)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ───────────────────────────── 延期申请 ─────────────────────────────

const EXT_COLS: &str = "id, task_id, unit_id, requested_by, requested_at, reason, old_deadline, new_deadline, status, \
    decided_by, decided_at, note";

fn ext_row(r: &AnyRow) -> Result<Extension> {
    Ok(Extension {
        id: r.try_get(0)?,
        task_id: TaskId(r.try_get(1)?),
        unit_id: UnitId(r.try_get(2)?),
        requested_by: UserId(r.try_get(3)?),
        requested_at: r.try_get(4)?,
        reason: r.try_get(5)?,
        old_deadline: date_of(&r.try_get::<String, _>(6)?)?,
        new_deadline: date_of(&r.try_get::<String, _>(7)?)?,
        status: ExtensionStatus::from_code(&r.try_get::<String, _>(8)?)?,
        decided_by: r.try_get::<Option<i64>, _>(9)?.map(UserId),
        decided_at: r.try_get(10)?,
        note: r.try_get(11)?,
    })
}

pub(crate) async fn load_extensions(
    conn: &mut AnyConnection,
    task: TaskId,
) -> Result<Vec<Extension>> {
    let rows = sqlx::query(&format!(
        "SELECT {EXT_COLS} FROM extensions WHERE task_id = $1 ORDER BY id"
    ))
    .bind(task.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(ext_row).collect()
}

impl Store {
    /// A task's extension history (the deadline history), oldest first.
    pub async fn extensions(&self, task: TaskId) -> Result<Vec<Extension>> {
        let mut conn = self.pool.acquire().await?;
        load_extensions(&mut conn, task).await
    }

    /// 延期申请 and its decision.
    pub async fn act_on_extension(
        &self,
        actor: &Actor,
        id: TaskId,
        version: i64,
        cmd: ExtensionCommand,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let view = task_view(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !view.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        if view.task.version != version {
            return Err(DomainError::stale().into());
        }
        let history = load_extensions(&mut tx, id).await?;
        let pending = history
            .iter()
            .find(|e| e.status == ExtensionStatus::Pending);
        let change = decide_extension(actor, &view.matter, &view.task, pending, cmd, now)?;
        let e = &change.extension;
        if e.id == 0 {
            sqlx::query(
                "INSERT INTO extensions (task_id, unit_id, requested_by, requested_at, reason, old_deadline, new_deadline, status) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
            )
            .bind(e.task_id.0)
            .bind(e.unit_id.0)
            .bind(e.requested_by.0)
            .bind(e.requested_at)
            .bind(&e.reason)
            .bind(day(e.old_deadline))
            .bind(day(e.new_deadline))
            .bind(e.status.code())
            .execute(&mut *tx)
            .await?;
        } else {
            let n = sqlx::query(
                "UPDATE extensions SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5 AND status = 'pending'",
            )
            .bind(e.status.code())
            .bind(e.decided_by.map(|u| u.0))
            .bind(e.decided_at)
            .bind(&e.note)
            .bind(e.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        // The task's version moves on every step, so two leaders deciding at once conflict.
        let t = change.task.as_ref().unwrap_or(&view.task);
        let n = sqlx::query(
            "UPDATE tasks SET deadline = $1, due_at = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(day(t.deadline))
        .bind(t.due_at())
        .bind(now)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        for (object, action) in &change.done {
            close_work(
                &mut tx,
                &duban_domain::procedure::WorkDone::Action(*object, *action),
                actor.user_id,
                now,
            )
            .await?;
        }
        open_work(&mut tx, &change.open, now).await?;
        let link = format!("/tasks/{}", id.0);
        let notice = Notice {
            kind: change.action,
            title: format!("延期申请：{}", short(&view.task.content)),
            body: change.summary.clone(),
            link: link.clone(),
        };
        let to = match change.task {
            // Decided: the unit hears back.
            _ if e.id != 0 => vec![Assignee::Unit(view.task.lead_unit)],
            _ => change.open.iter().map(|w| w.assignee).collect(),
        };
        notify_assignees(&mut tx, &to, &notice, now).await?;
        let mut a = AuditEntry::by(Some(actor), change.action, "task", id.0, change.summary);
        a.matter_id = Some(view.matter.id.0);
        a.before = serde_json::to_string(&view.task.deadline).ok();
        a.after = serde_json::to_string(&t.deadline).ok();
        append(&mut tx, a, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// 催办: the office urges the units of an open task; the message goes to the timeline and to
    /// the units' people.
    pub async fn urge_task(
        &self,
        actor: &Actor,
        id: TaskId,
        version: i64,
        message: &str,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let view = task_view(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !view.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        if view.task.version != version {
            return Err(DomainError::stale().into());
        }
        let text = duban_domain::urge(actor, &view.matter, &view.task, message)?;
        let n = sqlx::query(
            "UPDATE tasks SET urges = urges + 1, version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
        )
        .bind(now)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        let t = &view.task;
        let units: Vec<Assignee> = std::iter::once(t.lead_unit)
            .chain(t.coop_units.iter().copied())
            .map(Assignee::Unit)
            .collect();
        let notice = Notice {
            kind: "task.urge",
            title: format!("催办：{}", short(&t.content)),
            body: format!("{text}（落实时限{}）", cn_date(t.deadline)),
            link: format!("/tasks/{}", id.0),
        };
        notify_assignees(&mut tx, &units, &notice, now).await?;
        let mut a = AuditEntry::by(
            Some(actor),
            "task.urge",
            "task",
            id.0,
            format!("催办（第{}次）：{text}", t.urges + 1),
        );
        a.matter_id = Some(view.matter.id.0);
        append(&mut tx, a, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        t.push('…');
    }
    t
}

// ───────────────────────────── Notifications ─────────────────────────────

/// The people a work item's assignee stands for.
pub(crate) async fn users_of(conn: &mut AnyConnection, who: &Assignee) -> Result<Vec<UserId>> {
    let rows = match who {
        Assignee::User(u) => return Ok(vec![*u]),
        Assignee::Unit(u) => {
            sqlx::query(
                "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
                 WHERE u.unit_id = $1 AND u.active = 1 AND r.role IN ('unit_head', 'unit_staff') ORDER BY u.id",
            )
            .bind(u.0)
            .fetch_all(&mut *conn)
            .await?
        }
        Assignee::Role(r) => {
            sqlx::query(
                "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = $1 AND u.active = 1 ORDER BY u.id",
            )
            .bind(r.code())
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter().map(|r| Ok(UserId(r.try_get(0)?))).collect()
}

/// Writes a notification for each person behind the assignees (each once) and a delivery for
/// each external channel they chose.
pub(crate) async fn notify_assignees(
    tx: &mut Transaction<'static, Any>,
    to: &[Assignee],
    n: &Notice,
    now: Millis,
) -> Result<usize> {
    let mut users = Vec::new();
    for a in to {
        for u in users_of(tx, a).await? {
            if !users.contains(&u) {
                users.push(u);
            }
        }
    }
    for u in &users {
        let id: i64 = sqlx::query(
            "INSERT INTO notifications (user_id, kind, title, body, link, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
        )
        .bind(u.0)
        .bind(n.kind)
        .bind(&n.title)
        .bind(&n.body)
        .bind(&n.link)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        sqlx::query(
            "INSERT INTO deliveries (notification_id, channel, address, secret, status, next_attempt_at, created_at) \
             SELECT $1, channel, address, secret, 'pending', $2, $3 FROM user_channels WHERE user_id = $4 AND enabled = 1",
        )
        .bind(id)
        .bind(now)
        .bind(now)
        .bind(u.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(users.len())
}

/// Every newly opened work item tells its people (您有新的待办).
pub(crate) async fn notify_work(
    tx: &mut Transaction<'static, Any>,
    items: &[WorkItem],
    title_of: &str,
    now: Millis,
) -> Result<()> {
    for w in items {
        let link = match w.object {
            ObjectRef::Matter(id) => format!("/matters/{}", id.0),
            ObjectRef::Task(id) => format!("/tasks/{}", id.0),
            ObjectRef::Bulletin(id) => format!("/bulletins/{}", id.0),
            ObjectRef::Application(id) => format!("/applications/{}", id.0),
        };
        let n = Notice {
            kind: "work",
            title: format!("待办：{}", w.action.label()),
            body: title_of.to_owned(),
            link,
        };
        notify_assignees(tx, &[w.assignee], &n, now).await?;
    }
    Ok(())
}

/// One in-app notification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: Millis,
    pub read_at: Option<Millis>,
}

/// A user's external channel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserChannel {
    pub channel: String,
    pub address: String,
    pub has_secret: bool,
    pub enabled: bool,
}

/// The channels a user may choose (in-app is always on).
pub const CHANNELS: [(&str, &str); 5] = [
    ("email", "电子邮件"),
    ("sms", "短信"),
    ("dingtalk", "钉钉群机器人"),
    ("wecom", "企业微信群机器人"),
    ("webhook", "Webhook（JSON）"),
];

/// One delivery attempt's record, for the admins' log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    pub id: i64,
    pub notification_id: i64,
    pub user_name: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub channel: String,
    pub address: String,
    pub secret: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Millis,
    pub last_error: Option<String>,
    pub sent_at: Option<Millis>,
    pub created_at: Millis,
}

const DELIVERY_COLS: &str = "d.id, d.notification_id, u.name, n.title, n.body, n.link, d.channel, d.address, d.secret, \
    d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at, d.created_at";

fn delivery_row(r: &AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: r.try_get(0)?,
        notification_id: r.try_get(1)?,
        user_name: r.try_get(2)?,
        title: r.try_get(3)?,
        body: r.try_get(4)?,
        link: r.try_get(5)?,
        channel: r.try_get(6)?,
        address: r.try_get(7)?,
        secret: r.try_get(8)?,
        status: r.try_get(9)?,
        attempts: r.try_get(10)?,
        next_attempt_at: r.try_get(11)?,
        last_error: r.try_get(12)?,
        sent_at: r.try_get(13)?,
        created_at: r.try_get(14)?,
    })
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Try again later (network, 5xx).
    Retry(String),
    /// Give up (bad address, rejected).
    Failed(String),
}

/// Attempts before a retryable delivery is given up, and the backoff between them.
pub const MAX_ATTEMPTS: i64 = 6;

pub fn backoff_ms(attempts: i64) -> Millis {
    // 1, 2, 4, 8, 16 minutes …
    60_000 * (1_i64 << attempts.clamp(0, 10))
}

impl Store {
    pub async fn unread_count(&self, user: UserId) -> Result<i64> {
        Ok(
            sqlx::query(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            )
            .bind(user.0)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?,
        )
    }

    /// A user's notifications, newest first, keyset-paged by id.
    pub async fn notifications(
        &self,
        user: UserId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
             WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(user.0)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 200))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    title: r.try_get(2)?,
                    body: r.try_get(3)?,
                    link: r.try_get(4)?,
                    created_at: r.try_get(5)?,
                    read_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// Marks one (or, with `None`, every) notification of the user read.
    pub async fn mark_read(&self, user: UserId, id: Option<i64>) -> Result<u64> {
        let now = now_ms();
        let q = match id {
            Some(id) => sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user.0)
            .bind(id),
            None => sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user.0),
        };
        Ok(q.execute(&self.pool).await?.rows_affected())
    }

    pub async fn user_channels(&self, user: UserId) -> Result<Vec<UserChannel>> {
        let rows = sqlx::query(
            "SELECT channel, address, secret, enabled FROM user_channels WHERE user_id = $1 ORDER BY channel",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UserChannel {
                    channel: r.try_get(0)?,
                    address: r.try_get(1)?,
                    has_secret: r
                        .try_get::<Option<String>, _>(2)?
                        .is_some_and(|s| !s.is_empty()),
                    enabled: r.try_get::<i64, _>(3)? == 1,
                })
            })
            .collect()
    }

    /// A user sets (or, with an empty address, removes) one of their channels.
    pub async fn set_user_channel(
        &self,
        actor: &Actor,
        channel: &str,
        address: &str,
        secret: Option<&str>,
        meta: &Meta,
    ) -> Result<()> {
        let Some((code, label)) = CHANNELS.iter().find(|(c, _)| *c == channel) else {
            return Err(DomainError::invalid("通知渠道", format!("未知渠道“{channel}”")).into());
        };
        let address = address.trim();
        check_address(code, address)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM user_channels WHERE user_id = $1 AND channel = $2")
            .bind(actor.user_id.0)
            .bind(*code)
            .execute(&mut *tx)
            .await?;
        if !address.is_empty() {
            sqlx::query(
                "INSERT INTO user_channels (user_id, channel, address, secret, enabled) VALUES ($1,$2,$3,$4,1)",
            )
            .bind(actor.user_id.0)
            .bind(*code)
            .bind(address)
            .bind(secret.map(str::trim).filter(|s| !s.is_empty()))
            .execute(&mut *tx)
            .await?;
        }
        let what = if address.is_empty() {
            format!("取消{label}通知")
        } else {
            format!("设置{label}通知")
        };
        let e = AuditEntry::by(Some(actor), "channel.set", "user", actor.user_id.0, what);
        append(&mut tx, e, meta, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The delivery log, newest first (system and security admins).
    pub async fn deliveries(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        if !(duban_domain::policy::can_manage_org(actor)
            || duban_domain::policy::can_manage_security(actor))
        {
            return Err(DomainError::forbidden("通知发送记录仅系统管理员可查").into());
        }
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLS} FROM deliveries d JOIN notifications n ON n.id = d.notification_id \
             JOIN users u ON u.id = n.user_id WHERE d.id < $1 ORDER BY d.id DESC LIMIT $2"
        ))
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_row).collect()
    }

    // ───────────── background jobs ─────────────

    /// Takes the lease on a job for `lease_ms` if no other instance holds it: only one instance
    /// runs the job at a time (the update is atomic on both backends).
    pub async fn claim_job(
        &self,
        name: &str,
        me: &str,
        now: Millis,
        lease_ms: Millis,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE jobs SET leased_until = $1, leased_by = $2, last_run_at = $3 WHERE name = $4 AND leased_until < $5",
        )
        .bind(now + lease_ms)
        .bind(me)
        .bind(now)
        .bind(name)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Gives a job's lease back early.
    pub async fn release_job(&self, name: &str, me: &str) -> Result<()> {
        sqlx::query("UPDATE jobs SET leased_until = 0 WHERE name = $1 AND leased_by = $2")
            .bind(name)
            .bind(me)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Leases up to `limit` deliveries that are due: on PostgreSQL the rows are locked with
    /// `FOR UPDATE SKIP LOCKED`, so concurrent instances take different rows; on SQLite the
    /// single writer serialises the claim. A lease that runs out (a crashed instance) frees the row.
    pub async fn claim_deliveries(
        &self,
        me: &str,
        now: Millis,
        lease_ms: Millis,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        let mut tx = self.begin_claim().await?;
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let ids: Vec<i64> = sqlx::query(&format!(
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 AND leased_until < $2 \
             ORDER BY next_attempt_at, id LIMIT $3{lock}"
        ))
        .bind(now)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            let n = sqlx::query(
                "UPDATE deliveries SET leased_until = $1, leased_by = $2 WHERE id = $3 AND status = 'pending' AND leased_until < $4",
            )
            .bind(now + lease_ms)
            .bind(me)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                let row = sqlx::query(&format!(
                    "SELECT {DELIVERY_COLS} FROM deliveries d JOIN notifications n ON n.id = d.notification_id \
                     JOIN users u ON u.id = n.user_id WHERE d.id = $1"
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                out.push(delivery_row(&row)?);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Records how a leased delivery went: sent, retried later with backoff, or failed for good.
    pub async fn finish_delivery(
        &self,
        id: i64,
        me: &str,
        outcome: &Outcome,
        now: Millis,
    ) -> Result<()> {
        let (status, next, error, sent): (&str, Millis, Option<&str>, Option<Millis>) =
            match outcome {
                Outcome::Sent => ("sent", now, None, Some(now)),
                Outcome::Retry(e) => ("pending", now, Some(e.as_str()), None),
                Outcome::Failed(e) => ("failed", now, Some(e.as_str()), None),
            };
        let mut tx = self.begin_write().await?;
        let attempts: i64 =
            sqlx::query("SELECT attempts FROM deliveries WHERE id = $1 AND leased_by = $2")
                .bind(id)
                .bind(me)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?
                .ok_or_else(DomainError::stale)?
                + 1;
        let (status, next) = if status == "pending" && attempts >= MAX_ATTEMPTS {
            ("failed", next)
        } else if status == "pending" {
            (status, now + backoff_ms(attempts - 1))
        } else {
            (status, next)
        };
        sqlx::query(
            "UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5, \
             leased_until = 0 WHERE id = $6 AND leased_by = $7",
        )
        .bind(status)
        .bind(attempts)
        .bind(next)
        .bind(error)
        .bind(sent)
        .bind(id)
        .bind(me)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reminders job: every open, dispatched task owed a reminder today gets one, once
    /// (the `reminders` key makes a second instance's insert a no-op). Returns how many were sent.
    pub async fn send_reminders(&self, now: Millis, rules: &ReminderRules) -> Result<usize> {
        let cal = self.calendar().await?;
        let today = china_date(now);
        if !cal.is_workday(today) {
            return Ok(0);
        }
        let horizon = cal.add_workdays(today, rules.before.iter().copied().max().unwrap_or(0));
        // Open tasks due by the horizon (the due-soon and overdue ones) in pages by id.
        let mut after = 0_i64;
        let mut sent = 0;
        loop {
            let ids: Vec<i64> = sqlx::query(
                "SELECT id FROM tasks WHERE state IN ('assigned', 'in_progress') AND deadline <= $1 AND id > $2 ORDER BY id LIMIT 200",
            )
            .bind(day(horizon))
            .bind(after)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
            let Some(last) = ids.last().copied() else {
                break;
            };
            after = last;
            for id in ids {
                sent += self.remind(TaskId(id), now, today, &cal, rules).await?;
            }
        }
        Ok(sent)
    }

    async fn remind(
        &self,
        id: TaskId,
        now: Millis,
        today: NaiveDate,
        cal: &Calendar,
        rules: &ReminderRules,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let Some(v) = task_view(&mut tx, id).await? else {
            return Ok(0);
        };
        let due = duban_domain::due_reports(&v.task, v.task.cadence, &v.reports, today, cal);
        let missing = due.iter().any(|d| d.missing);
        let Some(kind) = duban_domain::reminder_due(&v.task, missing, today, now, cal, rules)
        else {
            return Ok(0);
        };
        let inserted = sqlx::query(
            "INSERT INTO reminders (task_id, kind, due_on, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(kind.code())
        .bind(day(today))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(0);
        }
        let t = &v.task;
        let body = match kind {
            ReminderKind::Overdue => format!(
                "已超过落实时限（{}），请抓紧办理并报送落实情况。",
                cn_date(t.deadline)
            ),
            ReminderKind::DueSoon => format!(
                "落实时限为{}（还有{}个工作日），请按时办结并报送。",
                cn_date(t.deadline),
                cal.workdays_between(today, t.deadline).max(0)
            ),
            ReminderKind::ReportDue => {
                "按反馈频次应报送的落实进展尚未报送，请及时报送。".to_owned()
            }
        };
        let notice = Notice {
            kind: kind.code(),
            title: format!("{}：{}", kind.label(), short(&t.content)),
            body: body.clone(),
            link: format!("/tasks/{}", id.0),
        };
        let mut to: Vec<Assignee> = vec![Assignee::Unit(t.lead_unit)];
        if kind == ReminderKind::Overdue {
            to.extend(t.leaders.iter().map(|u| Assignee::User(*u)));
        }
        notify_assignees(&mut tx, &to, &notice, now).await?;
        let mut a = AuditEntry::by(
            None,
            "task.remind",
            "task",
            id.0,
            format!("系统{}：{body}", kind.label()),
        );
        a.matter_id = Some(v.matter.id.0);
        append(&mut tx, a, &Meta::system(), now).await?;
        tx.commit().await?;
        Ok(1)
    }
}

fn check_address(channel: &str, address: &str) -> Result<(), DomainError> {
    if address.is_empty() {
        return Ok(());
    }
    let field = "通知地址";
    let ok = match channel {
        "email" => {
            let (user, host) = address.split_once('@').unwrap_or(("", ""));
            !user.is_empty() && host.contains('.') && !address.contains(char::is_whitespace)
        }
        "sms" => {
            let digits = address.trim_start_matches('+');
            (6..=20).contains(&digits.len())
                && digits.chars().all(|c| c.is_ascii_digit() || c == '-')
        }
        // Group robots live at their vendors' hosts: a user cannot point the server at an
        // internal address through them.
        "dingtalk" => address.starts_with("https://oapi.dingtalk.com/"),
        "wecom" => address.starts_with("https://qyapi.weixin.qq.com/"),
        _ => address.starts_with("http://") || address.starts_with("https://"),
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            match channel {
                "email" => "请填写有效的电子邮件地址",
                "sms" => "请填写有效的手机号码",
                "dingtalk" => "钉钉机器人地址应以 https://oapi.dingtalk.com/ 开头",
                "wecom" => "企业微信机器人地址应以 https://qyapi.weixin.qq.com/ 开头",
                _ => "请填写以 http:// 或 https:// 开头的机器人地址",
            },
        ))
    }
}

/// The rules the office keeps for reminders (stored with the settings).
pub fn rules_of(s: &crate::org::OrgSettings) -> ReminderRules {
    ReminderRules {
        before: s
            .remind_before
            .split([',', '，', ' '])
            .filter_map(|x| x.trim().parse().ok())
            .collect(),
        overdue_every: s.remind_overdue_every,
        escalate_after_urges: s.escalate_after_urges,
        escalate_after_overdue_days: s.escalate_after_overdue_days,
    }
}

impl Store {
    /// The office sets (or clears) a task's 反馈频次 while it is open.
    pub async fn set_cadence(
        &self,
        actor: &Actor,
        id: TaskId,
        version: i64,
        cadence: Option<duban_domain::Cadence>,
        meta: &Meta,
    ) -> Result<()> {
        if !actor.has(duban_domain::Role::SupervisionOffice) {
            return Err(DomainError::forbidden("反馈频次由考核督查办确定").into());
        }
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let view = task_view(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if view.task.is_done() {
            return Err(DomainError::state("任务已办结，无需再设反馈频次").into());
        }
        let n = sqlx::query(
            "UPDATE tasks SET cadence = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        )
        .bind(cadence.map(|c| c.code()))
        .bind(now)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        let what = match cadence {
            Some(c) => format!("设定反馈频次：{}", c.label()),
            None => "取消反馈频次".to_owned(),
        };
        let mut a = AuditEntry::by(Some(actor), "task.cadence", "task", id.0, what);
        a.matter_id = Some(view.matter.id.0);
        append(&mut tx, a, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

// ───────────────────────────── 挂牌督办 ─────────────────────────────

const LISTING_COLS: &str = "id, object_type, object_id, reason, rectify_by, listed_by, listed_at, lifted_by, lifted_at, lift_note";

fn listing_row(r: &AnyRow) -> Result<duban_domain::Listing> {
    let kind: String = r.try_get(1)?;
    let id: i64 = r.try_get(2)?;
    Ok(duban_domain::Listing {
        id: r.try_get(0)?,
        object: if kind == "unit" {
            duban_domain::ListedObject::Unit(UnitId(id))
        } else {
            duban_domain::ListedObject::Task(TaskId(id))
        },
        reason: r.try_get(3)?,
        rectify_by: date_of(&r.try_get::<String, _>(4)?)?,
        listed_by: UserId(r.try_get(5)?),
        listed_at: r.try_get(6)?,
        lifted_by: r.try_get::<Option<i64>, _>(7)?.map(UserId),
        lifted_at: r.try_get(8)?,
        lift_note: r.try_get(9)?,
    })
}

/// The open listings among these tasks and units (for list pages, in one query).
#[derive(Debug, Clone, Default)]
pub struct OpenListings {
    pub tasks: Vec<TaskId>,
    pub units: Vec<UnitId>,
}

impl OpenListings {
    pub fn task(&self, t: TaskId) -> bool {
        self.tasks.contains(&t)
    }
    pub fn unit(&self, u: UnitId) -> bool {
        self.units.contains(&u)
    }
}

impl Store {
    /// A task's or unit's listings, newest first.
    pub async fn listings(
        &self,
        object: duban_domain::ListedObject,
    ) -> Result<Vec<duban_domain::Listing>> {
        let rows = sqlx::query(&format!(
            "SELECT {LISTING_COLS} FROM listings WHERE object_type = $1 AND object_id = $2 ORDER BY id DESC"
        ))
        .bind(object.kind())
        .bind(object.id())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(listing_row).collect()
    }

    /// Every open listing (the dashboard's list, the ledger's marks).
    pub async fn open_listings(&self) -> Result<Vec<duban_domain::Listing>> {
        let rows = sqlx::query(&format!(
            "SELECT {LISTING_COLS} FROM listings WHERE lifted_at IS NULL ORDER BY id DESC LIMIT 500"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(listing_row).collect()
    }

    /// Which of these tasks and units are listed now.
    pub async fn listed_among(&self, tasks: &[TaskId], units: &[UnitId]) -> Result<OpenListings> {
        let mut out = OpenListings::default();
        for (kind, ids) in [
            ("task", tasks.iter().map(|t| t.0).collect::<Vec<_>>()),
            ("unit", units.iter().map(|u| u.0).collect::<Vec<_>>()),
        ] {
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT object_id FROM listings WHERE lifted_at IS NULL AND object_type = $1 AND object_id IN ({})",
                crate::ledger::placeholders(ids.len(), 1)
            );
            let mut q = sqlx::query(&sql).bind(kind);
            for id in &ids {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let id: i64 = r.try_get(0)?;
                if kind == "task" {
                    out.tasks.push(TaskId(id));
                } else {
                    out.units.push(UnitId(id));
                }
            }
        }
        Ok(out)
    }

    /// 挂牌督办 (and, with `lift`, 摘牌 after verification): recorded in the timeline, the unit told.
    pub async fn set_listing(
        &self,
        actor: &Actor,
        object: duban_domain::ListedObject,
        lift: bool,
        text: &str,
        rectify_by: &str,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let today = china_date(now);
        let open = sqlx::query(&format!(
            "SELECT {LISTING_COLS} FROM listings WHERE object_type = $1 AND object_id = $2 AND lifted_at IS NULL"
        ))
        .bind(object.kind())
        .bind(object.id())
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(listing_row)
        .transpose()?;
        // The object, its name, its unit and (for a task) its matter.
        let (name, unit, matter) = match object {
            duban_domain::ListedObject::Task(t) => {
                let v = task_view(&mut tx, t)
                    .await?
                    .ok_or_else(|| DomainError::not_found("督办任务"))?;
                (
                    short(&v.task.content),
                    v.task.lead_unit,
                    Some(v.matter.id.0),
                )
            }
            duban_domain::ListedObject::Unit(u) => {
                let n: String = sqlx::query("SELECT name FROM units WHERE id = $1")
                    .bind(u.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| DomainError::not_found("单位"))?
                    .try_get(0)?;
                (n, u, None)
            }
        };
        let (action, summary) = if lift {
            let note = duban_domain::lift(actor, open.as_ref(), text)?;
            let id = open.as_ref().map(|l| l.id).unwrap_or_default();
            sqlx::query(
                "UPDATE listings SET lifted_by = $1, lifted_at = $2, lift_note = $3 WHERE id = $4 AND lifted_at IS NULL",
            )
            .bind(actor.user_id.0)
            .bind(now)
            .bind(&note)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            ("listing.lift", format!("核查后摘牌：{note}"))
        } else {
            let (reason, by) = duban_domain::list(actor, open.as_ref(), text, rectify_by, today)?;
            sqlx::query(
                "INSERT INTO listings (object_type, object_id, reason, rectify_by, listed_by, listed_at) VALUES ($1,$2,$3,$4,$5,$6)",
            )
            .bind(object.kind())
            .bind(object.id())
            .bind(&reason)
            .bind(day(by))
            .bind(actor.user_id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            (
                "listing.list",
                format!("挂牌督办（整改时限{}）：{reason}", cn_date(by)),
            )
        };
        let notice = Notice {
            kind: action,
            title: format!("{}：{name}", if lift { "摘牌" } else { "挂牌督办" }),
            body: summary.clone(),
            link: match object {
                duban_domain::ListedObject::Task(t) => format!("/tasks/{}", t.0),
                duban_domain::ListedObject::Unit(_) => "/notifications".to_owned(),
            },
        };
        notify_assignees(&mut tx, &[Assignee::Unit(unit)], &notice, now).await?;
        let mut a = AuditEntry::by(Some(actor), action, object.kind(), object.id(), summary);
        a.matter_id = matter;
        append(&mut tx, a, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

// ───────────────────────────── 中止/撤销 ─────────────────────────────

fn cancel_row(r: &AnyRow) -> Result<duban_domain::Cancellation> {
    Ok(duban_domain::Cancellation {
        id: r.try_get(0)?,
        task_id: TaskId(r.try_get(1)?),
        reason: r.try_get(2)?,
        proposed_by: UserId(r.try_get(3)?),
        proposed_at: r.try_get(4)?,
        status: duban_domain::CancelStatus::from_code(&r.try_get::<String, _>(5)?)?,
        decided_by: r.try_get::<Option<i64>, _>(6)?.map(UserId),
        decided_at: r.try_get(7)?,
        note: r.try_get(8)?,
    })
}

const CANCEL_COLS: &str =
    "id, task_id, reason, proposed_by, proposed_at, status, decided_by, decided_at, note";

impl Store {
    /// A task's cancellation history, newest first.
    pub async fn cancellations(&self, task: TaskId) -> Result<Vec<duban_domain::Cancellation>> {
        let rows = sqlx::query(&format!(
            "SELECT {CANCEL_COLS} FROM cancellations WHERE task_id = $1 ORDER BY id DESC"
        ))
        .bind(task.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(cancel_row).collect()
    }

    /// 中止/撤销: the office proposes (`decision == None`), the principal leader approves or refuses.
    pub async fn act_on_cancel(
        &self,
        actor: &Actor,
        id: TaskId,
        version: i64,
        decision: Option<bool>,
        text: &str,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let v = task_view(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !v.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        let pending = sqlx::query(&format!(
            "SELECT {CANCEL_COLS} FROM cancellations WHERE task_id = $1 AND status = 'pending'"
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(cancel_row)
        .transpose()?;
        let ch = duban_domain::decide_cancel(
            actor,
            &v.matter,
            &v.task,
            &v.siblings,
            pending.as_ref(),
            decision,
            text,
            now,
        )?;
        if v.task.version != version {
            return Err(DomainError::stale().into());
        }
        let c = &ch.cancellation;
        if c.id == 0 {
            sqlx::query(
                "INSERT INTO cancellations (task_id, reason, proposed_by, proposed_at, status) VALUES ($1,$2,$3,$4,$5)",
            )
            .bind(id.0)
            .bind(&c.reason)
            .bind(c.proposed_by.0)
            .bind(c.proposed_at)
            .bind(c.status.code())
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE cancellations SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5 AND status = 'pending'",
            )
            .bind(c.status.code())
            .bind(c.decided_by.map(|u| u.0))
            .bind(c.decided_at)
            .bind(&c.note)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        }
        let t = ch.task.as_ref().unwrap_or(&v.task);
        let n = sqlx::query(
            "UPDATE tasks SET state = $1, closed_at = $2, close_remark = $3, version = version + 1, updated_at = $4 \
             WHERE id = $5 AND version = $6",
        )
        .bind(t.state.code())
        .bind(t.closed_at)
        .bind(&t.close_remark)
        .bind(now)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        if let Some(m) = &ch.matter {
            sqlx::query(
                "UPDATE matters SET state = $1, closed_at = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
            )
            .bind(m.state.code())
            .bind(m.closed_at)
            .bind(now)
            .bind(m.id.0)
            .bind(m.version)
            .execute(&mut *tx)
            .await?;
        }
        if ch.task.is_some() {
            // Nothing is asked of anyone on a cancelled task any more.
            close_work(
                &mut tx,
                &duban_domain::procedure::WorkDone::Object(duban_domain::ObjectRef::Task(id)),
                actor.user_id,
                now,
            )
            .await?;
        } else if decision.is_some() {
            close_work(
                &mut tx,
                &duban_domain::procedure::WorkDone::Action(
                    duban_domain::ObjectRef::Task(id),
                    duban_domain::WorkAction::DecideCancel,
                ),
                actor.user_id,
                now,
            )
            .await?;
        }
        open_work(&mut tx, &ch.open, now).await?;
        let notice = Notice {
            kind: ch.action,
            title: format!("中止撤销：{}", short(&v.task.content)),
            body: ch.summary.clone(),
            link: format!("/tasks/{}", id.0),
        };
        let to: Vec<Assignee> = if decision.is_none() {
            ch.open.iter().map(|w| w.assignee).collect()
        } else {
            vec![Assignee::Unit(v.task.lead_unit)]
        };
        notify_assignees(&mut tx, &to, &notice, now).await?;
        let mut a = AuditEntry::by(Some(actor), ch.action, "task", id.0, ch.summary);
        a.matter_id = Some(v.matter.id.0);
        append(&mut tx, a, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
