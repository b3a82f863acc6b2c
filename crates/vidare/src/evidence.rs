//! The evidence of a fired trigger as a part of one buffer that all the
//! triggers of a result share: a result with five fired triggers makes one
//! allocation for their evidence instead of five.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::outcome::Evidence;

/// The evidence of one trigger: reads as a slice of [`Evidence`]
/// (`len`, `iter`, indexing), is written to JSON as a list, and is cheap
/// to clone. It is built from a `Vec<Evidence>` with `From`, or shares a
/// buffer with the other triggers of the same result.
///
/// ```
/// use vidare::outcome::EvidenceList;
///
/// let none = EvidenceList::default();
/// assert!(none.is_empty());
/// assert_eq!(serde_json::to_string(&none).unwrap(), "[]");
/// ```
#[derive(Clone, Default)]
pub struct EvidenceList {
    /// The buffer, `None` for an empty list (which needs no allocation).
    all: Option<Arc<[Evidence]>>,
    start: u32,
    end: u32,
}

impl EvidenceList {
    /// Lists that share one buffer: `all`, moved into one allocation (and
    /// left empty with its capacity for the next result), and for each of
    /// `ends`, the evidence from the previous end (from 0) to it.
    pub(crate) fn split(
        all: &mut Vec<Evidence>,
        ends: &[u32],
    ) -> impl Iterator<Item = EvidenceList> {
        // Moved, not cloned: a clone would count every shared string up
        // here and down again when the work list is emptied.
        let shared: Option<Arc<[Evidence]>> = (!all.is_empty()).then(|| all.drain(..).collect());
        let starts = std::iter::once(0).chain(ends.iter().copied());
        starts.zip(ends.iter().copied()).map(move |(start, end)| {
            if start == end {
                EvidenceList::default()
            } else {
                EvidenceList {
                    all: shared.clone(),
                    start,
                    end,
                }
            }
        })
    }
}

impl Deref for EvidenceList {
    type Target = [Evidence];

    fn deref(&self) -> &[Evidence] {
        self.all
            .as_deref()
            .map_or(&[], |all| &all[self.start as usize..self.end as usize])
    }
}

impl From<Vec<Evidence>> for EvidenceList {
    fn from(list: Vec<Evidence>) -> Self {
        let end = list.len() as u32;
        EvidenceList {
            all: (!list.is_empty()).then(|| Arc::from(list)),
            start: 0,
            end,
        }
    }
}

impl<'a> IntoIterator for &'a EvidenceList {
    type Item = &'a Evidence;
    type IntoIter = std::slice::Iter<'a, Evidence>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for EvidenceList {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for EvidenceList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for EvidenceList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for EvidenceList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Evidence>::deserialize(deserializer).map(EvidenceList::from)
    }
}

// The JSON Schema of a list of evidence, as when the field was a `Vec`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for EvidenceList {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        Vec::<Evidence>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        Vec::<Evidence>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Vec::<Evidence>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::EvidenceList;
    use crate::outcome::Evidence;
    use crate::value::SharedStr;

    fn evidence(id: &'static str) -> Evidence {
        Evidence {
            kind: SharedStr::from_static("item"),
            id: SharedStr::from_static(id),
            response: None,
            value: None,
        }
    }

    #[test]
    fn split_lists_read_their_own_part_of_the_buffer() {
        let mut all = vec![evidence("a"), evidence("b"), evidence("c")];
        let lists: Vec<EvidenceList> = EvidenceList::split(&mut all, &[2, 2, 3]).collect();
        assert!(all.is_empty(), "moved into the lists");
        let ids = |l: &EvidenceList| l.iter().map(|e| e.id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&lists[0]), ["a", "b"]);
        assert!(lists[1].is_empty());
        assert_eq!(ids(&lists[2]), ["c"]);
        assert_eq!(lists[2], EvidenceList::from(vec![evidence("c")]));
        assert_ne!(lists[0], lists[2]);
    }

    #[test]
    fn json_is_a_list_both_ways() {
        let list = EvidenceList::from(vec![evidence("a")]);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"[{"kind":"item","id":"a"}]"#);
        let back: EvidenceList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
        let empty: EvidenceList = serde_json::from_str("[]").unwrap();
        assert_eq!(empty, EvidenceList::default());
    }
}
