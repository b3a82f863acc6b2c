//! The core's layers (docs/architecture.md): every module uses only
//! modules of its own layer or below, read from the `crate::` paths of its
//! source (tests and comments left out). A new upward edge fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom to top: each module and its layer.
const LAYERS: &[(&str, u32)] = &[
    ("value", 0),
    ("shared", 0),
    ("version", 0),
    ("error", 0),
    ("diagnostic", 0),
    ("suggest", 0),
    ("files", 0),
    ("limits", 0),
    ("wording", 0),
    ("format", 1),
    ("digest", 1),
    ("yaml", 1),
    ("language", 1),
    ("expr", 2),
    ("questionnaire", 3),
    ("kept", 3),
    ("referral", 3),
    ("refusal", 3),
    ("phrases", 3),
    ("compile", 4),
    ("session", 5),
    ("summary", 5),
    ("outcome", 6),
    ("evidence", 6),
    ("session_result", 6),
    ("view", 6),
    ("stored", 6),
    ("registry", 7),
    ("recording", 8),
    ("analysis", 9),
    ("testing", 10),
    ("lib", 11),
];

/// Upward edges that are known and wait for their fix, with the reason.
const KNOWN: &[(&str, &str, &str)] = &[];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a source file names through `crate::`, outside comments
/// and its test module.
fn uses(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let name: String = line[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

#[test]
fn no_module_uses_a_module_of_a_higher_layer() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/vidare/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut upward = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        let own = layer(&module).unwrap_or_else(|| panic!("{module} has no layer in LAYERS"));
        for used in uses(&std::fs::read_to_string(file).unwrap()) {
            if layer(&used).is_some_and(|l| l > own) {
                upward.insert((module.clone(), used, relative.display().to_string()));
            }
        }
    }
    let unknown: Vec<_> = upward
        .iter()
        .filter(|(from, to, _)| !KNOWN.iter().any(|(f, t, _)| f == from && t == to))
        .collect();
    assert!(
        unknown.is_empty(),
        "modules that use a higher layer: {unknown:?}"
    );
    for (from, to, why) in KNOWN {
        assert!(
            upward.iter().any(|(f, t, _)| f == from && t == to),
            "{from} -> {to} is gone ({why}): remove it from KNOWN"
        );
    }
}

#[test]
fn the_check_sees_an_upward_edge() {
    let used = uses(
        "use crate::analysis::x;\n// crate::compile in a comment\nfn f() { crate::expr::parse(); }\n#[cfg(test)]\nmod tests { use crate::testing; }",
    );
    assert_eq!(
        used,
        BTreeSet::from(["analysis".to_owned(), "expr".to_owned()])
    );
}
