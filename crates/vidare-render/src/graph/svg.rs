//! The picture as SVG, laid out here without external programs: the flow
//! runs top to bottom in a left column (sections as boxes around their
//! items, conditions beside the arrows, the "otherwise" arrows in lanes on
//! the left), and derived values, scores, referrals and early ends stand
//! in a right column, each level with the last thing it reads, pushed down
//! so none overlap. A legend under everything explains every mark; the
//! picture is always wide and tall enough to hold it.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Shape, wrap, wrap_at_most};
use crate::doc::terms::{URGENCY_COLOURS, urgency_index};
use crate::escape;

const MARGIN: f64 = 20.0;
/// The average width of a character at 12 px, a little generous.
const CHAR: f64 = 6.6;
const LINE: f64 = 15.0;
const TERMINAL_W: f64 = 64.0;
const TERMINAL_H: f64 = 26.0;
const PAD: f64 = 12.0;
/// The lane left of the section boxes, for skips past a section.
const OUTER_LANE: f64 = 24.0;
/// The lane inside a section box, for skips past an item.
const INNER_LANE: f64 = 26.0;
const ITEM_W: f64 = 290.0;
const RULE_W: f64 = 310.0;
/// Characters per line of a node's text.
const ITEM_CHARS: usize = 40;
const RULE_CHARS: usize = 43;
/// Lines of a node's text at most (the full text is its tooltip).
const MOST_LINES: usize = 3;
/// Characters per line of a section's header (its box is 328 px wide).
const HEADER_CHARS: usize = 46;

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

/// The lines of a node's text.
fn text_lines(node: &Node) -> Vec<String> {
    let chars = if is_rule(node.shape) {
        RULE_CHARS
    } else {
        ITEM_CHARS
    };
    wrap_at_most(node.title(), chars, MOST_LINES)
}

fn is_rule(shape: Shape) -> bool {
    matches!(
        shape,
        Shape::Derived | Shape::Score | Shape::Trigger | Shape::End
    )
}

/// The small second line: id and kind.
fn detail(g: &Graph, node: &Node) -> String {
    let mut line = if node.text.is_some() {
        format!("{} · {}", node.id, node.detail)
    } else {
        node.detail.clone()
    };
    if node.unreachable {
        let _ = write!(line, " · {}", g.terms.never_shown);
    }
    line
}

/// The small lines under the text: id and kind, wrapped.
fn detail_lines(g: &Graph, node: &Node) -> Vec<String> {
    let chars = if is_rule(node.shape) { 50 } else { 46 };
    wrap(&detail(g, node), chars)
}

const SMALL_LINE: f64 = 12.0;

fn node_height(g: &Graph, node: &Node) -> f64 {
    let small = detail_lines(g, node).len().max(1) as f64;
    10.0 + text_lines(node).len() as f64 * LINE + small * SMALL_LINE + 6.0
}

/// Where everything goes.
struct Layout {
    at: Vec<Rect>,
    labels: Vec<(f64, f64, Vec<String>)>,
    /// Section boxes with their header lines.
    boxes: Vec<(Rect, Vec<String>)>,
    /// The section box of each flow node, by index into `boxes`.
    box_of: Vec<Option<usize>>,
    rule_x: f64,
    bottom: f64,
    right: f64,
}

pub(super) fn render(g: &Graph) -> String {
    let mut l = flow_layout(g);
    rules_layout(g, &mut l);
    let legend = legend(g, l.right.max(560.0));
    let width = l.right.max(legend.width + 2.0 * MARGIN);
    let legend_y = l.bottom + 24.0;
    let height = legend_y + legend.height + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape::html(&g.title));
    out.push_str(DEFS);
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 12.0,
        escape::html(&g.title)
    );
    for (rect, _) in &l.boxes {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#f7f7fa\" stroke=\"#aab\"/>",
            rect.x, rect.y, rect.w, rect.h
        );
    }
    edges(&mut out, g, &l);
    for (rect, lines) in &l.boxes {
        for (k, line) in lines.iter().enumerate() {
            let weight = if k == 0 { " font-weight=\"bold\"" } else { "" };
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\"{weight} fill=\"#334\" {HALO}>{}</text>",
                rect.x + 10.0,
                rect.y + 17.0 + k as f64 * LINE,
                escape::html(line)
            );
        }
    }
    for (n, node) in g.nodes.iter().enumerate() {
        node_svg(&mut out, g, node, l.at[n]);
    }
    for (x, top, lines) in &l.labels {
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" font-size=\"11\" fill=\"#1d4d1d\" {HALO}>{}</text>",
                top + 11.0 + k as f64 * LINE,
                escape::html(line)
            );
        }
    }
    out.push_str(&legend.draw(MARGIN, legend_y));
    out.push_str("</svg>\n");
    out
}

