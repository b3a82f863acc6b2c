//! What instruments need for scoring (issue 17 item 5): items a rule
//! skipped that count as 0 while declined ones stay missing, rounding for
//! prorated totals, a score that reads another score, an option's weight
//! in a condition, and whole totals written as whole numbers in JSON.

use vidare::{Session, Value};

/// An alcohol-test-like screen: `often` gates `amount` and `binge`, which
/// a rule skips (and the manual scores 0) when the person never drinks.
/// `total` counts the skipped items as 0 (`hidden: zero`), `plain` leaves
/// them missing; `prorated` scales the answered part to the whole and
/// rounds it; `combined` reads the score `total`; the trigger reads the
/// weight of `binge`'s options.
const SCREEN: &str = r"
format: 2
id: screen
version: 1.0.0
title: { en: Screen }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: often
        kind: single_choice
        allow_decline: true
        text: { en: How often do you drink? }
        options:
          - { value: never, label: { en: Never }, score: 0 }
          - { value: monthly, label: { en: Monthly }, score: 1 }
          - { value: weekly, label: { en: Weekly }, score: 3 }
      - id: amount
        kind: single_choice
        when: weight(often) > 0
        allow_decline: true
        text: { en: How much? }
        options:
          - { value: little, label: { en: A little }, score: 0 }
          - { value: much, label: { en: Much }, score: 2 }
      - id: binge
        kind: single_choice
        when: weight(often) > 0
        allow_decline: true
        text: { en: Six drinks or more at once? }
        options:
          - { value: no, label: { en: Never }, score: 0 }
          - { value: sometimes, label: { en: Sometimes }, score: 1 }
          - { value: often, label: { en: Often }, score: 4 }
      - id: worried
        kind: yes_no
        scores: { yes: 2, no: 0 }
        text: { en: Has anyone been worried? }
derived:
  - id: prorated
    value: >-
      round(part * 3 / count(answered(often), answered(amount), answered(binge)))
  - id: floor_half
    value: floor(total / 2)
  - id: ceil_half
    value: ceil(total / 2)
scores:
  - id: total
    method: sum
    over: [often, amount, binge]
    hidden: zero
  - id: plain
    method: sum
    over: [often, amount, binge]
  - id: part
    method: sum
    over: [often, amount, binge]
    min_answered: 1
  - id: combined
    method: sum
    over: [total, worried]
triggers:
  - id: binge_drinking
    when: weight(binge) >= 1 && weight(worried) > 0
    urgency: soon
    refer_to: alcohol-counselling
    text: { en: Talk about the drinking. }
";

fn screen() -> vidare::Questionnaire {
    vidare::compile(SCREEN, "screen.yaml").unwrap()
}

fn score(session: &Session, id: &str) -> Option<f64> {
    let result = session.result().into_outcome();
    result.scores.iter().find(|s| s.id == id).unwrap().value
}

fn derived(session: &Session, id: &str) -> Option<Value> {
    let result = session.result().into_outcome();
    result
        .derived
        .iter()
        .find(|d| d.id == id)
        .unwrap()
        .value
        .clone()
}

#[test]
fn items_a_rule_skipped_count_as_zero_and_declined_ones_stay_missing() {
    let q = screen();
    let mut s = Session::new(&q);
    s.answer("often", "never").unwrap();
    s.answer("worried", false).unwrap();
    assert_eq!(score(&s, "total"), Some(0.0), "skipped by the rule: 0");
    assert_eq!(score(&s, "plain"), None, "without `hidden: zero`: missing");

    // Declined: the follow-ups are hidden by a condition that is unknown,
    // not false, so they stay missing and the total has no value.
    let mut s = Session::new(&q);
    s.decline("often").unwrap();
    s.answer("worried", false).unwrap();
    assert_eq!(score(&s, "total"), None);
    let result = s.result().into_outcome();
    let total = result.scores.iter().find(|t| t.id == "total").unwrap();
    assert_eq!(total.answered, 0);

    // A declined follow-up is missing too.
    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.decline("amount").unwrap();
    s.answer("binge", "often").unwrap();
    s.answer("worried", true).unwrap();
    assert_eq!(score(&s, "total"), None);
    assert_eq!(score(&s, "part"), Some(7.0));
}

