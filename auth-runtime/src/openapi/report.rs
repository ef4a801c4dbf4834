//! What writing the route table into a document could not do, or left alone.

use std::fmt;

use crate::http::RouteRow;

/// What [`WardenOpenApi::apply`](super::WardenOpenApi::apply) (or [`RouteTable::apply_openapi`](crate::RouteTable::apply_openapi)) could not do, or
/// left alone.
///
/// ```
/// # use axum_warden_runtime::OpenApiReport;
/// let report = OpenApiReport::default();
/// assert!(report.is_complete());
/// assert_eq!(report.to_string(), "every route has its operation in the document\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct OpenApiReport {
    pub(super) missing: Vec<RouteRow>,
    pub(super) skipped: Vec<SkippedRoute>,
    pub(super) untracked: Vec<DocumentOperation>,
    pub(super) kept_components: Vec<String>,
}

impl OpenApiReport {
    /// Routes with a method and path but no operation in the document. Nothing was
    /// invented for them: document them (with `#[utoipa::path]`, say).
    #[must_use]
    pub fn missing(&self) -> &[RouteRow] {
        &self.missing
    }

    /// Routes no operation can stand for: fallbacks, and `any(…)` routes whose path has
    /// no operation in the document.
    #[must_use]
    pub fn skipped(&self) -> &[SkippedRoute] {
        &self.skipped
    }

    /// Operations of the document that no route of the table covers, left untouched:
    /// served outside the [`Router`](crate::Router) (merged as a plain `axum::Router`), or
    /// documented but not routed.
    #[must_use]
    pub fn untracked(&self) -> &[DocumentOperation] {
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
    /// [`OpenApiError::MissingOperations`] with the routes the document lacks.
    pub fn ensure_complete(&self) -> Result<(), OpenApiError> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(OpenApiError::MissingOperations(self.missing.clone()))
        }
    }
}

impl fmt::Display for OpenApiReport {
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

/// A route the document cannot describe, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRoute {
    row: RouteRow,
    reason: SkipReason,
}

impl SkippedRoute {
    pub(super) fn new(row: &RouteRow, reason: SkipReason) -> Self {
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
    pub fn reason(&self) -> SkipReason {
        self.reason
    }
}

impl fmt::Display for SkippedRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Route(&self.row), self.reason)
    }
}

/// Why a route has no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// A fallback answers the paths no route matched, which no OpenAPI path names.
    Fallback,
    /// An `any(…)` route whose path has no operation in the document: which methods it
    /// should document is the application's choice.
    NoOperationForAny,
    /// A method OpenAPI 3.1 has no field for.
    UnsupportedMethod,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fallback => "a fallback, which no OpenAPI path can name",
            Self::NoOperationForAny => "an `any` route whose path has no operation in the document",
            Self::UnsupportedMethod => "a method OpenAPI 3.1 cannot describe",
        })
    }
}

/// An operation of the document: `GET /users/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentOperation {
    pub(super) method: &'static str,
    pub(super) path: String,
}

impl DocumentOperation {
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

impl fmt::Display for DocumentOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Why an OpenAPI document does not describe the route table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenApiError {
    /// Routes without an operation in the document.
    #[error(
        "the OpenAPI document has no operation for {}; document them (e.g. with #[utoipa::path]) or start from RouteTable::to_openapi",
        Routes(.0)
    )]
    MissingOperations(Vec<RouteRow>),
}

/// `GET /me (handler `me`)`.
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
