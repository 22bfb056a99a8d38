//! Official documents (公文) laid out after GB/T 9704-2012 《党政机关公文格式》, written as .docx.
//! Data in, bytes out: a caller fills an [`OfficialDoc`] (or uses a builder such as
//! [`supervision_notice`]) and gets the file; nothing here knows the database or does I/O.

mod builders;
mod procedures;

pub use builders::{
    BulletinIssue, NOTICE_ADDRESSEE, NoticeTask, SupervisionNotice, blocks_from_text,
    bulletin_issue, supervision_notice,
};
pub use procedures::{
    InspectionApplication, InspectionMode, InspectionNoticeDoc, InspectionPlanDoc,
    SupervisionReport, TransferSlip, inspection_application, inspection_notice, inspection_plan,
    supervision_report, transfer_slip,
};

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    HeightRule, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType,
    Tab, TabValueType, TableAlignmentType, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableCellMargins, TableLayoutType, TablePositionProperty, VAlignType, WidthType,
};

/// Page geometry in twips (1/1440 inch, 1 mm ≈ 56.69 twips), after GB/T 9704-2012 §5.2:
/// A4, 天头 37 mm, 订口 (left) 28 mm, type area 156 mm × 225 mm, 22 lines of 28 characters.
pub mod geometry {
    /// Millimetres to twips, rounded to the nearest twip.
    pub const fn mm(v: u32) -> u32 {
        (v * 14_400 + 127) / 254
    }
    pub const PAGE_WIDTH: u32 = mm(210);
    pub const PAGE_HEIGHT: u32 = mm(297);
    pub const MARGIN_TOP: u32 = mm(37);
    pub const MARGIN_LEFT: u32 = mm(28);
    /// What is left of 210 mm after the binding side and a 156 mm type area: 26 mm.
    pub const MARGIN_RIGHT: u32 = mm(26);
    /// What is left of 297 mm after the top margin and a 225 mm type area: 35 mm.
    pub const MARGIN_BOTTOM: u32 = mm(35);
    /// Type area (版心) width and height: 156 mm × 225 mm.
    pub const TYPE_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
    pub const TYPE_HEIGHT: u32 = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
    pub const LINES_PER_PAGE: u32 = 22;
    pub const CHARS_PER_LINE: u32 = 28;
    /// One text line: 225 mm / 22, rounded down so that 22 lines fit (579 twips = 28.95 pt).
    pub const LINE_PITCH: u32 = TYPE_HEIGHT / LINES_PER_PAGE;
    /// Body size (3号, 16 pt) in half-points; the character grid is measured against it.
    pub const BODY_SIZE: usize = 32;
    /// `w:charSpace` of the character grid: how much narrower than 16 pt each of the 28
    /// characters must be to fill 156 mm, in 1/4096 pt, rounded down so that 28 fit.
    pub const CHAR_SPACE: i32 = {
        let pitch_4096 = (TYPE_WIDTH as i64 * 4096 / 20) / CHARS_PER_LINE as i64;
        (pitch_4096 - (BODY_SIZE as i64 / 2) * 4096) as i32
    };
    /// Page number: its dashes' top edge 7 mm under the type area (§7.5), a 14 pt line tall.
    pub const PAGE_NUMBER_LINE: u32 = 280;
    pub const FOOTER: u32 = MARGIN_BOTTOM - mm(7) - PAGE_NUMBER_LINE;
    pub const HEADER: u32 = mm(15);
    // 22 lines fit the type area and a 23rd does not.
    const _: () = assert!(22 * LINE_PITCH <= TYPE_HEIGHT && 23 * LINE_PITCH > TYPE_HEIGHT);

    /// Width of `n` grid characters (n may be fractional for half-width text).
    pub fn chars(n: f32) -> i32 {
        (n * TYPE_WIDTH as f32 / CHARS_PER_LINE as f32).round() as i32
    }
}

use geometry::*;

/// Title: 2号 (22 pt), in half-points.
pub const TITLE_SIZE: usize = 44;
/// Body text is condensed by 0.25 pt (in twips): 28 × 15.75 pt = 441 pt fit the 442.25 pt
/// line, where 28 × 16 pt would not.
pub const BODY_CONDENSE: i32 = -5;
/// 4号 (14 pt): page numbers, the 版记, table text.
pub const SMALL_SIZE: usize = 28;
/// The red of 发文机关标志 and the separator line.
pub const RED: &str = "FF0000";

