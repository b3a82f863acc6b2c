//! Responses read one per line from piped input; questions printed to
//! standard output. The lines themselves are never echoed. A line is read
//! up to [`MAX_LINE`] bytes: the rest of a longer one is passed over
//! without being kept, so no input can fill the memory.

use std::io::{BufRead, Write};
use std::path::Path;

use super::{Asking, Command, Frontend, Unsaved, input};
use crate::show;
use crate::ui::Ui;

/// The longest line read, in bytes: far more than any answer.
pub(crate) const MAX_LINE: usize = 64 * 1024;

pub(crate) struct Scripted<R> {
    lines: R,
    /// Lines read so far, to say where a refused one is.
    read: usize,
}

/// One line of input, or why it is not read.
enum Line {
    Text(String),
    TooLong,
    NotUtf8,
    End,
}

impl<R: BufRead> Scripted<R> {
    pub(crate) fn new(lines: R) -> Self {
        Scripted { lines, read: 0 }
    }

    /// The next line, without its line break.
    fn line(&mut self) -> std::io::Result<Line> {
        let mut bytes = Vec::new();
        let mut too_long = false;
        loop {
            let buffer = self.lines.fill_buf()?;
            if buffer.is_empty() {
                if bytes.is_empty() && !too_long {
                    return Ok(Line::End);
                }
                break;
            }
            let end = buffer.iter().position(|&b| b == b'\n');
            let chunk = &buffer[..end.unwrap_or(buffer.len())];
            if bytes.len() + chunk.len() > MAX_LINE {
                too_long = true;
                bytes = Vec::new();
            } else if !too_long {
                bytes.extend_from_slice(chunk);
            }
            let used = end.map_or(buffer.len(), |e| e + 1);
            self.lines.consume(used);
            if end.is_some() {
                break;
            }
        }
        self.read += 1;
        if too_long {
            return Ok(Line::TooLong);
        }
        Ok(String::from_utf8(bytes).map_or(Line::NotUtf8, Line::Text))
    }
}

impl<R: BufRead> Frontend for Scripted<R> {
    fn ask(&mut self, out: &mut dyn Write, asking: &Asking<'_>) -> anyhow::Result<Option<Command>> {
        if !asking.again {
            write!(out, "{}", show::question(asking))?;
            out.flush()?;
        }
        loop {
            let line = self
                .line()
                .map_err(|e| anyhow::anyhow!("cannot read the answers from standard input: {e}"))?;
            let message = match line {
                Line::End => return Ok(None),
                Line::Text(line) => {
                    match input::parse(asking.item, &line, asking.suggestion.as_ref()) {
                        Ok(command) => return Ok(Some(command)),
                        Err(refusal) => refusal.message(asking.ui),
                    }
                }
                Line::TooLong => asking
                    .ui
                    .line_too_long
                    .replace("{n}", &self.read.to_string())
                    .replace("{max}", &MAX_LINE.to_string()),
                Line::NotUtf8 => asking.ui.not_utf8.replace("{n}", &self.read.to_string()),
            };
            eprintln!("{}: {message}", asking.ui.not_accepted);
        }
    }

    fn unsaved_quit(&mut self, _ui: &Ui, _suggested: Option<&Path>) -> anyhow::Result<Unsaved> {
        // Nobody can be asked: the script said :quit and gave no --save.
        Ok(Unsaved::Discard)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read as _};

    use super::*;

    fn text(line: Line) -> String {
        match line {
            Line::Text(text) => text,
            Line::TooLong => "<too long>".to_owned(),
            Line::NotUtf8 => "<not UTF-8>".to_owned(),
            Line::End => "<end>".to_owned(),
        }
    }

    #[test]
    fn a_line_longer_than_the_cap_is_passed_over_and_the_next_read() {
        // 200 MB without a line break, then an answer.
        let long = std::io::repeat(b'a').take(200 << 20);
        let input = long.chain(&b"\nyes\r\nno"[..]);
        let mut scripted = Scripted::new(BufReader::new(input));
        let lines: Vec<String> = std::iter::from_fn(|| {
            let line = scripted.line().unwrap();
            (!matches!(line, Line::End)).then(|| text(line))
        })
        .collect();
        assert_eq!(lines, ["<too long>", "yes\r", "no"]);
        assert_eq!(scripted.read, 3);
    }

    #[test]
    fn a_line_of_exactly_the_cap_is_read() {
        let mut input = vec![b'x'; MAX_LINE];
        input.extend_from_slice(b"\n\xff\n");
        let mut scripted = Scripted::new(&input[..]);
        assert_eq!(text(scripted.line().unwrap()).len(), MAX_LINE);
        assert_eq!(text(scripted.line().unwrap()), "<not UTF-8>");
        assert_eq!(text(scripted.line().unwrap()), "<end>");
    }
}
