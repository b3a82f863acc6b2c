//! The admin endpoints over a real server: the equality audit of compass
//! sessions run through the API (open and closed, of two tenants) in all
//! three formats, refused to tenants; and the result with the
//! counterfactual check.

use crate::common;

use common::{TestServer, assert_problem, pick, shipped, value};
use reqwest::Method;
use serde_json::{Value, json};
use vidare_server::Access;

const COMPASS: &str = "gender-equality-compass@1.0.0";
const AUDIT: &str = "/api/v1/admin/questionnaires/gender-equality-compass/1.0.0/audit";

fn tokens() -> Access {
    Access::from_tokens(
        Some("tok-north-k7f2q9x4m1p8w3z6=north,tok-south-k7f2q9x4m1p8w3z6=south"),
        Some("tok-admin-k7f2q9x4m1p8w3z6".into()),
    )
    .unwrap()
}

/// An answer to any item, varied by `variant`: the variant-th option of a
/// choice, yes or no by its parity, otherwise as [`pick`].
fn pick_variant(next: &Value, variant: usize) -> Value {
    let options = next["options"].as_array().map_or(0, Vec::len);
    match next["kind"].as_str().unwrap() {
        "single_choice" => next["options"][variant % options]["value"].clone(),
        "yes_no" => json!(variant.is_multiple_of(2)),
        _ => pick(next),
    }
}

/// Starts a compass session for `token`, answers `gender`, then every
/// item up to `limit` answers with [`pick_variant`]; the same answers are
/// given to a local session, which is returned with the session's id.
async fn interview(
    server: &TestServer,
    token: &str,
    gender: &str,
    variant: usize,
    limit: usize,
) -> (String, vidare::Session) {
    let registry = common::registry(&shipped());
    let q = registry.resolve(COMPASS).unwrap();
    let mut local = vidare::Session::new(q);
    let reply = server
        .send(
            Method::POST,
            "/api/v1/sessions",
            Some(token),
            Some(&json!({"questionnaire": COMPASS, "language": "en"})),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    let mut state = reply.body;
    let id = state["id"].as_str().unwrap().to_owned();
    let mut answered = 0;
    while state["status"] == "asking" && answered < limit {
        let next = &state["next"];
        let item = next["id"].as_str().unwrap().to_owned();
        let answer = if item == "gender" {
            json!(gender)
        } else {
            pick_variant(next, variant)
        };
        local.answer(&item, value(&answer)).unwrap();
        let reply = server
            .send(
                Method::POST,
                &format!("/api/v1/sessions/{id}/answer"),
                Some(token),
                Some(&json!({"expected_events": state["events"], "item": item, "value": answer})),
            )
            .await;
        assert_eq!(reply.status, 200, "{item}: {reply:?}");
        state = reply.body;
        answered += 1;
    }
    (id, local)
}

/// A session's recording as the audit reads it: with what is kept (the
/// stored record) as its result, open or closed.
fn kept(session: &vidare::Session) -> vidare::Recording {
    let mut recording = session.record();
    recording.result = session.stored_record().into();
    recording
}

/// The core's audit of `recordings` as the server sends it: without the
/// referrals that are not kept after the conversation, which its last
/// problem names (taken from `reply`, after checking it names them).
fn as_served(mut audit: vidare::analysis::Audit, reply: &Value) -> vidare::analysis::Audit {
    let registry = common::registry(&shipped());
    let q = registry.resolve(COMPASS).unwrap();
    let unstored: Vec<&str> = q
        .kept_parts()
        .filter(|p| p.kind == vidare::questionnaire::PartKind::Trigger && !p.stored)
        .map(|p| p.id)
        .collect();
    assert!(unstored.contains(&"self_harm_risk"), "{unstored:?}");
    let note = reply["problems"].as_array().unwrap().last().unwrap();
    let note = note.as_str().unwrap();
    assert!(note.starts_with("left out: "), "{note}");
    for trigger in &unstored {
        assert!(note.contains(&format!("`{trigger}`")), "{note}");
    }
    audit
        .referrals
        .retain(|r| !unstored.contains(&r.trigger.as_str()));
    audit.problems.push(note.to_owned());
    audit
}

async fn close(server: &TestServer, token: &str, id: &str, events: usize) {
    let reply = server
        .send(
            Method::POST,
            &format!("/api/v1/sessions/{id}/close"),
            Some(token),
            Some(&json!({"expected_events": events})),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
}

/// Whether `text` is well-formed XML as far as elements go: every start
/// tag is closed in order (the SVG has no comments, CDATA or doctype).
fn elements_balance(text: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            return false;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or_default();
            stack.push(name.to_owned());
        }
    }
    stack.is_empty() && !rest.contains('>')
}

