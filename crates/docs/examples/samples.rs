//! Writes sample official documents for a look in a word processor or through
//! `scripts/render-docx.sh`:
//!
//!     cargo run -p duban-docs --example samples [OUT_DIR]
//!
//! OUT_DIR defaults to `target/docs-samples` in the workspace.

use std::path::PathBuf;

use duban_docs::official::{
    Block, BulletinIssue, Fonts, InspectionApplication, InspectionMode, InspectionNoticeDoc,
    InspectionPlanDoc, NoticeTask, OfficialDoc, Signature, SupervisionNotice, SupervisionReport,
    Table, TableRow, TransferSlip, bulletin_issue, docx, inspection_application, inspection_notice,
    inspection_plan, supervision_notice, supervision_report, transfer_slip,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/docs-samples")
        });
    std::fs::create_dir_all(&out)?;
    let fonts = Fonts::default();
    for (name, doc) in [
        ("supervision-notice", notice()),
        ("bulletin-issue", issue()),
        ("instruction-transfer-form", transfer_form()),
        ("inspection-notice", inspection_notice_blocks()),
        // The builders of procedures A and C.
        ("a-transfer-slip", slip()),
        ("a-supervision-report", report()),
        ("c-inspection-application", application()),
        ("c-inspection-plan", plan()),
        (
            "c-inspection-notice",
            notice_to_unit(InspectionMode::OnSite),
        ),
        (
            "c-inspection-notice-in-writing",
            notice_to_unit(InspectionMode::Written),
        ),
    ] {
        let path = out.join(format!("{name}.docx"));
        std::fs::write(&path, docx(&doc, &fonts)?)?;
        let path = path.canonicalize()?;
        println!("{}", path.display());
    }
    Ok(())
}

fn notice() -> OfficialDoc {
    let task = |content: &str, leaders: &str, units: &str, req: &str, deadline: &str| NoticeTask {
        content: content.into(),
        leaders: leaders.into(),
        units: units.into(),
        requirements: req.into(),
        deadline: deadline.into(),
    };
    supervision_notice(&SupervisionNotice {
        issuer: "张范街道考核督查办公室".into(),
        doc_no: "张督办〔2026〕12号".into(),
        urgency: Some("加急".into()),
        subject: "落实冬季安全生产和冬季供暖保障工作部署".into(),
        addressee: String::new(),
        source: "2026年11月28日街道党工委会议".into(),
        instruction: Some("党工委书记“压实责任、逐项销号”的批示要求".into()),
        tasks: vec![
            task(
                "开展辖区燃气、消防安全隐患排查整治，建立问题清单和整改台账",
                "王某某",
                "应急管理办公室（牵头）、各社区",
                "排查全覆盖，问题清单化管理，整改情况每周报送",
                "2026年12月20日前",
            ),
            task(
                "做好困难群众冬季供暖保障，逐户走访建档",
                "李某某",
                "社会事务办公室",
                "走访到户，发现问题当日处置",
                "2026年12月15日前",
            ),
            task(
                "清理背街小巷积雪和道路结冰点位，制定应急预案",
                "赵某某",
                "城市管理办公室、环卫所",
                "预案报分管领导审定后实施",
                "2026年12月10日前",
            ),
            task(
                "梳理年度重点工作未完成事项，提出攻坚措施",
                "孙某某",
                "党政办公室",
                "形成书面报告",
                "2026年12月25日前",
            ),
        ],
        report_by: "2026年12月10日".into(),
        date: "2026年12月4日".into(),
        contact: Some("联系人：钱某某，联系电话：0632-1234567".into()),
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
    })
}

