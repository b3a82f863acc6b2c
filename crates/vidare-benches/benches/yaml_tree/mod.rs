//! A reader without serde-saphyr's layer, for `benches/yaml_reader.rs`:
//! granit-parser's events built into a span-keeping tree that refuses
//! duplicate keys, and a serde `Deserializer` over that tree that fills
//! the same document types, spans included, so what the whole switch would
//! cost is measured instead of estimated.

use std::borrow::Cow;
use std::fmt;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::{self, IntoDeserializer, Visitor};

/// A YAML node with the line and column (both 1-based) where it starts.
#[derive(Clone)]
pub enum Node<'a> {
    Scalar(Cow<'a, str>, ScalarStyle, At),
    Seq(Vec<Node<'a>>, At),
    Map(Vec<(Cow<'a, str>, Node<'a>)>, At),
}

/// Line and column, 1-based, as serde-saphyr reports them.
#[derive(Clone, Copy)]
pub struct At(u32, u32);

impl At {
    fn of(span: Span) -> At {
        At(span.start.line() as u32, span.start.col() as u32 + 1)
    }
}

impl Node<'_> {
    fn at(&self) -> At {
        match self {
            Node::Scalar(_, _, at) | Node::Seq(_, at) | Node::Map(_, at) => *at,
        }
    }
}

type Events<'a> = Parser<'a, granit_parser::StrInput<'a>>;

/// The most nodes a document may expand to, aliases included (the event
/// budget `parse_document` gives serde-saphyr).
const MAX_NODES: usize = 1_000_000;

/// Builds the tree from the events, keeping anchored nodes for aliases.
struct Reader<'a> {
    events: Events<'a>,
    anchors: Vec<(usize, Node<'a>)>,
    nodes: usize,
}

/// Reads the first document of `source` into a tree.
pub fn read(source: &str) -> Result<Node<'_>, String> {
    let mut reader = Reader {
        events: Parser::new_from_str(source),
        anchors: Vec::new(),
        nodes: 0,
    };
    loop {
        match reader.next()? {
            (Event::StreamStart | Event::DocumentStart(..), _) => {}
            (e, s) => return reader.node(e, s, 0),
        }
    }
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), String> {
        match self.events.next() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("the document ends early".into()),
        }
    }

    /// Builds the node that starts with `event`, refusing duplicate keys.
    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node<'a>, String> {
        if depth > 64 {
            return Err("too deep".into());
        }
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, _) => {
                (Node::Scalar(text, style, At::of(span)), anchor)
            }
            Event::SequenceStart(_, anchor, _) => (self.seq(span, depth)?, anchor),
            Event::MappingStart(_, anchor, _) => (self.map(span, depth)?, anchor),
            Event::Alias(anchor) => (self.alias(anchor, span)?, 0),
            e => return Err(format!("an event this reader does not take: {e:?}")),
        };
        self.nodes += 1;
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        Ok(node)
    }

    fn seq(&mut self, span: Span, depth: usize) -> Result<Node<'a>, String> {
        let mut items = Vec::new();
        loop {
            match self.next()? {
                (Event::SequenceEnd, _) => return Ok(Node::Seq(items, At::of(span))),
                (e, s) => items.push(self.node(e, s, depth + 1)?),
            }
        }
    }

    fn map(&mut self, span: Span, depth: usize) -> Result<Node<'a>, String> {
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
        loop {
            let (key, at) = match self.next()? {
                (Event::MappingEnd, _) => return Ok(Node::Map(entries, At::of(span))),
                (Event::Scalar(key, ..), at) => (key, at),
                _ => return Err("a key that is not a scalar".into()),
            };
            // A linear scan: maps in a questionnaire have a handful of keys.
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(format!("duplicate key at line {}", at.start.line()));
            }
            let (e, s) = self.next()?;
            entries.push((key, self.node(e, s, depth + 1)?));
        }
    }

    /// A copy of the anchored node, counted against the node budget so
    /// that nested aliases cannot blow up. Every node of the copy is
    /// placed at the alias, as serde-saphyr's replay reports it.
    fn alias(&mut self, anchor: usize, span: Span) -> Result<Node<'a>, String> {
        let (_, node) = self
            .anchors
            .iter()
            .rev()
            .find(|(id, _)| *id == anchor)
            .ok_or_else(|| {
                format!(
                    "an alias to an unknown anchor at line {}",
                    span.start.line()
                )
            })?;
        self.nodes += node.count();
        if self.nodes > MAX_NODES {
            return Err("the aliases expand to too many nodes".into());
        }
        Ok(node.placed(At::of(span)))
    }
}

impl<'a> Node<'a> {
    fn placed(&self, at: At) -> Node<'a> {
        match self {
            Node::Scalar(text, style, _) => Node::Scalar(text.clone(), *style, at),
            Node::Seq(items, _) => Node::Seq(items.iter().map(|n| n.placed(at)).collect(), at),
            Node::Map(entries, _) => Node::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.placed(at)))
                    .collect(),
                at,
            ),
        }
    }

    fn count(&self) -> usize {
        match self {
            Node::Scalar(..) => 1,
            Node::Seq(items, _) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Node::Map(entries, _) => 1 + entries.iter().map(|(_, v)| v.count()).sum::<usize>(),
        }
    }
}

