//! Every complete questionnaire shown in the documentation compiles
//! without diagnostics, so a newcomer can copy it.

use std::path::PathBuf;

fn yaml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```yaml") => current = Some((n + 2, String::new())),
            (Some(_), l) if l.starts_with("```") => out.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn complete_questionnaires_in_the_docs_compile() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for doc in ["docs/format.md", "README.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for (line, block) in yaml_blocks(&text) {
            if !block
                .lines()
                .any(|l| l.starts_with("format: 1") || l.starts_with("format: 2"))
            {
                continue;
            }
            let (q, diagnostics) = vidare::Compiler::new()
                .with_include_root(root.join("questionnaires"))
                .check(&block, &format!("{doc}:{line}"));
            assert!(
                q.is_some() && diagnostics.is_empty(),
                "{doc}:{line}\n{}",
                vidare::diagnostic::render_all(&diagnostics, &block)
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "no complete example found in the docs");
}

/// The README's table of languages says, for every version of every shipped
/// questionnaire, exactly the languages it declares and their status.
#[test]
fn the_readme_lists_every_shipped_language_with_its_status() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("| questionnaire | sv |"));
    let header: Vec<&str> = cells(lines.next().expect("the README has a table of languages"));
    let mut listed = std::collections::BTreeMap::new();
    for row in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let row = cells(row);
        let (id, versions) = row[0].split_once(' ').unwrap();
        for version in versions.split(", ") {
            let languages: Vec<(String, String)> = header[1..]
                .iter()
                .zip(&row[1..])
                .filter(|(_, status)| !status.is_empty())
                .map(|(code, status)| ((*code).to_owned(), (*status).to_owned()))
                .collect();
            listed.insert(format!("{id}@{version}"), languages);
        }
    }
    let registry = vidare::Registry::load_dir(root.join("questionnaires")).unwrap();
    let mut shipped = std::collections::BTreeMap::new();
    for q in registry.iter() {
        let mut languages: Vec<(String, String)> = q
            .language_details()
            .iter()
            .map(|l| (l.code().to_owned(), l.status().as_str().to_owned()))
            .collect();
        languages.sort_by_key(|(code, _)| header.iter().position(|h| h == code));
        shipped.insert(format!("{}@{}", q.id(), q.version()), languages);
    }
    assert_eq!(listed, shipped);
}

fn cells(row: &str) -> Vec<&str> {
    let row = row.trim().trim_start_matches('|').trim_end_matches('|');
    row.split('|').map(str::trim).collect()
}
