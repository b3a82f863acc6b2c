//! Availability (issue 14): slow clients, the file limit, shutdown and
//! SIGHUP, the session list in pages, the per-session event limit, a
//! damaged data file, liveness and readiness, and a full disk.
//!
//! The server binary runs as a child process where the test is about the
//! process (file limit, signals, start-up, disk); the rest runs in this
//! process.

// The full-disk test says why it is skipped where it cannot mount.
#![allow(clippy::print_stderr)]

mod common;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestServer, assert_problem, shipped};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vidare_server::{Access, Options};

const BIN: &str = env!("CARGO_BIN_EXE_vidare-server");

/// A server process (in a process group of its own, with anything it
/// starts) and the lines it prints on standard output.
struct Server {
    child: Child,
    lines: Receiver<String>,
    /// Lines read while looking for another.
    pending: VecDeque<String>,
    stderr: Arc<Mutex<String>>,
    base: String,
}

/// The server's usual arguments: a random loopback port, `data`, the
/// shipped questionnaires, no idle closing, and `extra`.
fn args(data: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["--bind", "127.0.0.1:0", "--close-after-hours", "0"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.extend(["--data".to_owned(), data.display().to_string()]);
    args.extend([
        "--questionnaires".to_owned(),
        shipped().display().to_string(),
    ]);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// Starts `command` (which runs the server) and waits for its URL.
fn spawn(mut command: Command) -> Server {
    let mut child = command
        .env("VIDARE_LOG", "info")
        .env_remove("VIDARE_TOKENS")
        .env_remove("VIDARE_TOKENS_FILE")
        .env_remove("VIDARE_ADMIN_TOKEN")
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let err = BufReader::new(child.stderr.take().expect("stderr"));
    let stderr = Arc::new(Mutex::new(String::new()));
    let log = Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            let mut log = log
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            log.push_str(&line);
            log.push('\n');
        }
    });
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let (send, lines) = channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut server = Server {
        child,
        lines,
        pending: VecDeque::new(),
        stderr,
        base: String::new(),
    };
    server.base = server.next_url();
    server
}

impl Server {
    /// The URL of the next server that says it listens.
    fn next_url(&mut self) -> String {
        let line = self.line("vidare-server listening on ");
        line.trim_end_matches('/').to_owned()
    }

