//! The runtime of [axum-warden](https://docs.rs/axum-warden): identity, credential parsing,
//! JWT verification, the [`Guard`] extractor, requirements and rejections.
//!
//! Applications depend on the `axum-warden` facade, which re-exports what they need; this
//! crate is what the access attributes expand to.
//!
//! # Layers
//!
//! Dependencies between the modules point one way, downward (`scripts/check-layers`
//! fails the build on a cycle or an upward import):
//!
//! | layer | modules | what they own |
//! |---|---|---|
//! | 6 | `openapi`, `openapi_aide`, `permissions`, `invariants`, `review`, `testing` | documents (utoipa, aide, the effective-permissions matrix), access invariants, the review of a permission change, and the test kit, from the route table |
//! | 5 | `config` | [`WardenBuilder`], the environment, [`ConfigError`]: the only place that names settings |
//! | 4 | `http` | credentials, the [`Guard`], policies, answers, the [`Router`] and [`RouteTable`], the [`Warden`] |
//! | 3 | `verifier` | one verification over the trusted issuers (the one a token's `iss` selects), and the verified-token cache they share |
//! | 2 | `key_source` | static and remote key sets, fetch, background refresh |
//! | 1 | `token` | compact JWS, strict JSON, claim rules, role sources, keys |
//! | 0 | `error`, `identity`, `requirement`, `roles`, `algorithm`, `defaults` | the vocabulary |
//!
//! ```
//! use axum::{Router, routing::get};
//! use axum_warden_runtime::__private::{HandlerInfo, Protected, RouteRule};
//! use axum_warden_runtime::{Guard, Identity, Match, Requirement, Warden};
//!
//! struct Admins;
//! impl RouteRule for Admins {
//!     type Kind = Protected;
//!     const REQUIREMENT: Requirement = Requirement::Roles { mode: Match::Any, names: &["admin"] };
//!     const HANDLER: HandlerInfo =
//!         HandlerInfo { name: "dashboard", module: module_path!(), file: file!(), line: line!() };
//! }
//!
//! async fn dashboard(_: Guard<Admins>, user: Identity) -> String {
//!     format!("hello {}", user.subject())
//! }
//!
//! let warden = Warden::builder().hmac_secret(vec![7; 32]).build()?;
//! let app: Router = Router::new().route("/dashboard", get(dashboard)).with_state(warden);
//! # Ok::<(), axum_warden_runtime::ConfigError>(())
//! ```
//!
//! # Limits
//!
//! Every input a client or an identity provider controls is bounded, with these defaults
//! (the [limits table](WardenBuilder#limits) says what happens over each and which
//! builder method changes it):
//!
//! - bearer token, and the credential of the `Authorization` header: 8 KiB;
//! - entries of the roles claim, and scopes of a token: 256 each;
//! - JSON nesting of the header and the claims: 128 levels (`serde_json`'s limit, fixed);
//! - JWKS and discovery documents: 1 MiB (fixed);
//! - one key-set fetch: 5 s in all, 2 s to connect; fetches for unknown `kid`s: one per 10 s;
//! - verified-token cache: 10 000 tokens.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod algorithm;
mod config;
pub mod defaults;
mod error;
mod http;
mod identity;
mod invariants;
mod key_source;
#[cfg(feature = "utoipa")]
mod openapi;
#[cfg(feature = "aide")]
mod openapi_aide;
pub mod permissions;
mod requirement;
#[cfg(feature = "review")]
#[cfg_attr(docsrs, doc(cfg(feature = "review")))]
pub mod review;
mod roles;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
mod token;
mod verifier;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use config::{ConfigError, IssuerConfig, WardenBuilder, env};
pub use error::{AuthError, DpopError, InvalidRequest, TokenError};
pub use http::credentials;
pub use http::{
    AccessPolicy, Authenticator, Authorize, Challenge, Claims, CredentialLocation, Decision, Denied, DpopMode, Guard,
    MethodRouter, NoState, PolicyRejection, ProtectedResource, Rejection, ResourceMetadata, RouteMethod, RouteRow,
    RouteTable, Router, Scheme, Warden, routing,
};
pub use identity::{Identity, IdentityBuilder};
pub use invariants::{Invariant, InvariantError, InvariantFailure, InvariantViolation, UnderPrefix};
pub use key_source::KeyFetchError;
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub use openapi::{
    ACCESS_POLICY_EXTENSION, DocumentOperation, OpenApiError, OpenApiReport, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME,
    STEP_UP_EXTENSION, SkipReason, SkippedRoute, WardenOpenApi,
};
#[cfg(feature = "aide")]
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
pub use openapi_aide::{AideError, AideOperation, AideReport, AideSkipReason, AideSkippedRoute, WardenAide};
// The names the `utoipa` feature exports too, from there when both are on.
#[cfg(all(feature = "aide", not(feature = "utoipa")))]
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
pub use openapi_aide::{ACCESS_POLICY_EXTENSION, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME, STEP_UP_EXTENSION};
pub use permissions::EffectivePermissions;
pub use requirement::{Match, Requirement, StepUp};
pub use roles::{Granted, HierarchyError, Includes, NarrowFrom, RoleHierarchy, Roles};
pub use token::keys::install_crypto_provider;
pub use token::role_source::RoleSource;
pub use verifier::cache::CacheStats;
pub use verifier::logout::LogoutTokenError;
#[cfg(feature = "redis")]
pub use verifier::revocation::RedisError;
pub use verifier::revocation::{Revocation, RevocationError, RevocationKind, Revocations, RevocationsBuilder};

/// What the fuzz targets of `fuzz/` reach inside the runtime. Not a public API.
#[doc(hidden)]
#[cfg(feature = "introspection")]
pub mod __fuzz {
    pub use crate::verifier::introspection::{Judged, judge_answer};
}

/// What the access attributes expand to, and what hand-written guards are made of. Not a
/// public API: names and shapes change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::http::{Grants, GuardState, GuardedHandler, PolicyCheck, grant};
    pub use crate::requirement::{AccessKind, HandlerInfo, Open, Protected, RouteRule};
    pub use crate::roles::{Granted, Includes, role_names};
}
