//! The questionnaire format of Vidare: the YAML document types as written
//! ([`format`](mod@format)), reading them with the line and column of every value
//! ([`format::Sp`]), the diagnostics that loading reports ([`diagnostic`])
//! and the limits that keep loading bounded ([`limits`]).
//!
//! This crate is the bottom layer of the engine, apart so that the YAML
//! reader's code for the document types is generated once, here, and not
//! again in every crate and test build that compiles a questionnaire. Use
//! it through the `vidare` crate, which re-exports every public name under
//! the same paths (`vidare::format`, `vidare::diagnostic`,
//! `vidare::Limits`, `vidare::language::Status`); what is hidden from these
//! docs is for the engine only and may change in any release.
//!
//! # Features
//! - `schema` (default): JSON Schema derives for the document types.

#![deny(missing_docs)]

pub mod diagnostic;
pub mod format;
pub mod language;
pub mod limits;
#[doc(hidden)]
pub mod suggest;
#[doc(hidden)]
pub mod yaml;
