//! `vidare graph`: Mermaid and DOT text, and an SVG that is valid XML,
//! shows every item by its text in the chosen language, both ways past a
//! condition, every referral in its urgency's colour, and a legend inside
//! the picture.

use crate::common;

use common::{SHIPPED, UNREACHABLE, WELLBEING, output, vidare, write};

fn graph(path: &str, format: &str) -> String {
    let (code, stdout, stderr) = output(vidare().args(["graph", path, "--format", format]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn graph_in(path: &str, format: &str, lang: &str) -> String {
    let (code, stdout, stderr) =
        output(vidare().args(["graph", path, "--format", format, "--lang", lang]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// How a picture names an item: by its id, or for a template drawn once
/// through its first instance, by `*.` and the rest of the id.
fn names(text: &str, id: &str) -> bool {
    text.contains(id)
        || id
            .split_once('.')
            .is_some_and(|(_, rest)| text.contains(&format!("*.{rest}")))
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
fn svg_is_valid_xml_with_every_item_and_its_text() {
    for path in SHIPPED.iter().chain([&WELLBEING]) {
        let q = vidare::load(common::root().join(path)).unwrap();
        for lang in q.languages() {
            let svg = graph_in(path, "svg", lang);
            let doc = roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{path}: the SVG is not XML: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(
                root.tag_name().namespace(),
                Some("http://www.w3.org/2000/svg")
            );
            let texts: String = doc
                .descendants()
                .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join("\n");
            for item in q.items() {
                assert!(
                    names(&texts, item.id()),
                    "{path}: no node for `{}`",
                    item.id()
                );
                // The first words of its text, in this language (a
                // template's later instances are drawn through the first).
                if !texts.contains(item.id()) {
                    continue;
                }
                let first: String = item
                    .text(lang)
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(texts.contains(&first), "{path} {lang}: no text `{first}`");
            }
            for trigger in q.trigger_ids() {
                assert!(
                    names(&texts, trigger),
                    "{path}: no node for trigger `{trigger}`"
                );
            }
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
                    names(&text, item.id()),
                    "{path} {format}: no node for `{}`",
                    item.id()
                );
            }
        }
    }
}

#[test]
fn both_ways_past_a_condition_are_drawn() {
    let mermaid = graph_in(SHIPPED[0], "mermaid", "en");
    // Into `interpreter` when `alone` is yes; past it otherwise.
    assert!(mermaid.contains("q2 -->|\"alone is yes\"| q3"), "{mermaid}");
    assert!(mermaid.contains("q2 -. \"otherwise\" .-> q4"), "{mermaid}");
    let dot = graph_in(SHIPPED[0], "dot", "sv");
    assert!(
        dot.contains("q2 -> q4 [style=dashed, color=gray30, fontcolor=gray30, label=\"annars\"]"),
        "{dot}"
    );
    let svg = graph(SHIPPED[0], "svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let conditional = svg.matches("fill=\"#1d4d1d\"").count();
    let otherwise = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("otherwise"))
        .count();
    assert!(
        otherwise >= conditional && otherwise > 0,
        "{otherwise} < {conditional}"
    );
}

#[test]
fn conditions_of_included_parts_and_templates_are_on_the_arrows() {
    let compass = graph_in(SHIPPED[2], "mermaid", "en");
    // The end condition of the included violence questionnaire guards its
    // second section, once, where it starts.
    assert_eq!(
        compass.matches("unless `violence.alone` is no").count()
            + compass.matches("unless violence.alone is no").count(),
        1,
        "{compass}"
    );
    let boston = graph_in(SHIPPED[1], "mermaid", "en");
    // A suggested answer is drawn from the derived value to the item.
    assert!(boston.contains("-.->|\"suggested answer\"|"), "{boston}");
    // The template is drawn once, its instances named.
    assert!(
        boston.contains("the same for each of: living, learning, working, social, health"),
        "{boston}"
    );
    assert_eq!(
        boston.matches("*.wants_change is yes").count(),
        7,
        "{boston}"
    );
    assert!(!boston.contains("learning.situation"), "{boston}");
}

#[test]
fn referrals_have_their_urgency_colour_and_the_legend_explains_them() {
    let svg = graph_in(SHIPPED[0], "svg", "en");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for (urgency, stroke) in [
        ("immediate", "#c62828"),
        ("soon", "#d9730d"),
        ("routine", "#2f5fae"),
    ] {
        let triggers: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some(&format!("trigger urgency-{urgency}")))
            .collect();
        for t in &triggers {
            assert!(
                t.descendants()
                    .any(|n| n.attribute("stroke") == Some(stroke)),
                "a {urgency} referral not drawn in {stroke}"
            );
        }
        let legend = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(&format!("legend-urgency-{urgency}")))
            .unwrap_or_else(|| panic!("no legend entry for {urgency}"));
        assert!(
            legend
                .descendants()
                .any(|n| n.attribute("stroke") == Some(stroke))
        );
    }
    let mermaid = graph_in(SHIPPED[0], "mermaid", "en");
    assert!(
        mermaid.contains("classDef immediate fill:#fde2e1,stroke:#c62828"),
        "{mermaid}"
    );
}

#[test]
fn the_legend_is_inside_the_picture_even_for_a_narrow_flow() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "narrow.yaml", UNREACHABLE);
    for path in [path.to_str().unwrap(), SHIPPED[0], WELLBEING] {
        let svg = graph(path, "svg");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        let number = |n: roxmltree::Node<'_, '_>, a: &str| -> f64 {
            n.attribute(a).unwrap().parse().unwrap()
        };
        let (width, height) = (number(root, "width"), number(root, "height"));
        let view: Vec<f64> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(view, [0.0, 0.0, width, height]);
        let legend = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("legend"))
            .unwrap();
        let rect = legend.children().find(|n| n.has_tag_name("rect")).unwrap();
        let (x, y) = (number(rect, "x"), number(rect, "y"));
        assert!(x >= 0.0 && y >= 0.0, "{path}");
        assert!(
            x + number(rect, "width") <= width,
            "{path}: the legend is wider than the picture"
        );
        assert!(
            y + number(rect, "height") <= height,
            "{path}: the legend is below the picture"
        );
        // Every text of the legend starts inside its box.
        for text in legend.descendants().filter(|n| n.has_tag_name("text")) {
            let tx = number(text, "x");
            let chars = text.text().unwrap_or_default().chars().count() as f64;
            assert!(
                tx + chars * 6.6 <= x + number(rect, "width") + 1.0,
                "{path}: `{:?}` runs out",
                text.text()
            );
        }
    }
}

