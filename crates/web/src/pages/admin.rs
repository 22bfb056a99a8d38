//! 系统管理 and 审计: users, roles and portfolios, the org tree, settings (system admin); password
//! resets (security admin); the audit log and its chain check (audit admin only, 三员分立).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::policy::{can_manage_org, can_manage_security, can_read_audit};
use duban_domain::time::cn_datetime;
use duban_domain::{Actor, DomainError, Role, UnitId, UnitKind, UserId};
use duban_store::audit::ChainCheck;
use duban_store::org::{OrgSettings, UserInput};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser, hash_password};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{Names, Nav, Opt};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}", get(user_page).post(update_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/units", get(units).post(create_unit))
        .route("/admin/settings", get(settings).post(save_settings))
        .route("/audit", get(audit))
}

fn require(ok: bool, what: &str) -> Result<(), PageError> {
    if ok {
        Ok(())
    } else {
        Err(DomainError::forbidden(what.to_owned()).into())
    }
}

struct UserLine {
    id: i64,
    username: String,
    name: String,
    title: String,
    unit: String,
    roles: String,
    portfolio: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersView {
    nav: Nav,
    lines: Vec<UserLine>,
    units: Vec<Opt>,
    roles: Vec<Opt>,
    org_admin: bool,
}

fn role_opts(selected: &[Role]) -> Vec<Opt> {
    Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: r.label().into(),
            selected: selected.contains(r),
        })
        .collect()
}

fn unit_opts(names: &Names, selected: &[UnitId]) -> Vec<Opt> {
    names
        .units
        .iter()
        .map(|u| Opt {
            value: u.id.0.to_string(),
            label: u.name.clone(),
            selected: selected.contains(&u.id),
        })
        .collect()
}

fn may_admin(a: &Actor) -> bool {
    can_manage_org(a) || can_manage_security(a)
}

async fn users(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    require(may_admin(&user.actor), "仅系统管理员或安全管理员可管理用户")?;
    let names = Names::load(&state).await?;
    let lines = names
        .users
        .iter()
        .map(|u| UserLine {
            id: u.id.0,
            username: u.username.clone(),
            name: u.name.clone(),
            title: u.title.clone(),
            unit: names.unit(u.unit_id),
            roles: u
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("、"),
            portfolio: names.units(&u.portfolio),
            active: u.active,
        })
        .collect();
    let view = UsersView {
        lines,
        units: unit_opts(&names, &[]),
        roles: role_opts(&[]),
        org_admin: can_manage_org(&user.actor),
        nav: Nav::new(&state, &user, "admin").await?,
    };
    render(&view)
}

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    portfolio: Vec<i64>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    active: Option<String>,
}

impl UserForm {
    /// The user as entered; administrator roles are given only on the server's command line.
    fn input(&self) -> Result<UserInput, DomainError> {
        let roles: Vec<Role> = self
            .roles
            .iter()
            .map(|r| Role::from_code(r))
            .collect::<Result<_, _>>()?;
        if roles.iter().any(|r| r.is_admin_role()) {
            return Err(DomainError::invalid(
                "角色",
                "系统管理员、安全管理员、审计管理员账户须在服务器上用 duban admin create-user 创建（三员分立）",
            ));
        }
        Ok(UserInput {
            username: self.username.clone(),
            name: self.name.clone(),
            title: self.title.clone(),
            unit_id: UnitId(
                self.unit
                    .ok_or_else(|| DomainError::invalid("所在单位", "请选择"))?,
            ),
            roles,
            portfolio: self.portfolio.iter().copied().map(UnitId).collect(),
        })
    }
}

