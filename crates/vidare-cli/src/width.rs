//! Lines that fit the terminal: the width of standard output when it is
//! a terminal, text broken at spaces by the columns it takes on screen
//! (Unicode width: a wide character takes two, a combining mark none).

use std::io::IsTerminal as _;

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// The widest line printed, also when output is not a terminal.
pub(crate) const MAX: usize = 70;
/// Below this many columns, lines are broken as if there were this many.
const MIN: usize = 20;

/// The columns to fill: the terminal's, at most [`MAX`].
pub(crate) fn columns() -> usize {
    let terminal = std::io::stdout()
        .is_terminal()
        .then(crossterm::terminal::size)
        .and_then(Result::ok)
        .map(|(columns, _)| usize::from(columns))
        .filter(|&c| c > 0);
    terminal.map_or(MAX, |c| c.clamp(MIN, MAX))
}

/// `text` in lines that fit the terminal, indented by `indent`; as it is
/// when output is not a terminal, where a line break would be the
/// reader's to make.
pub(crate) fn fill(text: &str, indent: &str) -> String {
    if !std::io::stdout().is_terminal() {
        return format!("{indent}{text}");
    }
    let lines = balance_isolates(wrap(text, columns().saturating_sub(of(indent))));
    lines
        .iter()
        .map(|line| format!("{indent}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The columns `text` takes on screen.
pub(crate) fn of(text: &str) -> usize {
    text.width()
}

/// `text` broken into lines of at most `width` columns, at spaces; a word
/// wider than a line is broken inside.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = if line.is_empty() { 0 } else { of(&line) + 1 };
        if !line.is_empty() && needed + of(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if of(&line) + c.width().unwrap_or(0) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lines broken inside a bidi isolate (FSI … PDI, around right-to-left
/// text) each get their own: a terminal lays out every line on its own,
/// so an isolate left open at a line's end would leak into the next.
pub(crate) fn balance_isolates(lines: Vec<String>) -> Vec<String> {
    const FSI: char = '\u{2068}';
    const PDI: char = '\u{2069}';
    let mut open = false;
    lines
        .into_iter()
        .map(|line| {
            let mut out = String::with_capacity(line.len() + 6);
            if open {
                out.push(FSI);
            }
            for c in line.chars() {
                match c {
                    FSI => open = true,
                    PDI => open = false,
                    _ => {}
                }
                out.push(c);
            }
            if open {
                out.push(PDI);
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_whole_and_wide_characters_count_twice() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        // Six columns each: 日本語 does not fit beside another word in 8.
        assert_eq!(wrap("日本語 日本語", 8), ["日本語", "日本語"]);
        // Accents written as combining marks take no column.
        assert_eq!(wrap("cafe\u{301} ok", 7), ["cafe\u{301} ok"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert!(
            wrap("Tvåspråkig text som bryts", 10)
                .iter()
                .all(|l| of(l) <= 10)
        );
    }

    #[test]
    fn an_isolate_broken_across_lines_is_closed_and_reopened() {
        let lines = wrap("ar: \u{2068}كلمة أخرى\u{2069} 12", 10);
        assert_eq!(lines, ["ar: \u{2068}كلمة", "أخرى\u{2069} 12"]);
        assert_eq!(
            balance_isolates(lines),
            ["ar: \u{2068}كلمة\u{2069}", "\u{2068}أخرى\u{2069} 12"]
        );
    }
}
