//! The documents of the three procedures as the office files them, as .docx in GB/T 9704 form:
//! 督办通知 (B), 批示件转办单 and 督查汇报 (A), 督查考核申请书, 专项督查考核方案 and 督查考核通知 (C),
//! the periodical issue of a 督查通报; and a closed matter's archive package (归档备查) as one
//! .zip with every document, report, attachment, the timeline and an index sheet.

use std::io::Write;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use duban_docs::official::{self, BulletinIssue, Fonts, NoticeTask, SupervisionNotice};
use duban_domain::time::{china_date, cn_date, cn_datetime};
use duban_domain::{
    Actor, BulletinId, BulletinState, DomainError, Matter, MatterId, MatterState, ObjectRef,
    Recipient, Urgency,
};
use duban_store::audit::AuditEntry;
use duban_store::ledger::{LedgerFilter, LedgerRow, LedgerSort};
use duban_store::org::OrgSettings;
use duban_store::{Meta, StoreError, blobs};

use crate::AppState;
use crate::view::Names;

pub const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub fn fonts(s: &OrgSettings) -> Fonts {
    Fonts {
        title: s.font_title.clone(),
        body: s.font_body.clone(),
        heading1: s.font_heading1.clone(),
        heading2: s.font_heading2.clone(),
        ..Fonts::default()
    }
}

fn issuer(s: &OrgSettings) -> String {
    format!("{}考核督查办公室", s.org_name)
}

fn doc_error(e: official::DocxError) -> StoreError {
    StoreError::Config(e.to_string())
}

/// A document built from the data: written as .docx, or shown as a print view.
pub struct Document {
    /// File name without extension.
    pub name: String,
    pub doc: official::OfficialDoc,
    pub fonts: Fonts,
}

impl Document {
    pub fn docx(&self) -> Result<(String, Vec<u8>), StoreError> {
        let bytes = official::docx(&self.doc, &self.fonts).map_err(doc_error)?;
        Ok((format!("{}.docx", self.name), bytes))
    }
    pub fn download(&self) -> Result<Response, StoreError> {
        let (name, bytes) = self.docx()?;
        Ok(download(&name, DOCX_TYPE, bytes))
    }
    /// The same document as a print view without chrome; `docx_url` offers the Word file.
    pub fn print(&self, docx_url: String) -> Result<Response, crate::error::PageError> {
        let d = &self.doc;
        let view = PrintDoc {
            css: crate::assets::css_url(),
            js: crate::assets::js_url(),
            name: self.name.clone(),
            docx_url,
            urgency: d.urgency.clone(),
            headless: d.headless,
            issuer: d.issuer.clone(),
            issue: d.issue.clone(),
            masthead_line: d.masthead_line.clone(),
            doc_no: d.doc_no.clone(),
            sign_off: d.sign_off.clone(),
            title: d.title.clone(),
            addressee: d.addressee.clone(),
            blocks: d.blocks.iter().map(PrintBlock::from).collect(),
            attachments: d.attachments.clone(),
            signature: d
                .signature
                .as_ref()
                .map(|s| (s.organ.clone(), s.date.clone())),
            note: d.note.clone(),
            copy_to: d.copy_to.clone(),
            distribution: d.distribution.clone(),
            printed_by: d.printed_by.clone(),
        };
        crate::pages::render(&view)
    }
}

#[derive(askama::Template)]
#[template(path = "print_doc.html")]
struct PrintDoc {
    css: String,
    js: String,
    name: String,
    docx_url: String,
    urgency: Option<String>,
    headless: bool,
    issuer: String,
    issue: Option<String>,
    masthead_line: Option<(String, String)>,
    doc_no: Option<String>,
    sign_off: Option<String>,
    title: String,
    addressee: Option<String>,
    blocks: Vec<PrintBlock>,
    attachments: Vec<String>,
    signature: Option<(String, String)>,
    note: Option<String>,
    copy_to: Option<String>,
    distribution: Vec<(String, String)>,
    printed_by: Option<(String, String)>,
}

struct PrintBlock {
    kind: &'static str,
    text: String,
    headers: Vec<String>,
    rows: Vec<PrintRow>,
}

