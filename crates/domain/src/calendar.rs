//! The working-day calendar (工作日历): statutory holidays (法定节假日) and the weekend days worked
//! in exchange (调休上班), so that deadlines given in working days (“5个工作日内”) and figures such
//! as “超期N个工作日” follow the State Council's yearly schedule. The office's admin keeps it current
//! each year; the schedules for 2025 and 2026 are built in.
//!
//! The rule: a day listed as 上班 is a working day; a day listed as 放假 is not; any other day is a
//! working day when it falls Monday to Friday.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::matter::coded_enum;
use crate::time::{Millis, cn_date};

coded_enum!(
    /// What the schedule says about one day. `Holiday`: 法定节假日或调休放假 (on a weekday, or a
    /// weekend inside a holiday period); `Workday`: 调休上班, a Saturday or Sunday worked in
    /// exchange.
    DayKind, "类型" {
        Holiday => "holiday", "放假";
        Workday => "workday", "上班";
    }
);

impl DayKind {
    /// The kind as an admin types it: 放假/休/假/holiday or 上班/班/workday.
    pub fn from_text(raw: &str) -> Option<DayKind> {
        match raw.trim().to_lowercase().as_str() {
            "放假" | "休" | "假" | "休息" | "holiday" => Some(DayKind::Holiday),
            "上班" | "班" | "补班" | "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One day of the schedule, e.g. 2026-02-15 放假 春节.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to, e.g. “春节”; a 调休上班 day carries the holiday it makes up for.
    pub name: String,
}

impl CalendarDay {
    pub fn new(day: NaiveDate, kind: DayKind, name: impl Into<String>) -> CalendarDay {
        CalendarDay {
            day,
            kind,
            name: name.into(),
        }
    }
}

/// How far any day-by-day search walks before giving up: ten years, the same bound
/// [`crate::input`] puts on a task's deadline. Only a broken calendar (say a whole year typed in as
/// 放假) can make a search reach it.
pub const SEARCH_LIMIT_DAYS: u32 = 3660;

/// The working-day calendar: the listed days override the plain Monday–Friday week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, CalendarDay>,
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// 周一 … 周日, as the State Council's notices write it.
fn cn_weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

impl Calendar {
    /// A calendar from listed days; when a date is listed twice the later entry wins.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Calendar {
        Calendar {
            days: days.into_iter().map(|d| (d.day, d)).collect(),
        }
    }

    /// The built-in State Council schedules ([`official_days`]).
    pub fn official() -> Calendar {
        Calendar::new(official_days())
    }

    /// The entry for a date, if the schedule lists it (to show “春节 放假” next to a date).
    pub fn get(&self, d: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&d)
    }

    /// Every listed day, in date order.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    /// Whether any day of `year` is listed: when the next year's schedule is still missing the
    /// admin should be told to enter it (it is usually published in November).
    pub fn covers_year(&self, year: i32) -> bool {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return false;
        };
        self.days.range(first..=last).next().is_some()
    }

    /// A 上班 entry is a working day, a 放假 entry is not, any other day is one from Monday to
    /// Friday.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        match self.days.get(&d).map(|e| e.kind) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => is_weekday(d),
        }
    }

    /// `d` itself when it is a working day, else the first working day after it. Gives up after
    /// [`SEARCH_LIMIT_DAYS`] and returns the day it stopped at.
    pub fn next_workday_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut x = d;
        for _ in 0..SEARCH_LIMIT_DAYS {
            if self.is_workday(x) {
                return x;
            }
            match x.succ_opt() {
                Some(next) => x = next,
                None => return x,
            }
        }
        x
    }

    /// The deadline of “n个工作日” counted from `from`: the n-th working day after `from`. The
    /// day of assignment itself never counts, whether or not it is a working day; holidays are
    /// skipped and 调休上班 days count.
    ///
    /// For example, 3个工作日 assigned on Friday 2026-02-13, just before the Spring Festival:
    /// Saturday 02-14 is a 调休上班 day (1), 02-15 to 02-23 are the holiday, Tuesday 02-24 (2),
    /// Wednesday 02-25 (3): the deadline is 2026-02-25. Assigned on the holiday itself, the count
    /// starts on the first day back.
    ///
    /// `n = 0` means “today”: `from` if it is a working day, else the next working day. The walk
    /// gives up after [`SEARCH_LIMIT_DAYS`] and returns the day it stopped at.
    pub fn add_workdays(&self, from: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return self.next_workday_on_or_after(from);
        }
        let mut d = from;
        let mut counted = 0;
        for _ in 0..SEARCH_LIMIT_DAYS {
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_workday(d) {
                counted += 1;
                if counted == n {
                    return d;
                }
            }
        }
        d
    }

    /// The working days in (a, b]: `a` does not count, `b` does. Negative when `b` is before `a`.
    ///
    /// With `a` = today and `b` = the deadline it is how many working days are left (“还剩N个
    /// 工作日”, 0 on the deadline day itself); with `a` = the deadline and `b` = today it is by how
    /// many working days a task is overdue (“超期N个工作日”). For n ≥ 1,
    /// `workdays_between(d, add_workdays(d, n)) == n`. Computed, not walked: any span is fine.
    pub fn workdays_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.workdays_between(b, a);
        }
        let span = (b - a).num_days();
        let weeks = span / 7;
        let mut count = weeks * 5;
        let mut d = a
            .checked_add_signed(chrono::TimeDelta::days(weeks * 7))
            .unwrap_or(b);
        while d < b {
            d = d.succ_opt().unwrap_or(b);
            if is_weekday(d) {
                count += 1;
            }
        }
        for (day, entry) in self.days.range((Excluded(a), Included(b))) {
            match (entry.kind, is_weekday(*day)) {
                (DayKind::Holiday, true) => count -= 1,
                (DayKind::Workday, false) => count += 1,
                _ => {}
            }
        }
        count
    }

    /// The deadline a [`DeadlineSpec`] stands for when given `today`: a date stays as typed (even
    /// on a holiday: the leader chose it), “n个工作日” is [`Calendar::add_workdays`] from today.
    pub fn resolve(&self, spec: &DeadlineSpec, today: NaiveDate) -> (NaiveDate, Option<NaiveTime>) {
        match *spec {
            DeadlineSpec::Date(d) => (d, None),
            DeadlineSpec::DateTime(d, t) => (d, Some(t)),
            DeadlineSpec::Workdays(n) => (self.add_workdays(today, n), None),
        }
    }
}

