//! Two server nodes on one PostgreSQL database (`VIDARE_TEST_DATABASE_URL`):
//! any node serves any session, races across nodes have one winner, the
//! clients of a node killed mid-stream continue on the other with every
//! acknowledged answer kept exactly once, and a web-page login and its
//! form tokens work on every node (also two processes on one SQLite file).

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::child;
use common::cluster::{Acknowledged, answer_for, assert_exactly_once, create, try_send};
use common::node::Node;
use common::postgres::{fresh_schema, store, url};
use common::web::{Browser, hidden};
use common::{assert_problem, shipped};
use reqwest::Method;
use serde_json::Value;

const SPEC: &str = "violence-seven@2.0.0";

/// Two nodes on a fresh schema, with the URL and the schema.
fn two_nodes() -> Option<(String, String, Node, Node)> {
    let url = url()?;
    let schema = fresh_schema();
    let a = Node::start(&shipped(), &url, &schema);
    let b = Node::start(&shipped(), &url, &schema);
    Some((url, schema, a, b))
}

async fn post(client: &reqwest::Client, base: &str, path: &str, body: &Value) -> common::Reply {
    try_send(client, base, Method::POST, path, Some(body))
        .await
        .expect("the node answers")
}

async fn get(client: &reqwest::Client, base: &str, path: &str) -> common::Reply {
    try_send(client, base, Method::GET, path, None)
        .await
        .expect("the node answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_created_on_one_node_is_answered_and_read_on_the_other() {
    let Some((_, _, a, b)) = two_nodes() else {
        return;
    };
    let client = reqwest::Client::new();
    let state = create(&client, &a.base, SPEC).await;
    let id = state["id"].as_str().unwrap().to_owned();
    let (path, body) = answer_for(&state);
    let on_b = post(&client, &b.base, &path, &body).await;
    assert_eq!(on_b.status, 200, "{on_b:?}");
    let on_a = get(&client, &a.base, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(on_a.status, 200, "{on_a:?}");
    assert_eq!(on_a.body["events"], 1);
    assert_eq!(on_a.body["next"], on_b.body["next"]);
    // The same step again on A is stale: A sees B's write.
    assert_problem(&post(&client, &a.base, &path, &body).await, 409, "stale");
    let deleted = try_send(
        &client,
        &b.base,
        Method::DELETE,
        &format!("/api/v1/sessions/{id}"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_problem(
        &get(&client, &a.base, &format!("/api/v1/sessions/{id}")).await,
        404,
        "unknown-session",
    );
}

/// The same step sent to both nodes at once, 300 times: each time one
/// succeeds and the other is refused as stale, and the log holds each
/// winner once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_cross_node_races_have_one_winner_each() {
    let Some((url, schema, a, b)) = two_nodes() else {
        return;
    };
    let client = reqwest::Client::new();
    let mut winners = Vec::new();
    let (mut a_won, mut races) = (0, 0);
    while races < 300 {
        let mut state = create(&client, &a.base, SPEC).await;
        while state["status"] == "asking" && races < 300 {
            let (path, body) = answer_for(&state);
            let (ra, rb) = tokio::join!(
                post(&client, &a.base, &path, &body),
                post(&client, &b.base, &path, &body)
            );
            let (won, lost) = match (ra.status, rb.status) {
                (200, 409) => {
                    a_won += 1;
                    (ra, rb)
                }
                (409, 200) => (rb, ra),
                _ => panic!("not one winner: {ra:?} {rb:?}"),
            };
            assert_problem(&lost, 409, "stale");
            winners.push(Acknowledged {
                session: state["id"].as_str().unwrap().to_owned(),
                seq: state["events"].as_u64().unwrap(),
                item: body["item"].as_str().unwrap().to_owned(),
            });
            state = won.body;
            races += 1;
        }
    }
    assert_eq!(winners.len(), 300);
    // Both nodes won races: they really raced.
    assert!(a_won > 0 && a_won < 300, "node A won {a_won} of 300");
    assert_exactly_once(&store(&url, &schema), &winners);
}

/// One client: interviews to the end, starting on `home` and moving to
/// `other` when `home` cannot be reached. Returns its acknowledged
/// answers and whether it moved.
async fn interviews(
    home: String,
    other: String,
    count: usize,
    acked: Arc<AtomicUsize>,
) -> (Vec<Acknowledged>, bool) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let (mut base, mut moved, mut out) = (home, false, Vec::new());
    for _ in 0..count {
        let body = serde_json::json!({"questionnaire": SPEC, "language": "en"});
        let mut state = loop {
            match try_send(
                &client,
                &base,
                Method::POST,
                "/api/v1/sessions",
                Some(&body),
            )
            .await
            {
                Ok(r) if r.status == 201 => break r.body,
                Ok(r) => panic!("{r:?}"),
                Err(_) if !moved => (base, moved) = (other.clone(), true),
                Err(e) => panic!("the other node fails too: {e}"),
            }
        };
        let id = state["id"].as_str().unwrap().to_owned();
        while state["status"] == "asking" {
            let (path, body) = answer_for(&state);
            match try_send(&client, &base, Method::POST, &path, Some(&body)).await {
                Ok(r) => {
                    assert_eq!(r.status, 200, "{r:?}");
                    out.push(Acknowledged {
                        session: id.clone(),
                        seq: state["events"].as_u64().unwrap(),
                        item: body["item"].as_str().unwrap().to_owned(),
                    });
                    acked.fetch_add(1, Ordering::Relaxed);
                    state = r.body;
                }
                // The node is gone: the other one has the session, with
                // the unacknowledged answer or without it.
                Err(_) if !moved => {
                    (base, moved) = (other.clone(), true);
                    state = get(&client, &base, &format!("/api/v1/sessions/{id}"))
                        .await
                        .body;
                }
                Err(e) => panic!("the other node fails too: {e}"),
            }
        }
    }
    (out, moved)
}

/// 20 clients, half on each node; node A is killed with SIGKILL while
/// they answer. Its clients continue on B, every interview ends, and
/// every answer that got a success response is stored exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_a_killed_node_continue_on_the_other_with_every_answer_once() {
    let Some((url, schema, a, b)) = two_nodes() else {
        return;
    };
    let acked = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (home, other) = if i % 2 == 0 {
                (a.base.clone(), b.base.clone())
            } else {
                (b.base.clone(), a.base.clone())
            };
            tokio::spawn(interviews(home, other, 3, Arc::clone(&acked)))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_mins(1);
    while acked.load(Ordering::Relaxed) < 80 {
        assert!(tokio::time::Instant::now() < deadline, "too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed_at = acked.load(Ordering::Relaxed);
    drop(a.kill());
    let all = Arc::new(Mutex::new(Vec::new()));
    let mut moved = 0;
    for task in tasks {
        let (answers, has_moved) = task.await.expect("a client finished");
        moved += usize::from(has_moved);
        all.lock().unwrap().extend(answers);
    }
    let all = all.lock().unwrap();
    // Every client ended 3 interviews of at least 2 answers each.
    assert!(all.len() >= 20 * 3 * 2, "{}", all.len());
    assert!(all.len() > killed_at, "answers went on after the kill");
    assert_eq!(moved, 10, "A's clients moved to B, B's stayed");
    assert_exactly_once(&store(&url, &schema), &all);
    drop(b);
}

/// The token of the tenant `north` in the web-page tests.
const NORTH: &str = "tok-north-k7f2q9x4m1p8w3z6";

/// The arguments that put a node in token mode with `north`'s token.
fn token_mode() -> [String; 2] {
    ["--tokens".to_owned(), format!("{NORTH}=north")]
}

/// A browser logs in on node `a`; its login cookie and a form token of
/// `a`'s page work on node `b` (pages and form posts, an interview started
/// on `b` answered on `a`), and logging out on `b` ends the login on `a`.
async fn a_login_and_its_form_tokens_work_on_both(a: &str, b: &str) {
    let mut browser = Browser::new();
    assert_eq!(browser.get(a, "/login?lang=en").await.status, 200);
    let before = browser.csrf.clone().expect("the login form's token");
    let fields = [("token", NORTH), ("next", "/?lang=en"), ("lang", "en")];
    let logged_in = browser.post(a, "/login", &fields, &before).await;
    assert_eq!(logged_in.status, 303, "{logged_in:?}");
    assert_eq!(logged_in.location.as_deref(), Some("/?lang=en"));
    let cookie = browser
        .cookies
        .get("vidare_login")
        .cloned()
        .expect("a login cookie");
    let start_a = browser.get(a, "/?lang=en").await;
    assert_eq!(start_a.status, 200, "{start_a:?}");
    let from_a = browser.csrf.clone().expect("a form token");

    // B knows the login and computes the same form token.
    let start_b = browser.get(b, "/?lang=en").await;
    assert_eq!(
        start_b.status, 200,
        "B sends the browser to log in: {start_b:?}"
    );
    assert_eq!(browser.csrf.as_deref(), Some(from_a.as_str()));
    // B refuses a made-up token, and takes A's.
    let new = [("questionnaire", SPEC), ("lang", "en")];
    let forged = browser
        .post(b, "/interview/new", &new, &"0".repeat(64))
        .await;
    assert_eq!(forged.status, 403, "{forged:?}");
    let created = browser.post(b, "/interview/new", &new, &from_a).await;
    assert_eq!(created.status, 303, "{created:?}");
    assert_eq!(created.location.as_deref(), Some("/interview?lang=en"));

    // The interview started on B is answered on A with B's page's token.
    let on_b = browser.get(b, "/interview?lang=en").await;
    assert_eq!(on_b.status, 200, "{on_b:?}");
    let from_b = browser.csrf.clone().expect("a form token");
    let field = |name| hidden(&on_b.html, name).expect(name);
    let (session, events, item) = (field("session"), field("expected_events"), field("item"));
    let step = [
        ("lang", "en"),
        ("session", session.as_str()),
        ("expected_events", events.as_str()),
        ("item", item.as_str()),
        ("action", "answer"),
        ("value", "yes"),
    ];
    let answered = browser.post(a, "/interview", &step, &from_b).await;
    assert_eq!(answered.status, 303, "{answered:?}");
    let after = browser.get(b, "/interview?lang=en").await;
    assert_eq!(hidden(&after.html, "session"), Some(session));
    assert_ne!(
        hidden(&after.html, "expected_events"),
        Some(events),
        "B shows A's step"
    );

    // Logout on B ends the login everywhere, a copy of the cookie included.
    let out = browser.post(b, "/logout", &[], &from_a).await;
    assert_eq!(out.status, 303, "{out:?}");
    assert!(!browser.cookies.contains_key("vidare_login"));
    browser.cookies.insert("vidare_login".to_owned(), cookie);
    for base in [a, b] {
        let page = browser.get(base, "/?lang=en").await;
        assert_eq!(page.status, 303, "{page:?}");
        assert!(
            page.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login")),
            "{page:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_login_on_one_node_works_on_the_other() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let args = token_mode();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = Node::start_with(&shipped(), &url, &schema, &args);
    let b = Node::start_with(&shipped(), &url, &schema, &args);
    a_login_and_its_form_tokens_work_on_both(&a.base, &b.base).await;
}

/// The same with two processes on one SQLite file: the logins and the
/// form-token key are in the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_login_on_one_process_works_on_another_on_the_same_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let args = token_mode();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = child::start_with(&shipped(), &data, &args);
    let b = child::start_with(&shipped(), &data, &args);
    a_login_and_its_form_tokens_work_on_both(&a.base, &b.base).await;
    drop((a.kill(), b.kill()));
}

/// A restarted process keeps the logins and the form-token key: the
/// cookie and a form token from before the restart work after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_login_and_its_form_tokens_outlive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.sqlite3");
    let args = token_mode();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let before = child::start_with(&shipped(), &data, &args);
    let mut browser = Browser::new();
    browser.get(&before.base, "/login?lang=en").await;
    let csrf = browser.csrf.clone().expect("the login form's token");
    let fields = [("token", NORTH), ("next", "/?lang=en"), ("lang", "en")];
    let logged_in = browser.post(&before.base, "/login", &fields, &csrf).await;
    assert_eq!(logged_in.status, 303, "{logged_in:?}");
    assert_eq!(browser.get(&before.base, "/?lang=en").await.status, 200);
    let token = browser.csrf.clone().expect("a form token");
    drop(before.kill());

    let after = child::start_with(&shipped(), &data, &args);
    let start = browser.get(&after.base, "/?lang=en").await;
    assert_eq!(start.status, 200, "{start:?}");
    assert_eq!(browser.csrf.as_deref(), Some(token.as_str()));
    let new = [("questionnaire", SPEC), ("lang", "en")];
    let created = browser
        .post(&after.base, "/interview/new", &new, &token)
        .await;
    assert_eq!(created.status, 303, "{created:?}");
    assert_eq!(created.location.as_deref(), Some("/interview?lang=en"));
    drop(after.kill());
}
