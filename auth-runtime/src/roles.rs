//! Declared roles and the role hierarchy.
//!
//! - [`Roles`] is what `#[derive(Roles)]` implements on an application's role enum, so
//!   `#[requires_role(Role::Admin)]` is checked by the compiler.
//! - [`RoleHierarchy`] says once that, for example, `admin` includes `editor`. The warden
//!   adds the included roles to every verified identity, so every role check (the
//!   attributes, [`Identity::has_role`], custom policies) honours it.
//!
//! Where roles are read from a token is [`RoleSource`](crate::RoleSource), in the token layer.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::identity::Identity;

/// An application's roles, declared once as an enum: derive it with
/// `#[derive(axum_warden::Roles)]`.
///
/// The derive gives each variant its claim string (the variant name in `snake_case`, or
/// `#[role("name")]`), and the roles it includes (`#[role(includes(Editor))]`), checking
/// at compile time that the names are valid and distinct and that the hierarchy has no
/// cycle. `#[requires_role(Role::Admin)]` then names the variant, so a misspelt role is a
/// compile error on the misspelt token.
///
/// ```
/// use axum_warden_runtime::{RoleHierarchy, Roles};
///
/// // What `#[derive(Roles)]` generates, written by hand:
/// #[derive(Clone, Copy)]
/// enum Role {
///     Admin,
///     Editor,
///     Viewer,
/// }
///
/// impl Roles for Role {
///     const NAMES: &'static [&'static str] = &["admin", "editor", "viewer"];
///     const INCLUDES: &'static [&'static [&'static str]] = &[&["editor"], &["viewer"], &[]];
///     fn name(&self) -> &'static str {
///         Self::NAMES[*self as usize]
///     }
/// }
///
/// assert_eq!(Role::Editor.name(), "editor");
/// let hierarchy: RoleHierarchy = Role::hierarchy();
/// assert_eq!(hierarchy.roles_granting("viewer"), ["viewer", "editor", "admin"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a declared role type",
    label = "roles named by path must come from a role enum",
    note = "declare the roles once: `#[derive(axum_warden::Roles)] enum {Self} {{ Admin, Editor }}`, or name the role as a string literal"
)]
pub trait Roles: Send + Sync + 'static {
    /// The claim string of every role, in declaration order (the variant's index).
    const NAMES: &'static [&'static str];
    /// For every role, in the same order, the roles it includes directly.
    const INCLUDES: &'static [&'static [&'static str]];

    /// The claim string of this role.
    fn name(&self) -> &'static str;

    /// The hierarchy the `includes(..)` declarations describe; give it to
    /// [`WardenBuilder::role_hierarchy`](crate::WardenBuilder::role_hierarchy).
    #[must_use]
    fn hierarchy() -> RoleHierarchy {
        Self::NAMES
            .iter()
            .zip(Self::INCLUDES)
            .filter(|(_, includes)| !includes.is_empty())
            .fold(RoleHierarchy::new(), |hierarchy, (role, includes)| {
                hierarchy.role(*role, includes.iter().copied())
            })
    }
}

/// The names of the role type of `role`, for `#[requires_role(Role::Admin)]`, which
/// expands to `role_names(&Role::Admin)[Role::Admin as usize]`: the path appears twice
/// with one span, so a mistake in it is reported once.
#[doc(hidden)]
#[must_use]
pub const fn role_names<R: Roles>(_: &R) -> &'static [&'static str] {
    R::NAMES
}

/// A zero-sized proof that the guard of the running handler checked that the caller holds
/// role `I` of the role enum `R` (`I` is the variant's index: `{ Role::Editor as usize }`).
/// Write the type as `granted!(Role::Editor)`.
///
/// A service function that must only run for editors takes one, and the compiler sees to
/// it that every caller was guarded by a rule that guarantees the role:
///
/// ```
/// use axum_warden::{Roles, granted, requires_role};
///
/// #[derive(Clone, Copy, Roles)]
/// enum Role {
///     #[role(includes(Editor))]
///     Admin,
///     Editor,
/// }
///
/// /// Only for editors: the proof is the parameter.
/// fn publish(_: granted!(Role::Editor), slug: &str) -> String {
///     format!("published {slug}")
/// }
///
/// #[requires_role(Role::Editor)]
/// async fn publish_article(editor: granted!(Role::Editor)) -> String {
///     publish(editor, "hello")
/// }
///
/// // An admin includes an editor: its proof narrows to the editor's.
/// #[requires_role(Role::Admin)]
/// async fn publish_as_admin(admin: granted!(Role::Admin)) -> String {
///     publish(admin.narrow(), "hello")
/// }
/// ```
///
/// A handler asks for a proof by taking a parameter of type `granted!(Role::X)`; the
/// attribute removes it from the signature (it is no extractor) and makes it from the
/// guard's rule, which must require `Role::X` itself (`Role::X` alone, or within
/// `all(..)`): `any(..)` guarantees no single role. Anything else does not compile:
///
/// ```compile_fail
/// use axum_warden::{Roles, granted, requires_role};
/// #[derive(Clone, Copy, Roles)]
/// enum Role { Editor, Viewer }
/// fn publish(_: granted!(Role::Editor)) {}
///
/// #[requires_role(Role::Viewer)]
/// async fn sneaky(viewer: granted!(Role::Viewer)) {
///     publish(viewer.narrow()); // a viewer does not include an editor
/// }
/// ```
///
/// It costs nothing at run time: no field, no check, no allocation. It has no public
/// constructor; the test kit's [`unchecked_guard`](crate::testing::unchecked_guard)
/// makes the handler's one when a unit test calls it directly.
pub struct Granted<R: Roles, const I: usize>(std::marker::PhantomData<fn() -> R>);

