//! Typed answers: one line of text turned into a command or an answer
//! value. The conversion only picks the value's shape (yes/no, number,
//! option value); whether it fits the item is the core's decision, so a
//! line that fits no shape is passed on as text and the core's error says
//! what the item accepts.

use vidare::{ItemKind, ItemRef, Value};

use super::Command;

/// The commands as typed.
pub(crate) const COMMANDS: &str = ":back, :decline, :dontknow, :skip or :quit";

/// Reads one line as the response to `item`. An empty line takes the
/// suggested answer when there is one.
///
/// # Errors
/// The message for an unknown `:command`, which never repeats the line.
pub(crate) fn parse(
    item: ItemRef<'_>,
    line: &str,
    suggestion: Option<&Value>,
) -> Result<Command, String> {
    let line = line.trim();
    if let Some(command) = line.strip_prefix(':') {
        return match command.trim().to_lowercase().as_str() {
            "back" => Ok(Command::Back),
            "decline" => Ok(Command::Decline),
            "dontknow" => Ok(Command::DontKnow),
            "skip" => Ok(Command::Skip),
            "quit" => Ok(Command::Quit),
            // The line is not repeated: it may be an answer.
            _ => Err(format!(
                "a line that starts with `:` is a command, and this is none; the commands are {COMMANDS}"
            )),
        };
    }
    if line.is_empty() {
        if let Some(v) = suggestion {
            return Ok(Command::Answer(v.clone()));
        }
    }
    Ok(Command::Answer(match item.kind() {
        ItemKind::YesNo => match line.to_lowercase().as_str() {
            "yes" | "y" | "ja" | "j" | "true" => Value::Bool(true),
            "no" | "n" | "nej" | "false" => Value::Bool(false),
            _ => Value::Text(line.to_owned()),
        },
        ItemKind::Scale | ItemKind::Number => number(line),
        ItemKind::SingleChoice => Value::Text(option(item, line)),
        ItemKind::MultipleChoice => Value::List(
            line.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| option(item, s))
                .collect(),
        ),
        ItemKind::Text | ItemKind::Date | ItemKind::Info => Value::Text(line.to_owned()),
    }))
}

/// A number, accepting a decimal comma; otherwise the text as given.
fn number(line: &str) -> Value {
    line.replace(',', ".")
        .parse::<f64>()
        .map_or_else(|_| Value::Text(line.to_owned()), Value::Number)
}

/// An option's value: the value as written, or the option's number
/// counted from 1; otherwise the text as given.
fn option(item: ItemRef<'_>, text: &str) -> String {
    if item.options().any(|o| o.value == text) {
        return text.to_owned();
    }
    text.parse::<usize>()
        .ok()
        .and_then(|n| item.options().nth(n.checked_sub(1)?))
        .map_or_else(|| text.to_owned(), |o| o.value.to_owned())
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
            answer(parse(interpreter, "9", None).unwrap()),
            Value::from("9")
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
        let unknown = parse(alone, ":my partner hits me", None).unwrap_err();
        assert!(unknown.contains(":quit"), "{unknown}");
        assert!(!unknown.contains("partner"), "{unknown}");
        let suggested = Value::Bool(false);
        assert_eq!(
            answer(parse(alone, "", Some(&suggested)).unwrap()),
            suggested
        );
    }
}
