//! The equality audit (`vidare::analysis::Audit`) for people: Markdown
//! tables and an SVG bar chart. The numbers, groups and flags are the
//! core's; this module only lays them out.
//!
//! ```
//! # let q = vidare::compile(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/equality/audit.yaml")), "audit.yaml").unwrap();
//! let recordings: Vec<(String, vidare::Recording)> = Vec::new();
//! let audit = vidare::analysis::audit(&q, &recordings, None);
//! let markdown = vidare_render::audit::markdown(&audit);
//! assert!(markdown.starts_with("# Equality audit: "));
//! let svg = vidare_render::audit::svg(&audit);
//! assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
//! ```

use std::fmt::Write as _;

use vidare::analysis::audit::{
    Audit, Comparison, Flag, GroupCell, LevelAudit, MIN_GROUP, ReferralAudit, Suppressed,
};

use crate::escape;

/// The audit as Markdown: a summary of flagged differences, then one table
/// of rates and one of comparisons per referral. Names are code spans (in
/// tables too): group names come from recordings, and no name can end a
/// span, a cell or a line.
#[must_use]
pub fn markdown(audit: &Audit) -> String {
    let mut out = String::new();
    intro(&mut out, audit);
    flags(&mut out, &audit.flags);
    for r in &audit.referrals {
        referral(&mut out, r, &audit.groups);
    }
    out
}

/// The heading, how to read the audit, and what was left out.
fn intro(out: &mut String, audit: &Audit) {
    let q = &audit.questionnaire;
    let by = code(audit.protected_item.as_deref().unwrap_or("(none)"));
    let _ = writeln!(out, "# Equality audit: {} {}\n", q.id, q.version);
    let _ = writeln!(
        out,
        "Referral rates by {by}, need held constant: within each need level (the band of \
         the scores a referral reads) sessions are compared by group. A difference is \
         flagged when its 95% confidence interval (Newcombe's hybrid score interval) \
         excludes 0, so the need level does not explain it. Groups with fewer than {} \
         sessions at a level are shown as `< {}`; `suppressed` hides one more level of \
         such a group so that it cannot be worked out by subtraction.\n",
        audit.min_group_size, audit.min_group_size
    );
    let left = &audit.left_out;
    if left.other_questionnaire + left.other_definition + left.unfinished > 0 {
        let _ = writeln!(
            out,
            "Left out: {} unfinished, {} of another questionnaire or version, {} of an \
             edited definition.\n",
            left.unfinished, left.other_questionnaire, left.other_definition
        );
    }
    for p in &audit.problems {
        let _ = writeln!(out, "> **Note:** {p}\n");
    }
}