fn issue() -> OfficialDoc {
    bulletin_issue(&BulletinIssue {
        periodical: "张范督查".into(),
        number: 12,
        editor: "张范街道考核督查办公室".into(),
        date: "2026年12月4日".into(),
        title: "关于11月份重点工作督查情况的通报".into(),
        body: "\
为推动街道党工委各项决策部署落地见效，考核督查办对11月份街道会议和主要领导交办事项落实情况进行了督查。现将有关情况通报如下。
一、总体情况
11月份共交办督查事项36项，已办结29项，办结率80.6%；按期反馈32项，反馈率88.9%。大部分部门（单位）能够按照时限要求推进工作、报送进展。
二、主要做法
（一）压实责任链条。各责任单位对照督办通知细化任务分工，明确责任人和完成时限，做到件件有人抓、事事有回音。
（二）强化过程督办。考核督查办通过现场查看、电话抽查等方式跟踪推进，对临近时限的事项提前催办。
三、存在问题
一是个别单位反馈不及时，需多次催办才报送落实情况；二是部分事项进度滞后，有3项超过落实时限未办结；三是少数反馈材料内容简单，缺少具体措施和成效。
四、下步工作
各部门（单位）要对照问题清单逐项整改，于12月15日前将整改情况报考核督查办。考核督查办将对超期未办结事项挂牌督办，督查结果纳入年度绩效考核。"
            .into(),
        reported_to: Some("街道党工委书记、办事处主任，街道分管考核督查工作领导".into()),
        sent_to: "各社区党组织、居委会，街道各部门（单位）".into(),
    })
}

/// A form (批示件转办单) built directly from blocks: label cells and wide value cells.
fn transfer_form() -> OfficialDoc {
    let row = |cells: &[&str]| TableRow::new(cells.iter().copied());
    OfficialDoc {
        issuer: "张范街道考核督查办公室".into(),
        issuer_gap_mm: 10,
        doc_no: Some("张督转〔2026〕5号".into()),
        title: "批示件转办单".into(),
        blocks: vec![Block::Table(Table {
            headers: vec![],
            rows: vec![
                row(&["来文单位", "区委办公室", "收文日期", "2026年12月1日"]),
                row(&["文件标题", "关于做好岁末年初安全生产工作的通知"]),
                row(&[
                    "领导批示",
                    "请王某某同志牵头，应急办抓好落实，12月20日前报结果。（张某某，2026年12月2日）",
                ])
                .min_height(45.0),
                row(&["承办单位", "应急管理办公室"]),
                row(&["办理要求", "按批示要求落实，办理结果书面报考核督查办"]),
                row(&["办理时限", "2026年12月20日前", "签收人", ""]).min_height(14.0),
            ],
            widths_mm: vec![30.0, 56.0, 26.0, 44.0],
            font_size: None,
        })],
        signature: Some(Signature {
            organ: "张范街道考核督查办公室".into(),
            date: "2026年12月2日".into(),
        }),
        ..OfficialDoc::default()
    }
}

/// A 督查考核通知 built from blocks: headings, attachments, signature, 版记.
fn inspection_notice_blocks() -> OfficialDoc {
    let p = |t: &str| Block::Paragraph(t.into());
    let h1 = |t: &str| Block::Heading1(t.into());
    let h2 = |t: &str| Block::Heading2(t.into());
    OfficialDoc {
        issuer: "张范街道考核督查办公室".into(),
        doc_no: Some("张督考〔2026〕7号".into()),
        title: "关于开展安全生产专项督查考核的通知".into(),
        addressee: Some("各社区，街道有关部门（单位）".into()),
        blocks: vec![
            p(
                "经街道主要领导同意，定于近期对各社区安全生产工作开展专项督查考核。现将有关事项通知如下：",
            ),
            h1("一、督查时间"),
            p("2026年12月15日至12月17日，具体时间另行通知。"),
            h1("二、督查对象"),
            p("各社区，街道应急管理办公室、城市管理办公室。"),
            h1("三、督查内容"),
            h2(
                "（一）隐患排查整治情况。重点检查燃气、消防、危化品等领域隐患排查台账和整改落实情况。",
            ),
            h2("（二）制度落实情况。重点检查安全生产责任制、值班值守和应急预案落实情况。"),
            Block::Heading3("1. 资料查阅。查看台账、会议记录和整改报告。".into()),
            h1("四、有关要求"),
            p(
                "请各单位提前做好迎检准备，如实提供有关资料，不得弄虚作假。督查结果纳入年度绩效考核。",
            ),
        ],
        attachments: vec!["安全生产专项督查考核评分表".into(), "督查组成员名单".into()],
        signature: Some(Signature {
            organ: "张范街道考核督查办公室".into(),
            date: "2026年12月8日".into(),
        }),
        note: Some("联系人：钱某某，联系电话：0632-1234567".into()),
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
        printed_by: Some(("张范街道考核督查办公室".into(), "2026年12月8日印发".into())),
        ..OfficialDoc::default()
    }
}

