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
