//! The review of a permission change (feature `review`): compare two JSON route tables
//! and say who gains access to what.
//!
//! A snapshot test (`RouteTable::assert_snapshot`) makes every change of access fail until
//! the committed table is updated; this module answers the reviewer's question about that
//! update. [`Review::between`] classifies every route that changed, from the most severe
//! ([`ChangeClass::NewlyPublic`], [`ChangeClass::Loosened`]) to the least, and names the
//! callers that gain or lose each route, reading a role hierarchy from the snapshot's
//! `satisfied_by` when it has one. [`AllowList`] acknowledges reviewed loosenings, so a
//! CI step can fail on any other; the `axum-warden review` command (package
//! `axum-warden-cli`) is that step.
//!
//! ```
//! use axum_warden::review::{Caller, ChangeClass, Review};
//!
//! let old = r#"[{"method": "GET", "path": "/audit", "handler": "audit",
//!   "access": {"kind": "roles", "match": "all", "roles": ["admin", "auditor"]}}]"#;
//! let new = r#"[{"method": "GET", "path": "/audit", "handler": "audit",
//!   "access": {"kind": "roles", "match": "any", "roles": ["admin", "auditor"]}}]"#;
//!
//! let review = Review::from_json(old, new)?;
//! let change = &review.changes()[0];
//! assert_eq!(change.class(), ChangeClass::Loosened);
//! assert_eq!(change.route(), "GET /audit");
//! let gained: Vec<String> = change.gained().iter().map(Caller::to_string).collect();
//! assert_eq!(gained, ["admin", "auditor"]);
//! assert!(review.to_markdown().contains("| **loosened** | `GET /audit` |"));
//! # Ok::<(), axum_warden::review::ReadError>(())
//! ```

mod access;
mod allow;
mod change;
mod report;
mod snapshot;
#[cfg(test)]
mod tests;

pub use access::{Access, Caller};
pub use allow::{AllowEntry, AllowList, AllowListError, AllowListProblem, Verdict};
pub use change::{Change, ChangeClass, Review};
pub use snapshot::{AccessProblem, ReadError, Snapshot};
