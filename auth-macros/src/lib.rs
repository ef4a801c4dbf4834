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

/// Marks a handler as reachable without authentication.
///
/// Deny by default means every route states what it needs, and `#[public]` is the explicit
/// "nothing". Its guard reads no router state, so public handlers also work on routers
/// that have no `Warden`.
///
/// # Examples
///
/// ```
/// use axum::{Router, routing::get};
/// use axum_warden::public;
///
/// /// Liveness probe.
/// #[public]
/// async fn health() -> &'static str {
///     "ok"
/// }
///
/// let app: Router = Router::new().route("/health", get(health));
/// ```
///
/// # Arguments
///
/// None. `#[public]` excludes every other access attribute.
///
/// # Expands to
///
/// The handler with a guard as its first parameter and an `# Access` doc section, then a
/// hidden policy type (shown here as it compiles; the names under `__private` are not a
/// public API):
///
/// ```
/// /// Liveness probe.
/// ///
/// /// # Access
/// ///
/// /// Public: no authentication.
/// async fn health(_: ::axum_warden::__private::Guard<__warden_policy_health>) -> &'static str {
///     "ok"
/// }
///
/// #[doc(hidden)]
/// #[allow(non_camel_case_types)]
/// struct __warden_policy_health;
///
/// #[automatically_derived]
/// impl ::axum_warden::__private::RouteRule for __warden_policy_health {
///     type Kind = ::axum_warden::__private::Open;
///     const REQUIREMENT: ::axum_warden::__private::Requirement =
///         ::axum_warden::__private::Requirement::Public;
///     const HANDLER: ::axum_warden::__private::HandlerInfo = ::axum_warden::__private::HandlerInfo {
///         name: "health",
///         module: ::core::module_path!(),
///         file: ::core::file!(),
///         line: ::core::line!(),
///     };
/// }
/// # let _ = axum::Router::<()>::new().route("/health", axum::routing::get(health));
/// ```
///
/// # Errors
///
/// Arguments are refused:
///
/// ```compile_fail
/// #[axum_warden::public(anonymous)] // error: `#[public]` takes no arguments: write #[public]
/// async fn health() -> &'static str { "ok" }
/// ```
///
/// So is any other access attribute on the same handler:
///
/// ```compile_fail
/// use axum_warden::{public, requires_role};
///
/// #[public]
/// #[requires_role("admin")] // error: `#[public]` excludes every other access attribute …
/// async fn health() -> &'static str { "ok" }
/// ```
///
/// And, as for every access attribute, anything but a free `async fn`:
///
/// ```compile_fail
/// #[axum_warden::public]
/// fn health() -> &'static str { "ok" } // error on `fn`: add `async` before `fn`
/// ```
///
/// # Limitations
///
/// See [`requires_role`](macro@requires_role#limitations); they apply to every attribute.
#[proc_macro_attribute]
pub fn public(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::Public, args.into(), item.into()).into()
}

/// Requires a verified identity: any caller with valid credentials, whatever their roles.
///
/// Requests without credentials, or with credentials that do not verify, are answered
/// **401** before any other extractor runs. The verified identity is then available to
/// the `Identity` and `Claims<T>` extractors without a second verification.
///
/// # Examples
///
/// ```
/// use axum::{Router, routing::get};
/// use axum_warden::{Identity, Warden, requires_auth};
///
/// #[requires_auth]
/// async fn me(user: Identity) -> String {
///     user.subject().to_owned()
/// }
///
/// fn app(warden: Warden) -> Router {
///     Router::new().route("/me", get(me)).with_state(warden)
/// }
/// ```
///
/// Stacked above `#[requires_role]` or `#[requires_scope]` it reads as "authenticate
/// first, authorize second" and changes nothing (a role or scope implies authentication):
///
/// ```
/// use axum_warden::{requires_auth, requires_role};
///
/// #[requires_auth]
/// #[requires_role(all("admin", "auditor"))]
/// async fn audit() -> &'static str {
///     "audit log"
/// }
/// # let _ = axum::Router::<axum_warden::Warden>::new().route("/audit", axum::routing::get(audit));
/// ```
///
/// # Arguments
///
/// None. To require a role or a scope, use [`requires_role`](macro@requires_role) or
/// [`requires_scope`](macro@requires_scope).
///
/// # Expands to
///
/// As [`#[public]`](macro@public#expands-to), with `Kind = Protected` (the guard takes
/// the `Warden` from router state), `REQUIREMENT = Requirement::Authenticated`, and the
/// doc section "Requires a verified identity. Answers 401 without valid credentials."
///
/// # Errors
///
/// ```compile_fail
/// #[axum_warden::requires_auth("admin")] // error: … to require a role write #[requires_role("admin")]
/// async fn me() {}
/// ```
///
/// ```compile_fail
/// use axum_warden::{requires_auth, requires_role};
///
/// #[requires_role("admin")]
/// #[requires_auth] // error: `#[requires_auth]` must be above `#[requires_role]`: authenticate first, authorize second
/// async fn admin() {}
/// ```
///
/// # Limitations
///
/// See [`requires_role`](macro@requires_role#limitations).
#[proc_macro_attribute]
pub fn requires_auth(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresAuth, args.into(), item.into()).into()
}

