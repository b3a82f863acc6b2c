//! Expressions compared by meaning: parsed, local names qualified, printed
//! canonically; and the conditions a section puts on its items.

use std::fmt::Write as _;

use crate::expr::ast::{Ast, AstKind, ExprLimits, UnaryOp};
use crate::format::{LocalScope, Section};

/// An expression: its canonical form for comparing, its source for showing.
#[derive(Debug, Clone)]
pub(super) struct Expr {
    pub(super) canon: String,
    pub(super) shown: String,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.canon == other.canon
    }
}

pub(super) fn expr(src: &str, scope: Option<&LocalScope>) -> Expr {
    let shown = src.split_whitespace().collect::<Vec<_>>().join(" ");
    // The compiler already accepted the text within its limits.
    let limits = ExprLimits {
        max_len: usize::MAX,
        max_depth: usize::MAX,
    };
    let canon = match crate::expr::parse(src, limits) {
        Ok(ast) => {
            let mut out = String::new();
            canonical(&ast, scope, &mut out);
            out
        }
        Err(_) => shown.clone(),
    };
    Expr { canon, shown }
}

pub(super) use crate::format::qualify;

/// Prints fully parenthesised, with local names qualified.
fn canonical(ast: &Ast, scope: Option<&LocalScope>, out: &mut String) {
    match &ast.kind {
        AstKind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        AstKind::Number(n) => {
            let _ = write!(out, "{n}");
        }
        AstKind::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        AstKind::Ident(name) => out.push_str(&qualify(name, scope)),
        AstKind::List(items) => {
            out.push('[');
            canonical_list(items, scope, out);
            out.push(']');
        }
        AstKind::Unary(op, x) => {
            out.push_str(match op {
                UnaryOp::Not => "!(",
                UnaryOp::Neg => "-(",
            });
            canonical(x, scope, out);
            out.push(')');
        }
        AstKind::Binary(op, l, r) => {
            out.push('(');
            canonical(l, scope, out);
            let _ = write!(out, " {} ", op.symbol());
            canonical(r, scope, out);
            out.push(')');
        }
        AstKind::Call { name, args, .. } => {
            out.push_str(name);
            out.push('(');
            canonical_list(args, scope, out);
            out.push(')');
        }
    }
}

/// List elements or call arguments, separated by `, `.
fn canonical_list(items: &[Ast], scope: Option<&LocalScope>, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        canonical(item, scope, out);
    }
}

/// A section's condition: its `when` and the guards expansion added.
pub(super) fn section_condition(section: &Section) -> Vec<Expr> {
    let mut conds: Vec<Expr> = section
        .when
        .iter()
        .map(|w| expr(&w.value, section.scope.as_deref()))
        .collect();
    for guard in &section.guards {
        let e = expr(&guard.condition.value, guard.scope.as_deref());
        conds.push(if guard.must_hold {
            e
        } else {
            Expr {
                canon: format!("!({})", e.canon),
                shown: format!("!({})", e.shown),
            }
        });
    }
    conds
}

pub(super) fn show_conds(conds: &[Expr]) -> String {
    if conds.is_empty() {
        "(always)".to_owned()
    } else {
        conds
            .iter()
            .map(|c| c.shown.as_str())
            .collect::<Vec<_>>()
            .join(" && ")
    }
}

/// Canonical forms, sorted: for comparing terms whose order does not matter.
pub(super) fn sorted(t: &[Expr]) -> Vec<&str> {
    let mut c: Vec<&str> = t.iter().map(|e| e.canon.as_str()).collect();
    c.sort_unstable();
    c
}

pub(super) fn same_conds(a: &[Expr], b: &[Expr]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_compare_by_meaning_of_their_text() {
        let same = |a: &str, b: &str| expr(a, None) == expr(b, None);
        assert!(same("a==1", "a == 1"));
        assert!(same("(a == 1)", "a  ==\n 1"));
        assert!(same("x == 'y'", "x == \"y\""));
        assert!(same("a || b && c", "a || (b && c)"));
        assert!(same("n >= 2.0", "n >= 2"));
        assert!(!same("a == 1", "a == 2"));
        assert!(!same("(a || b) && c", "a || b && c"));
        assert_eq!(expr("a   ==\n  1", None).shown, "a == 1");
    }

    #[test]
    fn names_inside_a_template_instance_resolve_to_full_ids() {
        let scope = LocalScope {
            prefix: "working".into(),
            locals: ["need".to_owned()].into_iter().collect(),
        };
        assert_eq!(
            expr("need > 2 && answered(need) && consent", Some(&scope)),
            expr(
                "working.need > 2 && answered(working.need) && consent",
                None
            )
        );
    }
}
