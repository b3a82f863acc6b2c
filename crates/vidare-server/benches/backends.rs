//! The two stores side by side (issue 15): answers per second and answer
//! latency of whole interviews, closes included, on SQLite, on PostgreSQL
//! with one node and on PostgreSQL with two nodes, at 16 and 64 clients,
//! in one run; with the database round trips and bytes per request.
//!
//! ```sh
//! pg_ctlcluster 15 main start   # and a role and database, as .ci/run makes
//! VIDARE_TEST_DATABASE_URL=postgres://vidare_ci:vidare-ci@127.0.0.1:5432/vidare_ci \
//!   cargo bench -p vidare-server --bench backends -- --sessions 1500
//! ```
//!
//! Each configuration starts fresh server binaries (a new SQLite file, or
//! a new PostgreSQL schema), warms up with 32 interviews, then runs
//! `--sessions` interviews of `violence-seven` 2.0.0 (create, every
//! question answered, close) over the clients; client `i` talks to node
//! `i % nodes`. Every answer and close must be acknowledged. Round trips
//! are PostgreSQL's committed transactions (each statement the store sends
//! is one, a read included) per HTTP request; bytes are what the nodes'
//! sockets to PostgreSQL sent and received (`ss -ti`), per request.

#![allow(clippy::print_stdout, clippy::print_stderr)]
// Counts become rates and ranks; they are far below 2^52 and never negative.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SPEC: &str = "violence-seven@2.0.0";

/// A server binary on a random loopback port.
struct Node {
    child: Child,
    base: String,
}

