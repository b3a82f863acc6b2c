//! `vidare run` with answers piped in: what it says about lines it does
//! not accept, how it resumes, and what it shows when a referral or an
//! answer changes.

use crate::common;

use common::{output, vidare};

const VIOLENCE: &str = "questionnaires/violence-seven/2.0.0.yaml";
/// The scripted interview of `.ci/run`: it ends with a referral.
const FULL: &str = "yes\nnone\nno\nyes\nongoing\nno\nno\nno\nno\nno\nyes\nno\n";

/// Runs the violence questionnaire in English with `input`.
fn run(input: impl Into<Vec<u8>>) -> (i32, String, String) {
    output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en"])
            .write_stdin(input),
    )
}

#[test]
fn a_line_that_is_no_command_is_not_repeated() {
    let (code, _, stderr) = run(format!(":my partner hits me\n{FULL}"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("not accepted: a line that starts with `:` is a command"),
        "{stderr}"
    );
    assert!(!stderr.contains("partner"), "{stderr}");
}

#[test]
fn an_over_long_line_is_refused_and_the_interview_goes_on() {
    let mut input = vec![b'a'; 1 << 20];
    input.push(b'\n');
    input.extend_from_slice(FULL.as_bytes());
    let (code, stdout, stderr) = run(input);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "not accepted: line 1 of standard input is longer than 65536 bytes; \
         give one answer per line\n"
    );
    assert!(
        stdout.contains("Refer to: freda-risk-assessment"),
        "{stdout}"
    );
}

#[test]
fn the_printed_resume_command_continues_in_the_same_language_and_log() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("Anna's log.json");
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(&log)
            .write_stdin("yes\nnone\n:quit\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    let command = stderr
        .lines()
        .find_map(|l| l.split_once("continue with: vidare ").map(|(_, c)| c))
        .unwrap_or_else(|| panic!("no command in {stderr}"));

    // As typed into a shell, with the remaining answers and a quit.
    let (code, stdout, stderr) = output(
        assert_cmd::Command::new("sh")
            .current_dir(common::root())
            .arg("-c")
            .arg(format!(r#""$0" {command}"#))
            .arg(env!("CARGO_BIN_EXE_vidare"))
            .write_stdin("no\nyes\n:quit\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Has someone close to you hit"), "{stdout}");
    assert!(!stdout.contains("Har någon"), "{stdout}");
    assert!(stderr.contains("the session log was saved to"), "{stderr}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(saved["events"].as_array().unwrap().len(), 4);
}

#[test]
fn a_withdrawn_immediate_referral_is_said_to_no_longer_apply() {
    // Violence going on now, then back from the next question and
    // changed to "earlier".
    let (code, stdout, stderr) = run("yes\nnone\nno\nyes\nongoing\n:back\nearlier\n:quit\n");
    assert_eq!(code, 0, "{stderr}");
    let shown = stdout.find("+-- IMMEDIATE").expect("the referral is shown");
    let withdrawn = stdout
        .find("-- IMMEDIATE (freda-risk-assessment): no longer applies")
        .unwrap_or_else(|| panic!("no notice in {stdout}"));
    assert!(shown < withdrawn);
    assert_eq!(stdout.matches("no longer applies").count(), 1);
}

#[test]
fn a_follow_up_names_the_question_it_belongs_to() {
    let (_, stdout, _) = run("yes\nnone\nno\nyes\n:quit\n");
    assert!(
        stdout.contains(
            "(Follows up: Has someone close to you hit, kicked, pushed or hurt you in some \
             other way?)\nWhen did it last happen?"
        ),
        "{stdout}"
    );
}

#[test]
fn the_result_shows_what_the_person_said_for_the_conversation() {
    let (code, stdout, stderr) = run(FULL);
    assert_eq!(code, 1, "{stderr}");
    let (_, said) = stdout
        .split_once("\nWhat the person said, for the conversation\n")
        .unwrap_or_else(|| panic!("no answers in {stdout}"));
    let lines: Vec<&str> = said.lines().take(6).collect();
    assert_eq!(
        lines,
        [
            "  Has someone close to you threatened, controlled, humiliated or harassed you?",
            "    No",
            "  Has someone close to you hit, kicked, pushed or hurt you in some other way?",
            "    Yes",
            "  When did it last happen?",
            "    It is going on now",
        ]
    );
    // The practitioner's own questions are not the person's disclosures.
    assert!(!said.contains("Is an interpreter used?"), "{said}");
}

/// Option values written in digits ("0" to "3"), issue 17 item 3.
const NUMBERED: &str = "crates/vidare-cli/tests/fixtures/numbered/worry-check/1.0.0.yaml";

/// Runs the numbered fixture with `input`; the answers of its result.
fn run_numbered(input: &str) -> (i32, Vec<serde_json::Value>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let result = tmp.path().join("result.json");
    let (code, _, stderr) = output(
        vidare()
            .args(["run", NUMBERED, "--lang", "en", "--result"])
            .arg(&result)
            .write_stdin(input),
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    let answers = saved["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].clone())
        .collect();
    (code, answers, stderr)
}

#[test]
fn a_typed_number_is_the_option_listed_under_it_even_when_values_are_digits() {
    // `1` is the first option (value "0"), `3` the third (value "2"): the
    // same numbers the list shows, never the option whose value is "1".
    let (code, answers, stderr) = run_numbered("1\n1, 3\n");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        answers,
        [serde_json::json!("0"), serde_json::json!(["0", "2"])]
    );
}

#[test]
fn an_option_value_in_digits_is_typed_after_an_equals_sign() {
    // `=0` is the value "0"; `2` beside it is still the second option ("1").
    let (code, answers, stderr) = run_numbered("=3\n=0, 2\n");
    assert_eq!(code, 1, "the referral on \"3\" fires: {stderr}");
    assert_eq!(
        answers,
        [serde_json::json!("3"), serde_json::json!(["0", "1"])]
    );
}

#[test]
fn a_number_outside_the_list_is_refused_without_choosing_the_value() {
    // `0` and `5` are no numbers in the list; "0" is a value, which `0`
    // must not pick.
    let (code, answers, stderr) = run_numbered("0\n5\n2\n\n");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr
            .matches(
                "not accepted: the options are numbered 1 to 4; to give an option by its value, \
             type `=` before it (`=0`)"
            )
            .count(),
        2,
        "{stderr}"
    );
    assert_eq!(answers[0], serde_json::json!("1"));
}

/// Words of the English result screen and of the engine's English
/// reasons, which a Swedish run must not show.
const ENGLISH_ENGINE_WORDS: &[&str] = &[
    "(derived)",
    "(score)",
    "because",
    "Refer to",
    "Derived values",
    "Scores",
    "terms have",
    "term has",
    "is needed",
    "are needed",
    "not known",
    "kept for the conversation",
    ": yes",
    ": no",
];

#[test]
fn a_swedish_run_shows_no_english_engine_words() {
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "sv"])
            .write_stdin(FULL),
    );
    assert_eq!(code, 1, "{stderr}");
    // The derived value that fired the referral, by its label and the
    // label of its value.
    assert!(
        stdout.contains("- Pågående våld eller rädsla nu: Ja"),
        "{stdout}"
    );
    let wellbeing = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/questionnaires/wellbeing-check/1.0.0.yaml"
    );
    // Two refusals, then declined and "don't know": the score has no
    // value, and says why.
    let (_, missing, stderr) = output(
        vidare()
            .args(["run", wellbeing, "--lang", "sv"])
            .write_stdin(":skip\n9\n:decline\n:dontknow\n:skip\n"),
    );
    assert_eq!(
        stderr,
        "inte godtaget: \"Hoppa över\" finns inte för den här frågan\n\
         inte godtaget: alternativen är numrerade 1 till 3, eller ange ett alternativs värde\n"
    );
    for english in ["not accepted", "does not offer", "invalid answer"] {
        assert!(
            !stderr.contains(english),
            "{english:?} in a Swedish run:\n{stderr}"
        );
    }
    assert!(
        missing.contains("bara 0 av 2 delar har ett värde; minst 1 behövs"),
        "{missing}{stderr}"
    );
    for text in [&stdout, &missing] {
        for word in ENGLISH_ENGINE_WORDS {
            assert!(!text.contains(word), "{word:?} in a Swedish run:\n{text}");
        }
    }
}

