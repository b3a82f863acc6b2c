//! The result as a view over the session: it serialises to exactly the
//! JSON of the result's [`Outcome`](crate::Outcome), reading the session and its questionnaire
//! as it writes, so that nothing is copied first. For embedders that send
//! or store the result as JSON.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::expr::typed::{Symbol, Val};
use crate::format::{Retention, Urgency};
use crate::outcome::Scratch;
use crate::questionnaire::Compiled;
use crate::questionnaire::band_of;
use crate::session::Session;
use crate::value::whole::{Num, Whole};
use crate::value::{Response, Value};

/// A session's result, serialised on demand; see [`Session::result_view_in`].
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let mut session = vidare::Session::new(&q);
/// session.answer("alone", true)?;
/// let json = serde_json::to_string(&session.result_view_in("en")).expect("serialises");
/// let outcome = session.result_in("en").into_outcome();
/// assert_eq!(json, serde_json::to_string(&outcome).expect("serialises"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct ResultView<'s> {
    session: &'s Session,
    c: &'s Compiled,
    lang: &'s str,
}

impl Session {
    /// The result in `lang` (the default language if not declared) as a
    /// view: serialising it gives the JSON of [`Session::result_in`] byte
    /// for byte, without building the [`Outcome`](crate::Outcome) first.
    #[must_use]
    pub fn result_view_in<'s>(&'s self, lang: &'s str) -> ResultView<'s> {
        let c: &Compiled = &self.questionnaire().inner;
        let lang = if c.languages.iter().any(|l| l == lang) {
            lang
        } else {
            &c.default_language
        };
        ResultView {
            session: self,
            c,
            lang,
        }
    }
}

impl Serialize for ResultView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (s, c, lang) = (self.session, self.c, self.lang);
        let ended = s
            .ended_by()
            .and_then(|id| c.ends.iter().find(|e| e.id == id));
        let mut out = serializer.serialize_struct("Outcome", 8)?;
        out.serialize_field("questionnaire", &QuestionnaireRef(c))?;
        out.serialize_field("language", lang)?;
        out.serialize_field("finished", &s.is_finished())?;
        match ended {
            Some(end) => {
                out.serialize_field("ended_by", &Pair("id", &end.id, "text", end.text.get(lang)))?;
            }
            None => out.skip_field("ended_by")?,
        }
        out.serialize_field("answers", &Answers(*self))?;
        out.serialize_field("derived", &Derived(*self))?;
        out.serialize_field("scores", &Scores(*self))?;
        out.serialize_field("triggers", &Triggers(*self))?;
        out.end()
    }
}

/// Two named strings, as `EndRecord` and `BandRecord` serialise.
struct Pair<'a>(&'static str, &'a str, &'static str, &'a str);

impl Serialize for Pair<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Pair", 2)?;
        out.serialize_field(self.0, self.1)?;
        out.serialize_field(self.2, self.3)?;
        out.end()
    }
}

struct QuestionnaireRef<'s>(&'s Compiled);

impl Serialize for QuestionnaireRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("QuestionnaireRef", 3)?;
        out.serialize_field("id", &self.0.id)?;
        out.serialize_field("version", &self.0.version)?;
        out.serialize_field("digest", &self.0.digest)?;
        out.end()
    }
}

/// An item's response: `AnswerRecord`, and the item form of `Evidence`.
struct ItemResponse<'s> {
    c: &'s Compiled,
    i: u32,
    response: &'s Response,
    /// Written as evidence (`kind` first, `response` optional in form).
    evidence: bool,
}

impl Serialize for ItemResponse<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let def = &self.c.items[self.i as usize];
        let value = match (def.retention, self.response) {
            (Retention::Keep, Response::Answer(v)) => Some(v),
            _ => None,
        };
        let mut out = serializer.serialize_struct("AnswerRecord", 4)?;
        if self.evidence {
            out.serialize_field("kind", "item")?;
            out.serialize_field("id", &*def.id)?;
        } else {
            out.serialize_field("item", &*def.id)?;
        }
        out.serialize_field("response", self.response.kind())?;
        match value {
            Some(v) => out.serialize_field("value", &Whole(v))?,
            None => out.skip_field("value")?,
        }
        out.end()
    }
}

