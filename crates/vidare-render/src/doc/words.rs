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
use vidare::{questionnaire::KeptPart, questionnaire::PartKind};

use super::terms::{Cond, Terms};
use super::{Inline, Span};
use crate::names;

/// An expression in the words of `terms`; its source as code when it
/// cannot be parsed.
pub(crate) fn words_in(src: &str, scope: Option<&LocalScope>, terms: &Terms) -> Inline {
    words_with(src, scope, terms, None)
}

/// An expression in the words of `terms`, a text compared with a choice
/// or a category written as the label it stands for.
pub(crate) fn words_with(
    src: &str,
    scope: Option<&LocalScope>,
    terms: &Terms,
    labels: Option<&Labels>,
) -> Inline {
    let Some(ast) = names::parse(src) else {
        return vec![Span::Code(names::one_line(src))];
    };
    let mut w = Writer {
        out: Vec::new(),
        scope,
        t: terms,
        labels,
    };
    w.cond(&ast, Ctx::Top);
    w.out
}

/// Running text as plain text (code without its marks).
pub(crate) fn plain(inline: &Inline) -> String {
    inline
        .iter()
        .map(|s| match s {
            Span::Text(t) | Span::Code(t) | Span::Strong(t) | Span::Urgency(_, t) => t.as_str(),
        })
        .collect()
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
    t: &'a Terms,
    labels: Option<&'a Labels>,
}

/// The labels of the values of each choice item, derived category and set
/// of flags, by full id, in one language: conditions name the option a
/// value stands for, not the value.
pub(crate) type Labels = std::collections::HashMap<String, Vec<(String, String)>>;

