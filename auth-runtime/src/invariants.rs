//! Invariants: access rules an application states once, as data, and checks against its
//! route table in a test, so that a route added later cannot break them unnoticed.

use std::fmt;

use crate::http::{RouteMethod, RouteRow, RouteTable};
use crate::requirement::{Match, Requirement};
use crate::roles::RoleHierarchy;

/// A rule every route of a table must keep, with the routes it lets off.
///
/// Build one with [`under`](Self::under), [`no_public_unsafe_methods`](Self::no_public_unsafe_methods)
/// or [`path_parameters_have_policy`](Self::path_parameters_have_policy), list deliberate
/// exceptions with [`except`](Self::except), and check them all with
/// [`RouteTable::check_invariants`].
///
/// ```
/// use axum_warden::routing::{get, post};
/// use axum_warden::{public, requires_role};
/// use axum_warden_runtime::{Invariant, RoleHierarchy};
///
/// #[public]
/// async fn login() {}
/// #[requires_role("superadmin")]
/// async fn users() {}
///
/// let hierarchy = RoleHierarchy::new().role("superadmin", ["admin"]);
/// let table = axum_warden::Router::<axum_warden::Warden>::new()
///     .route("/login", post(login))
///     .route("/admin/users", get(users))
///     .route_table();
/// table
///     .check_invariants(&[
///         Invariant::under("/admin").requires_role("admin", &hierarchy),
///         Invariant::no_public_unsafe_methods().except(["POST /login"]),
///         Invariant::path_parameters_have_policy(),
///     ])
///     .unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invariant {
    rule: Rule,
    /// `METHOD PATH` of each route let off, as the tables print them.
    except: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    UnderRequiresRole {
        prefix: String,
        role: String,
        /// The role and every role that includes it, from the hierarchy.
        granting: Vec<String>,
    },
    NoPublicUnsafeMethods,
    PathParametersHavePolicy,
}

/// The first half of [`Invariant::under`]: the routes under a path, waiting for what
/// they require.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an `UnderPrefix` checks nothing until `.requires_role(..)` makes it an `Invariant`"]
pub struct UnderPrefix {
    prefix: String,
}

impl UnderPrefix {
    /// Every route under the prefix requires `role`, or a role that includes it in
    /// `hierarchy` ("admin or stronger").
    ///
    /// A route keeps it when every caller its role rule admits holds `role` once the
    /// hierarchy is applied: each role of an `any(..)` rule, or one role of an `all(..)`
    /// rule, is `role` or includes it. A public route, an authenticated-only route and a
    /// scope-only route break it; a `#[requires_policy]` policy does not count, since the
    /// invariant cannot see what it decides.
    pub fn requires_role(self, role: &str, hierarchy: &RoleHierarchy) -> Invariant {
        let granting = hierarchy.roles_granting(role).into_iter().map(str::to_owned).collect();
        Invariant::new(Rule::UnderRequiresRole {
            prefix: self.prefix,
            role: role.to_owned(),
            granting,
        })
    }
}

impl Invariant {
    fn new(rule: Rule) -> Self {
        Self {
            rule,
            except: Vec::new(),
        }
    }

    /// The routes under `prefix`: the path itself and every path below it, segment by
    /// segment (`/admin` covers `/admin` and `/admin/users`, not `/administrators`).
    /// A fallback counts when it serves the prefix: one at the root or at a parent of it
    /// answers the prefix's unmatched paths too. Finish it with
    /// [`UnderPrefix::requires_role`].
    pub fn under(prefix: &str) -> UnderPrefix {
        let trimmed = prefix.trim_end_matches('/');
        UnderPrefix {
            prefix: if trimmed.is_empty() {
                String::new()
            } else {
                trimmed.to_owned()
            },
        }
    }

    /// No public route accepts a method that is not safe in the sense of RFC 9110
    /// (section 9.2.1): anything but `GET`, `HEAD`, `OPTIONS` and `TRACE`, so `POST`,
    /// `PUT`, `PATCH`, `DELETE`, other methods, and `ANY` routes and fallbacks, which
    /// accept every method. A login or a sign-up form is the usual exception.
    pub fn no_public_unsafe_methods() -> Self {
        Self::new(Rule::NoPublicUnsafeMethods)
    }