    /// The rest of the next line that starts with `prefix`.
    fn line(&mut self, prefix: &str) -> String {
        if let Some(at) = self.pending.iter().position(|l| l.starts_with(prefix)) {
            let line = self.pending.remove(at).unwrap_or_default();
            return line[prefix.len()..].to_owned();
        }
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            match self
                .lines
                .recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                Ok(line) => match line.strip_prefix(prefix) {
                    Some(rest) => return rest.to_owned(),
                    None => self.pending.push_back(line),
                },
                Err(e) => {
                    self.kill();
                    panic!("no line {prefix:?} ({e:?}); stderr:\n{}", self.log());
                }
            }
        }
    }

    fn addr(&self) -> SocketAddr {
        self.base
            .trim_start_matches("http://")
            .parse()
            .expect("an address")
    }

    /// Waits at most `limit` for the process to end: its exit code and
    /// how long it took, or `None` if it is still running.
    fn wait_exit(&mut self, limit: Duration) -> Option<(Option<i32>, Duration)> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some((status.code(), start.elapsed()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// SIGKILL to the whole process group.
    fn kill(&mut self) {
        let _ = rustix::process::kill_process_group(
            pid_of(self.child.id()),
            rustix::process::Signal::KILL,
        );
        let _ = self.child.wait();
    }

    fn log(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Kills the processes if they still run, and returns what they
    /// logged.
    fn finish(mut self) -> String {
        self.kill();
        // What was written before the kill is read by now or soon after.
        std::thread::sleep(Duration::from_millis(100));
        self.log()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn signal(pid: u32, signal: rustix::process::Signal) {
    rustix::process::kill_process(pid_of(pid), signal).expect("the signal is sent");
}

fn pid_of(pid: u32) -> rustix::process::Pid {
    rustix::process::Pid::from_raw(pid.try_into().expect("a pid")).expect("a pid")
}

/// The server binary with its open-file limit set to `files` (soft and
/// hard) by the shell that starts it.
fn with_file_limit(files: u32, args: &[String]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args);
    command
}

fn plain(args: &[String]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    command
}

/// A client that opens a new connection for every request.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("a client")
}

/// One slow client for `until`: it sends `head`, then `next(n)` every
/// second (n = 1, 2, ...), never what would complete the request. When
/// the server closes the connection (or answers) it connects again after
/// a second, and counts the close in `closed`.
async fn slow_client(
    addr: SocketAddr,
    until: Instant,
    closed: Arc<AtomicUsize>,
    head: String,
    next: impl Fn(u32) -> String,
) {
    while Instant::now() < until {
        let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let (mut read, mut write) = stream.into_split();
        let mut sent = write.write_all(head.as_bytes()).await.is_ok();
        let mut n = 0;
        let mut buf = [0u8; 256];
        while sent && Instant::now() < until {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {
                    n += 1;
                    sent = write.write_all(next(n).as_bytes()).await.is_ok();
                }
                // Whatever the server sends, or its close, ends this one.
                _ = read.read(&mut buf) => sent = false,
            }
        }
        if !sent {
            closed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// A slow head: a request line, then one header line a second, never the
/// end of the head.
async fn drip(addr: SocketAddr, until: Instant, closed: Arc<AtomicUsize>) {
    let head = "GET /api/v1/questionnaires HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_owned();
    slow_client(addr, until, closed, head, |n| {
        format!("X-Drip-{n}: {n}\r\n")
    })
    .await;
}

/// A slow body: a complete head of a form post to `/login` (which needs
/// no token and reads its body), then one byte of the 8,192 it announced
/// a second, never pausing long enough for the body deadline.
async fn trickle(addr: SocketAddr, until: Instant, closed: Arc<AtomicUsize>) {
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 8192\r\n\r\n"
    );
    slow_client(addr, until, closed, head, |_| "a".to_owned()).await;
}

/// Sends a normal request on a new connection every 0.15 s until `end`
/// (counted from `start`), asserting that each is answered with 200
/// within 2 s; returns how many were sent and the slowest answer.
async fn normal_requests(base: &str, start: Instant, end: Duration) -> (u32, Duration) {
    let client = fresh_client();
    let (mut answered, mut slowest) = (0, Duration::ZERO);
    while start.elapsed() < end {
        let sent = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/questionnaires"))
            .send()
            .await;
        let took = sent.elapsed();
        slowest = slowest.max(took);
        let status = response.as_ref().map(reqwest::Response::status);
        assert!(
            matches!(status, Ok(s) if s.as_u16() == 200) && took < Duration::from_secs(2),
            "a normal request at {:?} got {status:?} after {took:?}",
            start.elapsed()
        );
        answered += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    (answered, slowest)
}

/// The acceptance test of issue 14: with 256 open files, 300 clients that
/// drip a header line every 4 s for 15 s neither keep a normal request
/// from being answered within 2 s nor keep SIGTERM from finishing within
/// its deadline. Here time runs about three times as fast as in the
/// issue: a three-second head deadline (not the default ten) and a drip
/// every second, so that each slow client still gets two or three header
/// lines in before its deadline; normal requests for 4.5 s (one and a half
/// head deadlines, as 12 s of 15 were of ten), the drips going on past the
/// first ones cut off and through the SIGTERM. The head deadline stays
/// above the 2 s a normal request may take, so a server that left a new
/// connection waiting for a slow one's deadline still fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_do_not_starve_the_server_and_sigterm_still_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let mut server = spawn(with_file_limit(
        256,
        &args(&data, &["--shutdown-timeout", "5", "--header-timeout", "3"]),
    ));
    let addr = server.addr();
    let start = Instant::now();
    let until = start + Duration::from_secs(6);
    let closed = Arc::new(AtomicUsize::new(0));
    let attackers: Vec<_> = (0..300)
        .map(|_| tokio::spawn(drip(addr, until, Arc::clone(&closed))))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let (answered, slowest) =
        normal_requests(&server.base, start, Duration::from_millis(4500)).await;
    assert!(answered >= 15, "{answered}");

    // SIGTERM while the slow clients go on: the process ends within the
    // five-second deadline.
    signal(server.child.id(), rustix::process::Signal::TERM);
    let ended = server.wait_exit(Duration::from_secs(7));
    for attacker in attackers {
        attacker.abort();
    }
    let log = server.finish();
    let (code, took) = ended.unwrap_or_else(|| panic!("SIGTERM did not end the server:\n{log}"));
    assert_eq!(code, Some(0), "{log}");
    assert!(took < Duration::from_secs(5), "{took:?}\n{log}");
    // The limit came from the file limit, and was reached.
    assert!(log.contains("max_connections=192"), "{log}");
    assert!(log.contains("the connection limit is reached"), "{log}");
    assert!(closed.load(Ordering::Relaxed) > 0);
    eprintln!(
        "{answered} normal requests, the slowest {slowest:?}; slow connections closed by the server: {}; SIGTERM took {took:?}",
        closed.load(Ordering::Relaxed)
    );
}

/// With 256 open files (192 connections), 300 clients that send their
/// request bodies a byte a second do not keep a normal request from being
/// answered within 2 s. Their requests are in progress, so until
/// 2026-12-03 none of them was closed to make room: every connection was
/// taken until the bodies' 30 s request deadline, and a new client waited
/// in the listen backlog (slowhttptest's slow-body run on `/login` kept
/// health checks unanswered for 10 s). A request whose body has not fully
/// arrived has not been acted on, so it is closed to make room, the one
/// that has been arriving longest first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_do_not_starve_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let server = spawn(with_file_limit(256, &args(&data, &[])));
    let addr = server.addr();
    let start = Instant::now();
    let until = start + Duration::from_secs(4);
    let closed = Arc::new(AtomicUsize::new(0));
    let attackers: Vec<_> = (0..300)
        .map(|_| tokio::spawn(trickle(addr, until, Arc::clone(&closed))))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let (answered, _) = normal_requests(&server.base, start, Duration::from_secs(3)).await;
    for attacker in attackers {
        attacker.abort();
    }
    let log = server.finish();
    assert!(answered >= 10, "{answered}");
    assert!(log.contains("max_connections=192"), "{log}");
    assert!(log.contains("the connection limit is reached"), "{log}");
    assert!(closed.load(Ordering::Relaxed) > 0);
}

