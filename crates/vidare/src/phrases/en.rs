//! English phrases.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "Yes",
    no: "No",
    decline: "Prefer not to answer",
    dont_know: "Don't know",
    skip: "Skip",
    none_of: "None of these",
    back: "Back",
    next: "Next",
    question_of: "Question {n} of about {total}",
    answer_yes_no: "Answer yes or no",
    answer_one: "Choose one answer",
    answer_many: "Choose all answers that fit, or none",
    answer_text: "Answer in your own words",
    answer_date: "A date: year-month-day",
    whole_number: "A whole number",
    number: "A number",
    from_to: "from {min} to {max}",
    at_least: "of at least {min}",
    at_most: "of at most {max}",
    optional: "You may skip this question",
    finished: "Thank you. There are no more questions.",
};