/// Requires a verified identity holding a role, or any / all of several roles.
///
/// Requests without valid credentials are answered **401**; a verified caller without the
/// role is answered **403** with `error="insufficient_scope"`. Both happen before any
/// other extractor runs. Roles come from the claim the `Warden` is configured with
/// (`roles` by default) and match exactly, case-sensitively.
///
/// # Examples
///
/// ```
/// use axum::extract::Path;
/// use axum::http::StatusCode;
/// use axum::{Router, routing::{delete, get, post}};
/// use axum_warden::{Warden, requires_role};
///
/// /// Deletes a user.
/// #[requires_role("admin")]
/// pub async fn delete_user(Path(id): Path<u64>) -> StatusCode {
///     let _ = id;
///     StatusCode::NO_CONTENT
/// }
///
/// #[requires_role(any("editor", "admin"))]
/// async fn publish() -> StatusCode {
///     StatusCode::CREATED
/// }
///
/// #[requires_role(all("admin", "auditor"))]
/// async fn audit_log() -> &'static str {
///     "audit log"
/// }
///
/// fn app(warden: Warden) -> Router {
///     Router::new()
///         .route("/users/{id}", delete(delete_user))
///         .route("/articles", post(publish))
///         .route("/audit", get(audit_log))
///         .with_state(warden)
/// }
/// ```
///
/// # Arguments
///
/// Exactly one rule:
///
/// | rule | the caller needs |
/// |---|---|
/// | `"admin"` | the role `admin` |
/// | `any("editor", "admin")` | at least one of the roles |
/// | `all("admin", "auditor")` | every one of the roles |
///
/// Role names are non-empty string literals made of printable ASCII without spaces, `"`
/// or `\` (the RFC 6750 scope-token characters), each listed once, or roles declared
/// with [`#[derive(Roles)]`](derive@Roles): `Role::Admin`, `any(Role::Editor, Role::Admin)`.
/// A declared role is checked by the compiler, so a misspelt one is an error on the
/// misspelt token; the two forms mix in one list.
///
/// # Expands to
///
/// ```
/// # use axum::{extract::Path, http::StatusCode};
/// /// Deletes a user.
/// ///
/// /// # Access
/// ///
/// /// Requires role `admin`. Answers 401 without valid credentials and 403 when the caller lacks the role.
/// pub async fn delete_user(
///     _: ::axum_warden::__private::Guard<__warden_policy_delete_user>,
///     Path(id): Path<u64>,
/// ) -> StatusCode {
///     let _ = id;
///     StatusCode::NO_CONTENT
/// }
///
/// #[doc(hidden)]
/// #[allow(non_camel_case_types)]
/// pub struct __warden_policy_delete_user; // the handler's visibility
///
/// #[automatically_derived]
/// impl ::axum_warden::__private::RouteRule for __warden_policy_delete_user {
///     type Kind = ::axum_warden::__private::Protected;
///     const REQUIREMENT: ::axum_warden::__private::Requirement =
///         ::axum_warden::__private::Requirement::Roles {
///             mode: ::axum_warden::__private::Match::Any,
///             names: &["admin"],
///         };
///     const HANDLER: ::axum_warden::__private::HandlerInfo = ::axum_warden::__private::HandlerInfo {
///         name: "delete_user",
///         module: ::core::module_path!(),
///         file: ::core::file!(),
///         line: ::core::line!(), // the line of the fn name
///     };
/// }
/// # let _ = axum::Router::<axum_warden::Warden>::new().route("/users/{id}", axum::routing::delete(delete_user));
/// ```
///
/// Every other attribute of the handler (docs, `#[allow]`, `#[tracing::instrument]`,
/// `#[axum::debug_handler]` …) is kept in place. `#[cfg]` is resolved by the compiler
/// before any attribute macro runs, so a configured-out handler has no policy type either.
///
/// # Errors
///
/// Each mistake is one error on the offending token; the message shows the fix.
///
/// ```compile_fail
/// #[axum_warden::requires_role(admin)] // error: role names are string literals, e.g. #[requires_role("admin")]
/// async fn admin() {}
/// ```
///
/// ```compile_fail
/// #[axum_warden::requires_role("editor", "admin")] // error: … write #[requires_role(any("editor", "admin"))] …
/// async fn publish() {}
/// ```
///
/// ```compile_fail
/// #[axum_warden::requires_role(one_of("editor", "admin"))] // error: unknown rule `one_of` …: expected `any` or `all`
/// async fn publish() {}
/// ```
///
/// ```compile_fail
/// #[axum_warden::requires_role("super admin")] // error: role name "super admin" contains a space …
/// async fn admin() {}
/// ```
///
/// ```compile_fail
/// use axum_warden::requires_role;
///
/// #[requires_role("admin")]
/// #[requires_role("auditor")] // error: … e.g. #[requires_role(all("editor", "admin"))] to require all of them
/// async fn audit() {}
/// ```
///
/// Also refused: an empty name, a name listed twice, an empty `any()` / `all()`, a missing
/// rule, `#[requires_scope]` on the same handler, `#[requires_auth]` below this attribute,
/// and anything but a free `async fn` without `self`.
///
/// # Limitations
///
/// These apply to every access attribute.
///
/// - **Free `async fn` items only.** Not methods (no `self`), and not associated
///   functions inside an `impl` block: the policy type is emitted next to the function,
///   where an `impl` block cannot hold it.
/// - **The guard is the first parameter.** It must run before `Path`, `Query`, `Json` and
///   the rest, so the attributes do not fit functions whose first parameter is fixed by
///   someone else. Calling the handler directly takes a guard as the first argument: in
///   tests, `axum_warden::testing::unchecked_guard()` (feature `test-util`) is one that
///   checked nothing.
/// - **`#[axum::debug_handler]` goes below.** Put the access attribute above it so
///   `debug_handler` sees the guard, and give `debug_handler` a state that provides a
///   `Warden`: `#[axum::debug_handler(state = axum_warden::Warden)]` (or your own state
///   type with `Warden: FromRef<YourState>`).
/// - **A router without a `Warden` fails with a type mismatch.** rustc infers the state
///   of a guarded handler from the guard, so mounting one on a router whose state has no
///   `Warden` reads ``expected `MethodRouter<AppState>`, found `MethodRouter<Warden>` ``
///   rather than a note on the missing state: the fix is `.with_state(warden)`, or a
///   `Warden` field in the state with `#[derive(FromRef)]`.
/// - **The crate must be reachable as `axum_warden`.** Generated code names
///   `::axum_warden::__private`; renaming the dependency in `Cargo.toml` breaks it.
/// - **One rule per route.** Roles and scopes cannot be combined on one handler.
#[proc_macro_attribute]
pub fn requires_role(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresRole, args.into(), item.into()).into()
}

