//! The one place that reads YAML. Everything serde-saphyr specific lives
//! here so the parser could be swapped without touching the compiler.

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::format::Document;
pub use crate::limits::Limits;

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

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::unplaced(T::default())
    }
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
    // The parser keeps its own limit for `[` and `{`, which it meets
    // before the depth budget sees the events; one limit for both.
    budget.flow_nesting_limit = limits.max_yaml_depth;
    budget.max_events = limits.max_yaml_events;
    // Nodes are a subset of the events, so the event budget bounds them;
    // serde-saphyr's own default (250,000) would refuse genuine files of
    // some 6,000 items. What aliases repeat is bounded separately below.
    budget.max_nodes = limits.max_yaml_events;
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget.clone());
    options.alias_limits.max_total_replayed_events = limits.max_alias_expansion;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    // The common case, a file that reads, takes one plain pass; the slower
    // passes that explain a failure run only when there is one.
    let error = match serde_saphyr::from_str_with_options::<Document>(source, options.clone()) {
        Ok(document) => return Ok(document),
        Err(e) => e,
    };
    let first = plain_message(&error);
    // A file over the event budget was read up to the limit; reading it
    // twice more (for the depth and for the path) would triple the cost of
    // the largest inputs, and the line and column say where it ran out.
    if is_size_breach(&first) {
        return Err(Box::new(structural(&error, "", file, limits)));
        // (No indentation hint: the file was not read to its end.)
    }
    // A hostile file is named for what it is (too deep) rather than for
    // the first type error inside it; a breach found first is reported as it is.
    let scanned = if limit_breach(&error, &first, limits).is_some() {
        Ok(serde_saphyr::budget::BudgetReport::default())
    } else {
        serde_saphyr::budget::check_yaml_budget(
            source,
            budget,
            serde_saphyr::budget::EnforcingPolicy::AllContent,
        )
    };
    match scanned {
        // Other breaches are reported, with their position, by the parse itself.
        Ok(report) => {
            if let Some(breach @ serde_saphyr::budget::BudgetBreach::Depth { .. }) = report.breached
            {
                let (line, column) = deepest_point(source, limits.max_yaml_depth);
                return Err(Box::new(
                    Diagnostic::new(
                        Code::LimitExceeded,
                        at(file, line, column, ""),
                        budget_message(&format!("{breach:?}")),
                    )
                    .with_help(NESTING_HELP),
                ));
            }
        }
        // The parser's own limit on `[` and `{`, met while scanning, before
        // the depth budget sees the events.
        Err(scan) if scan.to_string().contains(RECURSION_LIMIT) => {
            let marker = scan.marker();
            return Err(Box::new(
                Diagnostic::new(
                    Code::LimitExceeded,
                    at(file, marker.line() as u32, marker.col() as u32 + 1, ""),
                    too_deep(limits),
                )
                .with_help(NESTING_HELP),
            ));
        }
        // A syntax error, reported with its path by the parse below.
        Err(_) => {}
    }
    // Parse again tracking the path inside the document, for the diagnostic.
    let mut path = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(source, options, |de| {
        serde_path_to_error::deserialize::<_, Document>(de).map_err(|e| {
            path = e.path().to_string();
            e.into_inner()
        })
    });
    let error = result.err().unwrap_or(error);
    let mut diagnostic = structural(&error, &path, file, limits);
    if diagnostic.code == Code::MissingField
        && let Some((message, help, line, column)) = misindented(source, &diagnostic)
    {
        diagnostic.message = format!("{}: {message}", diagnostic.message);
        diagnostic.help = Some(help);
        let written = at(file, line, column, &diagnostic.location.path);
        diagnostic = diagnostic.with_related(written, "written here, outside the mapping");
    }
    Err(Box::new(diagnostic))
}

