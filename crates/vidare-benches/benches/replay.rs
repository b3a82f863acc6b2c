//! Replay throughput: 100,000 recorded sessions of the shipped violence
//! questionnaire, each rebuilt from its event log and given its result.
//! Target: at least 100,000 sessions per second on one core.
//!
//! `cargo bench -p vidare-benches --bench replay`

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vidare::{Event, Questionnaire, Session, Step, Value, format::ItemKind};

const SESSIONS: usize = 100_000;

fn questionnaire() -> Questionnaire {
    vidare::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../questionnaires/violence-seven/1.0.0.yaml"
    ))
    .unwrap()
}

/// A deterministic spread of sessions: each bit of `n` decides one answer,
/// so the logs cover every path, early ends included.
fn logs(q: &Questionnaire) -> Vec<Vec<Event>> {
    (0..SESSIONS)
        .map(|n| {
            let mut s = Session::new(q);
            let mut bits = n.wrapping_mul(2_654_435_761) >> 3;
            while let Step::Ask(item) = s.next() {
                let id = item.id().to_owned();
                let value = if item.kind() == ItemKind::YesNo {
                    Value::Bool(if id == "alone" {
                        bits % 16 != 0
                    } else {
                        bits % 3 == 0
                    })
                } else {
                    let options: Vec<&str> = item.options().map(|o| o.value).collect();
                    Value::Text(options[bits % options.len()].into())
                };
                bits = bits / 3 + n;
                s.answer(&id, value).unwrap();
            }
            s.events().to_vec()
        })
        .collect()
}

fn replay(c: &mut Criterion) {
    let q = questionnaire();
    let logs = logs(&q);
    let mut group = c.benchmark_group("replay");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(SESSIONS as u64));
    group.bench_function("violence-seven/100k-sessions", |b| {
        b.iter(|| {
            for events in &logs {
                let session = Session::resume(&q, events.iter().cloned()).unwrap();
                black_box(session.result());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
