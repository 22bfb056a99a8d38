//! Ready-made documents of procedures A and C: the 批示件转办单 and the 督查汇报 of a superior
//! matter; the 督查考核申请书, 专项督查考核方案 and 督查考核通知 of a special inspection.
//! Plain strings in, an [`OfficialDoc`] out; the web layer maps its data.

use super::builders::task_table;
use super::{Block, NoticeTask, OfficialDoc, Signature, Table, TableRow, blocks_from_text};

/// How a special inspection is carried out (督查方式, section 二（三）3 of the notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionMode {
    /// 实地督查考核: the office sends the notice ahead, gathers the team and a vehicle; the
    /// business department scores.
    #[default]
    OnSite,
    /// 电话和文字督查: the unit reports in writing, the office checks by phone and compiles.
    Written,
}

impl InspectionMode {
    pub fn label(self) -> &'static str {
        match self {
            InspectionMode::OnSite => "实地督查考核",
            InspectionMode::Written => "电话和文字督查",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Procedure A: 批示件转办单, 督查汇报
// ---------------------------------------------------------------------------------------------

/// What a 批示件转办单 says: the higher-level notice, the principal leader's instruction on it,
/// the tasks defined from it and who receives them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransferSlip {
    /// 发文机关, e.g. "张范街道考核督查办公室"
    pub issuer: String,
    /// e.g. "张督转〔2026〕3号"
    pub doc_no: String,
    /// 特急 / 加急, if any ("一般" prints nothing)
    pub urgency: Option<String>,
    /// 来文单位
    pub source_issuer: String,
    /// 来文文号; empty for a phone notice (prints "—")
    pub source_doc_no: String,
    /// 来文方式: "电话通知" / "文字通知"
    pub channel: String,
    /// 收文时间, e.g. "2026年12月1日 9:30"
    pub received: String,
    /// 来文标题 (or the 事由 of a phone notice)
    pub subject: String,
    /// 来文主要内容
    pub summary: String,
    /// 主要领导批示; empty leaves a tall blank cell for the handwritten one
    pub instruction: String,
    pub instructed_by: String,
    pub instructed_on: String,
    pub tasks: Vec<NoticeTask>,
    /// 签收: one row per leader or unit, with blank 签收人 and 签收时间 cells; when empty,
    /// three blank rows.
    pub recipients: Vec<String>,
    /// 反馈时限: when the units' written reports are due at the office, e.g. "2026年12月10日"
    pub report_by: String,
    /// 上报对象: the higher-level body the compiled report goes to
    pub report_to: String,
    /// 成文日期 (also the 印发日期)
    pub date: String,
    /// 附注, e.g. "联系人：李某某，联系电话：1234567"
    pub contact: Option<String>,
    /// 抄送
    pub copy_to: Option<String>,
}

/// 批示件转办单 (procedure A, 任务交办): a form that forwards the principal leader's
/// instruction on a higher-level notice, with the tasks and a 签收 table.
///
/// Laid out like a form: the issuer 10 mm under the top of the type area rather than 35 mm,
/// so that the notice and the instruction fit the first page; numbered and issued, it carries
/// the 版记.
pub fn transfer_slip(s: &TransferSlip) -> OfficialDoc {
    let instruction = signed(&s.instruction, &s.instructed_by, &s.instructed_on);
    let instruction_row = TableRow::new(["主要领导批示".to_string(), instruction]).min_height(
        if s.instruction.trim().is_empty() {
            60.0
        } else {
            40.0
        },
    );
    let notice = Table {
        headers: vec![],
        rows: vec![
            TableRow::new([
                "来文单位",
                s.source_issuer.trim(),
                "来文文号",
                or_dash(&s.source_doc_no),
            ]),
            TableRow::new(["来文方式", s.channel.trim(), "收文时间", s.received.trim()]),
            TableRow::new(["标题（事由）", s.subject.trim()]),
            TableRow::new(["来文主要内容", s.summary.trim()]).min_height(20.0),
            instruction_row,
            TableRow::new([
                "反馈时限",
                s.report_by.trim(),
                "上报对象",
                s.report_to.trim(),
            ]),
        ],
        widths_mm: vec![34.0, 46.0, 26.0, 50.0],
        font_size: None,
    };
    let mut blocks = vec![Block::Table(notice)];
    if !s.tasks.is_empty() {
        blocks.push(Block::Paragraph(
            "根据主要领导批示，现将有关任务交办如下：".into(),
        ));
        blocks.push(Block::Table(task_table(&s.tasks)));
    }
    let upward = match s.report_to.trim() {
        "" => "由考核督查办汇总后上报".to_string(),
        to => format!("由考核督查办汇总后报{to}"),
    };
    blocks.push(Block::Paragraph(format!(
        "请各有关领导、部门（单位）收到本转办单后及时签收，按照批示要求抓好落实，{}将落实情况书面报送考核督查办，{upward}。",
        by(&s.report_by)
    )));
    let recipients: Vec<&str> = s
        .recipients
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    let rows = if recipients.is_empty() {
        (1..=3)
            .map(|i| TableRow::new([i.to_string(), String::new(), String::new(), String::new()]))
            .collect::<Vec<_>>()
    } else {
        recipients
            .iter()
            .enumerate()
            .map(|(i, r)| {
                TableRow::new([
                    (i + 1).to_string(),
                    r.to_string(),
                    String::new(),
                    String::new(),
                ])
            })
            .collect()
    };
    blocks.push(Block::Table(Table {
        headers: ["序号", "签收领导（单位）", "签收人", "签收时间"]
            .map(String::from)
            .to_vec(),
        // Room for a handwritten name and time.
        rows: rows.into_iter().map(|r| r.min_height(12.0)).collect(),
        widths_mm: vec![14.0, 60.0, 36.0, 46.0],
        font_size: None,
    }));
    OfficialDoc {
        urgency: urgency(&s.urgency),
        issuer: s.issuer.clone(),
        issuer_gap_mm: 10,
        doc_no: Some(s.doc_no.clone()),
        title: "批示件转办单".into(),
        blocks,
        signature: Some(Signature {
            organ: s.issuer.clone(),
            date: s.date.clone(),
        }),
        note: present(&s.contact),
        copy_to: present(&s.copy_to),
        printed_by: Some((s.issuer.clone(), format!("{}印发", s.date))),
        ..OfficialDoc::default()
    }
}

/// What a 督查汇报 says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupervisionReport {
    /// 发文机关, e.g. "张范街道考核督查办公室"
    pub issuer: String,
    /// e.g. "张督报〔2026〕5号"
    pub doc_no: String,
    /// 签发人 (the leader who approved it): a report to a higher-level body is a 上行文 and
    /// shows the name beside the number (GB/T 9704 §7.2.6); `None` centres the number.
    pub sign_off: Option<String>,
    /// 主送: the higher-level body
    pub addressee: String,
    /// "冬季安全生产工作" gives 关于冬季安全生产工作落实情况的督查汇报; a text already starting
    /// with 关于 and ending with 汇报 is used as the title as is.
    pub subject: String,
    /// The text, one paragraph a line; see [`blocks_from_text`].
    pub body: String,
    /// 署名, e.g. "张范街道考核督查办公室"
    pub signer: String,
    /// 成文日期 (also the 印发日期)
    pub date: String,
    pub contact: Option<String>,
    pub copy_to: Option<String>,
}

