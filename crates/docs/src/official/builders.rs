//! Ready-made documents of procedure B: the 督办通知 that assigns a meeting's tasks and the
//! periodical issue (《张范督查》第N期) that publishes a bulletin. Plain strings in; the web
//! layer maps its data.

use super::{Block, OfficialDoc, Signature, Table, TableRow};

/// The usual addressee of a 督办通知.
pub const NOTICE_ADDRESSEE: &str = "各有关领导、各有关部门（单位）";

/// One task of a 督办通知, one row of its table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoticeTask {
    /// 督查内容
    pub content: String,
    /// 责任领导
    pub leaders: String,
    /// 责任单位 (lead unit first; cooperating units after it)
    pub units: String,
    /// 办理要求
    pub requirements: String,
    /// 落实时限, e.g. "2026年12月20日前"
    pub deadline: String,
}

/// What a 督办通知 says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupervisionNotice {
    /// 发文机关, e.g. "张范街道考核督查办公室"
    pub issuer: String,
    /// 发文字号, e.g. "张督办〔2026〕12号"
    pub doc_no: String,
    /// 特急 / 加急, if any
    pub urgency: Option<String>,
    /// What it is about: "落实冬季安全生产工作部署" gives 关于落实冬季安全生产工作部署的督办通知;
    /// a text already starting with 关于 and ending with 督办通知 is used as the title as is.
    pub subject: String,
    /// 主送机关; empty means [`NOTICE_ADDRESSEE`].
    pub addressee: String,
    /// The source meeting or arrangement, e.g. "2026年11月28日党工委会议".
    pub source: String,
    /// The principal leader's instruction as a phrase, e.g. "党工委书记王某某同志“抓紧推进、按期办结”的批示要求".
    pub instruction: Option<String>,
    pub tasks: Vec<NoticeTask>,
    /// Receipt and report deadline, e.g. "2026年12月10日".
    pub report_by: String,
    /// 成文日期, e.g. "2026年12月4日" (also the 印发日期).
    pub date: String,
    /// 附注, e.g. "联系人：李某某，联系电话：1234567".
    pub contact: Option<String>,
    /// 抄送
    pub copy_to: Option<String>,
}

/// 督办通知: the numbered notice that assigns decomposed tasks to leaders and units.
pub fn supervision_notice(n: &SupervisionNotice) -> OfficialDoc {
    let subject = n.subject.trim();
    let title = if subject.starts_with("关于") && subject.ends_with("督办通知") {
        subject.to_string()
    } else {
        format!("关于{subject}的督办通知")
    };
    let addressee = if n.addressee.trim().is_empty() {
        NOTICE_ADDRESSEE.to_string()
    } else {
        n.addressee.trim().to_string()
    };
    let basis = match &n.instruction {
        Some(i) if !i.trim().is_empty() => format!("{}精神和{}", n.source, i.trim()),
        _ => format!("{}精神", n.source),
    };
    let opening = format!(
        "根据{basis}，经街道主要领导同意，现将有关任务分解立项，交由各责任领导、责任单位办理。具体任务如下："
    );
    let table = task_table(&n.tasks);
    let closing = [
        format!(
            "请各责任领导、责任单位收到本通知后及时签收，按照办理要求认真抓好落实，于{}前将落实情况书面报送考核督查办；落实时限在此之后的任务，同时报送阶段性进展，完成后及时报告。",
            n.report_by
        ),
        "确因客观原因不能按期完成的，应当在期满前提出延期申请，说明理由，经分管领导同意后报考核督查办。考核督查办将跟踪督办，落实情况纳入年度绩效考核。".to_string(),
    ];
    let mut blocks = vec![Block::Paragraph(opening), Block::Table(table)];
    blocks.extend(closing.into_iter().map(Block::Paragraph));
    OfficialDoc {
        urgency: n.urgency.clone().filter(|u| !u.trim().is_empty()),
        issuer: n.issuer.clone(),
        doc_no: Some(n.doc_no.clone()),
        title,
        addressee: Some(addressee),
        blocks,
        signature: Some(Signature {
            organ: n.issuer.clone(),
            date: n.date.clone(),
        }),
        note: n.contact.clone().filter(|c| !c.trim().is_empty()),
        copy_to: n.copy_to.clone().filter(|c| !c.trim().is_empty()),
        printed_by: Some((n.issuer.clone(), format!("{}印发", n.date))),
        ..OfficialDoc::default()
    }
}

