//! The untyped syntax tree the parser produces.
//!
//! Spans are byte offsets into the expression's own source text, so the
//! compiler can translate them into file positions.

use std::ops::Range;

/// A byte range inside one expression's source text.
pub type Span = Range<u32>;

/// One node of the syntax tree with the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    /// What the node is.
    pub kind: AstKind,
    /// Where it is in the expression text.
    pub span: Span,
}

/// Node kinds of the expression language (a subset of CEL).
#[derive(Debug, Clone, PartialEq)]
pub enum AstKind {
    /// `true` or `false`.
    Bool(bool),
    /// A number literal such as `3` or `2.5`.
    Number(f64),
    /// A string literal in single or double quotes, unescaped.
    Str(String),
    /// A name, possibly dotted (`working.need_for_change`): the whole
    /// dotted path is one name, as ids in a questionnaire may contain dots.
    Ident(String),
    /// `[a, b, c]`: only valid on the right of `in`.
    List(Vec<Ast>),
    /// A prefix operator.
    Unary(UnaryOp, Box<Ast>),
    /// An infix operator.
    Binary(BinaryOp, Box<Ast>, Box<Ast>),
    /// `name(args...)`; the span of the name is kept for "unknown function".
    Call {
        /// The function name.
        name: String,
        /// Where the name is.
        name_span: Span,
        /// The arguments in order.
        args: Vec<Ast>,
    },
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!x`
    Not,
    /// `-x`
    Neg,
}

/// Infix operators, listed from loosest to tightest binding group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written in source.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

pub use crate::limits::ExprLimits;

/// Why an expression could not be parsed, written for methodologists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What went wrong, one sentence.
    pub message: String,
    /// What to write instead, when we can tell.
    pub help: Option<String>,
    /// Where in the expression text.
    pub span: Span,
    /// True when a length or nesting limit was hit rather than a syntax rule.
    pub limit: bool,
}
