//! The demo's procedures A and C: higher-level notices in several stages, the annual plan, and
//! special-inspection applications in every state — among them two overlapping ones ready to be
//! merged into a joint inspection, and an on-site inspection under way with some scores given.

use chrono::{Datelike, Duration, NaiveDate};
use duban_domain::input::{NewMatter, NewTask, RawSuperior};
use duban_domain::{
    ApplicationCommand, ApplicationId, ApplicationText, BulletinCommand, BulletinText,
    InspectionCommand, MatterCommand, MatterId, NewApplication, NewInspection, RawApplication,
    TaskCommand, Urgency,
};

use super::Demo;
use crate::Result;
use crate::special::NewPlanItem;

/// A higher-level notice: (title, source, issuer, doc no, content, how far it goes).
type Notice = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Reach,
);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// 待主要领导批阅
    Submitted,
    /// 已批示，待明确任务并转办
    Approved,
    /// 已转办，部门办理中
    Dispatched,
    /// 督查汇报已上报，任务销号
    Reported,
}

const NOTICES: [Notice; 4] = [
    (
        "关于开展冬春火灾防控专项行动的通知",
        "superior_document",
        "高新区安委会办公室",
        "高新安办〔2026〕31号",
        "各街道对辖区“九小场所”、出租屋、电动自行车集中停放点开展全面排查，建立隐患台账，12月底前报送排查整治情况。",
        Reach::Submitted,
    ),
    (
        "高新区党工委会议关于做好岁末年初根治欠薪工作的部署",
        "superior_meeting",
        "高新区党工委办公室",
        "",
        "电话通知：各街道对在建工程项目开展欠薪隐患排查，春节前实现动态清零，排查情况按时报送。",
        Reach::Approved,
    ),
    (
        "关于报送基层减负工作落实情况的通知",
        "superior_document",
        "高新区党工委办公室",
        "高新党办〔2026〕58号",
        "各街道对照统筹规范督查检查考核工作要求，梳理本年度督查检查考核开展情况和基层减负措施，形成书面材料报送。",
        Reach::Dispatched,
    ),
    (
        "关于冬季清洁取暖工作落实情况的督办",
        "superior_instruction",
        "高新区管委会",
        "高新管督〔2026〕12号",
        "高新区管委会主要领导批示：各街道要确保清洁取暖设施运行正常，12月15日前报送落实情况。",
        Reach::Reported,
    ),
];

impl Demo {
    async fn app(&self, id: ApplicationId, cmd: ApplicationCommand, who: &str) -> Result<()> {
        let a = self.actor(who).await?;
        let v = self
            .store
            .application_view(&a, id)
            .await?
            .application
            .version;
        self.store
            .act_on_application(&a, id, v, cmd, &self.meta)
            .await?;
        Ok(())
    }

    async fn apply(
        &self,
        who: &str,
        raw: RawApplication<'_>,
        today: NaiveDate,
    ) -> Result<ApplicationId> {
        let a = self.actor(who).await?;
        let new = NewApplication::parse(a.unit_id, raw, today)?;
        self.store.create_application(&a, &new, &self.meta).await
    }

    /// Walks an application to `until`: submitted, area-approved, approved, forwarded.
    async fn approve_application(
        &self,
        id: ApplicationId,
        dept_leader: &str,
        until: u8,
    ) -> Result<()> {
        let text = ApplicationText {
            text: None,
            off_plan: true,
            ..Default::default()
        };
        let dept = self
            .store
            .application_view(&self.actor("dcb").await?, id)
            .await?
            .application
            .unit_id;
        self.app(id, ApplicationCommand::Submit, self.head_of(dept)?)
            .await?;
        if until == 1 {
            return Ok(());
        }
        self.app(
            id,
            ApplicationCommand::parse("area_approve", &text)?,
            dept_leader,
        )
        .await?;
        if until == 2 {
            return Ok(());
        }
        self.app(
            id,
            ApplicationCommand::parse("principal_approve", &text)?,
            "shuji",
        )
        .await?;
        if until == 3 {
            return Ok(());
        }
        self.app(id, ApplicationCommand::parse("forward", &text)?, "duchald")
            .await
    }

