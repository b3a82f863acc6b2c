//! Answers and the events of a session log, as callers write and store them.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::shared::SharedStr;

/// An answer value.
///
/// Yes/no items take `Bool`, scales and numbers `Number`, single choice
/// items the option's value as `Text`, multiple choice items a `List` of
/// option values, free text and dates (`YYYY-MM-DD`) `Text`.
///
/// `Debug` does not show the content: answers are sensitive and Debug
/// output ends up in logs and panic messages.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    /// Yes (`true`) or no (`false`).
    Bool(bool),
    /// A number.
    Number(f64),
    /// An option value, a date or free text.
    Text(SharedStr),
    /// Several option values.
    List(Vec<SharedStr>),
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Value::Bool(_) => "Bool(..)",
            Value::Number(_) => "Number(..)",
            Value::Text(_) => "Text(..)",
            Value::List(_) => "List(..)",
        })
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s.into())
    }
}

impl From<Vec<&str>> for Value {
    fn from(v: Vec<&str>) -> Self {
        Value::List(v.into_iter().map(SharedStr::from).collect())
    }
}

/// A response to an item: an answer, or one of the ways of not answering.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// An answer.
    Answer(Value),
    /// "Prefer not to answer".
    Declined,
    /// "Don't know".
    DontKnow,
    /// An optional item passed over.
    Skipped,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Response::Answer(v) => write!(f, "Answer({v:?})"),
            Response::Declined => f.write_str("Declined"),
            Response::DontKnow => f.write_str("DontKnow"),
            Response::Skipped => f.write_str("Skipped"),
        }
    }
}

impl Response {
    /// The kind of response, as a short word: `answered`, `declined`,
    /// `dont_know` or `skipped`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Answer(_) => "answered",
            Response::Declined => "declined",
            Response::DontKnow => "dont_know",
            Response::Skipped => "skipped",
        }
    }
}

/// One entry of a session's log. The log is the session: everything else
/// is computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The current item got a response.
    Respond {
        /// The item's id.
        item: Arc<str>,
        /// The response.
        response: Response,
    },
    /// An earlier response was replaced.
    Change {
        /// The item's id.
        item: Arc<str>,
        /// The new response.
        response: Response,
    },
    /// The person went back: the item's response was withdrawn and it is asked again.
    Back {
        /// The item's id.
        item: Arc<str>,
    },
}

impl Event {
    /// The item the event concerns.
    #[must_use]
    pub fn item(&self) -> &str {
        match self {
            Event::Respond { item, .. } | Event::Change { item, .. } | Event::Back { item } => item,
        }
    }
}

/// A `YYYY-MM-DD` day of the Gregorian calendar: the form of a date
/// answer and of a translation's review day.
pub(crate) fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s
        .bytes()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Numbers in results and stored records: a whole number is written as an
/// integer (`12`, not `12.0`), as a reader of a total expects. Reading
/// takes either form, so results written before read back unchanged.
/// Event logs keep serde's own form, so saved logs stay byte for byte.
pub(crate) mod whole {
    use serde::{Serialize, Serializer};

    use super::Value;

    /// Largest magnitude up to which every whole `f64` is an exact integer.
    const EXACT: f64 = 9_007_199_254_740_992.0;

    /// `n` as an integer when it is whole and exact as one.
    #[allow(clippy::cast_possible_truncation)] // checked: whole and within ±2^53
    fn integer(n: f64) -> Option<i64> {
        (n.fract() == 0.0 && n.abs() <= EXACT).then_some(n as i64)
    }

    fn number<S: Serializer>(n: f64, s: S) -> Result<S::Ok, S::Error> {
        match integer(n) {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(n),
        }
    }

    /// For `Option<f64>` fields (serde hands `serialize_with` a reference
    /// to the field's type).
    #[allow(clippy::ref_option)]
    pub(crate) fn option<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => number(*n, s),
            None => s.serialize_none(),
        }
    }

    /// For `Option<Value>` fields: a number as [`option`] writes it, any
    /// other value as [`Value`] writes it.
    #[allow(clippy::ref_option)]
    pub(crate) fn value<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(Value::Number(n)) => number(*n, s),
            other => other.serialize(s),
        }
    }

    /// A number written as [`option`] writes it, for hand-written
    /// serialisers (the result view).
    pub(crate) struct Num(pub(crate) f64);

    impl Serialize for Num {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            number(self.0, s)
        }
    }

    /// A value written as [`value`] writes it.
    pub(crate) struct Whole<'a>(pub(crate) &'a Value);

    impl Serialize for Whole<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0 {
                Value::Number(n) => number(*n, s),
                other => other.serialize(s),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[derive(serde::Serialize)]
        struct Both {
            #[serde(serialize_with = "option")]
            n: Option<f64>,
            #[serde(serialize_with = "value")]
            v: Option<Value>,
        }

        fn json(n: Option<f64>, v: Option<Value>) -> String {
            serde_json::to_string(&Both { n, v }).unwrap_or_default()
        }

        #[test]
        fn whole_numbers_are_integers_and_others_stay_as_they_are() {
            assert_eq!(
                json(Some(12.0), Some(Value::Number(-3.0))),
                r#"{"n":12,"v":-3}"#
            );
            assert_eq!(
                json(Some(-0.0), Some(Value::Number(2.5))),
                r#"{"n":0,"v":2.5}"#
            );
            assert_eq!(json(None, None), r#"{"n":null,"v":null}"#);
            assert_eq!(
                json(Some(1e300), Some(Value::from("3"))),
                r#"{"n":1e+300,"v":"3"}"#
            );
            assert_eq!(
                json(Some(EXACT * 2.0), None),
                r#"{"n":1.8014398509481984e+16,"v":null}"#
            );
        }
    }
}
