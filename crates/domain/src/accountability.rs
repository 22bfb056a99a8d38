//! 问责 and 移送纪工委 (section 三（四） of the notice): units or people that were perfunctory,
//! falsified or failed to implement are held to account with a recorded decision; serious cases
//! go to the discipline committee (纪工委) with the materials, which it acknowledges.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::input::{TEXT_MAX, TITLE_MAX, required_text};
use crate::matter::coded_enum;
use crate::time::Millis;
use crate::{Actor, DomainError, Role, TaskId, UserId};

coded_enum!(
    /// 敷衍塞责、弄虚作假、落实不力 and other grounds.
    AccountabilityKind, "问责情形" {
        Perfunctory => "perfunctory", "敷衍塞责";
        Falsification => "falsification", "弄虚作假";
        Ineffective => "ineffective", "落实不力";
        Other => "other", "其他";
    }
);

/// Against whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountTarget {
    Unit(crate::UnitId),
    Person(UserId),
}

/// One 问责 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accountability {
    pub id: i64,
    pub task_id: TaskId,
    pub target: AccountTarget,
    pub kind: AccountabilityKind,
    /// 事实
    pub facts: String,
    /// 处理决定, e.g. 约谈提醒、通报批评、责令书面检查
    pub decision: String,
    pub decided_on: NaiveDate,
    /// 决定机关或领导
    pub decided_by: String,
    pub created_by: UserId,
    pub created_at: Millis,
}

/// One referral to the discipline committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: i64,
    pub task_id: TaskId,
    pub reason: String,
    pub created_by: UserId,
    pub created_at: Millis,
    pub acknowledged_by: Option<UserId>,
    pub acknowledged_at: Option<Millis>,
    pub ack_note: Option<String>,
}

/// The office and the principal leaders record accountability and refer cases.
pub fn can_hold_to_account(actor: &Actor) -> bool {
    actor.has(Role::SupervisionOffice) || actor.has(Role::PrincipalLeader)
}

/// The discipline committee reads referrals and their packages.
pub fn can_read_referrals(actor: &Actor) -> bool {
    actor.has(Role::Discipline) || can_hold_to_account(actor)
}

/// A 问责 record as the form sends it, checked.
pub struct NewAccountability {
    pub target: AccountTarget,
    pub kind: AccountabilityKind,
    pub facts: String,
    pub decision: String,
    pub decided_on: NaiveDate,
    pub decided_by: String,
}

impl NewAccountability {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        actor: &Actor,
        target: Option<AccountTarget>,
        kind: &str,
        facts: &str,
        decision: &str,
        decided_on: &str,
        decided_by: &str,
        today: NaiveDate,
    ) -> Result<NewAccountability, DomainError> {
        if !can_hold_to_account(actor) {
            return Err(DomainError::forbidden("问责由考核督查办或街道主要领导记录"));
        }
        let decided_on = crate::input::date("决定日期", decided_on)?;
        if decided_on > today {
            return Err(DomainError::invalid("决定日期", "不能晚于今天"));
        }
        Ok(NewAccountability {
            target: target.ok_or_else(|| DomainError::invalid("问责对象", "请选择单位或个人"))?,
            kind: AccountabilityKind::from_code(kind)
                .map_err(|_| DomainError::invalid("问责情形", "请选择问责情形"))?,
            facts: required_text("问责事实", facts, TEXT_MAX)?,
            decision: required_text("处理决定", decision, TEXT_MAX)?,
            decided_on,
            decided_by: required_text("决定机关或领导", decided_by, TITLE_MAX)?,
        })
    }
}

/// 移送纪工委: a reason; not twice while one is pending.
pub fn refer(actor: &Actor, pending: bool, reason: &str) -> Result<String, DomainError> {
    if !can_hold_to_account(actor) {
        return Err(DomainError::forbidden(
            "移送纪工委由考核督查办或街道主要领导决定",
        ));
    }
    if pending {
        return Err(DomainError::state("该任务已移送纪工委，尚待受理"));
    }
    required_text("移送理由", reason, TEXT_MAX)
}

/// The discipline committee acknowledges (受理) a referral.
pub fn acknowledge(actor: &Actor, r: &Referral, note: &str) -> Result<String, DomainError> {
    if !actor.has(Role::Discipline) {
        return Err(DomainError::forbidden("由纪工委受理"));
    }
    if r.acknowledged_at.is_some() {
        return Err(DomainError::state("已受理"));
    }
    Ok(
        crate::input::optional_text("受理意见", Some(note), TEXT_MAX)?
            .unwrap_or_else(|| "已受理。".to_owned()),
    )
}
