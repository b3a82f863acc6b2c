//! How long the server's `VACUUM` stalls writes on a realistic data file
//! (docs/benchmarks.md, "Vacuum after deleting answers").
//!
//! ```sh
//! cargo bench -p vidare-server --bench vacuum
//! cargo bench -p vidare-server --bench vacuum -- --closed 10000 --questionnaire gender-equality-compass@2.0.0
//! ```
//!
//! Options: `--closed N` interviews answered to the end and closed
//! (10,000), `--open N` interviews left open with three answers (500),
//! `--clients N` concurrent connections while filling (32), `--probe N`
//! concurrent writers while the vacuum runs (8), `--interval S` the
//! server's `--vacuum-interval` in the measured run (5),
//! `--questionnaire id@version` (`violence-seven@2.0.0`).
//!
//! 1. Starts the server **binary** with `--vacuum-interval 86400` on a new
//!    data file on disk (not a tmpfs) and fills it: `--closed` interviews
//!    answered to the end by the `next` item (yes to yes/no, the first
//!    option of a choice) and closed, and `--open` interviews with three
//!    answers that stay open. Closing deletes each log; nothing is
//!    vacuumed yet (the start's vacuum ran on the empty file).
//! 2. Stops it and starts it again on the same file with
//!    `--vacuum-interval S`: the writer vacuums once as it starts (the
//!    server's log says how long it took).
//! 3. Waits for that, then runs `--probe` writers that create interviews
//!    and answer them, timing every write, while one more interview is
//!    closed: the vacuum that close owes comes `S` seconds after the one
//!    at the start, in the middle of the writes. Reports the write
//!    latencies, the longest, the server's own timing of each vacuum and
//!    the server's peak memory (`VmHWM`: `VACUUM` builds its copy of the
//!    file in memory).
//! 4. For comparison, `VACUUM INTO` a new file from a separate read-only
//!    connection while the writers run: it takes no write lock.
//!
//! Traffic goes to 127.0.0.1 only, every loop is bounded, and the server
//! is killed at the end.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Config {
    closed: usize,
    open: usize,
    clients: usize,
    probe: usize,
    interval: u64,
    questionnaire: String,
}

impl Config {
    fn from_args() -> Config {
        let mut c = Config {
            closed: 10_000,
            open: 500,
            clients: 32,
            probe: 8,
            interval: 5,
            questionnaire: "violence-seven@2.0.0".to_owned(),
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let value = args.get(i + 1).cloned();
            let number = || -> usize {
                value
                    .as_deref()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{} needs a number", args[i]))
            };
            match args[i].as_str() {
                "--closed" => c.closed = number(),
                "--open" => c.open = number(),
                "--clients" => c.clients = number().max(1),
                "--probe" => c.probe = number().max(1),
                "--interval" => c.interval = number() as u64,
                "--questionnaire" => {
                    c.questionnaire = value.clone().expect("--questionnaire needs id@version");
                }
                // `cargo bench` passes `--bench`; filters are not used.
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        c
    }
}

/// The server binary as a child process, logging to `server-<n>.log`.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    fn start(dir: &Path, run: usize, interval: u64) -> Server {
        let questionnaires = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires");
        let log = dir.join(format!("server-{run}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_vidare-server"))
            .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
            .arg("--vacuum-interval")
            .arg(interval.to_string())
            .arg("--data")
            .arg(dir.join("vidare.sqlite3"))
            .arg("--questionnaires")
            .arg(questionnaires)
            // The log of every request would be most of the file; the
            // store's lines (the vacuum's timing) are what is read.
            .env("VIDARE_LOG", "warn,vidare_server::store=info")
            .env_remove("VIDARE_TOKENS")
            .env_remove("VIDARE_TOKENS_FILE")
            .env_remove("VIDARE_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the server binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("a first line");
        let Some(base) = first.trim().strip_prefix("vidare-server listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("unexpected first line {first:?}; see {}", log.display());
        };
        let base = base.trim_end_matches('/').to_owned();
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stdout.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Server { child, base, log }
    }

    /// The vacuums the server has logged so far: how long each took (ms).
    fn vacuums(&self) -> Vec<f64> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("vacuumed the data file"))
            .filter_map(|l| {
                let rest = &l[l.find("took_ms=")? + "took_ms=".len()..];
                rest.split_whitespace().next()?.parse().ok()
            })
            .collect()
    }

    /// `VmHWM` (peak resident memory) in KiB.
    fn peak_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
        _ => json!("a note for the benchmark"),
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    questionnaire: String,
}

