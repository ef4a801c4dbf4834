//! Semantic checks: the item is an `async fn` without `self`, the access attributes left
//! on it agree with the one being expanded, and the names are acceptable.
//!
//! Every check runs and reports on its own, so independent mistakes are all reported
//! in one build. Each check has its file in `validate/`: the item's [`shape`], the other
//! access attributes and their order ([`siblings`]), and the role and scope [`names`].
//! This file runs them and turns what passed into a [`Plan`] for the expansion.

use crate::args::mode::Mode;
use crate::args::{self, Access, Args, PolicyArg, Rule, StepUpArgs, Subject};
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
    /// Inject a guard enforcing this requirement and step-up requirement, then the
    /// policy if there is one.
    Guard(Requirement, Option<Box<PolicyUse>>, StepUp),
}

/// A checked step-up requirement (RFC 9470): the `acr` in the scope-token charset (it
/// travels in the space-separated `acr_values` challenge parameter), `max_age` positive.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct StepUp {
    /// The weakest authentication context class the route accepts.
    pub(crate) acr: Option<String>,
    /// The longest time since the caller authenticated, in seconds.
    pub(crate) max_age: Option<u64>,
}

impl StepUp {
    pub(crate) fn is_none(&self) -> bool {
        self.acr.is_none() && self.max_age.is_none()
    }
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
    /// `#[requires_role]` above `#[requires_scope]`: both rules, roles checked first.
    RolesAndScopes {
        /// Any or all of the roles, and the roles.
        roles: (Mode, Vec<CheckedName>),
        /// Any or all of the scopes, and the scopes.
        scopes: (Mode, Vec<CheckedName>),
    },
}

/// Checks everything about one expansion. `None` means at least one error went to
/// `diag` (`args` is `None` when parsing the arguments already failed).
pub(crate) fn validate(access: Access, args: Option<Args>, item: &Item, diag: &mut Diag) -> Option<Plan> {
    let shape_ok = check_shape(access, item, diag);
    let siblings = check_siblings(access, item, diag);
    let (requirement, own_policy, options) = match args {
        Some(Args::Policy(arg)) => (Some(Requirement::Authenticated), Some(arg), None),
        Some(args) => {
            let (requirement, options) = requirement(args, diag);
            (requirement, None, options)
        }
        None => (None, None, None),
    };
    let (true, Some(siblings), Some(requirement)) = (shape_ok, siblings, requirement) else {
        return None;
    };
    if siblings.authorizer_below {
        if let Some(options) = options.filter(|o| !o.is_empty()) {
            diag.error(
                &options.written,
                "step-up options go on the attribute that checks the route, below: \
                 e.g. #[requires_role(\"admin\", acr = \"mfa\")]; or remove this #[requires_auth], which adds nothing \
                 above it",
            );
            return None;
        }
        return Some(Plan::PassThrough);
    }
    let (requirement, options) = match (requirement, siblings.scope_below) {
        (
            Requirement::Names {
                subject: Subject::Role,
                mode,
                names,
            },
            Some(attr),
        ) => {
            let (scopes, scope_options) = scope_rule_of(attr, diag)?;
            let options = match (options, scope_options) {
                (Some(own), Some(below)) if !own.is_empty() && !below.is_empty() => {
                    diag.error(
                        &below.written,
                        "step-up options are given on both `#[requires_role]` and `#[requires_scope]`: \
                         keep them on one",
                    );
                    return None;
                }
                (Some(own), below) if !own.is_empty() || below.is_none() => Some(own),
                (_, below) => below,
            };
            (
                Requirement::RolesAndScopes {
                    roles: (mode, names),
                    scopes,
                },
                options,
            )
        }
        (requirement, _) => (requirement, options),
    };
    let step_up = step_up_of(options, diag)?;
    let policy = match (own_policy, siblings.policy_below) {
        (Some(arg), _) => Some(Box::new(PolicyUse { arg, consumed: None })),
        (None, Some(attr)) => Some(Box::new(PolicyUse {
            arg: policy_of(attr, diag)?,
            consumed: Some(attr.clone()),
        })),
        (None, None) => None,
    };
    Some(Plan::Guard(requirement, policy, step_up))
}

/// The scope rule and options of a `#[requires_scope(..)]` below a role attribute.
fn scope_rule_of(attr: &syn::Attribute, diag: &mut Diag) -> Option<(ModeNames, Option<StepUpArgs>)> {
    let tokens = match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => proc_macro2::TokenStream::new(),
    };
    match args::parse(Access::RequiresScope, tokens, diag)? {
        Args::Rule(subject, Rule { mode, names }, options) => {
            let names = names_of(subject, names, diag)?;
            Some(((mode, names), Some(options)))
        }
        _ => None,
    }
}

/// A rule's mode and checked names.
type ModeNames = (Mode, Vec<CheckedName>);

/// The step-up options, checked: an `acr` in the scope-token charset.
fn step_up_of(options: Option<StepUpArgs>, diag: &mut Diag) -> Option<StepUp> {
    let Some(options) = options else {
        return Some(StepUp::default());
    };
    let acr = match options.acr {
        Some(lit) => {
            let value = lit.value();
            if let Some(problem) = name_problem(&value) {
                diag.error(
                    &lit,
                    format!(
                        "acr {value:?} {problem}: an authentication context class is printable ASCII without \
                         spaces, `\"` or `\\`"
                    ),
                );
                return None;
            }
            Some(value)
        }
        None => None,
    };
    Some(StepUp {
        acr,
        max_age: options.max_age.map(|(seconds, _)| seconds),
    })
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

/// The requirement of the expanding attribute, and its step-up options.
fn requirement(args: Args, diag: &mut Diag) -> (Option<Requirement>, Option<StepUpArgs>) {
    match args {
        Args::Public => (Some(Requirement::Public), None),
        Args::Authenticated(options) => (Some(Requirement::Authenticated), Some(options)),
        Args::Rule(subject, Rule { mode, names }, options) => (
            names_of(subject, names, diag).map(|names| Requirement::Names { subject, mode, names }),
            Some(options),
        ),
        Args::Policy(_) => (Some(Requirement::Authenticated), None),
    }
}