impl<R: Roles, const I: usize> Granted<R, I> {
    /// Made by the guard's rule (`__private::grant`), never by hand.
    #[doc(hidden)]
    #[must_use]
    pub const fn __new() -> Self {
        Self(std::marker::PhantomData)
    }

    /// The claim string of the proven role.
    #[must_use]
    pub fn role(&self) -> &'static str {
        R::NAMES[I]
    }

    /// The proof of a role this one includes by the enum's `#[role(includes(..))]`,
    /// transitively, or of itself; which one is read from where it goes (a parameter of
    /// type `granted!(Role::Editor)`, say).
    #[must_use]
    pub fn narrow<T: NarrowFrom<R, I>>(self) -> T {
        T::narrow_from(self)
    }
}

impl<R: Roles, const I: usize> Clone for Granted<R, I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Roles, const I: usize> Copy for Granted<R, I> {}

impl<R: Roles, const I: usize> std::fmt::Debug for Granted<R, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Granted").field(&self.role()).finish()
    }
}

/// A proof that [`Granted::narrow`] can make from a proof of role `I` of `R`: the proof of
/// any role that `I` includes. Implemented for [`Granted`] only.
pub trait NarrowFrom<R: Roles, const I: usize>: Sized {
    /// The narrowed proof.
    fn narrow_from(proof: Granted<R, I>) -> Self;
}

impl<R, const I: usize, const J: usize> NarrowFrom<R, I> for Granted<R, J>
where
    R: Includes<I, J>,
{
    fn narrow_from(_: Granted<R, I>) -> Self {
        Self(std::marker::PhantomData)
    }
}

/// The role hierarchy of a role enum as a trait: `Role: Includes<A, B>` when the variant
/// at index `A` includes the one at `B` (transitively, and every role itself). Implemented
/// by `#[derive(Roles)]`; what [`Granted::narrow`] asks of it.
#[diagnostic::on_unimplemented(
    message = "this role of `{Self}` does not include the role the proof is narrowed to",
    label = "a proof narrows only to a role its own includes",
    note = "declare the inclusion with #[role(includes(..))] on the stronger role, or guard the handler with the role the function asks for"
)]
pub trait Includes<const FROM: usize, const TO: usize>: Roles {}

/// Which roles include which: `admin` ⊇ `editor` ⊇ `viewer`, declared once.
///
/// A warden configured with a hierarchy adds every included role to each verified
/// identity, transitively, so a token with `admin` passes `#[requires_role("viewer")]`.
/// Diamonds are fine; cycles are refused by [`check`](Self::check) and at
/// [`WardenBuilder::build`](crate::WardenBuilder::build).
///
/// ```
/// use axum_warden_runtime::RoleHierarchy;
///
/// let hierarchy = RoleHierarchy::new()
///     .role("admin", ["editor", "reviewer"])
///     .role("editor", ["viewer"])
///     .role("reviewer", ["viewer"]);
/// assert!(hierarchy.check().is_ok());
/// assert_eq!(hierarchy.roles_granting("viewer"), ["viewer", "editor", "reviewer", "admin"]);
///
/// let cyclic = RoleHierarchy::new().role("a", ["b"]).role("b", ["a"]);
/// assert_eq!(cyclic.check().unwrap_err().to_string(), "the role hierarchy has a cycle: a includes b includes a");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleHierarchy {
    /// Each role with the roles it includes directly, in declaration order.
    edges: Vec<(String, Vec<String>)>,
}

/// Why a [`RoleHierarchy`] cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HierarchyError {
    /// A role includes itself, directly or through others.
    #[error("the role hierarchy has a cycle: {}", .cycle.join(" includes "))]
    Cycle {
        /// The roles of the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A role name is empty.
    #[error("the role hierarchy names an empty role")]
    EmptyName,
}

