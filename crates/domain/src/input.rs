//! Parse, don't validate: raw form or JSON strings become domain values here, and a failure names
//! the field in Chinese.

use chrono::NaiveDate;

use crate::{DomainError, LocalSource, UnitId, Urgency, UserId};

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

/// A matter registered from a meeting or a leader's arrangement (登记报备).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatter {
    pub title: String,
    pub source: LocalSource,
    pub source_date: NaiveDate,
    pub source_text: String,
    pub urgency: Urgency,
}

impl NewMatter {
    pub fn parse(
        title: &str,
        source: &str,
        source_date: &str,
        source_text: &str,
        urgency: &str,
        today: NaiveDate,
    ) -> Result<NewMatter, DomainError> {
        let source_date = date("会议/交办日期", source_date)?;
        if source_date > today {
            return Err(DomainError::invalid("会议/交办日期", "不能晚于今天"));
        }
        Ok(NewMatter {
            title: required_text("督查事项", title, TITLE_MAX)?,
            source: LocalSource::from_code(source)
                .map_err(|_| DomainError::invalid("来源", "请选择会议类型或交办方式"))?,
            source_date,
            source_text: required_text("会议决定/交办原文", source_text, TEXT_MAX)?,
            urgency: Urgency::from_code(if urgency.is_empty() {
                "normal"
            } else {
                urgency
            })?,
        })
    }
}

/// One task of a decomposed matter (分解立项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub content: String,
    pub requirements: String,
    pub deadline: NaiveDate,
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
}

impl NewTask {
    pub fn parse(raw: RawTask<'_>, today: NaiveDate) -> Result<NewTask, DomainError> {
        let content = required_text("督查内容", raw.content, TEXT_MAX)?;
        let requirements = required_text("办理要求", raw.requirements, TEXT_MAX)?;
        let deadline = date("落实时限", raw.deadline)?;
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
            leaders,
            lead_unit: UnitId(lead_unit),
            coop_units,
            urgency: Urgency::from_code(if raw.urgency.is_empty() {
                "normal"
            } else {
                raw.urgency
            })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
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
            NewTask::parse(raw.clone(), today())
                .expect_err("refused")
                .to_string(),
            "落实时限：不能早于今天"
        );
        let bad = RawTask {
            deadline: "明天",
            ..raw.clone()
        };
        assert!(
            NewTask::parse(bad, today())
                .expect_err("refused")
                .to_string()
                .starts_with("落实时限：")
        );
        let ok = RawTask {
            deadline: "2026年12月31日",
            ..raw
        };
        assert_eq!(
            NewTask::parse(ok, today()).expect("ok").deadline,
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