const DEFS: &str = concat!(
    "<defs>\n",
    "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker>\n",
    "<marker id=\"arrow-otherwise\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#777\"/></marker>\n",
    "<marker id=\"arrow-reads\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#999\"/></marker>\n",
    "<marker id=\"arrow-suggests\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#1f5fbf\"/></marker>\n",
    "</defs>\n",
);

/// The flow column: start, each section's box with its items, finish.
fn flow_layout(g: &Graph) -> Layout {
    let box_x = MARGIN + OUTER_LANE;
    let item_x = box_x + INNER_LANE;
    let box_w = INNER_LANE + ITEM_W + PAD;
    let arrow_x = item_x + ITEM_W / 2.0;
    let mut l = Layout {
        at: vec![Rect::default(); g.nodes.len()],
        labels: Vec::new(),
        boxes: Vec::new(),
        box_of: vec![None; g.nodes.len()],
        rule_x: 0.0,
        bottom: 0.0,
        right: 0.0,
    };
    let incoming = |n: usize| {
        g.edges
            .iter()
            .find(|e| e.to == n && e.kind == EdgeKind::Flow)
            .map(|e| e.label.clone())
            .unwrap_or_default()
    };
    let mut y = MARGIN + 34.0;
    if let Some(start) = g.nodes.iter().position(|n| n.shape == Shape::Start) {
        l.at[start] = terminal(arrow_x, y);
        y += TERMINAL_H;
    }
    let header_chars = HEADER_CHARS;
    for group in g.groups.iter().filter(|gr| gr.section) {
        let mut header = wrap(&group.label, header_chars);
        if !group.instances.is_empty() {
            let keys = group.instances.join(", ");
            let line = g.terms.template_instances.replace("{keys}", &keys);
            header.extend(wrap(&line, header_chars));
        }
        for (i, &n) in group.nodes.iter().enumerate() {
            let label = incoming(n);
            let label_h = label.len() as f64 * LINE;
            let gap = (label_h + 12.0).max(if i == 0 { 24.0 } else { 26.0 });
            if !label.is_empty() {
                l.labels
                    .push((arrow_x + 8.0, y + (gap - label_h) / 2.0, label));
            }
            y += gap;
            if i == 0 {
                let rect = Rect {
                    x: box_x,
                    y,
                    w: box_w,
                    h: 0.0,
                };
                y += header.len() as f64 * LINE + 10.0;
                l.boxes.push((rect, header.clone()));
            }
            let h = node_height(g, &g.nodes[n]);
            l.at[n] = Rect {
                x: item_x,
                y,
                w: ITEM_W,
                h,
            };
            l.box_of[n] = Some(l.boxes.len() - 1);
            y += h;
        }
        y += PAD;
        if let Some((rect, _)) = l.boxes.last_mut() {
            rect.h = y - rect.y;
        }
    }
    if let Some(finish) = g.nodes.iter().position(|n| n.shape == Shape::Finish) {
        let label = incoming(finish);
        y += (label.len() as f64 * LINE + 12.0).max(24.0);
        l.at[finish] = terminal(arrow_x, y);
        y += TERMINAL_H;
    }
    let label_w = l
        .labels
        .iter()
        .flat_map(|(_, _, lines)| lines.iter())
        .map(|s| width_of(s))
        .fold(0.0, f64::max);
    // Whole pixels keep the coordinates short.
    l.rule_x = ((box_x + box_w).max(arrow_x + 8.0 + label_w) + 90.0).round();
    l.bottom = y;
    l.right = box_x + box_w + MARGIN;
    l
}

fn terminal(cx: f64, y: f64) -> Rect {
    Rect {
        x: cx - TERMINAL_W / 2.0,
        y,
        w: TERMINAL_W,
        h: TERMINAL_H,
    }
}

