//! The hidden policy type: a unit struct beside the handler whose `RouteRule`
//! implementation carries the requirement, the rule kind (whether the guard needs the
//! `Warden` from router state), where the handler was declared and, under
//! `#[requires_policy]`, the policy's name.
//!
//! The guard is generic over this type, so the guard, the route table and the `# Access`
//! section all read the one requirement written here. The struct has the handler's
//! visibility, so a public handler does not expose a private type.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

use crate::args::Subject;
use crate::args::mode::Mode;
use crate::paths;
use crate::validate::{CheckedName, PolicyUse, Requirement, StepUp};

/// The struct `policy` and its `RouteRule` implementation, for the handler named `handler`
/// with visibility `vis`.
pub(super) fn policy_type(
    vis: &Visibility,
    policy: &Ident,
    handler: &Ident,
    requirement: &Requirement,
    custom: Option<&PolicyUse>,
    step_up: &StepUp,
) -> TokenStream {
    let name = handler.unraw().to_string();
    // Same visibility as the fn, so a public handler does not expose a private type; spans
    // moved to the attribute so lints about the visibility point at the fn only.
    let policy_vis = respan(vis.to_token_stream(), Span::call_site());
    let policy_trait = paths::route_rule();
    let kind = match requirement {
        Requirement::Public => paths::open(),
        Requirement::Authenticated | Requirement::Names { .. } | Requirement::RolesAndScopes { .. } => {
            paths::protected()
        }
    };
    let step_up_item = (!step_up.is_none()).then(|| {
        let ty = paths::step_up();
        let option = |value: Option<TokenStream>| match value {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let acr = option(step_up.acr.as_ref().map(|acr| quote!(#acr)));
        let max_age = option(step_up.max_age.map(|seconds| quote!(#seconds)));
        quote!(const STEP_UP: #ty = #ty { acr: #acr, max_age: #max_age };)
    });
    let custom_policy_item = custom.map(|custom| {
        let text = custom.arg.text();
        let custom_policy = quote!(::core::option::Option::Some(#text));
        quote!(const CUSTOM_POLICY: ::core::option::Option<&'static str> = #custom_policy;)
    });
    let requirement_ty = paths::requirement();
    let requirement = requirement_tokens(requirement);
    let info = paths::handler_info();
    // `line!()` spanned at the fn name reports the line of the name, not of the attribute.
    let line = quote_spanned!(handler.span()=> ::core::line!());

    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #policy_vis struct #policy;

        #[automatically_derived]
        impl #policy_trait for #policy {
            type Kind = #kind;
            const REQUIREMENT: #requirement_ty = #requirement;
            const HANDLER: #info = #info {
                name: #name,
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: #line,
            };
            #step_up_item
            #custom_policy_item
        }
    }
}

/// The requirement as a constant expression of the runtime's `Requirement`.
fn requirement_tokens(requirement: &Requirement) -> TokenStream {
    let ty = paths::requirement();
    match requirement {
        Requirement::Public => quote!(#ty::Public),
        Requirement::Authenticated => quote!(#ty::Authenticated),
        Requirement::Names { subject, mode, names } => {
            let variant = match subject {
                Subject::Role => quote!(Roles),
                Subject::Scope => quote!(Scopes),
            };
            let mode = mode_tokens(*mode);
            let names = names_tokens(names);
            quote!(#ty::#variant { mode: #mode, names: #names })
        }
        Requirement::RolesAndScopes {
            roles: (role_mode, roles),
            scopes: (scope_mode, scopes),
        } => {
            let role_mode = mode_tokens(*role_mode);
            let roles = names_tokens(roles);
            let scope_mode = mode_tokens(*scope_mode);
            let scopes = names_tokens(scopes);
            quote!(#ty::RolesAndScopes { role_mode: #role_mode, roles: #roles, scope_mode: #scope_mode, scopes: #scopes })
        }
    }
}

/// `Match::Any` or `Match::All` of the runtime.
fn mode_tokens(mode: Mode) -> TokenStream {
    let match_mode = paths::match_mode();
    match mode {
        Mode::Any => quote!(#match_mode::Any),
        Mode::All => quote!(#match_mode::All),
    }
}

/// The names as a constant `&[&str]`.
fn names_tokens(names: &[CheckedName]) -> TokenStream {
    let role_names = paths::role_names();
    let names = names.iter().map(|name| match name {
        CheckedName::Str(name) => quote!(#name),
        CheckedName::Typed(typed) => {
            // `Role::Admin` → `role_names(&Role::Admin)[Role::Admin as usize]`: a
            // misspelt variant is one error on its own token (both mentions share
            // the span), and a type that does not derive `Roles` gets the trait's
            // message.
            let path = &typed.path;
            let span = path.span();
            quote_spanned!(span=> #role_names(&#path)[#path as usize])
        }
    });
    quote!(&[#(#names),*])
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}