    pub(super) async fn seed_superior(&self, today: NaiveDate) -> Result<()> {
        let office = self.actor("dcb").await?;
        let now = crate::now_ms();
        for (i, (title, source, issuer, doc_no, content, reach)) in NOTICES.iter().enumerate() {
            let received = duban_domain::time::to_china(now - (6 - i as i64) * 86_400_000)
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            let report_deadline = (today + Duration::days(10 + i as i64 * 5))
                .format("%Y-%m-%d")
                .to_string();
            let m = NewMatter::parse_superior(
                title,
                source,
                content,
                if i == 3 { "urgent" } else { "normal" },
                RawSuperior {
                    issuer,
                    doc_no,
                    channel: if doc_no.is_empty() {
                        "phone"
                    } else {
                        "written"
                    },
                    received_at: &received,
                    report_deadline: &report_deadline,
                    report_to: issuer,
                },
                now,
            )?;
            let id = self
                .store
                .create_matter(&office, m, vec![], &self.meta)
                .await?;
            self.matter(id, MatterCommand::Submit, "dcb").await?;
            if *reach == Reach::Submitted {
                continue;
            }
            let instruction =
                "请相关分管领导牵头，相关部门抓好落实，按上级要求按时报送。".to_owned();
            self.matter(id, MatterCommand::Approve { instruction }, "shuji")
                .await?;
            if *reach == Reach::Approved {
                continue;
            }
            self.superior_tasks(id, i, today).await?;
            self.matter(id, MatterCommand::Forward, "dcb").await?;
            self.sign_all(id).await?;
            if *reach == Reach::Dispatched {
                let tasks = self.store.matter_view(&office, id).await?.tasks;
                let t = &tasks[0];
                self.task(
                    t.id,
                    "report",
                    "已梳理本年度督查检查考核事项，正在形成书面材料。",
                    self.head_of(t.lead_unit)?,
                )
                .await?;
                continue;
            }
            self.finish_superior(id).await?;
        }
        Ok(())
    }

    async fn superior_tasks(&self, id: MatterId, i: usize, today: NaiveDate) -> Result<()> {
        let office = self.actor("dcb").await?;
        let tasks: &[(&str, &str, &str)] = if i == 2 {
            &[
                ("梳理本年度督查检查考核开展情况", "dcb", "duchald"),
                ("总结基层减负措施和成效", "dzb", "duchald"),
            ]
        } else {
            &[
                ("排查并建立清洁取暖设施运行台账", "csgl", "fgld3"),
                ("对困难群众取暖情况入户走访", "shsw", "fgld2"),
            ]
        };
        for (content, unit, leader) in tasks {
            let v = self.store.matter_view(&office, id).await?.matter.version;
            let t = NewTask {
                content: (*content).to_owned(),
                requirements: "按照上级督办要求落实，形成书面材料报考核督查办。".to_owned(),
                deadline: today + Duration::days(8),
                due_time: None,
                cadence: None,
                leaders: vec![self.user(leader)?],
                lead_unit: self.unit(unit)?,
                coop_units: vec![],
                urgency: Urgency::Normal,
            };
            self.store.add_task(&office, id, v, t, &self.meta).await?;
        }
        Ok(())
    }

    async fn sign_all(&self, id: MatterId) -> Result<()> {
        let office = self.actor("dcb").await?;
        for t in self.store.matter_view(&office, id).await?.tasks {
            for l in &t.leaders {
                let who = self.username(*l);
                self.task(t.id, "sign", "", &who).await?;
            }
            for u in std::iter::once(t.lead_unit).chain(t.coop_units.iter().copied()) {
                self.task(t.id, "sign", "", self.head_of(u)?).await?;
            }
        }
        Ok(())
    }

