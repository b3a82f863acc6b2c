//! Where compiling 1,000 items goes: serde-saphyr reading the document
//! types (as `yaml::parse_document` does) against the rest of the compile,
//! and what reading from the parser's event stream could save: the bare
//! granit-parser event stream with spans (the parser under serde-saphyr),
//! and the same events built into a span-keeping tree that rejects
//! duplicate keys (a stand-in for a reader without the serde layer).
//!
//! `cargo bench -p vidare-benches --bench yaml_reader`; for callgrind,
//! `--profile <row> <n>` runs one row `n` times.

// A bench prints its table.
#![allow(missing_docs, clippy::print_stdout)]

mod common;

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Instant;

use granit_parser::{Event, Parser, Span};
use vidare::{Compiler, Limits};

/// The options `yaml::parse_document` reads with: its budget, duplicate
/// keys refused, no snippets.
fn options() -> serde_saphyr::Options {
    let limits = Limits::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_yaml_depth;
    budget.flow_nesting_limit = limits.max_yaml_depth;
    budget.max_events = limits.max_yaml_events;
    budget.max_nodes = limits.max_yaml_events;
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = limits.max_alias_expansion;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// A YAML node with the line and column where it starts.
enum Node<'a> {
    Scalar(Cow<'a, str>, usize, usize),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Cow<'a, str>, usize, usize, Node<'a>)>),
}

type Events<'a> = Parser<'a, granit_parser::StrInput<'a>>;

fn next<'a>(events: &mut Events<'a>) -> Result<(Event<'a>, Span), String> {
    match events.next() {
        Some(Ok(pair)) => Ok(pair),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("the document ends early".into()),
    }
}

/// Builds the node that starts with `event`, refusing duplicate keys.
fn node<'a>(
    events: &mut Events<'a>,
    event: Event<'a>,
    span: Span,
    depth: usize,
) -> Result<Node<'a>, String> {
    if depth > 64 {
        return Err("too deep".into());
    }
    match event {
        Event::Scalar(text, ..) => Ok(Node::Scalar(text, span.start.line(), span.start.col())),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match next(events)? {
                    (Event::SequenceEnd, _) => return Ok(Node::Seq(items)),
                    (e, s) => items.push(node(events, e, s, depth + 1)?),
                }
            }
        }
        Event::MappingStart(..) => {
            let mut entries: Vec<(Cow<'a, str>, usize, usize, Node<'a>)> = Vec::new();
            loop {
                let (key, at) = match next(events)? {
                    (Event::MappingEnd, _) => return Ok(Node::Map(entries)),
                    (Event::Scalar(key, ..), at) => (key, at),
                    _ => return Err("a key that is not a scalar".into()),
                };
                if entries.iter().any(|(k, ..)| *k == key) {
                    return Err(format!("duplicate key at line {}", at.start.line()));
                }
                let (e, s) = next(events)?;
                let value = node(events, e, s, depth + 1)?;
                entries.push((key, at.start.line(), at.start.col(), value));
            }
        }
        _ => Err("an event this reader does not take".into()),
    }
}

/// Reads every part of the tree, so that none of it is optimised away.
fn weight(node: &Node<'_>) -> usize {
    match node {
        Node::Scalar(text, line, column) => text.len() + line + column,
        Node::Seq(items) => items.iter().map(weight).sum(),
        Node::Map(entries) => entries
            .iter()
            .map(|(key, line, column, value)| key.len() + line + column + weight(value))
            .sum(),
    }
}

#[inline(never)]
fn row_events(source: &str) -> usize {
    let mut lines = 0;
    for pair in Parser::new_from_str(source) {
        let (_, span) = pair.expect("reads");
        lines += span.start.line();
    }
    lines
}

#[inline(never)]
fn row_tree(source: &str) -> usize {
    let mut events = Parser::new_from_str(source);
    loop {
        match next(&mut events).expect("reads") {
            (Event::StreamStart | Event::DocumentStart(..), _) => {}
            (e, s) => {
                return weight(&node(&mut events, e, s, 0).expect("a tree"));
            }
        }
    }
}

#[inline(never)]
fn row_ignored(source: &str) -> usize {
    serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(source, options()).expect("reads");
    1
}

#[inline(never)]
fn row_document(source: &str) -> usize {
    let document =
        serde_saphyr::from_str_with_options::<vidare::format::Document>(source, options())
            .expect("reads");
    document.sections.len()
}

#[inline(never)]
fn row_compile(source: &str) -> usize {
    Compiler::new()
        .compile(source, "generated.yaml")
        .expect("compiles")
        .items()
        .len()
}

/// A row of the table: its name for `--profile`, what it measures, the work.
type Row = (&'static str, &'static str, fn(&str) -> usize);

/// Median and lowest time of 31 runs, in milliseconds.
fn measure(f: impl Fn() -> usize) -> (f64, f64) {
    let mut times: Vec<f64> = (0..31)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[15], times[0])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let source = common::generated(1000);
    let rows: [Row; 5] = [
        (
            "events",
            "granit-parser events with spans, nothing kept",
            row_events,
        ),
        (
            "tree",
            "the same events into a span-keeping tree, duplicate keys refused",
            row_tree,
        ),
        ("ignored", "serde-saphyr into `IgnoredAny`", row_ignored),
        (
            "document",
            "serde-saphyr into the document types (the reader's share of compile)",
            row_document,
        ),
        ("compile", "`Compiler::compile` (everything)", row_compile),
    ];
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let n: u32 = args[at + 2].parse().expect("a count");
        let (_, _, f) = rows
            .iter()
            .find(|(name, ..)| *name == args[at + 1])
            .expect("a row");
        for _ in 0..n {
            black_box(f(&source));
        }
        return;
    }
    if args.iter().any(|a| a == "--test") {
        for (_, _, f) in rows {
            black_box(f(&source));
        }
        return;
    }
    println!("generated-1000: {} bytes", source.len());
    println!("| what | median | lowest |");
    println!("|---|---:|---:|");
    for (_, what, f) in rows {
        let (median, lowest) = measure(|| f(&source));
        println!("| {what} | {median:.2} ms | {lowest:.2} ms |");
    }
}
