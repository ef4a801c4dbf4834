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
    /// `Role` of `granted!(Role::X)`.
    enum_path: syn::Path,
    /// `Role::X`.
    role: syn::Path,
}

/// Takes every `granted!(..)` parameter out of `sig`, in order.
pub(super) fn take_proofs(sig: &mut Signature) -> Vec<ProofParam> {
    let mut proofs = Vec::new();
    let inputs = std::mem::take(&mut sig.inputs);
    for pair in inputs.into_pairs() {
        let (arg, punct) = pair.into_tuple();
        match arg {
            FnArg::Typed(typed) if let Some((enum_path, role)) = proof_role(&typed.ty) => proofs.push(ProofParam {
                pat: typed.pat,
                ty: typed.ty,
                enum_path,
                role,
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

/// The enum and the role of `granted!(Role::X)` (or `axum_warden::granted!(..)`). `None`
/// for any other type, and for a `granted!` whose argument is not such a path: that one
/// stays in the signature, where the macro's own error explains it.
fn proof_role(ty: &Type) -> Option<(syn::Path, syn::Path)> {
    let Type::Macro(mac) = ty else {
        return None;
    };
    if mac.mac.path.segments.last().is_none_or(|s| s.ident != "granted") {
        return None;
    }
    let role: syn::Path = syn::parse2(mac.mac.tokens.clone()).ok()?;
    let enum_path = enum_of(&role)?;
    Some((enum_path, role))
}

/// `Role` of `Role::X`: the path without its last segment, or `None` for a one-segment
/// path. Also where the `# Access` section finds the claim macro of a declared role.
pub(super) fn enum_of(role: &syn::Path) -> Option<syn::Path> {
    let mut enum_path = role.clone();
    enum_path.segments.pop()?;
    enum_path.segments.pop_punct();
    (!enum_path.segments.is_empty()).then_some(enum_path)
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
    let lets = proofs.iter().map(
        |ProofParam {
             pat,
             ty,
             enum_path,
             role,
         }| {
            // The role is named in the call, so a rule that does not guarantee it fails on
            // `Grants` (with its message) rather than being inferred from the one impl there is.
            let value = if stand_in {
                quote!(::core::panic!())
            } else {
                quote_spanned!(ty.span()=> #grant::<_, #enum_path, { #role as usize }>(&#guard))
            };
            quote!(let #pat: #ty = #value;)
        },
    );
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
            let enum_path = enum_of(path)?.to_token_stream();
            Some(quote! {
                #[automatically_derived]
                impl #grants<#enum_path, { #path as usize }> for #policy {}
            })
        })
        .collect()
}

/// `granted!(Role::X)`: the type `Granted<Role, { Role::X as usize }>`.
pub(crate) fn granted_type(input: TokenStream) -> TokenStream {
    let Some((path, enum_path)) = syn::parse2::<syn::Path>(input.clone())
        .ok()
        .and_then(|path| enum_of(&path).map(|enum_path| (path, enum_path)))
    else {
        return usage_error(input);
    };
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
