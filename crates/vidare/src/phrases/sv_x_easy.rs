//! Easy Swedish (lättläst) phrases.
//!
//! A draft, like the questionnaires' translations into this language: an
//! authorised translator must review it before it is used with clients.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "Ja",
    no: "Nej",
    decline: "Jag vill inte svara",
    dont_know: "Jag vet inte",
    skip: "Hoppa över",
    none_of: "Inget av dessa",
    back: "Tillbaka",
    next: "Nästa",
    question_of: "Fråga {n} av ungefär {total}",
    answer_yes_no: "Svara ja eller nej",
    answer_one: "Välj ett svar",
    answer_many: "Välj alla svar som passar. Eller inget svar.",
    answer_text: "Svara med dina egna ord",
    answer_date: "Ett datum: år-månad-dag",
    whole_number: "Ett helt tal",
    number: "Ett tal",
    from_to: "från {min} till {max}",
    at_least: "som är {min} eller mer",
    at_most: "som är {max} eller mindre",
    optional: "Du behöver inte svara på den här frågan",
    finished: "Tack. Nu finns det inga fler frågor.",
};