#[test]
fn referrals_are_named_by_their_labels_not_by_keys_or_trigger_ids() {
    let labelled = "questionnaires/violence-seven/2.2.0.yaml";
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", labelled, "--lang", "sv"])
            .write_stdin(FULL),
    );
    assert_eq!(code, 1, "{stderr}");
    // Once in the box shown at once, once in the result.
    assert_eq!(
        stdout
            .matches("Hänvisa till: Farlighetsbedömning (FREDA)")
            .count(),
        2,
        "{stdout}"
    );
    let q = vidare::load(common::root().join(labelled)).unwrap();
    for trigger in &q.document().triggers {
        for slug in [&trigger.id.value, &trigger.refer_to.value] {
            assert!(!stdout.contains(slug.as_str()), "{slug:?} shown:\n{stdout}");
        }
    }
    // Without `referrals:` (2.0.0) the key is all there is to show.
    let (_, unlabelled, _) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en"])
            .write_stdin(FULL),
    );
    assert!(
        unlabelled.contains("Refer to: freda-risk-assessment"),
        "{unlabelled}"
    );
}

#[test]
fn check_warns_that_the_values_read_as_list_numbers() {
    let (code, stdout, stderr) = output(vidare().args(["check", NUMBERED]));
    assert_eq!(code, 0, "a warning only: {stdout}{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains(
            "warning[V037]: the option value \"1\" of `worry` is also the number of option \"0\" in the list: a typed `1` means \"0\""
        ),
        "{said}"
    );
    // `worries` (values "0" to "2") gets its own warning, once.
    assert_eq!(said.matches("warning[V037]").count(), 2, "{said}");
}
