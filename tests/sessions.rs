//! Session behaviour on the shipped violence questionnaire and on small
//! inline questionnaires: declines and "don't know" in scores, changes that
//! hide answered items, early end, immediate triggers, and errors that
//! leave the session unchanged.

use vidare::{ErrorKind, Questionnaire, Response, Session, Step, Value, format::Urgency};

fn violence() -> Questionnaire {
    vidare::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/violence-seven/1.0.0.yaml"
    ))
    .unwrap()
}

fn current(session: &Session) -> Option<String> {
    match session.next() {
        Step::Ask(item) => Some(item.id().to_owned()),
        _ => None,
    }
}

fn answered_ids(session: &Session) -> Vec<String> {
    session
        .result()
        .into_outcome()
        .answers
        .into_iter()
        .map(|a| a.item.into())
        .collect()
}

/// A small questionnaire exercising scores: three scale items that can be
/// declined or answered "don't know", a sum that needs two of them, and a
/// mean that counts declines as zero.
const SCORED: &str = r"
format: 1
id: scored
version: 1.0.0
title: { sv: Poäng, en: Scores }
languages: [sv, en]
default_language: en
sections:
  - id: main
    items:
      - id: a
        kind: scale
        min: 0
        max: 4
        allow_decline: true
        allow_dont_know: true
        text: { sv: A, en: A }
      - id: b
        kind: scale
        min: 0
        max: 4
        allow_decline: true
        allow_dont_know: true
        text: { sv: B, en: B }
      - id: c
        kind: scale
        min: 0
        max: 4
        allow_decline: true
        allow_dont_know: true
        text: { sv: C, en: C }
scores:
  - id: total
    method: sum
    over: [a, b, c]
    min_answered: 2
    bands:
      - { id: low, min: 0, max: 5, label: { sv: Låg, en: Low } }
      - { id: high, min: 6, max: 12, label: { sv: Hög, en: High } }
  - id: strict_mean
    method: mean
    over: [a, b, c]
    declined: zero
triggers:
  - id: high_total
    when: total >= 6
    urgency: soon
    refer_to: follow-up
    text: { sv: Följ upp, en: Follow up }
";

fn scored() -> Questionnaire {
    vidare::compile(SCORED, "scored.yaml").unwrap()
}

#[test]
fn declined_and_dont_know_follow_each_scores_policy() {
    let q = scored();
    let mut s = Session::new(&q);
    s.answer("a", 4).unwrap();
    s.decline("b").unwrap();
    s.dont_know("c").unwrap();
    let result = s.result().into_outcome();
    let total = &result.scores[0];
    // Only `a` counts for the sum: declined and "don't know" are missing.
    assert_eq!(total.value, None);
    assert_eq!(total.answered, 1);
    assert_eq!(
        total.missing_reason.as_deref(),
        Some("only 1 of 3 terms has a value; at least 2 are needed")
    );
    // The mean counts the decline as zero but not the "don't know", and needs all three.
    let mean = &result.scores[1];
    assert_eq!(mean.answered, 2);
    assert_eq!(mean.value, None);

    s.change("c", Response::Answer(Value::Number(3.0))).unwrap();
    let result = s.result().into_outcome();
    assert_eq!(result.scores[0].value, Some(7.0));
    assert_eq!(result.scores[0].band.as_ref().unwrap().id, "high");
    assert_eq!(result.scores[1].value, Some(7.0 / 3.0));
    assert_eq!(result.triggers[0].id, "high_total");
    let evidence: Vec<&str> = result.triggers[0]
        .evidence
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        evidence,
        ["a", "c", "total"],
        "the declined item did not count and is no evidence"
    );
}

