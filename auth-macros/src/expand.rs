//! Code generation: the pipeline of one attribute, and what a valid one emits.
//!
//! A valid attribute emits the function with a guard as its first parameter and an
//! `# Access` section appended to its docs, then a hidden policy type naming the
//! requirement. On any error the errors follow the function, which keeps its body and
//! other attributes (the access attributes are dropped); an `async fn` also gets an open
//! stand-in guard, so a router that mounts it (`axum_warden::Router` accepts only guarded
//! handlers) does not report more errors than the one mistake.
//!
//! The parts of a valid expansion each have a file in `expand/`: the rewritten
//! [`signature`], the hidden [`policy_type`](mod@policy_type) that carries the
//! requirement, and the [`access_docs`] section. This file runs the pipeline (parse,
//! validate, then emit or report) and puts the parts together, with the items
//! `#[requires_policy]` adds beside the handler.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::Attribute;
use syn::spanned::Spanned;

use crate::args::{self, Access};
use crate::diag::Diag;
use crate::handler::{HandlerFn, Item, Shape};
use crate::paths;
use crate::validate::{self, Plan, PolicyUse, Requirement, StepUp};

mod access_docs;
mod policy_type;
mod proofs;
mod signature;

#[cfg(test)]
mod tests;

pub(crate) use self::access_docs::code;
use self::access_docs::with_access_docs;
use self::policy_type::policy_type;
pub(crate) use self::proofs::granted_type;
use self::proofs::{body_with_proofs, grants_impls, take_proofs};
use self::signature::{insert_guard, insert_policy_check};

/// Expands `#[access(args)] item`.
pub(crate) fn expand(access: Access, args: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let mut tokens = item;
            tokens.extend(error.into_compile_error());
            return tokens;
        }
    };
    let mut diag = Diag::new();
    let args = args::parse(access, args, &mut diag);
    let plan = validate::validate(access, args, &parsed, &mut diag);
    let errors = match (diag.finish(), plan) {
        (Ok(()), Some(Plan::PassThrough)) => return parsed.into_token_stream(),
        (Ok(()), Some(Plan::Guard(requirement, policy, step_up))) => match parsed.shape {
            Shape::Fn(function) => {
                return guarded(
                    parsed.attrs,
                    *function,
                    &requirement,
                    policy.as_deref(),
                    &step_up,
                    false,
                );
            }
            Shape::Other(_) => internal_error(access),
        },
        (Ok(()), None) => internal_error(access),
        (Err(errors), _) => errors,
    };
    let mut tokens = stand_in(&parsed).unwrap_or_else(|| parsed.fallback());
    tokens.extend(errors.into_compile_error());
    tokens
}

/// After a mistake in the attribute of an `async fn` handler: the handler with an open
/// guard in place of the one it asked for, so a router that mounts it (`axum_warden::Router`
/// requires a guard, and no router needs state for an open one) adds no error to the one
/// that explains the mistake. The build fails on that error, so the stand-in never runs.
/// `None` for anything else, which is emitted as written.
fn stand_in(parsed: &Item) -> Option<TokenStream> {
    let Shape::Fn(function) = &parsed.shape else {
        return None;
    };
    if function.sig.asyncness.is_none() || function.sig.receiver().is_some() {
        return None;
    }
    let (removed, kept): (Vec<&Attribute>, Vec<&Attribute>) =
        parsed.attrs.iter().partition(|attr| Access::of(attr).is_some());
    let paths = removed.iter().map(|attr| attr.path());
    let mut tokens = guarded(
        kept.into_iter().cloned().collect(),
        (**function).clone(),
        &Requirement::Public,
        None,
        &StepUp::default(),
        true,
    );
    tokens.extend(quote! {
        const _: () = {
            #(
                #[allow(unused_imports)]
                use #paths as _;
            )*
        };
    });
    Some(tokens)
}

