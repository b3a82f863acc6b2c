//! The picture as Graphviz DOT, sections as clusters.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Shape};

pub(super) fn render(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(&g.title));
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, fontname=\"Helvetica\", labelloc=t, label=\"{}\", newrank=true];",
        escape(&g.title)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11, style=filled, fillcolor=white];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let grouped: Vec<usize> = g.groups.iter().flat_map(|gr| gr.nodes.clone()).collect();
    for (n, node) in g.nodes.iter().enumerate() {
        if !grouped.contains(&n) {
            let _ = writeln!(out, "  {}", node_line(node));
        }
    }
    for group in &g.groups {
        let _ = writeln!(out, "  subgraph cluster_{} {{", group.key);
        let _ = writeln!(out, "    label=\"{}\";", escape(&group.label));
        if group.section {
            out.push_str("    style=rounded; color=gray50;\n");
        } else {
            out.push_str("    style=dashed; color=gray70;\n");
        }
        for &n in &group.nodes {
            let _ = writeln!(out, "    {}", node_line(&g.nodes[n]));
        }
        out.push_str("  }\n");
    }
    for e in &g.edges {
        let (from, to) = (&g.nodes[e.from].key, &g.nodes[e.to].key);
        let attrs = match e.kind {
            EdgeKind::Flow if e.label.is_empty() => "[weight=10]".to_owned(),
            EdgeKind::Flow => format!(
                "[weight=10, label=\"{}\"]",
                e.label
                    .iter()
                    .map(|l| escape(l))
                    .collect::<Vec<_>>()
                    .join("\\l")
                    + "\\l"
            ),
            EdgeKind::Reads => "[style=dashed, color=gray45, arrowhead=vee]".to_owned(),
            EdgeKind::Suggests => "[style=dotted, color=blue, fontcolor=blue, arrowhead=vee, \
                                   constraint=false, label=\"suggested answer\"]"
                .to_owned(),
        };
        let _ = writeln!(out, "  {from} -> {to} {attrs};");
    }
    out.push_str("}\n");
    out
}

fn node_line(node: &Node) -> String {
    let mut label = escape(&node.id);
    if !node.detail.is_empty() {
        let _ = write!(label, "\\n{}", escape(&node.detail));
    }
    let shape = match node.shape {
        Shape::Start | Shape::Finish => "circle",
        Shape::Question => "box",
        Shape::Info => "note",
        Shape::Derived => "parallelogram",
        Shape::Score => "ellipse",
        Shape::Trigger => "hexagon",
        Shape::End => "octagon",
    };
    let mut attrs = format!("shape={shape}");
    if node.unreachable {
        label.push_str("\\nnever shown");
        attrs.push_str(", style=\"filled,dashed\", color=red, fontcolor=red");
    }
    if let Some(text) = &node.text {
        let _ = write!(attrs, ", tooltip=\"{}\"", escape(text));
    }
    format!("{} [{attrs}, label=\"{label}\"];", node.key)
}

/// Text inside a quoted DOT string.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(escape(r#"a == "b\c""#), r#"a == \"b\\c\""#);
    }
}