/// For "missing field `x`": whether `x:` is written just after the
/// mapping, indented less than its keys, so that YAML gave it to the
/// mapping around it. Returns what the indentation did and how to fix it.
fn misindented(source: &str, missing: &Diagnostic) -> Option<(String, String, u32, u32)> {
    let field = missing.message.split('`').nth(1)?;
    let keys_at = missing.location.column.checked_sub(1)? as usize;
    let after = source.lines().skip(missing.location.line as usize);
    for (n, line) in after.enumerate().take(1000) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent >= keys_at {
            continue;
        }
        let key = trimmed.trim_start_matches("- ").split(':').next()?.trim();
        if key != field {
            return None;
        }
        let line_no = missing.location.line as usize + n + 1;
        return Some((
            format!(
                "`{field}:` on line {line_no} is indented {indent} spaces, fewer than the {keys_at} of \
                 the keys above it, so YAML reads it as part of the enclosing mapping"
            ),
            format!("indent `{field}:` by {keys_at} spaces, like the keys of this mapping"),
            u32::try_from(line_no).ok()?,
            u32::try_from(indent + 1).ok()?,
        ));
    }
    None
}

fn structural(error: &serde_saphyr::Error, path: &str, file: &str, limits: &Limits) -> Diagnostic {
    let (line, column) = error
        .location()
        .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
    let location = at(file, line, column, &document_path(path));
    let text = plain_message(error);
    let (code, message, help) = classify(error, &text, limits);
    Diagnostic::new(code, location, message).with_help_opt(help)
}

/// Fields read without a position wrapper; every other field is wrapped in
/// `Sp`, which adds a `value` step to the raw path that means nothing to a
/// reader of the YAML.
const UNWRAPPED: &[&str] = &["sections", "items", "derived", "scores", "triggers", "end"];

/// Turns serde's path (`sections[0].items[1].kind.value`) into the path a
/// methodologist reads (`sections[0].items[1].kind`).
fn document_path(raw: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut expect_wrapper = false;
    for segment in raw.split('.') {
        if segment.is_empty() || segment == "?" {
            continue;
        }
        let wrapper = if expect_wrapper {
            segment.strip_prefix("value")
        } else {
            None
        };
        if let Some(index) = wrapper {
            if let Some(last) = out.last_mut() {
                last.push_str(index);
            }
            // A list element may be spanned too (`languages[1]`): its
            // own wrapper follows the index.
            expect_wrapper = !index.is_empty();
            continue;
        }
        let name = segment.split('[').next().unwrap_or(segment);
        expect_wrapper = !UNWRAPPED.contains(&name);
        out.push(segment.to_owned());
    }
    out.join(".")
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

/// What a breached parser budget means, in the reader's terms.
fn budget_message(text: &str) -> String {
    let number = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|p| !p.is_empty())
        .unwrap_or("many");
    if text.contains("Depth") {
        format!("the YAML nests {number} levels deep, deeper than the limit")
    } else if text.contains("Alias") {
        format!("the file uses aliases (`*name`) {number} times, more than the limit")
    } else if text.contains("Recorded") {
        format!(
            "the anchors (`&name`) in the file hold {number} YAML events, more than the reader keeps"
        )
    } else if text.contains("Anchor") {
        format!("the file defines {number} anchors (`&name`), more than the limit")
    } else if text.contains("Nodes") || text.contains("Events") {
        // The breach is reported at the first event over the limit.
        let limit = number.parse::<usize>().map_or(0, |n| n.saturating_sub(1));
        format!(
            "the file has more than {limit} YAML events (keys, values, starts and ends of lists and mappings, counting what aliases repeat), more than the limit"
        )
    } else {
        "the file exceeds a size limit of the YAML reader".to_owned()
    }
}

/// Whether the parser's message is a breach of the event or node budget.
fn is_size_breach(text: &str) -> bool {
    text.contains("budget breached")
        && !text.contains("Recorded")
        && (text.contains("Events") || text.contains("Nodes"))
}

