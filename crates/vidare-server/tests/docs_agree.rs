//! docs/server.md says what the server does: its error table names every
//! problem kind the server's code can produce and no other, and its
//! examples show session ids as the server makes them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn server_md() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/server.md");
    std::fs::read_to_string(path).unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The kind of every `Problem::new(status, "kind", ...)` in the server's
/// source. A kind that is not a literal fails the test, so that no kind
/// escapes it, except in the web page's code: its form errors are shown
/// as page text (the kind picks the message) and never sent as problems.
fn kinds_in_source() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut kinds = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let page = file.components().any(|c| c.as_os_str() == "pages");
        for (i, _) in text.match_indices("Problem::new(") {
            let after_status = text[i..].split_once(',').unwrap().1.trim_start();
            match after_status
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
            {
                Some((kind, _)) => {
                    kinds.insert(kind.to_owned());
                }
                None if page => {}
                None => panic!("{}: a problem kind that is not a literal", file.display()),
            }
        }
    }
    kinds
}

/// The kinds in the second column of the table under `### Errors`.
fn kinds_in_table(doc: &str) -> BTreeSet<String> {
    let section = doc.split_once("\n### Errors\n").unwrap().1;
    let section = section.split("\n#").next().unwrap();
    let mut kinds = BTreeSet::new();
    for row in section
        .lines()
        .filter(|l| l.starts_with("| ") && l.as_bytes()[2].is_ascii_digit())
    {
        let column = row.split('|').nth(2).unwrap();
        for kind in column.split(',') {
            let kind = kind.trim().trim_matches('`');
            assert!(!kind.is_empty(), "{row}");
            kinds.insert(kind.to_owned());
        }
    }
    kinds
}

#[test]
fn the_error_table_lists_exactly_the_kinds_the_server_has() {
    let source = kinds_in_source();
    let table = kinds_in_table(&server_md());
    assert!(source.len() > 30, "{source:?}");
    let undocumented: Vec<_> = source.difference(&table).collect();
    let unknown: Vec<_> = table.difference(&source).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/server.md's error table: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "in the error table but not in the server: {unknown:?}"
    );
}

/// Each run of characters in `text` that could be an id: letters,
/// digits and `-`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
}

#[test]
fn example_session_ids_are_32_lowercase_hex_digits() {
    let doc = server_md();
    let is_id = |s: &str| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let mut seen = 0;
    for marker in ["/api/v1/sessions/", "\"id\": \"", "session="] {
        for (i, _) in doc.match_indices(marker) {
            let id = words(&doc[i + marker.len()..]).next().unwrap();
            // Item and questionnaire ids are words; a session id has digits.
            if id.is_empty() || !id.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            assert!(
                is_id(id),
                "`{id}` after `{marker}` is not a session id as the server makes them"
            );
            seen += 1;
        }
    }
    assert!(seen >= 5, "{seen}");
    // Nor a UUID anywhere, with or without the id's context.
    for word in words(&doc) {
        let parts: Vec<usize> = word.split('-').map(str::len).collect();
        assert_ne!(parts, [8, 4, 4, 4, 12], "`{word}` looks like a UUID");
    }
}
