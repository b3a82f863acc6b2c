//! Hostile input: found by fuzzing.
//!
//! Inputs from fuzz/artifacts, kept small under tests/hostile/.

use std::path::Path;

use vidare::diagnostic::Code;

use super::{check, refused};

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