    async fn finish_superior(&self, id: MatterId) -> Result<()> {
        let office = self.actor("dcb").await?;
        let tasks = self.store.matter_view(&office, id).await?.tasks;
        for t in &tasks {
            self.task(
                t.id,
                "report_final",
                "已全面完成上级督办任务，书面材料和佐证照片已整理备查。",
                self.head_of(t.lead_unit)?,
            )
            .await?;
            let leader = self.username(t.leaders[0]);
            self.task(t.id, "confirm", "经核实，已按上级要求完成。", &leader)
                .await?;
        }
        let bid = self
            .store
            .create_bulletin(&office, &[id], &self.meta)
            .await?;
        self.bulletin(bid, BulletinCommand::SubmitForReview, "dcb")
            .await?;
        self.bulletin(
            bid,
            BulletinCommand::Review {
                opinion: "已阅，同意报主要领导批示。".into(),
            },
            "duchald",
        )
        .await?;
        self.bulletin(
            bid,
            BulletinCommand::Instruct {
                instruction: "同意上报。".into(),
            },
            "shuji",
        )
        .await?;
        let (b, matters, _) = self.store.bulletin_view(&office, bid).await?;
        let to = matters[0]
            .superior
            .as_ref()
            .map(|s| s.report_to.clone())
            .unwrap_or_default();
        let today = duban_domain::time::china_date(crate::now_ms())
            .format("%Y-%m-%d")
            .to_string();
        let cmd = BulletinCommand::parse(
            "report_upward",
            &BulletinText {
                title: Some(&b.title),
                body: Some(&b.body),
                report_to: Some(&to),
                report_on: Some(&today),
                report_via: Some("公文交换"),
                ..Default::default()
            },
        )?;
        self.bulletin(bid, cmd, "dcb").await?;
        for t in &tasks {
            self.task(t.id, "close", "已上报，予以销号。", "dcb")
                .await?;
        }
        Ok(())
    }

    fn username(&self, id: duban_domain::UserId) -> String {
        self.users
            .iter()
            .find(|(_, u)| *u == id)
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    }

