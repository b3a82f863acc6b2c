//! Hostile input: bytes and lines.

use vidare::{Questionnaire, Session, Step, Value, diagnostic::Code};

use super::{HEAD, SECTION, TempFile, check, load_timed, refused, shipped, shipped_source};

#[test]
fn invalid_utf8_is_a_located_syntax_error() {
    let mut bytes = format!("{HEAD}{SECTION}").into_bytes();
    // Latin-1 "å" in the help text of `alone`: line 13, column 18.
    bytes.extend_from_slice(b"        help: { sv: H\xe5r, en: Here }\n");
    let file = TempFile::new("latin1.yaml", &bytes);
    let error = load_timed(&file.path, "latin-1").expect_err("not UTF-8");
    let d = &error.diagnostics()[0];
    assert_eq!(d.code, Code::YamlSyntax);
    assert_eq!((d.location.line, d.location.column), (13, 22));
    assert!(d.message.contains("UTF-8"), "{}", d.message);
    // The rendering shows the valid part without panicking.
    assert!(error.render().contains("V001"));

    // UTF-16 with its byte order mark: refused at the first byte.
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(HEAD.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let file = TempFile::new("utf16.yaml", &utf16);
    let error = load_timed(&file.path, "utf-16").expect_err("not UTF-8");
    let d = &error.diagnostics()[0];
    assert_eq!(
        (d.code, d.location.line, d.location.column),
        (Code::YamlSyntax, 1, 1)
    );
}

#[test]
fn nul_bytes_are_a_located_syntax_error() {
    let source = format!("{HEAD}{SECTION}        help: {{ sv: \"a\0b\", en: b }}\n");
    let d = refused(&check(&source, "NUL"), Code::YamlSyntax, "NUL");
    assert_eq!((d.location.line, d.location.column), (13, 23));
    assert!(d.message.contains("NUL"), "{}", d.message);
    // Through a file, too.
    let file = TempFile::new("nul.yaml", source.as_bytes());
    let error = load_timed(&file.path, "NUL file").expect_err("NUL");
    assert_eq!(error.diagnostics()[0].code, Code::YamlSyntax);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    for id in [
        "violence-seven",
        "boston-life-areas",
        "gender-equality-compass",
    ] {
        let plain = shipped(id);
        let source = format!("\u{feff}{}", shipped_source(id));
        let (q, diagnostics) = check(&source, "BOM");
        let q = q.unwrap_or_else(|| panic!("{id} with a BOM: {diagnostics:?}"));
        assert_eq!(q.digest(), plain.digest(), "{id}");
        // Through a file, as an editor on Windows saves it.
        let dir = TempFile::new(&format!("{id}-bom.yaml"), source.as_bytes());
        let loaded = load_timed(&dir.path, "BOM file").expect("a BOM file loads");
        assert_eq!(loaded.digest(), plain.digest(), "{id}");
    }
}

/// Answers every item with its first option, `true`, the lowest number or a
/// short text, and returns the result as JSON.
fn walk(q: &Questionnaire) -> serde_json::Value {
    let mut session = Session::new(q);
    while let Step::Ask(item) = session.next() {
        let id = item.id().to_owned();
        let value = match item.kind() {
            vidare::format::ItemKind::YesNo => Value::Bool(true),
            vidare::format::ItemKind::SingleChoice => {
                Value::Text(item.options().next().expect("options").value.into())
            }
            vidare::format::ItemKind::MultipleChoice => {
                Value::List(vec![item.options().next().expect("options").value.into()])
            }
            vidare::format::ItemKind::Scale | vidare::format::ItemKind::Number => {
                Value::Number(item.range().0.unwrap_or(0.0))
            }
            vidare::format::ItemKind::Date => Value::Text("2024-01-31".into()),
            _ => Value::Text("a reason".into()),
        };
        session.answer(&id, value).expect("a valid answer");
    }
    serde_json::to_value(session.result().into_outcome()).expect("serialises")
}

#[test]
fn crlf_line_endings_are_accepted() {
    for id in [
        "violence-seven",
        "boston-life-areas",
        "gender-equality-compass",
    ] {
        let plain = shipped(id);
        let source = shipped_source(id).replace('\n', "\r\n");
        let (q, diagnostics) = check(&source, "CRLF");
        let q = q.unwrap_or_else(|| panic!("{id} with CRLF: {diagnostics:?}"));
        // The digest is of the meaning, not the bytes: the same.
        assert_eq!(q.digest(), plain.digest(), "{id}");
        assert_eq!(walk(&q), walk(&plain), "{id}");
    }
    // Errors in a CRLF file point at the same line and column.
    let source = format!("{HEAD}{SECTION}        kindd: yes_no\n");
    let lf = refused(&check(&source, "LF"), Code::UnknownField, "LF");
    let crlf_source = source.replace('\n', "\r\n");
    let crlf = refused(&check(&crlf_source, "CRLF"), Code::UnknownField, "CRLF");
    assert_eq!(
        (lf.location.line, lf.location.column),
        (crlf.location.line, crlf.location.column)
    );
    // A lone CR (old Mac) is a line break in YAML too.
    let cr_source = source.replace('\n', "\r");
    let cr = refused(&check(&cr_source, "CR"), Code::UnknownField, "CR");
    assert_eq!(cr.location.line, lf.location.line);
}
