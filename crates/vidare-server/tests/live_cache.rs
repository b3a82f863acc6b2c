//! Sessions kept warm between steps never outlive the store's truth: two
//! servers on one data file, each with its own cache, where one moves a
//! session on behind the other's back (what a second node, an expiry or a
//! deletion does).

use crate::common;

use std::path::Path;

use serde_json::{Value, json};
use vidare_server::store::SqliteStore;
use vidare_server::{Access, AppState, Options};

struct Node {
    base: String,
    client: reqwest::Client,
}

impl Node {
    async fn start(data: &Path) -> Node {
        let registry = common::registry(&common::shipped());
        let store = SqliteStore::open(data).expect("the store opens");
        let state = AppState::new(registry, store, Access::Local, Options::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let app = vidare_server::app(state);
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        Node {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn create(&self) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/sessions",
                &json!({"questionnaire": "violence-seven@2.0.0", "language": "en"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// Answers the `next` item of `state` with `value`.
    async fn answer(&self, state: &Value, expected: u64, value: Value) -> (u16, Value) {
        let id = state["id"].as_str().expect("id");
        let body =
            json!({"expected_events": expected, "item": state["next"]["id"], "value": value});
        self.post(&format!("/api/v1/sessions/{id}/answer"), &body)
            .await
    }
}

/// The gate of violence-seven 2.0.0 ("are you alone, so that nobody else
/// can see or hear?"): "yes" goes on to the questions.
const ALONE: bool = true;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warm_session_never_overrides_what_another_server_wrote() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data.sqlite3");
    let (a, b) = (Node::start(&data).await, Node::start(&data).await);

    // A creates and answers: A now holds the session warm at 1 event.
    let created = a.create().await;
    // Times have milliseconds: a step 5 ms later has a later time.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, at_one) = a.answer(&created, 0, json!(ALONE)).await;
    assert_eq!(status, 200, "{at_one}");
    let time = |state: &Value| state["updated_at"].as_str().expect("a time").to_owned();
    assert!(time(&at_one) > time(&created), "{at_one}");

    // B answers the next question: the stored session is at 2 events.
    let (status, at_two) = b.answer(&at_one, 1, pick(&at_one["next"])).await;
    assert_eq!(status, 200, "{at_two}");

    // A's warm copy is at 1: a step expecting 1 is stale in the store.
    let (status, body) = a.answer(&at_one, 1, pick(&at_one["next"])).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["actual_events"], 2, "{body}");

    // A step expecting 2 is served from the store, as B left it.
    let (status, at_three) = a.answer(&at_two, 2, pick(&at_two["next"])).await;
    assert_eq!(status, 200, "{at_three}");
    assert_eq!(at_three["events"], 3);
    assert_eq!(
        at_three["responses"].as_array().map(Vec::len),
        Some(3),
        "{at_three}"
    );

    // B closes it: A's warm copy at 3 must not take another answer.
    let id = created["id"].as_str().expect("id");
    let (status, closed) = b
        .post(
            &format!("/api/v1/sessions/{id}/close"),
            &json!({"expected_events": 3}),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    let (status, body) = a.answer(&at_three, 3, pick(&at_three["next"])).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/closed")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_deleted_elsewhere_is_gone_for_a_warm_server_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data.sqlite3");
    let (a, b) = (Node::start(&data).await, Node::start(&data).await);
    let created = a.create().await;
    let (status, at_one) = a.answer(&created, 0, json!(ALONE)).await;
    assert_eq!(status, 200, "{at_one}");
    let id = created["id"].as_str().expect("id");
    let deleted = b
        .client
        .delete(format!("{}/api/v1/sessions/{id}", b.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status().as_u16(), 204);
    let (status, body) = a.answer(&at_one, 1, pick(&at_one["next"])).await;
    assert_eq!(status, 404, "{body}");
}

/// A valid answer to any item in the API's `next` shape.
fn pick(next: &Value) -> Value {
    let first = || next["options"][0]["value"].clone();
    match next["kind"].as_str().expect("kind") {
        "yes_no" => json!(false),
        "single_choice" => first(),
        "multiple_choice" => json!([first()]),
        other => panic!("unexpected kind {other}"),
    }
}
