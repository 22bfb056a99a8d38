//! The documents of procedures A and C (批示件转办单, 督查汇报, 督查考核申请书, 专项督查考核方案,
//! 督查考核通知), written as .docx and opened as the zip they are: page and margins, faces,
//! numbers and key fields in word/document.xml, and input with XML's special characters.

use std::io::{Cursor, Read};

use duban_docs::official::{
    Fonts, InspectionApplication, InspectionMode, InspectionNoticeDoc, InspectionPlanDoc,
    NoticeTask, OfficialDoc, SupervisionReport, TransferSlip, docx, inspection_application,
    inspection_notice, inspection_plan, supervision_report, transfer_slip,
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

    fn document(&self) -> &str {
        self.files
            .iter()
            .find(|(n, _)| n == "word/document.xml")
            .map(|(_, t)| t.as_str())
            .expect("word/document.xml")
    }
}

fn write(doc: &OfficialDoc) -> Parts {
    Parts::open(&docx(doc, &Fonts::default()).expect("docx"))
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

/// The run properties of the run whose text starts with `text`.
fn run_props<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no run with text {text}"));
    let run = xml[..at].rfind("<w:r>").expect("run start");
    &xml[run..at]
}

/// The paragraph properties of the paragraph holding `text`.
fn para_props<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no text {text}"));
    let p = xml[..at].rfind("<w:p ").expect("paragraph start");
    let end = p + xml[p..].find("</w:pPr>").expect("pPr end");
    &xml[p..end]
}

/// The table row (`<w:tr>…</w:tr>`) holding `text`.
fn row<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no text {text}"));
    let start = xml[..at].rfind("<w:tr>").expect("row start");
    let end = at + xml[at..].find("</w:tr>").expect("row end");
    &xml[start..end]
}

const OFFICE: &str = "张范街道考核督查办公室";

fn slip() -> TransferSlip {
    TransferSlip {
        issuer: OFFICE.into(),
        doc_no: "张督转〔2026〕3号".into(),
        urgency: Some("加急".into()),
        source_issuer: "高新区党工委办公室".into(),
        source_doc_no: "枣高办发〔2026〕41号".into(),
        channel: "文字通知".into(),
        received: "2026年12月1日".into(),
        subject: "关于做好岁末年初安全生产工作的通知".into(),
        summary: "要求各街道开展安全隐患大排查，12月15日前报送排查情况。".into(),
        instruction: "请王某某同志牵头，应急办抓好落实，按时报送。".into(),
        instructed_by: "张某某".into(),
        instructed_on: "2026年12月2日".into(),
        tasks: vec![NoticeTask {
            content: "开展燃气、消防安全隐患排查".into(),
            leaders: "王某某".into(),
            units: "应急管理办公室".into(),
            requirements: "排查全覆盖，建立台账".into(),
            deadline: "2026年12月12日前".into(),
        }],
        recipients: vec!["王某某".into(), "应急管理办公室".into(), "各社区".into()],
        report_by: "2026年12月12日".into(),
        report_to: "高新区党工委督查室".into(),
        date: "2026年12月2日".into(),
        contact: Some("联系人：钱某某，联系电话：1234567".into()),
        copy_to: Some("街道党工委书记".into()),
    }
}

fn report() -> SupervisionReport {
    SupervisionReport {
        issuer: OFFICE.into(),
        doc_no: "张督报〔2026〕5号".into(),
        sign_off: Some("张某某".into()),
        addressee: "高新区党工委督查室".into(),
        subject: "岁末年初安全生产工作".into(),
        body: "按照要求，现将我街道落实情况汇报如下。\n一、工作开展情况\n（一）排查隐患。共排查企业56家。\n二、下步打算\n持续跟踪整改。"
            .into(),
        signer: OFFICE.into(),
        date: "2026年12月12日".into(),
        contact: None,
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
    }
}

fn opinion(text: &str, name: &str, date: &str) -> Option<(String, String, String)> {
    Some((text.into(), name.into(), date.into()))
}

