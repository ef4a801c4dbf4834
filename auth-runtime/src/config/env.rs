//! The environment variables [`Warden::from_env`](crate::Warden::from_env) reads.

/// An HMAC secret (at least 32 bytes), as text.
pub const JWT_SECRET: &str = "WARDEN_JWT_SECRET";
/// An HMAC secret (at least 32 bytes) that is not text, in base64 or base64url, padded
/// or not: the form providers and `openssl rand -base64 32` give.
pub const JWT_SECRET_BASE64: &str = "WARDEN_JWT_SECRET_BASE64";
/// Path of a PEM public key (RSA, EC P-256/P-384 or Ed25519).
pub const JWT_PUBLIC_KEY_FILE: &str = "WARDEN_JWT_PUBLIC_KEY_FILE";
/// Path of a JWKS document.
pub const JWKS_FILE: &str = "WARDEN_JWKS_FILE";
/// URL of a JWKS document, fetched and refreshed at run time (https; http only for
/// loopback hosts). See [`WardenBuilder::jwks_url`](crate::WardenBuilder::jwks_url).
pub const JWKS_URL: &str = "WARDEN_JWKS_URL";
/// Issuer URL for OpenID Connect discovery; also the required `iss` unless
/// [`ISSUER`] says otherwise. See [`WardenBuilder::oidc_issuer`](crate::WardenBuilder::oidc_issuer).
pub const OIDC_ISSUER_URL: &str = "WARDEN_OIDC_ISSUER_URL";
/// Comma-separated accepted algorithms (`RS256,PS256`).
pub const JWT_ALGORITHMS: &str = "WARDEN_JWT_ALGORITHMS";
/// The required `iss`.
pub const ISSUER: &str = "WARDEN_ISSUER";
/// Comma-separated accepted audiences.
pub const AUDIENCE: &str = "WARDEN_AUDIENCE";
/// Clock-skew allowance in seconds.
pub const LEEWAY_SECONDS: &str = "WARDEN_LEEWAY_SECONDS";
/// Dotted path of the roles claim (`realm_access.roles`).
pub const ROLES_CLAIM: &str = "WARDEN_ROLES_CLAIM";
/// Name of the scopes claim (`scope` or `scp`).
pub const SCOPES_CLAIM: &str = "WARDEN_SCOPES_CLAIM";
/// Realm of the `WWW-Authenticate` challenge.
pub const REALM: &str = "WARDEN_REALM";
/// Authentication context classes from weakest to strongest, comma-separated
/// (`pwd,mfa,hwk`), for step-up rules.
pub const ACR_ORDER: &str = "WARDEN_ACR_ORDER";
/// The resource identifier of the protected resource (RFC 9728), an `https` URL; every
/// 401 challenge then names its metadata. See
/// [`WardenBuilder::protected_resource`](crate::WardenBuilder::protected_resource).
pub const RESOURCE: &str = "WARDEN_RESOURCE";

/// Comma-separated accepted tenants: every token's `tid` must be one of them (Entra ID).
/// See [`WardenBuilder::tenants`](crate::WardenBuilder::tenants).
pub const TENANTS: &str = "WARDEN_TENANTS";
/// Comma-separated accepted clients: every token's `azp` and `client_id` (at least one
/// present) must be one of them. See [`WardenBuilder::client_ids`](crate::WardenBuilder::client_ids).
pub const CLIENT_IDS: &str = "WARDEN_CLIENT_IDS";
/// `true` to require the header `typ: at+jwt` of RFC 9068 access tokens, `false` (the
/// default) not to. See [`WardenBuilder::require_access_token_type`](crate::WardenBuilder::require_access_token_type).
pub const REQUIRE_AT_JWT: &str = "WARDEN_REQUIRE_AT_JWT";
/// Path of a TOML file that lists several trusted issuers (feature `config-file`); see
/// [`WardenBuilder::from_env`](crate::WardenBuilder::from_env) for its format. The
/// variables above still configure one issuer beside those of the file.
pub const CONFIG: &str = "WARDEN_CONFIG";
/// Where revoked tokens are recorded: `memory` (this instance only) or a Redis URL
/// `redis://…` (every instance; feature `redis`). See
/// [`WardenBuilder::revocations`](crate::WardenBuilder::revocations).
pub const REVOCATION_STORE: &str = "WARDEN_REVOCATION_STORE";
/// Whole seconds session and subject revocations are kept (default a day); see
/// [`RevocationsBuilder::retention`](crate::RevocationsBuilder::retention).
pub const REVOCATION_RETENTION_SECONDS: &str = "WARDEN_REVOCATION_RETENTION_SECONDS";
/// Whole seconds an instance enforces what it knows after losing the Redis store, before it
/// answers 503 (default 30); see
/// [`RevocationsBuilder::staleness_limit`](crate::RevocationsBuilder::staleness_limit).
pub const REVOCATION_STALENESS_SECONDS: &str = "WARDEN_REVOCATION_STALENESS_SECONDS";
/// The client id OpenID Connect Back-Channel Logout tokens are addressed to (their `aud`);
/// comma-separated for several. See
/// [`WardenBuilder::back_channel_logout`](crate::WardenBuilder::back_channel_logout).
pub const BACKCHANNEL_LOGOUT_CLIENT_ID: &str = "WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID";
/// `off` (the default), `allowed` or `required`: whether DPoP-bound tokens are accepted
/// beside bearer tokens or instead of them. See
/// [`WardenBuilder::dpop`](crate::WardenBuilder::dpop).
pub const DPOP: &str = "WARDEN_DPOP";
/// Comma-separated algorithms DPoP proofs may be signed with (default: every asymmetric
/// one). See [`WardenBuilder::dpop_algorithms`](crate::WardenBuilder::dpop_algorithms).
pub const DPOP_ALGORITHMS: &str = "WARDEN_DPOP_ALGORITHMS";
/// The origin clients address the API at, which proofs' `htu` names (behind a proxy). See
/// [`WardenBuilder::dpop_origin`](crate::WardenBuilder::dpop_origin).
pub const DPOP_ORIGIN: &str = "WARDEN_DPOP_ORIGIN";
/// A secret of at least 32 bytes that turns server nonces on. See
/// [`WardenBuilder::dpop_nonce_secret`](crate::WardenBuilder::dpop_nonce_secret).
pub const DPOP_NONCE_SECRET: &str = "WARDEN_DPOP_NONCE_SECRET";

