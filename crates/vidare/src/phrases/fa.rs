//! Persian phrases.
//!
//! A draft, like the questionnaires' translations into this language: an
//! authorised translator must review it before it is used with clients.

use super::Phrases;

pub(super) const PHRASES: Phrases = Phrases {
    yes: "بله",
    no: "خیر",
    decline: "ترجیح می‌دهم پاسخ ندهم",
    dont_know: "نمی‌دانم",
    skip: "رد شدن",
    none_of: "هیچ‌کدام",
    back: "بازگشت",
    next: "بعدی",
    question_of: "پرسش {n} از حدود {total}",
    answer_yes_no: "با بله یا خیر پاسخ دهید",
    answer_one: "یک پاسخ را انتخاب کنید",
    answer_many: "همهٔ پاسخ‌های مناسب را انتخاب کنید، یا هیچ‌کدام را",
    answer_text: "با کلمات خودتان پاسخ دهید",
    answer_date: "یک تاریخ: سال-ماه-روز",
    whole_number: "یک عدد صحیح",
    number: "یک عدد",
    from_to: "از {min} تا {max}",
    at_least: "دست‌کم {min}",
    at_most: "حداکثر {max}",
    optional: "می‌توانید از این پرسش بگذرید",
    finished: "سپاسگزاریم. پرسش دیگری نیست.",
};
