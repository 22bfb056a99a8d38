//! 督查工作台账: the filtered, keyset-paged list of tasks, and its export to .xlsx.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Datelike;
use duban_domain::time::china_date;
use duban_domain::{MatterKind, TaskState, UnitId, Urgency, UserId};
use duban_store::ledger::{LedgerFilter, LedgerRow, LedgerSort};
use serde::Deserialize;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::render;
use crate::view::{Names, Nav, Opt, opts, percent_encode};

/// The ledger's query string, shared by the page, the export and the API.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// 年度, e.g. 2026
    #[serde(default)]
    pub year: Option<String>,
    /// superior / local / special
    #[serde(default)]
    pub kind: Option<String>,
    /// Task state code, e.g. in_progress
    #[serde(default)]
    pub state: Option<String>,
    /// Unit id (lead or cooperating)
    #[serde(default)]
    pub unit: Option<String>,
    /// Responsible leader's user id
    #[serde(default)]
    pub leader: Option<String>,
    /// normal / urgent / very_urgent
    #[serde(default)]
    pub urgency: Option<String>,
    /// "1" for overdue only
    #[serde(default)]
    pub overdue: Option<String>,
    /// 信号灯: green / yellow / red / on_time / late
    #[serde(default)]
    pub light: Option<String>,
    /// Keyword in the matter title or task content
    #[serde(default)]
    pub q: Option<String>,
    /// ledger (default) / deadline / recent
    #[serde(default)]
    pub sort: Option<String>,
    /// Cursor from the previous page's `next`
    #[serde(default)]
    pub after: Option<String>,
    /// Page size, 1–500 (default 50)
    #[serde(default)]
    pub limit: Option<i64>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl LedgerQuery {
    /// Parses into the store's filter; a bad value is a Chinese error naming the field.
    pub fn filter(&self) -> Result<LedgerFilter, duban_domain::DomainError> {
        use duban_domain::DomainError;
        let int = |field: &str, v: &Option<String>| -> Result<Option<i64>, DomainError> {
            nonempty(v)
                .map(|s| {
                    s.parse::<i64>()
                        .map_err(|_| DomainError::invalid(field, format!("“{s}”不是有效的编号")))
                })
                .transpose()
        };
        Ok(LedgerFilter {
            year: int("年度", &self.year)?.map(|y| y as i32),
            kind: nonempty(&self.kind)
                .map(MatterKind::from_code)
                .transpose()?,
            state: nonempty(&self.state)
                .map(TaskState::from_code)
                .transpose()?,
            unit: int("责任单位", &self.unit)?.map(UnitId),
            leader: int("责任领导", &self.leader)?.map(UserId),
            urgency: nonempty(&self.urgency)
                .map(Urgency::from_code)
                .transpose()?,
            overdue: matches!(nonempty(&self.overdue), Some("1" | "true" | "on")),
            light: nonempty(&self.light)
                .map(duban_domain::Light::from_code)
                .transpose()?,
            keyword: nonempty(&self.q).map(|s| s.chars().take(100).collect()),
            matter: None,
        })
    }
    pub fn sort(&self) -> LedgerSort {
        LedgerSort::from_code(nonempty(&self.sort).unwrap_or(""))
    }
    /// The query string without the cursor, for links and the export.
    fn base(&self) -> String {
        let pairs = [
            ("year", &self.year),
            ("kind", &self.kind),
            ("state", &self.state),
            ("unit", &self.unit),
            ("leader", &self.leader),
            ("urgency", &self.urgency),
            ("overdue", &self.overdue),
            ("light", &self.light),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| nonempty(v).map(|v| format!("{k}={}", percent_encode(v, b""))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

struct Row {
    ledger_no: String,
    seq: i64,
    matter_id: i64,
    matter_title: String,
    task_id: i64,
    content: String,
    leaders: String,
    lead_unit: String,
    coop_units: String,
    deadline: String,
    state_code: &'static str,
    state_label: &'static str,
    urgency_code: &'static str,
    urgency_label: &'static str,
    light_code: &'static str,
    light_label: &'static str,
    source: &'static str,
    /// 挂牌督办 (the task or its lead unit).
    listed: bool,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPageView {
    nav: Nav,
    rows: Vec<Row>,
    total: i64,
    next_link: Option<String>,
    first_link: Option<String>,
    export_link: String,
    q: String,
    overdue: bool,
    years: Vec<Opt>,
    kinds: Vec<Opt>,
    states: Vec<Opt>,
    units: Vec<Opt>,
    leaders: Vec<Opt>,
    urgencies: Vec<Opt>,
    lights: Vec<Opt>,
    sorts: Vec<Opt>,
}

fn select(mut all: Vec<Opt>, current: &Option<String>) -> Vec<Opt> {
    let cur = nonempty(current).unwrap_or("");
    for o in all.iter_mut() {
        o.selected = o.value == cur;
    }
    all
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(ledger))
        .route("/ledger/export.xlsx", get(export))
}

async fn ledger(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, PageError> {
    let nav = Nav::new(&state, &user, "ledger").await?;
    let filter = q.filter()?;
    let page = state
        .store
        .ledger(
            &user.actor,
            &filter,
            q.sort(),
            nonempty(&q.after),
            q.limit.unwrap_or(50),
        )
        .await?;
    let names = Names::load(&state).await?;
    let clock = crate::view::Clock::load(&state).await?;
    let today = clock.today;
    let base = q.base();
    let this_year = today.year();
    let years = (this_year - 4..=this_year + 1)
        .rev()
        .map(|y| Opt {
            value: y.to_string(),
            label: format!("{y}年"),
            selected: false,
        })
        .collect();
    let view = LedgerPageView {
        total: page.total,
        next_link: page
            .next
            .map(|c| format!("/ledger?{base}&after={}", percent_encode(&c, b""))),
        first_link: nonempty(&q.after).map(|_| format!("/ledger?{base}")),
        export_link: format!("/ledger/export.xlsx?{base}"),
        rows: {
            let tasks: Vec<_> = page.rows.iter().map(|r| r.task.id).collect();
            let units: Vec<_> = page.rows.iter().map(|r| r.task.lead_unit).collect();
            let listed = state.store.listed_among(&tasks, &units).await?;
            page.rows
                .iter()
                .map(|r| {
                    let mut x = row(r, &names, &clock);
                    x.listed = listed.task(r.task.id) || listed.unit(r.task.lead_unit);
                    x
                })
                .collect()
        },
        q: q.q.clone().unwrap_or_default(),
        overdue: filter.overdue,
        years: select(years, &q.year),
        kinds: opts(
            MatterKind::ALL,
            MatterKind::code,
            MatterKind::label,
            nonempty(&q.kind).unwrap_or(""),
        ),
        states: opts(
            TaskState::ALL,
            TaskState::code,
            TaskState::label,
            nonempty(&q.state).unwrap_or(""),
        ),
        units: select(names.task_units(), &q.unit),
        leaders: select(names.area_leaders(), &q.leader),
        urgencies: opts(
            Urgency::ALL,
            Urgency::code,
            Urgency::label,
            nonempty(&q.urgency).unwrap_or(""),
        ),
        lights: opts(
            duban_domain::Light::ALL,
            duban_domain::Light::code,
            duban_domain::Light::label,
            nonempty(&q.light).unwrap_or(""),
        ),
        sorts: select(
            vec![
                Opt {
                    value: "ledger".into(),
                    label: "按督查编号".into(),
                    selected: false,
                },
                Opt {
                    value: "deadline".into(),
                    label: "按落实时限".into(),
                    selected: false,
                },
                Opt {
                    value: "recent".into(),
                    label: "按最近办理".into(),
                    selected: false,
                },
            ],
            &q.sort,
        ),
        nav,
    };
    render(&view)
}

fn row(r: &LedgerRow, names: &Names, clock: &crate::view::Clock) -> Row {
    let t = &r.task;
    let light = clock.light(t);
    Row {
        light_code: light.code(),
        light_label: light.label(),
        ledger_no: r.ledger_no.clone(),
        seq: t.seq,
        matter_id: t.matter_id.0,
        matter_title: r.matter_title.clone(),
        task_id: t.id.0,
        content: t.content.clone(),
        leaders: names.users(&t.leaders),
        lead_unit: names.unit(t.lead_unit),
        coop_units: names.units(&t.coop_units),
        deadline: crate::view::deadline_text(t),
        state_code: t.state.code(),
        state_label: t.state.label(),
        urgency_code: t.urgency.code(),
        urgency_label: t.urgency.label(),
        source: r.source.label(),
        listed: false,
    }
}

/// Exports every row that matches the filters (up to 20 000), in the office's column layout.
async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, PageError> {
    const MAX_ROWS: usize = 20_000;
    let filter = q.filter()?;
    let names = Names::load(&state).await?;
    let settings = state.store.settings().await?;
    let today = china_date(duban_store::now_ms());
    let mut lines = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = state
            .store
            .ledger(&user.actor, &filter, q.sort(), cursor.as_deref(), 500)
            .await?;
        lines.extend(
            page.rows
                .iter()
                .map(|r| crate::documents::ledger_line(r, &names, today)),
        );
        match page.next {
            Some(c) if lines.len() < MAX_ROWS => cursor = Some(c),
            _ => break,
        }
    }
    lines.truncate(MAX_ROWS);
    let title = format!("{}督查工作台账", settings.org_name);
    let bytes = duban_docs::ledger_xlsx(&title, &lines)
        .map_err(|e| duban_store::StoreError::Config(e.to_string()))?;
    Ok(crate::documents::download(
        &format!("{title}-{}.xlsx", today.format("%Y%m%d")),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