/// 督查汇报 (procedure A, stage 4): the office's compiled report, reported upward.
pub fn supervision_report(r: &SupervisionReport) -> OfficialDoc {
    let subject = r.subject.trim();
    let title = if subject.starts_with("关于") && subject.ends_with("汇报") {
        subject.to_string()
    } else {
        let s = subject.strip_prefix("关于").unwrap_or(subject);
        let s = s
            .strip_suffix("的落实情况")
            .or_else(|| s.strip_suffix("落实情况"))
            .unwrap_or(s);
        format!("关于{s}落实情况的督查汇报")
    };
    let signer = if r.signer.trim().is_empty() {
        r.issuer.clone()
    } else {
        r.signer.trim().to_string()
    };
    OfficialDoc {
        issuer: r.issuer.clone(),
        doc_no: Some(r.doc_no.clone()),
        sign_off: present(&r.sign_off),
        title,
        addressee: Some(r.addressee.trim().to_string()).filter(|a| !a.is_empty()),
        blocks: blocks_from_text(&r.body),
        signature: Some(Signature {
            organ: signer,
            date: r.date.clone(),
        }),
        note: present(&r.contact),
        copy_to: present(&r.copy_to),
        printed_by: Some((r.issuer.clone(), format!("{}印发", r.date))),
        ..OfficialDoc::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Procedure C: 督查考核申请书, 专项督查考核方案, 督查考核通知
// ---------------------------------------------------------------------------------------------

/// What a 督查考核申请书 says. An opinion is (意见, 签名, 日期); `None` leaves the cell blank
/// for a handwritten one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionApplication {
    /// 申请部门
    pub department: String,
    /// 督查考核事项
    pub subject: String,
    /// 申请理由
    pub reason: String,
    /// 督查对象
    pub targets: String,
    /// 督查内容
    pub content: String,
    /// 拟督查时间
    pub window: String,
    /// 督查方式
    pub mode: InspectionMode,
    /// 年度计划: `Some(entry)` is 年度计划内 (the plan's entry, may be empty), `None` 计划外.
    pub plan: Option<String>,
    /// 评分项目 and their 分值 ("20" or "20分"); may be empty.
    pub score_items: Vec<(String, String)>,
    /// 申请人 (经办人)
    pub applicant: String,
    /// 申请日期
    pub applied_on: String,
    /// 部门负责人意见
    pub dept_head: Option<(String, String, String)>,
    /// 业务分管领导意见
    pub area_leader: Option<(String, String, String)>,
    /// 主要领导批示
    pub principal: Option<(String, String, String)>,
    /// 考核督查分管领导意见
    pub supervision_leader: Option<(String, String, String)>,
}

/// 督查考核申请书 (procedure C, step 1): the form a business department fills in, without
/// 版头 or 版记; the opinions are signed on it by hand when not yet recorded.
pub fn inspection_application(a: &InspectionApplication) -> OfficialDoc {
    let plan = match &a.plan {
        None => "计划外".to_string(),
        Some(e) if e.trim().is_empty() => "年度计划内".to_string(),
        Some(e) => format!("年度计划内：{}", e.trim()),
    };
    let mut rows = vec![
        TableRow::new([
            "申请部门",
            a.department.trim(),
            "申请日期",
            a.applied_on.trim(),
        ]),
        TableRow::new(["督查考核事项", a.subject.trim()]),
        TableRow::new(["申请理由", a.reason.trim()]).min_height(20.0),
        TableRow::new(["督查对象", a.targets.trim()]),
        TableRow::new(["督查内容", a.content.trim()]).min_height(25.0),
        TableRow::new(["拟督查时间", a.window.trim(), "督查方式", a.mode.label()]),
        TableRow::new(["年度计划", plan.as_str(), "申请人", a.applicant.trim()]),
    ];
    if !a.score_items.is_empty() {
        let mut lines: Vec<String> = a
            .score_items
            .iter()
            .enumerate()
            .map(|(i, (item, pts))| format!("{}. {}（{}）", i + 1, item.trim(), points(pts)))
            .collect();
        if let Some(t) = total(a.score_items.iter().map(|(_, p)| p.as_str())) {
            lines.push(format!("合计：{t}"));
        }
        rows.push(TableRow::new([
            "评分项目\n及分值".to_string(),
            lines.join("\n"),
        ]));
    }
    // Labels broken where they read best; each line fits the 34 mm column.
    let opinions = [
        ("部门负责人\n意见", &a.dept_head, 22.0),
        ("业务分管\n领导意见", &a.area_leader, 22.0),
        ("主要领导\n批示", &a.principal, 30.0),
        ("考核督查分管\n领导意见", &a.supervision_leader, 22.0),
    ];
    for (label, opinion, height) in opinions {
        let text = opinion
            .as_ref()
            .map(|(t, n, d)| signed(t, n, d))
            .unwrap_or_default();
        rows.push(TableRow::new([label.to_string(), text]).min_height(height));
    }
    OfficialDoc {
        headless: true,
        title: "督查考核申请书".into(),
        blocks: vec![Block::Table(Table {
            headers: vec![],
            rows,
            widths_mm: vec![34.0, 48.0, 26.0, 48.0],
            font_size: None,
        })],
        ..OfficialDoc::default()
    }
}

/// What a 专项督查考核方案 says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionPlanDoc {
    /// 发文机关, e.g. "张范街道考核督查办公室"
    pub issuer: String,
    /// A plan issued as a document has a number and a 版记; one only filed (备案) has neither.
    pub doc_no: Option<String>,
    /// "安全生产" gives 安全生产专项督查考核方案 (联合督查考核方案 when joint); a text ending
    /// with 方案 is the title as is.
    pub subject: String,
    /// 联合督查: several departments' inspections merged; each one's content is listed apart.
    pub joint: bool,
    /// Opening paragraph(s) (purpose and basis); empty gives a standard one.
    pub preamble: String,
    /// 督查时间, e.g. "2026年12月15日至17日"
    pub window: String,
    /// 督查对象, unit names
    pub targets: Vec<String>,
    /// 督查内容 as (业务部门, 内容), one paragraph a line.
    pub contents: Vec<(String, String)>,
    /// 工作要求, one paragraph a line; empty gives a standard one.
    pub requirements: String,
    pub mode: InspectionMode,
    /// 督查组成员
    pub team: String,
    /// 公务用车安排; may be empty.
    pub vehicle: String,
    /// 评分标准 as (评分部门, 评分项目, 分值); may be empty.
    pub score_items: Vec<(String, String, String)>,
    /// 成文日期
    pub date: String,
    pub copy_to: Option<String>,
}

