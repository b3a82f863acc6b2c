//! Hostile input: sizes.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use vidare::expr::ast::ExprLimits;
use vidare::{Compiler, Diagnostic, Limits, Session, Step, diagnostic::Code};

use super::{BOUND, HEAD, SECTION, bound, check, refused, refused_with, timed_check};

#[test]
fn a_fifty_megabyte_file_is_refused_before_parsing() {
    let mut source = format!("{HEAD}{SECTION}");
    let filler = "# padding padding padding padding padding padding padding padding\n";
    while source.len() < 50 * 1024 * 1024 {
        source.push_str(filler);
    }
    let start = Instant::now();
    let result = Compiler::new().check(&source, "big.yaml");
    assert!(
        start.elapsed() < Duration::from_millis(200),
        "checked in {:?}",
        start.elapsed()
    );
    let d = refused(&result, Code::LimitExceeded, "50 MB");
    assert_eq!((d.location.line, d.location.column), (1, 1));
    assert!(d.message.contains("bytes"), "{}", d.message);
}

/// A questionnaire of `n` yes/no items in sections of 100, every other item
/// shown only after a "yes" to the one before, and one score over all.
fn many_items(n: usize) -> String {
    let mut source = String::from(HEAD);
    source.push_str("sections:\n");
    for section in 0..n.div_ceil(100) {
        let _ = writeln!(source, "  - id: s{section}\n    items:");
        for k in section * 100..((section + 1) * 100).min(n) {
            let _ = writeln!(
                source,
                "      - id: q{k}\n        kind: yes_no\n        text: {{ sv: Fråga {k}, en: Question {k} }}"
            );
            if k % 2 == 1 {
                let _ = writeln!(source, "        when: q{} == true", k - 1);
            }
        }
    }
    source.push_str("scores:\n  - id: total\n    method: sum\n    over: [");
    let ids: Vec<String> = (0..n).map(|k| format!("q{k}")).collect();
    source.push_str(&ids.join(", "));
    source.push_str("]\n");
    source
}

/// A questionnaire of `max_items` items, every other one conditional and
/// one score over all, compiles; a whole interview runs and resumes to the
/// same result. The limit is lowered to 2,000 so that the unoptimised test
/// build runs the same paths in a second (the score is re-evaluated after
/// every answer, so the interview's work grows with the square of the
/// items); what 10,000 items cost in a release build is
/// docs/benchmarks.md's to show ("Scaling"), and the default limit is
/// pinned by `the_default_limits_are_the_documented_ones`.
#[test]
fn a_questionnaire_of_max_items_items_compiles_and_runs() {
    let limits = Limits {
        max_items: 2_000,
        ..Limits::default()
    };
    let n = limits.max_items;
    let source = many_items(n);
    let (questionnaire, diagnostics) =
        timed_check(&Compiler::with_limits(limits), &source, "max_items items");
    let q = questionnaire.unwrap_or_else(|| {
        panic!(
            "{n} items must compile: {}",
            vidare::diagnostic::render_all(&diagnostics, &source)
        )
    });
    assert_eq!(q.items().len(), n);
    let start = Instant::now();
    let mut session = Session::new(&q);
    let mut answered = 0;
    while let Step::Ask(item) = session.next() {
        let id = item.id().to_owned();
        session
            .answer(&id, answered % 3 == 0)
            .expect("a valid answer");
        answered += 1;
    }
    let resumed = Session::resume(&q, session.events().to_vec()).expect("resumes");
    assert_eq!(
        resumed.result().into_outcome(),
        session.result().into_outcome()
    );
    assert!(
        start.elapsed() < bound(BOUND),
        "session took {:?}",
        start.elapsed()
    );
    // Every even item is asked, and the odd ones after a yes (one in three
    // answers): about two thirds of the items.
    assert!(answered > n / 2, "{answered} answers");
}

#[test]
fn more_items_than_the_limit_is_refused() {
    let limits = Limits {
        max_items: 1_000,
        ..Limits::default()
    };
    let source = many_items(1_001);
    let d = refused(
        &timed_check(&Compiler::with_limits(limits), &source, "1,001 items"),
        Code::LimitExceeded,
        "1,001 items",
    );
    assert!(
        d.message.contains("1000") || d.message.contains("1,000"),
        "{}",
        d.message
    );
}

#[test]
fn an_expression_nested_ten_thousand_deep_is_refused() {
    let n = 10_000;
    for (what, expression) in [
        (
            "parentheses",
            format!("{}alone{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("negations", format!("\"{}alone\"", "!".repeat(n))),
        (
            "calls",
            format!("{}alone{}", "count(".repeat(n), ")".repeat(n)),
        ),
        ("chain", vec!["alone"; n].join(" && ")),
    ] {
        let source = with_condition(&expression);
        let d = refused(&check(&source, what), Code::LimitExceeded, what);
        assert_eq!(d.location.line, 15, "{what}");
        assert_eq!(d.location.path, "sections[0].items[1].when", "{what}");
    }
    // Within the length limit, the depth limit speaks.
    let expression = format!("{}alone{}", "(".repeat(2_000), ")".repeat(2_000));
    let source = with_condition(&expression);
    let d = refused(
        &check(&source, "2,000 deep"),
        Code::LimitExceeded,
        "2,000 deep",
    );
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    the_parser_alone_is_bounded_by_depth();
}

