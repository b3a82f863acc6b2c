//! The server's integration tests that can share one process, one module
//! per area, in one binary: a binary per file linked the whole server
//! thirteen times. Tests that stop PostgreSQL, kill processes or measure
//! time under load (`availability`, `durability`, `nodes`, `postgres_restart`) and
//! the browser test keep binaries of their own, so that nothing else runs
//! beside them.

mod common;

mod admin;
mod api;
mod attack;
mod disk;
mod docs_agree;
mod live_cache;
mod logins;
mod openapi;
mod pages;
mod postgres;
mod security;
mod state_view;
mod statistics;
