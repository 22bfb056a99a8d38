//! Procedure B's documents as the office files them: the 督办通知 and the periodical issue as
//! .docx in GB/T 9704 form, and a closed matter's archive package (归档备查) as one .zip with
//! every document, report, attachment, the timeline and an index sheet.

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
        .find(|r| r.action == "matter.issue_notice")
        .map(|r| r.at);
    Ok(china_date(at.unwrap_or(m.created_at)))
}

/// 督办通知 of a dispatched matter, as .docx.
pub async fn notice_docx(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
) -> Result<(String, Vec<u8>), StoreError> {
    let v = state.store.matter_view(actor, id).await?;
    let m = &v.matter;
    let doc_no = m
        .notice_no
        .clone()
        .ok_or_else(|| DomainError::state("该事项尚未印发督办通知"))?;
    let settings = state.store.settings().await?;
    let names = Names::load(state).await?;
    let instruction = state
        .store
        .instructions(ObjectRef::Matter(m.id))
        .await?
        .into_iter()
        .rev()
        .find(|(k, ..)| k == "approve")
        .map(|(_, text, who, _)| {
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
        urgency: match m.urgency {
            Urgency::VeryUrgent => Some("特急".to_owned()),
            Urgency::Urgent => Some("加急".to_owned()),
            Urgency::Normal => None,
        },
        subject: m.title.clone(),
        addressee: String::new(),
        source: format!("{}{}", cn_date(m.source_date), m.source.label()),
        instruction,
        tasks: v
            .tasks
            .iter()
            .map(|t| NoticeTask {
                content: t.content.clone(),
                leaders: names.users(&t.leaders),
                units: names.responsible_units(t, "\n"),
                requirements: t.requirements.clone(),
                deadline: format!("{}前", cn_date(t.deadline)),
            })
            .collect(),
        report_by,
        date: cn_date(issued_on(state, m).await?),
        contact: None,
        copy_to: None,
    };
    let bytes = official::docx(&official::supervision_notice(&notice), &fonts(&settings))
        .map_err(doc_error)?;
    Ok((format!("督办通知-{doc_no}.docx"), bytes))
}

/// A published bulletin as its periodical issue (《张范督查》第N期), as .docx.
pub async fn bulletin_docx(
    state: &AppState,
    actor: &Actor,
    id: BulletinId,
) -> Result<(String, Vec<u8>), StoreError> {
    let (b, _, _) = state.store.bulletin_view(actor, id).await?;
    if b.state != BulletinState::Published {
        return Err(DomainError::state("通报印发后方可下载正式文本；送审稿请使用打印预览").into());
    }
    let settings = state.store.settings().await?;
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
    let bytes =
        official::docx(&official::bulletin_issue(&issue), &fonts(&settings)).map_err(doc_error)?;
    Ok((
        format!("{}-{}年第{number}期.docx", settings.periodical(), b.year),
        bytes,
    ))
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

    if m.notice_no.is_some() {
        let (name, bytes) = notice_docx(state, actor, id).await?;
        files.push((format!("03-{name}"), bytes));
    }
    for b in v
        .bulletins
        .iter()
        .filter(|b| b.state == BulletinState::Published)
    {
        let (name, bytes) = bulletin_docx(state, actor, b.id).await?;
        files.push((format!("04-督查通报-{name}"), bytes));
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
