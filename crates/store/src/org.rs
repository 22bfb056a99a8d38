//! The organisation in the database: units, users with roles and portfolios, settings and the
//! per-year counters behind every number the office hands out.

use duban_domain::{Actor, DomainError, Role, Unit, UnitId, UnitKind, UserId};
use sqlx::{Any, Row, Transaction};

use crate::audit::{AuditEntry, append};
use crate::{Meta, Result, Store, now_ms};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub title: String,
    pub unit_id: UnitId,
    pub active: bool,
    pub roles: Vec<Role>,
    pub portfolio: Vec<UnitId>,
    pub version: i64,
}

/// A user as an admin creates or edits them.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub name: String,
    pub title: String,
    pub unit_id: UnitId,
    pub roles: Vec<Role>,
    pub portfolio: Vec<UnitId>,
}

impl UserInput {
    pub fn validate(&self) -> Result<(), DomainError> {
        let u = self.username.trim();
        if u.is_empty()
            || u.len() > 40
            || !u
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err(DomainError::invalid(
                "用户名",
                "须为1至40位字母、数字、下划线、点或短横线",
            ));
        }
        duban_domain::input::required_text("姓名", &self.name, 40)?;
        if self.roles.is_empty() {
            return Err(DomainError::invalid("角色", "至少选择一个角色"));
        }
        duban_domain::policy::check_role_set(&self.roles)?;
        if !self.portfolio.is_empty() && !self.roles.contains(&Role::AreaLeader) {
            return Err(DomainError::invalid(
                "分管部门",
                "只有分管领导可以设置分管部门",
            ));
        }
        Ok(())
    }
}

/// Settings the office keeps (name, short name, number formats).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgSettings {
    /// 张范街道
    pub org_name: String,
    /// 张范 — names the periodical 《张范督查》
    pub short_name: String,
    /// 张督办〔{year}〕{n}号
    pub notice_no_format: String,
    /// 批示件转办单: 张督转〔{year}〕{n}号
    pub transfer_no_format: String,
    /// 督查汇报: 张督报〔{year}〕{n}号
    pub report_no_format: String,
    /// 督查考核通知: 张督考〔{year}〕{n}号
    pub inspection_no_format: String,
    /// 督查考核通知 at least this many days before an on-site inspection
    pub notice_days: i64,
    /// Inspections an inspected unit may receive per month and per year (中办发〔2018〕56号).
    pub cap_month: i64,
    pub cap_year: i64,
    /// 黄灯: due within this many working days.
    pub warn_days: u32,
    /// Automatic reminders this many working days before the deadline, e.g. "3,1".
    pub remind_before: String,
    /// When overdue, remind every this many working days (0 = once).
    pub remind_overdue_every: u32,
    /// The escalation ladder: suggest 挂牌督办 after this many 催办 …
    pub escalate_after_urges: u32,
    /// … or this many working days overdue.
    pub escalate_after_overdue_days: u32,
    /// 印发范围 offered by default
    pub default_scope: String,
    /// Font names for .docx documents (offices substitute fonts): title, body, 一、 and （一） headings.
    pub font_title: String,
    pub font_body: String,
    pub font_heading1: String,
    pub font_heading2: String,
}

impl OrgSettings {
    pub fn periodical(&self) -> String {
        format!("{}督查", self.short_name)
    }
    pub fn notice_no(&self, year: i32, n: i64) -> String {
        number(&self.notice_no_format, year, n)
    }
    pub fn caps(&self) -> duban_domain::Caps {
        duban_domain::Caps {
            per_month: self.cap_month,
            per_year: self.cap_year,
        }
    }
    /// The number formats, each with its counter and its name on the settings page.
    fn formats(&self) -> [(&'static str, &'static str, &String); 4] {
        [
            ("notice", "督办通知文号格式", &self.notice_no_format),
            ("transfer", "批示件转办单编号格式", &self.transfer_no_format),
            ("report", "督查汇报文号格式", &self.report_no_format),
            (
                "inspection",
                "督查考核通知文号格式",
                &self.inspection_no_format,
            ),
        ]
    }
    /// The number of the `counter`'s document (notice, transfer, report, inspection).
    pub fn doc_no(&self, counter: &str, year: i32, n: i64) -> String {
        let f = self
            .formats()
            .into_iter()
            .find(|(c, _, _)| *c == counter)
            .map(|(_, _, f)| f.as_str())
            .unwrap_or("〔{year}〕{n}号");
        number(f, year, n)
    }
}