/// URL of the authorization server's token introspection endpoint (RFC 7662; feature
/// `introspection`): bearer tokens that are not JWSs are asked about there. Without it,
/// an introspection client and [`OIDC_ISSUER_URL`] discover the endpoint. See
/// [`WardenBuilder::introspection_endpoint`](crate::WardenBuilder::introspection_endpoint).
pub const INTROSPECTION_URL: &str = "WARDEN_INTROSPECTION_URL";
/// The client id this API authenticates to the introspection endpoint with
/// (`client_secret_basic`); needs [`INTROSPECTION_CLIENT_SECRET`].
pub const INTROSPECTION_CLIENT_ID: &str = "WARDEN_INTROSPECTION_CLIENT_ID";
/// The client secret that goes with [`INTROSPECTION_CLIENT_ID`].
pub const INTROSPECTION_CLIENT_SECRET: &str = "WARDEN_INTROSPECTION_CLIENT_SECRET";
/// Longest use of an active introspection answer, in whole seconds (default 60; the
/// token's `exp` ends it sooner). See [`WardenBuilder::introspection_cache`](crate::WardenBuilder::introspection_cache).
pub const INTROSPECTION_CACHE_SECONDS: &str = "WARDEN_INTROSPECTION_CACHE_SECONDS";
/// Use of an inactive introspection answer, in whole seconds (default 5).
pub const INTROSPECTION_INACTIVE_CACHE_SECONDS: &str = "WARDEN_INTROSPECTION_INACTIVE_CACHE_SECONDS";

/// The key-source variables, of which exactly one must be set.
pub const KEY_SOURCES: [&str; 6] = [
    JWT_SECRET,
    JWT_SECRET_BASE64,
    JWT_PUBLIC_KEY_FILE,
    JWKS_FILE,
    JWKS_URL,
    OIDC_ISSUER_URL,
];

/// Every variable [`Warden::from_env`](crate::Warden::from_env) reads.
pub const ALL: [&str; 32] = [
    JWT_SECRET,
    JWT_SECRET_BASE64,
    JWT_PUBLIC_KEY_FILE,
    JWKS_FILE,
    JWKS_URL,
    OIDC_ISSUER_URL,
    JWT_ALGORITHMS,
    ISSUER,
    AUDIENCE,
    LEEWAY_SECONDS,
    ROLES_CLAIM,
    SCOPES_CLAIM,
    REALM,
    ACR_ORDER,
    RESOURCE,
    TENANTS,
    CLIENT_IDS,
    REQUIRE_AT_JWT,
    CONFIG,
    REVOCATION_STORE,
    REVOCATION_RETENTION_SECONDS,
    REVOCATION_STALENESS_SECONDS,
    BACKCHANNEL_LOGOUT_CLIENT_ID,
    DPOP,
    DPOP_ALGORITHMS,
    DPOP_ORIGIN,
    DPOP_NONCE_SECRET,
    INTROSPECTION_URL,
    INTROSPECTION_CLIENT_ID,
    INTROSPECTION_CLIENT_SECRET,
    INTROSPECTION_CACHE_SECONDS,
    INTROSPECTION_INACTIVE_CACHE_SECONDS,
];
