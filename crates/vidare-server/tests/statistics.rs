//! The aggregate statistics: closes (through the API and on expiry) reach
//! the table only in batches of `k`; pending closes are written nowhere
//! and lost on a restart; the admin report suppresses small counts; a
//! tenant's token is refused. Also: closing a session of a questionnaire
//! whose every part is kept keeps its whole, replayable log.

use crate::common;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Reply, assert_problem, send};
use reqwest::Method;
use serde_json::{Value, json};
use vidare_server::store::SqliteStore;
use vidare_server::{Access, AppState, Options};

const ADMIN: &str = "tok-admin-k7f2q9x4m1p8w3z6";
const TENANT: &str = "tok-north-k7f2q9x4m1p8w3z6";
const REPORT: &str = "/api/v1/admin/statistics?questionnaire=counted&version=1.0.0";

fn questionnaires() -> PathBuf {
    common::statistics_fixtures()
}

/// A server on `data` with batches of `k`, and its state (for `close_idle`).
struct Server {
    base: String,
    client: reqwest::Client,
    state: AppState,
}

impl Server {
    async fn start(data: &Path, k: usize) -> Server {
        let registry = common::registry(&questionnaires());
        let access =
            Access::from_tokens(Some(&format!("{TENANT}=north")), Some(ADMIN.into())).unwrap();
        let options = Options {
            statistics_batch: NonZeroUsize::new(k).unwrap(),
            ..Options::default()
        };
        let state = AppState::new(registry, SqliteStore::open(data).unwrap(), access, options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = vidare_server::app(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            base,
            client: reqwest::Client::new(),
            state,
        }
    }

    async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
        send(
            &self.client,
            &self.base,
            method,
            path,
            Some(token),
            body.as_ref(),
        )
        .await
    }

    /// A tenant's step that must succeed.
    async fn step(&self, path: &str, body: Value) -> Value {
        let reply = self.call(Method::POST, path, TENANT, Some(body)).await;
        assert_eq!(reply.status / 100, 2, "{path}: {reply:?}");
        reply.body
    }

