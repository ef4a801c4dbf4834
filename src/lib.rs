#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use axum_warden_macros::{Roles, granted, public, requires_auth, requires_policy, requires_role, requires_scope};
#[doc(inline)]
pub use axum_warden_runtime::{
    AccessPolicy, Algorithm, AuthError, Authenticator, Authorize, CacheStats, Challenge, Claims, ConfigError,
    CredentialLocation, Decision, Denied, DpopError, DpopMode, EffectivePermissions, Granted, Guard, HierarchyError,
    Identity, IdentityBuilder, Includes, InvalidRequest, Invariant, InvariantError, InvariantFailure,
    InvariantViolation, IssuerConfig, KeyFetchError, LogoutTokenError, Match, MethodRouter, NarrowFrom, NoState,
    PolicyRejection, ProtectedResource, Rejection, Requirement, ResourceMetadata, Revocation, RevocationError,
    RevocationKind, Revocations, RevocationsBuilder, RoleHierarchy, RoleSource, Roles, RouteMethod, RouteRow,
    RouteTable, Router, Scheme, StepUp, TokenError, UnderPrefix, UnknownAlgorithm, Warden, WardenBuilder, credentials,
    defaults, env, install_crypto_provider, permissions, routing,
};

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[doc(inline)]
pub use axum_warden_runtime::RedisError;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
#[doc(inline)]
pub use axum_warden_runtime::testing;

#[cfg(feature = "review")]
#[cfg_attr(docsrs, doc(cfg(feature = "review")))]
#[doc(inline)]
pub use axum_warden_runtime::review;

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
#[doc(inline)]
pub use axum_warden_runtime::{
    ACCESS_POLICY_EXTENSION, DocumentOperation, OpenApiError, OpenApiReport, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME,
    STEP_UP_EXTENSION, SkipReason, SkippedRoute, WardenOpenApi,
};

#[cfg(feature = "aide")]
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
#[doc(inline)]
pub use axum_warden_runtime::{AideError, AideOperation, AideReport, AideSkipReason, AideSkippedRoute, WardenAide};

// Exported by the `utoipa` feature too; from there when both are on.
#[cfg(all(feature = "aide", not(feature = "utoipa")))]
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
#[doc(inline)]
pub use axum_warden_runtime::{ACCESS_POLICY_EXTENSION, REQUIRED_ROLES_EXTENSION, SECURITY_SCHEME, STEP_UP_EXTENSION};

// The testing chapter: its code blocks run as doctests, so it cannot fall behind the API.
#[cfg(all(doctest, feature = "test-util"))]
#[doc(hidden)]
#[doc = include_str!("../docs/testing.md")]
pub struct TestingChapter;

// The DPoP chapter: its examples use the test kit's DPoP keys.
#[cfg(all(doctest, feature = "test-util"))]
#[doc(hidden)]
#[doc = include_str!("../docs/dpop.md")]
pub struct DpopChapter;

// The revocation chapter, whose examples include the Redis store.
#[cfg(all(doctest, feature = "redis"))]
#[doc(hidden)]
#[doc = include_str!("../docs/opaque-tokens-and-revocation.md")]
pub struct RevocationChapter;

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
    pub use axum_warden_runtime::{AccessPolicy, Guard, Match, Requirement, Roles, StepUp};
}
