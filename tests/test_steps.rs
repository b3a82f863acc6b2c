//! Test-case steps are read by the item's kind, as the questionnaire reads
//! its own values: an unquoted `3_4` or `no` names the option written so,
//! `no` answers a yes/no question, and a rejected step says what it gave.

use vidare::testing::{CaseReport, parse_test_file, run_case};

const QUESTIONNAIRE: &str = r#"format: 1
id: steps
version: 1.0.0
title: { sv: T, en: T }
languages: [sv, en]
default_language: sv
sections:
  - id: main
    items:
      - id: size
        kind: single_choice
        text: { sv: S, en: S }
        options:
          - { value: 3_4, label: { sv: A, en: A } }
          - { value: "no", label: { sv: N, en: N } }
          - { value: "1", label: { sv: E, en: O } }
      - id: alone
        kind: yes_no
        text: { sv: A, en: A }
      - id: many
        kind: multiple_choice
        text: { sv: M, en: M }
        options:
          - { value: "1", label: { sv: E, en: O } }
          - { value: "no", label: { sv: N, en: N } }
      - id: age
        kind: number
        min: 0
        max: 120
        integer: true
        text: { sv: Å, en: A }
derived:
  - id: lives_alone
    value: alone == true
  - id: size_kind
    cases:
      - { value: "no", when: 'size == "no"' }
      - { value: other, when: answered(size) }
"#;

/// Runs one case made of `steps` (YAML list lines) and `expect`.
fn run(steps: &str, expect: &str) -> CaseReport {
    let (q, d) = vidare::Compiler::new().check(QUESTIONNAIRE, "steps.yaml");
    let q = q.unwrap_or_else(|| panic!("{d:#?}"));
    let source = format!(
        "questionnaire: 1.0.0\ncases:\n  - name: case\n    steps:\n{steps}    expect:\n{expect}"
    );
    let file = parse_test_file(&source, "steps/tests/case.yaml").expect("the test file reads");
    run_case(&q, &file.cases[0])
}

#[test]
fn unquoted_option_values_that_yaml_would_read_as_numbers_or_no_name_the_option() {
    for (written, option) in [("3_4", "3_4"), ("no", "no"), ("1", "1")] {
        let report = run(
            &format!("      - size: {written}\n"),
            "      asked: [size, alone, many, age]\n",
        );
        assert!(report.passed(), "{written}: {report}");
        let answer = report.session.result().into_outcome().answers;
        let json = serde_json::to_string(&answer).unwrap();
        assert!(json.contains(&format!("\"{option}\"")), "{written}: {json}");
    }
}

#[test]
fn yes_no_words_answer_a_yes_no_question() {
    let report = run(
        "      - size: 3_4\n      - alone: no\n",
        "      derived: { lives_alone: no }\n",
    );
    assert!(report.passed(), "{report}");
    let report = run(
        "      - size: 3_4\n      - alone: yes\n",
        "      derived: { lives_alone: true }\n",
    );
    assert!(report.passed(), "{report}");
    let report = run(
        "      - size: 3_4\n      - alone: no\n",
        "      derived: { lives_alone: yes }\n",
    );
    assert!(!report.passed(), "{report}");
}

#[test]
fn a_list_names_options_by_their_written_values() {
    let report = run(
        "      - size: 3_4\n      - alone: no\n      - many: [1, no]\n",
        "      finished: false\n",
    );
    assert!(report.passed(), "{report}");
}

#[test]
fn a_rejected_step_says_what_it_gave_and_why() {
    let report = run("      - size: 7\n", "      finished: false\n");
    let text = report.failures[0].to_string();
    assert!(text.contains("the step gives the text \"7\""), "{text}");
    assert!(text.contains("\"3_4\""), "the options are listed: {text}");

    let report = run(
        "      - size: 3_4\n      - alone: maybe\n",
        "      finished: false\n",
    );
    let text = report.failures[0].to_string();
    assert!(
        text.contains("`alone` is a yes/no question, but the step gives the text \"maybe\""),
        "{text}"
    );

    let report = run(
        "      - size: 3_4\n      - alone: no\n      - many: []\n      - age: 3_4\n",
        "      finished: false\n",
    );
    let text = report.failures[0].to_string();
    assert!(
        text.contains("`age` takes a number, but the step gives the text \"3_4\""),
        "{text}"
    );
}

#[test]
fn a_field_that_takes_only_true_or_false_says_so_for_yes() {
    let source = "questionnaire: 1.0.0\ncases:\n  - name: case\n    expect:\n      finished: yes\n";
    let error = parse_test_file(source, "steps/tests/case.yaml")
        .expect_err("`yes` is not a boolean here")
        .render();
    assert!(
        error.contains("case.yaml:5:17 (at cases[0].expect.finished)"),
        "{error}"
    );
    assert!(error.contains("expects true/false"), "{error}");
}

#[test]
fn an_expected_category_named_no_is_that_category() {
    let report = run("      - size: no\n", "      derived: { size_kind: no }\n");
    assert!(report.passed(), "{report}");
    let report = run("      - size: 3_4\n", "      derived: { size_kind: no }\n");
    assert!(!report.passed(), "{report}");
}
