//! Hostile input: limits.

use vidare::{Compiler, Limits, diagnostic::Code};

use super::{HEAD, QUESTIONNAIRES, check, line_of, refused, shipped_source, timed_check};

#[test]
fn limits_are_configurable() {
    let source = shipped_source("violence-seven");
    assert!(check(&source, "defaults").0.is_some());
    for (what, limits) in one_limit_lowered() {
        let compiler = Compiler::with_limits(limits);
        assert_eq!(compiler.limits(), &limits);
        refused(
            &timed_check(&compiler, &source, what),
            Code::LimitExceeded,
            what,
        );
    }
    text_budget_is_configurable();
}

/// Each limit lowered far below what a shipped questionnaire needs, with
/// its name.
fn one_limit_lowered() -> [(&'static str, Limits); 7] {
    let lowered = |set: fn(&mut Limits)| {
        let mut limits = Limits::default();
        set(&mut limits);
        limits
    };
    [
        ("items", lowered(|l| l.max_items = 5)),
        ("file size", lowered(|l| l.max_file_bytes = 1_000)),
        ("id length", lowered(|l| l.max_id_length = 5)),
        ("YAML events", lowered(|l| l.max_yaml_events = 100)),
        ("alias expansion", lowered(|l| l.max_alias_expansion = 10)),
        ("expression depth", lowered(|l| l.expr.max_depth = 2)),
        ("expression length", lowered(|l| l.expr.max_len = 10)),
    ]
}

/// The text budget, through a template and through includes: the second
/// `include:` of violence-seven (about 4 kB of text each) crosses 5,000
/// bytes.
fn text_budget_is_configurable() {
    let limits = Limits {
        max_expanded_bytes: 5_000,
        ..Limits::default()
    };
    let compiler = Compiler::with_limits(limits).with_include_root(QUESTIONNAIRES);
    assert!(
        check(&shipped_source("boston-life-areas"), "defaults")
            .0
            .is_some()
    );
    refused(
        &timed_check(&compiler, &shipped_source("boston-life-areas"), "templates"),
        Code::LimitExceeded,
        "templates",
    );
    let source = format!(
        "{HEAD}sections:\n  - {{ include: violence-seven@1.0.0, as: a }}\n  - {{ include: violence-seven@1.0.0, as: b }}\n"
    );
    assert!(check(&source, "two includes").0.is_some());
    let result = timed_check(&compiler, &source, "includes");
    let d = refused(&result, Code::LimitExceeded, "includes");
    assert_eq!(
        (d.location.line, d.location.path.as_str()),
        (line_of(&source, "as: b"), "sections[1].include")
    );
    assert_eq!(result.1.len(), 1, "{:?}", result.1);
}

/// The defaults are what docs/robustness.md's table of limits says. Tests
/// of a limit's boundary lower it (a tenth, or less) so that an unoptimised
/// build runs them quickly; this pins the values they stand for.
#[test]
fn the_default_limits_are_the_documented_ones() {
    let d = Limits::default();
    assert_eq!(d.max_file_bytes, 8 * 1024 * 1024);
    assert_eq!(d.max_yaml_depth, 64);
    assert_eq!(d.max_yaml_events, 2_000_000);
    assert_eq!(d.max_aliases, 1_000);
    assert_eq!(d.max_alias_expansion, 100_000);
    assert_eq!(d.max_items, 20_000);
    assert_eq!(d.max_expanded_bytes, 64 * 1024 * 1024);
    assert_eq!(d.max_id_length, 128);
    assert_eq!(d.expr.max_len, 4_096);
    assert_eq!(d.expr.max_depth, 128);
    assert_eq!(Compiler::new().limits(), &d);
}
