//! Scoring the units (督查考核结果运用：排出顺序、拉开档次、分出好坏): a configurable rule set turns
//! each unit's events of a period — overdue and early completion, late and missing reports,
//! returned work, 挂牌督办, 问责, special-inspection scores — into a score, a rank and a tier.
//! Every point comes from an event that names its object, so a score opens to what made it.

use serde::{Deserialize, Serialize};

use crate::figures::Period;
use crate::time::{Millis, china_date};
use crate::{DomainError, ObjectRef, UnitId};

/// The rule set in force (kept with every published ranking). Points are in tenths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreRules {
    pub base: i64,
    /// Per task not finished by its deadline.
    pub overdue_task: i64,
    /// Per working day overdue (finished late, or still open), up to `overdue_day_cap` a task.
    pub overdue_day: i64,
    pub overdue_day_cap: i64,
    pub late_report: i64,
    pub missing_report: i64,
    /// Per final report the leader returned.
    pub returned: i64,
    /// Per 挂牌督办 of the unit or one of its tasks.
    pub listing: i64,
    /// Per 问责 record against the unit or its people.
    pub accountability: i64,
    /// Per task finished at least one working day early (a bonus).
    pub early: i64,
    /// Special inspections: (percentage of full marks − 80) × this / 10.
    pub inspection_weight: i64,
    /// The responsible leader's quality rating of a finished task: 优, 良, 中, 差.
    pub quality: [i64; 4],
    /// Tiers: by thresholds (优秀 ≥ a, 良好 ≥ b, 一般 ≥ c, else 较差) or by shares of the ranking.
    pub tier_by_share: bool,
    pub thresholds: [i64; 3],
    /// Shares in percent for 优秀, 良好, 一般 (the rest 较差).
    pub shares: [i64; 3],
}

impl Default for ScoreRules {
    fn default() -> Self {
        ScoreRules {
            base: 1000,
            overdue_task: -20,
            overdue_day: -2,
            overdue_day_cap: -100,
            late_report: -5,
            missing_report: -10,
            returned: -10,
            listing: -30,
            accountability: -50,
            early: 5,
            inspection_weight: 10,
            quality: [10, 0, -10, -30],
            tier_by_share: false,
            thresholds: [950, 850, 750],
            shares: [20, 40, 30],
        }
    }
}

impl ScoreRules {
    /// The rules as the office types them: points with one decimal.
    pub fn parse_fields(fields: &[(&str, &str)]) -> Result<ScoreRules, DomainError> {
        let mut r = ScoreRules::default();
        let get = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let num = |name: &str, label: &str, signed: bool| -> Result<Option<i64>, DomainError> {
            let Some(v) = get(name) else { return Ok(None) };
            let v = v.trim();
            let neg = signed && v.starts_with('-');
            let t = crate::special::parse_points(label, v.trim_start_matches('-'))?;
            Ok(Some(if neg { -t } else { t }))
        };
        macro_rules! set {
            ($field:ident, $name:literal, $label:literal, $signed:expr) => {
                if let Some(v) = num($name, $label, $signed)? {
                    r.$field = v;
                }
            };
        }
        set!(base, "base", "基础分", false);
        set!(overdue_task, "overdue_task", "逾期任务扣分", true);
        set!(overdue_day, "overdue_day", "逾期每工作日扣分", true);
        set!(overdue_day_cap, "overdue_day_cap", "逾期扣分上限", true);
        set!(late_report, "late_report", "迟报扣分", true);
        set!(missing_report, "missing_report", "缺报扣分", true);
        set!(returned, "returned", "退回扣分", true);
        set!(listing, "listing", "挂牌督办扣分", true);
        set!(accountability, "accountability", "问责扣分", true);
        set!(early, "early", "提前办结加分", true);
        set!(inspection_weight, "inspection_weight", "专项督查权重", true);
        for (i, name) in ["q1", "q2", "q3", "q4"].iter().enumerate() {
            if let Some(v) = num(name, "办理质量评价分值", true)? {
                r.quality[i] = v;
            }
        }
        for (i, name) in ["t1", "t2", "t3"].iter().enumerate() {
            if let Some(v) = num(name, "档次分数线", false)? {
                r.thresholds[i] = v;
            }
        }
        for (i, name) in ["s1", "s2", "s3"].iter().enumerate() {
            if let Some(v) = get(name) {
                r.shares[i] = v
                    .trim()
                    .parse()
                    .map_err(|_| DomainError::invalid("档次比例", "请填写百分比整数"))?;
            }
        }
        if let Some(v) = get("tier_by_share") {
            r.tier_by_share = matches!(v, "1" | "true" | "on");
        }
        if !(r.thresholds[0] >= r.thresholds[1] && r.thresholds[1] >= r.thresholds[2]) {
            return Err(DomainError::invalid("档次分数线", "须从高到低排列"));
        }
        if r.shares.iter().any(|s| *s < 0) || r.shares.iter().sum::<i64>() > 100 {
            return Err(DomainError::invalid("档次比例", "各档比例之和不能超过100%"));
        }
        Ok(r)
    }
}

