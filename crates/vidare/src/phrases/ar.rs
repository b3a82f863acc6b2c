//! Arabic phrases.
//!
//! A draft, like the questionnaires' translations into this language: an
//! authorised translator must review it before it is used with clients.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "نعم",
    no: "لا",
    decline: "أفضّل عدم الإجابة",
    dont_know: "لا أعرف",
    skip: "تخطّي السؤال",
    none_of: "لا شيء مما سبق",
    back: "رجوع",
    next: "التالي",
    question_of: "السؤال {n} من حوالي {total}",
    answer_yes_no: "الإجابة بنعم أو لا",
    answer_one: "اختيار إجابة واحدة",
    answer_many: "اختيار كل الإجابات المناسبة، أو لا شيء",
    answer_text: "الإجابة بكلماتك الخاصة",
    answer_date: "تاريخ: سنة-شهر-يوم",
    whole_number: "عدد صحيح",
    number: "عدد",
    from_to: "من {min} إلى {max}",
    at_least: "لا يقل عن {min}",
    at_most: "لا يزيد على {max}",
    optional: "يمكنك تخطّي هذا السؤال",
    finished: "شكرًا. لا توجد أسئلة أخرى.",
};
