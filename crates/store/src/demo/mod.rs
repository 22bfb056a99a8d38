//! The demo organisation 张范街道: units, people with every role, and about thirty matters driven
//! through the real procedure steps into every state, so the ledger and inboxes are alive on first
//! start. Every demo account shares one password (set by the caller).

use chrono::{Duration, NaiveDate};
use duban_domain::input::{NewMatter, NewTask};
use duban_domain::time::china_date;
use duban_domain::{
    Actor, BulletinCommand, BulletinId, DomainError, MatterCommand, MatterId, Role, Source,
    TaskCommand, TaskState, UnitId, UnitKind, Urgency, UserId,
};

mod ac;
mod deadlines;

use crate::org::{OrgSettings, UserInput};
use crate::{Meta, Result, Store, StoreError, now_ms};

const DEPARTMENTS: [(&str, &str, &str); 15] = [
    ("党政办公室", "dzb", "马静"),
    ("考核督查办", "dcb", "陈晓"),
    ("组织办", "zzb", "郑凯"),
    ("宣传办", "xcb", "冯雪"),
    ("经济发展办", "jjfz", "褚伟"),
    ("财政所", "czs", "卫红"),
    ("社会事务办", "shsw", "蒋丽"),
    ("城市管理办", "csgl", "沈涛"),
    ("应急管理办", "yjgl", "韩磊"),
    ("规划建设办", "ghjs", "杨帆"),
    ("农业农村办", "nync", "朱勇"),
    ("综治中心", "zzzx", "秦峰"),
    ("退役军人服务站", "tyjr", "尤刚"),
    ("便民服务中心", "bmfw", "许敏"),
    ("自然资源所", "zrzy", "何平"),
];

const COMMUNITIES: [(&str, &str, &str); 4] = [
    ("张范社区", "zfsq", "吕芳"),
    ("前进社区", "qjsq", "施洋"),
    ("东王庄村", "dwzc", "张强"),
    ("西王庄村", "xwzc", "孔亮"),
];

/// (username, name, title, unit, roles, portfolio unit codes)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [Role],
    &'static [&'static str],
);

const PEOPLE: [Person; 12] = [
    (
        "shuji",
        "王建国",
        "党工委书记",
        "leaders",
        &[Role::PrincipalLeader],
        &[],
    ),
    (
        "zhuren",
        "李明华",
        "党工委副书记、办事处主任",
        "leaders",
        &[Role::PrincipalLeader],
        &[],
    ),
    (
        "duchald",
        "赵志刚",
        "党工委副书记（分管考核督查）",
        "leaders",
        &[Role::SupervisionLeader, Role::AreaLeader],
        &["dzb", "dcb", "zzb", "xcb"],
    ),
    (
        "fgld1",
        "孙立新",
        "党工委委员、副主任",
        "leaders",
        &[Role::AreaLeader],
        &["jjfz", "czs", "bmfw", "zrzy"],
    ),
    (
        "fgld2",
        "周海燕",
        "党工委委员、副主任",
        "leaders",
        &[Role::AreaLeader],
        &["shsw", "tyjr", "zzzx", "zfsq", "qjsq"],
    ),
    (
        "fgld3",
        "吴国强",
        "党工委委员、副主任",
        "leaders",
        &[Role::AreaLeader],
        &["csgl", "yjgl", "ghjs", "nync", "dwzc", "xwzc"],
    ),
    (
        "dcb2",
        "刘婷",
        "考核督查办科员",
        "dcb",
        &[Role::SupervisionOffice, Role::UnitStaff],
        &[],
    ),
    (
        "jjfz2",
        "曹阳",
        "经济发展办科员",
        "jjfz",
        &[Role::UnitStaff],
        &[],
    ),
    ("jgw", "严正", "纪工委书记", "jgw", &[Role::Discipline], &[]),
    ("admin", "系统管理员", "", "dzb", &[Role::SystemAdmin], &[]),
    (
        "anquan",
        "安全管理员",
        "",
        "dzb",
        &[Role::SecurityAdmin],
        &[],
    ),
    ("shenji", "审计管理员", "", "jgw", &[Role::AuditAdmin], &[]),
];

