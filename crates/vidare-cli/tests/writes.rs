//! The files `vidare run` writes (`--save`, `--result`, `--full-result`,
//! `--plan`): only a regular file is replaced, a new file is for its owner
//! only, and a write that fails exits 2 with a message and never says
//! "saved".
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::Path;
use std::time::Duration;

use common::{output, vidare};

const VIOLENCE: &str = "questionnaires/violence-seven/2.0.0.yaml";
/// The scripted interview of `.ci/run`: it ends with a referral.
const FULL: &str = "yes\nnone\nno\nyes\nongoing\nno\nno\nno\nno\nno\nyes\nno\n";

/// Quits after the first answer with `--save path`; (code, stderr).
fn quit_saving_to(path: &Path) -> (i32, String) {
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(path)
            .write_stdin("yes\n:quit\n")
            .timeout(Duration::from_secs(20)),
    );
    (code, stderr)
}

fn assert_refused(code: i32, stderr: &str, what: &str) {
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the session log"), "{stderr}");
    assert!(stderr.contains(what), "{stderr}");
    assert!(!stderr.contains("saved"), "{stderr}");
}

#[test]
fn a_device_node_is_not_replaced() {
    let (code, stderr) = quit_saving_to(Path::new("/dev/full"));
    assert_refused(code, &stderr, "a device, pipe or socket is at that path");
    let kind = std::fs::symlink_metadata("/dev/full").unwrap().file_type();
    assert!(kind.is_char_device());
}

#[test]
fn a_symbolic_link_and_its_target_are_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("notes.txt");
    std::fs::write(&target, "somebody's notes").unwrap();
    let link = tmp.path().join("session.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, stderr) = quit_saving_to(&link);
    assert_refused(code, &stderr, "a symbolic link is at that path");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "somebody's notes"
    );
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
}

#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("session.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, stderr) = quit_saving_to(&fifo);
    assert_refused(code, &stderr, "a device, pipe or socket is at that path");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_folder_at_the_result_path_fails_after_the_interview() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("result.json");
    std::fs::create_dir(&folder).unwrap();
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--result"])
            .arg(&folder)
            .write_stdin(FULL),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write the result to")
            && stderr.contains("a folder is at that path"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

/// A disk that is full for this process: a file size limit of 0 blocks
/// (with the signal it sends ignored, so the write fails instead).
#[test]
fn a_failed_write_exits_2_and_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("session.json");
    let (code, _, stderr) = output(
        assert_cmd::Command::new("sh")
            .current_dir(common::root())
            .arg("-c")
            .arg(r#"trap '' XFSZ; ulimit -f 0; exec "$0" "$@""#)
            .arg(env!("CARGO_BIN_EXE_vidare"))
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(&log)
            .write_stdin("yes\n:quit\n"),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the session log"), "{stderr}");
    assert!(!stderr.contains("saved"), "{stderr}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn written_files_are_for_the_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let names = ["session.json", "result.json", "full.json", "plan.html"];
    let paths = names.map(|n| tmp.path().join(n));
    // An existing file is replaced by a new one, with the new mode.
    std::fs::write(&paths[1], "old").unwrap();
    std::fs::set_permissions(&paths[1], std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, stderr) = output(
        vidare()
            .args(["run", VIOLENCE, "--lang", "en", "--save"])
            .arg(&paths[0])
            .arg("--result")
            .arg(&paths[1])
            .arg("--full-result")
            .arg(&paths[2])
            .arg("--plan")
            .arg(&paths[3])
            .write_stdin(FULL),
    );
    assert_eq!(code, 1, "{stderr}");
    for path in &paths {
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", path.display());
    }
    assert_ne!(std::fs::read_to_string(&paths[1]).unwrap(), "old");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 4);
}
