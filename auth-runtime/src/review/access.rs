//! The access of one route as a snapshot records it, and the two questions the review asks
//! of two of them: does one admit everyone the other admits, and whom does one admit that
//! the other does not.
//!
//! A rule is read as a gate over callers. A public route admits anyone, credentials or
//! not; every other route admits a verified identity whose roles meet each role clause and
//! whose scopes meet each scope clause, where a clause is a set of names of which the
//! caller needs one: `any("a", "b")` is one clause `{a, b}`, `all("a", "b")` two clauses
//! `{a}` and `{b}`, and under a hierarchy each role widens to the roles that grant it (the
//! snapshot's `satisfied_by`). Comparing two gates is then comparing two sets of clauses,
//! which needs no enumeration of callers and so stays cheap on any input.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How many kinds of caller the review lists for one side of a change, at most. An
/// `all(..)` rule under a hierarchy multiplies the granting roles of its names; past this
/// the listing stops and says so, rather than growing with the product.
const MAX_CALLERS: usize = 64;

/// Whether one name of a rule suffices or every name is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Any,
    All,
}

/// A role or scope rule of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameRule {
    pub(crate) mode: Mode,
    pub(crate) names: Vec<String>,
}

/// The requirement of a route, as the snapshot's `kind` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    Public,
    Authenticated,
    Roles(NameRule),
    Scopes(NameRule),
    RolesAndScopes { roles: NameRule, scopes: NameRule },
}

/// What one route of a snapshot requires: its rule, the roles that grant each required
/// role under a hierarchy, its policy and its step-up requirement.
///
/// Displayed as the Markdown route table prints the access column, with the granting
/// roles in parentheses when the snapshot records them:
/// `role: viewer (viewer: viewer, editor, admin); step-up: acr mfa; policy: OwnsArticle`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub(crate) rule: Rule,
    /// Empty when the snapshot has no `satisfied_by`.
    pub(crate) satisfied_by: BTreeMap<String, Vec<String>>,
    pub(crate) policy: Option<String>,
    pub(crate) acr: Option<String>,
    pub(crate) max_age: Option<u64>,
}

impl Access {
    /// Whether the route answers without credentials.
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.rule == Rule::Public
    }

    /// The name of the route's `#[requires_policy]` type, if any.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// The gate this access puts before the handler, ignoring policy and step-up.
    fn gate(&self) -> Gate {
        let roles = |rule: &NameRule| clauses(rule, |name| self.granting(name));
        let scopes = |rule: &NameRule| clauses(rule, |name| BTreeSet::from([name.to_owned()]));
        match &self.rule {
            Rule::Public => Gate::Open,
            Rule::Authenticated => Gate::Verified {
                roles: Vec::new(),
                scopes: Vec::new(),
            },
            Rule::Roles(rule) => Gate::Verified {
                roles: roles(rule),
                scopes: Vec::new(),
            },
            Rule::Scopes(rule) => Gate::Verified {
                roles: Vec::new(),
                scopes: scopes(rule),
            },
            Rule::RolesAndScopes { roles: r, scopes: s } => Gate::Verified {
                roles: roles(r),
                scopes: scopes(s),
            },
        }
    }

    /// The role itself and every role the snapshot says grants it.
    fn granting(&self, role: &str) -> BTreeSet<String> {
        let mut granting = BTreeSet::from([role.to_owned()]);
        if let Some(more) = self.satisfied_by.get(role) {
            granting.extend(more.iter().cloned());
        }
        granting
    }
}

/// The clauses of a name rule: one of every names for `any`, one per name for `all`.
fn clauses(rule: &NameRule, widen: impl Fn(&str) -> BTreeSet<String>) -> Vec<BTreeSet<String>> {
    match rule.mode {
        Mode::Any => vec![rule.names.iter().flat_map(|name| widen(name)).collect()],
        Mode::All => rule.names.iter().map(|name| widen(name)).collect(),
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, what: &str, rule: &NameRule| match (rule.names.as_slice(), rule.mode) {
            ([one], _) => write!(f, "{what}: {one}"),
            (names, Mode::Any) => write!(f, "any {what}: {}", names.join(", ")),
            (names, Mode::All) => write!(f, "all {what}s: {}", names.join(", ")),
        };
        match &self.rule {
            Rule::Public => f.write_str("public")?,
            Rule::Authenticated => f.write_str("authenticated")?,
            Rule::Roles(rule) => list(f, "role", rule)?,
            Rule::Scopes(rule) => list(f, "scope", rule)?,
            Rule::RolesAndScopes { roles, scopes } => {
                list(f, "role", roles)?;
                f.write_str("; ")?;
                list(f, "scope", scopes)?;
            }
        }
        if !self.satisfied_by.is_empty() {
            let granting: Vec<String> = self
                .satisfied_by
                .iter()
                .map(|(role, by)| format!("{role}: {}", by.join(", ")))
                .collect();
            write!(f, " ({})", granting.join("; "))?;
        }
        match (&self.acr, self.max_age) {
            (None, None) => {}
            (Some(acr), None) => write!(f, "; step-up: acr {acr}")?,
            (None, Some(max_age)) => write!(f, "; step-up: max_age {max_age} s")?,
            (Some(acr), Some(max_age)) => write!(f, "; step-up: acr {acr}, max_age {max_age} s")?,
        }
        if let Some(policy) = &self.policy {
            write!(f, "; policy: {policy}")?;
        }
        Ok(())
    }
}

