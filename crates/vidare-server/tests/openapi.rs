//! The committed `openapi.json` is the document the code generates, and
//! the server serves it. Regenerate with `VIDARE_UPDATE_OPENAPI=1 cargo
//! test -p vidare-server --test server openapi::`.

use crate::common;

use std::path::Path;

#[test]
fn the_committed_openapi_document_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = serde_json::to_string_pretty(&vidare_server::openapi_json()).unwrap() + "\n";
    if std::env::var_os("VIDARE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/vidare-server/openapi.json is stale: run \
         VIDARE_UPDATE_OPENAPI=1 cargo test -p vidare-server --test server openapi::, and commit the file"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_every_reference_resolves() {
    let doc = vidare_server::openapi_json();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 20);
    for r in refs {
        let pointer = r.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    for path in [
        "/api/v1/sessions/{id}/answer",
        "/api/v1/sessions/{id}/result",
        "/api/v1/admin/questionnaires/{id}/{version}/audit",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["Outcome"]["properties"]["triggers"].is_object());
    assert!(doc["components"]["schemas"]["Outcome"]["properties"]["counterfactual"].is_null());
    let checked = &doc["components"]["schemas"]["CheckedOutcome"];
    assert!(
        checked
            .to_string()
            .contains("#/components/schemas/Counterfactual"),
        "{checked}"
    );
    assert!(doc["components"]["schemas"]["Counterfactual"].is_object());
    assert!(doc["components"]["schemas"]["Audit"]["properties"]["flags"].is_object());
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.extend(v.as_str().map(str::to_owned));
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_server_serves_the_document() {
    let server = common::TestServer::start(&common::fixtures(), vidare_server::Access::Local).await;
    // Built once and served from then on: the second answer is the same
    // document, still JSON.
    for _ in 0..2 {
        let reply = server.get("/openapi.json").await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.content_type, "application/json");
        assert_eq!(reply.body, vidare_server::openapi_json());
    }
}

/// A request the server refused: the operation it reached (method and
/// path as the document names them) and the status it got.
struct Refusal {
    method: &'static str,
    path: &'static str,
    status: u16,
}

/// Sends `body` as `content_type`; returns the status.
async fn send_raw(
    server: &common::TestServer,
    method: reqwest::Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> u16 {
    let response = server
        .client
        .request(method, format!("{}{path}", server.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

/// GETs `path` naming another site in `Host` (as a DNS-rebinding page
/// does); returns the status.
async fn get_with_foreign_host(base: &str, path: &str) -> u16 {
    use std::io::{Read, Write};
    let addr = base.strip_prefix("http://").unwrap().to_owned();
    let request = format!("GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text.split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    })
    .await
    .unwrap()
}

/// Drives requests a local-only server refuses, one per status and
/// operation, and records what each got.
async fn refusals_in_local_mode() -> Vec<Refusal> {
    use reqwest::Method;
    use serde_json::json;
    let server = common::TestServer::start(&common::shipped(), vidare_server::Access::Local).await;
    let created = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": "violence-seven"}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let answer = format!("/api/v1/sessions/{id}/answer");
    let item = created.body["next"]["id"].as_str().unwrap().to_owned();
    let stale = json!({"item": item, "value": true, "expected_events": 7});
    let unknown = json!({"item": "no-such-item", "value": true, "expected_events": 0});
    let mut out = Vec::new();
    let mut got = |method, path, status| {
        out.push(Refusal {
            method,
            path,
            status,
        });
    };
    let (a, s) = ("/api/v1/sessions/{id}/answer", "/api/v1/sessions");
    got("post", a, server.post(&answer, &stale).await.status);
    got("post", a, server.post(&answer, &unknown).await.status);
    let post = |ct: &'static str, body: Vec<u8>| send_raw(&server, Method::POST, &answer, ct, body);
    got(
        "post",
        a,
        post("application/json", b"{\"item\": tru".to_vec()).await,
    );
    got("post", a, post("text/plain", b"{}".to_vec()).await);
    got(
        "post",
        a,
        post("application/json", vec![b' '; 3 << 20]).await,
    );
    got("post", a, post("application/json", b"{}".to_vec()).await);
    let missing = format!("/api/v1/sessions/{}", "0".repeat(32));
    got(
        "get",
        "/api/v1/sessions/{id}",
        server.get(&missing).await.status,
    );
    got(
        "post",
        s,
        server
            .post(s, &json!({"questionnaire": "nope"}))
            .await
            .status,
    );
    got(
        "get",
        s,
        server.get("/api/v1/sessions?limit=0").await.status,
    );
    got("get", s, get_with_foreign_host(&server.base, s).await);
    out
}

/// No token, a tenant's token on an admin operation, and ten wrong
/// tokens from one address, then the eleventh is throttled.
async fn refusals_with_tokens() -> Vec<Refusal> {
    use reqwest::Method;
    const NORTH: &str = "north-7Qm2xV9pLk4RtZ8wYc3N";
    let access = vidare_server::Access::from_tokens(Some(&format!("{NORTH}=north")), None).unwrap();
    let server = common::TestServer::start(&common::fixtures(), access).await;
    let (q, statistics) = ("/api/v1/questionnaires", "/api/v1/admin/statistics");
    let as_north = server
        .send(
            Method::GET,
            &format!("{statistics}?questionnaire=notes"),
            Some(NORTH),
            None,
        )
        .await;
    let mut out = vec![
        Refusal {
            method: "get",
            path: q,
            status: server.get(q).await.status,
        },
        Refusal {
            method: "get",
            path: statistics,
            status: as_north.status,
        },
    ];
    for n in 0..11 {
        let reply = server
            .send(Method::GET, q, Some(&format!("guess-{n}")), None)
            .await;
        out.push(Refusal {
            method: "get",
            path: q,
            status: reply.status,
        });
    }
    out
}

#[tokio::test]
async fn every_status_the_server_gives_an_operation_is_in_the_document() {
    let mut refusals = refusals_in_local_mode().await;
    refusals.extend(refusals_with_tokens().await);
    let statuses: Vec<u16> = refusals.iter().map(|r| r.status).collect();
    // The requests above reach each of these, so none is left unchecked.
    for status in [400, 401, 403, 404, 409, 413, 415, 421, 422, 429] {
        assert!(
            statuses.contains(&status),
            "no request got {status}: {statuses:?}"
        );
    }
    let doc = vidare_server::openapi_json();
    for Refusal {
        method,
        path,
        status,
    } in refusals
    {
        let responses = &doc["paths"][path][method]["responses"];
        assert!(
            responses[status.to_string()].is_object(),
            "{method} {path} gave {status}, which the document does not list"
        );
    }
}

#[test]
fn statuses_every_operation_can_give_are_listed_for_each() {
    let doc = vidare_server::openapi_json();
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            for status in ["401", "408", "421", "429"] {
                assert!(responses[status].is_object(), "{method} {path}: {status}");
            }
            // Every operation but the questionnaire list reads the store.
            let stores = path != "/api/v1/questionnaires";
            assert_eq!(responses["503"].is_object(), stores, "{method} {path}");
            let writes = stores && method != "get";
            assert_eq!(responses["507"].is_object(), writes, "{method} {path}");
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses[status].is_object(), "{method} {path}: {status}");
                }
            }
        }
    }
}
