//! Opens generated .docx files as the zip they are and checks the GB/T 9704-2012 layout in
//! word/document.xml: page, margins, grid, faces and sizes, red issuer and line, document
//! number, tables, page numbers and the 版记.

use std::io::{Cursor, Read};

use duban_docs::official::{
    Block, BulletinIssue, DocxError, Fonts, NoticeTask, OfficialDoc, Signature, SupervisionNotice,
    Table, TableRow, bulletin_issue, docx, geometry, supervision_notice,
};

/// The parts of a .docx, as text.
struct Parts {
    files: Vec<(String, String)>,
}

impl Parts {
    fn open(bytes: &[u8]) -> Self {
        assert_eq!(&bytes[..2], b"PK", "a .docx is a zip");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut files = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("zip entry");
            let mut text = String::new();
            f.read_to_string(&mut text).expect("utf-8 part");
            files.push((f.name().to_string(), text));
        }
        Self { files }
    }

    fn part(&self, name: &str) -> &str {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no part {name}"))
    }

    fn document(&self) -> &str {
        self.part("word/document.xml")
    }
}

/// The value of `attr` on the first `<element …>` in `xml`.
fn attr<'a>(xml: &'a str, element: &str, attr: &str) -> &'a str {
    let start = xml
        .find(&format!("<{element} "))
        .unwrap_or_else(|| panic!("no <{element}>"));
    let tag = &xml[start..start + xml[start..].find('>').expect("tag end")];
    let key = format!(" {attr}=\"");
    let at = tag
        .find(&key)
        .unwrap_or_else(|| panic!("<{element}> has no {attr}: {tag}"))
        + key.len();
    &tag[at..at + tag[at..].find('"').expect("attribute end")]
}

/// The run properties (`<w:rPr>…</w:rPr>`) of the run whose text starts with `text`.
fn run_props<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no run with text {text}"));
    let run = xml[..at].rfind("<w:r>").expect("run start");
    &xml[run..at]
}

/// The paragraph properties (`<w:pPr>…`) of the paragraph holding `text`.
fn para_props<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no text {text}"));
    let p = xml[..at].rfind("<w:p ").expect("paragraph start");
    let end = p + xml[p..].find("</w:pPr>").expect("pPr end");
    &xml[p..end]
}

fn task(content: &str, deadline: &str) -> NoticeTask {
    NoticeTask {
        content: content.into(),
        leaders: "王某某".into(),
        units: "应急管理办公室".into(),
        requirements: "排查全覆盖，每周报送".into(),
        deadline: deadline.into(),
    }
}

fn notice_input() -> SupervisionNotice {
    SupervisionNotice {
        issuer: "张范街道考核督查办公室".into(),
        doc_no: "张督办〔2026〕12号".into(),
        urgency: Some("特急".into()),
        subject: "落实冬季安全生产工作部署".into(),
        addressee: String::new(),
        source: "2026年11月28日街道党工委会议".into(),
        instruction: Some("党工委书记“压实责任、逐项销号”的批示要求".into()),
        tasks: vec![
            task("开展燃气安全隐患排查整治", "2026年12月20日前"),
            task("做好困难群众冬季供暖保障", "2026年12月15日前"),
        ],
        report_by: "2026年12月10日".into(),
        date: "2026年12月4日".into(),
        contact: Some("联系人：钱某某，联系电话：1234567".into()),
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
    }
}

fn notice(fonts: &Fonts) -> Parts {
    let bytes = docx(&supervision_notice(&notice_input()), fonts).expect("docx");
    Parts::open(&bytes)
}

