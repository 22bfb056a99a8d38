//! Parse, don't validate: raw form or JSON strings become domain values here, and a failure names
//! the field in Chinese.

use chrono::NaiveDate;

use crate::time::Millis;
use crate::{Channel, DomainError, MatterKind, Source, SuperiorNotice, UnitId, Urgency, UserId};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;
pub const BODY_MAX: usize = 50_000;

/// A required text: trimmed, not empty, at most `max` characters, no control characters.
pub fn required_text(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(field, "不能为空"));
    }
    checked(field, t, max)
}

/// An optional text: empty becomes `None`.
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => checked(field, t, max).map(Some),
    }
}

fn checked(field: &str, t: &str, max: usize) -> Result<String, DomainError> {
    let n = t.chars().count();
    if n > max {
        return Err(DomainError::invalid(
            field,
            format!("不能超过{max}个字（现为{n}个字）"),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(DomainError::invalid(field, "含有不可见的控制字符"));
    }
    Ok(t.replace("\r\n", "\n"))
}

/// A date as 2026-12-04 (what an `<input type=date>` sends); 2026/12/4 and 2026年12月4日 too.
pub fn date(field: &str, raw: &str) -> Result<NaiveDate, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(field, "不能为空"));
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    Err(DomainError::invalid(
        field,
        format!("“{}”不是有效日期，请按 2026-12-04 格式填写", short(t)),
    ))
}

fn short(t: &str) -> String {
    t.chars().take(20).collect()
}

/// A moment as 2026-12-04T09:30 (what an `<input type=datetime-local>` sends), read in China time;
/// a bare date means its start.
pub fn datetime(field: &str, raw: &str) -> Result<Millis, DomainError> {
    let t = raw.trim();
    for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return local_millis(field, dt);
        }
    }
    let d = date(field, t)?;
    local_millis(field, d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn local_millis(field: &str, dt: chrono::NaiveDateTime) -> Result<Millis, DomainError> {
    use chrono::TimeZone;
    crate::time::china()
        .from_local_datetime(&dt)
        .single()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| DomainError::invalid(field, "不是有效时间"))
}

/// A matter registered from a meeting, a leader's arrangement or a higher-level notice (登记报备).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatter {
    pub title: String,
    pub source: Source,
    pub source_date: NaiveDate,
    pub source_text: String,
    pub superior: Option<SuperiorNotice>,
    pub urgency: Urgency,
}

/// A higher-level notice as a form or JSON sends it.
#[derive(Debug, Clone, Default)]
pub struct RawSuperior<'a> {
    pub issuer: &'a str,
    pub doc_no: &'a str,
    pub channel: &'a str,
    pub received_at: &'a str,
    pub report_deadline: &'a str,
    pub report_to: &'a str,
}

fn urgency(raw: &str) -> Result<Urgency, DomainError> {
    Urgency::from_code(if raw.is_empty() { "normal" } else { raw })
}

impl NewMatter {
    pub fn parse(
        title: &str,
        source: &str,
        source_date: &str,
        source_text: &str,
        urgency_code: &str,
        today: NaiveDate,
    ) -> Result<NewMatter, DomainError> {
        let source_date = date("会议/交办日期", source_date)?;
        if source_date > today {
            return Err(DomainError::invalid("会议/交办日期", "不能晚于今天"));
        }
        let source = Source::from_code(source)
            .ok()
            .filter(|s| s.kind() == MatterKind::Local)
            .ok_or_else(|| DomainError::invalid("来源", "请选择会议类型或交办方式"))?;
        Ok(NewMatter {
            title: required_text("督查事项", title, TITLE_MAX)?,
            source,
            source_date,
            source_text: required_text("会议决定/交办原文", source_text, TEXT_MAX)?,
            superior: None,
            urgency: urgency(urgency_code)?,
        })
    }

    /// A higher-level notice received by phone or in writing (procedure A, 登记报备).
    pub fn parse_superior(
        title: &str,
        source: &str,
        content: &str,
        urgency_code: &str,
        raw: RawSuperior<'_>,
        now: Millis,
    ) -> Result<NewMatter, DomainError> {
        let source = Source::from_code(source)
            .ok()
            .filter(|s| s.kind() == MatterKind::Superior)
            .ok_or_else(|| {
                DomainError::invalid("来源", "请选择上级文件、会议、讲话、批示或交办")
            })?;
        let channel = Channel::from_code(raw.channel)
            .map_err(|_| DomainError::invalid("来文方式", "请选择电话通知或文字通知"))?;
        let received_at = datetime("收文时间", raw.received_at)?;
        if received_at > now + 60_000 {
            return Err(DomainError::invalid("收文时间", "不能晚于现在"));
        }
        let received_on = crate::time::china_date(received_at);
        let report_deadline = date("报送时限", raw.report_deadline)?;
        if report_deadline < received_on {
            return Err(DomainError::invalid("报送时限", "不能早于收文日期"));
        }
        let doc_no = optional_text("来文文号", Some(raw.doc_no), TITLE_MAX)?.unwrap_or_default();
        if channel == Channel::Written && doc_no.is_empty() {
            return Err(DomainError::invalid("来文文号", "文字通知请填写来文文号"));
        }
        Ok(NewMatter {
            title: required_text("督查事项", title, TITLE_MAX)?,
            source,
            source_date: received_on,
            source_text: required_text("来文主要内容", content, TEXT_MAX)?,
            superior: Some(SuperiorNotice {
                issuer: required_text("来文单位", raw.issuer, TITLE_MAX)?,
                doc_no,
                channel,
                received_at,
                report_deadline,
                report_to: required_text("报送对象", raw.report_to, TITLE_MAX)?,
            }),
            urgency: urgency(urgency_code)?,
        })
    }
}

