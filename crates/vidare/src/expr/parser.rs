//! Recursive-descent parser from expression text to [`Ast`].
//!
//! Depth is the number of nested constructs around a part of the
//! expression: every operator, call, list and pair of parentheses adds one
//! level. The parser refuses to go deeper than [`ExprLimits::max_depth`]
//! before it recurses, so its stack use is bounded by the limit (a few
//! frames per level), and the tree it returns is never deeper than the limit
//! either, so later passes may recurse over it freely.
//!
//! Spans: a parenthesised expression's node spans its parentheses too, so
//! `(a || b) && c` gives the `||` node the span of `(a || b)`.

use std::iter::Peekable;
use std::vec;

use super::ast::{Ast, AstKind, BinaryOp, ExprLimits, Span, SyntaxError, UnaryOp};
use super::lexer::{self, Tok, Token, error, shorten, span};

/// Parses one expression of the condition language.
///
/// Whitespace (spaces, tabs, line breaks) is insignificant. The length of
/// `src` is checked before anything else, and nesting is checked before the
/// parser descends, so any input is handled in linear time and bounded
/// stack.
///
/// # Errors
///
/// Returns a [`SyntaxError`] written for questionnaire authors when `src` is
/// not a valid expression, or, with `limit` set, when it is longer than
/// `limits.max_len` bytes or nested deeper than `limits.max_depth` levels.
pub fn parse(src: &str, limits: ExprLimits) -> Result<Ast, SyntaxError> {
    if src.len() > limits.max_len {
        return Err(too_long(src, limits.max_len));
    }
    let tokens = lexer::lex(src)?;
    Parser {
        src,
        tokens: tokens.into_iter().peekable(),
        last: span(0, 0),
        max_depth: limits.max_depth,
    }
    .root()
}

type Parsed<T> = Result<T, SyntaxError>;

/// A parsed subtree with its height, so depth is checked without walking
/// the tree again.
struct Node {
    ast: Ast,
    height: usize,
}

impl Node {
    fn leaf(kind: AstKind, span: Span) -> Node {
        Node {
            ast: Ast { kind, span },
            height: 1,
        }
    }
}

/// Where the parser stands after a complete operand, for telling what was
/// expected when something else follows.
#[derive(Clone)]
enum Context {
    /// The end of the whole expression.
    End,
    /// Inside `( ... )` opened at the span.
    Group(Span),
    /// Inside the arguments of a call whose `(` is at the span.
    Args(Span),
    /// Inside `[ ... ]` opened at the span.
    List(Span),
}

struct Parser<'s> {
    src: &'s str,
    tokens: Peekable<vec::IntoIter<Token>>,
    /// The last token consumed, for "something is missing after `&&`".
    last: Span,
    max_depth: usize,
}

