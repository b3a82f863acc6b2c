//! The picture as Graphviz DOT, sections as clusters.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Shape, wrap_at_most};
use crate::doc::terms::{URGENCY_COLOURS, urgency_index};
use crate::escape;

pub(super) fn render(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape::dot(&g.title));
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, fontname=\"Helvetica\", labelloc=t, label=\"{}\", newrank=true];",
        escape::dot(&g.title)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11, style=filled, fillcolor=white];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let grouped: Vec<usize> = g.groups.iter().flat_map(|gr| gr.nodes.clone()).collect();
    for (n, node) in g.nodes.iter().enumerate() {
        if !grouped.contains(&n) {
            let _ = writeln!(out, "  {}", node_line(g, node));
        }
    }
    for group in &g.groups {
        let _ = writeln!(out, "  subgraph cluster_{} {{", group.key);
        let mut label = escape::dot(&group.label);
        if !group.instances.is_empty() {
            let keys = group.instances.join(", ");
            let line = g.terms.template_instances.replace("{keys}", &keys);
            let _ = write!(label, "\\n{}", escape::dot(&line));
        }
        let _ = writeln!(out, "    label=\"{label}\";");
        if group.section {
            out.push_str("    style=rounded; color=gray50;\n");
        } else {
            out.push_str("    style=dashed; color=gray70;\n");
        }
        for &n in &group.nodes {
            let _ = writeln!(out, "    {}", node_line(g, &g.nodes[n]));
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
                    .map(|l| escape::dot(l))
                    .collect::<Vec<_>>()
                    .join("\\l")
                    + "\\l"
            ),
            EdgeKind::Otherwise => format!(
                "[style=dashed, color=gray30, fontcolor=gray30, label=\"{}\"]",
                escape::dot(&e.label.join(" "))
            ),
            EdgeKind::Reads => "[style=dashed, color=gray45, arrowhead=vee]".to_owned(),
            EdgeKind::Suggests => format!(
                "[style=dotted, color=blue, fontcolor=blue, arrowhead=vee, \
                 constraint=false, label=\"{}\"]",
                escape::dot(&e.label.join(" "))
            ),
        };
        let _ = writeln!(out, "  {from} -> {to} {attrs};");
    }
    out.push_str("}\n");
    out
}

/// A node: its text (wrapped), then its id and kind.
fn node_line(g: &Graph, node: &Node) -> String {
    let mut label = wrap_at_most(node.title(), 40, 3)
        .iter()
        .map(|l| escape::dot(l))
        .collect::<Vec<_>>()
        .join("\\n");
    let mut second = Vec::new();
    if node.text.is_some() {
        second.push(escape::dot(&node.id));
    }
    if !node.detail.is_empty() {
        second.push(escape::dot(&node.detail));
    }
    if !second.is_empty() {
        let _ = write!(label, "\\n{}", second.join(" · "));
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
    if let Some(u) = node.urgency {
        let (fill, stroke) = URGENCY_COLOURS[urgency_index(u)];
        let _ = write!(
            attrs,
            ", fillcolor=\"{fill}\", color=\"{stroke}\", penwidth=2"
        );
    }
    if node.unreachable {
        let _ = write!(label, " · {}", escape::dot(g.terms.never_shown));
        attrs.push_str(", style=\"filled,dashed\", color=red, fontcolor=red");
    }
    if let Some(text) = &node.text {
        let _ = write!(attrs, ", tooltip=\"{}\"", escape::dot(text));
    }
    format!("{} [{attrs}, label=\"{label}\"];", node.key)
}
