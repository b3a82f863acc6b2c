//! The server's integration tests that can share one process, one module
//! per area, in one binary: a binary per file linked the whole server
//! thirteen times. Tests that kill or signal only server processes they
//! started (`durability`, `nodes`) and the browser test (ignored unless
//! built for it) are here too. Two keep binaries of their own, so that
//! nothing else runs beside them: `postgres_restart` stops the PostgreSQL
//! server that the `postgres` and `nodes` tests use, and `availability`
//! bounds response times while 300 slow clients and a file limit load the
//! machine.

mod common;

mod admin;
mod api;
mod attack;
mod browser;
mod disk;
mod docs_agree;
mod durability;
mod live_cache;
mod logins;
mod nodes;
mod openapi;
mod pages;
mod postgres;
mod security;
mod state_view;
mod statistics;
