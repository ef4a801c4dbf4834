//! The other access attributes on the same handler, and the order they must come in.
//!
//! Attribute macros expand from the top, so when one runs, the access attributes still on
//! the item are all below it. The rules: each attribute appears once; `#[public]` stands
//! alone; the order from the top is `#[requires_auth]`, `#[requires_role]`,
//! `#[requires_scope]`, `#[requires_policy]`, the order the checks run in (authenticate
//! first, then roles, then scopes, then the application's policy). `#[requires_auth]`
//! above the others leaves the work to them; the highest of the rest takes over the ones
//! below it, so one guard checks the whole stack.

use crate::args::mode::Mode;
use crate::args::{Access, Subject};
use crate::diag::Diag;
use crate::handler::Item;

/// What the attributes below the expanding one ask of it.
pub(super) struct Siblings<'a> {
    /// A role, scope or policy attribute below `#[requires_auth]`: it does the work.
    pub(super) authorizer_below: bool,
    /// `#[requires_policy]` below a role or scope attribute: taken over by it.
    pub(super) policy_below: Option<&'a syn::Attribute>,
    /// `#[requires_scope]` below a role attribute: taken over by it.
    pub(super) scope_below: Option<&'a syn::Attribute>,
}

/// The other access attributes on the item, all below the one being expanded (those
/// above it have expanded already): what they ask of it, or `None` after an error.
pub(super) fn check_siblings<'a>(access: Access, item: &'a Item, diag: &mut Diag) -> Option<Siblings<'a>> {
    use Access::{Public, RequiresAuth, RequiresPolicy, RequiresRole, RequiresScope};
    let mut ok = true;
    let mut authorizer_below = false;
    let mut policy_below = None;
    let mut scope_below = None;
    for (other, attr) in item.access_attrs() {
        let message = match (access, other) {
            (Public, Public) | (RequiresAuth, RequiresAuth) | (RequiresPolicy, RequiresPolicy) => {
                format!(
                    "`#[{name}]` appears twice on this handler: remove this one",
                    name = access.name()
                )
            }
            (RequiresRole, RequiresScope) if scope_below.is_none() => {
                scope_below = Some(attr);
                continue;
            }
            (RequiresRole, RequiresRole) | (RequiresScope, RequiresScope) | (RequiresRole, RequiresScope) => {
                let access = other;
                let subject = if access == RequiresRole {
                    Subject::Role
                } else {
                    Subject::Scope
                };
                format!(
                    "`#[{name}]` appears twice on this handler: list every {noun} in one attribute, \
                     e.g. {all} to require all of them",
                    name = access.name(),
                    noun = subject.noun(),
                    all = subject.list_example(Mode::All),
                )
            }
            (Public, _) | (_, Public) => format!(
                "`#[public]` excludes every other access attribute: keep either `#[public]` or `#[{other}]`",
                other = if access == Public { other.name() } else { access.name() },
            ),
            (RequiresAuth, RequiresRole | RequiresScope | RequiresPolicy) => {
                authorizer_below = true;
                continue;
            }
            (RequiresRole | RequiresScope, RequiresPolicy) => {
                policy_below = Some(attr);
                continue;
            }
            (RequiresPolicy, RequiresRole | RequiresScope) => format!(
                "`#[requires_policy]` must be below `#[{name}]`: the {noun} is checked first, then the policy",
                name = other.name(),
                noun = if other == RequiresRole { "role" } else { "scope" },
            ),
            (RequiresRole | RequiresScope | RequiresPolicy, RequiresAuth) => format!(
                "`#[requires_auth]` must be above `#[{name}]`: authenticate first, authorize second",
                name = access.name(),
            ),
            (RequiresScope, RequiresRole) => "`#[requires_role]` must be above `#[requires_scope]`: roles are \
                 checked first, then scopes; write #[requires_role(..)] on the line above #[requires_scope(..)]"
                .to_owned(),
        };
        diag.error(attr, message);
        ok = false;
    }
    ok.then_some(Siblings {
        authorizer_below,
        policy_below,
        scope_below,
    })
}
