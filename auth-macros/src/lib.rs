//! Attribute macros of [axum-warden](https://docs.rs/axum-warden): `#[public]`,
//! `#[requires_auth]`, `#[requires_role]` and `#[requires_scope]`.
//!
//! Use them through the `axum-warden` facade (`use axum_warden::requires_role;`); the code
//! they generate names the runtime as `::axum_warden::__private::…`, so this crate is not
//! meant to be a direct dependency.
//!
//! Each attribute goes on an `async fn` handler and injects a guard as its **first**
//! parameter, so the guard runs before every other extractor: an anonymous request is
//! answered 401 before a path, query or body is parsed, and a caller without the role or
//! scope is answered 403. The requirement is a type (a hidden policy next to the handler),
//! so the guard, the route table and the generated `# Access` doc section all read the
//! same value.
//!
//! | attribute | requirement |
//! |---|---|
//! | [`#[public]`](macro@public) | none: an explicit opt-out of authentication |
//! | [`#[requires_auth]`](macro@requires_auth) | a verified identity |
//! | [`#[requires_role("admin")]`](macro@requires_role) | the role; `any(..)` / `all(..)` of several |
//! | [`#[requires_scope("orders:read")]`](macro@requires_scope) | the OAuth scope; `any(..)` / `all(..)` of several |
//! | [`#[requires_policy(OwnsArticle)]`](macro@requires_policy) | a verified identity, then an async policy that allows, answers 403, or hides with 404 |
//!
//! [`#[derive(Roles)]`](derive@Roles) declares an application's roles once, so
//! `#[requires_role(Role::Admin)]` is checked by the compiler.
//!
//! Mistakes are compile errors on the offending token, with a message that shows the fix;
//! the handler is still emitted, body untouched, so one mistake yields one error even where
//! a router mounts it.

mod args;
mod diag;
mod expand;
mod handler;
mod paths;
mod roles;
mod validate;

use proc_macro::TokenStream;

use crate::args::Access;

// Each entry point's reference after its first line (examples, arguments, what it expands
// to, the errors as compile_fail doctests, limitations) is in `doc/<entry point>.md`,
// included as the rest of its docs, so this file holds the entry points alone. Doctests
// in those files run like doctests written here.

/// Marks a handler as reachable without authentication.
///
#[doc = include_str!("../doc/public.md")]
#[proc_macro_attribute]
pub fn public(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::Public, args.into(), item.into()).into()
}

/// Requires a verified identity: any caller with valid credentials, whatever their roles.
///
#[doc = include_str!("../doc/requires_auth.md")]
#[proc_macro_attribute]
pub fn requires_auth(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresAuth, args.into(), item.into()).into()
}

/// Requires a verified identity holding a role, or any / all of several roles.
///
#[doc = include_str!("../doc/requires_role.md")]
#[proc_macro_attribute]
pub fn requires_role(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresRole, args.into(), item.into()).into()
}

/// Requires a verified identity granted an OAuth scope, or any / all of several scopes.
///
#[doc = include_str!("../doc/requires_scope.md")]
#[proc_macro_attribute]
pub fn requires_scope(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresScope, args.into(), item.into()).into()
}

/// Runs an async access policy after authentication and after any role or scope rule.
///
#[doc = include_str!("../doc/requires_policy.md")]
#[proc_macro_attribute]
pub fn requires_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresPolicy, args.into(), item.into()).into()
}

/// The type of a proof that the guard checked a declared role: `granted!(Role::Editor)`
/// is `Granted<Role, { Role::Editor as usize }>`.
///
/// A handler takes one as a parameter to receive it from its guard (the attribute
/// removes the parameter from the signature); a service function takes one to be callable
/// only where the role was checked. See `Granted` in the runtime for the rules and an
/// example.
#[proc_macro]
pub fn granted(input: TokenStream) -> TokenStream {
    expand::granted_type(input.into()).into()
}

/// Declares an application's roles once, as a fieldless enum.
///
#[doc = include_str!("../doc/derive_roles.md")]
#[proc_macro_derive(Roles, attributes(role))]
pub fn derive_roles(input: TokenStream) -> TokenStream {
    // Where the derive is written, to name the enum's hidden claim macro uniquely in the
    // crate (see `roles::emit`).
    let at = proc_macro::Span::call_site();
    let place = format!("{}:{}:{}", at.file(), at.line(), at.column());
    roles::derive(input.into(), &place).into()
}
