//! Semantic checks: the item is an `async fn` without `self`, the access attributes left
//! on it agree with the one being expanded, and the names are acceptable.
//!
//! Every check runs and reports on its own, so independent mistakes are all reported
//! in one build. Each check has its file in `validate/`: the item's [`shape`], the other
//! access attributes and their order ([`siblings`]), and the role and scope [`names`].
//! This file runs them and turns what passed into a [`Plan`] for the expansion.

use crate::args::mode::Mode;
use crate::args::{self, Access, Args, PolicyArg, Rule, Subject};
use crate::diag::Diag;
use crate::handler::Item;

mod names;
mod shape;
mod siblings;

#[cfg(test)]
mod tests;

use self::names::names_of;
pub(crate) use self::names::{CheckedName, TypedRole, name_problem};
use self::shape::check_shape;
use self::siblings::check_siblings;

/// What a valid attribute does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// `#[requires_auth]` above `#[requires_role]` / `#[requires_scope]`: emit the item as
    /// it is and let the attribute below inject the guard (a role or scope implies
    /// authentication).
    PassThrough,
    /// Inject a guard enforcing this requirement, then the policy if there is one.
    Guard(Requirement, Option<Box<PolicyUse>>),
}

/// The policy of `#[requires_policy]`, and the attribute to drop when it was read from
/// below a role or scope attribute.
pub(crate) struct PolicyUse {
    /// The policy type.
    pub(crate) arg: PolicyArg,
    /// The `#[requires_policy]` attribute this expansion took over.
    pub(crate) consumed: Option<syn::Attribute>,
}

impl std::fmt::Debug for PolicyUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyUse")
            .field("arg", &self.arg)
            .field("consumed", &self.consumed.is_some())
            .finish()
    }
}

impl PartialEq for PolicyUse {
    fn eq(&self, other: &Self) -> bool {
        self.arg.text() == other.arg.text() && self.consumed.is_some() == other.consumed.is_some()
    }
}

impl Eq for PolicyUse {}

/// A checked requirement.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// `#[public]`
    Public,
    /// `#[requires_auth]`
    Authenticated,
    /// `#[requires_role]` / `#[requires_scope]`: at least one name, all distinct and in
    /// the RFC 6750 scope-token charset, in source order.
    Names {
        /// Roles or scopes.
        subject: Subject,
        /// Any or all of them.
        mode: Mode,
        /// The names.
        names: Vec<CheckedName>,
    },
}

/// Checks everything about one expansion. `None` means at least one error went to
/// `diag` (`args` is `None` when parsing the arguments already failed).
pub(crate) fn validate(access: Access, args: Option<Args>, item: &Item, diag: &mut Diag) -> Option<Plan> {
    let shape_ok = check_shape(access, item, diag);
    let siblings = check_siblings(access, item, diag);
    let (requirement, own_policy) = match args {
        Some(Args::Policy(arg)) => (Some(Requirement::Authenticated), Some(arg)),
        Some(args) => (requirement(args, diag), None),
        None => (None, None),
    };
    let (true, Some(siblings), Some(requirement)) = (shape_ok, siblings, requirement) else {
        return None;
    };
    if siblings.authorizer_below {
        return Some(Plan::PassThrough);
    }
    let policy = match (own_policy, siblings.policy_below) {
        (Some(arg), _) => Some(Box::new(PolicyUse { arg, consumed: None })),
        (None, Some(attr)) => Some(Box::new(PolicyUse {
            arg: policy_of(attr, diag)?,
            consumed: Some(attr.clone()),
        })),
        (None, None) => None,
    };
    Some(Plan::Guard(requirement, policy))
}

/// The policy type of a `#[requires_policy(..)]` attribute below the one expanding.
fn policy_of(attr: &syn::Attribute, diag: &mut Diag) -> Option<PolicyArg> {
    match &attr.meta {
        syn::Meta::List(list) => args::policy(list.tokens.clone(), diag),
        syn::Meta::Path(path) => {
            diag.error(
                path,
                "`#[requires_policy]` needs a policy type: write #[requires_policy(OwnsArticle)]",
            );
            None
        }
        syn::Meta::NameValue(nv) => {
            diag.error(
                nv,
                "expected the name of a type implementing `AccessPolicy`, e.g. #[requires_policy(OwnsArticle)]",
            );
            None
        }
    }
}

fn requirement(args: Args, diag: &mut Diag) -> Option<Requirement> {
    match args {
        Args::Public => Some(Requirement::Public),
        Args::Authenticated => Some(Requirement::Authenticated),
        Args::Rule(subject, Rule { mode, names }) => {
            names_of(subject, names, diag).map(|names| Requirement::Names { subject, mode, names })
        }
        Args::Policy(_) => Some(Requirement::Authenticated),
    }
}
