//! Server nodes as child processes on one PostgreSQL database: the
//! binary, started with `VIDARE_DATABASE_URL` and a schema.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

/// A running node.
pub struct Node {
    pub child: Child,
    pub base: String,
    output: Vec<JoinHandle<String>>,
}

fn drain(mut reader: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = reader.read_to_string(&mut out);
        out
    })
}

impl Node {
    /// Starts a node on a random loopback port, serving `questionnaires`
    /// from the database at `url`, in `schema`.
    pub fn start(questionnaires: &Path, url: &str, schema: &str) -> Node {
        Self::start_with(questionnaires, url, schema, &[])
    }

    /// As [`Node::start`], with `extra` arguments.
    pub fn start_with(questionnaires: &Path, url: &str, schema: &str, extra: &[&str]) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vidare-server"))
            .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
            .args(["--database-schema", schema])
            .args(extra)
            .arg("--questionnaires")
            .arg(questionnaires)
            .env("VIDARE_DATABASE_URL", url)
            .env("VIDARE_LOG", "info")
            .env_remove("VIDARE_DATA")
            .env_remove("VIDARE_TOKENS")
            .env_remove("VIDARE_TOKENS_FILE")
            .env_remove("VIDARE_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the node starts");
        let stderr = drain(child.stderr.take().expect("stderr"));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("a first line");
        let Some(base) = first.trim().strip_prefix("vidare-server listening on ") else {
            let _ = child.kill();
            let err = stderr.join().unwrap_or_default();
            panic!("unexpected first line {first:?}; stderr: {err}");
        };
        Node {
            base: base.trim_end_matches('/').to_owned(),
            child,
            output: vec![drain(stdout), stderr],
        }
    }

    /// SIGKILL, then everything the process wrote.
    pub fn kill(mut self) -> String {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
        self.output
            .drain(..)
            .map(|h| h.join().unwrap_or_default())
            .collect()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
