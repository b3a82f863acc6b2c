//! The interactive mode on a real pseudo-terminal: answer, go back from
//! the menu, quit with Ctrl-C and find the log saved; Enter alone answers
//! nothing; going back shows the earlier answer; at 40 columns the
//! IMMEDIATE box fits.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession, spawn_with_options};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

/// Types keys, unbuffered.
fn keys(p: &mut PtySession, keys: &str) -> Result<(), rexpect::error::Error> {
    p.send(keys)?;
    p.flush()
}

#[test]
fn answer_go_back_and_quit_with_save() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    // A pseudo-terminal starts with no size; give it one first.
    let mut command = Command::new("sh");
    command
        .current_dir(&root)
        .env("TERM", "xterm")
        .args(["-c", r#"stty cols 120 rows 40 && exec "$0" "$@""#])
        .arg(env!("CARGO_BIN_EXE_vidare"))
        .args([
            "run",
            "questionnaires/violence-seven/1.0.0.yaml",
            "--lang",
            "en",
            "--save",
        ])
        .arg(&log);
    let options = Options::new()
        .timeout_ms(Some(20_000))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(command, options)?;

    // The menus open on a line that answers nothing: one down is the
    // first answer, Yes, then No interpreter.
    p.exp_string("Is the person alone with you")?;
    choose(&mut p, 1)?;
    p.exp_string("Is an interpreter used?")?;
    choose(&mut p, 1)?;
    p.exp_string("threatened, controlled, humiliated")?;
    // Yes, No, [Go back]: the third line after the first.
    choose(&mut p, 3)?;
    p.exp_string("Is an interpreter used?")?;
    // Ctrl-C quits; with --save the log is written without asking.
    let events = quit(&mut p, &log)?;
    match p.process().wait()? {
        WaitStatus::Exited(_, 0) => {}
        other => panic!("vidare ended with {other:?}"),
    }
    let shape: Vec<(&str, &str)> = events
        .iter()
        .map(|[e, i, _]| (e.as_str(), i.as_str()))
        .collect();
    let expected = [
        ("respond", "alone"),
        ("respond", "interpreter"),
        ("back", "interpreter"),
    ];
    assert_eq!(shape, expected);
    Ok(())
}

const VIOLENCE_2: &str = "questionnaires/violence-seven/2.0.0.yaml";

/// `vidare run` of the violence questionnaire 2.0.0 in English on a
/// terminal of `columns`, saving to `log` when quit.
fn spawn(columns: u16, log: &Path) -> Result<PtySession, rexpect::error::Error> {
    spawn_on(columns, Path::new(VIOLENCE_2), log)
}

/// `vidare run` of `questionnaire` in English, saving to `log`.
fn spawn_on(
    columns: u16,
    questionnaire: &Path,
    log: &Path,
) -> Result<PtySession, rexpect::error::Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .current_dir(&root)
        .env("TERM", "xterm")
        .arg("-c")
        .arg(format!(r#"stty cols {columns} rows 40 && exec "$0" "$@""#))
        .arg(env!("CARGO_BIN_EXE_vidare"))
        .arg("run")
        .arg(questionnaire)
        .args(["--lang", "en", "--save"])
        .arg(log);
    let options = Options::new()
        .timeout_ms(Some(20_000))
        .strip_ansi_escape_codes(true);
    spawn_with_options(command, options)
}

/// Waits until the prompt has drawn its help line, the last thing it
/// draws. It reads single keys from then on; keys sent earlier reach a
/// terminal still in line mode, where Enter arrives as a line feed that
/// the prompt does not take for Enter.
fn drawn(p: &mut PtySession) -> Result<(), rexpect::error::Error> {
    // Every help line in English ends with "Ctrl-C to quit" or, in the
    // menus, "Enter to choose"; "[Go back]" ends with neither.
    p.exp_regex(r"(quit|choose)\]")?;
    Ok(())
}

/// Moves `down` lines and presses Enter, once the prompt is drawn.
fn choose(p: &mut PtySession, down: usize) -> Result<(), rexpect::error::Error> {
    drawn(p)?;
    for _ in 0..down {
        keys(p, DOWN)?;
    }
    keys(p, ENTER)
}

/// Quits with Ctrl-C and returns the saved events as (event, item, answer).
fn quit(p: &mut PtySession, log: &Path) -> Result<Vec<[String; 3]>, rexpect::error::Error> {
    drawn(p)?;
    p.send_control('c')?;
    p.exp_string("the session log was saved to")?;
    p.exp_eof()?;
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(log).unwrap()).unwrap();
    Ok(saved["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            [&e["event"], &e["item"], &e["response"]["answer"]].map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            })
        })
        .collect())
}

