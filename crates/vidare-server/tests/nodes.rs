//! Two server nodes on one PostgreSQL database (`VIDARE_TEST_DATABASE_URL`):
//! any node serves any session, races across nodes have one winner, and
//! the clients of a node killed mid-stream continue on the other with
//! every acknowledged answer kept exactly once.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::cluster::{Acknowledged, answer_for, assert_exactly_once, create, try_send};
use common::node::Node;
use common::postgres::{fresh_schema, store, url};
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
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
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
