//! Ledger benchmark: fills the ledger with DUBAN_BENCH_TASKS tasks (default 1 000 000) and times
//! what the office does all day — filter, sort, page, count — next to a baseline in the same run:
//! OFFSET paging to the same depth and a full-table load. Prints medians in milliseconds.
//!
//!   cargo bench -p duban-store --bench ledger                    (SQLite)
//!   DUBAN_TEST_POSTGRES=postgres://postgres@127.0.0.1/test cargo bench -p duban-store --bench ledger

use std::time::{Duration, Instant};

use duban_domain::{Actor, MatterKind, Role, TaskState, UnitId, UnitKind, Urgency};
use duban_store::ledger::{LedgerFilter, LedgerSort};
use duban_store::org::UserInput;
use duban_store::testing::{backend, bulk_seed, fetch_rows, fresh_store};
use duban_store::{Meta, Store};

const RUNS: usize = 15;

async fn median<F, Fut>(mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm-up
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> String {
    format!("{:>9.2} ms", d.as_secs_f64() * 1000.0)
}

async fn actor(store: &Store, username: &str, unit: UnitId, roles: &[Role]) -> Actor {
    let input = UserInput {
        username: username.into(),
        name: username.into(),
        title: String::new(),
        unit_id: unit,
        roles: roles.to_vec(),
        portfolio: vec![],
    };
    let id = store
        .create_user(None, &input, "x", &Meta::system())
        .await
        .expect("user");
    store.actor(id).await.expect("actor").expect("active")
}

async fn page_through(
    store: &Store,
    who: &Actor,
    f: &LedgerFilter,
    sort: LedgerSort,
    pages: usize,
) -> usize {
    let mut cursor: Option<String> = None;
    let mut n = 0;
    for _ in 0..pages {
        let p = store
            .ledger(who, f, sort, cursor.as_deref(), 50)
            .await
            .expect("page");
        n += p.rows.len();
        match p.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    n
}

#[tokio::main]
async fn main() {
    let tasks: i64 = std::env::var("DUBAN_BENCH_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let store = fresh_store("bench").await;
    let m = Meta::system();
    let root = store
        .create_unit(None, None, "基准街道", UnitKind::SubDistrict, 0, &m)
        .await
        .expect("root");
    // A city: 300 units and 60 leaders sharing the ledger.
    let mut units = Vec::new();
    for i in 0..300 {
        units.push(
            store
                .create_unit(
                    None,
                    Some(root),
                    &format!("部门{i}"),
                    UnitKind::Department,
                    i,
                    &m,
                )
                .await
                .expect("unit"),
        );
    }
    let office = actor(&store, "office", root, &[Role::SupervisionOffice]).await;
    let mut leaders = Vec::new();
    for i in 0..60 {
        leaders.push(actor(&store, &format!("leader{i}"), root, &[Role::AreaLeader]).await);
    }
    let leader = leaders[7].clone();
    let staff = actor(&store, "staff", units[3], &[Role::UnitStaff]).await;
    let t = Instant::now();
    let leader_ids: Vec<i64> = leaders.iter().map(|l| l.user_id.0).collect();
    bulk_seed(
        &store,
        tasks,
        &units.iter().map(|u| u.0).collect::<Vec<_>>(),
        &leader_ids,
        office.user_id.0,
    )
    .await;
    println!(
        "ledger benchmark on {:?}: {tasks} tasks of 300 units and 60 leaders, seeded in {:.1} s; median of {RUNS} runs\n",
        backend(),
        t.elapsed().as_secs_f64()
    );

    let all = LedgerFilter::default();
    let cases: Vec<(&str, &Actor, LedgerFilter, LedgerSort)> = vec![
        (
            "all, by ledger number",
            &office,
            all.clone(),
            LedgerSort::Ledger,
        ),
        (
            "all, by deadline",
            &office,
            all.clone(),
            LedgerSort::Deadline,
        ),
        (
            "all, recently changed",
            &office,
            all.clone(),
            LedgerSort::Recent,
        ),
        (
            "year 2026",
            &office,
            LedgerFilter {
                year: Some(2026),
                ..Default::default()
            },
            LedgerSort::Ledger,
        ),
        (
            "state 待确认",
            &office,
            LedgerFilter {
                state: Some(TaskState::AwaitingConfirmation),
                ..Default::default()
            },
            LedgerSort::Ledger,
        ),
        (
            "kind + urgency 急",
            &office,
            LedgerFilter {
                kind: Some(MatterKind::Local),
                urgency: Some(Urgency::Urgent),
                ..Default::default()
            },
            LedgerSort::Ledger,
        ),
        (
            "unit + state + overdue",
            &office,
            LedgerFilter {
                unit: Some(units[5]),
                state: Some(TaskState::InProgress),
                overdue: true,
                ..Default::default()
            },
            LedgerSort::Deadline,
        ),
        (
            "one unit",
            &office,
            LedgerFilter {
                unit: Some(units[5]),
                ..Default::default()
            },
            LedgerSort::Ledger,
        ),
        (
            "one leader",
            &office,
            LedgerFilter {
                leader: Some(leader.user_id),
                ..Default::default()
            },
            LedgerSort::Deadline,
        ),
        (
            "overdue",
            &office,
            LedgerFilter {
                overdue: true,
                ..Default::default()
            },
            LedgerSort::Deadline,
        ),
        (
            "keyword 燃气安全",
            &office,
            LedgerFilter {
                keyword: Some("燃气安全".into()),
                ..Default::default()
            },
            LedgerSort::Ledger,
        ),
        (
            "unit staff (scoped)",
            &staff,
            all.clone(),
            LedgerSort::Ledger,
        ),
    ];
    println!(
        "{:<26} {:>12} {:>12} {:>12}",
        "query", "first page", "20th page", "total"
    );
    for (name, who, f, sort) in &cases {
        let first = median(|| async {
            store.ledger(who, f, *sort, None, 50).await.expect("ledger");
        })
        .await;
        let deep = median(|| async {
            page_through(&store, who, f, *sort, 20).await;
        })
        .await
            / 20;
        let total = store
            .ledger(who, f, *sort, None, 50)
            .await
            .expect("ledger")
            .total;
        println!("{name:<26} {} {} {total:>12}", ms(first), ms(deep));
    }

    println!("\nbaseline (same data, same run):");
    let keyset = median(|| async {
        page_through(&store, &office, &all, LedgerSort::Deadline, 1).await;
    })
    .await;
    let offset_depth = (tasks / 2).min(500_000);
    let offset_sql = format!(
        "SELECT t.id FROM tasks t ORDER BY t.deadline, t.id LIMIT 50 OFFSET {offset_depth}"
    );
    let offset = median(|| async {
        fetch_rows(&store, &offset_sql).await;
    })
    .await;
    println!("  keyset page (any depth)      {}", ms(keyset));
    println!("  OFFSET page at row {offset_depth:<9} {}", ms(offset));
    let full = median(|| async {
        fetch_rows(&store, "SELECT id, content, deadline, state FROM tasks").await;
    })
    .await;
    println!("  loading the whole table      {}", ms(full));
}
