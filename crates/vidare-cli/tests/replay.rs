//! `vidare replay`: the recorded-session corpus replays to its results;
//! tampered recordings are reported and fail.

use crate::common;

use std::path::{Path, PathBuf};

use common::{FIXTURE_QUESTIONNAIRES, FIXTURE_RECORDINGS, output, settings, vidare};

/// A copy of a fixture recording in `tmp`, changed by `edit`.
fn tampered(tmp: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let source = common::read(&format!("{FIXTURE_RECORDINGS}/{name}"));
    let mut json: serde_json::Value = serde_json::from_str(&source).unwrap();
    edit(&mut json);
    let path = tmp.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path
}

#[test]
fn the_corpus_replays_to_its_recorded_results() {
    let (code, stdout, stderr) = output(vidare().args(["replay", "tests/recordings"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    // No progress bar without a terminal.
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout, @r"
    skipped tests/recordings/hand/scenarios.yaml: not a recording (no `format` and `events` at the top)
    88 recording(s): 88 equal, 0 different, 0 rejected, 0 error(s)
    ");
}

#[test]
fn recordings_replay_on_another_folder_of_questionnaires() {
    let (code, stdout, _) = output(vidare().args([
        "replay",
        FIXTURE_RECORDINGS,
        "--questionnaires",
        FIXTURE_QUESTIONNAIRES,
    ]));
    assert_eq!(code, 0, "{stdout}");
    // One of them is YAML.
    insta::assert_snapshot!(stdout, @"5 recording(s): 5 equal, 0 different, 0 rejected, 0 error(s)");
}

#[test]
fn a_tampered_result_is_a_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tampered(tmp.path(), "poor-sleep-no-help.json", |json| {
        let strain = json["result"]["scores"][0].as_object_mut().unwrap();
        strain["value"] = 2.0.into();
        strain["band"]["id"] = "low".into();
    });
    let (code, stdout, _) = output(
        vidare()
            .arg("replay")
            .arg(&path)
            .args(["--questionnaires", FIXTURE_QUESTIONNAIRES]),
    );
    assert_eq!(code, 1, "{stdout}");
    settings(Some(tmp.path())).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn a_tampered_event_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tampered(tmp.path(), "good-sleep.json", |json| {
        json["events"][1]["response"]["answer"] = 9.into();
    });
    let (code, stdout, _) = output(
        vidare()
            .arg("replay")
            .arg(&path)
            .args(["--questionnaires", FIXTURE_QUESTIONNAIRES]),
    );
    assert_eq!(code, 1, "{stdout}");
    settings(Some(tmp.path())).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn a_changed_digest_is_an_error_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tampered(tmp.path(), "good-sleep.json", |json| {
        json["questionnaire"]["digest"] = "sha256:0000".into();
    });
    let run = |allow: bool| {
        let mut command = vidare();
        command
            .arg("replay")
            .arg(&path)
            .args(["--questionnaires", FIXTURE_QUESTIONNAIRES]);
        if allow {
            command.arg("--allow-digest-mismatch");
        }
        output(&mut command)
    };
    let (code, stdout, _) = run(false);
    assert_eq!(code, 2, "{stdout}");
    settings(Some(tmp.path())).bind(|| insta::assert_snapshot!(stdout));
    let (code, stdout, _) = run(true);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!(stdout, @r"
    1 recording(s): 1 equal, 0 different, 0 rejected, 0 error(s)
    1 replayed on a definition whose digest differs from the recorded one (allowed)
    ");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_among_recordings_is_an_error_not_a_wait() {
    // A `.yaml` named pipe in a folder of recordings: deciding whether it
    // is a recording must not open it for reading (which would wait for a
    // writer); it is reported as unreadable and the others replay.
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::root().join(FIXTURE_RECORDINGS)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    let made = std::process::Command::new("mkfifo")
        .arg(tmp.path().join("pipe.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (code, stdout, _) = output(
        vidare()
            .arg("replay")
            .arg(tmp.path())
            .args(["--questionnaires", FIXTURE_QUESTIONNAIRES])
            .timeout(std::time::Duration::from_secs(10)),
    );
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("recording(s): 5 equal, 0 different, 0 rejected, 1 error(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("named pipe"), "{stdout}");
}

#[test]
fn an_unreadable_recording_is_an_error_and_the_others_still_replay() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{\"format\": 1, \"events\": [").unwrap();
    let (code, stdout, _) = output(
        vidare()
            .arg("replay")
            .arg(&broken)
            .arg(FIXTURE_RECORDINGS)
            .args(["--questionnaires", FIXTURE_QUESTIONNAIRES]),
    );
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("6 recording(s): 5 equal, 0 different, 0 rejected, 1 error(s)"),
        "{stdout}"
    );
}

#[test]
fn no_recordings_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, stderr) = output(vidare().arg("replay").arg(tmp.path()));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: no recordings found in"),
        "{stderr}"
    );
}
