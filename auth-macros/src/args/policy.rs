//! The argument of `#[requires_policy]`: one type path, the policy type.
//!
//! A string, a second type and anything that is not a plain type path are refused, each
//! with a message that shows `#[requires_policy(OwnsArticle)]`. The type is read only when
//! it is within the token limit.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::Lit;

use super::piece::split;
use super::token_limit::{MAX_ARGUMENT_TOKENS, token_count};
use crate::diag::Diag;

/// The type of `#[requires_policy(Type)]`.
pub(crate) struct PolicyArg {
    /// The type as written.
    pub(crate) ty: syn::TypePath,
}

impl std::fmt::Debug for PolicyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PolicyArg").field(&self.text()).finish()
    }
}

impl PolicyArg {
    /// The type as written, for the route table.
    pub(crate) fn text(&self) -> String {
        self.ty.to_token_stream().to_string().replace(' ', "")
    }
}

/// Parses the arguments of `#[requires_policy]`: one type path.
pub(crate) fn policy(args: TokenStream, diag: &mut Diag) -> Option<PolicyArg> {
    const EXAMPLE: &str = "#[requires_policy(OwnsArticle)]";
    let pieces = split(args.clone());
    let [first, rest @ ..] = pieces.as_slice() else {
        diag.error_at(
            Span::call_site(),
            format!("`#[requires_policy]` needs a policy type: write {EXAMPLE}"),
        );
        return None;
    };
    if let Some(second) = rest.first() {
        diag.error(
            second.span_tokens(),
            format!(
                "`#[requires_policy]` takes one policy type: write one policy that combines the checks, e.g. {EXAMPLE}"
            ),
        );
        return None;
    }
    // syn's parsers recurse per nesting level and a proc macro runs on the compiler's
    // stack, so an argument far longer than any type path is refused unread.
    let small = token_count(&first.tokens) <= MAX_ARGUMENT_TOKENS;
    if small && let Ok(Lit::Str(lit)) = syn::parse2::<Lit>(first.tokens.clone()) {
        diag.error(
            &first.tokens,
            format!(
                "a policy is a type, not a string: write #[requires_policy({})]",
                lit.value()
            ),
        );
        return None;
    }
    let parsed = if small {
        syn::parse2::<syn::TypePath>(first.tokens.clone()).ok()
    } else {
        None
    };
    match parsed {
        Some(ty) if ty.qself.is_none() => Some(PolicyArg { ty }),
        _ => {
            diag.error(
                &first.tokens,
                format!("expected the name of a type implementing `AccessPolicy`, e.g. {EXAMPLE}"),
            );
            None
        }
    }
}
