//! "Deleted means gone from disk": once a session is closed, by request or
//! because it was idle, the answers kept only for the conversation are in
//! none of the data store's files (the main file, `-wal`, `-shm`), read as
//! raw bytes while the server runs; an outside reader holding the file
//! delays that until it lets go, and stalls no write meanwhile; a crash
//! that left the WAL untruncated is made good at the next start; and the
//! copies that pages rebuilt while sessions were open keep are gone once
//! the server has vacuumed, on its own, within its interval. docs/server.md,
//! "Deleted answers on disk", says the same.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{TestServer, child, fixtures};
use serde_json::{Value, json};
use vidare_server::store::SqliteOptions;
use vidare_server::{Access, Options};

/// The answer to `what` (retention `conversation`) of the interviews that
/// are closed; any answer holding it must be deleted from disk.
const SECRET: &str = "ZEBRA-7781-CONVERSATION";

/// The answer to `contact` (kept): closing leaves it where it is.
const KEPT: &str = "ZEBRA-7781-KEPT-CONTACT";

/// Far longer than any step takes on an idle machine, and well under the
/// store's five-second busy timeout: a hang guard, not a benchmark.
const QUICK: Duration = Duration::from_millis(2500);

/// The store's files (`data.sqlite3` and its `-wal`, `-shm` or journal)
/// whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("the data folder") {
        let entry = entry.expect("an entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("data.sqlite3") {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(entry.path()).expect("a data file");
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(name);
        }
    }
    assert!(seen > 0, "no data file in {}", dir.display());
    found
}

