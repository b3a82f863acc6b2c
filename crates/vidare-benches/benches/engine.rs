//! Criterion benchmarks of the engine: compiling questionnaires, one answer
//! step, a whole session, and resuming a session from its log.
//!
//! Run with `cargo bench -p vidare-benches --bench engine`; the figures and their
//! targets are kept in `docs/benchmarks.md`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

mod common;

use common::generated;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use vidare::testing::sample_answer;
use vidare::{Compiler, Event, Questionnaire, Response, Session, Step, questionnaire::ItemRef};

const VIOLENCE_SEVEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../questionnaires/violence-seven/1.0.0.yaml"
);

/// Every shipped questionnaire: (name, path).
const SHIPPED: [(&str, &str); 3] = [
    ("violence-seven", VIOLENCE_SEVEN),
    (
        "boston-life-areas",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/boston-life-areas/1.0.0.yaml"
        ),
    ),
    (
        "gender-equality-compass",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/gender-equality-compass/1.0.0.yaml"
        ),
    ),
];

/// Sizes of the generated questionnaires.
const SIZES: [usize; 4] = [10, 100, 1000, 10_000];

/// Compiles `source`, panicking with the rendered diagnostics unless it
/// compiles without any diagnostic (errors or warnings).
fn compile_clean(source: &str, file: &str) -> Questionnaire {
    let (questionnaire, diagnostics) = Compiler::new().check(source, file);
    assert!(
        diagnostics.is_empty(),
        "{file} has diagnostics: {diagnostics:#?}"
    );
    questionnaire.expect("no diagnostics, so it compiled")
}