/// The labels of `q`'s values in `lang` (the default language where a
/// label lacks it).
pub(crate) fn labels(q: &vidare::Questionnaire, lang: &str) -> Labels {
    let doc = q.document();
    let default = q.default_language();
    let text = |t: &vidare::format::Text| t.get(lang).or_else(|| t.get(default)).cloned();
    let mut out = Labels::new();
    for item in doc.sections.iter().flat_map(|s| &s.items) {
        if let Some(options) = &item.options {
            let values = options
                .value
                .iter()
                .filter_map(|o| Some((o.value.value.clone(), text(&o.label.value)?)))
                .collect();
            out.insert(item.id.value.clone(), values);
        }
    }
    for d in &doc.derived {
        if let Some(cases) = d.cases.as_ref().or(d.flags.as_ref()) {
            let values = cases
                .value
                .iter()
                .filter_map(|c| Some((c.value.value.clone(), text(&c.label.as_ref()?.value)?)))
                .collect();
            out.insert(d.id.value.clone(), values);
        }
    }
    out
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

fn comparison(op: BinaryOp, c: &Cond) -> Option<&'static str> {
    Some(match op {
        BinaryOp::Eq => c.is,
        BinaryOp::Ne => c.is_not,
        BinaryOp::Lt => c.less,
        BinaryOp::Le => c.at_most,
        BinaryOp::Gt => c.more,
        BinaryOp::Ge => c.at_least,
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
                        self.text(self.t.cond.or);
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
                        self.text(self.t.cond.and);
                    }
                    self.cond(part, Ctx::And);
                }
            }
            AstKind::Binary(BinaryOp::In, l, r) => match (&l.kind, &r.kind) {
                (_, AstKind::List(items)) => {
                    self.value(l);
                    self.text(self.t.cond.one_of);
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            let last = i + 1 == items.len();
                            self.text(if last { self.t.cond.list_or } else { ", " });
                        }
                        self.literal(l, item);
                    }
                }
                (AstKind::Str(_) | AstKind::Number(_), _) => {
                    self.value(r);
                    self.text(self.t.cond.includes);
                    self.literal(r, l);
                }
                _ => {
                    self.value(l);
                    self.text(self.t.cond.is_in);
                    self.value(r);
                }
            },
            AstKind::Binary(op, l, r) if comparison(*op, &self.t.cond).is_some() => {
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
                self.text(comparison(op, &self.t.cond).unwrap_or(self.t.cond.is));
                self.literal(l, r);
            }
            AstKind::Unary(UnaryOp::Not, x) => self.not(x),
            AstKind::Call { name, args, .. } if args.len() == 1 => {
                let c = &self.t.cond;
                let phrase = match name.as_str() {
                    "answered" => c.answered,
                    "declined" => c.declined,
                    "dont_know" => c.dont_know,
                    "shown" => c.shown,
                    "known" => c.known,
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
                self.text(self.t.cond.is_yes);
            }
            AstKind::Bool(true) => self.text(self.t.always),
            AstKind::Bool(false) => self.text(self.t.never),
            _ => self.value(ast),
        }
    }

    /// `!x` in words.
    fn not(&mut self, x: &Ast) {
        if let Some((name, [arg])) = call(x) {
            let c = &self.t.cond;
            let phrase = match name {
                "answered" => Some(c.not_answered),
                "declined" => Some(c.not_declined),
                "dont_know" => Some(c.not_dont_know),
                "shown" => Some(c.not_shown),
                "known" => Some(c.not_known),
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
            self.text(self.t.cond.is_no);
            return;
        }
        self.text(self.t.cond.not);
        self.cond(x, Ctx::Top);
        self.text(")");
    }

    /// `count(a, b, ...) >= n` as "at least n of these hold: (a; b)".
    fn count(&mut self, op: BinaryOp, n: f64, args: &[Ast]) {
        let q = &self.t.cond.quantity;
        let quantity = match op {
            BinaryOp::Eq => q[0],
            BinaryOp::Ne => q[1],
            BinaryOp::Lt => q[2],
            BinaryOp::Le => q[3],
            BinaryOp::Gt => q[4],
            _ => q[5],
        };
        self.text(&format!("{quantity} {n} {}", self.t.cond.of_these_hold));
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

    /// A text compared with `name`: the label of the option or category
    /// it is the value of, when there is one; else as `value` writes it.
    fn literal(&mut self, name: &Ast, value: &Ast) {
        if let (AstKind::Ident(n), AstKind::Str(v)) = (&name.kind, &value.kind) {
            let qualified = names::qualify(n, self.scope);
            let label = self
                .labels
                .and_then(|l| l.get(&qualified))
                .and_then(|values| values.iter().find(|(value, _)| value == v));
            if let Some((_, label)) = label {
                self.text(&format!("“{label}”"));
                return;
            }
        }
        self.value(value);
    }

    /// A value: a name, a literal, arithmetic.
    fn value(&mut self, ast: &Ast) {
        match &ast.kind {
            AstKind::Ident(name) => self.name(name),
            AstKind::Bool(true) => self.text(self.t.yes),
            AstKind::Bool(false) => self.text(self.t.no),
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
                self.text(self.t.cond.number_of);
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
pub(crate) fn kept_intro(t: &Terms) -> Inline {
    let mut out = Vec::new();
    for (k, piece) in t.kept_intro.split('`').enumerate() {
        if k % 2 == 1 {
            out.push(Span::Code(piece.to_owned()));
        } else if !piece.is_empty() {
            out.push(Span::Text(piece.to_owned()));
        }
    }
    out
}

/// What kind of part of a result it is.
pub(crate) fn part_kind(t: &Terms, kind: PartKind) -> &'static str {
    t.part_kinds[match kind {
        PartKind::Question => 0,
        PartKind::Derived => 1,
        PartKind::Score => 2,
        PartKind::Trigger => 3,
        PartKind::End => 4,
    }]
}

/// What happens to a part after the conversation.
pub(crate) fn kept_status(t: &Terms, part: &KeptPart<'_>) -> &'static str {
    match (part.kept, part.stored) {
        (false, _) => t.not_kept_summary,
        (true, true) => t.kept_summary,
        (true, false) => t.left_out_summary,
    }
}

/// The conversation-only questions a kept part may reveal; nothing for a
/// part that is not kept, which reveals nothing after the conversation.
pub(crate) fn kept_reveals(t: &Terms, part: &KeptPart<'_>) -> Inline {
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
        out.push(Span::Text(t.and_more.into()));
    }
    out
}

/// The reason a kept part gives for what it may reveal.
pub(crate) fn kept_reason(part: &KeptPart<'_>) -> Inline {
    vec![Span::Text(part.reason.unwrap_or("–").to_owned())]
}

/// The questions counted in the aggregate statistics.
pub(crate) fn aggregate(t: &Terms, ids: &[&str]) -> Inline {
    if ids.is_empty() {
        return vec![Span::Text(t.aggregate_none.into())];
    }
    let mut out = vec![
        Span::Text(format!("{} (", t.aggregate_intro)),
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

    fn words(src: &str, scope: Option<&LocalScope>) -> Inline {
        words_in(src, scope, &super::super::terms::EN)
    }

    fn plain(src: &str) -> String {
        super::plain(&words(src, None))
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
    fn conditions_read_as_swedish_sentences() {
        let sv = |src: &str| super::plain(&words_in(src, None, &super::super::terms::SV));
        assert_eq!(
            sv(r#"alone == false || interpreter == "relative""#),
            "alone är nej, eller interpreter är “relative”"
        );
        assert_eq!(
            sv("!answered(x) && y >= 2"),
            "x har inte besvarats och y är minst 2"
        );
        assert_eq!(
            sv("count(a == true, b) >= 1"),
            "minst 1 av dessa gäller: (a är ja; b är ja)"
        );
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
