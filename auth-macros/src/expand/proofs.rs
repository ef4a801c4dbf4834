//! Role proofs: a handler parameter of type `granted!(Role::X)` is no extractor, so the
//! attribute takes it out of the signature and makes it from the guard at the top of the
//! body, where `__private::grant` asks the guard's policy type for `Grants<Role, X>`.
//! The policy type implements that for every declared role its rule guarantees: the one
//! role of a single-role rule, or each role of `all(..)`.

use proc_macro2::{Group, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, Pat, Signature, Type};

use crate::args::Subject;
use crate::args::mode::Mode;
use crate::paths;
use crate::validate::{CheckedName, Requirement};

/// The name of the guard parameter when the body needs it.
pub(super) const GUARD: &str = "__warden_guard";

/// A `granted!(..)` parameter, taken out of the signature.
pub(super) struct ProofParam {
    pat: Box<Pat>,
    ty: Box<Type>,
}

/// Takes every `granted!(..)` parameter out of `sig`, in order.
pub(super) fn take_proofs(sig: &mut Signature) -> Vec<ProofParam> {
    let mut proofs = Vec::new();
    let inputs = std::mem::take(&mut sig.inputs);
    for pair in inputs.into_pairs() {
        let (arg, punct) = pair.into_tuple();
        match arg {
            FnArg::Typed(typed) if is_proof(&typed.ty) => proofs.push(ProofParam {
                pat: typed.pat,
                ty: typed.ty,
            }),
            other => {
                sig.inputs.push_value(other);
                if let Some(punct) = punct {
                    sig.inputs.push_punct(punct);
                }
            }
        }
    }
    proofs
}

/// `granted!(..)` or `axum_warden::granted!(..)`.
fn is_proof(ty: &Type) -> bool {
    matches!(ty, Type::Macro(mac) if mac.mac.path.segments.last().is_some_and(|s| s.ident == "granted"))
}

/// The body with a `let` for each proof in front. `stand_in` is for the expansion after a
/// mistake, whose guard proves nothing: the build fails on the mistake, so the proofs are
/// left to a `panic!` that never runs instead of adding an error of their own.
pub(super) fn body_with_proofs(body: Group, proofs: &[ProofParam], stand_in: bool) -> Group {
    if proofs.is_empty() {
        return body;
    }
    let guard = Ident::new(GUARD, Span::call_site());
    let grant = paths::grant();
    let lets = proofs.iter().map(|ProofParam { pat, ty }| {
        let value = if stand_in {
            quote!(::core::panic!())
        } else {
            quote_spanned!(ty.span()=> #grant(&#guard))
        };
        quote!(let #pat: #ty = #value;)
    });
    let inner = body.stream();
    let mut group = Group::new(body.delimiter(), quote!(#(#lets)* #inner));
    group.set_span(body.span());
    group
}

/// `impl Grants<Role, { Role::X as usize }> for policy {}` for each declared role the
/// rule guarantees.
pub(super) fn grants_impls(policy: &Ident, requirement: &Requirement) -> TokenStream {
    let (mode, names) = match requirement {
        Requirement::Names {
            subject: Subject::Role,
            mode,
            names,
        }
        | Requirement::RolesAndScopes {
            roles: (mode, names), ..
        } => (*mode, names),
        _ => return TokenStream::new(),
    };
    if mode == Mode::Any && names.len() > 1 {
        return TokenStream::new();
    }
    let grants = paths::grants();
    names
        .iter()
        .filter_map(|name| match name {
            CheckedName::Typed(typed) => Some(&typed.path),
            CheckedName::Str(_) => None,
        })
        .filter_map(|path| {
            let mut enum_path = path.clone();
            enum_path.segments.pop()?;
            enum_path.segments.pop_punct();
            if enum_path.segments.is_empty() {
                return None;
            }
            let enum_path = enum_path.to_token_stream();
            Some(quote! {
                #[automatically_derived]
                impl #grants<#enum_path, { #path as usize }> for #policy {}
            })
        })
        .collect()
}

/// `granted!(Role::X)`: the type `Granted<Role, { Role::X as usize }>`.
pub(crate) fn granted_type(input: TokenStream) -> TokenStream {
    let path: syn::Path = match syn::parse2(input.clone()) {
        Ok(path) => path,
        Err(_) => return usage_error(input),
    };
    let mut enum_path = path.clone();
    if enum_path.segments.pop().is_none() {
        return usage_error(input);
    }
    enum_path.segments.pop_punct();
    if enum_path.segments.is_empty() {
        return usage_error(input);
    }
    let granted = paths::granted();
    quote!(#granted<#enum_path, { #path as usize }>)
}

fn usage_error(input: TokenStream) -> TokenStream {
    let span = if input.is_empty() {
        Span::call_site()
    } else {
        input.span()
    };
    syn::Error::new(
        span,
        "`granted!` names one declared role: granted!(Role::Editor), for a role enum with #[derive(Roles)]",
    )
    .into_compile_error()
}
