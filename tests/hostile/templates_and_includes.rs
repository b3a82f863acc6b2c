//! Hostile input: templates and includes.
//!
//! Found while writing these tests and fixed in compile/expand/: expansion
//! counts items against `max_items` before building them, an included
//! version is read once, and an include's id cannot be a path
//! (docs/robustness.md, "Problems found").

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use vidare::{Compiler, Diagnostic, Limits, diagnostic::Code};

use super::{BOUND, HEAD, QUESTIONNAIRES, bound, check, line_of, refused, timed_check};

/// `templates:` with `t` items, used by `u` sections with `f` keys each.
fn template_bomb(t: usize, f: usize, u: usize) -> String {
    let mut source = String::from(HEAD);
    source.push_str("templates:\n  - id: big\n    section:\n      items:\n");
    for i in 0..t {
        let _ = writeln!(
            source,
            "        - {{ id: q{i}, kind: yes_no, text: {{ sv: a, en: b }} }}"
        );
    }
    source.push_str("sections:\n");
    for j in 0..u {
        let keys: Vec<String> = (0..f).map(|k| format!("{{key: k{j}x{k}}}")).collect();
        let _ = writeln!(source, "  - use: big\n    for_each: [{}]", keys.join(", "));
    }
    source
}

#[test]
fn a_template_expansion_bomb_is_refused_before_expanding() {
    // 75 kB that would expand to 1,000,000 items: it took 5 s and 1.6 GB in a
    // release build before the fix; (1000, 1000, 10), 210 kB, took 100 s and
    // 15 GB.
    let source = template_bomb(1_000, 100, 10);
    let d = refused(
        &check(&source, "template bomb"),
        Code::LimitExceeded,
        "template bomb",
    );
    assert!(d.message.contains("items"), "{}", d.message);
}

#[test]
fn many_includes_of_one_questionnaire_are_bounded() {
    // 5,000 entries (240 kB) would give 85,000 items, over `max_items`;
    // before the fix each entry read and compiled violence-seven again.
    // `max_items` is lowered to 2,000 so that the unoptimised build expands
    // 118 inclusions rather than 1,177 before the limit: the same path.
    let limits = Limits {
        max_items: 2_000,
        ..Limits::default()
    };
    let compiler = Compiler::with_limits(limits).with_include_root(QUESTIONNAIRES);
    let mut source = format!("{HEAD}sections:\n");
    for j in 0..5_000 {
        let _ = writeln!(source, "  - {{ include: violence-seven@1.0.0, as: v{j} }}");
    }
    let d = refused(
        &timed_check(&compiler, &source, "5,000 includes"),
        Code::LimitExceeded,
        "includes",
    );
    // At the first include over the limit: 117 of violence-seven's 17
    // items are 1,989, the 118th crosses 2,000.
    assert_eq!(d.location.line, line_of(&source, "as: v117 "), "{d:?}");
}

#[test]
fn an_include_cannot_leave_the_questionnaire_folder() {
    // Both specs name a real file, which was read before the fix.
    let absolute = Path::new(QUESTIONNAIRES).join("violence-seven");
    for spec in [
        "../questionnaires/violence-seven@1.0.0".to_owned(),
        format!("{}@1.0.0", absolute.display()),
    ] {
        let source = format!("{HEAD}sections:\n  - {{ include: \"{spec}\", as: v }}\n");
        refused(&check(&source, &spec), Code::InvalidId, &spec);
    }
}

/// A template of `t` items whose Swedish text is `{label}` `r` times, used
/// by one key whose `label` is `n` characters long.
fn placeholder_bomb(t: usize, r: usize, n: usize) -> String {
    let mut source = String::from(HEAD);
    source.push_str("templates:\n  - id: big\n    section:\n      items:\n");
    let text = "{label}".repeat(r);
    for i in 0..t {
        let _ = writeln!(
            source,
            "        - {{ id: q{i}, kind: yes_no, text: {{ sv: \"{text}\", en: b }} }}"
        );
    }
    let _ = writeln!(
        source,
        "sections:\n  - use: big\n    for_each:\n      - key: k\n        vars: {{ label: {} }}",
        "x".repeat(n)
    );
    source
}

#[test]
fn placeholders_that_multiply_text_are_a_limit() {
    // 772 kB that filled in 1 GB of text: 3.4 s and 2.9 GB of memory in a
    // release build before the fix (docs/robustness.md, problem 9). Each
    // item's texts now come to 1,000,001 bytes, so 67 fit in the 64 MiB
    // budget and the 68th (`q67`) crosses it: nothing beyond it is built.
    let source = placeholder_bomb(1_000, 100, 10_000);
    assert!(source.len() < 800_000, "{}", source.len());
    let (d, diagnostics) = refused_quickly(&source, "placeholder bomb");
    assert_eq!(
        (d.location.line, d.location.path.as_str()),
        (line_of(&source, "id: q67,"), "sections[0].for_each[0]")
    );
    assert!(
        d.message.contains("key `k`") && d.message.contains("67108864 bytes"),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_ref()
            .is_some_and(|h| h.contains("Limits::max_expanded_bytes")),
        "{:?}",
        d.help
    );
    assert_eq!(d.related.len(), 1);
    assert_eq!(d.related[0].location.path, "sections[0].for_each[0].key");
    // Said once, and nothing follows from it.
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");

    // A label of 100,000 characters would have needed 10 GB; it stops in
    // the 7th item, as quickly.
    let source = placeholder_bomb(1_000, 100, 100_000);
    let (d, _) = refused_quickly(&source, "100,000-character label");
    assert_eq!(d.location.line, line_of(&source, "id: q6,"));

    // One text alone over the budget (10,000 placeholders of 10,000
    // characters: 100 MB) stops while it is being filled.
    let source = placeholder_bomb(1, 10_000, 10_000);
    let (d, _) = refused_quickly(&source, "one text");
    assert_eq!(d.location.line, line_of(&source, "id: q0,"));
}