    pub(super) async fn seed_special(&self, today: NaiveDate) -> Result<()> {
        let office = self.actor("dcb").await?;
        // 年度督查检查考核计划: two lines fall in the month of the demo's inspections (which may
        // already be next year near the year's end).
        let (soon, later) = (today + Duration::days(12), today + Duration::days(30));
        let year = today.year();
        for (unit, subject, mode, (y, month), targets) in [
            (
                "yjgl",
                "安全生产检查",
                "on_site",
                (soon.year(), soon.month()),
                "各社区、村",
            ),
            (
                "shsw",
                "养老服务工作督查",
                "on_site",
                (year, 6),
                "张范社区、前进社区",
            ),
            (
                "nync",
                "秸秆禁烧督查",
                "written",
                (year, 10),
                "东王庄村、西王庄村",
            ),
            (
                "csgl",
                "环境卫生整治考核",
                "on_site",
                (year, 3),
                "各社区、村",
            ),
            (
                "zzzx",
                "网格化管理考核",
                "written",
                (later.year(), later.month()),
                "各社区、村",
            ),
        ] {
            let p = NewPlanItem::parse(
                &y.to_string(),
                Some(self.unit(unit)?.0),
                subject,
                mode,
                &month.to_string(),
                targets,
            )?;
            self.store.add_plan_item(&office, &p, &self.meta).await?;
        }
        let mut plan = self.store.plan_items(soon.year()).await?;
        if later.year() != soon.year() {
            plan.extend(self.store.plan_items(later.year()).await?);
        }
        let plan_of =
            |unit: duban_domain::UnitId| plan.iter().find(|p| p.unit_id == unit).map(|p| p.id.0);
        let day = |d: i64| (today + Duration::days(d)).format("%Y-%m-%d").to_string();
        let units = |codes: &[&str]| -> Result<Vec<i64>> {
            codes.iter().map(|c| Ok(self.unit(c)?.0)).collect()
        };

        // Two overlapping applications, approved and forwarded: the office can merge them.
        let (s1, s2) = (day(12), day(13));
        let a1 = self
            .apply(
                "yjgl",
                RawApplication {
                    subject: "冬季安全生产专项检查",
                    reason: "进入冬季，燃气、取暖和电动车充电安全风险上升，需实地检查各社区、村落实情况。",
                    content: "检查燃气使用、消防通道、电动车集中充电设施和应急值守情况。",
                    targets: units(&["zfsq", "qjsq", "dwzc"])?,
                    window_start: &s1,
                    window_end: &s2,
                    mode: "on_site",
                    plan_item: plan_of(self.unit("yjgl")?),
                    score_sheet: "安全台账 30\n现场隐患整治 50\n应急值守 20",
                },
                today,
            )
            .await?;
        self.approve_application(a1, "fgld3", 4).await?;
        let a2 = self
            .apply(
                "shsw",
                RawApplication {
                    subject: "冬季困难群众帮扶督查",
                    reason: "了解冬季困难群众取暖、救助政策落实情况。",
                    content: "检查困难群众台账、入户走访记录和救助资金发放情况。",
                    targets: units(&["qjsq", "xwzc"])?,
                    window_start: &s1,
                    window_end: &s2,
                    mode: "on_site",
                    plan_item: None,
                    score_sheet: "帮扶台账 40\n走访记录 30\n资金发放 30",
                },
                today,
            )
            .await?;
        self.approve_application(a2, "fgld2", 4).await?;

        // Earlier in the pipeline: waiting for the principal leader (off-plan), for the area
        // leader, and a draft.
        let (w1, w2) = (day(20), day(21));
        let a3 = self
            .apply(
                "csgl",
                RawApplication {
                    subject: "门前三包责任制落实情况检查",
                    reason: "群众反映部分路段门前三包落实不到位。",
                    content: "抽查沿街商户门前三包责任书签订和落实情况。",
                    targets: units(&["zfsq", "qjsq"])?,
                    window_start: &w1,
                    window_end: &w2,
                    mode: "on_site",
                    plan_item: None,
                    score_sheet: "责任书签订 40\n现场落实 60",
                },
                today,
            )
            .await?;
        self.approve_application(a3, "fgld3", 2).await?;
        let a4 = self
            .apply(
                "nync",
                RawApplication {
                    subject: "冬季农村人居环境整治督查",
                    reason: "落实农村人居环境整治年度任务。",
                    content: "请各村报送冬季人居环境整治工作情况和照片。",
                    targets: units(&["dwzc", "xwzc"])?,
                    window_start: &w1,
                    window_end: &w2,
                    mode: "written",
                    plan_item: None,
                    score_sheet: "",
                },
                today,
            )
            .await?;
        self.approve_application(a4, "fgld3", 1).await?;
        self.apply(
            "zzzx",
            RawApplication {
                subject: "网格员履职情况考核",
                reason: "年度网格化管理考核。",
                content: "查看网格员巡查记录和事件处置情况。",
                targets: units(&["zfsq", "qjsq", "dwzc", "xwzc"])?,
                window_start: &day(30),
                window_end: &day(31),
                mode: "written",
                plan_item: plan_of(self.unit("zzzx")?),
                score_sheet: "",
            },
            today,
        )
        .await?;

        // An on-site inspection under way: launched, notified, signed, partly scored.
        let a5 = self
            .apply(
                "ghjs",
                RawApplication {
                    subject: "农村自建房安全排查督查",
                    reason: "落实自建房安全专项整治要求。",
                    content: "实地查看自建房排查台账和整治进度。",
                    targets: units(&["dwzc", "xwzc"])?,
                    window_start: &day(5),
                    window_end: &day(6),
                    mode: "on_site",
                    plan_item: None,
                    score_sheet: "排查台账 40\n整治进度 60",
                },
                today,
            )
            .await?;
        self.approve_application(a5, "fgld3", 4).await?;
        let plan = NewInspection::parse(
            "农村自建房安全排查专项督查考核方案",
            &day(5),
            &day(6),
            "各村准备排查台账和整治照片，村主要负责人在岗配合。",
            "组长：陈晓（考核督查办）\n成员：杨帆（规划建设办）、考核督查办工作人员",
            "申请公务用车1辆",
            today,
        )?;
        let mid = self
            .store
            .launch_inspection(&office, &[a5], &plan, &self.meta)
            .await?;
        let v = self.store.matter_view(&office, mid).await?.matter.version;
        self.store
            .act_on_inspection(&office, mid, v, InspectionCommand::Notify, &self.meta)
            .await?;
        let tasks = self.store.matter_view(&office, mid).await?.tasks;
        for t in &tasks {
            self.task(t.id, "sign", "", self.head_of(t.lead_unit)?)
                .await?;
        }
        let ghjs = self.actor("ghjs").await?;
        let first = &tasks[0];
        let v = self.store.task_view(&ghjs, first.id).await?.task.version;
        self.store
            .act_on_task(
                &ghjs,
                first.id,
                v,
                TaskCommand::Score {
                    points: vec![
                        ("36".into(), "台账齐全".into()),
                        ("48".into(), "尚有3户未整治".into()),
                    ],
                },
                &[],
                &self.meta,
            )
            .await?;
        Ok(())
    }
}
