//! Bands that cannot silently go wrong: whole-number scores are recognised
//! through expression terms, every suggested fix keeps each score the author
//! placed in its band, and bands are checked against the range the terms
//! can reach (V032).

use std::fmt::Write as _;

use vidare::{Compiler, Diagnostic};

/// A questionnaire with three scale items `a`, `b`, `c` (0 to 10 unless
/// `scale` says otherwise) and one score written as `score` (indented YAML).
fn with_score(scale: (i32, i32), extra_items: &str, score: &str) -> String {
    let (lo, hi) = scale;
    let mut items = String::new();
    for id in ["a", "b", "c"] {
        let _ = writeln!(
            items,
            "      - {{ id: {id}, kind: scale, min: {lo}, max: {hi}, text: {{ sv: F, en: Q }} }}"
        );
    }
    format!(
        "format: 1\nid: fixture\nversion: 1.0.0\ntitle: {{ sv: T, en: T }}\nlanguages: [sv, en]\n\
         default_language: sv\nsections:\n  - id: main\n    items:\n{items}{extra_items}scores:\n{score}"
    )
}

fn diagnostics(source: &str) -> Vec<Diagnostic> {
    Compiler::new().check(source, "bands.yaml").1
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

const NATURAL_BANDS: &str = "    bands:
      - { id: low, min: 0, max: 7, label: { sv: L, en: L } }
      - { id: high, min: 8, max: 10, label: { sv: H, en: H } }
";

#[test]
fn reverse_scoring_is_a_whole_number_so_natural_bands_are_accepted() {
    let score = format!("  - id: total\n    method: sum\n    over: ['10 - a']\n{NATURAL_BANDS}");
    let d = diagnostics(&with_score((0, 10), "", &score));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn count_and_whole_weights_in_expressions_are_whole_numbers() {
    let score = format!(
        "  - id: total\n    method: sum\n    over: ['count(a > 2, b > 2)', '2 * c']\n{NATURAL_BANDS}"
    );
    let d = diagnostics(&with_score((0, 4), "", &score));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn a_fractional_term_keeps_touching_bounds_and_the_help_keeps_the_cut_off() {
    let score = format!("  - id: total\n    method: sum\n    over: ['a / 2']\n{NATURAL_BANDS}")
        .replace("max: 10, label: { sv: H", "max: 5, label: { sv: H")
        .replace("min: 8", "min: 4")
        .replace("max: 7", "max: 3");
    let d = diagnostics(&with_score((0, 10), "", &score));
    assert_eq!(codes(&d), ["V021"], "{d:#?}");
    let help = d[0].help.as_deref().unwrap_or_default();
    // Ending `low` where `high` starts keeps 4 in `high`, as written;
    // starting `high` at 3 would have moved 3 into it.
    assert!(help.starts_with("end `low` at 4"), "{help}");
    assert!(!help.contains("start `high`"), "{help}");
}

#[test]
fn a_whole_number_gap_names_both_fixes_that_keep_every_placed_score() {
    let score = "  - id: total
    method: sum
    over: [a]
    bands:
      - { id: low, min: 0, max: 3, label: { sv: L, en: L } }
      - { id: high, min: 6, max: 10, label: { sv: H, en: H } }
";
    let d = diagnostics(&with_score((0, 10), "", score));
    assert_eq!(codes(&d), ["V021"], "{d:#?}");
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "end `low` at 5 or start `high` at 4, as the instrument's manual places the scores 4 to 5"
        )
    );
}

#[test]
fn an_overlap_names_both_fixes_and_out_of_order_bands_say_so() {
    let band = |lo: i32, hi: i32| {
        format!(
            "  - id: total\n    method: sum\n    over: [a]\n    bands:\n      \
             - {{ id: low, min: 0, max: 5, label: {{ sv: L, en: L }} }}\n      \
             - {{ id: high, min: {lo}, max: {hi}, label: {{ sv: H, en: H }} }}\n"
        )
    };
    let d = diagnostics(&with_score((0, 10), "", &band(5, 10)));
    assert_eq!(codes(&d), ["V020"], "{d:#?}");
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "the score 5 is in both bands: end `low` at 4 or start `high` at 6, as the instrument's manual places them"
        )
    );
    let d = diagnostics(&with_score((0, 10), "", &band(0, 2)));
    assert_eq!(d[0].help.as_deref(), Some("list bands in ascending order"));
}