#[test]
fn changing_an_early_answer_hides_later_answers_and_asks_them_again() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "none").unwrap();
    s.answer("psychological", false).unwrap();
    s.answer("physical", true).unwrap();
    s.answer("physical_when", "ongoing").unwrap();
    assert!(s.immediate().any(|t| t == "ongoing_violence"));
    assert_eq!(current(&s).as_deref(), Some("sexual"));

    s.change("physical", Response::Answer(false.into()))
        .unwrap();
    assert!(!s.is_shown("physical_when"));
    assert!(
        !answered_ids(&s).contains(&"physical_when".to_owned()),
        "a hidden answer no longer counts"
    );
    assert_eq!(
        s.immediate().count(),
        0,
        "the trigger that depended on it is gone"
    );
    assert_eq!(current(&s).as_deref(), Some("sexual"));

    // Shown again: asked again, the stale answer is not restored.
    s.change("physical", Response::Answer(true.into())).unwrap();
    assert!(s.is_shown("physical_when"));
    assert_eq!(s.response("physical_when"), None);
    assert_eq!(current(&s).as_deref(), Some("physical_when"));
    assert_eq!(s.immediate().count(), 0);
    // The log keeps everything that happened.
    assert_eq!(s.events().len(), 7);
}

#[test]
fn not_alone_ends_early_and_says_to_ask_again() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", false).unwrap();
    assert!(matches!(s.next(), Step::Ended("not_alone")));
    assert!(s.is_finished());
    assert_eq!(
        s.answer("psychological", true).unwrap_err().kind(),
        ErrorKind::Finished
    );
    // An answered question stays "already answered" after the end, so an
    // embedder that changes on that error keeps a late change.
    assert_eq!(
        s.answer("alone", true).unwrap_err().kind(),
        ErrorKind::AlreadyAnswered
    );
    s.change("alone", Response::Answer(true.into())).unwrap();
    assert!(!s.is_finished());
    s.change("alone", Response::Answer(false.into())).unwrap();
    let result = s.result_in("en").into_outcome();
    assert_eq!(result.ended_by.as_ref().unwrap().id, "not_alone");
    assert_eq!(result.triggers.len(), 1);
    assert_eq!(result.triggers[0].id, "ask_again_alone");
    assert_eq!(result.triggers[0].urgency, Urgency::Soon);
    assert_eq!(answered_ids(&s), ["alone"]);

    // A relative as interpreter has the same outcome.
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "relative").unwrap();
    assert!(matches!(s.next(), Step::Ended("not_alone")));
    assert_eq!(s.result().into_outcome().triggers[0].id, "ask_again_alone");

    // Going back reopens the interview.
    s.back().unwrap();
    assert_eq!(current(&s).as_deref(), Some("interpreter"));
    s.answer("interpreter", "professional").unwrap();
    assert_eq!(current(&s).as_deref(), Some("psychological"));
    assert!(s.result().into_outcome().triggers.is_empty());
}

#[test]
fn immediate_triggers_fire_mid_session_with_evidence() {
    let q = violence();
    let mut s = Session::new(&q);
    for (item, value) in [("alone", Value::Bool(true)), ("interpreter", "none".into())] {
        s.answer(item, value).unwrap();
    }
    for item in [
        "psychological",
        "physical",
        "sexual",
        "childhood",
        "used_violence",
    ] {
        s.answer(item, false).unwrap();
    }
    assert_eq!(s.immediate().count(), 0);
    s.answer("ongoing", true).unwrap();
    assert_eq!(s.immediate().collect::<Vec<_>>(), ["ongoing_violence"]);
    assert!(
        !s.is_finished(),
        "the trigger is visible before the interview ends"
    );
    s.answer("children", true).unwrap();
    s.answer("children_when", "last_year").unwrap();
    let result = s.result_in("en").into_outcome();
    let ids: Vec<&str> = result.triggers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["ongoing_violence", "children_exposed"]);
    let children = &result.triggers[1];
    assert_eq!(children.refer_to, "social-services");
    assert!(
        children.text.contains("duty to report"),
        "{}",
        children.text
    );
    assert_eq!(children.evidence.len(), 1);
    assert_eq!(children.evidence[0].id, "children");
    // Retention: the answer is for the conversation, not the stored result.
    assert_eq!(children.evidence[0].value, None);
    assert_eq!(children.evidence[0].response.as_deref(), Some("answered"));
    assert!(
        result
            .answers
            .iter()
            .filter(|a| a.item == "children")
            .all(|a| a.value.is_none())
    );
    // Framing answers are kept.
    assert_eq!(result.answers[0].value, Some(Value::Bool(true)));
}