struct PrintRow {
    cells: Vec<String>,
    /// Columns the last cell spans (a form's wide value).
    span: usize,
    height: Option<f32>,
}

impl From<&official::Block> for PrintBlock {
    fn from(b: &official::Block) -> Self {
        let text = |kind: &'static str, t: &str| PrintBlock {
            kind,
            text: t.to_owned(),
            headers: vec![],
            rows: vec![],
        };
        match b {
            official::Block::Paragraph(t) => text("paragraph", t),
            official::Block::Plain(t) => text("plain", t),
            official::Block::Heading1(t) => text("heading1", t),
            official::Block::Heading2(t) => text("heading2", t),
            official::Block::Heading3(t) => text("heading3", t),
            official::Block::Table(t) => {
                let columns = t
                    .widths_mm
                    .len()
                    .max(t.headers.len())
                    .max(t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
                PrintBlock {
                    kind: "table",
                    text: String::new(),
                    headers: t.headers.clone(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| PrintRow {
                            cells: r.cells.clone(),
                            span: columns.saturating_sub(r.cells.len()) + 1,
                            height: r.min_height_mm,
                        })
                        .collect(),
                }
            }
        }
    }
}

/// A file download with a UTF-8 name.
pub fn download(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::view::percent_encode(name, b"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"document\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn issued_on(state: &AppState, m: &Matter) -> Result<NaiveDate, StoreError> {
    let at = state
        .store
        .timeline(m.id.0)
        .await?
        .into_iter()
        .find(|r| DISPATCH_ACTIONS.contains(&r.action.as_str()))
        .map(|r| r.at);
    Ok(china_date(at.unwrap_or(m.created_at)))
}

/// The steps that dispatch a matter with a numbered document.
pub const DISPATCH_ACTIONS: [&str; 3] =
    ["matter.issue_notice", "matter.forward", "inspection.notify"];

fn urgency_mark(u: Urgency) -> Option<String> {
    match u {
        Urgency::VeryUrgent => Some("特急".to_owned()),
        Urgency::Urgent => Some("加急".to_owned()),
        Urgency::Normal => None,
    }
}

fn notice_tasks(tasks: &[duban_domain::Task], names: &Names) -> Vec<NoticeTask> {
    tasks
        .iter()
        .map(|t| NoticeTask {
            content: t.content.clone(),
            leaders: names.users(&t.leaders),
            units: names.responsible_units(t, "\n"),
            requirements: t.requirements.clone(),
            deadline: format!("{}前", cn_date(t.deadline)),
        })
        .collect()
}

/// The principal leader's latest approving instruction on a matter: (text, who, when).
async fn approval(
    state: &AppState,
    m: &Matter,
) -> Result<Option<(String, String, i64)>, StoreError> {
    Ok(state
        .store
        .instructions(ObjectRef::Matter(m.id))
        .await?
        .into_iter()
        .rev()
        .find(|(k, ..)| k == "approve")
        .map(|(_, text, who, at)| (text, who, at)))
}

/// The document that dispatched a matter: the 督办通知 (Local), the 批示件转办单 (Superior) or
/// the 督查考核通知 (Special; `unit` addresses it to one inspected unit), as .docx.
pub async fn notice_docx(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
) -> Result<Document, StoreError> {
    dispatch_docx(state, actor, id, None).await
}

pub async fn dispatch_docx(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
    unit: Option<duban_domain::UnitId>,
) -> Result<Document, StoreError> {
    let v = state.store.matter_view(actor, id).await?;
    match v.matter.kind {
        duban_domain::MatterKind::Superior => transfer_docx(state, &v).await,
        duban_domain::MatterKind::Special => inspection_notice_docx(state, actor, &v, unit).await,
        duban_domain::MatterKind::Local => supervision_notice_docx(state, &v).await,
    }
}

async fn supervision_notice_docx(
    state: &AppState,
    v: &duban_store::ledger::MatterView,
) -> Result<Document, StoreError> {
    let m = &v.matter;
    let doc_no = m
        .notice_no
        .clone()
        .ok_or_else(|| DomainError::state("该事项尚未印发督办通知"))?;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let instruction = approval(state, m).await?.map(|(text, who, _)| {
        format!(
            "{who}同志“{}”的批示要求",
            text.trim().trim_end_matches('。')
        )
    });
    let report_by = v
        .tasks
        .iter()
        .map(|t| t.deadline)
        .min()
        .map(cn_date)
        .unwrap_or_default();
    let notice = SupervisionNotice {
        issuer: issuer(&settings),
        doc_no: doc_no.clone(),
        urgency: urgency_mark(m.urgency),
        subject: m.title.clone(),
        addressee: String::new(),
        source: format!("{}{}", cn_date(m.source_date), m.source.label()),
        instruction,
        tasks: notice_tasks(&v.tasks, &names),
        report_by,
        date: cn_date(issued_on(state, m).await?),
        contact: None,
        copy_to: None,
    };
    Ok(Document {
        name: format!("督办通知-{doc_no}"),
        doc: official::supervision_notice(&notice),
        fonts: fonts(&settings),
    })
}

/// 批示件转办单 of a forwarded Superior matter.
async fn transfer_docx(
    state: &AppState,
    v: &duban_store::ledger::MatterView,
) -> Result<Document, StoreError> {
    let m = &v.matter;
    let doc_no = m
        .notice_no
        .clone()
        .ok_or_else(|| DomainError::state("该事项尚未印发批示件转办单"))?;
    let sup = m
        .superior
        .clone()
        .ok_or_else(|| DomainError::state("缺少上级来文信息"))?;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let (instruction, instructed_by, instructed_at) = approval(state, m)
        .await?
        .unwrap_or_else(|| (String::new(), String::new(), m.created_at));
    let mut recipients: Vec<String> = Vec::new();
    for t in &v.tasks {
        for n in t
            .leaders
            .iter()
            .map(|u| names.user(*u))
            .chain(std::iter::once(names.unit(t.lead_unit)))
            .chain(t.coop_units.iter().map(|u| names.unit(*u)))
        {
            if !recipients.contains(&n) {
                recipients.push(n);
            }
        }
    }
    let slip = official::TransferSlip {
        issuer: issuer(&settings),
        doc_no: doc_no.clone(),
        urgency: urgency_mark(m.urgency),
        source_issuer: sup.issuer.clone(),
        source_doc_no: sup.doc_no.clone(),
        channel: sup.channel.label().to_owned(),
        received: cn_datetime(sup.received_at),
        subject: m.title.clone(),
        summary: m.source_text.clone(),
        instruction,
        instructed_by,
        instructed_on: cn_date(china_date(instructed_at)),
        tasks: notice_tasks(&v.tasks, &names),
        recipients,
        report_by: format!("{}前", cn_date(sup.report_deadline)),
        report_to: sup.report_to.clone(),
        date: cn_date(issued_on(state, m).await?),
        contact: None,
        copy_to: None,
    };
    Ok(Document {
        name: format!("批示件转办单-{doc_no}"),
        doc: official::transfer_slip(&slip),
        fonts: fonts(&settings),
    })
}

fn doc_mode(m: duban_domain::InspectionMode) -> official::InspectionMode {
    match m {
        duban_domain::InspectionMode::OnSite => official::InspectionMode::OnSite,
        duban_domain::InspectionMode::Written => official::InspectionMode::Written,
    }
}

fn window(i: &duban_domain::Inspection) -> String {
    if i.window_start == i.window_end {
        cn_date(i.window_start)
    } else {
        format!("{}至{}", cn_date(i.window_start), cn_date(i.window_end))
    }
}

fn contents(data: &duban_store::special::SpecialData, names: &Names) -> Vec<(String, String)> {
    data.applications
        .iter()
        .map(|a| (names.unit(a.unit_id), a.content.clone()))
        .collect()
}

/// 督查考核通知 to the inspected units (or to one of them).
async fn inspection_notice_docx(
    state: &AppState,
    actor: &Actor,
    v: &duban_store::ledger::MatterView,
    unit: Option<duban_domain::UnitId>,
) -> Result<Document, StoreError> {
    let m = &v.matter;
    let doc_no = m
        .notice_no
        .clone()
        .ok_or_else(|| DomainError::state("尚未下达督查考核通知"))?;
    let data = state
        .store
        .special_view(actor, m.id)
        .await?
        .ok_or_else(|| DomainError::state("缺少专项督查考核方案"))?;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let units: Vec<duban_domain::UnitId> = match unit {
        Some(u) if v.tasks.iter().any(|t| t.lead_unit == u) => vec![u],
        Some(_) => return Err(DomainError::not_found("被督查考核单位").into()),
        None => v.tasks.iter().map(|t| t.lead_unit).collect(),
    };
    let i = &data.inspection;
    let notice = official::InspectionNoticeDoc {
        issuer: issuer(&settings),
        doc_no: doc_no.clone(),
        urgency: None,
        addressee: names.units(&units),
        subject: m.title.trim_end_matches("方案").to_owned(),
        joint: data.joint(),
        mode: doc_mode(i.mode),
        window: window(i),
        report_by: cn_date(i.window_end),
        contents: contents(&data, &names),
        requirements: i.requirements.clone(),
        team: i.team.clone(),
        contact: None,
        date: cn_date(issued_on(state, m).await?),
        copy_to: None,
    };
    let to = match unit {
        Some(u) => format!("-{}", names.unit(u)),
        None => String::new(),
    };
    Ok(Document {
        name: format!("督查考核通知-{doc_no}{to}"),
        doc: official::inspection_notice(&notice),
        fonts: fonts(&settings),
    })
}

/// 专项督查考核方案 of a launched special inspection.
pub async fn plan_docx(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
) -> Result<Document, StoreError> {
    let v = state.store.matter_view(actor, id).await?;
    let m = &v.matter;
    let data = state
        .store
        .special_view(actor, id)
        .await?
        .ok_or_else(|| DomainError::state("该事项不是部门专项督查"))?;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let i = &data.inspection;
    let plan = official::InspectionPlanDoc {
        issuer: issuer(&settings),
        doc_no: None,
        subject: m.title.clone(),
        joint: data.joint(),
        preamble: String::new(),
        window: window(i),
        targets: v.tasks.iter().map(|t| names.unit(t.lead_unit)).collect(),
        contents: contents(&data, &names),
        requirements: i.requirements.clone(),
        mode: doc_mode(i.mode),
        team: i.team.clone(),
        vehicle: i.vehicle.clone(),
        score_items: data
            .applications
            .iter()
            .flat_map(|a| {
                let dept = names.unit(a.unit_id);
                a.score_items.iter().map(move |s| {
                    (
                        dept.clone(),
                        s.name.clone(),
                        duban_domain::points(s.max_tenths),
                    )
                })
            })
            .collect(),
        date: cn_date(china_date(m.created_at)),
        copy_to: None,
    };
    Ok(Document {
        name: format!("专项督查考核方案-{}", m.ledger_no()),
        doc: official::inspection_plan(&plan),
        fonts: fonts(&settings),
    })
}

/// A department's 督查考核申请书, with the opinions given so far.
pub async fn application_docx(
    state: &AppState,
    actor: &Actor,
    id: duban_domain::ApplicationId,
) -> Result<Document, StoreError> {
    let v = state.store.application_view(actor, id).await?;
    let a = &v.application;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let opinion = |action: &str| {
        v.timeline
            .iter()
            .rev()
            .find(|r| r.action == action)
            .map(|r| {
                let text = r
                    .summary
                    .split_once('：')
                    .map(|(_, t)| t.to_owned())
                    .unwrap_or_else(|| r.summary.clone());
                (text, r.actor_name.clone(), cn_date(china_date(r.at)))
            })
    };
    let doc = official::InspectionApplication {
        department: names.unit(a.unit_id),
        subject: a.subject.clone(),
        reason: a.reason.clone(),
        targets: names.units(&a.targets),
        content: a.content.clone(),
        window: if a.window_start == a.window_end {
            cn_date(a.window_start)
        } else {
            format!("{}至{}", cn_date(a.window_start), cn_date(a.window_end))
        },
        mode: doc_mode(a.mode),
        plan: v
            .plan_item
            .as_ref()
            .map(|p| format!("{}（{}月）", p.subject, p.month)),
        score_items: a
            .score_items
            .iter()
            .map(|s| (s.name.clone(), duban_domain::points(s.max_tenths)))
            .collect(),
        applicant: names.user(a.created_by),
        applied_on: cn_date(china_date(a.created_at)),
        dept_head: None,
        area_leader: opinion("application.area_approve"),
        principal: opinion("application.principal_approve"),
        supervision_leader: opinion("application.forward"),
    };
    Ok(Document {
        name: format!("督查考核申请书-{}", a.number()),
        doc: official::inspection_application(&doc),
        fonts: fonts(&settings),
    })
}

/// A published bulletin as its periodical issue (《张范督查》第N期), or a reported 督查汇报, as .docx.
pub async fn bulletin_docx(
    state: &AppState,
    actor: &Actor,
    id: BulletinId,
) -> Result<Document, StoreError> {
    let (b, _, _) = state.store.bulletin_view(actor, id).await?;
    if b.state != BulletinState::Published {
        return Err(
            DomainError::state("定稿印发（上报）后方可下载正式文本；送审稿请使用打印预览").into(),
        );
    }
    let settings = state.store.settings().await?;
    if b.kind == duban_domain::BulletinKind::Report {
        let up = b
            .upward
            .clone()
            .ok_or_else(|| DomainError::state("缺少上报信息"))?;
        let doc_no = b.doc_no.clone().unwrap_or_default();
        let report = official::SupervisionReport {
            issuer: format!("中共{}工作委员会", settings.org_name),
            doc_no: doc_no.clone(),
            sign_off: None,
            addressee: up.to.clone(),
            subject: b.title.clone(),
            body: b.body.clone(),
            signer: format!("中共{}工作委员会", settings.org_name),
            date: cn_date(up.on),
            contact: None,
            copy_to: None,
        };
        return Ok(Document {
            name: format!("督查汇报-{doc_no}"),
            doc: official::supervision_report(&report),
            fonts: fonts(&settings),
        });
    }
    let number = b.issue_no.unwrap_or(0);
    let issue = BulletinIssue {
        periodical: settings.periodical(),
        number: u32::try_from(number).unwrap_or(0),
        editor: issuer(&settings),
        date: cn_date(china_date(b.published_at.unwrap_or(b.created_at))),
        title: b.title.clone(),
        body: b.body.clone(),
        reported_to: Some("街道党工委、办事处主要领导".to_owned()),
        sent_to: b.scope.clone().unwrap_or(settings.default_scope.clone()),
    };
    Ok(Document {
        name: format!("{}-{}年第{number}期", settings.periodical(), b.year),
        doc: official::bulletin_issue(&issue),
        fonts: fonts(&settings),
    })
}

/// The archive package of a closed or archived matter; leaders and the office only.
pub async fn archive_zip(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
    meta: &Meta,
) -> Result<(String, Vec<u8>), StoreError> {
    if !actor.sees_all_matters() {
        return Err(DomainError::forbidden("归档材料仅考核督查办和街道领导可以下载").into());
    }
    let v = state.store.matter_view(actor, id).await?;
    let m = &v.matter;
    if !matches!(m.state, MatterState::Closed | MatterState::Archived) {
        return Err(DomainError::state("事项销号后方可整理下载归档材料").into());
    }
    let names = Names::load(state).await?;
    let settings = state.store.settings().await?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let timeline = state.store.timeline(id.0).await?;
    let mut text = format!("{} {} 办理过程\n\n", m.ledger_no(), m.title);
    for r in &timeline {
        text.push_str(&format!(
            "{}　{}　{}\n",
            cn_datetime(r.at),
            r.actor_name,
            r.summary
        ));
    }
    files.push(("01-办理过程.txt".into(), text.into_bytes()));

    let mut text = String::from("领导批示\n\n");
    for (object, label) in std::iter::once((ObjectRef::Matter(m.id), "事项".to_owned()))
        .chain(
            v.bulletins
                .iter()
                .map(|b| (ObjectRef::Bulletin(b.id), format!("通报《{}》", b.title))),
        )
        .chain(
            v.tasks
                .iter()
                .map(|t| (ObjectRef::Task(t.id), format!("任务{}", t.seq))),
        )
    {
        for (kind, body, who, at) in state.store.instructions(object).await? {
            let kind = match kind.as_str() {
                "approve" => "批示同意",
                "return" => "退回",
                "review" => "审阅意见",
                _ => "批示",
            };
            text.push_str(&format!(
                "[{label}] {kind}　{who}　{}\n{body}\n\n",
                cn_datetime(at)
            ));
        }
    }
    files.push(("02-领导批示.txt".into(), text.into_bytes()));

    if m.kind == duban_domain::MatterKind::Special {
        let (name, bytes) = plan_docx(state, actor, id).await?.docx()?;
        files.push((format!("03-{name}"), bytes));
        if let Some(data) = state.store.special_view(actor, id).await? {
            for a in &data.applications {
                let (name, bytes) = application_docx(state, actor, a.id).await?.docx()?;
                files.push((format!("03-{name}"), bytes));
            }
            files.push((
                "03-督查考核评分表.txt".into(),
                score_sheet(&data, &v.tasks, &names).into_bytes(),
            ));
        }
    }
    if m.notice_no.is_some() {
        let (name, bytes) = notice_docx(state, actor, id).await?.docx()?;
        files.push((format!("03-{name}"), bytes));
    }
    for b in v
        .bulletins
        .iter()
        .filter(|b| b.state == BulletinState::Published)
    {
        let (name, bytes) = bulletin_docx(state, actor, b.id).await?.docx()?;
        files.push((format!("04-{}-{name}", b.kind.label()), bytes));
    }

    let filter = LedgerFilter {
        matter: Some(id),
        ..Default::default()
    };
    let rows = state
        .store
        .ledger(actor, &filter, LedgerSort::Ledger, None, 500)
        .await?
        .rows;
    let today = china_date(duban_store::now_ms());
    let lines: Vec<duban_docs::LedgerLine> =
        rows.iter().map(|r| ledger_line(r, &names, today)).collect();
    let xlsx = duban_docs::ledger_xlsx(
        &format!("{}督查工作台账（{}）", settings.org_name, m.ledger_no()),
        &lines,
    )
    .map_err(|e| StoreError::Config(e.to_string()))?;
    files.push(("05-督查工作台账.xlsx".into(), xlsx));

    for t in &v.tasks {
        let tv = state.store.task_view(actor, t.id).await?;
        let dir = format!("任务{}", t.seq);
        let mut text = format!(
            "任务{}：{}\n落实时限：{}\n\n签收情况\n",
            t.seq,
            t.content,
            cn_date(t.deadline)
        );
        for r in &tv.receipts {
            let who = match r.recipient {
                Recipient::User(u) => names.user(u),
                Recipient::Unit(u) => names.unit(u),
            };
            let signed = r
                .signed_at
                .map(cn_datetime)
                .unwrap_or_else(|| "未签收".into());
            text.push_str(&format!("{who}　{signed}\n"));
        }
        text.push_str("\n落实情况\n");
        for r in &tv.reports {
            text.push_str(&format!(
                "\n[{}] {}　{}　{}　{}\n{}\n",
                if r.is_final {
                    "办结报告"
                } else {
                    "进展报告"
                },
                names.unit(r.unit_id),
                names.user(r.author_id),
                cn_datetime(r.submitted_at),
                r.status.label(),
                r.body
            ));
            if let Some(n) = &r.decision_note {
                text.push_str(&format!("意见：{n}\n"));
            }
        }
        files.push((format!("{dir}/落实情况.txt"), text.into_bytes()));
        for a in state.store.task_attachments(t.id).await? {
            let bytes =
                tokio::fs::read(blobs::blob_path(&state.config.blob_dir, &a.sha256)).await?;
            files.push((format!("{dir}/附件/{}-{}", a.id, a.name), bytes));
        }
    }

    let mut index = format!(
        "{}督查事项归档目录\n\n督查编号：{}\n督查事项：{}\n类别：{}\n来源：{}（{}）\n督办通知：{}\n归档号：{}\n销号时间：{}\n整理时间：{}\n\n材料清单：\n",
        settings.org_name,
        m.ledger_no(),
        m.title,
        m.kind.label(),
        m.source.label(),
        cn_date(m.source_date),
        m.notice_no.clone().unwrap_or_default(),
        m.archive_no
            .clone()
            .unwrap_or_else(|| "（尚未归档）".into()),
        m.closed_at.map(cn_datetime).unwrap_or_default(),
        cn_datetime(duban_store::now_ms()),
    );
    for (i, (name, bytes)) in files.iter().enumerate() {
        index.push_str(&format!("{:>3}. {name}（{} 字节）\n", i + 1, bytes.len()));
    }
    files.insert(0, ("00-归档目录.txt".into(), index.into_bytes()));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // A folder name that cannot climb out of where the package is unpacked.
    let root: String = format!(
        "{}-{}",
        m.archive_no.clone().unwrap_or_else(|| m.ledger_no()),
        m.title
    )
    .chars()
    .map(|c| {
        if c.is_control() || "/\\:*?\"<>|".contains(c) {
            '_'
        } else {
            c
        }
    })
    .collect::<String>()
    .replace("..", "_")
    .chars()
    .take(80)
    .collect();
    for (name, bytes) in &files {
        zip.start_file(format!("{root}/{name}"), options)
            .map_err(|e| StoreError::Config(format!("打包失败：{e}")))?;
        zip.write_all(bytes)?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| StoreError::Config(format!("打包失败：{e}")))?
        .into_inner();
    let mut e = AuditEntry::by(
        Some(actor),
        "matter.archive_download",
        "matter",
        id.0,
        format!("下载归档材料（{}个文件）", files.len()),
    );
    e.matter_id = Some(id.0);
    state.store.audit(e, meta).await?;
    Ok((format!("{root}.zip"), bytes))
}

/// The scores of a special inspection as a plain sheet: unit, department, item, points, remark.
fn score_sheet(
    data: &duban_store::special::SpecialData,
    tasks: &[duban_domain::Task],
    names: &Names,
) -> String {
    let mut text =
        String::from("督查考核评分表\n\n被督查考核单位\t业务部门\t评分项目\t满分\t得分\t备注\n");
    for t in tasks {
        for a in &data.applications {
            for s in data
                .scores
                .iter()
                .filter(|s| s.task_id == t.id && s.application_id == a.id)
            {
                let item = a.score_items.get(s.item);
                text.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    names.unit(t.lead_unit),
                    names.unit(a.unit_id),
                    item.map(|i| i.name.as_str()).unwrap_or(""),
                    item.map(|i| duban_domain::points(i.max_tenths))
                        .unwrap_or_default(),
                    duban_domain::points(s.tenths),
                    s.remark
                ));
            }
        }
    }
    text
}

