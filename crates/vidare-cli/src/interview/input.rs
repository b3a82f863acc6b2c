//! Typed answers: one line of text turned into a command or an answer
//! value. The conversion only picks the value's shape (yes/no, number,
//! option value); whether it fits the item is the core's decision, so a
//! line that fits no shape is passed on as text and the core's error says
//! what the item accepts.

use vidare::{Value, format::ItemKind, questionnaire::ItemRef};

use super::Command;
use crate::ui::Ui;

/// The commands as typed.
pub(crate) const COMMANDS: &str = ":back, :decline, :dontknow, :skip or :quit";

/// Reads one line as the response to `item`. An empty line takes the
/// suggested answer when there is one.
///
/// # Errors
/// An unknown `:command` or a number outside the list; the refusal never
/// repeats the line.
pub(crate) fn parse(
    item: ItemRef<'_>,
    line: &str,
    suggestion: Option<&Value>,
) -> Result<Command, Refusal> {
    let line = line.trim();
    if let Some(command) = line.strip_prefix(':') {
        return match command.trim().to_lowercase().as_str() {
            "back" => Ok(Command::Back),
            "decline" => Ok(Command::Decline),
            "dontknow" => Ok(Command::DontKnow),
            "skip" => Ok(Command::Skip),
            "quit" => Ok(Command::Quit),
            // The line is not repeated: it may be an answer.
            _ => Err(Refusal::UnknownCommand),
        };
    }
    if line.is_empty()
        && let Some(v) = suggestion
    {
        return Ok(Command::Answer(v.clone()));
    }
    Ok(Command::Answer(match item.kind() {
        ItemKind::YesNo => match line.to_lowercase().as_str() {
            "yes" | "y" | "ja" | "j" | "true" => Value::Bool(true),
            "no" | "n" | "nej" | "false" => Value::Bool(false),
            _ => Value::Text(line.into()),
        },
        ItemKind::Scale | ItemKind::Number => number(line),
        ItemKind::SingleChoice => Value::Text(option(item, line)?.into()),
        ItemKind::MultipleChoice => Value::List(
            line.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| option(item, s).map(Into::into))
                .collect::<Result<_, _>>()?,
        ),
        ItemKind::Text | ItemKind::Date | ItemKind::Info => Value::Text(line.into()),
    }))
}

/// A number, accepting a decimal comma; otherwise the text as given.
fn number(line: &str) -> Value {
    line.replace(',', ".")
        .parse::<f64>()
        .map_or_else(|_| Value::Text(line.into()), Value::Number)
}

/// An option chosen by its number in the list or by its value. A word of
/// digits is always the number as listed, from 1, whatever the values
/// look like: with the values "0" to "3", `1` is the first option ("0"),
/// never the second. `=` before a word makes it a value (`=1`); any other
/// word is a value as written. A value that is no option is passed on as
/// text, for the core to refuse with the item's values.
///
/// # Errors
/// A number outside the list. The message does not repeat the line.
fn option(item: ItemRef<'_>, text: &str) -> Result<String, Refusal> {
    if let Some(value) = text.strip_prefix('=') {
        return Ok(value.trim().to_owned());
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.to_owned());
    }
    let count = item.options().count();
    text.parse::<usize>()
        .ok()
        .and_then(|n| item.options().nth(n.checked_sub(1)?))
        .map(|o| o.value.to_owned())
        .ok_or_else(|| out_of_list(item, count))
}

/// Why a number is no option: the numbers there are, and how to type a
/// value that is written in digits.
fn out_of_list(item: ItemRef<'_>, count: usize) -> Refusal {
    Refusal::OutOfList {
        count,
        digits: item
            .options()
            .find(|o| o.value.bytes().all(|b| b.is_ascii_digit()))
            .map(|o| o.value.to_owned()),
    }
}

/// Why a typed line is no response, said in the interview's language.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    /// A `:` line that is no command.
    UnknownCommand,
    /// A number outside the list; `digits` is an option value written in
    /// digits, which would be typed with `=`.
    OutOfList {
        count: usize,
        digits: Option<String>,
    },
}

impl Refusal {
    /// The message, without the line that was typed.
    pub(crate) fn message(&self, ui: &Ui) -> String {
        match self {
            Refusal::UnknownCommand => ui.unknown_command.replace("{commands}", COMMANDS),
            Refusal::OutOfList { count, digits } => {
                let numbered = if *count == 1 {
                    ui.only_option.to_owned()
                } else {
                    ui.options_numbered.replace("{n}", &count.to_string())
                };
                match digits {
                    Some(value) => format!("{numbered}; {}", ui.by_value.replace("{value}", value)),
                    None => format!("{numbered}, {}", ui.or_value),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> vidare::Questionnaire {
        vidare::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/1.0.0.yaml"
        ))
        .unwrap()
    }

    fn answer(c: Command) -> Value {
        match c {
            Command::Answer(v) => v,
            other => panic!("not an answer: {other:?}"),
        }
    }

    #[test]
    fn yes_no_in_both_languages() {
        let q = q();
        let alone = q.item("alone").unwrap();
        assert_eq!(answer(parse(alone, "Ja", None).unwrap()), Value::Bool(true));
        assert_eq!(
            answer(parse(alone, " no ", None).unwrap()),
            Value::Bool(false)
        );
        assert_eq!(
            answer(parse(alone, "maybe", None).unwrap()),
            Value::from("maybe")
        );
    }

    #[test]
    fn options_by_value_or_number() {
        let q = q();
        let interpreter = q.item("interpreter").unwrap();
        assert_eq!(
            answer(parse(interpreter, "2", None).unwrap()),
            Value::from("professional")
        );
        assert_eq!(
            answer(parse(interpreter, "none", None).unwrap()),
            Value::from("none")
        );
        assert_eq!(
            answer(parse(interpreter, "=professional", None).unwrap()),
            Value::from("professional")
        );
        assert_eq!(
            answer(parse(interpreter, "relativ", None).unwrap()),
            Value::from("relativ"),
            "a word that is no value goes to the core, which lists the values"
        );
        let refused = parse(interpreter, "9", None).unwrap_err();
        assert_eq!(
            refused.message(crate::ui::for_language("en")),
            "the options are numbered 1 to 3, or give an option's value"
        );
        assert_eq!(
            refused.message(crate::ui::for_language("sv")),
            "alternativen är numrerade 1 till 3, eller ange ett alternativs värde"
        );
    }

    #[test]
    fn commands_and_suggestions() {
        let q = q();
        let alone = q.item("alone").unwrap();
        assert!(matches!(parse(alone, ":back", None), Ok(Command::Back)));
        assert!(matches!(
            parse(alone, ":DontKnow", None),
            Ok(Command::DontKnow)
        ));
        let unknown = parse(alone, ":my partner hits me", None)
            .unwrap_err()
            .message(crate::ui::for_language("en"));
        assert!(unknown.contains(":quit"), "{unknown}");
        assert!(!unknown.contains("partner"), "{unknown}");
        let suggested = Value::Bool(false);
        assert_eq!(
            answer(parse(alone, "", Some(&suggested)).unwrap()),
            suggested
        );
    }
}
