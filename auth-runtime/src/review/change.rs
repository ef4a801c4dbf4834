//! The changes between two snapshots: their classes, and the routes they touch.

use std::fmt;

use super::access::{self, Access, Caller};
use super::snapshot::{ReadError, Snapshot};

/// What a change of one route does to its access, most severe first: the order of the
/// variants is the order of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChangeClass {
    /// A new route that answers anyone, or a guarded route that now does.
    NewlyPublic,
    /// Someone reaches the route who could not, or reaches it more easily: a role or
    /// scope set widened, `all` became `any`, a requirement, policy or step-up removed or
    /// weakened, a hierarchy that grants more. A change that also shuts others out is
    /// here too, since someone gains.
    Loosened,
    /// A policy, or a step-up `acr`, replaced by another (and nothing loosened): whether
    /// the new one admits more is not in the snapshot, so it needs a person's review.
    Replaced,
    /// A new route behind a guard.
    Added,
    /// Someone who reached the route no longer does, and nobody gains.
    Tightened,
    /// The route is gone.
    Removed,
}

impl ChangeClass {
    /// `newly public`, `loosened`, `replaced`, `added`, `tightened` or `removed`, as the
    /// report prints it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NewlyPublic => "newly public",
            Self::Loosened => "loosened",
            Self::Replaced => "replaced",
            Self::Added => "added",
            Self::Tightened => "tightened",
            Self::Removed => "removed",
        }
    }

    /// Whether a change of this class fails the review unless an [`AllowList`](super::AllowList)
    /// acknowledges it: newly public, loosened and replaced, the changes that may let
    /// someone in.
    #[must_use]
    pub const fn needs_acknowledgment(self) -> bool {
        matches!(self, Self::NewlyPublic | Self::Loosened | Self::Replaced)
    }

    /// The word an allow-list line starts with for this class: `public`, `loosened` or
    /// `replaced`; `None` for classes that need no acknowledgment.
    #[must_use]
    pub const fn keyword(self) -> Option<&'static str> {
        match self {
            Self::NewlyPublic => Some("public"),
            Self::Loosened => Some("loosened"),
            Self::Replaced => Some("replaced"),
            Self::Added | Self::Tightened | Self::Removed => None,
        }
    }
}

impl fmt::Display for ChangeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The change of one route between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    class: ChangeClass,
    method: String,
    path: String,
    handler: String,
    before: Option<Access>,
    after: Option<Access>,
    gained: Vec<Caller>,
    lost: Vec<Caller>,
    complete: bool,
}

impl Change {
    /// What the change does.
    #[must_use]
    pub fn class(&self) -> ChangeClass {
        self.class
    }

    /// The method, as the table prints it (`GET`, `ANY` …).
    #[must_use]
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, as the table prints it (`/articles/{id}`, `*` for a fallback).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `GET /articles/{id}`: the method and the path.
    #[must_use]
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The handler's name on the newer side (the older one for a removed route).
    #[must_use]
    pub fn handler(&self) -> &str {
        &self.handler
    }

    /// The access before; `None` for a new route.
    #[must_use]
    pub fn before(&self) -> Option<&Access> {
        self.before.as_ref()
    }

    /// The access after; `None` for a removed route.
    #[must_use]
    pub fn after(&self) -> Option<&Access> {
        self.after.as_ref()
    }

    /// The kinds of caller that reach the route now and did not before, sorted. Empty
    /// when the change is only to a policy or a step-up requirement: the same callers
    /// pass the rule, and the class says what changed for them.
    #[must_use]
    pub fn gained(&self) -> &[Caller] {
        &self.gained
    }

    /// The kinds of caller that reached the route before and do not now, sorted.
    #[must_use]
    pub fn lost(&self) -> &[Caller] {
        &self.lost
    }

    /// Whether [`gained`](Self::gained) and [`lost`](Self::lost) list every kind of
    /// caller. An `all(..)` rule under a wide hierarchy can be met by more combinations
    /// of roles than a report should list; past a few dozen the lists stop.
    #[must_use]
    pub fn callers_complete(&self) -> bool {
        self.complete
    }
}

/// Every change of access between two snapshots, most severe first, then by path and
/// method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    changes: Vec<Change>,
}

impl Review {
    /// Compares two snapshots route by route (a route is its method and path).
    ///
    /// A route whose access reads the same in both (its names reordered, say, or only its
    /// handler renamed) is not a change.
    #[must_use]
    pub fn between(old: &Snapshot, new: &Snapshot) -> Self {
        let mut keys: Vec<&(String, String)> = old.routes.keys().chain(new.routes.keys()).collect();
        // The route table's order: by path, then method.
        keys.sort_unstable_by_key(|(method, path)| (path, method));
        keys.dedup();
        let mut changes: Vec<Change> = keys
            .into_iter()
            .filter_map(|key| {
                let before = old.routes.get(key);
                let after = new.routes.get(key);
                let comparison = access::compare(before.map(|r| &r.access), after.map(|r| &r.access));
                let d = comparison.direction;
                let class = match (before, after) {
                    (None, None) => return None,
                    (None, Some(a)) if a.access.is_public() => ChangeClass::NewlyPublic,
                    (None, Some(_)) => ChangeClass::Added,
                    (Some(_), None) => ChangeClass::Removed,
                    (Some(b), Some(a)) if a.access.is_public() && !b.access.is_public() => ChangeClass::NewlyPublic,
                    _ if d.looser => ChangeClass::Loosened,
                    _ if d.replaced => ChangeClass::Replaced,
                    _ if d.tighter => ChangeClass::Tightened,
                    _ => return None,
                };
                let handler = after.or(before).map(|r| r.handler.clone()).unwrap_or_default();
                Some(Change {
                    class,
                    method: key.0.clone(),
                    path: key.1.clone(),
                    handler,
                    before: before.map(|r| r.access.clone()),
                    after: after.map(|r| r.access.clone()),
                    gained: comparison.gained,
                    lost: comparison.lost,
                    complete: comparison.complete,
                })
            })
            .collect();
        // Stable: within a class, the path-then-method order of the keys stays.
        changes.sort_by_key(|change| change.class);
        Self { changes }
    }

    /// [`between`](Self::between) the snapshots in two JSON texts.
    ///
    /// # Errors
    /// [`ReadError`] when either text is not a route table.
    pub fn from_json(old: &str, new: &str) -> Result<Self, ReadError> {
        Ok(Self::between(&Snapshot::from_json(old)?, &Snapshot::from_json(new)?))
    }

    /// The changes, most severe first.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether no route's access changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}