/// A request head sent too slowly is cut off; a body that pauses gets 408
/// `body-timeout`, one that trickles past the request deadline 408
/// `request-timeout`. The three clients run at the same time, each on a
/// connection of its own.
#[tokio::test]
async fn slow_heads_and_bodies_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let server = spawn(plain(&args(
        &data,
        &[
            "--header-timeout",
            "1",
            "--body-timeout",
            "1",
            "--request-timeout",
            "2",
        ],
    )));
    let addr = server.addr();
    let host = addr.to_string();

    // A head that never ends: the connection is closed after a second.
    let head = async {
        let mut head = tokio::net::TcpStream::connect(addr).await.unwrap();
        head.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
            .await
            .unwrap();
        let start = Instant::now();
        let mut got = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), head.read_to_end(&mut got)).await;
        assert!(read.is_ok(), "the connection stayed open");
        assert!(
            (Duration::from_millis(900)..Duration::from_secs(3)).contains(&start.elapsed()),
            "{:?}",
            start.elapsed()
        );
    };

    let post = |body_part: &'static str| {
        let host = host.clone();
        async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.write_all(
                format!(
                    "POST /api/v1/sessions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{body_part}"
                )
                .as_bytes(),
            )
            .await
            .unwrap();
            s
        }
    };
    // A body that stops.
    let stopped = async {
        let mut stopped = post("{\"questionnaire\"").await;
        let start = Instant::now();
        let response = read_response(&mut stopped).await;
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
        assert!(response.contains("application/problem+json"), "{response}");
        assert!(response.contains("/problems/body-timeout"), "{response}");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
    };

    // A body that trickles a byte every half second never pauses for the
    // body timeout, but is stopped at the request deadline.
    let trickled = async {
        let mut trickle = post("{").await;
        let start = Instant::now();
        let reply = tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                if trickle.write_all(b" ").await.is_err() {
                    break;
                }
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(1), trickle.read(&mut buf)).await
                {
                    return String::from_utf8_lossy(&buf[..n]).into_owned();
                }
                if start.elapsed() > Duration::from_secs(8) {
                    break;
                }
            }
            String::new()
        });
        let response = reply.await.unwrap();
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
        assert!(response.contains("/problems/request-timeout"), "{response}");
        assert!(
            (Duration::from_millis(1900)..Duration::from_secs(4)).contains(&start.elapsed()),
            "{:?}",
            start.elapsed()
        );
    };
    tokio::join!(head, stopped, trickled);
    server.finish();
}

