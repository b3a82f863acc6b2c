//! The options of a choice item: matched by value, then recodes found by
//! label; removed, recoded, relabelled, reweighted, added, reordered.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::parts::same_opt_num;
use crate::format::{ChoiceOption, Text};

/// How the options of two versions correspond.
struct OptionMatch {
    /// For each old option, the index of its new option.
    of_old: Vec<Option<usize>>,
    /// For each new option, whether an old one matched it.
    taken: Vec<bool>,
    /// For each old option, whether it matched under another value.
    recoded: Vec<bool>,
}

impl OptionMatch {
    /// Options with the same value.
    fn by_value(old: &[ChoiceOption], new: &[ChoiceOption]) -> Self {
        let mut m = OptionMatch {
            of_old: vec![None; old.len()],
            taken: vec![false; new.len()],
            recoded: vec![false; old.len()],
        };
        for (i, o) in old.iter().enumerate() {
            if let Some(j) = new.iter().position(|n| n.value.value == o.value.value) {
                m.of_old[i] = Some(j);
                m.taken[j] = true;
            }
        }
        m
    }

    /// A recode: the same label (in every language) under another value;
    /// or at the same position, the same label in some language.
    fn recodes(&mut self, old: &[ChoiceOption], new: &[ChoiceOption], langs: &[String]) {
        let same_label = |a: &Text, b: &Text| langs.iter().all(|l| a.get(l) == b.get(l));
        let some_label = |a: &Text, b: &Text| {
            langs
                .iter()
                .any(|l| a.get(l).is_some() && a.get(l) == b.get(l))
        };
        for pass in 0..2 {
            for (i, o) in old.iter().enumerate() {
                if self.of_old[i].is_some() {
                    continue;
                }
                let candidate = (0..new.len()).find(|&j| {
                    !self.taken[j]
                        && if pass == 0 {
                            same_label(&o.label.value, &new[j].label.value)
                        } else {
                            j == i && some_label(&o.label.value, &new[j].label.value)
                        }
                });
                if let Some(j) = candidate {
                    self.of_old[i] = Some(j);
                    self.taken[j] = true;
                    self.recoded[i] = true;
                }
            }
        }
    }
}

impl Differ {
    pub(super) fn options(&mut self, id: &str, old: &[ChoiceOption], new: &[ChoiceOption]) {
        let mut m = OptionMatch::by_value(old, new);
        m.recodes(old, new, &self.langs);
        for (i, o) in old.iter().enumerate() {
            match m.of_old[i] {
                None => self.option_removed(id, o),
                Some(j) => self.option_kept(id, o, &new[j], m.recoded[i]),
            }
        }
        for (j, n) in new.iter().enumerate() {
            if !m.taken[j] {
                self.option_added(id, n);
            }
        }
        self.options_order(id, old, new, &m.of_old);
    }

    fn option_removed(&mut self, id: &str, o: &ChoiceOption) {
        let value = o.value.value.as_str();
        self.push(
            Change::new(
                ChangeKind::OptionRemoved,
                Bump::Major,
                Target::Item,
                id,
                format!("option \"{value}\" of `{id}` was removed; answers with it are rejected"),
            )
            .part(value)
            .values(Some(value.to_owned()), None),
        );
    }

    fn option_added(&mut self, id: &str, n: &ChoiceOption) {
        let value = n.value.value.as_str();
        self.push(
            Change::new(
                ChangeKind::OptionAdded,
                Bump::Minor,
                Target::Item,
                id,
                format!("option \"{value}\" was added to `{id}`"),
            )
            .part(value)
            .values(None, Some(value.to_owned())),
        );
    }

    /// An option both versions have: its value, label and score weight.
    fn option_kept(&mut self, id: &str, o: &ChoiceOption, n: &ChoiceOption, recoded: bool) {
        let value = o.value.value.as_str();
        let new_value = n.value.value.as_str();
        if recoded {
            self.push(
                Change::new(
                    ChangeKind::OptionRecoded,
                    Bump::Major,
                    Target::Item,
                    id,
                    format!("option \"{value}\" of `{id}` was recoded to \"{new_value}\""),
                )
                .part(value)
                .values(Some(value.to_owned()), Some(new_value.to_owned())),
            );
        }
        self.text(
            (Target::Item, id),
            new_value,
            &format!("label of option \"{new_value}\" of `{id}`"),
            Some(&o.label.value),
            Some(&n.label.value),
        );
        let (a, b) = (
            o.score.as_ref().map(|s| s.value),
            n.score.as_ref().map(|s| s.value),
        );
        if !same_opt_num(a, b) {
            self.weight(
                id,
                new_value,
                &format!("the score weight of option \"{new_value}\""),
                a,
                b,
            );
        }
    }

    /// The order of the options both versions have.
    fn options_order(
        &mut self,
        id: &str,
        old: &[ChoiceOption],
        new: &[ChoiceOption],
        of_old: &[Option<usize>],
    ) {
        let matched: Vec<usize> = of_old.iter().flatten().copied().collect();
        if !matched.windows(2).any(|w| w[0] > w[1]) {
            return;
        }
        let before = old
            .iter()
            .zip(of_old)
            .filter(|(_, m)| m.is_some())
            .map(|(o, _)| o.value.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut in_new = matched;
        in_new.sort_unstable();
        let after = in_new
            .iter()
            .map(|&j| new[j].value.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        self.push(
            Change::new(
                ChangeKind::OptionsReordered,
                Bump::Patch,
                Target::Item,
                id,
                format!("the options of `{id}` were reordered"),
            )
            .part("options")
            .shown(Some(before), Some(after)),
        );
    }
}
