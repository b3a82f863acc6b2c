//! See tests/workspace.rs.
//!
//! `tests/invalid/` holds one small questionnaire per diagnostic code, named
//! `<code>-<short-name>.yaml`, each otherwise valid and triggering that code.
//! Their terminal renderings are snapshotted, so a change in a message, a
//! help text or a position shows up in review.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vidare::diagnostic::{render_all, to_json};
use vidare::{Compiler, Diagnostic, Limits, diagnostic::Code, diagnostic::Severity};

/// Fixtures that do not (yet) report the code they are named after because
/// of a problem in the engine. Their snapshots record what the engine says
/// today; when it is fixed, the fixture reports its code, this test fails,
/// and the entry is removed (and the snapshot reviewed).
const KNOWN_WRONG_CODE: &[(&str, &str)] = &[];

fn known_wrong_code(name: &str) -> bool {
    KNOWN_WRONG_CODE.iter().any(|(n, _)| *n == name)
}

const INVALID: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/invalid");
const QUESTIONNAIRES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/questionnaires");

/// The bare file name, so diagnostics and snapshots hold no machine paths.
fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("fixture names are UTF-8")
        .to_owned()
}

/// The code a fixture is named after: `V010-duplicate-id.yaml` → `V010`.
fn code_of(name: &str) -> &str {
    name.split_once('-').map_or(name, |(code, _)| code)
}

/// The text of a fixture's first comment line, which says what it tests.
fn description(source: &str) -> String {
    source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix('#'))
        .map(str::trim)
        .unwrap_or_default()
        .to_owned()
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(INVALID)
        .expect("tests/invalid exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

fn check(path: &Path) -> (String, Option<vidare::Questionnaire>, Vec<Diagnostic>) {
    let source = std::fs::read_to_string(path).expect("fixture is readable");
    let (questionnaire, diagnostics) = Compiler::new().check(&source, &file_name(path));
    (source, questionnaire, diagnostics)
}

#[test]
fn every_invalid_fixture_reports_its_code() {
    // Problems are collected so one run shows (and snapshots) every fixture.
    let mut problems: Vec<String> = Vec::new();
    insta::glob!("invalid/*.yaml", |path| {
        let name = file_name(path);
        let source = std::fs::read_to_string(path).expect("fixture is readable");
        let (questionnaire, diagnostics) = Compiler::new().check(&source, &name);
        let expected = code_of(&name);
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        if has_errors && questionnaire.is_some() {
            problems.push(format!(
                "{name}: a questionnaire was returned despite errors"
            ));
        }
        let reported = diagnostics.iter().any(|d| d.code.as_str() == expected);
        if known_wrong_code(&name) {
            if reported {
                problems.push(format!(
                    "{name} now reports {expected}: remove it from KNOWN_WRONG_CODE"
                ));
            }
        } else if !reported {
            problems.push(format!(
                "{name}: no {expected} diagnostic; got:\n{}",
                render_all(&diagnostics, &source)
            ));
        }
        if !description(&source).starts_with(&format!("{expected}:")) {
            problems.push(format!(
                "{name}: the first line should be a comment `# {expected}: what it tests`"
            ));
        }
        insta::with_settings!({
            description => description(&source),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(render_all(&diagnostics, &source));
        });
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_code_has_a_fixture() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|p| file_name(p))
        .filter(|n| !known_wrong_code(n))
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !names.iter().any(|n| code_of(n) == *code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/invalid/: {}",
        missing.join(", ")
    );
}

#[test]
fn fixture_names_are_known_codes() {
    for path in fixtures() {
        let name = file_name(&path);
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == code_of(&name)),
            "{name} is not named after a diagnostic code"
        );
    }
}

#[test]
fn known_wrong_code_entries_exist() {
    for (name, _) in KNOWN_WRONG_CODE {
        assert!(
            Path::new(INVALID).join(name).is_file(),
            "KNOWN_WRONG_CODE names a missing fixture {name}"
        );
    }
}

#[test]
fn lowered_yaml_limits_are_reported_as_limit_exceeded() {
    // The YAML limits cannot be reached by a well-typed document with the
    // defaults, so they are tested on the shipped questionnaire with lower ones.
    let path = Path::new(QUESTIONNAIRES).join("violence-seven/1.0.0.yaml");
    let source = std::fs::read_to_string(path).expect("readable questionnaire");
    let cases = [
        (
            "depth",
            Limits {
                max_yaml_depth: 4,
                ..Limits::default()
            },
        ),
        (
            "aliases",
            Limits {
                max_aliases: 3,
                ..Limits::default()
            },
        ),
        (
            "file size",
            Limits {
                max_file_bytes: 100,
                ..Limits::default()
            },
        ),
    ];
    for (what, limits) in cases {
        let (questionnaire, diagnostics) =
            Compiler::with_limits(limits).check(&source, "violence-seven/1.0.0.yaml");
        assert!(questionnaire.is_none(), "{what}");
        assert!(
            diagnostics.iter().any(|d| d.code == Code::LimitExceeded),
            "{what}: {}",
            render_all(&diagnostics, &source)
        );
    }
}