#[test]
fn round_floor_and_ceil_give_whole_numbers_for_prorated_totals() {
    let q = screen();
    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.decline("amount").unwrap();
    s.answer("binge", "sometimes").unwrap();
    s.answer("worried", false).unwrap();
    // (3 + 1) * 3 / 2 = 6; with `binge` "often": (3 + 4) * 3 / 2 = 10.5 → 11.
    assert_eq!(derived(&s, "prorated"), Some(Value::Number(6.0)));
    s.change("binge", vidare::Response::Answer("often".into()))
        .unwrap();
    assert_eq!(derived(&s, "prorated"), Some(Value::Number(11.0)));

    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.answer("amount", "little").unwrap();
    s.answer("binge", "no").unwrap();
    s.answer("worried", false).unwrap();
    assert_eq!(derived(&s, "floor_half"), Some(Value::Number(1.0)));
    assert_eq!(derived(&s, "ceil_half"), Some(Value::Number(2.0)));
}

#[test]
fn a_score_reads_an_earlier_score_as_a_term() {
    let q = screen();
    let mut s = Session::new(&q);
    s.answer("often", "monthly").unwrap();
    s.answer("amount", "much").unwrap();
    s.answer("binge", "no").unwrap();
    s.answer("worried", true).unwrap();
    assert_eq!(score(&s, "total"), Some(3.0));
    assert_eq!(
        score(&s, "combined"),
        Some(5.0),
        "3 from `total`, 2 from `worried`"
    );
}

#[test]
fn an_options_weight_is_a_number_in_conditions_and_unknown_without_an_answer() {
    let q = screen();
    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.answer("amount", "little").unwrap();
    s.answer("binge", "sometimes").unwrap();
    s.answer("worried", true).unwrap();
    let fired: Vec<String> = s
        .result()
        .into_outcome()
        .triggers
        .into_iter()
        .map(|t| t.id.into())
        .collect();
    assert_eq!(fired, ["binge_drinking"]);

    // Declined: the weight is unknown and the condition does not hold.
    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.answer("amount", "little").unwrap();
    s.decline("binge").unwrap();
    s.answer("worried", true).unwrap();
    assert!(s.result().into_outcome().triggers.is_empty());
}

/// The codes and messages `SCREEN` gives with `from` replaced by `to`.
fn diagnostics(from: &str, to: &str) -> Vec<(String, String)> {
    let source = SCREEN.replace(from, to);
    assert_ne!(source, SCREEN, "{from} is in the fixture");
    let err = vidare::compile(&source, "screen.yaml").unwrap_err();
    err.diagnostics()
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect()
}

#[test]
fn rounding_and_weights_are_type_checked() {
    assert_eq!(
        diagnostics("floor(total / 2)", "floor(often)"),
        [(
            "V014".to_owned(),
            "floor() takes a number, but this is a choice".to_owned()
        )]
    );
    assert_eq!(
        diagnostics("ceil(total / 2)", "ceil(total, 2)"),
        [(
            "V014".to_owned(),
            "ceil() takes exactly one number".to_owned()
        )]
    );
    assert_eq!(
        diagnostics("weight(binge) >= 1", "weight(total) >= 1"),
        [(
            "V014".to_owned(),
            "weight() takes an item, but this is the score `total`".to_owned()
        )]
    );
    assert_eq!(
        diagnostics("weight(often) > 0\n        allow_decline: true\n        text: { en: How much? }", "weight(often) > \"weekly\"\n        allow_decline: true\n        text: { en: How much? }")[0].0,
        "V014",
        "a weight is a number"
    );
    assert_eq!(
        diagnostics("{ value: sometimes, label: { en: Sometimes }, score: 1 }", "{ value: sometimes, label: { en: Sometimes } }"),
        [
            (
                "V027".to_owned(),
                "option `sometimes` of `binge` has no `score`, but `binge` is scored".to_owned()
            ),
            (
                "V027".to_owned(),
                "weight() reads the options' `score`, but option `sometimes` of the single_choice item `binge` has none".to_owned()
            ),
        ]
    );
}