fn total(over: &str, bands: &[(i32, i32)], extra: &str) -> String {
    let mut s = format!("  - id: total\n    method: sum\n    over: {over}\n{extra}    bands:\n");
    for (n, (lo, hi)) in bands.iter().enumerate() {
        let _ = writeln!(
            s,
            "      - {{ id: b{n}, min: {lo}, max: {hi}, label: {{ sv: B, en: B }} }}"
        );
    }
    s
}

#[test]
fn a_top_score_outside_every_band_is_a_warning() {
    // The case: a severe band typed 20-26 on a scale that reaches 27.
    let source = with_score((0, 9), "", &total("[a, b, c]", &[(0, 19), (20, 26)], ""));
    let d = diagnostics(&source);
    assert_eq!(codes(&d), ["V032"], "{d:#?}");
    assert_eq!(
        d[0].message,
        "the score 27 belongs to no band: `total` can reach 27, and `b1` ends at 26"
    );
    assert_eq!(d[0].location.path, "scores[0].bands[1].max");
    assert!(Compiler::new().check(&source, "x.yaml").0.is_some());
}

#[test]
fn low_scores_outside_every_band_and_unreachable_bands_are_warnings() {
    let d = diagnostics(&with_score(
        (0, 3),
        "",
        &total("[a, b, c]", &[(2, 5), (6, 9), (10, 12)], ""),
    ));
    assert_eq!(codes(&d), ["V032", "V032"], "{d:#?}");
    assert!(
        d[0].message
            .starts_with("the scores 0 to 1 belong to no band"),
        "{}",
        d[0].message
    );
    assert!(
        d[1].message
            .starts_with("band `b2` (10 to 12) can never be reached"),
        "{}",
        d[1].message
    );
}

#[test]
fn fewer_answers_needed_widen_the_range() {
    let bands = [(3, 9), (10, 15)];
    // All three of 1..5 must be answered: 3 to 15, every score in a band.
    let d = diagnostics(&with_score((1, 5), "", &total("[a, b, c]", &bands, "")));
    assert!(d.is_empty(), "{d:#?}");
    // Two of three are enough: 2 is possible.
    let d = diagnostics(&with_score(
        (1, 5),
        "",
        &total("[a, b, c]", &bands, "    min_answered: 2\n"),
    ));
    assert_eq!(codes(&d), ["V032"], "{d:#?}");
    assert!(
        d[0].message.starts_with("the score 2 belongs to no band"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_decline_counted_as_zero_widens_the_range() {
    let extra = "      - { id: d, kind: scale, min: 1, max: 5, allow_decline: true, text: { sv: D, en: D } }\n";
    let d = diagnostics(&with_score((0, 3), extra, &total("[d]", &[(1, 5)], "")));
    assert!(d.is_empty(), "{d:#?}");
    let d = diagnostics(&with_score(
        (0, 3),
        extra,
        &total("[d]", &[(1, 5)], "    declined: zero\n"),
    ));
    assert_eq!(codes(&d), ["V032"], "{d:#?}");
    assert!(
        d[0].message.starts_with("the score 0 belongs to no band"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_term_reading_an_earlier_score_uses_its_range() {
    let part = "  - id: part\n    method: sum\n    over: [a, b]\n";
    let source = with_score(
        (0, 3),
        "",
        &format!("{part}{}", total("['part + c']", &[(0, 8)], "")),
    );
    let d = diagnostics(&source);
    assert_eq!(codes(&d), ["V032"], "{d:#?}");
    assert!(
        d[0].message.starts_with("the score 9 belongs to no band"),
        "{}",
        d[0].message
    );
}

#[test]
fn an_unbounded_term_gives_no_range_and_no_warning() {
    let extra = "      - { id: n, kind: number, integer: true, text: { sv: N, en: N } }\n";
    let d = diagnostics(&with_score(
        (0, 3),
        extra,
        &total("[a, n]", &[(100, 200)], ""),
    ));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn choice_weights_and_yes_no_scores_bound_the_range() {
    let extra = "      - id: y
        kind: yes_no
        scores: { yes: 4, no: 0 }
        text: { sv: J, en: Y }
      - id: m
        kind: multiple_choice
        text: { sv: M, en: M }
        options:
          - { value: x, label: { sv: X, en: X }, score: 2 }
          - { value: z, label: { sv: Z, en: Z }, score: 3 }
";
    let d = diagnostics(&with_score((0, 1), extra, &total("[y, m]", &[(0, 8)], "")));
    assert_eq!(codes(&d), ["V032"], "{d:#?}");
    assert!(
        d[0].message.starts_with("the score 9 belongs to no band"),
        "{}",
        d[0].message
    );
}