/// Waits up to `limit` for `needle` to leave every file; the files that
/// still hold it after that.
async fn gone_within(dir: &Path, needle: &str, limit: Duration) -> Vec<String> {
    let start = Instant::now();
    loop {
        let found = files_holding(dir, needle);
        if found.is_empty() || start.elapsed() > limit {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A POST that must succeed; its body and how long it took.
async fn post(server: &TestServer, path: &str, body: &Value) -> (Value, Duration) {
    let start = Instant::now();
    let reply = server.post(path, body).await;
    let took = start.elapsed();
    assert_eq!(reply.status / 100, 2, "{path}: {reply:?}");
    (reply.body, took)
}

async fn start(server: &TestServer) -> String {
    let body = json!({"questionnaire": "notes@1.0.0", "language": "en"});
    let (state, _) = post(server, "/api/v1/sessions", &body).await;
    state["id"].as_str().expect("id").to_owned()
}

/// Answers `item` as the session's `n`-th event; how long it took.
async fn answer(server: &TestServer, id: &str, n: usize, item: &str, value: Value) -> Duration {
    let body = json!({"expected_events": n, "item": item, "value": value});
    post(server, &format!("/api/v1/sessions/{id}/answer"), &body)
        .await
        .1
}

/// A whole interview on `notes`: worried, `what`, sleep, `contact`.
async fn interview(server: &TestServer, what: &str, contact: &str) -> String {
    let id = start(server).await;
    for (n, (item, v)) in [
        ("worried", json!(true)),
        ("what", json!(what)),
        ("sleep", json!(2)),
        ("contact", json!(contact)),
    ]
    .into_iter()
    .enumerate()
    {
        answer(server, &id, n, item, v).await;
    }
    id
}

/// Closes a session with four events; how long it took.
async fn close(server: &TestServer, id: &str) -> (Value, Duration) {
    let body = json!({"expected_events": 4});
    post(server, &format!("/api/v1/sessions/{id}/close"), &body).await
}

// The interviews of the next tests keep their events within one page, so
// that SQLite never rebuilds a page while they run: a rebuilt page can
// keep an older copy of a row in its unused space, which `secure_delete`
// does not reach until the server vacuums the file (see
// `no_copy_of_a_deleted_answer_survives_page_rebuilds` below).

#[tokio::test]
async fn a_closed_sessions_conversation_answers_are_in_no_file() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let dir = server.dir.path();
    let other = interview(&server, "someone else's worry", "by phone").await;
    let id = interview(&server, SECRET, KEPT).await;
    assert!(!files_holding(dir, SECRET).is_empty(), "open: on disk");

    let (closed, _) = close(&server, &id).await;
    assert_eq!(closed["status"], "closed");
    // At once: the close is acknowledged after the WAL was truncated.
    assert_eq!(files_holding(dir, SECRET), Vec::<String>::new());
    assert!(!files_holding(dir, KEPT).is_empty(), "kept answers stay");
    assert!(!files_holding(dir, "someone else's worry").is_empty());

    let result = server.get(&format!("/api/v1/sessions/{id}/result")).await;
    assert_eq!(result.status, 200);
    assert!(!result.body.to_string().contains(SECRET), "{result:?}");
    assert!(result.body.to_string().contains(KEPT));
    let other = server.get(&format!("/api/v1/sessions/{other}")).await;
    assert_eq!(other.body["status"], "complete", "still open");
}

#[tokio::test]
async fn idle_sessions_closed_on_expiry_leave_no_answers_on_disk() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let dir = server.dir.path();
    let mut ours = Vec::new();
    for i in 0..3 {
        ours.push(interview(&server, &format!("{SECRET}-{i}"), KEPT).await);
    }
    let open = start(&server).await;
    answer(&server, &open, 0, "worried", json!(false)).await;
    assert!(!files_holding(dir, SECRET).is_empty());
    // `updated_at` has millisecond precision; "idle for 0 s" needs 1 ms.
    tokio::time::sleep(Duration::from_millis(20)).await;

    let closed = vidare_server::close_idle(&server.state, Duration::ZERO)
        .await
        .expect("idle sessions close");
    assert_eq!(closed, 4);
    // Closes in quick succession share a checkpoint, which may come a
    // moment after the last of them is acknowledged.
    let left = gone_within(dir, SECRET, Duration::from_secs(5)).await;
    assert_eq!(left, Vec::<String>::new());
    assert!(!files_holding(dir, KEPT).is_empty());
    for id in ours {
        let result = server.get(&format!("/api/v1/sessions/{id}/result")).await;
        assert_eq!(result.status, 200);
        assert!(!result.body.to_string().contains(SECRET), "{result:?}");
    }
}

/// An outside reader (a backup, `sqlite3` on the file) holds a read
/// transaction: the WAL cannot be truncated meanwhile, but neither the
/// close nor the writes after it wait for the reader. Once it lets go,
/// the owed checkpoint happens without any further write.
#[tokio::test]
async fn an_outside_reader_delays_the_checkpoint_but_stalls_no_write() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let dir = server.dir.path();
    let mut others = Vec::new();
    for _ in 0..10 {
        let other = start(&server).await;
        answer(&server, &other, 0, "worried", json!(true)).await;
        others.push(other);
    }
    let id = interview(&server, SECRET, KEPT).await;

    let reader = rusqlite::Connection::open(dir.join("data.sqlite3")).expect("reader opens");
    reader.execute_batch("BEGIN").expect("begin");
    let events: i64 = reader
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("the reader reads");
    assert_eq!(events, 14);

    let (closed, took) = close(&server, &id).await;
    assert_eq!(closed["status"], "closed");
    assert!(took < QUICK, "the close waited {took:?} for the reader");
    for other in &others {
        let took = answer(&server, other, 1, "what", json!("another worry")).await;
        assert!(took < QUICK, "an append waited {took:?} for the reader");
    }
    // The limit: the reader's snapshot still needs the old frames.
    assert!(!files_holding(dir, SECRET).is_empty());

    reader.execute_batch("COMMIT").expect("the reader lets go");
    let left = gone_within(dir, SECRET, Duration::from_secs(5)).await;
    assert_eq!(left, Vec::<String>::new(), "after the reader let go");
}

