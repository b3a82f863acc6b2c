//! `vidare run` with answers piped in: what it says about lines it does
//! not accept, how it resumes, and what it shows when a referral or an
//! answer changes.

mod common;

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
    assert!(stdout.contains("ongoing_violence"), "{stdout}");
}
