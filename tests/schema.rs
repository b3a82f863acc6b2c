//! The committed JSON Schema of the questionnaire format must match the
//! types it is generated from, so editors never validate against a stale one.
//! Regenerate with `VIDARE_UPDATE_SCHEMA=1 cargo test --test workspace schema`.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/questionnaire.schema.json")
}

#[test]
fn committed_schema_is_current() {
    let generated = serde_json::to_string_pretty(&vidare::schema()).unwrap() + "\n";
    let path = committed_path();
    if std::env::var_os("VIDARE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/questionnaire.schema.json is stale; regenerate it with \
         `VIDARE_UPDATE_SCHEMA=1 cargo test --test workspace schema` and commit it"
    );
}

#[test]
fn schema_describes_the_format() {
    let schema = vidare::schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in [
        "format",
        "id",
        "version",
        "title",
        "languages",
        "default_language",
        "sections",
    ] {
        assert!(required.contains(&field), "{field} should be required");
    }
    // Unknown fields are rejected by the loader, so the schema says so too.
    assert_eq!(schema["additionalProperties"], false);
    let kinds = &schema["$defs"]["ItemKind"];
    let text = kinds.to_string();
    for kind in [
        "yes_no",
        "single_choice",
        "multiple_choice",
        "scale",
        "number",
        "text",
        "date",
        "info",
    ] {
        assert!(text.contains(kind), "ItemKind lacks {kind}: {text}");
    }
}

#[test]
fn shipped_questionnaires_point_editors_at_the_schema() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    let mut seen = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&file).unwrap();
                assert!(
                    text.starts_with(
                        "# yaml-language-server: $schema=../../schema/questionnaire.schema.json"
                    ),
                    "{} does not start with the schema comment",
                    file.display()
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0);
}
