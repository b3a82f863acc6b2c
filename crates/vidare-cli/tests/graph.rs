//! `vidare graph`: Mermaid and DOT text, and an SVG that is valid XML
//! and names every item.

mod common;

use common::{SHIPPED, UNREACHABLE, WELLBEING, output, vidare, write};

fn graph(path: &str, format: &str) -> String {
    let (code, stdout, stderr) = output(vidare().args(["graph", path, "--format", format]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn violence_as_mermaid() {
    insta::assert_snapshot!(graph(SHIPPED[0], "mermaid"));
}

#[test]
fn violence_as_dot() {
    insta::assert_snapshot!(graph(SHIPPED[0], "dot"));
}

#[test]
fn the_fixture_as_svg() {
    insta::assert_snapshot!(graph(WELLBEING, "svg"));
}

#[test]
fn svg_is_valid_xml_with_every_item_id() {
    for path in SHIPPED.iter().chain([&WELLBEING]) {
        let svg = graph(path, "svg");
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{path}: the SVG is not XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        let q = vidare::load(common::root().join(path)).unwrap();
        for item in q.items() {
            assert!(
                texts.contains(&item.id()),
                "{path}: no node for `{}`",
                item.id()
            );
        }
        for trigger in q.trigger_ids() {
            assert!(
                texts.contains(&trigger),
                "{path}: no node for trigger `{trigger}`"
            );
        }
    }
}

#[test]
fn mermaid_and_dot_name_every_item_of_every_questionnaire() {
    for path in SHIPPED {
        let q = vidare::load(common::root().join(path)).unwrap();
        for format in ["mermaid", "dot"] {
            let text = graph(path, format);
            for item in q.items() {
                assert!(
                    text.contains(&format!("\"{}<br/>", item.id()))
                        || text.contains(&format!("label=\"{}\\n", item.id())),
                    "{path} {format}: no node for `{}`",
                    item.id()
                );
            }
        }
    }
}

#[test]
fn conditions_of_included_parts_and_templates_are_on_the_arrows() {
    let compass = graph(SHIPPED[2], "mermaid");
    // The end condition of the included violence questionnaire guards its
    // second section, once, where it starts.
    assert_eq!(
        compass.matches("unless alone == false").count(),
        1,
        "{compass}"
    );
    let boston = graph(SHIPPED[1], "mermaid");
    // A suggested answer is drawn from the derived value to the item.
    assert!(boston.contains("-.->|\"suggested answer\"|"), "{boston}");
}

#[test]
fn unreachable_items_are_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "unreachable.yaml", UNREACHABLE);
    let path = path.to_str().unwrap();
    let mermaid = graph(path, "mermaid");
    assert!(
        mermaid.contains("q2[\"children<br/>yes_no<br/>never shown\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("class q2 unreachable"), "{mermaid}");
    let dot = graph(path, "dot");
    assert!(dot.contains("color=red"), "{dot}");
    let svg = graph(path, "svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("q2"))
        .unwrap();
    assert!(svg.contains("yes_no · never shown"), "{svg}");
    assert!(
        node.descendants()
            .any(|n| n.attribute("stroke") == Some("#c00")),
        "{svg}"
    );
}
