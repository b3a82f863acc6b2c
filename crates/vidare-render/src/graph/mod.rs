//! The flow of a questionnaire as a picture (`vidare graph`). The picture
//! is built once from the expanded document (`Questionnaire::document`) as
//! nodes, groups and edges, then written as Mermaid ([`mermaid`]), DOT
//! ([`dot`]) or SVG ([`svg`]).
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
//!
//! ```
//! # let source = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires/violence-seven/2.0.0.yaml"));
//! let q = vidare::compile(source, "2.0.0.yaml").unwrap();
//! assert!(vidare_render::graph::mermaid(&q, "en").contains("\nflowchart TB\n"));
//! assert!(vidare_render::graph::dot(&q, "en").starts_with("digraph"));
//! assert!(vidare_render::graph::svg(&q, "sv").contains("<svg xmlns="));
//! ```

mod dot;
mod mermaid;
mod svg;

use std::collections::{BTreeSet, HashMap};

use vidare::Questionnaire;
use vidare::format::{Guard, ItemKind, LocalScope, Section, Text, Urgency};

use crate::doc::terms::{self, Terms};
use crate::doc::words;
use crate::names;

/// The longest line of a condition on an arrow, in characters.
const LABEL_WIDTH: usize = 40;

/// The flow of `q` as a Mermaid flowchart (text; renders in Markdown
/// viewers), its texts and own words in `lang`, a language `q` declares.
#[must_use]
pub fn mermaid(q: &Questionnaire, lang: &str) -> String {
    mermaid::render(&Graph::of(q, lang))
}

/// The flow of `q` as Graphviz DOT (text; `dot -Tsvg` lays it out), its
/// texts and own words in `lang`, a language `q` declares.
#[must_use]
pub fn dot(q: &Questionnaire, lang: &str) -> String {
    dot::render(&Graph::of(q, lang))
}

/// The flow of `q` as a finished SVG picture, laid out here, its texts and
/// own words in `lang`, a language `q` declares.
#[must_use]
pub fn svg(q: &Questionnaire, lang: &str) -> String {
    svg::render(&Graph::of(q, lang))
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
/// as a name, the id as shown (`*.situation` for an item of a template
/// drawn once), what kind of node it is in words, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) key: String,
    pub(crate) id: String,
    pub(crate) detail: String,
    pub(crate) shape: Shape,
    /// The compiler found it can never be shown.
    pub(crate) unreachable: bool,
    /// The question, label or text in the chosen language.
    pub(crate) text: Option<String>,
    /// A trigger's urgency.
    pub(crate) urgency: Option<Urgency>,
}

impl Node {
    /// The main line: the text, or the id when there is none.
    pub(crate) fn title(&self) -> &str {
        self.text.as_deref().unwrap_or(&self.id)
    }
}

/// A box around nodes: a section, or the derived values, scores, triggers
/// or early ends.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) section: bool,
    pub(crate) nodes: Vec<usize>,
    /// A template drawn once: the keys of its instances.
    pub(crate) instances: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeKind {
    /// From one item to the next in the order they are asked.
    Flow,
    /// The way on when a condition does not hold: past the item, the
    /// section, or the rest of an included part.
    Otherwise,
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
    pub(crate) terms: &'static Terms,
    pub(crate) nodes: Vec<Node>,
    pub(crate) groups: Vec<Group>,
    pub(crate) edges: Vec<Edge>,
}

/// A skip still to be drawn: from a node past `count` flow positions
/// starting at `at`.
struct Skip {
    from: usize,
    at: usize,
    count: usize,
}

/// Builds the graph.
struct Builder<'q> {
    q: &'q Questionnaire,
    g: Graph,
    lang: &'q str,
    default: &'q str,
    by_id: HashMap<String, usize>,
    /// The prefix of each template instance drawn through another one.
    alias: HashMap<String, String>,
    /// The labels of values, for conditions.
    labels: words::Labels,
    order: Vec<usize>,
    skips: Vec<Skip>,
    item_reads: Vec<(usize, Vec<String>)>,
    suggested: Vec<(usize, String)>,
    rules: Vec<(usize, Vec<String>)>,
}

