//! What a route requires of the caller, and the policy types that carry it.
//!
//! Every access attribute expands to a hidden type implementing [`RouteRule`]; the
//! requirement lives in an associated constant so the guard, the route table and the
//! docs all read the same value, and nothing is computed per request.

use std::fmt;

use crate::identity::Identity;

/// Whether a list of names must match in full or in part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    /// At least one of the names.
    Any,
    /// Every one of the names.
    All,
}

impl Match {
    /// The lower-case name used in the route table (`"any"` or `"all"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::All => "all",
        }
    }

    /// Whether the names for which `has` is true meet `wanted`. An empty list is met by
    /// nobody: a rule that names no role would otherwise let everyone in with `all` (the
    /// attributes refuse empty lists; this covers hand-written requirements).
    fn holds(self, wanted: &[&str], has: impl Fn(&str) -> bool) -> bool {
        if wanted.is_empty() {
            return false;
        }
        match self {
            Self::Any => wanted.iter().any(|name| has(name)),
            Self::All => wanted.iter().all(|name| has(name)),
        }
    }
}

/// What a route requires of the caller.
///
/// Built by the access attributes; hand-written policies construct it directly:
///
/// ```
/// use axum_warden_runtime::{Match, Requirement};
///
/// const EDITORS: Requirement = Requirement::Roles {
///     mode: Match::Any,
///     names: &["editor", "admin"],
/// };
/// assert_eq!(EDITORS.to_string(), "any role: editor, admin");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Requirement {
    /// No authentication at all (`#[public]`).
    Public,
    /// A verified identity (`#[requires_auth]`).
    Authenticated,
    /// A verified identity holding any or all of the roles (`#[requires_role]`).
    Roles {
        /// Whether one role suffices or every role is needed.
        mode: Match,
        /// The role names, exact and case-sensitive.
        names: &'static [&'static str],
    },
    /// A verified identity granted any or all of the OAuth scopes (`#[requires_scope]`).
    Scopes {
        /// Whether one scope suffices or every scope is needed.
        mode: Match,
        /// The scope names, exact and case-sensitive.
        names: &'static [&'static str],
    },
    /// A verified identity holding the roles *and* granted the scopes
    /// (`#[requires_role]` above `#[requires_scope]` on one handler). The roles are
    /// checked first: a caller without them is refused without the `scope` parameter,
    /// since no scope would let it in.
    RolesAndScopes {
        /// Whether one role suffices or every role is needed.
        role_mode: Match,
        /// The role names.
        roles: &'static [&'static str],
        /// Whether one scope suffices or every scope is needed.
        scope_mode: Match,
        /// The scope names.
        scopes: &'static [&'static str],
    },
}

impl Requirement {
    /// Whether `identity` satisfies this requirement.
    ///
    /// [`Requirement::Public`] and [`Requirement::Authenticated`] hold for every verified
    /// identity; role and scope rules compare names exactly, and one that names nothing
    /// holds for nobody.
    #[must_use]
    pub fn is_met_by(&self, identity: &Identity) -> bool {
        match *self {
            Self::Public | Self::Authenticated => true,
            Self::Roles { mode, names } => mode.holds(names, |name| identity.has_role(name)),
            Self::Scopes { mode, names } => mode.holds(names, |name| identity.has_scope(name)),
            Self::RolesAndScopes { .. } => self.unmet_part(identity).is_none(),
        }
    }