/// A POST to a server binary that must succeed; its body.
async fn call(client: &reqwest::Client, base: &str, path: &str, body: &Value) -> Value {
    let reply = common::send(client, base, reqwest::Method::POST, path, None, Some(body)).await;
    assert_eq!(reply.status / 100, 2, "{path}: {reply:?}");
    reply.body
}

/// A crash while a checkpoint is owed (here: an outside reader held the
/// file when the server was killed) is made good at the next start.
#[tokio::test]
async fn a_checkpoint_owed_at_a_crash_is_made_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data.sqlite3");
    let client = reqwest::Client::new();
    let first = child::start(&fixtures(), &data);
    let body = json!({"questionnaire": "notes@1.0.0", "language": "en"});
    let created = call(&client, &first.base, "/api/v1/sessions", &body).await;
    let id = created["id"].as_str().expect("id").to_owned();
    for (n, (item, v)) in [("worried", json!(true)), ("what", json!(SECRET))]
        .into_iter()
        .enumerate()
    {
        let body = json!({"expected_events": n, "item": item, "value": v});
        call(
            &client,
            &first.base,
            &format!("/api/v1/sessions/{id}/answer"),
            &body,
        )
        .await;
    }

    // Read-only, so that it cannot checkpoint when it closes either.
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let reader = rusqlite::Connection::open_with_flags(&data, flags).expect("reader opens");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("the reader reads");
    let body = json!({"expected_events": 2});
    call(
        &client,
        &first.base,
        &format!("/api/v1/sessions/{id}/close"),
        &body,
    )
    .await;
    first.kill();
    drop(reader);
    assert!(
        !files_holding(dir.path(), SECRET).is_empty(),
        "left by the crash"
    );

    let second = child::start(&fixtures(), &data);
    let left = gone_within(dir.path(), SECRET, Duration::from_secs(5)).await;
    second.kill();
    assert_eq!(left, Vec::<String>::new());
}

/// Copies left in rebuilt pages, and the vacuum that removes them. While
/// sessions are open, their events move between pages as pages fill and
/// split; SQLite can leave an older copy of a row in the unused space of a
/// page it rebuilt, and `secure_delete` zeroes only the row it deletes and
/// pages that become free. Here 480 interleaved sessions get answers of
/// many lengths, and 320 of them, holding 4,480 secret answers, are
/// closed; the server vacuums on its own within its interval, and no
/// deleted answer is left in any file. Without the vacuum, runs like this
/// left 5 to 10 of them each in the data file (the ignored test below), so
/// the test would fail against a server that does not vacuum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_copy_of_a_deleted_answer_survives_page_rebuilds() {
    let interval = Duration::from_millis(500);
    let leaked = leak_run(interval).await;
    assert_eq!(leaked.in_files, Vec::<String>::new(), "{leaked:?}");
}

/// The same run with the vacuum put off for an hour, as the server was
/// before it vacuumed: how many deleted answers stay in the file.
/// `cargo test -p vidare-server --test server disk:: -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "an experiment: it measures the leak without the vacuum"]
// The experiment's report is what it prints.
#[allow(clippy::print_stdout)]
async fn without_the_vacuum_deleted_answers_stay_in_rebuilt_pages() {
    let runs = std::env::var("LEAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for _ in 0..runs {
        let leaked = leak_run(Duration::from_hours(1)).await;
        println!(
            "{} of {} secret answers left on disk ({:?} in files {:?}), {:.1} s",
            leaked.answers.len(),
            leaked.secrets,
            leaked.answers,
            leaked.in_files,
            leaked.took.as_secs_f64()
        );
    }
}

/// What a leak run left.
#[derive(Debug)]
struct Leaked {
    /// Secret answers given (and deleted by closing).
    secrets: usize,
    /// The files that hold any.
    in_files: Vec<String>,
    /// Which of them are left, as `session-step`.
    answers: std::collections::BTreeSet<String>,
    took: Duration,
}

