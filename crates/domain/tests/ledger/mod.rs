//! An in-memory ledger for procedures A (上级督查) and C (部门专项督查): matters, tasks, receipts,
//! reports, bulletins, applications, inspections, scores and the inbox, with the store's part of
//! each step (applying a `Change`, handing out ids, numbers and `now`) kept as plain as possible,
//! so the tests can walk a procedure step by step and assert on what the domain decided.
//!
//! Shared by `procedure_a.rs` and `procedure_c.rs`; not every test binary uses every item.
#![allow(dead_code)]

use std::fmt::Debug;

use chrono::{NaiveDate, TimeZone};
use duban_domain::time::Millis;
use duban_domain::*;

// ───────────────────────────── Small constructors ─────────────────────────────

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A moment given in China time (UTC+8), so `china_date` of it is the day written here.
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Millis {
    duban_domain::time::china()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid moment")
        .timestamp_millis()
}

pub fn person(id: i64, name: &str, unit: UnitId, roles: &[Role], portfolio: &[UnitId]) -> Actor {
    Actor {
        user_id: UserId(id),
        name: name.to_owned(),
        unit_id: unit,
        roles: roles.to_vec(),
        portfolio: portfolio.to_vec(),
    }
}

pub fn role_item(object: ObjectRef, action: WorkAction, role: Role) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::Role(role),
    }
}

pub fn user_item(object: ObjectRef, action: WorkAction, user: UserId) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::User(user),
    }
}

pub fn unit_item(object: ObjectRef, action: WorkAction, unit: UnitId) -> WorkItem {
    WorkItem {
        object,
        action,
        assignee: Assignee::Unit(unit),
    }
}

// ───────────────────────────── Assertions on refusals ─────────────────────────────

#[track_caller]
pub fn assert_forbidden<T: Debug>(r: &Result<T, DomainError>, what: &str) {
    assert!(
        matches!(r, Err(DomainError::Forbidden(_))),
        "{what}: expected Forbidden, got {r:?}"
    );
}

#[track_caller]
pub fn assert_bad_state<T: Debug>(r: &Result<T, DomainError>, what: &str) {
    assert!(
        matches!(r, Err(DomainError::InvalidState(_))),
        "{what}: expected InvalidState, got {r:?}"
    );
}

/// Bad input naming `field`.
#[track_caller]
pub fn assert_invalid<T: Debug>(r: &Result<T, DomainError>, field: &str, what: &str) {
    match r {
        Err(DomainError::Invalid { field: f, .. }) => {
            assert_eq!(f, field, "{what}: refused, but naming another field: {r:?}")
        }
        _ => panic!("{what}: expected Invalid({field}), got {r:?}"),
    }
}