impl Graph {
    pub(crate) fn of(q: &Questionnaire, lang: &str) -> Graph {
        let t = terms::for_language(lang);
        let mut b = Builder {
            q,
            g: Graph {
                title: format!("{} {}: {}", q.id(), q.version(), q.title(lang)),
                terms: t,
                nodes: Vec::new(),
                groups: Vec::new(),
                edges: Vec::new(),
            },
            lang,
            default: q.default_language(),
            by_id: HashMap::new(),
            alias: HashMap::new(),
            labels: words::labels(q, lang),
            order: Vec::new(),
            skips: Vec::new(),
            item_reads: Vec::new(),
            suggested: Vec::new(),
            rules: Vec::new(),
        };
        let start = b.g.node("start", t.start, "", Shape::Start, None);
        b.order.push(start);
        b.flow_of(q);
        let finish = b.g.node("finish", t.finish, "", Shape::Finish, None);
        b.order.push(finish);
        b.close_flow();
        b.rules_of(q);
        b.edges_of_reads();
        b.g
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
            urgency: None,
        });
        self.nodes.len() - 1
    }

    fn push_group(&mut self, group: Group) {
        if !group.nodes.is_empty() {
            self.groups.push(group);
        }
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, label: Vec<String>) {
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
                label,
            });
        }
    }
}

