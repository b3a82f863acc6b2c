//! The web page in a real headless Chromium: starts the server binary and
//! runs `browser-tests/interview.mjs` with Node (playwright-core driving
//! Debian's /usr/bin/chromium). Ignored unless the crate was built with
//! `VIDARE_BROWSER_TESTS=1` in the environment; `browser-tests/run.sh`
//! installs what it needs and runs it.

// The script's own report is shown with the test's output.
#![allow(clippy::print_stdout)]

use crate::common;

use std::path::Path;
use std::process::Command;

#[test]
#[cfg_attr(
    not(vidare_browser_tests),
    ignore = "needs Chromium and Node: run crates/vidare-server/browser-tests/run.sh"
)]
fn an_interview_in_headless_chromium() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scripts = here.join("browser-tests");
    let artifacts = here.join("../../target/browser-artifacts");
    if !scripts.join("node_modules/playwright-core").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&scripts)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci failed in {}", scripts.display());
    }
    let dir = tempfile::tempdir().unwrap();
    let server = common::child::start_with(
        &common::shipped(),
        &dir.path().join("data.sqlite3"),
        // The script answers this site itself (Chromium resolves it to a
        // stand-in on this machine).
        &["--quick-exit-url", "http://weather.example/"],
    );
    let output = Command::new("node")
        .arg("interview.mjs")
        .arg(&server.base)
        .arg(&artifacts)
        .current_dir(&scripts)
        .output()
        .expect("node runs");
    let log = server.kill();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}\nserver log:\n{log}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(artifacts.join("result.png").is_file());
    for width in [1280, 375] {
        let shot = artifacts.join(format!("interpreter-question-{width}.png"));
        assert!(shot.is_file(), "{}", shot.display());
    }
}
