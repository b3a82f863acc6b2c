//! Hostile input: limits.

use vidare::expr::ast::ExprLimits;
use vidare::{Code, Compiler, Limits};

use super::{HEAD, QUESTIONNAIRES, check, line_of, refused, shipped_source, timed_check};

#[test]
fn limits_are_configurable() {
    let source = shipped_source("violence-seven");
    assert!(check(&source, "defaults").0.is_some());
    for (what, limits) in [
        (
            "items",
            Limits {
                max_items: 5,
                ..Limits::default()
            },
        ),
        (
            "file size",
            Limits {
                max_file_bytes: 1_000,
                ..Limits::default()
            },
        ),
        (
            "id length",
            Limits {
                max_id_length: 5,
                ..Limits::default()
            },
        ),
        (
            "YAML events",
            Limits {
                max_yaml_events: 100,
                ..Limits::default()
            },
        ),
        (
            "alias expansion",
            Limits {
                max_alias_expansion: 10,
                ..Limits::default()
            },
        ),
        (
            "expression depth",
            Limits {
                expr: ExprLimits {
                    max_depth: 2,
                    ..ExprLimits::default()
                },
                ..Limits::default()
            },
        ),
        (
            "expression length",
            Limits {
                expr: ExprLimits {
                    max_len: 10,
                    ..ExprLimits::default()
                },
                ..Limits::default()
            },
        ),
    ] {
        let compiler = Compiler::with_limits(limits);
        assert_eq!(compiler.limits(), &limits);
        refused(
            &timed_check(&compiler, &source, what),
            Code::LimitExceeded,
            what,
        );
    } // The text budget, through a template and through includes: the
    // second `include:` of violence-seven (about 4 kB of text each) crosses
    // 5,000 bytes.
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
