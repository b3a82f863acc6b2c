//! `vidare diff`: the changes between two versions, their classes, and
//! the verdict on the version number.

use crate::common;

use common::{WELLBEING, WELLBEING_NEW, output, settings, vidare, write};

#[test]
fn a_major_change_numbered_as_minor_fails_the_version_check() {
    let (code, stdout, stderr) = output(vidare().args(["diff", WELLBEING, WELLBEING_NEW]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_diff_as_json() {
    let (code, stdout, _) =
        output(vidare().args(["diff", WELLBEING, WELLBEING_NEW, "--format", "json"]));
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["required_bump"], "major");
    assert_eq!(json["actual_bump"], "minor");
    assert_eq!(json["version_ok"], false);
    settings(None).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn a_version_raised_enough_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let text = common::read(WELLBEING_NEW).replace("version: 1.1.0", "version: 2.0.0");
    let new = write(tmp.path(), "wellbeing-check/2.0.0.yaml", &text);
    let (code, stdout, _) = output(vidare().args(["diff", WELLBEING]).arg(&new));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.ends_with(
            "version: the changes need a major release; 1.0.0 → 2.0.0 is a major release — ok\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_file_compared_with_itself_has_no_changes() {
    let shipped = "questionnaires/violence-seven/1.0.0.yaml";
    let (code, stdout, _) = output(vidare().args(["diff", shipped, shipped]));
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout, @r"
    `violence-seven` 1.0.0 → 1.0.0: 0 changes

    version: the changes need no release; 1.0.0 → 1.0.0 keeps the version — ok
    ");
}

#[test]
fn a_file_that_does_not_compile_is_an_error() {
    let (code, stdout, stderr) = output(vidare().args(["diff", WELLBEING, "no/such.yaml"]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: cannot read no/such.yaml"),
        "{stderr}"
    );
}

/// Naming the referrals (violence-seven 2.1.0 → 2.2.0) is a change of
/// texts, one per name, not a rewrite "without a change in meaning".
#[test]
fn named_referrals_are_text_changes() {
    let (code, stdout, stderr) = output(vidare().args([
        "diff",
        "questionnaires/violence-seven/2.1.0.yaml",
        "questionnaires/violence-seven/2.2.0.yaml",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("7 changes"), "{stdout}");
    assert!(
        stdout.contains(
            "  - the name of referral `social-services` was added\n      now: Socialtjänsten\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("without a change in meaning"), "{stdout}");
    assert!(
        stdout.contains("the changes need a patch release"),
        "{stdout}"
    );
}