#[test]
fn categories_allow_several_paths_at_once() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "none").unwrap();
    s.answer("psychological", true).unwrap();
    s.answer("psychological_when", "earlier").unwrap();
    for item in ["physical", "sexual", "childhood"] {
        s.answer(item, false).unwrap();
    }
    s.answer("used_violence", true).unwrap();
    s.answer("used_violence_when", "last_year").unwrap();
    s.answer("ongoing", false).unwrap();
    s.answer("children", false).unwrap();
    assert!(matches!(s.next(), Step::Complete));
    let result = s.result().into_outcome();
    let category = result.derived.iter().find(|d| d.id == "category").unwrap();
    assert_eq!(
        category.value,
        Some(Value::List(vec!["earlier".into(), "has_used".into()]))
    );
    let ids: Vec<&str> = result.triggers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["used_violence", "earlier_experience"],
        "sorted by urgency"
    );

    let mut none = Session::new(&q);
    none.answer("alone", true).unwrap();
    none.answer("interpreter", "none").unwrap();
    while let Step::Ask(item) = none.next() {
        let id = item.id().to_owned();
        none.answer(&id, false).unwrap();
    }
    let result = none.result().into_outcome();
    assert!(result.triggers.is_empty());
    let category = result.derived.iter().find(|d| d.id == "category").unwrap();
    assert_eq!(
        category.value,
        Some(Value::List(vec!["no_experience".into()])),
        "the result says the questions were asked"
    );
}

#[test]
fn bad_input_is_a_typed_error_and_leaves_the_session_unchanged() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    let before = s.result().into_outcome();
    let events = s.events().len();
    let cases: Vec<(Result<(), vidare::Error>, ErrorKind, &str)> = vec![
        (
            s.clone().answer("nope", true),
            ErrorKind::UnknownItem,
            "there is no item `nope`",
        ),
        (
            s.clone().answer("interpreter", true),
            ErrorKind::InvalidAnswer,
            "expected one of \"none\", \"professional\", \"relative\"",
        ),
        (
            s.clone().answer("interpreter", "cousin"),
            ErrorKind::InvalidAnswer,
            "invalid answer to `interpreter`",
        ),
        (
            s.clone().answer("physical_when", "ongoing"),
            ErrorKind::Hidden,
            "`physical_when` is not shown now",
        ),
        (
            s.clone().answer("psychological", true),
            ErrorKind::NotCurrent,
            "the current item is `interpreter`",
        ),
        (
            s.clone().answer("alone", false),
            ErrorKind::AlreadyAnswered,
            "change it instead",
        ),
        (
            s.clone().decline("interpreter"),
            ErrorKind::NotOffered,
            "does not offer \"prefer not to answer\"",
        ),
        (
            s.clone().skip("interpreter"),
            ErrorKind::NotOffered,
            "it is required",
        ),
        (
            s.clone().change("interpreter", Response::Declined),
            ErrorKind::NotAnswered,
            "has no response to change",
        ),
        (
            s.clone().answer("intro", true),
            ErrorKind::NotAQuestion,
            "information text",
        ),
    ];
    for (result, kind, text) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert!(
            err.to_string().contains(text),
            "`{err}` should contain `{text}`"
        );
    }
    // The real session is untouched by errors on it too.
    assert!(s.answer("interpreter", 7).is_err());
    assert!(s.answer("psychological", true).is_err());
    assert_eq!(s.events().len(), events);
    assert_eq!(s.result().into_outcome(), before);
    assert_eq!(current(&s).as_deref(), Some("interpreter"));
}

