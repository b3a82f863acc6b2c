//! Hostile input: nesting.

use std::fmt::Write as _;

use vidare::{Compiler, Limits, diagnostic::Code};

use super::{HEAD, SECTION, check, refused, refused_with, timed_check};

#[test]
fn ten_thousand_deep_flow_nesting_is_refused() {
    let n = 10_000;
    // Sequences: refused by the YAML reader's own recursion limit.
    let source = format!(
        "format: 1\nid: fixture\nversion: 1.0.0\ntitle: {{ sv: Test, en: Test }}\nlanguages: {}{}\ndefault_language: sv\n{SECTION}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let d = refused(&check(&source, "[[["), Code::LimitExceeded, "[[[");
    assert_eq!(d.location.line, 5);
    assert!(d.message.contains("levels deep"), "{}", d.message);
    // Unclosed, in a known field.
    let source = format!("{HEAD}sections: {}\n", "[".repeat(n));
    refused(
        &check(&source, "unclosed [[["),
        Code::LimitExceeded,
        "unclosed [[[",
    );
    // Mappings.
    let source = format!("{HEAD}sections: {}{}\n", "{a: ".repeat(n), "}".repeat(n));
    let d = refused(&check(&source, "{a: {a:"), Code::LimitExceeded, "{a:");
    assert_eq!(d.location.line, 7);
}

#[test]
fn flow_nesting_beyond_the_depth_limit_is_a_limit() {
    // 300 levels of `[` in a text, beyond the parser's own limit of 255
    // for flow collections, which was V001 "recursion limit exceeded"; the
    // parser's limit is now `max_yaml_depth`, reported like block nesting.
    let n = 300;
    let source = nested_help(&"[".repeat(n), &"]".repeat(n));
    let d = refused(&check(&source, "[[[ in a text"), Code::LimitExceeded, "[[[");
    assert_eq!(d.location.line, 13);
    // `help: { sv: ` is 20 characters; the limit (64) counts the levels
    // around the text too, so the parser stops at a bracket near the start.
    assert!(
        (21..=21 + 64).contains(&d.location.column),
        "column {}",
        d.location.column
    );
    assert!(d.message.contains("64 levels deep"), "{}", d.message);
    // Mixed `[{[{`, and with a lower limit, the limit in force is named.
    let source = nested_help(&"[{k: ".repeat(n / 2), &"}]".repeat(n / 2));
    refused(&check(&source, "[{[{"), Code::LimitExceeded, "[{[{");
    let limits = Limits {
        max_yaml_depth: 16,
        ..Limits::default()
    };
    let source = nested_help(&"[".repeat(20), &"]".repeat(20));
    let d = refused(
        &timed_check(&Compiler::with_limits(limits), &source, "20 deep"),
        Code::LimitExceeded,
        "20 deep",
    );
    assert!(d.message.contains("16 levels deep"), "{}", d.message);
    // Within the limit, flow nesting is only a value of the wrong type here.
    let source = format!("{HEAD}{SECTION}        help: {{ sv: [[[a]]], en: b }}\n");
    refused_with(
        &check(&source, "[[[a]]]"),
        &[Code::YamlSyntax, Code::WrongType],
        "[[[a]]]",
    );
}

#[test]
fn ten_thousand_deep_block_nesting_is_refused() {
    // `- - - - x`: block sequences nested on one line.
    let source = format!("{HEAD}sections:\n{}x\n", "- ".repeat(10_000));
    let d = refused(&check(&source, "- - -"), Code::LimitExceeded, "- - -");
    assert!(d.message.contains("levels deep"), "{}", d.message);
    // Mappings indented one more space per level (3,000 levels, 4.5 MB,
    // under the file size limit).
    let mut source = format!("{HEAD}sections:\n");
    for i in 0..3_000 {
        source.push_str(&" ".repeat(i + 1));
        let _ = writeln!(source, "k{i}:");
    }
    assert!(source.len() < Limits::default().max_file_bytes);
    let d = refused(&check(&source, "indented"), Code::LimitExceeded, "indented");
    assert!(d.location.line > 7, "points into the nesting: {d:?}");
}

/// The Swedish help text of `alone` wrapped in `open` and `close`.
fn nested_help(open: &str, close: &str) -> String {
    format!("{HEAD}{SECTION}        help: {{ sv: {open}a{close}, en: b }}\n")
}