    /// Every route that needs an identity and has a path parameter (`/orders/{id}`) has a
    /// `#[requires_policy]` policy: a review aid for broken object-level authorization
    /// (OWASP API1:2023), where a caller with the right role reads another caller's
    /// object by changing the id. Routes whose handler checks ownership itself are the
    /// exceptions to list.
    pub fn path_parameters_have_policy() -> Self {
        Self::new(Rule::PathParametersHavePolicy)
    }

    /// Lets off the routes named `METHOD PATH`, exactly as the route table prints them
    /// (`POST /login`, `GET /articles/{id}`, `ANY *` for a root fallback). An exception
    /// that lets off no route that breaks the rule is itself reported, so the list
    /// shrinks when a route is fixed or removed.
    #[must_use]
    pub fn except<I, S>(mut self, routes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.except.extend(routes.into_iter().map(Into::into));
        self
    }

    /// Whether `row` breaks the rule, exceptions aside.
    fn breaks(&self, row: &RouteRow) -> bool {
        let requirement = row.requirement();
        match &self.rule {
            Rule::UnderRequiresRole { prefix, granting, .. } => {
                let under = if row.is_fallback() {
                    within(prefix, row.path()) || within(row.path(), prefix)
                } else {
                    within(row.path(), prefix)
                };
                let holds = |names: &[&str]| names.iter().any(|name| granting.iter().any(|g| g == name));
                let kept = match requirement.role_names() {
                    Some((Match::Any, names)) => !names.is_empty() && names.iter().all(|name| holds(&[name])),
                    Some((Match::All, names)) => holds(names),
                    None => false,
                };
                under && !kept
            }
            Rule::NoPublicUnsafeMethods => {
                *requirement == Requirement::Public
                    && match row.method() {
                        RouteMethod::Method(method) => !method.is_safe(),
                        RouteMethod::Any => true,
                    }
            }
            Rule::PathParametersHavePolicy => {
                requirement.needs_identity() && row.policy().is_none() && row.path().contains('{')
            }
        }
    }
}

/// Whether `path` is `prefix` or below it, segment by segment.
fn within(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl fmt::Display for Invariant {
    /// The rule in words, as a failure names it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Rule::UnderRequiresRole {
                prefix, role, granting, ..
            } => {
                let shown = if prefix.is_empty() { "/" } else { prefix };
                write!(f, "every route under `{shown}` requires role `{role}`")?;
                if granting.len() > 1 {
                    let stronger: Vec<String> = granting[1..].iter().map(|g| format!("`{g}`")).collect();
                    write!(f, " or one that includes it ({})", stronger.join(", "))?;
                }
                Ok(())
            }
            Rule::NoPublicUnsafeMethods => {
                f.write_str("no public route accepts an unsafe method (anything but GET, HEAD, OPTIONS, TRACE)")
            }
            Rule::PathParametersHavePolicy => {
                f.write_str("every guarded route with a path parameter has a `#[requires_policy]` policy")
            }
        }
    }
}

/// A route that breaks an invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantViolation {
    route: String,
    access: String,
    handler: String,
}

impl InvariantViolation {
    /// `METHOD PATH`, as the route table prints them (and as
    /// [`Invariant::except`] names them).
    #[must_use]
    pub fn route(&self) -> &str {
        &self.route
    }

    /// What the route requires, as the route table's access column says it.
    #[must_use]
    pub fn access(&self) -> &str {
        &self.access
    }

    /// The handler, `module::name`.
    #[must_use]
    pub fn handler(&self) -> &str {
        &self.handler
    }
}

/// One invariant that does not hold: the rule, the routes that break it, and the
/// exceptions that let off nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantFailure {
    rule: String,
    violations: Vec<InvariantViolation>,
    unused_exceptions: Vec<String>,
}

impl InvariantFailure {
    /// The rule in words ([`Invariant`]'s `Display`).
    #[must_use]
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The routes that break it, in the table's order.
    #[must_use]
    pub fn violations(&self) -> &[InvariantViolation] {
        &self.violations
    }

    /// The exceptions of [`Invariant::except`] that let off no route that breaks it.
    #[must_use]
    pub fn unused_exceptions(&self) -> &[String] {
        &self.unused_exceptions
    }
}

/// The invariants of [`RouteTable::check_invariants`] that do not hold. Its `Display`
/// names each rule and, under it, each route that breaks it with what the route requires
/// and its handler, then each exception that lets off nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvariantError {
    failures: Vec<InvariantFailure>,
}

