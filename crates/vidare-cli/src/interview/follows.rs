//! Which question a follow-up belongs to, so that "When did it last
//! happen?" is never asked without the question it is about.

use vidare::{Questionnaire, format::ItemKind, questionnaire::ItemRef};

/// The first question that `item`'s condition reads, if its condition
/// reads one: the question it follows up.
pub(super) fn question<'q>(q: &'q Questionnaire, item: &str) -> Option<ItemRef<'q>> {
    let doc = q.document();
    let (section, def) = doc
        .sections
        .iter()
        .find_map(|s| Some((s, s.items.iter().find(|i| i.id.value == item)?)))?;
    let when = def.when.as_ref()?;
    q.reads(&when.value, section.scope.as_deref())
        .iter()
        .filter_map(|name| q.item(name))
        .find(|read| read.kind() != ItemKind::Info && read.id() != item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_frame_follows_its_question_and_a_first_question_nothing() {
        let q = vidare::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/2.0.0.yaml"
        ))
        .unwrap();
        let follows = |id: &str| question(&q, id).map(|i| i.id().to_owned());
        assert_eq!(follows("physical_when").as_deref(), Some("physical"));
        assert_eq!(follows("interpreter").as_deref(), Some("alone"));
        assert_eq!(follows("alone"), None);
    }
}