/// A kind of caller that gains or loses a route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Caller {
    /// Anyone, without credentials: the route became public, or stopped being public.
    Anonymous,
    /// A verified identity holding all of these roles and granted all of these scopes.
    /// Both empty: any verified identity.
    Holding {
        /// The roles, sorted.
        roles: Vec<String>,
        /// The scopes, sorted.
        scopes: Vec<String>,
    },
}

impl fmt::Display for Caller {
    /// `anyone, without credentials`, `any authenticated caller`, `editor`,
    /// `admin + auditor`, `scope orders:read`, `editor with scope articles:write`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Anonymous => f.write_str("anyone, without credentials"),
            Self::Holding { roles, scopes } => {
                let scopes_text = match scopes.as_slice() {
                    [] => String::new(),
                    [one] => format!("scope {one}"),
                    many => format!("scopes {}", many.join(" + ")),
                };
                match (roles.is_empty(), scopes.is_empty()) {
                    (true, true) => f.write_str("any authenticated caller"),
                    (true, false) => f.write_str(&scopes_text),
                    (false, true) => f.write_str(&roles.join(" + ")),
                    (false, false) => write!(f, "{} with {scopes_text}", roles.join(" + ")),
                }
            }
        }
    }
}

/// Who a route lets reach its handler, policy and step-up aside.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gate {
    /// Anyone.
    Open,
    /// A verified identity meeting every role clause and every scope clause.
    Verified {
        roles: Vec<BTreeSet<String>>,
        scopes: Vec<BTreeSet<String>>,
    },
}

impl Gate {
    /// Whether every caller `self` admits is admitted by `wider` too.
    fn within(&self, wider: &Self) -> bool {
        match (self, wider) {
            (_, Self::Open) => true,
            (Self::Open, Self::Verified { .. }) => false,
            (Self::Verified { roles, scopes }, Self::Verified { roles: r, scopes: s }) => {
                implies(roles, r) && implies(scopes, s)
            }
        }
    }

    fn admits(&self, caller: &Caller) -> bool {
        match (self, caller) {
            (Self::Open, _) => true,
            (Self::Verified { .. }, Caller::Anonymous) => false,
            (
                Self::Verified { roles, scopes },
                Caller::Holding {
                    roles: held,
                    scopes: granted,
                },
            ) => {
                let meets = |clause: &BTreeSet<String>, names: &[String]| names.iter().any(|n| clause.contains(n));
                roles.iter().all(|c| meets(c, held)) && scopes.iter().all(|c| meets(c, granted))
            }
        }
    }

    /// The smallest kinds of caller that pass, and whether the listing is complete.
    fn callers(&self) -> (Vec<Caller>, bool) {
        match self {
            Self::Open => (vec![Caller::Anonymous], true),
            Self::Verified { roles, scopes } => {
                let (roles, roles_complete) = combinations(roles);
                let (scopes, scopes_complete) = combinations(scopes);
                let mut complete = roles_complete && scopes_complete;
                let mut callers = Vec::new();
                'all: for r in &roles {
                    for s in &scopes {
                        if callers.len() == MAX_CALLERS {
                            complete = false;
                            break 'all;
                        }
                        callers.push(Caller::Holding {
                            roles: r.iter().cloned().collect(),
                            scopes: s.iter().cloned().collect(),
                        });
                    }
                }
                (callers, complete)
            }
        }
    }
}

/// Whether clauses `narrow` imply clauses `wide`: each clause of `wide` contains some
/// clause of `narrow` (for clauses of names of which one is needed, this is exact).
fn implies(narrow: &[BTreeSet<String>], wide: &[BTreeSet<String>]) -> bool {
    wide.iter().all(|w| narrow.iter().any(|n| n.is_subset(w)))
}