#[test]
fn markup_in_texts_is_escaped_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let text = UNREACHABLE.replace(
        "text: { sv: Ensam?, en: Alone? }",
        "text: { sv: \"<script>x</script> & \\\"co\\\" | #1\", en: \"Alone <b>now</b>?\" }",
    );
    let path = write(tmp.path(), "escape.yaml", &text);
    let path = path.to_str().unwrap();
    let svg = graph(path, "svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(!svg.contains("<script>"), "{svg}");
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("<script>x</script> & \"co\" | #1")),
        "{svg}"
    );
    let mermaid = graph(path, "mermaid");
    assert!(
        mermaid.contains("#lt;script#gt;x#lt;/script#gt; #38; #quot;co#quot; #124; #35;1"),
        "{mermaid}"
    );
    let dot = graph(path, "dot");
    assert!(
        dot.contains("<script>x</script> & \\\"co\\\" | #1"),
        "{dot}"
    );
}

#[test]
fn unreachable_items_are_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "unreachable.yaml", UNREACHABLE);
    let path = path.to_str().unwrap();
    let mermaid = graph_in(path, "mermaid", "en");
    assert!(
        mermaid.contains("q2[\"Children?<br/>children · yes/no · never shown\"]"),
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
    assert!(svg.contains("children · ja/nej · visas aldrig"), "{svg}");
    assert!(
        node.descendants()
            .any(|n| n.attribute("stroke") == Some("#c00")),
        "{svg}"
    );
}

/// The example in docs/cli.md is the fixture's output.
#[test]
fn the_example_in_the_docs_is_the_output() {
    let docs = common::read("docs/cli.md");
    let section = &docs[docs.find("## `vidare graph`").unwrap()..];
    let start = section.find("```text\n---\n").unwrap() + "```text\n".len();
    let example = &section[start..start + section[start..].find("```\n").unwrap()];
    assert_eq!(example, graph_in(WELLBEING, "mermaid", "en"));
}

/// Two "otherwise" arrows in one lane never overlap in height, so each can
/// be followed from where it starts to where it ends.
#[test]
fn otherwise_arrows_in_one_lane_do_not_overlap() {
    for path in [
        "questionnaires/violence-seven/2.0.0.yaml",
        "questionnaires/violence-seven/2.1.0.yaml",
        "questionnaires/gender-equality-compass/2.1.0.yaml",
        "questionnaires/boston-life-areas/2.0.0.yaml",
    ] {
        let svg = graph(path, "svg");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        // `M x0 y0 H lane V y1 H x1`
        let mut lanes: Vec<(String, f64, f64)> = Vec::new();
        for node in doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("otherwise"))
        {
            let d: Vec<&str> = node.attribute("d").unwrap().split(' ').collect();
            let (y0, y1): (f64, f64) = (d[2].parse().unwrap(), d[6].parse().unwrap());
            lanes.push((d[4].to_owned(), y0.min(y1), y0.max(y1)));
        }
        assert!(!lanes.is_empty(), "{path}");
        for (i, a) in lanes.iter().enumerate() {
            for b in &lanes[i + 1..] {
                assert!(
                    a.0 != b.0 || a.2 <= b.1 || b.2 <= a.1,
                    "{path}: {a:?} and {b:?} overlap in one lane"
                );
            }
        }
    }
}