const OFFICE: &str = "张范街道考核督查办公室";

/// 批示件转办单 (procedure A): a higher-level notice, the instruction, tasks and receipts.
fn slip() -> OfficialDoc {
    transfer_slip(&TransferSlip {
        issuer: OFFICE.into(),
        doc_no: "张督转〔2026〕3号".into(),
        urgency: Some("加急".into()),
        source_issuer: "高新区党工委办公室".into(),
        source_doc_no: "枣高办发〔2026〕41号".into(),
        channel: "文字通知".into(),
        received: "2026年12月1日".into(),
        subject: "关于做好岁末年初安全生产工作的通知".into(),
        summary: "要求各街道立即开展安全隐患大排查大整治，重点排查燃气、消防、危化品和建筑施工领域，12月15日前将排查整治情况书面报送高新区党工委督查室。".into(),
        instruction: "请王某某同志牵头，应急办会同各社区抓好落实，12月12日前将情况报考核督查办汇总上报。".into(),
        instructed_by: "张某某".into(),
        instructed_on: "2026年12月2日".into(),
        tasks: vec![
            NoticeTask {
                content: "开展燃气、消防安全隐患排查整治，建立问题清单和整改台账".into(),
                leaders: "王某某".into(),
                units: "应急管理办公室（牵头）、各社区".into(),
                requirements: "排查全覆盖，问题清单化管理".into(),
                deadline: "2026年12月12日前".into(),
            },
            NoticeTask {
                content: "检查在建工地冬季施工安全措施".into(),
                leaders: "赵某某".into(),
                units: "城市管理办公室".into(),
                requirements: "逐个工地检查，形成书面报告".into(),
                deadline: "2026年12月12日前".into(),
            },
        ],
        recipients: vec![
            "王某某".into(),
            "赵某某".into(),
            "应急管理办公室".into(),
            "城市管理办公室".into(),
            "各社区".into(),
        ],
        report_by: "2026年12月12日".into(),
        report_to: "高新区党工委督查室".into(),
        date: "2026年12月2日".into(),
        contact: Some("联系人：钱某某，联系电话：0632-1234567".into()),
        copy_to: Some("街道党工委书记、办事处主任".into()),
    })
}

/// 督查汇报 (procedure A), reported upward with its 签发人.
fn report() -> OfficialDoc {
    supervision_report(&SupervisionReport {
        issuer: OFFICE.into(),
        doc_no: "张督报〔2026〕5号".into(),
        sign_off: Some("张某某".into()),
        addressee: "高新区党工委督查室".into(),
        subject: "岁末年初安全生产工作".into(),
        body: "\
按照《关于做好岁末年初安全生产工作的通知》（枣高办发〔2026〕41号）要求，街道党工委高度重视，主要领导作出批示，考核督查办分解任务、跟踪督办。现将落实情况汇报如下。
一、工作开展情况
（一）全面排查隐患。共排查企业56家、燃气用户1200余户，发现隐患43处，已整改40处。
（二）压实工作责任。明确分管领导和责任单位，建立问题清单和整改台账，实行销号管理。
二、存在问题
个别企业主体责任落实不到位，3处隐患因涉及管网改造尚未整改到位。
三、下步打算
对未整改隐患挂牌督办，12月底前全部整改到位，整改情况另行报告。"
            .into(),
        signer: OFFICE.into(),
        date: "2026年12月12日".into(),
        contact: Some("联系人：钱某某，联系电话：0632-1234567".into()),
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
    })
}

