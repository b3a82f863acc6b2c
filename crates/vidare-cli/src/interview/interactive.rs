//! Prompts on a terminal (inquire): choices as menus with the commands
//! at the end, typed answers with the commands typed as in scripted
//! input. Esc goes back and Ctrl-C quits at every prompt.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use inquire::list_option::ListOption;
use inquire::validator::Validation;
use inquire::{InquireError, MultiSelect, Select, Text};
use vidare::{Response, Value, format::ItemKind, questionnaire::ItemRef};

use super::{Asking, Command, Frontend, Unsaved, input};
use crate::interpreter::Person;
use crate::show;
use crate::ui::Ui;
use crate::width;

pub(crate) struct Interactive;

/// One line of a menu: an answer, a command, or the line a menu starts
/// on, which answers nothing, so that Enter alone never gives an answer.
enum Choice {
    Answer(Value, String),
    Command(Command, String),
    Unpicked(&'static str),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Answer(_, label) => f.write_str(label),
            Choice::Command(_, label) => write!(f, "[{label}]"),
            Choice::Unpicked(label) => f.write_str(label),
        }
    }
}

/// Text broken at spaces to fit the terminal after the `indent` columns
/// the prompt puts before it, its further lines indented as far, so the
/// prompt library never breaks a word.
fn fit(text: &str, indent: usize) -> String {
    let lines = width::wrap(text, width::columns().saturating_sub(indent));
    let lines = width::balance_isolates(lines)
        .iter()
        .map(|line| crate::interpreter::isolate_runs(line))
        .collect::<Vec<_>>();
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// The question: the practitioner's text, and in interpreter mode the
/// person's on the lines after it.
fn question(asking: &Asking<'_>) -> String {
    let mine = fit(asking.item.text(asking.lang), 2);
    match show::person(asking) {
        Some(p) => format!("{mine}\n  {}", fit(&p.line(asking.item.text(&p.lang)), 2)),
        None => mine,
    }
}

/// An answer's label, and the person's beside it in interpreter mode.
fn label(mine: &str, person: Option<&Person>, theirs: impl FnOnce(&Person) -> String) -> String {
    match person {
        Some(p) => format!("{mine} · {}", theirs(p)),
        None => mine.to_owned(),
    }
}

/// Fits the menu's answer labels after `indent` columns (the cursor, and
/// a checkbox in a multiple choice).
fn fit_labels(choices: &mut [Choice], indent: usize) {
    for choice in choices {
        if let Choice::Answer(_, label) = choice {
            *label = fit(label, indent);
        }
    }
}

impl Choice {
    /// Whether this line gives `response`.
    fn gives(&self, response: &Response) -> bool {
        match (self, response) {
            (Choice::Answer(v, _), Response::Answer(given)) => v == given,
            (Choice::Command(Command::Decline, _), Response::Declined)
            | (Choice::Command(Command::DontKnow, _), Response::DontKnow)
            | (Choice::Command(Command::Skip, _), Response::Skipped) => true,
            _ => false,
        }
    }
}

/// Scales with at most this many points are menus; wider ones are typed.
const MENU_POINTS: f64 = 21.0;

impl Frontend for Interactive {
    fn ask(&mut self, out: &mut dyn Write, asking: &Asking<'_>) -> anyhow::Result<Option<Command>> {
        let Asking { item, lang, ui, .. } = *asking;
        if !asking.again {
            let progress = show::progress(item, asking.progress, ui);
            writeln!(out, "\n{}", width::fill(&progress, ""))?;
            if let Some(line) = show::follows(asking) {
                writeln!(out, "{}", width::fill(&line, ""))?;
            }
            if let Some(help) = item.help(lang) {
                writeln!(out, "{}", width::fill(help, ""))?;
                let person = show::person(asking);
                if let Some(theirs) = person.and_then(|p| item.help(&p.lang).map(|h| p.line(h))) {
                    writeln!(out, "{}", width::fill(&theirs, ""))?;
                }
            }
            out.flush()?;
        }
        let answers = menu_answers(item, lang, ui, show::person(asking));
        let prompted = if item.kind() == ItemKind::MultipleChoice {
            multiple(asking, answers)
        } else if answers.is_empty() {
            typed(asking)
        } else {
            single(asking)
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
fn menu_answers(item: ItemRef<'_>, lang: &str, ui: &Ui, person: Option<&Person>) -> Vec<Choice> {
    match item.kind() {
        ItemKind::YesNo => vec![
            Choice::Answer(
                Value::Bool(true),
                label(ui.yes, person, |p| p.phrase(p.phrases.yes)),
            ),
            Choice::Answer(
                Value::Bool(false),
                label(ui.no, person, |p| p.phrase(p.phrases.no)),
            ),
        ],
        ItemKind::SingleChoice | ItemKind::MultipleChoice => item
            .options()
            .map(|o| {
                let text = label(o.label(lang), person, |p| p.isolate(o.label(&p.lang)));
                Choice::Answer(Value::from(o.value), text)
            })
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
                            Some((_, mine)) => {
                                let theirs = label(mine, person, |p| {
                                    let found =
                                        item.scale_labels(&p.lang).find(|(q, _)| *q == point);
                                    p.isolate(found.map_or("", |(_, t)| t))
                                });
                                format!("{point} – {theirs}")
                            }
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
    let person = show::person(asking);
    show::commands(asking.item, asking.ui)
        .into_iter()
        .map(move |(command, _, mine)| {
            // The person chooses to decline, not know or skip; going back
            // and quitting are the practitioner's.
            let theirs = person.and_then(|p| {
                let phrase = match command {
                    Command::Decline => p.phrases.decline,
                    Command::DontKnow => p.phrases.dont_know,
                    Command::Skip => p.phrases.skip,
                    _ => return None,
                };
                Some(p.phrase(phrase))
            });
            let text = match theirs {
                Some(theirs) => format!("{mine} · {theirs}"),
                None => mine.to_owned(),
            };
            Choice::Command(command, text)
        })
}

/// A menu of one answer. It starts on the person's earlier response when
/// they went back to the question, else on a line that answers nothing; a
/// suggestion is only marked.
fn single(asking: &Asking<'_>) -> Result<Command, InquireError> {
    loop {
        let choices = menu(asking);
        let cursor = asking
            .earlier
            .as_ref()
            .and_then(|earlier| choices.iter().position(|c| c.gives(earlier)))
            .unwrap_or(0);
        let chosen = Select::new(&question(asking), choices)
            .with_formatter(&|chosen| match chosen.value {
                // Not written after the question as if it were an answer.
                Choice::Unpicked(_) => String::new(),
                other => other.to_string(),
            })
            .with_starting_cursor(cursor)
            .with_help_message(&fit(asking.ui.keys_help, 1))
            .with_page_size(12)
            .prompt()?;
        match chosen {
            Choice::Answer(value, _) => return Ok(Command::Answer(value)),
            Choice::Command(command, _) => return Ok(command),
            // Nothing was answered: the same menu again.
            Choice::Unpicked(_) => {}
        }
    }
}

/// The lines of a single-choice menu: the line that answers nothing, the
/// answers, the commands.
fn menu(asking: &Asking<'_>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = std::iter::once(Choice::Unpicked(asking.ui.pick_one))
        .chain(menu_answers(
            asking.item,
            asking.lang,
            asking.ui,
            show::person(asking),
        ))
        .chain(command_choices(asking))
        .collect();
    mark(&mut choices, asking);
    fit_labels(&mut choices, 2);
    choices
}

/// Marks the suggested answer and the earlier response in their labels.
fn mark(choices: &mut [Choice], asking: &Asking<'_>) {
    for choice in choices {
        let earlier = asking.earlier.as_ref().is_some_and(|e| choice.gives(e));
        let suggested =
            matches!((&*choice, &asking.suggestion), (Choice::Answer(v, _), Some(s)) if v == s);
        let note = match (earlier, suggested) {
            (true, _) => asking.ui.earlier,
            (false, true) => asking.ui.suggested,
            (false, false) => continue,
        };
        match choice {
            Choice::Answer(_, label) | Choice::Command(_, label) => {
                *label = format!("{label} ({note})");
            }
            Choice::Unpicked(_) => {}
        }
    }
}

/// A menu of several answers. Nothing is marked at the start unless the
/// person went back to it, and Enter with nothing marked answers nothing:
/// "none of these" is a line of its own.
fn multiple(asking: &Asking<'_>, answers: Vec<Choice>) -> Result<Command, InquireError> {
    let ui = asking.ui;
    let none = Choice::Answer(
        Value::List(Vec::new()),
        label(ui.none_of, show::person(asking), |p| {
            p.phrase(p.phrases.none_of)
        }),
    );
    let mut choices: Vec<Choice> = answers
        .into_iter()
        .chain([none])
        .chain(command_choices(asking))
        .collect();
    mark(&mut choices, asking);
    fit_labels(&mut choices, 6);
    let earlier = marked_before(&choices, asking.earlier.as_ref());
    let chosen = MultiSelect::new(&question(asking), choices)
        .with_default(&earlier)
        .with_help_message(&fit(ui.multi_help, 1))
        .with_page_size(12)
        .with_validator(move |marked: &[ListOption<&Choice>]| Ok(one_kind(marked, ui)))
        .prompt()?;
    let mut values = Vec::new();
    for choice in chosen {
        match choice {
            Choice::Command(command, _) => return Ok(command),
            Choice::Answer(Value::Text(value), _) => values.push(value),
            Choice::Answer(..) | Choice::Unpicked(_) => {}
        }
    }
    Ok(Command::Answer(Value::List(values)))
}

/// The lines of a multiple-choice menu to mark at the start: those of
/// the response given before going back.
fn marked_before(choices: &[Choice], earlier: Option<&Response>) -> Vec<usize> {
    let marks = |c: &Choice| match earlier {
        Some(Response::Answer(Value::List(values))) if !values.is_empty() => {
            matches!(c, Choice::Answer(Value::Text(v), _) if values.contains(v))
        }
        Some(response) => c.gives(response),
        None => false,
    };
    choices
        .iter()
        .enumerate()
        .filter(|(_, c)| marks(c))
        .map(|(i, _)| i)
        .collect()
}

/// Something marked, and options alone or one line that is not an option
/// ("None of these" or a command).
fn one_kind(marked: &[ListOption<&Choice>], ui: &Ui) -> Validation {
    let options = marked
        .iter()
        .filter(|o| matches!(o.value, Choice::Answer(Value::Text(_), _)))
        .count();
    match marked.len() {
        0 => Validation::Invalid(ui.mark_one.into()),
        n if n == options || n == 1 => Validation::Valid,
        _ => Validation::Invalid(ui.choose_one.into()),
    }
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
    if let Some(p) = show::person(asking)
        && let Some(words) = p.answer_words(item)
    {
        help = format!("{help} · {}", p.phrase_line(&words));
    }
    // A suggestion is shown, not given: an empty line is never an answer.
    let suggested = asking
        .suggestion
        .as_ref()
        .map(|v| format!("{} ({})", show::value(v, ui), ui.suggested));
    // Going back brings the earlier answer back, ready to edit.
    let earlier = match &asking.earlier {
        Some(Response::Answer(v)) => Some(show::value(v, ui)),
        _ => None,
    };
    let question = question(asking);
    // Drawn in brackets, so one column in.
    let help = fit(&help, 1);
    loop {
        let mut prompt = Text::new(&question).with_help_message(&help);
        if let Some(suggested) = &suggested {
            prompt = prompt.with_placeholder(suggested);
        }
        if let Some(earlier) = &earlier {
            prompt = prompt.with_initial_value(earlier);
        }
        let line = prompt.prompt()?;
        if line.trim().is_empty() {
            continue;
        }
        match input::parse(item, &line, None) {
            Ok(command) => return Ok(command),
            Err(refusal) => eprintln!("{}: {}", ui.not_accepted, refusal.message(ui)),
        }
    }
}