/// One row of the office's ledger layout (督查工作台账), as the export and the archive write it.
pub fn ledger_line(r: &LedgerRow, names: &Names, today: NaiveDate) -> duban_docs::LedgerLine {
    let t = &r.task;
    let mut state = t.state.label().to_owned();
    if t.is_overdue(today) {
        state.push_str("（逾期）");
    }
    duban_docs::LedgerLine {
        ledger_no: format!("{}-{}", r.ledger_no, t.seq),
        source: r.source.label().to_owned(),
        matter: r.matter_title.clone(),
        content: t.content.clone(),
        leaders: names.users(&t.leaders),
        units: names.responsible_units(t, "、"),
        requirements: t.requirements.clone(),
        deadline: cn_date(t.deadline),
        progress: r.latest_report.clone().unwrap_or_default(),
        state,
        closed_at: t.closed_at.map(cn_datetime).unwrap_or_default(),
        remark: [r.notice_no.clone(), t.close_remark.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// One 问责 record as a line.
pub fn accountability_line(a: &duban_domain::Accountability, names: &Names) -> String {
    let who = match a.target {
        duban_domain::AccountTarget::Unit(u) => names.unit(u),
        duban_domain::AccountTarget::Person(p) => names.user(p),
    };
    format!(
        "{}（{}）：{}。{}由{}决定：{}",
        who,
        a.kind.label(),
        a.facts.trim_end_matches('。'),
        cn_date(a.decided_on),
        a.decided_by,
        a.decision
    )
}

/// The package the discipline committee receives for a referral: the timeline (the audit
/// trail of the task and its matter), urgings, every report (returned ones too), returns and
/// leaders' words, accountability records and the attachments, with an index.
pub async fn referral_zip(
    state: &AppState,
    actor: &Actor,
    id: i64,
    meta: &Meta,
) -> Result<(String, Vec<u8>), StoreError> {
    let p = state.store.referral_package(actor, id).await?;
    let names = Names::load(state).await?;
    let t = &p.task.task;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = format!(
        "移送纪工委材料（第{id}号）\n\n督查事项：{} {}\n任务：{}\n牵头单位：{}\n责任领导：{}\n落实时限：{}\n移送理由：{}\n移送时间：{}\n",
        p.task.matter.ledger_no(),
        p.task.matter.title,
        t.content,
        names.unit(t.lead_unit),
        names.users(&t.leaders),
        cn_date(t.deadline),
        p.referral.reason,
        cn_datetime(p.referral.created_at)
    );
    if let Some(at) = p.referral.acknowledged_at {
        text.push_str(&format!("受理：{}\n", cn_datetime(at)));
    }
    files.push(("00-移送说明.txt".into(), text.into_bytes()));
    let mut trail = String::from("办理过程（审计记录，按时间顺序）\n\n");
    let mut urges = String::from("催办记录\n\n");
    for r in &p.trail {
        let line = format!(
            "{}　{}　{}　[{}#{}，记录{}，IP {}]\n",
            cn_datetime(r.at),
            r.actor_name,
            r.summary,
            r.action,
            r.object_id,
            r.id,
            r.ip
        );
        if r.action == "task.urge" || r.action == "task.remind" {
            urges.push_str(&line);
        }
        trail.push_str(&line);
    }
    files.push(("01-办理过程.txt".into(), trail.into_bytes()));
    files.push(("02-催办和提醒记录.txt".into(), urges.into_bytes()));
    let mut reports = String::from("落实情况（含被退回的）\n\n");
    for r in &p.task.reports {
        reports.push_str(&format!(
            "[{}] {}　{}　{}　{}\n{}\n{}\n\n",
            if r.is_final {
                "办结报告"
            } else {
                "进展报告"
            },
            names.unit(r.unit_id),
            names.user(r.author_id),
            cn_datetime(r.submitted_at),
            r.status.label(),
            r.body,
            r.decision_note
                .as_ref()
                .map(|n| format!("意见：{n}"))
                .unwrap_or_default()
        ));
    }
    files.push(("03-落实情况.txt".into(), reports.into_bytes()));
    let mut words = String::from("退回和领导意见\n\n");
    for (kind, body, who, at) in &p.instructions {
        words.push_str(&format!(
            "{}　{}　{}\n{body}\n\n",
            match kind.as_str() {
                "return" => "退回",
                "approve" => "批示同意",
                "review" => "审阅意见",
                _ => "批示",
            },
            who,
            cn_datetime(*at)
        ));
    }
    files.push(("04-退回和领导意见.txt".into(), words.into_bytes()));
    let mut acc = String::from("问责记录\n\n");
    for a in &p.accountability {
        acc.push_str(&accountability_line(a, &names));
        acc.push('\n');
    }
    files.push(("05-问责记录.txt".into(), acc.into_bytes()));
    for a in state.store.task_attachments(t.id).await? {
        let bytes = tokio::fs::read(blobs::blob_path(&state.config.blob_dir, &a.sha256)).await?;
        files.push((format!("06-附件/{}-{}", a.id, a.name), bytes));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let root = format!("移送纪工委材料-{id}");
    for (name, bytes) in &files {
        zip.start_file(format!("{root}/{name}"), options)
            .map_err(|e| StoreError::Config(format!("打包失败：{e}")))?;
        zip.write_all(bytes)?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| StoreError::Config(format!("打包失败：{e}")))?
        .into_inner();
    let mut e = AuditEntry::by(
        Some(actor),
        "referral.download",
        "task",
        t.id.0,
        format!("下载移送纪工委材料（第{id}号，{}个文件）", files.len()),
    );
    e.matter_id = Some(p.task.matter.id.0);
    state.store.audit(e, meta).await?;
    Ok((format!("{root}.zip"), bytes))
}
