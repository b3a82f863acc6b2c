//! Reading names out of the expanded document for `graph` and `doc`:
//! which ids an expression reads, what a local name inside a template
//! instance or an included questionnaire stands for, and which items the
//! compiler found can never be shown.

use std::collections::BTreeSet;

use vidare::expr::ast::{Ast, AstKind, ExprLimits};
use vidare::format::LocalScope;
use vidare::{Code, Questionnaire};

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

/// An expression's source on one line, as the author wrote it.
pub(crate) fn one_line(src: &str) -> String {
    src.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Ids of the items that can never be shown: the compiler's V023
/// warnings point at `sections[s].when` (every item of the section) or
/// `sections[s].items[i].when` of the expanded document.
pub(crate) fn unreachable(q: &Questionnaire) -> BTreeSet<String> {
    let sections = &q.document().sections;
    let mut out = BTreeSet::new();
    for warning in q.warnings().iter().filter(|w| w.code == Code::Unreachable) {
        let path = &warning.location.path;
        let Some(s) = index_after(path, "sections[") else {
            continue;
        };
        let Some(section) = sections.get(s) else {
            continue;
        };
        match index_after(path, ".items[") {
            Some(i) => out.extend(section.items.get(i).map(|item| item.id.value.clone())),
            None => out.extend(section.items.iter().map(|item| item.id.value.clone())),
        }
    }
    out
}

/// The number in `...<prefix>N]...`.
fn index_after(path: &str, prefix: &str) -> Option<usize> {
    let rest = &path[path.find(prefix)? + prefix.len()..];
    rest[..rest.find(']')?].parse().ok()
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

    #[test]
    fn paths_give_indices() {
        assert_eq!(
            index_after("sections[3].items[12].when", "sections["),
            Some(3)
        );
        assert_eq!(
            index_after("sections[3].items[12].when", ".items["),
            Some(12)
        );
        assert_eq!(index_after("sections[3].when", ".items["), None);
    }
}