/// 专项督查考核方案 (procedure C, step 2), drafted by the office from the application.
pub fn inspection_plan(p: &InspectionPlanDoc) -> OfficialDoc {
    let topic = topic(&p.subject);
    let kind = kind(p.joint);
    let mut s = Sections::default();
    if p.preamble.trim().is_empty() {
        s.blocks.push(Block::Paragraph(format!(
            "经街道主要领导同意，决定开展{topic}{kind}。为确保督查考核工作规范有序开展，特制定本方案。"
        )));
    } else {
        s.blocks.extend(blocks_from_text(&p.preamble));
    }
    s.section("督查时间");
    s.blocks.push(Block::Paragraph(sentence(&p.window)));
    s.section("督查对象");
    s.blocks.push(Block::Paragraph(targets(&p.targets)));
    s.section("督查内容");
    s.blocks.extend(content_blocks(&p.contents, p.joint));
    s.section("工作要求");
    if p.requirements.trim().is_empty() {
        s.blocks.push(Block::Paragraph(
            "督查考核要坚持实事求是、客观公正，严格控制督查考核人员和时间，不搞层层陪同，不增加基层负担。督查考核结果纳入年度绩效考核。".into(),
        ));
    } else {
        s.blocks.extend(blocks_from_text(&p.requirements));
    }
    s.section("组织实施");
    let depts = departments(&p.contents);
    s.blocks.push(Block::Paragraph(match p.mode {
        InspectionMode::OnSite => format!(
            "采取实地督查考核方式，由考核督查办牵头组织实施，按时召集督查人员、申请公务车辆；{depts}负责业务安排和具体打分。"
        ),
        InspectionMode::Written => format!(
            "采取电话和文字督查方式，由考核督查办按时梳理汇总工作情况，报街道主要领导；{depts}做好业务安排和解释等工作。"
        ),
    }));
    let mut n = 0;
    for (name, text) in [("督查组成员", &p.team), ("公务用车", &p.vehicle)] {
        if !text.trim().is_empty() {
            n += 1;
            s.blocks.push(Block::Heading2(format!(
                "（{}）{name}。{}",
                cn_number(n),
                sentence(text)
            )));
        }
    }
    if !p.score_items.is_empty() {
        s.section("评分标准");
        s.blocks.push(Block::Paragraph(format!(
            "由{depts}按照下表评分，评分结果报考核督查办汇总。"
        )));
        s.blocks
            .push(Block::Table(score_table(&p.score_items, p.joint)));
    }
    let issued = p.doc_no.as_deref().is_some_and(|n| !n.trim().is_empty());
    OfficialDoc {
        issuer: p.issuer.clone(),
        doc_no: p.doc_no.clone().filter(|_| issued),
        title: plan_title(&p.subject, p.joint),
        blocks: s.blocks,
        signature: Some(Signature {
            organ: p.issuer.clone(),
            date: p.date.clone(),
        }),
        copy_to: present(&p.copy_to).filter(|_| issued),
        printed_by: issued.then(|| (p.issuer.clone(), format!("{}印发", p.date))),
        ..OfficialDoc::default()
    }
}

