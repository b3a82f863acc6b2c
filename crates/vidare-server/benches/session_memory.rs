//! Memory of a live `vidare::Session` (issue 7: "live session memory under
//! 4 KiB plus its answers"), measured from the process's resident set.
//!
//! ```sh
//! cargo bench -p vidare-server --bench session_memory
//! cargo bench -p vidare-server --bench session_memory -- --sessions 200000
//! ```
//!
//! Allocates `--sessions` sessions of `violence-seven` (100,000 by
//! default) and keeps them all alive, in three sets, reading `VmRSS` from
//! `/proc/self/status` before and after each set:
//!
//! - new sessions (`Session::new`, no answer);
//! - finished sessions, built by answering every item `next()` asks (yes
//!   to yes/no, the first option of a choice: every conditional item is
//!   shown, 15 answers);
//! - the same finished sessions rebuilt with `Session::resume` from their
//!   log, which is what the server does for every request.
//!
//! The growth of the resident set divided by the count is what one session
//! costs, including the allocator's overhead and the `Session` value
//! itself. The questionnaire is shared (an `Arc`) and is not counted.

#![allow(clippy::print_stdout)]

use std::path::Path;

use vidare::{Questionnaire, Session, Step};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Answers every item the session asks until it is finished.
fn finish(q: &Questionnaire) -> Session {
    let mut session = Session::new(q);
    loop {
        let (id, value): (String, vidare::Value) = match session.next() {
            Step::Ask(item) => {
                let value = vidare::testing::sample_answer(&item).expect("a question");
                (item.id().to_owned(), value)
            }
            _ => return session,
        };
        session.answer(&id, value).expect("the answer fits");
    }
}

/// Builds `n` sessions with `make`, keeps them, and prints what each costs.
fn measure(label: &str, n: usize, make: impl Fn() -> Session) -> Vec<Session> {
    let before = rss_kib();
    let mut kept = Vec::with_capacity(n);
    for _ in 0..n {
        kept.push(make());
    }
    let after = rss_kib();
    let bytes = (after.saturating_sub(before)) as f64 * 1024.0 / n as f64;
    println!(
        "{label:<44} {bytes:>7.0} bytes per session ({} KiB for {n}; {} events each)",
        after.saturating_sub(before),
        kept.first().map_or(0, |s| s.events().len()),
    );
    kept
}

fn main() {
    let mut n = 100_000usize;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--sessions") {
        n = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("--sessions needs a number");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires");
    let registry = vidare::Registry::load_dir(&root).expect("the shipped questionnaires load");
    let q = registry
        .resolve("violence-seven@1.0.0")
        .expect("violence-seven is shipped")
        .clone();
    let log = finish(&q).events().to_vec();
    println!(
        "violence-seven@1.0.0: {} items; a finished session has {} events; size_of::<Session>() = {} bytes",
        q.items().len(),
        log.len(),
        std::mem::size_of::<Session>()
    );
    println!("VmRSS at start: {} KiB; {n} sessions per set", rss_kib());
    let new = measure("new (no answer)", n, || Session::new(&q));
    let finished = measure("finished by answering (15 answers)", n, || finish(&q));
    let resumed = measure("finished, rebuilt with Session::resume", n, || {
        Session::resume(&q, log.iter().cloned()).expect("the log replays")
    });
    println!("VmRSS at end: {} KiB", rss_kib());
    // Keep every set alive until the end.
    assert_eq!(new.len() + finished.len() + resumed.len(), 3 * n);
}