#[test]
fn answers_never_appear_in_debug_or_errors() {
    let q = vidare::compile(
        r"
format: 1
id: private
version: 1.0.0
title: { en: Private }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: note
        kind: text
        max_length: 40
        text: { en: Anything to add? }
      - id: age
        kind: number
        min: 16
        max: 64
        integer: true
        text: { en: Age }
",
        "private.yaml",
    )
    .unwrap();
    let mut s = Session::new(&q);
    let secret = "my neighbour Kalle hits me";
    s.answer("note", secret).unwrap();
    let too_long = "x".repeat(41) + secret;
    let err = s
        .clone()
        .change("note", Response::Answer(too_long.into()))
        .unwrap_err();
    let err_age = s.answer("age", 70.5).unwrap_err();
    for text in [
        format!("{s:?}"),
        format!("{:?}", s.events()),
        format!("{:?}", s.result().into_outcome()),
        format!("{err} {err:?} {err_age} {err_age:?}"),
    ] {
        assert!(!text.contains("Kalle"), "leaked: {text}");
        assert!(!text.contains("70.5"), "leaked: {text}");
    }
    assert_eq!(
        err_age.to_string(),
        "invalid answer to `age`: expected a whole number from 16 to 64"
    );
    // The result, which the caller asked for, does hold the text.
    assert_eq!(
        s.result().into_outcome().answers[0].value,
        Some(Value::Text(secret.into()))
    );
}

#[test]
fn back_withdraws_the_previous_response() {
    let q = violence();
    let mut s = Session::new(&q);
    assert_eq!(s.back().unwrap_err().kind(), ErrorKind::NothingToGoBack);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "none").unwrap();
    s.answer("psychological", true).unwrap();
    assert_eq!(current(&s).as_deref(), Some("psychological_when"));
    s.back().unwrap();
    assert_eq!(current(&s).as_deref(), Some("psychological"));
    assert!(!s.is_shown("psychological_when"));
    s.answer("psychological", false).unwrap();
    assert_eq!(current(&s).as_deref(), Some("physical"));
    assert_eq!(s.progress(), (3, 9));
    let resumed = Session::resume(&q, s.events().to_vec()).unwrap();
    assert_eq!(resumed.result().into_outcome(), s.result().into_outcome());
    assert_eq!(current(&resumed), current(&s));
}

#[test]
fn resume_reports_the_event_that_cannot_be_applied() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    let mut events = s.events().to_vec();
    events.push(vidare::Event::Respond {
        item: "physical".into(),
        response: Response::Answer(true.into()),
    });
    let err = Session::resume(&q, events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Replay);
    assert!(
        err.to_string()
            .starts_with("event 1 of the log cannot be applied"),
        "{err}"
    );
}

#[test]
fn events_round_trip_through_json() {
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "none").unwrap();
    s.decline("psychological").unwrap();
    s.change("interpreter", Response::Answer("professional".into()))
        .unwrap();
    let json = serde_json::to_string(s.events()).unwrap();
    assert_eq!(
        json,
        r#"[{"event":"respond","item":"alone","response":{"answer":true}},{"event":"respond","item":"interpreter","response":{"answer":"none"}},{"event":"respond","item":"psychological","response":"declined"},{"event":"change","item":"interpreter","response":{"answer":"professional"}}]"#
    );
    let events: Vec<vidare::Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(
        Session::resume(&q, events).unwrap().result().into_outcome(),
        s.result().into_outcome()
    );
}

#[test]
fn a_checked_result_says_gender_would_not_change_it() {
    let q = vidare::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/gender-equality-compass/1.0.0.yaml"
    ))
    .unwrap();
    let mut s = Session::new(&q);
    let mut n = 0;
    while let Step::Ask(item) = s.next() {
        let id = item.id().to_owned();
        let value: Value = match item.kind() {
            vidare::format::ItemKind::YesNo => (n % 2 == 0).into(),
            vidare::format::ItemKind::SingleChoice => {
                let options: Vec<&str> = item.options().map(|o| o.value).collect();
                options[n % options.len()].into()
            }
            vidare::format::ItemKind::MultipleChoice => Value::List(vec![]),
            vidare::format::ItemKind::Number | vidare::format::ItemKind::Scale => {
                item.range().0.unwrap_or(0.0).into()
            }
            _ => "some words".into(),
        };
        s.answer(&id, value).unwrap();
        n += 1;
    }
    let plain = s.result_in("en").into_outcome();
    assert!(
        serde_json::to_value(&plain)
            .unwrap()
            .get("counterfactual")
            .is_none()
    );
    let checked = s.checked_result_in("en");
    assert_eq!(checked.outcome, plain);
    let check = &checked.counterfactual;
    assert!(check.is_clean(), "{check}");
    assert_eq!(
        serde_json::to_value(check).unwrap()["verdict"],
        "no_difference",
        "{}",
        serde_json::to_string_pretty(check).unwrap()
    );
    // The JSON is the plain result's with one more field.
    let mut json = serde_json::to_value(&checked).unwrap();
    json.as_object_mut().unwrap().remove("counterfactual");
    assert_eq!(json, serde_json::to_value(&plain).unwrap());
}

