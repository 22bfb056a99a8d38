//! 督办任务: the task page, its steps (签收、确认、退回、销号), progress reports with attachments,
//! and attachment downloads.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_domain::time::cn_datetime;
use duban_domain::{
    DomainError, ObjectRef, OfferedAction, Recipient, TaskCommand, TaskId, task_actions,
};
use duban_store::blobs::{self, StoredBlob};
use duban_store::{Meta, StoreError};

use crate::AppState;
use crate::auth::{Authed, ClientIp, CsrfForm, PageUser, csrf_rejection, same_token};
use crate::error::PageError;
use crate::pages::matters::ActForm;
use crate::pages::render;
use crate::view::{ActionBlock, InstructionLine, Names, Nav, Step, TaskLine, instruction_lines};

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}", get(task_page))
        .route("/tasks/{id}/act", post(act))
        .route("/tasks/{id}/score", post(score))
        .route("/tasks/{id}/urge", post(urge))
        .route("/tasks/{id}/extension", post(extension))
        .route("/tasks/{id}/cadence", post(cadence))
        .route("/tasks/{id}/listing", post(task_listing))
        .route("/units/{id}/listing", post(unit_listing))
        .route("/units/listing", post(new_unit_listing))
        .route("/tasks/{id}/quality", post(quality))
        .route("/tasks/{id}/cancel", post(cancel))
        .route(
            "/tasks/{id}/report",
            post(report).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(download))
}

struct ReceiptLine {
    who: String,
    kind: &'static str,
    signed: Option<String>,
    by: String,
}

struct AttachmentLine {
    id: i64,
    name: String,
    size: String,
}

struct ReportLine {
    unit: String,
    author: String,
    kind: &'static str,
    body: String,
    at: String,
    status_code: &'static str,
    status: &'static str,
    decision: Option<String>,
    attachments: Vec<AttachmentLine>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskView {
    nav: Nav,
    id: i64,
    version: i64,
    matter_id: i64,
    matter_title: String,
    ledger_no: String,
    notice_no: Option<String>,
    t: TaskLine,
    moments: Vec<(&'static str, String)>,
    receipts: Vec<ReceiptLine>,
    reports: Vec<ReportLine>,
    block: ActionBlock,
    report_actions: Vec<OfferedAction>,
    instructions: Vec<InstructionLine>,
    timeline: Vec<Step>,
    max_mb: u64,
    /// The score sheet this actor's department may fill in now (业务部门打分).
    score_sheet: Option<ScoreSheet>,
    /// Scores given so far (special inspections).
    scores: Vec<ScoreLine>,
    /// 时限与反馈.
    deadline: DeadlineBlock,
}

/// The deadline part of the task page: lights, required reports, urging, extensions.
struct DeadlineBlock {
    cadence: String,
    cadence_opts: Vec<crate::view::Opt>,
    due: Vec<DueLine>,
    unsigned: bool,
    missing: usize,
    overdue: bool,
    urges: u32,
    suggest_listing: bool,
    extensions: Vec<ExtensionLine>,
    can_urge: bool,
    can_set_cadence: bool,
    can_request: bool,
    can_decide: bool,
    min_new: String,
    /// 挂牌督办: the open listing of the task (or of its lead unit), the history, and what may be done.
    listed: Option<String>,
    unit_listed: Option<String>,
    listings: Vec<(String, String, String)>,
    can_list: bool,
    today: String,
    /// 问责 and 移送纪工委.
    accountability: Vec<String>,
    referrals: Vec<(i64, String)>,
    can_hold: bool,
    targets: Vec<crate::view::Opt>,
    kinds: Vec<crate::view::Opt>,
    /// 办理质量评价 by the responsible leader once the task is finished.
    quality: Option<&'static str>,
    can_rate: bool,
    /// 中止/撤销.
    cancellations: Vec<String>,
    can_propose_cancel: bool,
    can_decide_cancel: bool,
}

struct DueLine {
    due: String,
    received: String,
    status: &'static str,
    code: &'static str,
}

struct ExtensionLine {
    at: String,
    who: String,
    from: String,
    to: String,
    reason: String,
    status_code: &'static str,
    status: &'static str,
    decision: String,
}

struct ScoreSheet {
    department: String,
    items: Vec<(usize, String, String)>,
}

struct ScoreLine {
    department: String,
    item: String,
    max: String,
    points: String,
    remark: String,
}

fn size_label(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1048576.0)
    } else {
        format!("{:.0} KB", (n as f64 / 1024.0).ceil())
    }
}

