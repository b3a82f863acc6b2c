//! `replay`, `impact` and `audit` on crafted files and folders (issue 18,
//! items 10 to 13): folders that link to themselves, a recording passed
//! many times, forged recorded answers, recordings over the limits, and
//! ids with terminal control characters. Nothing here may hang, count a
//! recording twice, or print an answer.

use crate::common;

use std::path::{Path, PathBuf};

use common::{WELLBEING, output, vidare};

/// A recording of gender-equality-compass 1.0.0 whose protected answer
/// (`gender`) is recorded.
const GENDER_RECORDING: &str = "tests/recordings/generated/gender-equality-compass-1.0.0-000.json";

fn recording_json() -> serde_json::Value {
    serde_json::from_str(&common::read(GENDER_RECORDING)).unwrap()
}

fn write_json(path: &Path, json: &serde_json::Value) -> PathBuf {
    std::fs::write(path, serde_json::to_string_pretty(json).unwrap()).unwrap();
    path.to_path_buf()
}

/// A folder holding one recording and two links to itself.
fn folder_with_self_links(tmp: &Path) -> PathBuf {
    let folder = tmp.join("recordings");
    std::fs::create_dir(&folder).unwrap();
    write_json(&folder.join("one.json"), &recording_json());
    std::os::unix::fs::symlink(".", folder.join("again")).unwrap();
    std::os::unix::fs::symlink(&folder, folder.join("and-again")).unwrap();
    folder
}

#[test]
fn folders_that_link_to_themselves_are_searched_once() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = folder_with_self_links(tmp.path());
    let (code, stdout, stderr) = output(vidare().arg("replay").arg(&folder));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("1 recording(s): 1 equal"),
        "{stdout}{stderr}"
    );
    assert_eq!(
        stdout.matches("a link back to a folder it is in").count(),
        2,
        "{stdout}"
    );

    let (code, stdout, stderr) = output(
        vidare()
            .arg("impact")
            .arg("questionnaires/gender-equality-compass/1.0.0.yaml")
            .arg(&folder),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("on 1 recorded session(s)"), "{stdout}");

    let (code, stdout, stderr) = output(vidare().arg("audit").arg(&folder));
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    // One session: every group it makes is under 5 and suppressed.
    assert!(stdout.contains("< 5"), "{stdout}");
}

#[test]
fn the_same_recording_named_five_times_counts_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_json(&tmp.path().join("one.json"), &recording_json());
    let link = tmp.path().join("link.json");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let mut args: Vec<PathBuf> = vec![file.clone(); 4];
    args.push(link);

    let (code, stdout, _) = output(vidare().arg("replay").args(&args));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("1 recording(s): 1 equal"), "{stdout}");
    assert_eq!(stdout.matches("the same file as").count(), 4, "{stdout}");

    // Counted five times, the one person would make a group of 5 and be
    // shown; counted once, every group is under 5 and suppressed.
    let (code, stdout, stderr) = output(vidare().args(["audit", "--format", "json"]).args(&args));
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    let audits: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let groups: Vec<&serde_json::Value> = audits[0]["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["levels"].as_array().unwrap())
        .flat_map(|l| l["groups"].as_array().unwrap())
        .collect();
    assert!(!groups.is_empty(), "{stdout}");
    for group in groups {
        assert_eq!(group["suppressed"], "< 5", "{group}");
    }
}

#[test]
fn a_forged_recorded_answer_is_a_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let mut json = recording_json();
    let answers = json["result"]["answers"].as_array_mut().unwrap();
    let gender = answers
        .iter_mut()
        .find(|a| a["item"] == "gender")
        .expect("the recording answers gender");
    gender["value"] = "forged".into();
    let file = write_json(&tmp.path().join("forged.json"), &json);

    let (code, stdout, _) = output(vidare().arg("replay").arg(&file));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("answer `gender`: the recorded value is not the one its events give"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("forged\n") && !stdout.contains("\"forged\""),
        "{stdout}"
    );
    assert!(stdout.contains("0 equal, 1 different"), "{stdout}");
}

