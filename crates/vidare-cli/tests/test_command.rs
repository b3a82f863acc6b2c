//! `vidare test`: the YAML test cases of questionnaires, their PASS/FAIL
//! lines, the coverage per version, and the exit codes.

use crate::common;

use common::{output, settings, vidare, write};

#[test]
fn the_shipped_questionnaires_pass_with_complete_coverage() {
    let (code, stdout, stderr) = output(vidare().args(["test", "questionnaires"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.ends_with("coverage complete for 14 of 14 questionnaire version(s)\n"),
        "{stdout}"
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_questionnaire_folder_means_its_tests() {
    let (code, stdout, _) = output(vidare().args(["test", "questionnaires/violence-seven"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("questionnaires/violence-seven/tests/paths.yaml (violence-seven 1.0.0)")
    );
    assert!(!stdout.contains("boston"), "{stdout}");
    let (code, file_only, _) =
        output(vidare().args(["test", "questionnaires/violence-seven/tests/framing.yaml"]));
    // One file of four covers only part of the questionnaire.
    assert_eq!(code, 1, "{file_only}");
    assert!(file_only.contains("not covered:"), "{file_only}");
}

#[test]
fn a_failing_case_exits_2_and_shows_what_differed() {
    let (code, stdout, stderr) = output(vidare().args([
        "test",
        "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check",
    ]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.contains("  FAIL poor sleep"), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn passing_cases_that_do_not_cover_everything_exit_1() {
    let (code, stdout, _) = output(vidare().args([
        "test",
        "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check/tests/basics.yaml",
    ]));
    assert_eq!(code, 1, "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_broken_test_file_is_reported_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "wellbeing-check/1.0.0.yaml",
        &common::read(common::WELLBEING),
    );
    write(
        tmp.path(),
        "wellbeing-check/tests/broken.yaml",
        "questionnaire: 1.0.0\ncases:\n  - name: no steps\n    stepz: []\n",
    );
    let (code, stdout, _) = output(vidare().arg("test").arg(tmp.path().join("wellbeing-check")));
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("broken.yaml:4"), "{stdout}");
    settings(Some(tmp.path())).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn a_missing_path_is_an_error() {
    let (code, stdout, stderr) = output(vidare().args(["test", "no/such/tests.yaml"]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    insta::assert_snapshot!(stderr, @"error: no/such/tests.yaml does not exist; give test files or questionnaire folders");
}

#[test]
fn a_questionnaire_file_means_the_tests_of_its_version() {
    let (code, stdout, _) = output(vidare().args([
        "test",
        "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check/1.0.0.yaml",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("1.1.0"), "{stdout}");
    assert!(
        stdout.ends_with(
            "4 case(s): 4 passed, 0 failed\ncoverage complete for 1 of 1 questionnaire version(s)\n"
        ),
        "{stdout}"
    );
}
