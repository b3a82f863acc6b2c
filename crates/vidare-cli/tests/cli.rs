//! The `vidare` binary end to end: `check`, `schema`, and `run` with
//! scripted input on the shipped violence questionnaire and, for the
//! counterfactual check, the compass (the other commands have files of
//! their own). Outputs are
//! snapshotted with temporary paths replaced by `[TMP]`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const VIOLENCE: &str = "questionnaires/violence-seven/1.0.0.yaml";
/// A shipped questionnaire without warnings: the violence questionnaire
/// (format 1) keeps outputs that reveal conversation-only answers (V030).
const BOSTON: &str = "questionnaires/boston-life-areas/1.0.0.yaml";

/// The workspace root: commands run there so paths in output are short.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vidare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vidare"));
    command.current_dir(root());
    command
}

/// Runs `vidare` and returns (exit code, stdout, stderr).
fn output(command: &mut Command) -> (i32, String, String) {
    let out = command.output().expect("vidare runs");
    (
        out.status.code().expect("vidare exits with a code"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// Snapshot settings that replace the temporary folder with `[TMP]`.
fn settings(tmp: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    let shown = tmp.display().to_string();
    settings.add_filter(&regex::escape(&shown), "[TMP]");
    settings
}

/// A copy of the shipped questionnaire in `<tmp>/violence-seven/1.0.0.yaml`
/// with one edit.
fn broken_copy(tmp: &Path) -> PathBuf {
    let source = std::fs::read_to_string(root().join(VIOLENCE)).unwrap();
    let edited = source.replacen(
        r#"physical_when == "ongoing")"#,
        r#"physical_when == "ongoin")"#,
        1,
    );
    assert_ne!(source, edited, "the edit applies");
    let dir = tmp.join("violence-seven");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("1.0.0.yaml");
    std::fs::write(&path, edited).unwrap();
    path
}

/// A full interview: alone, no interpreter, earlier psychological violence
/// declined on its time frame, physical violence going on now, children
/// not exposed.
const FULL: &[&str] = &[
    "yes", "none", "yes", ":decline", "yes", "ongoing", "no", "no", "no", "no", "no",
];

fn script(lines: &[&str]) -> String {
    lines.iter().flat_map(|l| [l, "\n"]).collect()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn check_a_shipped_questionnaire() {
    let (code, stdout, stderr) = output(vidare().args(["check", BOSTON]));
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout, @"questionnaires/boston-life-areas/1.0.0.yaml: ok (boston-life-areas 1.0.0)");
    assert_eq!(stderr, "");
}

#[test]
fn check_a_directory_skips_tests_folders() {
    let (code, stdout, stderr) = output(vidare().args(["check", "questionnaires"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("questionnaires/boston-life-areas/1.0.0.yaml: ok"),
        "{stdout}"
    );
    assert!(stdout.contains("warning[V030]"), "{stdout}");
    assert!(!stdout.contains("/tests/"), "{stdout}");
}

#[test]
fn check_a_broken_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let path = broken_copy(tmp.path());
    let (code, stdout, stderr) = output(vidare().arg("check").arg(&path));
    assert_eq!(code, 2);
    assert_eq!(stderr, "");
    settings(tmp.path()).bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn check_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let path = broken_copy(tmp.path());
    let (code, stdout, _) = output(vidare().arg("check").arg(&path).args(["--format", "json"]));
    assert_eq!(code, 2);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json[0]["code"], "V013");
    assert_eq!(json[0]["severity"], "error");
    settings(tmp.path()).bind(|| insta::assert_snapshot!(stdout));

    let (code, stdout, _) = output(vidare().args(["check", BOSTON, "--format", "json"]));
    assert_eq!((code, stdout.as_str()), (0, "[]\n"));
}

#[test]
fn warnings_fail_only_when_denied() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("unreachable.yaml");
    std::fs::write(
        &path,
        "format: 1\nid: fixture\nversion: 1.0.0\ntitle: { sv: Test, en: Test }\n\
         languages: [sv, en]\ndefault_language: sv\nsections:\n  - id: main\n    items:\n\
         \x20     - id: alone\n        kind: yes_no\n        text: { sv: Ensam?, en: Alone? }\n\
         \x20     - id: children\n        kind: yes_no\n        when: alone == true && alone == false\n\
         \x20       text: { sv: Barn?, en: Children? }\n",
    )
    .unwrap();
    let (code, stdout, _) = output(vidare().arg("check").arg(&path));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("warning[V023]"), "{stdout}");
    let (code, _, _) = output(vidare().arg("check").arg(&path).arg("--deny-warnings"));
    assert_eq!(code, 1);
}

#[test]
fn check_a_missing_file() {
    let (code, stdout, stderr) = output(vidare().args(["check", "no/such.yaml"]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: cannot read no/such.yaml"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn check_a_named_pipe() {
    // Opening a named pipe for reading waits for a writer; the core checks
    // the file type first. The timeout kills a broken build's wait, which
    // then has no exit code and fails the test.
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (code, stdout, stderr) = output(
        vidare()
            .arg("check")
            .arg(&pipe)
            .timeout(std::time::Duration::from_secs(10)),
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("pipe.yaml: it is a named pipe, not a regular file"),
        "{stderr}"
    );
}

#[test]
fn schema_is_the_core_schema() {
    let (code, stdout, _) = output(vidare().arg("schema"));
    assert_eq!(code, 0);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, vidare::schema());
}

#[test]
fn schema_prints_the_recording_schema_on_request() {
    let (code, stdout, _) = output(vidare().args(["schema", "recording"]));
    assert_eq!(code, 0);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, vidare::recording_schema());
    let (code, stdout, _) = output(vidare().args(["schema", "questionnaire"]));
    assert_eq!(code, 0);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, vidare::schema());
}

