//! An in-memory world for procedure B: one Local matter with two tasks, the people around it and
//! the store's part (applying each `Change`, handing out ids, numbers and `now`), so tests can drive
//! the domain step by step and check what the ledger looks like afterwards.
//!
//! Shared by the unit tests and the property tests; not every test binary uses every item.
#![allow(dead_code)]

use chrono::NaiveDate;
use duban_domain::time::Millis;
use duban_domain::*;

pub const STREET: UnitId = UnitId(1);
pub const OFFICE_UNIT: UnitId = UnitId(2);
pub const LEADERSHIP: UnitId = UnitId(3);
/// Leads task 1, cooperates on task 2.
pub const UNIT_A: UnitId = UnitId(10);
/// Cooperates on task 1, leads task 2.
pub const UNIT_B: UnitId = UnitId(11);
/// Involved in nothing.
pub const UNIT_X: UnitId = UnitId(12);

pub const MATTER: MatterId = MatterId(1);
/// Another dispatched Local matter, with no tasks here; a bulletin over it alone covers nothing of
/// `MATTER`.
pub const OTHER_MATTER: MatterId = MatterId(2);
pub const TASK_1: TaskId = TaskId(11);
pub const TASK_2: TaskId = TaskId(12);

pub const T0: Millis = 1_796_000_000_000;
pub const STEP_MS: Millis = 60_000;

/// The people of the world, by what they are to the matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    Principal,
    Supervision,
    /// The area leader responsible for both tasks; portfolio: units A and B.
    Area,
    /// An area leader with another portfolio (unit X); responsible for nothing here.
    OtherArea,
    Office,
    /// Staff of unit A (lead of task 1, cooperating on task 2).
    StaffA,
    /// Head of unit B (cooperating on task 1, lead of task 2).
    HeadB,
    /// Staff of unit X, involved in nothing.
    StaffX,
    /// System admin with no business role (三员分立).
    Admin,
}

impl Who {
    pub const ALL: [Who; 9] = [
        Who::Principal,
        Who::Supervision,
        Who::Area,
        Who::OtherArea,
        Who::Office,
        Who::StaffA,
        Who::HeadB,
        Who::StaffX,
        Who::Admin,
    ];

    /// Those who have no part in this matter and must never change anything.
    pub fn is_outsider(self) -> bool {
        matches!(self, Who::OtherArea | Who::StaffX | Who::Admin)
    }

    pub fn actor(self) -> Actor {
        let (id, name, unit, roles, portfolio): (i64, &str, UnitId, Vec<Role>, Vec<UnitId>) =
            match self {
                Who::Principal => (101, "书记", LEADERSHIP, vec![Role::PrincipalLeader], vec![]),
                Who::Supervision => (
                    102,
                    "考核督查分管领导",
                    LEADERSHIP,
                    vec![Role::SupervisionLeader],
                    vec![],
                ),
                Who::Area => (
                    103,
                    "分管领导甲",
                    LEADERSHIP,
                    vec![Role::AreaLeader],
                    vec![UNIT_A, UNIT_B],
                ),
                Who::OtherArea => (
                    104,
                    "分管领导乙",
                    LEADERSHIP,
                    vec![Role::AreaLeader],
                    vec![UNIT_X],
                ),
                Who::Office => (
                    105,
                    "督查办经办",
                    OFFICE_UNIT,
                    vec![Role::SupervisionOffice],
                    vec![],
                ),
                Who::StaffA => (106, "甲单位经办人", UNIT_A, vec![Role::UnitStaff], vec![]),
                Who::HeadB => (107, "乙单位负责人", UNIT_B, vec![Role::UnitHead], vec![]),
                Who::StaffX => (
                    108,
                    "丙单位经办人",
                    UNIT_X,
                    vec![Role::UnitStaff, Role::UnitHead],
                    vec![],
                ),
                Who::Admin => (109, "系统管理员", STREET, vec![Role::SystemAdmin], vec![]),
            };
        Actor {
            user_id: UserId(id),
            name: name.to_owned(),
            unit_id: unit,
            roles,
            portfolio,
        }
    }

    pub fn id(self) -> UserId {
        self.actor().user_id
    }
}

/// Which matters a new bulletin covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    Matter,
    Other,
    Both,
}

/// One step a user may try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Matter(MatterCommand),
    /// Index into `World::tasks`.
    Task(usize, TaskCommand),
    CreateBulletin(Cover),
    /// Index into `World::bulletins`.
    Bulletin(usize, BulletinCommand),
}

