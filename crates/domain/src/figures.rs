//! The figures of section 三（三） of the notice, defined once (DOMAIN.md) and used everywhere:
//!
//! * 办结率 = tasks finished ÷ tasks due in the period; 按期办结率 counts only those finished by
//!   their deadline (the approved one, after any extension).
//! * 反馈率 = progress reports received ÷ reports required in the period (one at the deadline, plus
//!   one per cadence date for long tasks); 按时反馈率 counts only those received by their date.
//!
//! Rules: a task counts for its lead unit (牵头单位 answers for it; cooperating units are not
//! counted twice) and for each of its responsible leaders; "finished" (办结) is the responsible
//! leader's confirmation (`finished_at`), not the office's later 销号; tasks still being
//! registered (待交办) are not due to anyone; a report required on a date counts in the period
//! that date falls in.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::deadline::{Cadence, report_due_dates};
use crate::time::{Millis, china_date};
use crate::{DomainError, MatterKind, UnitId, UserId};

/// A month, a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

impl Period {
    pub fn start(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Year(y) => (y, 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }
    /// The last day, inclusive.
    pub fn end(self) -> NaiveDate {
        let next = match self {
            Period::Month(y, 12) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
            Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m + 1, 1),
            Period::Quarter(y, 4) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
            Period::Quarter(y, q) => NaiveDate::from_ymd_opt(y, q * 3 + 1, 1),
            Period::Year(y) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
        };
        next.and_then(|d| d.pred_opt()).unwrap_or_default()
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }
    pub fn label(self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}年{m}月"),
            Period::Quarter(y, q) => format!("{y}年第{q}季度"),
            Period::Year(y) => format!("{y}年"),
        }
    }
    /// `2026-12`, `2026-Q4`, `2026`.
    pub fn code(self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}-{m:02}"),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Year(y) => format!("{y}"),
        }
    }
    pub fn parse(raw: &str) -> Result<Period, DomainError> {
        let t = raw.trim();
        let bad = || {
            DomainError::invalid(
                "统计期间",
                format!("“{t}”无效，如 2026-12、2026-Q4 或 2026"),
            )
        };
        if let Some((y, q)) = t.split_once("-Q") {
            let (y, q): (i32, u32) = (y.parse().map_err(|_| bad())?, q.parse().map_err(|_| bad())?);
            return if (1..=4).contains(&q) && (2000..=2100).contains(&y) {
                Ok(Period::Quarter(y, q))
            } else {
                Err(bad())
            };
        }
        if let Some((y, m)) = t.split_once('-') {
            let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            return if (1..=12).contains(&m) && (2000..=2100).contains(&y) {
                Ok(Period::Month(y, m))
            } else {
                Err(bad())
            };
        }
        let y: i32 = t.parse().map_err(|_| bad())?;
        if (2000..=2100).contains(&y) {
            Ok(Period::Year(y))
        } else {
            Err(bad())
        }
    }
    /// The month a date falls in.
    pub fn month_of(d: NaiveDate) -> Period {
        Period::Month(d.year(), d.month())
    }
    /// The `n` months up to and including the one of `d`, oldest first.
    pub fn months_until(d: NaiveDate, n: u32) -> Vec<Period> {
        let mut out = Vec::new();
        let (mut y, mut m) = (d.year(), d.month());
        for _ in 0..n {
            out.push(Period::Month(y, m));
            if m == 1 {
                y -= 1;
                m = 12;
            } else {
                m -= 1;
            }
        }
        out.reverse();
        out
    }
}

/// What the figures need to know of one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub lead_unit: UnitId,
    pub leaders: Vec<UserId>,
    pub kind: MatterKind,
    /// The current (approved) deadline and the moment it falls due.
    pub deadline: NaiveDate,
    pub due_at: Millis,
    pub received_at: Option<Millis>,
    pub finished_at: Option<Millis>,
    pub cadence: Option<Cadence>,
    /// Times of the progress reports that were not returned, oldest first.
    pub reports: Vec<Millis>,
    /// Still 待交办: not due to anyone.
    pub draft: bool,
    /// 中止/撤销 approved on this day: the task leaves the figures from then on.
    pub cancelled_on: Option<NaiveDate>,
}