/// The differences the need level does not explain, or that there are none.
fn flags(out: &mut String, flags: &[Flag]) {
    if flags.is_empty() {
        let _ = writeln!(
            out,
            "**No difference that the need level does not explain.**\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "**{} difference(s) that the need level does not explain:**\n",
        flags.len()
    );
    for f in flags {
        let _ = writeln!(
            out,
            "- {}, need level {}: {} referred more often than {}, by {:.1} \
             percentage points (95% CI {:.1} to {:.1})",
            code(&f.trigger),
            code(&f.level),
            code(&f.higher),
            code(&f.lower),
            f.difference * 100.0,
            f.ci_low * 100.0,
            f.ci_high * 100.0
        );
    }
    out.push('\n');
}

/// One referral: what need level it is held at, its rates and its
/// comparisons.
fn referral(out: &mut String, r: &ReferralAudit, groups: &[String]) {
    let _ = writeln!(
        out,
        "## {} → {} ({})\n",
        code(&r.trigger),
        escape::markdown(&r.refer_to),
        r.urgency.as_str()
    );
    if r.need_scores.is_empty() {
        let _ = writeln!(
            out,
            "Need level: `all` (the referral reads no banded score).\n"
        );
    } else {
        let names: Vec<String> = r.need_scores.iter().map(|s| code(s)).collect();
        let _ = writeln!(out, "Need level: the band of {}.\n", names.join(", "));
    }
    if r.levels.is_empty() {
        let _ = writeln!(out, "No sessions.\n");
        return;
    }
    rates(out, &r.levels, groups);
    comparisons(out, &r.levels);
}

/// The table of referral rates: a row per need level, a column per group.
fn rates(out: &mut String, levels: &[LevelAudit], groups: &[String]) {
    let _ = write!(out, "| need level |");
    for g in groups {
        let _ = write!(out, " {} |", cell(g));
    }
    out.push('\n');
    let _ = write!(out, "|---|");
    for _ in groups {
        let _ = write!(out, "---:|");
    }
    out.push('\n');
    for l in levels {
        let _ = write!(out, "| {} |", cell(&l.level));
        for c in &l.groups {
            let _ = write!(out, " {} |", cell_text(c));
        }
        out.push('\n');
    }
    out.push('\n');
}

/// The table of comparisons between groups at the same need level.
fn comparisons(out: &mut String, levels: &[LevelAudit]) {
    let comparisons: Vec<(&LevelAudit, &Comparison)> = levels
        .iter()
        .flat_map(|l| l.comparisons.iter().map(move |c| (l, c)))
        .collect();
    if comparisons.is_empty() {
        let _ = writeln!(out, "No two groups large enough to compare.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| need level | groups | difference (pp) | 95% CI (pp) | ratio | |"
    );
    let _ = writeln!(out, "|---|---|---:|---|---:|---|");
    for (l, c) in comparisons {
        let _ = writeln!(
            out,
            "| {} | {} − {} | {} | {} to {} | {} | {} |",
            cell(&l.level),
            cell(&c.a),
            cell(&c.b),
            points(c.difference),
            points(c.ci_low),
            points(c.ci_high),
            c.ratio
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}")),
            if c.flagged {
                "**not explained by need**"
            } else {
                ""
            }
        );
    }
    out.push('\n');
}

/// A name in a code span outside a table.
fn code(name: &str) -> String {
    escape::code_span(name, false)
}

/// A name in a code span in a table cell.
fn cell(name: &str) -> String {
    escape::code_span(name, true)
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn points(d: f64) -> String {
    format!("{:+.1}", d * 100.0)
}

fn cell_text(c: &GroupCell) -> String {
    match (c.suppressed, c.sessions, c.referred, c.rate) {
        (Some(Suppressed::Small), ..) => format!("< {MIN_GROUP}"),
        (Some(Suppressed::Complementary), ..) => "suppressed".into(),
        (None, Some(n), Some(k), Some(rate)) => format!("{} ({k} of {n})", percent(rate)),
        _ => String::new(),
    }
}

// --------------------------------------------------------------------- svg

const COLOURS: [&str; 8] = [
    "#1f6fb2", "#e07a1f", "#3a9a4a", "#8a5cc2", "#7f7f7f", "#c2a21f", "#cc4778", "#2aa5a5",
];
const MARGIN: f64 = 16.0;
const AXIS: f64 = 40.0;
const BAR: f64 = 20.0;
const BAR_GAP: f64 = 3.0;
const CLUSTER_GAP: f64 = 26.0;
const PLOT: f64 = 120.0;
/// Rough width of one character at font size 10.
const CHAR: f64 = 6.0;

/// The audit as an SVG chart: per referral, grouped bars of the referral
/// rate per group, one cluster per need level. Suppressed groups are shown
/// as `< 5` (or `hidden`) without a bar; a level with a flagged difference
/// is framed in red.
#[must_use]
pub fn svg(audit: &Audit) -> String {
    let by = audit.protected_item.as_deref().unwrap_or("group");
    let title = format!("Referral rate by {by}, need level held constant");
    let mut chart = Chart {
        body: String::new(),
        y: MARGIN,
        width: 0.0,
        bars: audit.groups.len().max(1) as f64 * (BAR + BAR_GAP) - BAR_GAP,
    };
    chart.header(audit, &title);
    chart.legend(&audit.groups);
    for r in &audit.referrals {
        chart.referral(r);
    }
    let (width, height) = (chart.width, chart.y + MARGIN);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape::html(&title));
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="white"/>"#
    );
    out.push_str(&chart.body);
    out.push_str("</svg>");
    out
}

/// The chart as it is drawn from the top down.
struct Chart {
    body: String,
    /// Where the next part starts.
    y: f64,
    /// The widest part so far, margins included.
    width: f64,
    /// The width of one cluster's bars.
    bars: f64,
}

impl Chart {
    /// The title and the two lines that say how to read the chart.
    fn header(&mut self, audit: &Audit, title: &str) {
        let subtitle = format!(
            "{} {} · groups under {} shown as “< {}”, “hidden” so that such a group cannot be worked out",
            audit.questionnaire.id,
            audit.questionnaire.version,
            audit.min_group_size,
            audit.min_group_size
        );
        let subtitle2 = "red: a difference between groups at the same need level that need does not explain (95% CI excludes 0)";
        let longest = subtitle.chars().count().max(subtitle2.chars().count());
        self.width = (longest as f64 * CHAR).max(480.0) + 2.0 * MARGIN;
        let (body, y) = (&mut self.body, self.y);
        let _ = writeln!(
            body,
            r#"<text x="{MARGIN}" y="{:.1}" font-size="16" font-weight="bold">{}</text>"#,
            y + 14.0,
            escape::html(title)
        );
        let _ = writeln!(
            body,
            r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#444">{}</text>"##,
            y + 30.0,
            escape::html(&subtitle)
        );
        let _ = writeln!(
            body,
            r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#c00000">{}</text>"##,
            y + 44.0,
            escape::html(subtitle2)
        );
        self.y += 58.0;
    }

