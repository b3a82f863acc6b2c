//! Helpers shared by the server's tests: a server on a random loopback
//! port, JSON requests, and a generic way to answer any item.

#![allow(dead_code)]

pub mod child;
pub mod cluster;
pub mod node;
pub mod postgres;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Value, json};
use vidare_server::store::{SqliteOptions, SqliteStore};
use vidare_server::{Access, AppState, Options};

/// The shipped questionnaires.
pub fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires")
}

/// The test fixtures (the `notes` questionnaire with free text).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/questionnaires")
}

/// The statistics tests' questionnaires.
pub fn statistics_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/statistics")
}

/// The questionnaires in `folder`, loaded and compiled. The committed
/// folders ([`shipped`], [`fixtures`], [`statistics_fixtures`]) are
/// loaded once per test process and cloned (a clone shares the compiled
/// questionnaires): loading the shipped ones takes about 0.3 s in a debug
/// build, and most tests start a server on them. Any other folder is
/// loaded each time.
pub fn registry(folder: &Path) -> vidare::Registry {
    static SHIPPED: OnceLock<vidare::Registry> = OnceLock::new();
    static FIXTURES: OnceLock<vidare::Registry> = OnceLock::new();
    static STATISTICS: OnceLock<vidare::Registry> = OnceLock::new();
    let load = || vidare::Registry::load_dir(folder).expect("questionnaires load");
    let once = if folder == shipped() {
        &SHIPPED
    } else if folder == fixtures() {
        &FIXTURES
    } else if folder == statistics_fixtures() {
        &STATISTICS
    } else {
        return load();
    };
    once.get_or_init(load).clone()
}

/// A server running in this process on 127.0.0.1 and a random port.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    /// The server's state, for calls that are not requests (`close_idle`).
    pub state: AppState,
}

/// A reply: status, content type and body (JSON, or a string for other types).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub location: Option<String>,
}

impl TestServer {
    pub async fn start(questionnaires: &Path, access: Access) -> TestServer {
        Self::start_with(questionnaires, access, Options::default()).await
    }

    pub async fn start_with(questionnaires: &Path, access: Access, options: Options) -> TestServer {
        Self::start_with_store(questionnaires, access, options, &SqliteOptions::default()).await
    }

    pub async fn start_with_store(
        questionnaires: &Path,
        access: Access,
        options: Options,
        store: &SqliteOptions,
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let registry = registry(questionnaires);
        // VIDARE_TEST_BACKEND=postgres runs the same tests on PostgreSQL.
        let store: Box<dyn vidare_server::store::Store> = if postgres::selected() {
            let url = postgres::url().expect("the test database");
            Box::new(postgres::store(&url, &postgres::fresh_schema()))
        } else {
            Box::new(
                SqliteStore::open_with(dir.path().join("data.sqlite3"), store)
                    .expect("store opens"),
            )
        };
        let state = AppState::new(registry, store, access, options);
        let served = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let app = vidare_server::app(served);
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestServer {
            base: format!("http://{addr}"),
            client,
            dir,
            state,
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        send(&self.client, &self.base, method, path, token, body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, None, Some(body))
            .await
    }
}

pub async fn send(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut request = client.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let location = header(reqwest::header::LOCATION);
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        content_type,
        body,
        location,
    }
}

/// A valid answer to any item in the API's `next` shape: yes, the
/// suggested or first option, the scale's lowest point, a number in range,
/// a fixed text, a fixed date.
pub fn pick(next: &Value) -> Value {
    if let Some(s) = next.get("suggestion") {
        return s.clone();
    }
    let first = || next["options"][0]["value"].clone();
    match next["kind"].as_str().expect("kind") {
        "yes_no" => json!(true),
        "single_choice" => first(),
        "multiple_choice" => json!([first()]),
        "scale" | "number" => next.get("min").cloned().unwrap_or(json!(1)),
        "text" => json!("a note for the test"),
        "date" => json!("2024-05-01"),
        other => panic!("unexpected kind {other}"),
    }
}

/// Asserts a reply is a problem with this status and kind, and returns it.
pub fn assert_problem(reply: &Reply, status: u16, kind: &str) -> Value {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.content_type, "application/problem+json", "{reply:?}");
    let body = &reply.body;
    assert_eq!(body["status"], status, "{reply:?}");
    assert_eq!(
        body["type"].as_str().expect("type"),
        format!("https://example.invalid/vidare/problems/{kind}"),
        "{reply:?}"
    );
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{reply:?}"
    );
    body.clone()
}

/// Converts a JSON answer to the core's value.
pub fn value(v: &Value) -> vidare::Value {
    serde_json::from_value(v.clone()).expect("a core value")
}
