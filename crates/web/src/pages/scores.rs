//! 督查考核排名: each unit's score, rank and tier for a period under the rule set in force, each
//! opening to the events that made it; the rules (office), publishing a ranking with its rules,
//! and the export for 绩效考核.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use duban_domain::figures::Period;
use duban_domain::scoring::{ScoreRules, UnitScore};
use duban_domain::time::{cn_date, cn_datetime};
use duban_domain::{DomainError, Role};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::{link_of, render};
use crate::view::{Names, Nav};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scores", get(page))
        .route("/scores/export.xlsx", get(export))
        .route("/scores/rules", post(save_rules))
        .route("/scores/publish", post(publish))
}

/// Tenths of a point as typed and shown: -2, 0.5, 100.
fn pts(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}", duban_domain::points(t.abs()))
}

struct EventLine {
    kind: &'static str,
    what: String,
    href: Option<String>,
    at: String,
    points: String,
}

struct Line {
    rank: usize,
    unit: String,
    unit_id: i64,
    score: String,
    tier: &'static str,
    tier_code: &'static str,
    events: Vec<EventLine>,
}

fn lines(scores: &[UnitScore], names: &Names) -> Vec<Line> {
    scores
        .iter()
        .map(|s| Line {
            rank: s.rank,
            unit: names.unit(s.unit),
            unit_id: s.unit.0,
            score: pts(s.score),
            tier: s.tier.label(),
            tier_code: s.tier.code(),
            events: s
                .events
                .iter()
                .map(|e| EventLine {
                    kind: e.kind.label(),
                    what: e.what.clone(),
                    href: (e.object.id() > 0).then(|| link_of(e.object)),
                    at: cn_date(duban_domain::time::china_date(e.at)),
                    points: pts(e.points),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "scores.html")]
struct View {
    nav: Nav,
    period: String,
    period_label: String,
    lines: Vec<Line>,
    rules: Vec<(&'static str, &'static str, String)>,
    tier_by_share: bool,
    can_edit: bool,
    published: Vec<(i64, String, usize)>,
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

fn period_of(q: &PeriodQuery) -> Result<Period, DomainError> {
    match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Period::parse(p),
        None => Ok(Period::Year(
            duban_domain::time::china_date(duban_store::now_ms()).year(),
        )),
    }
}

fn rule_fields(r: &ScoreRules) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("base", "基础分", pts(r.base)),
        ("overdue_task", "逾期任务（每项）", pts(r.overdue_task)),
        ("overdue_day", "逾期（每工作日）", pts(r.overdue_day)),
        (
            "overdue_day_cap",
            "逾期天数扣分上限（每项）",
            pts(r.overdue_day_cap),
        ),
        ("late_report", "迟报（每次）", pts(r.late_report)),
        ("missing_report", "缺报（每次）", pts(r.missing_report)),
        ("returned", "办结报告被退回（每次）", pts(r.returned)),
        ("listing", "挂牌督办（每次）", pts(r.listing)),
        ("accountability", "问责（每次）", pts(r.accountability)),
        ("early", "提前办结（每项加分）", pts(r.early)),
        (
            "inspection_weight",
            "专项督查（得分率每高于80%一个百分点）",
            pts(r.inspection_weight),
        ),
        ("q1", "办理质量：优", pts(r.quality[0])),
        ("q2", "办理质量：良", pts(r.quality[1])),
        ("q3", "办理质量：中", pts(r.quality[2])),
        ("q4", "办理质量：差", pts(r.quality[3])),
        ("t1", "优秀分数线", pts(r.thresholds[0])),
        ("t2", "良好分数线", pts(r.thresholds[1])),
        ("t3", "一般分数线", pts(r.thresholds[2])),
        ("s1", "按比例：优秀（%）", r.shares[0].to_string()),
        ("s2", "按比例：良好（%）", r.shares[1].to_string()),
        ("s3", "按比例：一般（%）", r.shares[2].to_string()),
    ]
}

async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let period = period_of(&q)?;
    let rules = state.store.score_rules().await?;
    let scores = state.store.unit_scores(a, period, &rules).await?;
    let names = Names::load(&state).await?;
    render(&View {
        nav: Nav::new(&state, &user, "dashboard")
            .await?
            .with_done(&crate::view::Done {
                done: q.done.clone(),
            }),
        period: period.code(),
        period_label: period.label(),
        lines: lines(&scores, &names),
        rules: rule_fields(&rules),
        tier_by_share: rules.tier_by_share,
        can_edit: a.has(Role::SupervisionOffice),
        published: state
            .store
            .published_rankings(period)
            .await?
            .into_iter()
            .map(|p| (p.id, cn_datetime(p.published_at), p.results.len()))
            .collect(),
    })
}

async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let period = period_of(&q)?;
    let rules = state.store.score_rules().await?;
    let scores = state.store.unit_scores(&user.actor, period, &rules).await?;
    let names = Names::load(&state).await?;
    let settings = state.store.settings().await?;
    let rows: Vec<Vec<String>> = scores
        .iter()
        .map(|s| {
            vec![
                s.rank.to_string(),
                names.unit(s.unit),
                pts(s.score),
                s.tier.label().to_owned(),
                s.events.len().to_string(),
            ]
        })
        .collect();
    let details: Vec<Vec<String>> = scores
        .iter()
        .flat_map(|s| {
            let unit = names.unit(s.unit);
            s.events.iter().map(move |e| {
                vec![
                    unit.clone(),
                    e.kind.label().to_owned(),
                    e.what.clone(),
                    cn_date(duban_domain::time::china_date(e.at)),
                    pts(e.points),
                ]
            })
        })
        .collect();
    let title = format!("{}{}督查考核排名", settings.org_name, period.label());
    let bytes = duban_docs::table_xlsx(
        &title,
        &["名次", "单位", "得分", "档次", "计分事项数"],
        &rows,
        Some((
            "计分明细",
            &["单位", "事项", "内容", "日期", "分值"],
            &details,
        )),
    )
    .map_err(|e| duban_store::StoreError::Config(e.to_string()))?;
    Ok(crate::documents::download(
        &format!("{title}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

async fn save_rules(
    State(state): State<AppState>,
    f: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields: Vec<(&str, &str)> = f
        .form
        .iter()
        .filter(|(k, _)| k != "_csrf" && k != "period")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut rules = ScoreRules::parse_fields(&fields)?;
    rules.tier_by_share = fields
        .iter()
        .any(|(k, v)| *k == "tier_by_share" && *v == "1");
    state
        .store
        .save_score_rules(&f.user.actor, &rules, &f.ip.meta())
        .await?;
    let period = f
        .form
        .iter()
        .find(|(k, _)| k == "period")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/scores?period={period}&done=rules")).into_response())
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    period: String,
}

async fn publish(
    State(state): State<AppState>,
    f: CsrfForm<PublishForm>,
) -> Result<Response, PageError> {
    let period = Period::parse(&f.form.period)?;
    state
        .store
        .publish_ranking(&f.user.actor, period, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!(
        "/scores?period={}&done=publish_ranking",
        period.code()
    ))
    .into_response())
}
