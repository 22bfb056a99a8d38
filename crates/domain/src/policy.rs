//! Who sees what (data scope by the org tree). The store turns a `Scope` into SQL; the pages and
//! the API never decide visibility themselves.

use crate::{Actor, Role, Task, UnitId, UserId};

/// The part of the ledger an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Leaders, the office and the discipline committee.
    All,
    /// Tasks whose lead or cooperating unit is one of `units`, or whose responsible leaders
    /// include `leader`, once assigned: a task still being registered is the office's and the
    /// leaders' until the 督办通知 goes out. Admins who hold no business role get an empty scope
    /// (三员分立).
    Limited {
        units: Vec<UnitId>,
        leader: Option<UserId>,
    },
}

pub fn ledger_scope(actor: &Actor) -> Scope {
    if actor.sees_all_matters() {
        return Scope::All;
    }
    let mut units = Vec::new();
    if actor.has(Role::UnitHead) || actor.has(Role::UnitStaff) {
        units.push(actor.unit_id);
    }
    let mut leader = None;
    if actor.has(Role::AreaLeader) {
        units.extend(actor.portfolio.iter().copied());
        leader = Some(actor.user_id);
    }
    units.sort();
    units.dedup();
    Scope::Limited { units, leader }
}

pub fn can_view_task(actor: &Actor, task: &Task) -> bool {
    match ledger_scope(actor) {
        Scope::All => true,
        Scope::Limited { units, leader } => {
            task.state != crate::TaskState::Draft
                && (units.iter().any(|u| task.involves_unit(*u))
                    || leader.is_some_and(|l| task.leaders.contains(&l)))
        }
    }
}

/// A matter is visible when any of its tasks is (or to those who see all).
pub fn can_view_matter(actor: &Actor, tasks: &[Task]) -> bool {
    actor.sees_all_matters() || tasks.iter().any(|t| can_view_task(actor, t))
}

/// Bulletins are the office's and the leaders' until published, and their named reviewers'
/// (the area leaders who approve a special inspection's bulletin); then those who see one of
/// the covered matters may read them (the store checks that part).
pub fn can_view_bulletin_draft(actor: &Actor, b: &crate::Bulletin) -> bool {
    actor.sees_all_matters() || b.reviewers.contains(&actor.user_id)
}

/// Users, units, portfolios and settings.
pub fn can_manage_org(actor: &Actor) -> bool {
    actor.has(Role::SystemAdmin)
}

/// Passwords, lockouts and sessions: the security admin's alone (三员分立).
pub fn can_manage_security(actor: &Actor) -> bool {
    actor.has(Role::SecurityAdmin)
}

/// A role set an account may hold: an administrator role stands alone (三员分立).
pub fn check_role_set(roles: &[Role]) -> Result<(), crate::DomainError> {
    if roles.iter().any(|r| r.is_admin_role()) && roles.len() > 1 {
        return Err(crate::DomainError::invalid(
            "角色",
            "系统管理员、安全管理员、审计管理员须单独设置，不能兼任其他角色（三员分立）",
        ));
    }
    Ok(())
}

/// The audit log is the audit admin's alone (三员分立).
pub fn can_read_audit(actor: &Actor) -> bool {
    actor.has(Role::AuditAdmin)
}

/// Registering matters and compiling documents is the office's work.
pub fn can_register(actor: &Actor) -> bool {
    actor.has(Role::SupervisionOffice)
}