/// A document with every kind of block, for the faces of the headings.
fn every_block() -> OfficialDoc {
    OfficialDoc {
        issuer: "张范街道考核督查办公室".into(),
        doc_no: Some("张督办〔2026〕3号".into()),
        title: "关于11月份督查情况的通报".into(),
        addressee: Some("各社区、各部门（单位）".into()),
        blocks: vec![
            Block::Paragraph("正文第一段。".into()),
            Block::Heading1("一、总体情况".into()),
            Block::Heading2("（一）压实责任。各单位细化分工。".into()),
            Block::Heading3("1. 细化措施".into()),
            Block::Plain("无缩进的一行".into()),
            Block::Paragraph("R&D <试点> \"引号\"".into()),
        ],
        attachments: vec!["督查事项清单".into(), "评分表".into()],
        signature: Some(Signature {
            organ: "张范街道考核督查办公室".into(),
            date: "2026年12月4日".into(),
        }),
        printed_by: Some(("张范街道考核督查办公室".into(), "2026年12月4日印发".into())),
        ..OfficialDoc::default()
    }
}

#[test]
fn geometry_is_the_standard_one() {
    use geometry::*;
    assert_eq!((PAGE_WIDTH, PAGE_HEIGHT), (11906, 16838), "A4");
    assert_eq!(MARGIN_TOP, 2098, "37 mm");
    assert_eq!(MARGIN_LEFT, 1587, "28 mm");
    assert_eq!(MARGIN_RIGHT, 1474, "26 mm");
    assert_eq!(MARGIN_BOTTOM, 1984, "35 mm");
    assert!(TYPE_WIDTH.abs_diff(mm(156)) <= 1, "156 mm type area");
    assert!(TYPE_HEIGHT.abs_diff(mm(225)) <= 1, "225 mm type area");
    assert_eq!(LINE_PITCH, 579, "28.95 pt");
    const { assert!(22 * LINE_PITCH <= TYPE_HEIGHT && 23 * LINE_PITCH > TYPE_HEIGHT) };
    // 28 grid characters of 16 pt + charSpace/4096 pt fit the line, 29 do not.
    let pitch_pt = 16.0 + CHAR_SPACE as f64 / 4096.0;
    let width_pt = TYPE_WIDTH as f64 / 20.0;
    assert!(28.0 * pitch_pt <= width_pt && 29.0 * pitch_pt > width_pt);
    assert_eq!(CHAR_SPACE, -842);
    // The condensed body text that stands in for the grid fits 28 too.
    let condensed = 16.0 + duban_docs::official::BODY_CONDENSE as f64 / 20.0;
    assert!(28.0 * condensed <= width_pt && 29.0 * condensed > width_pt);
}