/// The typefaces, by the names installed in the office. GB/T 9704 asks for 小标宋 (title,
/// issuer), 仿宋 (body), 黑体 (一、), 楷体 ((一)) and 宋体 (page numbers); offices have them under
/// different names, so every name is configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    pub title: String,
    pub body: String,
    pub heading1: String,
    pub heading2: String,
    pub page_number: String,
}

impl Default for Fonts {
    /// The faces the standard names, as most offices install them (the GB2312 set).
    fn default() -> Self {
        Self {
            title: "方正小标宋简体".into(),
            body: "仿宋_GB2312".into(),
            heading1: "黑体".into(),
            heading2: "楷体_GB2312".into(),
            page_number: "宋体".into(),
        }
    }
}

impl Fonts {
    /// A stock Windows (without the GB2312 add-ons): 仿宋 and 楷体 instead of the _GB2312 ones.
    pub fn windows() -> Self {
        Self {
            body: "仿宋".into(),
            heading2: "楷体".into(),
            ..Self::default()
        }
    }
}

/// One piece of the body (正文), in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph indented two characters (每个自然段左空二字，回行顶格).
    Paragraph(String),
    /// A line without indent (e.g. a caption or a form's note).
    Plain(String),
    /// 一、… in 黑体. If the text goes on after a 。, the rest is set in the body face (run-in).
    Heading1(String),
    /// （一）… in 楷体, run-in like [`Block::Heading1`].
    Heading2(String),
    /// 1. … in 仿宋 bold, run-in like [`Block::Heading1`].
    Heading3(String),
    /// A table or a form.
    Table(Table),
}

/// A table in the body. Columns are given by `widths_mm` (their sum at most 156 mm); when it
/// is empty, the columns share the type area equally. A row with fewer cells than columns
/// stretches its last cell over the rest (forms: a label, then a wide value). A `\n` in a
/// cell starts a new line (e.g. to break a long label where it reads best).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Header row, repeated on every page; empty for a form without one.
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
    pub widths_mm: Vec<f32>,
    /// Text size in half-points; `None` is 4号 (14 pt). A wide table may take 小四 (24).
    pub font_size: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableRow {
    pub cells: Vec<String>,
    /// At least this tall (e.g. room for a leader's handwritten instruction on a form).
    pub min_height_mm: Option<f32>,
}

impl TableRow {
    pub fn new<S: Into<String>>(cells: impl IntoIterator<Item = S>) -> Self {
        Self {
            cells: cells.into_iter().map(Into::into).collect(),
            min_height_mm: None,
        }
    }
    pub fn min_height(mut self, mm: f32) -> Self {
        self.min_height_mm = Some(mm);
        self
    }
}

impl From<Vec<String>> for TableRow {
    fn from(cells: Vec<String>) -> Self {
        Self {
            cells,
            min_height_mm: None,
        }
    }
}

/// 发文机关署名 and 成文日期 (e.g. "2026年12月4日"), laid out for a seal (§7.3.5.1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signature {
    pub organ: String,
    pub date: String,
}