/// How far a demo matter is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Registered,
    Returned,
    Submitted,
    Approved,
    Dispatched,
    Signed,
    Reporting,
    AwaitingConfirmation,
    Completed,
    BulletinDrafting,
    BulletinReviewing,
    BulletinInstructing,
    BulletinRevising,
    Published,
    Closed,
    Archived,
}

/// (source, title, source text, urgency, stage, tasks: (content, lead, coop, leader, deadline offset in days))
type DemoMatter = (
    Source,
    &'static str,
    &'static str,
    Urgency,
    Stage,
    &'static [(&'static str, &'static str, &'static str, &'static str, i64)],
);

const MATTERS: [DemoMatter; 30] = [
    (
        Source::WorkingCommitteeMeeting,
        "冬季安全生产大排查大整治",
        "党工委会议研究部署冬季安全生产工作，要求全面排查风险隐患。",
        Urgency::Urgent,
        Stage::Registered,
        &[
            ("开展辖区企业安全生产隐患排查", "yjgl", "csgl", "fgld3", 20),
            ("建立隐患整改台账并逐项销号", "yjgl", "", "fgld3", 40),
        ],
    ),
    (
        Source::CadreMeeting,
        "重点项目建设推进",
        "科级干部例会要求加快重点项目手续办理和征迁进度。",
        Urgency::Normal,
        Stage::Registered,
        &[("梳理重点项目手续办理清单", "jjfz", "ghjs,zrzy", "fgld1", 25)],
    ),
    (
        Source::TopicMeeting,
        "农村人居环境整治提升",
        "专题工作会议部署农村人居环境整治。",
        Urgency::Normal,
        Stage::Returned,
        &[("开展村庄清洁行动", "nync", "dwzc,xwzc", "fgld3", 30)],
    ),
    (
        Source::FieldResearch,
        "老旧小区改造群众诉求办理",
        "主要领导基层调研张范社区时听取群众反映。",
        Urgency::Normal,
        Stage::Submitted,
        &[
            ("逐户回访改造诉求", "zfsq", "ghjs", "fgld2", 15),
            ("制定加装电梯试点方案", "ghjs", "zfsq", "fgld3", 45),
        ],
    ),
    (
        Source::OnSiteOffice,
        "农贸市场周边交通秩序整治",
        "主要领导现场办公确定。",
        Urgency::Urgent,
        Stage::Submitted,
        &[("施划临时停车泊位", "csgl", "", "fgld3", 10)],
    ),
    (
        Source::LeaderAssignment,
        "退役军人走访慰问",
        "主要领导交办：元旦春节前完成走访慰问。",
        Urgency::Normal,
        Stage::Approved,
        &[("制定走访慰问计划", "tyjr", "shsw", "fgld2", 12)],
    ),
    (
        Source::WorkingCommitteeMeeting,
        "基层党组织规范化建设",
        "党工委会议决定开展基层党组织规范化建设。",
        Urgency::Normal,
        Stage::Approved,
        &[("开展党支部标准化建设评估", "zzb", "", "duchald", 35)],
    ),
    (
        Source::CadreMeeting,
        "财政预算执行进度",
        "科级干部例会通报预算执行偏慢。",
        Urgency::Urgent,
        Stage::Dispatched,
        &[
            ("分析预算执行滞后原因", "czs", "", "fgld1", -3),
            ("制定加快支出进度措施", "czs", "jjfz", "fgld1", 8),
        ],
    ),
    (
        Source::TopicMeeting,
        "信访积案化解",
        "专题工作会议部署信访积案清零。",
        Urgency::VeryUrgent,
        Stage::Dispatched,
        &[("逐案制定化解方案", "zzzx", "shsw", "fgld2", 5)],
    ),
    (
        Source::FieldResearch,
        "便民服务事项下沉社区",
        "主要领导调研便民服务中心。",
        Urgency::Normal,
        Stage::Dispatched,
        &[(
            "梳理可下沉社区办理事项清单",
            "bmfw",
            "zfsq,qjsq",
            "fgld1",
            18,
        )],
    ),
    (
        Source::CadreMeeting,
        "招商引资项目落地",
        "科级干部例会要求年底前签约项目全部落地。",
        Urgency::Urgent,
        Stage::Signed,
        &[
            ("跟踪签约项目落地进度", "jjfz", "", "fgld1", -6),
            ("协调解决项目用地问题", "zrzy", "jjfz", "fgld1", 14),
        ],
    ),
    (
        Source::WorkingCommitteeMeeting,
        "意识形态工作责任制落实",
        "党工委会议专题研究意识形态工作。",
        Urgency::Normal,
        Stage::Reporting,
        &[("开展意识形态阵地排查", "xcb", "", "duchald", 16)],
    ),
    (
        Source::OnSiteOffice,
        "防汛设施冬季维护",
        "现场办公确定。",
        Urgency::Normal,
        Stage::Reporting,
        &[("检修辖区排涝泵站", "yjgl", "nync", "fgld3", -2)],
    ),
    (
        Source::TopicMeeting,
        "低保动态管理",
        "专题工作会议要求开展低保对象复核。",
        Urgency::Normal,
        Stage::Reporting,
        &[(
            "完成低保对象年度复核",
            "shsw",
            "zfsq,qjsq,dwzc,xwzc",
            "fgld2",
            22,
        )],
    ),
    (
        Source::LeaderAssignment,
        "政务服务好差评整改",
        "主要领导批示：对差评逐条整改。",
        Urgency::Urgent,
        Stage::Reporting,
        &[("逐条整改差评事项", "bmfw", "", "fgld1", 6)],
    ),
    (
        Source::CadreMeeting,
        "森林防火网格化管理",
        "科级干部例会部署。",
        Urgency::Normal,
        Stage::AwaitingConfirmation,
        &[("落实护林员网格责任", "nync", "xwzc", "fgld3", 9)],
    ),
    (
        Source::TopicMeeting,
        "城市管理违建治理",
        "专题工作会议部署违建治理。",
        Urgency::Normal,
        Stage::AwaitingConfirmation,
        &[("拆除存量违建", "csgl", "ghjs", "fgld3", 4)],
    ),
    (
        Source::WorkingCommitteeMeeting,
        "党风廉政建设责任清单",
        "党工委会议研究。",
        Urgency::Normal,
        Stage::AwaitingConfirmation,
        &[("修订各部门责任清单", "dzb", "", "duchald", 11)],
    ),
    (
        Source::FieldResearch,
        "社区养老服务站建设",
        "主要领导调研前进社区。",
        Urgency::Normal,
        Stage::BulletinDrafting,
        &[("完成养老服务站选址装修", "qjsq", "shsw", "fgld2", 7)],
    ),
    (
        Source::CadreMeeting,
        "个体工商户纾困政策落实",
        "科级干部例会部署。",
        Urgency::Normal,
        Stage::BulletinReviewing,
        &[("政策入户宣传", "jjfz", "", "fgld1", 13)],
    ),
    (
        Source::OnSiteOffice,
        "东王庄村道路硬化",
        "现场办公确定。",
        Urgency::Normal,
        Stage::BulletinInstructing,
        &[("完成村内道路硬化", "dwzc", "ghjs", "fgld3", 19)],
    ),
    (
        Source::LeaderAssignment,
        "机关作风建设专项整治",
        "主要领导交办。",
        Urgency::Normal,
        Stage::BulletinRevising,
        &[("开展作风问题自查自纠", "dzb", "zzb", "duchald", 21)],
    ),
    (
        Source::TopicMeeting,
        "耕地保护专项行动",
        "专题工作会议部署。",
        Urgency::Urgent,
        Stage::Published,
        &[("整改卫片图斑问题", "zrzy", "nync", "fgld1", 3)],
    ),
    (
        Source::WorkingCommitteeMeeting,
        "年度目标任务冲刺",
        "党工委会议要求冲刺全年目标。",
        Urgency::Normal,
        Stage::Closed,
        &[
            ("对照目标逐项销号", "dzb", "", "duchald", 5),
            ("整理年度工作总结", "xcb", "", "duchald", 9),
        ],
    ),
    (
        Source::CadreMeeting,
        "燃气安全专项整治",
        "科级干部例会部署。",
        Urgency::VeryUrgent,
        Stage::Closed,
        &[("排查餐饮场所燃气隐患", "yjgl", "csgl", "fgld3", 2)],
    ),
    (
        Source::FieldResearch,
        "西王庄村集体经济增收",
        "主要领导调研。",
        Urgency::Normal,
        Stage::Closed,
        &[("谋划集体经济增收项目", "xwzc", "nync", "fgld3", 30)],
    ),
    (
        Source::OnSiteOffice,
        "便民服务中心窗口优化",
        "现场办公确定。",
        Urgency::Normal,
        Stage::Closed,
        &[("调整综合窗口设置", "bmfw", "", "fgld1", 12)],
    ),
    (
        Source::TopicMeeting,
        "网格员队伍建设",
        "专题工作会议部署。",
        Urgency::Normal,
        Stage::Archived,
        &[("完成网格员培训考核", "zzzx", "zfsq,qjsq", "fgld2", 10)],
    ),
    (
        Source::LeaderAssignment,
        "征兵工作",
        "主要领导交办。",
        Urgency::Urgent,
        Stage::Archived,
        &[("完成年度征兵任务", "tyjr", "", "fgld2", 15)],
    ),
    (
        Source::WorkingCommitteeMeeting,
        "财政资金绩效评价",
        "党工委会议研究。",
        Urgency::Normal,
        Stage::Archived,
        // Finished after its deadline: the ledger shows 逾期完成.
        &[("开展项目资金绩效评价", "czs", "", "fgld1", -4)],
    ),
];

