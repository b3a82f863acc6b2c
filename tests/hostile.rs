//! Hostile and oversized input: every case gets a located error (a
//! diagnostic with a code and, where a place exists, a line) or works, and
//! does so within a time bound. Big inputs are generated here, never
//! committed. docs/robustness.md describes the limits and each case; the
//! regression inputs found by fuzzing (fuzz/) are at the end.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vidare::expr::ast::ExprLimits;
use vidare::{
    Code, Compiler, Diagnostic, Error, Limits, Questionnaire, Response, Session, Severity, Step,
    Value,
};

const QUESTIONNAIRES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/questionnaires");

/// The header of a minimal questionnaire; the cases add sections after it.
const HEAD: &str = "format: 1
id: fixture
version: 1.0.0
title: { sv: Test, en: Test }
languages: [sv, en]
default_language: sv
";

/// One valid section with one yes/no item, `alone`.
const SECTION: &str = "sections:
  - id: main
    items:
      - id: alone
        kind: yes_no
        text: { sv: Bor du ensam?, en: Do you live alone? }
";

/// The bound each case must stay within in an optimised build, with a
/// generous margin: the slowest case takes about a twentieth of it.
const BOUND: Duration = Duration::from_secs(2);

/// Unoptimised builds (plain `cargo test`) run the YAML reader and the
/// compiler about twenty times slower; the bound scales with them.
fn bound(release: Duration) -> Duration {
    if cfg!(debug_assertions) {
        release * 30
    } else {
        release
    }
}

fn shipped_source(id: &str) -> String {
    std::fs::read_to_string(Path::new(QUESTIONNAIRES).join(id).join("1.0.0.yaml"))
        .expect("a shipped questionnaire")
}

fn shipped(id: &str) -> Questionnaire {
    vidare::load(Path::new(QUESTIONNAIRES).join(id).join("1.0.0.yaml"))
        .expect("a shipped questionnaire compiles")
}

/// Compiles with `compiler` and checks the time bound.
fn timed_check(
    compiler: &Compiler,
    source: &str,
    what: &str,
) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    let start = Instant::now();
    let result = compiler.check(source, "hostile.yaml");
    let elapsed = start.elapsed();
    assert!(
        elapsed < bound(BOUND),
        "{what}: took {elapsed:?}, more than {:?}",
        bound(BOUND)
    );
    result
}

/// Compiles with the default limits; includes resolve among the shipped
/// questionnaires.
fn check(source: &str, what: &str) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    timed_check(
        &Compiler::new().with_include_root(QUESTIONNAIRES),
        source,
        what,
    )
}

/// The input is refused with an error of one of `codes`, at a line > 0.
fn refused_with(
    result: &(Option<Questionnaire>, Vec<Diagnostic>),
    codes: &[Code],
    what: &str,
) -> Diagnostic {
    let (questionnaire, diagnostics) = result;
    assert!(questionnaire.is_none(), "{what}: compiled");
    let d = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && codes.contains(&d.code))
        .unwrap_or_else(|| {
            panic!(
                "{what}: no error with code {codes:?}: {:?}",
                diagnostics
                    .iter()
                    .map(|d| (d.code, d.location.line, &d.message))
                    .collect::<Vec<_>>()
            )
        });
    assert!(d.location.line > 0, "{what}: no line in {d:?}");
    assert!(d.location.column > 0, "{what}: no column in {d:?}");
    // Rendering with the source line and caret works for any position.
    let _ = vidare::diagnostic::render_all(diagnostics, "");
    d.clone()
}

fn refused(
    result: &(Option<Questionnaire>, Vec<Diagnostic>),
    code: Code,
    what: &str,
) -> Diagnostic {
    refused_with(result, &[code], what)
}

/// A file in the system's temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let dir = std::env::temp_dir().join(format!("vidare-hostile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("a temporary file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn load_timed(path: &Path, what: &str) -> Result<Questionnaire, Error> {
    let start = Instant::now();
    let result = Compiler::new().with_include_root(QUESTIONNAIRES).load(path);
    let elapsed = start.elapsed();
    assert!(elapsed < bound(BOUND), "{what}: took {elapsed:?}");
    result
}