/// violence-seven 2.0.0 says nothing about violence before the gate: the
/// first thing shown is the practitioner's question whether anyone else can
/// see or hear, with no information text before it and a neutral section
/// title; and when someone can, nothing about violence is shown at all.
#[test]
fn nothing_about_violence_is_shown_before_the_gate() {
    let q = vidare::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/violence-seven/2.0.0.yaml"
    ))
    .unwrap();
    let mut s = Session::new(&q);
    let Step::Ask(first) = s.next() else {
        panic!("the interview starts with a question")
    };
    assert_eq!(first.id(), "alone");
    assert!(s.info_before("alone").is_empty());
    for lang in ["sv", "en"] {
        let shown = format!(
            "{} {} {}",
            first.section_title(lang).unwrap_or_default(),
            first.text(lang),
            q.items()
                .find(|i| i.id() == "interpreter")
                .map(|i| i
                    .options()
                    .map(|o| o.label(lang).to_owned())
                    .collect::<Vec<_>>()
                    .join(" "))
                .unwrap_or_default()
        )
        .to_lowercase();
        assert!(
            !shown.contains("våld") && !shown.contains("violence"),
            "{lang}: {shown}"
        );
    }
    s.answer("alone", false).unwrap();
    assert!(matches!(s.next(), Step::Ended("not_alone")));
    assert!(s.info_before("psychological").is_empty());
    let record = s.stored_record_in("en");
    assert_eq!(
        record.ended_by.map(|e| e.id.to_string()),
        Some("not_alone".to_owned())
    );
    assert_eq!(
        record
            .triggers
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
        ["ask_again_alone"]
    );
}

#[test]
fn debug_output_names_parts_but_shows_nothing_the_answers_made() {
    let q = vidare::compile(
        r#"
format: 2
id: private
version: 1.0.0
title: { en: Private }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: worry
        kind: single_choice
        aggregate: true
        text: { en: How worried are you? }
        options:
          - { value: little, label: { en: A little }, score: 1 }
          - { value: much, label: { en: Very }, score: 3 }
derived:
  - id: level
    label: { en: Level }
    cases:
      - { value: high, when: 'worry == "much"', label: { en: Kalle-level worry } }
scores:
  - id: total
    label: { en: Total }
    method: sum
    over: [worry]
    bands:
      - { id: mild, min: 0, max: 1, label: { en: Mild-band } }
      - { id: severe, min: 2, max: 3, label: { en: Severe-band } }
"#,
        "private.yaml",
    )
    .unwrap();
    let mut s = Session::new(&q);
    s.answer("worry", "much").unwrap();
    let result = s.result().into_outcome();
    // The result holds what the answers made, as the caller asked.
    assert_eq!(
        result.derived[0].value_label.as_deref(),
        Some("Kalle-level worry")
    );
    assert_eq!(result.scores[0].value, Some(3.0));
    let shown = [
        format!("{result:?}"),
        format!("{:?}", s.stored_record_in("en")),
        format!("{:?}", s.scores().collect::<Vec<_>>()),
        format!("{:?}", s.tally()),
    ]
    .join("\n");
    for leak in ["Kalle", "Severe", "severe", "3.0", "much", "\"answered\""] {
        assert!(!shown.contains(leak), "{leak} in {shown}");
    }
    // The parts are still named, so the output helps to debug.
    for part in ["\"level\"", "\"total\"", "\"worry\""] {
        assert!(shown.contains(part), "{part} not in {shown}");
    }
}
