//! Names in the expanded document, for wording conditions in `doc` and
//! `graph`: the syntax tree of an expression, and what a local name inside
//! a template instance or an included questionnaire stands for. Which ids
//! an expression reads and which items can never be shown are the core's
//! (`Questionnaire::reads`, `Questionnaire::unreachable_items`).

use vidare::expr::ast::{Ast, ExprLimits};
/// What a local name stands for: the core's rule, which the compiler uses.
pub(crate) use vidare::format::qualify;

/// The syntax tree of an expression the compiler already accepted.
pub(crate) fn parse(src: &str) -> Option<Ast> {
    let limits = ExprLimits {
        max_len: usize::MAX,
        max_depth: usize::MAX,
    };
    vidare::expr::parse(src, limits).ok()
}

/// An expression's source on one line, as the author wrote it.
pub(crate) fn one_line(src: &str) -> String {
    src.split_whitespace().collect::<Vec<_>>().join(" ")
}
