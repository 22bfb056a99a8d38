//! Applies the domain's procedure steps: load the fresh state inside a write transaction, let the
//! domain decide, write every change with its audit record, commit. A stale version is a conflict.

use chrono::Datelike;
use duban_domain::policy::can_view_matter;
use duban_domain::time::{Millis, china_date, cn_date};
use duban_domain::{
    Actor, Allocate, Bulletin, BulletinCommand, BulletinId, BulletinState, Change, DomainError,
    MatterCommand, MatterId, ObjectRef, Recipient, TaskCommand, TaskId, WorkAction, WorkItem,
    bulletin_group, can_edit_bulletin, create_bulletin, decide_bulletin, decide_matter,
    decide_task,
};
use sqlx::{Any, Row, Transaction};

use crate::audit::{AuditEntry, append};
use crate::blobs::StoredBlob;
use crate::ledger::{close_work, load_bulletin, load_matter, load_tasks, open_work, task_view};
use crate::org::{OrgSettings, next_number};
use crate::{Meta, Result, Store, now_ms};

fn year_of(now: Millis) -> i32 {
    china_date(now).year()
}

impl Store {
    /// A step on a matter (呈批、批示、退回、印发督办通知、归档).
    pub async fn act_on_matter(
        &self,
        actor: &Actor,
        id: MatterId,
        version: i64,
        cmd: MatterCommand,
        meta: &Meta,
    ) -> Result<Change> {
        let settings = self.settings().await?;
        let mut tx = self.begin_write().await?;
        // Taken under the writers' lock, so audit times never go backwards.
        let now = now_ms();
        let matter = load_matter(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查事项"))?;
        let tasks = load_tasks(&mut tx, id).await?;
        if !can_view_matter(actor, &tasks) {
            return Err(DomainError::not_found("督查事项").into());
        }
        if matter.version != version {
            return Err(DomainError::stale().into());
        }
        let change = decide_matter(actor, &matter, &tasks, cmd, now)?;
        let before = serde_json::to_string(&matter).ok();
        self.apply(
            &mut tx,
            actor,
            &change,
            ObjectRef::Matter(id),
            Some(id),
            before,
            meta,
            now,
            &[],
            &settings,
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }

    /// A step on a task (签收、报送、确认、退回、销号); `attachments` go with a report.
    pub async fn act_on_task(
        &self,
        actor: &Actor,
        id: TaskId,
        version: i64,
        cmd: TaskCommand,
        attachments: &[StoredBlob],
        meta: &Meta,
    ) -> Result<Change> {
        let settings = self.settings().await?;
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let view = task_view(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督办任务"))?;
        if !view.visible_to(actor) {
            return Err(DomainError::not_found("督办任务").into());
        }
        if view.task.version != version {
            return Err(DomainError::stale().into());
        }
        if !attachments.is_empty() && !matches!(cmd, TaskCommand::Report { .. }) {
            return Err(DomainError::invalid("附件", "只有报送落实情况时可以上传附件").into());
        }
        let change = decide_task(actor, &view.task, &view.context(), cmd, now)?;
        let before = serde_json::to_string(&view.task).ok();
        self.apply(
            &mut tx,
            actor,
            &change,
            ObjectRef::Task(id),
            Some(view.matter.id),
            before,
            meta,
            now,
            attachments,
            &settings,
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }

    /// The office compiles a bulletin over Local matters; the draft is assembled from the units'
    /// reports, grouped 已完成 / 推进中 / 滞后.
    pub async fn create_bulletin(
        &self,
        actor: &Actor,
        matter_ids: &[MatterId],
        meta: &Meta,
    ) -> Result<BulletinId> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let today = china_date(now);
        let mut matters = Vec::new();
        let mut groups: [(&str, Vec<String>); 3] =
            [("已完成", vec![]), ("推进中", vec![]), ("滞后", vec![])];
        let mut ids = matter_ids.to_vec();
        ids.sort();
        ids.dedup();
        for id in &ids {
            let m = load_matter(&mut tx, *id).await?.ok_or_else(|| {
                DomainError::invalid("通报事项", format!("事项（编号{}）不存在", id.0))
            })?;
            let tasks = load_tasks(&mut tx, *id).await?;
            for t in &tasks {
                let latest: Option<String> = sqlx::query(
                    "SELECT body FROM reports WHERE task_id = $1 AND status <> 'returned' ORDER BY id DESC LIMIT 1",
                )
                .bind(t.id.0)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
                let unit: String = sqlx::query("SELECT name FROM units WHERE id = $1")
                    .bind(t.lead_unit.0)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                let line = format!(
                    "{}（{}牵头，时限{}）：{}",
                    t.content,
                    unit,
                    cn_date(t.deadline),
                    latest.unwrap_or_else(|| "尚未报送落实情况。".to_owned())
                );
                let g = bulletin_group(t, today);
                if let Some((_, lines)) = groups.iter_mut().find(|(name, _)| *name == g) {
                    lines.push(line);
                }
            }
            matters.push(m);
        }
        let change = create_bulletin(actor, &matters)?;
        let kind = duban_domain::bulletin_kind(&matters)?;
        let special = match matters.first() {
            Some(m) if m.kind == duban_domain::MatterKind::Special => {
                let data = crate::special::special_data(&mut tx, m.id)
                    .await?
                    .ok_or_else(|| DomainError::state("专项督查缺少方案"))?;
                duban_domain::special_bulletin_ready(&data.applications)?;
                Some(data)
            }
            _ => None,
        };
        let (title, body) = match (&special, kind) {
            (Some(data), _) => {
                let m = &matters[0];
                let tasks = load_tasks(&mut tx, m.id).await?;
                special_draft(&mut tx, m, &tasks, data).await?
            }
            (None, duban_domain::BulletinKind::Report) => report_draft(&matters, &groups),
            (None, duban_domain::BulletinKind::Bulletin) => bulletin_draft(&matters, &groups),
        };
        let id: i64 = sqlx::query(
            "INSERT INTO bulletins (year, title, body, state, created_by, created_at, kind) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
        )
        .bind(i64::from(year_of(now)))
        .bind(&title)
        .bind(&body)
        .bind(BulletinState::Drafting.code())
        .bind(actor.user_id.0)
        .bind(now)
        .bind(kind.code())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for m in &matters {
            sqlx::query("INSERT INTO bulletin_matters (bulletin_id, matter_id) VALUES ($1, $2)")
                .bind(id)
                .bind(m.id.0)
                .execute(&mut *tx)
                .await?;
        }
        let bid = BulletinId(id);
        for d in &change.done {
            close_work(&mut tx, d, actor.user_id, now).await?;
        }
        let obj = ObjectRef::Bulletin(bid);
        open_work(
            &mut tx,
            &[WorkItem {
                object: obj,
                action: match kind {
                    duban_domain::BulletinKind::Report => WorkAction::CompileReport,
                    duban_domain::BulletinKind::Bulletin => WorkAction::CompileBulletin,
                },
                assignee: duban_domain::Assignee::Role(duban_domain::Role::SupervisionOffice),
            }],
            now,
        )
        .await?;
        for m in &matters {
            let mut e = AuditEntry::by(
                Some(actor),
                change.action,
                "bulletin",
                id,
                format!("{}：{}", change.summary, title),
            );
            e.matter_id = Some(m.id.0);
            append(&mut tx, e, meta, now).await?;
        }
        tx.commit().await?;
        Ok(bid)
    }

    /// The office edits a draft bulletin's title and body.
    pub async fn edit_bulletin(
        &self,
        actor: &Actor,
        id: BulletinId,
        version: i64,
        title: &str,
        body: &str,
        meta: &Meta,
    ) -> Result<()> {
        let now = now_ms();
        let title =
            duban_domain::input::required_text("通报标题", title, duban_domain::input::TITLE_MAX)?;
        let body =
            duban_domain::input::required_text("通报正文", body, duban_domain::input::BODY_MAX)?;
        let mut tx = self.begin_write().await?;
        let b = load_bulletin(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查通报"))?;
        can_edit_bulletin(actor, &b)?;
        if b.version != version {
            return Err(DomainError::stale().into());
        }
        sqlx::query("UPDATE bulletins SET title = $1, body = $2, version = version + 1 WHERE id = $3 AND version = $4")
            .bind(&title)
            .bind(&body)
            .bind(id.0)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        for m in &b.matter_ids {
            let mut e =
                AuditEntry::by(Some(actor), "bulletin.edit", "bulletin", id.0, "修改通报稿");
            e.matter_id = Some(m.0);
            e.before = serde_json::to_string(&(&b.title, &b.body)).ok();
            e.after = serde_json::to_string(&(&title, &body)).ok();
            append(&mut tx, e, meta, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A step on a bulletin (报审、审阅、批示、退回、印发).
    pub async fn act_on_bulletin(
        &self,
        actor: &Actor,
        id: BulletinId,
        version: i64,
        cmd: BulletinCommand,
        meta: &Meta,
    ) -> Result<Change> {
        let settings = self.settings().await?;
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        let b = load_bulletin(&mut tx, id)
            .await?
            .ok_or_else(|| DomainError::not_found("督查通报"))?;
        if b.state != BulletinState::Published
            && !duban_domain::policy::can_view_bulletin_draft(actor, &b)
        {
            return Err(DomainError::not_found("督查通报").into());
        }
        if b.version != version {
            return Err(DomainError::stale().into());
        }
        let mut covered = Vec::new();
        for m in &b.matter_ids {
            covered.extend(load_tasks(&mut tx, *m).await?);
        }
        let change = decide_bulletin(actor, &b, &covered, cmd, now)?;
        let before = serde_json::to_string(&b).ok();
        let first = b.matter_ids.first().copied();
        self.apply(
            &mut tx,
            actor,
            &change,
            ObjectRef::Bulletin(id),
            first,
            before,
            meta,
            now,
            &[],
            &settings,
        )
        .await?;
        // The timeline of every other covered matter shows the step too.
        for m in b.matter_ids.iter().skip(1) {
            let mut e = AuditEntry::by(
                Some(actor),
                change.action,
                "bulletin",
                id.0,
                change.summary.clone(),
            );
            e.matter_id = Some(m.0);
            append(&mut tx, e, meta, now).await?;
        }
        tx.commit().await?;
        Ok(change)
    }

    /// Writes a decided `Change`: entities (version-guarded), receipts, reports, instructions,
    /// numbers, work items and the audit record.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        change: &Change,
        object: ObjectRef,
        matter_id: Option<MatterId>,
        before: Option<String>,
        meta: &Meta,
        now: Millis,
        attachments: &[StoredBlob],
        settings: &OrgSettings,
    ) -> Result<()> {
        let year = year_of(now);
        let mut summary = change.summary.clone();
        let mut matter = change.matter.clone();
        let mut bulletin: Option<Bulletin> = change.bulletin.clone();
        match change.allocate {
            Some(
                a @ (Allocate::NoticeNo | Allocate::TransferNo | Allocate::InspectionNoticeNo),
            ) => {
                // The number of the document that dispatches the matter: 督办通知, 批示件转办单
                // or 督查考核通知, each numbered per year without gaps.
                let counter = match a {
                    Allocate::TransferNo => "transfer",
                    Allocate::InspectionNoticeNo => "inspection",
                    _ => "notice",
                };
                let n = next_number(tx, counter, year).await?;
                let no = settings.doc_no(counter, year, n);
                summary = format!("{summary}（{no}）");
                if let Some(m) = matter.as_mut() {
                    m.notice_no = Some(no);
                }
            }
            Some(Allocate::ReportNo) => {
                let n = next_number(tx, "report", year).await?;
                let no = settings.doc_no("report", year, n);
                summary = format!("{summary}（{no}）");
                if let Some(b) = bulletin.as_mut() {
                    b.doc_no = Some(no);
                }
            }
            Some(Allocate::ArchiveNo) => {
                let n = next_number(tx, "archive", year).await?;
                let no = format!("GD-{year}-{n:04}");
                summary = format!("{summary}（归档号 {no}）");
                if let Some(m) = matter.as_mut() {
                    m.archive_no = Some(no);
                }
            }
            Some(Allocate::IssueNo) => {
                let n = next_number(tx, "periodical", year).await?;
                let name = settings.periodical();
                summary = format!("{summary}（《{name}》{year}年第{n}期）");
                if let Some(b) = bulletin.as_mut() {
                    b.issue_no = Some(n);
                    b.year = year;
                }
            }
            None => {}
        }
        if let Some(m) = &matter {
            let n = sqlx::query(
                "UPDATE matters SET state = $1, notice_no = $2, archive_no = $3, closed_at = $4, archived_at = $5, \
                 version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
            )
            .bind(m.state.code())
            .bind(&m.notice_no)
            .bind(&m.archive_no)
            .bind(m.closed_at)
            .bind(m.archived_at)
            .bind(now)
            .bind(m.id.0)
            .bind(m.version)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        for t in &change.tasks {
            let n = sqlx::query(
                "UPDATE tasks SET state = $1, received_at = $2, started_at = $3, reported_at = $4, finished_at = $5, \
                 closed_at = $6, close_remark = $7, version = version + 1, updated_at = $8, deadline = $11, due_time = $12, \
                 due_at = $13, finished_late = $14, cadence = $15, urges = $16 WHERE id = $9 AND version = $10",
            )
            .bind(t.state.code())
            .bind(t.received_at)
            .bind(t.started_at)
            .bind(t.reported_at)
            .bind(t.finished_at)
            .bind(t.closed_at)
            .bind(&t.close_remark)
            .bind(now)
            .bind(t.id.0)
            .bind(t.version)
            .bind(t.deadline.format("%Y-%m-%d").to_string())
            .bind(crate::ledger::time_text(t.due_time))
            .bind(t.due_at())
            .bind(t.finished_at.map(|f| i64::from(f > t.due_at())))
            .bind(t.cadence.map(|c| c.code()))
            .bind(i64::from(t.urges))
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        if let Some(b) = &bulletin {
            let n = sqlx::query(
                "UPDATE bulletins SET state = $1, title = $2, body = $3, issue_no = $4, scope = $5, review_opinion = $6, \
                 instruction = $7, published_at = $8, year = $9, doc_no = $10, report_to = $11, report_on = $12, \
                 report_via = $13, version = version + 1 WHERE id = $14 AND version = $15",
            )
            .bind(b.state.code())
            .bind(&b.title)
            .bind(&b.body)
            .bind(b.issue_no)
            .bind(&b.scope)
            .bind(&b.review_opinion)
            .bind(&b.instruction)
            .bind(b.published_at)
            .bind(i64::from(b.year))
            .bind(&b.doc_no)
            .bind(b.upward.as_ref().map(|u| u.to.clone()))
            .bind(
                b.upward
                    .as_ref()
                    .map(|u| u.on.format("%Y-%m-%d").to_string()),
            )
            .bind(b.upward.as_ref().map(|u| u.via.clone()))
            .bind(b.id.0)
            .bind(b.version)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        for r in &change.new_receipts {
            let (kind, id) = recipient_parts(r.recipient);
            sqlx::query(
                "INSERT INTO receipts (task_id, recipient_kind, recipient_id) VALUES ($1, $2, $3)",
            )
            .bind(r.task_id.0)
            .bind(kind)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
        if let (Some(rcp), Some(t)) = (change.signed, change.tasks.first()) {
            let (kind, id) = recipient_parts(rcp);
            let n = sqlx::query(
                "UPDATE receipts SET signed_at = $1, signed_by = $2 WHERE task_id = $3 AND recipient_kind = $4 \
                 AND recipient_id = $5 AND signed_at IS NULL",
            )
            .bind(now)
            .bind(actor.user_id.0)
            .bind(t.id.0)
            .bind(kind)
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        if let (Some(r), Some(t)) = (&change.new_report, change.tasks.first()) {
            let rid: i64 = sqlx::query(
                "INSERT INTO reports (task_id, unit_id, author_id, is_final, body, submitted_at, status) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
            )
            .bind(t.id.0)
            .bind(r.unit_id.0)
            .bind(actor.user_id.0)
            .bind(i64::from(r.is_final))
            .bind(&r.body)
            .bind(now)
            .bind(r.status.code())
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
            for a in attachments {
                crate::blobs::link(tx, a, "report", rid, actor.user_id, now).await?;
            }
            if !attachments.is_empty() {
                summary = format!("{summary}（附件{}个）", attachments.len());
            }
        }
        if let Some((rid, status, note)) = &change.decided_report {
            let n = sqlx::query(
                "UPDATE reports SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = 'submitted'",
            )
            .bind(status.code())
            .bind(actor.user_id.0)
            .bind(now)
            .bind(note)
            .bind(rid.0)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(DomainError::stale().into());
            }
        }
        if let Some(i) = &change.instruction {
            sqlx::query("INSERT INTO instructions (object_type, object_id, kind, text, leader_id, at) VALUES ($1,$2,$3,$4,$5,$6)")
                .bind(i.object.kind())
                .bind(i.object.id())
                .bind(i.kind.code())
                .bind(&i.text)
                .bind(actor.user_id.0)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        crate::special::save_applications(tx, &change.application, now).await?;
        crate::special::insert_scores(tx, &change.new_scores, actor.user_id, now).await?;
        for d in &change.done {
            close_work(tx, d, actor.user_id, now).await?;
        }
        open_work(tx, &change.open, now).await?;
        crate::deadlines::notify_work(tx, &change.open, &summary, now).await?;
        let after = match object {
            ObjectRef::Matter(_) => matter.as_ref().and_then(|m| serde_json::to_string(m).ok()),
            ObjectRef::Task(_) => change
                .tasks
                .first()
                .and_then(|t| serde_json::to_string(t).ok()),
            ObjectRef::Bulletin(_) => bulletin
                .as_ref()
                .and_then(|b| serde_json::to_string(b).ok()),
            ObjectRef::Application(_) => change
                .application
                .first()
                .and_then(|a| serde_json::to_string(a).ok()),
        };
        let mut e = AuditEntry::by(
            Some(actor),
            change.action,
            object.kind(),
            object.id(),
            summary,
        );
        e.matter_id = matter_id.map(|m| m.0);
        e.before = before;
        e.after = after;
        append(tx, e, meta, now).await?;
        Ok(())
    }
}

fn recipient_parts(r: Recipient) -> (&'static str, i64) {
    match r {
        Recipient::User(u) => ("user", u.0),
        Recipient::Unit(u) => ("unit", u.0),
    }
}

/// The draft of a 督查通报 over Local matters: 已完成 / 推进中 / 滞后.
fn bulletin_draft(
    matters: &[duban_domain::Matter],
    groups: &[(&str, Vec<String>); 3],
) -> (String, String) {
    let mut body = format!(
        "根据{}要求，考核督查办对{}项督办事项落实情况进行了督查，现将有关情况通报如下。\n",
        matters
            .iter()
            .map(|m| format!("《{}》", m.title))
            .collect::<Vec<_>>()
            .join("、"),
        matters.len()
    );
    let numerals = ["一", "二", "三"];
    for (i, (name, lines)) in groups.iter().enumerate() {
        body.push_str(&format!(
            "\n{}、{}事项（{}项）\n",
            numerals[i],
            name,
            lines.len()
        ));
        for (j, l) in lines.iter().enumerate() {
            body.push_str(&format!("{}. {}\n", j + 1, l));
        }
    }
    body.push_str("\n请各责任单位对照督办要求，抓紧推进滞后事项，按时限报送落实情况。\n");
    let title = if matters.len() == 1 {
        format!("关于{}落实情况的通报", matters[0].title)
    } else {
        format!(
            "关于{}等{}项督办事项落实情况的通报",
            matters[0].title,
            matters.len()
        )
    };
    (title, body)
}

/// The draft of a 督查汇报 over Superior matters, point by point against the higher-level
/// requirements (对照上级督办要求).
fn report_draft(
    matters: &[duban_domain::Matter],
    groups: &[(&str, Vec<String>); 3],
) -> (String, String) {
    let first = &matters[0];
    let basis = matters
        .iter()
        .map(|m| match &m.superior {
            Some(s) if !s.doc_no.is_empty() => {
                format!("{}《{}》（{}）", s.issuer, m.title, s.doc_no)
            }
            Some(s) => format!("{}{}（{}）", s.issuer, s.channel.label(), m.title),
            None => format!("《{}》", m.title),
        })
        .collect::<Vec<_>>()
        .join("、");
    let mut body = format!(
        "根据{basis}要求，街道党工委、办事处高度重视，主要领导作出批示，明确任务分工和落实时限，各相关部门认真抓好落实。现将有关情况汇报如下。\n"
    );
    body.push_str("\n一、上级督办要求\n");
    for m in matters {
        body.push_str(&format!("{}\n", m.source_text));
    }
    body.push_str("\n二、落实情况\n");
    let mut n = 0;
    for (name, lines) in groups.iter() {
        for l in lines {
            n += 1;
            body.push_str(&format!("{n}. {l}（{name}）\n"));
        }
    }
    body.push_str("\n三、存在问题和下步打算\n下一步，街道将对照上级要求，持续跟踪督办，确保各项任务落实到位。\n");
    let title = if matters.len() == 1 {
        format!("关于{}落实情况的督查汇报", first.title)
    } else {
        format!(
            "关于{}等{}项上级督办事项落实情况的督查汇报",
            first.title,
            matters.len()
        )
    };
    (title, body)
}

/// The draft of a special inspection's bulletin: the results per inspected unit (scores from
/// each department, or the units' written situation) and the departments' signed lead opinions.
async fn special_draft(
    conn: &mut sqlx::AnyConnection,
    m: &duban_domain::Matter,
    tasks: &[duban_domain::Task],
    data: &crate::special::SpecialData,
) -> Result<(String, String)> {
    let names = crate::special::unit_names(conn).await?;
    let name = |u: i64| {
        names
            .get(&duban_domain::UnitId(u))
            .cloned()
            .unwrap_or_default()
    };
    let i = &data.inspection;
    let mut body = format!(
        "根据《{}》安排，{}至{}，{}对{}个单位开展了{}{}。现将有关情况通报如下。\n",
        m.title,
        cn_date(i.window_start),
        cn_date(i.window_end),
        data.applications
            .iter()
            .map(|a| name(a.unit_id.0))
            .collect::<Vec<_>>()
            .join("、"),
        tasks.len(),
        i.mode.label(),
        if data.joint() {
            "（联合督查）"
        } else {
            ""
        }
    );
    body.push_str("\n一、督查考核结果\n");
    let mut rows: Vec<(i64, String)> = tasks
        .iter()
        .map(|t| {
            let parts: Vec<String> = data
                .applications
                .iter()
                .filter_map(|a| {
                    data.total(t.id, a.id)
                        .map(|s| format!("{}评分{}分", name(a.unit_id.0), duban_domain::points(s)))
                })
                .collect();
            let total: i64 = data
                .scores
                .iter()
                .filter(|s| s.task_id == t.id)
                .map(|s| s.tenths)
                .sum();
            (
                total,
                format!("{}：{}", name(t.lead_unit.0), parts.join("，")),
            )
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (n, (total, line)) in rows.iter().enumerate() {
        body.push_str(&format!(
            "{}. {line}（合计{}分）\n",
            n + 1,
            duban_domain::points(*total)
        ));
    }
    for (k, (head, pick)) in [("存在问题", 0usize), ("原因分析", 1), ("下步工作重点", 2)]
        .iter()
        .enumerate()
    {
        body.push_str(&format!("\n{}、{head}\n", ["二", "三", "四"][k]));
        for a in &data.applications {
            if let Some(o) = &a.opinion {
                let text = [&o.problems, &o.causes, &o.next_steps][*pick];
                if data.joint() {
                    body.push_str(&format!("（{}）{}\n", name(a.unit_id.0), text));
                } else {
                    body.push_str(&format!("{text}\n"));
                }
            }
        }
    }
    let title = format!("关于{}情况的通报", m.title.trim_end_matches("方案"));
    Ok((title, body))
}