/// What a 督查考核通知 to one inspected unit says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionNoticeDoc {
    pub issuer: String,
    /// e.g. "张督考〔2026〕7号"
    pub doc_no: String,
    pub urgency: Option<String>,
    /// The inspected unit, e.g. "光明路社区"
    pub addressee: String,
    /// As in the plan: "安全生产" gives 关于开展安全生产专项督查考核的通知; a text already
    /// starting with 关于 and ending with 通知 is the title as is.
    pub subject: String,
    pub joint: bool,
    pub mode: InspectionMode,
    /// 督查时间, e.g. "2026年12月15日至17日".
    pub window: String,
    /// 电话和文字督查: when the unit's written report is due, e.g. "2026年12月17日"; empty
    /// takes the end of `window`. Not used on site.
    pub report_by: String,
    /// 督查内容 as (业务部门, 内容), one paragraph a line.
    pub contents: Vec<(String, String)>,
    /// 有关要求: what to prepare, one paragraph a line; empty gives a standard one.
    pub requirements: String,
    /// 督查组成员; may be empty (the section is then left out).
    pub team: String,
    pub contact: Option<String>,
    /// 成文日期 (also the 印发日期)
    pub date: String,
    pub copy_to: Option<String>,
}

/// 督查考核通知 (procedure C, step 3): sent to an inspected unit a few days ahead.
pub fn inspection_notice(n: &InspectionNoticeDoc) -> OfficialDoc {
    let topic = topic(&n.subject);
    let subject = n.subject.trim();
    let title = if subject.starts_with("关于") && subject.ends_with("通知") {
        subject.to_string()
    } else {
        format!("关于开展{topic}{}的通知", kind(n.joint))
    };
    let joint = if n.joint { "（联合督查）" } else { "" };
    let window = n.window.trim().trim_end_matches(['。', '；']);
    let mut s = Sections::default();
    s.blocks.push(Block::Paragraph(format!(
        "根据《{}》安排，经街道主要领导同意，定于{window}对你单位开展{topic}专项督查考核{joint}。现将有关事项通知如下：",
        plan_title(&n.subject, n.joint)
    )));
    s.section("督查时间");
    s.blocks.push(Block::Paragraph(sentence(window)));
    s.section("督查内容");
    s.blocks.extend(content_blocks(&n.contents, n.joint));
    s.section("督查方式");
    let depts = departments(&n.contents);
    s.blocks.push(Block::Paragraph(match n.mode {
        InspectionMode::OnSite => format!(
            "实地督查考核。督查组通过听取汇报、查阅资料、实地查看等方式进行督查，由{depts}按照评分标准打分。"
        ),
        InspectionMode::Written => format!(
            "电话和文字督查。请你单位{}将{}开展情况形成书面材料，经单位主要负责人审核后报送考核督查办；督查组将通过电话核实有关情况。",
            by(match n.report_by.trim() {
                "" => window_end(window),
                d => d.to_string(),
            }
            .as_str()),
            work(topic)
        ),
    }));
    if !n.team.trim().is_empty() {
        s.section("督查组成员");
        s.blocks.push(Block::Paragraph(sentence(&n.team)));
    }
    s.section("有关要求");
    if n.requirements.trim().is_empty() {
        s.blocks.push(Block::Paragraph(match n.mode {
            InspectionMode::OnSite => "请你单位主要负责人和分管负责人在岗，提前准备好有关资料，如实反映情况，不得弄虚作假。".into(),
            InspectionMode::Written => "请如实报送有关情况，材料应具体翔实，不得弄虚作假。".into(),
        }));
    } else {
        s.blocks.extend(blocks_from_text(&n.requirements));
    }
    OfficialDoc {
        urgency: urgency(&n.urgency),
        issuer: n.issuer.clone(),
        doc_no: Some(n.doc_no.clone()),
        title,
        addressee: Some(n.addressee.trim().to_string()).filter(|a| !a.is_empty()),
        blocks: s.blocks,
        signature: Some(Signature {
            organ: n.issuer.clone(),
            date: n.date.clone(),
        }),
        note: present(&n.contact),
        copy_to: present(&n.copy_to),
        printed_by: Some((n.issuer.clone(), format!("{}印发", n.date))),
        ..OfficialDoc::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------------------------

/// Body blocks under numbered first-level headings (一、二、…), numbered as they come so that
/// a left-out section leaves no gap.
#[derive(Default)]
struct Sections {
    blocks: Vec<Block>,
    n: usize,
}

impl Sections {
    fn section(&mut self, name: &str) {
        self.n += 1;
        self.blocks
            .push(Block::Heading1(format!("{}、{name}", cn_number(self.n))));
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99).
fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_string(),
        10..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

fn present(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// 紧急程度 as printed: "一般" is no urgency at all.
fn urgency(u: &Option<String>) -> Option<String> {
    present(u).filter(|u| u != "一般")
}

fn or_dash(s: &str) -> &str {
    match s.trim() {
        "" => "—",
        s => s,
    }
}

/// The text with a final 。 unless it already ends in a stop.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['。', '！', '？', '；', '…']) {
        s.to_string()
    } else {
        format!("{s}。")
    }
}

/// "于2026年12月10日前" (whether or not the date ends in 前), or "及时" without a date.
fn by(date: &str) -> String {
    match date.trim().trim_end_matches('前') {
        "" => "及时".to_string(),
        d => format!("于{d}前"),
    }
}

/// An instruction or opinion with who gave it and when under it: "同意。\n（王某某，2026年12月2日）".
fn signed(text: &str, name: &str, date: &str) -> String {
    let who: Vec<&str> = [name.trim(), date.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let text = text.trim();
    match (text.is_empty(), who.is_empty()) {
        (_, true) => text.to_string(),
        (true, false) => format!("（{}）", who.join("，")),
        (false, false) => format!("{text}\n（{}）", who.join("，")),
    }
}

/// "20" → "20分"; "20分" stays.
fn points(p: &str) -> String {
    let p = p.trim();
    if p.is_empty() || p.ends_with('分') {
        p.to_string()
    } else {
        format!("{p}分")
    }
}

/// The sum of the points when every one is a number ("20", "20分", "7.5").
fn total<'a>(points: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut sum = 0.0_f64;
    let mut any = false;
    for p in points {
        sum += p.trim().trim_end_matches('分').trim().parse::<f64>().ok()?;
        any = true;
    }
    if !any {
        return None;
    }
    Some(if sum.fract() == 0.0 {
        format!("{sum:.0}分")
    } else {
        format!("{sum}分")
    })
}

/// What is inspected, without the kind: "安全生产专项督查考核" → "安全生产".
fn topic(subject: &str) -> &str {
    let s = subject.trim();
    ["联合督查考核", "专项督查考核", "督查考核", "专项督查"]
        .iter()
        .find_map(|k| s.strip_suffix(k))
        .unwrap_or(s)
}

fn kind(joint: bool) -> &'static str {
    if joint {
        "联合督查考核"
    } else {
        "专项督查考核"
    }
}

/// "安全生产" → "安全生产工作"; "安全生产工作" stays.
fn work(topic: &str) -> String {
    if topic.ends_with("工作") {
        topic.to_string()
    } else {
        format!("{topic}工作")
    }
}

/// The plan's title, also quoted by the notice.
fn plan_title(subject: &str, joint: bool) -> String {
    let s = subject.trim();
    if s.ends_with("方案") {
        s.to_string()
    } else {
        format!("{}{}方案", topic(s), kind(joint))
    }
}

fn targets(targets: &[String]) -> String {
    let names: Vec<&str> = targets
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if names.is_empty() {
        "另行确定。".to_string()
    } else {
        sentence(&names.join("、"))
    }
}

/// The business departments, in order, each once: "应急管理办公室、城市管理办公室", or
/// "相关业务部门" when none is named.
fn departments(contents: &[(String, String)]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (d, _) in contents {
        let d = d.trim();
        if !d.is_empty() && !names.contains(&d) {
            names.push(d);
        }
    }
    if names.is_empty() {
        "相关业务部门".to_string()
    } else {
        names.join("、")
    }
}

/// 督查内容: a joint inspection lists each department under its own （一）; otherwise the
/// texts follow one another. Lines of a department's text are paragraphs.
fn content_blocks(contents: &[(String, String)], joint: bool) -> Vec<Block> {
    let mut out = Vec::new();
    let mut n = 0;
    for (dept, text) in contents {
        if joint && !dept.trim().is_empty() {
            n += 1;
            out.push(Block::Heading2(format!(
                "（{}）{}",
                cn_number(n),
                dept.trim()
            )));
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Block::Paragraph(l.to_string())),
            );
        } else {
            out.extend(blocks_from_text(text));
        }
    }
    out
}