pub fn submit() -> Op {
    Op::Matter(MatterCommand::Submit)
}
pub fn approve() -> Op {
    Op::Matter(MatterCommand::Approve {
        instruction: "同意，请督查办抓紧交办。".to_owned(),
    })
}
pub fn return_matter() -> Op {
    Op::Matter(MatterCommand::Return {
        reason: "办理要求不够具体。".to_owned(),
    })
}
pub fn issue_notice() -> Op {
    Op::Matter(MatterCommand::IssueNotice)
}
pub fn archive() -> Op {
    Op::Matter(MatterCommand::Archive)
}
pub fn sign(t: usize) -> Op {
    Op::Task(t, TaskCommand::Sign)
}
pub fn report(t: usize) -> Op {
    Op::Task(
        t,
        TaskCommand::Report {
            body: "正在推进，已完成过半。".to_owned(),
            is_final: false,
        },
    )
}
pub fn report_final(t: usize) -> Op {
    Op::Task(
        t,
        TaskCommand::Report {
            body: "已全部办结。".to_owned(),
            is_final: true,
        },
    )
}
pub fn confirm(t: usize) -> Op {
    Op::Task(
        t,
        TaskCommand::Confirm {
            opinion: "同意办结。".to_owned(),
        },
    )
}
pub fn return_report(t: usize) -> Op {
    Op::Task(
        t,
        TaskCommand::ReturnReport {
            reason: "佐证材料不全。".to_owned(),
        },
    )
}
pub fn close(t: usize) -> Op {
    Op::Task(
        t,
        TaskCommand::Close {
            remark: "已办结，予以销号。".to_owned(),
        },
    )
}
pub fn create(c: Cover) -> Op {
    Op::CreateBulletin(c)
}
pub fn submit_review(b: usize) -> Op {
    Op::Bulletin(b, BulletinCommand::SubmitForReview)
}
pub fn review(b: usize) -> Op {
    Op::Bulletin(
        b,
        BulletinCommand::Review {
            opinion: "已阅，同意。".to_owned(),
        },
    )
}
pub fn instruct(b: usize) -> Op {
    Op::Bulletin(
        b,
        BulletinCommand::Instruct {
            instruction: "同意印发。".to_owned(),
        },
    )
}
pub fn return_bulletin(b: usize) -> Op {
    Op::Bulletin(
        b,
        BulletinCommand::Return {
            reason: "数据需核实。".to_owned(),
        },
    )
}
pub fn publish(b: usize) -> Op {
    Op::Bulletin(
        b,
        BulletinCommand::Publish {
            title: "关于重点工作落实情况的通报".to_owned(),
            body: "定稿正文".to_owned(),
            scope: "各部门、各社区".to_owned(),
        },
    )
}

/// Every op the world knows, for `bulletins` existing bulletins.
pub fn all_ops(bulletins: usize) -> Vec<Op> {
    let mut ops = vec![
        submit(),
        approve(),
        return_matter(),
        issue_notice(),
        archive(),
    ];
    for t in 0..2 {
        ops.extend([
            sign(t),
            report(t),
            report_final(t),
            confirm(t),
            return_report(t),
            close(t),
        ]);
    }
    ops.extend([
        create(Cover::Matter),
        create(Cover::Other),
        create(Cover::Both),
    ]);
    for b in 0..bulletins {
        ops.extend([
            submit_review(b),
            review(b),
            instruct(b),
            return_bulletin(b),
            publish(b),
        ]);
    }
    ops
}

/// One applied step, as the audit log would keep it.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: Millis,
    pub who: Who,
    pub op: Op,
    /// For bulletin steps: its state before the step.
    pub bulletin_before: Option<BulletinState>,
    pub change: Change,
}

impl Event {
    fn on_bulletin(&self, id: BulletinId) -> bool {
        matches!(self.change.bulletin.as_ref(), Some(b) if b.id == id)
    }
}