// ------------------------------------------------------------- alias bombs

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

// ----------------------------------------------------------------- nesting

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
    let source = format!(
        "{HEAD}{SECTION}        help: {{ sv: {}a{}, en: b }}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
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
    let source = format!(
        "{HEAD}{SECTION}        help: {{ sv: {}a{}, en: b }}\n",
        "[{k: ".repeat(n / 2),
        "}]".repeat(n / 2)
    );
    refused(&check(&source, "[{[{"), Code::LimitExceeded, "[{[{");
    let limits = Limits {
        max_yaml_depth: 16,
        ..Limits::default()
    };
    let source = format!(
        "{HEAD}{SECTION}        help: {{ sv: {}a{}, en: b }}\n",
        "[".repeat(20),
        "]".repeat(20)
    );
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

// ------------------------------------------------------------------- sizes

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

#[test]
fn a_ten_thousand_item_questionnaire_compiles_and_runs() {
    let source = many_items(10_000);
    let (questionnaire, diagnostics) = check(&source, "10,000 items");
    let q = questionnaire.unwrap_or_else(|| {
        panic!(
            "10,000 items must compile: {}",
            vidare::diagnostic::render_all(&diagnostics, &source)
        )
    });
    assert_eq!(q.items().len(), 10_000);
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
    assert_eq!(resumed.result(), session.result());
    assert!(
        start.elapsed() < bound(BOUND),
        "session took {:?}",
        start.elapsed()
    );
    assert!(answered > 5_000);
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
        let source = format!(
            "{HEAD}{SECTION}      - id: next\n        kind: yes_no\n        when: {expression}\n        text: {{ sv: a, en: b }}\n"
        );
        let d = refused(&check(&source, what), Code::LimitExceeded, what);
        assert_eq!(d.location.line, 15, "{what}");
        assert_eq!(d.location.path, "sections[0].items[1].when", "{what}");
    }
    // Within the length limit, the depth limit speaks.
    let expression = format!("{}alone{}", "(".repeat(2_000), ")".repeat(2_000));
    let source = format!(
        "{HEAD}{SECTION}      - id: next\n        kind: yes_no\n        when: {expression}\n        text: {{ sv: a, en: b }}\n"
    );
    let d = refused(
        &check(&source, "2,000 deep"),
        Code::LimitExceeded,
        "2,000 deep",
    );
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    // The parser alone, with the length limit lifted: depth, not stack, decides.
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

// --------------------------------------------------------------------- ids

/// The body of a questionnaire with one item, `alone`, and one each of a
/// derived value, a score with a band, a trigger and an end condition;
/// `NAME` marks the id the cases replace.
const EVERY_KIND_OF_ID: &str = "sections:
  - id: main
    items:
      - id: alone
        kind: yes_no
        text: { sv: Bor du ensam?, en: Do you live alone? }
derived:
  - id: lives_alone
    value: alone == true
scores:
  - id: total
    method: count
    over: [alone == true]
    bands:
      - id: low
        min: 0
        max: 1
        label: { sv: Låg, en: Low }
triggers:
  - id: follow_up
    when: alone == true
    urgency: routine
    refer_to: social-services
    text: { sv: Följ upp., en: Follow up. }
end:
  - id: stop
    when: alone == false
    text: { sv: Slut., en: The end. }
";

#[test]
fn over_long_ids_are_a_limit() {
    assert!(
        check(&format!("{HEAD}{EVERY_KIND_OF_ID}"), "every id")
            .0
            .is_some()
    );
    let long = "a".repeat(1 << 20);
    for (what, from, line, path) in [
        ("questionnaire", "id: fixture", 2, "id"),
        ("section", "id: main", 8, "sections[0].id"),
        ("item", "id: alone", 10, "sections[0].items[0].id"),
        ("derived value", "id: lives_alone", 14, "derived[0].id"),
        ("score", "id: total", 17, "scores[0].id"),
        ("band", "id: low", 21, "scores[0].bands[0].id"),
        ("trigger", "id: follow_up", 26, "triggers[0].id"),
        ("end condition", "id: stop", 32, "end[0].id"),
    ] {
        let source = format!("{HEAD}{EVERY_KIND_OF_ID}").replacen(from, &format!("id: {long}"), 1);
        let (q, diagnostics) = check(&source, what);
        let d = refused(&(q, diagnostics.clone()), Code::LimitExceeded, what);
        assert_eq!(
            (d.location.line, d.location.path.as_str()),
            (line, path),
            "{what}"
        );
        assert!(
            d.message.contains("1048576 characters"),
            "{what}: {}",
            d.message
        );
        assert!(
            d.message.contains("the limit is 128"),
            "{what}: {}",
            d.message
        );
        // No diagnostic repeats the megabyte.
        for d in &diagnostics {
            let length = d.message.len() + d.help.as_ref().map_or(0, String::len);
            assert!(length < 1_000, "{what}: {:?} {:?}", d.code, d.help);
        }
    }
    // 128 characters are allowed, 129 are not.
    let at_limit = format!("a{}", "b".repeat(127));
    let named = |id: &str| {
        format!("{HEAD}{EVERY_KIND_OF_ID}")
            .replace("id: alone\n", &format!("id: {id}\n"))
            .replace("alone ==", &format!("{id} =="))
    };
    let (q, diagnostics) = check(&named(&at_limit), "128");
    assert!(q.is_some(), "{diagnostics:?}");
    let source = named(&format!("{at_limit}c"));
    let d = refused(&check(&source, "129"), Code::LimitExceeded, "129");
    assert!(d.message.contains("129 characters"), "{}", d.message);
}

#[test]
fn an_over_long_key_or_prefix_is_refused_before_expanding() {
    // A 1 MB template key would be copied into each of 1,000 ids (1 GB).
    let long = "k".repeat(1 << 20);
    let mut source = String::from(HEAD);
    source.push_str("templates:\n  - id: big\n    section:\n      items:\n");
    for i in 0..1_000 {
        let _ = writeln!(
            source,
            "        - {{ id: q{i}, kind: yes_no, text: {{ sv: a, en: b }} }}"
        );
    }
    let _ = writeln!(
        source,
        "sections:\n  - use: big\n    for_each: [{{key: {long}}}]"
    );
    let d = refused(&check(&source, "long key"), Code::LimitExceeded, "long key");
    assert_eq!(d.location.path, "sections[0].for_each[0].key");
    assert!(
        d.message.starts_with("the template key is"),
        "{}",
        d.message
    );
    // A key within the limit that makes the ids too long is reported at them.
    let key = "k".repeat(125);
    let source = source.replace(&long, &key);
    let d = refused(&check(&source, "key + id"), Code::LimitExceeded, "key + id");
    assert!(d.message.contains("129 characters"), "{}", d.message);
    // A 1 MB include prefix, copied into every included id.
    let source = format!("{HEAD}sections:\n  - {{ include: violence-seven@1.0.0, as: {long} }}\n");
    let d = refused(
        &check(&source, "long prefix"),
        Code::LimitExceeded,
        "long prefix",
    );
    assert_eq!(d.location.path, "sections[0].as");
    assert!(
        d.message.starts_with("the include prefix is"),
        "{}",
        d.message
    );
}

// --------------------------------------------------------- bytes and lines

#[test]
fn invalid_utf8_is_a_located_syntax_error() {
    let mut bytes = format!("{HEAD}{SECTION}").into_bytes();
    // Latin-1 "å" in the help text of `alone`: line 13, column 18.
    bytes.extend_from_slice(b"        help: { sv: H\xe5r, en: Here }\n");
    let file = TempFile::new("latin1.yaml", &bytes);
    let error = load_timed(&file.0, "latin-1").expect_err("not UTF-8");
    let d = &error.diagnostics()[0];
    assert_eq!(d.code, Code::YamlSyntax);
    assert_eq!((d.location.line, d.location.column), (13, 22));
    assert!(d.message.contains("UTF-8"), "{}", d.message);
    // The rendering shows the valid part without panicking.
    assert!(error.render().contains("V001"));

    // UTF-16 with its byte order mark: refused at the first byte.
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(HEAD.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let file = TempFile::new("utf16.yaml", &utf16);
    let error = load_timed(&file.0, "utf-16").expect_err("not UTF-8");
    let d = &error.diagnostics()[0];
    assert_eq!(
        (d.code, d.location.line, d.location.column),
        (Code::YamlSyntax, 1, 1)
    );
}

#[test]
fn nul_bytes_are_a_located_syntax_error() {
    let source = format!("{HEAD}{SECTION}        help: {{ sv: \"a\0b\", en: b }}\n");
    let d = refused(&check(&source, "NUL"), Code::YamlSyntax, "NUL");
    assert_eq!((d.location.line, d.location.column), (13, 23));
    assert!(d.message.contains("NUL"), "{}", d.message);
    // Through a file, too.
    let file = TempFile::new("nul.yaml", source.as_bytes());
    let error = load_timed(&file.0, "NUL file").expect_err("NUL");
    assert_eq!(error.diagnostics()[0].code, Code::YamlSyntax);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    for id in [
        "violence-seven",
        "boston-life-areas",
        "gender-equality-compass",
    ] {
        let plain = shipped(id);
        let source = format!("\u{feff}{}", shipped_source(id));
        let (q, diagnostics) = check(&source, "BOM");
        let q = q.unwrap_or_else(|| panic!("{id} with a BOM: {diagnostics:?}"));
        assert_eq!(q.digest(), plain.digest(), "{id}");
        // Through a file, as an editor on Windows saves it.
        let dir = TempFile::new(&format!("{id}-bom.yaml"), source.as_bytes());
        let loaded = load_timed(&dir.0, "BOM file").expect("a BOM file loads");
        assert_eq!(loaded.digest(), plain.digest(), "{id}");
    }
}

/// Answers every item with its first option, `true`, the lowest number or a
/// short text, and returns the result as JSON.
fn walk(q: &Questionnaire) -> serde_json::Value {
    let mut session = Session::new(q);
    while let Step::Ask(item) = session.next() {
        let id = item.id().to_owned();
        let value = match item.kind() {
            vidare::ItemKind::YesNo => Value::Bool(true),
            vidare::ItemKind::SingleChoice => {
                Value::Text(item.options().next().expect("options").value.to_owned())
            }
            vidare::ItemKind::MultipleChoice => Value::List(vec![
                item.options().next().expect("options").value.to_owned(),
            ]),
            vidare::ItemKind::Scale | vidare::ItemKind::Number => {
                Value::Number(item.range().0.unwrap_or(0.0))
            }
            vidare::ItemKind::Date => Value::Text("2024-01-31".into()),
            _ => Value::Text("a reason".into()),
        };
        session.answer(&id, value).expect("a valid answer");
    }
    serde_json::to_value(session.result()).expect("serialises")
}

#[test]
fn crlf_line_endings_are_accepted() {
    for id in [
        "violence-seven",
        "boston-life-areas",
        "gender-equality-compass",
    ] {
        let plain = shipped(id);
        let source = shipped_source(id).replace('\n', "\r\n");
        let (q, diagnostics) = check(&source, "CRLF");
        let q = q.unwrap_or_else(|| panic!("{id} with CRLF: {diagnostics:?}"));
        // The digest is of the meaning, not the bytes: the same.
        assert_eq!(q.digest(), plain.digest(), "{id}");
        assert_eq!(walk(&q), walk(&plain), "{id}");
    }
    // Errors in a CRLF file point at the same line and column.
    let source = format!("{HEAD}{SECTION}        kindd: yes_no\n");
    let lf = refused(&check(&source, "LF"), Code::UnknownField, "LF");
    let crlf_source = source.replace('\n', "\r\n");
    let crlf = refused(&check(&crlf_source, "CRLF"), Code::UnknownField, "CRLF");
    assert_eq!(
        (lf.location.line, lf.location.column),
        (crlf.location.line, crlf.location.column)
    );
    // A lone CR (old Mac) is a line break in YAML too.
    let cr_source = source.replace('\n', "\r");
    let cr = refused(&check(&cr_source, "CR"), Code::UnknownField, "CR");
    assert_eq!(cr.location.line, lf.location.line);
}

// ---------------------------------------------------------- YAML features

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
    // Standard tags that contradict the field's type are refused, located.
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
    // Other tags are read past: the value is taken as written (a `!!binary`
    // text is not decoded), so the questionnaire means what it shows.
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
    // An alias inside its own anchor.
    let source = format!("{HEAD}sections: &s\n  - id: main\n    items: *s\n");
    refused(&check(&source, "recursive"), Code::YamlSyntax, "recursive");
    let source = format!("{HEAD}{SECTION}        help: &h {{ sv: *h, en: b }}\n");
    refused_with(
        &check(&source, "recursive text"),
        &[Code::YamlSyntax, Code::WrongType],
        "recursive text",
    );
    // A second document in the stream.
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

// ------------------------------------------------------------------ limits

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

// ----------------------------------------------------------------- answers

#[test]
fn hostile_answers_are_errors_that_change_nothing() {
    let q = shipped("boston-life-areas");
    let mut session = Session::new(&q);
    // Walk to the first free-text item, answering with the lowest values.
    let text_item = loop {
        let Step::Ask(item) = session.next() else {
            panic!("no text item reached");
        };
        let id = item.id().to_owned();
        if item.kind() == vidare::ItemKind::Text {
            break id;
        }
        let result = match item.kind() {
            vidare::ItemKind::Scale => session.answer(&id, item.range().0.unwrap_or(0.0)),
            vidare::ItemKind::SingleChoice => {
                // A choice different from the suggestion reaches `reason`.
                let last = item.options().last().expect("options").value.to_owned();
                session.answer(&id, last.as_str())
            }
            _ => session.answer(&id, true),
        };
        result.expect("a valid answer");
    };
    let before = (session.result(), session.events().to_vec());
    let huge = "å".repeat(1 << 20);
    let many: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    let start = Instant::now();
    for value in [
        Value::Text(huge.clone()),
        Value::Text(" \t\n".into()),
        Value::Number(f64::NAN),
        Value::List(many.clone()),
    ] {
        assert!(session.answer(&text_item, value).is_err());
    }
    for value in [
        Value::Number(f64::INFINITY),
        Value::Number(f64::NAN),
        Value::Number(1e308),
        Value::Text(huge.clone()),
    ] {
        assert!(
            session
                .change("living.need_for_change", Response::Answer(value))
                .is_err()
        );
    }
    assert!(session.answer(&huge, true).is_err());
    assert!(session.change(&huge, Response::Declined).is_err());
    assert!(start.elapsed() < bound(BOUND), "{:?}", start.elapsed());
    assert_eq!((session.result(), session.events().to_vec()), before);
    // The errors name the item, never the value.
    let error = session
        .answer(&text_item, Value::Text(huge))
        .expect_err("too long");
    assert!(error.to_string().len() < 500);
}

#[test]
fn a_long_log_resumes_in_bounded_time() {
    // 20,000 changes back and forth on one item.
    let q = shipped("violence-seven");
    let mut session = Session::new(&q);
    session.answer("alone", true).expect("answer");
    for i in 0..20_000 {
        session
            .change("alone", Response::Answer(Value::Bool(i % 2 == 0)))
            .expect("change");
    }
    let start = Instant::now();
    let resumed = Session::resume(&q, session.events().to_vec()).expect("resumes");
    assert!(start.elapsed() < bound(BOUND), "{:?}", start.elapsed());
    assert_eq!(resumed.result(), session.result());
    // A log whose middle event is wrong names its index.
    let mut events = session.events().to_vec();
    events.insert(
        10_000,
        vidare::Event::Respond {
            item: "no_such_item".into(),
            response: Response::Declined,
        },
    );
    match Session::resume(&q, events) {
        Err(Error::Replay { index, .. }) => assert_eq!(index, 10_000),
        other => panic!("expected a replay error, got {other:?}"),
    }
}

// ------------------------------------------------------ found by fuzzing
//
// Inputs from fuzz/artifacts, kept small under tests/hostile/.

const FOUND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile");

#[test]
fn fuzz_yaml_alias_bomb_ending_in_an_unknown_field() {
    // The V025 alias bomb, mutated so that an unknown field stopped the
    // expansion just under the node budget: 2 kB that cost two full
    // expansions (the plain read, then the read that finds the path), over
    // 10 s under AddressSanitizer. It was V002 at `sections[28].value`,
    // line 105; now the alias expansion limit stops it earlier, at line 86.
    let source =
        std::fs::read_to_string(Path::new(FOUND).join("fuzz-yaml-timeout-alias-bomb.yaml"))
            .expect("the fixture");
    let d = refused(
        &check(&source, "fuzzed bomb"),
        Code::LimitExceeded,
        "fuzzed bomb",
    );
    assert_eq!(d.location.line, 86);
    assert!(d.message.contains("aliases"), "{}", d.message);
}

// ------------------------------------------------- templates and includes
//
// Found while writing these tests and fixed in compile/expand.rs: expansion
// counts items against `max_items` before building them, an included
// version is read once, and an include's id cannot be a path
// (docs/robustness.md, "Problems found").

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
    let mut source = format!("{HEAD}sections:\n");
    for j in 0..5_000 {
        let _ = writeln!(source, "  - {{ include: violence-seven@1.0.0, as: v{j} }}");
    }
    refused(
        &check(&source, "5,000 includes"),
        Code::LimitExceeded,
        "includes",
    );
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

/// The line of `source` that contains `needle`, 1-based.
fn line_of(source: &str, needle: &str) -> u32 {
    let index = source
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"));
    u32::try_from(index + 1).expect("a line number")
}

#[test]
fn placeholders_that_multiply_text_are_a_limit() {
    // 772 kB that filled in 1 GB of text: 3.4 s and 2.9 GB of memory in a
    // release build before the fix (docs/robustness.md, problem 9). Each
    // item's texts now come to 1,000,001 bytes, so 67 fit in the 64 MiB
    // budget and the 68th (`q67`) crosses it: nothing beyond it is built.
    let source = placeholder_bomb(1_000, 100, 10_000);
    assert!(source.len() < 800_000, "{}", source.len());
    let start = Instant::now();
    let result = check(&source, "placeholder bomb");
    let elapsed = start.elapsed();
    let d = refused(&result, Code::LimitExceeded, "placeholder bomb");
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
    assert_eq!(result.1.len(), 1, "{:?}", result.1);
    // Filling 64 MiB instead of 1 GB: about 0.1 s and 76 MB at most in a
    // release build.
    assert!(
        elapsed < bound(Duration::from_millis(200)),
        "took {elapsed:?}"
    );

    // A label of 100,000 characters would have needed 10 GB; it stops in
    // the 7th item, as quickly.
    let source = placeholder_bomb(1_000, 100, 100_000);
    let start = Instant::now();
    let d = refused(
        &check(&source, "100,000-character label"),
        Code::LimitExceeded,
        "100,000-character label",
    );
    let elapsed = start.elapsed();
    assert_eq!(d.location.line, line_of(&source, "id: q6,"));
    assert!(
        elapsed < bound(Duration::from_millis(200)),
        "took {elapsed:?}"
    );

    // One text alone over the budget (10,000 placeholders of 10,000
    // characters: 100 MB) stops while it is being filled.
    let source = placeholder_bomb(1, 10_000, 10_000);
    let start = Instant::now();
    let d = refused(&check(&source, "one text"), Code::LimitExceeded, "one text");
    let elapsed = start.elapsed();
    assert_eq!(d.location.line, line_of(&source, "id: q0,"));
    assert!(
        elapsed < bound(Duration::from_millis(200)),
        "took {elapsed:?}"
    );
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
    // A template of 1,000 items used by five keys: 5,000 items whose
    // filled texts come to 1.7 MB, far below the budget.
    let source = area_template(1_000, 5);
    let start = Instant::now();
    let (q, diagnostics) = Compiler::new().check(&source, "areas.yaml");
    let elapsed = start.elapsed();
    let q = q.unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert_eq!(q.items().len(), 5_000);
    assert_eq!(
        q.item("k4.q999").expect("the last item").text("en"),
        "Question 999: how often have you had difficulties with your housing and your daily life in the past month?"
    );
    assert!(elapsed < bound(BOUND), "took {elapsed:?}");

    // With a budget of 1 MiB the same file stops at the key whose texts
    // cross it, at a text of the template.
    let limits = Limits {
        max_expanded_bytes: 1 << 20,
        ..Limits::default()
    };
    let result = timed_check(&Compiler::with_limits(limits), &source, "1 MiB");
    let d = refused(&result, Code::LimitExceeded, "1 MiB");
    assert!(d.message.contains("1048576 bytes"), "{}", d.message);
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

// ------------------------------------------------------- large genuine files
//
// The YAML reader's node budget (serde-saphyr's default, 250,000 nodes)
// refused genuine files of some 6,000 items, far below `max_items`. Now
// nodes are bounded by `max_yaml_events` and what aliases repeat by
// `max_alias_expansion`, so the alias bombs above stay cheap.

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

// ------------------------------------------------------ not regular files

/// A temporary folder, removed with its contents when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir()
            .join(format!("vidare-hostile-{}", std::process::id()))
            .join(name);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `read` in a thread and returns its result, failing the test when it
/// has not returned within five seconds. A reader blocked in opening the
/// named pipe `pipe` is released by opening its write end, so a broken fix
/// fails the test rather than hanging it.
#[cfg(unix)]
fn returns_promptly<T: Send + 'static>(
    what: &str,
    pipe: &Path,
    read: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let _ = sender.send(read());
    });
    let Ok(result) = receiver.recv_timeout(Duration::from_secs(5)) else {
        // Opening the write end lets the blocked open return; dropping
        // it gives the reader an end of file.
        drop(std::fs::OpenOptions::new().write(true).open(pipe));
        let _ = reader.join();
        panic!("{what}: blocked on the named pipe {}", pipe.display());
    };
    reader.join().expect("the reader thread");
    result
}