/// The minimal sets of names that meet every clause (one name from each, no set
/// containing another), at most [`MAX_CALLERS`] of them, and whether that is all.
fn combinations(clauses: &[BTreeSet<String>]) -> (Vec<BTreeSet<String>>, bool) {
    let mut sets = vec![BTreeSet::new()];
    let mut complete = true;
    for clause in clauses {
        let mut next: Vec<BTreeSet<String>> = Vec::new();
        'grow: for set in &sets {
            for name in clause {
                let mut grown = set.clone();
                grown.insert(name.clone());
                if !next.contains(&grown) {
                    if next.len() == MAX_CALLERS {
                        complete = false;
                        break 'grow;
                    }
                    next.push(grown);
                }
            }
        }
        let minimal: Vec<BTreeSet<String>> = next
            .iter()
            .filter(|set| !next.iter().any(|other| other != *set && other.is_subset(set)))
            .cloned()
            .collect();
        sets = minimal;
    }
    sets.sort();
    (sets, complete)
}

/// How the new side of one aspect of a route's access compares with the old side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Direction {
    /// Someone, or some way of authenticating, passes now who did not.
    pub(crate) looser: bool,
    /// Someone, or some way of authenticating, passed who does not now.
    pub(crate) tighter: bool,
    /// A named policy or authentication class was swapped for another: which admits
    /// more is not in the snapshot.
    pub(crate) replaced: bool,
}

impl Direction {
    const LOOSER: Self = Self {
        looser: true,
        tighter: false,
        replaced: false,
    };
    const TIGHTER: Self = Self {
        looser: false,
        tighter: true,
        replaced: false,
    };
    const REPLACED: Self = Self {
        looser: false,
        tighter: false,
        replaced: true,
    };

    fn join(self, other: Self) -> Self {
        Self {
            looser: self.looser || other.looser,
            tighter: self.tighter || other.tighter,
            replaced: self.replaced || other.replaced,
        }
    }

    /// For a requirement that is absent or present: adding one tightens, removing one
    /// loosens, and `changed` says what a change of the present one does.
    fn of<T: PartialEq>(old: Option<T>, new: Option<T>, changed: impl FnOnce(T, T) -> Self) -> Self {
        match (old, new) {
            (Some(_), None) => Self::LOOSER,
            (None, Some(_)) => Self::TIGHTER,
            (Some(a), Some(b)) if a != b => changed(a, b),
            _ => Self::default(),
        }
    }
}

/// The comparison of two sides of one route: the direction of the change and the kinds of
/// caller gained and lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub(crate) direction: Direction,
    pub(crate) gained: Vec<Caller>,
    pub(crate) lost: Vec<Caller>,
    pub(crate) complete: bool,
}

/// Compares two sides of one route; either side may be absent (a route added or removed).
pub(crate) fn compare(old: Option<&Access>, new: Option<&Access>) -> Comparison {
    let old_gate = old.map(Access::gate);
    let new_gate = new.map(Access::gate);
    let (gained, gained_complete) = newly_admitted(new_gate.as_ref(), old_gate.as_ref());
    let (lost, lost_complete) = newly_admitted(old_gate.as_ref(), new_gate.as_ref());
    let direction = match (old, new, &old_gate, &new_gate) {
        (Some(old), Some(new), Some(old_gate), Some(new_gate)) => {
            let gate = Direction {
                looser: !new_gate.within(old_gate),
                tighter: !old_gate.within(new_gate),
                replaced: false,
            };
            // A policy or an `acr` swapped for another: the snapshot does not say which
            // admits more. A longer `max_age` accepts older authentications.
            let named = |_: &str, _: &str| Direction::REPLACED;
            let age = |a: u64, b: u64| if b > a { Direction::LOOSER } else { Direction::TIGHTER };
            gate.join(Direction::of(old.acr.as_deref(), new.acr.as_deref(), named))
                .join(Direction::of(old.max_age, new.max_age, age))
                .join(Direction::of(old.policy.as_deref(), new.policy.as_deref(), named))
        }
        _ => Direction::default(),
    };
    Comparison {
        direction,
        gained,
        lost,
        complete: gained_complete && lost_complete,
    }
}

/// The kinds of caller `gate` admits that `before` did not (all of them when there was no
/// `before`), and whether the listing is complete.
fn newly_admitted(gate: Option<&Gate>, before: Option<&Gate>) -> (Vec<Caller>, bool) {
    let Some(gate) = gate else {
        return (Vec::new(), true);
    };
    let (callers, complete) = gate.callers();
    let callers = callers
        .into_iter()
        .filter(|caller| !before.is_some_and(|b| b.admits(caller)))
        .collect();
    (callers, complete)
}