async fn task_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(done): Query<crate::view::Done>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.store.task_view(a, TaskId(id)).await?;
    let names = Names::load(&state).await?;
    let clock = crate::view::Clock::load(&state).await?;
    let attachments = state.store.task_attachments(TaskId(id)).await?;
    let t = &v.task;
    let offered = task_actions(a, t, &v.context());
    let (report_actions, actions): (Vec<_>, Vec<_>) = offered
        .into_iter()
        .partition(|x| x.code.starts_with("report"));
    let moment = |label: &'static str, m: Option<i64>| {
        (label, m.map(cn_datetime).unwrap_or_else(|| "—".to_owned()))
    };
    let tobj = ObjectRef::Task(t.id);
    let timeline = state
        .store
        .timeline(v.matter.id.0)
        .await?
        .iter()
        .filter(|r| r.object_type == "task" && r.object_id == id)
        .map(Step::from)
        .collect();
    let view = TaskView {
        id,
        version: t.version,
        matter_id: v.matter.id.0,
        matter_title: v.matter.title.clone(),
        ledger_no: v.matter.ledger_no(),
        notice_no: v.matter.notice_no.clone(),
        t: TaskLine::new(t, &names, &clock),
        moments: vec![
            moment("立项", Some(t.registered_at)),
            moment("签收", t.received_at),
            moment("开展", t.started_at),
            moment("报告", t.reported_at),
            moment("完成", t.finished_at),
            moment("销号", t.closed_at),
        ],
        receipts: v
            .receipts
            .iter()
            .map(|r| {
                let (who, kind) = match r.recipient {
                    Recipient::User(u) => (names.user(u), "责任领导"),
                    Recipient::Unit(u) if u == t.lead_unit => (names.unit(u), "牵头单位"),
                    Recipient::Unit(u) => (names.unit(u), "配合单位"),
                };
                ReceiptLine {
                    who,
                    kind,
                    signed: r.signed_at.map(cn_datetime),
                    by: r.signed_by.map(|u| names.user(u)).unwrap_or_default(),
                }
            })
            .collect(),
        reports: v
            .reports
            .iter()
            .rev()
            .map(|r| ReportLine {
                unit: names.unit(r.unit_id),
                author: names.user(r.author_id),
                kind: if r.is_final {
                    "办结报告"
                } else {
                    "进展报告"
                },
                body: r.body.clone(),
                at: cn_datetime(r.submitted_at),
                status_code: r.status.code(),
                status: r.status.label(),
                decision: r.decision_note.clone().map(|n| {
                    format!(
                        "{}：{}",
                        r.decided_by.map(|u| names.user(u)).unwrap_or_default(),
                        n
                    )
                }),
                attachments: attachments
                    .iter()
                    .filter(|x| x.object_type == "report" && x.object_id == r.id.0)
                    .map(|x| AttachmentLine {
                        id: x.id,
                        name: x.name.clone(),
                        size: size_label(x.size),
                    })
                    .collect(),
            })
            .collect(),
        block: ActionBlock {
            url: format!("/tasks/{id}/act"),
            version: t.version,
            actions,
        },
        report_actions,
        instructions: instruction_lines(state.store.instructions(tobj).await?),
        timeline,
        max_mb: state.config.max_upload_bytes / 1024 / 1024,
        score_sheet: duban_domain::can_score(a, t, &v.context()).map(|app| ScoreSheet {
            department: names.unit(app.unit_id),
            items: app
                .score_items
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.name.clone(), duban_domain::points(s.max_tenths)))
                .collect(),
        }),
        deadline: deadline_block(&state, a, &v, &clock, &names).await?,
        scores: v
            .special
            .iter()
            .flat_map(|d| {
                d.scores
                    .iter()
                    .filter(|s| s.task_id == t.id)
                    .filter_map(|s| {
                        let app = d.applications.iter().find(|x| x.id == s.application_id)?;
                        let item = app.score_items.get(s.item)?;
                        Some(ScoreLine {
                            department: names.unit(app.unit_id),
                            item: item.name.clone(),
                            max: duban_domain::points(item.max_tenths),
                            points: duban_domain::points(s.tenths),
                            remark: s.remark.clone(),
                        })
                    })
            })
            .collect(),
        nav: Nav::new(&state, &user, "ledger").await?.with_done(&done),
    };
    render(&view)
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let cmd = TaskCommand::parse(&f.form.action, f.form.text.as_deref())?;
    state
        .store
        .act_on_task(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            cmd,
            &[],
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done={}", f.form.action)).into_response())
}

