//! Hostile input: alias bombs.

use std::fmt::Write as _;

use vidare::diagnostic::Code;

use super::{HEAD, SECTION, check, refused};

#[test]
fn billion_laughs_is_refused_without_expanding() {
    // Ten levels of ten aliases: 10^10 strings if expanded.
    let mut source = String::from(HEAD);
    source.push_str("lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let aliases = vec![format!("*a{p}"); 10].join(", ");
        let _ = writeln!(source, "lol{i}: &a{i} [{aliases}]");
    }
    source.push_str(SECTION);
    let d = refused(&check(&source, "laughs"), Code::UnknownField, "laughs");
    assert_eq!(d.location.line, 7);

    // The same bomb where a text is expected.
    let mut source = String::from(HEAD);
    source.push_str(SECTION);
    source.push_str("        help: &a0 { sv: a, en: b }\n");
    for i in 1..10 {
        let p = i - 1;
        let aliases = vec![format!("*a{p}"); 10].join(", ");
        let _ = writeln!(
            source,
            "      - id: x{i}\n        kind: yes_no\n        text: {{ sv: a, en: b }}\n        help: &a{i} [{aliases}]"
        );
    }
    refused(
        &check(&source, "laughs in help"),
        Code::WrongType,
        "laughs in help",
    );
}

/// Sections of items of options, each list repeating one alias: a
/// well-typed document that expands to far more nodes than it has bytes.
fn structural_bomb(k: usize) -> String {
    let mut source = String::from(HEAD);
    source.push_str(
        "sections:
  - &s
    id: main
    items:
      - &it
        id: alone
        kind: single_choice
        text: &t { sv: a, en: b }
        options:
          - &o { value: a, label: *t }
",
    );
    for _ in 1..k {
        source.push_str("          - *o\n");
    }
    for _ in 1..k {
        source.push_str("      - *it\n");
    }
    for _ in 1..k {
        source.push_str("  - *s\n");
    }
    source
}

#[test]
fn alias_bomb_in_well_typed_structure_is_a_limit() {
    // 300 × 300 × 300 options from a 10 kB file.
    let source = structural_bomb(300);
    assert!(source.len() < 12_000);
    let d = refused(
        &check(&source, "structural bomb"),
        Code::LimitExceeded,
        "bomb",
    );
    assert!(d.message.contains("aliases"), "{}", d.message);
    assert!(d.message.contains("100000"), "{}", d.message);
}

#[test]
fn merge_key_bomb_is_a_limit() {
    // Each level merges ten copies of the one before: `<<: [*m0, *m0, ...]`.
    let mut source = String::from(HEAD);
    source.push_str(
        "sections:
  - id: main
    items:
      - &m0
        id: alone
        kind: yes_no
        text: { sv: a, en: b }
",
    );
    for i in 1..12 {
        let p = i - 1;
        let aliases = vec![format!("*m{p}"); 10].join(", ");
        let _ = writeln!(
            source,
            "      - &m{i}\n        <<: [{aliases}]\n        id: i{i}"
        );
    }
    assert!(source.len() < 1_500);
    refused(
        &check(&source, "merge bomb"),
        Code::LimitExceeded,
        "merge bomb",
    );
}

#[test]
fn too_many_aliases_is_a_limit_even_when_cheap() {
    let mut source = String::from(HEAD);
    source.push_str(
        "sections:
  - id: main
    items:
      - id: alone
        kind: single_choice
        text: &t { sv: a, en: b }
        options:
",
    );
    for i in 0..1_500 {
        let _ = writeln!(source, "          - {{ value: v{i}, label: *t }}");
    }
    refused(&check(&source, "aliases"), Code::LimitExceeded, "aliases");
}
