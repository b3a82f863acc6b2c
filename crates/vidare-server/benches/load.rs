//! Load benchmark of the HTTP service (issue 6): durable answers per second,
//! answer latency percentiles, and the server's memory per live session.
//!
//! ```sh
//! cargo bench -p vidare-server --bench load
//! cargo bench -p vidare-server --bench load -- --sessions 10000 --clients 64
//! cargo bench -p vidare-server --bench load -- --server path/to/other/vidare-server
//! ```
//!
//! Options: `--sessions N` (4,000), `--clients N` concurrent connections
//! (32), `--client-threads N` of the load generator's runtime (2),
//! `--memory-sessions N` (10,000; 0 skips step 5), `--log FILTER` for
//! `VIDARE_LOG` (`info`, the server's default; the log goes to a file),
//! `--questionnaire id@version`, `--server PATH` to measure another build,
//! `--no-close` to leave every interview open (the shape measured before
//! closes were part of the benchmark), `--token` to give the server one
//! tenant's token and send it with every request (without it the server
//! runs local-only, with no token to check).
//!
//! It starts the server **binary** (`vidare-server`, built by Cargo for this
//! bench) on a random loopback port with a fresh data file on disk (WAL,
//! `synchronous = FULL`, so every acknowledged answer is fsync'd), then:
//!
//! 1. warms up with a few complete interviews;
//! 2. creates `--sessions` sessions of `violence-seven` with `--clients`
//!    concurrent clients;
//! 3. answers every one of them to the end, each client driving one session
//!    at a time by the `next` item of the last response and the
//!    `expected_events` it returned (yes to yes/no, the first option of a
//!    choice), then closes it, as a real interview ends, and times every
//!    answer and close request from send to the last byte of the response
//!    (the throughput counts answers, in a wall time that includes the
//!    closes);
//! 4. checks, by reading the data file after the run, that every
//!    acknowledged answer is an event in the log, or, for a closed
//!    session whose questionnaire keeps only parts of it, that its log is
//!    gone and its stored record is there;
//! 5. reads the server's `VmRSS` before and after creating
//!    `--memory-sessions` more sessions that stay open with three answers
//!    each, for the memory per live session.
//!
//! Every request loop is bounded by the counts above, traffic goes to
//! 127.0.0.1 only, and the server is killed at the end.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Settings, from `--name value` arguments.
#[derive(Debug, Clone)]
struct Config {
    sessions: usize,
    clients: usize,
    memory_sessions: usize,
    client_threads: usize,
    log: String,
    questionnaire: String,
    /// Another server binary to measure (e.g. a build of an older commit).
    server: Option<PathBuf>,
    /// Whether a finished interview is closed.
    close: bool,
    /// Whether the server has a tenant's token and every request sends it.
    token: bool,
}

impl Config {
    fn from_args() -> Config {
        let mut c = Config {
            sessions: 4000,
            clients: 32,
            memory_sessions: 10_000,
            client_threads: 2,
            log: "info".to_owned(),
            questionnaire: "violence-seven@1.0.0".to_owned(),
            server: None,
            close: true,
            token: false,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let (name, value) = match args[i].split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (args[i].clone(), args.get(i + 1).cloned()),
            };
            let takes_value = !args[i].contains('=');
            let number = || -> usize {
                value
                    .as_deref()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{name} needs a number"))
            };
            match name.as_str() {
                "--sessions" => c.sessions = number(),
                "--clients" => c.clients = number().max(1),
                "--memory-sessions" => c.memory_sessions = number(),
                "--client-threads" => c.client_threads = number().max(1),
                "--no-close" => {
                    c.close = false;
                    i += 1;
                    continue;
                }
                "--token" => {
                    c.token = true;
                    i += 1;
                    continue;
                }
                "--log" => c.log = value.clone().expect("--log needs a filter"),
                "--server" => c.server = Some(value.clone().expect("--server needs a path").into()),
                "--questionnaire" => {
                    c.questionnaire = value.clone().expect("--questionnaire needs id@version");
                }
                // `cargo bench` passes `--bench`; filters are not used.
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += if takes_value { 2 } else { 1 };
        }
        c
    }
}

