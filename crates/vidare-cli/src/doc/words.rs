//! Conditions written out in words for people who do not read the
//! expression language: `alone == false || interpreter == "relative"`
//! becomes "`alone` is no, or `interpreter` is “relative”".
//!
//! The words of "What is kept" live here too: what happens to each part
//! of a result after the conversation, from the compiler's disclosure
//! analysis (`Questionnaire::kept_parts`).
//!
//! Names are written as code with their full id (a local name inside a
//! template instance or included questionnaire gets its prefix); `and`
//! binds tighter than `, or`, and parentheses appear where the grouping
//! differs from that.

use vidare::expr::ast::{Ast, AstKind, BinaryOp, UnaryOp};
use vidare::format::LocalScope;
use vidare::{KeptPart, PartKind};

use super::{Inline, Span};
use crate::names;

/// An expression in words; its source as code when it cannot be parsed.
pub(crate) fn words(src: &str, scope: Option<&LocalScope>) -> Inline {
    let Some(ast) = names::parse(src) else {
        return vec![Span::Code(names::one_line(src))];
    };
    let mut w = Writer {
        out: Vec::new(),
        scope,
    };
    w.cond(&ast, Ctx::Top);
    w.out
}

/// What an expression is part of, to decide on parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    And,
    Or,
}

struct Writer<'a> {
    out: Inline,
    scope: Option<&'a LocalScope>,
}

fn call(ast: &Ast) -> Option<(&str, &[Ast])> {
    match &ast.kind {
        AstKind::Call { name, args, .. } => Some((name.as_str(), args.as_slice())),
        _ => None,
    }
}

fn is_literal(ast: &Ast) -> bool {
    matches!(
        ast.kind,
        AstKind::Bool(_) | AstKind::Number(_) | AstKind::Str(_)
    )
}

fn chain<'a>(ast: &'a Ast, op: BinaryOp, out: &mut Vec<&'a Ast>) {
    match &ast.kind {
        AstKind::Binary(o, l, r) if *o == op => {
            chain(l, op, out);
            chain(r, op, out);
        }
        _ => out.push(ast),
    }
}

/// `a < b` read from the other side: `b > a`.
fn flipped(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        other => other,
    }
}

fn comparison(op: BinaryOp) -> Option<&'static str> {
    Some(match op {
        BinaryOp::Eq => " is ",
        BinaryOp::Ne => " is not ",
        BinaryOp::Lt => " is less than ",
        BinaryOp::Le => " is at most ",
        BinaryOp::Gt => " is more than ",
        BinaryOp::Ge => " is at least ",
        _ => return None,
    })
}

fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::In => 3,
        BinaryOp::Add | BinaryOp::Sub => 4,
        BinaryOp::Mul | BinaryOp::Div => 5,
    }
}