/// When a 督查时间 ends, for a written report's deadline: "2026年12月15日至17日" →
/// "2026年12月17日"; "2026年12月15日至12月17日" → "2026年12月17日"; a single date is itself.
fn window_end(window: &str) -> String {
    let w = window
        .split(['，', '。', '；', ','])
        .next()
        .unwrap_or_default()
        .trim();
    let Some((head, tail)) = w.rsplit_once(['至', '—', '～', '~']) else {
        return w.trim_end_matches('前').to_string();
    };
    let mut end = tail.trim().trim_end_matches('前').to_string();
    if !end.contains('月')
        && let Some(i) = head.rfind('月')
    {
        end = format!("{}{end}", &head[..i + '月'.len_utf8()]);
    } else if !end.contains('年')
        && let Some(i) = head.find('年')
    {
        end = format!("{}{end}", &head[..i + '年'.len_utf8()]);
    }
    end
}

/// 评分标准: 序号, (评分部门,) 评分项目, 分值, and a 合计 row when every 分值 is a number. The
/// department column is left out when one department scores everything of a single inspection.
fn score_table(items: &[(String, String, String)], joint: bool) -> Table {
    let first = items.first().map(|(d, _, _)| d.trim()).unwrap_or_default();
    let by_dept = joint || items.iter().any(|(d, _, _)| d.trim() != first);
    let mut rows: Vec<TableRow> = items
        .iter()
        .enumerate()
        .map(|(i, (d, item, p))| {
            let mut cells = vec![(i + 1).to_string()];
            if by_dept {
                cells.push(d.trim().to_string());
            }
            cells.extend([item.trim().to_string(), points(p)]);
            TableRow::from(cells)
        })
        .collect();
    if let Some(t) = total(items.iter().map(|(_, _, p)| p.as_str())) {
        let mut cells = vec!["合计".to_string(), String::new()];
        if by_dept {
            cells.push(String::new());
        }
        cells.push(t);
        rows.push(TableRow::from(cells));
    }
    let (headers, widths) = if by_dept {
        (
            vec!["序号", "评分部门", "评分项目", "分值"],
            vec![14.0, 40.0, 80.0, 22.0],
        )
    } else {
        (vec!["序号", "评分项目", "分值"], vec![14.0, 120.0, 22.0])
    };
    Table {
        headers: headers.into_iter().map(String::from).collect(),
        rows,
        widths_mm: widths,
        font_size: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_wording() {
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(20), "二十");
        assert_eq!(cn_number(21), "二十一");
        assert_eq!(by("2026年12月10日前"), "于2026年12月10日前");
        assert_eq!(by(" "), "及时");
        assert_eq!(sentence("2026年12月15日"), "2026年12月15日。");
        assert_eq!(sentence("已安排。"), "已安排。");
        assert_eq!(
            signed("同意。", "王某某", "2026年12月2日"),
            "同意。\n（王某某，2026年12月2日）"
        );
        assert_eq!(signed("", "", ""), "");
        assert_eq!(points("20"), "20分");
        assert_eq!(points("20分"), "20分");
        assert_eq!(total(["40", "35分", "25"]), Some("100分".into()));
        assert_eq!(total(["7.5", "2"]), Some("9.5分".into()));
        assert_eq!(total(["40", "酌情"]), None);
        assert_eq!(total([]), None);
        assert_eq!(urgency(&Some("一般".into())), None);
        assert_eq!(urgency(&Some(" 特急 ".into())), Some("特急".into()));
    }

    #[test]
    fn window_end_completes_the_date() {
        assert_eq!(window_end("2026年12月15日至17日"), "2026年12月17日");
        assert_eq!(window_end("2026年12月15日至12月17日"), "2026年12月17日");
        assert_eq!(
            window_end("2026年12月30日至2027年1月5日，具体时间另行通知"),
            "2027年1月5日"
        );
        assert_eq!(window_end("2026年12月15日前"), "2026年12月15日");
        assert_eq!(window_end(""), "");
    }

    #[test]
    fn titles_are_formed_once() {
        assert_eq!(plan_title("安全生产", false), "安全生产专项督查考核方案");
        assert_eq!(
            plan_title("安全生产专项督查考核", false),
            "安全生产专项督查考核方案"
        );
        assert_eq!(plan_title("安全生产", true), "安全生产联合督查考核方案");
        assert_eq!(plan_title("年终安全检查方案", true), "年终安全检查方案");
        let r = |s: &str| {
            supervision_report(&SupervisionReport {
                subject: s.into(),
                ..Default::default()
            })
            .title
        };
        assert_eq!(
            r("冬季安全生产工作"),
            "关于冬季安全生产工作落实情况的督查汇报"
        );
        assert_eq!(
            r("冬季安全生产工作落实情况"),
            "关于冬季安全生产工作落实情况的督查汇报"
        );
        assert_eq!(r("关于供暖保障的督查汇报"), "关于供暖保障的督查汇报");
        let n = |s: &str, joint| {
            inspection_notice(&InspectionNoticeDoc {
                subject: s.into(),
                joint,
                ..Default::default()
            })
            .title
        };
        assert_eq!(n("安全生产", false), "关于开展安全生产专项督查考核的通知");
        assert_eq!(n("安全生产", true), "关于开展安全生产联合督查考核的通知");
        assert_eq!(n("关于开展消防检查的通知", false), "关于开展消防检查的通知");
    }

    #[test]
    fn sections_number_themselves() {
        let plan = inspection_plan(&InspectionPlanDoc {
            subject: "安全生产".into(),
            ..Default::default()
        });
        let headings: Vec<&str> = plan
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading1(h) => Some(h.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                "一、督查时间",
                "二、督查对象",
                "三、督查内容",
                "四、工作要求",
                "五、组织实施"
            ]
        );
        assert!(
            plan.printed_by.is_none() && plan.doc_no.is_none(),
            "filed, not issued"
        );
    }
}