/// The rules column: each node level with the lowest thing it reads.
fn rules_layout(g: &Graph, l: &mut Layout) {
    let rule_nodes: Vec<usize> = g
        .groups
        .iter()
        .filter(|gr| !gr.section)
        .flat_map(|gr| gr.nodes.iter().copied())
        .collect();
    if rule_nodes.is_empty() {
        return;
    }
    let mut placed: Vec<bool> = g.nodes.iter().map(|n| !is_rule(n.shape)).collect();
    let mut wanted: Vec<(f64, usize)> = Vec::new();
    let top = MARGIN + 34.0;
    for &n in &rule_nodes {
        let h = node_height(g, &g.nodes[n]);
        let level = g
            .edges
            .iter()
            .filter(|e| e.to == n && placed[e.from])
            .map(|e| l.at[e.from].cy())
            .fold(top + h / 2.0, f64::max);
        l.at[n] = Rect {
            x: l.rule_x,
            y: level - h / 2.0,
            w: RULE_W,
            h,
        };
        placed[n] = true;
        wanted.push((level, n));
    }
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next_free = top;
    for (level, n) in wanted {
        let h = l.at[n].h;
        let y = (level - h / 2.0).max(next_free);
        l.at[n].y = y;
        next_free = y + h + 10.0;
    }
    l.bottom = l.bottom.max(next_free);
    // Room for the bulges of edges between rules.
    l.right = l.rule_x + RULE_W + 110.0;
}

/// Every edge: flow arrows, "otherwise" arrows in the lanes, and the
/// dependency curves.
fn edges(out: &mut String, g: &Graph, l: &Layout) {
    let mut labelled: Vec<usize> = Vec::new();
    let lanes = lanes(g, l);
    for e in &g.edges {
        let (a, b) = (l.at[e.from], l.at[e.to]);
        match e.kind {
            EdgeKind::Flow => {
                let _ = writeln!(
                    out,
                    "<path d=\"M {} {} L {} {}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>",
                    a.cx(),
                    a.bottom(),
                    b.cx(),
                    b.y
                );
            }
            EdgeKind::Otherwise => {
                let lane = lanes.get(&(e.from, e.to)).copied().unwrap_or(MARGIN + 4.0);
                let (y0, y1) = (a.bottom() - 8.0, b.y + 8.0);
                let _ = writeln!(
                    out,
                    "<path class=\"otherwise\" d=\"M {} {y0} H {lane} V {y1} H {}\" fill=\"none\" stroke=\"#777\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\" marker-end=\"url(#arrow-otherwise)\"/>",
                    a.x, b.x
                );
                if !labelled.contains(&e.from) {
                    labelled.push(e.from);
                    let text = e.label.join(" ");
                    let _ = writeln!(
                        out,
                        "<text x=\"{}\" y=\"{}\" font-size=\"10\" font-style=\"italic\" fill=\"#555\" {HALO}>{}</text>",
                        lane + 4.0,
                        a.bottom() + 12.0,
                        escape::html(&text)
                    );
                }
            }
            kind => {
                let style = if kind == EdgeKind::Suggests {
                    "stroke=\"#1f5fbf\" stroke-dasharray=\"2 3\" marker-end=\"url(#arrow-suggests)\""
                } else {
                    "stroke=\"#999\" stroke-dasharray=\"5 4\" marker-end=\"url(#arrow-reads)\""
                };
                let path = curve(a, b, l.rule_x);
                let _ = writeln!(out, "<path d=\"{path}\" fill=\"none\" {style}/>");
            }
        }
    }
}

/// The x of each "otherwise" arrow's lane, by (from, to): past an item
/// inside its section's box, else left of the boxes. Arrows take the first
/// lane free over their height, so none overlap in one lane while there
/// are lanes enough (four outside, three inside).
fn lanes(g: &Graph, l: &Layout) -> std::collections::HashMap<(usize, usize), f64> {
    let mut skips: Vec<(bool, f64, f64, usize, usize)> = g
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Otherwise)
        .map(|e| {
            let inside = l.box_of[e.from].is_some() && l.box_of[e.from] == l.box_of[e.to];
            let (y0, y1) = (l.at[e.from].bottom() - 8.0, l.at[e.to].y + 8.0);
            (inside, y0.min(y1), y0.max(y1), e.from, e.to)
        })
        .collect();
    skips.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut ends: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut out = std::collections::HashMap::new();
    for (inside, top, bottom, from, to) in skips {
        let ends = &mut ends[usize::from(inside)];
        let k = ends.iter().position(|&end| end < top).unwrap_or_else(|| {
            ends.push(f64::NEG_INFINITY);
            ends.len() - 1
        });
        ends[k] = bottom;
        let x = if inside {
            MARGIN + OUTER_LANE + 6.0 + 6.0 * (k % 3) as f64
        } else {
            MARGIN + 3.0 + 6.0 * (k % 4) as f64
        };
        out.insert((from, to), x);
    }
    out
}

/// A white outline behind text, so lines crossing it do not hide it.
const HALO: &str = "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\"";

