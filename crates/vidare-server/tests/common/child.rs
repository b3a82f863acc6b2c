//! The server binary as a child process, with its output captured.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

/// A running server binary.
pub struct Running {
    pub child: Child,
    pub base: String,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

fn drain(mut reader: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = reader.read_to_string(&mut out);
        out
    })
}

/// Starts the binary on a random loopback port with this data file and
/// questionnaire folder (and `extra` arguments), logging everything.
pub fn start(questionnaires: &Path, data: &Path) -> Running {
    start_with(questionnaires, data, &[])
}

pub fn start_with(questionnaires: &Path, data: &Path, extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vidare-server"))
        .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
        .arg("--data")
        .arg(data)
        .arg("--questionnaires")
        .arg(questionnaires)
        .args(extra)
        .env("VIDARE_LOG", "trace")
        .env_remove("VIDARE_TOKENS")
        .env_remove("VIDARE_TOKENS_FILE")
        .env_remove("VIDARE_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let stderr = drain(child.stderr.take().expect("stderr"));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    let Some(base) = first.trim().strip_prefix("vidare-server listening on ") else {
        let _ = child.kill();
        let err = stderr.join().unwrap_or_default();
        panic!("unexpected first line {first:?}; stderr: {err}");
    };
    let base = base.trim_end_matches('/').to_owned();
    let stdout = {
        let mut rest = first;
        let handle = drain(stdout);
        std::thread::spawn(move || {
            rest.push_str(&handle.join().unwrap_or_default());
            rest
        })
    };
    Running {
        child,
        base,
        stdout,
        stderr,
    }
}

impl Running {
    /// SIGKILL, then everything the process wrote.
    pub fn kill(mut self) -> String {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
        let out = self.stdout.join().unwrap_or_default();
        let err = self.stderr.join().unwrap_or_default();
        format!("{out}{err}")
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