    /// One coloured square and name per group, in a row.
    fn legend(&mut self, groups: &[String]) {
        let mut x = MARGIN;
        for (g, name) in groups.iter().enumerate() {
            let _ = writeln!(
                self.body,
                r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/>"#,
                self.y,
                COLOURS[g % COLOURS.len()]
            );
            let _ = writeln!(
                self.body,
                r#"<text x="{:.1}" y="{:.1}" font-size="10">{}</text>"#,
                x + 14.0,
                self.y + 9.0,
                escape::html(name)
            );
            x += 14.0 + name.chars().count() as f64 * CHAR + 16.0;
        }
        self.y += 24.0;
    }

    /// One referral: its heading, the axis, and a cluster of bars per need
    /// level.
    fn referral(&mut self, r: &ReferralAudit) {
        let heading = format!("{} → {}", r.trigger, r.refer_to);
        let need = if r.need_scores.is_empty() {
            "need level: all (reads no banded score)".to_owned()
        } else {
            format!("need level: band of {}", r.need_scores.join(", "))
        };
        let _ = writeln!(
            self.body,
            r#"<text x="{MARGIN}" y="{:.1}" font-size="12" font-weight="bold">{}</text>"#,
            self.y + 12.0,
            escape::html(&heading)
        );
        let _ = writeln!(
            self.body,
            r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#444">{}</text>"##,
            self.y + 26.0,
            escape::html(&need)
        );
        let top = self.y + 40.0;
        let left = MARGIN + AXIS;
        let clusters: Vec<f64> = r.levels.iter().map(|l| self.cluster(l)).collect();
        // The grid runs to the right end of the last cluster, added up as
        // the clusters are placed below.
        let mut end = left + 10.0;
        for cluster in &clusters {
            end += cluster + CLUSTER_GAP;
        }
        if r.levels.is_empty() {
            end += 80.0;
        }
        let right = end - CLUSTER_GAP + 10.0;
        self.axis(left, top + PLOT, right);
        let mut x = left + 10.0;
        for (level, cluster) in r.levels.iter().zip(clusters) {
            self.level(level, x, cluster, top);
            x += cluster + CLUSTER_GAP;
        }
        if r.levels.is_empty() {
            let _ = writeln!(
                self.body,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#777">no sessions</text>"##,
                left + 10.0,
                top + PLOT - 4.0
            );
        }
        self.width = self.width.max(right + MARGIN);
        self.y = top + PLOT + 40.0;
    }

    /// The width of a level's cluster: its bars, or its label if longer.
    fn cluster(&self, level: &LevelAudit) -> f64 {
        self.bars.max(level.level.chars().count() as f64 * CHAR)
    }

    /// Percentages at the left and grid lines across to `right`.
    fn axis(&mut self, left: f64, bottom: f64, right: f64) {
        for pct in [0u32, 25, 50, 75, 100] {
            let gy = bottom - PLOT * f64::from(pct) / 100.0;
            let _ = writeln!(
                self.body,
                r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" fill="#444">{pct}%</text>"##,
                left - 4.0,
                gy + 3.0
            );
            let _ = writeln!(
                self.body,
                r#"<line x1="{left:.1}" y1="{gy:.1}" x2="{right:.1}" y2="{gy:.1}" stroke="{}" stroke-width="1"/>"#,
                if pct == 0 { "#444" } else { "#ddd" }
            );
        }
    }

    /// One need level's bars at `x`, its label below, and a red frame when
    /// a difference in it is flagged.
    fn level(&mut self, level: &LevelAudit, x: f64, cluster: f64, top: f64) {
        let bottom = top + PLOT;
        let start = x + (cluster - self.bars) / 2.0;
        for (g, cell) in level.groups.iter().enumerate() {
            self.bar(cell, g, start + g as f64 * (BAR + BAR_GAP), bottom);
        }
        let flagged = level.comparisons.iter().any(|c| c.flagged);
        let colour = if flagged { "#c00000" } else { "#000" };
        let _ = writeln!(
            self.body,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{colour}">{}</text>"#,
            x + cluster / 2.0,
            bottom + 14.0,
            escape::html(&level.level)
        );
        if flagged {
            let _ = writeln!(
                self.body,
                r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#c00000">not explained by need</text>"##,
                x + cluster / 2.0,
                bottom + 26.0
            );
            let _ = writeln!(
                self.body,
                r##"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{PLOT}" fill="none" stroke="#c00000" stroke-dasharray="4 2"/>"##,
                x - 4.0,
                cluster + 8.0
            );
        }
    }

