//! The permission snapshot: a committed route table that fails a test when access
//! changes without review.

use std::path::Path;

use crate::http::RouteTable;

#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
impl RouteTable {
    /// Compares the table with the snapshot at `path` (test kit, feature `test-util`): JSON when the file name ends in
    /// `.json`, Markdown otherwise.
    ///
    /// With the environment variable [`UPDATE_SNAPSHOTS_ENV`] set to `1`, the file is
    /// (re)written instead and the check passes.
    ///
    /// # Errors
    /// [`SnapshotError`] when the table differs (with a line diff), when the file is
    /// missing, or when it cannot be read or written.
    pub fn check_snapshot(&self, path: impl AsRef<Path>) -> Result<(), SnapshotError> {
        let path = path.as_ref();
        let rendered = if path.extension().is_some_and(|e| e == "json") {
            self.to_json()
        } else {
            self.to_markdown()
        };
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
        if committed.replace("\r\n", "\n") == rendered {
            return Ok(());
        }
        let diff = similar::TextDiff::from_lines(&committed, &rendered)
            .unified_diff()
            .header("committed", "current")
            .to_string();
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
        /// A unified diff from the committed table to the current one.
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