impl InvariantError {
    /// Each invariant that does not hold, in the order they were given.
    #[must_use]
    pub fn failures(&self) -> &[InvariantFailure] {
        &self.failures
    }
}

impl fmt::Display for InvariantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.failures.len();
        write!(
            f,
            "{count} access invariant{} of the route table {}:",
            if count == 1 { "" } else { "s" },
            if count == 1 { "does not hold" } else { "do not hold" },
        )?;
        for failure in &self.failures {
            write!(f, "\n- {}", failure.rule)?;
            for violation in &failure.violations {
                write!(
                    f,
                    "\n    {} ({}) `{}`",
                    violation.route, violation.access, violation.handler
                )?;
            }
            for unused in &failure.unused_exceptions {
                write!(
                    f,
                    "\n    exception `{unused}` lets off no route that breaks it; remove it"
                )?;
            }
        }
        Ok(())
    }
}

impl RouteTable {
    /// Checks every invariant against every route.
    ///
    /// ```
    /// use axum_warden::routing::{get, post};
    /// use axum_warden::{public, requires_auth};
    /// use axum_warden_runtime::{Invariant, RoleHierarchy};
    ///
    /// #[public]
    /// async fn reset() {}
    /// #[requires_auth]
    /// async fn order() {}
    ///
    /// let table = axum_warden::Router::<axum_warden::Warden>::new()
    ///     .route("/admin/reset", post(reset))
    ///     .route("/orders/{id}", get(order))
    ///     .route_table();
    /// let err = table
    ///     .check_invariants(&[
    ///         Invariant::under("/admin").requires_role("admin", &RoleHierarchy::new()),
    ///         Invariant::no_public_unsafe_methods().except(["POST /login"]),
    ///         Invariant::path_parameters_have_policy(),
    ///     ])
    ///     .unwrap_err();
    /// assert_eq!(err.failures().len(), 3);
    /// assert!(err.to_string().starts_with(
    ///     "3 access invariants of the route table do not hold:\n\
    ///      - every route under `/admin` requires role `admin`\n    POST /admin/reset (public) `"
    /// ));
    /// assert!(err.to_string().contains("exception `POST /login` lets off no route that breaks it"));
    /// ```
    ///
    /// # Errors
    /// [`InvariantError`] with every invariant that a route breaks or that has an
    /// exception letting off nothing.
    pub fn check_invariants(&self, invariants: &[Invariant]) -> Result<(), InvariantError> {
        let failures: Vec<InvariantFailure> = invariants
            .iter()
            .filter_map(|invariant| {
                let breaking: Vec<(String, &RouteRow)> = self
                    .rows()
                    .iter()
                    .filter(|row| invariant.breaks(row))
                    .map(|row| (format!("{} {}", row.method(), row.display_path()), row))
                    .collect();
                let violations: Vec<InvariantViolation> = breaking
                    .iter()
                    .filter(|(route, _)| !invariant.except.contains(route))
                    .map(|(route, row)| InvariantViolation {
                        route: route.clone(),
                        access: access_text(row),
                        handler: format!("{}::{}", row.handler().module, row.handler().name),
                    })
                    .collect();
                let unused_exceptions: Vec<String> = invariant
                    .except
                    .iter()
                    .filter(|exception| !breaking.iter().any(|(route, _)| route == *exception))
                    .cloned()
                    .collect();
                (!violations.is_empty() || !unused_exceptions.is_empty()).then(|| InvariantFailure {
                    rule: invariant.to_string(),
                    violations,
                    unused_exceptions,
                })
            })
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(InvariantError { failures })
        }
    }
}

