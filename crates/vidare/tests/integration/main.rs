//! The core's integration tests, in one binary: one link instead of one
//! per file, and their tests share the test threads.

#![allow(missing_docs)]

mod floor;
mod languages;
mod view;

/// The hand-coded floor of `benches/result.rs`, checked against the engine
/// by [`floor`]; the tests use only part of it.
#[allow(dead_code)]
#[path = "../../../vidare-benches/benches/floor/mod.rs"]
mod bench_floor;