#[test]
fn help_lists_the_exit_codes() {
    for command in [
        "test",
        "replay",
        "diff",
        "impact",
        "graph",
        "doc",
        "statistics",
    ] {
        let (code, stdout, _) = output(vidare().args([command, "--help"]));
        assert_eq!(code, 0);
        assert!(stdout.contains("Exit codes:"), "{command}: {stdout}");
    }
    let (code, stdout, _) = output(vidare().args(["run", "--help"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("Exit codes:"), "{stdout}");
    assert!(
        stdout.contains(":back :decline :dontknow :skip :quit"),
        "{stdout}"
    );
}

#[test]
fn scripted_interview_shows_the_immediate_trigger() {
    let tmp = tempfile::tempdir().unwrap();
    let result = tmp.path().join("result.json");
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--full-result"])
            .arg(&result)
            .write_stdin(script(FULL)),
    );
    // 1: a referral was triggered.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout);

    let json = read_json(&result);
    let trigger = &json["triggers"][0];
    assert_eq!(trigger["id"], "ongoing_violence");
    assert_eq!(trigger["urgency"], "immediate");
    assert!(
        trigger["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "physical_when")
    );
    let declined = json["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["item"] == "psychological_when")
        .unwrap();
    assert_eq!(declined["response"], "declined");
    // Even the full result holds no answer kept for the conversation only.
    assert!(json["answers"].as_array().unwrap().iter().all(|a| {
        a["item"] == "alone" || a["item"] == "interpreter" || a.get("value").is_none()
    }));
}

/// The questions of the violence questionnaire used only in the
/// conversation, and its parts left out of the stored record.
fn not_stored() -> (Vec<String>, Vec<String>) {
    let q = vidare::load(root().join(VIOLENCE)).unwrap();
    let parts: Vec<vidare::questionnaire::KeptPart<'_>> = q.kept_parts().collect();
    let questions = parts
        .iter()
        .filter(|p| p.kind == vidare::questionnaire::PartKind::Question && !p.kept)
        .map(|p| p.id.to_owned())
        .collect();
    let left_out = parts
        .iter()
        .filter(|p| !p.stored)
        .map(|p| p.id.to_owned())
        .collect();
    (questions, left_out)
}

#[test]
fn the_result_file_holds_the_stored_record_and_the_full_result_the_triggers() {
    let tmp = tempfile::tempdir().unwrap();
    let (result, full) = (tmp.path().join("result.json"), tmp.path().join("full.json"));
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--result"])
            .arg(&result)
            .arg("--full-result")
            .arg(&full)
            .write_stdin(script(FULL)),
    );
    assert_eq!((code, stderr.as_str()), (1, ""));
    let (questions, left_out) = not_stored();
    assert!(
        questions.contains(&"physical_when".to_owned()),
        "{questions:?}"
    );
    assert!(
        left_out.contains(&"ongoing_violence".to_owned()),
        "{left_out:?}"
    );
    let text = std::fs::read_to_string(&result).unwrap();
    for id in questions.iter().chain(&left_out) {
        assert!(!text.contains(&format!("\"{id}\"")), "`{id}` in {text}");
    }
    let stored = read_json(&result);
    let answered: Vec<&str> = stored["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["item"].as_str().unwrap())
        .collect();
    assert_eq!(answered, ["alone", "interpreter"]);
    // Format 1: the triggers that would reveal the answers are left out.
    assert_eq!(stored["triggers"], serde_json::json!([]));
    assert!(stored.get("counterfactual").is_none(), "{stored}");

    let full = read_json(&full);
    assert_eq!(full["triggers"][0]["id"], "ongoing_violence");
    assert_eq!(full["counterfactual"]["verdict"], "nothing_to_vary");
}

#[test]
fn a_finished_log_with_conversation_only_answers_becomes_the_stored_record() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, result) = (tmp.path().join("session.json"), tmp.path().join("r.json"));
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(&log)
            .arg("--result")
            .arg(&result)
            .write_stdin(script(FULL)),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("now holds the stored record only"),
        "{stderr}"
    );
    assert_eq!(read_json(&log), read_json(&result));

    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--resume"])
            .arg(&log)
            .write_stdin(""),
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.ends_with("holds the stored record of a finished interview, not a session log: there is nothing to resume\n"),
        "{stderr}"
    );
}