/// Compiles a placeholder bomb: refused as over a limit, filling 64 MiB
/// instead of gigabytes (about 0.1 s and 76 MB at most in a release
/// build); the error and every diagnostic.
fn refused_quickly(source: &str, what: &str) -> (Diagnostic, Vec<Diagnostic>) {
    let start = Instant::now();
    let result = check(source, what);
    let elapsed = start.elapsed();
    let d = refused(&result, Code::LimitExceeded, what);
    assert!(
        elapsed < bound(Duration::from_millis(200)),
        "{what}: took {elapsed:?}"
    );
    (d, result.1)
}

/// A template of `t` single-choice items with ordinary texts, each naming
/// the instance's topic, used by `keys` keys.
fn area_template(t: usize, keys: usize) -> String {
    let mut source = String::from(HEAD);
    source.push_str(
        "templates:
  - id: area
    section:
      title: { sv: \"Område: {area}\", en: \"Area: {area}\" }
      items:
",
    );
    for i in 0..t {
        let _ = writeln!(
            source,
            "        - id: q{i}
          kind: single_choice
          text:
            sv: \"Fråga {i}: hur ofta har du haft svårigheter med {{topic}} den senaste månaden?\"
            en: \"Question {i}: how often have you had difficulties with {{topic}} in the past month?\"
          help: {{ sv: \"Tänk på {{topic}} i allmänhet.\", en: \"Think of {{topic}} in general.\" }}
          options:
            - {{ value: never, label: {{ sv: Aldrig, en: Never }} }}
            - {{ value: sometimes, label: {{ sv: Ibland, en: Sometimes }} }}
            - {{ value: often, label: {{ sv: Ofta, en: Often }} }}"
        );
    }
    source.push_str("sections:\n  - use: area\n    for_each:\n");
    for k in 0..keys {
        let _ = writeln!(
            source,
            "      - key: k{k}
        vars:
          area: {{ sv: område {k}, en: area {k} }}
          topic: {{ sv: ditt boende och din vardag, en: your housing and your daily life }}"
        );
    }
    source
}

#[test]
fn a_large_genuine_template_use_compiles() {
    // A template of 200 items used by five keys: 1,000 items whose filled
    // texts come to some 340 kB, far below the budget. (The unoptimised
    // build checks the same on a fifth of docs/robustness.md's 5,000.)
    let source = area_template(200, 5);
    let start = Instant::now();
    let (q, diagnostics) = Compiler::new().check(&source, "areas.yaml");
    let elapsed = start.elapsed();
    let q = q.unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert_eq!(q.items().len(), 1_000);
    assert_eq!(
        q.item("k4.q199").expect("the last item").text("en"),
        "Question 199: how often have you had difficulties with your housing and your daily life in the past month?"
    );
    assert!(elapsed < bound(BOUND), "took {elapsed:?}");

    // With a budget of 128 KiB the same file stops at the key whose texts
    // cross it, at a text of the template.
    let limits = Limits {
        max_expanded_bytes: 128 << 10,
        ..Limits::default()
    };
    let result = timed_check(&Compiler::with_limits(limits), &source, "128 KiB");
    let d = refused(&result, Code::LimitExceeded, "128 KiB");
    assert!(d.message.contains("131072 bytes"), "{}", d.message);
    assert!(
        d.location.path.starts_with("sections[0].for_each["),
        "{}",
        d.location.path
    );
    assert_eq!(result.1.len(), 1, "{:?}", result.1);
}

#[test]
fn an_empty_template_is_reported_once() {
    // 60,000 keys over `items: []` gave 60,000 V018 diagnostics, one per
    // key (docs/robustness.md, problem 8); now one, at the template.
    let keys: Vec<String> = (0..60_000).map(|k| format!("{{key: k{k}}}")).collect();
    let source = format!(
        "{HEAD}templates:\n  - id: empty\n    section:\n      items: []\nsections:\n  - use: empty\n    for_each: [{}]\n  - use: empty\n    for_each: [{{key: other}}]\n",
        keys.join(", ")
    );
    let result = check(&source, "empty template");
    let d = refused(&result, Code::EmptyList, "empty template");
    assert_eq!(
        result.1.len(),
        1,
        "{:?}",
        &result.1[..3.min(result.1.len())]
    );
    assert_eq!(
        (d.location.line, d.location.path.as_str()),
        (
            line_of(&source, "- id: empty"),
            "templates[0].section.items"
        )
    );
    assert!(
        d.message.contains("template `empty` has no items") && d.message.contains("60001 sections"),
        "{}",
        d.message
    );
    assert_eq!(d.related[0].location.path, "sections[0].use");
    assert!(d.related[0].message.contains("1 more"), "{:?}", d.related);
}
