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

// ───────────────────────────── 整改 ─────────────────────────────

coded_enum!(
    RectificationState, "整改状态" {
        Open => "open", "待整改";
        Reported => "reported", "待核查";
        Verified => "verified", "已整改";
    }
);

/// A problem fed back to a unit (督查发现问题，及时反馈相关责任单位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub id: i64,
    pub unit_id: crate::UnitId,
    /// Where the problem was found: a bulletin, a task's reports, an inspection (application).
    pub source: crate::ObjectRef,
    pub problem: String,
    pub deadline: NaiveDate,
    pub state: RectificationState,
    pub version: i64,
    pub report: Option<String>,
    pub reported_at: Option<Millis>,
    pub verify_note: Option<String>,
    pub verified_at: Option<Millis>,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RectificationCommand {
    /// The unit reports what it fixed.
    Report { text: String },
    /// The office verifies on the spot or in the materials.
    Verify { note: String },
    /// The office returns it: not fixed yet.
    Return { reason: String },
}

impl RectificationCommand {
    pub fn parse(action: &str, text: Option<&str>) -> Result<RectificationCommand, DomainError> {
        let t = text.unwrap_or("");
        Ok(match action {
            "report" => RectificationCommand::Report {
                text: required_text("整改情况", t, TEXT_MAX)?,
            },
            "verify" => RectificationCommand::Verify {
                note: required_text("核查意见", t, TEXT_MAX)?,
            },
            "return" => RectificationCommand::Return {
                reason: required_text("退回理由", t, TEXT_MAX)?,
            },
            other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”"))),
        })
    }
}

/// The office feeds problems back; a new item needs a problem and a deadline not in the past.
pub fn new_rectification(
    actor: &Actor,
    problem: &str,
    deadline: &str,
    today: NaiveDate,
) -> Result<(String, NaiveDate), DomainError> {
    if !actor.has(Role::SupervisionOffice) {
        return Err(DomainError::forbidden("整改事项由考核督查办反馈"));
    }
    let d = crate::input::date("整改时限", deadline)?;
    if d < today {
        return Err(DomainError::invalid("整改时限", "不能早于今天"));
    }
    Ok((required_text("存在问题", problem, TEXT_MAX)?, d))
}

/// A step on a rectification item: the new state and what the timeline says.
pub fn decide_rectification(
    actor: &Actor,
    r: &Rectification,
    cmd: RectificationCommand,
) -> Result<(RectificationState, String), DomainError> {
    match cmd {
        RectificationCommand::Report { text } => {
            if !actor.acts_for_unit(r.unit_id) {
                return Err(DomainError::forbidden("整改情况由责任单位报送"));
            }
            if r.state != RectificationState::Open {
                return Err(DomainError::state("整改情况已报送，待核查"));
            }
            Ok((
                RectificationState::Reported,
                format!("报送整改情况：{text}"),
            ))
        }
        RectificationCommand::Verify { note } | RectificationCommand::Return { reason: note }
            if !actor.has(Role::SupervisionOffice) =>
        {
            let _ = note;
            Err(DomainError::forbidden("整改情况由考核督查办核查"))
        }
        RectificationCommand::Verify { note } => {
            if r.state != RectificationState::Reported {
                return Err(DomainError::state("尚未报送整改情况"));
            }
            Ok((RectificationState::Verified, format!("核查通过：{note}")))
        }
        RectificationCommand::Return { reason } => {
            if r.state != RectificationState::Reported {
                return Err(DomainError::state("尚未报送整改情况"));
            }
            Ok((RectificationState::Open, format!("核查退回：{reason}")))
        }
    }
}
