//! The expression language of conditions, derived values and scores: a small
//! subset of CEL, parsed and type-checked at load time.
//!
//! Text goes through `parse` (syntax tree with spans), then `check`
//! (names resolved, types agreed, option strings turned into indices), and
//! the result is evaluated by `eval` under three-valued logic.
//!
//! **Unstable:** the expression internals follow the evaluator and may
//! change in any release; embedders use questionnaires, not these types.

pub mod ast;
pub(crate) mod check;
pub(crate) mod eval;
mod lexer;
mod parser;
pub(crate) mod program;
pub(crate) mod typed;

pub use parser::parse;
pub(crate) use typed::Expr;