#[test]
fn whole_totals_are_integers_in_results_and_stored_records_and_older_ones_still_read() {
    let q = screen();
    let mut s = Session::new(&q);
    s.answer("often", "weekly").unwrap();
    s.decline("amount").unwrap();
    s.answer("binge", "often").unwrap();
    s.answer("worried", true).unwrap();
    let result = serde_json::to_value(s.result().into_outcome()).unwrap();
    let score = |id: &str| {
        result["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()["value"]
            .to_string()
    };
    assert_eq!(score("part"), "7");
    assert_eq!(score("total"), "null");
    let text = serde_json::to_string(&s.result().into_outcome()).unwrap();
    assert!(
        text.contains(r#""value":11"#),
        "prorated 10.5 rounds to 11: {text}"
    );
    assert!(!text.contains(".0,") && !text.contains(".0}"), "{text}");

    let stored = serde_json::to_string(&s.stored_record()).unwrap();
    assert!(stored.contains(r#""id":"part","value":7,"#), "{stored}");

    // A result written before reads back equal, `7.0` and all.
    let older = text.replace(r#""value":7,"#, r#""value":7.0,"#);
    assert_ne!(older, text);
    let read: vidare::Outcome = serde_json::from_str(&older).unwrap();
    assert_eq!(read, s.result().into_outcome());
}

/// The fenced YAML block of `doc` whose text contains `marker`.
fn doc_block(doc: &str, marker: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
    let text = std::fs::read_to_string(path).unwrap();
    text.split("```yaml\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(block, _)| block))
        .find(|block| block.contains(marker))
        .unwrap_or_else(|| panic!("no block with {marker} in {doc}"))
        .to_owned()
}

#[test]
fn the_drinking_screen_of_the_docs_scores_as_its_cases_say() {
    let source = doc_block("docs/format.md", "id: drinking-screen");
    let q = vidare::compile(&source, "drinking-screen.yaml").unwrap();
    assert!(q.warnings().is_empty(), "{:?}", q.warnings());
    let cases = doc_block(
        "docs/testing.md",
        "# tests/scoring.yaml beside drinking-screen/1.0.0.yaml",
    );
    let file = vidare::testing::parse_test_file(&cases, "scoring.yaml").unwrap();
    let reports = vidare::testing::run_file(&q, &file);
    assert_eq!(reports.len(), 4);
    for report in &reports {
        assert!(report.passed(), "{report:#?}");
    }
}

#[test]
fn a_score_may_read_a_later_score_but_not_itself() {
    // `plain` reads `combined`, defined after it: scores are computed in
    // the order they depend on each other, not as listed.
    let later = SCREEN.replace(
        "  - id: plain\n    method: sum\n    over: [often, amount, binge]",
        "  - id: plain\n    method: sum\n    over: [combined]",
    );
    assert_ne!(later, SCREEN);
    let q = vidare::compile(&later, "screen.yaml").unwrap();
    let mut s = Session::new(&q);
    s.answer("often", "never").unwrap();
    s.answer("worried", true).unwrap();
    assert_eq!(score(&s, "plain"), Some(2.0));

    let cycle = SCREEN.replace("over: [total, worried]", "over: [combined, worried]");
    let err = vidare::compile(&cycle, "screen.yaml").unwrap_err();
    let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["V012"]);
}

#[test]
fn a_weighted_choice_compared_with_a_number_is_pointed_at_its_weight() {
    let source = SCREEN.replace("weight(binge) >= 1", "binge >= 1");
    let err = vidare::compile(&source, "screen.yaml").unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.code.as_str(), "V014");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "a choice is compared with `==` and an option value; for the weight of the chosen option write `weight(binge)`"
        )
    );
}

#[test]
fn an_item_a_rule_may_skip_can_count_zero_in_the_possible_range() {
    let source = |policy: &str| {
        format!(
            "format: 2\nid: r\nversion: 1.0.0\ntitle: {{ en: R }}\nlanguages: [en]\n\
             default_language: en\nsections:\n  - id: main\n    items:\n\
             \x20     - {{ id: a, kind: scale, min: 1, max: 3, text: {{ en: A }} }}\n\
             \x20     - {{ id: b, kind: scale, min: 1, max: 3, when: a >= 2, text: {{ en: B }} }}\n\
             scores:\n  - id: total\n    method: sum\n    over: [a, b]\n{policy}\
             \x20   bands:\n\
             \x20     - {{ id: low, min: 2, max: 4, label: {{ en: Low }} }}\n\
             \x20     - {{ id: high, min: 5, max: 6, label: {{ en: High }} }}\n"
        )
    };
    // Both terms answered: 2 to 6, every score in a band.
    let plain = vidare::compile(&source(""), "r.yaml").unwrap();
    assert!(plain.warnings().is_empty(), "{:?}", plain.warnings());
    // `a` 1 hides `b`, which then counts 0: the total 1 is in no band.
    let zero = vidare::compile(&source("    hidden: zero\n"), "r.yaml").unwrap();
    let messages: Vec<(&str, &str)> = zero
        .warnings()
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [(
            "V032",
            "the score 1 belongs to no band: `total` can be as low as 1, and `low` starts at 2"
        )]
    );
    let mut s = Session::new(&zero);
    s.answer("a", 1).unwrap();
    assert_eq!(score(&s, "total"), Some(1.0));
    assert!(s.result().into_outcome().scores[0].band.is_none());
}

#[test]
fn a_rounded_term_is_whole_so_bands_meet_at_whole_numbers() {
    let source = |term: &str| {
        format!(
            "format: 2\nid: r\nversion: 1.0.0\ntitle: {{ en: R }}\nlanguages: [en]\n\
             default_language: en\nsections:\n  - id: main\n    items:\n\
             \x20     - {{ id: a, kind: scale, min: 0, max: 9, text: {{ en: A }} }}\n\
             scores:\n  - id: total\n    method: sum\n    over: ['{term}']\n\
             \x20   bands:\n\
             \x20     - {{ id: low, min: 0, max: 7, label: {{ en: Low }} }}\n\
             \x20     - {{ id: high, min: 8, max: 10, label: {{ en: High }} }}\n"
        )
    };
    for rounded in ["round(a * 10 / 9)", "floor(a * 10 / 9)", "ceil(a * 10 / 9)"] {
        let q = vidare::compile(&source(rounded), "r.yaml").unwrap();
        assert!(q.warnings().is_empty(), "{rounded}: {:?}", q.warnings());
    }
    // Without rounding, 7.7 lies between the bands.
    let codes: Vec<String> = vidare::compile(&source("a * 10 / 9"), "r.yaml")
        .unwrap_err()
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str().to_owned())
        .collect();
    assert_eq!(codes, ["V021"]);
}