impl Client {
    async fn post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("the request is sent");
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    async fn create(&self) -> Value {
        let body = json!({"questionnaire": self.questionnaire, "language": "en"});
        self.post("/api/v1/sessions", &body).await
    }

    /// Answers up to `limit` questions; the last state. Each write's start
    /// (since `t0`) and latency go to `times`.
    async fn answer(
        &self,
        mut state: Value,
        limit: usize,
        t0: Instant,
        times: &mut Vec<(f64, f64)>,
    ) -> Value {
        let id = state["id"].as_str().expect("an id").to_owned();
        for _ in 0..limit {
            if state["status"] != "asking" {
                break;
            }
            let next = &state["next"];
            let body = json!({
                "expected_events": state["events"],
                "item": next["id"],
                "value": answer_for(next),
            });
            let started = Instant::now();
            state = self
                .post(&format!("/api/v1/sessions/{id}/answer"), &body)
                .await;
            times.push((
                (started - t0).as_secs_f64(),
                started.elapsed().as_secs_f64() * 1000.0,
            ));
        }
        state
    }

    async fn close(&self, state: &Value) {
        let id = state["id"].as_str().expect("an id");
        let body = json!({"expected_events": state["events"]});
        self.post(&format!("/api/v1/sessions/{id}/close"), &body)
            .await;
    }
}

/// Runs `job(index)` for every index below `n` on `tasks` tasks.
async fn fan_out<F, Fut>(tasks: usize, n: usize, job: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (next, job) = (Arc::clone(&next), Arc::clone(&job));
        handles.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                job(i).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("a task");
    }
}

fn client(base: &str, config: &Config) -> Arc<Client> {
    Arc::new(Client {
        http: reqwest::Client::builder()
            .timeout(Duration::from_mins(2))
            .build()
            .expect("a client"),
        base: base.to_owned(),
        questionnaire: config.questionnaire.clone(),
    })
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The percentile given in tenths of a percent (990 = p99) of sorted
/// values, nearest rank.
fn percentile(sorted: &[f64], per_mille: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (per_mille * sorted.len()).div_ceil(1000);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Probe writers: create interviews and answer them until `stop`.
fn probe(
    client: &Arc<Client>,
    writers: usize,
    t0: Instant,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(f64, f64)>>> {
    (0..writers)
        .map(|_| {
            let (client, stop) = (Arc::clone(client), Arc::clone(stop));
            tokio::spawn(async move {
                let mut times = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let state = client.create().await;
                    client.answer(state, usize::MAX, t0, &mut times).await;
                }
                times
            })
        })
        .collect()
}

async fn report(handles: Vec<tokio::task::JoinHandle<Vec<(f64, f64)>>>) {
    let mut times = Vec::new();
    for h in handles {
        times.extend(h.await.expect("a writer"));
    }
    let mut latencies: Vec<f64> = times.iter().map(|t| t.1).collect();
    latencies.sort_by(f64::total_cmp);
    let worst = times
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0.0, 0.0));
    println!(
        "  {} writes: p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.0} ms (sent at {:.1} s); {} over 100 ms, {} over 1 s",
        latencies.len(),
        percentile(&latencies, 500),
        percentile(&latencies, 990),
        percentile(&latencies, 999),
        worst.1,
        worst.0,
        latencies.iter().filter(|l| **l > 100.0).count(),
        latencies.iter().filter(|l| **l > 1000.0).count(),
    );
}

fn main() {
    let config = Config::from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench(config));
}