/// A dependency edge: between the columns, or within the rules column as
/// a bulge to its right.
fn curve(a: Rect, b: Rect, rule_x: f64) -> String {
    let a_rule = a.x >= rule_x;
    let b_rule = b.x >= rule_x;
    let (x0, x1, c0, c1) = match (a_rule, b_rule) {
        (true, true) => {
            let bulge = 30.0 + ((b.cy() - a.cy()).abs() / 8.0).min(70.0).round();
            (a.right(), b.right(), a.right() + bulge, b.right() + bulge)
        }
        (false, true) => {
            let dx = (b.x - a.right()) / 2.0;
            (a.right(), b.x, a.right() + dx, b.x - dx)
        }
        _ => {
            let dx = (a.x - b.right()) / 2.0;
            (a.x, b.right(), a.x - dx, b.right() + dx)
        }
    };
    format!(
        "M {x0} {} C {c0} {}, {c1} {}, {x1} {}",
        a.cy(),
        a.cy(),
        b.cy(),
        b.cy()
    )
}

/// Fill and stroke of a node.
fn paint(node: &Node) -> (&'static str, &'static str) {
    match node.shape {
        Shape::Start | Shape::Finish => ("#333", "#333"),
        Shape::Question => ("#ffffff", "#333"),
        Shape::Info => ("#f0f0f0", "#888"),
        Shape::Derived => ("#f1ecf8", "#6a4c93"),
        Shape::Score => ("#eaf7ec", "#2e7d32"),
        Shape::Trigger => URGENCY_COLOURS[node.urgency.map_or(1, urgency_index)],
        Shape::End => ("#f3f3f3", "#444"),
    }
}

fn node_svg(out: &mut String, g: &Graph, node: &Node, r: Rect) {
    let (fill, stroke) = paint(node);
    let (stroke, dash) = if node.unreachable {
        ("#c00", " stroke-dasharray=\"5 3\" stroke-width=\"2\"")
    } else if node.shape == Shape::Trigger {
        (stroke, " stroke-width=\"2\"")
    } else {
        (stroke, "")
    };
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\"{dash}");
    let urgency = node
        .urgency
        .map(|u| format!(" urgency-{}", u.as_str()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<g id=\"{}\" class=\"{}{urgency}\">",
        escape::html(&node.key),
        class(node.shape)
    );
    let tooltip = match &node.text {
        Some(text) => format!("{text}\n{}", node.id),
        None => node.id.clone(),
    };
    let _ = writeln!(out, "<title>{}</title>", escape::html(&tooltip));
    let _ = shape(out, node.shape, r, &paint);
    if matches!(node.shape, Shape::Start | Shape::Finish) {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"white\">{}</text>",
            r.cx(),
            r.cy() + 4.0,
            escape::html(&node.id)
        );
    } else {
        let lines = text_lines(node);
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1b1b1f\">{}</text>",
                r.cx(),
                r.y + 19.0 + k as f64 * LINE,
                escape::html(line)
            );
        }
        let colour = if node.unreachable { "#c00" } else { "#666" };
        let top = r.y + 19.0 + lines.len() as f64 * LINE + 1.0;
        for (k, line) in detail_lines(g, node).iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{colour}\">{}</text>",
                r.cx(),
                top + k as f64 * SMALL_LINE,
                escape::html(line)
            );
        }
    }
    out.push_str("</g>\n");
}

/// The outline of a node of `shape` in `r`.
fn shape(out: &mut String, shape: Shape, r: Rect, paint: &str) -> std::fmt::Result {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    match shape {
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
            (h / 2.0).min(18.0)
        ),
        Shape::Derived => polygon(
            out,
            &[(x + 10.0, y), (x + w, y), (x + w - 10.0, y + h), (x, y + h)],
            paint,
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
            paint,
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
            paint,
        ),
    }
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

