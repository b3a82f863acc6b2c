//! A string that results share with the compiled questionnaire instead of
//! copying: ids, labels, texts and option values are written once when a
//! questionnaire is compiled, and every result, stored record and answer
//! that repeats them holds another reference to the same text.
//!
//! A result of a 50-item questionnaire names about 150 such strings. As
//! owned `String`s they were 240 allocations per result, and `malloc` and
//! `free` most of its cost (docs/benchmarks.md, "What a result costs").

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string that is cheap to clone: a reference to text shared
/// with the compiled questionnaire (or a `'static` word such as
/// `"answered"`), never a copy.
///
/// It reads as a `str` (it dereferences to one), compares equal to `str`,
/// `&str` and `String`, and is written to JSON as a plain string.
///
/// ```
/// use vidare::SharedStr;
///
/// let id = SharedStr::from("violence.alone");
/// let again = id.clone(); // no copy of the text
/// assert_eq!(again, "violence.alone");
/// assert!(id.starts_with("violence."));
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""violence.alone""#);
/// ```
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedStr {
    /// A string that needs no allocation at all: a fixed word of the
    /// program, such as a kind of response.
    #[must_use]
    pub const fn from_static(s: &'static str) -> Self {
        SharedStr(Repr::Static(s))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        SharedStr::from_static("")
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Repr::Shared(Arc::from(s)))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Repr::Shared(Arc::from(s)))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr::from(s.as_str())
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(s: Arc<str>) -> Self {
        SharedStr(Repr::Shared(s))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.as_str().to_owned()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

// Equal strings hash alike whichever way they are held, as `Borrow<str>`
// requires.
impl Hash for SharedStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// Shown as text: the records that hold answers write their own Debug and
// leave this out wherever it could be an answer.
impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

// The JSON Schema of a plain string, so the published schemas are the same
// as when these fields were `String`s.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for SharedStr {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::SharedStr;

    #[test]
    fn clones_share_the_text_and_compare_as_strings() {
        let a = SharedStr::from(String::from("q1"));
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, "q1");
        assert_eq!("q1", a);
        assert_eq!(a, String::from("q1"));
        assert_eq!(SharedStr::from_static("q1"), a);
        let (low, high) = (
            SharedStr::from(String::from("a")),
            SharedStr::from_static("b"),
        );
        assert!(low < high);
        let set: std::collections::BTreeSet<SharedStr> = [a].into();
        assert!(set.contains("q1"));
    }

    #[test]
    fn json_is_a_plain_string_both_ways() {
        let s: SharedStr = serde_json::from_str(r#""sv""#).unwrap();
        assert_eq!(s, "sv");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""sv""#);
        assert_eq!(format!("{s} {s:?}"), r#"sv "sv""#);
    }
}