async fn deadline_block(
    state: &AppState,
    a: &duban_domain::Actor,
    v: &duban_store::ledger::TaskView,
    clock: &crate::view::Clock,
    names: &Names,
) -> Result<DeadlineBlock, PageError> {
    let t = &v.task;
    let settings = state.store.settings().await?;
    let rules = duban_store::deadlines::rules_of(&settings);
    let due = duban_domain::due_reports(t, t.cadence, &v.reports, clock.today, &clock.cal);
    let sig = duban_domain::signals(t, &due, clock.now);
    let history = state.store.extensions(t.id).await?;
    let pending = history
        .iter()
        .find(|e| e.status == duban_domain::ExtensionStatus::Pending);
    let offered = duban_domain::extension_actions(a, &v.matter, t, pending);
    let cancellations = state.store.cancellations(t.id).await?;
    let pending_cancel = cancellations
        .iter()
        .find(|c| c.status == duban_domain::CancelStatus::Pending);
    let history_listings = state
        .store
        .listings(duban_domain::ListedObject::Task(t.id))
        .await?;
    let describe = |l: &duban_domain::Listing| {
        format!(
            "{}（整改时限{}）",
            l.reason,
            duban_domain::time::cn_date(l.rectify_by)
        )
    };
    let listed = history_listings.iter().find(|l| l.is_open()).map(describe);
    let unit_listed = state
        .store
        .listings(duban_domain::ListedObject::Unit(t.lead_unit))
        .await?
        .iter()
        .find(|l| l.is_open())
        .map(describe);
    let mut cadence_opts = crate::pages::matters::cadence_opts();
    let current = t.cadence.map(|c| c.code()).unwrap_or_default();
    for o in cadence_opts.iter_mut() {
        o.selected = o.value == current;
    }
    if let Some(c) = t.cadence
        && !cadence_opts.iter().any(|o| o.selected)
    {
        cadence_opts.push(crate::view::Opt {
            value: c.code(),
            label: c.label(),
            selected: true,
        });
    }
    Ok(DeadlineBlock {
        cadence: t
            .cadence
            .map(|c| c.label())
            .unwrap_or_else(|| "不设（到期报送办结报告）".to_owned()),
        cadence_opts,
        due: due
            .iter()
            .map(|d| {
                let (code, status) = match (d.received, d.missing, d.late) {
                    (Some(_), _, true) => ("late", "逾期报送"),
                    (Some(_), _, false) => ("on_time", "已报送"),
                    (None, true, _) => ("red", "缺报"),
                    (None, false, _) => ("green", "未到期"),
                };
                DueLine {
                    due: duban_domain::time::cn_date(d.due),
                    received: d.received.map(cn_datetime).unwrap_or_default(),
                    status,
                    code,
                }
            })
            .collect(),
        unsigned: sig.unsigned,
        missing: sig.missing_reports,
        overdue: sig.overdue,
        urges: t.urges,
        suggest_listing: duban_domain::suggests_listing(
            t,
            t.urges,
            clock.today,
            clock.now,
            &clock.cal,
            &rules,
        ),
        extensions: history
            .iter()
            .rev()
            .map(|e| ExtensionLine {
                at: cn_datetime(e.requested_at),
                who: names.user(e.requested_by),
                from: duban_domain::time::cn_date(e.old_deadline),
                to: duban_domain::time::cn_date(e.new_deadline),
                reason: e.reason.clone(),
                status_code: e.status.code(),
                status: e.status.label(),
                decision: match (e.decided_by, &e.note) {
                    (Some(u), Some(n)) => format!("{}：{n}", names.user(u)),
                    _ => String::new(),
                },
            })
            .collect(),
        can_urge: duban_domain::urge(a, &v.matter, t, "（检查）").is_ok(),
        can_set_cadence: a.has(duban_domain::Role::SupervisionOffice) && !t.is_done(),
        can_request: offered.contains(&"request"),
        can_decide: offered.contains(&"approve"),
        min_new: (t.deadline + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string(),
        listings: history_listings
            .iter()
            .map(|l| {
                (
                    cn_datetime(l.listed_at),
                    describe(l),
                    match (l.lifted_at, &l.lift_note) {
                        (Some(at), Some(n)) => format!("{} 摘牌：{n}", cn_datetime(at)),
                        _ => "挂牌中".to_owned(),
                    },
                )
            })
            .collect(),
        listed,
        unit_listed,
        can_list: duban_domain::can_list(a) && !v.task.is_done(),
        today: clock.today.format("%Y-%m-%d").to_string(),
        accountability: if duban_domain::can_hold_to_account(a) {
            state
                .store
                .accountability(t.id)
                .await?
                .iter()
                .map(|x| crate::documents::accountability_line(x, names))
                .collect()
        } else {
            vec![]
        },
        referrals: if duban_domain::can_hold_to_account(a) {
            state
                .store
                .referrals_of(t.id)
                .await?
                .iter()
                .map(|r| {
                    (
                        r.id,
                        format!(
                            "{} 移送：{}（{}）",
                            cn_datetime(r.created_at),
                            r.reason,
                            if r.acknowledged_at.is_some() {
                                "已受理"
                            } else {
                                "待受理"
                            }
                        ),
                    )
                })
                .collect()
        } else {
            vec![]
        },
        can_hold: duban_domain::can_hold_to_account(a),
        targets: {
            let mut o: Vec<crate::view::Opt> = std::iter::once(t.lead_unit)
                .chain(t.coop_units.iter().copied())
                .map(|u| crate::view::Opt {
                    value: format!("unit:{}", u.0),
                    label: format!("单位：{}", names.unit(u)),
                    selected: false,
                })
                .collect();
            o.extend(
                names
                    .users
                    .iter()
                    .filter(|u| u.active && (u.unit_id == t.lead_unit || t.leaders.contains(&u.id)))
                    .map(|u| crate::view::Opt {
                        value: format!("user:{}", u.id.0),
                        label: format!("个人：{}（{}）", u.name, u.title),
                        selected: false,
                    }),
            );
            o
        },
        quality: state.store.quality_of(t.id).await?.map(|q| q.label()),
        cancellations: cancellations
            .iter()
            .map(|c| {
                format!(
                    "{} 提请：{}（{}{}）",
                    cn_datetime(c.proposed_at),
                    c.reason,
                    c.status.label(),
                    c.note
                        .as_ref()
                        .map(|n| format!("，{n}"))
                        .unwrap_or_default()
                )
            })
            .collect(),
        can_propose_cancel: duban_domain::decide_cancel(
            a,
            &v.matter,
            t,
            &v.siblings,
            pending_cancel,
            None,
            "（检查）",
            0,
        )
        .is_ok(),
        can_decide_cancel: duban_domain::decide_cancel(
            a,
            &v.matter,
            t,
            &v.siblings,
            pending_cancel,
            Some(false),
            "（检查）",
            0,
        )
        .is_ok(),
        can_rate: duban_domain::can_rate(a, t).is_ok(),
        kinds: crate::view::opts(
            duban_domain::AccountabilityKind::ALL,
            duban_domain::AccountabilityKind::code,
            duban_domain::AccountabilityKind::label,
            "ineffective",
        ),
    })
}

/// 挂牌督办 / 摘牌 as the form (or JSON) sends it.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct ListingForm {
    /// list or lift
    #[serde(default)]
    pub action: String,
    /// 挂牌理由 (list) or 核查意见 (lift)
    #[serde(default)]
    pub text: String,
    /// 整改时限 (list), YYYY-MM-DD
    #[serde(default)]
    pub rectify_by: String,
}

