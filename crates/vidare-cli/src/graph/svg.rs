//! The picture as SVG, laid out here without external programs: the flow
//! runs top to bottom in a left column (sections as boxes around their
//! items, conditions beside the arrows), and derived values, scores,
//! triggers and early ends stand in a right column, each level with the
//! last thing it reads, pushed down so none overlap.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Shape};
use crate::markup::escape;

const MARGIN: f64 = 20.0;
const CHAR: f64 = 7.0;
const LINE: f64 = 14.0;
const NODE_H: f64 = 40.0;
const TERMINAL_W: f64 = 64.0;
const TERMINAL_H: f64 = 26.0;
const HEADER: f64 = 26.0;
const PAD: f64 = 12.0;

/// A placed node: top-left corner and size.
#[derive(Debug, Clone, Copy, Default)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    fn right(&self) -> f64 {
        self.x + self.w
    }
}

fn width_of(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR
}

/// The second line of a node in the picture.
fn detail(node: &Node) -> String {
    let kind = match node.shape {
        Shape::Derived => "derived value · ",
        Shape::Score => "score · ",
        Shape::Trigger => "trigger · ",
        _ => "",
    };
    let mut line = format!("{kind}{}", node.detail);
    if node.unreachable {
        line.push_str(" · never shown");
    }
    line
}

