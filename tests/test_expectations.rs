//! Test cases that say more: `fired` (exactly these triggers fired) and
//! band coverage (every band reached by some case).

use vidare::testing::{CaseReport, coverage, parse_test_file, run_case};

const QUESTIONNAIRE: &str = r"format: 1
id: more
version: 1.0.0
title: { en: T }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - { id: a, kind: scale, min: 0, max: 3, text: { en: A } }
      - { id: b, kind: yes_no, text: { en: B } }
scores:
  - id: total
    method: sum
    over: [a]
    bands:
      - { id: low, min: 0, max: 1, label: { en: Low } }
      - { id: high, min: 2, max: 3, label: { en: High } }
triggers:
  - { id: high_a, when: a >= 2, urgency: soon, refer_to: someone, text: { en: H } }
  - { id: yes_b, when: b == true, urgency: routine, refer_to: someone, text: { en: Y } }
";

fn cases(source: &str) -> (vidare::Questionnaire, Vec<CaseReport>) {
    let (q, d) = vidare::Compiler::new().check(QUESTIONNAIRE, "more.yaml");
    let q = q.unwrap_or_else(|| panic!("{d:#?}"));
    let file = parse_test_file(
        &format!("questionnaire: 1.0.0\ncases:\n{source}"),
        "more/tests/case.yaml",
    )
    .expect("the test file reads");
    let reports = file.cases.iter().map(|c| run_case(&q, c)).collect();
    (q, reports)
}

fn one(steps: &str, fired: &str) -> CaseReport {
    let source = format!("  - name: case\n    steps: {steps}\n    expect:\n      fired: {fired}\n");
    cases(&source).1.remove(0)
}

#[test]
fn fired_passes_only_on_exactly_the_triggers_that_fired() {
    let both = "[{ a: 3 }, { b: true }]";
    assert!(one(both, "[yes_b, high_a]").passed());
    assert!(one("[{ a: 0 }, { b: false }]", "[]").passed());

    let report = one(both, "[high_a]");
    assert_eq!(
        report.failures[0].to_string(),
        "fired: expected [high_a], got [high_a, yes_b] (fired but not expected: yes_b)"
    );
    let report = one("[{ a: 0 }, { b: true }]", "[high_a, yes_b]");
    assert_eq!(
        report.failures[0].to_string(),
        "fired: expected [high_a, yes_b], got [yes_b] (not fired: high_a)"
    );
}

#[test]
fn fired_names_an_unknown_trigger() {
    let report = one("[{ a: 0 }]", "[yes_bb]");
    assert_eq!(
        report.failures[0].to_string(),
        "there is no trigger `yes_bb` in the questionnaire; did you mean `yes_b`?"
    );
}

#[test]
fn every_band_must_be_reached_for_complete_coverage() {
    let both_values = "  - name: yes
    steps: [{ a: 3 }, { b: true }]
  - name: no
    steps: [{ a: 0 }, { b: false }]
";
    let (q, reports) = cases(both_values);
    let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
    let full = coverage(&q, &sessions);
    assert!(full.is_complete(), "{full}");
    assert_eq!(full.bands_reached(), (2, 2));
    assert!(
        full.to_string()
            .contains("  bands reached          2 of 2    100%"),
        "{full}"
    );

    // `a: 2` fires `high_a` and leaves `b` false and true in the other
    // cases, so only the band `low` is missing.
    let no_low = "  - name: yes
    steps: [{ a: 2 }, { b: true }]
  - name: no
    steps: [{ a: 3 }, { b: false }]
  - name: a unknown
    steps: []
";
    let (q, reports) = cases(no_low);
    let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
    let partial = coverage(&q, &sessions);
    assert_eq!(partial.bands_reached(), (1, 2));
    assert!(!partial.is_complete());
    assert!(
        partial
            .uncovered()
            .contains(&"band `low` of score `total` never reached".to_owned()),
        "{partial}"
    );
}