crate::matter::coded_enum!(
    /// 档次.
    Tier, "档次" {
        Excellent => "excellent", "优秀";
        Good => "good", "良好";
        Fair => "fair", "一般";
        Poor => "poor", "较差";
    }
);

crate::matter::coded_enum!(
    /// What moved a score.
    ScoreEventKind, "计分事项" {
        OverdueTask => "overdue_task", "逾期未按时办结";
        OverdueDays => "overdue_days", "逾期天数";
        LateReport => "late_report", "迟报落实情况";
        MissingReport => "missing_report", "缺报落实情况";
        Returned => "returned", "办结报告被退回";
        Listing => "listing", "挂牌督办";
        Accountability => "accountability", "问责";
        Early => "early", "提前办结";
        Inspection => "inspection", "专项督查考核得分";
        Quality => "quality", "办理质量评价";
    }
);

crate::matter::coded_enum!(
    /// 办理质量评价 by the responsible leader on closing a task.
    Quality, "办理质量" {
        Excellent => "excellent", "优";
        Good => "good", "良";
        Fair => "fair", "中";
        Poor => "poor", "差";
    }
);

impl Quality {
    fn index(self) -> usize {
        match self {
            Quality::Excellent => 0,
            Quality::Good => 1,
            Quality::Fair => 2,
            Quality::Poor => 3,
        }
    }
}

/// The task's responsible leaders (or the principal leaders) rate its quality once it is finished.
pub fn can_rate(actor: &crate::Actor, task: &crate::Task) -> Result<(), DomainError> {
    if !(task.leaders.contains(&actor.user_id) || actor.has(crate::Role::PrincipalLeader)) {
        return Err(DomainError::forbidden("办理质量由任务的责任领导评价"));
    }
    if !task.is_done() {
        return Err(DomainError::state("任务办结后方可评价办理质量"));
    }
    Ok(())
}

/// One event of a unit's period and its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreEvent {
    pub kind: ScoreEventKind,
    pub object: ObjectRef,
    /// What it was about, for the list (a task's content, a listing's reason …).
    pub what: String,
    pub at: Millis,
    pub points: i64,
}

/// What scoring needs of the period, per unit; the store gathers it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitFacts {
    pub tasks: Vec<ScoredTask>,
    /// (object, what, at) of each listing of the unit or its tasks in the period.
    pub listings: Vec<(ObjectRef, String, Millis)>,
    pub accountability: Vec<(ObjectRef, String, Millis)>,
    /// (matter, what, at, points in tenths, full marks in tenths) of each department's scores.
    pub inspections: Vec<(ObjectRef, String, Millis, i64, i64)>,
}

/// A task of the unit as scoring sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredTask {
    pub id: crate::TaskId,
    pub content: String,
    pub due: crate::figures::TaskFacts,
    /// Final reports returned, with their times.
    pub returned: Vec<Millis>,
    pub quality: Option<Quality>,
}