#[test]
fn a_finished_log_whose_parts_are_all_stored_stays_a_log() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let wellbeing = "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check/1.0.0.yaml";
    let (code, _, stderr) = output(
        vidare()
            .args(["run", wellbeing, "--save"])
            .arg(&log)
            .write_stdin("good\n1\n:skip\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("it holds every answer given"), "{stderr}");
    let saved = read_json(&log);
    assert_eq!(saved["events"].as_array().unwrap().len(), 3, "{saved}");
}

const COMPASS: &str = "questionnaires/gender-equality-compass/1.0.0.yaml";

/// A whole compass interview (the answers of the recorded session
/// `tests/recordings/generated/gender-equality-compass-1.0.0-010.json`).
const COMPASS_ANSWERS: &[&str] = &[
    "other",
    "major",
    "good",
    "no",
    "never",
    "well",
    "no",
    "no",
    "no",
    "salary",
    "enough",
    "yes",
    "supported",
    "other",
    "incomplete",
    "work",
    "no",
    "yes",
];

#[test]
fn the_result_says_whether_another_gender_would_change_it() {
    let tmp = tempfile::tempdir().unwrap();
    let result = tmp.path().join("result.json");
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", COMPASS, "--lang", "en", "--full-result"])
            .arg(&result)
            .write_stdin(script(COMPASS_ANSWERS)),
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "");
    // The check's line comes last, after the derived values.
    let tail: Vec<&str> = stdout.lines().rev().take(3).collect();
    insta::assert_snapshot!(tail.into_iter().rev().collect::<Vec<_>>().join("\n"), @r"
      Follow-up path: not known

    Would the result differ with another gender? No — checked: 3 other response(s) tried, each gives the same result.
    ");
    let json = read_json(&result);
    let check = &json["counterfactual"];
    assert_eq!(check["verdict"], "no_difference");
    assert_eq!(
        check["protected"],
        serde_json::json!([{"item": "gender", "varied": true, "alternatives": 3}])
    );

    let (code, stdout, _) = output(
        vidare()
            .args(["run", COMPASS, "--lang", "sv"])
            .write_stdin(script(COMPASS_ANSWERS)),
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout.lines().last().unwrap(), @"Skulle resultatet bli ett annat med ett annat svar på gender? Nej — kontrollerat: 3 andra svar prövade, alla ger samma resultat.");
}

#[test]
fn without_a_protected_item_there_is_nothing_to_vary() {
    let tmp = tempfile::tempdir().unwrap();
    let result = tmp.path().join("result.json");
    let (code, stdout, _) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--full-result"])
            .arg(&result)
            .write_stdin(script(FULL)),
    );
    assert_eq!(code, 1);
    assert!(!stdout.contains("Would the result differ"), "{stdout}");
    let check = &read_json(&result)["counterfactual"];
    assert_eq!(check["verdict"], "nothing_to_vary");
    assert_eq!(check["protected"], serde_json::json!([]));
}