/// One holiday period of a State Council notice: the days off (inclusive) and the weekend days
/// worked in exchange.
struct Period {
    name: &'static str,
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    workdays: &'static [(i32, u32, u32)],
}

/// 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）.
/// Checked against the Xinhua text as reprinted by gmw.cn (2024-11-12).
const Y2025: &[Period] = &[
    Period {
        name: "元旦",
        from: (2025, 1, 1),
        to: (2025, 1, 1),
        workdays: &[],
    },
    Period {
        name: "春节",
        from: (2025, 1, 28),
        to: (2025, 2, 4),
        workdays: &[(2025, 1, 26), (2025, 2, 8)],
    },
    Period {
        name: "清明节",
        from: (2025, 4, 4),
        to: (2025, 4, 6),
        workdays: &[],
    },
    Period {
        name: "劳动节",
        from: (2025, 5, 1),
        to: (2025, 5, 5),
        workdays: &[(2025, 4, 27)],
    },
    Period {
        name: "端午节",
        from: (2025, 5, 31),
        to: (2025, 6, 2),
        workdays: &[],
    },
    Period {
        name: "国庆节、中秋节",
        from: (2025, 10, 1),
        to: (2025, 10, 8),
        workdays: &[(2025, 9, 28), (2025, 10, 11)],
    },
];

/// 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）. The dates are checked against the
/// Xinhua text as reprinted by gmw.cn (2025-11-04). The document number 国办发明电〔2025〕7号 is
/// not in that text; it is taken from secondary sources citing the State Council gazette.
const Y2026: &[Period] = &[
    Period {
        name: "元旦",
        from: (2026, 1, 1),
        to: (2026, 1, 3),
        workdays: &[(2026, 1, 4)],
    },
    Period {
        name: "春节",
        from: (2026, 2, 15),
        to: (2026, 2, 23),
        workdays: &[(2026, 2, 14), (2026, 2, 28)],
    },
    Period {
        name: "清明节",
        from: (2026, 4, 4),
        to: (2026, 4, 6),
        workdays: &[],
    },
    Period {
        name: "劳动节",
        from: (2026, 5, 1),
        to: (2026, 5, 5),
        workdays: &[(2026, 5, 9)],
    },
    Period {
        name: "端午节",
        from: (2026, 6, 19),
        to: (2026, 6, 21),
        workdays: &[],
    },
    Period {
        name: "中秋节",
        from: (2026, 9, 25),
        to: (2026, 9, 27),
        workdays: &[],
    },
    Period {
        name: "国庆节",
        from: (2026, 10, 1),
        to: (2026, 10, 7),
        workdays: &[(2026, 9, 20), (2026, 10, 10)],
    },
];

