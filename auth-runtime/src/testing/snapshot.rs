//! The permission snapshot: a committed route table that fails a test when access
//! changes without review.

use std::path::Path;

use crate::http::RouteTable;
use crate::review::Review;

#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
impl RouteTable {
    /// Compares the table with the snapshot at `path` (test kit, feature `test-util`): JSON when the file name ends in
    /// `.json`, Markdown otherwise.
    ///
    /// With the environment variable [`UPDATE_SNAPSHOTS_ENV`] set to `1`, the file is
    /// (re)written instead and the check passes.
    ///
    /// # Errors
    /// [`SnapshotError`] when the table differs, when the file is missing, or when it
    /// cannot be read or written. A JSON snapshot's difference is the
    /// [review](crate::review::Review::to_markdown) of the change: each route that
    /// changed, most severe first (newly public, loosened), with the callers that gain or
    /// lose it. A Markdown snapshot's, or that of a JSON file that is not a route table,
    /// is a unified line diff.
    pub fn check_snapshot(&self, path: impl AsRef<Path>) -> Result<(), SnapshotError> {
        let path = path.as_ref();
        let json = path.extension().is_some_and(|e| e == "json");
        let rendered = if json { self.to_json() } else { self.to_markdown() };
        if std::env::var_os(UPDATE_SNAPSHOTS_ENV).is_some_and(|v| v == "1") {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| SnapshotError::Io(path.display().to_string(), e))?;
            }
            return std::fs::write(path, rendered).map_err(|e| SnapshotError::Io(path.display().to_string(), e));
        }
        let committed = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SnapshotError::Missing(path.display().to_string()));
            }
            Err(e) => return Err(SnapshotError::Io(path.display().to_string(), e)),
        };
        let committed = committed.replace("\r\n", "\n");
        if committed == rendered {
            return Ok(());
        }
        // Markdown, a JSON file this version cannot read, or a change that is not one of
        // access (a handler renamed) shows the lines themselves.
        let review = json
            .then(|| Review::from_json(&committed, &rendered).ok())
            .flatten()
            .filter(|review| !review.is_empty());
        let diff = match review {
            Some(review) => review.to_markdown(),
            None => similar::TextDiff::from_lines(&committed, &rendered)
                .unified_diff()
                .header("committed", "current")
                .to_string(),
        };
        Err(SnapshotError::Changed {
            path: path.display().to_string(),
            diff,
        })
    }

    /// [`check_snapshot`](Self::check_snapshot) for tests: panics with the diff.
    ///
    /// # Panics
    /// When the check fails; the message shows the diff and how to accept the change.
    #[track_caller]
    pub fn assert_snapshot(&self, path: impl AsRef<Path>) {
        if let Err(e) = self.check_snapshot(path) {
            panic!("{e}");
        }
    }
}

/// The environment variable that makes [`RouteTable::check_snapshot`] rewrite snapshots.
pub const UPDATE_SNAPSHOTS_ENV: &str = "WARDEN_UPDATE_SNAPSHOTS";

/// Why a route-table snapshot check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The routes' access changed.
    #[error(
        "the route permission table differs from {path}:\n{diff}\nreview the change; to accept it, run the test again with {UPDATE_SNAPSHOTS_ENV}=1 and commit the file"
    )]
    Changed {
        /// The snapshot file.
        path: String,
        /// From the committed table to the current one: for JSON, the review's Markdown
        /// report; otherwise, or when the committed JSON cannot be read, a unified diff.
        diff: String,
    },
    /// No snapshot has been recorded yet.
    #[error(
        "no route permission snapshot at {0}; run the test with {UPDATE_SNAPSHOTS_ENV}=1 to record it, and commit it"
    )]
    Missing(String),
    /// The file could not be read or written.
    #[error("cannot read or write the route permission snapshot {0}: {1}")]
    Io(String, std::io::Error),
}