#[test]
fn back_and_refused_answers_are_asked_again() {
    // `maybe` is refused by the core, `:decline` is not offered at `alone`,
    // `:back` withdraws `interpreter`, which is then answered again.
    let lines = [
        "maybe",
        ":decline",
        "yes",
        "professional",
        ":back",
        "none",
        "no",
        "no",
        "no",
        "no",
        "no",
        "no",
        "no",
    ];
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en"])
            .write_stdin(script(&lines)),
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stderr, @r#"
    not accepted: the answer must be yes / no
    not accepted: "Prefer not to answer" is not offered for this question
    "#);
    assert!(stdout.contains("No referral was triggered."), "{stdout}");
    assert!(
        stdout.contains("Follow-up path: No experience of violence"),
        "{stdout}"
    );
}

#[test]
fn quit_save_and_resume_give_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole.json");
    let resumed = tmp.path().join("resumed.json");
    let log = tmp.path().join("session.json");

    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--result"])
            .arg(&whole)
            .write_stdin(script(FULL)),
    );
    assert_eq!(code, 1, "{stderr}");

    // Stop after the fifth line, with a detour back and forth first.
    let mut first: Vec<&str> = FULL[..3].to_vec();
    first.extend([":back", "yes"]);
    first.extend(&FULL[3..5]);
    first.push(":quit");
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(&log)
            .write_stdin(script(&first)),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("Result"), "{stdout}");
    settings(tmp.path()).bind(|| insta::assert_snapshot!(stderr));
    let saved = read_json(&log);
    assert_eq!(saved["format"], 1);
    assert_eq!(saved["questionnaire"]["id"], "violence-seven");
    assert_eq!(saved["events"].as_array().unwrap().len(), 7);

    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--resume"])
            .arg(&log)
            .arg("--result")
            .arg(&resumed)
            .write_stdin(script(&FULL[5..])),
    );
    assert_eq!(code, 1, "{stderr}");
    // It continues at the sixth question: physical violence's time frame.
    let first_question = stdout.lines().find(|l| l.starts_with("Question")).unwrap();
    assert_eq!(first_question, "Question 6 of about 11");
    assert_eq!(read_json(&whole), read_json(&resumed));
}

#[test]
fn resume_refuses_a_log_of_another_definition() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let (code, _, _) = output(
        vidare()
            .args(["run", VIOLENCE, "--save"])
            .arg(&log)
            .write_stdin("yes\n:quit\n"),
    );
    assert_eq!(code, 0);
    let mut saved = read_json(&log);
    saved["questionnaire"]["digest"] = "sha256:0000".into();
    std::fs::write(&log, saved.to_string()).unwrap();

    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--resume"])
            .arg(&log)
            .write_stdin("none\n"),
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    let mut settings = settings(tmp.path());
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]");
    settings.bind(|| insta::assert_snapshot!(stderr));
}

#[test]
fn input_that_ends_early_is_an_error() {
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en"])
            .write_stdin("yes\n"),
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr, @r#"error: the input ended at the question "Is an interpreter used?", before the interview was finished; the answers so far were not kept (no --save file); give one line per question, or end the input with :quit"#);
    // A Swedish run says it in Swedish.
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "sv"])
            .write_stdin("ja\n"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "fel: indata tog slut vid frågan \"Används tolk?\", innan intervjun var klar; \
         svaren hittills sparades inte (ingen --save-fil); ge en rad per fråga, eller \
         avsluta indata med :quit\n"
    );
}

#[test]
fn an_undeclared_language_is_refused() {
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "de"])
            .write_stdin(""),
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr, @"error: questionnaires/violence-seven/1.0.0.yaml has no texts in `de`; use --lang with one of: sv, en");
}

#[test]
fn a_broken_questionnaire_is_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let path = broken_copy(tmp.path());
    let (code, stdout, stderr) = output(vidare().arg("run").arg(&path).write_stdin("yes\n"));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("error[V013]"), "{stderr}");
    assert!(
        stderr.ends_with(
            "does not compile; fix the errors above (`vidare check` shows them again)\n"
        ),
        "{stderr}"
    );
}