struct Answers<'s>(ResultView<'s>);

impl Serialize for Answers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ResultView { session, c, .. } = self.0;
        serializer.collect_seq(
            (0..c.items.len() as u32)
                .filter(|&i| session.visible_at(i))
                .filter_map(|i| {
                    Some(ItemResponse {
                        c,
                        i,
                        response: session.response_ref_at(i)?,
                        evidence: false,
                    })
                }),
        )
    }
}

/// A derived value as `Value` serialises it (untagged), from its state.
struct DerivedValue<'s> {
    c: &'s Compiled,
    d: u32,
    v: Val,
}

impl DerivedValue<'_> {
    /// Whether it is written at all (`derived_value` gives `Some`).
    fn known(&self) -> bool {
        match self.v {
            Val::Opt(o) => (o as usize) < self.c.derived[self.d as usize].categories.len(),
            Val::Unknown | Val::Opaque => false,
            _ => true,
        }
    }
}

impl Serialize for DerivedValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let categories = &self.c.derived[self.d as usize].categories;
        match self.v {
            Val::Bool(b) => serializer.serialize_bool(b),
            Val::Num(n) => Num(n).serialize(serializer),
            Val::Opt(o) => serializer.serialize_str(&categories[o as usize].value),
            Val::Set(mask) => serializer.collect_seq(
                categories
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, c)| &c.value),
            ),
            Val::Unknown | Val::Opaque => serializer.serialize_none(),
        }
    }
}

struct Derived<'s>(ResultView<'s>);

impl Serialize for Derived<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((0..self.0.c.derived.len() as u32).map(|d| DerivedRecord(self.0, d)))
    }
}

struct DerivedRecord<'s>(ResultView<'s>, u32);

impl Serialize for DerivedRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (ResultView { session, c, lang }, d) = (self.0, self.1);
        let def = &c.derived[d as usize];
        let v = session.derived_value(d);
        let value = DerivedValue { c, d, v };
        let value_label = match v {
            Val::Opt(o) => def
                .categories
                .get(o as usize)
                .and_then(|cat| cat.label.as_ref())
                .map(|l| l.get(lang)),
            _ => None,
        };
        let mut out = serializer.serialize_struct("DerivedRecord", 4)?;
        out.serialize_field("id", &def.id)?;
        match &def.label {
            Some(label) => out.serialize_field("label", label.get(lang))?,
            None => out.skip_field("label")?,
        }
        if value.known() {
            out.serialize_field("value", &value)?;
        } else {
            out.serialize_field("value", &None::<Value>)?;
        }
        match value_label {
            Some(label) => out.serialize_field("value_label", label)?,
            None => out.skip_field("value_label")?,
        }
        out.end()
    }
}

struct Scores<'s>(ResultView<'s>);

impl Serialize for Scores<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((0..self.0.c.scores.len() as u32).map(|s| ScoreRecord(self.0, s)))
    }
}

struct ScoreRecord<'s>(ResultView<'s>, u32);