impl Builder<'_> {
    fn text(&self, t: &Text) -> Option<String> {
        t.get(self.lang).or_else(|| t.get(self.default)).cloned()
    }

    /// A condition in the chosen language's words, on one line.
    fn words(&self, src: &str, scope: Option<&LocalScope>) -> String {
        words::plain(&words::words_with(
            src,
            scope,
            self.g.terms,
            Some(&self.labels),
        ))
    }

    /// The sections in order; a run of instances of one template is drawn
    /// once, through its first instance.
    fn flow_of(&mut self, q: &Questionnaire) {
        let sections = &q.document().sections;
        let unreachable: BTreeSet<String> =
            q.unreachable_items().map(|i| i.id().to_owned()).collect();
        let mut s = 0;
        while s < sections.len() {
            let run = template_run(sections, s);
            let first = &sections[s];
            let drawn = self.section(s, first, &unreachable, &sections[s..s + run]);
            for other in &sections[s + 1..s + run] {
                if let (Some(a), Some(b)) = (&first.scope, &other.scope) {
                    self.alias.insert(b.prefix.clone(), a.prefix.clone());
                }
                for (item, &n) in other.items.iter().zip(&drawn) {
                    self.by_id.insert(item.id.value.clone(), n);
                }
            }
            s += run;
        }
    }

    /// One section (or a template drawn once): its nodes, the flow into
    /// them, and the skips past them. Returns the item nodes.
    fn section(
        &mut self,
        s: usize,
        section: &Section,
        unreachable: &BTreeSet<String>,
        run: &[Section],
    ) -> Vec<usize> {
        let t = self.g.terms;
        let scope = section.scope.as_deref();
        let template = run.len() > 1;
        let mut group = Group {
            key: format!("sec{s}"),
            label: section
                .title
                .as_ref()
                .and_then(|x| self.text(&x.value))
                .unwrap_or_else(|| section.id.value.clone()),
            section: true,
            nodes: Vec::new(),
            instances: if template {
                run.iter()
                    .filter_map(|r| r.scope.as_ref().map(|x| x.prefix.clone()))
                    .collect()
            } else {
                Vec::new()
            },
        };
        // In a template drawn once, a name of the first instance is
        // written as the template's (`*.x`).
        let local = |text: String| match (template, scope) {
            (true, Some(sc)) => text.replace(&format!("{}.", sc.prefix), "*."),
            _ => text,
        };
        let mut section_label: Vec<String> = Vec::new();
        if let Some(when) = &section.when {
            let w = local(self.words(&when.value, scope));
            section_label.push(format!("{}{w}", t.section_prefix));
        }
        for g in &section.guards {
            section_label.push(format!("{}{}", t.section_prefix, self.guard(g)));
        }
        if !section_label.is_empty() {
            let previous = *self.order.last().unwrap_or(&0);
            self.skips.push(Skip {
                from: previous,
                at: self.order.len(),
                count: section.items.len(),
            });
        }
        let mut previous_guards: Vec<String> = Vec::new();
        for (i, item) in section.items.iter().enumerate() {
            let id = &item.id.value;
            let shown = match (template, scope) {
                (true, Some(sc)) => id
                    .strip_prefix(&format!("{}.", sc.prefix))
                    .map_or_else(|| id.clone(), |rest| format!("*.{rest}")),
                _ => id.clone(),
            };
            let kind = item.kind.value;
            let n = self.g.node(
                &format!("q{}", self.g.nodes.len()),
                &shown,
                t.kind(kind),
                if kind == ItemKind::Info {
                    Shape::Info
                } else {
                    Shape::Question
                },
                self.text(&item.text.value),
            );
            self.g.nodes[n].unreachable = unreachable.contains(id);
            self.by_id.insert(id.clone(), n);
            group.nodes.push(n);

            let mut label = if i == 0 {
                section_label.clone()
            } else {
                Vec::new()
            };
            let previous = *self.order.last().unwrap_or(&0);
            // An included questionnaire's end condition guards every item
            // after it; it is shown, and skipped past, where it starts.
            let item_guards: Vec<String> = item.guards.iter().map(|g| self.guard(g)).collect();
            if item_guards != previous_guards && !item_guards.is_empty() {
                label.extend(item_guards.iter().cloned());
                let count = section.items[i..]
                    .iter()
                    .take_while(|x| x.guards.len() == item.guards.len())
                    .count();
                self.skips.push(Skip {
                    from: previous,
                    at: self.order.len(),
                    count,
                });
            }
            previous_guards = item_guards;
            let mut reads = Vec::new();
            if let Some(when) = &item.when {
                label.push(local(self.words(&when.value, scope)));
                reads.extend(self.q.reads(&when.value, scope));
                self.skips.push(Skip {
                    from: previous,
                    at: self.order.len(),
                    count: 1,
                });
            }
            if let (0, Some(w)) = (i, &section.when) {
                reads.extend(self.q.reads(&w.value, scope));
            }
            self.item_reads.push((n, reads));
            if let Some(from) = &item.suggested {
                self.suggested.push((n, names::qualify(&from.value, scope)));
            }
            self.flow(previous, n, &label);
            self.order.push(n);
        }
        let nodes = group.nodes.clone();
        self.g.groups.push(group);
        nodes
    }

    /// A guard in words: "unless ..." for an end condition.
    fn guard(&self, g: &Guard) -> String {
        let cond = self.words(&g.condition.value, g.scope.as_deref());
        if g.must_hold {
            cond
        } else {
            format!("{}{cond}", self.g.terms.unless)
        }
    }

    fn flow(&mut self, from: usize, to: usize, conditions: &[String]) {
        let label = conditions
            .iter()
            .flat_map(|c| wrap(c, LABEL_WIDTH))
            .collect();
        self.g.edges.push(Edge {
            from,
            to,
            kind: EdgeKind::Flow,
            label,
        });
    }

    /// The last flow arrow, and the "otherwise" arrows past what a
    /// condition guards.
    fn close_flow(&mut self) {
        let n = self.order.len();
        if n >= 2 {
            self.flow(self.order[n - 2], self.order[n - 1], &[]);
        }
        let otherwise = self.g.terms.otherwise.to_owned();
        for skip in std::mem::take(&mut self.skips) {
            let to = self.order[(skip.at + skip.count).min(n - 1)];
            self.g
                .edge(skip.from, to, EdgeKind::Otherwise, vec![otherwise.clone()]);
        }
    }

    /// The id a rule is shown with, or `None` for a rule of a template
    /// instance drawn through another one (its reads go to that one's).
    fn rule_id(&mut self, id: &str, scope: Option<&LocalScope>) -> Option<String> {
        let Some(sc) = scope else {
            return Some(id.to_owned());
        };
        let rest = id.strip_prefix(&format!("{}.", sc.prefix))?;
        if let Some(first) = self.alias.get(&sc.prefix) {
            if let Some(&n) = self.by_id.get(&format!("{first}.{rest}")) {
                self.by_id.insert(id.to_owned(), n);
            }
            return None;
        }
        if self.alias.values().any(|a| a == &sc.prefix) {
            return Some(format!("*.{rest}"));
        }
        Some(id.to_owned())
    }

    /// Derived values, scores, triggers and ends, each with what it reads.
    fn rules_of(&mut self, q: &Questionnaire) {
        let doc = q.document();
        let t = self.g.terms;
        let mut group = rules_group("derived", t.derived_values);
        for d in &doc.derived {
            let sources: Vec<&str> = match (&d.value, &d.cases, &d.flags) {
                (Some(v), _, _) => vec![v.value.as_str()],
                (_, Some(cases), _) => cases.value.iter().map(|c| c.when.value.as_str()).collect(),
                (_, _, Some(flags)) => flags.value.iter().map(|c| c.when.value.as_str()).collect(),
                _ => Vec::new(),
            };
            let scope = d.scope.as_deref();
            let Some(id) = self.rule_id(&d.id.value, scope) else {
                continue;
            };
            let label = d.label.as_ref().and_then(|l| self.text(&l.value));
            let key = format!("d{}", group.nodes.len());
            let n = self
                .g
                .node(&key, &id, t.derived_value, Shape::Derived, label);
            self.by_id.insert(d.id.value.clone(), n);
            group.nodes.push(n);
            self.rules.push((n, reads_all(q, &sources, scope)));
        }
        self.g.push_group(group);
        let mut group = rules_group("scores", t.scores);
        for s in &doc.scores {
            let terms: Vec<&str> = s.over.value.iter().map(|x| x.value.as_str()).collect();
            let scope = s.scope.as_deref();
            let Some(id) = self.rule_id(&s.id.value, scope) else {
                continue;
            };
            let label = s.label.as_ref().and_then(|l| self.text(&l.value));
            let key = format!("sc{}", group.nodes.len());
            let n = self.g.node(&key, &id, t.score, Shape::Score, label);
            self.by_id.insert(s.id.value.clone(), n);
            group.nodes.push(n);
            self.rules.push((n, reads_all(q, &terms, scope)));
        }
        self.g.push_group(group);
        self.triggers_and_ends(q);
    }

    fn triggers_and_ends(&mut self, q: &Questionnaire) {
        let doc = q.document();
        let t = self.g.terms;
        let mut group = rules_group("triggers", t.triggers);
        for tr in &doc.triggers {
            let scope = tr.scope.as_deref();
            let Some(id) = self.rule_id(&tr.id.value, scope) else {
                continue;
            };
            let detail = format!(
                "{} · {} → {}",
                t.trigger,
                t.urgency(tr.urgency.value),
                tr.refer_to.value
            );
            let key = format!("t{}", group.nodes.len());
            let text = self.text(&tr.text.value);
            let n = self.g.node(&key, &id, &detail, Shape::Trigger, text);
            self.g.nodes[n].urgency = Some(tr.urgency.value);
            group.nodes.push(n);
            self.rules.push((n, q.reads(&tr.when.value, scope)));
        }
        self.g.push_group(group);
        let mut group = rules_group("ends", t.early_end);
        for e in &doc.end {
            let key = format!("e{}", group.nodes.len());
            let text = self.text(&e.text.value);
            let n = self
                .g
                .node(&key, &e.id.value, t.ends_interview, Shape::End, text);
            group.nodes.push(n);
            let scope = e.scope.as_deref();
            self.rules.push((n, q.reads(&e.when.value, scope)));
        }
        self.g.push_group(group);
    }

    fn edges_of_reads(&mut self) {
        for (to, reads) in std::mem::take(&mut self.rules) {
            for name in reads {
                if let Some(&from) = self.by_id.get(&name) {
                    self.g.edge(from, to, EdgeKind::Reads, Vec::new());
                }
            }
        }
        // Conditions of items that read derived values or scores.
        for (to, reads) in std::mem::take(&mut self.item_reads) {
            for name in reads {
                if let Some(&from) = self.by_id.get(&name)
                    && !matches!(self.g.nodes[from].shape, Shape::Question | Shape::Info)
                {
                    self.g.edge(from, to, EdgeKind::Reads, Vec::new());
                }
            }
        }
        let label = vec![self.g.terms.suggested_answer.to_owned()];
        for (to, name) in std::mem::take(&mut self.suggested) {
            if let Some(&from) = self.by_id.get(&name) {
                self.g.edge(from, to, EdgeKind::Suggests, label.clone());
            }
        }
    }
}

