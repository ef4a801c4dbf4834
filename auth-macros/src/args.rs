//! The attribute grammar: what may stand between the parentheses of an access attribute.
//!
//! ```text
//! #[public]            no arguments
//! #[requires_auth]  #[requires_auth(options)]
//! #[requires_role(rule)]  #[requires_scope(rule)]  (either: rule, options)
//! #[requires_policy(Type)]
//! options := acr = "class" | max_age = seconds, comma-separated (see [`step_up`])
//! rule  := name | any(names) | all(names)
//! names := name ("," name)* ","?
//! name  := string literal | Type::Variant (roles only: a role declared with #[derive(Roles)])
//! ```
//!
//! Parsing is lenient: the arguments are split at top-level commas and every piece is
//! classified on its own, so independent mistakes are all reported, each on its own
//! tokens, with a message that shows the corrected attribute. Whether a name is
//! acceptable (empty, charset, duplicates) is [`validate`](crate::validate)'s business.
//!
//! The grammar's parts live in `args/`, one concept a file: the attributes and what
//! their names are ([`access`]), `any`/`all` ([`mode`]), the comma-separated pieces
//! ([`piece`]), one name ([`name`]), the rule ([`rule`](mod@rule)) and its
//! `any(..)`/`all(..)` list ([`list`](mod@list)), the policy type
//! ([`policy`](mod@policy)), the fix a message shows ([`suggestion`]) and the size limit
//! every parser honours ([`token_limit`]).
//!
//! What [`parse`] takes and returns is re-exported here, and so is
//! [`policy()`](fn@policy), which validation uses on a `#[requires_policy]` it takes over.
//! The rest is reached through the module that owns it (`args::mode::Mode`,
//! `args::name::Name`): the fuzz target compiles this module and the error collector
//! alone, where a re-export that nothing uses would be an unused import.

use proc_macro2::TokenStream;

pub(crate) use self::access::{Access, Subject};
use self::piece::{Call, Piece, classify, split};
pub(crate) use self::policy::{PolicyArg, policy};
pub(crate) use self::rule::Rule;
use self::rule::rule;
pub(crate) use self::step_up::StepUpArgs;
use self::step_up::{OPTIONS_USAGE, take_options};
use self::suggestion::suggestions;
use crate::diag::Diag;

// The fuzz target `fuzz/fuzz_targets/attribute_args.rs` compiles this file by `#[path]`,
// and a file compiled that way looks for its submodules beside itself rather than in
// `args/`. An explicit path is read relative to this file's directory in both builds, so
// each submodule names its file.
#[path = "args/access.rs"]
pub(crate) mod access;
#[path = "args/list.rs"]
mod list;
#[path = "args/mode.rs"]
pub(crate) mod mode;
#[path = "args/name.rs"]
pub(crate) mod name;
#[path = "args/piece.rs"]
mod piece;
#[path = "args/policy.rs"]
mod policy;
#[path = "args/rule.rs"]
mod rule;
#[path = "args/step_up.rs"]
pub(crate) mod step_up;
#[path = "args/suggestion.rs"]
mod suggestion;
#[path = "args/token_limit.rs"]
mod token_limit;

#[cfg(test)]
#[path = "args/tests.rs"]
mod tests;

/// The arguments of one attribute, well formed.
#[derive(Debug)]
pub(crate) enum Args {
    /// `#[public]`
    Public,
    /// `#[requires_auth]`, with its step-up options
    Authenticated(StepUpArgs),
    /// `#[requires_role(..)]` or `#[requires_scope(..)]`, with their step-up options
    Rule(Subject, Rule, StepUpArgs),
    /// `#[requires_policy(..)]`
    Policy(PolicyArg),
}

/// Parses the arguments of `access`. `None` means at least one error went to `diag`.
pub(crate) fn parse(access: Access, args: TokenStream, diag: &mut Diag) -> Option<Args> {
    if access == Access::RequiresPolicy {
        return policy(args, diag).map(Args::Policy);
    }
    let (args, options) = take_options(args, diag);
    let options = options?;
    match access.subject() {
        None if access == Access::Public && !options.is_empty() => {
            diag.error(
                &options.written,
                "`#[public]` takes no step-up options: a public route authenticates no one; \
                 to require a strong or recent authentication write #[requires_auth(acr = \"mfa\")]",
            );
            None
        }
        None if args.is_empty() => Some(match access {
            Access::Public => Args::Public,
            _ => Args::Authenticated(options),
        }),
        None => {
            diag.error(&args, no_arguments_message(access, &args));
            None
        }
        Some(subject) => rule(subject, args, diag).map(|rule| Args::Rule(subject, rule, options)),
    }
}

fn no_arguments_message(access: Access, args: &TokenStream) -> String {
    // `#[requires_auth("admin")]` most likely meant a role.
    let role_rule = match classify(args) {
        Piece::Name(name) => Some(name.token().to_string()),
        Piece::Call(Call {
            mode: Some(mode),
            inner,
            ..
        }) => Some(format!(
            "{}({})",
            mode.keyword(),
            suggestions(&split(inner), Subject::Role)
        )),
        _ => None,
    };
    match (access, role_rule) {
        (Access::RequiresAuth, Some(rule)) => format!(
            "`#[requires_auth]` takes no rule: to require a role write #[requires_role({rule})]; \
             its options are {OPTIONS_USAGE}"
        ),
        (Access::RequiresAuth, None) => format!("`#[requires_auth]` takes only the options {OPTIONS_USAGE}"),
        _ => format!("`#[{name}]` takes no arguments: write #[{name}]", name = access.name()),
    }
}