impl Node {
    /// `database`: a SQLite path, or a PostgreSQL URL with a schema.
    fn start(database: &Database) -> Node {
        let questionnaires = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires");
        let mut command = Command::new(env!("CARGO_BIN_EXE_vidare-server"));
        command
            .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
            .arg("--questionnaires")
            .arg(questionnaires)
            .env("VIDARE_LOG", "warn")
            .env_remove("VIDARE_DATA")
            .env_remove("VIDARE_TOKENS")
            .env_remove("VIDARE_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        match database {
            Database::Sqlite(path) => command.arg("--data").arg(path),
            Database::Postgres { url, schema } => command
                .env("VIDARE_DATABASE_URL", url)
                .args(["--database-schema", schema]),
        };
        let mut child = command.spawn().expect("the server starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("a first line");
        let base = first
            .trim()
            .strip_prefix("vidare-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .trim_end_matches('/')
            .to_owned();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Node { child, base }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum Database {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

/// The answer a scripted client gives.
fn answer_for(next: &Value) -> Value {
    let first = || next["options"][0]["value"].clone();
    match next["kind"].as_str().unwrap_or_default() {
        "yes_no" => json!(true),
        "single_choice" => first(),
        "multiple_choice" => json!([first()]),
        "scale" | "number" => next["min"].clone(),
        "date" => json!("2020-01-01"),
        _ => json!("load test"),
    }
}

async fn post(http: &reqwest::Client, url: String, body: &Value) -> (u16, Value, u32) {
    let started = Instant::now();
    let response = http.post(url).json(body).send().await.expect("sent");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        micros,
    )
}

/// What one client measured: answer latencies (µs) and requests sent.
#[derive(Default)]
struct Tally {
    answers: Vec<u32>,
    requests: usize,
}

/// Runs interviews on `base` until `left` reaches zero.
async fn client(base: String, left: Arc<AtomicUsize>) -> Tally {
    let http = reqwest::Client::new();
    let mut tally = Tally::default();
    while left
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
    {
        let create = json!({"questionnaire": SPEC, "language": "en"});
        let (status, mut state, _) = post(&http, format!("{base}/api/v1/sessions"), &create).await;
        assert_eq!(status, 201, "{state}");
        let id = state["id"].as_str().expect("id").to_owned();
        tally.requests += 1;
        while state["status"] == "asking" {
            let next = &state["next"];
            let body = json!({"expected_events": state["events"], "item": next["id"], "value": answer_for(next)});
            let (status, after, micros) =
                post(&http, format!("{base}/api/v1/sessions/{id}/answer"), &body).await;
            assert_eq!(status, 200, "{after}");
            tally.answers.push(micros);
            tally.requests += 1;
            state = after;
        }
        let body = json!({"expected_events": state["events"]});
        let (status, after, _) =
            post(&http, format!("{base}/api/v1/sessions/{id}/close"), &body).await;
        assert_eq!(status, 200, "{after}");
        tally.requests += 1;
    }
    tally
}

/// `sessions` interviews over `clients` clients spread over the nodes.
async fn drive(nodes: &[Node], clients: usize, sessions: usize) -> (Tally, Duration) {
    let left = Arc::new(AtomicUsize::new(sessions));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            tokio::spawn(client(
                nodes[i % nodes.len()].base.clone(),
                Arc::clone(&left),
            ))
        })
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.expect("a client");
        all.answers.extend(t.answers);
        all.requests += t.requests;
    }
    (all, started.elapsed())
}

/// Committed transactions of the database so far.
async fn commits(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("the benchmark connects");
    tokio::spawn(connection);
    // An idle backend reports its counts after at most 10 s
    // (PGSTAT_IDLE_INTERVAL), and the nodes' pooled ones are idle now.
    tokio::time::sleep(Duration::from_secs(11)).await;
    client
        .query_one(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("pg_stat_database")
        .get(0)
}

/// Bytes the processes' TCP connections to port 5432 sent plus received.
fn postgres_bytes(pids: &[u32]) -> u64 {
    let out = Command::new("ss")
        .args(["-tinpH", "dport = :5432"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut total = 0;
    let mut ours = false;
    for line in out.lines() {
        if line.contains("users:") {
            ours = pids.iter().any(|p| line.contains(&format!("pid={p},")));
            continue;
        }
        if !ours {
            continue;
        }
        for key in ["bytes_sent:", "bytes_received:"] {
            total += line
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    total
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
}

struct Args {
    sessions: usize,
    clients: Vec<usize>,
}

fn args() -> Args {
    let mut args = Args {
        sessions: 1500,
        clients: vec![16, 64],
    };
    let given: Vec<String> = std::env::args().collect();
    for pair in given.windows(2) {
        match pair[0].as_str() {
            "--sessions" => args.sessions = pair[1].parse().expect("--sessions N"),
            "--clients" => {
                args.clients = pair[1]
                    .split(',')
                    .map(|n| n.parse().expect("--clients 16,64"))
                    .collect();
            }
            _ => {}
        }
    }
    args
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let url = std::env::var("VIDARE_TEST_DATABASE_URL")
        .expect("VIDARE_TEST_DATABASE_URL names the PostgreSQL database to measure");
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!(
        "{} interviews of {SPEC} per row (create, every answer, close); load {}",
        args.sessions,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "| store | nodes | clients | answers/s | answer p50 ms | answer p99 ms | round trips/request | bytes/request |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut run = 0;
    for &clients in &args.clients {
        for (store, nodes) in [("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2)] {
            run += 1;
            let database = if store == "SQLite" {
                Database::Sqlite(dir.path().join(format!("run{run}.sqlite3")))
            } else {
                Database::Postgres {
                    url: url.clone(),
                    schema: format!("bench_{}_{run}", std::process::id()),
                }
            };
            let started: Vec<Node> = (0..nodes).map(|_| Node::start(&database)).collect();
            drive(&started, clients, 32).await;
            let pids: Vec<u32> = started.iter().map(|n| n.child.id()).collect();
            let postgres = matches!(database, Database::Postgres { .. });
            let (before, bytes_before) = if postgres {
                (commits(&url).await, postgres_bytes(&pids))
            } else {
                (0, 0)
            };
            let (mut tally, wall) = drive(&started, clients, args.sessions).await;
            let per_request = if postgres {
                let trips = (commits(&url).await - before) as f64 / tally.requests as f64;
                let bytes = (postgres_bytes(&pids) - bytes_before) as f64 / tally.requests as f64;
                format!("{trips:.2} | {bytes:.0}")
            } else {
                "- | -".to_owned()
            };
            tally.answers.sort_unstable();
            println!(
                "| {store} | {nodes} | {clients} | {:.0} | {:.1} | {:.1} | {per_request} |",
                tally.answers.len() as f64 / wall.as_secs_f64(),
                percentile(&tally.answers, 50.0),
                percentile(&tally.answers, 99.0),
            );
        }
    }
}
