//! `vidare graph`: the flow of a questionnaire as a picture. The picture
//! is built once from the expanded document (`Questionnaire::document`) as
//! nodes, groups and edges, then written as Mermaid, DOT or SVG.
//!
//! - Sections are groups holding their items, in document order, joined by
//!   flow arrows from a start node to a finish node. An arrow into an item
//!   shown only under a condition carries the condition's source text
//!   (the section's on the arrow into its first item).
//! - Derived values, scores, triggers and early ends are nodes of their own
//!   shapes, with dashed edges from every item, derived value or score
//!   they read; an item's condition that reads a derived value or score,
//!   or a suggested answer, gets such an edge too.
//! - Items the compiler found can never be shown (warning V023) are marked.

mod dot;
mod mermaid;
mod svg;

use std::collections::HashMap;
use std::io::Write as _;
use std::process::ExitCode;

use vidare::Questionnaire;
use vidare::format::{Guard, ItemKind, LocalScope, Text};

use crate::names;
use crate::{GraphArgs, GraphFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  printed
  2  the questionnaire cannot be read or does not compile; bad arguments";

/// The longest line of a condition on an arrow, in characters.
const LABEL_WIDTH: usize = 40;

pub(crate) fn run(args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let q = crate::files::questionnaire(&args.questionnaire)?;
    let graph = Graph::of(&q);
    let text = match args.format {
        GraphFormat::Mermaid => mermaid::render(&graph),
        GraphFormat::Dot => dot::render(&graph),
        GraphFormat::Svg => svg::render(&graph),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Start,
    Finish,
    Question,
    Info,
    Derived,
    Score,
    Trigger,
    End,
}

/// One node: a synthetic key (`q3`, `d0`, ...) that every format accepts
/// as a name, the id as written, and a second line.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) key: String,
    pub(crate) id: String,
    pub(crate) detail: String,
    pub(crate) shape: Shape,
    /// The compiler found it can never be shown.
    pub(crate) unreachable: bool,
    /// The question, label or text in the default language.
    pub(crate) text: Option<String>,
}

/// A box around nodes: a section, or the derived values, scores, triggers
/// or early ends.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) section: bool,
    pub(crate) nodes: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeKind {
    /// From one item to the next in the order they are asked.
    Flow,
    /// What a derived value, score, trigger, end or condition reads.
    Reads,
    /// A derived value offered as an item's suggested answer.
    Suggests,
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) kind: EdgeKind,
    /// The condition on a flow arrow, wrapped into lines.
    pub(crate) label: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub(crate) title: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) groups: Vec<Group>,
    pub(crate) edges: Vec<Edge>,
}

