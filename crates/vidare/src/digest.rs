//! The digest that pins recordings and stored sessions to a definition.
//!
//! It is the SHA-256 of the expanded document as JSON in a canonical form
//! that leaves out every absent field: a `null`, an empty list and an
//! empty mapping are dropped. A field the format gains later is absent
//! from every file written before, so adding it changes no digest. The
//! form before this one wrote `null` for each absent optional field; its
//! digest is still accepted for what was pinned with it
//! ([`legacy`], `Questionnaire::is_pinned_by`).

use sha2::{Digest as _, Sha256};

use crate::format::Document;

/// `sha256:` and the hex digest of the canonical form.
pub(crate) fn digest(doc: &Document) -> String {
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    canonical(&mut value);
    hex(&serde_json::to_vec(&value).unwrap_or_default())
}

/// The digest of the form recordings were pinned with until this one:
/// every field written, absent ones as `null`.
pub(crate) fn legacy(doc: &Document) -> String {
    hex(&serde_json::to_vec(doc).unwrap_or_default())
}

fn hex(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// Drops absent fields, depth first, so that a mapping left empty by
/// its dropped fields is dropped too.
fn canonical(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for v in map.values_mut() {
                canonical(v);
            }
            map.retain(|_, v| !is_absent(v));
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(canonical),
        _ => {}
    }
}

fn is_absent(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(list) => list.is_empty(),
        serde_json::Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_older_form_still_pins_and_nothing_else_does() {
        let q = crate::compile(
            "format: 2\nid: t\nversion: 1.0.0\ntitle: { en: T }\nlanguages: [en]\n\
             default_language: en\nsections:\n  - id: s\n    items:\n      - id: a\n\
             \x20       kind: yes_no\n        text: { en: A? }\n",
            "t.yaml",
        )
        .unwrap();
        let older = legacy(q.document());
        assert_ne!(q.digest(), older, "absent fields are left out now");
        assert!(q.is_pinned_by(q.digest()) && q.is_pinned_by(&older));
        assert!(!q.is_pinned_by("sha256:00"));
        assert!(!q.is_pinned_by(""));
    }

    #[test]
    fn absent_fields_leave_no_trace() {
        let mut with = json!({"id": "x", "help": null, "items": [{"a": 1, "b": null, "c": []}], "m": {"n": null}});
        let mut without = json!({"id": "x", "items": [{"a": 1}]});
        canonical(&mut with);
        canonical(&mut without);
        assert_eq!(with, without);
        // Values are kept, also false and 0, and list elements are never dropped.
        let mut kept = json!({"a": false, "b": 0, "c": "", "d": [null, []]});
        canonical(&mut kept);
        assert_eq!(kept, json!({"a": false, "b": 0, "c": "", "d": [null, []]}));
    }
}
