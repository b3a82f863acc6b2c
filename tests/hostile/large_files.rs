//! Hostile input: large genuine files.
//!
//! The YAML reader's node budget (serde-saphyr's default, 250,000 nodes)
//! refused genuine files of some 6,000 items, far below `max_items`. Now
//! nodes are bounded by `max_yaml_events` and what aliases repeat by
//! `max_alias_expansion`, so the alias bombs above stay cheap.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use vidare::{Compiler, Limits, diagnostic::Code};

use super::{BOUND, HEAD, bound, check, refused, timed_check};

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

/// Compiles a genuine file of `n` items, within `bound`.
fn compiles_within(source: &str, n: usize, bound: Duration) {
    let start = Instant::now();
    let (q, diagnostics) = Compiler::new().check(source, "large.yaml");
    let elapsed = start.elapsed();
    let q = q.unwrap_or_else(|| {
        panic!(
            "{n} items must compile: {:?}",
            diagnostics.first().map(|d| (&d.code, &d.message))
        )
    });
    assert_eq!(q.items().len(), n);
    assert!(elapsed < bound, "{n} items took {elapsed:?}");
}

#[test]
fn six_thousand_items_with_options_compile() {
    // 2 MB without a single alias, 6,000 items of 20,000 allowed: refused
    // with V025 "the file expands to 250001 YAML nodes" before the fix.
    compiles_within(&items_with_options(6_000), 6_000, bound(BOUND));
}

#[test]
fn ten_thousand_items_with_options_compile() {
    let source = items_with_options(10_000);
    assert!(source.len() > 3_000_000);
    compiles_within(&source, 10_000, bound(BOUND * 2));
}

#[test]
fn twenty_thousand_items_with_options_compile() {
    // `max_items` items in 6.6 MB, under `max_file_bytes`: neither the
    // YAML reader nor anything else refuses the largest file the limits
    // allow for.
    let source = items_with_options(20_000);
    assert!(source.len() < Limits::default().max_file_bytes);
    compiles_within(&source, 20_000, bound(BOUND * 3));
    // One item more is refused by `max_items`, not by the YAML reader.
    let source = items_with_options(20_001);
    let d = refused(
        &check(&source, "20,001 items"),
        Code::LimitExceeded,
        "20,001 items",
    );
    assert!(d.message.contains("items"), "{}", d.message);
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
    // The most expensive input of this kind: 8 MB of options, read up to
    // the default limit of 2,000,000 events (about 1 s in a release build;
    // it is read once, not again for the path).
    let mut source = format!(
        "{HEAD}sections:\n  - id: main\n    items:\n      - id: alone\n        kind: single_choice\n        text: {{ sv: a, en: b }}\n        options: ["
    );
    let mut i = 0;
    while source.len() < Limits::default().max_file_bytes - 100 {
        let _ = write!(source, "{{value: v{i}, label: {{sv: A, en: A}}}},");
        i += 1;
    }
    source.push_str("{value: z, label: {sv: A, en: A}}]\n");
    let d = refused(&check(&source, "8 MB"), Code::LimitExceeded, "8 MB");
    assert_eq!(d.location.line, 13);
    assert!(
        d.message.contains("more than 2000000 YAML events"),
        "{}",
        d.message
    );
}