/// How many sections from `s` on are instances of one template: the same
/// items (ids without the instance's prefix), kinds and conditions. One
/// when `s` is no instance or stands alone.
pub(crate) fn template_run(sections: &[Section], s: usize) -> usize {
    let Some(first) = shape_of(&sections[s]) else {
        return 1;
    };
    1 + sections[s + 1..]
        .iter()
        .take_while(|other| shape_of(other).as_ref() == Some(&first))
        .count()
}

type SectionShape = (Option<String>, Vec<(String, ItemKind, Option<String>)>);

/// What instances of one template share; `None` for a section that is not
/// scoped, or holds an id outside its prefix.
fn shape_of(section: &Section) -> Option<SectionShape> {
    let prefix = format!("{}.", section.scope.as_ref()?.prefix);
    let items = section
        .items
        .iter()
        .map(|i| {
            let rest = i.id.value.strip_prefix(&prefix)?;
            let when = i.when.as_ref().map(|w| w.value.clone());
            Some((rest.to_owned(), i.kind.value, when))
        })
        .collect::<Option<Vec<_>>>()?;
    if items.is_empty() {
        return None;
    }
    Some((section.when.as_ref().map(|w| w.value.clone()), items))
}

/// An empty group of derived values, scores, triggers or ends.
fn rules_group(key: &str, label: &str) -> Group {
    Group {
        key: key.to_owned(),
        label: label.to_owned(),
        section: false,
        nodes: Vec::new(),
        instances: Vec::new(),
    }
}