#[test]
fn json_rendering_has_code_location_message_and_help() {
    let (_, _, diagnostics) = check(&Path::new(INVALID).join("V010-duplicate-id.yaml"));
    let json: serde_json::Value =
        serde_json::from_str(&to_json(&diagnostics)).expect("to_json gives valid JSON");
    let list = json.as_array().expect("a JSON array");
    let d = list
        .iter()
        .find(|d| d["code"] == "V010")
        .expect("the V010 diagnostic");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["file"], "V010-duplicate-id.yaml");
    assert_eq!(d["location"]["line"], 14);
    assert_eq!(d["location"]["column"], 13);
    assert_eq!(d["location"]["path"], "sections[0].items[1].id");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains("alone")),
        "{d}"
    );
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
    assert_eq!(d["related"][0]["location"]["line"], 11, "{d}");
}

#[test]
fn unreachable_is_a_warning_kept_on_the_questionnaire() {
    let (_, questionnaire, diagnostics) = check(&Path::new(INVALID).join("V023-unreachable.yaml"));
    assert!(
        diagnostics
            .iter()
            .all(|d| d.code == Code::Unreachable && d.severity == Severity::Warning),
        "{diagnostics:?}"
    );
    let questionnaire = questionnaire.expect("a warning does not stop loading");
    let warnings = questionnaire.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].code, Code::Unreachable);
    assert_eq!(warnings[0].severity, Severity::Warning);
}

#[test]
fn shipped_questionnaires_compile_without_diagnostics_but_legacy_disclosures() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable directory") {
            let path = entry.expect("readable directory entry").path();
            if path.is_dir() {
                // Each questionnaire's `tests/` holds its test cases, not definitions.
                if path.file_name().is_some_and(|n| n != "tests") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(QUESTIONNAIRES), &mut files);
    assert!(!files.is_empty(), "no questionnaires found");
    for path in files {
        let source = std::fs::read_to_string(&path).expect("readable questionnaire");
        let name = path
            .strip_prefix(QUESTIONNAIRES)
            .unwrap_or(&path)
            .display()
            .to_string();
        let (questionnaire, diagnostics) = Compiler::new()
            .with_include_root(QUESTIONNAIRES)
            .check(&source, &name);
        // Versions published in format 1, before the disclosure check,
        // keep their digest: their undeclared disclosures are V030
        // warnings, and nothing else may be reported.
        let legacy = source.lines().any(|l| l == "format: 1");
        let unexpected: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| !(legacy && d.code == Code::UndeclaredDisclosureLegacy))
            .cloned()
            .collect();
        assert!(
            unexpected.is_empty(),
            "{name}:\n{}",
            render_all(&unexpected, &source)
        );
        assert!(questionnaire.is_some(), "{name} did not compile");
    }
}

/// The help of V014 for `item == 1` on a choice item.
fn choice_number_help(values: &[&str], condition: &str) -> String {
    let options = values.iter().fold(String::new(), |mut out, v| {
        let _ = writeln!(
            out,
            "          - {{ value: \"{v}\", label: {{ en: \"{v}\" }} }}"
        );
        out
    });
    let source = format!(
        "format: 2\nid: t\nversion: 1.0.0\ntitle: {{ en: T }}\nlanguages: [en]\n\
         default_language: en\nsections:\n  - id: main\n    items:\n\
         \x20     - id: worry\n        kind: single_choice\n        text: {{ en: Worry? }}\n\
         \x20       options:\n{options}\
         \x20     - id: next\n        kind: yes_no\n        when: {condition}\n\
         \x20       text: {{ en: Next? }}\n"
    );
    let mut diagnostics = vidare::compile(&source, "t.yaml")
        .unwrap_err()
        .diagnostics()
        .to_vec();
    // Values "0" to "3" are also list numbers: the V037 warning comes too.
    diagnostics.retain(|d| d.code != Code::NumberedOptionValue);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, Code::TypeMismatch);
    diagnostics[0].help.clone().unwrap_or_default()
}

#[test]
fn a_choice_compared_with_a_number_lists_its_values() {
    assert_eq!(
        choice_number_help(&["0", "1", "2", "3"], "worry == 1"),
        r#"option values are written in quotes: did you mean "1"? the values are "0", "1", "2", "3""#
    );
    assert_eq!(
        choice_number_help(&["none", "some"], "2 != worry"),
        r#"a choice is compared with one of its option values in quotes: "none", "some""#
    );
}
