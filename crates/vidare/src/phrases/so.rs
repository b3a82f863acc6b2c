//! Somali phrases.
//!
//! A draft, like the questionnaires' translations into this language: an
//! authorised translator must review it before it is used with clients.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "Haa",
    no: "Maya",
    decline: "Ma doonayo inaan ka jawaabo",
    dont_know: "Ma garanayo",
    skip: "Ka gudub",
    none_of: "Midkoodna",
    back: "Dib u noqo",
    next: "Xiga",
    question_of: "Su'aasha {n} ee ku dhowaad {total}",
    answer_yes_no: "Ku jawaab haa ama maya",
    answer_one: "Dooro hal jawaab",
    answer_many: "Dooro dhammaan jawaabaha ku habboon, ama midna",
    answer_text: "Ku jawaab erayadaada",
    answer_date: "Taariikh: sannad-bil-maalin",
    whole_number: "Tiro dhan",
    number: "Tiro",
    from_to: "laga bilaabo {min} ilaa {max}",
    at_least: "ugu yaraan {min}",
    at_most: "ugu badnaan {max}",
    optional: "Su'aashan waad ka gudbi kartaa",
    finished: "Mahadsanid. Su'aalo kale ma jiraan.",
};
