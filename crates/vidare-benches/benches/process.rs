//! Whole-process figures: for each questionnaire, a fresh process reads it,
//! compiles it, runs one whole interview, computes and serialises the
//! result, and reports the time of each phase and its peak memory.
//!
//! Criterion (`benches/engine.rs`) measures warm loops; this measures what
//! a command-line run or a freshly started service pays once, including
//! page faults and allocator growth, and how much memory it needs at the
//! peak.
//!
//! ```sh
//! cargo bench -p vidare-benches --bench process              # 5 runs each, medians
//! cargo bench -p vidare-benches --bench process -- --runs 9
//! ```
//!
//! Linux only: the peak resident set is read from `/proc/self/status`.

// The figures are this program's output.
#![allow(clippy::print_stdout)]

mod common;

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use vidare::testing::sample_answer;
use vidare::{Compiler, Session, Step, questionnaire::ItemRef};

/// Generated sizes, in items.
const SIZES: [usize; 4] = [10, 100, 1000, 10_000];

/// The shipped questionnaires, relative to this crate.
const SHIPPED: [&str; 3] = [
    "violence-seven",
    "boston-life-areas",
    "gender-equality-compass",
];

/// What one child process measured.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    bytes: usize,
    items: usize,
    answers: usize,
    read_us: f64,
    compile_us: f64,
    interview_us: f64,
    result_us: f64,
    rss_start_kib: u64,
    peak_kib: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1]);
        return;
    }
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(5usize);
    let mut cases: Vec<String> = SHIPPED.iter().map(|s| (*s).to_owned()).collect();
    cases.extend(SIZES.iter().map(|n| format!("generated-{n}")));

    let mut table = String::new();
    let _ = writeln!(
        table,
        "| questionnaire | items | YAML | read | compile | interview (answers) | result + JSON | peak RSS | RSS at start |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for case in &cases {
        let all: Vec<Figures> = (0..runs).map(|_| spawn(case)).collect();
        let m = |f: fn(&Figures) -> f64| median(all.iter().map(f).collect());
        let first = all[0];
        let _ = writeln!(
            table,
            "| {case} | {} | {} | {} | {} | {} ({}) | {} | {:.1} MiB | {:.1} MiB |",
            first.items,
            kib(first.bytes),
            us(m(|f| f.read_us)),
            us(m(|f| f.compile_us)),
            us(m(|f| f.interview_us)),
            first.answers,
            us(m(|f| f.result_us)),
            m(|f| f.peak_kib as f64) / 1024.0,
            m(|f| f.rss_start_kib as f64) / 1024.0,
        );
    }
    println!("Medians of {runs} fresh processes per row.\n\n{table}");
}

/// Runs one measurement in a new process and reads back its figures.
fn spawn(case: &str) -> Figures {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe)
        .args(["--child", case])
        .output()
        .expect("runs the child");
    assert!(
        out.status.success(),
        "{case}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let words: Vec<&str> = text.split_whitespace().collect();
    let count = |i: usize| -> usize { words[i].parse().expect("a count") };
    let time = |i: usize| -> f64 { words[i].parse().expect("a time") };
    let size = |i: usize| -> u64 { words[i].parse().expect("a size") };
    Figures {
        bytes: count(0),
        items: count(1),
        answers: count(2),
        read_us: time(3),
        compile_us: time(4),
        interview_us: time(5),
        result_us: time(6),
        rss_start_kib: size(7),
        peak_kib: size(8),
    }
}

/// The measurement itself; prints the figures as one line of numbers.
fn child(case: &str) {
    let rss_start_kib = status_kib("VmRSS:");
    let t = Instant::now();
    let (source, root) = if let Some(n) = case.strip_prefix("generated-") {
        (common::generated(n.parse().expect("a size")), None)
    } else {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../questionnaires");
        let path = root.join(case).join("1.0.0.yaml");
        (
            std::fs::read_to_string(&path).expect("the shipped questionnaire"),
            Some(root),
        )
    };
    let read_us = micros(t);

    let t = Instant::now();
    let compiler = match root {
        Some(root) => Compiler::new().with_include_root(root),
        None => Compiler::new(),
    };
    let q = compiler.compile(&source, case).expect("compiles");
    let compile_us = micros(t);

    let t = Instant::now();
    let items: Vec<ItemRef<'_>> = q.items().collect();
    let mut session = Session::new(&q);
    while let Step::Ask(item) = session.next() {
        let item = items[item.index()];
        let value = sample_answer(&item).expect("a question");
        session.answer(item.id(), value).expect("the answer fits");
    }
    let interview_us = micros(t);

    let t = Instant::now();
    let json = serde_json::to_string(&session.result()).expect("serialises");
    let result_us = micros(t);
    std::hint::black_box(json);

    let peak_kib = status_kib("VmHWM:");
    println!(
        "{} {} {} {read_us} {compile_us} {interview_us} {result_us} {rss_start_kib} {peak_kib}",
        source.len(),
        items.len(),
        session.events().len(),
    );
}

fn micros(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e6
}

/// A `kB` line of `/proc/self/status`.
fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("the status line")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn us(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} ms", v / 1000.0)
    } else {
        format!("{v:.0} µs")
    }
}

fn kib(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}
