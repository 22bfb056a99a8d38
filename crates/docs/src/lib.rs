//! Duban's document writers: the ledger (督查工作台账) as .xlsx in the office's usual column
//! layout, and official documents (公文) in GB/T 9704-2012 form as .docx ([`official`]).
//! The web layer turns domain rows into plain data; this crate only lays out.

pub mod official;

pub use official::{
    Block, BulletinIssue, DocxError, Fonts, InspectionApplication, InspectionMode,
    InspectionNoticeDoc, InspectionPlanDoc, NoticeTask, OfficialDoc, Signature, SupervisionNotice,
    SupervisionReport, Table, TableRow, TransferSlip, bulletin_issue, docx, inspection_application,
    inspection_notice, inspection_plan, supervision_notice, supervision_report, transfer_slip,
};

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The columns of the office's ledger, in order.
pub const LEDGER_COLUMNS: [&str; 13] = [
    "序号",
    "督查编号",
    "来源",
    "督查事项",
    "督查内容",
    "责任领导",
    "责任单位",
    "办理要求",
    "落实时限",
    "办理情况",
    "状态",
    "销号时间",
    "备注",
];

/// One row, already in Chinese.
#[derive(Debug, Clone, Default)]
pub struct LedgerLine {
    pub ledger_no: String,
    pub source: String,
    pub matter: String,
    pub content: String,
    pub leaders: String,
    pub units: String,
    pub requirements: String,
    pub deadline: String,
    pub progress: String,
    pub state: String,
    pub closed_at: String,
    pub remark: String,
}

#[derive(Debug, thiserror::Error)]
#[error("生成台账文件失败：{0}")]
pub struct DocError(#[from] XlsxError);

/// An .xlsx cell holds at most 32 767 characters.
fn cell_text(v: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_000;
    if v.chars().count() <= MAX {
        std::borrow::Cow::Borrowed(v)
    } else {
        std::borrow::Cow::Owned(format!(
            "{}…（全文见系统）",
            v.chars().take(MAX).collect::<String>()
        ))
    }
}

/// The ledger workbook: a title row, the header, one row per task, frozen panes and print setup.
pub fn ledger_xlsx(title: &str, lines: &[LedgerLine]) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("督查工作台账")?;
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(18)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let center = cell.clone().set_align(FormatAlign::Center);
    ws.merge_range(
        0,
        0,
        0,
        (LEDGER_COLUMNS.len() - 1) as u16,
        title,
        &title_fmt,
    )?;
    ws.set_row_height(0, 36)?;
    let widths = [
        6.0, 11.0, 14.0, 24.0, 32.0, 10.0, 18.0, 26.0, 14.0, 36.0, 9.0, 14.0, 14.0,
    ];
    for (i, (name, w)) in LEDGER_COLUMNS.iter().zip(widths).enumerate() {
        ws.write_with_format(1, i as u16, *name, &head)?;
        ws.set_column_width(i as u16, w)?;
    }
    for (n, l) in lines.iter().enumerate() {
        let r = (n + 2) as u32;
        ws.write_with_format(r, 0, (n + 1) as u32, &center)?;
        let values = [
            &l.ledger_no,
            &l.source,
            &l.matter,
            &l.content,
            &l.leaders,
            &l.units,
            &l.requirements,
            &l.deadline,
            &l.progress,
            &l.state,
            &l.closed_at,
            &l.remark,
        ];
        for (c, v) in values.iter().enumerate() {
            ws.write_with_format(r, (c + 1) as u16, cell_text(v).as_ref(), &cell)?;
        }
    }
    ws.set_freeze_panes(2, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    Ok(wb.save_to_buffer()?)
}

/// A sheet's name, header and rows.
pub type Sheet<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);

/// A plain table workbook (e.g. the unit ranking for 绩效考核): a title row, the header, the
/// rows, and a second sheet of details when given.
pub fn table_xlsx(
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
    details: Option<Sheet<'_>>,
) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let mut sheets = vec![("排名", title, headers, rows)];
    if let Some((name, h, r)) = details {
        sheets.push((name, name, h, r));
    }
    for (name, t, h, r) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.merge_range(0, 0, 0, (h.len().max(1) - 1) as u16, t, &title_fmt)?;
        for (i, name) in h.iter().enumerate() {
            ws.write_with_format(1, i as u16, *name, &head)?;
            ws.set_column_width(i as u16, if i == 0 { 8.0 } else { 18.0 })?;
        }
        for (n, row) in r.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_with_format((n + 2) as u32, c as u16, cell_text(v).as_ref(), &cell)?;
            }
        }
        ws.set_freeze_panes(2, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_workbook_is_a_real_xlsx() {
        let line = LedgerLine {
            ledger_no: "2026-0001".into(),
            matter: "冬季安全生产".into(),
            ..Default::default()
        };
        let bytes = ledger_xlsx("张范街道督查工作台账", &[line]).expect("xlsx");
        assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
        assert!(bytes.len() > 3000);
    }
}