/// The tenant's token `--token` gives the server and sends (a fixed test
/// value: the server only listens on loopback here).
const TOKEN: &str = "load-bench-token-0123456789abcdef0123456789abcdef";
const TOKENS: &str = "load-bench-token-0123456789abcdef0123456789abcdef=bench";

/// The server binary as a child process.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(dir: &Path, config: &Config) -> Server {
        let questionnaires = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires");
        let log = std::fs::File::create(dir.join("server.log")).expect("log file");
        let binary = config
            .server
            .clone()
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_vidare-server")));
        let mut child = Command::new(binary)
            .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
            .arg("--data")
            .arg(dir.join("vidare.sqlite3"))
            .arg("--questionnaires")
            .arg(questionnaires)
            .env("VIDARE_LOG", &config.log)
            .env_remove("VIDARE_TOKENS")
            .envs(config.token.then_some(("VIDARE_TOKENS", TOKENS)))
            .env_remove("VIDARE_TOKENS_FILE")
            .env_remove("VIDARE_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the server binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("a first line");
        let Some(base) = first.trim().strip_prefix("vidare-server listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "unexpected first line {first:?}; see {}",
                dir.join("server.log").display()
            );
        };
        let base = base.trim_end_matches('/').to_owned();
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stdout.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Server { child, base }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
fn memory_kib(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// User plus system CPU time of a process so far, in seconds.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name is in parentheses and may hold spaces: skip past it.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3 of the whole line, utime 14, stime 15.
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    match (ticks(14), ticks(15)) {
        (Some(u), Some(s)) => (u + s) as f64 / 100.0,
        _ => f64::NAN,
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The answer a scripted client gives to the item `next`.
fn answer_for(next: &Value) -> Value {
    let first_option = || next["options"][0]["value"].clone();
    match next["kind"].as_str().unwrap_or_default() {
        "yes_no" => json!(true),
        "single_choice" => first_option(),
        "multiple_choice" => json!([first_option()]),
        "scale" | "number" => next["min"].as_f64().map_or(json!(0), |m| json!(m)),
        "date" => json!("2020-01-01"),
        _ => json!("load test"),
    }
}

#[derive(Default)]
struct Tally {
    /// Answer latencies in microseconds.
    latencies: Vec<u32>,
    /// Session-creation latencies in microseconds.
    creates: Vec<u32>,
    /// Close latencies in microseconds.
    closes: Vec<u32>,
    answers: usize,
    /// Answers of sessions whose close was acknowledged.
    answers_closed: usize,
    finished: usize,
}

impl Tally {
    fn merge(&mut self, others: Vec<Tally>) {
        for t in others {
            self.latencies.extend(t.latencies);
            self.creates.extend(t.creates);
            self.closes.extend(t.closes);
            self.answers += t.answers;
            self.answers_closed += t.answers_closed;
            self.finished += t.finished;
        }
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    questionnaire: String,
    close: bool,
}

impl Client {
    async fn post(&self, path: &str, body: &Value) -> (reqwest::StatusCode, Value, u32) {
        let started = Instant::now();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("the request is sent");
        let status = response.status();
        let bytes = response.bytes().await.expect("a body");
        let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value, micros)
    }

    /// Creates a session; returns its state.
    async fn create(&self, tally: &mut Tally) -> Value {
        let (status, state, micros) = self
            .post(
                "/api/v1/sessions",
                &json!({"questionnaire": self.questionnaire, "language": "en"}),
            )
            .await;
        assert_eq!(status, 201, "create: {state}");
        tally.creates.push(micros);
        state
    }

    /// Closes a finished session, which must be acknowledged.
    async fn close(&self, id: &str, expected: u64, tally: &mut Tally) {
        let path = format!("/api/v1/sessions/{id}/close");
        let body = json!({ "expected_events": expected });
        let (status, after, micros) = self.post(&path, &body).await;
        assert_eq!(status, 200, "close: {after}");
        assert_eq!(after["status"], "closed", "{after}");
        tally.closes.push(micros);
    }

    /// Answers up to `limit` questions of a session from `state` on, and
    /// closes it once finished (unless closing is off).
    async fn answer(&self, mut state: Value, limit: usize, tally: &mut Tally) {
        let id = state["id"].as_str().expect("an id").to_owned();
        let path = format!("/api/v1/sessions/{id}/answer");
        let mut answered = 0;
        for _ in 0..limit {
            if state["status"] != "asking" {
                break;
            }
            let expected = state["events"].as_u64().expect("events");
            let next = &state["next"];
            let body = json!({
                "expected_events": expected,
                "item": next["id"],
                "value": answer_for(next),
            });
            let (status, after, micros) = self.post(&path, &body).await;
            assert_eq!(status, 200, "answer: {after}");
            // Acknowledged: the write is committed and counted.
            assert_eq!(after["events"].as_u64(), Some(expected + 1), "{after}");
            tally.latencies.push(micros);
            tally.answers += 1;
            answered += 1;
            state = after;
        }
        if state["status"] != "asking" {
            tally.finished += 1;
            if self.close {
                let expected = state["events"].as_u64().expect("events");
                self.close(&id, expected, tally).await;
                tally.answers_closed += answered;
            }
        }
    }
}

/// Runs `sessions` sessions over `clients` concurrent tasks: each creates
/// a session and answers up to `limit` questions, then takes the next.
/// With `create_first`, every session is created before any is answered.
async fn run(
    client: &Arc<Client>,
    clients: usize,
    sessions: usize,
    limit: usize,
    create_first: bool,
) -> (Tally, Duration, Duration) {
    let mut tally = Tally::default();
    let mut create_time = Duration::ZERO;
    let created: Slots = if create_first {
        let started = Instant::now();
        let (states, tallies) = fan_out(clients, sessions, client, move |c, _, mut t| async move {
            let s = c.create(&mut t).await;
            (t, Some(s))
        })
        .await;
        create_time = started.elapsed();
        tally.merge(tallies);
        states
    } else {
        Arc::new((0..sessions).map(|_| Mutex::new(None)).collect())
    };
    let started = Instant::now();
    let (_, tallies) = fan_out(clients, sessions, client, move |c, i, mut t| {
        let created = Arc::clone(&created);
        async move {
            let given = created[i].lock().expect("lock").take();
            let state = match given {
                Some(s) => s,
                None => c.create(&mut t).await,
            };
            c.answer(state, limit, &mut t).await;
            (t, None)
        }
    })
    .await;
    let answer_time = started.elapsed();
    tally.merge(tallies);
    (tally, create_time, answer_time)
}

/// One slot per session: a state handed from one phase to the next.
type Slots = Arc<Vec<Mutex<Option<Value>>>>;

/// Runs `job(client, index, tally)` for every index below `n` on `tasks`
/// concurrent tasks; returns what each job left for its index, and each
/// task's tally.
async fn fan_out<F, Fut>(
    tasks: usize,
    n: usize,
    client: &Arc<Client>,
    job: F,
) -> (Slots, Vec<Tally>)
where
    F: Fn(Arc<Client>, usize, Tally) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = (Tally, Option<Value>)> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let out: Slots = Arc::new((0..n).map(|_| Mutex::new(None)).collect());
    let job = Arc::new(job);
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (next, out, job, client) = (
            Arc::clone(&next),
            Arc::clone(&out),
            Arc::clone(&job),
            Arc::clone(client),
        );
        handles.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let (t, value) = job(Arc::clone(&client), i, tally).await;
                tally = t;
                *out[i].lock().expect("lock") = value;
            }
            tally
        }));
    }
    let mut tallies = Vec::new();
    for h in handles {
        tallies.push(h.await.expect("a client task"));
    }
    (out, tallies)
}

