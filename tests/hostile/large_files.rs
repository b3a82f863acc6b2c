//! Hostile input: large genuine files.
//!
//! The YAML reader's node budget (serde-saphyr's default, 250,000 nodes)
//! refused genuine files of some 6,000 items, far below `max_items`. Now
//! nodes are bounded by `max_yaml_events` and what aliases repeat by
//! `max_alias_expansion`, so the alias bombs above stay cheap.

use std::fmt::Write as _;

use vidare::{Compiler, Limits, diagnostic::Code};

use super::{HEAD, refused, timed_check};

/// `n` single-choice items with three options and a help text, in sections
/// of 100, without a single alias: about 330 bytes and 53 YAML events each.
fn items_with_options(n: usize) -> String {
    let mut source = format!("{HEAD}sections:\n");
    for section in 0..n.div_ceil(100) {
        let _ = writeln!(source, "  - id: s{section}\n    items:");
        for k in section * 100..((section + 1) * 100).min(n) {
            let _ = writeln!(
                source,
                "      - id: q{k}
        kind: single_choice
        text: {{ sv: Fråga {k}, en: Question {k} }}
        help: {{ sv: Hjälp, en: Help }}
        options:
          - {{ value: a, label: {{ sv: A, en: A }} }}
          - {{ value: b, label: {{ sv: B, en: B }} }}
          - {{ value: c, label: {{ sv: C, en: C }} }}"
            );
        }
    }
    source
}

/// A genuine file of `max_items` items with options compiles, and one
/// more item is refused by `max_items`, not by the YAML reader (whose own
/// node budget, 250,000 by default, once refused 6,000 such items).
///
/// Every limit that grows with the file is a tenth of its default here, so
/// the unoptimised test build compiles 2,000 items rather than 20,000: an
/// item costs about 330 bytes and 53 YAML events whatever the count, so the
/// file stays within the tenths exactly when 20,000 items stay within the
/// defaults (`the_default_limits_are_the_documented_ones` pins those). The
/// time of the full size is docs/benchmarks.md's to show ("Scaling"); that
/// the reader's own budgets follow `max_yaml_events` is shown by
/// `the_event_limit_is_reported_as_a_size`, past 250,000 nodes.
#[test]
fn max_items_items_with_options_compile() {
    let defaults = Limits::default();
    let limits = Limits {
        max_items: defaults.max_items / 10,
        max_file_bytes: defaults.max_file_bytes / 10,
        max_yaml_events: defaults.max_yaml_events / 10,
        ..defaults
    };
    let n = limits.max_items;
    let compiler = Compiler::with_limits(limits);
    let source = items_with_options(n);
    assert!(source.len() < limits.max_file_bytes, "{}", source.len());
    let (q, diagnostics) = timed_check(&compiler, &source, "max_items items");
    let q = q.unwrap_or_else(|| {
        panic!(
            "{n} items must compile: {:?}",
            diagnostics.first().map(|d| (&d.code, &d.message))
        )
    });
    assert_eq!(q.items().len(), n);
    // One item more is refused by `max_items`, not by the YAML reader.
    let source = items_with_options(n + 1);
    let d = refused(
        &timed_check(&compiler, &source, "max_items + 1 items"),
        Code::LimitExceeded,
        "max_items + 1 items",
    );
    assert!(
        d.message.contains(&format!("the limit is {n}")),
        "{}",
        d.message
    );
}

#[test]
fn the_event_limit_is_reported_as_a_size() {
    // A genuine file over a lowered `max_yaml_events` says so, and how to
    // raise the limit; it does not speak of expanding.
    let limits = Limits {
        max_yaml_events: 10_000,
        ..Limits::default()
    };
    let source = items_with_options(1_000);
    let d = refused(
        &timed_check(&Compiler::with_limits(limits), &source, "events"),
        Code::LimitExceeded,
        "events",
    );
    assert!(
        d.message.contains("more than 10000 YAML events"),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("max_yaml_events")),
        "{:?}",
        d.help
    );
    // The most expensive input of this kind, one long list of options,
    // read up to the limit and refused where it ran out. 400,000 events
    // are some 330,000 YAML nodes (nine of every eleven events here), past
    // serde-saphyr's own node budget of 250,000: were that budget not set
    // from `max_yaml_events`, the reader would stop at 250,000 nodes first.
    // (The default limit, 2,000,000 events in 8 MB, is read in about 1 s
    // in a release build: a figure for docs/benchmarks.md, not a test.)
    let limits = Limits {
        max_yaml_events: 400_000,
        ..Limits::default()
    };
    let mut source = format!(
        "{HEAD}sections:\n  - id: main\n    items:\n      - id: alone\n        kind: single_choice\n        text: {{ sv: a, en: b }}\n        options: ["
    );
    for i in 0..50_000 {
        let _ = write!(source, "{{value: v{i}, label: {{sv: A, en: A}}}},");
    }
    source.push_str("{value: z, label: {sv: A, en: A}}]\n");
    let d = refused(
        &timed_check(&Compiler::with_limits(limits), &source, "400,000 events"),
        Code::LimitExceeded,
        "400,000 events",
    );
    assert_eq!(d.location.line, 13);
    assert!(
        d.message.contains("more than 400000 YAML events"),
        "{}",
        d.message
    );
}