/// One task of a decomposed matter (分解立项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub content: String,
    pub requirements: String,
    pub deadline: NaiveDate,
    /// 特急 work: due at this time of the deadline day.
    pub due_time: Option<chrono::NaiveTime>,
    pub cadence: Option<crate::Cadence>,
    pub leaders: Vec<UserId>,
    pub lead_unit: UnitId,
    pub coop_units: Vec<UnitId>,
    pub urgency: Urgency,
}

/// A task as it arrives from a form or JSON, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawTask<'a> {
    pub content: &'a str,
    pub requirements: &'a str,
    pub deadline: &'a str,
    pub leaders: Vec<i64>,
    pub lead_unit: Option<i64>,
    pub coop_units: Vec<i64>,
    pub urgency: &'a str,
    /// `weekly:1`, `monthly:25`, `workdays:10` or empty.
    pub cadence: &'a str,
}

impl NewTask {
    /// `deadline` may be a date, a date and time (特急), or "N个工作日" counted on `cal` from today.
    pub fn parse(
        raw: RawTask<'_>,
        today: NaiveDate,
        cal: &crate::Calendar,
    ) -> Result<NewTask, DomainError> {
        let content = required_text("督查内容", raw.content, TEXT_MAX)?;
        let requirements = required_text("办理要求", raw.requirements, TEXT_MAX)?;
        let spec = crate::calendar::parse_deadline("落实时限", raw.deadline)?;
        let (deadline, due_time) = cal.resolve(&spec, today);
        if deadline < today {
            return Err(DomainError::invalid("落实时限", "不能早于今天"));
        }
        if deadline > today + chrono::Duration::days(3660) {
            return Err(DomainError::invalid("落实时限", "不能晚于十年之后"));
        }
        if raw.leaders.is_empty() {
            return Err(DomainError::invalid("责任领导", "至少选择一位责任领导"));
        }
        let lead_unit = raw
            .lead_unit
            .ok_or_else(|| DomainError::invalid("牵头单位", "请选择牵头单位"))?;
        let mut coop_units: Vec<UnitId> = raw.coop_units.into_iter().map(UnitId).collect();
        coop_units.sort();
        coop_units.dedup();
        if coop_units.contains(&UnitId(lead_unit)) {
            return Err(DomainError::invalid(
                "配合单位",
                "牵头单位不必再列为配合单位",
            ));
        }
        let mut leaders: Vec<UserId> = raw.leaders.into_iter().map(UserId).collect();
        leaders.sort();
        leaders.dedup();
        Ok(NewTask {
            content,
            requirements,
            deadline,
            due_time,
            cadence: crate::Cadence::parse(raw.cadence)?,
            leaders,
            lead_unit: UnitId(lead_unit),
            coop_units,
            urgency: urgency(raw.urgency)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    fn cal() -> crate::Calendar {
        crate::Calendar::new(crate::calendar::official_days())
    }

    #[test]
    fn empty_and_huge_titles_are_refused_by_name() {
        let e = NewMatter::parse(" ", "cadre_meeting", "2026-12-01", "x", "", today())
            .expect_err("refused");
        assert_eq!(e.to_string(), "督查事项：不能为空");
        let long = "字".repeat(10_000);
        let e = NewMatter::parse(&long, "cadre_meeting", "2026-12-01", "x", "", today())
            .expect_err("refused");
        assert!(
            e.to_string().starts_with("督查事项：不能超过200个字"),
            "{e}"
        );
    }

    #[test]
    fn past_deadlines_and_bad_dates_are_refused() {
        let raw = RawTask {
            content: "a",
            requirements: "b",
            deadline: "2026-12-03",
            leaders: vec![1],
            lead_unit: Some(2),
            ..Default::default()
        };
        assert_eq!(
            NewTask::parse(raw.clone(), today(), &cal())
                .expect_err("refused")
                .to_string(),
            "落实时限：不能早于今天"
        );
        let bad = RawTask {
            deadline: "明天",
            ..raw.clone()
        };
        assert!(
            NewTask::parse(bad, today(), &cal())
                .expect_err("refused")
                .to_string()
                .starts_with("落实时限：")
        );
        let ok = RawTask {
            deadline: "2026年12月31日",
            ..raw
        };
        assert_eq!(
            NewTask::parse(ok, today(), &cal()).expect("ok").deadline,
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")
        );
    }

    #[test]
    fn script_tags_are_kept_as_text_not_refused() {
        // They are shown escaped; refusing them would lose what the user wrote.
        let t = required_text("督查内容", "<script>alert(1)</script>", 100).expect("ok");
        assert_eq!(t, "<script>alert(1)</script>");
    }
}
