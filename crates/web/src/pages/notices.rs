//! Notifications (消息) with their unread count, the channels each user chooses (email, SMS,
//! group robots), the admins' delivery log, and the working-day calendar (工作日历) the system
//! admin keeps current.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use duban_domain::DomainError;
use duban_domain::calendar::{CalendarDay, DayKind, calendar_file, parse_calendar_file};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_store::deadlines::CHANNELS;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::pages::render;
use crate::view::Nav;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(read))
        .route("/me/channels", get(channels).post(save_channel))
        .route("/admin/deliveries", get(deliveries))
        .route("/admin/calendar", get(calendar).post(set_day))
        .route("/admin/calendar/remove", post(remove_day))
        .route("/admin/calendar/import", post(import))
        .route("/admin/calendar/export.csv", get(export))
}

struct Line {
    id: i64,
    title: String,
    body: String,
    link: String,
    at: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListView {
    nav: Nav,
    lines: Vec<Line>,
    more: Option<i64>,
}

#[derive(Deserialize, Default)]
struct Before {
    #[serde(default)]
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<Before>,
) -> Result<Response, PageError> {
    const PAGE: i64 = 50;
    let items = state
        .store
        .notifications(user.actor.user_id, q.before, PAGE)
        .await?;
    let more = (items.len() as i64 == PAGE)
        .then(|| items.last().map(|n| n.id))
        .flatten();
    render(&ListView {
        nav: Nav::new(&state, &user, "notifications").await?,
        lines: items
            .into_iter()
            .map(|n| Line {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                at: cn_datetime(n.created_at),
                unread: n.read_at.is_none(),
            })
            .collect(),
        more,
    })
}

#[derive(Deserialize)]
struct ReadForm {
    /// One notification, or all when absent.
    #[serde(default)]
    id: Option<i64>,
    /// Where to go after (the notification's link), only a local path.
    #[serde(default)]
    next: Option<String>,
}

async fn read(State(state): State<AppState>, f: CsrfForm<ReadForm>) -> Result<Response, PageError> {
    state
        .store
        .mark_read(f.user.actor.user_id, f.form.id)
        .await?;
    let next = f
        .form
        .next
        .as_deref()
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("/notifications");
    Ok(Redirect::to(next).into_response())
}

struct ChannelLine {
    code: &'static str,
    label: &'static str,
    address: String,
    has_secret: bool,
    placeholder: &'static str,
}

#[derive(Template)]
#[template(path = "channels.html")]
struct ChannelsView {
    nav: Nav,
    lines: Vec<ChannelLine>,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

async fn channels(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    let mine = state.store.user_channels(user.actor.user_id).await?;
    render(&ChannelsView {
        nav: Nav::new(&state, &user, "notifications").await?,
        lines: CHANNELS
            .iter()
            .map(|(code, label)| {
                let c = mine.iter().find(|c| c.channel == *code);
                ChannelLine {
                    code,
                    label,
                    address: c.map(|c| c.address.clone()).unwrap_or_default(),
                    has_secret: c.is_some_and(|c| c.has_secret),
                    placeholder: match *code {
                        "email" => "name@example.gov.cn",
                        "sms" => "13800000000",
                        "dingtalk" => "https://oapi.dingtalk.com/robot/send?access_token=…",
                        "wecom" => "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
                        _ => "https://…",
                    },
                }
            })
            .collect(),
        saved: q.saved.is_some(),
    })
}

#[derive(Deserialize)]
struct ChannelForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    secret: Option<String>,
}

async fn save_channel(
    State(state): State<AppState>,
    f: CsrfForm<ChannelForm>,
) -> Result<Response, PageError> {
    state
        .store
        .set_user_channel(
            &f.user.actor,
            &f.form.channel,
            &f.form.address,
            f.form.secret.as_deref(),
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to("/me/channels?saved=1").into_response())
}

struct DeliveryLine {
    id: i64,
    who: String,
    title: String,
    channel: String,
    address: String,
    status: String,
    attempts: i64,
    error: String,
    at: String,
}

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesView {
    nav: Nav,
    lines: Vec<DeliveryLine>,
    more: Option<i64>,
}

async fn deliveries(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<Before>,
) -> Result<Response, PageError> {
    const PAGE: i64 = 100;
    let rows = state.store.deliveries(&user.actor, q.before, PAGE).await?;
    let more = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|d| d.id))
        .flatten();
    render(&DeliveriesView {
        nav: Nav::new(&state, &user, "admin").await?,
        lines: rows
            .into_iter()
            .map(|d| DeliveryLine {
                id: d.id,
                who: d.user_name,
                title: d.title,
                channel: CHANNELS
                    .iter()
                    .find(|(c, _)| *c == d.channel)
                    .map(|(_, l)| (*l).to_owned())
                    .unwrap_or(d.channel),
                address: d.address,
                status: match d.status.as_str() {
                    "sent" => "已发送",
                    "failed" => "失败",
                    _ => "待发送",
                }
                .to_owned(),
                attempts: d.attempts,
                error: d.last_error.unwrap_or_default(),
                at: cn_datetime(d.sent_at.unwrap_or(d.created_at)),
            })
            .collect(),
        more,
    })
}