pub(super) fn render(g: &Graph) -> String {
    let flow_nodes: Vec<usize> = g
        .groups
        .iter()
        .filter(|gr| gr.section)
        .flat_map(|gr| gr.nodes.iter().copied())
        .collect();
    let rule_nodes: Vec<usize> = g
        .groups
        .iter()
        .filter(|gr| !gr.section)
        .flat_map(|gr| gr.nodes.iter().copied())
        .collect();
    let node_w = |nodes: &[usize], least: f64| {
        nodes
            .iter()
            .map(|&n| width_of(&g.nodes[n].id).max(width_of(&detail(&g.nodes[n]))) + 28.0)
            .fold(least, f64::max)
    };
    let item_w = node_w(&flow_nodes, 200.0);
    let rule_w = node_w(&rule_nodes, 200.0);
    let section_w = g
        .groups
        .iter()
        .filter(|gr| gr.section)
        .map(|gr| width_of(&gr.label) + 24.0)
        .fold(item_w + 2.0 * PAD, f64::max);
    let item_x = MARGIN + (section_w - item_w) / 2.0;
    let arrow_x = item_x + item_w / 2.0;
    let label_w = g
        .edges
        .iter()
        .flat_map(|e| e.label.iter())
        .map(|l| width_of(l))
        .fold(0.0, f64::max);
    let rule_x = (MARGIN + section_w).max(arrow_x + 8.0 + label_w) + 80.0;

    let incoming = |n: usize| {
        g.edges
            .iter()
            .find(|e| e.to == n && e.kind == EdgeKind::Flow)
    };
    let mut at: Vec<Rect> = vec![Rect::default(); g.nodes.len()];
    let mut labels: Vec<(f64, f64, Vec<String>)> = Vec::new();
    let mut boxes: Vec<(Rect, String)> = Vec::new();

    // The flow column.
    let mut y = MARGIN + 44.0;
    if let Some(start) = g.nodes.iter().position(|n| n.shape == Shape::Start) {
        at[start] = Rect {
            x: arrow_x - TERMINAL_W / 2.0,
            y,
            w: TERMINAL_W,
            h: TERMINAL_H,
        };
        y += TERMINAL_H;
    }
    for group in g.groups.iter().filter(|gr| gr.section) {
        for (i, &n) in group.nodes.iter().enumerate() {
            let label = incoming(n).map(|e| e.label.clone()).unwrap_or_default();
            let label_h = label.len() as f64 * LINE;
            let gap = if i == 0 {
                (label_h + 10.0).max(22.0)
            } else {
                (label_h + 12.0).max(26.0)
            };
            if !label.is_empty() {
                labels.push((arrow_x + 8.0, y + (gap - label_h) / 2.0, label));
            }
            y += gap;
            if i == 0 {
                boxes.push((
                    Rect {
                        x: MARGIN,
                        y,
                        w: section_w,
                        h: 0.0,
                    },
                    group.label.clone(),
                ));
                y += HEADER;
            }
            at[n] = Rect {
                x: item_x,
                y,
                w: item_w,
                h: NODE_H,
            };
            y += NODE_H;
        }
        y += PAD;
        if let Some((rect, _)) = boxes.last_mut() {
            rect.h = y - rect.y;
        }
    }
    if let Some(finish) = g.nodes.iter().position(|n| n.shape == Shape::Finish) {
        y += 22.0;
        at[finish] = Rect {
            x: arrow_x - TERMINAL_W / 2.0,
            y,
            w: TERMINAL_W,
            h: TERMINAL_H,
        };
        y += TERMINAL_H;
    }
    let flow_bottom = y;

    // The rules column: each node level with the lowest thing it reads.
    let mut wanted: Vec<(f64, usize)> = Vec::new();
    let mut placed = vec![false; g.nodes.len()];
    for &n in &flow_nodes {
        placed[n] = true;
    }
    for &n in &rule_nodes {
        let level = g
            .edges
            .iter()
            .filter(|e| e.to == n && placed[e.from])
            .map(|e| at[e.from].cy())
            .fold(MARGIN + 44.0 + NODE_H / 2.0, f64::max);
        at[n] = Rect {
            x: rule_x,
            y: level - NODE_H / 2.0,
            w: rule_w,
            h: NODE_H,
        };
        placed[n] = true;
        wanted.push((level, n));
    }
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next_free = MARGIN + 44.0;
    for (level, n) in wanted {
        let top = (level - NODE_H / 2.0).max(next_free);
        at[n].y = top;
        next_free = top + NODE_H + 10.0;
    }
    let height = flow_bottom.max(next_free) + MARGIN;
    let width = rule_x + rule_w + 120.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&g.title));
    out.push_str(concat!(
        "<defs>\n",
        "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker>\n",
        "<marker id=\"arrow-reads\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#999\"/></marker>\n",
        "<marker id=\"arrow-suggests\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#1f5fbf\"/></marker>\n",
        "</defs>\n",
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
    ));
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 12.0,
        escape(&g.title)
    );
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"11\" fill=\"#555\">{}</text>",
        MARGIN + 30.0,
        escape(
            "arrows: the order of asking, with the condition of a conditional item · grey dashed: what a \
             rule reads · blue dotted: a suggested answer · red dashed: never shown"
        )
    );

    for (rect, label) in &boxes {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#f7f7fa\" stroke=\"#aab\"/>",
            rect.x, rect.y, rect.w, rect.h
        );
        let _ = label;
    }
    for e in &g.edges {
        let (a, b) = (at[e.from], at[e.to]);
        let (path, style) = match e.kind {
            EdgeKind::Flow => (
                format!("M {} {} L {} {}", a.cx(), a.bottom(), b.cx(), b.y),
                "stroke=\"#333\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"",
            ),
            kind => {
                let style = if kind == EdgeKind::Suggests {
                    "stroke=\"#1f5fbf\" stroke-dasharray=\"2 3\" marker-end=\"url(#arrow-suggests)\""
                } else {
                    "stroke=\"#999\" stroke-dasharray=\"5 4\" marker-end=\"url(#arrow-reads)\""
                };
                (curve(a, b, rule_x), style)
            }
        };
        let _ = writeln!(out, "<path d=\"{path}\" fill=\"none\" {style}/>");
    }
    for (rect, label) in &boxes {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"#334\" {HALO}>{}</text>",
            rect.x + 10.0,
            rect.y + 17.0,
            escape(label)
        );
    }
    for (n, node) in g.nodes.iter().enumerate() {
        node_svg(&mut out, node, at[n]);
    }
    for (x, top, lines) in &labels {
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" font-size=\"11\" fill=\"#1d4d1d\" {HALO}>{}</text>",
                top + 11.0 + k as f64 * LINE,
                escape(line)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A white outline behind text, so lines crossing it do not hide it.
const HALO: &str = "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\"";

/// A dependency edge: between the columns, or within the rules column as
/// a bulge to its right.
fn curve(a: Rect, b: Rect, rule_x: f64) -> String {
    let a_rule = a.x >= rule_x;
    let b_rule = b.x >= rule_x;
    match (a_rule, b_rule) {
        (true, true) => {
            let bulge = 30.0 + ((b.cy() - a.cy()).abs() / 8.0).min(70.0).round();
            format!(
                "M {} {} C {} {}, {} {}, {} {}",
                a.right(),
                a.cy(),
                a.right() + bulge,
                a.cy(),
                b.right() + bulge,
                b.cy(),
                b.right(),
                b.cy()
            )
        }
        (false, true) => {
            let dx = (b.x - a.right()) / 2.0;
            format!(
                "M {} {} C {} {}, {} {}, {} {}",
                a.right(),
                a.cy(),
                a.right() + dx,
                a.cy(),
                b.x - dx,
                b.cy(),
                b.x,
                b.cy()
            )
        }
        _ => {
            let dx = (a.x - b.right()) / 2.0;
            format!(
                "M {} {} C {} {}, {} {}, {} {}",
                a.x,
                a.cy(),
                a.x - dx,
                a.cy(),
                b.right() + dx,
                b.cy(),
                b.right(),
                b.cy()
            )
        }
    }
}

fn node_svg(out: &mut String, node: &Node, r: Rect) {
    let (fill, stroke) = match node.shape {
        Shape::Start | Shape::Finish => ("#333", "#333"),
        Shape::Question => ("#ffffff", "#333"),
        Shape::Info => ("#f0f0f0", "#888"),
        Shape::Derived => ("#eaf2fc", "#3a6ea5"),
        Shape::Score => ("#eaf7ec", "#2e7d32"),
        Shape::Trigger => ("#fff3e0", "#c75b00"),
        Shape::End => ("#fbe9e9", "#a33"),
    };
    let (stroke, dash) = if node.unreachable {
        ("#c00", " stroke-dasharray=\"5 3\" stroke-width=\"2\"")
    } else {
        (stroke, "")
    };
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\"{dash}");
    let _ = writeln!(
        out,
        "<g id=\"{}\" class=\"{}\">",
        escape(&node.key),
        class(node.shape)
    );
    if let Some(text) = &node.text {
        let _ = writeln!(out, "<title>{}</title>", escape(text));
    }
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    let _ = match node.shape {
        Shape::Question => writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"3\" {paint}/>"
        ),
        Shape::Info => writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"12\" {paint}/>"
        ),
        Shape::Start | Shape::Finish | Shape::Score => writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{}\" {paint}/>",
            h / 2.0
        ),
        Shape::Derived => polygon(
            out,
            &[(x + 10.0, y), (x + w, y), (x + w - 10.0, y + h), (x, y + h)],
            &paint,
        ),
        Shape::Trigger => polygon(
            out,
            &[
                (x + 12.0, y),
                (x + w - 12.0, y),
                (x + w, y + h / 2.0),
                (x + w - 12.0, y + h),
                (x + 12.0, y + h),
                (x, y + h / 2.0),
            ],
            &paint,
        ),
        Shape::End => polygon(
            out,
            &[
                (x + 10.0, y),
                (x + w - 10.0, y),
                (x + w, y + 10.0),
                (x + w, y + h - 10.0),
                (x + w - 10.0, y + h),
                (x + 10.0, y + h),
                (x, y + h - 10.0),
                (x, y + 10.0),
            ],
            &paint,
        ),
    };
    if matches!(node.shape, Shape::Start | Shape::Finish) {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"white\">{}</text>",
            r.cx(),
            r.cy() + 4.0,
            escape(&node.id)
        );
    } else {
        let colour = if node.unreachable { "#c00" } else { "#555" };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            r.cx(),
            y + 17.0,
            escape(&node.id)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{colour}\">{}</text>",
            r.cx(),
            y + 32.0,
            escape(&detail(node))
        );
    }
    out.push_str("</g>\n");
}

fn polygon(out: &mut String, points: &[(f64, f64)], paint: &str) -> std::fmt::Result {
    let points = points
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ");
    writeln!(out, "<polygon points=\"{points}\" {paint}/>")
}

fn class(shape: Shape) -> &'static str {
    match shape {
        Shape::Start => "start",
        Shape::Finish => "finish",
        Shape::Question => "item question",
        Shape::Info => "item info",
        Shape::Derived => "derived",
        Shape::Score => "score",
        Shape::Trigger => "trigger",
        Shape::End => "end",
    }
}