fn ymd((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The State Council schedules shipped with Duban, 2025 and 2026, in date order: every day of
/// each holiday period as 放假 (weekends inside a period too) and every 调休上班 day as 上班.
pub fn official_days() -> Vec<CalendarDay> {
    let mut out = Vec::new();
    for p in Y2025.iter().chain(Y2026) {
        for w in p.workdays.iter().copied().filter_map(ymd) {
            out.push(CalendarDay::new(w, DayKind::Workday, p.name));
        }
        if let (Some(from), Some(to)) = (ymd(p.from), ymd(p.to)) {
            out.extend(
                from.iter_days()
                    .take_while(|d| *d <= to)
                    .map(|d| CalendarDay::new(d, DayKind::Holiday, p.name)),
            );
        }
    }
    out.sort_by_key(|d| d.day);
    out
}

const FILE_FIELD: &str = "工作日历";
const FILE_HEADER: &str = "日期,类型,名称";
const NAME_MAX: usize = 30;
const FILE_MAX_DAYS: usize = 10_000;

fn line_error(line: usize, message: impl fmt::Display) -> DomainError {
    DomainError::invalid(FILE_FIELD, format!("第{line}行，{message}"))
}

/// Reads a calendar file as an admin types it or exports it from Excel as CSV, one day a line:
///
/// ```text
/// 日期,类型,名称
/// # 2027年春节
/// 2027-02-06,放假,春节
/// 2027-02-20,上班,春节
/// ```
///
/// The separator is a comma, a Chinese comma （，） or a tab; the type is 放假/休/holiday or
/// 上班/班/workday; the name may be left out. Blank lines, lines starting with `#` and a header
/// line (first column 日期) are skipped, as are an Excel byte-order mark, quotes around fields and
/// empty trailing columns. A 上班 day must be a Saturday or Sunday (a weekday is a working day
/// anyway, so it is almost surely a typo) and no date may appear twice. Errors name the line as the
/// admin sees it in an editor (第N行). A file without any day is refused.
pub fn parse_calendar_file(text: &str) -> Result<Vec<CalendarDay>, DomainError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Old Mac exports end lines with a bare CR.
    let normalised;
    let text = if text.contains('\n') {
        text
    } else {
        normalised = text.replace('\r', "\n");
        normalised.as_str()
    };
    let mut out: Vec<CalendarDay> = Vec::new();
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut fields: Vec<&str> = t
            .split([',', '，', '\t'])
            .map(|f| f.trim().trim_matches('"').trim())
            .collect();
        while fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        let first = fields.first().copied().unwrap_or_default();
        if first == "日期" || first.eq_ignore_ascii_case("date") {
            continue;
        }
        if fields.len() < 2 || fields.len() > 3 {
            return Err(line_error(
                line,
                "应为“日期,类型,名称”三列，如 2027-01-01,放假,元旦",
            ));
        }
        let day = crate::input::date("日期", first).map_err(|e| match e {
            DomainError::Invalid { message, .. } => line_error(line, message),
            other => other,
        })?;
        let kind = DayKind::from_text(fields[1]).ok_or_else(|| {
            line_error(
                line,
                format!("类型“{}”无效，请填写“放假”或“上班”", fields[1]),
            )
        })?;
        if kind == DayKind::Workday && is_weekday(day) {
            return Err(line_error(
                line,
                format!(
                    "{}是{}，本就是工作日，不必登记为上班（调休上班只在周六、周日）",
                    cn_date(day),
                    cn_weekday(day)
                ),
            ));
        }
        let name = fields.get(2).copied().unwrap_or_default();
        let n = name.chars().count();
        if n > NAME_MAX {
            return Err(line_error(
                line,
                format!("名称不能超过{NAME_MAX}个字（现为{n}个字）"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(line_error(line, "名称含有不可见的控制字符"));
        }
        if let Some(before) = seen.insert(day, line) {
            return Err(line_error(
                line,
                format!("{}与第{before}行重复", cn_date(day)),
            ));
        }
        if out.len() >= FILE_MAX_DAYS {
            return Err(line_error(
                line,
                format!("日期过多，一个文件最多{FILE_MAX_DAYS}天"),
            ));
        }
        out.push(CalendarDay::new(day, kind, name));
    }
    if out.is_empty() {
        return Err(DomainError::invalid(
            FILE_FIELD,
            "未读到任何日期，请每行填写一天，如 2027-01-01,放假,元旦",
        ));
    }
    Ok(out)
}

/// Writes days in the format [`parse_calendar_file`] reads: a header line, then one day a line in
/// date order (a date listed twice keeps its later entry, as in [`Calendar::new`]). Separators in
/// a name become “、” so that every line reads back the same. UTF-8 without a byte-order mark:
/// the web layer adds one when Excel is to open the file.
pub fn calendar_file(days: &[CalendarDay]) -> String {
    let sorted: BTreeMap<NaiveDate, &CalendarDay> = days.iter().map(|d| (d.day, d)).collect();
    let mut out = String::from(FILE_HEADER);
    out.push('\n');
    for d in sorted.values() {
        let name: String = d
            .name
            .trim()
            .chars()
            .map(|c| {
                if matches!(c, ',' | '，' | '\t' | '"') || c.is_control() {
                    '、'
                } else {
                    c
                }
            })
            .collect();
        out.push_str(&d.day.format("%Y-%m-%d").to_string());
        out.push(',');
        out.push_str(d.kind.label());
        if !name.is_empty() {
            out.push(',');
            out.push_str(&name);
        }
        out.push('\n');
    }
    out
}

/// A deadline (落实时限) as entered: a date, a date and time (特急 work counted in hours), or a
/// number of working days from the day of assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineSpec {
    Date(NaiveDate),
    DateTime(NaiveDate, NaiveTime),
    Workdays(u32),
}

impl fmt::Display for DeadlineSpec {
    /// 2026年12月20日 / 2026年12月20日 17:30 / 5个工作日
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineSpec::Date(d) => f.write_str(&cn_date(*d)),
            DeadlineSpec::DateTime(d, t) => write!(f, "{} {}", cn_date(*d), t.format("%H:%M")),
            DeadlineSpec::Workdays(n) => write!(f, "{n}个工作日"),
        }
    }
}

