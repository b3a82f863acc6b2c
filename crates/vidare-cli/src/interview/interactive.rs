//! Prompts on a terminal (inquire): choices as menus with the commands
//! at the end, typed answers with the commands typed as in scripted
//! input. Esc goes back and Ctrl-C quits at every prompt.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use inquire::{InquireError, MultiSelect, Select, Text};
use vidare::{ItemKind, ItemRef, Value};

use super::{Asking, Command, Frontend, Unsaved, input};
use crate::show;
use crate::ui::Ui;

pub(crate) struct Interactive;

/// One line of a menu: an answer or a command.
enum Choice {
    Answer(Value, String),
    Command(Command, &'static str),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Answer(_, label) => f.write_str(label),
            Choice::Command(_, label) => write!(f, "[{label}]"),
        }
    }
}

/// Scales with at most this many points are menus; wider ones are typed.
const MENU_POINTS: f64 = 21.0;

impl Frontend for Interactive {
    fn ask(&mut self, out: &mut dyn Write, asking: &Asking<'_>) -> anyhow::Result<Option<Command>> {
        let Asking { item, lang, ui, .. } = *asking;
        if !asking.again {
            writeln!(out, "\n{}", show::progress(item, asking.progress, ui))?;
            if let Some(line) = show::follows(asking) {
                writeln!(out, "{line}")?;
            }
            if let Some(help) = item.help(lang) {
                writeln!(out, "{help}")?;
            }
            out.flush()?;
        }
        let answers = menu_answers(item, lang, ui);
        let prompted = if item.kind() == ItemKind::MultipleChoice {
            multiple(asking, answers)
        } else if answers.is_empty() {
            typed(asking)
        } else {
            single(asking, answers)
        };
        match prompted {
            Ok(command) => Ok(Some(command)),
            Err(InquireError::OperationCanceled) => Ok(Some(Command::Back)),
            Err(InquireError::OperationInterrupted) => Ok(Some(Command::Quit)),
            Err(error) => Err(anyhow::anyhow!("the terminal prompt failed: {error}")),
        }
    }

    fn unsaved_quit(&mut self, ui: &Ui, suggested: Option<&Path>) -> anyhow::Result<Unsaved> {
        let choices = vec![ui.keep_going, ui.save_to_file, ui.discard];
        let question = format!("{}?", ui.quit);
        let chosen = match Select::new(&question, choices)
            .without_filtering()
            .with_help_message(ui.menu_help)
            .prompt()
        {
            Ok(chosen) => chosen,
            Err(InquireError::OperationCanceled) => return Ok(Unsaved::Continue),
            Err(InquireError::OperationInterrupted) => return Ok(Unsaved::Discard),
            Err(error) => anyhow::bail!("the terminal prompt failed: {error}"),
        };
        if chosen == ui.discard {
            return Ok(Unsaved::Discard);
        }
        if chosen == ui.keep_going {
            return Ok(Unsaved::Continue);
        }
        let default = suggested.map(|p| p.display().to_string());
        let mut prompt = Text::new(ui.save_where);
        if let Some(default) = &default {
            prompt = prompt.with_default(default);
        }
        Ok(match prompt.prompt() {
            Ok(path) if !path.trim().is_empty() => Unsaved::SaveTo(PathBuf::from(path.trim())),
            Ok(_) | Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => {
                Unsaved::Continue
            }
            Err(error) => anyhow::bail!("the terminal prompt failed: {error}"),
        })
    }
}

/// The answers of an item that is asked as a menu; empty for typed items.
fn menu_answers(item: ItemRef<'_>, lang: &str, ui: &Ui) -> Vec<Choice> {
    match item.kind() {
        ItemKind::YesNo => vec![
            Choice::Answer(Value::Bool(true), ui.yes.to_owned()),
            Choice::Answer(Value::Bool(false), ui.no.to_owned()),
        ],
        ItemKind::SingleChoice | ItemKind::MultipleChoice => item
            .options()
            .map(|o| Choice::Answer(Value::from(o.value), o.label(lang).to_owned()))
            .collect(),
        ItemKind::Scale => match item.range() {
            (Some(lo), Some(hi))
                if lo.fract() == 0.0 && hi.fract() == 0.0 && hi - lo < MENU_POINTS =>
            {
                let labels: Vec<(i64, &str)> = item.scale_labels(lang).collect();
                // The bounds are whole numbers below MENU_POINTS apart.
                #[allow(clippy::cast_possible_truncation)]
                (lo as i64..=hi as i64)
                    .map(|point| {
                        let label = match labels.iter().find(|(p, _)| *p == point) {
                            Some((_, label)) => format!("{point} – {label}"),
                            None => point.to_string(),
                        };
                        #[allow(clippy::cast_precision_loss)]
                        Choice::Answer(Value::Number(point as f64), label)
                    })
                    .collect()
            }
            _ => Vec::new(),
        },
        ItemKind::Number | ItemKind::Text | ItemKind::Date | ItemKind::Info => Vec::new(),
    }
}