struct Demo {
    store: Store,
    meta: Meta,
    units: Vec<(String, UnitId)>,
    users: Vec<(String, UserId)>,
}

impl Demo {
    fn unit(&self, code: &str) -> Result<UnitId> {
        self.units
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .ok_or_else(|| StoreError::Config(format!("演示单位 {code} 不存在")))
    }
    fn user(&self, name: &str) -> Result<UserId> {
        self.users
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, id)| *id)
            .ok_or_else(|| StoreError::Config(format!("演示用户 {name} 不存在")))
    }
    async fn actor(&self, name: &str) -> Result<Actor> {
        let id = self.user(name)?;
        self.store
            .actor(id)
            .await?
            .ok_or_else(|| DomainError::not_found("演示用户").into())
    }
    async fn matter(&self, id: MatterId, cmd: MatterCommand, who: &str) -> Result<()> {
        let a = self.actor(who).await?;
        let v = self.store.matter_view(&a, id).await?.matter.version;
        self.store.act_on_matter(&a, id, v, cmd, &self.meta).await?;
        Ok(())
    }
    async fn task(
        &self,
        id: duban_domain::TaskId,
        action: &str,
        text: &str,
        who: &str,
    ) -> Result<()> {
        let a = self.actor(who).await?;
        let v = self.store.task_view(&a, id).await?.task.version;
        let cmd = TaskCommand::parse(action, Some(text))?;
        self.store
            .act_on_task(&a, id, v, cmd, &[], &self.meta)
            .await?;
        Ok(())
    }
    async fn bulletin(&self, id: BulletinId, cmd: BulletinCommand, who: &str) -> Result<()> {
        let a = self.actor(who).await?;
        let v = self.store.bulletin_view(&a, id).await?.0.version;
        self.store
            .act_on_bulletin(&a, id, v, cmd, &self.meta)
            .await?;
        Ok(())
    }
    /// The username that acts for a unit (its head).
    fn head_of(&self, unit: UnitId) -> Result<&'static str> {
        let code = self
            .units
            .iter()
            .find(|(_, id)| *id == unit)
            .map(|(c, _)| c.as_str())
            .unwrap_or("");
        DEPARTMENTS
            .iter()
            .chain(COMMUNITIES.iter())
            .find(|(_, c, _)| *c == code)
            .map(|(_, c, _)| *c)
            .ok_or_else(|| StoreError::Config(format!("单位 {code} 没有负责人")))
    }
}

