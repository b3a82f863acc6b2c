//! Criterion benchmarks of the engine: compiling questionnaires, one answer
//! step, a whole session, and resuming a session from its log.
//!
//! Run with `cargo bench -p vidare --bench engine`; the figures and their
//! targets are kept in `docs/benchmarks.md`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use vidare::{Compiler, Event, ItemKind, ItemRef, Questionnaire, Session, Step};

const VIOLENCE_SEVEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../questionnaires/violence-seven/1.0.0.yaml"
);

/// Sizes of the generated questionnaires.
const SIZES: [usize; 3] = [10, 100, 1000];

/// The kind of the item at `index` in a generated questionnaire.
fn generated_kind(index: usize) -> &'static str {
    match index % 4 {
        0 => "yes_no",
        1 => "single_choice",
        2 => "scale",
        _ => "number",
    }
}

/// The source text of a valid questionnaire with `n` items (`n` ≥ 10, a
/// multiple of 10): sections of 10 items; kinds cycling yes/no, single
/// choice (three options with score weights), scale 1..5 and number; every
/// third item shown only when the nearest earlier yes/no item is "yes";
/// three derived values, a sum score with two bands that tile its range,
/// and two triggers.
fn generated(n: usize) -> String {
    assert!(
        n >= 10 && n % 10 == 0,
        "generated questionnaires have whole sections of 10 items"
    );
    let mut y = String::with_capacity(n * 260 + 2048);
    y.push_str(
        "format: 1\n\
         id: generated\n\
         version: 1.0.0\n\
         title:\n  sv: Genererat formulär\n  en: Generated questionnaire\n\
         languages: [sv, en]\n\
         default_language: sv\n\
         sections:\n",
    );
    for section in 0..n / 10 {
        let _ = write!(
            y,
            "  - id: s{section}\n    title:\n      sv: Avsnitt {section}\n      en: Section {section}\n    items:\n"
        );
        for i in section * 10..section * 10 + 10 {
            let kind = generated_kind(i);
            let _ = write!(
                y,
                "      - id: q{i}\n        kind: {kind}\n        text:\n          sv: Fråga {i}?\n          en: Question {i}?\n"
            );
            if i % 3 == 2 {
                // The nearest yes/no item before this one.
                let gate = (i - 1) / 4 * 4;
                let _ = writeln!(y, "        when: q{gate} == true");
            }
            match kind {
                "single_choice" => y.push_str(
                    "        options:\n\
                     \x20         - value: low\n\
                     \x20           label: { sv: Låg, en: Low }\n\
                     \x20           score: 0\n\
                     \x20         - value: medium\n\
                     \x20           label: { sv: Mellan, en: Medium }\n\
                     \x20           score: 1\n\
                     \x20         - value: high\n\
                     \x20           label: { sv: Hög, en: High }\n\
                     \x20           score: 2\n",
                ),
                "scale" => y.push_str("        min: 1\n        max: 5\n"),
                "number" => y.push_str("        min: 0\n        max: 120\n        integer: true\n"),
                _ => {}
            }
        }
    }
    // q0 yes/no (0..1) + q1 single choice (0..2) + q2 scale (1..5): 1..8.
    y.push_str(
        "derived:\n\
         \x20 - id: any_yes\n\
         \x20   value: q0 == true || q4 == true || q8 == true\n\
         \x20 - id: scale_plus_number\n\
         \x20   value: q2 + q3\n\
         \x20 - id: level\n\
         \x20   cases:\n\
         \x20     - value: high\n\
         \x20       when: q1 == \"high\" || q5 == \"high\"\n\
         \x20     - value: not_high\n\
         \x20       when: q1 != \"high\" && q5 != \"high\"\n\
         scores:\n\
         \x20 - id: total\n\
         \x20   method: sum\n\
         \x20   over: [q0, q1, q2]\n\
         \x20   bands:\n\
         \x20     - id: low\n\
         \x20       min: 1\n\
         \x20       max: 4\n\
         \x20       label: { sv: Låg, en: Low }\n\
         \x20     - id: high\n\
         \x20       min: 5\n\
         \x20       max: 8\n\
         \x20       label: { sv: Hög, en: High }\n\
         triggers:\n\
         \x20 - id: total_high\n\
         \x20   when: total >= 5\n\
         \x20   urgency: soon\n\
         \x20   refer_to: follow-up\n\
         \x20   text:\n\
         \x20     sv: Högt totalvärde. Boka uppföljning.\n\
         \x20     en: High total. Book a follow-up.\n\
         \x20 - id: high_level\n\
         \x20   when: any_yes == true && level == \"high\"\n\
         \x20   urgency: routine\n\
         \x20   refer_to: support\n\
         \x20   text:\n\
         \x20     sv: Erbjud stödsamtal.\n\
         \x20     en: Offer a support conversation.\n",
    );
    y
}

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

/// Answers every item `next()` asks: yes to yes/no items, the first option
/// of choice items, the lowest value of scales and numbers.
fn answer_all(session: &mut Session, items: &[ItemRef<'_>]) {
    while let Step::Ask(item) = session.next() {
        // The item as seen through `items`, so the session can be borrowed
        // mutably to answer it.
        let item = items[item.index()];
        let answered = match item.kind() {
            ItemKind::YesNo => session.answer(item.id(), true),
            ItemKind::SingleChoice => {
                let first = item.options().next().expect("a choice item has options");
                session.answer(item.id(), first.value)
            }
            ItemKind::Scale | ItemKind::Number => {
                session.answer(item.id(), item.range().0.unwrap_or(0.0))
            }
            kind => panic!("the benchmark does not answer {kind:?} items"),
        };
        answered.expect("the answer fits the item");
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
        let answered = match item.kind() {
            ItemKind::YesNo => session.answer(item.id(), true),
            ItemKind::SingleChoice => session.answer(item.id(), "low"),
            _ => session.answer(item.id(), item.range().0.unwrap_or(0.0)),
        };
        answered.expect("the answer fits the item");
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
    let source = std::fs::read_to_string(VIOLENCE_SEVEN).expect("the shipped questionnaire");
    compile_clean(&source, "violence-seven.yaml");

    let mut group = c.benchmark_group("compile");
    group.bench_function("violence-seven", |b| {
        b.iter(|| {
            Compiler::new()
                .compile(black_box(&source), "violence-seven.yaml")
                .expect("compiles")
        });
    });
    for n in SIZES {
        let source = generated(n);
        compile_clean(&source, "generated.yaml");
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

    let big = compile_clean(&generated(1000), "generated.yaml");
    let items: Vec<ItemRef<'_>> = big.items().collect();
    // q500 is a yes/no item in the middle, itself conditional on q496,
    // and the gate of q503.
    let middle = generated_at(&big, &items, 500);
    assert_eq!(current(&positioned(&middle)), Some("q500"));
    group.bench_function("generated-1000", |b| {
        b.iter_batched(
            || positioned(&middle),
            |mut session| {
                session
                    .answer(black_box("q500"), black_box(true))
                    .expect("answers");
                session
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn benches_full_session(c: &mut Criterion) {
    let q = vidare::load(VIOLENCE_SEVEN).expect("the shipped questionnaire");
    let items: Vec<ItemRef<'_>> = q.items().collect();

    let mut group = c.benchmark_group("full-session");
    group.bench_function("violence-seven", |b| {
        b.iter(|| {
            let mut session = Session::new(black_box(&q));
            answer_all(&mut session, &items);
            session.result()
        });
    });
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