/// The four figures' counts; the rates are derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Figures {
    /// Tasks due in the period.
    pub due: u64,
    /// … of which finished (办结).
    pub finished: u64,
    /// … of which finished by their deadline.
    pub finished_on_time: u64,
    /// Progress reports required in the period.
    pub required: u64,
    /// … of which received.
    pub received: u64,
    /// … of which received by their date.
    pub received_on_time: u64,
}

fn rate(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Figures {
    /// 办结率
    pub fn completion(&self) -> Option<f64> {
        rate(self.finished, self.due)
    }
    /// 按期办结率
    pub fn on_time_completion(&self) -> Option<f64> {
        rate(self.finished_on_time, self.due)
    }
    /// 反馈率
    pub fn feedback(&self) -> Option<f64> {
        rate(self.received, self.required)
    }
    /// 按时反馈率
    pub fn on_time_feedback(&self) -> Option<f64> {
        rate(self.received_on_time, self.required)
    }
    pub fn add(&mut self, o: &Figures) {
        self.due += o.due;
        self.finished += o.finished;
        self.finished_on_time += o.finished_on_time;
        self.required += o.required;
        self.received += o.received;
        self.received_on_time += o.received_on_time;
    }
}

/// 87.5% as the pages show a rate; "—" when nothing was due.
pub fn percent(r: Option<f64>) -> String {
    match r {
        Some(v) => {
            let p = (v * 1000.0).round() / 10.0;
            if p.fract() == 0.0 {
                format!("{p:.0}%")
            } else {
                format!("{p:.1}%")
            }
        }
        None => "—".to_owned(),
    }
}

/// One task's contribution to a period's figures.
pub fn tally(t: &TaskFacts, period: Period, cal: &Calendar) -> Figures {
    let mut f = Figures::default();
    if t.draft {
        return f;
    }
    // A task cancelled before its deadline is not due; reports after the day are not required.
    let live = |d: NaiveDate| t.cancelled_on.is_none_or(|c| d < c);
    if period.contains(t.deadline) && live(t.deadline) {
        f.due = 1;
        if let Some(done) = t.finished_at {
            f.finished = 1;
            if done <= t.due_at {
                f.finished_on_time = 1;
            }
        }
    }
    // The reports it required in the period: each answered by the earliest unused report.
    let Some(start) = t.received_at.map(china_date) else {
        // Never signed: only the final report at the deadline was required.
        if period.contains(t.deadline) && live(t.deadline) {
            f.required = 1;
        }
        return f;
    };
    let dues = report_due_dates(t.cadence, start, t.deadline, cal);
    let mut next = 0usize;
    for due in dues {
        let answer = t.reports.get(next).copied();
        if answer.is_some() {
            next += 1;
        }
        if !period.contains(due) || !live(due) {
            continue;
        }
        f.required += 1;
        if let Some(at) = answer {
            f.received += 1;
            if china_date(at) <= due {
                f.received_on_time += 1;
            }
        }
    }
    f
}

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Group {
    All,
    Unit(UnitId),
    Leader(UserId),
    Kind(MatterKindKey),
}

/// `MatterKind` as an ordered key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MatterKindKey(pub u8);

impl MatterKindKey {
    pub fn of(k: MatterKind) -> Self {
        MatterKindKey(match k {
            MatterKind::Superior => 0,
            MatterKind::Local => 1,
            MatterKind::Special => 2,
        })
    }
    pub fn kind(self) -> MatterKind {
        match self.0 {
            0 => MatterKind::Superior,
            1 => MatterKind::Local,
            _ => MatterKind::Special,
        }
    }
}

/// The groups one task counts in.
pub fn groups_of(t: &TaskFacts) -> Vec<Group> {
    let mut g = vec![
        Group::All,
        Group::Unit(t.lead_unit),
        Group::Kind(MatterKindKey::of(t.kind)),
    ];
    g.extend(t.leaders.iter().map(|u| Group::Leader(*u)));
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn at(m: u32, day: u32, h: u32) -> Millis {
        crate::calendar::due_at_millis(d(m, day), chrono::NaiveTime::from_hms_opt(h, 0, 0))
    }

    fn task(deadline: NaiveDate) -> TaskFacts {
        TaskFacts {
            lead_unit: UnitId(1),
            leaders: vec![UserId(9)],
            kind: MatterKind::Local,
            deadline,
            due_at: crate::calendar::due_at_millis(deadline, None),
            received_at: Some(at(11, 2, 9)),
            finished_at: None,
            cadence: None,
            reports: vec![],
            draft: false,
            cancelled_on: None,
        }
    }

    fn cal() -> Calendar {
        Calendar::new(crate::calendar::official_days())
    }

    #[test]
    fn periods_parse_and_bound() {
        assert_eq!(
            Period::parse("2026-12").expect("m"),
            Period::Month(2026, 12)
        );
        assert_eq!(Period::parse("2026-Q4").expect("q").start(), d(10, 1));
        assert_eq!(Period::Quarter(2026, 4).end(), d(12, 31));
        assert_eq!(Period::Month(2026, 2).end(), d(2, 28));
        assert!(Period::parse("2026-13").is_err());
        assert_eq!(
            Period::months_until(d(2, 10), 3)[0],
            Period::Month(2025, 12)
        );
    }

    /// Worked example: five tasks due in November 2026 for one unit.
    #[test]
    fn hand_worked_month() {
        let c = cal();
        let nov = Period::Month(2026, 11);
        // 1. finished on time, its final report on time.
        let mut t1 = task(d(11, 20));
        t1.finished_at = Some(at(11, 19, 10));
        t1.reports = vec![at(11, 19, 9)];
        // 2. finished late (after an extension to 11-25, finished 11-26); report late.
        let mut t2 = task(d(11, 25));
        t2.finished_at = Some(at(11, 26, 10));
        t2.reports = vec![at(11, 26, 9)];
        // 3. not finished, no report: due, required, neither.
        let t3 = task(d(11, 30));
        // 4. weekly on Friday from 11-02 to 11-27: Fridays 11-06, 13, 20 and the deadline 11-27
        //    = 4 required; three reports, the second late (11-14 for 11-13).
        let mut t4 = task(d(11, 27));
        t4.cadence = Some(Cadence::Weekly(5));
        t4.reports = vec![at(11, 6, 9), at(11, 14, 9), at(11, 20, 9)];
        // 5. due in December: counts nothing in November.
        let t5 = task(d(12, 10));
        let mut f = Figures::default();
        for t in [&t1, &t2, &t3, &t4, &t5] {
            f.add(&tally(t, nov, &c));
        }
        assert_eq!((f.due, f.finished, f.finished_on_time), (4, 2, 1));
        assert_eq!((f.required, f.received, f.received_on_time), (7, 5, 3));
        assert_eq!(percent(f.completion()), "50%");
        assert_eq!(percent(f.on_time_completion()), "25%");
        assert_eq!(percent(f.feedback()), "71.4%");
        assert_eq!(percent(f.on_time_feedback()), "42.9%");
    }

    #[test]
    fn drafts_count_for_nobody_and_an_unsigned_task_still_owes_its_final_report() {
        let c = cal();
        let mut draft = task(d(11, 20));
        draft.draft = true;
        assert_eq!(tally(&draft, Period::Year(2026), &c), Figures::default());
        let mut unsigned = task(d(11, 20));
        unsigned.received_at = None;
        let f = tally(&unsigned, Period::Year(2026), &c);
        assert_eq!((f.due, f.required, f.received), (1, 1, 0));
    }

    #[test]
    fn a_task_counts_for_its_lead_unit_and_each_leader_not_for_cooperating_units() {
        let mut t = task(d(11, 20));
        t.leaders = vec![UserId(9), UserId(10)];
        let g = groups_of(&t);
        assert!(g.contains(&Group::Unit(UnitId(1))));
        assert!(g.contains(&Group::Leader(UserId(10))));
        assert_eq!(g.iter().filter(|x| matches!(x, Group::Unit(_))).count(), 1);
    }

    /// A weekly task cancelled on 11-16 (superseded): the Friday report of 11-13 was still
    /// required; those of 11-20 and the deadline 11-27 are not, and the task is not due.
    #[test]
    fn a_cancelled_task_leaves_the_figures_from_that_day() {
        let c = cal();
        let mut t = task(d(11, 27));
        t.cadence = Some(Cadence::Weekly(5));
        t.reports = vec![at(11, 6, 9)];
        t.cancelled_on = Some(d(11, 16));
        let f = tally(&t, Period::Month(2026, 11), &c);
        assert_eq!((f.due, f.required, f.received), (0, 2, 1), "{f:?}");
    }

    #[test]
    fn nothing_due_is_a_dash_not_a_zero() {
        assert_eq!(percent(Figures::default().completion()), "—");
        assert_eq!(percent(Some(1.0)), "100%");
    }
}
