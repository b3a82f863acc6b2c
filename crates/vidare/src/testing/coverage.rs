//! What a set of test cases exercises of a questionnaire: items shown,
//! conditions seen both true and false, triggers fired, bands reached.

use std::fmt;

use crate::expr::Expr;
use crate::expr::eval::eval;
use crate::expr::typed::Val;
use crate::questionnaire::{DerivedRule, Questionnaire};
use crate::session::Session;

/// Whether an item was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCoverage {
    /// The item (information texts included).
    pub id: String,
    /// Whether it was shown at the end of at least one session.
    pub shown: bool,
}

/// Which outcomes of a condition were seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionCoverage {
    /// Whose condition it is, e.g. "item `physical_when`",
    /// "derived `category`, flag `earlier`", "trigger `x`", "end `not_alone`".
    pub of: String,
    /// Seen true at the end of at least one session.
    pub seen_true: bool,
    /// Seen false at the end of at least one session.
    pub seen_false: bool,
}

/// Whether a trigger fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerCoverage {
    /// The trigger.
    pub id: String,
    /// Whether it fired at the end of at least one session.
    pub fired: bool,
}

/// Whether a band of a score was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandCoverage {
    /// The score.
    pub score: String,
    /// The band.
    pub band: String,
    /// Whether the score was in this band at the end of at least one session.
    pub reached: bool,
}

/// Coverage of a questionnaire by the final states of a set of sessions.
///
/// A condition counts as true or false only when its value is known at
/// the end of a session: a condition that cannot be decided yet (it reads
/// an unanswered, declined or hidden item) counts as neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The questionnaire's id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// How many sessions were counted (sessions of another questionnaire
    /// or version are left out).
    pub sessions: usize,
    /// Every item, in document order.
    pub items: Vec<ItemCoverage>,
    /// Every condition: items' `when` (with their section's), derived
    /// values' `cases` and `flags`, triggers' and end conditions' `when`.
    pub conditions: Vec<ConditionCoverage>,
    /// Every trigger, in document order.
    pub triggers: Vec<TriggerCoverage>,
    /// Every band of every score, in document order.
    pub bands: Vec<BandCoverage>,
}

impl Coverage {
    /// Whether every item was shown, every condition seen both true and
    /// false, every trigger fired and every band reached.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.uncovered().is_empty()
    }

    /// What is not covered, one readable line each, e.g.
    /// "item `physical_when` never shown".
    #[must_use]
    pub fn uncovered(&self) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.items.iter().filter(|i| !i.shown) {
            out.push(format!("item `{}` never shown", item.id));
        }
        for c in &self.conditions {
            if !c.seen_true {
                out.push(format!("condition of {} never true", c.of));
            }
            if !c.seen_false {
                out.push(format!("condition of {} never false", c.of));
            }
        }
        for t in self.triggers.iter().filter(|t| !t.fired) {
            out.push(format!("trigger `{}` never fired", t.id));
        }
        for b in self.bands.iter().filter(|b| !b.reached) {
            out.push(format!(
                "band `{}` of score `{}` never reached",
                b.band, b.score
            ));
        }
        out
    }

    /// (covered, total) items shown.
    #[must_use]
    pub fn items_shown(&self) -> (usize, usize) {
        let shown = self.items.iter().filter(|i| i.shown).count();
        (shown, self.items.len())
    }

    /// (seen, total) condition outcomes: each condition has two, true and false.
    #[must_use]
    pub fn condition_outcomes(&self) -> (usize, usize) {
        let seen = self
            .conditions
            .iter()
            .map(|c| usize::from(c.seen_true) + usize::from(c.seen_false))
            .sum();
        (seen, 2 * self.conditions.len())
    }

    /// (fired, total) triggers.
    #[must_use]
    pub fn triggers_fired(&self) -> (usize, usize) {
        let fired = self.triggers.iter().filter(|t| t.fired).count();
        (fired, self.triggers.len())
    }

    /// (reached, total) bands over all scores.
    #[must_use]
    pub fn bands_reached(&self) -> (usize, usize) {
        let reached = self.bands.iter().filter(|b| b.reached).count();
        (reached, self.bands.len())
    }
}

/// Whole percent, rounded down so that 100% means complete.
fn percent((part, whole): (usize, usize)) -> usize {
    (part * 100).checked_div(whole).unwrap_or(100)
}

/// A compact report: one line per category with a percentage, then what
/// is not covered.
impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "coverage of {} {} over {} session(s)",
            self.questionnaire, self.version, self.sessions
        )?;
        for (label, counts) in [
            ("items shown", self.items_shown()),
            ("condition outcomes", self.condition_outcomes()),
            ("triggers fired", self.triggers_fired()),
            ("bands reached", self.bands_reached()),
        ] {
            writeln!(
                f,
                "  {label:<19} {:>4} of {:<4} {:>3}%",
                counts.0,
                counts.1,
                percent(counts)
            )?;
        }
        let uncovered = self.uncovered();
        if !uncovered.is_empty() {
            writeln!(f, "not covered:")?;
            for line in uncovered {
                writeln!(f, "  - {line}")?;
            }
        }
        Ok(())
    }
}