impl Parser<'_> {
    fn root(mut self) -> Parsed<Ast> {
        if self.tokens.peek().is_none() {
            return Err(error(
                "the expression is empty",
                "write a condition, as in `answered(physical)`",
                span(0, self.src.len()),
            ));
        }
        let node = self.or(0)?;
        if self.tokens.peek().is_some() {
            return Err(self.after_operand(&Context::End));
        }
        // The checks on the way down already bound the height; this guards
        // the promise to later passes even for a limit of zero.
        if node.height > self.max_depth {
            return Err(self.too_deep(node.ast.span));
        }
        Ok(node.ast)
    }

    fn peek(&mut self) -> Option<&Tok> {
        self.tokens.peek().map(|t| &t.tok)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.next()?;
        self.last = token.span.clone();
        Some(token)
    }

    /// Consumes the next token if it is `tok`, returning its span.
    fn eat(&mut self, tok: &Tok) -> Option<Span> {
        if self.peek() == Some(tok) {
            self.bump().map(|t| t.span)
        } else {
            None
        }
    }

    /// Source text of a span, shortened for messages.
    fn snippet(&self, at: &Span) -> String {
        let text = self
            .src
            .get(at.start as usize..at.end as usize)
            .unwrap_or_default();
        shorten(text)
    }

    // ----- depth -----

    /// Called before parsing the children of a node at level `base + 1`:
    /// they would sit at `base + 2`, so refuse before recursing.
    fn descend(&self, base: usize, at: &Span) -> Parsed<usize> {
        if base.saturating_add(2) > self.max_depth {
            return Err(self.too_deep(at.clone()));
        }
        Ok(base + 1)
    }

    fn too_deep(&self, at: Span) -> SyntaxError {
        SyntaxError {
            message: format!(
                "the expression is nested too deeply (more than {} levels of parentheses, operators and calls)",
                self.max_depth
            ),
            help: Some(
                "split it into smaller parts, for example with derived values, or use `x in [...]` or \
                 `count(...)` instead of long chains of `||` or `&&`"
                    .to_owned(),
            ),
            span: at,
            limit: true,
        }
    }

    // ----- binary operators, loosest first -----

    fn or(&mut self, base: usize) -> Parsed<Node> {
        self.left_assoc(base, Self::and, |t| {
            (*t == Tok::OrOr).then_some(BinaryOp::Or)
        })
    }

    fn and(&mut self, base: usize) -> Parsed<Node> {
        self.left_assoc(base, Self::cmp, |t| {
            (*t == Tok::AndAnd).then_some(BinaryOp::And)
        })
    }

    fn add(&mut self, base: usize) -> Parsed<Node> {
        self.left_assoc(base, Self::mul, |t| match t {
            Tok::Plus => Some(BinaryOp::Add),
            Tok::Minus => Some(BinaryOp::Sub),
            _ => None,
        })
    }

    fn mul(&mut self, base: usize) -> Parsed<Node> {
        self.left_assoc(base, Self::unary, |t| match t {
            Tok::Star => Some(BinaryOp::Mul),
            Tok::Slash => Some(BinaryOp::Div),
            _ => None,
        })
    }

    /// Parses `operand (op operand)*` as a left-leaning chain. A loop rather
    /// than recursion, so long chains cost no stack; their height is still
    /// checked because the tree grows one level per operator.
    fn left_assoc(
        &mut self,
        base: usize,
        operand: fn(&mut Self, usize) -> Parsed<Node>,
        op_of: fn(&Tok) -> Option<BinaryOp>,
    ) -> Parsed<Node> {
        let mut lhs = operand(self, base)?;
        while let Some(op) = self.peek().and_then(op_of) {
            let op_span = self.last_after_bump();
            let child_base = self.descend(base, &op_span)?;
            let rhs = operand(self, child_base)?;
            lhs = self.binary(base, op, lhs, rhs, op_span)?;
        }
        Ok(lhs)
    }

    /// Comparisons do not chain: `a < b < c` means something else in
    /// CEL than in arithmetic, so it is rejected with a hint.
    fn cmp(&mut self, base: usize) -> Parsed<Node> {
        let lhs = self.add(base)?;
        let Some(op) = self.peek().and_then(comparison) else {
            return Ok(lhs);
        };
        let op_span = self.last_after_bump();
        let child_base = self.descend(base, &op_span)?;
        let rhs = self.add(child_base)?;
        let node = self.binary(base, op, lhs, rhs, op_span)?;
        if self.peek().and_then(comparison).is_some() {
            let second = self.last_after_bump();
            return Err(error(
                "a comparison cannot be followed directly by another comparison",
                "compare two values at a time and join the comparisons with `&&`, as in `age >= 18 && age <= 65`",
                second,
            ));
        }
        Ok(node)
    }

    /// Consumes the next token and returns its span.
    fn last_after_bump(&mut self) -> Span {
        self.bump();
        self.last.clone()
    }

    fn binary(
        &self,
        base: usize,
        op: BinaryOp,
        lhs: Node,
        rhs: Node,
        op_span: Span,
    ) -> Parsed<Node> {
        let height = 1 + lhs.height.max(rhs.height);
        if base.saturating_add(height) > self.max_depth {
            return Err(self.too_deep(op_span));
        }
        let span = lhs.ast.span.start..rhs.ast.span.end;
        Ok(Node {
            ast: Ast {
                kind: AstKind::Binary(op, Box::new(lhs.ast), Box::new(rhs.ast)),
                span,
            },
            height,
        })
    }

    // ----- prefix operators and operands -----

    fn unary(&mut self, base: usize) -> Parsed<Node> {
        let op = match self.peek() {
            Some(Tok::Bang) => UnaryOp::Not,
            Some(Tok::Minus) => UnaryOp::Neg,
            _ => return self.primary(base),
        };
        let op_span = self.last_after_bump();
        let child_base = self.descend(base, &op_span)?;
        let operand = self.unary(child_base)?;
        let span = op_span.start..operand.ast.span.end;
        Ok(Node {
            ast: Ast {
                kind: AstKind::Unary(op, Box::new(operand.ast)),
                span,
            },
            height: operand.height + 1,
        })
    }

    fn primary(&mut self, base: usize) -> Parsed<Node> {
        let Some(next) = self.tokens.peek() else {
            return Err(self.missing_at_end());
        };
        if !starts_operand(&next.tok) {
            let (tok, at) = (next.tok.clone(), next.span.clone());
            return Err(self.missing_before(&tok, at));
        }
        let Some(token) = self.bump() else {
            return Err(self.missing_at_end());
        };
        let kind = match token.tok {
            Tok::Number(value) => AstKind::Number(value),
            Tok::Str(text) => AstKind::Str(text),
            Tok::True => AstKind::Bool(true),
            Tok::False => AstKind::Bool(false),
            Tok::Ident(name) => return self.ident_or_call(name, token.span, base),
            Tok::LParen => return self.group(token.span, base),
            Tok::LBracket => return self.list(token.span, base),
            _ => return Err(self.missing_before(&token.tok, token.span)),
        };
        Ok(Node::leaf(kind, token.span))
    }

    fn ident_or_call(&mut self, name: String, name_span: Span, base: usize) -> Parsed<Node> {
        if name == "null" {
            return Err(error(
                "`null` is not supported",
                "there is no null; use `answered(x)` to test whether x has an answer",
                name_span,
            ));
        }
        // `not` alone may be an id; only `not` before an operand is the
        // word operator of other languages.
        if name == "not" && self.peek().is_some_and(starts_operand) {
            return Err(word_operator("not", name_span));
        }
        let Some(open) = self.eat(&Tok::LParen) else {
            return Ok(Node::leaf(AstKind::Ident(name), name_span));
        };
        let (args, height, close) =
            self.sequence(base, &open, &Tok::RParen, &Context::Args(open.clone()))?;
        Ok(Node {
            ast: Ast {
                span: name_span.start..close.end,
                kind: AstKind::Call {
                    name,
                    name_span,
                    args,
                },
            },
            height: height + 1,
        })
    }

    fn group(&mut self, open: Span, base: usize) -> Parsed<Node> {
        let inner_base = self.descend(base, &open)?;
        let inner = self.or(inner_base)?;
        let close = self.close(&Tok::RParen, &Context::Group(open.clone()))?;
        let mut ast = inner.ast;
        ast.span = open.start..close.end;
        Ok(Node {
            ast,
            height: inner.height + 1,
        })
    }

    fn list(&mut self, open: Span, base: usize) -> Parsed<Node> {
        let (items, height, close) =
            self.sequence(base, &open, &Tok::RBracket, &Context::List(open.clone()))?;
        Ok(Node {
            ast: Ast {
                kind: AstKind::List(items),
                span: open.start..close.end,
            },
            height: height + 1,
        })
    }

    /// Parses `[expr ("," expr)*] closing` after an opener, returning the
    /// items, their greatest height and the closer's span.
    fn sequence(
        &mut self,
        base: usize,
        open: &Span,
        closing: &Tok,
        context: &Context,
    ) -> Parsed<(Vec<Ast>, usize, Span)> {
        if let Some(close) = self.eat(closing) {
            return Ok((Vec::new(), 0, close));
        }
        let item_base = self.descend(base, open)?;
        let mut items = Vec::new();
        let mut height = 0;
        loop {
            let item = self.or(item_base)?;
            height = height.max(item.height);
            items.push(item.ast);
            if self.eat(&Tok::Comma).is_none() {
                let close = self.close(closing, context)?;
                return Ok((items, height, close));
            }
        }
    }

    fn close(&mut self, closing: &Tok, context: &Context) -> Parsed<Span> {
        self.eat(closing).ok_or_else(|| self.after_operand(context))
    }

    // ----- errors -----

    /// The expression stopped where an operand was needed.
    fn missing_at_end(&self) -> SyntaxError {
        let after = self.snippet(&self.last);
        error(
            format!("something is missing after `{after}`"),
            format!(
                "write a value after `{after}`: an id, a number, a text in quotes, `true`, `false` or a function call"
            ),
            self.last.clone(),
        )
    }

    /// A token that cannot start an operand stands where one is needed.
    fn missing_before(&self, tok: &Tok, at: Span) -> SyntaxError {
        let found = self.snippet(&at);
        let help = match tok {
            Tok::RParen | Tok::RBracket | Tok::Comma => {
                "write an id, a number, a text in quotes or a function call here".to_owned()
            }
            _ => format!("`{found}` needs a value on each side"),
        };
        error(format!("a value is missing before `{found}`"), help, at)
    }

    /// Something other than what may follow a complete operand in
    /// `context`; the next token decides the message.
    fn after_operand(&mut self, context: &Context) -> SyntaxError {
        let Some(next) = self.tokens.peek().cloned() else {
            return unclosed(context);
        };
        let found = self.snippet(&next.span);
        match (&next.tok, context) {
            (Tok::Ident(word), _) if matches!(word.as_str(), "and" | "or" | "not") => {
                word_operator(word, next.span)
            }
            (Tok::RParen, Context::End) => error(
                "this `)` has no matching `(`",
                "remove it, or add the missing `(` where the part in parentheses starts",
                next.span,
            ),
            (Tok::RBracket, Context::End) => error(
                "this `]` has no matching `[`",
                "remove it, or add the missing `[` where the list starts",
                next.span,
            ),
            (Tok::Comma, Context::End | Context::Group(_)) => error(
                "unexpected `,`",
                "commas only separate the arguments of a function call or the values of a list",
                next.span,
            ),
            (_, Context::End) => error(
                format!("unexpected `{found}` after the end of the expression"),
                format!(
                    "join the parts with an operator such as `&&`, `||` or `==`, or remove `{found}`"
                ),
                next.span,
            ),
            (_, Context::Group(_)) => error(
                format!("unexpected `{found}` inside parentheses"),
                "join the parts with an operator such as `&&`, `||` or `==`, or close the parentheses with `)`",
                next.span,
            ),
            (_, Context::Args(_)) => error(
                format!("unexpected `{found}` in a function call"),
                "separate the arguments with `,` and end the call with `)`",
                next.span,
            ),
            (_, Context::List(_)) => error(
                format!("unexpected `{found}` in a list"),
                "separate the values with `,` and end the list with `]`",
                next.span,
            ),
        }
    }
}