    /// One group's bar with its rate above, or a rotated "< 5" / "hidden"
    /// where the group is suppressed.
    fn bar(&mut self, cell: &GroupCell, g: usize, bx: f64, bottom: f64) {
        let cx = bx + BAR / 2.0;
        let Some(rate) = cell.rate else {
            let text = match cell.suppressed {
                Some(Suppressed::Complementary) => "hidden".to_owned(),
                _ => format!("&lt; {MIN_GROUP}"),
            };
            let _ = writeln!(
                self.body,
                r##"<text x="{:.1}" y="{:.1}" font-size="9" transform="rotate(-90 {:.1} {:.1})" fill="#777">{text}</text>"##,
                cx + 3.0,
                bottom - 4.0,
                cx + 3.0,
                bottom - 4.0
            );
            return;
        };
        let h = PLOT * rate;
        let _ = writeln!(
            self.body,
            r#"<rect x="{bx:.1}" y="{:.1}" width="{BAR}" height="{h:.1}" fill="{}"><title>{}: {} of {} referred</title></rect>"#,
            bottom - h,
            COLOURS[g % COLOURS.len()],
            escape::html(&cell.group),
            cell.referred.unwrap_or(0),
            cell.sessions.unwrap_or(0)
        );
        let _ = writeln!(
            self.body,
            r#"<text x="{cx:.1}" y="{:.1}" font-size="9" text-anchor="middle">{}</text>"#,
            bottom - h - 3.0,
            percent(rate)
        );
    }
}

#[cfg(test)]
mod tests {
    use vidare::analysis::audit::{Audit, GroupCell, LevelAudit, ReferralAudit};
    use vidare::format::Urgency;
    use vidare::outcome::QuestionnaireRef;

    /// An audit with groups named as a forged recording could name them.
    fn audit() -> Audit {
        let level = LevelAudit::new(
            "all",
            vec![
                GroupCell::new("it's <b>", 10, 5),
                GroupCell::new("a & b", 10, 2),
                // Fewer than five sessions: hidden by the constructor.
                GroupCell::new("few", 2, 1),
            ],
        );
        let mut referral = ReferralAudit::new("support", "care \"now\"", Urgency::Soon);
        referral.levels.push(level);
        let mut audit = Audit::new(QuestionnaireRef::new("q", "1.0.0", "sha256:0"));
        audit.protected_item = Some("gender".into());
        audit.groups = vec!["it's <b>".into(), "a & b".into(), "few".into()];
        audit.referrals.push(referral);
        audit
    }

    #[test]
    fn the_chart_escapes_every_text_with_the_one_html_escaper() {
        let svg = super::svg(&audit());
        for escaped in [
            ">it&#39;s &lt;b&gt;<",
            ">a &amp; b<",
            "support → care &quot;now&quot;",
            "<title>it&#39;s &lt;b&gt;: 5 of 10 referred</title>",
            ">&lt; 5<",
        ] {
            assert!(svg.contains(escaped), "{escaped}\n{svg}");
        }
        assert!(!svg.contains("<b>") && !svg.contains("&apos;"), "{svg}");
    }

    #[test]
    fn a_group_name_is_drawn_as_written_whatever_it_holds() {
        let mut audit = audit();
        audit.groups[1] = "{right}".into();
        audit.referrals[0].levels[0].groups[1] = GroupCell::new("{right}", 10, 2);
        let svg = super::svg(&audit);
        assert!(svg.contains(">{right}<"), "{svg}");
        assert!(
            svg.contains("<title>{right}: 2 of 10 referred</title>"),
            "{svg}"
        );
    }

    #[test]
    fn names_from_recordings_cannot_break_the_markdown() {
        let mut audit = audit();
        audit.groups[2] = "x | `y`".into();
        audit.referrals[0].levels[0].level = "need: *high* | 2".into();
        let markdown = super::markdown(&audit);
        assert!(
            markdown.contains("| need level | `it's <b>` | `a & b` | `` x \\| `y` `` |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| `need: *high* \\| 2` | 50% (5 of 10)"),
            "{markdown}"
        );
        assert!(
            markdown.contains("## `support` → care \"now\" (soon)"),
            "{markdown}"
        );
    }

    #[test]
    fn the_tables_show_rates_and_hide_small_groups() {
        let markdown = super::markdown(&audit());
        assert!(
            markdown.starts_with("# Equality audit: q 1.0.0\n"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| `all` | 50% (5 of 10) | 20% (2 of 10) | < 5 |"),
            "{markdown}"
        );
        assert!(markdown.contains("No two groups large enough to compare."));
    }
}