    /// The part of this requirement `identity` does not meet, as a requirement of its own:
    /// `None` when it is met. For [`RolesAndScopes`](Self::RolesAndScopes) that is the role
    /// part when the roles fail (whatever the scopes), else the scope part, so the 403
    /// names the scopes only when obtaining them would let the caller in.
    ///
    /// ```
    /// use axum_warden_runtime::{Identity, Match, Requirement};
    ///
    /// const BOTH: Requirement = Requirement::RolesAndScopes {
    ///     role_mode: Match::Any,
    ///     roles: &["editor"],
    ///     scope_mode: Match::Any,
    ///     scopes: &["articles:write"],
    /// };
    /// let editor = Identity::builder("ed").roles(["editor"]).build();
    /// assert_eq!(
    ///     BOTH.unmet_part(&editor),
    ///     Some(Requirement::Scopes { mode: Match::Any, names: &["articles:write"] })
    /// );
    /// let client = Identity::builder("app").scopes(["articles:write"]).build();
    /// assert_eq!(
    ///     BOTH.unmet_part(&client),
    ///     Some(Requirement::Roles { mode: Match::Any, names: &["editor"] })
    /// );
    /// ```
    #[must_use]
    pub fn unmet_part(&self, identity: &Identity) -> Option<Self> {
        match *self {
            Self::RolesAndScopes {
                role_mode,
                roles,
                scope_mode,
                scopes,
            } => {
                let role_part = Self::Roles {
                    mode: role_mode,
                    names: roles,
                };
                let scope_part = Self::Scopes {
                    mode: scope_mode,
                    names: scopes,
                };
                if !role_part.is_met_by(identity) {
                    Some(role_part)
                } else if !scope_part.is_met_by(identity) {
                    Some(scope_part)
                } else {
                    None
                }
            }
            _ => (!self.is_met_by(identity)).then_some(*self),
        }
    }

    /// The role part: `(mode, names)` of a role rule, alone or beside scopes.
    #[must_use]
    pub const fn role_names(&self) -> Option<(Match, &'static [&'static str])> {
        match *self {
            Self::Roles { mode, names } => Some((mode, names)),
            Self::RolesAndScopes { role_mode, roles, .. } => Some((role_mode, roles)),
            _ => None,
        }
    }

    /// The scope part: `(mode, names)` of a scope rule, alone or beside roles.
    #[must_use]
    pub const fn scope_names(&self) -> Option<(Match, &'static [&'static str])> {
        match *self {
            Self::Scopes { mode, names } => Some((mode, names)),
            Self::RolesAndScopes { scope_mode, scopes, .. } => Some((scope_mode, scopes)),
            _ => None,
        }
    }

    /// Whether the route needs a verified identity at all.
    #[must_use]
    pub const fn needs_identity(&self) -> bool {
        !matches!(self, Self::Public)
    }

    /// The scopes a client must obtain, for the `scope` parameter of a 403 challenge:
    /// those of a scope rule. A refusal of [`RolesAndScopes`](Self::RolesAndScopes)
    /// carries the part that failed ([`unmet_part`](Self::unmet_part)), so the parameter
    /// appears exactly when the scopes are what is missing.
    #[must_use]
    pub const fn challenge_scopes(&self) -> Option<&'static [&'static str]> {
        match *self {
            Self::Scopes { names, .. } => Some(names),
            _ => None,
        }
    }
}

impl fmt::Display for Requirement {
    /// The readable access column of the route table: `public`, `authenticated`,
    /// `role: admin`, `any role: editor, admin`, `all roles: a, b`, `scope: orders:read`,
    /// and both parts joined by `; ` (`role: editor; scope: articles:write`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, what: &str, mode: Match, names: &[&str]| match (names, mode) {
            ([one], _) => write!(f, "{what}: {one}"),
            (_, Match::Any) => write!(f, "any {what}: {}", names.join(", ")),
            (_, Match::All) => write!(f, "all {what}s: {}", names.join(", ")),
        };
        match *self {
            Self::Public => f.write_str("public"),
            Self::Authenticated => f.write_str("authenticated"),
            Self::Roles { mode, names } => list(f, "role", mode, names),
            Self::Scopes { mode, names } => list(f, "scope", mode, names),
            Self::RolesAndScopes {
                role_mode,
                roles,
                scope_mode,
                scopes,
            } => {
                list(f, "role", role_mode, roles)?;
                f.write_str("; ")?;
                list(f, "scope", scope_mode, scopes)
            }
        }
    }
}