/// The percentile given in tenths of a percent (990 = p99) of sorted
/// microseconds, in milliseconds (nearest rank).
fn percentile(sorted: &[u32], per_mille: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (per_mille * sorted.len()).div_ceil(1000);
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

fn summary(label: &str, micros: &mut [u32]) {
    micros.sort_unstable();
    println!(
        "{label}: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms (n = {})",
        percentile(micros, 500),
        percentile(micros, 900),
        percentile(micros, 990),
        percentile(micros, 999),
        percentile(micros, 1000),
        micros.len()
    );
}

/// What the data file holds after the run.
struct StoredCounts {
    events: u64,
    sessions: u64,
    /// Closed sessions with a stored record.
    closed: u64,
    /// Closed sessions whose log closing deleted.
    forgotten: u64,
}

/// Counts the events and sessions in the data file.
fn stored_counts(data: &Path) -> StoredCounts {
    let conn = rusqlite::Connection::open_with_flags(
        data,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("the data file opens");
    let count = |sql: &str| -> u64 {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0))
            .expect("a count")
            .unsigned_abs()
    };
    StoredCounts {
        events: count("SELECT count(*) FROM events"),
        sessions: count("SELECT count(*) FROM sessions"),
        closed: count(
            "SELECT count(*) FROM sessions WHERE closed_at IS NOT NULL AND result IS NOT NULL",
        ),
        forgotten: count("SELECT count(*) FROM sessions WHERE purged_events > 0"),
    }
}