impl Graph {
    pub(crate) fn of(q: &Questionnaire) -> Graph {
        let doc = q.document();
        let lang = q.default_language();
        let text = |t: &Text| t.get(lang).cloned();
        let unreachable = names::unreachable(q);
        let mut g = Graph {
            title: format!("{} {}: {}", q.id(), q.version(), q.title(lang)),
            nodes: Vec::new(),
            groups: Vec::new(),
            edges: Vec::new(),
        };
        let mut by_id: HashMap<String, usize> = HashMap::new();

        let start = g.node("start", "start", "", Shape::Start, None);
        let mut previous = start;
        // Item nodes, section groups and the flow.
        let mut item_reads: Vec<(usize, Vec<String>)> = Vec::new();
        let mut suggested: Vec<(usize, String)> = Vec::new();
        for (s, section) in doc.sections.iter().enumerate() {
            let scope = section.scope.as_deref();
            let mut group = Group {
                key: format!("sec{s}"),
                label: match section.title.as_ref().and_then(|t| text(&t.value)) {
                    Some(title) => format!("{}: {title}", section.id.value),
                    None => section.id.value.clone(),
                },
                section: true,
                nodes: Vec::new(),
            };
            let mut section_label: Vec<String> = Vec::new();
            if let Some(when) = &section.when {
                section_label.push(format!("section: {}", names::one_line(&when.value)));
            }
            section_label.extend(guards(&section.guards, "section: "));
            let mut previous_guards: Vec<String> = Vec::new();
            for (i, item) in section.items.iter().enumerate() {
                let id = item.id.value.clone();
                let kind = item.kind.value;
                let n = g.nodes.len();
                g.nodes.push(Node {
                    key: format!("q{n}"),
                    detail: kind.as_str().to_owned(),
                    shape: if kind == ItemKind::Info {
                        Shape::Info
                    } else {
                        Shape::Question
                    },
                    unreachable: unreachable.contains(&id),
                    text: text(&item.text.value),
                    id: id.clone(),
                });
                by_id.insert(id, n);
                group.nodes.push(n);

                let mut label = if i == 0 {
                    section_label.clone()
                } else {
                    Vec::new()
                };
                // An included questionnaire's end condition guards every
                // item after it; it is shown where it starts.
                let item_guards = guards(&item.guards, "");
                if item_guards != previous_guards {
                    label.extend(item_guards.iter().cloned());
                }
                previous_guards = item_guards;
                let mut reads = Vec::new();
                if let Some(when) = &item.when {
                    label.push(names::one_line(&when.value));
                    reads.extend(names::read(&when.value, scope));
                }
                if let (0, Some(w)) = (i, &section.when) {
                    reads.extend(names::read(&w.value, scope));
                }
                item_reads.push((n, reads));
                if let Some(from) = &item.suggested {
                    suggested.push((n, names::qualify(&from.value, scope)));
                }
                g.flow(previous, n, &label);
                previous = n;
            }
            g.groups.push(group);
        }
        let finish = g.node("finish", "finish", "", Shape::Finish, None);
        g.flow(previous, finish, &[]);

        // Derived values, scores, triggers and ends, each with what it reads.
        let mut rules: Vec<(usize, Vec<String>)> = Vec::new();
        let mut group = rules_group("derived", "Derived values");
        for d in &doc.derived {
            let (detail, sources): (&str, Vec<&str>) = match (&d.value, &d.cases, &d.flags) {
                (Some(v), _, _) => ("value", vec![v.value.as_str()]),
                (_, Some(cases), _) => (
                    "category",
                    cases.value.iter().map(|c| c.when.value.as_str()).collect(),
                ),
                (_, _, Some(flags)) => (
                    "flags",
                    flags.value.iter().map(|c| c.when.value.as_str()).collect(),
                ),
                _ => ("value", Vec::new()),
            };
            let label = d.label.as_ref().and_then(|l| text(&l.value));
            let n = g.node(
                &format!("d{}", group.nodes.len()),
                &d.id.value,
                detail,
                Shape::Derived,
                label,
            );
            by_id.insert(d.id.value.clone(), n);
            group.nodes.push(n);
            rules.push((n, reads_all(&sources, d.scope.as_deref())));
        }
        g.push_group(group);
        let mut group = rules_group("scores", "Scores");
        for s in &doc.scores {
            let terms: Vec<&str> = s.over.value.iter().map(|t| t.value.as_str()).collect();
            let label = s.label.as_ref().and_then(|l| text(&l.value));
            let n = g.node(
                &format!("sc{}", group.nodes.len()),
                &s.id.value,
                s.method.value.as_str(),
                Shape::Score,
                label,
            );
            by_id.insert(s.id.value.clone(), n);
            group.nodes.push(n);
            rules.push((n, reads_all(&terms, s.scope.as_deref())));
        }
        g.push_group(group);
        let mut group = rules_group("triggers", "Referral triggers");
        for t in &doc.triggers {
            let detail = format!("{} → {}", t.urgency.value.as_str(), t.refer_to.value);
            let n = g.node(
                &format!("t{}", group.nodes.len()),
                &t.id.value,
                &detail,
                Shape::Trigger,
                text(&t.text.value),
            );
            group.nodes.push(n);
            rules.push((n, names::read(&t.when.value, t.scope.as_deref())));
        }
        g.push_group(group);
        let mut group = rules_group("ends", "Early end");
        for e in &doc.end {
            let n = g.node(
                &format!("e{}", group.nodes.len()),
                &e.id.value,
                "ends the interview",
                Shape::End,
                text(&e.text.value),
            );
            group.nodes.push(n);
            rules.push((n, names::read(&e.when.value, e.scope.as_deref())));
        }
        g.push_group(group);

        for (to, reads) in rules {
            for name in reads {
                if let Some(&from) = by_id.get(&name) {
                    g.edge(from, to, EdgeKind::Reads);
                }
            }
        }
        // Conditions of items that read derived values or scores.
        for (to, reads) in item_reads {
            for name in reads {
                if let Some(&from) = by_id.get(&name) {
                    if !matches!(g.nodes[from].shape, Shape::Question | Shape::Info) {
                        g.edge(from, to, EdgeKind::Reads);
                    }
                }
            }
        }
        for (to, name) in suggested {
            if let Some(&from) = by_id.get(&name) {
                g.edge(from, to, EdgeKind::Suggests);
            }
        }
        g
    }