/// Binary operators of the comparison level.
fn comparison(tok: &Tok) -> Option<BinaryOp> {
    Some(match tok {
        Tok::EqEq => BinaryOp::Eq,
        Tok::NotEq => BinaryOp::Ne,
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        Tok::In => BinaryOp::In,
        _ => return None,
    })
}

fn starts_operand(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Number(_)
            | Tok::Str(_)
            | Tok::Ident(_)
            | Tok::True
            | Tok::False
            | Tok::LParen
            | Tok::LBracket
            | Tok::Bang
            | Tok::Minus
    )
}

fn word_operator(word: &str, at: Span) -> SyntaxError {
    let help = match word {
        "and" => "write `&&`",
        "or" => "write `||`",
        _ => {
            "write `!` before the part it negates, as in `!answered(x)` or `!(x in [\"a\", \"b\"])`"
        }
    };
    error(format!("`{word}` is not an operator here"), help, at)
}

/// The input ended inside an unclosed construct: point at its opener.
fn unclosed(context: &Context) -> SyntaxError {
    match context {
        Context::Group(open) => error(
            "this `(` is never closed",
            "add a `)` where the part in parentheses ends",
            open.clone(),
        ),
        Context::Args(open) => error(
            "the `(` of this function call is never closed",
            "add a `)` after the last argument",
            open.clone(),
        ),
        Context::List(open) => error(
            "this `[` is never closed",
            "add a `]` after the last value of the list",
            open.clone(),
        ),
        // Reaching the end in this context is success, so this is never
        // built; it stays a plain error rather than a panic.
        Context::End => error(
            "the expression ends unexpectedly",
            "complete the expression",
            span(0, 0),
        ),
    }
}

