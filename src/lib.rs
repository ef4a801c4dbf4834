//! Declarative, deny-by-default access control for [axum](https://docs.rs/axum) handlers.
//!
//! A handler says what it needs in one attribute; the attribute injects a guard that runs
//! before every other extractor and answers **401** when identity is missing or invalid
//! and **403** when a verified identity lacks what the route requires.
//!
//! ```
//! use axum::{Router, routing::get};
//! use axum_warden::{Identity, Warden, public, requires_auth, requires_role};
//!
//! #[public]
//! async fn health() -> &'static str { "ok" }
//!
//! #[requires_auth]
//! async fn me(user: Identity) -> String { user.subject().to_owned() }
//!
//! #[requires_role("admin")]
//! async fn admin() -> &'static str { "welcome" }
//!
//! let warden = Warden::builder()
//!     .hmac_secret(b"a demo secret of at least 32 bytes!".to_vec())
//!     .issuer("https://issuer.example")
//!     .audience("my-api")
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/health", get(health))
//!     .route("/me", get(me))
//!     .route("/admin", get(admin))
//!     .with_state(warden);
//! # Ok::<(), axum_warden::ConfigError>(())
//! ```
//!
//! | request on a guarded route | status | `WWW-Authenticate` |
//! |---|---|---|
//! | no credentials, or a non-Bearer scheme | 401 | `Bearer realm="…"` |
//! | more than one credential | 400 | `Bearer realm="…", error="invalid_request"` |
//! | malformed, unverifiable, expired, wrong `iss`/`aud` … | 401 | `Bearer realm="…", error="invalid_token"` |
//! | valid identity, requirement not met | 403 | `Bearer realm="…", error="insufficient_scope"` |
//! | no verification key obtainable | 503 + `Retry-After` | none |
//!
//! Every refusal carries `Cache-Control: no-store` and an RFC 9457
//! `application/problem+json` body (none for `HEAD`).
//!
//! # Features
//! - `aws-lc-rs` (default): signature checks with aws-lc-rs.
//! - `rust-crypto`: signature checks with the pure-Rust RustCrypto crates. With both on,
//!   aws-lc-rs is used.
//! - `test-util`: the test kit ([`testing`]): minted tokens, answer assertions, route
//!   audits. For `[dev-dependencies]` only: it embeds published test keys.
//! - `utoipa`: writes each route's access into an OpenAPI document
//!   ([`RouteTable::apply_openapi`], [`RouteTable::to_openapi`]).

#[doc(inline)]
pub use axum_warden_macros::{Roles, public, requires_auth, requires_policy, requires_role, requires_scope};
#[doc(inline)]
pub use axum_warden_runtime::{
    AccessPolicy, Algorithm, AuthError, Authenticator, Authorize, CacheStats, Challenge, Claims, ConfigError, Decision,
    Denied, Guard, HierarchyError, Identity, IdentityBuilder, InvalidRequest, KeyFetchError, Match, MethodRouter,
    NoState, PolicyRejection, Rejection, Requirement, RoleHierarchy, RoleSource, Roles, RouteMethod, RouteRow,
    RouteTable, Router, TokenError, UnknownAlgorithm, Warden, WardenBuilder, defaults, env, install_crypto_provider,
    routing,
};

#[cfg(feature = "test-util")]
#[doc(inline)]
pub use axum_warden_runtime::testing;

#[cfg(feature = "utoipa")]
#[doc(inline)]
pub use axum_warden_runtime::{
    ACCESS_POLICY_EXTENSION, DocumentOperation, OpenApiError, OpenApiReport, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME,
    SkipReason, SkippedRoute, WardenOpenApi,
};

// The testing chapter: its code blocks run as doctests, so it cannot fall behind the API.
#[cfg(all(doctest, feature = "test-util"))]
#[doc(hidden)]
#[doc = include_str!("../docs/testing.md")]
pub struct TestingChapter;

/// The names most applications import: `use axum_warden::prelude::*;`.
pub mod prelude {
    pub use axum_warden_macros::{Roles, public, requires_auth, requires_policy, requires_role, requires_scope};
    pub use axum_warden_runtime::routing::{any, delete, get, head, options, patch, post, put, trace};
    pub use axum_warden_runtime::{AccessPolicy, Claims, Decision, Identity, Roles, Router, Warden};
}

/// What the access attributes expand to. Not a public API: names and shapes change
/// without notice.
#[doc(hidden)]
pub mod __private {
    pub use axum_warden_runtime::__private::*;
    pub use axum_warden_runtime::{AccessPolicy, Guard, Match, Requirement, Roles};
}