/// The most working days a deadline may be given in.
pub const WORKDAYS_MAX: u32 = 365;

/// Reads a deadline: “2026-12-20”, “2026/12/20”, “2026年12月20日”; the same with a time,
/// “2026-12-20T17:30” (what `<input type=datetime-local>` sends) or “2026-12-20 17:30”; or a
/// number of working days, “5个工作日”, “5工作日”, “5 个工作日”, “五个工作日”, “5个工作日内”
/// (1 to 365). A failure names `field`.
pub fn parse_deadline(field: &str, raw: &str) -> Result<DeadlineSpec, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(field, "不能为空"));
    }
    if let Some(n) = workdays_count(field, t)? {
        return Ok(DeadlineSpec::Workdays(n));
    }
    if let Ok(d) = crate::input::date(field, t) {
        return Ok(DeadlineSpec::Date(d));
    }
    if let Some((d, tm)) = split_date_time(t)
        && let Ok(d) = crate::input::date(field, d)
    {
        let time = parse_time(tm).ok_or_else(|| {
            DomainError::invalid(
                field,
                format!("时间“{}”无效，请按 17:30 格式填写", short(tm)),
            )
        })?;
        return Ok(DeadlineSpec::DateTime(d, time));
    }
    Err(DomainError::invalid(
        field,
        format!(
            "“{}”不是有效时限，请填写日期（如 2026-12-20）、日期和时间（如 2026-12-20 17:30）或工作日数（如 5个工作日）",
            short(t)
        ),
    ))
}

fn short(t: &str) -> String {
    t.chars().take(20).collect()
}

/// `Some(n)` when `t` is written as working days, `None` when it is something else.
fn workdays_count(field: &str, t: &str) -> Result<Option<u32>, DomainError> {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let body = compact.strip_suffix('内').unwrap_or(&compact);
    let Some(count) = body.strip_suffix("工作日") else {
        return Ok(None);
    };
    let count = count.strip_suffix('个').unwrap_or(count);
    match count_number(count) {
        Some(n) if (1..=WORKDAYS_MAX).contains(&n) => Ok(Some(n)),
        _ => Err(DomainError::invalid(
            field,
            format!(
                "工作日数须为1至{WORKDAYS_MAX}之间的整数（现为“{}”）",
                short(t)
            ),
        )),
    }
}

/// 5, ５ or 五 … 九十九.
fn count_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        if s.chars().count() > 6 {
            return None;
        }
        let ascii: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        return ascii.parse().ok();
    }
    fn digit(c: char) -> Option<u32> {
        "零一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32)
            .or((c == '两').then_some(2))
    }
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).filter(|n| *n > 0),
        ['十', u] => digit(*u).filter(|n| *n > 0).map(|u| 10 + u),
        [t, '十'] => digit(*t).filter(|n| *n > 1).map(|t| t * 10),
        [t, '十', u] => {
            let t = digit(*t).filter(|n| *n > 1)?;
            let u = digit(*u).filter(|n| *n > 0)?;
            Some(t * 10 + u)
        }
        _ => None,
    }
}

