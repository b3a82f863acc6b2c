//! Runs a scripted interview on the shipped violence questionnaire and
//! prints the result as JSON: the smallest useful embedding of Vidare.
//!
//! Run with `cargo run --example embed`.

// An example is a frontend: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use vidare::{Session, Step};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/violence-seven/1.0.0.yaml"
    );
    let questionnaire = match vidare::load(path) {
        Ok(q) => q,
        Err(e) => {
            // Diagnostics carry the source line and a caret.
            eprint!("{}", e.render());
            return Err(e.into());
        }
    };
    let mut session = Session::new(&questionnaire);

    // A scripted conversation: alone, no interpreter, earlier physical
    // violence, and violence going on now.
    let script: &[(&str, vidare::Value)] = &[
        ("alone", true.into()),
        ("interpreter", "none".into()),
        ("psychological", false.into()),
        ("physical", true.into()),
        ("physical_when", "earlier".into()),
        ("sexual", false.into()),
        ("childhood", false.into()),
        ("used_violence", false.into()),
        ("ongoing", true.into()),
        ("children", false.into()),
    ];
    let mut shown: Vec<String> = Vec::new();
    for (item, value) in script {
        session.answer(item, value.clone())?;
        // Immediate triggers are shown the moment they fire.
        for id in session.immediate() {
            if !shown.iter().any(|s| s == id) {
                eprintln!("IMMEDIATE: trigger `{id}` fired after `{item}`");
                shown.push(id.to_owned());
            }
        }
    }
    assert!(matches!(session.next(), Step::Complete));
    println!(
        "{}",
        serde_json::to_string_pretty(&session.result_in("en").into_outcome())?
    );
    Ok(())
}