/// Requires a verified identity granted an OAuth scope, or any / all of several scopes.
///
/// Scopes come from the token's `scope` claim (space-delimited) or `scp` (an array),
/// matched exactly. Requests without valid credentials are answered **401**; a verified
/// caller without the scope is answered **403** with
/// `WWW-Authenticate: Bearer …, error="insufficient_scope", scope="…"` naming the scopes
/// to obtain. Both happen before any other extractor runs.
///
/// # Examples
///
/// ```
/// use axum::{Json, Router, routing::get};
/// use axum_warden::{Warden, requires_scope};
///
/// #[requires_scope("orders:read")]
/// async fn orders() -> Json<Vec<u64>> {
///     Json(vec![1, 2, 3])
/// }
///
/// #[requires_scope(all("orders:read", "orders:write"))]
/// async fn reorder(Json(ids): Json<Vec<u64>>) -> Json<Vec<u64>> {
///     Json(ids)
/// }
///
/// fn app(warden: Warden) -> Router {
///     Router::new().route("/orders", get(orders).put(reorder)).with_state(warden)
/// }
/// ```
///
/// # Arguments
///
/// Exactly one rule, with the same grammar as [`requires_role`](macro@requires_role#arguments):
/// `"orders:read"`, `any("orders:read", "orders:admin")` or `all("orders:read", "orders:write")`.
/// Scope names are non-empty RFC 6750 scope tokens (printable ASCII without spaces, `"` or
/// `\`), each listed once.
///
/// # Expands to
///
/// As [`requires_role`](macro@requires_role#expands-to), with
/// `REQUIREMENT = Requirement::Scopes { mode, names }` and the doc section
/// "Requires the OAuth scope `orders:read`. Answers 401 without valid credentials and 403
/// with `error="insufficient_scope"` when the caller lacks the scope."
///
/// # Errors
///
/// As for [`requires_role`](macro@requires_role#errors), for example:
///
/// ```compile_fail
/// #[axum_warden::requires_scope("orders read")] // error: scope name "orders read" contains a space …
/// async fn orders() {}
/// ```
///
/// ```compile_fail
/// #[axum_warden::requires_scope(any())] // error: `any()` needs at least one scope …
/// async fn orders() {}
/// ```
///
/// ```compile_fail
/// use axum_warden::{requires_role, requires_scope};
///
/// #[requires_scope("orders:read")]
/// #[requires_role("admin")] // error: `#[requires_role]` and `#[requires_scope]` cannot be combined …
/// async fn orders() {}
/// ```
///
/// # Limitations
///
/// See [`requires_role`](macro@requires_role#limitations).
#[proc_macro_attribute]
pub fn requires_scope(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresScope, args.into(), item.into()).into()
}

