//! Procedure B under random sequences of steps by random people: whatever the order, no task is
//! closed without every required step and review, no matter is archived with an open task, and
//! those with no part in the matter never change anything.

mod world;

use std::collections::BTreeMap;

use duban_domain::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use world::*;

/// At most this many bulletins; at most two of them cover `MATTER`.
const MAX_BULLETINS: usize = 3;
const MAX_STEPS: usize = 60;

/// One generated step. Most steps are *guided*: among all (person, step) pairs the domain would
/// accept now, pick one, preferring those that move forward; the rest are raw, any person trying
/// any step. Raw steps exercise the refusals, guided ones get deep into the procedure.
#[derive(Debug, Clone)]
struct Seed {
    guided: bool,
    pick: u32,
    who: usize,
    op: usize,
}

fn seed(guided_percent: u8) -> impl Strategy<Value = Seed> {
    (0u8..100, any::<u32>(), 0..Who::ALL.len(), 0usize..64).prop_map(move |(g, pick, who, op)| {
        Seed {
            guided: g < guided_percent,
            pick,
            who,
            op,
        }
    })
}

fn covers_matter(c: Cover) -> bool {
    matches!(c, Cover::Matter | Cover::Both)
}

/// Steps the world allows to be tried now: bulletin steps only on existing bulletins, and bulletin
/// creation only under the caps.
fn tryable_ops(w: &World) -> Vec<Op> {
    let over_matter = w
        .bulletins
        .iter()
        .filter(|b| b.matter_ids.contains(&MATTER))
        .count();
    all_ops(w.bulletins.len())
        .into_iter()
        .filter(|op| match op {
            Op::CreateBulletin(c) => {
                w.bulletins.len() < MAX_BULLETINS && (!covers_matter(*c) || over_matter < 2)
            }
            _ => true,
        })
        .collect()
}

/// How much a guided pick prefers a step: going back and marking time are rarer than going on.
fn weight(op: &Op) -> u32 {
    match op {
        Op::Matter(MatterCommand::Return { .. })
        | Op::Task(_, TaskCommand::ReturnReport { .. })
        | Op::Bulletin(_, BulletinCommand::Return { .. }) => 1,
        Op::Task(
            _,
            TaskCommand::Report {
                is_final: false, ..
            },
        ) => 1,
        Op::CreateBulletin(Cover::Other) => 1,
        Op::CreateBulletin(_) => 3,
        _ => 8,
    }
}

/// What one run reached, for the coverage counts.
#[derive(Debug, Default, Clone, Copy)]
struct Reached {
    task_closed: bool,
    matter_closed: bool,
    archived: bool,
}

/// Plays `seeds` against a fresh world, checking after every step.
fn play(seeds: &[Seed], actions: &mut BTreeMap<&'static str, usize>) -> Reached {
    let mut w = World::new();
    let mut reached = Reached::default();
    for s in seeds {
        let ops = tryable_ops(&w);
        let now = w.now + STEP_MS;
        let mut chosen = None;
        if s.guided {
            let mut candidates: Vec<(u32, Who, &Op)> = vec![];
            for who in Who::ALL {
                for op in &ops {
                    let r = w.try_op(who, op, now);
                    if who.is_outsider() {
                        // Checked on every step for every step: outsiders are always refused.
                        assert!(
                            matches!(
                                r,
                                Err(DomainError::Forbidden(_) | DomainError::InvalidState(_))
                            ),
                            "{who:?} {op:?}: {r:?}"
                        );
                    }
                    if r.is_ok() {
                        candidates.push((weight(op), who, op));
                    }
                }
            }
            let total: u32 = candidates.iter().map(|c| c.0).sum();
            if total > 0 {
                let mut at = s.pick % total;
                for (wt, who, op) in &candidates {
                    if at < *wt {
                        chosen = Some((*who, (*op).clone()));
                        break;
                    }
                    at -= wt;
                }
            }
        }
        let (who, op) = chosen.unwrap_or_else(|| (Who::ALL[s.who], ops[s.op % ops.len()].clone()));
        let before = w.clone();
        match w.step(who, &op) {
            Ok(change) => {
                *actions.entry(change.action).or_default() += 1;
            }
            Err(e) => {
                assert!(
                    !matches!(e, DomainError::NotFound(_) | DomainError::Conflict(_)),
                    "the domain does not look things up or check versions: {e:?}"
                );
                // A refused step changes nothing but the clock.
                assert_eq!(w.matter, before.matter);
                assert_eq!(w.tasks, before.tasks);
                assert_eq!(w.bulletins, before.bulletins);
                assert_eq!(w.log.len(), before.log.len());
            }
        }
        w.check_invariants();
        reached.task_closed |= w.tasks.iter().any(|t| t.state == TaskState::Closed);
        reached.matter_closed |=
            matches!(w.matter.state, MatterState::Closed | MatterState::Archived);
        reached.archived |= w.matter.state == MatterState::Archived;
    }
    reached
}