/// A request whose path may be any string and whose body may be none.
async fn send(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: impl AsRef<str>,
    body: Option<Value>,
) -> common::Reply {
    common::send(client, base, method, path.as_ref(), None, body.as_ref()).await
}

async fn read_response(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("a response in time")
        .expect("readable");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// A body announced larger than the 2 MB the server reads gets 413 at
/// once, with one byte of it sent: the server does not wait for the rest
/// (it used to, until the 10 s body deadline gave 408). One byte over the
/// limit is refused; exactly the limit is read (and then found not to be
/// JSON).
#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let server = spawn(plain(&args(&data, &[])));
    let addr = server.addr();
    let head = |length: u64| {
        format!(
            "POST /api/v1/sessions HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    for length in [3_000_000_000, vidare_server::serve::MAX_BODY_BYTES + 1] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(head(length).as_bytes()).await.unwrap();
        stream.write_all(b"{").await.unwrap();
        // Within read_response's 5 s, half the body deadline.
        let response = read_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 413"), "{length}: {response}");
        assert!(response.contains("/problems/body-too-large"), "{response}");
    }
    let limit = vidare_server::serve::MAX_BODY_BYTES;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head(limit).as_bytes()).await.unwrap();
    let spaces = vec![b' '; usize::try_from(limit).unwrap()];
    stream.write_all(&spaces).await.unwrap();
    let response = read_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
}

/// SIGTERM lets a request in progress go on until the shutdown deadline,
/// then drops it and ends.
#[tokio::test]
async fn sigterm_drops_a_request_still_in_progress_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let mut server = spawn(plain(&args(
        &data,
        &["--shutdown-timeout", "1", "--body-timeout", "30"],
    )));
    let addr = server.addr();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!(
            "POST /api/v1/sessions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    signal(server.child.id(), rustix::process::Signal::TERM);
    let ended = server.wait_exit(Duration::from_secs(6));
    let log = server.finish();
    let (code, took) = ended.unwrap_or_else(|| panic!("SIGTERM did not end the server:\n{log}"));
    assert_eq!(code, Some(0), "{log}");
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(3)).contains(&took),
        "{took:?}\n{log}"
    );
    assert!(log.contains("the shutdown deadline passed"), "{log}");
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

/// SIGHUP is logged and ignored: the server goes on answering.
#[test]
fn sighup_does_not_end_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let mut server = spawn(plain(&args(&data, &[])));
    signal(server.child.id(), rustix::process::Signal::HUP);
    std::thread::sleep(Duration::from_millis(300));
    assert!(server.wait_exit(Duration::from_millis(100)).is_none());
    let status = blocking_get(&format!("{}/healthz", server.base));
    assert_eq!(status, 200);
    let log = server.finish();
    assert!(log.contains("SIGHUP ignored"), "{log}");
}

fn blocking_get(url: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        fresh_client()
            .get(url)
            .send()
            .await
            .map_or(0, |r| r.status().as_u16())
    })
}

/// A data file damaged in the middle is refused at start, with its name
/// and what to do, and exit code 2.
#[test]
fn a_damaged_data_file_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    {
        use vidare_server::store::{NewSession, SqliteStore, Store};
        let store = SqliteStore::open(&data).unwrap();
        for n in 0..400 {
            store
                .create(&NewSession {
                    id: format!("{n:032x}"),
                    tenant: "local".into(),
                    questionnaire: "violence-seven".into(),
                    version: "1.0.0".into(),
                    digest: "sha256:0".into(),
                    language: "en".into(),
                })
                .unwrap();
        }
    }
    let damaged = dir.path().join("damaged.sqlite3");
    let mut bytes = std::fs::read(&data).unwrap();
    assert!(bytes.len() > 16 * 4096, "{}", bytes.len());
    let middle = bytes.len() / 2 / 4096 * 4096;
    for (i, b) in bytes[middle..middle + 4096].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&damaged, bytes).unwrap();

    // The intact copy starts.
    spawn(plain(&args(&data, &[]))).finish();
    for check in ["quick", "full"] {
        let output = plain(&args(&damaged, &["--startup-check", check]))
            .env_remove("VIDARE_TOKENS")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(output.stdout.is_empty(), "it must not listen");
        assert!(
            stderr.contains(&format!("the data file {} is damaged", damaged.display())),
            "{stderr}"
        );
        assert!(stderr.contains("restore it"), "{stderr}");
    }
}