/// The store's part: the ledger as it stands, the inbox and the log.
#[derive(Debug, Clone)]
pub struct World {
    pub matter: Matter,
    pub other_matter: Matter,
    pub tasks: Vec<Task>,
    pub receipts: Vec<Receipt>,
    pub reports: Vec<ProgressReport>,
    pub bulletins: Vec<Bulletin>,
    /// Open work items (待办).
    pub inbox: Vec<WorkItem>,
    pub log: Vec<Event>,
    pub now: Millis,
    next_report: i64,
    next_bulletin: i64,
    next_notice: i64,
    next_issue: i64,
    next_archive: i64,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn new_matter(id: MatterId, seq: i64, state: MatterState) -> Matter {
    Matter {
        id,
        year: 2026,
        seq,
        kind: MatterKind::Local,
        title: "推进老旧小区改造".to_owned(),
        source: Source::CadreMeeting,
        source_date: date(2026, 12, 1),
        source_text: "会议决定：年底前完成改造。".to_owned(),
        superior: None,
        urgency: Urgency::Normal,
        state,
        version: 1,
        notice_no: None,
        archive_no: None,
        created_by: Who::Office.id(),
        created_at: T0,
        closed_at: None,
        archived_at: None,
    }
}

pub fn new_task(
    id: TaskId,
    seq: i64,
    leaders: Vec<UserId>,
    lead: UnitId,
    coop: Vec<UnitId>,
) -> Task {
    Task {
        id,
        matter_id: MATTER,
        seq,
        content: format!("任务{seq}"),
        requirements: "按期办结并报送落实情况".to_owned(),
        deadline: date(2026, 12, 31),
        due_time: None,
        cadence: None,
        urges: 0,
        leaders,
        lead_unit: lead,
        coop_units: coop,
        urgency: Urgency::Normal,
        state: TaskState::Draft,
        version: 1,
        registered_at: T0,
        received_at: None,
        started_at: None,
        reported_at: None,
        finished_at: None,
        closed_at: None,
        close_remark: None,
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A registered, decomposed matter: task 1 (leader: Area; lead A, coop B) and task 2 (leaders:
    /// Supervision and Area — the supervision leader holds no AreaLeader role; lead B, coop A).
    pub fn new() -> World {
        let mut other = new_matter(OTHER_MATTER, 2, MatterState::Dispatched);
        other.title = "另一事项".to_owned();
        other.notice_no = Some("张督办〔2026〕99号".to_owned());
        World {
            matter: new_matter(MATTER, 1, MatterState::Registered),
            other_matter: other,
            tasks: vec![
                new_task(TASK_1, 1, vec![Who::Area.id()], UNIT_A, vec![UNIT_B]),
                new_task(
                    TASK_2,
                    2,
                    vec![Who::Supervision.id(), Who::Area.id()],
                    UNIT_B,
                    vec![UNIT_A],
                ),
            ],
            receipts: vec![],
            reports: vec![],
            bulletins: vec![],
            inbox: vec![WorkItem {
                object: ObjectRef::Matter(MATTER),
                action: WorkAction::Decompose,
                assignee: Assignee::Role(Role::SupervisionOffice),
            }],
            log: vec![],
            now: T0,
            next_report: 1,
            next_bulletin: 1,
            next_notice: 1,
            next_issue: 1,
            next_archive: 1,
        }
    }

    /// Submitted, approved and the notice issued: both tasks Assigned.
    pub fn dispatched() -> World {
        let mut w = World::new();
        w.run(&[
            (Who::Office, submit()),
            (Who::Principal, approve()),
            (Who::Office, issue_notice()),
        ]);
        w
    }

    /// Dispatched and every recipient of task `t` has signed: it is InProgress.
    pub fn in_progress(t: usize) -> World {
        let mut w = World::dispatched();
        w.sign_all(t);
        w
    }

    /// Task `t` has a final report waiting for the leader.
    pub fn awaiting(t: usize) -> World {
        let mut w = World::in_progress(t);
        w.run(&[(w.lead_of(t), report_final(t))]);
        w
    }

    /// Task `t` confirmed by the area leader.
    pub fn completed(t: usize) -> World {
        let mut w = World::awaiting(t);
        w.run(&[(Who::Area, confirm(t))]);
        w
    }

    /// A bulletin over `MATTER` taken to `state` (Published included).
    pub fn with_bulletin(mut self, state: BulletinState) -> World {
        self.run(&[(Who::Office, create(Cover::Matter))]);
        let b = self.bulletins.len() - 1;
        let path = [
            (BulletinState::Reviewing, Who::Office, submit_review(b)),
            (BulletinState::Instructing, Who::Supervision, review(b)),
            (BulletinState::Revising, Who::Principal, instruct(b)),
            (BulletinState::Published, Who::Office, publish(b)),
        ];
        for (reached, who, op) in path {
            if self.bulletins[b].state == state {
                break;
            }
            self.run(&[(who, op)]);
            assert_eq!(self.bulletins[b].state, reached);
        }
        assert_eq!(self.bulletins[b].state, state);
        self
    }

    /// Everyone who must sign task `t` signs it.
    pub fn sign_all(&mut self, t: usize) {
        let task = self.tasks[t].clone();
        for who in Who::ALL {
            let a = who.actor();
            let is_recipient = task.leaders.contains(&a.user_id)
                || a.acts_for_unit(task.lead_unit)
                || task.coop_units.iter().any(|u| a.acts_for_unit(*u));
            if is_recipient {
                self.run(&[(who, sign(t))]);
            }
        }
        assert_eq!(self.tasks[t].state, TaskState::InProgress);
    }

    /// The person who reports for the lead unit of task `t`.
    pub fn lead_of(&self, t: usize) -> Who {
        if self.tasks[t].lead_unit == UNIT_A {
            Who::StaffA
        } else {
            Who::HeadB
        }
    }

    /// The person who reports for the cooperating unit of task `t`.
    pub fn coop_of(&self, t: usize) -> Who {
        if self.tasks[t].lead_unit == UNIT_A {
            Who::HeadB
        } else {
            Who::StaffA
        }
    }

    /// Runs steps that must all succeed.
    pub fn run(&mut self, steps: &[(Who, Op)]) {
        for (who, op) in steps {
            if let Err(e) = self.step(*who, op) {
                panic!("{who:?} {op:?} was refused: {e:?}\nworld: {self:#?}");
            }
        }
    }

    /// Advances the clock and returns the moment the store would pass as `now`.
    pub fn tick(&mut self) -> Millis {
        self.now += STEP_MS;
        self.now
    }

    pub fn matters_for(&self, c: Cover) -> Vec<Matter> {
        match c {
            Cover::Matter => vec![self.matter.clone()],
            Cover::Other => vec![self.other_matter.clone()],
            Cover::Both => vec![self.matter.clone(), self.other_matter.clone()],
        }
    }

    pub fn task_receipts(&self, t: usize) -> Vec<Receipt> {
        let id = self.tasks[t].id;
        self.receipts
            .iter()
            .filter(|r| r.task_id == id)
            .cloned()
            .collect()
    }

    pub fn task_reports(&self, t: usize) -> Vec<ProgressReport> {
        let id = self.tasks[t].id;
        self.reports
            .iter()
            .filter(|r| r.task_id == id)
            .cloned()
            .collect()
    }

    pub fn covered_tasks(&self, b: usize) -> Vec<Task> {
        let ids = &self.bulletins[b].matter_ids;
        self.tasks
            .iter()
            .filter(|t| ids.contains(&t.matter_id))
            .cloned()
            .collect()
    }

    /// Whether `op` names an object that exists.
    pub fn op_exists(&self, op: &Op) -> bool {
        match op {
            Op::Task(t, _) => *t < self.tasks.len(),
            Op::Bulletin(b, _) => *b < self.bulletins.len(),
            _ => true,
        }
    }

    /// What the domain decides, without applying it. Receipts and reports are the task's own;
    /// `bulletins` are all bulletins, so the domain's own "covers this matter" check is exercised.
    pub fn try_op(&self, who: Who, op: &Op, now: Millis) -> Result<Change, DomainError> {
        let actor = who.actor();
        match op {
            Op::Matter(cmd) => decide_matter(&actor, &self.matter, &self.tasks, cmd.clone(), now),
            Op::Task(t, cmd) => {
                let receipts = self.task_receipts(*t);
                let reports = self.task_reports(*t);
                let ctx = TaskContext {
                    matter: &self.matter,
                    siblings: &self.tasks,
                    receipts: &receipts,
                    reports: &reports,
                    bulletins: &self.bulletins,
                    special: None,
                };
                decide_task(&actor, &self.tasks[*t], &ctx, cmd.clone(), now)
            }
            Op::CreateBulletin(c) => create_bulletin(&actor, &self.matters_for(*c)),
            Op::Bulletin(b, cmd) => decide_bulletin(
                &actor,
                &self.bulletins[*b],
                &self.covered_tasks(*b),
                cmd.clone(),
                now,
            ),
        }
    }

    /// The context `task_actions` needs for task `t`, with owned copies.
    pub fn task_ctx_parts(&self, t: usize) -> (Vec<Receipt>, Vec<ProgressReport>) {
        (self.task_receipts(t), self.task_reports(t))
    }

    /// Tries `op` as `who` at the next moment; when the domain agrees, checks that the actor was
    /// entitled to it and applies the change as the store would.
    pub fn step(&mut self, who: Who, op: &Op) -> Result<Change, DomainError> {
        let now = self.tick();
        let change = self.try_op(who, op, now)?;
        self.check_entitled(who, op, &change);
        let bulletin_before = match op {
            Op::Bulletin(b, _) => Some(self.bulletins[*b].state),
            _ => None,
        };
        self.apply(who, op, &change, now);
        self.log.push(Event {
            at: now,
            who,
            op: op.clone(),
            bulletin_before,
            change: change.clone(),
        });
        Ok(change)
    }

    /// The rules of DOMAIN.md and the notice, restated independently of the domain: whoever the
    /// domain let act must have been entitled to.
    fn check_entitled(&self, who: Who, op: &Op, change: &Change) {
        let a = who.actor();
        assert!(
            !who.is_outsider(),
            "{who:?} (no part in the matter) changed something: {op:?} → {change:?}"
        );
        let office = a.has(Role::SupervisionOffice);
        let principal = a.has(Role::PrincipalLeader);
        let expected_action = match op {
            Op::Matter(MatterCommand::Submit) => {
                assert!(office);
                "matter.submit"
            }
            Op::Matter(MatterCommand::Approve { .. }) => {
                assert!(principal);
                "matter.approve"
            }
            Op::Matter(MatterCommand::Return { .. }) => {
                assert!(principal);
                "matter.return"
            }
            Op::Matter(MatterCommand::IssueNotice) => {
                assert!(office);
                "matter.issue_notice"
            }
            Op::Matter(MatterCommand::Forward) => panic!("a Local matter was forwarded"),
            Op::Matter(MatterCommand::Archive) => {
                assert!(office);
                "matter.archive"
            }
            Op::Task(t, cmd) => {
                let task = &self.tasks[*t];
                match cmd {
                    TaskCommand::Sign => {
                        let r = change.signed.expect("a signature names its recipient");
                        match r {
                            Recipient::User(u) => {
                                assert_eq!(u, a.user_id, "signed someone else's receipt")
                            }
                            Recipient::Unit(u) => {
                                assert!(a.acts_for_unit(u), "signed for a unit not one's own")
                            }
                        }
                        assert!(
                            self.receipts.iter().any(|x| x.task_id == task.id
                                && x.recipient == r
                                && x.signed_at.is_none()),
                            "signed a receipt that was not pending on this task"
                        );
                        "task.sign"
                    }
                    TaskCommand::Report { is_final, .. } => {
                        let nr = change.new_report.as_ref().expect("a report");
                        assert!(a.acts_for_unit(nr.unit_id), "reported for another unit");
                        if *is_final {
                            assert_eq!(
                                nr.unit_id, task.lead_unit,
                                "a final report not from the lead unit"
                            );
                            "task.report_final"
                        } else {
                            assert!(task.involves_unit(nr.unit_id));
                            "task.report"
                        }
                    }
                    TaskCommand::Confirm { .. } | TaskCommand::ReturnReport { .. } => {
                        assert!(task.leaders.contains(&a.user_id));
                        if matches!(cmd, TaskCommand::Confirm { .. }) {
                            "task.confirm"
                        } else {
                            "task.return_report"
                        }
                    }
                    TaskCommand::Close { .. } => {
                        assert!(office);
                        "task.close"
                    }
                    TaskCommand::Score { .. } => panic!("a Local task was scored"),
                }
            }
            Op::CreateBulletin(_) => {
                assert!(office);
                "bulletin.create"
            }
            Op::Bulletin(b, cmd) => {
                let before = self.bulletins[*b].state;
                match cmd {
                    BulletinCommand::SubmitForReview => {
                        assert!(office);
                        "bulletin.submit_review"
                    }
                    BulletinCommand::Review { .. } => {
                        assert!(a.has(Role::SupervisionLeader));
                        "bulletin.review"
                    }
                    BulletinCommand::Instruct { .. } => {
                        assert!(principal);
                        "bulletin.instruct"
                    }
                    BulletinCommand::Return { .. } => {
                        match before {
                            BulletinState::Reviewing => assert!(a.has(Role::SupervisionLeader)),
                            BulletinState::Instructing => assert!(principal),
                            s => panic!("a bulletin returned from {s:?}"),
                        }
                        "bulletin.return"
                    }
                    BulletinCommand::ReportUpward { .. } => {
                        panic!("a Local bulletin was reported upward")
                    }
                    BulletinCommand::Publish { .. } => {
                        assert!(office);
                        "bulletin.publish"
                    }
                }
            }
        };
        assert_eq!(change.action, expected_action, "{who:?} {op:?}");
    }

    fn apply(&mut self, who: Who, op: &Op, change: &Change, now: Millis) {
        let actor = who.actor();
        if let Some(m) = &change.matter {
            assert_eq!(m.id, self.matter.id, "a change to another matter");
            self.matter = m.clone();
        }
        for t in &change.tasks {
            let slot = self
                .tasks
                .iter_mut()
                .find(|x| x.id == t.id)
                .expect("a change to an unknown task");
            *slot = t.clone();
        }
        for r in &change.new_receipts {
            assert!(
                self.tasks.iter().any(|t| t.id == r.task_id),
                "a receipt for an unknown task"
            );
            assert!(
                r.signed_at.is_none() && r.signed_by.is_none(),
                "a new receipt arrives unsigned"
            );
            self.receipts.push(r.clone());
        }
        let task_id = match op {
            Op::Task(t, _) => Some(self.tasks[*t].id),
            _ => None,
        };
        if let Some(recipient) = change.signed {
            let tid = task_id.expect("only task steps sign");
            let r = self
                .receipts
                .iter_mut()
                .find(|r| r.task_id == tid && r.recipient == recipient && r.signed_at.is_none())
                .expect("the signed receipt is pending on this task");
            r.signed_at = Some(now);
            r.signed_by = Some(actor.user_id);
        }
        if let Some(nr) = &change.new_report {
            let tid = task_id.expect("only task steps report");
            self.reports.push(ProgressReport {
                id: ReportId(self.next_report),
                task_id: tid,
                unit_id: nr.unit_id,
                author_id: actor.user_id,
                is_final: nr.is_final,
                body: nr.body.clone(),
                submitted_at: now,
                status: nr.status,
                decided_by: None,
                decided_at: None,
                decision_note: None,
            });
            self.next_report += 1;
        }
        if let Some((id, status, note)) = &change.decided_report {
            let tid = task_id.expect("only task steps decide reports");
            let r = self
                .reports
                .iter_mut()
                .find(|r| r.id == *id)
                .expect("the decided report exists");
            assert_eq!(r.task_id, tid, "decided a report of another task");
            assert!(
                r.is_final && r.status == ReportStatus::Submitted,
                "decided a report that was not pending"
            );
            r.status = *status;
            r.decided_by = Some(actor.user_id);
            r.decided_at = Some(now);
            r.decision_note = note.clone();
        }
        if let Op::CreateBulletin(c) = op {
            assert!(change.bulletin.is_none(), "the store creates the bulletin");
            let matter_ids = self.matters_for(*c).iter().map(|m| m.id).collect();
            self.bulletins.push(Bulletin {
                id: BulletinId(self.next_bulletin),
                year: 2026,
                title: "督查通报（初稿）".to_owned(),
                body: "初稿".to_owned(),
                state: BulletinState::Drafting,
                version: 1,
                matter_ids,
                kind: duban_domain::BulletinKind::Bulletin,
                issue_no: None,
                doc_no: None,
                scope: None,
                review_opinion: None,
                instruction: None,
                reviewers: vec![],
                upward: None,
                created_by: actor.user_id,
                created_at: now,
                published_at: None,
            });
            self.next_bulletin += 1;
        }
        if let Some(b) = &change.bulletin {
            let slot = self
                .bulletins
                .iter_mut()
                .find(|x| x.id == b.id)
                .expect("a change to an unknown bulletin");
            *slot = b.clone();
        }
        match change.allocate {
            Some(Allocate::NoticeNo) => {
                assert!(self.matter.notice_no.is_none(), "a second notice number");
                self.matter.notice_no = Some(format!("张督办〔2026〕{}号", self.next_notice));
                self.next_notice += 1;
            }
            Some(Allocate::IssueNo) => {
                let Op::Bulletin(b, _) = op else {
                    panic!("an issue number outside a bulletin step")
                };
                assert!(
                    self.bulletins[*b].issue_no.is_none(),
                    "a second issue number"
                );
                self.bulletins[*b].issue_no = Some(self.next_issue);
                self.next_issue += 1;
            }
            Some(
                a @ (Allocate::TransferNo | Allocate::InspectionNoticeNo | Allocate::ReportNo),
            ) => {
                panic!("a Local matter allocated {a:?}")
            }
            Some(Allocate::ArchiveNo) => {
                assert!(self.matter.archive_no.is_none(), "a second archive number");
                self.matter.archive_no = Some(format!("2026-归-{}", self.next_archive));
                self.next_archive += 1;
            }
            None => {}
        }
        for d in &change.done {
            self.inbox.retain(|w| match *d {
                WorkDone::Object(o) => w.object != o,
                WorkDone::Action(o, a) => !(w.object == o && w.action == a),
                WorkDone::Item(o, a, s) => !(w.object == o && w.action == a && w.assignee == s),
            });
        }
        self.inbox.extend(change.open.iter().copied());
    }

    pub fn events(&self, action: &str) -> impl Iterator<Item = &Event> {
        let action = action.to_owned();
        self.log.iter().filter(move |e| e.change.action == action)
    }

    pub fn has_open(&self, object: ObjectRef, action: WorkAction) -> bool {
        self.inbox
            .iter()
            .any(|w| w.object == object && w.action == action)
    }

    /// Whether bulletin `b` was published after a review by the supervision leader and then an
    /// instruction by the principal leader, with no return in between; the moment it was published.
    pub fn properly_published(&self, b: &Bulletin) -> Option<Millis> {
        let events: Vec<&Event> = self.log.iter().filter(|e| e.on_bulletin(b.id)).collect();
        let publish = events
            .iter()
            .rposition(|e| e.change.action == "bulletin.publish")?;
        let last_return = events[..publish]
            .iter()
            .rposition(|e| e.change.action == "bulletin.return");
        let since = last_return.map_or(0, |i| i + 1);
        let window = &events[since..publish];
        let review = window.iter().position(|e| {
            e.change.action == "bulletin.review"
                && e.who.actor().has(Role::SupervisionLeader)
                && matches!(&e.change.instruction, Some(i) if i.kind == InstructionKind::Review)
        })?;
        let instruct = window.iter().rposition(|e| {
            e.change.action == "bulletin.instruct"
                && e.who.actor().has(Role::PrincipalLeader)
                && matches!(&e.change.instruction, Some(i) if i.kind == InstructionKind::Instruct)
        })?;
        (review < instruct).then_some(events[publish].at)
    }

    /// What must hold after every step, whatever came before.
    pub fn check_invariants(&self) {
        let m = &self.matter;
        let approved_at = self
            .events("matter.approve")
            .filter(|e| e.who.actor().has(Role::PrincipalLeader))
            .filter(|e| matches!(&e.change.instruction, Some(i) if i.kind == InstructionKind::Approve && i.object == ObjectRef::Matter(m.id)))
            .map(|e| e.at)
            .last();
        let noticed_at = self.events("matter.issue_notice").map(|e| e.at).last();

        for t in &self.tasks {
            let tobj = ObjectRef::Task(t.id);
            // Before dispatch no task is handed out; after it none is left a draft.
            match m.state {
                MatterState::Registered | MatterState::Submitted | MatterState::Approved => {
                    assert_eq!(
                        t.state,
                        TaskState::Draft,
                        "task {} handed out before the notice",
                        t.id
                    )
                }
                _ => assert_ne!(
                    t.state,
                    TaskState::Draft,
                    "task {} left a draft after the notice",
                    t.id
                ),
            }
            let lead_receipt = self
                .receipts
                .iter()
                .find(|r| r.task_id == t.id && r.recipient == Recipient::Unit(t.lead_unit));
            let lead_signed = lead_receipt.is_some_and(|r| r.signed_at.is_some());
            if matches!(
                t.state,
                TaskState::InProgress
                    | TaskState::AwaitingConfirmation
                    | TaskState::Completed
                    | TaskState::Closed
            ) {
                assert!(
                    lead_signed,
                    "task {} under way without the lead unit's receipt",
                    t.id
                );
                assert!(t.received_at.is_some() && t.started_at.is_some());
                assert!(t.registered_at <= t.received_at.unwrap_or(Millis::MAX));
            }
            let pending_finals = self
                .reports
                .iter()
                .filter(|r| r.task_id == t.id && r.is_final && r.status == ReportStatus::Submitted)
                .count();
            assert_eq!(
                pending_finals,
                usize::from(t.state == TaskState::AwaitingConfirmation),
                "task {} in {:?} with {pending_finals} pending final reports",
                t.id,
                t.state
            );
            let confirmed: Vec<&ProgressReport> = self
                .reports
                .iter()
                .filter(|r| r.task_id == t.id && r.status == ReportStatus::Confirmed)
                .collect();
            assert!(confirmed.len() <= 1, "task {} confirmed twice", t.id);
            if matches!(t.state, TaskState::Completed | TaskState::Closed) {
                let r = confirmed
                    .first()
                    .unwrap_or_else(|| panic!("task {} done without a confirmed report", t.id));
                assert!(r.is_final && r.unit_id == t.lead_unit);
                let by = r.decided_by.expect("decided by someone");
                assert!(
                    Who::ALL.into_iter().any(|w| w.id() == by) && t.leaders.contains(&by),
                    "task {} confirmed by {by}",
                    t.id
                );
                assert_eq!(
                    t.finished_at, r.decided_at,
                    "finished_at is the moment of confirmation"
                );
            } else {
                assert!(confirmed.is_empty());
            }

            if t.state == TaskState::Closed {
                let closed_at = t.closed_at.expect("closed_at");
                assert!(t.close_remark.is_some());
                assert!(
                    approved_at.is_some_and(|a| a < closed_at),
                    "task {} closed without approval",
                    t.id
                );
                assert!(noticed_at.is_some_and(|a| a < closed_at) && m.notice_no.is_some());
                assert!(
                    lead_receipt
                        .and_then(|r| r.signed_at)
                        .is_some_and(|s| s < closed_at)
                );
                let finished = t.finished_at.expect("finished_at");
                assert!(finished < closed_at);
                let covered = self.bulletins.iter().any(|b| {
                    b.state == BulletinState::Published
                        && b.matter_ids.contains(&m.id)
                        && b.issue_no.is_some()
                        && self
                            .properly_published(b)
                            .is_some_and(|p| finished <= p && p < closed_at)
                        && b.published_at == self.properly_published(b)
                });
                assert!(
                    covered,
                    "task {} closed without a bulletin reviewed, instructed and published after it finished",
                    t.id
                );
                assert!(
                    !self.inbox.iter().any(|w| w.object == tobj),
                    "closed task {} still has open work items: {:?}",
                    t.id,
                    self.inbox
                );
            } else {
                assert!(t.closed_at.is_none());
            }

            // The inbox follows the state.
            if m.state == MatterState::Dispatched && t.state != TaskState::Closed {
                for r in self.receipts.iter().filter(|r| r.task_id == t.id) {
                    let assignee = match r.recipient {
                        Recipient::User(u) => Assignee::User(u),
                        Recipient::Unit(u) => Assignee::Unit(u),
                    };
                    let open = self.inbox.contains(&WorkItem {
                        object: tobj,
                        action: WorkAction::Sign,
                        assignee,
                    });
                    assert_eq!(open, r.signed_at.is_none(), "sign item vs receipt {r:?}");
                }
                assert_eq!(
                    self.has_open(tobj, WorkAction::Report),
                    t.state == TaskState::InProgress
                );
                assert_eq!(
                    self.has_open(tobj, WorkAction::Confirm),
                    t.state == TaskState::AwaitingConfirmation
                );
            }
            if self.has_open(tobj, WorkAction::Close) {
                assert_eq!(t.state, TaskState::Completed);
            }
            if t.state == TaskState::Completed
                && self.bulletins.iter().any(|b| {
                    b.state == BulletinState::Published
                        && b.matter_ids.contains(&m.id)
                        && b.published_at.is_some_and(|p| Some(p) >= t.finished_at)
                })
            {
                assert!(
                    self.has_open(tobj, WorkAction::Close),
                    "task {} may be closed but nobody is asked to",
                    t.id
                );
            }
        }

        let all_closed = self.tasks.iter().all(|t| t.state == TaskState::Closed);
        match m.state {
            MatterState::Closed | MatterState::Archived => {
                assert!(all_closed, "matter {:?} with open tasks", m.state);
                let last = self.tasks.iter().filter_map(|t| t.closed_at).max();
                assert_eq!(m.closed_at, last, "the matter closes with its last task");
            }
            _ => {
                assert!(
                    !all_closed,
                    "all tasks closed but the matter is {:?}",
                    m.state
                );
                assert!(m.closed_at.is_none());
            }
        }
        if m.state == MatterState::Archived {
            assert!(m.archive_no.is_some() && m.archived_at.is_some());
            assert!(m.archived_at > m.closed_at);
            assert!(
                !self
                    .inbox
                    .iter()
                    .any(|w| w.object == ObjectRef::Matter(m.id)),
                "archived matter still in an inbox"
            );
        } else {
            assert!(m.archive_no.is_none() && m.archived_at.is_none());
        }
        if matches!(
            m.state,
            MatterState::Dispatched | MatterState::Closed | MatterState::Archived
        ) {
            assert!(m.notice_no.is_some() && noticed_at.is_some());
            assert!(approved_at.is_some_and(|a| Some(a) < noticed_at));
        } else {
            assert!(m.notice_no.is_none());
        }
        let mobj = ObjectRef::Matter(m.id);
        assert_eq!(
            self.has_open(mobj, WorkAction::Decompose),
            m.state == MatterState::Registered
        );
        assert_eq!(
            self.has_open(mobj, WorkAction::Approve),
            m.state == MatterState::Submitted
        );
        assert_eq!(
            self.has_open(mobj, WorkAction::IssueNotice),
            m.state == MatterState::Approved
        );
        assert_eq!(
            self.has_open(mobj, WorkAction::Archive),
            m.state == MatterState::Closed
        );

        for b in &self.bulletins {
            let bobj = ObjectRef::Bulletin(b.id);
            assert_eq!(
                self.has_open(bobj, WorkAction::Review),
                b.state == BulletinState::Reviewing
            );
            assert_eq!(
                self.has_open(bobj, WorkAction::Instruct),
                b.state == BulletinState::Instructing
            );
            assert_eq!(
                self.has_open(bobj, WorkAction::Publish),
                b.state == BulletinState::Revising
            );
            if self.has_open(bobj, WorkAction::CompileBulletin) {
                assert_eq!(b.state, BulletinState::Drafting);
            }
            if b.state == BulletinState::Published {
                assert!(b.issue_no.is_some() && b.scope.is_some());
                assert!(
                    self.properly_published(b).is_some(),
                    "bulletin {} published without review and instruction",
                    b.id
                );
                assert_eq!(b.published_at, self.properly_published(b));
            } else {
                assert!(b.issue_no.is_none() && b.published_at.is_none());
            }
        }
    }
}