/// A second item, `next`, shown when `expression` holds.
fn with_condition(expression: &str) -> String {
    format!(
        "{HEAD}{SECTION}      - id: next\n        kind: yes_no\n        when: {expression}\n        text: {{ sv: a, en: b }}\n"
    )
}

/// The parser alone, with the length limit lifted: depth, not stack, decides.
fn the_parser_alone_is_bounded_by_depth() {
    let limits = ExprLimits {
        max_len: 1 << 20,
        ..ExprLimits::default()
    };
    for text in [
        format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}a", "!".repeat(100_000)),
        format!("{}a", "-".repeat(100_000)),
        format!("{}a{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{}a{}", "f(".repeat(100_000), ")".repeat(100_000)),
        vec!["a"; 100_000].join(" + "),
    ] {
        let start = Instant::now();
        let error = vidare::expr::parse(&text, limits).expect_err("too deep");
        assert!(error.limit, "{}", error.message);
        assert!(start.elapsed() < bound(BOUND));
    }
}

#[test]
fn very_long_strings() {
    let long = "x".repeat(1 << 20);
    // A 1 MB question text is legal (texts have no length limit below the
    // file size), and quick.
    let source = format!(
        "{HEAD}sections:\n  - id: main\n    items:\n      - id: alone\n        kind: yes_no\n        text: {{ sv: {long}, en: b }}\n"
    );
    let (q, _) = check(&source, "1 MB text");
    let q = q.expect("a long text compiles");
    assert_eq!(q.items().next().map(|i| i.text("sv").len()), Some(1 << 20));
    // A 1 MB expression is over the expression length limit.
    let source = format!(
        "{HEAD}{SECTION}      - id: next\n        kind: yes_no\n        when: alone == \"{long}\"\n        text: {{ sv: a, en: b }}\n"
    );
    let d = refused(
        &check(&source, "1 MB expression"),
        Code::LimitExceeded,
        "1 MB expr",
    );
    assert!(d.message.contains("too long"), "{}", d.message);
    // A 1 MB key is over YAML's 1024-character limit for plain keys.
    let source = format!("{HEAD}{long}: 1\n{SECTION}");
    let d = refused(&check(&source, "1 MB key"), Code::YamlSyntax, "1 MB key");
    assert_eq!(d.location.line, 7);
    // A 1 MB option value is over the 64-character limit for values.
    let source = format!(
        "{HEAD}sections:\n  - id: main\n    items:\n      - id: alone\n        kind: single_choice\n        text: {{ sv: a, en: b }}\n        options:\n          - {{ value: {long}, label: {{ sv: a, en: b }} }}\n"
    );
    refused(&check(&source, "1 MB value"), Code::InvalidId, "1 MB value");
    // An unterminated 1 MB quoted text.
    let source = format!("{HEAD}{SECTION}        help: \"{long}\n");
    refused_with(
        &check(&source, "unterminated"),
        &[Code::YamlSyntax, Code::WrongType],
        "unterminated",
    );
}

/// The disclosure analysis over a chain of derived values over hundreds
/// of conversation-only answers, each read by a kept trigger, gives one
/// located V029 per trigger, naming at most sixteen answers. (300 links
/// rather than 1,500: the unoptimised build checks the same; how compile
/// time grows along derived chains is docs/benchmarks.md's "Growth" table.)
#[test]
fn disclosure_over_a_long_chain_is_linear_and_located() {
    const N: usize = 300;
    let result = check(&disclosure_chain(N), "a long disclosure chain");
    let d = refused_with(
        &result,
        &[Code::UndeclaredDisclosure],
        "a long disclosure chain",
    );
    assert!(d.location.line > 0);
    let undeclared: Vec<&Diagnostic> = result
        .1
        .iter()
        .filter(|d| d.code == Code::UndeclaredDisclosure)
        .collect();
    // d0 is kept and reveals q0; every trigger reads a derived value.
    assert_eq!(undeclared.len(), N + 1);
    let last = undeclared
        .iter()
        .find(|d| d.message.starts_with(&format!("trigger `t{}`", N - 1)))
        .expect("the last trigger is reported");
    assert!(
        last.message
            .ends_with("and more, kept only for the conversation"),
        "{}",
        last.message
    );
    assert!(last.related.len() <= 3);
}

/// `n` conversation-only answers, a chain of derived values over them
/// (`d0` kept), and a kept trigger reading each derived value.
fn disclosure_chain(n: usize) -> String {
    let mut y = String::from(
        "format: 2\nid: chain\nversion: 1.0.0\ntitle: { sv: K, en: C }\nlanguages: [sv, en]\ndefault_language: sv\nsections:\n  - id: s\n    items:\n",
    );
    for i in 0..n {
        writeln!(
            y,
            "      - {{ id: q{i}, kind: yes_no, retention: conversation, text: {{ sv: F, en: Q }} }}"
        )
        .unwrap();
    }
    y.push_str("derived:\n  - { id: d0, value: q0 == true }\n");
    for i in 1..n {
        writeln!(
            y,
            "  - {{ id: d{i}, retention: conversation, value: d{} || q{i} == true }}",
            i - 1
        )
        .unwrap();
    }
    y.push_str("triggers:\n");
    for i in 0..n {
        writeln!(
            y,
            "  - {{ id: t{i}, when: d{i}, urgency: routine, refer_to: x, text: {{ sv: T, en: T }} }}"
        )
        .unwrap();
    }
    y
}
