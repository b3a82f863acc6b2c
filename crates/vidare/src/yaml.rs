//! The one place that reads YAML. Everything serde-saphyr specific lives
//! here so the parser could be swapped without touching the compiler.

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::expr::ast::ExprLimits;
use crate::format::Document;

/// Limits that keep loading bounded whatever the input. The defaults are
/// far above any real questionnaire and far below what could hurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes (default 8 MiB).
    pub max_file_bytes: usize,
    /// Deepest accepted YAML nesting (default 64).
    pub max_yaml_depth: usize,
    /// Most YAML parser events (default 2,000,000).
    pub max_yaml_events: usize,
    /// Most alias uses (`*name`), which guards against "billion laughs" (default 1,000).
    pub max_aliases: usize,
    /// Most items in one questionnaire (default 20,000).
    pub max_items: usize,
    /// Limits on each expression.
    pub expr: ExprLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_yaml_depth: 64,
            max_yaml_events: 2_000_000,
            max_aliases: 1_000,
            max_items: 20_000,
            expr: ExprLimits::default(),
        }
    }
}

/// A value together with the line and column it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value itself.
    pub value: T,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

impl<T> Sp<T> {
    /// A value without a known position.
    pub fn unplaced(value: T) -> Self {
        Sp {
            value,
            line: 0,
            column: 0,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Sp {
            value: spanned.value,
            line: spanned.referenced.line() as u32,
            column: spanned.referenced.column() as u32,
        })
    }
}

/// Positions are not part of a questionnaire's meaning: only the value is written,
/// which keeps the digest independent of layout.
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Parses the YAML text of a questionnaire into its document types.
///
/// Structural problems stop parsing, so at most one diagnostic comes back;
/// the semantic checks that follow report everything at once.
pub(crate) fn parse_document(
    source: &str,
    file: &str,
    limits: &Limits,
) -> Result<Document, Box<Diagnostic>> {
    if source.len() > limits.max_file_bytes {
        return Err(Box::new(
            Diagnostic::new(
                Code::LimitExceeded,
                at(file, 1, 1, ""),
                format!(
                    "the file is {} bytes; the limit is {} bytes",
                    source.len(),
                    limits.max_file_bytes
                ),
            )
            .with_help("split the questionnaire, or raise `Limits::max_file_bytes` if it is really this large"),
        ));
    }
    if let Some(offset) = source.find('\0') {
        let (line, column) = line_col(source, offset);
        return Err(Box::new(
            Diagnostic::new(
                Code::YamlSyntax,
                at(file, line, column, ""),
                "the file contains a NUL byte",
            )
            .with_help("the file is probably not a text file; save it as UTF-8 text"),
        ));
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_yaml_depth;
    budget.max_events = limits.max_yaml_events;
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    let mut path = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(source, options, |de| {
        serde_path_to_error::deserialize::<_, Document>(de).map_err(|e| {
            path = e.path().to_string();
            e.into_inner()
        })
    });
    result.map_err(|e| Box::new(structural(&e, &path, file)))
}

fn structural(error: &serde_saphyr::Error, path: &str, file: &str) -> Diagnostic {
    let (line, column) = error
        .location()
        .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
    let path = if path == "." { "" } else { path };
    let location = at(file, line, column, path);
    let text = plain_message(error);
    let (code, help) = classify(error, &text);
    Diagnostic::new(code, location, text).with_help_opt(help)
}

/// serde-saphyr appends the position to its message; ours carries it separately.
fn plain_message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    text.trim().to_owned()
}

fn classify(error: &serde_saphyr::Error, text: &str) -> (Code, Option<String>) {
    use serde_saphyr::Error as E;
    match error {
        E::Budget { .. } => (
            Code::LimitExceeded,
            Some(
                "the file nests too deeply or repeats aliases too often; write it out plainly"
                    .into(),
            ),
        ),
        E::DuplicateMappingKey { .. } => (
            Code::YamlSyntax,
            Some("each key may appear once in a mapping; remove or rename the second one".into()),
        ),
        _ if text.contains("unknown field") => {
            (Code::UnknownField, Some(expected_fields_help(text)))
        }
        _ if text.contains("missing field") => (
            Code::MissingField,
            Some("add the field; docs/format.md lists what each part needs".into()),
        ),
        _ if text.contains("unknown variant") => {
            (Code::WrongType, Some(expected_fields_help(text)))
        }
        _ if text.contains("invalid type") || text.contains("invalid value") => {
            (Code::WrongType, None)
        }
        _ => (Code::YamlSyntax, None),
    }
}

fn expected_fields_help(text: &str) -> String {
    match text.find("expected") {
        Some(i) => format!("{}; check the spelling", &text[i..]),
        None => "check the spelling against docs/format.md".into(),
    }
}

fn at(file: &str, line: u32, column: u32, path: &str) -> Location {
    Location {
        file: file.to_owned(),
        line,
        column,
        path: path.to_owned(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}
