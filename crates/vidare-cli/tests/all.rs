//! The `vidare` command's integration tests, one module per command or
//! area, in one binary: a binary per file linked the CLI's test
//! dependencies fifteen times. The pseudo-terminal test (`terminal`,
//! timing-sensitive) and the Chromium rendering test (`review_render`,
//! run by `crates/vidare-server/browser-tests/run.sh`) keep binaries of
//! their own.

mod common;

mod audit;
mod check_folder;
mod cli;
mod diff;
mod doc;
mod graph;
mod hostile_files;
mod impact;
mod interpreter;
mod plan;
mod replay;
mod scripted;
mod statistics;
mod test_command;
mod writes;