/// The names several expressions read, each once.
fn reads_all(q: &Questionnaire, sources: &[&str], scope: Option<&LocalScope>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for src in sources {
        for name in q.reads(src, scope) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Splits text into lines of at most `width` characters at white space (a
/// longer word stays whole).
///
/// ```
/// assert_eq!(vidare_render::graph::wrap("a bb ccc dddddd", 6), ["a bb", "ccc", "dddddd"]);
/// ```
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
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

/// At most `most` lines of `text` wrapped at `width`, the last ending in
/// "…" when some are left out.
pub(crate) fn wrap_at_most(text: &str, width: usize, most: usize) -> Vec<String> {
    let mut lines = wrap(text, width);
    if lines.len() > most {
        lines.truncate(most);
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(path: &str) -> Questionnaire {
        vidare::load(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../questionnaires")
                .join(path),
        )
        .unwrap()
    }

    fn index(g: &Graph, id: &str, shape: Shape) -> usize {
        g.nodes
            .iter()
            .position(|n| n.id == id && n.shape == shape)
            .unwrap()
    }

    #[test]
    fn conditions_sit_on_the_arrows_into_conditional_items() {
        let g = Graph::of(&load("violence-seven/1.0.0.yaml"), "en");
        let into = |id: &str| {
            let n = index(&g, id, Shape::Question);
            g.edges
                .iter()
                .find(|e| e.to == n && e.kind == EdgeKind::Flow)
                .unwrap()
                .label
                .join(" ")
        };
        assert_eq!(into("interpreter"), "alone is yes");
        assert_eq!(into("physical"), "");
        assert_eq!(into("physical_when"), "physical is yes");
    }

    #[test]
    fn a_conditional_item_has_a_way_past_it() {
        let g = Graph::of(&load("violence-seven/2.0.0.yaml"), "sv");
        let past: Vec<(&str, &str)> = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Otherwise)
            .map(|e| (g.nodes[e.from].id.as_str(), g.nodes[e.to].id.as_str()))
            .collect();
        assert!(past.contains(&("alone", "intro")), "{past:?}");
        assert!(past.contains(&("physical", "sexual_pressure")), "{past:?}");
        // Every conditional item is passed by one "otherwise" arrow.
        let conditional = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Flow && !e.label.is_empty());
        assert_eq!(conditional.count(), past.len());
        assert!(
            g.edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Otherwise)
                .all(|e| e.label == ["annars"])
        );
    }

    #[test]
    fn a_template_is_drawn_once_with_its_instances_named() {
        let q = load("boston-life-areas/2.0.0.yaml");
        let g = Graph::of(&q, "sv");
        let sections: Vec<&Group> = g.groups.iter().filter(|gr| gr.section).collect();
        let template: Vec<&&Group> = sections
            .iter()
            .filter(|gr| !gr.instances.is_empty())
            .collect();
        assert_eq!(template.len(), 1);
        assert_eq!(
            template[0].instances,
            ["living", "learning", "working", "social", "health"]
        );
        assert_eq!(g.nodes.iter().filter(|n| n.id == "*.situation").count(), 1);
        assert!(!g.nodes.iter().any(|n| n.id.starts_with("learning.")));
        // Rules of every instance read the one drawing.
        let strategy = index(&g, "*.strategy", Shape::Derived);
        assert!(
            g.edges
                .iter()
                .any(|e| e.to == strategy && e.kind == EdgeKind::Reads)
        );
    }

    #[test]
    fn triggers_carry_their_urgency_and_have_edges_from_what_they_read() {
        let g = Graph::of(&load("violence-seven/1.0.0.yaml"), "en");
        let trigger = index(&g, "ask_again_alone", Shape::Trigger);
        let mut from: Vec<&str> = g
            .edges
            .iter()
            .filter(|e| e.to == trigger)
            .map(|e| g.nodes[e.from].id.as_str())
            .collect();
        from.sort_unstable();
        assert_eq!(from, ["alone", "interpreter"]);
        assert_eq!(g.nodes[trigger].urgency, Some(Urgency::Soon));
        let category = index(&g, "category", Shape::Derived);
        assert!(
            g.edges.iter().any(
                |e| e.from == index(&g, "ongoing_violence", Shape::Derived) && e.to == category
            )
        );
    }
}