fn command_choices(asking: &Asking<'_>) -> impl Iterator<Item = Choice> {
    show::commands(asking.item, asking.ui)
        .into_iter()
        .map(|(command, _, label)| Choice::Command(command, label))
}

fn single(asking: &Asking<'_>, answers: Vec<Choice>) -> Result<Command, InquireError> {
    let cursor = asking
        .suggestion
        .as_ref()
        .and_then(|s| {
            answers
                .iter()
                .position(|c| matches!(c, Choice::Answer(v, _) if v == s))
        })
        .unwrap_or(0);
    let mut choices: Vec<Choice> = answers.into_iter().chain(command_choices(asking)).collect();
    if let (Some(Choice::Answer(_, label)), Some(_)) = (choices.get_mut(cursor), &asking.suggestion)
    {
        *label = format!("{label} ({})", asking.ui.suggested);
    }
    let chosen = Select::new(asking.item.text(asking.lang), choices)
        .with_starting_cursor(cursor)
        .with_help_message(asking.ui.keys_help)
        .with_page_size(12)
        .prompt()?;
    Ok(match chosen {
        Choice::Answer(value, _) => Command::Answer(value),
        Choice::Command(command, _) => command,
    })
}

fn multiple(asking: &Asking<'_>, answers: Vec<Choice>) -> Result<Command, InquireError> {
    let suggested: Vec<usize> = match &asking.suggestion {
        Some(Value::List(values)) => answers
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Choice::Answer(Value::Text(v), _) if values.contains(v)))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    };
    let choices: Vec<Choice> = answers.into_iter().chain(command_choices(asking)).collect();
    let ui = asking.ui;
    let chosen = MultiSelect::new(asking.item.text(asking.lang), choices)
        .with_default(&suggested)
        .with_help_message(ui.multi_help)
        .with_page_size(12)
        .with_validator(
            move |marked: &[inquire::list_option::ListOption<&Choice>]| {
                let commands = marked
                    .iter()
                    .filter(|o| matches!(o.value, Choice::Command(..)))
                    .count();
                Ok(if commands > 0 && marked.len() > 1 {
                    inquire::validator::Validation::Invalid(ui.choose_one.into())
                } else {
                    inquire::validator::Validation::Valid
                })
            },
        )
        .prompt()?;
    let mut values = Vec::new();
    for choice in chosen {
        match choice {
            Choice::Command(command, _) => return Ok(command),
            Choice::Answer(Value::Text(value), _) => values.push(value),
            Choice::Answer(..) => {}
        }
    }
    Ok(Command::Answer(Value::List(values)))
}

fn typed(asking: &Asking<'_>) -> Result<Command, InquireError> {
    let Asking { item, lang, ui, .. } = *asking;
    let spelled: Vec<&str> = show::commands(item, ui)
        .iter()
        .map(|(_, c, _)| *c)
        .filter(|c| *c != ":back" && *c != ":quit")
        .collect();
    let mut help = show::accepts(item, lang, ui);
    if !spelled.is_empty() {
        help = format!("{help} · {}", spelled.join(" "));
    }
    help = format!("{help} · {}", ui.typed_help);
    let default = asking.suggestion.as_ref().map(|v| show::value(v, ui));
    loop {
        let mut prompt = Text::new(item.text(lang)).with_help_message(&help);
        if let Some(default) = &default {
            prompt = prompt.with_default(default);
        }
        let line = prompt.prompt()?;
        match input::parse(item, &line, asking.suggestion.as_ref()) {
            Ok(command) => return Ok(command),
            Err(message) => eprintln!("not accepted: {message}"),
        }
    }
}
