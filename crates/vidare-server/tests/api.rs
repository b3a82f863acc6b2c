//! The JSON API over a real server on a random loopback port: full
//! interviews on every shipped questionnaire, stale writes, tenants,
//! problem bodies, every kind of step, and closing for retention.

use crate::common;

use common::{TestServer, assert_problem, fixtures, pick, shipped, value};
use reqwest::Method;
use serde_json::{Value, json};
use vidare_server::Access;

async fn create(server: &TestServer, spec: &str, token: Option<&str>) -> Value {
    let reply = server
        .send(
            Method::POST,
            "/api/v1/sessions",
            token,
            Some(&json!({"questionnaire": spec, "language": "en"})),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    let id = reply.body["id"].as_str().expect("id");
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("/api/v1/sessions/{id}").as_str())
    );
    reply.body
}

#[tokio::test]
async fn every_shipped_questionnaire_runs_to_the_end_with_the_core_result() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let list = server.get("/api/v1/questionnaires").await;
    assert_eq!(list.status, 200);
    let registry = common::registry(&shipped());
    let specs: Vec<String> = list.body["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["versions"].as_array().unwrap())
        .map(|v| v["spec"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(specs.len(), registry.iter().count());
    for spec in specs {
        let mut state = create(&server, &spec, None).await;
        let id = state["id"].as_str().unwrap().to_owned();
        let q = registry.resolve(&spec).unwrap();
        let mut local = vidare::Session::new(q);
        let mut steps = 0;
        while state["status"] == "asking" {
            let next = &state["next"];
            let item = next["id"].as_str().unwrap().to_owned();
            let answer = pick(next);
            local.answer(&item, value(&answer)).unwrap();
            let reply = server
                .post(
                    &format!("/api/v1/sessions/{id}/answer"),
                    &json!({"expected_events": state["events"], "item": item, "value": answer}),
                )
                .await;
            assert_eq!(reply.status, 200, "{spec} {item}: {reply:?}");
            state = reply.body;
            steps += 1;
            assert!(steps < 500, "{spec} does not end");
        }
        assert!(
            matches!(state["status"].as_str(), Some("complete" | "ended")),
            "{state}"
        );
        assert_eq!(state["events"], steps);
        let (answered, shown) = local.progress();
        assert_eq!(
            state["progress"],
            json!({"answered": answered, "shown": shown})
        );

        let result = server
            .get(&format!("/api/v1/sessions/{id}/result?lang=en"))
            .await;
        assert_eq!(result.status, 200);
        let expected = serde_json::to_value(local.result_in("en").into_outcome()).unwrap();
        assert_eq!(
            result.body, expected,
            "{spec}: the result differs from the core's"
        );
        assert_eq!(result.body["finished"], true);
        assert_eq!(result.body["questionnaire"]["id"], q.id());
        assert!(!result.body["answers"].as_array().unwrap().is_empty());
        for key in ["derived", "scores", "triggers"] {
            assert!(result.body[key].is_array(), "{spec}: {key}");
        }
        // Answers kept only for the conversation are listed without a value.
        for answer in result.body["answers"].as_array().unwrap() {
            let item = q.item(answer["item"].as_str().unwrap()).unwrap();
            if item.retention() == vidare::format::Retention::Conversation {
                assert!(answer.get("value").is_none(), "{spec}: {answer}");
            }
        }

        let recording = server
            .get(&format!("/api/v1/sessions/{id}/recording"))
            .await;
        assert_eq!(recording.status, 200);
        let recording =
            vidare::Recording::from_json(&recording.body.to_string(), "recording").unwrap();
        assert!(recording.events.iter().all(|e| e.at.is_some()));
        let replayed = vidare::Session::resume(q, recording.events()).unwrap();
        assert_eq!(replayed.result().into_outcome(), recording.result);
    }
}

#[tokio::test]
async fn a_stale_write_is_a_conflict() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let state = create(&server, "violence-seven@1.0.0", None).await;
    let id = state["id"].as_str().unwrap();
    let path = format!("/api/v1/sessions/{id}/answer");
    // Two tabs saw the same state; the first write wins.
    let first = server
        .post(
            &path,
            &json!({"expected_events": 0, "item": "alone", "value": true}),
        )
        .await;
    assert_eq!(first.status, 200);
    let second = server
        .post(
            &path,
            &json!({"expected_events": 0, "item": "alone", "value": false}),
        )
        .await;
    let problem = assert_problem(&second, 409, "stale");
    assert_eq!(problem["expected_events"], 0);
    assert_eq!(problem["actual_events"], 1);
    let back = server
        .post(
            &format!("/api/v1/sessions/{id}/back"),
            &json!({"expected_events": 0}),
        )
        .await;
    assert_problem(&back, 409, "stale");
    // Nothing was overwritten.
    let now = server.get(&format!("/api/v1/sessions/{id}")).await;
    assert_eq!(now.body["events"], 1);
    assert_eq!(now.body["next"]["id"], "interpreter");
}

#[tokio::test]
async fn tenants_see_only_their_own_sessions() {
    let access = Access::from_tokens(
        Some("tok-north-k7f2q9x4m1p8w3z6=north,tok-south-k7f2q9x4m1p8w3z6=south"),
        Some("tok-admin-k7f2q9x4m1p8w3z6".into()),
    )
    .unwrap();
    let server = TestServer::start(&shipped(), access).await;
    let state = create(
        &server,
        "violence-seven@1.0.0",
        Some("tok-north-k7f2q9x4m1p8w3z6"),
    )
    .await;
    let id = state["id"].as_str().unwrap();
    let path = format!("/api/v1/sessions/{id}");

    let own = server
        .send(Method::GET, &path, Some("tok-north-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_eq!(own.status, 200);
    let other = server
        .send(Method::GET, &path, Some("tok-south-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_problem(&other, 404, "unknown-session");
    let write = server
        .send(
            Method::POST,
            &format!("{path}/answer"),
            Some("tok-south-k7f2q9x4m1p8w3z6"),
            Some(&json!({"expected_events": 0, "item": "alone", "value": true})),
        )
        .await;
    assert_problem(&write, 404, "unknown-session");
    for sub in ["/result", "/recording"] {
        let r = server
            .send(
                Method::GET,
                &format!("{path}{sub}"),
                Some("tok-south-k7f2q9x4m1p8w3z6"),
                None,
            )
            .await;
        assert_problem(&r, 404, "unknown-session");
    }
    let delete = server
        .send(
            Method::DELETE,
            &path,
            Some("tok-south-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_problem(&delete, 404, "unknown-session");
    let list = server
        .send(
            Method::GET,
            "/api/v1/sessions",
            Some("tok-south-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(list.body["sessions"], json!([]));
    let list = server
        .send(
            Method::GET,
            "/api/v1/sessions",
            Some("tok-north-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(list.body["sessions"][0]["id"], id);

    // The admin sees every tenant's sessions and may delete them.
    let admin = server
        .send(Method::GET, &path, Some("tok-admin-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_eq!(admin.status, 200);
    let delete = server
        .send(
            Method::DELETE,
            &path,
            Some("tok-admin-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(delete.status, 204);
    let gone = server
        .send(Method::GET, &path, Some("tok-north-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_problem(&gone, 404, "unknown-session");
}

#[tokio::test]
async fn a_missing_or_bad_token_is_unauthorized() {
    let access = Access::from_tokens(Some("tok-north-k7f2q9x4m1p8w3z6=north"), None).unwrap();
    let server = TestServer::start(&shipped(), access).await;
    for token in [None, Some("wrong")] {
        let reply = server
            .send(Method::GET, "/api/v1/questionnaires", token, None)
            .await;
        assert_problem(&reply, 401, "unauthorized");
        let reply = server
            .send(
                Method::POST,
                "/api/v1/sessions",
                token,
                Some(&json!({"questionnaire": "violence-seven"})),
            )
            .await;
        assert_problem(&reply, 401, "unauthorized");
    }
    let raw = server
        .client
        .get(format!("{}/api/v1/questionnaires", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers()["www-authenticate"], "Bearer realm=\"vidare\"");
    // The API document and health check are public.
    assert_eq!(server.get("/openapi.json").await.status, 200);
    assert_eq!(server.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn bad_requests_get_problem_bodies_that_name_the_item() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let state = create(&server, "notes@1.0.0", None).await;
    let id = state["id"].as_str().unwrap();
    let answer = format!("/api/v1/sessions/{id}/answer");

    // Malformed JSON: where, never what.
    let reply = server
        .client
        .post(format!("{}{answer}", server.base))
        .header("content-type", "application/json")
        .body(r#"{"expected_events": 0, "item": "worried", "value": "hush-hush"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://example.invalid/vidare/problems/malformed-json"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("the body is not valid JSON at line 1 column")
    );
    assert!(!body.to_string().contains("hush-hush"));

    // Not JSON at all.
    let reply = server
        .client
        .post(format!("{}{answer}", server.base))
        .body("expected_events=0")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 415);

    // JSON of the wrong shape: the field, never the value.
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": "hush-hush", "item": "worried", "value": true}),
        )
        .await;
    let p = assert_problem(&reply, 422, "invalid-body");
    assert!(p["detail"].as_str().unwrap().contains("`expected_events`"));
    assert!(!p.to_string().contains("hush-hush"));
    let reply = server
        .post(&answer, &json!({"item": "worried", "value": true}))
        .await;
    let p = assert_problem(&reply, 422, "invalid-body");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("the field `expected_events` is missing")
    );

    // Unknown item.
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": 0, "item": "worries", "value": true}),
        )
        .await;
    let p = assert_problem(&reply, 422, "unknown-item");
    assert_eq!(p["item"], "worries");

    // Invalid value: what is expected, never what was sent.
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": 0, "item": "worried", "value": "hush-hush"}),
        )
        .await;
    let p = assert_problem(&reply, 422, "invalid-answer");
    assert_eq!(p["item"], "worried");
    assert_eq!(p["expected"], "yes or no (true or false)");
    assert!(!p.to_string().contains("hush-hush"));

    // Not the current item.
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": 0, "item": "sleep", "value": 3}),
        )
        .await;
    let p = assert_problem(&reply, 422, "not-current");
    assert_eq!(
        (p["item"].as_str(), p["current"].as_str()),
        (Some("sleep"), Some("worried"))
    );

    // Hidden item: `what` is asked only when worried.
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": 0, "item": "worried", "value": false}),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = server
        .post(
            &answer,
            &json!({"expected_events": 1, "item": "what", "value": "x"}),
        )
        .await;
    let p = assert_problem(&reply, 422, "hidden-item");
    assert_eq!(p["item"], "what");

    // A response the item does not offer.
    let reply = server
        .post(
            &format!("/api/v1/sessions/{id}/decline"),
            &json!({"expected_events": 1, "item": "sleep"}),
        )
        .await;
    let p = assert_problem(&reply, 422, "not-offered");
    assert_eq!(p["item"], "sleep");

    // Unknown session, unknown questionnaire, version and language.
    let reply = server
        .get("/api/v1/sessions/0123456789abcdef0123456789abcdef")
        .await;
    assert_problem(&reply, 404, "unknown-session");
    let reply = server.get("/api/v1/sessions/not-an-id").await;
    assert_problem(&reply, 404, "unknown-session");
    let reply = server
        .post("/api/v1/sessions", &json!({"questionnaire": "nots"}))
        .await;
    let p = assert_problem(&reply, 422, "unknown-questionnaire");
    assert_eq!(p["known"], json!(["notes"]));
    let reply = server
        .post("/api/v1/sessions", &json!({"questionnaire": "notes@9.9.9"}))
        .await;
    assert_problem(&reply, 422, "unknown-version");
    // One strict version parser: a sign or leading zeros is not 1.0.0.
    for spec in ["notes@+1.+0.+0", "notes@01.00.000", "notes@1.0.0 "] {
        let reply = server
            .post("/api/v1/sessions", &json!({"questionnaire": spec}))
            .await;
        assert_problem(&reply, 422, "unknown-version");
    }
    let reply = server
        .post("/api/v1/sessions", &json!({"questionnaire": "notes@1.0.0"}))
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    let reply = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": "notes", "language": "fi"}),
        )
        .await;
    assert_problem(&reply, 422, "unknown-language");
}

#[tokio::test]
async fn every_kind_of_step_and_changing_an_earlier_answer() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let state = create(&server, "notes", None).await;
    let id = state["id"].as_str().unwrap();
    assert_eq!(state["info"][0]["id"], "welcome");
    let step = |kind: &'static str, body: Value| {
        let server = &server;
        async move {
            server
                .post(&format!("/api/v1/sessions/{id}/{kind}"), &body)
                .await
        }
    };

    let r = step("decline", json!({"expected_events": 0, "item": "worried"})).await;
    assert_eq!(r.body["next"]["id"], "sleep");
    assert_eq!(r.body["next"]["allow_dont_know"], true);
    assert_eq!(
        r.body["next"]["scale_labels"][1],
        json!({"value": 5, "label": "Well"})
    );
    let r = step("dont-know", json!({"expected_events": 1, "item": "sleep"})).await;
    assert_eq!(r.body["next"]["id"], "contact");
    assert_eq!(r.body["next"]["required"], false);
    let r = step("skip", json!({"expected_events": 2, "item": "contact"})).await;
    assert_eq!(r.body["status"], "complete");
    assert_eq!(
        r.body["responses"],
        json!([
            {"item": "worried", "response": "declined"},
            {"item": "sleep", "response": "dont_know"},
            {"item": "contact", "response": "skipped"}
        ])
    );
    // An answered (here skipped) question stays "already answered" after
    // the end, so a client that changes on that problem keeps a late
    // change; a question not shown is "finished".
    let r = step(
        "answer",
        json!({"expected_events": 3, "item": "contact", "value": "x"}),
    )
    .await;
    assert_problem(&r, 409, "already-answered");
    let r = step(
        "answer",
        json!({"expected_events": 3, "item": "what", "value": "x"}),
    )
    .await;
    assert_problem(&r, 409, "finished");

    // Changing `worried` to yes shows `what`, which is asked; the
    // immediate trigger holds at once.
    let r = step(
        "change",
        json!({"expected_events": 3, "item": "worried", "response": {"answer": true}}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "asking");
    assert_eq!(r.body["next"]["id"], "what");
    let trigger = &r.body["immediate_triggers"][0];
    assert_eq!(trigger["id"], "talk_now");
    assert_eq!(trigger["urgency"], "immediate");
    assert_eq!(trigger["refer_to"], "counsellor");
    assert_eq!(
        trigger["evidence"],
        json!([{"kind": "item", "id": "worried", "response": "answered", "value": true}])
    );
    let r = step(
        "change",
        json!({"expected_events": 4, "item": "what", "response": "declined"}),
    )
    .await;
    assert_problem(&r, 422, "not-answered");

    // Back withdraws the last response before the current item.
    let r = step("back", json!({"expected_events": 4})).await;
    assert_eq!(r.body["next"]["id"], "worried");
    assert_eq!(r.body["events"], 5);
    let r = step(
        "answer",
        json!({"expected_events": 5, "item": "worried", "value": false}),
    )
    .await;
    assert_eq!(r.body["status"], "complete");
    assert_eq!(r.body["immediate_triggers"], json!([]));

    // Texts follow ?lang=.
    let sv = server.get(&format!("/api/v1/sessions/{id}?lang=sv")).await;
    assert_eq!(sv.body["language"], "sv");
    assert_eq!(sv.body["title"], "Anteckningar");
    let unknown = server.get(&format!("/api/v1/sessions/{id}?lang=fi")).await;
    assert_eq!(unknown.body["language"], "en");
}

#[tokio::test]
async fn closing_stores_the_result_and_deletes_conversation_answers() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let state = create(&server, "notes@1.0.0", None).await;
    let id = state["id"].as_str().unwrap();
    let secret = "Zq7-conversation-only-answer";
    let kept = "Zq7-kept-contact-answer";
    for (n, (item, v)) in [
        ("worried", json!(true)),
        ("what", json!(secret)),
        ("sleep", json!(2)),
        ("contact", json!(kept)),
    ]
    .into_iter()
    .enumerate()
    {
        let r = server
            .post(
                &format!("/api/v1/sessions/{id}/answer"),
                &json!({"expected_events": n, "item": item, "value": v}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let open_result = server
        .get(&format!("/api/v1/sessions/{id}/result"))
        .await
        .body;
    let data = server.dir.path().join("data.sqlite3");
    let file_has = |needle: &str| {
        ["", "-wal"].iter().any(|suffix| {
            let path = format!("{}{suffix}", data.display());
            std::fs::read(path)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
    };
    assert!(file_has(secret), "while open, the log holds the answer");

    let r = server
        .post(
            &format!("/api/v1/sessions/{id}/close"),
            &json!({"expected_events": 3}),
        )
        .await;
    assert_problem(&r, 409, "stale");
    let r = server
        .post(
            &format!("/api/v1/sessions/{id}/close"),
            &json!({"expected_events": 4}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "closed");
    assert!(r.body["closed_at"].is_string());
    assert_eq!(r.body["immediate_triggers"][0]["id"], "talk_now");

    // What is kept is the stored record, in every language: the same as
    // the result computed before closing, without the conversation-only
    // question, not even as "answered".
    let closed_result = server
        .get(&format!("/api/v1/sessions/{id}/result"))
        .await
        .body;
    assert_eq!(
        open_result["answers"][1],
        json!({"item": "what", "response": "answered"})
    );
    let mut expected = open_result.clone();
    expected["answers"].as_array_mut().unwrap().remove(1);
    assert_eq!(closed_result, expected);
    let sv = server
        .get(&format!("/api/v1/sessions/{id}/result?lang=sv"))
        .await
        .body;
    assert_eq!(sv["language"], "sv");
    assert_eq!(closed_result["answers"][2]["value"], kept);
    assert!(!closed_result.to_string().contains("\"what\""));

    assert!(
        !file_has(secret),
        "the conversation-only answer is gone from the data file"
    );
    assert!(file_has(kept));

    // Read-only from now on; the log is gone, and so is the recording.
    let r = server
        .post(
            &format!("/api/v1/sessions/{id}/change"),
            &json!({"expected_events": 4, "item": "sleep", "response": {"answer": 3}}),
        )
        .await;
    assert_problem(&r, 409, "closed");
    let r = server
        .post(
            &format!("/api/v1/sessions/{id}/close"),
            &json!({"expected_events": 4}),
        )
        .await;
    assert_problem(&r, 409, "closed");
    let r = server
        .get(&format!("/api/v1/sessions/{id}/recording"))
        .await;
    assert_problem(&r, 410, "recording-gone");
}

#[tokio::test]
async fn idle_sessions_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let registry = common::registry(&fixtures());
    let store = vidare_server::store::SqliteStore::open(dir.path().join("d.sqlite3")).unwrap();
    let state = vidare_server::AppState::new(
        registry,
        store,
        Access::Local,
        vidare_server::Options::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = vidare_server::app(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::new();
    let created: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"questionnaire": "notes"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let closed = vidare_server::close_idle(&state, std::time::Duration::from_hours(1))
        .await
        .unwrap();
    assert_eq!(closed, 0);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let closed = vidare_server::close_idle(&state, std::time::Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(closed, 1);
    let now: Value = client
        .get(format!("{base}/api/v1/sessions/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["status"], "closed");
}

#[tokio::test]
async fn an_end_condition_ends_the_interview() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let state = create(&server, "violence-seven@1.0.0", None).await;
    let id = state["id"].as_str().unwrap();
    let reply = server
        .post(
            &format!("/api/v1/sessions/{id}/answer"),
            &json!({"expected_events": 0, "item": "alone", "value": false}),
        )
        .await;
    assert_eq!(reply.body["status"], "ended");
    assert_eq!(reply.body["ended_by"]["id"], "not_alone");
    assert!(reply.body.get("next").is_none());
    let result = server.get(&format!("/api/v1/sessions/{id}/result")).await;
    assert_eq!(result.body["triggers"][0]["id"], "ask_again_alone");
}