/// What a route requires of the way the caller authenticated (RFC 9470 step-up): an
/// authentication context class (`acr`) and/or a maximum age of the authentication
/// (`auth_time`), from `#[requires_auth(acr = "mfa")]`, `#[requires_role("admin",
/// max_age = 300)]` and the like.
///
/// A token without `acr` (or `auth_time`) does not meet a requirement that names it.
/// Which `acr` values satisfy which is the warden's
/// ([`WardenBuilder::acr_order`](crate::WardenBuilder::acr_order)): without an order,
/// only the named value does.
///
/// ```
/// use axum_warden_runtime::StepUp;
///
/// const MFA_RECENT: StepUp = StepUp { acr: Some("mfa"), max_age: Some(300) };
/// assert_eq!(MFA_RECENT.to_string(), "acr mfa, max_age 300 s");
/// assert!(StepUp::NONE.is_none());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct StepUp {
    /// The weakest authentication context class the route accepts.
    pub acr: Option<&'static str>,
    /// The longest time since the caller authenticated, in seconds.
    pub max_age: Option<u64>,
}

impl StepUp {
    /// No step-up requirement.
    pub const NONE: Self = Self {
        acr: None,
        max_age: None,
    };

    /// Whether this asks nothing.
    #[must_use]
    pub const fn is_none(&self) -> bool {
        self.acr.is_none() && self.max_age.is_none()
    }

    /// `{"acr": …, "max_age": …}` with the members set: the route table's `step_up` and
    /// the OpenAPI documents' `x-step-up`.
    pub(crate) fn json_value(&self) -> serde_json::Value {
        let mut value = serde_json::Map::new();
        if let Some(acr) = self.acr {
            value.insert("acr".to_owned(), acr.into());
        }
        if let Some(max_age) = self.max_age {
            value.insert("max_age".to_owned(), max_age.into());
        }
        value.into()
    }
}

impl fmt::Display for StepUp {
    /// `acr mfa`, `max_age 300 s`, both joined by `, `, or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.acr, self.max_age) {
            (None, None) => f.write_str("none"),
            (Some(acr), None) => write!(f, "acr {acr}"),
            (None, Some(age)) => write!(f, "max_age {age} s"),
            (Some(acr), Some(age)) => write!(f, "acr {acr}, max_age {age} s"),
        }
    }
}

/// Where a handler was declared, for the route table and for denial events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandlerInfo {
    /// The function name.
    pub name: &'static str,
    /// `module_path!()` at the declaration.
    pub module: &'static str,
    /// `file!()` at the declaration.
    pub file: &'static str,
    /// `line!()` at the declaration.
    pub line: u32,
}

/// Marker for policies that never authenticate (`#[public]`): their guard reads no
/// router state, so public routes work on routers without a [`Warden`](crate::Warden).
#[derive(Clone, Copy, Debug)]
pub enum Open {}

/// Marker for policies that need a verified identity: their guard takes the
/// [`Warden`](crate::Warden) from router state.
#[derive(Clone, Copy, Debug)]
pub enum Protected {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Open {}
    impl Sealed for super::Protected {}
}

/// Either [`Open`] or [`Protected`]; sealed.
pub trait AccessKind: sealed::Sealed + Send + Sync + 'static {
    /// Whether the guard authenticates: the [`Requirement`] of a policy of this kind must
    /// agree (checked when the guard is compiled), so an [`Open`] policy cannot carry a
    /// role rule that nothing would enforce.
    const AUTHENTICATES: bool;
}
impl AccessKind for Open {
    const AUTHENTICATES: bool = false;
}
impl AccessKind for Protected {
    const AUTHENTICATES: bool = true;
}

