//! What the templates see: page structs with everything already formatted in Chinese. Templates
//! only lay out; they decide nothing.

use askama::Template;
use duban_domain::time::{cn_date, cn_datetime};
use duban_domain::{OfferedAction, Role, Task, Unit, UnitId, UserId};
use duban_store::audit::AuditRecord;
use duban_store::org::User;

use crate::AppState;
use crate::auth::Authed;
use crate::error::PageError;

/// The navigation bar: who is signed in and how much waits for them.
pub struct Nav {
    pub user: String,
    pub unit: String,
    pub roles: String,
    pub todo: i64,
    /// 未读消息.
    pub unread: i64,
    pub csrf: String,
    pub active: &'static str,
    pub office: bool,
    /// Leaders and the office (the burden report, the whole ledger).
    pub sees_all: bool,
    /// May see 部门专项督查 (applications): departments, leaders, the office.
    pub special: bool,
    /// May read referrals to the discipline committee.
    pub referrals: bool,
    /// An administrator without business roles (三员分立).
    pub admin_only: bool,
    pub admin: bool,
    pub audit: bool,
    pub css: String,
    pub js: String,
    pub org: String,
    /// "已完成：…" after a step, from the `done` query parameter.
    pub flash: Option<String>,
}

impl Nav {
    pub async fn new(
        state: &AppState,
        user: &Authed,
        active: &'static str,
    ) -> Result<Nav, PageError> {
        let a = &user.actor;
        let todo = state.store.todo_count(a).await?;
        let unread = state.store.unread_count(a.user_id).await?;
        let unit = state.store.unit_name(a.unit_id).await?.unwrap_or_default();
        let settings = state.store.settings().await?;
        Ok(Nav {
            user: a.name.clone(),
            unit,
            roles: a
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("、"),
            todo,
            unread,
            csrf: user.csrf.clone(),
            active,
            office: a.has(Role::SupervisionOffice),
            sees_all: a.sees_all_matters(),
            referrals: duban_domain::can_read_referrals(a),
            admin_only: a.roles.iter().all(|r| r.is_admin_role())
                || a.roles.iter().all(|r| *r == Role::Discipline),
            special: a.sees_all_matters() || duban_domain::can_apply(a) || a.has(Role::AreaLeader),
            admin: duban_domain::policy::can_manage_org(a)
                || duban_domain::policy::can_manage_security(a),
            audit: duban_domain::policy::can_read_audit(a),
            css: crate::assets::css_url(),
            js: crate::assets::js_url(),
            org: settings.org_name,
            flash: None,
        })
    }
}

/// The `done` query parameter a step's redirect carries.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

impl Nav {
    /// Shows which step was just taken.
    pub fn with_done(mut self, done: &Done) -> Nav {
        self.flash = done
            .done
            .as_deref()
            .and_then(|c| {
                duban_domain::action_label(c)
                    .or(duban_domain::special_action_label(c))
                    .or(duban_domain::deadline_action_label(c))
            })
            .map(|l| format!("已完成：{l}"));
        self
    }
}

/// Names of units and people, loaded once per page (two queries).
pub struct Names {
    pub units: Vec<Unit>,
    pub users: Vec<User>,
}

impl Names {
    pub async fn load(state: &AppState) -> Result<Names, duban_store::StoreError> {
        Ok(Names {
            units: state.store.units().await?,
            users: state.store.users().await?,
        })
    }
    pub fn unit(&self, id: UnitId) -> String {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("单位{}", id.0))
    }
    pub fn units(&self, ids: &[UnitId]) -> String {
        ids.iter()
            .map(|u| self.unit(*u))
            .collect::<Vec<_>>()
            .join("、")
    }
    pub fn user(&self, id: UserId) -> String {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("用户{}", id.0))
    }
    pub fn users(&self, ids: &[UserId]) -> String {
        ids.iter()
            .map(|u| self.user(*u))
            .collect::<Vec<_>>()
            .join("、")
    }
    /// 责任单位 of a task: the lead unit, and the cooperating ones marked as such.
    pub fn responsible_units(&self, t: &Task, sep: &str) -> String {
        if t.coop_units.is_empty() {
            self.unit(t.lead_unit)
        } else {
            format!(
                "{}（牵头）{sep}{}（配合）",
                self.unit(t.lead_unit),
                self.units(&t.coop_units)
            )
        }
    }

    /// Area leaders, for the responsible-leader picker.
    pub fn area_leaders(&self) -> Vec<Opt> {
        self.users
            .iter()
            .filter(|u| u.active && u.roles.contains(&Role::AreaLeader))
            .map(|u| Opt {
                value: u.id.0.to_string(),
                label: format!("{}（{}）", u.name, u.title),
                selected: false,
            })
            .collect()
    }
    /// Departments and communities, for unit pickers.
    pub fn task_units(&self) -> Vec<Opt> {
        use duban_domain::UnitKind;
        self.units
            .iter()
            .filter(|u| matches!(u.kind, UnitKind::Department | UnitKind::Community))
            .map(|u| Opt {
                value: u.id.0.to_string(),
                label: u.name.clone(),
                selected: false,
            })
            .collect()
    }
}

/// An option of a select or a checkbox list.
#[derive(Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn opts<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: code(*v).to_owned(),
            label: label(*v).to_owned(),
            selected: code(*v) == current,
        })
        .collect()
}