impl RoleHierarchy {
    /// An empty hierarchy: every role stands for itself only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares that `role` includes each of `includes` (and, transitively, what they
    /// include). Declaring the same role again adds to its list.
    #[must_use]
    pub fn role<I, R>(mut self, role: impl Into<String>, includes: I) -> Self
    where
        I: IntoIterator<Item = R>,
        R: Into<String>,
    {
        let role = role.into();
        let includes = includes.into_iter().map(Into::into);
        match self.edges.iter_mut().find(|(name, _)| *name == role) {
            Some((_, list)) => {
                for included in includes {
                    if !list.contains(&included) {
                        list.push(included);
                    }
                }
            }
            None => {
                let mut list: Vec<String> = Vec::new();
                for included in includes {
                    if !list.contains(&included) {
                        list.push(included);
                    }
                }
                self.edges.push((role, list));
            }
        }
        self
    }

    /// Whether no role includes another.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.edges.iter().all(|(_, includes)| includes.is_empty())
    }

    /// Refuses empty names and cycles.
    ///
    /// # Errors
    /// The first problem found; a cycle is reported with its roles in order.
    pub fn check(&self) -> Result<(), HierarchyError> {
        if self
            .edges
            .iter()
            .any(|(role, includes)| role.is_empty() || includes.iter().any(String::is_empty))
        {
            return Err(HierarchyError::EmptyName);
        }
        // Depth-first search; `path` is the chain being explored.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Active,
            Done,
        }
        fn visit<'a>(
            role: &'a str,
            edges: &HashMap<&'a str, &'a [String]>,
            marks: &mut HashMap<&'a str, Mark>,
            path: &mut Vec<&'a str>,
        ) -> Result<(), HierarchyError> {
            match marks.get(role) {
                Some(Mark::Done) => return Ok(()),
                Some(Mark::Active) => {
                    let start = path.iter().position(|r| *r == role).unwrap_or(0);
                    let mut cycle: Vec<String> = path[start..].iter().map(|r| (*r).to_owned()).collect();
                    cycle.push(role.to_owned());
                    return Err(HierarchyError::Cycle { cycle });
                }
                None => {}
            }
            marks.insert(role, Mark::Active);
            path.push(role);
            for included in edges.get(role).copied().unwrap_or_default() {
                visit(included, edges, marks, path)?;
            }
            path.pop();
            marks.insert(role, Mark::Done);
            Ok(())
        }
        let edges: HashMap<&str, &[String]> = self
            .edges
            .iter()
            .map(|(role, includes)| (role.as_str(), includes.as_slice()))
            .collect();
        let mut marks = HashMap::new();
        for (role, _) in &self.edges {
            visit(role, &edges, &mut marks, &mut Vec::new())?;
        }
        Ok(())
    }

    /// Every role that satisfies a requirement for `role`: the role itself first, then
    /// the roles that include it, nearest first, in declaration order.
    #[must_use]
    pub fn roles_granting<'a>(&'a self, role: &'a str) -> Vec<&'a str> {
        let mut granting: Vec<&str> = Vec::new();
        let mut frontier: Vec<&str> = vec![role];
        let mut seen: HashSet<&str> = HashSet::from([role]);
        granting.push(self.name_of(role).unwrap_or(role));
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for wanted in frontier {
                for (name, includes) in &self.edges {
                    if includes.iter().any(|i| i == wanted) && seen.insert(name.as_str()) {
                        granting.push(name);
                        next.push(name.as_str());
                    }
                }
            }
            frontier = next;
        }
        granting
    }

    /// Every role the hierarchy names, as one that includes others or as one included,
    /// each once, in declaration order: the roles an effective-permissions matrix
    /// ([`RouteTable::effective_permissions`](crate::RouteTable::effective_permissions))
    /// lists even when no route names them.
    ///
    /// ```
    /// use axum_warden_runtime::RoleHierarchy;
    ///
    /// let hierarchy = RoleHierarchy::new().role("admin", ["editor"]).role("editor", ["viewer"]);
    /// assert_eq!(hierarchy.roles(), ["admin", "editor", "viewer"]);
    /// ```
    #[must_use]
    pub fn roles(&self) -> Vec<&str> {
        let mut roles: Vec<&str> = Vec::new();
        for (role, includes) in &self.edges {
            for name in std::iter::once(role).chain(includes) {
                if !roles.contains(&name.as_str()) {
                    roles.push(name);
                }
            }
        }
        roles
    }

    /// `role` as stored here, to hand out a reference that lives as long as `self`.
    fn name_of(&self, role: &str) -> Option<&str> {
        self.edges.iter().find_map(|(name, includes)| {
            if name == role {
                Some(name.as_str())
            } else {
                includes.iter().find(|i| *i == role).map(String::as_str)
            }
        })
    }

    /// The transitive closure, for the request path.
    pub(crate) fn resolve(&self) -> Result<Option<Arc<Resolved>>, HierarchyError> {
        self.check()?;
        if self.is_empty() {
            return Ok(None);
        }
        let mut implied: HashMap<String, Vec<String>> = HashMap::new();
        for (role, _) in &self.edges {
            let mut all: Vec<String> = Vec::new();
            let mut stack: Vec<&str> = vec![role];
            while let Some(current) = stack.pop() {
                for (name, includes) in &self.edges {
                    if name == current {
                        for included in includes {
                            if included != role && !all.contains(included) {
                                all.push(included.clone());
                                stack.push(included);
                            }
                        }
                    }
                }
            }
            implied.insert(role.clone(), all);
        }
        Ok(Some(Arc::new(Resolved { implied })))
    }
}