/// Reads every part of the tree, so that none of it is optimised away.
pub fn weight(node: &Node<'_>) -> usize {
    match node {
        Node::Scalar(text, _, At(line, column)) => text.len() + (line + column) as usize,
        Node::Seq(items, _) => items.iter().map(weight).sum(),
        Node::Map(entries, _) => entries
            .iter()
            .map(|(key, value)| key.len() + weight(value))
            .sum(),
    }
}

/// An error while filling the document types from the tree.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Fills `T` from the tree.
pub fn from_tree<'de, T: de::Deserialize<'de>>(node: &'de Node<'de>) -> Result<T, Error> {
    T::deserialize(Tree(node))
}

/// The deserializer over one node.
struct Tree<'n>(&'n Node<'n>);

/// What serde-saphyr's `Spanned` asks for (`serde_saphyr::Spanned`'s
/// `Deserialize`: a newtype named `__yaml_spanned` whose content is a map
/// that starts with a private marker, then value, referenced, defined).
const SPANNED: &str = "__yaml_spanned";
const SPANNED_MARKER: &str = "__serde_saphyr_private_spanned";

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl<'de> Tree<'de> {
    fn text(&self) -> Result<&'de str, Error> {
        match self.0 {
            Node::Scalar(text, ..) => Ok(text),
            _ => Err(Error("expected a scalar".into())),
        }
    }

    fn plain_scalar<V: Visitor<'de>>(text: &'de str, visitor: V) -> Result<V::Value, Error> {
        match text {
            t if is_null(t) => visitor.visit_unit(),
            "true" | "True" | "TRUE" => visitor.visit_bool(true),
            "false" | "False" | "FALSE" => visitor.visit_bool(false),
            t => match (t.parse::<i64>(), t.parse::<f64>()) {
                (Ok(n), _) => visitor.visit_i64(n),
                (_, Ok(x))
                    if t.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') =>
                {
                    visitor.visit_f64(x)
                }
                _ => visitor.visit_borrowed_str(t),
            },
        }
    }
}

macro_rules! parsed {
    ($($method:ident => $visit:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let text = self.text()?;
            visitor.$visit(text.parse().map_err(|_| Error(format!("`{text}` is not a number")))?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Tree<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Scalar(text, ScalarStyle::Plain, _) => Tree::plain_scalar(text, visitor),
            Node::Scalar(text, ..) => visitor.visit_borrowed_str(text),
            Node::Seq(items, _) => visitor.visit_seq(Items(items.iter())),
            Node::Map(entries, _) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Scalar(text, ..) => visitor.visit_borrowed_str(text),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text()? {
            "true" | "True" | "TRUE" => visitor.visit_bool(true),
            "false" | "False" | "FALSE" => visitor.visit_bool(false),
            t => Err(Error(format!("`{t}` is not true or false"))),
        }
    }

    parsed! {
        deserialize_u8 => visit_u8, deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32, deserialize_u64 => visit_u64,
        deserialize_i8 => visit_i8, deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32, deserialize_i64 => visit_i64,
        deserialize_f32 => visit_f32, deserialize_f64 => visit_f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Scalar(text, ScalarStyle::Plain, _) if is_null(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED {
            visitor.visit_newtype_struct(Spanned(self.0))
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Node::Scalar(text, ..) => visitor.visit_enum(text.as_ref().into_deserializer()),
            Node::Map(entries, _) if entries.len() == 1 => visitor.visit_enum(Variant(&entries[0])),
            _ => Err(Error("expected an enum variant".into())),
        }
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct ignored_any
    }
}

/// The items of a sequence.
struct Items<'n>(std::slice::Iter<'n, Node<'n>>);

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|node| seed.deserialize(Tree(node)))
            .transpose()
    }
}

/// The entries of a mapping.
struct Entries<'n> {
    entries: std::slice::Iter<'n, (Cow<'n, str>, Node<'n>)>,
    value: Option<&'n Node<'n>>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(key);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| Error("a value without a key".into()))?;
        seed.deserialize(Tree(value))
    }
}

/// An enum written as a map of one entry: `variant: content`.
struct Variant<'n>(&'n (Cow<'n, str>, Node<'n>));

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = Tree<'de>;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Tree<'de>), Error> {
        let key: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(&self.0.0);
        Ok((seed.deserialize(key)?, Tree(&self.0.1)))
    }
}

impl<'de> de::VariantAccess<'de> for Tree<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

/// The content of a `Spanned` newtype: a map of the marker, the value and
/// where it is (the same place for both locations: no aliases here).
struct Spanned<'n>(&'n Node<'n>);

impl<'de> de::Deserializer<'de> for Spanned<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(SpannedFields {
            node: self.0,
            field: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SpannedFields<'n> {
    node: &'n Node<'n>,
    field: usize,
}

const SPANNED_FIELDS: [&str; 4] = [SPANNED_MARKER, "value", "referenced", "defined"];

impl<'de> de::MapAccess<'de> for SpannedFields<'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(key) = SPANNED_FIELDS.get(self.field) else {
            return Ok(None);
        };
        seed.deserialize((*key).into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.field += 1;
        match self.field {
            1 => seed.deserialize(().into_deserializer()),
            2 => seed.deserialize(Tree(self.node)),
            _ => {
                let At(line, column) = self.node.at();
                let fields = [("line", line), ("column", column)];
                seed.deserialize(de::value::MapDeserializer::new(fields.into_iter()))
            }
        }
    }
}