impl Store {
    /// Seeds the demo organisation unless the database already has users. Returns whether it did.
    pub async fn seed_demo(&self, password_hash: &str) -> Result<bool> {
        if self.user_count().await? > 0 {
            return Ok(false);
        }
        let meta = Meta {
            ip: "demo".to_owned(),
        };
        let settings = OrgSettings {
            org_name: "张范街道".to_owned(),
            short_name: "张范".to_owned(),
            notice_no_format: "张督办〔{year}〕{n}号".to_owned(),
            transfer_no_format: "张督转〔{year}〕{n}号".to_owned(),
            report_no_format: "张督报〔{year}〕{n}号".to_owned(),
            inspection_no_format: "张督考〔{year}〕{n}号".to_owned(),
            default_scope: "街道党工委、办事处领导班子成员，各部门、各社区（村）".to_owned(),
            ..OrgSettings::default()
        };
        self.save_settings(None, &settings, &meta).await?;
        let mut demo = Demo {
            store: self.clone(),
            meta: meta.clone(),
            units: vec![],
            users: vec![],
        };
        let root = self
            .create_unit(None, None, "张范街道", UnitKind::SubDistrict, 0, &meta)
            .await?;
        let leaders = self
            .create_unit(
                None,
                Some(root),
                "街道领导班子",
                UnitKind::Leadership,
                1,
                &meta,
            )
            .await?;
        demo.units.push(("leaders".into(), leaders));
        for (i, (name, code, _)) in DEPARTMENTS.iter().enumerate() {
            let id = self
                .create_unit(
                    None,
                    Some(root),
                    name,
                    UnitKind::Department,
                    10 + i as i64,
                    &meta,
                )
                .await?;
            demo.units.push(((*code).into(), id));
        }
        for (i, (name, code, _)) in COMMUNITIES.iter().enumerate() {
            let id = self
                .create_unit(
                    None,
                    Some(root),
                    name,
                    UnitKind::Community,
                    40 + i as i64,
                    &meta,
                )
                .await?;
            demo.units.push(((*code).into(), id));
        }
        let jgw = self
            .create_unit(None, Some(root), "纪工委", UnitKind::Discipline, 60, &meta)
            .await?;
        demo.units.push(("jgw".into(), jgw));

        for (_, code, head) in DEPARTMENTS.iter().chain(COMMUNITIES.iter()) {
            let mut roles = vec![Role::UnitHead];
            if *code == "dcb" {
                roles.push(Role::SupervisionOffice);
            }
            let input = UserInput {
                username: (*code).to_owned(),
                name: (*head).to_owned(),
                title: "负责人".to_owned(),
                unit_id: demo.unit(code)?,
                roles,
                portfolio: vec![],
            };
            let id = self.create_user(None, &input, password_hash, &meta).await?;
            demo.users.push(((*code).into(), id));
        }
        for (username, name, title, unit, roles, portfolio) in PEOPLE {
            let input = UserInput {
                username: username.to_owned(),
                name: name.to_owned(),
                title: title.to_owned(),
                unit_id: demo.unit(unit)?,
                roles: roles.to_vec(),
                portfolio: portfolio
                    .iter()
                    .map(|c| demo.unit(c))
                    .collect::<Result<_>>()?,
            };
            let id = self.create_user(None, &input, password_hash, &meta).await?;
            demo.users.push((username.into(), id));
        }

        let today = china_date(now_ms());
        let office = demo.actor("dcb").await?;
        for (i, (source, title, text, urgency, stage, tasks)) in MATTERS.iter().enumerate() {
            let new = NewMatter {
                title: (*title).to_owned(),
                source: *source,
                source_date: today - Duration::days(30 - i as i64),
                source_text: (*text).to_owned(),
                superior: None,
                urgency: *urgency,
            };
            let mut new_tasks = Vec::new();
            for (content, lead, coop, leader, offset) in tasks.iter() {
                new_tasks.push(NewTask {
                    content: (*content).to_owned(),
                    requirements: "按时限完成，形成书面落实情况报考核督查办，附佐证材料。"
                        .to_owned(),
                    deadline: today + Duration::days(*offset),
                    due_time: None,
                    cadence: None,
                    leaders: vec![demo.user(leader)?],
                    lead_unit: demo.unit(lead)?,
                    coop_units: coop
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(|c| demo.unit(c))
                        .collect::<Result<_>>()?,
                    urgency: *urgency,
                });
            }
            let id = self.create_matter(&office, new, new_tasks, &meta).await?;
            drive(&demo, id, *stage, today).await?;
        }
        demo.seed_superior(today).await?;
        demo.seed_special(today).await?;
        demo.seed_deadlines(today).await?;
        Ok(true)
    }
}