async fn create_user(
    State(state): State<AppState>,
    f: CsrfForm<UserForm>,
) -> Result<Response, PageError> {
    require(can_manage_org(&f.user.actor), "仅系统管理员可新建用户")?;
    let input = f.form.input()?;
    let hash = hash_password(&f.form.password)?;
    let id = state
        .store
        .create_user(Some(&f.user.actor), &input, &hash, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{}", id.0)).into_response())
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserView {
    nav: Nav,
    id: i64,
    version: i64,
    username: String,
    name: String,
    title: String,
    active: bool,
    units: Vec<Opt>,
    roles: Vec<Opt>,
    portfolio: Vec<Opt>,
    org_admin: bool,
    security_admin: bool,
}

async fn user_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(may_admin(&user.actor), "仅系统管理员或安全管理员可管理用户")?;
    let u = state
        .store
        .user(UserId(id))
        .await?
        .ok_or_else(|| DomainError::not_found("用户"))?;
    let names = Names::load(&state).await?;
    let view = UserView {
        id,
        version: u.version,
        username: u.username.clone(),
        name: u.name.clone(),
        title: u.title.clone(),
        active: u.active,
        units: unit_opts(&names, &[u.unit_id]),
        roles: role_opts(&u.roles),
        portfolio: unit_opts(&names, &u.portfolio),
        org_admin: can_manage_org(&user.actor),
        security_admin: can_manage_security(&user.actor),
        nav: Nav::new(&state, &user, "admin").await?,
    };
    render(&view)
}

async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<UserForm>,
) -> Result<Response, PageError> {
    require(can_manage_org(&f.user.actor), "仅系统管理员可修改用户")?;
    if UserId(id) == f.user.actor.user_id {
        return Err(DomainError::forbidden("不能修改自己的账户（三员分立）").into());
    }
    let target = state
        .store
        .user(UserId(id))
        .await?
        .ok_or_else(|| DomainError::not_found("用户"))?;
    if target.roles.iter().any(|r| r.is_admin_role()) {
        return Err(DomainError::forbidden(
            "管理员账户只能在服务器上用 duban admin 命令维护（三员分立）",
        )
        .into());
    }
    let input = f.form.input()?;
    let active = f.form.active.is_some();
    state
        .store
        .update_user(
            &f.user.actor,
            UserId(id),
            f.form.version,
            &input,
            active,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    require(can_manage_security(&f.user.actor), "仅安全管理员可重置密码")?;
    let target = state
        .store
        .user(UserId(id))
        .await?
        .ok_or_else(|| DomainError::not_found("用户"))?;
    if target.roles.iter().any(|r| r.is_admin_role()) {
        return Err(DomainError::forbidden(
            "管理员账户的密码须在服务器上用 duban admin set-password 重置（三员分立）",
        )
        .into());
    }
    let hash = hash_password(&f.form.password)?;
    state
        .store
        .set_password(Some(&f.user.actor), UserId(id), &hash, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

struct UnitLine {
    name: String,
    kind: &'static str,
    parent: String,
    depth_pad: String,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsView {
    nav: Nav,
    lines: Vec<UnitLine>,
    parents: Vec<Opt>,
    kinds: Vec<Opt>,
}

async fn units(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    require(can_manage_org(&user.actor), "仅系统管理员可管理组织机构")?;
    let names = Names::load(&state).await?;
    let lines = names
        .units
        .iter()
        .map(|u| UnitLine {
            name: u.name.clone(),
            kind: u.kind.label(),
            parent: u.parent_id.map(|p| names.unit(p)).unwrap_or_default(),
            depth_pad: if u.parent_id.is_some() {
                "　└ ".into()
            } else {
                String::new()
            },
        })
        .collect();
    let kinds = [
        UnitKind::Department,
        UnitKind::Community,
        UnitKind::Leadership,
        UnitKind::Discipline,
        UnitKind::SubDistrict,
    ]
    .iter()
    .map(|k| Opt {
        value: k.code().into(),
        label: k.label().into(),
        selected: false,
    })
    .collect();
    let view = UnitsView {
        lines,
        parents: unit_opts(&names, &[]),
        kinds,
        nav: Nav::new(&state, &user, "admin").await?,
    };
    render(&view)
}

#[derive(Deserialize)]
struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: Option<i64>,
    #[serde(default)]
    sort: Option<i64>,
}

async fn create_unit(
    State(state): State<AppState>,
    f: CsrfForm<UnitForm>,
) -> Result<Response, PageError> {
    require(can_manage_org(&f.user.actor), "仅系统管理员可管理组织机构")?;
    let kind = UnitKind::from_code(&f.form.kind)?;
    let parent = f.form.parent.map(UnitId);
    state
        .store
        .create_unit(
            Some(&f.user.actor),
            parent,
            &f.form.name,
            kind,
            f.form.sort.unwrap_or(100),
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to("/admin/units").into_response())
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsView {
    nav: Nav,
    s: OrgSettings,
    saved: bool,
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn settings(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    require(can_manage_org(&user.actor), "仅系统管理员可修改系统设置")?;
    let view = SettingsView {
        s: state.store.settings().await?,
        saved: q.saved.is_some(),
        nav: Nav::new(&state, &user, "admin").await?,
    };
    render(&view)
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    notice_no_format: String,
    #[serde(default)]
    transfer_no_format: String,
    #[serde(default)]
    report_no_format: String,
    #[serde(default)]
    inspection_no_format: String,
    #[serde(default)]
    notice_days: String,
    #[serde(default)]
    cap_month: String,
    #[serde(default)]
    cap_year: String,
    #[serde(default)]
    warn_days: String,
    #[serde(default)]
    remind_before: String,
    #[serde(default)]
    remind_overdue_every: String,
    #[serde(default)]
    escalate_after_urges: String,
    #[serde(default)]
    escalate_after_overdue_days: String,
    #[serde(default)]
    default_scope: String,
    #[serde(default)]
    font_title: String,
    #[serde(default)]
    font_body: String,
    #[serde(default)]
    font_heading1: String,
    #[serde(default)]
    font_heading2: String,
}

async fn save_settings(
    State(state): State<AppState>,
    f: CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    require(can_manage_org(&f.user.actor), "仅系统管理员可修改系统设置")?;
    let number = |field: &str, v: &str| {
        v.trim().parse::<i64>().map_err(|_| {
            PageError::from(duban_store::StoreError::from(
                duban_domain::DomainError::invalid(field, "请填写整数"),
            ))
        })
    };
    let small = |field: &str, v: &str| {
        v.trim().parse::<u32>().map_err(|_| {
            PageError::from(duban_store::StoreError::from(
                duban_domain::DomainError::invalid(field, "请填写0或正整数"),
            ))
        })
    };
    let s = OrgSettings {
        transfer_no_format: f.form.transfer_no_format.trim().to_owned(),
        report_no_format: f.form.report_no_format.trim().to_owned(),
        inspection_no_format: f.form.inspection_no_format.trim().to_owned(),
        notice_days: number("督查考核通知提前天数", &f.form.notice_days)?,
        cap_month: number("每月督查考核上限", &f.form.cap_month)?,
        cap_year: number("每年督查考核上限", &f.form.cap_year)?,
        warn_days: small("黄灯提前工作日", &f.form.warn_days)?,
        remind_before: f.form.remind_before.trim().to_owned(),
        remind_overdue_every: small("逾期提醒间隔", &f.form.remind_overdue_every)?,
        escalate_after_urges: small("催办几次后建议挂牌督办", &f.form.escalate_after_urges)?,
        escalate_after_overdue_days: small(
            "逾期几个工作日后建议挂牌督办",
            &f.form.escalate_after_overdue_days,
        )?,
        org_name: f.form.org_name.trim().to_owned(),
        short_name: f.form.short_name.trim().to_owned(),
        notice_no_format: f.form.notice_no_format.trim().to_owned(),
        default_scope: f.form.default_scope.trim().to_owned(),
        font_title: f.form.font_title.trim().to_owned(),
        font_body: f.form.font_body.trim().to_owned(),
        font_heading1: f.form.font_heading1.trim().to_owned(),
        font_heading2: f.form.font_heading2.trim().to_owned(),
    };
    state
        .store
        .save_settings(Some(&f.user.actor), &s, &f.ip.meta())
        .await?;
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}

struct AuditLine {
    id: i64,
    at: String,
    who: String,
    action: String,
    object: String,
    summary: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditView {
    nav: Nav,
    lines: Vec<AuditLine>,
    next: Option<i64>,
    check: Option<String>,
    intact: bool,
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    before: Option<i64>,
    #[serde(default)]
    verify: Option<String>,
}

async fn audit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(can_read_audit(&user.actor), "审计日志仅审计管理员可查看")?;
    let records = state.store.audit_page(q.before, 100).await?;
    let (check, intact) = if q.verify.is_some() {
        match state.store.verify_audit_chain().await? {
            ChainCheck::Intact { records } => (
                Some(format!("审计链完整：共{records}条记录，逐条校验通过。")),
                true,
            ),
            ChainCheck::Broken { id, why } => {
                (Some(format!("审计链在第{id}条记录处断开：{why}")), false)
            }
        }
    } else {
        (None, true)
    };
    let next = if records.len() == 100 {
        records.last().map(|r| r.id)
    } else {
        None
    };
    let lines = records
        .into_iter()
        .map(|r| AuditLine {
            id: r.id,
            at: cn_datetime(r.at),
            who: r.actor_name,
            action: r.action,
            object: format!("{} #{}", r.object_type, r.object_id),
            summary: r.summary,
            ip: r.ip,
        })
        .collect();
    render(&AuditView {
        lines,
        next,
        check,
        intact,
        nav: Nav::new(&state, &user, "audit").await?,
    })
}