impl Identity {
    /// Whether the caller holds the declared role `role` (see [`Roles`](crate::Roles)).
    ///
    /// ```
    /// use axum_warden_runtime::{Identity, Roles};
    /// # #[derive(Clone, Copy)] enum Role { Admin, Editor }
    /// # impl Roles for Role {
    /// #     const NAMES: &'static [&'static str] = &["admin", "editor"];
    /// #     const INCLUDES: &'static [&'static [&'static str]] = &[&[], &[]];
    /// #     fn name(&self) -> &'static str { Self::NAMES[*self as usize] }
    /// # }
    /// let user = Identity::builder("alice").roles(["editor"]).build();
    /// assert!(user.holds(Role::Editor));
    /// assert!(!user.holds(Role::Admin));
    /// ```
    #[must_use]
    pub fn holds<R: Roles>(&self, role: R) -> bool {
        self.has_role(role.name())
    }
}

/// A checked hierarchy: for each role, every role it includes, transitively.
#[derive(Debug)]
pub(crate) struct Resolved {
    implied: HashMap<String, Vec<String>>,
}

impl Resolved {
    /// `roles` followed by every role they include that is not among them yet.
    pub(crate) fn expand(&self, mut roles: Vec<String>) -> Vec<String> {
        let held = roles.len();
        for i in 0..held {
            let Some(implied) = self.implied.get(&roles[i]) else {
                continue;
            };
            for role in implied {
                if !roles.contains(role) {
                    roles.push(role.clone());
                }
            }
        }
        roles
    }

    /// `identity` with its roles expanded (for identities a custom authenticator made).
    pub(crate) fn apply(&self, identity: Identity) -> Identity {
        let expanded = self.expand(identity.roles().to_vec());
        if expanded.len() == identity.roles().len() {
            identity
        } else {
            identity.with_roles(expanded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(roles: &[&str]) -> Vec<String> {
        roles.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn diamond_expands_once() {
        let resolved = RoleHierarchy::new()
            .role("admin", ["editor", "reviewer"])
            .role("editor", ["viewer"])
            .role("reviewer", ["viewer"])
            .resolve()
            .expect("no cycle")
            .expect("not empty");
        assert_eq!(
            resolved.expand(strings(&["admin"])),
            ["admin", "editor", "reviewer", "viewer"]
        );
        assert_eq!(
            resolved.expand(strings(&["reviewer", "other"])),
            ["reviewer", "other", "viewer"]
        );
        assert_eq!(resolved.expand(strings(&["viewer"])), ["viewer"]);
    }

    #[test]
    fn cycles_are_named() {
        let err = RoleHierarchy::new()
            .role("a", ["b"])
            .role("b", ["c"])
            .role("c", ["b"])
            .check()
            .expect_err("a cycle");
        assert_eq!(
            err,
            HierarchyError::Cycle {
                cycle: strings(&["b", "c", "b"])
            }
        );
        let err = RoleHierarchy::new().role("a", ["a"]).check().expect_err("a cycle");
        assert_eq!(err.to_string(), "the role hierarchy has a cycle: a includes a");
        assert_eq!(
            RoleHierarchy::new().role("", ["a"]).check(),
            Err(HierarchyError::EmptyName)
        );
    }

    #[test]
    fn granting_roles_nearest_first() {
        let hierarchy = RoleHierarchy::new()
            .role("admin", ["editor"])
            .role("editor", ["viewer"]);
        assert_eq!(hierarchy.roles_granting("viewer"), ["viewer", "editor", "admin"]);
        assert_eq!(hierarchy.roles_granting("admin"), ["admin"]);
        assert_eq!(hierarchy.roles_granting("unknown"), ["unknown"]);
    }

    #[test]
    fn empty_hierarchy_resolves_to_nothing() {
        assert!(RoleHierarchy::new().resolve().expect("valid").is_none());
        assert!(
            RoleHierarchy::new()
                .role("a", Vec::<String>::new())
                .resolve()
                .expect("valid")
                .is_none()
        );
    }
}