#[test]
fn enter_alone_answers_nothing() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let mut p = spawn(120, &log)?;
    p.exp_string("Are you alone")?;
    // Once the menus opened on Yes and "going on now": four presses of
    // Enter fired the immediate referral.
    for _ in 0..4 {
        choose(&mut p, 0)?;
    }
    let events = quit(&mut p, &log)?;
    assert_eq!(events, Vec::<[String; 3]>::new());
    Ok(())
}

#[test]
fn going_back_shows_the_earlier_answer_chosen() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let mut p = spawn(120, &log)?;
    p.exp_string("Are you alone")?;
    choose(&mut p, 1)?; // Yes
    p.exp_string("Is an interpreter used?")?;
    choose(&mut p, 2)?; // an interpreting agency
    p.exp_string("threatened, controlled, humiliated")?;
    choose(&mut p, 3)?; // [Go back]
    // The cursor is on it, and it is marked (on a second line: menus
    // are at most 70 columns wide).
    p.exp_string(
        "> An interpreter from an interpreting agency (preferably by telephone)\r\n  \
         (earlier answer)",
    )?;
    // Enter alone keeps it: the menu opened on it.
    choose(&mut p, 0)?;
    p.exp_string("threatened, controlled, humiliated")?;
    let events = quit(&mut p, &log)?;
    let expected = [
        ["respond", "alone", "true"],
        ["respond", "interpreter", "agency"],
        ["back", "interpreter", ""],
        ["respond", "interpreter", "agency"],
    ];
    assert_eq!(events, expected.map(|e| e.map(str::to_owned)).to_vec());
    Ok(())
}

#[test]
fn the_immediate_box_fits_40_columns() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let mut p = spawn(40, &log)?;
    p.exp_string("Are you alone")?;
    choose(&mut p, 1)?; // Yes
    p.exp_string("Is an interpreter used?")?;
    // Menu lines are broken between words, not by the terminal.
    p.exp_string("  An interpreter from an interpreting\r\n  agency (preferably by telephone)")?;
    choose(&mut p, 1)?; // No interpreter
    p.exp_string(
        "We ask everyone we meet about violence,\r\nbecause it is common and affects health\r\n",
    )?;
    p.exp_string(
        "? Has someone close to you threatened,\r\n  controlled, humiliated or harassed\r\n  you?",
    )?;
    choose(&mut p, 1)?; // Yes
    p.exp_string("When did it last happen?")?;
    choose(&mut p, 1)?; // It is going on now
    p.exp_string("+-- IMMEDIATE ")?;
    let (inside, bottom) = p.exp_regex(r"\+-+\r\n")?;
    // The rest of the top line, the lines inside, and the bottom line.
    let (top, inside) = inside.split_once("\r\n").unwrap();
    assert_eq!(format!("+-- IMMEDIATE {top}").chars().count(), 40);
    let lines: Vec<&str> = inside.trim_end().split("\r\n").collect();
    assert!(lines.len() > 5, "{inside}");
    assert!(lines.iter().all(|l| l.starts_with("| ")), "{inside}");
    let widest = lines
        .iter()
        .chain([&bottom.trim_end()])
        .map(|l| l.trim_end().chars().count())
        .max();
    assert_eq!(widest, Some(40), "{inside}{bottom}");
    quit(&mut p, &log)?;
    Ok(())
}

/// A number, a multiple choice and a yes/no question.
const TYPED_AND_MULTIPLE: &str = "\
format: 1
id: fixture
version: 1.0.0
title: { sv: Test, en: Test }
languages: [sv, en]
default_language: sv
sections:
  - id: main
    items:
      - id: count
        kind: number
        text: { sv: Hur många?, en: How many people live with you? }
      - id: areas
        kind: multiple_choice
        text: { sv: Vilka?, en: Which areas? }
        options:
          - value: work
            label: { sv: Arbete, en: Work }
          - value: home
            label: { sv: Hem, en: Home }
      - id: last
        kind: yes_no
        text: { sv: Sist?, en: Last question? }