impl Serialize for ScoreRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (ResultView { session, c, lang }, s) = (self.0, self.1);
        let def = &c.scores[s as usize];
        let sv = session.score_value(s);
        let terms = def.terms.len() as u32;
        let value = match sv.value {
            Val::Num(n) => Some(n),
            _ => None,
        };
        let mut out = serializer.serialize_struct("ScoreRecord", 7)?;
        out.serialize_field("id", &def.id)?;
        match &def.label {
            Some(label) => out.serialize_field("label", label.get(lang))?,
            None => out.skip_field("label")?,
        }
        out.serialize_field("value", &value.map(Num))?;
        out.serialize_field("answered", &sv.known)?;
        out.serialize_field("terms", &terms)?;
        match value.and_then(|v| band_of(def, v)) {
            Some(b) => {
                out.serialize_field("band", &Pair("id", &b.id, "label", b.label.get(lang)))?;
            }
            None => out.skip_field("band")?,
        }
        if value.is_none() {
            out.serialize_field(
                "missing_reason",
                &crate::wording::missing_reason(
                    lang,
                    &c.default_language,
                    sv.known,
                    def.min_answered,
                    terms,
                ),
            )?;
        } else {
            out.skip_field("missing_reason")?;
        }
        out.end()
    }
}

struct Triggers<'s>(ResultView<'s>);

impl Serialize for Triggers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let fired = |urgency: Urgency| {
            (0..view.c.triggers.len() as u32).filter(move |&t| {
                view.session.is_fired(t) && view.c.triggers[t as usize].urgency == urgency
            })
        };
        // Most urgent first, then in document order (as `result_in` sorts).
        let order = fired(Urgency::Immediate)
            .chain(fired(Urgency::Soon))
            .chain(fired(Urgency::Routine));
        serializer.collect_seq(order.map(|t| TriggerRecord(view, t)))
    }
}

struct TriggerRecord<'s>(ResultView<'s>, u32);

impl Serialize for TriggerRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (ResultView { session, c, lang }, t) = (self.0, self.1);
        let def = &c.triggers[t as usize];
        let mut scratch = Scratch::default();
        let symbols = session.evidence_symbols(c, &def.when, &mut scratch);
        let mut out = serializer.serialize_struct("TriggerRecord", 6)?;
        out.serialize_field("id", &def.id)?;
        out.serialize_field("urgency", &def.urgency)?;
        out.serialize_field("refer_to", &def.refer_to)?;
        out.serialize_field("text", def.text.get(lang))?;
        out.serialize_field("evidence", &Evidence(self.0, symbols))?;
        out.skip_field("conversation_evidence")?;
        out.end()
    }
}

struct Evidence<'s, 'e>(ResultView<'s>, &'e [Symbol]);

impl Serialize for Evidence<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ResultView { session, c, .. } = self.0;
        serializer.collect_seq(self.1.iter().filter_map(|&symbol| match symbol {
            Symbol::Item(i) => {
                let response = session
                    .response_ref_at(i)
                    .filter(|_| session.visible_at(i))?;
                Some(EvidenceOf::Item(ItemResponse {
                    c,
                    i,
                    response,
                    evidence: true,
                }))
            }
            Symbol::Derived(d) => Some(EvidenceOf::Derived(DerivedValue {
                c,
                d,
                v: session.derived_value(d),
            })),
            Symbol::Score(s) => Some(EvidenceOf::Score(c, s, session.score_value(s).value)),
        }))
    }
}

enum EvidenceOf<'s> {
    Item(ItemResponse<'s>),
    Derived(DerivedValue<'s>),
    Score(&'s Compiled, u32, Val),
}

impl Serialize for EvidenceOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (kind, id) = match self {
            EvidenceOf::Item(item) => return item.serialize(serializer),
            EvidenceOf::Derived(v) => ("derived", v.c.derived[v.d as usize].id.as_str()),
            EvidenceOf::Score(c, s, _) => ("score", c.scores[*s as usize].id.as_str()),
        };
        let mut out = serializer.serialize_struct("Evidence", 4)?;
        out.serialize_field("kind", kind)?;
        out.serialize_field("id", id)?;
        out.skip_field("response")?;
        match self {
            EvidenceOf::Derived(v) if v.known() => out.serialize_field("value", v)?,
            EvidenceOf::Score(_, _, Val::Num(n)) => out.serialize_field("value", &Num(*n))?,
            _ => out.skip_field("value")?,
        }
        out.end()
    }
}