async fn drive(demo: &Demo, id: MatterId, stage: Stage, _today: NaiveDate) -> Result<()> {
    if stage == Stage::Registered {
        return Ok(());
    }
    demo.matter(id, MatterCommand::Submit, "dcb").await?;
    if stage == Stage::Returned {
        let reason = "任务分解不够具体，请细化责任单位和时限后重新呈报。".to_owned();
        return demo
            .matter(id, MatterCommand::Return { reason }, "shuji")
            .await;
    }
    if stage == Stage::Submitted {
        return Ok(());
    }
    let instruction = "同意。请考核督查办印发督办通知，各责任单位抓紧落实。".to_owned();
    demo.matter(id, MatterCommand::Approve { instruction }, "shuji")
        .await?;
    if stage == Stage::Approved {
        return Ok(());
    }
    demo.matter(id, MatterCommand::IssueNotice, "dcb").await?;
    if stage == Stage::Dispatched {
        return Ok(());
    }
    let office = demo.actor("dcb").await?;
    let tasks = demo.store.matter_view(&office, id).await?.tasks;
    for t in &tasks {
        for l in &t.leaders {
            let username = demo
                .users
                .iter()
                .find(|(_, u)| u == l)
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            demo.task(t.id, "sign", "", &username).await?;
        }
        for u in std::iter::once(t.lead_unit).chain(t.coop_units.iter().copied()) {
            demo.task(t.id, "sign", "", demo.head_of(u)?).await?;
        }
    }
    if stage == Stage::Signed {
        return Ok(());
    }
    for t in &tasks {
        let head = demo.head_of(t.lead_unit)?;
        demo.task(
            t.id,
            "report",
            "已制定工作方案，明确责任人和时间节点，正在按计划推进。",
            head,
        )
        .await?;
        if stage >= Stage::AwaitingConfirmation {
            demo.task(
                t.id,
                "report_final",
                "已按督办要求全部完成，相关佐证材料已整理备查。",
                head,
            )
            .await?;
        }
    }
    if stage < Stage::Completed {
        return Ok(());
    }
    for t in &tasks {
        let leader = t
            .leaders
            .first()
            .copied()
            .ok_or_else(|| StoreError::Config("任务没有责任领导".into()))?;
        let username = demo
            .users
            .iter()
            .find(|(_, u)| *u == leader)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        demo.task(t.id, "confirm", "经核实，已按要求办结。", &username)
            .await?;
    }
    if stage == Stage::Completed {
        return Ok(());
    }
    let office = demo.actor("dcb").await?;
    let bid = demo
        .store
        .create_bulletin(&office, &[id], &demo.meta)
        .await?;
    if stage == Stage::BulletinDrafting {
        return Ok(());
    }
    demo.bulletin(bid, BulletinCommand::SubmitForReview, "dcb")
        .await?;
    if stage == Stage::BulletinReviewing {
        return Ok(());
    }
    demo.bulletin(
        bid,
        BulletinCommand::Review {
            opinion: "已阅，同意报主要领导批示。".into(),
        },
        "duchald",
    )
    .await?;
    if stage == Stage::BulletinInstructing {
        return Ok(());
    }
    demo.bulletin(
        bid,
        BulletinCommand::Instruct {
            instruction: "同意印发。对落实有力的单位予以通报表扬。".into(),
        },
        "shuji",
    )
    .await?;
    if stage == Stage::BulletinRevising {
        return Ok(());
    }
    let (b, _, _) = demo.store.bulletin_view(&office, bid).await?;
    let scope = demo.store.settings().await?.default_scope;
    demo.bulletin(
        bid,
        BulletinCommand::Publish {
            title: b.title,
            body: b.body,
            scope,
        },
        "dcb",
    )
    .await?;
    if stage == Stage::Published {
        return Ok(());
    }
    for t in &tasks {
        demo.task(t.id, "close", "已办结，予以销号。", "dcb")
            .await?;
    }
    let closed = demo.store.matter_view(&office, id).await?;
    debug_assert!(closed.tasks.iter().all(|t| t.state == TaskState::Closed));
    if stage == Stage::Closed {
        return Ok(());
    }
    demo.matter(id, MatterCommand::Archive, "dcb").await
}