fn too_long(src: &str, max_len: usize) -> SyntaxError {
    SyntaxError {
        message: format!(
            "the expression is too long: {} bytes, where at most {max_len} are allowed",
            src.len()
        ),
        help: Some("split it into smaller parts, for example with derived values".to_owned()),
        span: span(max_len, src.len()),
        limit: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(src: &str) -> Ast {
        match parse(src, ExprLimits::default()) {
            Ok(ast) => ast,
            Err(e) => panic!("`{src}` should parse, got {e:?}"),
        }
    }

    fn err(src: &str) -> SyntaxError {
        match parse(src, ExprLimits::default()) {
            Ok(ast) => panic!("`{src}` should not parse, got {ast:?}"),
            Err(e) => e,
        }
    }

    /// Asserts the message, the help (both as substrings) and the span.
    fn assert_err(src: &str, message: &str, help: &str, at: Span) {
        let e = err(src);
        assert!(
            e.message.contains(message),
            "`{src}`: message {:?} lacks {message:?}",
            e.message
        );
        let got_help = e.help.clone().unwrap_or_default();
        assert!(
            got_help.contains(help),
            "`{src}`: help {got_help:?} lacks {help:?}"
        );
        assert_eq!(e.span, at, "`{src}`: span of {e:?}");
        assert!(!e.limit, "`{src}`: not a limit error");
    }

    /// A compact, span-free rendering that makes the tree's shape visible.
    fn sexpr(ast: &Ast) -> String {
        let join = |items: &[Ast]| items.iter().map(sexpr).collect::<Vec<_>>().join(" ");
        match &ast.kind {
            AstKind::Bool(b) => b.to_string(),
            AstKind::Number(n) => n.to_string(),
            AstKind::Str(s) => format!("{s:?}"),
            AstKind::Ident(name) => name.clone(),
            AstKind::List(items) => format!("[{}]", join(items)),
            AstKind::Unary(UnaryOp::Not, x) => format!("(! {})", sexpr(x)),
            AstKind::Unary(UnaryOp::Neg, x) => format!("(neg {})", sexpr(x)),
            AstKind::Binary(op, l, r) => format!("({} {} {})", op.symbol(), sexpr(l), sexpr(r)),
            AstKind::Call { name, args, .. } => format!("{name}({})", join(args)),
        }
    }

    fn shape(src: &str) -> String {
        sexpr(&ok(src))
    }

    fn limits(max_len: usize, max_depth: usize) -> ExprLimits {
        ExprLimits { max_len, max_depth }
    }

    // ----- precedence and shapes -----

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(shape("a || b && c"), "(|| a (&& b c))");
        assert_eq!(shape("a && b || c"), "(|| (&& a b) c)");
        assert_eq!(shape("a || b || c"), "(|| (|| a b) c)");
    }

    #[test]
    fn unary_binds_tighter_than_comparison() {
        assert_eq!(shape("!a == b"), "(== (! a) b)");
        assert_eq!(shape("!!a"), "(! (! a))");
        assert_eq!(shape("-a * b"), "(* (neg a) b)");
        assert_eq!(shape("- -3"), "(neg (neg 3))");
        assert_eq!(shape("a - -b"), "(- a (neg b))");
    }

    #[test]
    fn arithmetic_is_left_associative_with_usual_precedence() {
        assert_eq!(shape("a + b * c - d / e"), "(- (+ a (* b c)) (/ d e))");
        assert_eq!(shape("a - b - c"), "(- (- a b) c)");
        assert_eq!(shape("a / b * c"), "(* (/ a b) c)");
    }

    #[test]
    fn comparison_sits_between_arithmetic_and_logic() {
        assert_eq!(shape("a + 1 > b * 2"), "(> (+ a 1) (* b 2))");
        assert_eq!(shape("a == 1 && b != 2"), "(&& (== a 1) (!= b 2))");
        assert_eq!(
            shape("a <= 1 || b >= 2 && c < 3"),
            "(|| (<= a 1) (&& (>= b 2) (< c 3)))"
        );
        assert_eq!(shape("(a == b) == c"), "(== (== a b) c)");
    }

    #[test]
    fn parentheses_override_precedence() {
        assert_eq!(shape("(a || b) && c"), "(&& (|| a b) c)");
        assert_eq!(shape("((a))"), "a");
    }

    #[test]
    fn questionnaire_examples() {
        assert_eq!(
            shape(r#"alone == false || interpreter == "relative""#),
            r#"(|| (== alone false) (== interpreter "relative"))"#
        );
        assert_eq!(
            shape(r#"physical == true && timeframe_physical == "ongoing""#),
            r#"(&& (== physical true) (== timeframe_physical "ongoing"))"#
        );
    }

    #[test]
    fn dotted_idents_are_one_name() {
        assert_eq!(
            ok("working.need_for_change").kind,
            AstKind::Ident("working.need_for_change".into())
        );
        assert_eq!(shape("a.b.c >= 2"), "(>= a.b.c 2)");
        assert_eq!(ok("_x1").kind, AstKind::Ident("_x1".into()));
    }

    #[test]
    fn keywords_are_whole_words_only() {
        assert_eq!(ok("true").kind, AstKind::Bool(true));
        assert_eq!(ok("false").kind, AstKind::Bool(false));
        assert_eq!(ok("truex").kind, AstKind::Ident("truex".into()));
        assert_eq!(ok("in_school").kind, AstKind::Ident("in_school".into()));
        assert_eq!(ok("and").kind, AstKind::Ident("and".into()));
        assert_eq!(ok("not").kind, AstKind::Ident("not".into()));
    }

    #[test]
    fn calls_with_zero_one_and_many_arguments() {
        assert_eq!(shape("now()"), "now()");
        assert_eq!(shape("answered(x)"), "answered(x)");
        assert_eq!(shape("count(a, b == 1, !c)"), "count(a (== b 1) (! c))");
        assert_eq!(
            shape("count(answered(a), shown(b)) >= 2"),
            "(>= count(answered(a) shown(b)) 2)"
        );
        assert_eq!(shape("f (x)"), "f(x)");
        let AstKind::Call {
            name,
            name_span,
            args,
        } = ok("answered(x)").kind
        else {
            panic!("not a call");
        };
        assert_eq!(
            (name.as_str(), name_span, args.len()),
            ("answered", 0..8, 1)
        );
    }

    #[test]
    fn lists_and_in() {
        assert_eq!(shape("[]"), "[]");
        assert_eq!(shape("[1]"), "[1]");
        assert_eq!(shape(r#"x in ["a", "b"]"#), r#"(in x ["a" "b"])"#);
        assert_eq!(shape("[a, [b], 1 + 2]"), "[a [b] (+ 1 2)]");
        assert_eq!(shape(r#"!(x in ["a"]) && y"#), r#"(&& (! (in x ["a"])) y)"#);
    }

    #[test]
    fn numbers() {
        assert_eq!(ok("3").kind, AstKind::Number(3.0));
        assert_eq!(ok("2.5").kind, AstKind::Number(2.5));
        assert_eq!(ok("007").kind, AstKind::Number(7.0));
        assert_eq!(ok("0.125").kind, AstKind::Number(0.125));
    }

    #[test]
    fn strings_with_escapes() {
        assert_eq!(ok("'a'").kind, AstKind::Str("a".into()));
        assert_eq!(ok(r#""""#).kind, AstKind::Str(String::new()));
        assert_eq!(
            ok(r#""a\"b\\c\n\t'""#).kind,
            AstKind::Str("a\"b\\c\n\t'".into())
        );
        assert_eq!(ok(r"'it\'s'").kind, AstKind::Str("it's".into()));
        assert_eq!(ok(r#"'say "hi"'"#).kind, AstKind::Str("say \"hi\"".into()));
        assert_eq!(
            ok("\"Kärnten – 東京\"").kind,
            AstKind::Str("Kärnten – 東京".into())
        );
    }

    #[test]
    fn whitespace_is_insignificant() {
        assert_eq!(shape("\n\ta\r\n==\t1 "), "(== a 1)");
        assert_eq!(shape("count(\n  a,\n  b\n)"), "count(a b)");
    }

    // ----- spans -----

    fn binary_parts(ast: &Ast) -> (&Ast, &Ast) {
        match &ast.kind {
            AstKind::Binary(_, l, r) => (l, r),
            other => panic!("not binary: {other:?}"),
        }
    }

    #[test]
    fn binary_spans_run_from_left_start_to_right_end() {
        let src = r#"alone == false || interpreter == "relative""#;
        let root = ok(src);
        assert_eq!(root.span, 0..43);
        let (l, r) = binary_parts(&root);
        assert_eq!((l.span.clone(), r.span.clone()), (0..14, 18..43));
        let (alone, f) = binary_parts(l);
        assert_eq!((alone.span.clone(), f.span.clone()), (0..5, 9..14));
        let (_, relative) = binary_parts(r);
        assert_eq!(relative.span, 33..43);
    }

    #[test]
    fn parenthesised_spans_include_the_parentheses() {
        let root = ok("(a || b) && c");
        let (group, c) = binary_parts(&root);
        assert_eq!((group.span.clone(), c.span.clone()), (0..8, 12..13));
        assert_eq!(ok(" ( ( x ) ) ").span, 1..10);
    }

    #[test]
    fn spans_of_unary_calls_lists_and_leading_space() {
        assert_eq!(ok("  a").span, 2..3);
        assert_eq!(ok("!a").span, 0..2);
        assert_eq!(ok("- 3").span, 0..3);
        let call = ok("count(a, bb)");
        assert_eq!(call.span, 0..12);
        let AstKind::Call {
            name_span, args, ..
        } = &call.kind
        else {
            panic!("not a call");
        };
        assert_eq!(*name_span, 0..5);
        assert_eq!((args[0].span.clone(), args[1].span.clone()), (6..7, 9..11));
        let list = ok(r#"x in ["é", 'b']"#);
        let (_, items) = binary_parts(&list);
        assert_eq!(items.span, 5..16);
        let AstKind::List(items) = &items.kind else {
            panic!("not a list");
        };
        assert_eq!(
            (items[0].span.clone(), items[1].span.clone()),
            (6..10, 12..15)
        );
    }

    // ----- mistakes with their messages -----

    #[test]
    fn single_equals() {
        assert_err(
            "a = 1",
            "`=` is not a comparison",
            "`=` is assignment in many languages; here write `==`",
            2..3,
        );
        assert_err("a=-1", "`=` is not a comparison", "write `==`", 1..2);
    }

    #[test]
    fn operators_from_other_languages() {
        assert_err("a === 1", "`===` is not an operator", "write `==`", 2..5);
        assert_err("a !== 1", "`!==` is not an operator", "write `!=`", 2..5);
        assert_err("a <> 1", "`<>` is not an operator", "write `!=`", 2..4);
        assert_err("a & b", "`&` alone is not an operator", "write `&&`", 2..3);
        assert_err("a | b", "`|` alone is not an operator", "write `||`", 2..3);
        assert_err("a => 1", "`=>` is not a comparison", "write `>=`", 2..4);
        assert_err("a =< 1", "`=<` is not a comparison", "write `<=`", 2..4);
    }

    #[test]
    fn word_operators() {
        assert_err(
            "a and b",
            "`and` is not an operator here",
            "write `&&`",
            2..5,
        );
        assert_err("a or b", "`or` is not an operator here", "write `||`", 2..4);
        assert_err(
            "(a or b)",
            "`or` is not an operator here",
            "write `||`",
            3..5,
        );
        assert_err(
            "count(a and b)",
            "`and` is not an operator here",
            "write `&&`",
            8..11,
        );
        assert_err("not a", "`not` is not an operator here", "write `!`", 0..3);
        assert_err(
            "not answered(x)",
            "`not` is not an operator here",
            "write `!`",
            0..3,
        );
        assert_err("not(a)", "`not` is not an operator here", "write `!`", 0..3);
        assert_err(
            "x not in [1]",
            "`not` is not an operator here",
            "write `!`",
            2..5,
        );
    }

    #[test]
    fn unterminated_strings_point_at_the_opening_quote() {
        assert_err(
            r#"x == "abc"#,
            "this text is never closed",
            "add a `\"`",
            5..6,
        );
        assert_err("x == 'abc", "this text is never closed", "add a `'`", 5..6);
        assert_err(
            r#"x == "abc\"#,
            "this text is never closed",
            "add a `\"`",
            5..6,
        );
        assert_err(
            r#"x == "abc'"#,
            "this text is never closed",
            "add a `\"`",
            5..6,
        );
    }

    #[test]
    fn unknown_escape() {
        assert_err(
            r#"x == "a\qb""#,
            "`\\q` is not a known escape",
            "write `\\\\` for a backslash",
            7..9,
        );
        assert_err(
            r#"x == "C:\Users""#,
            "`\\U` is not a known escape",
            "`\\n` (new line)",
            8..10,
        );
    }

    #[test]
    fn unbalanced_brackets_point_at_the_unclosed_opener() {
        assert_err("(a || b", "this `(` is never closed", "add a `)`", 0..1);
        assert_err("((a) || b", "this `(` is never closed", "add a `)`", 0..1);
        assert_err(
            "count(a, b",
            "the `(` of this function call is never closed",
            "add a `)`",
            5..6,
        );
        assert_err("x in [1, 2", "this `[` is never closed", "add a `]`", 5..6);
        assert_err("a)", "this `)` has no matching `(`", "remove it", 1..2);
        assert_err("a]", "this `]` has no matching `[`", "remove it", 1..2);
        assert_err(
            "(a]",
            "unexpected `]` inside parentheses",
            "close the parentheses with `)`",
            2..3,
        );
        assert_err(
            "[a)",
            "unexpected `)` in a list",
            "end the list with `]`",
            2..3,
        );
        assert_err(
            "f(a]",
            "unexpected `]` in a function call",
            "end the call with `)`",
            3..4,
        );
    }

    #[test]
    fn empty_expression() {
        assert_err("", "the expression is empty", "write a condition", 0..0);
        assert_err(
            " \n\t",
            "the expression is empty",
            "write a condition",
            0..3,
        );
    }

    #[test]
    fn trailing_tokens() {
        assert_err(
            "a b",
            "unexpected `b` after the end of the expression",
            "join the parts",
            2..3,
        );
        assert_err(
            "a == 1 2",
            "unexpected `2` after the end of the expression",
            "or remove `2`",
            7..8,
        );
        assert_err(
            "a == 1 (b)",
            "unexpected `(` after the end of the expression",
            "join the parts",
            7..8,
        );
        assert_err("a, b", "unexpected `,`", "commas only separate", 1..2);
        assert_err(
            "(a b)",
            "unexpected `b` inside parentheses",
            "join the parts",
            3..4,
        );
        assert_err(
            "f(a b)",
            "unexpected `b` in a function call",
            "separate the arguments with `,`",
            4..5,
        );
        assert_err(
            "[a b]",
            "unexpected `b` in a list",
            "separate the values with `,`",
            3..4,
        );
    }

    #[test]
    fn missing_operands() {
        assert_err(
            "a &&",
            "something is missing after `&&`",
            "write a value after `&&`",
            2..4,
        );
        assert_err(
            "x ==",
            "something is missing after `==`",
            "write a value",
            2..4,
        );
        assert_err(
            "&& a",
            "a value is missing before `&&`",
            "`&&` needs a value on each side",
            0..2,
        );
        assert_err(
            "a || || b",
            "a value is missing before `||`",
            "needs a value on each side",
            5..7,
        );
        assert_err(
            "f(a,)",
            "a value is missing before `)`",
            "write an id",
            4..5,
        );
        assert_err("()", "a value is missing before `)`", "write an id", 1..2);
        assert_err(
            "x in [,]",
            "a value is missing before `,`",
            "write an id",
            6..7,
        );
    }

    #[test]
    fn unexpected_characters_are_named() {
        assert_err("a # b", "unexpected character `#`", "remove it", 2..3);
        assert_err("a ; b", "unexpected character `;`", "remove it", 2..3);
        assert_err(
            "a\u{a0}== 1",
            "unexpected invisible character U+00A0",
            "plain space",
            1..3,
        );
        assert_err(
            "a ==\u{200b}1",
            "unexpected invisible character U+200B",
            "delete it",
            4..7,
        );
        assert_err(
            "x == \u{201c}yes\u{201d}",
            "unexpected character `\u{201c}` (U+201C)",
            "straight quotes",
            5..8,
        );
        assert_err(
            "a \u{2260} 1",
            "unexpected character `\u{2260}` (U+2260)",
            "write `!=`",
            2..5,
        );
        assert_err("a .b", "unexpected `.`", "dotted id", 2..3);
    }

    #[test]
    fn null_is_not_supported() {
        assert_err(
            "x == null",
            "`null` is not supported",
            "use `answered(x)` to test whether x has an answer",
            5..9,
        );
        assert_err("null", "`null` is not supported", "there is no null", 0..4);
    }

    #[test]
    fn chained_comparisons() {
        let hint = "join the comparisons with `&&`";
        let message = "a comparison cannot be followed directly by another comparison";
        assert_err("a == b == c", message, hint, 7..9);
        assert_err("1 < x < 5", message, hint, 6..7);
        assert_err("x in a in b", message, hint, 7..9);
    }

    #[test]
    fn malformed_numbers() {
        assert_err("x == 1.", "the number `1.` ends with a `.`", "`1.5`", 5..7);
        assert_err(
            "x == 1. ",
            "ends with a `.`",
            "leave the `.` out: `1`",
            5..7,
        );
        assert_err(
            "x == .5",
            "the number `.5` starts with a `.`",
            "`0.5`",
            5..7,
        );
        assert_err("1.2.3", "`1.2.3` is not a number", "at most one `.`", 0..5);
        assert_err(
            "3a == 1",
            "`3a` is neither a number nor an id",
            "must start with a letter",
            0..2,
        );
        let huge = "9".repeat(400);
        assert_err(&huge, "is too large", "smaller number", 0..400);
    }

    #[test]
    fn malformed_ids() {
        assert_err(
            "café == 1",
            "the id `café` contains `é`, which is not allowed",
            "letters a-z and A-Z",
            0..5,
        );
        assert_err(
            "x.über",
            "the id `x.über` contains `ü`",
            "letters a-z",
            0..7,
        );
        assert_err("äpfel", "contains `ä`", "letters a-z", 0..6);
        assert_err(
            "a.b. == 1",
            "the id `a.b.` ends with a `.`",
            "with no space",
            0..4,
        );
        assert_err("a. b", "ends with a `.`", "with no space", 0..2);
        assert_err(
            "a.1b",
            "`a.1b` is not a valid id",
            "must start with a letter or `_`",
            0..4,
        );
    }

    // ----- limits -----

    fn assert_limit(result: Result<Ast, SyntaxError>, at: Span) {
        match result {
            Err(e) => {
                assert!(e.limit, "expected a limit error, got {e:?}");
                assert_eq!(e.span, at);
                assert!(e.message.contains("nested too deeply") || e.message.contains("too long"));
                assert!(e.help.is_some());
            }
            Ok(_) => panic!("expected a limit error"),
        }
    }

    #[test]
    fn ten_thousand_nested_parentheses_hit_the_depth_limit() {
        let big = limits(1 << 20, 64);
        let src = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        // The 64th `(` would put its content at level 65.
        assert_limit(parse(&src, big), 63..64);
        assert_limit(parse(&"(".repeat(10_000), big), 63..64);
        assert_limit(parse(&"!".repeat(10_000), big), 63..64);
        assert_limit(parse(&format!("{}1", "[".repeat(10_000)), big), 63..64);
        let calls = format!("{}x{}", "f(".repeat(10_000), ")".repeat(10_000));
        assert_limit(parse(&calls, big), 127..128);
    }

    #[test]
    fn depth_limit_is_exact() {
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        let depth = ExprLimits::default().max_depth;
        assert!(parse(&nested(depth - 1), ExprLimits::default()).is_ok());
        assert_limit(
            parse(&nested(depth), ExprLimits::default()),
            (depth - 1) as u32..depth as u32,
        );
        // A chain of n operands is n levels deep: each operator holds the
        // chain before it.
        let chain = |n: usize| vec!["a"; n].join("+");
        assert!(parse(&chain(depth), ExprLimits::default()).is_ok());
        let end = (2 * depth) as u32;
        assert_limit(
            parse(&chain(depth + 1), ExprLimits::default()),
            end - 1..end,
        );
        assert_limit(parse("a", limits(10, 0)), 0..1);
        assert_limit(parse("a || b", limits(10, 1)), 2..4);
        assert!(parse("a || b", limits(10, 2)).is_ok());
    }

    #[test]
    fn long_input_hits_the_length_limit_before_lexing() {
        let src = "a".repeat(1 << 20);
        assert_limit(parse(&src, ExprLimits::default()), 4096..(1 << 20));
        // An unterminated text beyond the limit is not even looked at.
        let src = format!("\"{}", "x".repeat(5000));
        assert_limit(parse(&src, ExprLimits::default()), 4096..5001);
        let exact = format!("a{}", " ".repeat(4095));
        assert!(parse(&exact, ExprLimits::default()).is_ok());
    }

    // ----- properties -----

    /// Prints a tree with every operand parenthesised, so reparsing must give
    /// the same tree whatever the precedence rules are.
    fn print(ast: &Ast) -> String {
        let join = |items: &[Ast]| items.iter().map(print).collect::<Vec<_>>().join(", ");
        match &ast.kind {
            AstKind::Bool(b) => b.to_string(),
            AstKind::Number(n) => n.to_string(),
            AstKind::Str(s) => {
                let escaped: String = s
                    .chars()
                    .map(|c| match c {
                        '\\' => "\\\\".to_owned(),
                        '"' => "\\\"".to_owned(),
                        '\n' => "\\n".to_owned(),
                        '\t' => "\\t".to_owned(),
                        c => c.to_string(),
                    })
                    .collect();
                format!("\"{escaped}\"")
            }
            AstKind::Ident(name) => name.clone(),
            AstKind::List(items) => format!("[{}]", join(items)),
            AstKind::Unary(UnaryOp::Not, x) => format!("!({})", print(x)),
            AstKind::Unary(UnaryOp::Neg, x) => format!("-({})", print(x)),
            AstKind::Binary(op, l, r) => format!("({}) {} ({})", print(l), op.symbol(), print(r)),
            AstKind::Call { name, args, .. } => format!("{name}({})", join(args)),
        }
    }

    fn without_spans(ast: &Ast) -> Ast {
        let kind = match &ast.kind {
            AstKind::List(items) => AstKind::List(items.iter().map(without_spans).collect()),
            AstKind::Unary(op, x) => AstKind::Unary(*op, Box::new(without_spans(x))),
            AstKind::Binary(op, l, r) => {
                AstKind::Binary(*op, Box::new(without_spans(l)), Box::new(without_spans(r)))
            }
            AstKind::Call { name, args, .. } => AstKind::Call {
                name: name.clone(),
                name_span: 0..0,
                args: args.iter().map(without_spans).collect(),
            },
            leaf => leaf.clone(),
        };
        Ast { kind, span: 0..0 }
    }

    /// Every child's span lies inside its parent's, and every span inside
    /// the text.
    fn assert_spans_nest(ast: &Ast, outer: &Span) {
        assert!(
            outer.start <= ast.span.start && ast.span.end <= outer.end,
            "{ast:?} outside {outer:?}"
        );
        let children: Vec<&Ast> = match &ast.kind {
            AstKind::List(items) | AstKind::Call { args: items, .. } => items.iter().collect(),
            AstKind::Unary(_, x) => vec![x],
            AstKind::Binary(_, l, r) => vec![l, r],
            _ => Vec::new(),
        };
        for child in children {
            assert_spans_nest(child, &ast.span);
        }
    }

    fn arb_ident() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_]{0,4}(\\.[a-z_][a-z0-9_]{0,3}){0,2}".prop_filter("keyword", |s| {
            !matches!(
                s.as_str(),
                "true" | "false" | "in" | "null" | "not" | "and" | "or"
            )
        })
    }

    fn arb_ast() -> impl Strategy<Value = Ast> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(AstKind::Bool),
            any::<f64>()
                .prop_filter("finite", |n| n.is_finite())
                .prop_map(|n| AstKind::Number(n.abs())),
            (0u32..100_000, 0i32..4)
                .prop_map(|(n, k)| AstKind::Number(f64::from(n) / 10f64.powi(k))),
            "(?s).{0,6}".prop_map(AstKind::Str),
            arb_ident().prop_map(AstKind::Ident),
        ]
        .prop_map(|kind| Ast { kind, span: 0..0 });
        leaf.prop_recursive(4, 32, 3, |inner| {
            let unary = prop_oneof![Just(UnaryOp::Not), Just(UnaryOp::Neg)];
            let binary = prop::sample::select(vec![
                BinaryOp::Or,
                BinaryOp::And,
                BinaryOp::Eq,
                BinaryOp::Ne,
                BinaryOp::Lt,
                BinaryOp::Le,
                BinaryOp::Gt,
                BinaryOp::Ge,
                BinaryOp::In,
                BinaryOp::Add,
                BinaryOp::Sub,
                BinaryOp::Mul,
                BinaryOp::Div,
            ]);
            prop_oneof![
                (unary, inner.clone()).prop_map(|(op, x)| AstKind::Unary(op, Box::new(x))),
                (binary, inner.clone(), inner.clone()).prop_map(|(op, l, r)| AstKind::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                )),
                (arb_ident(), prop::collection::vec(inner.clone(), 0..4)).prop_map(
                    |(name, args)| AstKind::Call {
                        name,
                        name_span: 0..0,
                        args
                    }
                ),
                prop::collection::vec(inner, 0..4).prop_map(AstKind::List),
            ]
            .prop_map(|kind| Ast { kind, span: 0..0 })
        })
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(src in "(?s).{0,200}") {
            let _ = parse(&src, ExprLimits::default());
        }

        #[test]
        fn operator_soup_never_panics(src in "[a-z0-9 ()\\[\\],.!=<>&|+*/'\"\\\\-]{0,120}") {
            if let Ok(ast) = parse(&src, ExprLimits::default()) {
                assert_spans_nest(&ast, &span(0, src.len()));
            }
        }

        #[test]
        fn printing_and_reparsing_gives_the_same_tree(ast in arb_ast()) {
            let text = print(&ast);
            let parsed = parse(&text, limits(1 << 20, 64));
            let parsed = match parsed {
                Ok(parsed) => parsed,
                Err(e) => return Err(TestCaseError::fail(format!("`{text}` failed: {e:?}"))),
            };
            prop_assert_eq!(without_spans(&parsed), ast);
            prop_assert_eq!(parsed.span.clone(), span(0, text.len()));
            assert_spans_nest(&parsed, &parsed.span);
        }
    }
}
