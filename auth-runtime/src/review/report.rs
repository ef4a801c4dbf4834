//! The Markdown report of a review, for a pull-request comment.

use std::fmt::Write as _;

use super::access::{Access, Caller};
use super::allow::Verdict;
use super::change::{Change, ChangeClass, Review};

impl Review {
    /// A Markdown report for a pull-request comment: a summary line, then one table row
    /// per change, most severe first, with the access before and after and the callers
    /// that gain or lose the route.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        render(self, None)
    }
}

impl Verdict<'_> {
    /// The review's Markdown report with an "Acknowledged" column (the reason, or
    /// **no**), the lines to add for what is not acknowledged, and the stale entries.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        render(self.review(), Some(self))
    }
}

/// The report; with a verdict, also what is acknowledged, what is not, and stale entries.
fn render(review: &Review, verdict: Option<&Verdict<'_>>) -> String {
    let mut out = String::from("### Permission review\n\n");
    if review.is_empty() {
        out.push_str("No route's access changed.\n");
    } else {
        let _ = writeln!(out, "{}\n", summary(review));
        out.push_str("| Change | Route | Handler | Before | After | Gained by | Lost by |");
        out.push_str(if verdict.is_some() { " Acknowledged |\n" } else { "\n" });
        out.push_str("|---|---|---|---|---|---|---|");
        out.push_str(if verdict.is_some() { "---|\n" } else { "\n" });
        for (index, change) in review.changes().iter().enumerate() {
            let class = if change.class().needs_acknowledgment() {
                format!("**{}**", change.class())
            } else {
                change.class().to_string()
            };
            let side = |access: Option<&Access>| access.map_or_else(|| "(none)".to_owned(), ToString::to_string);
            let _ = write!(
                out,
                "| {class} | `{}` | `{}` | {} | {} | {} | {} |",
                change.route(),
                change.handler(),
                cell(&side(change.before())),
                cell(&side(change.after())),
                cell(&gained(change)),
                cell(&callers(change.lost(), change.callers_complete())),
            );
            if let Some(verdict) = verdict {
                let acknowledged = match verdict.acknowledgment(index) {
                    Some(entry) => cell(entry.reason()),
                    None if change.class().needs_acknowledgment() => "**no**".to_owned(),
                    None => String::new(),
                };
                let _ = write!(out, " {acknowledged} |");
            }
            out.push('\n');
        }
    }
    if let Some(verdict) = verdict {
        let missing: Vec<&Change> = verdict.unacknowledged().collect();
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "\n**{} not acknowledged.** After review, accept {} with a line in the allow-list, \
                 saying why it is intended:\n\n```text",
                count(missing.len(), "change is", "changes are"),
                if missing.len() == 1 { "it" } else { "each" },
            );
            for change in missing {
                let keyword = change.class().keyword().unwrap_or_default();
                let _ = writeln!(out, "{keyword} {}  # <why this is intended>", change.route());
            }
            out.push_str("```\n");
        }
        if !verdict.stale().is_empty() {
            out.push_str("\nAllow-list entries that match no change (remove them, so they cannot acknowledge a later change unseen):\n\n");
            for entry in verdict.stale() {
                let _ = writeln!(out, "- line {}: `{entry}`", entry.line());
            }
        }
    }
    out
}

/// `3 routes changed: 1 newly public, 1 loosened, 1 tightened.`
fn summary(review: &Review) -> String {
    let mut counts: Vec<(ChangeClass, usize)> = Vec::new();
    for change in review.changes() {
        match counts.last_mut() {
            Some((class, n)) if *class == change.class() => *n += 1,
            _ => counts.push((change.class(), 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(class, n)| format!("{n} {class}")).collect();
    format!(
        "{} changed: {}.",
        count(review.changes().len(), "route", "routes"),
        parts.join(", ")
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The callers gained, or, when the rule admits the same callers, what changed for them.
fn gained(change: &Change) -> String {
    if change.gained().is_empty() && change.class() == ChangeClass::Loosened {
        return "the same callers, with less asked of them".to_owned();
    }
    callers(change.gained(), change.callers_complete())
}

fn callers(callers: &[Caller], complete: bool) -> String {
    let mut names: Vec<String> = callers.iter().map(ToString::to_string).collect();
    if !complete && !names.is_empty() {
        names.push("and more combinations".to_owned());
    }
    names.join("; ")
}

/// Keeps a cell on one line and its pipes from splitting the column.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