";

#[test]
fn an_empty_line_or_nothing_marked_is_no_answer() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let questionnaire = tmp.path().join("fixture.yaml");
    std::fs::write(&questionnaire, TYPED_AND_MULTIPLE).unwrap();
    let log = tmp.path().join("session.json");
    let mut p = spawn_on(120, &questionnaire, &log)?;
    p.exp_string("How many people live with you?")?;
    choose(&mut p, 0)?; // an empty line: asked again
    drawn(&mut p)?;
    keys(&mut p, "3")?;
    keys(&mut p, ENTER)?;
    // The empty line was no answer at all, not a refused one.
    let before = p.exp_string("Which areas?")?;
    assert!(!before.contains("not accepted"), "{before}");
    choose(&mut p, 0)?; // nothing marked
    p.exp_string("mark an answer with Space first, or None of these")?;
    // Work, Home, None of these: mark the third and confirm.
    drawn(&mut p)?;
    keys(&mut p, DOWN)?;
    keys(&mut p, DOWN)?;
    keys(&mut p, " ")?;
    keys(&mut p, ENTER)?;
    p.exp_string("Last question?")?;
    let events = quit(&mut p, &log)?;
    let shape: Vec<(&str, &str)> = events
        .iter()
        .map(|[e, i, _]| (e.as_str(), i.as_str()))
        .collect();
    assert_eq!(shape, [("respond", "count"), ("respond", "areas")]);
    assert_eq!(events[0][2].parse::<f64>().ok(), Some(3.0));
    assert_eq!(events[1][2], "[]");
    Ok(())
}

#[test]
fn what_the_person_said_fits_40_columns() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("answers.txt");
    std::fs::write(
        &script,
        "yes\nnone\nno\nyes\nongoing\nno\nno\nno\nno\nno\nyes\nno\n",
    )
    .unwrap();
    // Answers from a file, output to a terminal of 40 columns.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .current_dir(&root)
        .env("TERM", "xterm")
        .arg("-c")
        .arg(r#"stty cols 40 rows 40 && exec "$0" run "$1" --lang en < "$2""#)
        .arg(env!("CARGO_BIN_EXE_vidare"))
        .arg(VIOLENCE_2)
        .arg(&script);
    let options = Options::new()
        .timeout_ms(Some(20_000))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(command, options)?;
    p.exp_string("What the person said, for the conversation\r\n")?;
    let said = p.exp_eof()?;
    let lines: Vec<&str> = said.lines().map(str::trim_end).collect();
    assert!(lines.len() > 20, "{said}");
    assert!(lines.iter().all(|l| l.chars().count() <= 40), "{said}");
    assert!(lines.contains(&"    It is going on now"), "{said}");
    Ok(())
}

#[test]
fn going_back_to_a_typed_answer_brings_it_back() -> Result<(), rexpect::error::Error> {
    let tmp = tempfile::tempdir().unwrap();
    let questionnaire = tmp.path().join("fixture.yaml");
    std::fs::write(&questionnaire, TYPED_AND_MULTIPLE).unwrap();
    let log = tmp.path().join("session.json");
    let mut p = spawn_on(120, &questionnaire, &log)?;
    p.exp_string("How many people live with you?")?;
    drawn(&mut p)?;
    keys(&mut p, "3")?;
    keys(&mut p, ENTER)?;
    p.exp_string("Which areas?")?;
    // Work, Home, None of these, [Go back]: mark the fourth and confirm.
    drawn(&mut p)?;
    for _ in 0..3 {
        keys(&mut p, DOWN)?;
    }
    keys(&mut p, " ")?;
    keys(&mut p, ENTER)?;
    p.exp_string("How many people live with you?")?;
    // The line holds the earlier answer: Enter gives it again.
    choose(&mut p, 0)?;
    p.exp_string("Which areas?")?;
    let events = quit(&mut p, &log)?;
    let shape: Vec<(&str, &str)> = events
        .iter()
        .map(|[e, i, _]| (e.as_str(), i.as_str()))
        .collect();
    let expected = [
        ("respond", "count"),
        ("back", "count"),
        ("respond", "count"),
    ];
    assert_eq!(shape, expected);
    assert_eq!(events[2][2].parse::<f64>().ok(), Some(3.0));
    Ok(())
}
