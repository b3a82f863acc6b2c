//! `vidare impact`: what a new version would change for recorded sessions.

use crate::common;

use common::{FIXTURE_RECORDINGS, WELLBEING_NEW, output, settings, vidare, write};

#[test]
fn the_new_version_changes_two_recorded_sessions() {
    let (code, stdout, stderr) = output(vidare().args([
        "impact",
        WELLBEING_NEW,
        FIXTURE_RECORDINGS,
        "tests/recordings/hand",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_impact_as_json() {
    let (code, stdout, _) = output(vidare().args([
        "impact",
        WELLBEING_NEW,
        FIXTURE_RECORDINGS,
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["total"], 5);
    assert_eq!(json["changed"], 2);
    assert_eq!(json["unchanged"], 3);
    assert_eq!(json["bands"][0]["to"], "high");
    settings(None).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn recordings_the_new_version_rejects_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    // A scale of 0 to 3 no longer accepts the recorded 4.
    let text = common::read(WELLBEING_NEW)
        .replace("version: 1.1.0", "version: 2.0.0")
        .replace("max: 4", "max: 3")
        .replace("{ value: 4, label:", "{ value: 3, label:");
    let new = write(tmp.path(), "wellbeing-check/2.0.0.yaml", &text);
    let (code, stdout, stderr) = output(vidare().arg("impact").arg(&new).arg(FIXTURE_RECORDINGS));
    assert_eq!(code, 0, "{stdout}{stderr}");
    settings(Some(tmp.path())).bind(|| insta::assert_snapshot!(stdout));
}
