//! The digest that pins recordings and stored sessions to a definition.
//!
//! It is the SHA-256 of the expanded document as JSON in a canonical form
//! that leaves out every absent field: a `null`, an empty list and an
//! empty mapping are dropped. A field the format gains later is absent
//! from every file written before, so adding it changes no digest. The
//! form before this one wrote `null` for each absent optional field; its
//! digest is still accepted for what was pinned with it
//! ([`legacy`], `Questionnaire::is_pinned_by`).

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::format::Document;

/// `sha256:` and the hex digest of the canonical form.
pub(crate) fn digest(doc: &Document) -> String {
    hex(&canonical_json(doc))
}

/// The digest of the form recordings were pinned with until this one:
/// every field written, absent ones as `null`.
pub(crate) fn legacy(doc: &Document) -> String {
    hex(&serde_json::to_vec(doc).unwrap_or_default())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in Sha256::digest(bytes) {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// `value` as compact JSON without its absent fields, written in one pass:
/// each field is written and taken back out when its value turns out to
/// be absent. (Building a `serde_json::Value` first and pruning it took a
/// fifth of a compile.) `null` if it cannot be written as JSON.
fn canonical_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let out = Rc::new(RefCell::new(Vec::with_capacity(16 * 1024)));
    let formatter = Canonical {
        out: Rc::clone(&out),
        objects: Vec::new(),
    };
    let mut serializer = serde_json::Serializer::with_formatter(Shared(Rc::clone(&out)), formatter);
    let written = value.serialize(&mut serializer);
    drop(serializer);
    match written {
        Ok(()) => out.take(),
        Err(_) => b"null".to_vec(),
    }
}

/// The buffer the serializer writes to; the formatter holds it too, to
/// see where a field starts and to take it back out.
struct Shared(Rc<RefCell<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `serde_json`'s compact form, except that a field whose value is `null`,
/// `[]` or `{}` (after its own absent fields were dropped) is left out.
struct Canonical {
    out: Rc<RefCell<Vec<u8>>>,
    /// The objects being written, innermost last.
    objects: Vec<Object>,
}

/// Where the current field of an object starts, and whether one was kept.
#[derive(Default)]
struct Object {
    kept: bool,
    field: usize,
    value: usize,
}

impl Canonical {
    fn len(&self) -> usize {
        self.out.borrow().len()
    }
}

impl serde_json::ser::Formatter for Canonical {
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.objects.push(Object::default());
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.objects.pop();
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        _: bool,
    ) -> io::Result<()> {
        let start = self.len();
        match self.objects.last_mut() {
            Some(object) => {
                object.field = start;
                if object.kept {
                    return writer.write_all(b",");
                }
                Ok(())
            }
            None => Err(io::Error::other("a key outside an object")),
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b":")?;
        let start = self.len();
        if let Some(object) = self.objects.last_mut() {
            object.value = start;
        }
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        let Some(object) = self.objects.last_mut() else {
            return Err(io::Error::other("a value outside an object"));
        };
        let mut out = self.out.borrow_mut();
        if matches!(out.get(object.value..), Some(b"null" | b"[]" | b"{}")) {
            out.truncate(object.field);
        } else {
            object.kept = true;
        }
        Ok(())
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
        let with = json!({"id": "x", "help": null, "items": [{"a": 1, "b": null, "c": []}], "m": {"n": null}, "z": {}});
        let without = json!({"id": "x", "items": [{"a": 1}]});
        assert_eq!(canonical_json(&with), br#"{"id":"x","items":[{"a":1}]}"#);
        assert_eq!(canonical_json(&without), canonical_json(&with));
        // Values are kept, also false and 0, and list elements are never dropped.
        let kept = json!({"a": false, "b": 0, "c": "", "d": [null, [], {"e": null}], "f": 1.5});
        assert_eq!(
            canonical_json(&kept),
            br#"{"a":false,"b":0,"c":"","d":[null,[],{}],"f":1.5}"#
        );
        let last_dropped = json!({"a": 1, "b": null});
        assert_eq!(canonical_json(&last_dropped), br#"{"a":1}"#);
        let first_dropped = json!({"a": [], "b": {"c": {"d": null}}, "e": "x"});
        assert_eq!(canonical_json(&first_dropped), br#"{"e":"x"}"#);
    }

    /// The form as it was first defined: the whole document as a
    /// `serde_json::Value`, absent fields pruned depth first.
    fn through_value(doc: &Document) -> Vec<u8> {
        fn prune(value: &mut serde_json::Value) {
            if let serde_json::Value::Array(list) = value {
                list.iter_mut().for_each(prune);
            }
            if let serde_json::Value::Object(map) = value {
                map.values_mut().for_each(prune);
                map.retain(|_, v| match v {
                    serde_json::Value::Null => false,
                    serde_json::Value::Array(list) => !list.is_empty(),
                    serde_json::Value::Object(map) => !map.is_empty(),
                    _ => true,
                });
            }
        }
        let mut value = serde_json::to_value(doc).unwrap();
        prune(&mut value);
        serde_json::to_vec(&value).unwrap()
    }

    fn yaml_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("target") && !path.ends_with(".git") {
                yaml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                found.push(path);
            }
        }
    }

    /// Every questionnaire in the repository that compiles (the shipped
    /// files, the test fixtures, the examples) has the same canonical
    /// bytes written in one pass as through a pruned `Value`, so no digest
    /// pinned before changes.
    #[test]
    fn one_pass_writes_what_the_pruned_value_wrote() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in ["questionnaires", "tests", "examples", "crates"] {
            yaml_files(&root.join(dir), &mut files);
        }
        let mut compared = 0;
        for path in &files {
            let Ok(q) = crate::load(path) else { continue };
            let doc = q.document();
            assert_eq!(
                String::from_utf8(canonical_json(doc)).unwrap(),
                String::from_utf8(through_value(doc)).unwrap(),
                "{}",
                path.display()
            );
            compared += 1;
        }
        assert!(compared >= 40, "only {compared} questionnaires compiled");
    }
}