/// The requirement, then the policy: enough to see why a route breaks a rule.
fn access_text(row: &RouteRow) -> String {
    match row.policy() {
        Some(policy) => format!("{}; policy: {policy}", row.requirement()),
        None => row.requirement().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirement::{Open, Protected, StepUp, test_route_rule as rule};

    rule!(Anyone, Open, Requirement::Public);
    rule!(Member, Protected, Requirement::Authenticated);
    rule!(
        Owner,
        Protected,
        Requirement::Authenticated,
        Some("OwnsIt"),
        StepUp::NONE
    );
    rule!(
        Admins,
        Protected,
        Requirement::Roles {
            mode: Match::Any,
            names: &["admin"]
        }
    );
    rule!(
        AdminsOrViewers,
        Protected,
        Requirement::Roles {
            mode: Match::Any,
            names: &["admin", "viewer"]
        }
    );
    rule!(
        AdminAndAuditor,
        Protected,
        Requirement::Roles {
            mode: Match::All,
            names: &["auditor", "root"]
        }
    );

    fn table(rows: Vec<RouteRow>) -> RouteTable {
        let mut table = RouteTable::default();
        table.extend(rows);
        table.sorted()
    }

    fn get() -> RouteMethod {
        RouteMethod::Method(http::Method::GET)
    }

    fn routes(err: &InvariantError, n: usize) -> Vec<&str> {
        err.failures()[n]
            .violations()
            .iter()
            .map(InvariantViolation::route)
            .collect()
    }

    #[test]
    fn under_a_prefix_with_a_hierarchy_and_fallbacks() {
        let hierarchy = RoleHierarchy::new().role("root", ["admin"]);
        let invariant = Invariant::under("/admin/").requires_role("admin", &hierarchy);
        let table = table(vec![
            RouteRow::new::<Admins>(get()).at("/admin"),
            RouteRow::new::<AdminAndAuditor>(get()).at("/admin/audit"),
            RouteRow::new::<AdminsOrViewers>(get()).at("/admin/stats"),
            RouteRow::new::<Member>(get()).at("/admin/me"),
            RouteRow::new::<Anyone>(get()).at("/administrators"),
            RouteRow::fallback::<Anyone>(),
            RouteRow::fallback::<Anyone>().nested_under("/elsewhere"),
        ]);
        let err = table
            .check_invariants(std::slice::from_ref(&invariant))
            .expect_err("broken");
        assert_eq!(routes(&err, 0), ["ANY *", "GET /admin/me", "GET /admin/stats"]);
        assert_eq!(
            err.failures()[0].rule(),
            "every route under `/admin` requires role `admin` or one that includes it (`root`)"
        );
        let excused = invariant.except(["ANY *", "GET /admin/me", "GET /admin/stats", "GET /gone"]);
        let err = table.check_invariants(&[excused]).expect_err("one stale exception");
        assert!(err.failures()[0].violations().is_empty());
        assert_eq!(err.failures()[0].unused_exceptions(), ["GET /gone"]);
    }

    #[test]
    fn unsafe_methods_on_public_routes() {
        let table = table(vec![
            RouteRow::new::<Anyone>(get()).at("/health"),
            RouteRow::new::<Anyone>(RouteMethod::Method(http::Method::OPTIONS)).at("/health"),
            RouteRow::new::<Anyone>(RouteMethod::Method(http::Method::POST)).at("/login"),
            RouteRow::new::<Anyone>(RouteMethod::Any).at("/hook"),
            RouteRow::new::<Member>(RouteMethod::Method(http::Method::DELETE)).at("/me"),
        ]);
        let err = table
            .check_invariants(&[Invariant::no_public_unsafe_methods().except(["POST /login"])])
            .expect_err("ANY /hook");
        assert_eq!(routes(&err, 0), ["ANY /hook"]);
        assert_eq!(
            err.to_string(),
            "1 access invariant of the route table does not hold:\n\
             - no public route accepts an unsafe method (anything but GET, HEAD, OPTIONS, TRACE)\n    \
             ANY /hook (public) `app::Anyone`"
        );
    }

    #[test]
    fn path_parameters_need_a_policy_when_guarded() {
        let table = table(vec![
            RouteRow::new::<Anyone>(get()).at("/pages/{slug}"),
            RouteRow::new::<Owner>(get()).at("/orders/{id}"),
            RouteRow::new::<Member>(get()).at("/users/{id}"),
            RouteRow::new::<Admins>(get()).at("/admin/users/{id}"),
            RouteRow::new::<Member>(get()).at("/users"),
        ]);
        let err = table
            .check_invariants(&[Invariant::path_parameters_have_policy()])
            .expect_err("two routes");
        assert_eq!(routes(&err, 0), ["GET /admin/users/{id}", "GET /users/{id}"]);
        assert_eq!(err.failures()[0].violations()[0].access(), "role: admin");
        assert!(
            table
                .check_invariants(&[
                    Invariant::path_parameters_have_policy().except(["GET /admin/users/{id}", "GET /users/{id}"])
                ])
                .is_ok()
        );
    }
}
