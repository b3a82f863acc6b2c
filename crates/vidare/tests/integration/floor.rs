//! The hand-coded boston-life-areas floor of `benches/floor` gives what
//! the engine gives, after every event of generated sessions (changes of
//! earlier answers and refused events included): which events are
//! refused, the next question, what is shown and answered, the suggested
//! strategy, the factors to develop, the readiness scores with their bands
//! and the fired triggers in the result's order. So the engine/floor ratio
//! in `benches/result.rs` compares the same work.

use crate::bench_floor::script::generate;
use crate::bench_floor::{AREAS, Boston, ITEMS, TRIGGERS};
use vidare::{Outcome, Questionnaire, Session, Step, Value};

const BOSTON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../questionnaires/boston-life-areas/1.0.0.yaml"
);

/// The five factors, in the order of `to_develop`'s bits.
const FACTORS: [&str; 5] = [
    "need_for_change",
    "commitment",
    "self_awareness",
    "environmental_awareness",
    "closeness",
];

fn derived<'o>(outcome: &'o Outcome, id: &str) -> Option<&'o Value> {
    let record = outcome.derived.iter().find(|d| d.id == id);
    record
        .expect("a derived value of the questionnaire")
        .value
        .as_ref()
}

/// Everything the floor computes, compared with the engine's session.
fn assert_same(session: &Session, b: &Boston, at: &str) {
    let next = match session.next() {
        Step::Ask(item) => Some(item.id().to_owned()),
        Step::Complete | Step::Ended(_) => None,
    };
    assert_eq!(
        next,
        b.next().map(|(a, i)| format!("{a}.{i}")),
        "next, {at}"
    );
    assert_eq!(session.is_finished(), b.is_finished(), "finished, {at}");
    let outcome = session.result().into_outcome();
    for (a, area) in AREAS.iter().enumerate() {
        for (i, item) in ITEMS.iter().enumerate() {
            let id = format!("{area}.{item}");
            assert_eq!(session.is_shown(&id), b.is_shown(a, i), "{id} shown, {at}");
            let kind = outcome
                .answers
                .iter()
                .find(|r| r.item == id)
                .map(|r| r.response.as_str());
            assert_eq!(kind, b.response_kind(a, i), "{id} response, {at}");
        }
        let strategy = match derived(&outcome, &format!("{area}.strategy")) {
            Some(Value::Text(s)) => Some(s.as_str()),
            None => None,
            Some(_) => panic!("a category"),
        };
        assert_eq!(strategy, b.strategy(a), "{area}.strategy, {at}");
        let develop = derived(&outcome, &format!("{area}.to_develop")).map(|v| match v {
            Value::List(factors) => factors
                .iter()
                .map(|f| 1u8 << FACTORS.iter().position(|x| x == f).expect("a factor"))
                .sum::<u8>(),
            _ => panic!("a list"),
        });
        assert_eq!(develop, b.to_develop(a), "{area}.to_develop, {at}");
        let score = session
            .score(&format!("{area}.readiness"))
            .expect("a score");
        let from_floor = b.readiness(a);
        assert_eq!(
            score.value,
            from_floor.map(|(v, _)| v),
            "{area}.readiness, {at}"
        );
        assert_eq!(
            score.band,
            from_floor.and_then(|(_, band)| band),
            "{area} band, {at}"
        );
    }
    let fired: Vec<&str> = outcome.triggers.iter().map(|t| t.id.as_str()).collect();
    let from_floor: Vec<String> = b
        .fired()
        .map(|(a, t)| format!("{}.{}", AREAS[a], TRIGGERS[t].0))
        .collect();
    assert_eq!(fired, from_floor, "triggers, {at}");
    for (t, (a, k)) in outcome.triggers.iter().zip(b.fired()) {
        assert_eq!(
            t.urgency, TRIGGERS[k].1,
            "urgency of {}.{}",
            AREAS[a], TRIGGERS[k].0
        );
    }
}

fn questionnaire() -> Questionnaire {
    vidare::load(BOSTON).expect("the shipped questionnaire")
}

#[test]
fn the_floor_gives_what_the_engine_gives_after_every_event() {
    let q = questionnaire();
    let (mut refused, mut changes, mut finished) = (0, 0, 0);
    for seed in 0..400 {
        let script = generate(&q, seed, true);
        let mut session = Session::new(&q);
        let mut b = Boston::default();
        assert_same(&session, &b, "at the start");
        for (n, event) in script.iter().enumerate() {
            let (engine, by_floor) = if event.change {
                changes += 1;
                let e = session.change(&event.item, event.response.clone());
                (e, b.change(&event.item, &event.response))
            } else {
                let e = session.respond(&event.item, event.response.clone());
                (e, b.respond(&event.item, &event.response))
            };
            let at = format!("seed {seed}, event {n} ({})", event.item);
            assert_eq!(engine.is_ok(), by_floor.is_ok(), "accepted, {at}");
            refused += usize::from(engine.is_err());
            assert_same(&session, &b, &at);
        }
        finished += usize::from(session.is_finished());
    }
    // The generated sessions do reach what the comparison is about.
    assert!(refused > 100, "{refused} refused events");
    assert!(changes > 500, "{changes} changes");
    assert!(finished > 300, "{finished} finished sessions");
}

#[test]
fn generated_sessions_reach_every_strategy_band_and_trigger() {
    let q = questionnaire();
    let mut strategies = std::collections::BTreeSet::new();
    let mut bands = std::collections::BTreeSet::new();
    let mut triggers = std::collections::BTreeSet::new();
    for seed in 0..400 {
        let mut b = Boston::default();
        for event in generate(&q, seed, false) {
            let _ = if event.change {
                b.change(&event.item, &event.response)
            } else {
                b.respond(&event.item, &event.response)
            };
        }
        for a in 0..5 {
            strategies.insert(b.strategy(a));
            bands.insert(b.readiness(a).and_then(|(_, band)| band));
        }
        triggers.extend(b.fired().map(|(_, t)| t));
    }
    assert_eq!(strategies.len(), 4, "{strategies:?}");
    assert_eq!(bands.len(), 4, "{bands:?}");
    assert_eq!(triggers.len(), 3, "{triggers:?}");
}

#[test]
fn the_floor_refuses_what_the_engine_refuses() {
    let q = questionnaire();
    let mut session = Session::new(&q);
    let mut b = Boston::default();
    for (id, value) in [
        ("intro", Value::Bool(true)),
        ("living.nothing", Value::Bool(true)),
        ("living.satisfaction", Value::Number(3.0)),
        ("living.situation", Value::Text("sometimes".into())),
        ("living.situation", Value::Number(1.0)),
    ] {
        let response = vidare::Response::Answer(value);
        assert!(session.respond(id, response.clone()).is_err(), "{id}");
        assert!(b.respond(id, &response).is_err(), "{id}");
    }
}