#[cfg(unix)]
fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// An [`Error::Io`] naming `path`, whose reason contains `reason`.
fn io_error_naming(error: &Error, path: &Path, reason: &str) {
    let Error::Io {
        path: named,
        source,
    } = error
    else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(named, &path.display().to_string());
    assert_eq!(source.kind(), std::io::ErrorKind::InvalidInput, "{source}");
    assert!(error.to_string().contains(reason), "{error}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_blocking() {
    // Opening a named pipe for reading waits for a writer, for ever: the
    // loader checks the type of the file first.
    let dir = TempDir::new("fifo");
    let pipe = dir.0.join("pipe.yaml");
    make_fifo(&pipe);
    let path = pipe.clone();
    let started = Instant::now();
    let error = returns_promptly("vidare::load", &pipe, move || {
        vidare::load(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a questionnaire");
    io_error_naming(&error, &pipe, "it is a named pipe, not a regular file");
    assert!(started.elapsed() < bound(BOUND));
    // Recordings and test files are read the same way.
    let path = pipe.clone();
    let error = returns_promptly("Recording::load", &pipe, move || {
        vidare::Recording::load(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a recording");
    io_error_naming(&error, &pipe, "named pipe");
    let path = pipe.clone();
    let error = returns_promptly("load_test_file", &pipe, move || {
        vidare::testing::load_test_file(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a test file");
    io_error_naming(&error, &pipe, "named pipe");
    let path = pipe.clone();
    let error = returns_promptly("read_text_file", &pipe, move || {
        vidare::read_text_file(&path, usize::MAX).map(|_| ())
    })
    .expect_err("a named pipe is not read");
    io_error_naming(&error, &pipe, "named pipe");
}

#[cfg(unix)]
#[test]
fn an_included_named_pipe_is_refused_without_blocking() {
    // `include: piped@1.0.0` where `piped/1.0.0.yaml` is a named pipe.
    let root = TempDir::new("fifo-include");
    std::fs::create_dir_all(root.0.join("piped")).expect("a folder");
    let pipe = root.0.join("piped").join("1.0.0.yaml");
    make_fifo(&pipe);
    let source = format!("{HEAD}sections:\n  - {{ include: piped@1.0.0, as: p }}\n");
    let compiler = Compiler::new().with_include_root(&root.0);
    let result = returns_promptly("include", &pipe, move || {
        let (q, diagnostics) = compiler.check(&source, "hostile.yaml");
        (q.is_some(), diagnostics)
    });
    let d = refused(
        &(None, result.1),
        Code::UnknownReference,
        "included named pipe",
    );
    assert!(!result.0);
    assert_eq!(
        (d.location.line, d.location.path.as_str()),
        (8, "sections[0].include")
    );
    assert!(d.message.contains("named pipe"), "{}", d.message);
    assert!(d.message.contains("1.0.0.yaml"), "{}", d.message);
}

#[test]
fn folders_and_devices_are_refused_without_reading() {
    let dir = TempDir::new("folder.yaml");
    let error = vidare::load(&dir.0).expect_err("a folder is not a questionnaire");
    io_error_naming(&error, &dir.0, "it is a folder, not a regular file");
    // `/dev/zero` never ends; it is refused before a byte is read.
    #[cfg(unix)]
    {
        let started = Instant::now();
        let zero = Path::new("/dev/zero");
        let error = vidare::load(zero).expect_err("a device is not a questionnaire");
        io_error_naming(&error, zero, "it is a device, not a regular file");
        assert!(started.elapsed() < bound(BOUND));
    }
}

#[test]
fn a_huge_file_is_refused_after_the_size_limit() {
    // A 10 GB sparse file: only `max_file_bytes` + 1 bytes are read.
    let dir = TempDir::new("huge");
    let path = dir.0.join("huge.yaml");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(10 << 30))
        .expect("a sparse file");
    let started = Instant::now();
    let error = vidare::load(&path).expect_err("too large");
    let d = &error.diagnostics()[0];
    assert_eq!(d.code, Code::LimitExceeded, "{}", error.render());
    assert_eq!((d.location.line, d.location.column), (1, 1));
    assert!(started.elapsed() < bound(BOUND));
}

/// The disclosure analysis stays within the time bound: a chain of derived values over
/// thousands of conversation-only answers, each read by a kept trigger,
/// gives one located V029 per trigger, naming at most sixteen answers.
#[test]
fn disclosure_over_a_long_chain_is_linear_and_located() {
    use std::fmt::Write as _;
    const N: usize = 1500;
    let mut y = String::from(
        "format: 2\nid: chain\nversion: 1.0.0\ntitle: { sv: K, en: C }\nlanguages: [sv, en]\ndefault_language: sv\nsections:\n  - id: s\n    items:\n",
    );
    for i in 0..N {
        writeln!(
            y,
            "      - {{ id: q{i}, kind: yes_no, retention: conversation, text: {{ sv: F, en: Q }} }}"
        )
        .unwrap();
    }
    y.push_str("derived:\n  - { id: d0, value: q0 == true }\n");
    for i in 1..N {
        writeln!(
            y,
            "  - {{ id: d{i}, retention: conversation, value: d{} || q{i} == true }}",
            i - 1
        )
        .unwrap();
    }
    y.push_str("triggers:\n");
    for i in 0..N {
        writeln!(
            y,
            "  - {{ id: t{i}, when: d{i}, urgency: routine, refer_to: x, text: {{ sv: T, en: T }} }}"
        )
        .unwrap();
    }
    let result = check(&y, "a long disclosure chain");
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
