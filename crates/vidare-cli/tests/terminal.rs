//! The interactive mode on a real pseudo-terminal: answer two questions,
//! go back from the menu, quit with Ctrl-C, and find the log saved.
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

    // The menus open with the cursor on the first answer: Yes, then No interpreter.
    p.exp_string("Is the person alone with you")?;
    keys(&mut p, ENTER)?;
    p.exp_string("Is an interpreter used?")?;
    keys(&mut p, ENTER)?;
    p.exp_string("threatened, controlled, humiliated")?;
    // Yes, No, [Go back]: the third line of the menu.
    keys(&mut p, DOWN)?;
    keys(&mut p, DOWN)?;
    keys(&mut p, ENTER)?;
    p.exp_string("Is an interpreter used?")?;
    // Ctrl-C quits; with --save the log is written without asking.
    p.send_control('c')?;
    p.exp_string("the session log was saved to")?;
    p.exp_eof()?;
    match p.process().wait()? {
        WaitStatus::Exited(_, 0) => {}
        other => panic!("vidare ended with {other:?}"),
    }

    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let events: Vec<(String, String)> = saved["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_owned(),
                e["item"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("respond", "alone"),
        ("respond", "interpreter"),
        ("back", "interpreter"),
    ];
    assert_eq!(
        events,
        expected.map(|(e, i)| (e.to_owned(), i.to_owned())).to_vec()
    );
    Ok(())
}
