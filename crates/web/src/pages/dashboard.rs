//! 领导驾驶舱: counts by state and light, the four figures this month and year, their monthly
//! trend, the units' ranking and comparison, by kind and by leader. Every number links to the
//! list behind it; charts are SVG drawn here.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Datelike;
use duban_domain::figures::{Figures, Group, MatterKindKey, Period, percent};
use duban_domain::{DomainError, MatterKind};
use serde::Deserialize;

use crate::AppState;
use crate::auth::PageUser;
use crate::charts::{Series, bar_chart, line_chart};
use crate::error::PageError;
use crate::pages::render;
use crate::view::{Names, Nav};

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

struct Count {
    label: &'static str,
    code: &'static str,
    n: i64,
    href: String,
}

/// One row of figures.
struct Row {
    name: String,
    href: String,
    due: u64,
    finished: u64,
    completion: String,
    on_time: String,
    feedback: String,
    on_time_feedback: String,
    /// For ordering: 按期办结率, then 办结率.
    key: (i64, i64),
    /// 按期办结率, for the comparison chart.
    on_time_rate: Option<f64>,
}

fn row(name: String, href: String, f: &Figures) -> Row {
    let k = |r: Option<f64>| r.map(|v| (v * 10_000.0) as i64).unwrap_or(-1);
    Row {
        name,
        href,
        due: f.due,
        finished: f.finished,
        completion: percent(f.completion()),
        on_time: percent(f.on_time_completion()),
        feedback: percent(f.feedback()),
        on_time_feedback: percent(f.on_time_feedback()),
        key: (k(f.on_time_completion()), k(f.completion())),
        on_time_rate: f.on_time_completion(),
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct View {
    nav: Nav,
    period_label: String,
    period: String,
    states: Vec<Count>,
    lights: Vec<Count>,
    headline: Vec<(&'static str, String, String)>,
    trend: String,
    units_chart: String,
    units: Vec<Row>,
    kinds: Vec<Row>,
    leaders: Vec<Row>,
    /// 挂牌督办 now: (what, link, reason and deadline, listed at, unit id to lift for units).
    listings: Vec<(String, String, String, String, Option<i64>)>,
    can_list: bool,
    unit_opts: Vec<crate::view::Opt>,
    today: String,
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    /// 2026, 2026-Q4 or 2026-12 (this year by default)
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

async fn dashboard(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    if !a.sees_all_matters() {
        return Err(DomainError::forbidden("领导驾驶舱供街道领导和考核督查办使用").into());
    }
    let today = duban_domain::time::china_date(duban_store::now_ms());
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Period::parse(p)?,
        None => Period::Year(today.year()),
    };
    let months = Period::months_until(today, 12);
    let mut periods = vec![period, Period::month_of(today)];
    periods.extend(months.iter().copied());
    let tally = state.store.figures(a, &periods).await?;
    let names = Names::load(&state).await?;
    let (states, lights) = state.store.counts(a).await?;
    let all = |i: usize| tally[i].get(&Group::All).copied().unwrap_or_default();
    let (whole, month) = (all(0), all(1));
    let year_q = match period {
        Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
    };
    let mut units: Vec<Row> = tally[0]
        .iter()
        .filter_map(|(g, f)| match g {
            Group::Unit(u) => Some(row(
                names.unit(*u),
                format!("/ledger?unit={}&year={year_q}", u.0),
                f,
            )),
            _ => None,
        })
        .collect();
    units.sort_by(|a, b| b.key.cmp(&a.key).then(a.name.cmp(&b.name)));
    let mut leaders: Vec<Row> = tally[0]
        .iter()
        .filter_map(|(g, f)| match g {
            Group::Leader(u) => Some(row(
                names.user(*u),
                format!("/ledger?leader={}&year={year_q}", u.0),
                f,
            )),
            _ => None,
        })
        .collect();
    leaders.sort_by(|a, b| b.key.cmp(&a.key).then(a.name.cmp(&b.name)));
    let kinds = MatterKind::ALL
        .iter()
        .map(|k| {
            let f = tally[0]
                .get(&Group::Kind(MatterKindKey::of(*k)))
                .copied()
                .unwrap_or_default();
            row(
                k.label().to_owned(),
                format!("/ledger?kind={}&year={year_q}", k.code()),
                &f,
            )
        })
        .collect();
    let series = |name, color, pick: fn(&Figures) -> Option<f64>| Series {
        name,
        color,
        values: (2..periods.len()).map(|i| pick(&all(i))).collect(),
    };
    let trend = line_chart(
        "近12个月办结率、按期办结率、反馈率、按时反馈率",
        &months
            .iter()
            .map(|p| match p {
                Period::Month(_, m) => format!("{m}月"),
                other => other.label(),
            })
            .collect::<Vec<_>>(),
        &[
            series("办结率", "#1d4ed8", Figures::completion),
            series("按期办结率", "#15803d", Figures::on_time_completion),
            series("反馈率", "#b45309", Figures::feedback),
            series("按时反馈率", "#b3261e", Figures::on_time_feedback),
        ],
    );
    let units_chart = bar_chart(
        "各单位按期办结率",
        &units
            .iter()
            .take(20)
            .map(|r| (r.name.clone(), r.on_time_rate, r.href.clone()))
            .collect::<Vec<_>>(),
    );
    let mut listing_lines = Vec::new();
    for l in state.store.open_listings().await? {
        let what = format!(
            "{}（整改时限{}）",
            l.reason,
            duban_domain::time::cn_date(l.rectify_by)
        );
        let at = duban_domain::time::cn_datetime(l.listed_at);
        match l.object {
            duban_domain::ListedObject::Task(t) => {
                let title = state
                    .store
                    .task_view(a, t)
                    .await
                    .map(|v| v.task.content)
                    .unwrap_or_else(|_| format!("任务{}", t.0));
                listing_lines.push((title, format!("/tasks/{}", t.0), what, at, None));
            }
            duban_domain::ListedObject::Unit(u) => listing_lines.push((
                format!("单位：{}", names.unit(u)),
                format!("/ledger?unit={}", u.0),
                what,
                at,
                Some(u.0),
            )),
        }
    }
    render(&View {
        listings: listing_lines,
        can_list: duban_domain::can_list(a),
        unit_opts: names.task_units(),
        today: today.format("%Y-%m-%d").to_string(),
        nav: Nav::new(&state, &user, "dashboard")
            .await?
            .with_done(&crate::view::Done {
                done: q.done.clone(),
            }),
        period_label: period.label(),
        period: period.code(),
        states: states
            .into_iter()
            .map(|(s, n)| Count {
                label: s.label(),
                code: s.code(),
                n,
                href: format!("/ledger?state={}", s.code()),
            })
            .collect(),
        lights: lights
            .into_iter()
            .map(|(l, n)| Count {
                label: l.label(),
                code: l.code(),
                n,
                href: format!("/ledger?light={}", l.code()),
            })
            .collect(),
        headline: vec![
            (
                "办结率",
                percent(whole.completion()),
                percent(month.completion()),
            ),
            (
                "按期办结率",
                percent(whole.on_time_completion()),
                percent(month.on_time_completion()),
            ),
            (
                "反馈率",
                percent(whole.feedback()),
                percent(month.feedback()),
            ),
            (
                "按时反馈率",
                percent(whole.on_time_feedback()),
                percent(month.on_time_feedback()),
            ),
        ],
        trend,
        units_chart,
        units,
        kinds,
        leaders,
    })
}
