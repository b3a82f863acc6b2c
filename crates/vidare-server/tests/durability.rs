//! The server binary as a child process: killed with SIGKILL in the middle
//! of interviews and restarted on the same data file, nothing committed is
//! lost and the results equal an uninterrupted run. The logs of both runs
//! never contain an answer.

use crate::common;

use common::child::{copy_dir, start};
use common::{fixtures, shipped, value};
use serde_json::{Value, json};

/// Distinctive free-text answers: none may ever show up in a log.
const SECRETS: [&str; 3] = [
    "Kx9-my-neighbour-frightens-me",
    "Kx9-call-after-six-on-0701234567",
    "Kx9-we-chose-otherwise-because-of-debts",
];

struct Client {
    http: reqwest::Client,
}

impl Client {
    async fn call(
        &self,
        base: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut request = self.http.request(method, format!("{base}{path}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("sent");
        let status = response.status();
        let body: Value = response.json().await.expect("JSON");
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }
}

/// The answers of each interview, in order: (item, answer). `None` as the
/// answer means "prefer not to answer".
fn script(spec: &str) -> Vec<(&'static str, Option<Value>)> {
    match spec {
        "notes@1.0.0" => vec![
            ("worried", Some(json!(true))),
            ("what", Some(json!(SECRETS[0]))),
            ("sleep", Some(json!(2))),
            ("contact", Some(json!(SECRETS[1]))),
        ],
        "violence-seven@1.0.0" => vec![
            ("alone", Some(json!(true))),
            ("interpreter", Some(json!("none"))),
            ("psychological", Some(json!(true))),
            ("psychological_when", Some(json!("ongoing"))),
            ("physical", None),
            ("sexual", Some(json!(false))),
            ("childhood", Some(json!(true))),
            ("childhood_when", Some(json!("earlier"))),
            ("used_violence", Some(json!(false))),
            ("ongoing", Some(json!(true))),
            ("children", Some(json!(false))),
        ],
        _ => unreachable!(),
    }
}

async fn step(
    client: &Client,
    base: &str,
    id: &str,
    events: usize,
    item: &str,
    answer: Option<&Value>,
) -> Value {
    let (path, body) = match answer {
        Some(v) => (
            "answer",
            json!({"expected_events": events, "item": item, "value": v}),
        ),
        None => ("decline", json!({"expected_events": events, "item": item})),
    };
    client
        .call(
            base,
            reqwest::Method::POST,
            &format!("/api/v1/sessions/{id}/{path}"),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn a_killed_server_loses_nothing_and_logs_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let questionnaires = dir.path().join("questionnaires");
    copy_dir(&shipped(), &questionnaires);
    copy_dir(&fixtures(), &questionnaires);
    let data = dir.path().join("data").join("vidare.sqlite3");
    let client = Client {
        http: reqwest::Client::new(),
    };
    let specs = ["notes@1.0.0", "violence-seven@1.0.0"];

    // First run: start both interviews and answer part of each, plus a
    // Boston interview with a free-text reason.
    let first = start(&questionnaires, &data);
    let mut ids = Vec::new();
    for spec in specs {
        let state = client
            .call(
                &first.base,
                reqwest::Method::POST,
                "/api/v1/sessions",
                Some(json!({"questionnaire": spec, "language": "en"})),
            )
            .await;
        let id = state["id"].as_str().unwrap().to_owned();
        for (n, (item, answer)) in script(spec).iter().take(3).enumerate() {
            step(&client, &first.base, &id, n, item, answer.as_ref()).await;
        }
        ids.push(id);
    }
    let boston = boston_with_reason(&client, &first.base).await;
    let first_log = first.kill();

    // Second run on the same file: everything acknowledged is there.
    let second = start(&questionnaires, &data);
    let registry = vidare::Registry::load_dir(&questionnaires).unwrap();
    for (spec, id) in specs.iter().zip(&ids) {
        let state = client
            .call(
                &second.base,
                reqwest::Method::GET,
                &format!("/api/v1/sessions/{id}"),
                None,
            )
            .await;
        assert_eq!(state["events"], 3, "{spec}");
        let script = script(spec);
        assert_eq!(state["next"]["id"], script[3].0, "{spec}");
        for (n, (item, answer)) in script.iter().enumerate().skip(3) {
            step(&client, &second.base, id, n, item, answer.as_ref()).await;
        }
        let result = client
            .call(
                &second.base,
                reqwest::Method::GET,
                &format!("/api/v1/sessions/{id}/result?lang=en"),
                None,
            )
            .await;
        // The same result as an uninterrupted run.
        let mut local = vidare::Session::new(registry.resolve(spec).unwrap());
        for (item, answer) in &script {
            match answer {
                Some(v) => local.answer(item, value(v)).unwrap(),
                None => local.decline(item).unwrap(),
            }
        }
        assert!(local.is_finished(), "{spec}");
        assert_eq!(
            result,
            serde_json::to_value(local.result_in("en").into_outcome()).unwrap(),
            "{spec}"
        );
    }
    let boston_state = client
        .call(
            &second.base,
            reqwest::Method::GET,
            &format!("/api/v1/sessions/{boston}"),
            None,
        )
        .await;
    assert_eq!(boston_state["status"], "asking");
    let second_log = second.kill();

    for log in [&first_log, &second_log] {
        assert!(
            log.contains("vidare-server listening on http://127.0.0.1:"),
            "{log}"
        );
        assert!(
            log.contains(&format!("/api/v1/sessions/{}/answer", ids[0])),
            "requests are logged: {log}"
        );
        assert!(log.contains("status=200"), "{log}");
        for secret in SECRETS {
            assert!(!log.contains(secret), "a log holds an answer: {log}");
        }
    }
}

/// Starts a Boston interview, chooses another strategy than the suggested
/// one for the first area, and gives a free-text reason.
async fn boston_with_reason(client: &Client, base: &str) -> String {
    let mut state = client
        .call(
            base,
            reqwest::Method::POST,
            "/api/v1/sessions",
            Some(json!({"questionnaire": "boston-life-areas", "language": "en"})),
        )
        .await;
    let id = state["id"].as_str().unwrap().to_owned();
    let mut asked_reason = false;
    while let Some(next) = state.get("next").cloned() {
        let item = next["id"].as_str().unwrap().to_owned();
        let answer = if item.ends_with("wants_change") {
            json!(true)
        } else if next["kind"] == "text" {
            asked_reason = true;
            json!(SECRETS[2])
        } else if let Some(suggested) = next.get("suggestion") {
            // Pick an option other than the suggestion.
            next["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["value"].clone())
                .find(|v| v != suggested)
                .unwrap()
        } else {
            common::pick(&next)
        };
        state = step(
            client,
            base,
            &id,
            state["events"].as_u64().unwrap() as usize,
            &item,
            Some(&answer),
        )
        .await;
        if asked_reason {
            break;
        }
    }
    assert!(asked_reason, "the reason was asked");
    id
}