/// Asserts that the data file holds every acknowledged write: each
/// acknowledged close as a stored record, and each acknowledged answer as
/// an event unless closing deleted its session's log (which it does for
/// every session of a questionnaire with parts that are not kept, or none).
fn check_stored(data: &Path, config: &Config, warm: &Tally, run: &Tally) {
    let stored = stored_counts(data);
    let sessions = (config.clients * 4 + config.sessions) as u64;
    let closes = (warm.closes.len() + run.closes.len()) as u64;
    let answers = (warm.answers + run.answers) as u64;
    let of_closed = (warm.answers_closed + run.answers_closed) as u64;
    println!(
        "data file: {} events in {} sessions, {} closed ({} with the log deleted); acknowledged: {answers} answers in {sessions} sessions, {closes} closes",
        stored.events, stored.sessions, stored.closed, stored.forgotten
    );
    assert_eq!(
        stored.sessions, sessions,
        "an acknowledged session is missing"
    );
    assert_eq!(stored.closed, closes, "an acknowledged close is missing");
    let expected_events = match stored.forgotten {
        0 => answers,
        n if n == closes => answers - of_closed,
        n => panic!("{n} of {closes} closed sessions lost their log: all or none should"),
    };
    assert_eq!(
        stored.events, expected_events,
        "an acknowledged answer is missing"
    );
}

fn scratch_dir() -> PathBuf {
    // On the target's disk (never a tmpfs), so fsync is real.
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&root).expect("target tmp dir");
    root
}

fn main() {
    let config = Config::from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.client_threads)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench(config));
}

