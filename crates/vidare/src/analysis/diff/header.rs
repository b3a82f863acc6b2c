//! The questionnaire as a whole: its languages, default language, title,
//! description and the names of its referrals.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::pairs::{Keyed, Pair, pairs};
use std::collections::{BTreeMap, BTreeSet};

use crate::format::{Document, LanguageEntry, Sp, Text};

impl Differ {
    pub(super) fn header(&mut self, old: &Document, new: &Document) {
        self.languages(old, new);
        let id = new.id.value.as_str();
        let q = (Target::Questionnaire, id);
        if old.default_language.value != new.default_language.value {
            self.push(
                Change::new(
                    ChangeKind::DefaultLanguageChanged,
                    Bump::Patch,
                    Target::Questionnaire,
                    id,
                    format!(
                        "the default language changed from `{}` to `{}`",
                        old.default_language.value, new.default_language.value
                    ),
                )
                .values(
                    Some(old.default_language.value.clone()),
                    Some(new.default_language.value.clone()),
                ),
            );
        }
        self.text(
            q,
            "title",
            "the questionnaire's title",
            Some(&old.title.value),
            Some(&new.title.value),
        );
        self.text(
            q,
            "description",
            "the questionnaire's description",
            old.description.as_ref().map(|t| &t.value),
            new.description.as_ref().map(|t| &t.value),
        );
        self.referrals(old, new);
    }

    /// The name of each referral (`referrals:`): added, removed or changed.
    fn referrals(&mut self, old: &Document, new: &Document) {
        let (old, new, id) = (
            referral_names(old),
            referral_names(new),
            new.id.value.as_str(),
        );
        let keys: BTreeSet<&String> = old
            .into_iter()
            .chain(new)
            .flat_map(BTreeMap::keys)
            .collect();
        for key in keys {
            self.text(
                (Target::Questionnaire, id),
                &format!("referrals.{key}"),
                &format!("the name of referral `{key}`"),
                referral_name(old, key),
                referral_name(new, key),
            );
        }
    }

    /// Languages added or with another status, in new order; then those
    /// removed.
    fn languages(&mut self, old: &Document, new: &Document) {
        let id = new.id.value.as_str();
        let (removed, in_new): (Vec<_>, Vec<_>) = pairs(&old.languages.value, &new.languages.value)
            .into_iter()
            .partition(|pair| matches!(pair, Pair::Removed(_)));
        for pair in in_new.into_iter().chain(removed) {
            if let Some(change) = language(id, &pair) {
                self.push(change);
            }
        }
    }
}

/// The change to one declared language, if any.
fn language(id: &str, pair: &Pair<'_, Sp<LanguageEntry>>) -> Option<Change> {
    let (kind, bump, lang, description) = match *pair {
        Pair::Added(n) => (
            ChangeKind::LanguageAdded,
            Bump::Minor,
            n.key(),
            format!(
                "language `{}` ({}) was added",
                n.key(),
                status_words(&n.value)
            ),
        ),
        Pair::Removed(o) => (
            ChangeKind::LanguageRemoved,
            Bump::Major,
            o.key(),
            format!("language `{}` was removed", o.key()),
        ),
        Pair::Kept(o, n) => return status_changed(id, o, n),
    };
    Some(Change::new(kind, bump, Target::Questionnaire, id, description).lang(lang))
}

/// The status of a language in both versions, if it changed.
fn status_changed(id: &str, old: &Sp<LanguageEntry>, new: &Sp<LanguageEntry>) -> Option<Change> {
    let (before, after) = (status_words(&old.value), status_words(&new.value));
    if before == after {
        return None;
    }
    let lang = new.key();
    Some(
        Change::new(
            ChangeKind::LanguageStatusChanged,
            Bump::Patch,
            Target::Questionnaire,
            id,
            format!("the status of language `{lang}` changed: {before} → {after}"),
        )
        .lang(lang)
        .values(Some(before), Some(after)),
    )
}

/// A language entry's status in words: `draft, for the person`,
/// `reviewed by X on 2026-11-30`, `source`.
fn status_words(entry: &LanguageEntry) -> String {
    let status = entry.status.as_ref().map(|s| s.value).unwrap_or_default();
    let mut words = status.as_str().to_owned();
    if let Some(by) = &entry.reviewed_by {
        words.push_str(" by ");
        words.push_str(&by.value);
    }
    if let Some(on) = &entry.reviewed_on {
        words.push_str(" on ");
        words.push_str(&on.value);
    }
    if entry.audience.as_ref().map(|a| a.value) == Some(crate::language::Audience::Person) {
        words.push_str(", for the person");
    }
    words
}

/// The `referrals:` of a document, if it gives them.
fn referral_names(d: &Document) -> Option<&BTreeMap<String, Sp<Text>>> {
    d.referrals.as_ref().map(|r| &r.value)
}

/// The name of referral `key` in `names`.
fn referral_name<'a>(names: Option<&'a BTreeMap<String, Sp<Text>>>, key: &str) -> Option<&'a Text> {
    names?.get(key).map(|t| &t.value)
}
