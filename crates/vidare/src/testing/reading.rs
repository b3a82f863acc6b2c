//! Reading a step's answer as the questionnaire reads it: by the item's
//! kind. YAML alone cannot tell that `3_4` is an option value or that `no`
//! names an option rather than "false", but the item can: a choice takes
//! the text as written, a yes/no question takes `yes`/`no`, a number or
//! scale takes a number.

use crate::format::ItemKind;
use crate::questionnaire::Questionnaire;
use crate::value::Value;

/// The step's answer for `item`, or why it cannot be one. An item the
/// questionnaire does not have is left to the session to report.
pub(crate) fn by_kind(q: &Questionnaire, item: &str, value: &Value) -> Result<Value, String> {
    let Some(def) = q
        .inner
        .item_index
        .get(item)
        .map(|&i| &q.inner.items[i as usize])
    else {
        return Ok(value.clone());
    };
    let text = |s: String| Value::Text(s.into());
    match (def.kind, value) {
        (ItemKind::YesNo, Value::Text(s)) => yes_no(s).map(Value::Bool).ok_or_else(|| {
            format!(
                "`{item}` is a yes/no question, but the step gives {}; write yes or no (true or false)",
                describe(value)
            )
        }),
        (ItemKind::SingleChoice | ItemKind::Text | ItemKind::Date, Value::Number(n)) => {
            Ok(text(n.to_string()))
        }
        (ItemKind::SingleChoice | ItemKind::Text | ItemKind::Date, Value::Bool(b)) => {
            Ok(text(b.to_string()))
        }
        (ItemKind::Scale | ItemKind::Number, Value::Text(s)) => {
            s.trim().parse::<f64>().map(Value::Number).map_err(|_| {
                format!(
                    "`{item}` takes a number, but the step gives {}",
                    describe(value)
                )
            })
        }
        _ => Ok(value.clone()),
    }
}

/// The YAML words for yes and no, in any case.
fn yes_no(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "on" => Some(true),
        "no" | "n" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// What a step gives, for a message: "the text \"maybe\"", "the number 34".
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Bool(b) => format!("the yes/no answer {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Text(s) => format!("the text {s:?}"),
        Value::List(items) => format!("the list [{}]", items.join(", ")),
    }
}

/// Whether a written expectation means the same as an actual value: a
/// derived yes/no written `no` is read as false, as an answer step is.
pub(crate) fn same_yes_no(written: &Value, actual: &Value) -> bool {
    match (written, actual) {
        (Value::Text(s), Value::Bool(b)) => yes_no(s) == Some(*b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_words_in_any_case() {
        assert_eq!(yes_no("No"), Some(false));
        assert_eq!(yes_no("YES"), Some(true));
        assert_eq!(yes_no("maybe"), None);
        assert!(same_yes_no(&Value::Text("no".into()), &Value::Bool(false)));
        assert!(!same_yes_no(&Value::Text("no".into()), &Value::Bool(true)));
    }

    #[test]
    fn describing_values() {
        assert_eq!(describe(&Value::Number(34.0)), "the number 34");
        assert_eq!(describe(&Value::Text("3_4".into())), "the text \"3_4\"");
    }
}