/// A document in GB/T 9704 form: 版头 (issuer, number, red line), 主体 (title, addressee,
/// body, attachments, signature, note) and 版记 (copy-to, distribution, printer and date).
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialDoc {
    /// 紧急程度 (特急/加急), top left.
    pub urgency: Option<String>,
    /// 发文机关标志, red and large: "张范街道考核督查办公室", or a periodical's "《张范督查》".
    pub issuer: String,
    /// From the type area's top to the issuer: 35 mm for documents (§7.2.4), less for a
    /// periodical's masthead.
    pub issuer_gap_mm: u32,
    /// A periodical's issue ("第12期"), centred under the issuer.
    pub issue: Option<String>,
    /// 发文字号, "张督办〔2026〕12号", centred two lines under the issuer.
    pub doc_no: Option<String>,
    /// 签发人 of a 上行文 (a report to a higher-level body, §7.2.6): "签发人：" and the name
    /// (in 楷体) one character from the right, on the line of the document number, which then
    /// moves one character from the left.
    pub sign_off: Option<String>,
    /// A form without 版头 (e.g. an application a department fills in): no urgency, issuer,
    /// number or red line, and no issuer needed; the title starts at the top of the type area.
    pub headless: bool,
    /// A periodical's masthead line over the red separator: (编发单位, 日期).
    pub masthead_line: Option<(String, String)>,
    /// 标题; a `\n` breaks it where the writer wants (梯形/菱形).
    pub title: String,
    /// 主送机关; a final "：" is added.
    pub addressee: Option<String>,
    pub blocks: Vec<Block>,
    /// 附件说明: attachment names, numbered when more than one.
    pub attachments: Vec<String>,
    pub signature: Option<Signature>,
    /// 附注 (e.g. the contact person), in parentheses under the date.
    pub note: Option<String>,
    /// 版记: 抄送机关 (a final "。" is added).
    pub copy_to: Option<String>,
    /// 版记: other lines as (label, text), e.g. ("报", "…"), ("发", "…") for a periodical.
    pub distribution: Vec<(String, String)>,
    /// 版记: (印发机关, 印发日期), e.g. ("张范街道考核督查办公室", "2026年12月4日印发").
    pub printed_by: Option<(String, String)>,
}

impl Default for OfficialDoc {
    fn default() -> Self {
        Self {
            urgency: None,
            issuer: String::new(),
            issuer_gap_mm: 35,
            issue: None,
            doc_no: None,
            sign_off: None,
            headless: false,
            masthead_line: None,
            title: String::new(),
            addressee: None,
            blocks: Vec::new(),
            attachments: Vec::new(),
            signature: None,
            note: None,
            copy_to: None,
            distribution: Vec::new(),
            printed_by: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("公文内容不完整：{0}")]
    Invalid(String),
    #[error("生成公文文件失败：{0}")]
    Pack(String),
}

/// Writes `doc` as a .docx with the given typefaces.
pub fn docx(doc: &OfficialDoc, fonts: &Fonts) -> Result<Vec<u8>, DocxError> {
    if !doc.headless && doc.issuer.trim().is_empty() {
        return Err(DocxError::Invalid("缺少发文机关标志".into()));
    }
    if doc.title.trim().is_empty() {
        return Err(DocxError::Invalid("缺少标题".into()));
    }
    let w = Writer { fonts };
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP as i32)
                .bottom(MARGIN_BOTTOM as i32)
                .left(MARGIN_LEFT as i32)
                .right(MARGIN_RIGHT as i32)
                .header(HEADER as i32)
                .footer(FOOTER as i32)
                .gutter(0),
        )
        .default_size(BODY_SIZE)
        .default_fonts(w.face(&fonts.body))
        .footer(w.page_number(true))
        .even_footer(w.page_number(false));
    // 22 lines of 28 characters: what Word and WPS show in the page setup and use for text
    // typed later. Our own paragraphs keep to it without snapping (see `para`).
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::LinesAndChars)
            .line_pitch(LINE_PITCH as usize)
            .char_space(CHAR_SPACE as isize),
    );

    let mut out: Vec<Piece> = w.masthead(doc).into_iter().map(Piece::P).collect();
    w.main(doc, &mut out)?;
    if let Some(t) = w.imprint(doc) {
        out.push(Piece::T(t));
        // A floating table is anchored to the paragraph after it.
        out.push(Piece::P(para().line_spacing(exact(20, 0))));
    }
    for piece in out {
        docx = match piece {
            Piece::P(p) => docx.add_paragraph(p),
            Piece::T(t) => docx.add_table(t),
        };
    }
    let mut parts = docx.build();
    parts.document = repeat_header_rows(parts.document);
    parts.styles = normal_style(parts.styles, &fonts.body);
    let mut buf = Cursor::new(Vec::new());
    parts
        .pack(&mut buf)
        .map_err(|e| DocxError::Pack(e.to_string()))?;
    Ok(buf.into_inner())
}

/// Header rows carry this otherwise pointless height (1 twip, at least): see
/// [`repeat_header_rows`].
const HEADER_ROW_MARK: f32 = 1.0;