fn application() -> InspectionApplication {
    InspectionApplication {
        department: "应急管理办公室".into(),
        subject: "冬季安全生产专项督查考核".into(),
        reason: "冬季火灾、燃气事故易发多发。".into(),
        targets: "各社区".into(),
        content: "隐患排查整治和制度落实情况".into(),
        window: "2026年12月15日至17日".into(),
        mode: InspectionMode::OnSite,
        plan: Some("第8项".into()),
        score_items: vec![
            ("隐患排查整治".into(), "60".into()),
            ("制度落实".into(), "40分".into()),
        ],
        applicant: "李某某".into(),
        applied_on: "2026年12月3日".into(),
        dept_head: opinion("同意申请。", "赵某某", "2026年12月3日"),
        area_leader: None,
        principal: None,
        supervision_leader: None,
    }
}

fn plan(joint: bool) -> InspectionPlanDoc {
    InspectionPlanDoc {
        issuer: OFFICE.into(),
        doc_no: Some("张督考〔2026〕6号".into()),
        subject: "冬季安全生产".into(),
        joint,
        preamble: String::new(),
        window: "2026年12月15日至17日".into(),
        targets: vec!["光明路社区".into(), "和平社区".into()],
        contents: vec![
            (
                "应急管理办公室".into(),
                "隐患排查整治情况。\n应急预案落实情况。".into(),
            ),
            ("城市管理办公室".into(), "背街小巷除雪保畅情况。".into()),
        ],
        requirements: "（一）严守纪律。不搞层层陪同。\n（二）注重实效。发现问题当场反馈。".into(),
        mode: InspectionMode::OnSite,
        team: "孙某某（考核督查办）、周某某（应急管理办公室）".into(),
        vehicle: "申请公务用车1辆。".into(),
        score_items: vec![
            ("应急管理办公室".into(), "隐患排查整治".into(), "60".into()),
            ("城市管理办公室".into(), "除雪保畅".into(), "40".into()),
        ],
        date: "2026年12月8日".into(),
        copy_to: None,
    }
}

fn notice(mode: InspectionMode) -> InspectionNoticeDoc {
    InspectionNoticeDoc {
        issuer: OFFICE.into(),
        doc_no: "张督考〔2026〕7号".into(),
        urgency: None,
        addressee: "光明路社区".into(),
        subject: "冬季安全生产".into(),
        joint: true,
        mode,
        window: "2026年12月15日至17日".into(),
        report_by: String::new(),
        contents: plan(true).contents,
        requirements: String::new(),
        team: "孙某某、周某某".into(),
        contact: Some("联系人：钱某某，联系电话：1234567".into()),
        date: "2026年12月10日".into(),
        copy_to: None,
    }
}

/// Each document, its title and a line of its text.
fn all() -> Vec<(OfficialDoc, &'static str, &'static str)> {
    vec![
        (transfer_slip(&slip()), "批示件转办单", "根据主要领导批示"),
        (
            supervision_report(&report()),
            "关于岁末年初安全生产工作落实情况的督查汇报",
            "按照要求",
        ),
        (
            inspection_application(&application()),
            "督查考核申请书",
            "冬季火灾",
        ),
        (
            inspection_plan(&plan(true)),
            "冬季安全生产联合督查考核方案",
            "经街道主要领导同意",
        ),
        (
            inspection_notice(&notice(InspectionMode::OnSite)),
            "关于开展冬季安全生产联合督查考核的通知",
            "根据《冬季安全生产联合督查考核方案》",
        ),
    ]
}