/// Runs an async access policy after authentication and after any role or scope rule.
///
/// The policy is a type implementing `axum_warden::AccessPolicy`: it sees the verified
/// identity, the request head (so `Path` and other extractors can run on it) and the
/// application state, and decides `Allow`, `Forbid` (**403**) or `Hide` (**404**, the
/// answer of a route that does not exist). It appears by name in the route table.
///
/// # Examples
///
/// ```
/// use axum::extract::{FromRequestParts, Path};
/// use axum_warden::{AccessPolicy, Decision, Identity, NoState, Warden, requires_policy, requires_role};
/// use axum::http::request::Parts;
///
/// /// Callers may read their own account only.
/// struct OwnAccount;
///
/// impl AccessPolicy for OwnAccount {
///     type State = NoState;
///
///     async fn check(identity: &Identity, parts: &mut Parts, _: &NoState) -> Decision {
///         match Path::<String>::from_request_parts(parts, &()).await {
///             Ok(Path(id)) => Decision::allow_or_hide(id == identity.subject()),
///             Err(_) => Decision::Hide,
///         }
///     }
/// }
///
/// #[requires_policy(OwnAccount)]
/// async fn account(Path(id): Path<String>) -> String {
///     id
/// }
///
/// // Roles first, then the policy: the role attribute goes above.
/// #[requires_role("support")]
/// #[requires_policy(OwnAccount)]
/// async fn close_account(Path(id): Path<String>) -> String {
///     id
/// }
/// # let _ = axum::Router::<Warden>::new()
/// #     .route("/accounts/{id}", axum::routing::get(account).delete(close_account));
/// ```
///
/// # Arguments
///
/// One type path. Several checks belong in one policy type.
///
/// # Expands to
///
/// As [`#[requires_auth]`](macro@requires_auth) (or the role or scope attribute above it),
/// with `_: PolicyCheck<OwnAccount>` as the handler's second parameter, right after the
/// guard, and `const CUSTOM_POLICY = Some("OwnAccount")` on the hidden policy type.
///
/// # Errors
///
/// ```compile_fail
/// struct NotAPolicy;
///
/// #[axum_warden::requires_policy(NotAPolicy)] // error: `NotAPolicy` is not an access policy
/// async fn account() {}
/// # let _ = axum::Router::<axum_warden::Warden>::new().route("/", axum::routing::get(account));
/// ```
///
/// ```compile_fail
/// use axum_warden::{public, requires_policy};
/// # struct P;
///
/// #[public]
/// #[requires_policy(P)] // error: `#[public]` excludes every other access attribute …
/// async fn health() {}
/// ```
///
/// Also refused: a string instead of a type, two policies, `#[requires_policy]` above a
/// role, scope or `#[requires_auth]` attribute, and anything but a free `async fn`.
///
/// # Limitations
///
/// Those of [`requires_role`](macro@requires_role#limitations), and:
///
/// - **One policy per handler.** Combine checks inside one `AccessPolicy` type.
/// - **The policy runs on every request.** Its decision is not cached; a policy that
///   looks something up pays for the lookup each time.
/// - **The route table names the policy, not what it checks.** A reviewer sees
///   `OwnAccount` beside the route and reads the type to know the rule.
/// - **`Hide` hides from the guard's answers only.** Other routes (or timing) may still
///   reveal that a resource exists.
#[proc_macro_attribute]
pub fn requires_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Access::RequiresPolicy, args.into(), item.into()).into()
}