/// Asserts two JSON values are equal, numbers to 1e-12 (the test client
/// does not parse floats to the last bit).
fn same(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() < 1e-12, "{path}: {x} ≠ {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (key, v) in x {
                same(v, &y[key], &format!("{path}.{key}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (n, (v, w)) in x.iter().zip(y).enumerate() {
                same(v, w, &format!("{path}[{n}]"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Checks `value` against `schema` of the OpenAPI document `doc`: every
/// property of an object is declared, every required one is present, and
/// arrays and nested objects conform too.
fn conforms(value: &Value, schema: &Value, doc: &Value, path: &str) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#').unwrap()).unwrap(),
        None => schema,
    };
    match value {
        Value::Object(map) => {
            let properties = schema["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{path}: the schema declares no properties: {schema}"));
            for (key, v) in map {
                let declared = properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} is not in the schema"));
                conforms(v, declared, doc, &format!("{path}.{key}"));
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let required = required.as_str().unwrap();
                assert!(map.contains_key(required), "{path}.{required} is missing");
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                conforms(item, &schema["items"], doc, &format!("{path}[{n}]"));
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_admin_gets_the_audit_of_every_tenants_sessions_in_three_formats() {
    let server = TestServer::start(&shipped(), tokens()).await;
    let mut local = Vec::new();
    // The same six ways of answering as a woman and as a man, split over
    // two tenants; half of them closed (which deletes the answers of the
    // violence questions, kept for the conversation only).
    for variant in 0..6 {
        for (gender, token) in [
            ("woman", "tok-north-k7f2q9x4m1p8w3z6"),
            ("man", "tok-south-k7f2q9x4m1p8w3z6"),
        ] {
            let (id, session) = interview(&server, token, gender, variant, usize::MAX).await;
            assert!(session.is_finished());
            if variant % 2 == 1 {
                close(&server, token, &id, session.events().len()).await;
            }
            local.push((id, kept(&session)));
        }
    }
    // Two who said "other", and an interview stopped after three answers.
    for variant in [0, 3] {
        let (id, session) = interview(
            &server,
            "tok-north-k7f2q9x4m1p8w3z6",
            "other",
            variant,
            usize::MAX,
        )
        .await;
        local.push((id, kept(&session)));
    }
    let (id, session) = interview(&server, "tok-south-k7f2q9x4m1p8w3z6", "woman", 0, 3).await;
    assert!(!session.is_finished());
    local.push((id, kept(&session)));

    let registry = common::registry(&shipped());
    let q = registry.resolve(COMPASS).unwrap();
    let expected = vidare::analysis::audit(q, &local, None);
    assert!(expected.is_clean());
    assert_eq!(expected.left_out.unfinished, 1);

    // JSON (the default): the core's audit of what is kept of the same
    // sessions, open or closed alike.
    let reply = server
        .send(Method::GET, AUDIT, Some("tok-admin-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let expected = as_served(expected, &reply.body);
    assert_eq!(reply.content_type, "application/json");
    same(
        &reply.body,
        &serde_json::to_value(&expected).unwrap(),
        "audit",
    );
    assert_eq!(reply.body["protected_item"], "gender");
    assert_eq!(reply.body["groups"], json!(["woman", "man", "other"]));
    assert_eq!(reply.body["flags"], json!([]));
    // The committed OpenAPI document describes it.
    let doc = vidare_server::openapi_json();
    conforms(
        &reply.body,
        &doc["components"]["schemas"]["Audit"],
        &doc,
        "audit",
    );
    let explicit = server
        .send(
            Method::GET,
            &format!("{AUDIT}?format=json&by=gender"),
            Some("tok-admin-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(explicit.body, reply.body);

    // Markdown.
    let reply = server
        .send(
            Method::GET,
            &format!("{AUDIT}?format=markdown"),
            Some("tok-admin-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content_type, "text/markdown; charset=utf-8");
    let markdown = reply.body.as_str().unwrap();
    assert_eq!(markdown, vidare_render::audit::markdown(&expected));
    assert!(markdown.starts_with("# Equality audit: gender-equality-compass 1.0.0\n"));
    assert!(markdown.contains("**No difference that the need level does not explain.**"));
    assert!(markdown.contains("Left out: 1 unfinished"));

    // SVG.
    let reply = server
        .send(
            Method::GET,
            &format!("{AUDIT}?format=svg"),
            Some("tok-admin-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content_type, "image/svg+xml");
    let svg = reply.body.as_str().unwrap();
    assert_eq!(svg, vidare_render::audit::svg(&expected));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(elements_balance(svg), "{svg}");

    // Grouped by another item: audited, with a note.
    let reply = server
        .send(
            Method::GET,
            &format!("{AUDIT}?by=low_mood"),
            Some("tok-admin-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body["protected_item"], "low_mood");
    assert_eq!(
        reply.body["problems"][0],
        "`low_mood` is not a protected item; the audit groups by it anyway"
    );
}

#[tokio::test]
async fn tenants_are_refused_and_bad_requests_are_problems() {
    let server = TestServer::start(&shipped(), tokens()).await;
    interview(
        &server,
        "tok-north-k7f2q9x4m1p8w3z6",
        "woman",
        0,
        usize::MAX,
    )
    .await;
    for format in ["", "?format=markdown", "?format=svg"] {
        let reply = server
            .send(
                Method::GET,
                &format!("{AUDIT}{format}"),
                Some("tok-north-k7f2q9x4m1p8w3z6"),
                None,
            )
            .await;
        let problem = assert_problem(&reply, 403, "forbidden");
        assert!(
            problem["detail"].as_str().unwrap().contains("admin token"),
            "{problem}"
        );
    }
    let reply = server.send(Method::GET, AUDIT, None, None).await;
    assert_problem(&reply, 401, "unauthorized");

    let admin = |path: String| {
        let server = &server;
        async move {
            server
                .send(Method::GET, &path, Some("tok-admin-k7f2q9x4m1p8w3z6"), None)
                .await
        }
    };
    let reply = admin(format!("{AUDIT}?format=pdf")).await;
    assert_problem(&reply, 400, "invalid-query");
    let reply = admin(format!("{AUDIT}?by=gendre")).await;
    let problem = assert_problem(&reply, 422, "unknown-item");
    assert_eq!(problem["item"], "gendre");
    let reply =
        admin("/api/v1/admin/questionnaires/gender-equality-compass/9.0.0/audit".into()).await;
    let problem = assert_problem(&reply, 404, "unknown-version");
    let known = problem["known"].as_array().unwrap();
    assert!(known.contains(&json!("1.0.0")), "{problem}");
    let reply = admin("/api/v1/admin/questionnaires/nothing/1.0.0/audit".into()).await;
    assert_problem(&reply, 404, "unknown-questionnaire");
}

#[tokio::test]
async fn in_local_only_mode_the_audit_is_available() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let (_, session) = interview(&server, "", "man", 1, usize::MAX).await;
    let reply = server.get(&format!("{AUDIT}?format=json")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let registry = common::registry(&shipped());
    let q = registry.resolve(COMPASS).unwrap();
    let expected = vidare::analysis::audit(q, &[("one", kept(&session))], None);
    let expected = as_served(expected, &reply.body);
    same(
        &reply.body,
        &serde_json::to_value(&expected).unwrap(),
        "audit",
    );
}

#[tokio::test]
async fn the_result_with_the_counterfactual_check() {
    let server = TestServer::start(&shipped(), tokens()).await;
    let (id, session) = interview(
        &server,
        "tok-north-k7f2q9x4m1p8w3z6",
        "woman",
        2,
        usize::MAX,
    )
    .await;
    let path = format!("/api/v1/sessions/{id}/result");
    let get = |query: &'static str| {
        let (server, path) = (&server, &path);
        async move {
            server
                .send(
                    Method::GET,
                    &format!("{path}{query}"),
                    Some("tok-north-k7f2q9x4m1p8w3z6"),
                    None,
                )
                .await
        }
    };

    let plain = get("?lang=en").await;
    assert_eq!(plain.status, 200);
    assert!(plain.body.get("counterfactual").is_none());
    let checked = get("?lang=en&check=true").await;
    assert_eq!(checked.status, 200, "{checked:?}");
    assert_eq!(
        checked.body,
        serde_json::to_value(session.checked_result_in("en")).unwrap()
    );
    let check = &checked.body["counterfactual"];
    assert_eq!(check["verdict"], "no_difference");
    assert_eq!(
        check["protected"],
        json!([{"item": "gender", "varied": true, "alternatives": 3}])
    );
    assert_eq!(get("?check=false").await.body, get("").await.body);
    let reply = get("?check=yes").await;
    assert_problem(&reply, 400, "invalid-query");

    // Closing keeps the stored record and deletes the log, which holds
    // answers that are not kept; the check is stored with the record (it
    // names only the protected item, which is kept) and returned with it.
    close(
        &server,
        "tok-north-k7f2q9x4m1p8w3z6",
        &id,
        session.events().len(),
    )
    .await;
    let stored = serde_json::to_value(session.stored_record_in("en")).unwrap();
    let closed = get("?lang=en&check=true").await;
    assert_eq!(closed.status, 200, "{closed:?}");
    let mut expected = stored.clone();
    expected["counterfactual"] = check.clone();
    assert_eq!(closed.body, expected);
    let plain_closed = get("?lang=en").await;
    assert_eq!(plain_closed.body, stored);
    let sv = get("?lang=sv&check=true").await;
    assert_eq!(sv.body["language"], "sv");
    assert_eq!(sv.body["counterfactual"], *check);
    let recording = server
        .send(
            Method::GET,
            &format!("/api/v1/sessions/{id}/recording"),
            Some("tok-north-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_problem(&recording, 410, "recording-gone");

    // Another tenant does not see it, checked or not.
    let other = server
        .send(
            Method::GET,
            &format!("{path}?check=true"),
            Some("tok-south-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_problem(&other, 404, "unknown-session");
}

/// A session closed by a server from before the stored record kept its
/// whole result (with the check): the result, the check and the audit
/// still read it.
#[tokio::test]
async fn results_stored_by_older_servers_are_still_read() {
    use vidare_server::store::Store as _;
    let server = TestServer::start(&shipped(), tokens()).await;
    let (id, session) = interview(
        &server,
        "tok-north-k7f2q9x4m1p8w3z6",
        "woman",
        2,
        usize::MAX,
    )
    .await;
    let old: serde_json::Map<String, Value> = ["sv", "en"]
        .into_iter()
        .map(|lang| {
            let result = serde_json::to_value(session.checked_result_in(lang)).unwrap();
            (lang.to_owned(), result)
        })
        .collect();
    let store =
        vidare_server::store::SqliteStore::open(server.dir.path().join("data.sqlite3")).unwrap();
    let events = session.events().len() as u64;
    store
        .close(None, &id, events, &Value::Object(old.clone()), false)
        .unwrap();
    drop(store);

    let path = format!("/api/v1/sessions/{id}/result?lang=en");
    let result = server
        .send(Method::GET, &path, Some("tok-north-k7f2q9x4m1p8w3z6"), None)
        .await;
    let mut plain = old["en"].clone();
    plain.as_object_mut().unwrap().remove("counterfactual");
    assert_eq!(result.body, plain);
    let checked = server
        .send(
            Method::GET,
            &format!("{path}&check=true"),
            Some("tok-north-k7f2q9x4m1p8w3z6"),
            None,
        )
        .await;
    assert_eq!(checked.body, old["en"]);

    let reply = server
        .send(Method::GET, AUDIT, Some("tok-admin-k7f2q9x4m1p8w3z6"), None)
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let registry = common::registry(&shipped());
    let q = registry.resolve(COMPASS).unwrap();
    let expected = vidare::analysis::audit(q, &[(id, session.record())], None);
    let expected = as_served(expected, &reply.body);
    same(
        &reply.body,
        &serde_json::to_value(&expected).unwrap(),
        "audit",
    );
}
