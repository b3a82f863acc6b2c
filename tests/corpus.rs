//! The recorded-session corpus (tests/recordings/hand and generated), read
//! once for the modules that replay it.

use std::path::PathBuf;

use vidare::Recording;

/// Every recording with its path: the hand-written ones, then the
/// generated ones, each in file-name order.
pub fn recordings() -> Vec<(PathBuf, Recording)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings");
    let mut out = Vec::new();
    for sub in ["hand", "generated"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let recording =
                Recording::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path, recording));
        }
    }
    out
}