#[test]
fn replay_and_impact_print_no_score_values() {
    let tmp = tempfile::tempdir().unwrap();
    let source =
        common::read("crates/vidare-cli/tests/fixtures/recordings/poor-sleep-no-help.json");
    let mut json: serde_json::Value = serde_json::from_str(&source).unwrap();
    json["result"]["scores"][0]["value"] = 1234.5.into();
    let file = write_json(&tmp.path().join("scores.json"), &json);

    let (code, stdout, _) = output(
        vidare()
            .arg("replay")
            .arg(&file)
            .args(["--questionnaires", common::FIXTURE_QUESTIONNAIRES]),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("score `strain` changed"), "{stdout}");
    assert!(!stdout.contains("1234"), "{stdout}");

    for format in ["text", "json"] {
        let (code, stdout, _) = output(
            vidare()
                .args(["impact", WELLBEING])
                .arg(&file)
                .args(["--format", format]),
        );
        assert_eq!(code, 0, "{stdout}");
        assert!(!stdout.contains("1234"), "{format}: {stdout}");
        assert!(!stdout.contains("mean change"), "{format}: {stdout}");
        assert!(!stdout.contains("delta"), "{format}: {stdout}");
        assert!(stdout.contains("strain"), "{format}: {stdout}");
    }
}

#[test]
fn audit_by_takes_only_items_with_a_fixed_list_of_answers() {
    let (code, stdout, stderr) =
        output(vidare().args(["audit", GENDER_RECORDING, "--by", "care_hours"]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("has `care_hours` as a number item, so its 1 recording(s) were not audited; --by takes only a yes_no, single_choice or multiple_choice item"),
        "{stderr}"
    );
    assert_eq!(stdout, "");
}

#[test]
fn a_recording_over_the_event_limit_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut json = recording_json();
    let first = json["events"][0].clone();
    json["events"] = serde_json::Value::Array(vec![first; 10_001]);
    let file = write_json(&tmp.path().join("long.json"), &json);
    let (code, stdout, stderr) = output(vidare().arg("replay").arg(&file));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("the recording has 10001 events, more than the limit of 10000"),
        "{stdout}"
    );
}

#[test]
fn a_recording_over_the_size_limit_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut json = recording_json();
    json["note"] = "x".repeat(vidare::Recording::MAX_BYTES).into();
    let file = write_json(&tmp.path().join("big.json"), &json);
    let (code, stdout, stderr) = output(vidare().arg("replay").arg(&file));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("the recording is larger than the limit of 8388608 bytes"),
        "{stdout}"
    );
}

#[test]
fn control_characters_and_huge_ids_in_recordings_are_not_printed_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let mut json = recording_json();
    let events = json["events"].as_array_mut().unwrap();
    events.insert(
        0,
        serde_json::json!({"event": "respond", "item": "\u{1b}]0;owned\u{7}\u{1b}[2J", "response": {"answer": true}}),
    );
    events.insert(
        1,
        serde_json::json!({"event": "respond", "item": "y".repeat(3_000_000), "response": {"answer": true}}),
    );
    let file = write_json(&tmp.path().join("escapes.json"), &json);
    for command in ["replay", "impact"] {
        let mut cmd = vidare();
        cmd.arg(command);
        if command == "impact" {
            cmd.arg("questionnaires/gender-equality-compass/1.0.0.yaml");
        }
        let (_, stdout, stderr) = output(cmd.arg(&file));
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{command}: {stdout:?}"
        );
        assert!(
            stdout.contains("\\u{1b}]0;owned\\u{7}"),
            "{command}: {stdout}"
        );
        assert!(stdout.len() < 100_000, "{command}: {} bytes", stdout.len());
        assert!(stdout.contains("more characters)"), "{command}");
        assert!(!stderr.contains('\u{1b}'), "{command}: {stderr:?}");
    }
}

#[test]
fn a_forged_group_name_with_control_characters_is_escaped_in_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let mut json = recording_json();
    let answers = json["result"]["answers"].as_array_mut().unwrap();
    let gender = answers.iter_mut().find(|a| a["item"] == "gender").unwrap();
    gender["value"] = "\u{1b}[2Jforged".into();
    let file = write_json(&tmp.path().join("forged.json"), &json);
    let (code, stdout, stderr) = output(vidare().arg("audit").arg(&file));
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("\\u{1b}[2Jforged"), "{stdout}");
}