/// `/healthz` says the process answers, `/readyz` that the database
/// answers a query and takes a write.
#[tokio::test]
async fn liveness_and_readiness_answer() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let live = server.get("/healthz").await;
    assert_eq!((live.status, live.body.clone()), (200, json!("ok")));
    let ready = server.get("/readyz").await;
    assert_eq!((ready.status, ready.body.clone()), (200, json!("ready")));
}

/// On a full disk (a 1 MiB tmpfs in a mount namespace of the server's
/// own) writes get 507 `storage-full`, reads still work, `/readyz` is 503
/// and `/healthz` 200; and the server starts again on the full disk and
/// serves what it has. Skipped where `unshare` may not mount.
#[tokio::test]
async fn on_a_full_disk_writes_get_507_and_reads_and_restarts_work() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let probe = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs \"$0\""])
        .arg(&mount)
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `unshare -rm` cannot mount a tmpfs here");
        return;
    }
    let data = mount.join("data.sqlite3");
    // The shell keeps the namespace (and the tmpfs) for both servers: the
    // first runs until SIGTERM, then the second starts on the same files.
    let mut command = Command::new("unshare");
    command
        .args(["-rm", "sh", "-c"])
        .arg(
            "mount -t tmpfs -o size=1m tmpfs \"$0\" || exit 3; \
             \"$@\" & echo \"pid $!\"; wait $!; exec \"$@\"",
        )
        .arg(&mount)
        .arg(BIN)
        .args(args(&data, &[]));
    let mut server = spawn(command);
    let pid: u32 = server.line("pid ").parse().unwrap();
    let client = reqwest::Client::new();
    let mut base = server.base.clone();
    let first = send(
        &client,
        &base,
        reqwest::Method::POST,
        "/api/v1/sessions",
        Some(json!({"questionnaire": "violence-seven@1.0.0"})),
    )
    .await;
    assert_eq!(first.status, 201, "{first:?}");
    let id = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        send(&client, &base, reqwest::Method::GET, "/readyz", None)
            .await
            .status,
        200
    );

    // Fill the disk with sessions, then with answers, until an answer (as
    // small a write as the one checked below) is refused: a create, a
    // larger write, can be refused while an answer still fits.
    let mut full = None;
    let mut created = Vec::new();
    for _ in 0..5000 {
        let reply = send(
            &client,
            &base,
            reqwest::Method::POST,
            "/api/v1/sessions",
            Some(json!({"questionnaire": "violence-seven@1.0.0"})),
        )
        .await;
        if reply.status != 201 {
            full = Some(reply);
            break;
        }
        created.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    let full = full.expect("the disk filled up");
    assert_problem(&full, 507, "storage-full");
    let answer = json!({"expected_events": 0, "item": "alone", "value": true});
    let mut refused = false;
    for other in &created {
        let reply = send(
            &client,
            &base,
            reqwest::Method::POST,
            format!("/api/v1/sessions/{other}/answer"),
            Some(answer.clone()),
        )
        .await;
        if reply.status != 200 {
            assert_problem(&reply, 507, "storage-full");
            refused = true;
            break;
        }
    }
    assert!(refused, "an answer was refused once the disk was full");
    let check_full = |reply: &common::Reply| assert_problem(reply, 507, "storage-full");
    check_full(
        &send(
            &client,
            &base,
            reqwest::Method::POST,
            format!("/api/v1/sessions/{id}/answer"),
            Some(answer.clone()),
        )
        .await,
    );
    let read = send(
        &client,
        &base,
        reqwest::Method::GET,
        format!("/api/v1/sessions/{id}"),
        None,
    )
    .await;
    assert_eq!((read.status, read.body["events"].clone()), (200, json!(0)));
    let list = send(
        &client,
        &base,
        reqwest::Method::GET,
        "/api/v1/sessions?limit=5",
        None,
    )
    .await;
    assert_eq!(list.status, 200, "{list:?}");
    assert_eq!(
        send(&client, &base, reqwest::Method::GET, "/healthz", None)
            .await
            .status,
        200
    );
    let ready = send(&client, &base, reqwest::Method::GET, "/readyz", None).await;
    let problem = assert_problem(&ready, 503, "not-ready");
    assert!(
        problem["detail"].as_str().unwrap().contains("disk is full"),
        "{problem}"
    );

    // Restart on the full disk: reads work, writes are still refused.
    signal(pid, rustix::process::Signal::TERM);
    base = server.next_url();
    let read = send(
        &client,
        &base,
        reqwest::Method::GET,
        format!("/api/v1/sessions/{id}"),
        None,
    )
    .await;
    assert_eq!(read.status, 200, "{read:?}");
    check_full(
        &send(
            &client,
            &base,
            reqwest::Method::POST,
            format!("/api/v1/sessions/{id}/answer"),
            Some(answer),
        )
        .await,
    );
    assert_eq!(
        send(&client, &base, reqwest::Method::GET, "/readyz", None)
            .await
            .status,
        503
    );
    let log = server.finish();
    assert!(log.contains("storage is full"), "{log}");
}