/// 督查考核申请书 (procedure C, step 1) with the department head's opinion recorded and the
/// others left blank for signing by hand.
fn application() -> OfficialDoc {
    inspection_application(&InspectionApplication {
        department: "应急管理办公室".into(),
        subject: "冬季安全生产专项督查考核".into(),
        reason: "入冬以来火灾、燃气事故易发多发，部分社区隐患排查不深入、整改不及时，需专项督查推动落实。".into(),
        targets: "各社区".into(),
        content: "隐患排查整治、安全生产责任制落实、应急值守和应急预案落实情况".into(),
        window: "2026年12月15日至17日".into(),
        mode: InspectionMode::OnSite,
        plan: Some("第8项 冬季安全生产检查".into()),
        score_items: vec![
            ("隐患排查整治".into(), "50".into()),
            ("责任制落实".into(), "30".into()),
            ("应急值守".into(), "20".into()),
        ],
        applicant: "李某某".into(),
        applied_on: "2026年12月3日".into(),
        dept_head: Some((
            "同意申请。".into(),
            "赵某某".into(),
            "2026年12月3日".into(),
        )),
        area_leader: None,
        principal: None,
        supervision_leader: None,
    })
}

fn contents() -> Vec<(String, String)> {
    vec![
        (
            "应急管理办公室".into(),
            "隐患排查整治情况：燃气、消防、危化品等领域隐患排查台账和整改落实情况。\n制度落实情况：安全生产责任制、值班值守和应急预案落实情况。".into(),
        ),
        (
            "城市管理办公室".into(),
            "背街小巷除雪保畅和道路结冰点位处置情况。".into(),
        ),
    ]
}

/// 专项督查考核方案 (procedure C, step 2), two departments' inspections merged.
fn plan() -> OfficialDoc {
    inspection_plan(&InspectionPlanDoc {
        issuer: OFFICE.into(),
        doc_no: Some("张督考〔2026〕6号".into()),
        subject: "冬季安全生产".into(),
        joint: true,
        preamble: String::new(),
        window: "2026年12月15日至17日".into(),
        targets: vec!["光明路社区".into(), "和平社区".into(), "张范社区".into()],
        contents: contents(),
        requirements: "\
（一）严守纪律。严格执行中央八项规定精神，不搞层层陪同，不增加基层负担。
（二）注重实效。督查中发现的问题当场反馈，督促限期整改。
（三）结果运用。督查考核结果纳入年度绩效考核。"
            .into(),
        mode: InspectionMode::OnSite,
        team: "孙某某（考核督查办）、周某某（应急管理办公室）、吴某某（城市管理办公室）".into(),
        vehicle: "考核督查办申请公务用车1辆，12月15日至17日每日8:30在办事处门前集合。".into(),
        score_items: vec![
            ("应急管理办公室".into(), "隐患排查整治".into(), "40".into()),
            ("应急管理办公室".into(), "制度落实".into(), "30".into()),
            ("城市管理办公室".into(), "除雪保畅".into(), "30".into()),
        ],
        date: "2026年12月8日".into(),
        copy_to: Some("街道党工委、办事处领导班子成员".into()),
    })
}

/// 督查考核通知 (procedure C, step 3) to one inspected unit.
fn notice_to_unit(mode: InspectionMode) -> OfficialDoc {
    inspection_notice(&InspectionNoticeDoc {
        issuer: OFFICE.into(),
        doc_no: "张督考〔2026〕7号".into(),
        urgency: None,
        addressee: "光明路社区".into(),
        subject: "冬季安全生产".into(),
        joint: true,
        mode,
        window: "2026年12月15日至17日".into(),
        report_by: String::new(),
        contents: contents(),
        requirements: String::new(),
        team: "孙某某（考核督查办）、周某某（应急管理办公室）、吴某某（城市管理办公室）".into(),
        contact: Some("联系人：钱某某，联系电话：0632-1234567".into()),
        date: "2026年12月10日".into(),
        copy_to: None,
    })
}
