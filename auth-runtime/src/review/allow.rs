//! The allow-list: reviewed changes that may let someone in, each with its reason.
//!
//! One change a line, `<class> <METHOD> <path>  # <reason>`, where the class is `public`,
//! `loosened` or `replaced` (the [`ChangeClass::keyword`]s); blank lines and lines that
//! start with `#` are comments. The reason is required: the file is the record of why.

use std::fmt;

use super::change::{Change, ChangeClass, Review};

/// The classes an allow-list line may name, in the order an error lists them.
const KEYWORDS: [ChangeClass; 3] = [ChangeClass::NewlyPublic, ChangeClass::Loosened, ChangeClass::Replaced];

/// Reviewed changes that may let someone in, each with the reason it is intended.
///
/// ```
/// use axum_warden::review::{AllowList, Review};
///
/// let old = r#"[{"method": "GET", "path": "/me", "handler": "me", "access": {"kind": "authenticated"}}]"#;
/// let new = r#"[{"method": "GET", "path": "/me", "handler": "me", "access": {"kind": "public"}}]"#;
/// let review = Review::from_json(old, new)?;
///
/// let allow = AllowList::parse("# reviewed\npublic GET /me  # the profile page is public now (#42)\n")?;
/// let verdict = allow.check(&review);
/// assert!(verdict.passes());
/// assert!(verdict.stale().is_empty());
///
/// assert!(!AllowList::default().check(&review).passes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    entries: Vec<AllowEntry>,
}

/// One line of an [`AllowList`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    line: usize,
    class: ChangeClass,
    method: String,
    path: String,
    reason: String,
}

impl AllowEntry {
    /// The line of the file, from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The class of change it acknowledges.
    #[must_use]
    pub fn class(&self) -> ChangeClass {
        self.class
    }

    /// The route it acknowledges a change of: `GET /articles/{id}`.
    #[must_use]
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Why the change is intended.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }

    fn matches(&self, change: &Change) -> bool {
        self.class == change.class() && self.method == change.method() && self.path == change.path()
    }
}

impl fmt::Display for AllowEntry {
    /// The entry as a line of the file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keyword = self.class.keyword().unwrap_or_else(|| self.class.as_str());
        write!(f, "{keyword} {} {}  # {}", self.method, self.path, self.reason)
    }
}

impl AllowList {
    /// Reads an allow-list file.
    ///
    /// # Errors
    /// [`AllowListError`] with the line and what is wrong on it: an unknown class, a
    /// missing method or path, text after the path that is not a `#` comment, a missing
    /// reason, or a change acknowledged twice.
    pub fn parse(text: &str) -> Result<Self, AllowListError> {
        let mut entries: Vec<AllowEntry> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let fail = |problem| Err(AllowListError { line, problem });
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let (keyword, rest) = word(content);
            let (method, rest) = word(rest);
            let (path, rest) = word(rest);
            if path.is_empty() {
                return fail(AllowListProblem::MissingRoute);
            }
            let Some(class) = KEYWORDS.into_iter().find(|c| c.keyword() == Some(keyword)) else {
                return fail(AllowListProblem::UnknownClass(keyword.to_owned()));
            };
            let rest = rest.trim_start();
            let Some(reason) = rest.strip_prefix('#') else {
                return fail(if rest.is_empty() {
                    AllowListProblem::MissingReason
                } else {
                    AllowListProblem::TextAfterPath(rest.to_owned())
                });
            };
            let reason = reason.trim();
            if reason.is_empty() {
                return fail(AllowListProblem::MissingReason);
            }
            let entry = AllowEntry {
                line,
                class,
                method: method.to_owned(),
                path: path.to_owned(),
                reason: reason.to_owned(),
            };
            if let Some(first) = entries
                .iter()
                .find(|e| (e.class, &e.method, &e.path) == (class, &entry.method, &entry.path))
            {
                return fail(AllowListProblem::Duplicate { first: first.line });
            }
            entries.push(entry);
        }
        Ok(Self { entries })
    }

    /// The entries, in the order of the file.
    #[must_use]
    pub fn entries(&self) -> &[AllowEntry] {
        &self.entries
    }

    /// Holds the review against the list: an entry acknowledges the change of its class
    /// on its method and path, and an entry that acknowledges nothing is stale.
    #[must_use]
    pub fn check<'a>(&'a self, review: &'a Review) -> Verdict<'a> {
        let acknowledged = review
            .changes()
            .iter()
            .map(|change| self.entries.iter().find(|entry| entry.matches(change)))
            .collect();
        let stale = self
            .entries
            .iter()
            .filter(|entry| !review.changes().iter().any(|change| entry.matches(change)))
            .collect();
        Verdict {
            review,
            acknowledged,
            stale,
        }
    }
}

/// The first word of `text` (empty when there is none) and what follows it.
fn word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    text.split_at(text.find(char::is_whitespace).unwrap_or(text.len()))
}

/// A [`Review`] held against an [`AllowList`].
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    review: &'a Review,
    /// For each change of the review, in its order, the entry that acknowledges it.
    acknowledged: Vec<Option<&'a AllowEntry>>,
    stale: Vec<&'a AllowEntry>,
}

impl<'a> Verdict<'a> {
    /// The review held against the list.
    #[must_use]
    pub fn review(&self) -> &'a Review {
        self.review
    }

    /// Whether every change that needs acknowledgment
    /// ([`ChangeClass::needs_acknowledgment`]) has it. Stale entries do not fail it.
    #[must_use]
    pub fn passes(&self) -> bool {
        self.unacknowledged().next().is_none()
    }

    /// The changes that need acknowledgment and have none, most severe first.
    pub fn unacknowledged(&self) -> impl Iterator<Item = &'a Change> + '_ {
        self.review
            .changes()
            .iter()
            .zip(&self.acknowledged)
            .filter(|(change, entry)| change.class().needs_acknowledgment() && entry.is_none())
            .map(|(change, _)| change)
    }

    /// The entry that acknowledges the review's change at `index`, if any.
    #[must_use]
    pub fn acknowledgment(&self, index: usize) -> Option<&'a AllowEntry> {
        self.acknowledged.get(index).copied().flatten()
    }

    /// The entries that match no change: the change they acknowledged is in the
    /// committed snapshot now, or was undone. Remove them, so that they cannot
    /// acknowledge a later change of the same route unseen.
    #[must_use]
    pub fn stale(&self) -> &[&'a AllowEntry] {
        &self.stale
    }
}

/// An allow-list line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allow-list line {line}: {problem}")]
pub struct AllowListError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub problem: AllowListProblem,
}

/// What is wrong with an allow-list line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllowListProblem {
    /// The line does not start with a class, a method and a path.
    #[error(
        "expected `<class> <METHOD> <path>  # <reason>`, e.g. `loosened GET /articles/{{id}}  # readers may see drafts (#42)`"
    )]
    MissingRoute,
    /// The first word is not a class that needs acknowledgment.
    #[error("unknown class `{0}`; expected `public`, `loosened` or `replaced`")]
    UnknownClass(String),
    /// No `# reason` after the path, or an empty one.
    #[error("every entry needs a reason after the path, e.g. `  # approved in #42`")]
    MissingReason,
    /// Something other than a `#` comment follows the path.
    #[error("unexpected `{0}` after the path; the reason follows a `#`")]
    TextAfterPath(String),
    /// The same class and route were acknowledged on an earlier line.
    #[error("this change is already acknowledged on line {first}")]
    Duplicate {
        /// The earlier line.
        first: usize,
    },
}
