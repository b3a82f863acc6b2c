//! A valid answer for any item, for scripted sessions: load tests,
//! benchmarks and demonstrations that walk a questionnaire without a person.

use crate::format::ItemKind;
use crate::questionnaire::ItemRef;
use crate::value::{SharedStr, Value};

/// An answer `item` accepts: yes to yes/no items, the first option of a
/// choice (alone, for multiple choice), the lowest value a scale or number
/// accepts, a short text and a fixed date. `None` for an information text,
/// which is never answered.
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let mut session = vidare::Session::new(&q);
/// while let vidare::Step::Ask(item) = session.next() {
///     let answer = vidare::testing::sample_answer(&item).expect("a question");
///     let id = item.id().to_owned();
///     session.answer(&id, answer)?;
/// }
/// assert!(session.is_finished());
/// # Ok(())
/// # }
/// ```
#[must_use]
pub fn sample_answer(item: &ItemRef<'_>) -> Option<Value> {
    let first = || item.options().next().map(|o| SharedStr::from(o.value));
    Some(match item.kind() {
        ItemKind::YesNo => Value::Bool(true),
        ItemKind::SingleChoice => Value::Text(first()?),
        ItemKind::MultipleChoice => Value::List(vec![first()?]),
        ItemKind::Scale | ItemKind::Number => Value::Number(lowest(item)),
        ItemKind::Text => Value::Text(SharedStr::from_static("a few words")),
        ItemKind::Date => Value::Text(SharedStr::from_static("2026-01-31")),
        ItemKind::Info => return None,
    })
}

/// The lowest number the item accepts (zero when it has no bounds).
fn lowest(item: &ItemRef<'_>) -> f64 {
    let (min, max) = item.range();
    let low = match (min, max) {
        (Some(min), _) => min,
        (None, Some(max)) if max < 0.0 => max,
        _ => 0.0,
    };
    // A whole-number item with a fractional bound takes the next whole
    // number inside it; the compiler guarantees there is one.
    if item.integer() { low.ceil() } else { low }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_answer(yaml_item: &str) -> Option<Value> {
        let source = format!(
            "format: 1\nid: t\nversion: 1.0.0\ntitle: {{ en: T }}\nlanguages: [en]\n\
             default_language: en\nsections:\n  - id: s\n    items:\n{yaml_item}"
        );
        let q = crate::compile(&source, "t.yaml").expect("compiles");
        let item = q.items().next().expect("one item");
        let answer = sample_answer(&item);
        if let Some(value) = &answer {
            let mut session = crate::Session::new(&q);
            session
                .answer(item.id(), value.clone())
                .expect("the sample answer is accepted");
        }
        answer
    }

    #[test]
    fn every_kind_gets_an_answer_it_accepts() {
        let yes = "      - id: a\n        kind: yes_no\n        text: { en: A? }\n";
        assert_eq!(item_answer(yes), Some(Value::Bool(true)));
        let negative =
            "      - id: a\n        kind: number\n        text: { en: A? }\n        max: -2.5\n";
        assert_eq!(item_answer(negative), Some(Value::Number(-2.5)));
        let whole = "      - id: a\n        kind: number\n        integer: true\n        text: { en: A? }\n        min: 0.5\n";
        assert_eq!(item_answer(whole), Some(Value::Number(1.0)));
        let text = "      - id: a\n        kind: text\n        text: { en: A? }\n";
        assert!(matches!(item_answer(text), Some(Value::Text(_))));
        let date = "      - id: a\n        kind: date\n        text: { en: A? }\n";
        assert!(matches!(item_answer(date), Some(Value::Text(_))));
        let choice = "      - id: a\n        kind: multiple_choice\n        text: { en: A? }\n        options:\n          - { value: x, label: { en: X } }\n          - { value: y, label: { en: Y } }\n";
        assert_eq!(item_answer(choice), Some(Value::List(vec!["x".into()])));
        let info = "      - id: a\n        kind: info\n        text: { en: Hello }\n";
        assert_eq!(item_answer(info), None);
    }
}
