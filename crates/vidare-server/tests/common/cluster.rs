//! Clients of several nodes: requests that may fail to reach a node, and
//! the check that every acknowledged answer is in the database once.

use serde_json::{Value, json};
use vidare_server::store::{PostgresStore, Store};

use super::{Reply, pick};

/// A request that reports a node it cannot reach instead of panicking.
pub async fn try_send(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> Result<Reply, reqwest::Error> {
    let mut request = client.request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await?;
    Ok(Reply {
        status,
        content_type,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        location: None,
    })
}

/// A session started on `base`; returns its state.
pub async fn create(client: &reqwest::Client, base: &str, spec: &str) -> Value {
    let body = json!({"questionnaire": spec, "language": "en"});
    let reply = try_send(
        client,
        base,
        reqwest::Method::POST,
        "/api/v1/sessions",
        Some(&body),
    )
    .await
    .expect("the node answers");
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.body
}

/// The answer request for the state's current question.
pub fn answer_for(state: &Value) -> (String, Value) {
    let id = state["id"].as_str().expect("id");
    let next = &state["next"];
    let body = json!({
        "expected_events": state["events"],
        "item": next["id"],
        "value": pick(next),
    });
    (format!("/api/v1/sessions/{id}/answer"), body)
}

/// An answer that got a success response: the session, its position in
/// the log and the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub session: String,
    pub seq: u64,
    pub item: String,
}

/// Asserts that every acknowledged answer is in the database exactly
/// once at its position, and that no session has a half-written log: its
/// count is its number of events, numbered 0, 1, 2, ...
pub fn assert_exactly_once(store: &PostgresStore, acknowledged: &[Acknowledged]) {
    let mut sessions: Vec<&str> = acknowledged.iter().map(|a| a.session.as_str()).collect();
    sessions.sort_unstable();
    sessions.dedup();
    for id in sessions {
        let stored = store.load(None, id).expect("the session is stored");
        let seqs: Vec<u64> = stored.events.iter().map(|e| e.seq).collect();
        let count = stored.session.event_count;
        assert_eq!(seqs, (0..count).collect::<Vec<_>>(), "{id}");
        for ack in acknowledged.iter().filter(|a| a.session == id) {
            let at: Vec<_> = stored.events.iter().filter(|e| e.seq == ack.seq).collect();
            assert_eq!(at.len(), 1, "{ack:?}");
            assert_eq!(at[0].event.item(), ack.item, "{ack:?}");
        }
    }
}
