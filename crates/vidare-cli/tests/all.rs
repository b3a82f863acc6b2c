//! The `vidare` command's integration tests, one module per command or
//! area, in one binary: a binary per file linked the CLI's test
//! dependencies fifteen times. The Chromium rendering test
//! (`review_render`, run by `crates/vidare-server/browser-tests/run.sh`)
//! keeps a binary of its own. The pseudo-terminal tests wait for each
//! prompt to be drawn instead of sleeping, so they run here beside the
//! others.

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
mod terminal;
mod test_command;
mod writes;
