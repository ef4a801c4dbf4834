//! Absolute paths of the runtime items the expansion names.
//!
//! Generated code reaches the runtime only through `::axum_warden::__private`, the facade's
//! hidden re-export module, so users depend on `axum-warden` alone.

use proc_macro2::TokenStream;
use quote::quote;

/// `::axum_warden::__private`.
fn private() -> TokenStream {
    quote!(::axum_warden::__private)
}

/// The guard extractor, `Guard<P>`.
pub(crate) fn guard() -> TokenStream {
    let private = private();
    quote!(#private::Guard)
}

/// The trait every generated policy type implements.
pub(crate) fn route_rule() -> TokenStream {
    let private = private();
    quote!(#private::RouteRule)
}

/// The requirement enum (`Public`, `Authenticated`, `Roles { .. }`, `Scopes { .. }`).
pub(crate) fn requirement() -> TokenStream {
    let private = private();
    quote!(#private::Requirement)
}

/// The proof type of `granted!`.
pub(crate) fn granted() -> TokenStream {
    let private = private();
    quote!(#private::Granted)
}

/// What a policy type implements for each role its rule guarantees.
pub(crate) fn grants() -> TokenStream {
    let private = private();
    quote!(#private::Grants)
}

/// Makes a proof from a guard.
pub(crate) fn grant() -> TokenStream {
    let private = private();
    quote!(#private::grant)
}

/// What `#[derive(Roles)]` implements for each pair of including and included roles.
pub(crate) fn includes() -> TokenStream {
    let private = private();
    quote!(#private::Includes)
}

/// The step-up requirement of a route (RFC 9470).
pub(crate) fn step_up() -> TokenStream {
    let private = private();
    quote!(#private::StepUp)
}

/// The any/all enum of role and scope lists.
pub(crate) fn match_mode() -> TokenStream {
    let private = private();
    quote!(#private::Match)
}

/// Where a handler was declared.
pub(crate) fn handler_info() -> TokenStream {
    let private = private();
    quote!(#private::HandlerInfo)
}

/// Rule kind of `#[public]`: the guard reads no router state.
pub(crate) fn open() -> TokenStream {
    let private = private();
    quote!(#private::Open)
}

/// Rule kind of every other attribute: the guard takes the `Warden` from router state.
pub(crate) fn protected() -> TokenStream {
    let private = private();
    quote!(#private::Protected)
}

/// The extractor that runs a `#[requires_policy]` policy.
pub(crate) fn policy_check() -> TokenStream {
    let private = private();
    quote!(#private::PolicyCheck)
}

/// `role_names(&Role::Admin)`: the names of a declared role's type.
pub(crate) fn role_names() -> TokenStream {
    let private = private();
    quote!(#private::role_names)
}

/// The trait of `#[requires_policy]` types.
pub(crate) fn access_policy() -> TokenStream {
    let private = private();
    quote!(#private::AccessPolicy)
}

/// The trait `#[derive(Roles)]` implements.
pub(crate) fn roles() -> TokenStream {
    let private = private();
    quote!(#private::Roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute_through_the_private_module() {
        for path in [
            guard(),
            route_rule(),
            requirement(),
            match_mode(),
            handler_info(),
            open(),
            protected(),
            policy_check(),
            roles(),
            role_names(),
            access_policy(),
        ] {
            assert!(path.to_string().starts_with(":: axum_warden :: __private ::"), "{path}");
        }
    }
}