fn split_date_time(t: &str) -> Option<(&str, &str)> {
    if let Some((d, tm)) = t.split_once('T') {
        return Some((d.trim(), tm.trim()));
    }
    if let Some((d, tm)) = t.split_once(char::is_whitespace) {
        return Some((d.trim(), tm.trim()));
    }
    let i = t.find('日')? + '日'.len_utf8();
    let (d, tm) = t.split_at(i);
    (!tm.is_empty()).then_some((d, tm))
}

fn parse_time(raw: &str) -> Option<NaiveTime> {
    let t = raw.trim().replace('：', ":");
    ["%H:%M", "%H:%M:%S", "%H时%M分", "%H点%M分", "%H时", "%H点"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&t, f).ok())
}

/// The moment a deadline falls due, in China time: the given time, or the end of the day
/// (23:59:59.999) when only a date was set. A task is overdue when now is after it.
pub fn due_at_millis(date: NaiveDate, time: Option<NaiveTime>) -> Millis {
    let end_of_day = NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN);
    let local = date.and_time(time.unwrap_or(end_of_day));
    crate::time::china()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.timestamp_millis())
        // China time has no gaps or folds; this is only reached out of chrono's range.
        .unwrap_or_else(|| local.and_utc().timestamp_millis() - 8 * 3600 * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    #[test]
    fn day_kinds_have_codes_and_labels() {
        assert_eq!(DayKind::Holiday.code(), "holiday");
        assert_eq!(DayKind::Workday.label(), "上班");
        assert_eq!(DayKind::from_code("workday"), Ok(DayKind::Workday));
        assert!(DayKind::from_code("放假").is_err());
        assert_eq!(DayKind::from_text(" 休 "), Some(DayKind::Holiday));
        assert_eq!(DayKind::from_text("Workday"), Some(DayKind::Workday));
        assert_eq!(DayKind::from_text("加班"), None);
    }

    #[test]
    fn official_schedules_match_the_notices() {
        let days = official_days();
        let count = |name: &str, year: i32, kind: DayKind| {
            days.iter()
                .filter(|x| x.name == name && x.day.year() == year && x.kind == kind)
                .count()
        };
        // 共N天 as each notice says.
        assert_eq!(count("元旦", 2025, DayKind::Holiday), 1);
        assert_eq!(count("春节", 2025, DayKind::Holiday), 8);
        assert_eq!(count("劳动节", 2025, DayKind::Holiday), 5);
        assert_eq!(count("国庆节、中秋节", 2025, DayKind::Holiday), 8);
        assert_eq!(count("元旦", 2026, DayKind::Holiday), 3);
        assert_eq!(count("春节", 2026, DayKind::Holiday), 9);
        assert_eq!(count("中秋节", 2026, DayKind::Holiday), 3);
        assert_eq!(count("国庆节", 2026, DayKind::Holiday), 7);
        let workdays: Vec<NaiveDate> = days
            .iter()
            .filter(|x| x.kind == DayKind::Workday)
            .map(|x| x.day)
            .collect();
        assert_eq!(
            workdays,
            vec![
                d(2025, 1, 26),
                d(2025, 2, 8),
                d(2025, 4, 27),
                d(2025, 9, 28),
                d(2025, 10, 11),
                d(2026, 1, 4),
                d(2026, 2, 14),
                d(2026, 2, 28),
                d(2026, 5, 9),
                d(2026, 9, 20),
                d(2026, 10, 10),
            ]
        );
        // Every 调休上班 day is a weekend day, and no date is listed twice.
        assert!(workdays.iter().all(|w| !is_weekday(*w)));
        let mut dates: Vec<NaiveDate> = days.iter().map(|x| x.day).collect();
        dates.dedup();
        assert_eq!(dates.len(), days.len());
        assert!(days.windows(2).all(|w| w[0].day < w[1].day));
        // The official schedules survive the file format.
        assert_eq!(
            parse_calendar_file(&calendar_file(&days)).expect("reads"),
            days
        );
        let cal = Calendar::official();
        assert!(cal.covers_year(2026) && !cal.covers_year(2027));
        assert_eq!(
            cal.get(d(2026, 2, 17)).map(|x| x.name.as_str()),
            Some("春节")
        );
    }

    #[test]
    fn spring_festival_2026_is_skipped_and_its_saturday_worked() {
        let cal = Calendar::official();
        // Friday before the holiday, 3个工作日: Sat 2/14 (调休上班), Tue 2/24, Wed 2/25.
        assert_eq!(cal.add_workdays(d(2026, 2, 13), 3), d(2026, 2, 25));
        assert_eq!(cal.add_workdays(d(2026, 2, 13), 1), d(2026, 2, 14));
        assert_eq!(cal.add_workdays(d(2026, 2, 13), 2), d(2026, 2, 24));
        // Assigned during the holiday: the count starts on the first day back.
        assert_eq!(cal.add_workdays(d(2026, 2, 18), 1), d(2026, 2, 24));
        assert_eq!(cal.add_workdays(d(2026, 2, 18), 0), d(2026, 2, 24));
        assert_eq!(cal.add_workdays(d(2026, 2, 13), 0), d(2026, 2, 13));
        // Without the calendar it would be plain weekdays.
        assert_eq!(
            Calendar::default().add_workdays(d(2026, 2, 13), 3),
            d(2026, 2, 18)
        );
        assert_eq!(cal.workdays_between(d(2026, 2, 13), d(2026, 2, 25)), 3);
    }

    #[test]
    fn a_makeup_saturday_is_a_workday_and_a_holiday_weekday_is_not() {
        let cal = Calendar::official();
        assert!(cal.is_workday(d(2026, 2, 14)));
        assert!(cal.is_workday(d(2026, 2, 28)));
        assert!(cal.is_workday(d(2026, 10, 10)));
        assert!(!cal.is_workday(d(2026, 2, 21)));
        assert!(!cal.is_workday(d(2026, 2, 16)));
        assert!(!cal.is_workday(d(2026, 10, 5)));
        assert!(cal.is_workday(d(2026, 3, 2)));
        assert!(!cal.is_workday(d(2026, 3, 7)));
        assert_eq!(cal.next_workday_on_or_after(d(2026, 2, 15)), d(2026, 2, 24));
        assert_eq!(cal.next_workday_on_or_after(d(2026, 2, 14)), d(2026, 2, 14));
        assert_eq!(cal.next_workday_on_or_after(d(2026, 3, 7)), d(2026, 3, 9));
    }

    #[test]
    fn workdays_between_counts_the_end_not_the_start_and_has_a_sign() {
        let cal = Calendar::official();
        let (mon, fri) = (d(2026, 3, 2), d(2026, 3, 6));
        assert_eq!(cal.workdays_between(mon, fri), 4);
        assert_eq!(cal.workdays_between(fri, mon), -4);
        assert_eq!(cal.workdays_between(mon, mon), 0);
        // Overdue from the last day before National Day to the Monday after: 10/8 and 10/9 (Thu,
        // Fri), 10/10 (调休上班 Saturday), 10/12.
        assert_eq!(cal.workdays_between(d(2026, 9, 30), d(2026, 10, 12)), 4);
        assert_eq!(cal.workdays_between(d(2026, 10, 12), d(2026, 9, 30)), -4);
        // A whole year: 261 weekdays in 2026, minus 19 holiday weekdays, plus 6 调休上班 days.
        assert_eq!(cal.workdays_between(d(2025, 12, 31), d(2026, 12, 31)), 248);
        // A huge span does not hang.
        assert!(cal.workdays_between(NaiveDate::MIN, NaiveDate::MAX) > 0);
    }

    #[test]
    fn a_calendar_of_holidays_only_does_not_hang() {
        let start = d(2026, 1, 1);
        let cal = Calendar::new(
            start
                .iter_days()
                .take(5000)
                .map(|x| CalendarDay::new(x, DayKind::Holiday, "错误")),
        );
        let stop = start + chrono::TimeDelta::days(i64::from(SEARCH_LIMIT_DAYS));
        assert_eq!(cal.add_workdays(start, 5), stop);
        assert_eq!(cal.next_workday_on_or_after(start), stop);
        assert_eq!(cal.workdays_between(start, d(2027, 1, 1)), 0);
        // And the end of chrono's range neither.
        assert_eq!(
            Calendar::default().add_workdays(NaiveDate::MAX, 3),
            NaiveDate::MAX
        );
        // A huge n stops at the limit.
        assert_eq!(Calendar::default().add_workdays(start, u32::MAX), stop);
    }

    #[test]
    fn calendar_files_are_read_with_every_separator_and_kind() {
        let text = "\u{feff}日期,类型,名称\r\n\
                    # 2027年元旦\r\n\
                    \r\n\
                    2027-01-01,放假,元旦\r\n\
                    2027/1/2\t休\t元旦\r\n\
                    2027年1月3日，holiday，元旦\r\n\
                    \"2027-02-20\",\"班\",\"春节\",,\r\n\
                    2027-02-21,workday\r\n";
        let days = parse_calendar_file(text).expect("reads");
        assert_eq!(
            days,
            vec![
                CalendarDay::new(d(2027, 1, 1), DayKind::Holiday, "元旦"),
                CalendarDay::new(d(2027, 1, 2), DayKind::Holiday, "元旦"),
                CalendarDay::new(d(2027, 1, 3), DayKind::Holiday, "元旦"),
                CalendarDay::new(d(2027, 2, 20), DayKind::Workday, "春节"),
                CalendarDay::new(d(2027, 2, 21), DayKind::Workday, ""),
            ]
        );
        // Bare CR line ends.
        let mac = "2027-01-01,放假,元旦\r2027-01-02,放假,元旦\r";
        assert_eq!(parse_calendar_file(mac).expect("reads").len(), 2);
    }

    #[test]
    fn calendar_file_errors_name_the_line_as_typed() {
        let err = |text: &str| parse_calendar_file(text).expect_err("refused").to_string();
        let e = err("日期,类型,名称\n\n# 注释\n2027-13-01,放假,元旦\n");
        assert!(
            e.starts_with("工作日历：第4行，“2027-13-01”不是有效日期"),
            "{e}"
        );
        let e = err("2027-01-01,放假,元旦\n2027-01-02,加班,元旦\n");
        assert_eq!(e, "工作日历：第2行，类型“加班”无效，请填写“放假”或“上班”");
        let e = err("2027-01-01\n");
        assert!(
            e.starts_with("工作日历：第1行，应为“日期,类型,名称”三列"),
            "{e}"
        );
        let e = err("2027-01-01,放假,元旦,多余\n");
        assert!(e.starts_with("工作日历：第1行，应为"), "{e}");
        let e = err("2027-01-01,放假,元旦\n\n2027-01-01,休,元旦\n");
        assert_eq!(e, "工作日历：第3行，2027年1月1日与第1行重复");
        // 2027-02-08 is a Monday: 上班 there is surely a typo for a weekend day.
        let e = err("2027-02-08,上班,春节\n");
        assert!(
            e.starts_with("工作日历：第1行，2027年2月8日是周一，本就是工作日"),
            "{e}"
        );
        let e = err(&format!("2027-01-01,放假,{}\n", "节".repeat(31)));
        assert!(e.starts_with("工作日历：第1行，名称不能超过30个字"), "{e}");
        let e = err("\n# 只有注释\n日期,类型,名称\n");
        assert!(e.starts_with("工作日历：未读到任何日期"), "{e}");
    }

    #[test]
    fn calendar_files_round_trip() {
        let days = vec![
            CalendarDay::new(d(2027, 2, 20), DayKind::Workday, "春节"),
            CalendarDay::new(d(2027, 1, 1), DayKind::Holiday, "元旦"),
            CalendarDay::new(d(2027, 1, 2), DayKind::Holiday, ""),
        ];
        let text = calendar_file(&days);
        assert_eq!(
            text,
            "日期,类型,名称\n2027-01-01,放假,元旦\n2027-01-02,放假\n2027-02-20,上班,春节\n"
        );
        let mut sorted = days.clone();
        sorted.sort_by_key(|x| x.day);
        assert_eq!(parse_calendar_file(&text).expect("reads"), sorted);
        // A separator inside a name cannot break the line.
        let odd = [CalendarDay::new(
            d(2027, 1, 1),
            DayKind::Holiday,
            "元旦,新年",
        )];
        let back = parse_calendar_file(&calendar_file(&odd)).expect("reads");
        assert_eq!(back[0].name, "元旦、新年");
    }

    #[test]
    fn deadlines_are_read_in_every_form() {
        let p = |raw: &str| parse_deadline("落实时限", raw).expect(raw);
        let day = d(2026, 12, 20);
        assert_eq!(p("2026-12-20"), DeadlineSpec::Date(day));
        assert_eq!(p(" 2026年12月20日 "), DeadlineSpec::Date(day));
        assert_eq!(p("2026/12/20"), DeadlineSpec::Date(day));
        let at = DeadlineSpec::DateTime(day, hm(17, 30));
        assert_eq!(p("2026-12-20T17:30"), at);
        assert_eq!(p("2026-12-20 17:30"), at);
        assert_eq!(p("2026-12-20T17:30:00"), at);
        assert_eq!(p("2026年12月20日 17：30"), at);
        assert_eq!(p("2026年12月20日17时30分"), at);
        for raw in [
            "5个工作日",
            "5工作日",
            "5 个工作日",
            "５个工作日",
            "五个工作日",
            "5个工作日内",
        ] {
            assert_eq!(p(raw), DeadlineSpec::Workdays(5), "{raw}");
        }
        assert_eq!(p("十五个工作日"), DeadlineSpec::Workdays(15));
        assert_eq!(p("十个工作日"), DeadlineSpec::Workdays(10));
        assert_eq!(p("二十个工作日"), DeadlineSpec::Workdays(20));
        assert_eq!(p("365个工作日"), DeadlineSpec::Workdays(365));
        assert_eq!(p("1个工作日"), DeadlineSpec::Workdays(1));
        assert_eq!(p("2026-12-20 17:30").to_string(), "2026年12月20日 17:30");
        assert_eq!(p("3个工作日").to_string(), "3个工作日");
        assert_eq!(p("2026-12-20").to_string(), "2026年12月20日");
    }

    #[test]
    fn bad_deadlines_are_refused_by_field_name() {
        let e = |raw: &str| parse_deadline("落实时限", raw).expect_err(raw).to_string();
        assert_eq!(e("  "), "落实时限：不能为空");
        for raw in [
            "0个工作日",
            "366个工作日",
            "个工作日",
            "-3个工作日",
            "99999999999工作日",
        ] {
            assert!(
                e(raw).starts_with("落实时限：工作日数须为1至365之间的整数"),
                "{raw}: {}",
                e(raw)
            );
        }
        assert!(e("2026-12-20 25:00").starts_with("落实时限：时间“25:00”无效"));
        assert!(e("2026-12-20T").starts_with("落实时限：时间“”无效"));
        for raw in ["明天", "2026-13-01", "2026-02-30 10:00", "5天", "下周五前"] {
            assert!(
                e(raw).starts_with(&format!("落实时限：“{raw}”不是有效时限")),
                "{raw}: {}",
                e(raw)
            );
        }
    }

    #[test]
    fn deadlines_resolve_against_the_calendar() {
        let cal = Calendar::official();
        let today = d(2026, 9, 30);
        assert_eq!(
            cal.resolve(&DeadlineSpec::Workdays(1), today),
            (d(2026, 10, 8), None)
        );
        assert_eq!(
            cal.resolve(&DeadlineSpec::Date(d(2026, 10, 3)), today),
            (d(2026, 10, 3), None)
        );
        assert_eq!(
            cal.resolve(&DeadlineSpec::DateTime(today, hm(17, 30)), today),
            (today, Some(hm(17, 30)))
        );
    }

    #[test]
    fn due_moments_are_in_china_time() {
        use chrono::Utc;
        let day = d(2026, 12, 20);
        // The end of 12/20 in Beijing is 15:59:59.999 UTC the same day.
        let end = Utc
            .with_ymd_and_hms(2026, 12, 20, 15, 59, 59)
            .single()
            .expect("t")
            .timestamp_millis()
            + 999;
        assert_eq!(due_at_millis(day, None), end);
        assert_eq!(crate::time::china_date(due_at_millis(day, None)), day);
        assert_eq!(
            crate::time::china_date(due_at_millis(day, None) + 1),
            d(2026, 12, 21)
        );
        let at = Utc
            .with_ymd_and_hms(2026, 12, 20, 9, 30, 0)
            .single()
            .expect("t")
            .timestamp_millis();
        assert_eq!(due_at_millis(day, Some(hm(17, 30))), at);
    }

    proptest! {
        #[test]
        fn adding_and_counting_workdays_agree(offset in 0i64..1100, n in 0u32..400) {
            let cal = Calendar::official();
            let from = d(2024, 11, 1) + chrono::TimeDelta::days(offset);
            let due = cal.add_workdays(from, n);
            prop_assert!(cal.is_workday(due));
            if n == 0 {
                prop_assert_eq!(due, cal.next_workday_on_or_after(from));
            } else {
                prop_assert_eq!(cal.workdays_between(from, due), i64::from(n));
                prop_assert!(due > from);
            }
        }

        #[test]
        fn counting_matches_a_day_by_day_walk(a in 0i64..900, len in -400i64..400) {
            let cal = Calendar::official();
            let a = d(2024, 11, 1) + chrono::TimeDelta::days(a);
            let b = a + chrono::TimeDelta::days(len);
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let walked = lo.iter_days().skip(1).take_while(|x| *x <= hi).filter(|x| cal.is_workday(*x)).count();
            let walked = i64::try_from(walked).unwrap_or_default();
            prop_assert_eq!(cal.workdays_between(a, b), if a <= b { walked } else { -walked });
        }
    }
}