/// The message of an error, for checks on what the user is told.
#[track_caller]
pub fn message<T: Debug>(r: &Result<T, DomainError>) -> String {
    match r {
        Err(e) => e.to_string(),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

// ───────────────────────────── The ledger ─────────────────────────────

pub const STEP_MS: Millis = 60_000;

/// The store's part: everything as it stands, the inbox and a log of the steps taken.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub now: Millis,
    pub matters: Vec<Matter>,
    pub tasks: Vec<Task>,
    pub receipts: Vec<Receipt>,
    pub reports: Vec<ProgressReport>,
    pub bulletins: Vec<Bulletin>,
    pub applications: Vec<Application>,
    pub inspections: Vec<Inspection>,
    pub scores: Vec<Score>,
    /// Open work items (待办).
    pub inbox: Vec<WorkItem>,
    pub instructions: Vec<(UserId, Instruction)>,
    /// (moment, who, action code) of every applied step.
    pub log: Vec<(Millis, UserId, &'static str)>,
    next_id: i64,
    next_seq: i64,
    next_number: i64,
}

impl Ledger {
    pub fn new(now: Millis) -> Ledger {
        Ledger {
            now,
            matters: vec![],
            tasks: vec![],
            receipts: vec![],
            reports: vec![],
            bulletins: vec![],
            applications: vec![],
            inspections: vec![],
            scores: vec![],
            inbox: vec![],
            instructions: vec![],
            log: vec![],
            next_id: 1,
            next_seq: 1,
            next_number: 1,
        }
    }

    fn id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Advances the clock by a minute and returns the moment the store would pass as `now`.
    pub fn tick(&mut self) -> Millis {
        self.now += STEP_MS;
        self.now
    }

    // ── Lookups ──

    pub fn matter(&self, id: MatterId) -> &Matter {
        self.matters
            .iter()
            .find(|m| m.id == id)
            .expect("known matter")
    }
    pub fn task(&self, id: TaskId) -> &Task {
        self.tasks.iter().find(|t| t.id == id).expect("known task")
    }
    pub fn bulletin(&self, id: BulletinId) -> &Bulletin {
        self.bulletins
            .iter()
            .find(|b| b.id == id)
            .expect("known bulletin")
    }
    pub fn app(&self, id: ApplicationId) -> &Application {
        self.applications
            .iter()
            .find(|a| a.id == id)
            .expect("known application")
    }
    pub fn inspection(&self, matter: MatterId) -> &Inspection {
        self.inspections
            .iter()
            .find(|i| i.matter_id == matter)
            .expect("known inspection")
    }
    pub fn tasks_of(&self, matter: MatterId) -> Vec<Task> {
        self.tasks
            .iter()
            .filter(|t| t.matter_id == matter)
            .cloned()
            .collect()
    }
    pub fn task_ids(&self, matter: MatterId) -> Vec<TaskId> {
        self.tasks_of(matter).iter().map(|t| t.id).collect()
    }
    /// The task of a special inspection that inspects `unit`.
    pub fn task_for(&self, matter: MatterId, unit: UnitId) -> TaskId {
        self.tasks
            .iter()
            .find(|t| t.matter_id == matter && t.lead_unit == unit)
            .map(|t| t.id)
            .expect("a task for the unit")
    }
    pub fn apps_of(&self, matter: MatterId) -> Vec<Application> {
        self.applications
            .iter()
            .filter(|a| a.matter_id == Some(matter))
            .cloned()
            .collect()
    }
    pub fn receipts_of(&self, task: TaskId) -> Vec<Receipt> {
        self.receipts
            .iter()
            .filter(|r| r.task_id == task)
            .cloned()
            .collect()
    }
    pub fn reports_of(&self, task: TaskId) -> Vec<ProgressReport> {
        self.reports
            .iter()
            .filter(|r| r.task_id == task)
            .cloned()
            .collect()
    }
    pub fn scores_of(&self, task: TaskId) -> Vec<Score> {
        self.scores
            .iter()
            .filter(|s| s.task_id == task)
            .cloned()
            .collect()
    }
    pub fn covered_tasks(&self, b: BulletinId) -> Vec<Task> {
        let ids = self.bulletin(b).matter_ids.clone();
        self.tasks
            .iter()
            .filter(|t| ids.contains(&t.matter_id))
            .cloned()
            .collect()
    }
    pub fn open_on(&self, object: ObjectRef) -> Vec<WorkItem> {
        self.inbox
            .iter()
            .filter(|w| w.object == object)
            .copied()
            .collect()
    }
    pub fn has_open(&self, object: ObjectRef, action: WorkAction) -> bool {
        self.inbox
            .iter()
            .any(|w| w.object == object && w.action == action)
    }

    // ── Creating what the store creates outside the domain's steps ──

    /// Files a matter as given (its id and seq are handed out here) with the office's first item.
    pub fn add_matter(&mut self, mut m: Matter, first_item: Option<WorkAction>) -> MatterId {
        m.id = MatterId(self.id());
        m.seq = self.next_seq;
        self.next_seq += 1;
        let id = m.id;
        self.matters.push(m);
        if let Some(action) = first_item {
            self.inbox.push(role_item(
                ObjectRef::Matter(id),
                action,
                Role::SupervisionOffice,
            ));
        }
        id
    }

    /// Adds a draft task (分解立项) to a matter.
    pub fn add_task(
        &mut self,
        matter: MatterId,
        leaders: &[UserId],
        lead: UnitId,
        coop: &[UnitId],
        deadline: NaiveDate,
    ) -> TaskId {
        let id = TaskId(self.id());
        let seq = self.tasks.iter().filter(|t| t.matter_id == matter).count() as i64 + 1;
        self.tasks.push(Task {
            id,
            matter_id: matter,
            seq,
            content: format!("任务{seq}"),
            requirements: "按上级要求按期办结并报送落实情况".to_owned(),
            deadline,
            due_time: None,
            cadence: None,
            urges: 0,
            leaders: leaders.to_vec(),
            lead_unit: lead,
            coop_units: coop.to_vec(),
            urgency: Urgency::Normal,
            state: TaskState::Draft,
            version: 1,
            registered_at: self.now,
            received_at: None,
            started_at: None,
            reported_at: None,
            finished_at: None,
            closed_at: None,
            close_remark: None,
        });
        id
    }

    /// Files an application as a department wrote it (起草中).
    pub fn add_application(&mut self, mut a: Application) -> ApplicationId {
        a.id = ApplicationId(self.id());
        a.seq = self.applications.len() as i64 + 1;
        a.created_at = self.now;
        let id = a.id;
        self.applications.push(a);
        id
    }

    // ── What the domain decides, without applying it ──

    pub fn try_matter(
        &self,
        actor: &Actor,
        m: MatterId,
        cmd: MatterCommand,
        now: Millis,
    ) -> Result<Change, DomainError> {
        decide_matter(actor, self.matter(m), &self.tasks_of(m), cmd, now)
    }

    pub fn try_task(
        &self,
        actor: &Actor,
        t: TaskId,
        cmd: TaskCommand,
        now: Millis,
    ) -> Result<Change, DomainError> {
        let task = self.task(t);
        let matter = self.matter(task.matter_id);
        let siblings = self.tasks_of(matter.id);
        let receipts = self.receipts_of(t);
        let reports = self.reports_of(t);
        let apps = self.apps_of(matter.id);
        let special = self
            .inspections
            .iter()
            .find(|i| i.matter_id == matter.id)
            .map(|inspection| SpecialContext {
                inspection,
                applications: &apps,
                scores: &self.scores,
            });
        let ctx = TaskContext {
            matter,
            siblings: &siblings,
            receipts: &receipts,
            reports: &reports,
            bulletins: &self.bulletins,
            special,
        };
        decide_task(actor, task, &ctx, cmd, now)
    }

    /// Which score-sheet application `actor` may score task `t` under now (the page's question).
    pub fn can_score(&self, actor: &Actor, t: TaskId) -> Option<ApplicationId> {
        let task = self.task(t);
        let matter = self.matter(task.matter_id);
        let siblings = self.tasks_of(matter.id);
        let receipts = self.receipts_of(t);
        let reports = self.reports_of(t);
        let apps = self.apps_of(matter.id);
        let special = self
            .inspections
            .iter()
            .find(|i| i.matter_id == matter.id)
            .map(|inspection| SpecialContext {
                inspection,
                applications: &apps,
                scores: &self.scores,
            });
        let ctx = TaskContext {
            matter,
            siblings: &siblings,
            receipts: &receipts,
            reports: &reports,
            bulletins: &self.bulletins,
            special,
        };
        can_score(actor, task, &ctx).map(|a| a.id)
    }

    pub fn try_bulletin(
        &self,
        actor: &Actor,
        b: BulletinId,
        cmd: BulletinCommand,
        now: Millis,
    ) -> Result<Change, DomainError> {
        decide_bulletin(actor, self.bulletin(b), &self.covered_tasks(b), cmd, now)
    }

    pub fn try_application(
        &self,
        actor: &Actor,
        a: ApplicationId,
        cmd: ApplicationCommand,
        now: Millis,
    ) -> Result<Change, DomainError> {
        let app = self.app(a);
        let (tasks, siblings) = match app.matter_id {
            Some(m) => (self.tasks_of(m), self.apps_of(m)),
            None => (vec![], vec![]),
        };
        let ctx = ApplicationContext {
            tasks: &tasks,
            siblings: &siblings,
        };
        decide_application(actor, app, &ctx, cmd, now)
    }

    pub fn application_codes(&self, actor: &Actor, a: ApplicationId) -> Vec<&'static str> {
        let app = self.app(a);
        let (tasks, siblings) = match app.matter_id {
            Some(m) => (self.tasks_of(m), self.apps_of(m)),
            None => (vec![], vec![]),
        };
        let ctx = ApplicationContext {
            tasks: &tasks,
            siblings: &siblings,
        };
        application_actions(actor, app, &ctx)
            .into_iter()
            .map(|o| o.code)
            .collect()
    }

    /// The change and the inspection's new state (`InspectionChange` as a tuple, for `Debug`).
    pub fn try_inspection(
        &self,
        actor: &Actor,
        m: MatterId,
        cmd: InspectionCommand,
        now: Millis,
    ) -> Result<(Change, Inspection), DomainError> {
        let tasks = self.tasks_of(m);
        let apps = self.apps_of(m);
        let ctx = InspectionContext {
            tasks: &tasks,
            inspection: self.inspection(m),
            applications: &apps,
        };
        decide_inspection(actor, self.matter(m), &ctx, cmd, now).map(|o| (o.change, o.inspection))
    }

    pub fn inspection_codes(&self, actor: &Actor, m: MatterId, now: Millis) -> Vec<&'static str> {
        let tasks = self.tasks_of(m);
        let apps = self.apps_of(m);
        let ctx = InspectionContext {
            tasks: &tasks,
            inspection: self.inspection(m),
            applications: &apps,
        };
        inspection_actions(actor, self.matter(m), &ctx, now)
            .into_iter()
            .map(|o| o.code)
            .collect()
    }

    // ── Steps that must succeed: decided at the next moment and applied ──

    #[track_caller]
    pub fn matter_do(&mut self, actor: &Actor, m: MatterId, cmd: MatterCommand) -> Change {
        let now = self.tick();
        let c = self
            .try_matter(actor, m, cmd.clone(), now)
            .unwrap_or_else(|e| panic!("{} {cmd:?} refused: {e:?}", actor.name));
        self.apply(actor, &c, now);
        c
    }

    #[track_caller]
    pub fn task_do(&mut self, actor: &Actor, t: TaskId, cmd: TaskCommand) -> Change {
        let now = self.tick();
        let c = self
            .try_task(actor, t, cmd.clone(), now)
            .unwrap_or_else(|e| panic!("{} {cmd:?} on {t} refused: {e:?}", actor.name));
        self.apply(actor, &c, now);
        c
    }

    #[track_caller]
    pub fn bulletin_do(&mut self, actor: &Actor, b: BulletinId, cmd: BulletinCommand) -> Change {
        let now = self.tick();
        let c = self
            .try_bulletin(actor, b, cmd.clone(), now)
            .unwrap_or_else(|e| panic!("{} {cmd:?} refused: {e:?}", actor.name));
        self.apply(actor, &c, now);
        c
    }

    #[track_caller]
    pub fn app_do(&mut self, actor: &Actor, a: ApplicationId, cmd: ApplicationCommand) -> Change {
        let now = self.tick();
        let c = self
            .try_application(actor, a, cmd.clone(), now)
            .unwrap_or_else(|e| panic!("{} {cmd:?} refused: {e:?}", actor.name));
        self.apply(actor, &c, now);
        c
    }

    /// An inspection step at a given moment (the notice-days rule reads the date of `now`).
    #[track_caller]
    pub fn inspection_do_at(
        &mut self,
        actor: &Actor,
        m: MatterId,
        cmd: InspectionCommand,
        now: Millis,
    ) -> (Change, Inspection) {
        self.now = self.now.max(now);
        let (change, inspection) = self
            .try_inspection(actor, m, cmd.clone(), now)
            .unwrap_or_else(|e| panic!("{} {cmd:?} refused: {e:?}", actor.name));
        let slot = self
            .inspections
            .iter_mut()
            .find(|i| i.matter_id == m)
            .expect("inspection");
        *slot = inspection.clone();
        self.apply(actor, &change, now);
        (change, inspection)
    }

    #[track_caller]
    pub fn inspection_do(
        &mut self,
        actor: &Actor,
        m: MatterId,
        cmd: InspectionCommand,
    ) -> (Change, Inspection) {
        let now = self.tick();
        self.inspection_do_at(actor, m, cmd, now)
    }

    /// The office compiles a bulletin (or 督查汇报) over `matters`; the store creates the draft,
    /// its kind from the matters and, for a special inspection, the departments' area leaders as
    /// its reviewers.
    pub fn create_bulletin(
        &mut self,
        actor: &Actor,
        matters: &[MatterId],
    ) -> Result<(BulletinId, Change), DomainError> {
        let now = self.tick();
        let ms: Vec<Matter> = matters.iter().map(|m| self.matter(*m).clone()).collect();
        let change = create_bulletin(actor, &ms)?;
        let kind = bulletin_kind(&ms)?;
        let reviewers = if ms[0].kind == MatterKind::Special {
            special_reviewers(&self.apps_of(ms[0].id))
        } else {
            vec![]
        };
        let id = BulletinId(self.id());
        self.bulletins.push(Bulletin {
            id,
            kind,
            year: 2026,
            title: format!("{}（初稿）", kind.label()),
            body: "初稿由落实情况汇总生成".to_owned(),
            state: BulletinState::Drafting,
            version: 1,
            matter_ids: matters.to_vec(),
            issue_no: None,
            doc_no: None,
            scope: None,
            review_opinion: None,
            instruction: None,
            reviewers,
            upward: None,
            created_by: actor.user_id,
            created_at: now,
            published_at: None,
        });
        self.apply(actor, &change, now);
        Ok((id, change))
    }

    /// The office launches accepted applications into one special inspection: the store files a
    /// Special matter (待交办), the plan, one task per inspected unit, and asks for the notice.
    pub fn launch(
        &mut self,
        actor: &Actor,
        apps: &[ApplicationId],
        plan: &NewInspection,
        notice_days: i64,
    ) -> Result<(MatterId, Change), DomainError> {
        let now = self.tick();
        let list: Vec<Application> = apps.iter().map(|a| self.app(*a).clone()).collect();
        let change = launch_inspection(actor, &list, plan)?;
        let first = &list[0];
        let m = self.add_matter(
            Matter {
                id: MatterId(0),
                year: 2026,
                seq: 0,
                kind: MatterKind::Special,
                title: plan.title.clone(),
                source: Source::DepartmentApplication,
                source_date: duban_domain::time::china_date(first.created_at),
                source_text: first.content.clone(),
                superior: None,
                urgency: Urgency::Normal,
                state: MatterState::Approved,
                version: 1,
                notice_no: None,
                archive_no: None,
                created_by: actor.user_id,
                created_at: now,
                closed_at: None,
                archived_at: None,
            },
            Some(WorkAction::IssueNotice),
        );
        self.inspections.push(Inspection {
            matter_id: m,
            mode: first.mode,
            window_start: plan.window_start,
            window_end: plan.window_end,
            requirements: plan.requirements.clone(),
            team: plan.team.clone(),
            vehicle: plan.vehicle.clone(),
            notice_days,
            situation: None,
            situation_instruction: None,
        });
        for unit in union_targets(&list) {
            self.add_task(m, &[], unit, &[], plan.window_end);
        }
        let mut applied = change.clone();
        for a in applied.application.iter_mut() {
            a.matter_id = Some(m);
        }
        self.apply(actor, &applied, now);
        Ok((m, change))
    }

    // ── Applying a change as the store would ──

    pub fn apply(&mut self, actor: &Actor, change: &Change, now: Millis) {
        if let Some(m) = &change.matter {
            let slot = self
                .matters
                .iter_mut()
                .find(|x| x.id == m.id)
                .expect("a change to an unknown matter");
            *slot = m.clone();
        }
        for t in &change.tasks {
            let slot = self
                .tasks
                .iter_mut()
                .find(|x| x.id == t.id)
                .expect("a change to an unknown task");
            *slot = t.clone();
        }
        if let Some(b) = &change.bulletin {
            let slot = self
                .bulletins
                .iter_mut()
                .find(|x| x.id == b.id)
                .expect("a change to an unknown bulletin");
            *slot = b.clone();
        }
        for a in &change.application {
            let slot = self
                .applications
                .iter_mut()
                .find(|x| x.id == a.id)
                .expect("a change to an unknown application");
            *slot = a.clone();
        }
        self.receipts.extend(change.new_receipts.iter().cloned());
        if let Some(r) = change.signed {
            let task = change.tasks.first().expect("a signature on a task").id;
            let receipt = self
                .receipts
                .iter_mut()
                .find(|x| x.task_id == task && x.recipient == r && x.signed_at.is_none())
                .expect("a pending receipt");
            receipt.signed_at = Some(now);
            receipt.signed_by = Some(actor.user_id);
        }
        if let Some(nr) = &change.new_report {
            let id = ReportId(self.id());
            self.reports.push(ProgressReport {
                id,
                task_id: change.tasks.first().expect("a report on a task").id,
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
        }
        if let Some((id, status, note)) = &change.decided_report {
            let r = self
                .reports
                .iter_mut()
                .find(|r| r.id == *id)
                .expect("a decision on an unknown report");
            r.status = *status;
            r.decided_by = Some(actor.user_id);
            r.decided_at = Some(now);
            r.decision_note = note.clone();
        }
        self.scores.extend(change.new_scores.iter().cloned());
        if let Some(a) = change.allocate {
            let n = self.next_number;
            self.next_number += 1;
            let matter = change.matter.as_ref().map(|m| m.id);
            let bulletin = change.bulletin.as_ref().map(|b| b.id);
            match a {
                Allocate::NoticeNo | Allocate::TransferNo | Allocate::InspectionNoticeNo => {
                    let id = matter.expect("a document number for a matter");
                    let m = self.matters.iter_mut().find(|x| x.id == id).expect("m");
                    assert!(m.notice_no.is_none(), "a second document number");
                    let prefix = match a {
                        Allocate::NoticeNo => "张督办",
                        Allocate::TransferNo => "张督转",
                        _ => "张督考",
                    };
                    m.notice_no = Some(format!("{prefix}〔2026〕{n}号"));
                }
                Allocate::ArchiveNo => {
                    let id = matter.expect("an archive number for a matter");
                    let m = self.matters.iter_mut().find(|x| x.id == id).expect("m");
                    assert!(m.archive_no.is_none(), "a second archive number");
                    m.archive_no = Some(format!("2026-归-{n}"));
                }
                Allocate::IssueNo | Allocate::ReportNo => {
                    let id = bulletin.expect("a number for a bulletin");
                    let b = self.bulletins.iter_mut().find(|x| x.id == id).expect("b");
                    if a == Allocate::IssueNo {
                        assert!(b.issue_no.is_none(), "a second issue number");
                        b.issue_no = Some(n);
                    } else {
                        assert!(b.doc_no.is_none(), "a second report number");
                        b.doc_no = Some(format!("张督汇〔2026〕{n}号"));
                    }
                }
            }
        }
        if let Some(i) = &change.instruction {
            self.instructions.push((actor.user_id, i.clone()));
        }
        for d in &change.done {
            self.inbox.retain(|w| match *d {
                WorkDone::Object(o) => w.object != o,
                WorkDone::Action(o, a) => !(w.object == o && w.action == a),
                WorkDone::Item(o, a, s) => !(w.object == o && w.action == a && w.assignee == s),
            });
        }
        for w in &change.open {
            if !self.inbox.contains(w) {
                self.inbox.push(*w);
            }
        }
        self.log.push((now, actor.user_id, change.action));
    }
}