    /// A whole interview: `smoker` ("declined" declines), `transport`
    /// (`dont_know` for "don't know"), then `pets`. Returns the session id.
    async fn interview(&self, smoker: &str, transport: &str) -> String {
        let body = json!({"questionnaire": "counted@1.0.0", "language": "en"});
        let id = self.step("/api/v1/sessions", body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let at = |step: &str| format!("/api/v1/sessions/{id}/{step}");
        let (step, body) = match smoker {
            "declined" => ("decline", json!({"expected_events": 0, "item": "smoker"})),
            yes => (
                "answer",
                json!({"expected_events": 0, "item": "smoker", "value": yes == "yes"}),
            ),
        };
        self.step(&at(step), body).await;
        let (step, body) = match transport {
            "dont_know" => (
                "dont-know",
                json!({"expected_events": 1, "item": "transport"}),
            ),
            value => (
                "answer",
                json!({"expected_events": 1, "item": "transport", "value": value}),
            ),
        };
        self.step(&at(step), body).await;
        let body = json!({"expected_events": 2, "item": "pets", "value": true});
        self.step(&at("answer"), body).await;
        id
    }

    async fn close(&self, id: &str) -> Value {
        let path = format!("/api/v1/sessions/{id}/close");
        self.step(&path, json!({"expected_events": 3})).await
    }
}

/// The statistics table as stored, read from the data file.
fn table(data: &Path) -> Vec<(String, String, String, i64)> {
    let conn =
        rusqlite::Connection::open_with_flags(data, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT month, item, response, count FROM statistics ORDER BY item, response")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The table's counts without the month.
fn counts(data: &Path) -> Vec<(String, String, i64)> {
    table(data)
        .into_iter()
        .map(|(_, item, response, count)| (item, response, count))
        .collect()
}

fn expect(cells: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
    cells
        .iter()
        .map(|(i, r, n)| ((*i).to_owned(), (*r).to_owned(), *n))
        .collect()
}

#[tokio::test]
async fn closes_are_counted_in_batches_of_k() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let server = Server::start(&data, 5).await;
    let mut first = Vec::new();
    for (smoker, transport) in [
        ("yes", "bus"),
        ("yes", "bus"),
        ("no", "bus"),
        ("yes", "dont_know"),
        ("yes", "bus"),
    ] {
        first.push(server.interview(smoker, transport).await);
    }
    // k − 1 closes through the API: nothing reaches the table.
    for id in &first[..4] {
        server.close(id).await;
        assert_eq!(table(&data), Vec::new());
    }
    // The k-th, on expiry, brings the whole batch.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let closed = vidare_server::close_idle(&server.state, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(closed, 1);
    let batch = expect(&[
        ("smoker", "no", 1),
        ("smoker", "yes", 4),
        ("transport", "bus", 4),
        ("transport", "dont_know", 1),
    ]);
    assert_eq!(counts(&data), batch);
    let month = &table(&data)[0].0;
    assert!(
        month.len() == 7 && month.chars().nth(4) == Some('-'),
        "{month}"
    );

    let mut second = Vec::new();
    for smoker in ["yes", "yes", "declined", "no", "yes"] {
        second.push(server.interview(smoker, "bus").await);
    }
    for id in &second[..4] {
        server.close(id).await;
        assert_eq!(counts(&data), batch, "unchanged until the batch is full");
    }
    server.close(&second[4]).await;
    let both = expect(&[
        ("smoker", "declined", 1),
        ("smoker", "no", 2),
        ("smoker", "yes", 7),
        ("transport", "bus", 9),
        ("transport", "dont_know", 1),
    ]);
    assert_eq!(counts(&data), both);

    // The report: below 5 suppressed; `bus` hidden too, as the only other
    // count of `transport` (the number of closes would give it away).
    let reply = server.call(Method::GET, REPORT, ADMIN, None).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content_type, "application/json");
    let row = |item: &str, response: &str, count: Value, suppressed: bool| json!({"month": month, "item": item, "response": response, "count": count, "suppressed": suppressed});
    assert_eq!(
        reply.body,
        json!({
            "questionnaire": "counted",
            "version": "1.0.0",
            "k": 5,
            "min_cell": 5,
            "rows": [
                row("smoker", "declined", Value::Null, true),
                row("smoker", "no", Value::Null, true),
                row("smoker", "yes", json!(7), false),
                row("transport", "bus", Value::Null, true),
                row("transport", "dont_know", Value::Null, true),
            ]
        })
    );
    let markdown = server
        .call(
            Method::GET,
            &format!("{REPORT}&format=markdown"),
            ADMIN,
            None,
        )
        .await;
    assert_eq!(markdown.content_type, "text/markdown; charset=utf-8");
    let markdown = markdown.body.as_str().unwrap();
    assert!(markdown.contains("| `smoker` | `no` | <5 |"), "{markdown}");
    assert!(markdown.contains("| `smoker` | `yes` | 7 |"), "{markdown}");
    assert!(
        markdown.contains("| `transport` | `bus` | suppressed |"),
        "{markdown}"
    );
    // Without a version: the latest loaded one.
    let latest = server
        .call(
            Method::GET,
            "/api/v1/admin/statistics?questionnaire=counted",
            ADMIN,
            None,
        )
        .await;
    assert_eq!(latest.body, reply.body);
}

#[tokio::test]
async fn the_report_is_for_the_admin_and_bad_queries_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data.sqlite3"), 10).await;
    for format in ["", "&format=markdown"] {
        let path = format!("{REPORT}{format}");
        let reply = server.call(Method::GET, &path, TENANT, None).await;
        let problem = assert_problem(&reply, 403, "forbidden");
        assert!(problem["detail"].as_str().unwrap().contains("admin token"));
    }
    let reply = send(
        &server.client,
        &server.base,
        Method::GET,
        REPORT,
        None,
        None,
    )
    .await;
    assert_problem(&reply, 401, "unauthorized");
    for (path, status, kind) in [
        ("/api/v1/admin/statistics", 400, "invalid-query"),
        (
            &format!("{REPORT}&format=svg") as &str,
            400,
            "invalid-query",
        ),
        (
            "/api/v1/admin/statistics?questionnaire=nothing",
            404,
            "unknown-questionnaire",
        ),
        (
            "/api/v1/admin/statistics?questionnaire=counted&version=9.0.0",
            404,
            "unknown-version",
        ),
    ] {
        let reply = server.call(Method::GET, path, ADMIN, None).await;
        assert_problem(&reply, status, kind);
    }
    let empty = server.call(Method::GET, REPORT, ADMIN, None).await;
    assert_eq!(empty.body["rows"], json!([]));
    assert_eq!(empty.body["k"], 10);
}

/// Closes waiting for their batch are held in memory only: the data file
/// has no trace of them, and a server started again on the file (here a
/// second one, with an empty batch) does not know them.
#[tokio::test]
async fn pending_closes_are_written_nowhere_and_lost_on_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let before = Server::start(&data, 5).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(before.interview("yes", "bike").await);
    }
    for id in &ids[..3] {
        before.close(id).await;
    }
    let after = Server::start(&data, 5).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let closed = vidare_server::close_idle(&after.state, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(closed, 2);
    // Five closes in all, but no batch of five on either side.
    assert_eq!(table(&data), Vec::new());
}

/// Every part of `counted` is kept, so closing keeps the whole log: the
/// recording still replays, and the result is the stored record.
#[tokio::test]
async fn a_closed_session_whose_every_part_is_kept_keeps_its_recording() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data.sqlite3"), 10).await;
    let id = server.interview("no", "bike").await;
    let closed = server.close(&id).await;
    assert_eq!(
        (closed["status"].as_str(), closed["events"].as_u64()),
        (Some("closed"), Some(3))
    );
    let path = format!("/api/v1/sessions/{id}/recording");
    let reply = server.call(Method::GET, &path, TENANT, None).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let recording = vidare::Recording::from_json(&reply.body.to_string(), "recording").unwrap();
    assert_eq!(recording.events.len(), 3);
    assert!(recording.events.iter().all(|e| e.at.is_some()));
    let registry = common::registry(&questionnaires());
    let q = registry.resolve("counted@1.0.0").unwrap();
    let replayed = vidare::Session::resume(q, recording.events()).unwrap();
    assert_eq!(replayed.result().into_outcome(), recording.result);
    let path = format!("/api/v1/sessions/{id}/result");
    let result = server.call(Method::GET, &path, TENANT, None).await;
    assert_eq!(
        result.body,
        serde_json::to_value(replayed.stored_record()).unwrap()
    );
}
