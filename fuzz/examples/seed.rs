//! Writes the seed corpora from the repository's YAML, so nothing generated
//! is committed:
//!
//! - `corpus/yaml`: the shipped questionnaires (`questionnaires/*/*.yaml`),
//!   the invalid fixtures (`tests/invalid`), the expansion and diff fixtures;
//! - `corpus/expr`: every expression in those files (`when`, `value`,
//!   `condition` and score `over` terms), one per file;
//! - `corpus/session`: byte sequences that walk each shipped questionnaire
//!   to its end, with changes and going back.
//!
//! Run from anywhere: `cargo run --manifest-path fuzz/Cargo.toml --example seed`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn main() -> std::io::Result<()> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = fuzz.join("..");
    let corpus = fuzz.join("corpus");

    let mut yaml_files = Vec::new();
    for dir in fs::read_dir(root.join("questionnaires"))? {
        yaml_files.extend(yaml_in(&dir?.path(), false));
    }
    yaml_files.extend(yaml_in(&root.join("tests/invalid"), false));
    yaml_files.extend(yaml_in(&root.join("tests/expansion"), true));
    yaml_files.extend(yaml_in(&root.join("tests/diff"), true));
    yaml_files.sort();

    let yaml_dir = corpus.join("yaml");
    fs::create_dir_all(&yaml_dir)?;
    let mut expressions = BTreeSet::new();
    for file in &yaml_files {
        let text = fs::read_to_string(file)?;
        write_seed(&yaml_dir, text.as_bytes())?;
        // Invalid fixtures that do not even read as YAML have no expressions.
        if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) {
            collect(&value, None, &mut expressions);
        }
    }

    // The shapes that took seconds inside the limits (docs/robustness.md,
    // "Inputs inside the limits that took seconds"), at sizes the fuzzer
    // runs quickly; docs/benchmarks.md measures them up to the limits.
    let hostile = hostile_seeds();
    for text in &hostile {
        write_seed(&yaml_dir, text.as_bytes())?;
    }

    let expr_dir = corpus.join("expr");
    fs::create_dir_all(&expr_dir)?;
    for e in &expressions {
        write_seed(&expr_dir, e.as_bytes())?;
    }

    // Session inputs: the first byte picks the questionnaire; then pairs of
    // (operation, value) where operation 0 answers the current item with a
    // valid value (see `vidare_fuzz::run_session`).
    let session_dir = corpus.join("session");
    fs::create_dir_all(&session_dir)?;
    let mut sessions = 0;
    for q in 0u8..3 {
        for variant in 0u8..4 {
            let mut bytes = vec![q];
            for step in 0u8..80 {
                let op = match (variant, step % 9) {
                    (1, 4) => 7, // back
                    (2, 5) => 6, // change
                    (3, 3) => 3, // decline
                    _ => 0,
                };
                bytes.extend([op, step.wrapping_mul(37).wrapping_add(variant), step]);
            }
            write_seed(&session_dir, &bytes)?;
            sessions += 1;
        }
    }
    println!(
        "seeded {} YAML files, {} expressions, {} session inputs into {}",
        yaml_files.len() + hostile.len(),
        expressions.len(),
        sessions,
        corpus.display()
    );
    Ok(())
}

const HEAD: &str = "format: 1\nid: attack\nversion: 1.0.0\ntitle: { en: T }\nlanguages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n";

/// Yes/no items `id(i)`, each shown when `when(i)`, then `tail`.
fn items(
    n: usize,
    id: impl Fn(usize) -> String,
    when: impl Fn(usize) -> Option<String>,
    tail: &str,
) -> String {
    let mut y = HEAD.to_owned();
    for i in 0..n {
        y.push_str(&format!("      - id: {}\n        kind: yes_no\n", id(i)));
        if let Some(w) = when(i) {
            y.push_str(&format!("        when: {w}\n"));
        }
        y.push_str("        text: { en: T }\n");
    }
    y + tail
}

/// Misspelt long names, unknown short names, many duplicate ids, a chain
/// of conditions, a chain of derived values, and non-finite numbers.
fn hostile_seeds() -> Vec<String> {
    let long = |i: usize, p: &str| format!("{p}_{i:04}_{}", "x".repeat(90));
    let derived: String = (0..500)
        .map(|k| {
            let reads = if k == 0 {
                "d0_in == true".to_owned()
            } else {
                format!("d{} || c{k} == true", k - 1)
            };
            format!("  - id: d{k}\n    value: {reads}\n")
        })
        .collect();
    vec![
        items(
            300,
            |i| long(i, "item"),
            |i| Some(format!("{} == true", long(i, "itme"))),
            "",
        ),
        items(
            2_000,
            |i| format!("i{i}"),
            |i| Some(format!("u{i} == true")),
            "",
        ),
        items(2_000, |_| "same".to_owned(), |_| None, ""),
        items(
            1_000,
            |i| format!("i{i}"),
            |i| (i > 0).then(|| format!("i{} == true", i - 1)),
            "",
        ),
        items(
            501,
            |i| {
                if i == 0 {
                    "d0_in".to_owned()
                } else {
                    format!("c{i}")
                }
            },
            |i| (i > 1).then(|| format!("d{}", i - 2)),
            &format!("derived:\n{derived}"),
        ),
        format!(
            "{HEAD}      - {{ id: n, kind: number, min: .nan, max: .inf, text: {{ en: N }} }}\n\
             \x20     - {{ id: y, kind: yes_no, scores: {{ yes: -.inf, no: 0 }}, text: {{ en: Y }} }}\n"
        ),
    ]
}

fn yaml_in(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if recursive {
                out.extend(yaml_in(&path, true));
            }
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out
}

/// Strings that are expressions: conditions, derived values, score terms.
fn collect(value: &serde_json::Value, key: Option<&str>, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) => {
            if matches!(key, Some("when" | "value" | "condition" | "over")) {
                out.insert(s.clone());
            }
        }
        serde_json::Value::Array(xs) => {
            for x in xs {
                collect(x, key, out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                collect(v, Some(k), out);
            }
        }
        _ => {}
    }
}

fn write_seed(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // FNV-1a: a stable name, so seeding twice writes the same files.
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    fs::write(dir.join(format!("seed-{hash:016x}")), bytes)
}
