//! Splits expression text into tokens.
//!
//! Mistakes that are visible in a few characters (`=`, `<>`, a lone `&`, an
//! unterminated text, a non-ASCII id) are reported here, where the exact
//! characters are at hand, so the parser only deals with the order of tokens.

use super::ast::{Span, SyntaxError};

/// What a token is; the payload of literals is already decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Number(f64),
    Str(String),
    /// A possibly dotted name such as `working.need_for_change`.
    Ident(String),
    True,
    False,
    In,
    OrOr,
    AndAnd,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Bang,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

/// A token with the byte range of its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Splits `src` into tokens, stopping at the first lexical mistake.
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
    };
    while let Some(c) = lexer.peek() {
        match c {
            ' ' | '\t' | '\n' | '\r' => lexer.pos += 1,
            '0'..='9' => lexer.number()?,
            '\'' | '"' => lexer.string(c)?,
            // Non-ASCII letters start a word too, so that the whole word can
            // be named in the error rather than just its first letter.
            c if c == '_' || c.is_alphabetic() => lexer.word()?,
            _ => lexer.symbol(c)?,
        }
    }
    Ok(lexer.tokens)
}

/// Builds a syntax error (not a limit error).
pub(crate) fn error(
    message: impl Into<String>,
    help: impl Into<String>,
    span: Span,
) -> SyntaxError {
    SyntaxError {
        message: message.into(),
        help: Some(help.into()),
        span,
        limit: false,
    }
}

/// Converts byte offsets to a span; offsets beyond `u32` saturate rather
/// than wrap, so a span never points before where it should.
pub(crate) fn span(start: usize, end: usize) -> Span {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    clamp(start)..clamp(end)
}

