//! What a result costs, and whole sessions of the engine side by side with
//! a hand-coded floor (`benches/floor`), in one run: time per operation and
//! heap allocations per operation, counted by a counting global allocator.
//!
//! `cargo bench -p vidare-benches --bench result` prints the table kept in
//! `docs/benchmarks.md`. For callgrind, `--profile <workload> <n>` runs
//! one workload `n` times and nothing else:
//!
//! ```sh
//! valgrind --tool=callgrind --toggle-collect='*workload_*' \
//!     target/release/deps/result-<hash> --profile result 1000
//! ```

// The floor's accessors are used by
// `crates/vidare/tests/integration/floor.rs`, not all of them here.
// A bench prints its table.
#![allow(missing_docs, dead_code, clippy::print_stdout)]

#[path = "floor/mod.rs"]
mod floor;

use std::alloc::System;
use std::hint::black_box;
use std::time::Instant;

use floor::Boston;
use floor::script::{Event, generate};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use vidare::testing::sample_answer;
use vidare::{Questionnaire, Session, SessionResult, Step, questionnaire::ItemRef};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const BOSTON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../questionnaires/boston-life-areas/1.0.0.yaml"
);

/// Generated sessions in the side-by-side comparison.
const SCRIPTS: u64 = 256;

/// The finished sample-answer session (yes, the first option, the lowest
/// number), as `full-session/boston-life-areas` in `benches/engine.rs`.
fn answer_all(session: &mut Session, items: &[ItemRef<'_>]) {
    while let Step::Ask(item) = session.next() {
        let item = items[item.index()];
        let answer = sample_answer(&item).expect("a question");
        session
            .answer(item.id(), answer)
            .expect("the answer fits the item");
    }
}

/// Applies a script to a new session.
fn engine_session(q: &Questionnaire, script: &[Event]) -> Session {
    let mut session = Session::new(q);
    for event in script {
        let response = event.response.clone();
        let _ = if event.change {
            session.change(&event.item, response)
        } else {
            session.respond(&event.item, response)
        };
    }
    session
}

/// Applies a script to the floor.
fn floor_session(script: &[Event]) -> Boston {
    let mut b = Boston::default();
    for event in script {
        let _ = if event.change {
            b.change(&event.item, &event.response)
        } else {
            b.respond(&event.item, &event.response)
        };
    }
    b
}

/// What an embedder that needs scores, bands and triggers reads of a
/// result: every score's value and band and the fired triggers.
fn read(result: &SessionResult) -> usize {
    let scores: f64 = result.scores().filter_map(|s| s.value).sum();
    let bands = result.scores().filter(|s| s.band.is_some()).count();
    result.fired().count() + bands + scores.to_bits() as usize
}

/// The full record: every answer, derived value, score and trigger.
fn record(result: SessionResult) -> usize {
    let outcome = result.into_outcome();
    outcome.answers.len() + outcome.derived.len() + outcome.triggers.len()
}

#[inline(never)]
fn workload_result(session: &Session) -> usize {
    read(&black_box(session).result())
}

#[inline(never)]
fn workload_outcome(session: &Session) -> usize {
    record(black_box(session).result())
}

#[inline(never)]
fn workload_json(session: &Session, buffer: &mut Vec<u8>) -> usize {
    buffer.clear();
    serde_json::to_writer(&mut *buffer, &black_box(session).result()).expect("serialises");
    buffer.len()
}

#[inline(never)]
fn workload_outcome_json(session: &Session, buffer: &mut Vec<u8>) -> usize {
    buffer.clear();
    let outcome = black_box(session).result().into_outcome();
    serde_json::to_writer(&mut *buffer, &outcome).expect("serialises");
    buffer.len()
}

#[inline(never)]
fn workload_full_session(q: &Questionnaire, items: &[ItemRef<'_>]) -> usize {
    let mut session = Session::new(black_box(q));
    answer_all(&mut session, items);
    read(&session.result())
}

#[inline(never)]
fn workload_full_session_outcome(q: &Questionnaire, items: &[ItemRef<'_>]) -> usize {
    let mut session = Session::new(black_box(q));
    answer_all(&mut session, items);
    record(session.result())
}

#[inline(never)]
fn workload_engine_sessions(q: &Questionnaire, scripts: &[Vec<Event>]) -> usize {
    scripts
        .iter()
        .map(|s| read(&engine_session(q, black_box(s)).result()))
        .sum()
}

#[inline(never)]
fn workload_engine_outcome(q: &Questionnaire, scripts: &[Vec<Event>]) -> usize {
    scripts
        .iter()
        .map(|s| record(engine_session(q, black_box(s)).result()))
        .sum()
}

#[inline(never)]
fn workload_engine_lean(q: &Questionnaire, scripts: &[Vec<Event>]) -> usize {
    scripts
        .iter()
        .map(|s| {
            let session = engine_session(q, black_box(s));
            let scores: f64 = session.scores().filter_map(|s| s.value).sum();
            let bands = session.scores().filter(|s| s.band.is_some()).count();
            session.fired().count() + bands + scores.to_bits() as usize
        })
        .sum()
}

#[inline(never)]
fn workload_floor_sessions(scripts: &[Vec<Event>]) -> usize {
    scripts
        .iter()
        .map(|s| {
            let b = floor_session(black_box(s));
            let scores: f64 = (0..5).filter_map(|a| b.readiness(a)).map(|(v, _)| v).sum();
            let bands = (0..5)
                .filter(|&a| b.readiness(a).is_some_and(|(_, band)| band.is_some()))
                .count();
            b.fired().count() + bands + scores.to_bits() as usize
        })
        .sum()
}

/// Median time per call of `f` over 21 rounds of `per_round` calls, and
/// heap allocations per call (from one further round).
fn measure(per_round: u32, mut f: impl FnMut() -> usize) -> (f64, f64) {
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                black_box(f());
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(per_round)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let region = Region::new(GLOBAL);
    for _ in 0..per_round {
        black_box(f());
    }
    let allocations = region.change().allocations as f64 / f64::from(per_round);
    (times[10], allocations)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let q = vidare::load(BOSTON).expect("the shipped questionnaire");
    let items: Vec<ItemRef<'_>> = q.items().collect();
    let mut finished = Session::new(&q);
    answer_all(&mut finished, &items);
    let scripts: Vec<Vec<Event>> = (0..SCRIPTS).map(|s| generate(&q, s, false)).collect();
    let events: usize = scripts.iter().map(Vec::len).sum();

    // The JSON is written into one buffer, kept between calls, so that
    // only the result and its serialisation are counted.
    let mut buffer = Vec::with_capacity(64 * 1024);
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let n: u32 = args[at + 2].parse().expect("a count");
        for _ in 0..n {
            black_box(match args[at + 1].as_str() {
                "result" => workload_result(&finished),
                "outcome" => workload_outcome(&finished),
                "json" => workload_json(&finished, &mut buffer),
                "outcome-json" => workload_outcome_json(&finished, &mut buffer),
                "full-session" => workload_full_session(&q, &items),
                "full-session-outcome" => workload_full_session_outcome(&q, &items),
                "engine" => workload_engine_sessions(&q, &scripts),
                "engine-outcome" => workload_engine_outcome(&q, &scripts),
                "engine-lean" => workload_engine_lean(&q, &scripts),
                "floor" => workload_floor_sessions(&scripts),
                other => panic!("no workload {other}"),
            });
        }
        return;
    }
    // `cargo bench -- --test` (or any filter) only checks that it runs.
    let quick = args.iter().any(|a| a == "--test");
    let rounds = |n: u32| if quick { 1 } else { n };
    let n = SCRIPTS as f64;

    let rows = [
        (
            "result() on a finished session, scores, bands, fired read",
            measure(rounds(2000), || workload_result(&finished)),
            1.0,
        ),
        (
            "result().into_outcome(): the full record",
            measure(rounds(2000), || workload_outcome(&finished)),
            1.0,
        ),
        (
            "full-session (new, 50 sample answers, result() read)",
            measure(rounds(500), || workload_full_session(&q, &items)),
            1.0,
        ),
        (
            "full-session with the full record",
            measure(rounds(500), || workload_full_session_outcome(&q, &items)),
            1.0,
        ),
        (
            "engine: generated session + result(), scores, bands, fired",
            measure(rounds(4), || workload_engine_sessions(&q, &scripts)),
            n,
        ),
        (
            "engine: generated session + the full record",
            measure(rounds(4), || workload_engine_outcome(&q, &scripts)),
            n,
        ),
        (
            "engine: generated session + scores, bands, fired (no result)",
            measure(rounds(4), || workload_engine_lean(&q, &scripts)),
            n,
        ),
        (
            "floor: generated session + scores, bands, fired",
            measure(rounds(4), || workload_floor_sessions(&scripts)),
            n,
        ),
        (
            "result() written as JSON",
            measure(rounds(2000), || workload_json(&finished, &mut buffer)),
            1.0,
        ),
        (
            "the full record written as JSON (the same bytes)",
            measure(rounds(2000), || {
                workload_outcome_json(&finished, &mut buffer)
            }),
            1.0,
        ),
    ];
    println!("boston-life-areas 1.0.0; {SCRIPTS} generated sessions, {events} events");
    println!("| workload | ns per op | allocations per op |");
    println!("|---|---:|---:|");
    for (name, (ns, allocs), per) in &rows {
        println!("| {name} | {:.0} | {:.1} |", ns / per, allocs / per);
    }
    let floor_ns = rows[7].1.0;
    println!(
        "engine/floor: {:.2}× with result(), {:.2}× with the full record",
        rows[4].1.0 / floor_ns,
        rows[5].1.0 / floor_ns
    );
}