async fn bench(config: Config) {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&root).expect("target tmp dir");
    let dir = tempfile::Builder::new()
        .prefix("vidare-vacuum-")
        .tempdir_in(root)
        .expect("a scratch dir");
    let data = dir.path().join("vidare.sqlite3");
    println!("{config:?}; data {}", data.display());
    println!("load average before: {}", load_average());

    // 1. Fill.
    let started = Instant::now();
    let server = Server::start(dir.path(), 1, 86_400);
    let c = client(&server.base, &config);
    let t0 = Instant::now();
    let filler = Arc::clone(&c);
    fan_out(config.clients, config.closed, move |_| {
        let c = Arc::clone(&filler);
        async move {
            let state = c.create().await;
            let state = c.answer(state, usize::MAX, t0, &mut Vec::new()).await;
            c.close(&state).await;
        }
    })
    .await;
    let opener = Arc::clone(&c);
    fan_out(config.clients, config.open, move |_| {
        let c = Arc::clone(&opener);
        async move {
            let state = c.create().await;
            c.answer(state, 3, t0, &mut Vec::new()).await;
        }
    })
    .await;
    let (size, wal) = (
        file_size(&data),
        file_size(&data.with_extension("sqlite3-wal")),
    );
    println!(
        "filled in {:.1} s: {} closed and {} open interviews; data file {:.1} MB, WAL {:.1} MB",
        started.elapsed().as_secs_f64(),
        config.closed,
        config.open,
        size as f64 / 1e6,
        wal as f64 / 1e6
    );
    drop(server);

    // 2. Restart: the start's vacuum.
    let t_start = Instant::now();
    let server = Server::start(dir.path(), 2, config.interval);
    let c = client(&server.base, &config);
    let state = c.create().await;
    let first_write = t_start.elapsed();
    let state = c.answer(state, 3, t_start, &mut Vec::new()).await;
    let at_start = server.vacuums();
    println!(
        "restart: the first write was acknowledged {:.0} ms after the process started; vacuum at start {:?} ms; data file {:.1} MB, WAL {:.1} MB",
        first_write.as_secs_f64() * 1000.0,
        at_start,
        file_size(&data) as f64 / 1e6,
        file_size(&data.with_extension("sqlite3-wal")) as f64 / 1e6,
    );

    // 3. Writes while a vacuum owed by a close comes due.
    let stop = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let handles = probe(&c, config.probe, t0, &stop);
    tokio::time::sleep(Duration::from_secs(1)).await;
    c.close(&state).await;
    let mut waited = Duration::ZERO;
    while server.vacuums().len() < at_start.len() + 1 && waited < Duration::from_mins(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let vacuums = server.vacuums();
    println!(
        "vacuum owed by a close, {} s after the last ({} probe writers, {:.1} s of writes): server's timing {:?} ms",
        config.interval,
        config.probe,
        t0.elapsed().as_secs_f64(),
        &vacuums[at_start.len()..],
    );
    report(handles).await;
    println!(
        "server peak memory (VmHWM) {:.1} MB; data file {:.1} MB, WAL {:.1} MB",
        server.peak_kib() as f64 / 1024.0,
        file_size(&data) as f64 / 1e6,
        file_size(&data.with_extension("sqlite3-wal")) as f64 / 1e6,
    );

    // 4. For comparison: VACUUM INTO from a read-only connection while the
    // writers run.
    let stop = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let handles = probe(&c, config.probe, t0, &stop);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let copy = dir.path().join("copy.sqlite3");
    let (from, to) = (data.clone(), copy.clone());
    let took = tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open_with_flags(
            &from,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("opens");
        conn.execute_batch("PRAGMA temp_store = MEMORY")
            .expect("pragma");
        let started = Instant::now();
        conn.execute("VACUUM INTO ?1", [to.to_string_lossy()])
            .expect("vacuum into");
        started.elapsed()
    })
    .await
    .expect("vacuum into");
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    println!(
        "VACUUM INTO a new file from a read-only connection: {:.0} ms, copy {:.1} MB, while {} writers wrote:",
        took.as_secs_f64() * 1000.0,
        file_size(&copy) as f64 / 1e6,
        config.probe
    );
    report(handles).await;
    println!("load average after: {}", load_average());
    drop(server);
}