/// Characters that may continue a word; non-ASCII ones are accepted here
/// only to be rejected with the whole word in view.
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The character after the next one.
    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn text(&self, start: usize) -> &str {
        self.src.get(start..self.pos).unwrap_or_default()
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: span(start, self.pos),
        });
    }

    fn eat_while(&mut self, pred: impl Fn(char) -> bool) {
        while let Some(c) = self.peek().filter(|&c| pred(c)) {
            self.pos += c.len_utf8();
        }
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        if self.peek() == Some('.') {
            if self.peek_second().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
                self.eat_while(|c| c.is_ascii_digit());
            } else {
                let whole = self.text(start).to_owned();
                self.pos += 1;
                return Err(error(
                    format!("the number `{whole}.` ends with a `.`"),
                    format!(
                        "write digits after the `.`, as in `{whole}.5`, or leave the `.` out: `{whole}`"
                    ),
                    span(start, self.pos),
                ));
            }
        }
        if self.peek() == Some('.') {
            self.eat_while(|c| c == '.' || c.is_ascii_digit());
            return Err(error(
                format!("`{}` is not a number", self.text(start)),
                "a number has at most one `.`, as in `2.5`",
                span(start, self.pos),
            ));
        }
        if self.peek().is_some_and(is_word_char) {
            self.eat_while(is_word_char);
            return Err(error(
                format!("`{}` is neither a number nor an id", self.text(start)),
                "an id must start with a letter or `_`; a number has only digits, as in `3` or `2.5`",
                span(start, self.pos),
            ));
        }
        let text = self.text(start);
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => {
                self.push(Tok::Number(value), start);
                Ok(())
            }
            _ => Err(error(
                format!("the number `{}` is too large", shorten(text)),
                "write a smaller number",
                span(start, self.pos),
            )),
        }
    }

    fn string(&mut self, quote: char) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(unterminated(quote, start));
            };
            self.pos += c.len_utf8();
            if c == quote {
                break;
            }
            if c != '\\' {
                value.push(c);
                continue;
            }
            let escape_start = self.pos - 1;
            let Some(e) = self.peek() else {
                return Err(unterminated(quote, start));
            };
            self.pos += e.len_utf8();
            value.push(match e {
                '\\' | '\'' | '"' => e,
                'n' => '\n',
                't' => '\t',
                _ => return Err(unknown_escape(e, span(escape_start, self.pos))),
            });
        }
        self.push(Tok::Str(value), start);
        Ok(())
    }

    fn word(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        loop {
            self.eat_while(is_word_char);
            // A dot joins parts only when a part follows at once, so that
            // `a .b` and `a. b` are reported instead of silently accepted.
            if self.peek() == Some('.') && self.peek_second().is_some_and(is_word_char) {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = self.text(start);
        if let Some(bad) = text.chars().find(|c| !c.is_ascii()) {
            return Err(error(
                format!("the id `{text}` contains `{bad}`, which is not allowed in ids"),
                "ids may only use the letters a-z and A-Z, the digits 0-9 and `_` (letters inside quoted text are fine)",
                span(start, self.pos),
            ));
        }
        if text
            .split('.')
            .any(|part| part.starts_with(|c: char| c.is_ascii_digit()))
        {
            return Err(error(
                format!("`{text}` is not a valid id"),
                "each part of a dotted id must start with a letter or `_`, as in `working.need_for_change`",
                span(start, self.pos),
            ));
        }
        if self.peek() == Some('.') {
            let text = text.to_owned();
            self.pos += 1;
            return Err(error(
                format!("the id `{text}.` ends with a `.`"),
                "write the next part right after the `.`, with no space, as in `working.need_for_change`, or leave the `.` out",
                span(start, self.pos),
            ));
        }
        let tok = match text {
            "true" => Tok::True,
            "false" => Tok::False,
            "in" => Tok::In,
            _ => Tok::Ident(text.to_owned()),
        };
        self.push(tok, start);
        Ok(())
    }

    /// Lexes operators and punctuation, catching look-alikes from other
    /// languages (`=`, `===`, `<>`, `&`, `|`) with what to write instead.
    fn symbol(&mut self, c: char) -> Result<(), SyntaxError> {
        const ONE_CHAR: [(char, Tok); 9] = [
            ('+', Tok::Plus),
            ('-', Tok::Minus),
            ('*', Tok::Star),
            ('/', Tok::Slash),
            ('(', Tok::LParen),
            (')', Tok::RParen),
            ('[', Tok::LBracket),
            (']', Tok::RBracket),
            (',', Tok::Comma),
        ];
        let start = self.pos;
        if let Some((_, tok)) = ONE_CHAR.iter().find(|(ch, _)| *ch == c) {
            self.pos += 1;
            self.push(tok.clone(), start);
            return Ok(());
        }
        let (len, outcome) = self.operator(c);
        self.pos += len;
        match outcome {
            Ok(tok) => {
                self.push(tok, start);
                Ok(())
            }
            Err((message, help)) => Err(error(message, help, span(start, self.pos))),
        }
    }

    /// Recognises a multi-character operator or one of its look-alikes at
    /// the current position: returns its length in bytes and the token or
    /// the message and help of the mistake.
    fn operator(&self, c: char) -> (usize, Result<Tok, (String, String)>) {
        let rest = self.rest();
        let mistake = |len: usize, message: &str, help: &str| {
            (len, Err((message.to_owned(), help.to_owned())))
        };
        match c {
            '|' if rest.starts_with("||") => (2, Ok(Tok::OrOr)),
            '|' => mistake(1, "`|` alone is not an operator", "write `||` for \"or\""),
            '&' if rest.starts_with("&&") => (2, Ok(Tok::AndAnd)),
            '&' => mistake(1, "`&` alone is not an operator", "write `&&` for \"and\""),
            '=' if rest.starts_with("===") => mistake(3, "`===` is not an operator", "write `==`"),
            '=' if rest.starts_with("==") => (2, Ok(Tok::EqEq)),
            '=' if rest.starts_with("=>") => mistake(2, "`=>` is not a comparison", "write `>=`"),
            '=' if rest.starts_with("=<") => mistake(2, "`=<` is not a comparison", "write `<=`"),
            '=' => mistake(
                1,
                "`=` is not a comparison",
                "`=` is assignment in many languages; here write `==`",
            ),
            '!' if rest.starts_with("!==") => mistake(3, "`!==` is not an operator", "write `!=`"),
            '!' if rest.starts_with("!=") => (2, Ok(Tok::NotEq)),
            '!' => (1, Ok(Tok::Bang)),
            '<' if rest.starts_with("<>") => mistake(
                2,
                "`<>` is not an operator",
                "write `!=` for \"is not equal to\"",
            ),
            '<' if rest.starts_with("<=") => (2, Ok(Tok::Le)),
            '<' => (1, Ok(Tok::Lt)),
            '>' if rest.starts_with(">=") => (2, Ok(Tok::Ge)),
            '>' => (1, Ok(Tok::Gt)),
            '.' if self.peek_second().is_some_and(|d| d.is_ascii_digit()) => {
                let digits = rest
                    .get(1..)
                    .unwrap_or_default()
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                let text = rest.get(..=digits).unwrap_or_default();
                (
                    1 + digits,
                    Err((
                        format!("the number `{text}` starts with a `.`"),
                        format!("write a digit before the `.`: `0{text}`"),
                    )),
                )
            }
            '.' => mistake(
                1,
                "unexpected `.`",
                "a `.` only joins the parts of a dotted id, with no spaces around it, as in `working.need_for_change`",
            ),
            _ => (c.len_utf8(), Err(unexpected_char(c))),
        }
    }
}

fn unterminated(quote: char, start: usize) -> SyntaxError {
    error(
        format!("this text is never closed: there is no `{quote}` to end it"),
        format!("add a `{quote}` at the end of the text"),
        span(start, start + 1),
    )
}

fn unknown_escape(escaped: char, at: Span) -> SyntaxError {
    error(
        format!("`\\{escaped}` is not a known escape in a text"),
        "write `\\\\` for a backslash; the escapes are `\\\\`, `\\'`, `\\\"`, `\\n` (new line) and `\\t` (tab)",
        at,
    )
}

/// Message and help for a character that starts no token, naming it so the
/// reader can find it even when it is invisible or looks like another.
fn unexpected_char(c: char) -> (String, String) {
    let invisible = c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}');
    if invisible {
        return (
            format!("unexpected invisible character U+{:04X}", u32::from(c)),
            "delete it; if it sits between two words, type a plain space instead".to_owned(),
        );
    }
    let name = if c.is_ascii() {
        format!("`{c}`")
    } else {
        format!("`{c}` (U+{:04X})", u32::from(c))
    };
    let help = match c {
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{ab}'
        | '\u{bb}' => "write text between straight quotes, `\"...\"` or `'...'`",
        '\u{2260}' => "write `!=`",
        '\u{2264}' => "write `<=`",
        '\u{2265}' => "write `>=`",
        '\u{2013}' | '\u{2014}' | '\u{2212}' => "write a plain minus `-`",
        '\u{d7}' => "write `*`",
        '\u{f7}' => "write `/`",
        _ => "remove it; if it belongs to a text, put the text in quotes, as in `\"...\"`",
    };
    (format!("unexpected character {name}"), help.to_owned())
}

/// Shortens a piece of source text for a message, on a character boundary.
pub(crate) fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}