fn number(format: &str, year: i32, n: i64) -> String {
    format
        .replace("{year}", &year.to_string())
        .replace("{n}", &n.to_string())
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            org_name: "街道".to_owned(),
            short_name: "街道".to_owned(),
            notice_no_format: "督办〔{year}〕{n}号".to_owned(),
            transfer_no_format: "督转〔{year}〕{n}号".to_owned(),
            report_no_format: "督报〔{year}〕{n}号".to_owned(),
            inspection_no_format: "督考〔{year}〕{n}号".to_owned(),
            notice_days: 3,
            cap_month: 2,
            cap_year: 12,
            warn_days: 3,
            remind_before: "3,1".to_owned(),
            remind_overdue_every: 1,
            escalate_after_urges: 3,
            escalate_after_overdue_days: 5,
            default_scope: "街道党工委、办事处领导班子成员，各部门、各社区".to_owned(),
            font_title: "方正小标宋简体".to_owned(),
            font_body: "仿宋_GB2312".to_owned(),
            font_heading1: "黑体".to_owned(),
            font_heading2: "楷体_GB2312".to_owned(),
        }
    }
}

fn unit_row(r: &sqlx::any::AnyRow) -> Result<Unit> {
    Ok(Unit {
        id: UnitId(r.try_get(0)?),
        parent_id: r.try_get::<Option<i64>, _>(1)?.map(UnitId),
        name: r.try_get(2)?,
        kind: UnitKind::from_code(&r.try_get::<String, _>(3)?)?,
        sort: r.try_get(4)?,
    })
}

/// Allocates the next number of a per-year counter inside the caller's transaction.
pub(crate) async fn next_number(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    year: i32,
) -> Result<i64> {
    let updated = sqlx::query(
        "UPDATE counters SET value = value + 1 WHERE name = $1 AND year = $2 RETURNING value",
    )
    .bind(name)
    .bind(i64::from(year))
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = updated {
        return Ok(row.try_get(0)?);
    }
    sqlx::query("INSERT INTO counters (name, year, value) VALUES ($1, $2, 1)")
        .bind(name)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    Ok(1)
}

impl Store {
    pub async fn settings(&self) -> Result<OrgSettings> {
        let rows = sqlx::query("SELECT key, value FROM settings")
            .fetch_all(&self.pool)
            .await?;
        let mut s = OrgSettings::default();
        for r in rows {
            let (k, v): (String, String) = (r.try_get(0)?, r.try_get(1)?);
            match k.as_str() {
                "org_name" => s.org_name = v,
                "short_name" => s.short_name = v,
                "notice_no_format" => s.notice_no_format = v,
                "transfer_no_format" => s.transfer_no_format = v,
                "report_no_format" => s.report_no_format = v,
                "inspection_no_format" => s.inspection_no_format = v,
                "notice_days" => s.notice_days = v.parse().unwrap_or(s.notice_days),
                "cap_month" => s.cap_month = v.parse().unwrap_or(s.cap_month),
                "cap_year" => s.cap_year = v.parse().unwrap_or(s.cap_year),
                "warn_days" => s.warn_days = v.parse().unwrap_or(s.warn_days),
                "remind_before" => s.remind_before = v,
                "remind_overdue_every" => {
                    s.remind_overdue_every = v.parse().unwrap_or(s.remind_overdue_every)
                }
                "escalate_after_urges" => {
                    s.escalate_after_urges = v.parse().unwrap_or(s.escalate_after_urges)
                }
                "escalate_after_overdue_days" => {
                    s.escalate_after_overdue_days =
                        v.parse().unwrap_or(s.escalate_after_overdue_days)
                }
                "default_scope" => s.default_scope = v,
                "font_title" => s.font_title = v,
                "font_body" => s.font_body = v,
                "font_heading1" => s.font_heading1 = v,
                "font_heading2" => s.font_heading2 = v,
                _ => {}
            }
        }
        Ok(s)
    }

