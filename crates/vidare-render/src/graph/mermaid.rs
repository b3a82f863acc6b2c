//! The picture as a Mermaid flowchart.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Shape, wrap_at_most};
use crate::doc::terms::{URGENCY_COLOURS, urgency_index};
use crate::escape;

pub(super) fn render(g: &Graph) -> String {
    let mut out = String::new();
    // The front matter is YAML: a double-quoted string.
    let title = g.title.replace('\\', "\\\\").replace('"', "\\\"");
    let _ = writeln!(out, "---\ntitle: \"{title}\"\n---");
    out.push_str("flowchart TB\n");
    let grouped: Vec<usize> = g.groups.iter().flat_map(|gr| gr.nodes.clone()).collect();
    for (n, node) in g.nodes.iter().enumerate() {
        if !grouped.contains(&n) && node.shape == Shape::Start {
            let _ = writeln!(out, "  {}", node_line(g, node));
        }
    }
    for group in &g.groups {
        let mut label = escape::mermaid(&group.label);
        if !group.instances.is_empty() {
            let keys = group.instances.join(", ");
            let line = g.terms.template_instances.replace("{keys}", &keys);
            let _ = write!(label, "<br/>{}", escape::mermaid(&line));
        }
        let _ = writeln!(out, "  subgraph {}[\"{label}\"]", group.key);
        out.push_str("    direction TB\n");
        for &n in &group.nodes {
            let _ = writeln!(out, "    {}", node_line(g, &g.nodes[n]));
        }
        out.push_str("  end\n");
    }
    for (n, node) in g.nodes.iter().enumerate() {
        if !grouped.contains(&n) && node.shape != Shape::Start {
            let _ = writeln!(out, "  {}", node_line(g, node));
        }
    }
    for e in &g.edges {
        let (from, to) = (&g.nodes[e.from].key, &g.nodes[e.to].key);
        let label = e
            .label
            .iter()
            .map(|l| escape::mermaid(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = match (e.kind, label.is_empty()) {
            (EdgeKind::Flow, true) => writeln!(out, "  {from} --> {to}"),
            (EdgeKind::Flow, false) => writeln!(out, "  {from} -->|\"{label}\"| {to}"),
            (EdgeKind::Otherwise, _) => writeln!(out, "  {from} -. \"{label}\" .-> {to}"),
            (EdgeKind::Reads, _) => writeln!(out, "  {from} -.-> {to}"),
            (EdgeKind::Suggests, _) => writeln!(out, "  {from} -.->|\"{label}\"| {to}"),
        };
    }
    let unreachable: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.unreachable)
        .map(|n| n.key.as_str())
        .collect();
    if !unreachable.is_empty() {
        out.push_str(
            "  classDef unreachable stroke:#c00,stroke-width:2px,stroke-dasharray:5 3,color:#c00\n",
        );
        let _ = writeln!(out, "  class {} unreachable", unreachable.join(","));
    }
    urgency_classes(&mut out, g);
    out
}

/// Each referral filled with its urgency's colour.
fn urgency_classes(out: &mut String, g: &Graph) {
    use vidare::format::Urgency;
    for u in [Urgency::Immediate, Urgency::Soon, Urgency::Routine] {
        let keys: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.urgency == Some(u))
            .map(|n| n.key.as_str())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let (fill, stroke) = URGENCY_COLOURS[urgency_index(u)];
        let _ = writeln!(
            out,
            "  classDef {} fill:{fill},stroke:{stroke},stroke-width:2px",
            u.as_str()
        );
        let _ = writeln!(out, "  class {} {}", keys.join(","), u.as_str());
    }
}

/// A node: its text (wrapped), then its id and kind.
fn node_line(g: &Graph, node: &Node) -> String {
    let mut label = wrap_at_most(node.title(), 40, 3)
        .iter()
        .map(|l| escape::mermaid(l))
        .collect::<Vec<_>>()
        .join("<br/>");
    let mut second = Vec::new();
    if node.text.is_some() {
        second.push(escape::mermaid(&node.id));
    }
    if !node.detail.is_empty() {
        second.push(escape::mermaid(&node.detail));
    }
    if node.unreachable {
        second.push(escape::mermaid(g.terms.never_shown));
    }
    if !second.is_empty() {
        let _ = write!(label, "<br/>{}", second.join(" · "));
    }
    let (open, close) = match node.shape {
        Shape::Start | Shape::Finish => ("((", "))"),
        Shape::Question => ("[", "]"),
        Shape::Info => ("(", ")"),
        Shape::Derived => ("[/", "/]"),
        Shape::Score => ("([", "])"),
        Shape::Trigger => ("{{", "}}"),
        Shape::End => ("[\\", "/]"),
    };
    format!("{}{open}\"{label}\"{close}", node.key)
}
