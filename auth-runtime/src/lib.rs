//! The runtime of [axum-warden](https://docs.rs/axum-warden): identity, credential parsing,
//! JWT verification, the [`Guard`] extractor, requirements and rejections.
//!
//! Applications depend on the `axum-warden` facade, which re-exports what they need; this
//! crate is what the access attributes expand to.
//!
//! ```
//! use axum::{Router, routing::get};
//! use axum_warden_runtime::{Guard, HandlerInfo, Identity, Match, Policy, Protected, Requirement, Warden};
//!
//! struct Admins;
//! impl Policy for Admins {
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

mod cache;
mod config;
mod credentials;
mod error;
mod guard;
mod identity;
mod json;
mod jwt;
mod keys;
#[cfg(feature = "utoipa")]
mod openapi;
mod policy;
mod rejection;
mod remote;
mod requirement;
mod roles;
mod router;
mod table;
#[cfg(feature = "test-util")]
pub mod testing;
mod verify;

pub use cache::{CacheStats, DEFAULT_TOKEN_CACHE_CAPACITY};
pub use config::{
    Authenticator, ConfigError, DEFAULT_LEEWAY, DEFAULT_MAX_CLAIM_ENTRIES, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_REALM,
    MAX_LEEWAY, Warden, WardenBuilder, env,
};
pub use credentials::InvalidRequest;
pub use error::{AuthError, TokenError};
pub use guard::{Claims, Guard, GuardState};
pub use identity::{Identity, IdentityBuilder};
pub use jsonwebtoken::Algorithm;
pub use keys::{MIN_HMAC_SECRET_LEN, install_crypto_provider};
#[cfg(feature = "utoipa")]
pub use openapi::{
    ACCESS_POLICY_EXTENSION, DocumentOperation, OpenApiError, OpenApiReport, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME,
    SkipReason, SkippedRoute, WardenOpenApi,
};
pub use policy::{AccessPolicy, Authorize, Decision, Denied, NoState, PolicyGuard, PolicyRejection};
pub use rejection::{Challenge, Rejection};
pub use remote::{
    DEFAULT_KEY_CONNECT_TIMEOUT, DEFAULT_KEY_FETCH_TIMEOUT, DEFAULT_KEY_REFRESH_BOUNDS, DEFAULT_KEY_REFRESH_INTERVAL,
    DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL, KeyFetchError,
};
pub use requirement::{AccessKind, HandlerInfo, Match, Open, Policy, Protected, Requirement};
pub use roles::{HierarchyError, RoleHierarchy, RoleSource, Roles, role_names};
pub use router::{GuardedHandler, MethodRouter, Router, routing};
pub use table::{RouteRow, RouteTable, SnapshotError, UPDATE_SNAPSHOTS_ENV};
