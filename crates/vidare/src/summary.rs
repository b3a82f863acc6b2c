//! Scores and bands read straight from a session's state, for embedders
//! that need only those and the fired triggers ([`Session::fired`]):
//! nothing is built, nothing is allocated.

use crate::expr::typed::Val;
use crate::questionnaire::band_of;
use crate::session::Session;

/// A score as it stands now, borrowed from the session's questionnaire.
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/boston-life-areas/1.0.0.yaml")?;
/// let session = vidare::Session::new(&q);
/// let living = session.score("living.readiness").expect("a score of the questionnaire");
/// // Nothing is rated yet, so the mean of five ratings has no value.
/// assert_eq!((living.value, living.band), (None, None));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ScoreView<'s> {
    /// Its id.
    pub id: &'s str,
    /// The value, or `None` when too few terms have one (as in
    /// [`ScoreRecord::value`](crate::outcome::ScoreRecord::value)).
    pub value: Option<f64>,
    /// The id of the band the value falls in.
    pub band: Option<&'s str>,
}

/// Names the score only: its value and band are what the answers made of it.
impl std::fmt::Debug for ScoreView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreView")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Every score with its band, in document order: what
    /// [`Outcome::scores`](crate::Outcome::scores) holds, without labels,
    /// texts or anything else built.
    pub fn scores(&self) -> impl ExactSizeIterator<Item = ScoreView<'_>> {
        (0..self.questionnaire().inner.scores.len() as u32).map(|s| self.score_view(s))
    }

    /// The score with this id, if the questionnaire has one.
    #[must_use]
    pub fn score(&self, id: &str) -> Option<ScoreView<'_>> {
        let s = self
            .questionnaire()
            .inner
            .scores
            .iter()
            .position(|def| def.id == id)?;
        Some(self.score_view(s as u32))
    }

    fn score_view(&self, s: u32) -> ScoreView<'_> {
        let def = &self.questionnaire().inner.scores[s as usize];
        let value = match self.score_value(s).value {
            Val::Num(n) => Some(n),
            _ => None,
        };
        ScoreView {
            id: &def.id,
            value,
            band: value.and_then(|v| band_of(def, v)).map(|b| b.id.as_str()),
        }
    }
}
