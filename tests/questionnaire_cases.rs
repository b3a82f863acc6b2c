//! The YAML test cases next to each shipped questionnaire
//! (`questionnaires/<id>/tests/*.yaml`): every case passes, and the cases
//! of each questionnaire version cover it completely. Also: a wrong case
//! fails with a readable diff, and the examples in docs/testing.md run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vidare::Questionnaire;
use vidare::testing::{self, CaseReport};

fn questionnaires() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires")
}

fn violence() -> Questionnaire {
    vidare::load(questionnaires().join("violence-seven/1.0.0.yaml")).unwrap()
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

/// Every questionnaire folder, with the test files in its `tests` folder.
fn folders() -> Vec<(PathBuf, Vec<PathBuf>)> {
    sorted_entries(&questionnaires())
        .into_iter()
        .filter(|p| p.is_dir())
        .map(|folder| {
            let files = sorted_entries(&folder.join("tests"))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            (folder, files)
        })
        .collect()
}

/// Runs every case of every file of a folder, grouped by the version under
/// test; problems loading a file or its questionnaire go to `errors`.
fn run_folder(
    files: &[PathBuf],
    errors: &mut Vec<String>,
) -> BTreeMap<String, (Questionnaire, Vec<CaseReport>)> {
    let mut by_version: BTreeMap<String, (Questionnaire, Vec<CaseReport>)> = BTreeMap::new();
    for path in files {
        let file = match testing::load_test_file(path) {
            Ok(file) => file,
            Err(e) => {
                errors.push(e.render());
                continue;
            }
        };
        let q = match file.load_questionnaire() {
            Ok(q) => q,
            Err(e) => {
                errors.push(format!("{}: {}", file.file, e.render()));
                continue;
            }
        };
        let entry = by_version
            .entry(file.questionnaire.clone())
            .or_insert_with(|| (q.clone(), Vec::new()));
        entry.1.extend(testing::run_file(&q, &file));
    }
    by_version
}

#[test]
fn every_case_passes() {
    let mut errors = Vec::new();
    let mut cases = 0;
    for (_, files) in folders() {
        for (_, (_, reports)) in run_folder(&files, &mut errors) {
            cases += reports.len();
            errors.extend(
                reports
                    .iter()
                    .filter(|r| !r.passed())
                    .map(ToString::to_string),
            );
        }
    }
    assert!(
        cases > 0,
        "no test cases found under questionnaires/*/tests/"
    );
    assert!(
        errors.is_empty(),
        "{} problem(s) in the questionnaire test cases:\n\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn cases_cover_every_questionnaire() {
    let mut problems = Vec::new();
    for (folder, files) in folders() {
        if files.is_empty() {
            problems.push(format!(
                "{} has no test cases: add them in its tests/ folder (see docs/testing.md)",
                folder.display()
            ));
            continue;
        }
        let mut errors = Vec::new();
        for (_, (q, reports)) in run_folder(&files, &mut errors) {
            let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
            let coverage = testing::coverage(&q, &sessions);
            if !coverage.is_complete() {
                problems.push(coverage.to_string());
            }
        }
        // Load errors are reported by `every_case_passes`; without them the
        // coverage would look worse than it is.
        problems.extend(errors);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn violence_seven_is_fully_covered() {
    let folder = questionnaires().join("violence-seven");
    let files = sorted_entries(&folder.join("tests"));
    let mut errors = Vec::new();
    let runs = run_folder(&files, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let (q, reports) = &runs["1.0.0"];
    let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
    let coverage = testing::coverage(q, &sessions);
    assert!(coverage.is_complete(), "{coverage}");
    assert_eq!(coverage.items_shown(), (q.items().len(), q.items().len()));
    let (seen, conditions) = coverage.condition_outcomes();
    assert_eq!(seen, conditions);
    // At least the 7 item conditions, 4 flags, 5 triggers and 1 end.
    assert!(conditions >= 2 * 17, "{coverage}");
    assert_eq!(coverage.triggers_fired(), (5, 5));
    let text = coverage.to_string();
    assert!(
        text.contains("  items shown           17 of 17   100%\n"),
        "{text}"
    );
}

/// A wrong case on purpose: every kind of expectation is off.
const WRONG: &str = r#"questionnaire: 1.0.0
cases:
  - name: ongoing physical violence (written wrongly on purpose)
    steps:
      - alone: true
      - interpreter: none
      - psychological: false
      - physical: true
      - physical_when: ongoing
    expect:
      asked: [alone, interpreter, psychological, physical]
      finished: true
      ended_by: not_alone
      derived: { category: [earlier], ongoing_violence: "no" }
      triggers: [children_exposed]
      not_triggers: [ongoing_violence, ask_again_alon]
"#;

#[test]
fn a_wrong_case_fails_with_a_readable_diff() {
    let q = violence();
    let file =
        testing::parse_test_file(WRONG, "questionnaires/violence-seven/tests/wrong.yaml").unwrap();
    let report = testing::run_case(&q, &file.cases[0]);
    assert!(!report.passed());
    assert_eq!(
        report.to_string(),
        "\
FAIL ongoing physical violence (written wrongly on purpose) (questionnaires/violence-seven/tests/wrong.yaml:3)
  - asked
      expected: [alone, interpreter, psychological, physical]
      actual:   [alone, interpreter, psychological, physical, physical_when, sexual, childhood, used_violence, ongoing, children]
      shown but not expected: physical_when, sexual, childhood, used_violence, ongoing, children
  - finished
      expected: true
      actual:   false
      the next question is `sexual`
  - ended_by
      expected: not_alone
      actual:   null (not ended early)
  - derived `category`
      expected: [earlier]
      actual:   [ongoing]
  - derived `ongoing_violence`
      expected: \"no\"
      actual:   \"yes\"
  - trigger `children_exposed`
      expected: fired
      actual:   not fired
  - trigger `ongoing_violence`
      expected: not fired
      actual:   fired
  - there is no trigger `ask_again_alon` in the questionnaire; did you mean `ask_again_alone`?
"
    );
    let lines: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines[4],
        "derived `ongoing_violence`: expected \"no\", got \"yes\""
    );
    assert_eq!(
        lines[5],
        "trigger `children_exposed`: expected fired, was not fired"
    );
}

#[test]
fn a_rejected_step_stops_the_case_without_panicking() {
    let q = violence();
    let file = testing::parse_test_file(
        r"questionnaire: 1.0.0
cases:
  - name: answers out of order
    steps:
      - alone: true
      - interpreter: a cousin
      - psychological: true
    expect:
      triggers: [ongoing_violence]
  - name: back at the first question
    steps:
      - back
",
        "questionnaires/violence-seven/tests/rejected.yaml",
    )
    .unwrap();
    let report = testing::run_case(&q, &file.cases[0]);
    assert_eq!(report.steps_run, 1);
    assert_eq!(
        report.failures[0].to_string(),
        "step 2 (`interpreter`, line 6): the engine rejected the answer: invalid answer to \
         `interpreter`: expected one of \"none\", \"professional\", \"relative\" (the step gives \
         the text \"a cousin\")"
    );
    assert_eq!(
        report.to_string(),
        "\
FAIL answers out of order (questionnaires/violence-seven/tests/rejected.yaml:3)
  - step 2 (`interpreter`, line 6): the engine rejected the answer
      invalid answer to `interpreter`: expected one of \"none\", \"professional\", \"relative\" (the step gives the text \"a cousin\")
      (the case stopped here; its expectations were not checked)
"
    );
    assert_doc_shows(&report.to_string());
    // The session stays at the last accepted step.
    assert_eq!(report.session.events().len(), 1);

    let report = testing::run_case(&q, &file.cases[1]);
    assert_eq!(
        report.failures[0].to_string(),
        "step 1 (`back`, line 12): the engine rejected the going back: there is nothing to go back to"
    );
}

#[test]
fn a_bad_test_file_points_at_the_line() {
    let source = "questionnaire: 1.0.0
cases:
  - name: two answers in one step
    steps:
      - alone: true
        interpreter: none
";
    let err = testing::parse_test_file(source, "questionnaires/violence-seven/tests/bad.yaml")
        .unwrap_err();
    assert_eq!(
        err.render(),
        "\
error[V004]: case `two answers in one step`, step 1: the step has 2 keys (`alone`, `interpreter`); a step does one thing
  --> questionnaires/violence-seven/tests/bad.yaml:5:9 (at cases[0].steps[0])
  |
5 |       - alone: true
  |         ^
  = help: put each answer in its own step, each line starting with `- `

1 error(s), 0 warning(s)
"
    );
    assert_doc_shows(&err.render());
}

/// The YAML examples in docs/testing.md: questionnaires (`format: 1`)
/// compile, test files (first line `# questionnaires/<id>/tests/<name>.yaml`)
/// load and every case in them passes, against the shipped questionnaire
/// or one defined in the doc. The failing example prints what the doc shows.
#[test]
fn the_examples_in_the_docs_run() {
    let blocks = doc_blocks();
    let mut defined: BTreeMap<String, Questionnaire> = BTreeMap::new();
    for (lang, block) in &blocks {
        if lang == "yaml" && block.starts_with("format: 1") {
            let q = vidare::compile(block, "docs/testing.md").unwrap();
            defined.insert(format!("{}/{}", q.id(), q.version()), q);
        }
    }
    let mut ran = 0;
    let mut failing_output = None;
    let mut example_sessions = Vec::new();
    for (lang, block) in &blocks {
        let Some(name) = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# questionnaires/"))
        else {
            continue;
        };
        assert_eq!(lang, "yaml");
        let file = testing::parse_test_file(block, &format!("questionnaires/{name}"))
            .unwrap_or_else(|e| panic!("{}", e.render()));
        let id = name.split('/').next().unwrap();
        let q = match defined.get(&format!("{id}/{}", file.questionnaire)) {
            Some(q) => q.clone(),
            None => vidare::load(
                questionnaires()
                    .join(id)
                    .join(format!("{}.yaml", file.questionnaire)),
            )
            .unwrap(),
        };
        for report in testing::run_file(&q, &file) {
            ran += 1;
            if name.ends_with("failing.yaml") {
                failing_output = Some(report.to_string());
            } else {
                assert!(report.passed(), "docs/testing.md: {report}");
                if name == "sleep-check/tests/strain.yaml" {
                    example_sessions.push((q.clone(), report.session));
                }
            }
        }
    }
    assert!(ran >= 6, "only {ran} cases found in docs/testing.md");
    let shows = |output: &str| blocks.iter().any(|(lang, b)| lang == "text" && b == output);
    let output = failing_output.expect("the doc has a failing example");
    assert!(
        shows(&output),
        "docs/testing.md should show this output of the failing example:\n{output}"
    );
    // The coverage report shown is that of the sleep-check cases without the first.
    let (q, _) = &example_sessions[0];
    let sessions: Vec<_> = example_sessions[1..].iter().map(|(_, s)| s).collect();
    let output = testing::coverage(q, &sessions).to_string();
    assert!(
        shows(&output),
        "docs/testing.md should show this coverage of the sleep-check cases but the first:\n{output}"
    );
}

fn doc_blocks() -> Vec<(String, String)> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/testing.md"))
            .unwrap();
    fenced_blocks(&doc)
}

/// docs/testing.md has a plain block that is part of `output`.
fn assert_doc_shows(output: &str) {
    assert!(
        doc_blocks()
            .iter()
            .any(|(lang, b)| lang.is_empty() && b.len() > 40 && output.contains(b.as_str())),
        "docs/testing.md should show this output:\n{output}"
    );
}

/// (info string, text) of every fenced block of a Markdown text.
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some(info) = line.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => current = Some((info.trim().to_owned(), String::new())),
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    blocks
}

/// Every language a shipped questionnaire declares has the engine's own
/// phrases (Yes, No, "Prefer not to answer", ...) in that language, so a
/// frontend need not fall back to the practitioner's language for them.
#[test]
fn every_shipped_language_has_the_engine_phrases() {
    let registry = vidare::Registry::load_dir(questionnaires()).unwrap();
    for q in registry.iter() {
        for lang in q.languages() {
            let found = vidare::phrases::lookup(lang, "qqq");
            assert!(
                !found.fell_back && found.lang == lang,
                "{}@{}: no phrases in `{lang}`",
                q.id(),
                q.version()
            );
        }
    }
}

/// The newest version of every shipped questionnaire names each place it
/// refers to in Swedish and English, so the practitioner never reads a
/// bare key such as `study-counselling`.
#[test]
fn the_newest_versions_name_every_referral_in_swedish_and_english() {
    let registry = vidare::Registry::load_dir(questionnaires()).unwrap();
    let ids: Vec<String> = registry.ids().map(str::to_owned).collect();
    assert!(ids.len() >= 4, "{ids:?}");
    for id in &ids {
        let q = registry.latest(id).unwrap();
        let document = q.document();
        let names = &document.referrals.as_ref().expect("`referrals:`").value;
        assert!(!document.triggers.is_empty(), "{id}");
        for trigger in &document.triggers {
            let key = trigger.refer_to.value.as_str();
            for lang in ["sv", "en"] {
                // Read from the map itself: `referral_label` would fall
                // back to the default language.
                let name = names.get(key).and_then(|texts| texts.value.get(lang));
                assert!(
                    name.is_some_and(|n| !n.trim().is_empty() && n != key),
                    "{id} {}: `{key}` has no name in {lang}",
                    q.version()
                );
            }
            assert_ne!(q.referral_label(key, "sv"), Some(key), "{id}");
        }
    }
}