/// 480 interleaved interviews on a server that vacuums at most once per
/// `interval`: each answers `worried`, `what`, `sleep` and `contact`, then
/// changes `what` 13 times, in turn over all sessions (by four concurrent
/// clients), with answers of 0 to 440 bytes and more, so that pages split
/// again and again; two sessions in three are secret and closed, which
/// deletes 4,480 secret answers. Then waits for the vacuum.
async fn leak_run(interval: Duration) -> Leaked {
    let (sessions, changes) = (480, 13);
    let started = Instant::now();
    let store = SqliteOptions {
        vacuum_interval: interval,
    };
    let server = std::sync::Arc::new(
        TestServer::start_with_store(&fixtures(), Access::Local, Options::default(), &store).await,
    );
    let dir = server.dir.path().to_owned();
    let mut ids = Vec::new();
    for _ in 0..sessions {
        ids.push(start(&server).await);
    }
    let ids: Vec<(usize, String)> = ids.into_iter().enumerate().collect();
    let secret = |i: usize| !i.is_multiple_of(3);
    let steps: Vec<&str> = ["worried", "what", "sleep", "contact"]
        .into_iter()
        .chain(std::iter::repeat_n("what", changes))
        .collect();
    let mut clients = tokio::task::JoinSet::new();
    for chunk in ids.chunks(ids.len().div_ceil(4)) {
        let (server, chunk, steps) = (
            std::sync::Arc::clone(&server),
            chunk.to_vec(),
            steps.clone(),
        );
        clients.spawn(async move {
            for (n, item) in steps.iter().enumerate() {
                for (i, id) in &chunk {
                    let text = |label: &str| {
                        format!("{label}-{i}-{n}-{}", "x".repeat((i * 37 + n * 11) % 440))
                    };
                    let value = match *item {
                        "worried" => json!(true),
                        "sleep" => json!(2),
                        "contact" => json!(text(KEPT)),
                        _ if secret(*i) => json!(text(SECRET)),
                        _ => json!(text("another worry")),
                    };
                    step(&server, id, n, item, value).await;
                }
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("a client");
    }
    let events = steps.len();
    for (_, id) in ids.iter().filter(|(i, _)| secret(*i)) {
        let body = json!({"expected_events": events});
        post(&server, &format!("/api/v1/sessions/{id}/close"), &body).await;
    }
    // Long enough for the vacuum to come (it is put off for an hour in
    // the experiment: nothing will go then).
    let wait = interval.min(Duration::from_secs(5)) + Duration::from_secs(5);
    let left = gone_within(&dir, SECRET, wait).await;
    let mut answers = std::collections::BTreeSet::new();
    for file in &left {
        let bytes = std::fs::read(dir.join(file)).expect("a data file");
        let text = String::from_utf8_lossy(&bytes);
        for (at, _) in text.match_indices(SECRET) {
            let rest = &text[at + SECRET.len()..];
            let id: String = rest
                .chars()
                .take_while(|c| *c == '-' || c.is_ascii_digit())
                .collect();
            answers.insert(id.trim_matches('-').to_owned());
        }
    }
    assert!(!files_holding(&dir, KEPT).is_empty(), "kept answers stay");
    let open = server.get(&format!("/api/v1/sessions/{}", ids[0].1)).await;
    assert_eq!(open.status, 200, "the server reads the vacuumed file");
    Leaked {
        secrets: ids.iter().filter(|(i, _)| secret(*i)).count() * (changes + 1),
        in_files: left,
        answers,
        took: started.elapsed(),
    }
}

/// Answers `item` as the session's `n`-th event, or changes its answer
/// when it has one.
async fn step(server: &TestServer, id: &str, n: usize, item: &str, value: Value) {
    if n < 4 {
        answer(server, id, n, item, value).await;
    } else {
        let body = json!({"expected_events": n, "item": item, "response": {"answer": value}});
        post(server, &format!("/api/v1/sessions/{id}/change"), &body).await;
    }
}
