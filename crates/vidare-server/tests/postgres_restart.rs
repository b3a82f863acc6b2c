//! PostgreSQL stopped and started again under two serving nodes: while it
//! is down the nodes answer 503 with a problem body (and `/readyz` says
//! not ready); once it is back they serve again without a restart of
//! their own, and every acknowledged answer is stored exactly once.
//!
//! It stops the server that `VIDARE_TEST_DATABASE_URL` names, with
//! `VIDARE_TEST_PG_CTL` (default `pg_ctlcluster 15 main`): the one test in
//! this file, so that no other test of the same run sees it down (Cargo
//! runs test files one after the other).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::cluster::{Acknowledged, answer_for, assert_exactly_once, try_send};
use common::node::Node;
use common::postgres::{fresh_schema, store, url};
use common::shipped;
use reqwest::Method;
use serde_json::{Value, json};

const SPEC: &str = "violence-seven@2.0.0";

/// Runs `pg_ctl ACTION`, panicking when it fails.
fn pg_ctl(action: &str) {
    let command = std::env::var("VIDARE_TEST_PG_CTL").unwrap_or("pg_ctlcluster 15 main".into());
    let mut words = command.split_whitespace();
    let program = words.next().expect("a command");
    let mut run = std::process::Command::new(program);
    run.args(words).arg(action);
    if action == "stop" {
        run.args(["-m", "fast"]);
    }
    let out = run.output().expect("the PostgreSQL control command runs");
    assert!(out.status.success(), "{command} {action}: {out:?}");
}

/// Starts PostgreSQL again when the test ends, failed or not.
struct StartAgain;

impl Drop for StartAgain {
    fn drop(&mut self) {
        pg_ctl("start");
    }
}

/// What the clients saw.
#[derive(Default)]
struct Seen {
    acked: AtomicUsize,
    unavailable: AtomicUsize,
}

/// Whether a reply is the 503 of an unreachable database.
fn is_unavailable(reply: &common::Reply) -> bool {
    reply.status == 503
        && reply.content_type == "application/problem+json"
        && reply.body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/storage-unavailable"))
}

/// Sends until a reply other than 503 storage-unavailable comes, at most
/// a minute.
async fn until_available(
    client: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
    seen: &Seen,
) -> common::Reply {
    for _ in 0..600 {
        let reply = try_send(client, base, method.clone(), path, body)
            .await
            .expect("the node itself keeps running");
        if !is_unavailable(&reply) {
            return reply;
        }
        seen.unavailable.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path}: the database stayed unavailable");
}

/// Two interviews, each request to the next node in turn; after a 503 a
/// step is retried, and found done (409) when the lost connection had
/// committed it.
async fn client(bases: [String; 2], seen: Arc<Seen>) -> Vec<Acknowledged> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    let mut turn = 0usize;
    let mut next_base = || {
        turn += 1;
        bases[turn % 2].clone()
    };
    for _ in 0..2 {
        let body = json!({"questionnaire": SPEC, "language": "en"});
        let created = until_available(
            &client,
            &next_base(),
            Method::POST,
            "/api/v1/sessions",
            Some(&body),
            &seen,
        )
        .await;
        assert_eq!(created.status, 201, "{created:?}");
        let mut state = created.body;
        let id = state["id"].as_str().unwrap().to_owned();
        while state["status"] == "asking" {
            let (path, body) = answer_for(&state);
            let before = seen.unavailable.load(Ordering::Relaxed);
            let reply = until_available(
                &client,
                &next_base(),
                Method::POST,
                &path,
                Some(&body),
                &seen,
            )
            .await;
            match reply.status {
                200 => {
                    out.push(Acknowledged {
                        session: id.clone(),
                        seq: state["events"].as_u64().unwrap(),
                        item: body["item"].as_str().unwrap().to_owned(),
                    });
                    seen.acked.fetch_add(1, Ordering::Relaxed);
                    state = reply.body;
                }
                // Only after a 503 of this client or another: the step was
                // committed as the connection was lost.
                409 if seen.unavailable.load(Ordering::Relaxed) > before => {
                    let path = format!("/api/v1/sessions/{id}");
                    state = until_available(&client, &next_base(), Method::GET, &path, None, &seen)
                        .await
                        .body;
                }
                _ => panic!("{reply:?}"),
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_answer_503_while_postgresql_is_down_and_recover_without_a_restart() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let mut a = Node::start(&shipped(), &url, &schema);
    let mut b = Node::start(&shipped(), &url, &schema);
    let seen = Arc::new(Seen::default());
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let bases = if i % 2 == 0 {
                [a.base.clone(), b.base.clone()]
            } else {
                [b.base.clone(), a.base.clone()]
            };
            tokio::spawn(client(bases, Arc::clone(&seen)))
        })
        .collect();
    while seen.acked.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let guard = StartAgain;
    pg_ctl("stop");
    let http = reqwest::Client::new();
    for node in [&a, &b] {
        let ready = try_send(&http, &node.base, Method::GET, "/readyz", None)
            .await
            .unwrap();
        assert_eq!(ready.status, 503, "{ready:?}");
        assert_eq!(ready.content_type, "application/problem+json");
        let read = try_send(&http, &node.base, Method::GET, "/api/v1/sessions", None)
            .await
            .unwrap();
        assert!(is_unavailable(&read), "{read:?}");
    }
    let acked_while_down = seen.acked.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        seen.acked.load(Ordering::Relaxed),
        acked_while_down,
        "nothing is acknowledged while the database is down"
    );
    drop(guard);
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a client finished"));
    }
    assert!(seen.unavailable.load(Ordering::Relaxed) > 0);
    assert!(
        all.len() > acked_while_down,
        "answers went on after the restart"
    );
    assert!(all.len() >= 8 * 2 * 2, "{}", all.len());
    for node in [&mut a, &mut b] {
        assert!(
            node.child.try_wait().unwrap().is_none(),
            "the node kept running"
        );
        let ready = try_send(&http, &node.base, Method::GET, "/readyz", None)
            .await
            .unwrap();
        assert_eq!(ready.status, 200, "{ready:?}");
    }
    assert_exactly_once(&store(&url, &schema), &all);
}