/// A route's access rule as a type.
///
/// The access attributes generate one implementation per handler. A hand-written
/// policy looks like this:
///
/// ```
/// use axum_warden_runtime::__private::{HandlerInfo, Protected, RouteRule};
/// use axum_warden_runtime::{Match, Requirement};
///
/// struct AdminsOnly;
/// impl RouteRule for AdminsOnly {
///     type Kind = Protected;
///     const REQUIREMENT: Requirement = Requirement::Roles { mode: Match::Any, names: &["admin"] };
///     const HANDLER: HandlerInfo = HandlerInfo {
///         name: "delete_user",
///         module: module_path!(),
///         file: file!(),
///         line: line!(),
///     };
/// }
/// ```
///
/// `Kind` and `REQUIREMENT` must agree: a guard of an [`Open`] policy reads no state and
/// checks nothing, so one with a rule that needs an identity fails to build where it is
/// mounted, rather than let everyone in:
///
/// ```compile_fail,E0080
/// use axum_warden_runtime::routing::get;
/// use axum_warden_runtime::__private::{HandlerInfo, Open, RouteRule};
/// use axum_warden_runtime::{Guard, Match, Requirement, Router};
///
/// struct AdminsButOpen;
/// impl RouteRule for AdminsButOpen {
///     type Kind = Open;
///     const REQUIREMENT: Requirement = Requirement::Roles { mode: Match::Any, names: &["admin"] };
///     const HANDLER: HandlerInfo = HandlerInfo { name: "admin", module: "", file: "", line: 0 };
/// }
///
/// async fn admin(_: Guard<AdminsButOpen>) -> &'static str { "welcome" }
/// let _: axum::Router = Router::new().route("/", get(admin)).into();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an access policy",
    label = "not an access policy",
    note = "access policies are generated by `#[public]`, `#[requires_auth]`, `#[requires_role]`, `#[requires_scope]` and `#[requires_policy]`"
)]
pub trait RouteRule: Send + Sync + 'static {
    /// [`Open`] for `#[public]`, [`Protected`] for everything else.
    type Kind: AccessKind;
    /// What the route requires.
    const REQUIREMENT: Requirement;
    /// What the route requires of the way the caller authenticated (RFC 9470).
    const STEP_UP: StepUp = StepUp::NONE;
    /// Where the handler was declared.
    const HANDLER: HandlerInfo;
    /// The [`AccessPolicy`](crate::AccessPolicy) of `#[requires_policy]` that runs after
    /// the requirement holds, by name, for the route table.
    const CUSTOM_POLICY: Option<&'static str> = None;
}

/// A hand-written [`RouteRule`] for unit tests of the table's readers: `name` is the
/// handler's name, in module `app`; a policy name and a step-up may follow.
#[cfg(test)]
macro_rules! test_route_rule {
    ($name:ident, $kind:ty, $req:expr) => {
        $crate::requirement::test_route_rule!($name, $kind, $req, None, $crate::requirement::StepUp::NONE);
    };
    ($name:ident, $kind:ty, $req:expr, $policy:expr, $step_up:expr) => {
        struct $name;
        impl $crate::requirement::RouteRule for $name {
            type Kind = $kind;
            const REQUIREMENT: $crate::requirement::Requirement = $req;
            const STEP_UP: $crate::requirement::StepUp = $step_up;
            const HANDLER: $crate::requirement::HandlerInfo = $crate::requirement::HandlerInfo {
                name: stringify!($name),
                module: "app",
                file: file!(),
                line: line!(),
            };
            const CUSTOM_POLICY: Option<&'static str> = $policy;
        }
    };
}
#[cfg(test)]
pub(crate) use test_route_rule;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_that_names_nothing_is_met_by_nobody() {
        let identity = Identity::builder("alice").roles(["admin"]).scopes(["read"]).build();
        for mode in [Match::Any, Match::All] {
            assert!(
                !Requirement::Roles { mode, names: &[] }.is_met_by(&identity),
                "{mode:?}"
            );
            assert!(
                !Requirement::Scopes { mode, names: &[] }.is_met_by(&identity),
                "{mode:?}"
            );
        }
        assert!(
            Requirement::Roles {
                mode: Match::All,
                names: &["admin"]
            }
            .is_met_by(&identity)
        );
        assert!(
            Requirement::Scopes {
                mode: Match::Any,
                names: &["write", "read"]
            }
            .is_met_by(&identity)
        );
    }
}