impl Writer<'_> {
    fn text(&mut self, s: &str) {
        if let Some(Span::Text(t)) = self.out.last_mut() {
            t.push_str(s);
        } else {
            self.out.push(Span::Text(s.to_owned()));
        }
    }

    fn name(&mut self, name: &str) {
        self.out.push(Span::Code(names::qualify(name, self.scope)));
    }

    /// A condition: something that holds or not.
    fn cond(&mut self, ast: &Ast, ctx: Ctx) {
        match &ast.kind {
            AstKind::Binary(BinaryOp::Or, ..) => {
                let mut parts = Vec::new();
                chain(ast, BinaryOp::Or, &mut parts);
                let paren = ctx == Ctx::And;
                if paren {
                    self.text("(");
                }
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.text(", or ");
                    }
                    self.cond(part, Ctx::Or);
                }
                if paren {
                    self.text(")");
                }
            }
            AstKind::Binary(BinaryOp::And, ..) => {
                let mut parts = Vec::new();
                chain(ast, BinaryOp::And, &mut parts);
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.text(" and ");
                    }
                    self.cond(part, Ctx::And);
                }
            }
            AstKind::Binary(BinaryOp::In, l, r) => match (&l.kind, &r.kind) {
                (_, AstKind::List(items)) => {
                    self.value(l);
                    self.text(" is one of ");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.text(if i + 1 == items.len() { " or " } else { ", " });
                        }
                        self.value(item);
                    }
                }
                (AstKind::Str(_) | AstKind::Number(_), _) => {
                    self.value(r);
                    self.text(" includes ");
                    self.value(l);
                }
                _ => {
                    self.value(l);
                    self.text(" is in ");
                    self.value(r);
                }
            },
            AstKind::Binary(op, l, r) if comparison(*op).is_some() => {
                // Read from the side with the name: `3 <= x` is "x is at least 3".
                let (op, l, r) = if is_literal(l) && !is_literal(r) {
                    (flipped(*op), r, l)
                } else {
                    (*op, l, r)
                };
                if let (Some(("count", args)), AstKind::Number(n)) = (call(l), &r.kind) {
                    self.count(op, *n, args);
                    return;
                }
                self.value(l);
                self.text(comparison(op).unwrap_or(" is "));
                self.value(r);
            }
            AstKind::Unary(UnaryOp::Not, x) => self.not(x),
            AstKind::Call { name, args, .. } if args.len() == 1 => {
                let phrase = match name.as_str() {
                    "answered" => " has been answered",
                    "declined" => " was declined (prefer not to answer)",
                    "dont_know" => " was answered “don't know”",
                    "shown" => " is shown",
                    "known" => " has a value",
                    _ => {
                        self.value(ast);
                        return;
                    }
                };
                self.value(&args[0]);
                self.text(phrase);
            }
            AstKind::Ident(_) => {
                self.value(ast);
                self.text(" is yes");
            }
            AstKind::Bool(true) => self.text("always"),
            AstKind::Bool(false) => self.text("never"),
            _ => self.value(ast),
        }
    }

    /// `!x` in words.
    fn not(&mut self, x: &Ast) {
        if let Some((name, [arg])) = call(x) {
            let phrase = match name {
                "answered" => Some(" has not been answered"),
                "declined" => Some(" was not declined"),
                "dont_know" => Some(" was not answered “don't know”"),
                "shown" => Some(" is not shown"),
                "known" => Some(" has no value"),
                _ => None,
            };
            if let Some(phrase) = phrase {
                self.value(arg);
                self.text(phrase);
                return;
            }
        }
        if let AstKind::Ident(_) = x.kind {
            self.value(x);
            self.text(" is no");
            return;
        }
        self.text("not (");
        self.cond(x, Ctx::Top);
        self.text(")");
    }

    /// `count(a, b, ...) >= n` as "at least n of these hold: (a; b)".
    fn count(&mut self, op: BinaryOp, n: f64, args: &[Ast]) {
        let quantity = match op {
            BinaryOp::Eq => "exactly",
            BinaryOp::Ne => "other than",
            BinaryOp::Lt => "fewer than",
            BinaryOp::Le => "at most",
            BinaryOp::Gt => "more than",
            _ => "at least",
        };
        self.text(&format!("{quantity} {n} of these hold: ("));
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.text("; ");
            }
            self.cond(arg, Ctx::Top);
        }
        self.text(")");
    }

    fn list(&mut self, items: &[Ast], separator: &str) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text(separator);
            }
            self.value(item);
        }
    }

    /// A value: a name, a literal, arithmetic.
    fn value(&mut self, ast: &Ast) {
        match &ast.kind {
            AstKind::Ident(name) => self.name(name),
            AstKind::Bool(true) => self.text("yes"),
            AstKind::Bool(false) => self.text("no"),
            AstKind::Number(n) => self.text(&n.to_string()),
            AstKind::Str(s) => self.text(&format!("“{s}”")),
            AstKind::List(items) => self.list(items, ", "),
            AstKind::Unary(UnaryOp::Neg, x) => {
                self.text("-");
                self.operand(x, 6, false);
            }
            AstKind::Binary(op, l, r) if precedence(*op) >= 4 => {
                let p = precedence(*op);
                self.operand(l, p, false);
                self.text(&format!(" {} ", op.symbol()));
                self.operand(r, p, matches!(op, BinaryOp::Sub | BinaryOp::Div));
            }
            AstKind::Call { name, args, .. } if name == "count" => {
                self.text("the number of these that hold: (");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.text("; ");
                    }
                    self.cond(arg, Ctx::Top);
                }
                self.text(")");
            }
            AstKind::Call { name, args, .. } if args.len() != 1 => {
                self.text(&format!("{name}("));
                self.list(args, ", ");
                self.text(")");
            }
            _ => {
                self.text("(");
                self.cond(ast, Ctx::Top);
                self.text(")");
            }
        }
    }

    /// An operand of arithmetic, in parentheses when it binds looser.
    fn operand(&mut self, ast: &Ast, outer: u8, right: bool) {
        let inner = match &ast.kind {
            AstKind::Binary(op, ..) => precedence(*op),
            _ => 9,
        };
        if inner < outer || (right && inner == outer) {
            self.text("(");
            self.value(ast);
            self.text(")");
        } else {
            self.value(ast);
        }
    }
}

/// The opening of "What is kept".
pub(crate) fn kept_intro() -> Inline {
    vec![
        Span::Text(
            "What may be kept of an interview after the conversation (the stored record: what "
                .into(),
        ),
        Span::Code("vidare run --result".into()),
        Span::Text(
            " writes and what the server keeps when it closes a session), as the compiler's \
             disclosure analysis finds it. An answer marked "
                .into(),
        ),
        Span::Code("retention: conversation".into()),
        Span::Text(
            " is used during the conversation only. A kept part that may reveal such an \
             answer (a question through whether it was asked) is stored only when its \
             definition says why, with "
                .into(),
        ),
        Span::Code("reveals: { reason: ... }".into()),
        Span::Text(".".into()),
    ]
}