/// What to do about a breached parser budget.
fn budget_help(text: &str) -> String {
    if is_size_breach(text) {
        "split the questionnaire, or raise `Limits::max_yaml_events` if it is really this large"
            .to_owned()
    } else {
        "write the questionnaire out plainly; repeated structure belongs in a template".to_owned()
    }
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into the
/// name and the choices.
fn unknown_and_expected(text: &str) -> Option<(String, Vec<String>)> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    let name = text[start..end].to_owned();
    let rest = &text[end..];
    let choices = rest
        .find("expected")
        .map(|i| {
            let list = rest[i..]
                .trim_start_matches("expected")
                .trim_start()
                .trim_start_matches("one of")
                .trim_start_matches("either");
            list.split(&[',', ' '][..])
                .map(|c| c.trim_matches(|ch: char| ch == '`' || ch.is_whitespace()))
                .filter(|c| !c.is_empty() && *c != "or")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Some((name, choices))
}

/// The parser's message when nesting goes past its limits.
const RECURSION_LIMIT: &str = "recursion limit exceeded";

const NESTING_HELP: &str = "questionnaires are written out plainly: no deep nesting and few aliases; change `Limits::max_yaml_depth` if this file is genuine";

fn too_deep(limits: &Limits) -> String {
    format!(
        "the YAML nests more than {} levels deep, deeper than the limit",
        limits.max_yaml_depth
    )
}

/// A limit of the YAML reader that the file breaches: the message and the help.
fn limit_breach(
    error: &serde_saphyr::Error,
    text: &str,
    limits: &Limits,
) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    const PLAINLY: &str =
        "write the questionnaire out plainly; repeated structure belongs in a template";
    // The errors of the alias replay may come back as plain messages, when
    // they pass through a `Deserialize` implementation; the text decides.
    if matches!(
        error,
        E::AliasReplayLimitExceeded { .. } | E::AliasExpansionLimitExceeded { .. }
    ) || text.contains("alias replay limit exceeded")
        || text.contains("alias expansion limit exceeded")
    {
        return Some((
            format!(
                "the aliases (`*name`) in the file repeat more than {} YAML events, more than the limit",
                limits.max_alias_expansion
            ),
            format!("{PLAINLY}; raise `Limits::max_alias_expansion` if this file is genuine"),
        ));
    }
    if matches!(error, E::AliasReplayStackDepthExceeded { .. })
        || text.contains("alias replay stack depth exceeded")
    {
        return Some((
            "aliases (`*name`) repeat aliases nested too deeply".to_owned(),
            PLAINLY.to_owned(),
        ));
    }
    // The parser's own nesting limit for `[` and `{` (set to
    // `max_yaml_depth`), and for block collections as a last resort.
    if text.contains(RECURSION_LIMIT) {
        return Some((too_deep(limits), NESTING_HELP.to_owned()));
    }
    if matches!(error, E::Budget { .. }) || text.contains("budget breached") {
        return Some((budget_message(text), budget_help(text)));
    }
    None
}

fn classify(
    error: &serde_saphyr::Error,
    text: &str,
    limits: &Limits,
) -> (Code, String, Option<String>) {
    use serde_saphyr::Error as E;
    if let Some((message, help)) = limit_breach(error, text, limits) {
        return (Code::LimitExceeded, message, Some(help));
    }
    if let E::DuplicateMappingKey { key, .. } = error {
        let what = key
            .as_deref()
            .map_or_else(|| "a key".to_owned(), |k| format!("the key `{k}`"));
        return (
            Code::YamlSyntax,
            format!("{what} appears twice in the same mapping"),
            Some("each key may appear once; remove or rename the second one".into()),
        );
    }
    for (needle, code, what) in [
        ("unknown field", Code::UnknownField, "field"),
        ("unknown variant", Code::WrongType, "value"),
    ] {
        if text.contains(needle) {
            let Some((name, choices)) = unknown_and_expected(text) else {
                return (code, text.to_owned(), None);
            };
            let list = choices
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help =
                match crate::diagnostic::did_you_mean(&name, choices.iter().map(String::as_str)) {
                    Some(m) => format!("did you mean `{m}`? the {what}s allowed here are {list}"),
                    None => format!("the {what}s allowed here are {list}"),
                };
            return (code, format!("unknown {what} `{name}`"), Some(help));
        }
    }
    if text.contains("null into string") || text.contains("cannot deserialize null") {
        return (
            Code::WrongType,
            "a text is missing here".into(),
            Some("inside `{ ... }`, a text with a comma or colon must be in quotes: `{ sv: \"Ja, ofta\", en: \"Yes, often\" }`".into()),
        );
    }
    if text.contains("untagged enum Var") {
        return (
            Code::WrongType,
            "a template variable must be plain text or a text per language".into(),
            Some("write `name: housing-support` or `name: { sv: boende, en: housing }`".into()),
        );
    }
    if text.contains("missing field") {
        return (
            Code::MissingField,
            text.to_owned(),
            Some("add the field; docs/format.md lists what each part needs".into()),
        );
    }
    if text.contains("expected mapping") {
        return (
            Code::WrongType,
            "expected a mapping (`key: value` lines) here".into(),
            Some("texts are written per language, e.g. `text: { sv: ..., en: ... }`; options and items are mappings too".into()),
        );
    }
    if text.contains("expected sequence") {
        return (
            Code::WrongType,
            "expected a list here".into(),
            Some("write a list with `- ` on each line, or `[a, b]`".into()),
        );
    }
    if text.contains("invalid boolean")
        || text.contains("invalid type")
        || text.contains("invalid value")
        || text.contains("invalid") && text.contains("expected")
    {
        if text.contains("boolean") {
            return (
                Code::WrongType,
                "this setting is yes or no".into(),
                Some("write `true` or `false`".into()),
            );
        }
        return (
            Code::WrongType,
            text.to_owned(),
            Some("check the value against docs/format.md".into()),
        );
    }
    (Code::YamlSyntax, text.to_owned(), None)
}

fn at(file: &str, line: u32, column: u32, path: &str) -> Location {
    Location {
        file: file.to_owned(),
        line,
        column,
        path: path.to_owned(),
    }
}

/// Where nesting first goes deeper than `limit`, counting block indentation
/// steps and open flow brackets; an estimate for pointing at the problem,
/// the exact check is the parser's.
fn deepest_point(source: &str, limit: usize) -> (u32, u32) {
    let mut flow = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    for (l, line) in source.lines().enumerate() {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        if flow == 0 {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut quote: Option<char> = None;
        for (c, ch) in line.chars().enumerate() {
            match (quote, ch) {
                (Some(q), ch) if ch == q => quote = None,
                (None, '"' | '\'') => quote = Some(ch),
                (None, '#') => break,
                (None, '[' | '{') => {
                    flow += 1;
                    if indents.len() + flow > limit {
                        return (l as u32 + 1, c as u32 + 1);
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                // Inside quotes, and ordinary characters.
                _ => {}
            }
        }
        if indents.len() + flow > limit {
            return (l as u32 + 1, indent as u32 + 1);
        }
    }
    (1, 1)
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_drop_the_position_wrapper() {
        assert_eq!(
            document_path("sections[0].items[1].kind.value"),
            "sections[0].items[1].kind"
        );
        assert_eq!(
            document_path("sections[0].items[1].options.value[2].value.value"),
            "sections[0].items[1].options[2].value",
        );
        assert_eq!(
            document_path("languages.value[1].value.staus.value"),
            "languages[1].staus"
        );
        assert_eq!(
            document_path("sections[0].items[0].?"),
            "sections[0].items[0]"
        );
        assert_eq!(document_path("."), "");
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let (name, choices) =
            unknown_and_expected("unknown field `whenn`, expected one of `id`, `when`, `text`")
                .unwrap();
        assert_eq!(name, "whenn");
        assert_eq!(choices, ["id", "when", "text"]);
        let (_, choices) =
            unknown_and_expected("unknown variant `yesno`, expected one of info, yes_no, date")
                .unwrap();
        assert_eq!(choices, ["info", "yes_no", "date"]);
        let (_, choices) = unknown_and_expected("unknown field `x`, expected `a` or `b`").unwrap();
        assert_eq!(choices, ["a", "b"]);
    }
}
