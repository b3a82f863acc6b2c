//! The committed `openapi.json` is the document the code generates, and
//! the server serves it. Regenerate with `VIDARE_UPDATE_OPENAPI=1 cargo
//! test -p vidare-server --test openapi`.

mod common;

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
         VIDARE_UPDATE_OPENAPI=1 cargo test -p vidare-server --test openapi, and commit the file"
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
    assert!(doc["components"]["schemas"]["Outcome"]["properties"]["counterfactual"].is_object());
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
    let reply = server.get("/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, vidare_server::openapi_json());
}
