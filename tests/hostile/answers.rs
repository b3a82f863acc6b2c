//! Hostile input: answers.

use std::time::Instant;

use vidare::{Error, Response, Session, Step, Value};

use super::{BOUND, bound, shipped};

#[test]
fn hostile_answers_are_errors_that_change_nothing() {
    let q = shipped("boston-life-areas");
    let mut session = Session::new(&q);
    let text_item = walk_to_text_item(&mut session);
    let before = (session.result().into_outcome(), session.events().to_vec());
    let huge = "å".repeat(1 << 20);
    let many: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    let start = Instant::now();
    for value in [
        Value::from(huge.clone()),
        Value::Text(" \t\n".into()),
        Value::Number(f64::NAN),
        Value::List(many.iter().map(Into::into).collect()),
    ] {
        assert!(session.answer(&text_item, value).is_err());
    }
    for value in [
        Value::Number(f64::INFINITY),
        Value::Number(f64::NAN),
        Value::Number(1e308),
        Value::from(huge.clone()),
    ] {
        assert!(
            session
                .change("living.need_for_change", Response::Answer(value))
                .is_err()
        );
    }
    assert!(session.answer(&huge, true).is_err());
    assert!(session.change(&huge, Response::Declined).is_err());
    assert!(start.elapsed() < bound(BOUND), "{:?}", start.elapsed());
    assert_eq!(
        (session.result().into_outcome(), session.events().to_vec()),
        before
    );
    // The errors name the item, never the value.
    let error = session
        .answer(&text_item, Value::from(huge))
        .expect_err("too long");
    assert!(error.to_string().len() < 500);
}

/// Walks to the first free-text item, answering with the lowest values;
/// its id.
fn walk_to_text_item(session: &mut Session) -> String {
    loop {
        let Step::Ask(item) = session.next() else {
            panic!("no text item reached");
        };
        let id = item.id().to_owned();
        if item.kind() == vidare::format::ItemKind::Text {
            return id;
        }
        let result = match item.kind() {
            vidare::format::ItemKind::Scale => session.answer(&id, item.range().0.unwrap_or(0.0)),
            vidare::format::ItemKind::SingleChoice => {
                // A choice different from the suggestion reaches `reason`.
                let last = item.options().last().expect("options").value.to_owned();
                session.answer(&id, last.as_str())
            }
            _ => session.answer(&id, true),
        };
        result.expect("a valid answer");
    }
}

#[test]
fn a_long_log_resumes_in_bounded_time() {
    // 20,000 changes back and forth on one item.
    let q = shipped("violence-seven");
    let mut session = Session::new(&q);
    session.answer("alone", true).expect("answer");
    for i in 0..20_000 {
        session
            .change("alone", Response::Answer(Value::Bool(i % 2 == 0)))
            .expect("change");
    }
    let start = Instant::now();
    let resumed = Session::resume(&q, session.events().to_vec()).expect("resumes");
    assert!(start.elapsed() < bound(BOUND), "{:?}", start.elapsed());
    assert_eq!(
        resumed.result().into_outcome(),
        session.result().into_outcome()
    );
    // A log whose middle event is wrong names its index.
    let mut events = session.events().to_vec();
    events.insert(
        10_000,
        vidare::Event::Respond {
            item: "no_such_item".into(),
            response: Response::Declined,
        },
    );
    match Session::resume(&q, events) {
        Err(Error::Replay { index, .. }) => assert_eq!(index, 10_000),
        other => panic!("expected a replay error, got {other:?}"),
    }
}
