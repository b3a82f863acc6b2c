//! Hostile input: YAML features.

use vidare::diagnostic::Code;

use super::{HEAD, SECTION, check, refused, refused_with};

#[test]
fn duplicate_keys_are_located_at_the_second() {
    let source = format!("{HEAD}id: again\n{SECTION}");
    let d = refused(
        &check(&source, "duplicate id"),
        Code::YamlSyntax,
        "duplicate",
    );
    assert_eq!(d.location.line, 7);
    assert!(d.message.contains("`id`"), "{}", d.message);
    // In a text, and in an option.
    let source = format!("{HEAD}{SECTION}        help: {{ sv: a, sv: b, en: c }}\n");
    let d = refused(
        &check(&source, "duplicate sv"),
        Code::YamlSyntax,
        "duplicate sv",
    );
    assert_eq!(d.location.line, 13);
}

#[test]
fn yaml_tags_never_change_the_meaning_silently() {
    contradicting_tags_are_refused();
    other_tags_are_read_past();
}

/// Standard tags that contradict the field's type are refused, located.
fn contradicting_tags_are_refused() {
    for (what, source) in [
        (
            "!!int version",
            HEAD.replace("version: 1.0.0", "version: !!int 1.0.0") + SECTION,
        ),
        (
            "!!str format",
            HEAD.replace("format: 1", "format: !!str 1") + SECTION,
        ),
        (
            "!!map on a list",
            format!("{HEAD}{}", SECTION.replace("sections:", "sections: !!map")),
        ),
        (
            "!!null text",
            format!("{HEAD}{}", SECTION.replace("{ sv: Bor", "{ sv: !!null Bor")),
        ),
    ] {
        refused_with(
            &check(&source, what),
            &[Code::YamlSyntax, Code::WrongType],
            what,
        );
    }
}

/// Other tags are read past: the value is taken as written (a `!!binary`
/// text is not decoded), so the questionnaire means what it shows.
fn other_tags_are_read_past() {
    let plain = check(&format!("{HEAD}{SECTION}"), "plain")
        .0
        .expect("compiles");
    for (what, from, to) in [
        ("!!binary", "{ sv: Bor", "{ sv: !!binary Bor"),
        (
            "!custom on an item",
            "      - id: alone",
            "      - !custom\n        id: alone",
        ),
        ("!custom on an id", "id: alone", "id: !custom alone"),
        ("!!str on a text", "{ sv: Bor", "{ sv: !!str Bor"),
    ] {
        let source = format!("{HEAD}{}", SECTION.replacen(from, to, 1));
        assert_ne!(source, format!("{HEAD}{SECTION}"), "{what}");
        let (q, diagnostics) = check(&source, what);
        match q {
            Some(q) => assert_eq!(q.digest(), plain.digest(), "{what} changed the meaning"),
            None => {
                refused_with(
                    &(None, diagnostics),
                    &[Code::YamlSyntax, Code::WrongType],
                    what,
                );
            }
        }
    }
}

#[test]
fn anchors_where_they_make_no_sense() {
    let item = "      - id: alone\n        kind: yes_no\n        text: { sv: a, en: b }\n";
    let sections = "sections:\n  - id: main\n    items:\n";
    // An anchor on a key is allowed by YAML and changes nothing.
    let source = format!("{HEAD}{sections}{}", item.replace("- id:", "- &k id:"));
    assert!(check(&source, "anchor on key").0.is_some());
    // An alias as a key names an unknown field.
    let source = format!(
        "{HEAD}{sections}      - id: &k alone\n        kind: yes_no\n        *k : x\n        text: {{ sv: a, en: b }}\n"
    );
    let d = refused(
        &check(&source, "alias key"),
        Code::UnknownField,
        "alias key",
    );
    assert!((10..=12).contains(&d.location.line), "{d:?}");
    // An alias repeating a whole item repeats its id.
    let source = format!(
        "{HEAD}{sections}{}      - *it\n",
        item.replace("- id:", "- &it\n        id:")
    );
    refused(
        &check(&source, "repeated item"),
        Code::DuplicateId,
        "repeated item",
    );
    // An alias to nothing.
    let source = format!("{HEAD}{sections}      - *nothing\n");
    let d = refused(
        &check(&source, "unknown anchor"),
        Code::YamlSyntax,
        "unknown anchor",
    );
    assert_eq!(d.location.line, 10);
    aliases_inside_their_own_anchor();
    not_one_document();
}

/// An alias inside its own anchor.
fn aliases_inside_their_own_anchor() {
    let source = format!("{HEAD}sections: &s\n  - id: main\n    items: *s\n");
    refused(&check(&source, "recursive"), Code::YamlSyntax, "recursive");
    let source = format!("{HEAD}{SECTION}        help: &h {{ sv: *h, en: b }}\n");
    refused_with(
        &check(&source, "recursive text"),
        &[Code::YamlSyntax, Code::WrongType],
        "recursive text",
    );
}

/// A second document in the stream; empty and non-mapping documents.
fn not_one_document() {
    let source = format!("{HEAD}{SECTION}---\n{HEAD}{SECTION}");
    let d = refused(
        &check(&source, "two documents"),
        Code::YamlSyntax,
        "two documents",
    );
    // The first line of the second document, after `---` on line 13.
    assert_eq!(d.location.line, 14);
    // Empty and non-mapping documents.
    for (what, source) in [
        ("empty", ""),
        ("comment", "# nothing\n"),
        ("scalar", "hello"),
    ] {
        refused_with(
            &check(source, what),
            &[Code::YamlSyntax, Code::WrongType],
            what,
        );
    }
}
