//! The step-up options (RFC 9470) that `#[requires_auth]`, `#[requires_role]` and
//! `#[requires_scope]` take after their rule: `acr = "mfa"` and `max_age = 300`.
//!
//! ```text
//! options := option ("," option)*
//! option  := "acr" "=" string literal | "max_age" "=" integer literal (seconds, > 0)
//! ```
//!
//! A chunk of the arguments that starts with `ident =` is an option; the other chunks
//! are the rule. Each option is checked for its shape here; whether an `acr` value is in
//! the scope-token charset is [`validate`](crate::validate)'s business, like a name's.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Ident, LitInt, LitStr};

use super::piece::split;
use crate::diag::Diag;

/// The options as written, each shape-checked.
#[derive(Default)]
pub(crate) struct StepUpArgs {
    /// `acr = "…"`.
    pub(crate) acr: Option<LitStr>,
    /// `max_age = N`, the seconds and the literal's span.
    pub(crate) max_age: Option<(u64, Span)>,
    /// Every option's tokens, to point at when options are not allowed.
    pub(crate) written: TokenStream,
}

impl StepUpArgs {
    /// Whether no option was written.
    pub(crate) fn is_empty(&self) -> bool {
        self.written.is_empty()
    }
}

impl std::fmt::Debug for StepUpArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepUpArgs")
            .field("acr", &self.acr.as_ref().map(LitStr::value))
            .field("max_age", &self.max_age.map(|(seconds, _)| seconds))
            .finish()
    }
}

/// How the options read, for messages.
pub(crate) const OPTIONS_USAGE: &str = "`acr = \"mfa\"` (the weakest authentication context class the route accepts) \
     or `max_age = 300` (the longest time since the caller authenticated, in seconds)";

/// Splits `args` into the rule's tokens and the options. `None` for the options means a
/// mistake in one went to `diag`.
pub(super) fn take_options(args: TokenStream, diag: &mut Diag) -> (TokenStream, Option<StepUpArgs>) {
    let mut rule = TokenStream::new();
    let mut options = StepUpArgs::default();
    let mut ok = true;
    for chunk in split(args) {
        let trees: Vec<TokenTree> = chunk.tokens.clone().into_iter().collect();
        let (Some(TokenTree::Ident(key)), Some(TokenTree::Punct(eq))) = (trees.first(), trees.get(1)) else {
            rule.extend(chunk.tokens);
            rule.extend(chunk.comma.map(TokenTree::Punct));
            continue;
        };
        if eq.as_char() != '=' || eq.spacing() != proc_macro2::Spacing::Alone {
            rule.extend(chunk.tokens);
            rule.extend(chunk.comma.map(TokenTree::Punct));
            continue;
        }
        options.written.extend(chunk.tokens.clone());
        let value: TokenStream = trees[2..].iter().cloned().collect();
        ok &= option(key, &value, &chunk.tokens, &mut options, diag);
    }
    (rule, ok.then_some(options))
}

/// One `key = value`; `false` after an error.
fn option(key: &Ident, value: &TokenStream, whole: &TokenStream, options: &mut StepUpArgs, diag: &mut Diag) -> bool {
    let twice = |diag: &mut Diag| {
        diag.error(whole, format!("`{key}` is given twice: keep one"));
        false
    };
    if key == "acr" {
        if options.acr.is_some() {
            return twice(diag);
        }
        match syn::parse2::<LitStr>(value.clone()) {
            Ok(lit) if lit.suffix().is_empty() => {
                options.acr = Some(lit);
                true
            }
            _ => {
                diag.error(
                    whole,
                    "`acr` takes one authentication context class as a string: write acr = \"mfa\"",
                );
                false
            }
        }
    } else if key == "max_age" {
        if options.max_age.is_some() {
            return twice(diag);
        }
        let seconds = syn::parse2::<LitInt>(value.clone())
            .ok()
            .filter(|lit| lit.suffix().is_empty())
            .map(|lit| (lit.base10_parse::<u64>(), lit.span()));
        match seconds {
            Some((Ok(seconds), span)) if seconds > 0 => {
                options.max_age = Some((seconds, span));
                true
            }
            _ => {
                let shown = value.to_token_stream().to_string();
                diag.error(
                    whole,
                    format!(
                        "`max_age` is a positive whole number of seconds, not `{shown}`: write max_age = 300 \
                         for five minutes"
                    ),
                );
                false
            }
        }
    } else {
        diag.error(key, format!("unknown option `{key}`: expected {OPTIONS_USAGE}"));
        false
    }
}