impl ListingForm {
    pub async fn apply(
        &self,
        state: &AppState,
        actor: &duban_domain::Actor,
        object: duban_domain::ListedObject,
        meta: &duban_store::Meta,
    ) -> Result<(), duban_store::StoreError> {
        let lift = match self.action.as_str() {
            "list" => false,
            "lift" => true,
            other => {
                return Err(DomainError::invalid("操作", format!("未知操作“{other}”")).into());
            }
        };
        state
            .store
            .set_listing(actor, object, lift, &self.text, &self.rectify_by, meta)
            .await
    }
}

async fn task_listing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ListingForm>,
) -> Result<Response, PageError> {
    state.store.task_view(&f.user.actor, TaskId(id)).await?;
    f.form
        .apply(
            &state,
            &f.user.actor,
            duban_domain::ListedObject::Task(TaskId(id)),
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=listing_{}", f.form.action)).into_response())
}

#[derive(serde::Deserialize)]
struct CancelForm {
    #[serde(default)]
    version: i64,
    /// propose, approve or refuse
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<CancelForm>,
) -> Result<Response, PageError> {
    let decision = match f.form.action.as_str() {
        "propose" => None,
        "approve" => Some(true),
        "refuse" => Some(false),
        other => return Err(DomainError::invalid("操作", format!("未知操作“{other}”")).into()),
    };
    state
        .store
        .act_on_cancel(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            decision,
            &f.form.text,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=cancel_{}", f.form.action)).into_response())
}

#[derive(serde::Deserialize)]
struct QualityForm {
    #[serde(default)]
    quality: String,
}

async fn quality(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<QualityForm>,
) -> Result<Response, PageError> {
    let q = duban_domain::Quality::from_code(&f.form.quality)?;
    state
        .store
        .rate_quality(&f.user.actor, TaskId(id), q, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=quality")).into_response())
}

#[derive(serde::Deserialize)]
struct UnitListingForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    rectify_by: String,
}

async fn new_unit_listing(
    State(state): State<AppState>,
    f: CsrfForm<UnitListingForm>,
) -> Result<Response, PageError> {
    let unit: i64 = f
        .form
        .unit
        .trim()
        .parse()
        .map_err(|_| DomainError::invalid("单位", "请选择单位"))?;
    let form = ListingForm {
        action: "list".into(),
        text: f.form.text.clone(),
        rectify_by: f.form.rectify_by.clone(),
    };
    form.apply(
        &state,
        &f.user.actor,
        duban_domain::ListedObject::Unit(duban_domain::UnitId(unit)),
        &f.ip.meta(),
    )
    .await?;
    Ok(Redirect::to("/dashboard?done=listing_list").into_response())
}

async fn unit_listing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ListingForm>,
) -> Result<Response, PageError> {
    f.form
        .apply(
            &state,
            &f.user.actor,
            duban_domain::ListedObject::Unit(duban_domain::UnitId(id)),
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/dashboard?done=listing_{}", f.form.action)).into_response())
}

#[derive(serde::Deserialize)]
struct UrgeForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    text: String,
}

async fn urge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<UrgeForm>,
) -> Result<Response, PageError> {
    state
        .store
        .urge_task(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            &f.form.text,
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=urge")).into_response())
}

/// An extension step as the form (or JSON) sends it: request (text, new_deadline), approve, refuse.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct ExtensionForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub new_deadline: Option<String>,
}