    pub async fn save_settings(
        &self,
        actor: Option<&Actor>,
        s: &OrgSettings,
        meta: &Meta,
    ) -> Result<()> {
        for (_, field, f) in s.formats() {
            if !f.contains("{n}") || !f.contains("{year}") {
                return Err(DomainError::invalid(
                    field,
                    "须包含年份 {year} 和序号 {n}，例如 张督办〔{year}〕{n}号（序号每年重新编排）",
                )
                .into());
            }
            duban_domain::input::required_text(field, f, 40)?;
        }
        for (field, v, min, max) in [
            ("督查考核通知提前天数", s.notice_days, 0, 60),
            ("每月督查考核上限", s.cap_month, 1, 100),
            ("每年督查考核上限", s.cap_year, 1, 1000),
        ] {
            if !(min..=max).contains(&v) {
                return Err(
                    DomainError::invalid(field, format!("须为{min}至{max}之间的整数")).into(),
                );
            }
        }
        for (field, v, max) in [
            ("黄灯提前工作日", s.warn_days, 30),
            ("逾期提醒间隔", s.remind_overdue_every, 30),
            ("催办几次后建议挂牌督办", s.escalate_after_urges, 50),
            (
                "逾期几个工作日后建议挂牌督办",
                s.escalate_after_overdue_days,
                100,
            ),
        ] {
            if v > max {
                return Err(DomainError::invalid(field, format!("须为0至{max}之间的整数")).into());
            }
        }
        for part in s
            .remind_before
            .split([',', '，', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            if !part.trim().parse::<u32>().is_ok_and(|n| n <= 30) {
                return Err(DomainError::invalid(
                    "临期提醒",
                    "请填写提前的工作日数，以逗号分隔，如 3,1",
                )
                .into());
            }
        }
        if s.cap_month > s.cap_year {
            return Err(DomainError::invalid("每月督查考核上限", "不能大于每年上限").into());
        }
        let (notice_days, cap_month, cap_year) = (
            s.notice_days.to_string(),
            s.cap_month.to_string(),
            s.cap_year.to_string(),
        );
        let (warn_days, overdue_every, after_urges, after_days) = (
            s.warn_days.to_string(),
            s.remind_overdue_every.to_string(),
            s.escalate_after_urges.to_string(),
            s.escalate_after_overdue_days.to_string(),
        );
        duban_domain::input::required_text("单位名称", &s.org_name, 60)?;
        duban_domain::input::required_text("简称", &s.short_name, 20)?;
        for (field, v) in [
            ("标题字体", &s.font_title),
            ("正文字体", &s.font_body),
            ("一级标题字体", &s.font_heading1),
            ("二级标题字体", &s.font_heading2),
        ] {
            duban_domain::input::required_text(field, v, 40)?;
        }
        let mut tx = self.begin_write().await?;
        for (k, v) in [
            ("org_name", &s.org_name),
            ("short_name", &s.short_name),
            ("notice_no_format", &s.notice_no_format),
            ("transfer_no_format", &s.transfer_no_format),
            ("report_no_format", &s.report_no_format),
            ("inspection_no_format", &s.inspection_no_format),
            ("notice_days", &notice_days),
            ("cap_month", &cap_month),
            ("cap_year", &cap_year),
            ("warn_days", &warn_days),
            ("remind_before", &s.remind_before),
            ("remind_overdue_every", &overdue_every),
            ("escalate_after_urges", &after_urges),
            ("escalate_after_overdue_days", &after_days),
            ("default_scope", &s.default_scope),
            ("font_title", &s.font_title),
            ("font_body", &s.font_body),
            ("font_heading1", &s.font_heading1),
            ("font_heading2", &s.font_heading2),
        ] {
            sqlx::query("DELETE FROM settings WHERE key = $1")
                .bind(k)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::to_string(s).ok();
        let mut e = AuditEntry::by(actor, "settings.save", "settings", 0, "修改系统设置");
        e.after = after;
        append(&mut tx, e, meta, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query(
            "SELECT id, parent_id, name, kind, sort FROM units WHERE active = 1 ORDER BY sort, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(unit_row).collect()
    }

    /// One unit's name (the navigation bar needs no more than that).
    pub async fn unit_name(&self, id: UnitId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT name FROM units WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    pub async fn create_unit(
        &self,
        actor: Option<&Actor>,
        parent: Option<UnitId>,
        name: &str,
        kind: UnitKind,
        sort: i64,
        meta: &Meta,
    ) -> Result<UnitId> {
        let name = duban_domain::input::required_text("单位名称", name, 60)?;
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT 1 FROM units WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(DomainError::invalid("单位名称", format!("“{name}”已存在")).into());
        }
        if let Some(p) = parent {
            let found = sqlx::query("SELECT 1 FROM units WHERE id = $1")
                .bind(p.0)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(DomainError::invalid("上级单位", "不存在").into());
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO units (parent_id, name, kind, sort) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(parent.map(|p| p.0))
        .bind(&name)
        .bind(kind.code())
        .bind(sort)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        append(
            &mut tx,
            AuditEntry::by(
                actor,
                "unit.create",
                "unit",
                id,
                format!("新建单位：{name}"),
            ),
            meta,
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(UnitId(id))
    }

    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    async fn roles_and_portfolio(&self, id: i64) -> Result<(Vec<Role>, Vec<UnitId>)> {
        let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .filter_map(|c| Role::from_code(&c).ok())
            .collect();
        let portfolio =
            sqlx::query("SELECT unit_id FROM portfolios WHERE user_id = $1 ORDER BY unit_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .filter_map(|r| r.try_get::<i64, _>(0).ok())
                .map(UnitId)
                .collect();
        Ok((roles, portfolio))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, username, name, title, unit_id, active, version FROM users ORDER BY unit_id, id")
            .fetch_all(&self.pool)
            .await?;
        // Roles and portfolios for everyone in two queries, grouped by user.
        let mut roles: std::collections::HashMap<i64, Vec<Role>> = std::collections::HashMap::new();
        for r in sqlx::query("SELECT user_id, role FROM user_roles ORDER BY role")
            .fetch_all(&self.pool)
            .await?
        {
            if let Ok(role) = Role::from_code(&r.try_get::<String, _>(1)?) {
                roles.entry(r.try_get(0)?).or_default().push(role);
            }
        }
        let mut portfolios: std::collections::HashMap<i64, Vec<UnitId>> =
            std::collections::HashMap::new();
        for r in sqlx::query("SELECT user_id, unit_id FROM portfolios ORDER BY unit_id")
            .fetch_all(&self.pool)
            .await?
        {
            portfolios
                .entry(r.try_get(0)?)
                .or_default()
                .push(UnitId(r.try_get(1)?));
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            out.push(User {
                id: UserId(id),
                username: r.try_get(1)?,
                name: r.try_get(2)?,
                title: r.try_get(3)?,
                unit_id: UnitId(r.try_get(4)?),
                active: r.try_get::<i64, _>(5)? == 1,
                roles: roles.remove(&id).unwrap_or_default(),
                portfolio: portfolios.remove(&id).unwrap_or_default(),
                version: r.try_get(6)?,
            });
        }
        Ok(out)
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, username, name, title, unit_id, active, version FROM users WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let (roles, portfolio) = self.roles_and_portfolio(id.0).await?;
        Ok(Some(User {
            id,
            username: r.try_get(1)?,
            name: r.try_get(2)?,
            title: r.try_get(3)?,
            unit_id: UnitId(r.try_get(4)?),
            active: r.try_get::<i64, _>(5)? == 1,
            roles,
            portfolio,
            version: r.try_get(6)?,
        }))
    }

    /// The acting user, as the domain needs them; `None` for unknown or disabled users.
    pub async fn actor(&self, id: UserId) -> Result<Option<Actor>> {
        Ok(self.user(id).await?.filter(|u| u.active).map(|u| Actor {
            user_id: u.id,
            name: u.name,
            unit_id: u.unit_id,
            roles: u.roles,
            portfolio: u.portfolio,
        }))
    }

    /// (id, password hash, active) for sign-in.
    pub async fn credentials(&self, username: &str) -> Result<Option<(UserId, String, bool)>> {
        let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some((
                UserId(r.try_get(0)?),
                r.try_get(1)?,
                r.try_get::<i64, _>(2)? == 1,
            )),
            None => None,
        })
    }

    async fn check_units(tx: &mut Transaction<'static, Any>, input: &UserInput) -> Result<()> {
        for (field, id) in std::iter::once(("所在单位", input.unit_id))
            .chain(input.portfolio.iter().map(|u| ("分管部门", *u)))
        {
            let found = sqlx::query("SELECT 1 FROM units WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_none() {
                return Err(
                    DomainError::invalid(field, format!("单位（编号{}）不存在", id.0)).into(),
                );
            }
        }
        Ok(())
    }

    async fn write_roles(
        tx: &mut Transaction<'static, Any>,
        id: i64,
        input: &UserInput,
    ) -> Result<()> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM portfolios WHERE user_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let mut roles = input.roles.clone();
        roles.sort_by_key(|r| r.code());
        roles.dedup();
        for r in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(r.code())
                .execute(&mut **tx)
                .await?;
        }
        let mut p = input.portfolio.clone();
        p.sort();
        p.dedup();
        for u in p {
            sqlx::query("INSERT INTO portfolios (user_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(u.0)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Creates a user with an already hashed password.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        input: &UserInput,
        password_hash: &str,
        meta: &Meta,
    ) -> Result<UserId> {
        input.validate()?;
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT 1 FROM users WHERE username = $1")
            .bind(input.username.trim())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(DomainError::invalid(
                "用户名",
                format!("“{}”已被使用", input.username.trim()),
            )
            .into());
        }
        Self::check_units(&mut tx, input).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, name, title, unit_id, password_hash, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
        )
        .bind(input.username.trim())
        .bind(input.name.trim())
        .bind(input.title.trim())
        .bind(input.unit_id.0)
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        Self::write_roles(&mut tx, id, input).await?;
        let roles: Vec<&str> = input.roles.iter().map(|r| r.label()).collect();
        let summary = format!(
            "新建用户 {}（{}），角色：{}",
            input.name.trim(),
            input.username.trim(),
            roles.join("、")
        );
        append(
            &mut tx,
            AuditEntry::by(actor, "user.create", "user", id, summary),
            meta,
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    /// Updates name, unit, roles and portfolio, guarded by the version the admin saw.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        version: i64,
        input: &UserInput,
        active: bool,
        meta: &Meta,
    ) -> Result<()> {
        input.validate()?;
        let mut tx = self.begin_write().await?;
        Self::check_units(&mut tx, input).await?;
        let n = sqlx::query(
            "UPDATE users SET name = $1, title = $2, unit_id = $3, active = $4, version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(input.name.trim())
        .bind(input.title.trim())
        .bind(input.unit_id.0)
        .bind(i64::from(active))
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::stale().into());
        }
        Self::write_roles(&mut tx, id.0, input).await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let roles: Vec<&str> = input.roles.iter().map(|r| r.label()).collect();
        let summary = format!(
            "修改用户 {}，角色：{}{}",
            input.name.trim(),
            roles.join("、"),
            if active { "" } else { "（已停用）" }
        );
        append(
            &mut tx,
            AuditEntry::by(Some(actor), "user.update", "user", id.0, summary),
            meta,
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password hash and ends all of the user's sessions.
    pub async fn set_password(
        &self,
        actor: Option<&Actor>,
        id: UserId,
        hash: &str,
        meta: &Meta,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE username = (SELECT username FROM users WHERE id = $1)").bind(id.0).execute(&mut *tx).await?;
        append(
            &mut tx,
            AuditEntry::by(
                actor,
                "user.password",
                "user",
                id.0,
                "重置密码并注销其全部会话",
            ),
            meta,
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
