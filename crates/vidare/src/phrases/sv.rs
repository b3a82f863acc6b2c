//! Swedish phrases.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "Ja",
    no: "Nej",
    decline: "Vill inte svara",
    dont_know: "Vet inte",
    skip: "Hoppa över",
    none_of: "Inget av dessa",
    back: "Tillbaka",
    next: "Nästa",
    question_of: "Fråga {n} av ungefär {total}",
    answer_yes_no: "Svara ja eller nej",
    answer_one: "Välj ett svar",
    answer_many: "Välj alla svar som stämmer, eller inget",
    answer_text: "Svara med egna ord",
    answer_date: "Ett datum: år-månad-dag",
    whole_number: "Ett heltal",
    number: "Ett tal",
    from_to: "från {min} till {max}",
    at_least: "på minst {min}",
    at_most: "på högst {max}",
    optional: "Du kan hoppa över den här frågan",
    finished: "Tack. Det finns inga fler frågor.",
};