#[test]
fn page_is_a4_with_the_standard_margins_and_grid() {
    let p = notice(&Fonts::default());
    let xml = p.document();
    assert_eq!(attr(xml, "w:pgSz", "w:w"), "11906");
    assert_eq!(attr(xml, "w:pgSz", "w:h"), "16838");
    assert_eq!(attr(xml, "w:pgMar", "w:top"), "2098");
    assert_eq!(attr(xml, "w:pgMar", "w:left"), "1587");
    assert_eq!(attr(xml, "w:pgMar", "w:right"), "1474");
    assert_eq!(attr(xml, "w:pgMar", "w:bottom"), "1984");
    assert_eq!(attr(xml, "w:docGrid", "w:type"), "linesAndChars");
    assert_eq!(attr(xml, "w:docGrid", "w:linePitch"), "579");
    assert_eq!(attr(xml, "w:docGrid", "w:charSpace"), "-842");
    // Body lines are exactly one grid line: 22 to a page.
    let body = para_props(xml, "根据2026年11月28日");
    assert!(
        body.contains(r#"w:line="579" w:lineRule="exact""#),
        "{body}"
    );
    assert!(
        body.contains(r#"w:firstLine="632""#),
        "two characters in: {body}"
    );
}

#[test]
fn default_faces_and_sizes() {
    let p = notice(&Fonts::default());
    let xml = p.document();
    let title = run_props(xml, "关于落实冬季安全生产工作部署的督办通知");
    assert!(title.contains(r#"w:eastAsia="方正小标宋简体""#), "{title}");
    assert!(title.contains(r#"<w:sz w:val="44" />"#), "2号: {title}");
    let body = run_props(xml, "根据2026年11月28日");
    assert!(body.contains(r#"w:eastAsia="仿宋_GB2312""#), "{body}");
    assert!(body.contains(r#"<w:sz w:val="32" />"#), "3号: {body}");
    let urgency = run_props(xml, "特急");
    assert!(urgency.contains(r#"w:eastAsia="黑体""#), "{urgency}");
    // Default paragraph style in the body face and size, for Word and the grid.
    let styles = p.part("word/styles.xml");
    assert!(
        styles.contains(r#"w:default="1" w:styleId="Normal""#),
        "{styles}"
    );
    assert!(styles.contains(r#"w:eastAsia="仿宋_GB2312""#));

    let doc = docx(&every_block(), &Fonts::default()).expect("docx");
    let p = Parts::open(&doc);
    let xml = p.document();
    assert!(run_props(xml, "一、总体情况").contains(r#"w:eastAsia="黑体""#));
    // Run-in heading: the heading in 楷体, the rest in the body face.
    assert!(run_props(xml, "（一）压实责任。").contains(r#"w:eastAsia="楷体_GB2312""#));
    assert!(run_props(xml, "各单位细化分工。").contains(r#"w:eastAsia="仿宋_GB2312""#));
    let h3 = run_props(xml, "1. 细化措施");
    assert!(h3.contains("<w:b />") && h3.contains(r#"w:eastAsia="仿宋_GB2312""#));
    assert!(xml.contains(">附件：1. 督查事项清单<"));
    assert!(xml.contains(">2. 评分表<"));
    assert!(
        xml.contains(">各社区、各部门（单位）：<"),
        "addressee ends in a colon"
    );
}

#[test]
fn issuer_is_red_under_it_the_number_and_a_red_line() {
    let p = notice(&Fonts::default());
    let xml = p.document();
    let issuer = run_props(xml, "张范街道考核督查办公室");
    assert!(issuer.contains(r#"<w:color w:val="FF0000" />"#), "{issuer}");
    assert!(
        issuer.contains(r#"w:eastAsia="方正小标宋简体""#),
        "{issuer}"
    );
    assert!(para_props(xml, "张范街道考核督查办公室").contains(r#"<w:jc w:val="center" />"#));

    // 机关代字〔年份〕序号: six-cornered brackets, full year, number without padding or 第.
    let at = xml.find("〔2026〕").expect("document number");
    let start = xml[..at].rfind('>').expect("text start") + 1;
    let end = at + xml[at..].find('<').expect("text end");
    let no = &xml[start..end];
    let (organ, rest) = no.split_once("〔2026〕").expect("year");
    let seq = rest.strip_suffix('号').expect("ends in 号");
    assert!(!organ.is_empty() && !organ.contains('第'), "{no}");
    assert!(seq.parse::<u32>().is_ok() && !seq.starts_with('0'), "{no}");
    assert_eq!(no, "张督办〔2026〕12号");

    let line = para_props(xml, "张督办〔2026〕12号");
    assert!(line.contains(r#"<w:jc w:val="center" />"#), "{line}");
    assert!(
        line.contains("<w:pBdr><w:bottom ") && line.contains(r#"w:color="FF0000""#),
        "red separator under the number: {line}"
    );
}

#[test]
fn signature_note_and_imprint() {
    let p = notice(&Fonts::default());
    let xml = p.document();
    let date = para_props(xml, "2026年12月4日<");
    assert!(date.contains(r#"<w:jc w:val="right" />"#), "{date}");
    assert!(
        date.contains(r#"w:right="1264""#),
        "four characters from the right: {date}"
    );
    assert!(xml.contains(">（联系人：钱某某，联系电话：1234567）<"));
    // 版记: a table floating at the bottom of the type area, thick-thin-thick rules.
    let imprint = &xml[xml.rfind("<w:tbl>").expect("版记 table")..];
    assert_eq!(attr(imprint, "w:tblpPr", "w:tblpYSpec"), "bottom");
    assert_eq!(attr(imprint, "w:tblpPr", "w:vertAnchor"), "margin");
    assert_eq!(attr(imprint, "w:top", "w:sz"), "8");
    assert_eq!(attr(imprint, "w:insideH", "w:sz"), "6");
    assert!(
        imprint.contains(">街道党工委、办事处领导班子成员。<"),
        "抄送 ends in 。"
    );
    assert!(imprint.contains(">抄送：<"));
    assert!(imprint.contains("张范街道考核督查办公室\t2026年12月4日印发"));
}

#[test]
fn task_table_has_a_repeated_header_and_all_tasks() {
    let p = notice(&Fonts::default());
    let xml = p.document();
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1);
    for h in [
        "序号",
        "督查内容",
        "责任领导",
        "责任单位",
        "办理要求",
        "落实时限",
    ] {
        assert!(xml.contains(&format!(">{h}<")), "header {h}");
    }
    assert!(run_props(xml, "督查内容").contains(r#"w:eastAsia="黑体""#));
    assert!(xml.contains(">开展燃气安全隐患排查整治<"));
    assert!(xml.contains(">2026年12月15日前<"));
    assert!(
        xml.contains(r#"<w:gridCol w:w="567" w:type="dxa" />"#),
        "序号 10 mm"
    );
}

#[test]
fn page_numbers_outside_edge_in_songti() {
    let p = notice(&Fonts::default());
    let settings = p.part("word/settings.xml");
    assert!(settings.contains("<w:evenAndOddHeaders />"));
    let footers: Vec<&str> = p
        .files
        .iter()
        .filter(|(n, _)| n.starts_with("word/footer"))
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(footers.len(), 2, "odd and even");
    for f in &footers {
        assert!(f.contains("<w:instrText>PAGE</w:instrText>"), "{f}");
        assert!(f.contains(">— <") && f.contains("> —<"), "— n —: {f}");
        assert!(f.contains(r#"w:eastAsia="宋体""#) && f.contains(r#"<w:sz w:val="28" />"#));
    }
    let sides: Vec<&str> = footers.iter().map(|f| attr(f, "w:jc", "w:val")).collect();
    assert!(
        sides.contains(&"right") && sides.contains(&"left"),
        "{sides:?}"
    );
}

#[test]
fn changed_fonts_change_the_xml() {
    let standard = notice(&Fonts::default());
    let custom = Fonts {
        title: "FZXiaoBiaoSong-B05S".into(),
        body: "仿宋".into(),
        heading1: "SimHei".into(),
        heading2: "楷体".into(),
        page_number: "SimSun".into(),
    };
    let changed = notice(&custom);
    assert_ne!(standard.document(), changed.document());
    let xml = changed.document();
    assert!(!xml.contains("仿宋_GB2312") && !xml.contains("方正小标宋简体"));
    assert!(run_props(xml, "关于落实").contains(r#"w:eastAsia="FZXiaoBiaoSong-B05S""#));
    assert!(run_props(xml, "根据2026年").contains(r#"w:eastAsia="仿宋""#));
    assert!(run_props(xml, "序号").contains(r#"w:eastAsia="SimHei""#));
    assert!(
        changed
            .files
            .iter()
            .any(|(n, t)| n.starts_with("word/footer") && t.contains(r#"w:eastAsia="SimSun""#))
    );
    let blocks = Parts::open(&docx(&every_block(), &custom).expect("docx"));
    assert!(run_props(blocks.document(), "（一）压实责任。").contains(r#"w:eastAsia="楷体""#));
    assert!(
        changed
            .part("word/styles.xml")
            .contains(r#"w:eastAsia="仿宋""#)
    );
}

#[test]
fn periodical_issue() {
    let doc = bulletin_issue(&BulletinIssue {
        periodical: "张范督查".into(),
        number: 12,
        editor: "张范街道考核督查办公室".into(),
        date: "2026年12月4日".into(),
        title: "关于11月份重点工作督查情况的通报".into(),
        body: "现将有关情况通报如下。\n一、总体情况\n共交办36项。\n（一）压实责任。细化分工。"
            .into(),
        reported_to: Some("街道党工委书记".into()),
        sent_to: "各社区，街道各部门（单位）".into(),
    });
    let p = Parts::open(&docx(&doc, &Fonts::default()).expect("docx"));
    let xml = p.document();
    assert!(run_props(xml, "《张范督查》").contains(r#"<w:color w:val="FF0000" />"#));
    assert!(xml.contains(">第12期<"));
    let masthead = para_props(xml, "张范街道考核督查办公室\t2026年12月4日");
    assert!(
        masthead.contains(r#"w:color="FF0000""#),
        "red line under the masthead line"
    );
    assert!(run_props(xml, "一、总体情况").contains(r#"w:eastAsia="黑体""#));
    assert!(run_props(xml, "（一）压实责任。").contains(r#"w:eastAsia="楷体_GB2312""#));
    assert!(xml.contains(">报：<") && xml.contains(">发：<"));
    assert!(xml.contains(">各社区，街道各部门（单位）<"));
    assert!(!xml.contains("〔"), "a periodical has no document number");
}

#[test]
fn forms_span_short_rows_and_bad_tables_are_refused() {
    let form = |rows: Vec<TableRow>, widths: Vec<f32>| OfficialDoc {
        issuer: "张范街道考核督查办公室".into(),
        title: "批示件转办单".into(),
        blocks: vec![Block::Table(Table {
            headers: vec![],
            rows,
            widths_mm: widths,
            font_size: None,
        })],
        ..OfficialDoc::default()
    };
    let ok = form(
        vec![
            TableRow::new(["来文单位", "区委办公室", "收文日期", "2026年12月1日"]),
            TableRow::new(["领导批示", "请抓好落实。"]).min_height(60.0),
        ],
        vec![30.0, 56.0, 26.0, 44.0],
    );
    let p = Parts::open(&docx(&ok, &Fonts::default()).expect("docx"));
    let xml = p.document();
    assert!(
        xml.contains(r#"<w:gridSpan w:val="3" />"#),
        "value over three columns"
    );
    assert!(
        xml.contains(r#"<w:trHeight w:val="3402" w:hRule="atLeast" />"#),
        "60 mm"
    );
    assert!(
        !xml.contains("<w:tblHeader />"),
        "no header row in this form"
    );

    let too_wide = form(vec![TableRow::new(["a"])], vec![100.0, 60.0]);
    assert!(matches!(
        docx(&too_wide, &Fonts::default()),
        Err(DocxError::Invalid(_))
    ));
    let too_many = form(vec![TableRow::new(["a", "b", "c"])], vec![50.0, 50.0]);
    assert!(matches!(
        docx(&too_many, &Fonts::default()),
        Err(DocxError::Invalid(_))
    ));
    let untitled = OfficialDoc {
        title: " ".into(),
        ..ok
    };
    assert!(matches!(
        docx(&untitled, &Fonts::default()),
        Err(DocxError::Invalid(_))
    ));
}

#[test]
fn every_part_is_well_formed_xml() {
    for doc in [supervision_notice(&notice_input()), every_block()] {
        let p = Parts::open(&docx(&doc, &Fonts::default()).expect("docx"));
        for (name, text) in &p.files {
            if !name.ends_with(".xml") && !name.ends_with(".rels") {
                continue;
            }
            let mut reader = quick_xml::Reader::from_str(text);
            let mut depth = 0i32;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name}: {e}"),
                }
            }
            assert_eq!(depth, 0, "{name} is balanced");
        }
    }
}