/// Answers every item `next()` asks with `testing::sample_answer`: yes to
/// yes/no items, the first option, the lowest value of scales and numbers.
fn answer_all(session: &mut Session, items: &[ItemRef<'_>]) {
    while let Step::Ask(item) = session.next() {
        // The item as seen through `items`, so the session can be borrowed
        // mutably to answer it.
        let item = items[item.index()];
        let answer = sample_answer(&item).expect("a question");
        session
            .answer(item.id(), answer)
            .expect("the answer fits the item");
    }
}

/// A session positioned at item `q{at}` of a generated questionnaire.
fn generated_at(q: &Questionnaire, items: &[ItemRef<'_>], at: usize) -> Session {
    let mut session = Session::new(q);
    while let Step::Ask(item) = session.next() {
        if item.index() == at {
            return session;
        }
        let item = items[item.index()];
        let answer = sample_answer(&item).expect("a question");
        session
            .answer(item.id(), answer)
            .expect("the answer fits the item");
    }
    panic!("q{at} is never asked");
}

/// The id of the item the session asks next.
fn current(session: &Session) -> Option<&str> {
    match session.next() {
        Step::Ask(item) => Some(item.id()),
        Step::Complete | Step::Ended(_) => None,
    }
}

/// A copy of `session` in the same state whose log has room for the next
/// event.
///
/// `Session::clone` gives the log exactly its length as capacity, so the
/// first event after a clone would reallocate and copy the whole log, which
/// a session built by answering (or by `Session::resume`) does only when
/// its log doubles. Going back and answering again twice makes the log
/// grow the ordinary way; the state (responses, visibility, scores,
/// cursor) is the same as before.
fn positioned(session: &Session) -> Session {
    let mut session = session.clone();
    for _ in 0..2 {
        let Some(Event::Respond { item, response }) = session.events().last().cloned() else {
            panic!("the session ends with a response");
        };
        session.back().expect("goes back");
        session.respond(&item, response).expect("answers again");
    }
    session
}

fn benches_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for (name, path) in SHIPPED {
        let source = std::fs::read_to_string(path).expect("the shipped questionnaire");
        // Boston's included parts are found relative to the questionnaires folder.
        let root = std::path::Path::new(path)
            .parent()
            .and_then(std::path::Path::parent)
            .expect("questionnaires/<id>/<version>.yaml")
            .to_path_buf();
        let compiler = Compiler::new().with_include_root(root);
        compiler
            .compile(&source, path)
            .expect("the shipped questionnaire compiles");
        group.bench_function(name, |b| {
            b.iter(|| {
                compiler
                    .compile(black_box(&source), path)
                    .expect("compiles")
            });
        });
    }
    for n in SIZES {
        let source = generated(n);
        compile_clean(&source, "generated.yaml");
        if n >= 10_000 {
            // About 0.2 s an iteration: fewer samples keep the run short.
            group.sample_size(10);
        }
        group.bench_function(format!("generated-{n}"), |b| {
            b.iter(|| {
                Compiler::new()
                    .compile(black_box(&source), "generated.yaml")
                    .expect("compiles")
            });
        });
    }
    group.finish();
}

fn benches_answer_step(c: &mut Criterion) {
    let q = vidare::load(VIOLENCE_SEVEN).expect("the shipped questionnaire");

    let mut framed = Session::new(&q);
    framed.answer("alone", true).expect("alone");
    framed.answer("interpreter", "none").expect("interpreter");
    let mut after_psychological = framed.clone();
    after_psychological
        .answer("psychological", true)
        .expect("psychological");

    assert_eq!(current(&positioned(&framed)), Some("psychological"));
    assert_eq!(
        current(&positioned(&after_psychological)),
        Some("psychological_when")
    );

    // Setting up the session (`positioned`) and dropping it afterwards are
    // outside the timing: only `answer` is measured.
    let mut group = c.benchmark_group("answer-step");
    // What the harness itself costs per step: the same setup, moving the
    // session in and out, and no answer.
    group.bench_function("no-op-baseline", |b| {
        b.iter_batched(
            || positioned(&framed),
            std::convert::identity,
            BatchSize::SmallInput,
        );
    });
    group.bench_function("violence-seven", |b| {
        b.iter_batched(
            || positioned(&framed),
            |mut session| {
                session
                    .answer(black_box("psychological"), black_box(true))
                    .expect("answers");
                session
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("violence-seven-single-choice", |b| {
        b.iter_batched(
            || positioned(&after_psychological),
            |mut session| {
                session
                    .answer(black_box("psychological_when"), black_box("ongoing"))
                    .expect("answers");
                session
            },
            BatchSize::SmallInput,
        );
    });

    // An item in the middle of each generated questionnaire: a yes/no item
    // (index ≡ 0 mod 4) that is itself conditional (≡ 2 mod 3), so also the
    // gate of the item three after it (when there is one). Its cost should
    // not grow with the size.
    for n in SIZES {
        let q = compile_clean(&generated(n), "generated.yaml");
        let items: Vec<ItemRef<'_>> = q.items().collect();
        let at = (n / 2).saturating_sub(8) / 12 * 12 + 8;
        let id = format!("q{at}");
        let middle = generated_at(&q, &items, at);
        assert_eq!(current(&positioned(&middle)), Some(id.as_str()));
        group.bench_function(format!("generated-{n}"), |b| {
            b.iter_batched(
                || positioned(&middle),
                |mut session| {
                    session
                        .answer(black_box(&id), black_box(true))
                        .expect("answers");
                    session
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();

    // Every step of a whole interview, on every shipped questionnaire: the
    // figure is per answer (criterion's "elements"), from a new session to
    // the last answer, without computing the result. The answers are made
    // beforehand (and cloned in the setup), so only the steps are timed.
    let mut group = c.benchmark_group("interview-steps");
    for (name, path) in SHIPPED {
        let q = vidare::load(path).expect("the shipped questionnaire");
        let items: Vec<ItemRef<'_>> = q.items().collect();
        let mut walked = Session::new(&q);
        answer_all(&mut walked, &items);
        let answers: Vec<(String, Response)> = walked
            .events()
            .iter()
            .map(|e| match e {
                Event::Respond { item, response } => (item.to_string(), response.clone()),
                other => panic!("only responses: {other:?}"),
            })
            .collect();
        group.throughput(Throughput::Elements(answers.len() as u64));
        group.bench_function(name, |b| {
            b.iter_batched(
                || (Session::new(&q), answers.clone()),
                |(mut session, answers)| {
                    for (item, response) in answers {
                        session.respond(&item, response).expect("answers");
                    }
                    session
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn benches_full_session(c: &mut Criterion) {
    let mut group = c.benchmark_group("full-session");
    for (name, path) in SHIPPED {
        let q = vidare::load(path).expect("the shipped questionnaire");
        let items: Vec<ItemRef<'_>> = q.items().collect();
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut session = Session::new(black_box(&q));
                answer_all(&mut session, &items);
                session.result()
            });
        });
    }
    for n in SIZES {
        let q = compile_clean(&generated(n), "generated.yaml");
        let items: Vec<ItemRef<'_>> = q.items().collect();
        {
            let mut session = Session::new(&q);
            answer_all(&mut session, &items);
            assert_eq!(
                session.events().len(),
                n,
                "answering yes opens every conditional item"
            );
        }
        group.bench_function(format!("generated-{n}"), |b| {
            b.iter(|| {
                let mut session = Session::new(black_box(&q));
                answer_all(&mut session, &items);
                session.result()
            });
        });
    }
    group.finish();
}

fn benches_resume(c: &mut Criterion) {
    let q = vidare::load(VIOLENCE_SEVEN).expect("the shipped questionnaire");
    let items: Vec<ItemRef<'_>> = q.items().collect();
    let mut finished = Session::new(&q);
    answer_all(&mut finished, &items);
    assert!(finished.is_finished());
    let events = finished.events().to_vec();

    let mut group = c.benchmark_group("resume");
    // The clone of the log is setup, outside the timing.
    group.bench_function("violence-seven", |b| {
        b.iter_batched(
            || events.clone(),
            |events| Session::resume(black_box(&q), events).expect("resumes"),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = benches_compile, benches_answer_step, benches_full_session, benches_resume
}
criterion_main!(benches);