/// Validation said "fine" without a plan, or a plan for something that is not a fn: a bug
/// of this crate. Refuse rather than emit an unguarded handler.
fn internal_error(access: Access) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!(
            "internal error in `#[{}]`: no expansion was produced; please report this at \
             https://github.com/axum-warden/axum-warden/issues",
            access.name()
        ),
    )
}

/// The guarded function and its policy type.
fn guarded(
    mut attrs: Vec<Attribute>,
    function: HandlerFn,
    requirement: &Requirement,
    custom: Option<&PolicyUse>,
    step_up: &StepUp,
    stand_in: bool,
) -> TokenStream {
    let HandlerFn { vis, mut sig, body } = function;
    // `format_ident!` drops the `r#` of raw identifiers.
    let policy = format_ident!("__warden_policy_{}", sig.ident, span = Span::call_site());
    let proofs = take_proofs(&mut sig);
    insert_guard(&mut sig, &policy, !proofs.is_empty());
    // Only a handler that asks for a proof gets the impls: the others need none, and a
    // mistake in a role path is then reported once, by the rule.
    let grants = if stand_in || proofs.is_empty() {
        TokenStream::new()
    } else {
        grants_impls(&policy, requirement)
    };
    // The policy extractor runs second: after the identity and the role or scope rule.
    let taken_over = match custom {
        Some(custom) => {
            insert_policy_check(&mut sig, &custom.arg.ty);
            policy_items(&mut attrs, custom)
        }
        None => TokenStream::new(),
    };
    // A role attribute took over the `#[requires_scope]` below it: one guard checks both.
    let scope_taken_over = match requirement {
        Requirement::RolesAndScopes { .. } => scope_items(&mut attrs),
        _ => TokenStream::new(),
    };
    let attrs = with_access_docs(attrs, requirement, custom, step_up);
    let policy_type = policy_type(&vis, &policy, &sig.ident, requirement, custom, step_up);
    let body = body_with_proofs(body, &proofs, stand_in);

    quote! {
        #(#attrs)*
        #vis #sig #body

        #policy_type

        #grants

        #taken_over

        #scope_taken_over
    }
}

/// What `#[requires_policy]` adds beside the handler: a check that the type is a policy
/// and, when a role or scope attribute took the `#[requires_policy]` below it over, a use
/// of that attribute's path (the attribute itself is dropped from `attrs`).
/// Drops the `#[requires_scope]` a role attribute took over, keeping its import used.
fn scope_items(attrs: &mut Vec<Attribute>) -> TokenStream {
    let paths: Vec<syn::Path> = attrs
        .iter()
        .filter(|attr| Access::of(attr) == Some(Access::RequiresScope))
        .map(|attr| attr.path().clone())
        .collect();
    attrs.retain(|attr| Access::of(attr) != Some(Access::RequiresScope));
    quote! {
        const _: () = {
            #(
                #[allow(unused_imports)]
                use #paths as _;
            )*
        };
    }
}

fn policy_items(attrs: &mut Vec<Attribute>, custom: &PolicyUse) -> TokenStream {
    let mut tokens = TokenStream::new();
    if let Some(consumed) = &custom.consumed {
        attrs.retain(|attr| Access::of(attr) != Some(Access::RequiresPolicy));
        // Keep the user's `use axum_warden::requires_policy;` used.
        let path = consumed.path();
        tokens.extend(quote! {
            const _: () = {
                #[allow(unused_imports)]
                use #path as _;
            };
        });
    }
    // One error, on the type, when it is not a policy (the guard's own bound
    // would add more, at spans inside the expansion).
    let ty = &custom.arg.ty;
    let access_policy = paths::access_policy();
    let check = quote_spanned!(ty.span()=> __warden_is_policy::<#ty>());
    tokens.extend(quote! {
        const _: () = {
            const fn __warden_is_policy<T: #access_policy>() {}
            #check
        };
    });
    tokens
}
