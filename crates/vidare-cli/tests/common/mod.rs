//! Helpers shared by the integration tests of the commands: running the
//! binary from the workspace root, and snapshot settings that hide
//! temporary paths and digests.

#![allow(dead_code)] // each test file uses some of them

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The small questionnaire of the fixtures, version 1.0.0.
pub const WELLBEING: &str =
    "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check/1.0.0.yaml";
/// Its version 1.1.0: rule changes that need a major release.
pub const WELLBEING_NEW: &str =
    "crates/vidare-cli/tests/fixtures/questionnaires/wellbeing-check/1.1.0.yaml";
/// The folder of fixture questionnaires (`<id>/<version>.yaml`).
pub const FIXTURE_QUESTIONNAIRES: &str = "crates/vidare-cli/tests/fixtures/questionnaires";
/// Recordings made on wellbeing-check 1.0.0.
pub const FIXTURE_RECORDINGS: &str = "crates/vidare-cli/tests/fixtures/recordings";
/// The shipped questionnaires.
pub const SHIPPED: [&str; 3] = [
    "questionnaires/violence-seven/1.0.0.yaml",
    "questionnaires/boston-life-areas/1.0.0.yaml",
    "questionnaires/gender-equality-compass/1.0.0.yaml",
];

/// The workspace root: commands run there so paths in output are short.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn vidare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vidare"));
    command.current_dir(root());
    command
}

/// Runs `vidare` and returns (exit code, stdout, stderr).
pub fn output(command: &mut Command) -> (i32, String, String) {
    let out = command.output().expect("vidare runs");
    (
        out.status.code().expect("vidare exits with a code"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// Snapshot settings that replace the temporary folder with `[TMP]` and
/// digests with `sha256:[DIGEST]` (they change whenever the canonical
/// form of a definition does).
pub fn settings(tmp: Option<&Path>) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    if let Some(tmp) = tmp {
        settings.add_filter(&regex::escape(&tmp.display().to_string()), "[TMP]");
    }
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]");
    settings
}

/// The text of a file under the workspace root.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// Writes `text` to `dir/name`, creating folders, and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// A questionnaire with an item whose condition can never hold.
pub const UNREACHABLE: &str = "\
format: 1
id: fixture
version: 1.0.0
title: { sv: Test, en: Test }
languages: [sv, en]
default_language: sv
sections:
  - id: main
    items:
      - id: alone
        kind: yes_no
        text: { sv: Ensam?, en: Alone? }
      - id: children
        kind: yes_no
        when: alone == true && alone == false
        text: { sv: Barn?, en: Children? }
";
