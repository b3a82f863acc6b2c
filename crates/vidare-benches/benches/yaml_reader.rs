//! Where compiling 1,000 items goes: serde-saphyr reading the document
//! types (as `yaml::parse_document` does) against the rest of the compile,
//! and what reading from the parser's event stream could save: the bare
//! granit-parser event stream with spans (the parser under serde-saphyr),
//! the same events built into a span-keeping tree that rejects duplicate
//! keys, and the document types filled from that tree (a reader without
//! the serde layer, `yaml_tree`).
//!
//! `cargo bench -p vidare-benches --bench yaml_reader`; `-- --test` also
//! checks that the tree reader fills the same documents as serde-saphyr;
//! for callgrind, `--profile <row> <n>` runs one row `n` times.

// A bench prints its table.
#![allow(missing_docs, clippy::print_stdout)]

mod common;
mod yaml_tree;

use std::hint::black_box;
use std::time::Instant;

use granit_parser::Parser;
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
    yaml_tree::weight(&yaml_tree::read(source).expect("a tree"))
}

#[inline(never)]
fn row_tree_document(source: &str) -> usize {
    let tree = yaml_tree::read(source).expect("a tree");
    let document: vidare::format::Document = yaml_tree::from_tree(&tree).expect("the document");
    document.sections.len()
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

/// The tree reader fills the document types exactly as serde-saphyr does,
/// lines and columns included (`Sp`'s `Debug` shows them), on the
/// generated file and every shipped questionnaire file, so the
/// "tree-document" row does the reader's whole job.
fn same_documents(generated: &str) {
    same_document(generated);
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires");
    let mut files = 0;
    for dir in std::fs::read_dir(shipped).expect("the questionnaires") {
        for file in std::fs::read_dir(dir.expect("an entry").path()).expect("a directory") {
            let path = file.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                same_document(&std::fs::read_to_string(&path).expect("a file"));
                files += 1;
            }
        }
    }
    assert!(files >= 7, "only {files} questionnaire files found");
}

fn same_document(source: &str) {
    let tree = yaml_tree::read(source).expect("a tree");
    let ours: vidare::format::Document = yaml_tree::from_tree(&tree).expect("the document");
    let theirs: vidare::format::Document =
        serde_saphyr::from_str_with_options(source, options()).expect("reads");
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let source = common::generated(1000);
    let rows: [Row; 6] = [
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
        (
            "tree-document",
            "the tree, then the document types filled from it (spans included)",
            row_tree_document,
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
        same_documents(&source);
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
