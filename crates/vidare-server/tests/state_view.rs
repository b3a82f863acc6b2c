//! A step's response lists the responses and immediate triggers of the
//! result without building it (api/view.rs, `state_view`): after every step of
//! interviews on every shipped questionnaire, they must be what
//! `GET /result` says.

use crate::common;

use common::{TestServer, pick, shipped};
use serde_json::{Value, json};
use vidare_server::Access;

const SPECS: [&str; 7] = [
    "violence-seven@1.0.0",
    "violence-seven@2.0.0",
    "boston-life-areas@1.0.0",
    "boston-life-areas@2.0.0",
    "gender-equality-compass@1.0.0",
    "gender-equality-compass@2.0.0",
    "safety-plan@1.0.0",
];

/// `(item, response)` of each entry of a list.
fn pairs(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|a| (a["item"].to_string(), a["response"].to_string()))
        .collect()
}

/// Ids of the immediate triggers in a result's `triggers`.
fn immediate(triggers: &Value) -> Vec<Value> {
    triggers
        .as_array()
        .expect("a list")
        .iter()
        .filter(|t| t["urgency"] == "immediate")
        .map(|t| t["id"].clone())
        .collect()
}

/// The step for the `round`-th question: declines where allowed every
/// third time (declines hide follow-ups differently from answers), else
/// the common answer.
fn step(next: &Value, round: usize, expected: u64) -> (&'static str, Value) {
    if round % 3 == 2 && next["allow_decline"] == true {
        return (
            "decline",
            json!({"expected_events": expected, "item": next["id"]}),
        );
    }
    let body = json!({"expected_events": expected, "item": next["id"], "value": pick(next)});
    ("answer", body)
}

async fn check_interview(server: &TestServer, spec: &str, offset: usize) {
    let created = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": spec, "language": "en"}),
        )
        .await;
    assert_eq!(created.status, 201, "{spec}: {:?}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let mut state = created.body;
    for round in offset..offset + 200 {
        let result = server.get(&format!("/api/v1/sessions/{id}/result")).await;
        assert_eq!(result.status, 200, "{spec}: {:?}", result.body);
        assert_eq!(
            pairs(&state["responses"]),
            pairs(&result.body["answers"]),
            "{spec}"
        );
        let shown: Vec<Value> = state["immediate_triggers"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|t| t["id"].clone())
            .collect();
        assert_eq!(shown, immediate(&result.body["triggers"]), "{spec}");
        if state["status"] != "asking" {
            return;
        }
        let expected = state["events"].as_u64().expect("events");
        let (kind, body) = step(&state["next"], round, expected);
        let reply = server
            .post(&format!("/api/v1/sessions/{id}/{kind}"), &body)
            .await;
        assert_eq!(reply.status, 200, "{spec}: {:?}", reply.body);
        state = reply.body;
    }
    panic!("{spec}: the interview did not finish in 200 steps");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_lists_the_results_responses_and_immediate_triggers() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    for spec in SPECS {
        for offset in 0..3 {
            check_interview(&server, spec, offset).await;
        }
    }
}