async fn bench(config: Config) {
    let dir = tempfile::Builder::new()
        .prefix("vidare-load-")
        .tempdir_in(scratch_dir())
        .expect("a scratch dir");
    let data = dir.path().join("vidare.sqlite3");
    let server = Server::start(dir.path(), &config);
    let pid = server.pid().to_string();
    let me = std::process::id().to_string();
    println!(
        "server pid {pid} at {}, data {}, {} clients on {} client thread(s), log filter {:?}",
        server.base,
        data.display(),
        config.clients,
        config.client_threads,
        config.log
    );
    println!("load average before: {}", load_average());
    let mut headers = reqwest::header::HeaderMap::new();
    if config.token {
        let bearer = format!("Bearer {TOKEN}");
        headers.insert(
            reqwest::header::AUTHORIZATION,
            bearer.parse().expect("a header"),
        );
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(config.clients)
        .timeout(Duration::from_mins(1))
        .build()
        .expect("a client");
    let client = Arc::new(Client {
        http,
        base: server.base.clone(),
        questionnaire: config.questionnaire.clone(),
        close: config.close,
    });

    // 1. Warm-up: complete interviews, not counted.
    let (warm, _, _) = run(
        &client,
        config.clients,
        config.clients * 4,
        usize::MAX,
        false,
    )
    .await;
    let (rss_start, _) = memory_kib(&pid);

    // 2 and 3. Create, then answer every session to the end.
    let (server_cpu0, client_cpu0) = (cpu_seconds(&pid), cpu_seconds(&me));
    let (mut tally, create_time, answer_time) =
        run(&client, config.clients, config.sessions, usize::MAX, true).await;
    let (server_cpu1, client_cpu1) = (cpu_seconds(&pid), cpu_seconds(&me));
    let load_after = load_average();
    let (rss_after_run, _) = memory_kib(&pid);

    let answers = tally.answers;
    if config.close {
        summary("  close latency", &mut tally.closes);
    }
    let per_session = answers as f64 / config.sessions as f64;
    println!();
    println!(
        "created {} sessions in {:.2} s: {:.0} sessions/s",
        config.sessions,
        create_time.as_secs_f64(),
        config.sessions as f64 / create_time.as_secs_f64()
    );
    summary("  create latency", &mut tally.creates);
    println!(
        "answered {answers} questions ({per_session:.1} per session, {} sessions finished) in {:.2} s",
        tally.finished,
        answer_time.as_secs_f64()
    );
    let rate = answers as f64 / answer_time.as_secs_f64();
    println!("DURABLE ANSWERS PER SECOND: {rate:.0}   (target >= 5000)");
    summary("  answer latency", &mut tally.latencies);
    let p99 = percentile(&tally.latencies, 990);
    println!("P99 ANSWER LATENCY: {p99:.2} ms   (target < 20 ms)");
    let (server_cpu, client_cpu) = (server_cpu1 - server_cpu0, client_cpu1 - client_cpu0);
    let wall = create_time.as_secs_f64() + answer_time.as_secs_f64();
    println!(
        "CPU over create + answer ({wall:.2} s wall): server {server_cpu:.2} s ({:.0}% of one core, {:.0} us per request), load generator {client_cpu:.2} s ({:.0}%)",
        100.0 * server_cpu / wall,
        1e6 * server_cpu / (answers + config.sessions) as f64,
        100.0 * client_cpu / wall,
    );
    println!("load average after: {load_after}");

    // 4. Every acknowledged answer is in the log, or its session was
    // closed and its log deleted as the questionnaire asks.
    check_stored(&data, &config, &warm, &tally);

    // 5. Memory per live session.
    if config.memory_sessions > 0 {
        let (rss0, _) = memory_kib(&pid);
        let (mem, _, time) = run(&client, config.clients, config.memory_sessions, 3, false).await;
        let (rss1, hwm) = memory_kib(&pid);
        let delta = rss1.saturating_sub(rss0);
        println!();
        println!(
            "memory: server VmRSS {rss_start} KiB after warm-up, {rss_after_run} KiB after the run, \
             {rss0} KiB before and {rss1} KiB after {} more open sessions with {} answers ({:.1} s); peak {hwm} KiB",
            config.memory_sessions,
            mem.answers,
            time.as_secs_f64()
        );
        println!(
            "SERVER MEMORY PER LIVE SESSION: {:.0} bytes ({delta} KiB / {} sessions)",
            delta as f64 * 1024.0 / config.memory_sessions as f64,
            config.memory_sessions
        );
        let size = std::fs::metadata(&data).map_or(0, |m| m.len());
        let wal = std::fs::metadata(data.with_extension("sqlite3-wal")).map_or(0, |m| m.len());
        println!("data file {size} bytes, WAL {wal} bytes");
    }
    drop(server);
}