/// Coverage of `q` by the final states of `sessions` (e.g. the
/// [`super::CaseReport::session`] of every case). Sessions of another
/// questionnaire or version are left out.
#[must_use]
pub fn coverage(q: &Questionnaire, sessions: &[&Session]) -> Coverage {
    let c = &q.inner;
    let sessions: Vec<&Session> = sessions
        .iter()
        .copied()
        .filter(|s| s.questionnaire().digest() == q.digest())
        .collect();

    let items = c
        .items
        .iter()
        .enumerate()
        .map(|(i, def)| ItemCoverage {
            id: def.id.to_string(),
            shown: sessions.iter().any(|s| s.visible_at(i as u32)),
        })
        .collect();

    let mut owned: Vec<(String, &Expr)> = Vec::new();
    for def in &c.items {
        if let Some(when) = &def.when {
            owned.push((format!("item `{}`", def.id), when));
        }
    }
    for def in &c.derived {
        let (word, rules) = match &def.rule {
            DerivedRule::Value(_) => continue,
            DerivedRule::Cases(rules) => ("case", rules),
            DerivedRule::Flags(rules) => ("flag", rules),
        };
        for (when, category) in rules {
            let name = def
                .categories
                .get(*category as usize)
                .map_or("?", |cat| cat.value.as_str());
            owned.push((format!("derived `{}`, {word} `{name}`", def.id), when));
        }
    }
    for def in &c.triggers {
        owned.push((format!("trigger `{}`", def.id), &def.when));
    }
    for def in &c.ends {
        owned.push((format!("end `{}`", def.id), &def.when));
    }
    let conditions = owned
        .into_iter()
        .map(|(of, when)| {
            let mut seen_true = false;
            let mut seen_false = false;
            for s in &sessions {
                match eval(when, *s) {
                    Val::Bool(true) => seen_true = true,
                    Val::Bool(false) => seen_false = true,
                    _ => {}
                }
            }
            ConditionCoverage {
                of,
                seen_true,
                seen_false,
            }
        })
        .collect();

    let triggers = c
        .triggers
        .iter()
        .enumerate()
        .map(|(t, def)| TriggerCoverage {
            id: def.id.to_string(),
            fired: sessions.iter().any(|s| s.is_fired(t as u32)),
        })
        .collect();

    Coverage {
        questionnaire: c.id.to_string(),
        version: c.version.to_string(),
        sessions: sessions.len(),
        items,
        conditions,
        triggers,
        bands: bands(q, &sessions),
    }
}

/// Every band of every score, reached when some session ends in it.
fn bands(q: &Questionnaire, sessions: &[&Session]) -> Vec<BandCoverage> {
    let ends: Vec<Vec<Option<&str>>> = sessions
        .iter()
        .map(|s| s.scores().map(|v| v.band).collect())
        .collect();
    q.inner
        .scores
        .iter()
        .enumerate()
        .flat_map(|(i, score)| {
            let ends = &ends;
            score.bands.iter().map(move |band| BandCoverage {
                score: score.id.to_string(),
                band: band.id.to_string(),
                reached: ends.iter().any(|e| e[i] == Some(band.id.as_str())),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r"
format: 1
id: small
version: 1.0.0
title: { en: Small }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: hello
        kind: info
        text: { en: Hello }
      - id: a
        kind: yes_no
        allow_decline: true
        text: { en: A? }
      - id: b
        kind: yes_no
        when: a == true
        text: { en: B? }
triggers:
  - id: both
    when: a == true && b == true
    urgency: routine
    refer_to: someone
    text: { en: Both }
";

    #[test]
    fn counts_known_outcomes_only() {
        let q = crate::compile(SMALL, "small.yaml").unwrap();
        let empty = Session::new(&q);
        let cov = coverage(&q, &[&empty]);
        assert_eq!(cov.items_shown(), (2, 3));
        // `a == true` is unknown before `a` is answered: neither outcome.
        assert_eq!(cov.condition_outcomes(), (0, 4));
        assert!(!cov.is_complete());
        assert_eq!(
            cov.uncovered(),
            [
                "item `b` never shown",
                "condition of item `b` never true",
                "condition of item `b` never false",
                "condition of trigger `both` never true",
                "condition of trigger `both` never false",
                "trigger `both` never fired",
            ]
        );

        let mut yes = Session::new(&q);
        yes.answer("a", true).unwrap();
        yes.answer("b", true).unwrap();
        let mut no = Session::new(&q);
        no.answer("a", false).unwrap();
        let mut declined = Session::new(&q);
        declined.decline("a").unwrap();
        let cov = coverage(&q, &[&yes, &no, &declined]);
        assert!(cov.is_complete(), "{cov}");
        assert_eq!(cov.sessions, 3);
        let text = cov.to_string();
        assert!(
            text.contains("items shown            3 of 3    100%"),
            "{text}"
        );
        assert!(!text.contains("not covered"), "{text}");
    }

    #[test]
    fn sessions_of_another_questionnaire_are_left_out() {
        let q = crate::compile(SMALL, "small.yaml").unwrap();
        let other = crate::compile(&SMALL.replace("1.0.0", "1.0.1"), "small.yaml").unwrap();
        let mut s = Session::new(&other);
        s.answer("a", true).unwrap();
        let cov = coverage(&q, &[&s]);
        assert_eq!(cov.sessions, 0);
        assert_eq!(cov.items_shown(), (0, 3));
        let text = cov.to_string();
        assert!(text.contains("  - item `hello` never shown"), "{text}");
    }
}
