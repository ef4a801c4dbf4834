//! The rewritten signature: the guard becomes the handler's first parameter and, under
//! `#[requires_policy]`, the policy extractor its second.
//!
//! axum runs extractors in parameter order, so the guard answers 401 or 403 before a
//! path, query or body is read, and the policy decides only after the identity and the
//! role or scope rule have passed. Both parameters are `_` patterns: the body cannot name
//! them, and every parameter the user wrote keeps its place after them.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, Pat, PatType, PatWild, Signature, Token, Type, TypePath};

use crate::paths;

/// Inserts `_: Guard<policy>` as the first parameter; `__warden_guard: Guard<policy>`
/// when the body makes role proofs from it.
pub(super) fn insert_guard(sig: &mut Signature, policy: &Ident, named: bool) {
    let guard = paths::guard();
    let mut param = wild(quote!(#guard<#policy>));
    if named && let FnArg::Typed(typed) = &mut param {
        *typed.pat = Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: Ident::new(super::proofs::GUARD, Span::call_site()),
            subpat: None,
        });
    }
    sig.inputs.insert(0, param);
}

/// Inserts `_: PolicyCheck<ty>` as the second parameter, its type spanned at the policy
/// type as written.
pub(super) fn insert_policy_check(sig: &mut Signature, ty: &TypePath) {
    let policy_check = paths::policy_check();
    let param_ty = quote_spanned!(ty.span()=> #policy_check<#ty>);
    sig.inputs.insert(1, wild(param_ty));
}

/// The parameter `_: ty`, its `_` and `:` at the call site.
fn wild(ty: TokenStream) -> FnArg {
    let call_site = Span::call_site();
    FnArg::Typed(PatType {
        attrs: Vec::new(),
        pat: Box::new(Pat::Wild(PatWild {
            attrs: Vec::new(),
            underscore_token: Token![_](call_site),
        })),
        colon_token: Token![:](call_site),
        ty: Box::new(Type::Verbatim(ty)),
    })
}
