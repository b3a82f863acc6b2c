//! Reading names out of the expanded document: which ids an expression
//! reads, what a local name inside a template instance or an included
//! questionnaire stands for.

use vidare::expr::ast::{Ast, AstKind, ExprLimits};
use vidare::format::LocalScope;

/// The syntax tree of an expression the compiler already accepted.
pub(crate) fn parse(src: &str) -> Option<Ast> {
    let limits = ExprLimits {
        max_len: usize::MAX,
        max_depth: usize::MAX,
    };
    vidare::expr::parse(src, limits).ok()
}

/// The full id a name stands for: inside a template instance or an
/// included questionnaire, a local name `n` means `prefix.n`.
pub(crate) fn qualify(name: &str, scope: Option<&LocalScope>) -> String {
    match scope {
        Some(s) if s.locals.contains(name) => format!("{}.{name}", s.prefix),
        _ => name.to_owned(),
    }
}

/// The full ids an expression reads, in order of first appearance.
pub(crate) fn read(src: &str, scope: Option<&LocalScope>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ast) = parse(src) {
        idents(&ast, scope, &mut out);
    }
    out
}

fn idents(ast: &Ast, scope: Option<&LocalScope>, out: &mut Vec<String>) {
    match &ast.kind {
        AstKind::Ident(name) => {
            let id = qualify(name, scope);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        AstKind::List(items) => items.iter().for_each(|i| idents(i, scope, out)),
        AstKind::Unary(_, x) => idents(x, scope, out),
        AstKind::Binary(_, l, r) => {
            idents(l, scope, out);
            idents(r, scope, out);
        }
        AstKind::Call { args, .. } => args.iter().for_each(|a| idents(a, scope, out)),
        AstKind::Bool(_) | AstKind::Number(_) | AstKind::Str(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_in_order_and_qualified() {
        let scope = LocalScope {
            prefix: "living".into(),
            locals: ["wants_change".to_owned()].into_iter().collect(),
        };
        assert_eq!(
            read(
                "answered(wants_change) && wants_change == true || other > 2",
                Some(&scope)
            ),
            ["living.wants_change", "other"]
        );
        assert_eq!(read(r#""ongoing" in category"#, None), ["category"]);
    }
}
