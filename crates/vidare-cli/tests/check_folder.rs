//! `vidare check <questionnaire folder>` checks that questionnaire's
//! versions, as `vidare test <questionnaire folder>` runs its tests.

use std::path::Path;

use assert_cmd::Command;

fn check(path: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vidare"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .args(["check", path])
        .output()
        .expect("vidare runs");
    (
        out.status.code().expect("vidare exits with a code"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

#[test]
fn a_questionnaire_folder_means_its_versions() {
    let (code, stdout, stderr) = check("questionnaires/boston-life-areas");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "questionnaires/boston-life-areas/1.0.0.yaml: ok (boston-life-areas 1.0.0)\n\
         questionnaires/boston-life-areas/2.0.0.yaml: ok (boston-life-areas 2.0.0)\n\
         questionnaires/boston-life-areas/2.1.0.yaml: ok (boston-life-areas 2.1.0)\n\
         checked 3 files: 0 error(s), 0 warning(s)\n"
    );
}

#[test]
fn a_folder_without_questionnaires_says_what_it_takes() {
    let (code, _, stderr) = check("crates/vidare-cli/src");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("crates/vidare-cli/src holds no questionnaire files; give a questionnaire file, a questionnaire's folder"),
        "{stderr}"
    );
}
