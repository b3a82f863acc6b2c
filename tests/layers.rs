//! The core's layers (docs/architecture.md): every module uses only
//! modules of its own layer or below, read from the `crate::` paths of its
//! source (tests and comments left out). A new upward edge fails here. The
//! bottom layer is a crate of its own, `vidare-format`, whose modules the
//! core re-exports under their old names; its modules are checked the same
//! way against its own table.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom to top: each module of the core and its layer.
const LAYERS: &[(&str, u32)] = &[
    // From `vidare-format`, re-exported (`crate::format` and so on).
    ("diagnostic", 0),
    ("suggest", 0),
    ("limits", 0),
    ("format", 0),
    ("yaml", 0),
    // The core's own.
    ("value", 0),
    ("shared", 0),
    ("version", 0),
    ("error", 0),
    ("files", 0),
    ("wording", 0),
    ("digest", 1),
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
    ("view", 6),
    ("stored", 6),
    ("registry", 7),
    ("recording", 8),
    ("analysis", 9),
    ("testing", 10),
    ("lib", 11),
];

/// Bottom to top: each module of `vidare-format` and its layer. The
/// document types and their reader use each other (`Sp` and `Document`).
const FORMAT_LAYERS: &[(&str, u32)] = &[
    ("diagnostic", 0),
    ("suggest", 0),
    ("limits", 0),
    ("language", 0),
    ("format", 1),
    ("yaml", 1),
    ("lib", 2),
];

/// Upward edges that are known and wait for their fix, with the reason.
const KNOWN: &[(&str, &str, &str)] = &[];

fn layer(layers: &[(&str, u32)], module: &str) -> Option<u32> {
    layers.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
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

/// The upward edges of one crate: (from, to, file).
fn upward_edges(crate_dir: &str, layers: &[(&str, u32)]) -> BTreeSet<(String, String, String)> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate_dir);
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
        let own = layer(layers, &module)
            .unwrap_or_else(|| panic!("{crate_dir}: {module} has no layer in its table"));
        for used in uses(&std::fs::read_to_string(file).unwrap()) {
            if layer(layers, &used).is_some_and(|l| l > own) {
                upward.insert((module.clone(), used, relative.display().to_string()));
            }
        }
    }
    upward
}

#[test]
fn no_module_uses_a_module_of_a_higher_layer() {
    let upward = upward_edges("crates/vidare/src", LAYERS);
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
fn no_module_of_the_format_uses_a_higher_layer() {
    let upward = upward_edges("crates/vidare-format/src", FORMAT_LAYERS);
    assert!(
        upward.is_empty(),
        "modules of vidare-format that use a higher layer: {upward:?}"
    );
}

#[test]
fn the_core_re_exports_the_format_crate_rather_than_copying_it() {
    let core = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/vidare/src");
    for (module, _) in FORMAT_LAYERS {
        if *module == "lib" || *module == "language" {
            // The core's `language` holds the language codes and re-exports
            // the format's `Status` and `Audience`.
            continue;
        }
        assert!(
            !core.join(format!("{module}.rs")).exists() && !core.join(module).exists(),
            "{module} is in vidare-format; the core re-exports it"
        );
        assert!(
            layer(LAYERS, module) == Some(0),
            "{module} is the bottom layer of the core"
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