struct DayLine {
    day: String,
    date: String,
    weekday: &'static str,
    kind_code: &'static str,
    kind: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarView {
    nav: Nav,
    tab: &'static str,
    year: i32,
    lines: Vec<DayLine>,
    covered: bool,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

fn weekday(d: chrono::NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

async fn calendar(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    if !duban_domain::policy::can_manage_org(&user.actor) {
        return Err(DomainError::forbidden("工作日历由系统管理员维护").into());
    }
    let year = q
        .year
        .unwrap_or_else(|| china_date(duban_store::now_ms()).year());
    let days = state.store.calendar_days(year).await?;
    render(&CalendarView {
        nav: Nav::new(&state, &user, "admin").await?,
        tab: "calendar",
        year,
        covered: !days.is_empty(),
        lines: days
            .into_iter()
            .map(|d| DayLine {
                day: d.day.format("%Y-%m-%d").to_string(),
                date: cn_date(d.day),
                weekday: weekday(d.day),
                kind_code: d.kind.code(),
                kind: d.kind.label(),
                name: d.name,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

async fn set_day(
    State(state): State<AppState>,
    f: CsrfForm<DayForm>,
) -> Result<Response, PageError> {
    let day = duban_domain::input::date("日期", &f.form.day)?;
    let kind = DayKind::from_code(&f.form.kind)?;
    let name = duban_domain::input::required_text("名称", &f.form.name, 20)?;
    state
        .store
        .set_calendar_days(
            &f.user.actor,
            &[CalendarDay { day, kind, name }],
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/calendar?year={}", day.year())).into_response())
}

async fn remove_day(
    State(state): State<AppState>,
    f: CsrfForm<DayForm>,
) -> Result<Response, PageError> {
    let day = duban_domain::input::date("日期", &f.form.day)?;
    state
        .store
        .remove_calendar_day(&f.user.actor, day, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/admin/calendar?year={}", day.year())).into_response())
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    text: String,
}

async fn import(
    State(state): State<AppState>,
    f: CsrfForm<ImportForm>,
) -> Result<Response, PageError> {
    let days = parse_calendar_file(&f.form.text)?;
    let year = days.first().map(|d| d.day.year());
    state
        .store
        .set_calendar_days(&f.user.actor, &days, &f.ip.meta())
        .await?;
    let q = year.map(|y| format!("?year={y}")).unwrap_or_default();
    Ok(Redirect::to(&format!("/admin/calendar{q}")).into_response())
}

async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    if !duban_domain::policy::can_manage_org(&user.actor) {
        return Err(DomainError::forbidden("工作日历由系统管理员维护").into());
    }
    let year = q
        .year
        .unwrap_or_else(|| china_date(duban_store::now_ms()).year());
    let days = state.store.calendar_days(year).await?;
    Ok(crate::documents::download(
        &format!("工作日历-{year}.csv"),
        "text/csv; charset=utf-8",
        calendar_file(&days).into_bytes(),
    ))
}