/// A task as lists show it.
pub struct TaskLine {
    /// 挂牌督办 (the task or its lead unit); set by pages that look it up.
    pub listed: bool,
    /// 红黄绿灯.
    pub light_code: &'static str,
    pub light_label: &'static str,
    pub id: i64,
    pub seq: i64,
    pub content: String,
    pub requirements: String,
    pub deadline: String,
    pub leaders: String,
    pub lead_unit: String,
    pub coop_units: String,
    pub state_code: &'static str,
    pub state_label: &'static str,
    pub urgency_code: &'static str,
    pub urgency_label: &'static str,
}

/// "Now" as the lights read it: the moment, the working-day calendar and the 黄灯 setting.
pub struct Clock {
    pub now: duban_domain::time::Millis,
    pub today: chrono::NaiveDate,
    pub cal: duban_domain::Calendar,
    pub warn: u32,
}

impl Clock {
    pub async fn load(state: &AppState) -> Result<Clock, duban_store::StoreError> {
        let now = duban_store::now_ms();
        Ok(Clock {
            now,
            today: duban_domain::time::china_date(now),
            cal: state.store.calendar().await?,
            warn: state.store.settings().await?.warn_days,
        })
    }
    pub fn light(&self, t: &Task) -> duban_domain::Light {
        duban_domain::light(t, self.now, &self.cal, self.warn)
    }
    pub fn light_of(&self, f: &duban_domain::LightFacts) -> duban_domain::Light {
        duban_domain::light_of(f, self.now, &self.cal, self.warn)
    }
}

/// 落实时限 as shown: the date, and the hour for 特急 work.
pub fn deadline_text(t: &Task) -> String {
    match t.due_time {
        Some(h) => format!("{} {}", cn_date(t.deadline), h.format("%H:%M")),
        None => cn_date(t.deadline),
    }
}

impl TaskLine {
    pub fn new(t: &Task, names: &Names, clock: &Clock) -> TaskLine {
        let light = clock.light(t);
        TaskLine {
            listed: false,
            light_code: light.code(),
            light_label: light.label(),
            id: t.id.0,
            seq: t.seq,
            content: t.content.clone(),
            requirements: t.requirements.clone(),
            deadline: deadline_text(t),
            leaders: names.users(&t.leaders),
            lead_unit: names.unit(t.lead_unit),
            coop_units: names.units(&t.coop_units),
            state_code: t.state.code(),
            state_label: t.state.label(),
            urgency_code: t.urgency.code(),
            urgency_label: t.urgency.label(),
        }
    }
}

/// A step in a timeline.
pub struct Step {
    pub at: String,
    pub who: String,
    pub what: String,
    /// The document or object the step produced, if any.
    pub link: Option<(String, &'static str)>,
}

impl Step {
    pub fn from(r: &AuditRecord) -> Step {
        let link = match (r.action.as_str(), r.object_type.as_str()) {
            ("matter.issue_notice", _) => {
                Some((format!("/matters/{}/notice", r.object_id), "督办通知"))
            }
            ("matter.forward", _) => {
                Some((format!("/matters/{}/notice", r.object_id), "批示件转办单"))
            }
            ("inspection.notify", _) => {
                Some((format!("/matters/{}/notice", r.object_id), "督查考核通知"))
            }
            ("inspection.launch", _) => {
                Some((format!("/matters/{}/plan", r.object_id), "专项督查考核方案"))
            }
            ("bulletin.publish", _) => {
                Some((format!("/bulletins/{}/print", r.object_id), "通报正文"))
            }
            ("bulletin.report_upward", _) => {
                Some((format!("/bulletins/{}/print", r.object_id), "督查汇报"))
            }
            (_, "application") => Some((format!("/applications/{}", r.object_id), "督查考核申请")),
            (_, "bulletin") => Some((format!("/bulletins/{}", r.object_id), "查看通报")),
            (a, "task") if a.starts_with("task.report") => {
                Some((format!("/tasks/{}", r.object_id), "落实情况及附件"))
            }
            _ => None,
        };
        Step {
            at: cn_datetime(r.at),
            who: r.actor_name.clone(),
            what: r.summary.clone(),
            link,
        }
    }
}

/// A leader's instruction as pages show it.
pub struct InstructionLine {
    pub kind: String,
    pub text: String,
    pub who: String,
    pub at: String,
}

pub fn instruction_lines(rows: Vec<(String, String, String, i64)>) -> Vec<InstructionLine> {
    rows.into_iter()
        .map(|(kind, text, who, at)| InstructionLine {
            kind: match kind.as_str() {
                "approve" => "批示同意",
                "return" => "退回",
                "review" => "审阅意见",
                _ => "批示",
            }
            .to_owned(),
            text,
            who,
            at: cn_datetime(at),
        })
        .collect()
}

/// The actions form block: what the domain offers, posted to `url`.
pub struct ActionBlock {
    pub url: String,
    pub version: i64,
    pub actions: Vec<OfferedAction>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub css: String,
    pub js: String,
}

/// Percent-encodes everything but RFC 3986's unreserved characters and those in `keep`
/// (links, query strings, download names — one rule for all of them).
pub fn percent_encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