/// Said under the table when a part is kept but left out.
pub(crate) const KEPT_LEFT_OUT: &str = "Parts marked “left out” may reveal answers used only \
    in the conversation and do not say why: this format 1 file still loads (warning V030), \
    but they are not stored. In format 2 they are an error (V029).";

/// The head of the table of parts.
pub(crate) const KEPT_HEAD: [&str; 5] = [
    "part",
    "kind",
    "after the conversation",
    "may reveal (used only in the conversation)",
    "reason given",
];

/// What kind of part of a result it is.
pub(crate) fn part_kind(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Question => "question",
        PartKind::Derived => "derived value",
        PartKind::Score => "score",
        PartKind::Trigger => "trigger",
        PartKind::End => "early end",
    }
}

/// What happens to a part after the conversation.
pub(crate) fn kept_status(part: &KeptPart<'_>) -> &'static str {
    match (part.kept, part.stored) {
        (false, _) => "used only in the conversation",
        (true, true) => "kept and stored",
        (true, false) => "kept, but left out of the stored record",
    }
}

/// The conversation-only questions a kept part may reveal; nothing for a
/// part that is not kept, which reveals nothing after the conversation.
pub(crate) fn kept_reveals(part: &KeptPart<'_>) -> Inline {
    if !part.kept || part.reveals.is_empty() {
        return vec![Span::Text("–".into())];
    }
    let mut out = Vec::new();
    for (i, id) in part.reveals.iter().enumerate() {
        if i > 0 {
            out.push(Span::Text(", ".into()));
        }
        out.push(Span::Code((*id).to_owned()));
    }
    if part.reveals_more {
        out.push(Span::Text(", and more".into()));
    }
    out
}

/// The reason a kept part gives for what it may reveal.
pub(crate) fn kept_reason(part: &KeptPart<'_>) -> Inline {
    vec![Span::Text(part.reason.unwrap_or("–").to_owned())]
}

/// The questions counted in the aggregate statistics.
pub(crate) fn aggregate(ids: &[&str]) -> Inline {
    if ids.is_empty() {
        return vec![Span::Text(
            "No question is counted in the aggregate statistics.".into(),
        )];
    }
    let mut out = vec![
        Span::Text("Counted, without the person, in the aggregate statistics (".into()),
        Span::Code("aggregate: true".into()),
        Span::Text("): ".into()),
    ];
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(Span::Text(", ".into()));
        }
        out.push(Span::Code((*id).to_owned()));
    }
    out.push(Span::Text(".".into()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(src: &str) -> String {
        words(src, None)
            .iter()
            .map(|s| match s {
                Span::Text(t) | Span::Code(t) | Span::Strong(t) => t.as_str(),
            })
            .collect()
    }

    #[test]
    fn conditions_read_as_sentences() {
        assert_eq!(
            plain(r#"alone == false || interpreter == "relative""#),
            "alone is no, or interpreter is “relative”"
        );
        assert_eq!(plain("answered(x)"), "x has been answered");
        assert_eq!(plain("!answered(x)"), "x has not been answered");
        assert_eq!(
            plain("declined(x) || dont_know(x)"),
            "x was declined (prefer not to answer), or x was answered “don't know”"
        );
        assert_eq!(
            plain(r#""ongoing" in category"#),
            "category includes “ongoing”"
        );
        assert_eq!(
            plain(r#"goal in ["work", "study"] && care_need == "high""#),
            "goal is one of “work” or “study” and care_need is “high”"
        );
        assert_eq!(plain("3 <= score"), "score is at least 3");
        assert_eq!(
            plain("a && (b || c)"),
            "a is yes and (b is yes, or c is yes)"
        );
        assert_eq!(plain("a || b && c"), "a is yes, or b is yes and c is yes");
        assert_eq!(plain("!(a == 1 && b == 2)"), "not (a is 1 and b is 2)");
        assert_eq!(
            plain("count(a == true, b == true) >= 2"),
            "at least 2 of these hold: (a is yes; b is yes)"
        );
        assert_eq!(
            plain("(a - (b - c)) * 2 > 1"),
            "(a - (b - c)) * 2 is more than 1"
        );
        assert_eq!(plain("x != y"), "x is not y");
    }

    #[test]
    fn local_names_get_their_prefix() {
        let scope = LocalScope {
            prefix: "living".into(),
            locals: ["wants_change".to_owned()].into_iter().collect(),
        };
        assert_eq!(
            words("wants_change == true", Some(&scope)),
            vec![
                Span::Code("living.wants_change".into()),
                Span::Text(" is yes".into())
            ]
        );
    }
}