/// Declares an application's roles once, as a fieldless enum.
///
/// Each variant is a role whose claim string is its name in `snake_case`, or the string
/// of `#[role("name")]`. `#[role(includes(Editor, Viewer))]` declares the hierarchy:
/// `Role::hierarchy()` hands it to `WardenBuilder::role_hierarchy`. Then
/// `#[requires_role(Role::Admin)]`, `any(Role::Editor, Role::Admin)` and `all(..)` name
/// variants, so a misspelt role is a compile error on the misspelt token.
///
/// Why a derive rather than a declaration macro (`roles! { Admin, Editor }`): the enum is
/// ordinary Rust that the application already reads and writes — rustdoc, `match`,
/// `serde` and other derives work on it unchanged — and the compiler itself resolves
/// `Role::Admin` in an attribute, so a typo is rustc's own "no variant named" error with
/// its spelling suggestion, on the mistyped token. A declaration macro would invent a
/// syntax of its own for what an enum already says.
///
/// # Examples
///
/// ```
/// use axum_warden::{Roles, Warden, requires_role};
///
/// #[derive(Clone, Copy, Debug, Roles)]
/// enum Role {
///     #[role(includes(Editor))]
///     Admin,
///     #[role(includes(Viewer))]
///     Editor,
///     Viewer,
///     #[role("billing-admin")]
///     Billing,
/// }
///
/// #[requires_role(Role::Viewer)]
/// async fn articles() {}
///
/// #[requires_role(any(Role::Admin, Role::Billing))]
/// async fn invoices() {}
///
/// assert_eq!(Role::Billing.name(), "billing-admin");
/// let warden = Warden::builder().hmac_secret(vec![7; 32]).role_hierarchy(Role::hierarchy()).build()?;
/// # let _ = axum::Router::<Warden>::new().route("/a", axum::routing::get(articles)).route("/i", axum::routing::get(invoices));
/// # Ok::<(), axum_warden::ConfigError>(())
/// ```
///
/// # Errors
///
/// ```compile_fail
/// # use axum_warden::{Roles, requires_role};
/// #[derive(Clone, Copy, Roles)]
/// enum Role { Admin }
///
/// #[requires_role(Role::Admn)] // error: no variant or associated item named `Admn`
/// async fn admin() {}
/// ```
///
/// ```compile_fail
/// # use axum_warden::Roles;
/// #[derive(Clone, Copy, Roles)]
/// enum Role {
///     #[role(includes(Editor))]
///     Admin,
///     #[role(includes(Admin))] // error: the role hierarchy has a cycle: Admin includes Editor includes Admin
///     Editor,
/// }
/// ```
///
/// Also refused: variants with fields or explicit discriminants, generics, names outside
/// the RFC 6750 scope-token characters, two roles with one name, and `includes` of a
/// variant that does not exist.
///
/// # Arguments
///
/// On a variant, `#[role(..)]` takes, in any order and each at most once:
///
/// - a string literal: the claim string (default: the variant name in `snake_case`,
///   `SuperAdmin` → `super_admin`);
/// - `includes(A, B, ..)`: the variants this role also grants. The relation is
///   transitive and may form diamonds; a cycle is a compile error that prints it.
///
/// # Expands to
///
/// An implementation of `axum_warden::Roles`:
///
/// ```text
/// impl Roles for Role {
///     const NAMES: &'static [&'static str] = &["admin", "editor", "viewer", "billing-admin"];
///     const INCLUDES: &'static [&'static [&'static str]] = &[&["editor"], &["viewer"], &[], &[]];
///     fn name(&self) -> &'static str { match self { Self::Admin => "admin", .. } }
/// }
/// ```
///
/// and `Roles` provides `Role::hierarchy()`. `#[requires_role(Role::Admin)]` reads the
/// claim string from `NAMES` at compile time, so the route table and the guard hold
/// plain strings, and a check costs what a string role costs.
///
/// # Limitations
///
/// - **Fieldless enums without generics or explicit discriminants** (the variant index
///   selects the name).
/// - **The hierarchy is applied only when it is handed to the warden**
///   (`.role_hierarchy(Role::hierarchy())`); the derive cannot reach the configuration.
/// - **Names come from the token as they are.** Roles the enum does not declare still
///   reach `Identity::roles()`; only the checks written with the enum are typo-proof.
#[proc_macro_derive(Roles, attributes(role))]
pub fn derive_roles(input: TokenStream) -> TokenStream {
    roles::derive(input.into()).into()
}
