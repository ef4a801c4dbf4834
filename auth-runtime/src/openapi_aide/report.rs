//! What writing the route table into an aide document could not do, or left alone.

use std::fmt;

use crate::http::RouteRow;

/// What [`WardenAide::apply`](super::WardenAide::apply) (or
/// [`RouteTable::apply_aide`](crate::RouteTable::apply_aide)) could not do, or left alone.
///
/// ```
/// # use axum_warden_runtime::AideReport;
/// let report = AideReport::default();
/// assert!(report.is_complete());
/// assert_eq!(report.to_string(), "every route has its operation in the document\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct AideReport {
    pub(super) missing: Vec<RouteRow>,
    pub(super) skipped: Vec<AideSkippedRoute>,
    pub(super) untracked: Vec<AideOperation>,
    pub(super) kept_components: Vec<String>,
}

impl AideReport {
    /// Routes with a method and path but no operation in the document. Nothing was
    /// invented for them: document them (route them with aide's `api_route`, say).
    #[must_use]
    pub fn missing(&self) -> &[RouteRow] {
        &self.missing
    }

    /// Routes no operation can stand for: fallbacks, `any(…)` routes whose path has no
    /// operation in the document, methods OpenAPI has no field for, and routes whose path
    /// item is a `$ref`.
    #[must_use]
    pub fn skipped(&self) -> &[AideSkippedRoute] {
        &self.skipped
    }

    /// Operations of the document that no route of the table covers, left untouched:
    /// served outside the [`Router`](crate::Router) (by aide's `ApiRouter` alone, or merged
    /// as a plain `axum::Router`), or documented but not routed.
    #[must_use]
    pub fn untracked(&self) -> &[AideOperation] {
        &self.untracked
    }

    /// Components that existed under the names the access rules refer to and differ from
    /// what would have been written, as JSON pointers (`#/components/securitySchemes/…`).
    /// They were kept; the operations refer to them.
    #[must_use]
    pub fn kept_components(&self) -> &[String] {
        &self.kept_components
    }

    /// Whether every route with a method and a path has its operation in the document.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// `Ok` when [`is_complete`](Self::is_complete).
    ///
    /// # Errors
    /// [`AideError::MissingOperations`] with the routes the document lacks.
    pub fn ensure_complete(&self) -> Result<(), AideError> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(AideError::MissingOperations(self.missing.clone()))
        }
    }
}

impl fmt::Display for AideReport {
    /// One line per finding, for a build script or a test's output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.missing.is_empty() {
            writeln!(f, "every route has its operation in the document")?;
        }
        for row in &self.missing {
            writeln!(f, "missing: {} (no operation in the document)", Route(row))?;
        }
        for skipped in &self.skipped {
            writeln!(f, "skipped: {skipped}")?;
        }
        for operation in &self.untracked {
            writeln!(f, "untracked: {operation} (no route in the table)")?;
        }
        for name in &self.kept_components {
            writeln!(f, "kept: {name} (existed with other content)")?;
        }
        Ok(())
    }
}

/// A route the aide document cannot describe, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AideSkippedRoute {
    row: RouteRow,
    reason: AideSkipReason,
}

impl AideSkippedRoute {
    pub(super) fn new(row: &RouteRow, reason: AideSkipReason) -> Self {
        Self {
            row: row.clone(),
            reason,
        }
    }

    /// The route.
    #[must_use]
    pub fn row(&self) -> &RouteRow {
        &self.row
    }

    /// Why it was skipped.
    #[must_use]
    pub fn reason(&self) -> AideSkipReason {
        self.reason
    }
}

impl fmt::Display for AideSkippedRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Route(&self.row), self.reason)
    }
}

/// Why a route has no operation in the aide document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AideSkipReason {
    /// A fallback answers the paths no route matched, which no OpenAPI path names.
    Fallback,
    /// An `any(…)` route whose path has no operation in the document: which methods it
    /// should document is the application's choice.
    NoOperationForAny,
    /// A method OpenAPI 3.1 has no field for.
    UnsupportedMethod,
    /// The document's path item for the route's path is a reference (`$ref`), which is
    /// not followed: the operations it names are not in this document.
    PathItemReference,
}

impl fmt::Display for AideSkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fallback => "a fallback, which no OpenAPI path can name",
            Self::NoOperationForAny => "an `any` route whose path has no operation in the document",
            Self::UnsupportedMethod => "a method OpenAPI 3.1 cannot describe",
            Self::PathItemReference => "its path item is a `$ref`, which is not followed",
        })
    }
}

/// An operation of the aide document: `GET /users/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AideOperation {
    pub(super) method: &'static str,
    pub(super) path: String,
}

impl AideOperation {
    /// The method, upper case.
    #[must_use]
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The path as the document spells it.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for AideOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Why an aide document does not describe the route table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AideError {
    /// Routes without an operation in the document.
    #[error(
        "the aide OpenAPI document has no operation for {}; document them (e.g. route them with aide's api_route)",
        Routes(.0)
    )]
    MissingOperations(Vec<RouteRow>),
}

/// `GET /me (handler `app::me`)`.
struct Route<'a>(&'a RouteRow);

impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = self.0;
        write!(
            f,
            "{} {} (handler `{}::{}`)",
            row.method(),
            row.display_path(),
            row.handler().module,
            row.handler().name
        )
    }
}

/// A comma-separated list of routes.
struct Routes<'a>(&'a [RouteRow]);

impl fmt::Display for Routes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, row) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Route(row))?;
        }
        Ok(())
    }
}