/// docx-rs cannot mark a table row as a header (`w:tblHeader`, repeated on each page), so
/// header rows are given the [`HEADER_ROW_MARK`] height and the mark is swapped for the flag.
fn repeat_header_rows(document: Vec<u8>) -> Vec<u8> {
    const MARK: &str = r#"<w:trHeight w:val="1" w:hRule="atLeast" />"#;
    match String::from_utf8(document) {
        Ok(xml) => xml.replace(MARK, "<w:tblHeader />").into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// docx-rs always writes an empty "Normal" style without `w:default`. Word gives paragraphs
/// without a style the default paragraph style, and LibreOffice measures the character grid
/// against it, so it is replaced by a default Normal in the body face and size.
fn normal_style(styles: Vec<u8>, body_font: &str) -> Vec<u8> {
    const EMPTY: &str = r#"<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /><w:rPr /><w:pPr><w:rPr /></w:pPr><w:qFormat /></w:style>"#;
    let f = xml_attr(body_font);
    let normal = format!(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal" /><w:qFormat /><w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" /><w:sz w:val="{BODY_SIZE}" /><w:szCs w:val="{BODY_SIZE}" /><w:lang w:eastAsia="zh-CN" /></w:rPr></w:style>"#
    );
    match String::from_utf8(styles) {
        Ok(xml) => xml.replacen(EMPTY, &normal, 1).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

fn xml_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The body in order. A few dozen per document, built once: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
enum Piece {
    P(Paragraph),
    T(docx_rs::Table),
}

/// Every paragraph opts out of the character grid. LibreOffice gives a character wider than
/// a grid cell two cells (16 pt text on a 15.79 pt grid ends up 14 to a line), so the 28
/// characters a line come from condensing body text instead ([`BODY_CONDENSE`]), which Word,
/// WPS and LibreOffice all honour. The grid stays in the section for text typed later.
fn para() -> Paragraph {
    Paragraph::new().snap_to_grid(false)
}

/// Exact line spacing with space before, in twips.
fn exact(line: u32, before: u32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line as i32)
        .before(before)
        .after(0)
}

/// One grid line, `before_lines` blank lines above it.
fn grid_line(before_lines: u32) -> LineSpacing {
    exact(LINE_PITCH, LINE_PITCH * before_lines)
}

/// Width of a text in grid characters: CJK and full-width count 1, ASCII half.
fn width_chars(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// Splits a run-in heading "一、总体要求。正文……" after its first "。".
fn run_in(text: &str) -> (&str, &str) {
    match text.find('。') {
        Some(i) if i + '。'.len_utf8() < text.len() => text.split_at(i + '。'.len_utf8()),
        _ => (text, ""),
    }
}

#[derive(Clone, Copy)]
struct Style<'a> {
    font: &'a str,
    size: usize,
    bold: bool,
    color: Option<&'a str>,
}

struct Writer<'a> {
    fonts: &'a Fonts,
}

impl<'a> Writer<'a> {
    fn face(&self, name: &str) -> RunFonts {
        RunFonts::new()
            .ascii(name)
            .hi_ansi(name)
            .east_asia(name)
            .cs(name)
    }

    fn style(&self, font: &'a str, size: usize) -> Style<'a> {
        Style {
            font,
            size,
            bold: false,
            color: None,
        }
    }

    fn body(&self) -> Style<'a> {
        self.style(&self.fonts.body, BODY_SIZE)
    }

    /// Adds `text` in `style`; each `\n` becomes a line break.
    fn text(&self, mut p: Paragraph, text: &str, s: Style<'_>) -> Paragraph {
        for (i, line) in text.split('\n').enumerate() {
            let mut r = Run::new().size(s.size).fonts(self.face(s.font));
            if s.size == BODY_SIZE {
                r = r.character_spacing(BODY_CONDENSE);
            }
            if s.bold {
                r = r.bold();
            }
            if let Some(c) = s.color {
                r = r.color(c);
            }
            if i > 0 {
                r = r.add_break(BreakType::TextWrapping);
            }
            p = p.add_run(r.add_text(line));
        }
        p
    }

    /// "— 1 —" in 4号 宋体, odd pages right and even pages left, one character in (§7.5).
    fn page_number(&self, odd: bool) -> Footer {
        let s = self.style(&self.fonts.page_number, SMALL_SIZE);
        let field = Run::new()
            .size(SMALL_SIZE)
            .fonts(self.face(s.font))
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false);
        let one = chars(1.0);
        let p = para().line_spacing(exact(PAGE_NUMBER_LINE, 0));
        let p = if odd {
            p.align(AlignmentType::Right)
                .indent(None, None, Some(one), None)
        } else {
            p.align(AlignmentType::Left)
                .indent(Some(one), None, None, None)
        };
        let p = self.text(p, "— ", s).add_run(field);
        Footer::new().add_paragraph(self.text(p, " —", s))
    }

    /// 版头: urgency, issuer, issue, document number or masthead line, red separator.
    fn masthead(&self, doc: &OfficialDoc) -> Vec<Paragraph> {
        let mut out = Vec::new();
        if doc.headless {
            return out;
        }
        let mut lines_used = 0;
        if let Some(u) = &doc.urgency {
            let p = para().line_spacing(grid_line(0));
            out.push(self.text(p, u, self.style(&self.fonts.heading1, BODY_SIZE)));
            lines_used += LINE_PITCH;
        }
        // Large enough to dominate, at most 42 pt (a 15 mm wide character) and one line.
        let issuer_pt = (440.0 / width_chars(&doc.issuer).max(1.0)).min(42.0);
        let size = (issuer_pt * 2.0).floor() as usize;
        let line = (size as u32 * 10 * 5 / 4).max(LINE_PITCH);
        let before = mm(doc.issuer_gap_mm).saturating_sub(lines_used);
        let p = para()
            .align(AlignmentType::Center)
            .line_spacing(exact(line, before));
        let issuer = Style {
            color: Some(RED),
            ..self.style(&self.fonts.title, size)
        };
        out.push(self.text(p, &doc.issuer, issuer));
        if let Some(issue) = &doc.issue {
            let p = para()
                .align(AlignmentType::Center)
                .line_spacing(grid_line(0));
            out.push(self.text(p, issue, self.body()));
        }
        // 发文机关标志下空二行
        let sign_off = doc.sign_off.as_deref().filter(|s| !s.trim().is_empty());
        let kai = self.style(&self.fonts.heading2, BODY_SIZE);
        match (&doc.doc_no, sign_off) {
            (Some(no), None) => {
                let p = para()
                    .align(AlignmentType::Center)
                    .line_spacing(grid_line(2));
                out.push(self.text(p, no, self.body()));
            }
            // 上行文: the number one character from the left, 签发人 one from the right.
            (Some(no), Some(name)) => {
                let one = chars(1.0);
                let p = para()
                    .line_spacing(grid_line(2))
                    .indent(Some(one), None, None, None)
                    .add_tab(
                        Tab::new()
                            .val(TabValueType::Right)
                            .pos((TYPE_WIDTH as i32 - one) as usize),
                    );
                let p = self.text(p, &format!("{no}\t签发人："), self.body());
                out.push(self.text(p, name.trim(), kai));
            }
            (None, Some(name)) => {
                let p = para()
                    .align(AlignmentType::Right)
                    .line_spacing(grid_line(2))
                    .indent(None, None, Some(chars(1.0)), None);
                let p = self.text(p, "签发人：", self.body());
                out.push(self.text(p, name.trim(), kai));
            }
            (None, None) => {}
        }
        if let Some((left, right)) = &doc.masthead_line {
            let p = para()
                .line_spacing(grid_line(1))
                .add_tab(Tab::new().val(TabValueType::Right).pos(TYPE_WIDTH as usize));
            out.push(self.text(p, &format!("{left}\t{right}"), self.body()));
        }
        // 版头中的分隔线: red, as wide as the type area, 4 mm under the last masthead line.
        if let Some(last) = out.pop() {
            let mut last = last;
            last.property = last.property.set_borders(
                ParagraphBorders::with_empty().set(
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                        .val(BorderType::Single)
                        .size(12)
                        .space(11)
                        .color(RED),
                ),
            );
            out.push(last);
        }
        out
    }

    /// 主体: title, addressee, body, attachments, signature, note.
    fn main(&self, doc: &OfficialDoc, out: &mut Vec<Piece>) -> Result<(), DocxError> {
        // Title two lines under the red line, centred; a form without 版头 starts with it.
        let p = para()
            .align(AlignmentType::Center)
            .line_spacing(grid_line(if doc.headless { 0 } else { 2 }));
        out.push(Piece::P(self.text(
            p,
            &doc.title,
            self.style(&self.fonts.title, TITLE_SIZE),
        )));
        // 主送机关 one line under the title, flush left, ending in a full-width colon.
        let mut gap = 1;
        if let Some(a) = &doc.addressee {
            let a = a.trim_end_matches(['：', ':']);
            let p = para().line_spacing(grid_line(1));
            out.push(Piece::P(self.text(p, &format!("{a}："), self.body())));
            gap = 0;
        }
        for b in &doc.blocks {
            // A table keeps the blank line(s) a paragraph would have above it (e.g. 标题下空一行).
            if gap > 0 && matches!(b, Block::Table(_)) {
                out.push(Piece::P(para().line_spacing(grid_line(gap - 1))));
            }
            out.push(self.block(b, gap)?);
            gap = 0;
        }
        // 附件说明: one line under the body, two characters in; later items aligned.
        let many = doc.attachments.len() > 1;
        for (i, a) in doc.attachments.iter().enumerate() {
            let item = if many {
                format!("{}. {a}", i + 1)
            } else {
                a.clone()
            };
            let (text, spacing) = if i == 0 {
                (format!("附件：{item}"), grid_line(1))
            } else {
                (item, grid_line(0))
            };
            let label = if many { 4.5 } else { 3.0 };
            let hanging = if i == 0 { Some(chars(3.0)) } else { None };
            let p = para()
                .line_spacing(spacing)
                .align(AlignmentType::Both)
                .indent(
                    Some(chars(2.0 + label)),
                    hanging.map(SpecialIndentType::Hanging),
                    None,
                    None,
                );
            // Later items start under "1." and wrapped lines under the name.
            let p = if i == 0 {
                p
            } else {
                p.indent(
                    Some(chars(5.0 + 1.5)),
                    Some(SpecialIndentType::Hanging(chars(1.5))),
                    None,
                    None,
                )
            };
            out.push(Piece::P(self.text(p, &text, self.body())));
        }
        if let Some(sig) = &doc.signature {
            // The signature never stands alone on a page: the last paragraph goes with it.
            if let Some(Piece::P(p)) = out.last_mut() {
                *p = std::mem::replace(p, Paragraph::new()).keep_next(true);
            }
            // With a seal: the date four characters from the right, the organ centred over it,
            // two lines left above for the seal to press on both (§7.3.5.1).
            let date_w = width_chars(&sig.date);
            let organ_w = width_chars(&sig.organ);
            let organ_right = (4.0 + (date_w - organ_w) / 2.0).max(0.0);
            let p = para()
                .align(AlignmentType::Right)
                .line_spacing(grid_line(2))
                .keep_next(true)
                .indent(None, None, Some(chars(organ_right)), None);
            out.push(Piece::P(self.text(p, &sig.organ, self.body())));
            let p = para()
                .align(AlignmentType::Right)
                .line_spacing(grid_line(0))
                .keep_next(doc.note.is_some())
                .indent(None, None, Some(chars(4.0)), None);
            out.push(Piece::P(self.text(p, &sig.date, self.body())));
        }
        if let Some(n) = &doc.note {
            let n = n.trim();
            let n = if n.starts_with('（') {
                n.to_string()
            } else {
                format!("（{n}）")
            };
            let p = para()
                .line_spacing(grid_line(if doc.signature.is_some() { 0 } else { 1 }))
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(chars(2.0))),
                    None,
                    None,
                );
            out.push(Piece::P(self.text(p, &n, self.body())));
        }
        Ok(())
    }

    fn block(&self, b: &Block, gap_lines: u32) -> Result<Piece, DocxError> {
        let indented = || {
            para()
                .line_spacing(grid_line(gap_lines))
                .align(AlignmentType::Both)
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(chars(2.0))),
                    None,
                    None,
                )
        };
        let heading = |text: &str, head: Style<'_>| {
            let (h, rest) = run_in(text);
            let p = self.text(indented(), h, head);
            if rest.is_empty() {
                p.keep_next(true)
            } else {
                self.text(p, rest, self.body())
            }
        };
        Ok(Piece::P(match b {
            Block::Paragraph(t) => self.text(indented(), t, self.body()),
            Block::Plain(t) => self.text(
                para()
                    .line_spacing(grid_line(gap_lines))
                    .align(AlignmentType::Both),
                t,
                self.body(),
            ),
            Block::Heading1(t) => heading(t, self.style(&self.fonts.heading1, BODY_SIZE)),
            Block::Heading2(t) => heading(t, self.style(&self.fonts.heading2, BODY_SIZE)),
            Block::Heading3(t) => heading(
                t,
                Style {
                    bold: true,
                    ..self.body()
                },
            ),
            Block::Table(t) => return Ok(Piece::T(self.table(t)?)),
        }))
    }

    /// A bordered table in 仿宋 (4号 unless asked otherwise), header in 黑体; columns whose
    /// every cell fits on one line, or on the lines its `\n`s make, are centred (序号, names,
    /// dates, a form's labels), the others flush left.
    fn table(&self, t: &Table) -> Result<docx_rs::Table, DocxError> {
        let ncols = if t.widths_mm.is_empty() {
            t.headers
                .len()
                .max(t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(1))
        } else {
            t.widths_mm.len()
        };
        if ncols == 0 {
            return Err(DocxError::Invalid("表格没有列".into()));
        }
        let widths: Vec<u32> = if t.widths_mm.is_empty() {
            vec![TYPE_WIDTH / ncols as u32; ncols]
        } else {
            t.widths_mm
                .iter()
                .map(|w| (w * 1440.0 / 25.4).round().max(0.0) as u32)
                .collect()
        };
        if widths.iter().sum::<u32>() > TYPE_WIDTH + mm(1) {
            return Err(DocxError::Invalid("表格宽于版心（156毫米）".into()));
        }
        if !t.headers.is_empty() && t.headers.len() != ncols {
            return Err(DocxError::Invalid(format!(
                "表头有{}列，表格有{ncols}列",
                t.headers.len()
            )));
        }
        if let Some(r) = t
            .rows
            .iter()
            .find(|r| r.cells.is_empty() || r.cells.len() > ncols)
        {
            return Err(DocxError::Invalid(format!(
                "表格的一行有{}格，应为1至{ncols}格",
                r.cells.len()
            )));
        }
        const PAD: u32 = 85; // 1.5 mm each side
        let size = t.font_size.unwrap_or(SMALL_SIZE);
        let line = size as u32 * 15; // 1.5 lines
        let char_w = size as f32 * 10.0;
        let fits = |text: &str, w: u32| {
            text.split('\n')
                .all(|l| width_chars(l) * char_w <= w.saturating_sub(2 * PAD) as f32)
        };
        let centred: Vec<bool> = (0..ncols)
            .map(|c| {
                t.rows
                    .iter()
                    .filter(|r| r.cells.len() == ncols || c + 1 < r.cells.len())
                    .filter_map(|r| r.cells.get(c))
                    .all(|s| fits(s, widths[c]))
            })
            .collect();
        let cell = |text: &str, from: usize, span: usize, s: Style<'_>, centre: bool| {
            let w: u32 = widths[from..from + span].iter().sum();
            let mut c = TableCell::new()
                .width(w as usize, WidthType::Dxa)
                .vertical_align(VAlignType::Center);
            if span > 1 {
                c = c.grid_span(span);
            }
            let p = para().line_spacing(exact(line, 0)).align(if centre {
                AlignmentType::Center
            } else {
                AlignmentType::Left
            });
            c.add_paragraph(self.text(p, text, s))
        };
        let small = self.style(&self.fonts.body, size);
        let mut rows = Vec::new();
        if !t.headers.is_empty() {
            let head = self.style(&self.fonts.heading1, size);
            let cells = t
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| cell(h, i, 1, head, true))
                .collect();
            rows.push(
                docx_rs::TableRow::new(cells)
                    .cant_split()
                    .row_height(HEADER_ROW_MARK)
                    .height_rule(HeightRule::AtLeast),
            );
        }
        for r in &t.rows {
            let last = r.cells.len() - 1;
            let cells = r
                .cells
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    if i == last && last + 1 < ncols {
                        cell(text, i, ncols - last, small, false)
                    } else {
                        cell(text, i, 1, small, centred[i])
                    }
                })
                .collect();
            // A row stays on one page (a task is read as a whole).
            let mut row = docx_rs::TableRow::new(cells).cant_split();
            if let Some(h) = r.min_height_mm.filter(|h| *h >= 1.0) {
                row = row
                    .row_height((h * 1440.0 / 25.4).round())
                    .height_rule(HeightRule::AtLeast);
            }
            rows.push(row);
        }
        let rule = |pos| {
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4)
        };
        let borders = TableBorders::with_empty()
            .set(rule(TableBorderPosition::Top))
            .set(rule(TableBorderPosition::Bottom))
            .set(rule(TableBorderPosition::Left))
            .set(rule(TableBorderPosition::Right))
            .set(rule(TableBorderPosition::InsideH))
            .set(rule(TableBorderPosition::InsideV));
        Ok(docx_rs::Table::new(rows)
            .set_grid(widths.iter().map(|w| *w as usize).collect())
            .width(widths.iter().sum::<u32>() as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .align(TableAlignmentType::Center)
            .margins(TableCellMargins::new().margin(40, PAD as usize, 40, PAD as usize))
            .set_borders(borders))
    }

    /// 版记 at the foot of the last page (§7.4): a one-column table floating at the bottom of
    /// the type area, so that its last (thick) rule lies on the type area's lower edge; a
    /// thick first rule, thin rules between the lines; 4号 仿宋, one character in on both sides.
    fn imprint(&self, doc: &OfficialDoc) -> Option<docx_rs::Table> {
        let s = self.style(&self.fonts.body, SMALL_SIZE);
        let one = chars(1.0);
        let small_char = SMALL_SIZE as f32 * 10.0;
        let mut lines: Vec<(String, String)> = Vec::new();
        if let Some(c) = &doc.copy_to {
            let c = c.trim_end_matches(['。', '.']);
            lines.push(("抄送".into(), format!("{c}。")));
        }
        lines.extend(doc.distribution.iter().cloned());
        let cell = |p: Paragraph| {
            TableCell::new()
                .width(TYPE_WIDTH as usize, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
                .add_paragraph(p)
        };
        let mut rows = Vec::new();
        for (label, text) in &lines {
            // A wrapped line aligns with the first character after the colon.
            let label_w = ((width_chars(label) + 1.0) * small_char).round() as i32;
            let p = para()
                .line_spacing(exact(LINE_PITCH, 0))
                .align(AlignmentType::Left)
                .indent(
                    Some(one + label_w),
                    Some(SpecialIndentType::Hanging(label_w)),
                    Some(one),
                    None,
                );
            let p = self.text(p, &format!("{label}："), s);
            rows.push(docx_rs::TableRow::new(vec![cell(self.text(p, text, s))]));
        }
        if let Some((organ, date)) = &doc.printed_by {
            let p = para()
                .line_spacing(exact(LINE_PITCH, 0))
                .indent(Some(one), None, None, None)
                .add_tab(
                    Tab::new()
                        .val(TabValueType::Right)
                        .pos((TYPE_WIDTH as i32 - one) as usize),
                );
            let p = self.text(p, &format!("{organ}\t{date}"), s);
            rows.push(docx_rs::TableRow::new(vec![cell(p)]));
        }
        if rows.is_empty() {
            return None;
        }
        let rule = |pos, size| {
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(size)
                .color("000000")
        };
        let borders = TableBorders::with_empty()
            .set(rule(TableBorderPosition::Top, 8)) // 0.35 mm
            .set(rule(TableBorderPosition::Bottom, 8))
            .set(rule(TableBorderPosition::InsideH, 6)); // 0.25 mm
        Some(
            docx_rs::Table::new(rows)
                .set_grid(vec![TYPE_WIDTH as usize])
                .width(TYPE_WIDTH as usize, WidthType::Dxa)
                .layout(TableLayoutType::Fixed)
                .margins(TableCellMargins::new().margin(0, 0, 0, 0))
                .set_borders(borders)
                // Placed from the page's left edge rather than centred in the margins: the
                // same place for Word, and LibreOffice only floats a table that is narrower
                // than the area it is positioned in.
                .position(
                    TablePositionProperty::new()
                        .left_from_text(0)
                        .right_from_text(0)
                        .horizontal_anchor("page")
                        .position_x(MARGIN_LEFT as i32)
                        .vertical_anchor("margin")
                        .position_y_alignment("bottom"),
                ),
        )
    }
}