impl ExtensionForm {
    pub fn command(&self) -> Result<duban_domain::ExtensionCommand, DomainError> {
        duban_domain::ExtensionCommand::parse(
            &self.action,
            self.text.as_deref(),
            self.new_deadline.as_deref(),
        )
    }
}

async fn extension(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ExtensionForm>,
) -> Result<Response, PageError> {
    let cmd = f.form.command()?;
    state
        .store
        .act_on_extension(&f.user.actor, TaskId(id), f.form.version, cmd, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=extension_{}", f.form.action)).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct CadenceForm {
    #[serde(default)]
    pub version: i64,
    /// weekly:1 … weekly:5, monthly:1–28, workdays:1–60, or empty to clear
    #[serde(default)]
    pub cadence: String,
}

async fn cadence(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<CadenceForm>,
) -> Result<Response, PageError> {
    let c = duban_domain::Cadence::parse(&f.form.cadence)?;
    state
        .store
        .set_cadence(&f.user.actor, TaskId(id), f.form.version, c, &f.ip.meta())
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=cadence")).into_response())
}

/// A department's scores: `points` and `remarks` in the order of its score sheet.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct ScoreForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub points: Vec<String>,
    #[serde(default)]
    pub remarks: Vec<String>,
}

impl ScoreForm {
    pub fn command(&self) -> TaskCommand {
        TaskCommand::Score {
            points: self
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), self.remarks.get(i).cloned().unwrap_or_default()))
                .collect(),
        }
    }
}