/// Runs the property over `cases` random sequences; returns how many reached closure and archive.
fn run_property(
    guided_percent: u8,
    cases: u32,
) -> (usize, usize, usize, BTreeMap<&'static str, usize>) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let counts = std::cell::RefCell::new((0usize, 0usize, 0usize, BTreeMap::new()));
    let strategy = proptest::collection::vec(seed(guided_percent), 0..=MAX_STEPS);
    let result = runner.run(&strategy, |seeds| {
        let mut actions = BTreeMap::new();
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| play(&seeds, &mut actions)))
                .map_err(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                TestCaseError::fail(msg)
            })?;
        let mut c = counts.borrow_mut();
        c.0 += usize::from(r.task_closed);
        c.1 += usize::from(r.matter_closed);
        c.2 += usize::from(r.archived);
        for (k, v) in actions {
            *c.3.entry(k).or_default() += v;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    counts.into_inner()
}

#[test]
fn no_sequence_closes_or_archives_without_every_step_and_review() {
    let cases = 256;
    let (task_closed, matter_closed, archived, actions) = run_property(85, cases);
    println!(
        "guided: {cases} runs; a task closed in {task_closed}, the matter closed in {matter_closed}, archived in {archived}"
    );
    println!("accepted steps: {actions:?}");
    // Sequences are random but long enough: the property must actually see closures and archives.
    let share = |n: usize| n * 100 / cases as usize;
    assert!(
        // Closing needs a bulletin compiled after completion, which random runs reach less often.
        share(task_closed) >= 15,
        "only {task_closed}/{cases} runs closed a task"
    );
    assert!(
        share(archived) >= 3,
        "only {archived}/{cases} runs reached the archive"
    );
    for code in [
        "matter.return",
        "task.return_report",
        "bulletin.return",
        "task.report",
    ] {
        assert!(
            actions.get(code).copied().unwrap_or(0) > 0,
            "{code} never happened"
        );
    }
}

#[test]
fn raw_random_steps_never_break_the_rules() {
    // No guidance: any person tries any step. Mostly refusals; the checks are the same.
    let (_, _, _, actions) = run_property(0, 256);
    println!("raw: accepted steps: {actions:?}");
    assert!(actions.get("matter.submit").copied().unwrap_or(0) > 0);
}

#[test]
fn the_scripted_happy_path_reaches_the_archive() {
    let mut w = World::new();
    let path = [
        (Who::Office, submit()),
        (Who::Principal, approve()),
        (Who::Office, issue_notice()),
        (Who::Area, sign(0)),
        (Who::StaffA, sign(0)),
        (Who::HeadB, sign(0)),
        (Who::HeadB, sign(1)),
        (Who::StaffA, sign(1)),
        (Who::Supervision, sign(1)),
        (Who::Area, sign(1)),
        (Who::StaffA, report(0)),
        (Who::StaffA, report_final(0)),
        (Who::HeadB, report_final(1)),
        (Who::Area, confirm(0)),
        (Who::Area, confirm(1)),
        (Who::Office, create(Cover::Matter)),
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
        (Who::Office, publish(0)),
        (Who::Office, close(0)),
        (Who::Office, close(1)),
        (Who::Office, archive()),
    ];
    let mut closed = 0;
    for (who, op) in path {
        w.run(&[(who, op)]);
        w.check_invariants();
        closed = w
            .tasks
            .iter()
            .filter(|t| t.state == TaskState::Closed)
            .count();
    }
    assert_eq!(closed, 2);
    assert_eq!(w.matter.state, MatterState::Archived);
    assert_eq!(w.matter.notice_no.as_deref(), Some("张督办〔2026〕1号"));
    assert_eq!(w.matter.archive_no.as_deref(), Some("2026-归-1"));
    assert_eq!(w.bulletins[0].issue_no, Some(1));
    assert!(
        w.inbox
            .iter()
            .all(|i| i.object != ObjectRef::Matter(MATTER)),
        "{:?}",
        w.inbox
    );
    assert!(w.inbox.is_empty(), "nothing is left to do: {:?}", w.inbox);
    // The timeline has every moment the office is asked about, in order.
    for t in &w.tasks {
        let moments = [
            Some(t.registered_at),
            t.received_at,
            t.reported_at,
            t.finished_at,
            t.closed_at,
        ];
        assert!(moments.iter().all(Option::is_some), "{t:?}");
        assert!(moments.windows(2).all(|p| p[0] <= p[1]), "{t:?}");
    }
}

#[test]
fn outsiders_are_refused_every_step_in_every_state_of_the_happy_path() {
    let mut w = World::new();
    let path = [
        (Who::Office, submit()),
        (Who::Principal, approve()),
        (Who::Office, issue_notice()),
    ];
    let check = |w: &World| {
        for who in [Who::OtherArea, Who::StaffX, Who::Admin] {
            for op in all_ops(w.bulletins.len()) {
                assert!(w.try_op(who, &op, w.now + 1).is_err(), "{who:?} {op:?}");
            }
        }
    };
    check(&w);
    for (who, op) in path {
        w.run(&[(who, op)]);
        check(&w);
    }
    for t in 0..2 {
        w.sign_all(t);
        check(&w);
        w.run(&[(w.lead_of(t), report_final(t))]);
        check(&w);
        w.run(&[(Who::Area, confirm(t))]);
        check(&w);
    }
    for (who, op) in [
        (Who::Office, create(Cover::Both)),
        (Who::Office, submit_review(0)),
        (Who::Supervision, review(0)),
        (Who::Principal, instruct(0)),
        (Who::Office, publish(0)),
        (Who::Office, close(0)),
        (Who::Office, close(1)),
    ] {
        w.run(&[(who, op)]);
        check(&w);
    }
    assert_eq!(w.matter.state, MatterState::Closed);
}