#[test]
fn the_weight_of_a_multiple_choice_is_the_sum_and_of_a_scale_its_answer() {
    let source = "format: 2\nid: w\nversion: 1.0.0\ntitle: { en: W }\nlanguages: [en]\n\
         default_language: en\nsections:\n  - id: main\n    items:\n\
         \x20     - id: m\n        kind: multiple_choice\n        text: { en: M }\n\
         \x20       options:\n\
         \x20         - { value: a, label: { en: A }, score: 1 }\n\
         \x20         - { value: b, label: { en: B }, score: 2 }\n\
         \x20         - { value: c, label: { en: C }, score: 4 }\n\
         \x20     - { id: s, kind: scale, min: 0, max: 4, text: { en: S } }\n\
         derived:\n  - { id: wm, value: weight(m) }\n  - { id: ws, value: weight(s) * 2 }\n";
    let q = vidare::compile(source, "w.yaml").unwrap();
    let mut s = Session::new(&q);
    assert_eq!(derived(&s, "wm"), None, "unknown before an answer");
    s.answer("m", Value::List(vec!["a".into(), "c".into()]))
        .unwrap();
    s.answer("s", 3).unwrap();
    assert_eq!(derived(&s, "wm"), Some(Value::Number(5.0)));
    assert_eq!(derived(&s, "ws"), Some(Value::Number(6.0)));
    s.change("m", vidare::Response::Answer(Value::List(vec![])))
        .unwrap();
    assert_eq!(derived(&s, "wm"), Some(Value::Number(0.0)));
}
