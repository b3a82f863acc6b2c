//! Tigrinya phrases.
//!
//! A draft, like the questionnaires' translations into this language: an
//! authorised translator must review it before it is used with clients.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "እወ",
    no: "ኣይፋል",
    decline: "ክምልስ ኣይደልን",
    dont_know: "ኣይፈልጥን",
    skip: "ሕለፉ",
    none_of: "ሓደ እኳ የለን",
    back: "ንድሕሪት",
    next: "ዝቕጽል",
    question_of: "ሕቶ {n} ካብ ኣስታት {total}",
    answer_yes_no: "እወ ወይ ኣይፋል ኢልኩም መልሱ",
    answer_one: "ሓደ መልሲ ምረጹ",
    answer_many: "ዝሰማምዑ መልስታት ኩሎም ምረጹ፣ ወይ ሓደ እኳ ኣይትምረጹ",
    answer_text: "ብናይ ባዕልኹም ቃላት መልሱ",
    answer_date: "ዕለት፦ ዓመት-ወርሒ-መዓልቲ",
    whole_number: "ምሉእ ቁጽሪ",
    number: "ቁጽሪ",
    from_to: "ካብ {min} ክሳብ {max}",
    at_least: "እንተ ወሓደ {min}",
    at_most: "እንተ በዝሐ {max}",
    optional: "ነዚ ሕቶ ክትሓልፍዎ ትኽእሉ ኢኹም",
    finished: "የቐንየልና። ካልእ ሕቶ የለን።",
};