/// The task table of a 督办通知 or a 批示件转办单: 序号, 督查内容, 责任领导, 责任单位, 办理要求,
/// 落实时限, one row a task.
pub(super) fn task_table(tasks: &[NoticeTask]) -> Table {
    let rows = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            TableRow::new([
                (i + 1).to_string(),
                t.content.clone(),
                t.leaders.clone(),
                t.units.clone(),
                t.requirements.clone(),
                t.deadline.clone(),
            ])
        })
        .collect();
    Table {
        headers: [
            "序号",
            "督查内容",
            "责任领导",
            "责任单位",
            "办理要求",
            "落实时限",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        widths_mm: vec![10.0, 44.0, 16.0, 26.0, 34.0, 26.0],
        // Six columns in 156 mm: 小四 keeps a deadline on one or two lines.
        font_size: Some(24),
    }
}

/// What an issue of the periodical says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulletinIssue {
    /// The periodical's name, "张范督查" or "《张范督查》".
    pub periodical: String,
    /// 第N期
    pub number: u32,
    /// 编发单位, e.g. "张范街道考核督查办公室"
    pub editor: String,
    /// 日期, e.g. "2026年12月4日"
    pub date: String,
    pub title: String,
    /// The bulletin's text, one paragraph a line; see [`blocks_from_text`].
    pub body: String,
    /// 报：… (leaders it is reported to), if any
    pub reported_to: Option<String>,
    /// 发：… the publication scope
    pub sent_to: String,
}

/// An issue of the periodical (《张范督查》第N期) carrying a bulletin (督查通报).
pub fn bulletin_issue(b: &BulletinIssue) -> OfficialDoc {
    let name = b
        .periodical
        .trim()
        .trim_start_matches('《')
        .trim_end_matches('》');
    let mut distribution = Vec::new();
    if let Some(r) = b.reported_to.as_ref().filter(|r| !r.trim().is_empty()) {
        distribution.push(("报".to_string(), r.trim().to_string()));
    }
    if !b.sent_to.trim().is_empty() {
        distribution.push(("发".to_string(), b.sent_to.trim().to_string()));
    }
    OfficialDoc {
        issuer: format!("《{name}》"),
        // A periodical's masthead starts at the top of the type area.
        issuer_gap_mm: 0,
        issue: Some(format!("第{}期", b.number)),
        masthead_line: Some((b.editor.clone(), b.date.clone())),
        title: b.title.clone(),
        blocks: blocks_from_text(&b.body),
        distribution,
        printed_by: Some((b.editor.clone(), format!("{}印发", b.date))),
        ..OfficialDoc::default()
    }
}

/// Plain text to body blocks, one per non-empty line: "一、…" (up to 二十、) becomes a
/// [`Block::Heading1`], "（一）…" a [`Block::Heading2`], anything else a paragraph.
pub fn blocks_from_text(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if is_heading1(l) {
                Block::Heading1(l.to_string())
            } else if is_heading2(l) {
                Block::Heading2(l.to_string())
            } else {
                Block::Paragraph(l.to_string())
            }
        })
        .collect()
}

const NUMERALS: &str = "一二三四五六七八九十";

fn is_numeral(n: &str) -> bool {
    !n.is_empty() && n.chars().count() <= 3 && n.chars().all(|c| NUMERALS.contains(c))
}

/// "一、" … "二十、"
fn is_heading1(line: &str) -> bool {
    line.split_once('、').is_some_and(|(n, _)| is_numeral(n))
}

/// "（一）" or "(一)"
fn is_heading2(line: &str) -> bool {
    line.strip_prefix('（')
        .or_else(|| line.strip_prefix('('))
        .and_then(|rest| rest.split_once(['）', ')']))
        .is_some_and(|(n, _)| is_numeral(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_recognised_by_their_numbers() {
        let b = blocks_from_text(
            "现将情况通报如下。\n\n一、总体情况\n（一）已办结事项。共12项。\n十二、下步工作\n一是加强调度。\n1. 细化措施",
        );
        assert_eq!(
            b,
            vec![
                Block::Paragraph("现将情况通报如下。".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Heading2("（一）已办结事项。共12项。".into()),
                Block::Heading1("十二、下步工作".into()),
                Block::Paragraph("一是加强调度。".into()),
                Block::Paragraph("1. 细化措施".into()),
            ]
        );
    }

    #[test]
    fn notice_title_is_formed_once() {
        let n = SupervisionNotice {
            subject: "关于冬季安全生产的督办通知".into(),
            ..Default::default()
        };
        assert_eq!(supervision_notice(&n).title, "关于冬季安全生产的督办通知");
        let n = SupervisionNotice {
            subject: "冬季安全生产".into(),
            ..Default::default()
        };
        let doc = supervision_notice(&n);
        assert_eq!(doc.title, "关于冬季安全生产的督办通知");
        assert_eq!(doc.addressee.as_deref(), Some(NOTICE_ADDRESSEE));
    }
}
