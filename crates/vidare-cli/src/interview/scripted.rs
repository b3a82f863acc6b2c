//! Responses read one per line from piped input; questions printed to
//! standard output. The lines themselves are never echoed.

use std::io::{BufRead, Write};
use std::path::Path;

use super::{Asking, Command, Frontend, Unsaved, input};
use crate::show;
use crate::ui::Ui;

pub(crate) struct Scripted<R> {
    lines: R,
}

impl<R: BufRead> Scripted<R> {
    pub(crate) fn new(lines: R) -> Self {
        Scripted { lines }
    }
}

impl<R: BufRead> Frontend for Scripted<R> {
    fn ask(&mut self, out: &mut dyn Write, asking: &Asking<'_>) -> anyhow::Result<Option<Command>> {
        if !asking.again {
            write!(
                out,
                "{}",
                show::question(
                    asking.item,
                    asking.lang,
                    asking.ui,
                    asking.progress,
                    asking.suggestion.as_ref()
                )
            )?;
            out.flush()?;
        }
        loop {
            let mut line = String::new();
            let read = self
                .lines
                .read_line(&mut line)
                .map_err(|e| anyhow::anyhow!("cannot read the answers from standard input: {e}"))?;
            if read == 0 {
                return Ok(None);
            }
            match input::parse(asking.item, &line, asking.suggestion.as_ref()) {
                Ok(command) => return Ok(Some(command)),
                Err(message) => eprintln!("not accepted: {message}"),
            }
        }
    }

    fn unsaved_quit(&mut self, _ui: &Ui, _suggested: Option<&Path>) -> anyhow::Result<Unsaved> {
        // Nobody can be asked: the script said :quit and gave no --save.
        Ok(Unsaved::Discard)
    }
}