async fn score(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: CsrfForm<ScoreForm>,
) -> Result<Response, PageError> {
    state
        .store
        .act_on_task(
            &f.user.actor,
            TaskId(id),
            f.form.version,
            f.form.command(),
            &[],
            &f.ip.meta(),
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done=score")).into_response())
}

/// A progress report as a multipart form sends it (pages and API alike).
pub(crate) struct ReportUpload {
    pub csrf: String,
    pub version: i64,
    pub action: String,
    pub body: String,
    pub files: Vec<StoredBlob>,
}

/// Reads a report form; every file is checked (size, type by content) and stored as it arrives.
/// With `csrf`, the form's token must come (first) and match before any file is stored.
pub(crate) async fn read_report(
    state: &AppState,
    mut mp: Multipart,
    csrf: Option<&str>,
) -> Result<ReportUpload, StoreError> {
    let mut up = ReportUpload {
        csrf: String::new(),
        version: 0,
        action: "report".into(),
        body: String::new(),
        files: vec![],
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        DomainError::invalid("表单", format!("上传内容无法读取：{e}"))
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "files" => {
                if csrf.is_some_and(|expected| !same_token(&up.csrf, expected)) {
                    return Err(DomainError::forbidden(
                        "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重新提交",
                    )
                    .into());
                }
                let file_name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                if file_name.is_empty() && bytes.is_empty() {
                    continue; // an empty file input
                }
                up.files.push(
                    blobs::put(
                        &state.config.blob_dir,
                        &file_name,
                        &bytes,
                        state.config.max_upload_bytes,
                    )
                    .await?,
                );
            }
            "_csrf" => up.csrf = field.text().await.map_err(bad)?,
            "version" => {
                let t = field.text().await.map_err(bad)?;
                up.version = t
                    .trim()
                    .parse()
                    .map_err(|_| DomainError::invalid("版本", "无效"))?;
            }
            "action" | "final" => {
                let t = field.text().await.map_err(bad)?;
                up.action = match t.trim() {
                    "report_final" | "true" | "1" => "report_final".into(),
                    _ => "report".into(),
                };
            }
            "body" | "text" => up.body = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if up.files.len() > 20 {
        return Err(DomainError::invalid("附件", "一次最多上传20个文件").into());
    }
    Ok(up)
}

/// Applies a read report: the domain decides, the store links the files in the same transaction.
pub(crate) async fn submit_report(
    state: &AppState,
    user: &Authed,
    id: i64,
    up: ReportUpload,
    meta: &Meta,
) -> Result<(), StoreError> {
    let cmd = TaskCommand::parse(&up.action, Some(&up.body))?;
    state
        .store
        .act_on_task(&user.actor, TaskId(id), up.version, cmd, &up.files, meta)
        .await?;
    Ok(())
}

async fn report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    // Nothing is stored for a task the user cannot see, nor before the CSRF token matched.
    state.store.task_view(&user.actor, TaskId(id)).await?;
    let up = read_report(&state, mp, Some(&user.csrf)).await?;
    if !same_token(&up.csrf, &user.csrf) {
        return Ok(csrf_rejection());
    }
    let action = up.action.clone();
    submit_report(&state, &user, id, up, &ip.meta()).await?;
    Ok(Redirect::to(&format!("/tasks/{id}?done={action}")).into_response())
}

/// Serves an attachment only as a download, only to someone who may see its task.
pub(crate) async fn attachment_response(
    state: &AppState,
    user: &Authed,
    id: i64,
) -> Result<Response, StoreError> {
    let a = state.store.attachment_for(&user.actor, id).await?;
    let bytes = tokio::fs::read(blobs::blob_path(&state.config.blob_dir, &a.sha256)).await?;
    Ok(crate::documents::download(
        &a.name,
        "application/octet-stream",
        bytes,
    ))
}

async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(attachment_response(&state, &user, id).await?)
}