/// The events of one unit in a period under `rules`.
pub fn unit_events(
    facts: &UnitFacts,
    period: Period,
    now: Millis,
    cal: &crate::calendar::Calendar,
    rules: &ScoreRules,
) -> Vec<ScoreEvent> {
    let mut out = Vec::new();
    let today = china_date(now);
    for t in &facts.tasks {
        let obj = ObjectRef::Task(t.id);
        let f = crate::figures::tally(&t.due, period, cal);
        if f.due == 1 {
            let done_on_time = f.finished_on_time == 1;
            if !done_on_time && (t.due.finished_at.is_some() || now > t.due.due_at) {
                out.push(ScoreEvent {
                    kind: ScoreEventKind::OverdueTask,
                    object: obj,
                    what: t.content.clone(),
                    at: t.due.due_at,
                    points: rules.overdue_task,
                });
                let until = t.due.finished_at.map(china_date).unwrap_or(today);
                let days = cal.workdays_between(t.due.deadline, until).max(0);
                let pts = (days * rules.overdue_day).max(rules.overdue_day_cap);
                if pts != 0 {
                    out.push(ScoreEvent {
                        kind: ScoreEventKind::OverdueDays,
                        object: obj,
                        what: format!("{}（逾期{}个工作日）", t.content, days),
                        at: t.due.due_at,
                        points: pts,
                    });
                }
            }
            if let Some(done) = t.due.finished_at
                && cal.workdays_between(china_date(done), t.due.deadline) >= 1
                && rules.early != 0
            {
                out.push(ScoreEvent {
                    kind: ScoreEventKind::Early,
                    object: obj,
                    what: t.content.clone(),
                    at: done,
                    points: rules.early,
                });
            }
        }
        let late = f.received - f.received_on_time;
        let missing = f.required - f.received;
        for (n, kind, pts) in [
            (late, ScoreEventKind::LateReport, rules.late_report),
            (missing, ScoreEventKind::MissingReport, rules.missing_report),
        ] {
            if n > 0 && pts != 0 {
                out.push(ScoreEvent {
                    kind,
                    object: obj,
                    what: format!("{}（{}次）", t.content, n),
                    at: t.due.due_at,
                    points: pts * n as i64,
                });
            }
        }
        if let (Some(q), Some(done)) = (t.quality, t.due.finished_at)
            && period.contains(china_date(done))
            && rules.quality[q.index()] != 0
        {
            out.push(ScoreEvent {
                kind: ScoreEventKind::Quality,
                object: obj,
                what: format!("{}（评价：{}）", t.content, q.label()),
                at: done,
                points: rules.quality[q.index()],
            });
        }
        for at in t
            .returned
            .iter()
            .filter(|at| period.contains(china_date(**at)))
        {
            out.push(ScoreEvent {
                kind: ScoreEventKind::Returned,
                object: obj,
                what: t.content.clone(),
                at: *at,
                points: rules.returned,
            });
        }
    }
    for (obj, what, at) in facts
        .listings
        .iter()
        .filter(|x| period.contains(china_date(x.2)))
    {
        out.push(ScoreEvent {
            kind: ScoreEventKind::Listing,
            object: *obj,
            what: what.clone(),
            at: *at,
            points: rules.listing,
        });
    }
    for (obj, what, at) in facts
        .accountability
        .iter()
        .filter(|x| period.contains(china_date(x.2)))
    {
        out.push(ScoreEvent {
            kind: ScoreEventKind::Accountability,
            object: *obj,
            what: what.clone(),
            at: *at,
            points: rules.accountability,
        });
    }
    for (obj, what, at, got, full) in facts
        .inspections
        .iter()
        .filter(|x| period.contains(china_date(x.2)))
    {
        if *full > 0 {
            let pct = got * 100 / full;
            out.push(ScoreEvent {
                kind: ScoreEventKind::Inspection,
                object: *obj,
                what: format!("{what}（得分率{pct}%）"),
                at: *at,
                points: (pct - 80) * rules.inspection_weight / 10,
            });
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

/// A unit's result in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit: UnitId,
    pub score: i64,
    pub rank: usize,
    pub tier: Tier,
    pub events: Vec<ScoreEvent>,
}

/// Scores, ranks (ties share a rank) and tiers a period's units.
pub fn rank(mut units: Vec<(UnitId, Vec<ScoreEvent>)>, rules: &ScoreRules) -> Vec<UnitScore> {
    units.sort_by_key(|(u, ev)| {
        (
            std::cmp::Reverse(rules.base + ev.iter().map(|e| e.points).sum::<i64>()),
            *u,
        )
    });
    let n = units.len().max(1) as i64;
    let mut out: Vec<UnitScore> = Vec::with_capacity(units.len());
    for (i, (unit, events)) in units.into_iter().enumerate() {
        let score = rules.base + events.iter().map(|e| e.points).sum::<i64>();
        let rank = match out.last() {
            Some(prev) if prev.score == score => prev.rank,
            _ => i + 1,
        };
        let tier = if rules.tier_by_share {
            let pos = (rank as i64 - 1) * 100 / n;
            let [a, b, c] = rules.shares;
            if pos < a {
                Tier::Excellent
            } else if pos < a + b {
                Tier::Good
            } else if pos < a + b + c {
                Tier::Fair
            } else {
                Tier::Poor
            }
        } else {
            let [a, b, c] = rules.thresholds;
            if score >= a {
                Tier::Excellent
            } else if score >= b {
                Tier::Good
            } else if score >= c {
                Tier::Fair
            } else {
                Tier::Poor
            }
        };
        out.push(UnitScore {
            unit,
            score,
            rank,
            tier,
            events,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::TaskFacts;
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }
    fn at(m: u32, day: u32) -> Millis {
        crate::calendar::due_at_millis(d(m, day), chrono::NaiveTime::from_hms_opt(10, 0, 0))
    }
    fn cal() -> crate::calendar::Calendar {
        crate::calendar::Calendar::new(crate::calendar::official_days())
    }
    fn task(
        id: i64,
        deadline: NaiveDate,
        finished: Option<Millis>,
        reports: Vec<Millis>,
    ) -> ScoredTask {
        ScoredTask {
            id: crate::TaskId(id),
            content: format!("任务{id}"),
            due: TaskFacts {
                lead_unit: UnitId(1),
                leaders: vec![],
                kind: crate::MatterKind::Local,
                deadline,
                due_at: crate::calendar::due_at_millis(deadline, None),
                received_at: Some(at(11, 2)),
                finished_at: finished,
                cadence: None,
                reports,
                draft: false,
                cancelled_on: None,
            },
            returned: vec![],
            quality: None,
        }
    }

    /// Worked example for November 2026 under the default rules (points in tenths).
    #[test]
    fn hand_worked_unit() {
        let rules = ScoreRules::default();
        let nov = Period::Month(2026, 11);
        let now = at(12, 4);
        // Finished 11-18 for 11-20: two working days early (+0.5); report on time.
        let early = task(1, d(11, 20), Some(at(11, 18)), vec![at(11, 18)]);
        // Finished 11-26 for 11-24: overdue (−2) and 2 working days late (−0.4); report late (−0.5).
        let mut late = task(2, d(11, 24), Some(at(11, 26)), vec![at(11, 26)]);
        late.returned = vec![at(11, 25)]; // one returned final report (−1)
        let facts = UnitFacts {
            tasks: vec![early, late],
            listings: vec![(
                ObjectRef::Task(crate::TaskId(2)),
                "屡催不办".into(),
                at(11, 27),
            )],
            accountability: vec![],
            inspections: vec![(
                ObjectRef::Matter(crate::MatterId(9)),
                "冬季安全检查".into(),
                at(11, 12),
                900,
                1000,
            )],
        };
        let ev = unit_events(&facts, nov, now, &cal(), &rules);
        let total: i64 = ev.iter().map(|e| e.points).sum();
        // +5 −20 −4 −5 −10 −30 +10 (90% → (90−80)×10/10)
        assert_eq!(total, 5 - 20 - 4 - 5 - 10 - 30 + 10, "{ev:#?}");
        let ranked = rank(vec![(UnitId(1), ev), (UnitId(2), vec![])], &rules);
        assert_eq!(ranked[0].unit, UnitId(2));
        assert_eq!(ranked[0].score, 1000);
        assert_eq!(ranked[1].score, 1000 - 54);
        assert_eq!(ranked[1].tier, Tier::Good);
    }

    #[test]
    fn ties_share_a_rank_and_shares_make_tiers() {
        let rules = ScoreRules {
            tier_by_share: true,
            shares: [25, 25, 25],
            ..ScoreRules::default()
        };
        let ev = |p| {
            vec![ScoreEvent {
                kind: ScoreEventKind::Early,
                object: ObjectRef::Task(crate::TaskId(1)),
                what: String::new(),
                at: 0,
                points: p,
            }]
        };
        let r = rank(
            vec![
                (UnitId(1), ev(10)),
                (UnitId(2), ev(10)),
                (UnitId(3), ev(0)),
                (UnitId(4), ev(-10)),
            ],
            &rules,
        );
        assert_eq!(r.iter().map(|u| u.rank).collect::<Vec<_>>(), [1, 1, 3, 4]);
        assert_eq!(r[0].tier, Tier::Excellent);
        assert_eq!(r[3].tier, Tier::Poor);
    }

    #[test]
    fn rules_parse_from_the_form_and_refuse_bad_thresholds() {
        let r =
            ScoreRules::parse_fields(&[("base", "100"), ("overdue_task", "-3"), ("early", "0.5")])
                .expect("ok");
        assert_eq!((r.base, r.overdue_task, r.early), (1000, -30, 5));
        assert!(ScoreRules::parse_fields(&[("t1", "80"), ("t2", "90")]).is_err());
        assert!(ScoreRules::parse_fields(&[("s1", "60"), ("s2", "60")]).is_err());
    }
}