/// One mark of the legend: how its sample is drawn, and its words.
enum Sample {
    Line(&'static str),
    Node(Shape, Option<vidare::format::Urgency>),
}

/// The legend, laid out in rows no wider than the picture.
struct Legend {
    title: String,
    entries: Vec<(Sample, String, f64)>,
    rows: Vec<Vec<usize>>,
    width: f64,
    height: f64,
}

const SAMPLE_W: f64 = 44.0;
const ROW_H: f64 = 24.0;

fn legend(g: &Graph, room: f64) -> Legend {
    use vidare::format::Urgency;
    let t = g.terms;
    let mut entries: Vec<(Sample, String)> = vec![
        (Sample::Line("flow"), t.legend_flow.to_owned()),
        (Sample::Line("otherwise"), t.legend_otherwise.to_owned()),
        (Sample::Line("reads"), t.legend_reads.to_owned()),
        (Sample::Line("suggests"), t.legend_suggests.to_owned()),
        (
            Sample::Node(Shape::Derived, None),
            t.derived_value.to_owned(),
        ),
        (Sample::Node(Shape::Score, None), t.score.to_owned()),
    ];
    for u in [Urgency::Immediate, Urgency::Soon, Urgency::Routine] {
        entries.push((
            Sample::Node(Shape::Trigger, Some(u)),
            format!("{} · {}", t.trigger, t.urgency(u)),
        ));
    }
    entries.push((Sample::Node(Shape::End, None), t.ends_interview.to_owned()));
    entries.push((Sample::Line("never"), t.legend_never.to_owned()));
    if g.groups.iter().any(|gr| !gr.instances.is_empty()) {
        entries.push((Sample::Line("none"), t.legend_template.to_owned()));
    }
    let entries: Vec<(Sample, String, f64)> = entries
        .into_iter()
        .map(|(s, text)| {
            let w = SAMPLE_W + 8.0 + width_of(&text) + 22.0;
            (s, text, w)
        })
        .collect();
    let inner = room - 2.0 * MARGIN - 20.0;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, (_, _, w)) in entries.iter().enumerate() {
        if used > 0.0 && used + w > inner {
            rows.push(Vec::new());
            used = 0.0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(i);
        }
        used += w;
    }
    let widest_row = rows
        .iter()
        .map(|r| r.iter().map(|&i| entries[i].2).sum::<f64>())
        .fold(0.0, f64::max);
    Legend {
        title: t.legend.to_owned(),
        width: widest_row + 20.0,
        height: 30.0 + rows.len() as f64 * ROW_H + 6.0,
        entries,
        rows,
    }
}

impl Legend {
    fn draw(&self, x: f64, y: f64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<g id=\"legend\"><rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#fcfcfd\" stroke=\"#ccd\"/>",
            self.width, self.height
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            x + 10.0,
            y + 19.0,
            escape::html(&self.title)
        );
        for (r, row) in self.rows.iter().enumerate() {
            let mut cx = x + 10.0;
            let cy = y + 30.0 + r as f64 * ROW_H + ROW_H / 2.0;
            for &i in row {
                let (sample, text, w) = &self.entries[i];
                sample_svg(&mut out, sample, cx, cy);
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>",
                    cx + SAMPLE_W + 8.0,
                    cy + 4.0,
                    escape::html(text)
                );
                cx += w;
            }
        }
        out.push_str("</g>\n");
        out
    }
}

fn sample_svg(out: &mut String, sample: &Sample, x: f64, cy: f64) {
    let line = |style: &str| {
        format!(
            "<path d=\"M {x} {cy} H {}\" fill=\"none\" {style}/>\n",
            x + SAMPLE_W
        )
    };
    match sample {
        Sample::Line("flow") => {
            out.push_str(&line("stroke=\"#333\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\""));
        }
        Sample::Line("otherwise") => out.push_str(&line(
            "stroke=\"#777\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\" marker-end=\"url(#arrow-otherwise)\"",
        )),
        Sample::Line("reads") => out.push_str(&line(
            "stroke=\"#999\" stroke-dasharray=\"5 4\" marker-end=\"url(#arrow-reads)\"",
        )),
        Sample::Line("suggests") => out.push_str(&line(
            "stroke=\"#1f5fbf\" stroke-dasharray=\"2 3\" marker-end=\"url(#arrow-suggests)\"",
        )),
        Sample::Line("never") => {
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{}\" width=\"{SAMPLE_W}\" height=\"16\" rx=\"3\" fill=\"white\" stroke=\"#c00\" stroke-dasharray=\"5 3\" stroke-width=\"2\"/>",
                cy - 8.0
            );
        }
        Sample::Line(_) => {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">*</text>",
                x + SAMPLE_W / 2.0,
                cy + 4.0
            );
        }
        Sample::Node(s, urgency) => {
            let node = Node {
                key: String::new(),
                id: String::new(),
                detail: String::new(),
                shape: *s,
                unreachable: false,
                text: None,
                urgency: *urgency,
            };
            let (fill, stroke) = paint(&node);
            let extra = if *s == Shape::Trigger {
                " stroke-width=\"2\""
            } else {
                ""
            };
            let rect = Rect {
                x,
                y: cy - 9.0,
                w: SAMPLE_W,
                h: 18.0,
            };
            let class = urgency
                .map(|u| format!(" class=\"legend-urgency-{}\"", u.as_str()))
                .unwrap_or_default();
            let _ = write!(out, "<g{class}>");
            let _ = shape(
                out,
                *s,
                rect,
                &format!("fill=\"{fill}\" stroke=\"{stroke}\"{extra}"),
            );
            out.push_str("</g>\n");
        }
    }
}
