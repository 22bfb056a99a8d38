//! The organisation: units in a tree (街道 → 领导班子/部门/社区), people, their roles and the
//! area leaders' portfolios (分管部门).

use serde::{Deserialize, Serialize};

use crate::{DomainError, UnitId, UserId};

/// The roles of DOMAIN.md. A person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    PrincipalLeader,
    SupervisionLeader,
    AreaLeader,
    SupervisionOffice,
    UnitHead,
    UnitStaff,
    Discipline,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::PrincipalLeader,
        Role::SupervisionLeader,
        Role::AreaLeader,
        Role::SupervisionOffice,
        Role::UnitHead,
        Role::UnitStaff,
        Role::Discipline,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::PrincipalLeader => "principal_leader",
            Role::SupervisionLeader => "supervision_leader",
            Role::AreaLeader => "area_leader",
            Role::SupervisionOffice => "supervision_office",
            Role::UnitHead => "unit_head",
            Role::UnitStaff => "unit_staff",
            Role::Discipline => "discipline",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::PrincipalLeader => "主要领导",
            Role::SupervisionLeader => "分管考核督查领导",
            Role::AreaLeader => "分管领导",
            Role::SupervisionOffice => "考核督查办",
            Role::UnitHead => "部门负责人",
            Role::UnitStaff => "部门经办人",
            Role::Discipline => "纪工委",
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// 三员: system, security and audit administrators, who hold no other role.
    pub fn is_admin_role(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    pub fn from_code(code: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| DomainError::invalid("角色", format!("未知角色“{code}”")))
    }
}

/// What kind of node a unit is in the org tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitKind {
    /// 街道 (the root)
    SubDistrict,
    /// 领导班子
    Leadership,
    /// 部门 (办、所、中心、站)
    Department,
    /// 社区/村
    Community,
    /// 纪工委
    Discipline,
}

impl UnitKind {
    pub fn code(self) -> &'static str {
        match self {
            UnitKind::SubDistrict => "subdistrict",
            UnitKind::Leadership => "leadership",
            UnitKind::Department => "department",
            UnitKind::Community => "community",
            UnitKind::Discipline => "discipline",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::SubDistrict => "街道",
            UnitKind::Leadership => "领导班子",
            UnitKind::Department => "部门",
            UnitKind::Community => "社区/村",
            UnitKind::Discipline => "纪工委",
        }
    }
    pub fn from_code(code: &str) -> Result<UnitKind, DomainError> {
        [
            UnitKind::SubDistrict,
            UnitKind::Leadership,
            UnitKind::Department,
            UnitKind::Community,
            UnitKind::Discipline,
        ]
        .into_iter()
        .find(|k| k.code() == code)
        .ok_or_else(|| DomainError::invalid("单位类型", format!("未知类型“{code}”")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub parent_id: Option<UnitId>,
    pub name: String,
    pub kind: UnitKind,
    pub sort: i64,
}

/// The acting user, as the domain sees them when deciding anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub name: String,
    pub unit_id: UnitId,
    pub roles: Vec<Role>,
    /// Units this person leads as area leader (分管部门).
    pub portfolio: Vec<UnitId>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Works for `unit` as its head or staff.
    pub fn acts_for_unit(&self, unit: UnitId) -> bool {
        self.unit_id == unit && (self.has(Role::UnitHead) || self.has(Role::UnitStaff))
    }

    /// Leaders and the office see the whole ledger. The discipline committee sees what is
    /// referred to it (issue 5), not the ledger.
    pub fn sees_all_matters(&self) -> bool {
        self.has(Role::PrincipalLeader)
            || self.has(Role::SupervisionLeader)
            || self.has(Role::SupervisionOffice)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::SystemAdmin) || self.has(Role::SecurityAdmin)
    }
}