#[test]
fn every_document_is_a4_with_the_standard_margins_and_faces() {
    for (doc, title, body) in all() {
        let p = write(&doc);
        let xml = p.document();
        assert_eq!(attr(xml, "w:pgSz", "w:w"), "11906", "{title}: A4 width");
        assert_eq!(attr(xml, "w:pgSz", "w:h"), "16838", "{title}: A4 height");
        assert_eq!(attr(xml, "w:pgMar", "w:top"), "2098", "{title}: 37 mm");
        assert_eq!(attr(xml, "w:pgMar", "w:left"), "1587", "{title}: 28 mm");
        let t = run_props(xml, title);
        assert!(t.contains(r#"w:eastAsia="方正小标宋简体""#), "{title}: {t}");
        assert!(t.contains(r#"<w:sz w:val="44" />"#), "{title}: 2号: {t}");
        let b = run_props(xml, body);
        assert!(b.contains(r#"w:eastAsia="仿宋_GB2312""#), "{title}: {b}");
        // Body paragraphs are 3号; a form's cells 4号.
        let size = if title == "督查考核申请书" {
            28
        } else {
            32
        };
        assert!(
            b.contains(&format!(r#"<w:sz w:val="{size}" />"#)),
            "{title}: {b}"
        );
    }
}

#[test]
fn every_part_is_well_formed_xml() {
    for (doc, title, _) in all() {
        let p = write(&doc);
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
                    Err(e) => panic!("{title} {name}: {e}"),
                }
            }
            assert_eq!(depth, 0, "{title} {name} is balanced");
        }
    }
}

#[test]
fn special_characters_are_escaped() {
    let evil = "R&D <试点> 项目";
    let mut s = slip();
    s.subject = evil.into();
    s.recipients.push(evil.into());
    let mut r = report();
    r.body = format!("一、{evil}\n{evil}");
    let mut a = application();
    a.reason = evil.into();
    a.area_leader = opinion(evil, "王某某", "2026年12月4日");
    let mut p = plan(true);
    p.contents.push((evil.into(), evil.into()));
    p.targets.push(evil.into());
    let mut n = notice(InspectionMode::Written);
    n.addressee = evil.into();
    n.requirements = evil.into();
    for doc in [
        transfer_slip(&s),
        supervision_report(&r),
        inspection_application(&a),
        inspection_plan(&p),
        inspection_notice(&n),
    ] {
        let bytes = docx(&doc, &Fonts::default()).expect("docx");
        let parts = Parts::open(&bytes);
        let xml = parts.document();
        assert!(xml.contains("R&amp;D &lt;试点&gt; 项目"), "{}", doc.title);
        assert!(
            !xml.contains("<试点>") && !xml.contains("R&D"),
            "{}",
            doc.title
        );
    }
}

#[test]
fn transfer_slip_is_a_form_with_the_instruction_tasks_and_receipts() {
    let p = write(&transfer_slip(&slip()));
    let xml = p.document();
    // 版头: urgency, red issuer, number with the red line under it.
    assert!(run_props(xml, "加急").contains(r#"w:eastAsia="黑体""#));
    assert!(run_props(xml, OFFICE).contains(r#"<w:color w:val="FF0000" />"#));
    let no = para_props(xml, "张督转〔2026〕3号");
    assert!(no.contains("<w:pBdr><w:bottom ") && no.contains(r#"w:color="FF0000""#));
    for field in [
        "高新区党工委办公室",
        "枣高办发〔2026〕41号",
        "文字通知",
        "2026年12月1日",
        "关于做好岁末年初安全生产工作的通知",
        "要求各街道开展安全隐患大排查",
        "高新区党工委督查室",
        "开展燃气、消防安全隐患排查",
        "2026年12月12日前",
    ] {
        assert!(xml.contains(&format!(">{field}")), "{field}");
    }
    // The instruction, who gave it and when, in a tall cell.
    assert!(xml.contains(">请王某某同志牵头，应急办抓好落实，按时报送。<"));
    assert!(xml.contains(">（张某某，2026年12月2日）<"));
    let instruction = row(xml, "主要领导批示");
    assert!(
        instruction.contains(r#"<w:trHeight w:val="2268" w:hRule="atLeast" />"#),
        "40 mm: {instruction}"
    );
    // The task table and the 签收 table repeat their headers; one 签收 row per recipient.
    assert_eq!(xml.matches("<w:tblHeader />").count(), 2);
    assert!(xml.contains(">签收领导（单位）<") && xml.contains(">签收时间<"));
    let receipts = &xml[xml.find(">签收领导（单位）<").expect("签收 table")..];
    let receipts = &receipts[..receipts.find("</w:tbl>").expect("table end")];
    assert_eq!(
        receipts
            .matches(r#"<w:trHeight w:val="680" w:hRule="atLeast" />"#)
            .count(),
        3,
        "three rows of 12 mm"
    );
    for (i, r) in ["王某某", "应急管理办公室", "各社区"].iter().enumerate() {
        let tr = row(receipts, &format!("{r}<"));
        assert!(tr.contains(&format!(">{}<", i + 1)), "{r} is row {}", i + 1);
    }
    assert!(xml.contains("由考核督查办汇总后报高新区党工委督查室。"));
    // Signature, note and 版记.
    assert!(xml.contains(">（联系人：钱某某，联系电话：1234567）<"));
    assert!(xml.contains(">街道党工委书记。<"));
    assert!(xml.contains(&format!("{OFFICE}\t2026年12月2日印发")));
}

#[test]
fn transfer_slip_without_instruction_or_recipients_leaves_room_to_write() {
    let mut s = slip();
    s.instruction.clear();
    s.instructed_by.clear();
    s.instructed_on.clear();
    s.recipients.clear();
    s.source_doc_no.clear();
    s.tasks.clear();
    let p = write(&transfer_slip(&s));
    let xml = p.document();
    assert!(row(xml, "主要领导批示").contains(r#"<w:trHeight w:val="3402" w:hRule="atLeast" />"#));
    assert!(xml.contains(">—<"), "no 来文文号");
    assert!(!xml.contains("根据主要领导批示"), "no tasks, no task table");
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1, "only 签收");
    let receipts = &xml[xml.find(">签收领导（单位）<").expect("签收 table")..];
    assert_eq!(
        receipts.matches(r#"w:val="680""#).count(),
        3,
        "three blank rows"
    );
}

#[test]
fn supervision_report_is_an_upward_document_with_its_signer() {
    let p = write(&supervision_report(&report()));
    let xml = p.document();
    // 上行文: the number one character from the left, 签发人 one from the right, on one line
    // with the red line under it; the name in 楷体.
    let line = para_props(xml, "张督报〔2026〕5号");
    assert!(!line.contains(r#"<w:jc w:val="center" />"#), "{line}");
    assert!(line.contains(r#"w:left="316""#), "one character in: {line}");
    assert!(line.contains(r#"<w:tab w:val="right""#), "{line}");
    assert!(line.contains(r#"w:color="FF0000""#), "red line: {line}");
    assert!(xml.contains(">张督报〔2026〕5号\t签发人：<"));
    assert!(run_props(xml, "张某某").contains(r#"w:eastAsia="楷体_GB2312""#));
    assert!(xml.contains(">高新区党工委督查室：<"), "主送");
    assert!(run_props(xml, "一、工作开展情况").contains(r#"w:eastAsia="黑体""#));
    assert!(run_props(xml, "（一）排查隐患。").contains(r#"w:eastAsia="楷体_GB2312""#));
    assert!(xml.contains(">2026年12月12日<"), "成文日期");
    assert!(xml.contains(&format!("{OFFICE}\t2026年12月12日印发")));
    assert!(xml.contains(">街道党工委、办事处领导班子成员。<"));

    // Without a 签发人 the number is centred as usual.
    let mut r = report();
    r.sign_off = None;
    let p = write(&supervision_report(&r));
    let xml = p.document();
    assert!(para_props(xml, "张督报〔2026〕5号").contains(r#"<w:jc w:val="center" />"#));
    assert!(!xml.contains("签发人"));
}

#[test]
fn application_is_a_form_without_masthead_with_blank_opinions() {
    let p = write(&inspection_application(&application()));
    let xml = p.document();
    assert!(!xml.contains("FF0000"), "no red issuer or line");
    assert!(!xml.contains("〔"), "no document number");
    assert!(!xml.contains("<w:tblpPr"), "no 版记");
    for field in [
        "应急管理办公室",
        "冬季安全生产专项督查考核",
        "各社区",
        "隐患排查整治和制度落实情况",
        "2026年12月15日至17日",
        "实地督查考核",
        "年度计划内：第8项",
        "李某某",
        "2026年12月3日",
        "1. 隐患排查整治（60分）",
        "2. 制度落实（40分）",
        "合计：100分",
        "同意申请。",
        "（赵某某，2026年12月3日）",
    ] {
        assert!(xml.contains(&format!(">{field}<")), "{field}");
    }
    // Labels broken in two lines stay centred.
    assert!(para_props(xml, "考核督查分管").contains(r#"<w:jc w:val="center" />"#));
    // Blank opinions keep their height for a handwritten one.
    assert!(row(xml, "业务分管").contains(r#"<w:trHeight w:val="1247" w:hRule="atLeast" />"#));
    assert!(row(xml, "主要领导").contains(r#"<w:trHeight w:val="1701" w:hRule="atLeast" />"#));
    assert!(row(xml, "考核督查分管").contains(r#"w:val="1247""#));

    let mut a = application();
    a.plan = None;
    a.mode = InspectionMode::Written;
    a.score_items.clear();
    let p = write(&inspection_application(&a));
    let xml = p.document();
    assert!(xml.contains(">计划外<") && xml.contains(">电话和文字督查<"));
    assert!(!xml.contains("评分项目"));
}

#[test]
fn joint_plan_lists_each_department_and_scores() {
    let p = write(&inspection_plan(&plan(true)));
    let xml = p.document();
    assert!(xml.contains(">张督考〔2026〕6号<"));
    for h in [
        "一、督查时间",
        "二、督查对象",
        "三、督查内容",
        "四、工作要求",
        "五、组织实施",
        "六、评分标准",
    ] {
        assert!(run_props(xml, h).contains(r#"w:eastAsia="黑体""#), "{h}");
    }
    assert!(xml.contains(">2026年12月15日至17日。<"));
    assert!(xml.contains(">光明路社区、和平社区。<"));
    assert!(run_props(xml, "（一）应急管理办公室").contains(r#"w:eastAsia="楷体_GB2312""#));
    assert!(xml.contains(">（二）城市管理办公室<"));
    assert!(xml.contains(">应急预案落实情况。<"));
    assert!(xml.contains(">（一）督查组成员。<") && xml.contains(">（二）公务用车。<"));
    assert!(xml.contains(">孙某某（考核督查办）、周某某（应急管理办公室）。<"));
    assert!(xml.contains(">申请公务用车1辆。<"));
    assert!(xml.contains("应急管理办公室、城市管理办公室负责业务安排和具体打分"));
    assert!(xml.contains(">评分部门<") && xml.contains(">合计<") && xml.contains(">100分<"));
    assert!(
        xml.contains(&format!("{OFFICE}\t2026年12月8日印发")),
        "issued: 版记"
    );

    // A single department's plan, only filed: no department headings, no number, no 版记.
    let mut single = plan(false);
    single.doc_no = None;
    single.contents.truncate(1);
    single.score_items.clear();
    single.vehicle.clear();
    let p = write(&inspection_plan(&single));
    let xml = p.document();
    assert!(run_props(xml, "冬季安全生产专项督查考核方案").contains(r#"<w:sz w:val="44" />"#));
    assert!(!xml.contains("（一）应急管理办公室"));
    assert!(xml.contains(">隐患排查整治情况。<"));
    assert!(!xml.contains("六、") && !xml.contains("公务用车。"));
    assert!(!xml.contains("〔") && !xml.contains("<w:tblpPr"));
    assert!(
        para_props(xml, OFFICE).contains(r#"w:color="FF0000""#),
        "red line under the issuer"
    );
}

#[test]
fn inspection_notice_by_mode() {
    let p = write(&inspection_notice(&notice(InspectionMode::OnSite)));
    let xml = p.document();
    assert!(xml.contains(">张督考〔2026〕7号<"));
    assert!(xml.contains(">光明路社区：<"));
    assert!(xml.contains(
        "定于2026年12月15日至17日对你单位开展冬季安全生产专项督查考核（联合督查）。现将有关事项通知如下："
    ));
    for h in [
        "一、督查时间",
        "二、督查内容",
        "三、督查方式",
        "四、督查组成员",
        "五、有关要求",
    ] {
        assert!(run_props(xml, h).contains(r#"w:eastAsia="黑体""#), "{h}");
    }
    assert!(xml.contains(">（一）应急管理办公室<"));
    assert!(xml.contains("实地督查考核。督查组通过听取汇报"));
    assert!(xml.contains("请你单位主要负责人和分管负责人在岗"));
    assert!(xml.contains(">（联系人：钱某某，联系电话：1234567）<"));
    assert!(xml.contains(&format!("{OFFICE}\t2026年12月10日印发")));

    let mut n = notice(InspectionMode::Written);
    n.joint = false;
    n.contents.truncate(1);
    n.team.clear();
    n.urgency = Some("特急".into());
    let p = write(&inspection_notice(&n));
    let xml = p.document();
    assert!(xml.contains(">特急<"));
    assert!(xml.contains(">关于开展冬季安全生产专项督查考核的通知<"));
    assert!(!xml.contains("联合督查"));
    assert!(xml.contains("请你单位于2026年12月17日前将冬季安全生产工作开展情况形成书面材料"));
    assert!(!xml.contains("督查组成员"), "no team, no section");
    assert!(xml.contains(">四、有关要求<"), "sections renumbered");

    // An explicit deadline wins over the window's end.
    n.report_by = "2026年12月16日前".into();
    let p = write(&inspection_notice(&n));
    assert!(p.document().contains("请你单位于2026年12月16日前将"));
}
