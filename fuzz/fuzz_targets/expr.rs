//! The expression parser on arbitrary UTF-8, with the default limits and
//! with small ones: no panic, spans inside the text, limits respected.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vidare::expr::ast::{Ast, AstKind, ExprLimits};

fn height(ast: &Ast) -> usize {
    1 + match &ast.kind {
        AstKind::List(xs) | AstKind::Call { args: xs, .. } => {
            xs.iter().map(height).max().unwrap_or(0)
        }
        AstKind::Unary(_, a) => height(a),
        AstKind::Binary(_, a, b) => height(a).max(height(b)),
        _ => 0,
    }
}

fn spans_inside(ast: &Ast, len: usize) -> bool {
    let ok = ast.span.start <= ast.span.end && ast.span.end as usize <= len;
    ok && match &ast.kind {
        AstKind::List(xs) | AstKind::Call { args: xs, .. } => {
            xs.iter().all(|x| spans_inside(x, len))
        }
        AstKind::Unary(_, a) => spans_inside(a, len),
        AstKind::Binary(_, a, b) => spans_inside(a, len) && spans_inside(b, len),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for limits in [
        ExprLimits::default(),
        ExprLimits {
            max_len: 64,
            max_depth: 4,
        },
        ExprLimits {
            max_len: 1 << 20,
            max_depth: 1,
        },
    ] {
        match vidare::expr::parse(text, limits) {
            Ok(ast) => {
                assert!(
                    text.len() <= limits.max_len,
                    "accepted a text over the limit"
                );
                assert!(
                    height(&ast) <= limits.max_depth,
                    "accepted a tree deeper than the limit"
                );
                assert!(spans_inside(&ast, text.len()), "a span outside the text");
            }
            Err(e) => {
                assert!(
                    e.span.start <= e.span.end && e.span.end as usize <= text.len(),
                    "error span {:?} outside a text of {} bytes",
                    e.span,
                    text.len()
                );
                assert!(!e.message.is_empty());
            }
        }
    }
});
