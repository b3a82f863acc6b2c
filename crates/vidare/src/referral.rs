//! What a referral is called: the label a questionnaire's `referrals`
//! gives a trigger's `refer_to` key, so that people read a name, not a key.

use crate::Questionnaire;

impl Questionnaire {
    /// The name of the referral `refer_to` in `lang` (the default language
    /// when `lang` has none), or `None` when the questionnaire declares no
    /// label for it; frontends then show the key itself.
    ///
    /// ```
    /// let q = vidare::load("../../questionnaires/violence-seven/2.2.0.yaml")?;
    /// assert_eq!(q.referral_label("social-services", "en"), Some("Social services"));
    /// assert_eq!(q.referral_label("no-such-service", "en"), None);
    /// # Ok::<(), vidare::Error>(())
    /// ```
    pub fn referral_label(&self, refer_to: &str, lang: &str) -> Option<&str> {
        let label = &self
            .inner
            .document
            .referrals
            .as_ref()?
            .value
            .get(refer_to)?
            .value;
        label
            .get(lang)
            .or_else(|| label.get(self.inner.default_language.as_str()))
            .map(String::as_str)
    }
}