/// The session list comes in pages: `limit` (at most 1000), an opaque
/// cursor and a `next` link; paging on while sessions are created gives
/// every older session once, in order.
#[tokio::test]
async fn the_session_list_comes_in_stable_pages() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let create = || async {
        let reply = server
            .post(
                "/api/v1/sessions",
                &json!({"questionnaire": "violence-seven"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
        reply.body["id"].as_str().unwrap().to_owned()
    };
    for _ in 0..25 {
        create().await;
    }
    let everything = server.get("/api/v1/sessions?limit=1000").await;
    assert_eq!(everything.body["next"], Value::Null);
    let ids = |page: &Value| -> Vec<String> {
        page["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = ids(&everything.body);
    assert_eq!(before.len(), 25);
    // Newest first.
    let times: Vec<&str> = everything.body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    let mut seen = Vec::new();
    let mut next = Some("/api/v1/sessions?limit=10".to_owned());
    let mut pages = Vec::new();
    while let Some(path) = next {
        let page = server.get(&path).await;
        assert_eq!(page.status, 200, "{page:?}");
        pages.push(ids(&page.body).len());
        seen.extend(ids(&page.body));
        next = page.body["next"].as_str().map(str::to_owned);
        if let Some(n) = &next {
            assert_eq!(
                n,
                &format!(
                    "/api/v1/sessions?limit=10&cursor={}",
                    page.body["next_cursor"].as_str().unwrap()
                )
            );
        }
        // New sessions meanwhile come before the first page.
        for _ in 0..3 {
            create().await;
        }
    }
    assert_eq!(pages, [10, 10, 5]);
    assert_eq!(seen, before, "every session once, in order");
    let first = server.get("/api/v1/sessions").await;
    assert_eq!(ids(&first.body).len(), 34);

    for bad in [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "cursor=abc",
        "cursor=",
    ] {
        let reply = server.get(&format!("/api/v1/sessions?{bad}")).await;
        assert_problem(&reply, 400, "invalid-query");
    }
}

/// A session takes at most `max_events` steps: then 409 `event-limit`,
/// while reading and closing still work.
#[tokio::test]
async fn a_session_holds_at_most_the_event_limit() {
    let options = Options {
        max_events: 4,
        ..Options::default()
    };
    let server = TestServer::start_with(&shipped(), Access::Local, options).await;
    let created = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": "violence-seven@1.0.0"}),
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let mut state = created.body;
    for events in 0..4 {
        let next = state["next"].clone();
        let reply = server
            .post(
                &format!("/api/v1/sessions/{id}/answer"),
                &json!({"expected_events": events, "item": next["id"], "value": common::pick(&next)}),
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        state = reply.body;
    }
    let next = state["next"].clone();
    let refused = server
        .post(
            &format!("/api/v1/sessions/{id}/answer"),
            &json!({"expected_events": 4, "item": next["id"], "value": common::pick(&next)}),
        )
        .await;
    let problem = assert_problem(&refused, 409, "event-limit");
    assert!(
        problem["detail"].as_str().unwrap().contains("4 events"),
        "{problem}"
    );
    let back = server
        .post(
            &format!("/api/v1/sessions/{id}/back"),
            &json!({"expected_events": 4}),
        )
        .await;
    assert_problem(&back, 409, "event-limit");
    let read = server.get(&format!("/api/v1/sessions/{id}")).await;
    assert_eq!((read.status, read.body["events"].clone()), (200, json!(4)));
    let closed = server
        .post(
            &format!("/api/v1/sessions/{id}/close"),
            &json!({"expected_events": 4}),
        )
        .await;
    assert_eq!(closed.status, 200, "{closed:?}");
}

/// The default limit is 10,000 events.
#[test]
fn the_default_event_limit_is_ten_thousand() {
    assert_eq!(Options::default().max_events, 10_000);
}