    fn node(
        &mut self,
        key: &str,
        id: &str,
        detail: &str,
        shape: Shape,
        text: Option<String>,
    ) -> usize {
        self.nodes.push(Node {
            key: key.to_owned(),
            id: id.to_owned(),
            detail: detail.to_owned(),
            shape,
            unreachable: false,
            text,
        });
        self.nodes.len() - 1
    }

    fn push_group(&mut self, group: Group) {
        if !group.nodes.is_empty() {
            self.groups.push(group);
        }
    }

    fn flow(&mut self, from: usize, to: usize, conditions: &[String]) {
        let label = conditions
            .iter()
            .flat_map(|c| wrap(c, LABEL_WIDTH))
            .collect();
        self.edges.push(Edge {
            from,
            to,
            kind: EdgeKind::Flow,
            label,
        });
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        if from != to
            && !self
                .edges
                .iter()
                .any(|e| e.from == from && e.to == to && e.kind == kind)
        {
            self.edges.push(Edge {
                from,
                to,
                kind,
                label: Vec::new(),
            });
        }
    }
}

/// An empty group of derived values, scores, triggers or ends.
fn rules_group(key: &str, label: &str) -> Group {
    Group {
        key: key.to_owned(),
        label: label.to_owned(),
        section: false,
        nodes: Vec::new(),
    }
}

/// The names several expressions read, each once.
fn reads_all(sources: &[&str], scope: Option<&LocalScope>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for src in sources {
        for name in names::read(src, scope) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Guards as labels: a `when` of the entry a section was expanded from, or
/// "unless" an end condition of an included questionnaire.
fn guards(guards: &[Guard], prefix: &str) -> Vec<String> {
    guards
        .iter()
        .map(|g| {
            let cond = names::one_line(&g.condition.value);
            if g.must_hold {
                format!("{prefix}{cond}")
            } else {
                format!("{prefix}unless {cond}")
            }
        })
        .collect()
}

/// Splits text into lines of at most `width` characters at white space (a
/// longer word stays whole).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violence() -> Questionnaire {
        vidare::load(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../questionnaires/violence-seven/1.0.0.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn conditions_sit_on_the_arrows_into_conditional_items() {
        let g = Graph::of(&violence());
        let into = |id: &str| {
            let n = g.nodes.iter().position(|n| n.id == id).unwrap();
            g.edges
                .iter()
                .find(|e| e.to == n && e.kind == EdgeKind::Flow)
                .unwrap()
                .label
                .join(" ")
        };
        assert_eq!(into("interpreter"), "alone == true");
        assert_eq!(into("physical"), "");
        assert_eq!(into("physical_when"), "physical == true");
    }

    #[test]
    fn triggers_have_edges_from_what_they_read() {
        let g = Graph::of(&violence());
        let index = |id: &str, shape: Shape| {
            g.nodes
                .iter()
                .position(|n| n.id == id && n.shape == shape)
                .unwrap()
        };
        let trigger = index("ask_again_alone", Shape::Trigger);
        let mut from: Vec<&str> = g
            .edges
            .iter()
            .filter(|e| e.to == trigger)
            .map(|e| g.nodes[e.from].id.as_str())
            .collect();
        from.sort_unstable();
        assert_eq!(from, ["alone", "interpreter"]);
        let category = index("category", Shape::Derived);
        assert!(
            g.edges
                .iter()
                .any(|e| e.from == index("ongoing_violence", Shape::Derived) && e.to == category)
        );
    }
}
