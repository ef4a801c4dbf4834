//! Why a request was refused, as types.

use std::time::Duration;

use crate::requirement::{Requirement, StepUp};

/// Why the guard refused a request.
///
/// Each variant maps to one row of the HTTP contract:
///
/// | variant | status | `WWW-Authenticate` error |
/// |---|---|---|
/// | [`MissingCredentials`](Self::MissingCredentials) | 401 | none |
/// | [`InvalidRequest`](Self::InvalidRequest) | 400 | `invalid_request` |
/// | [`InvalidToken`](Self::InvalidToken) | 401 | `invalid_token` |
/// | [`RequirementNotMet`](Self::RequirementNotMet) | 403 | `insufficient_scope` (with `scope="…"` for scope rules) |
/// | [`InsufficientAuthentication`](Self::InsufficientAuthentication) | 401 | `insufficient_user_authentication` (with `acr_values="…"` and/or `max_age="…"`) |
/// | [`Forbidden`](Self::Forbidden) | 403 | `insufficient_scope` |
/// | [`InvalidDpopProof`](Self::InvalidDpopProof) | 401 | `invalid_dpop_proof` (DPoP challenge) |
/// | [`UseDpopNonce`](Self::UseDpopNonce) | 401 | `use_dpop_nonce` (DPoP challenge, `DPoP-Nonce` header) |
/// | [`Unavailable`](Self::Unavailable) | 503 | no challenge, `Retry-After` |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No credential in any place the warden reads: no `Authorization` header (or one
    /// with a scheme other than `Bearer`), and no token cookie or WebSocket token where
    /// those are configured.
    #[error("no bearer credentials")]
    MissingCredentials,
    /// The request carried its credentials in a malformed way.
    #[error("malformed request: {0:?}")]
    InvalidRequest(InvalidRequest),
    /// A bearer token was present but cannot be trusted.
    #[error("invalid token: {0}")]
    InvalidToken(TokenError),
    /// The identity was verified but does not meet the route's requirement (a role, a
    /// scope); answered 403 `insufficient_scope` as RFC 6750 §3.1 names every such case.
    #[error("the identity does not meet the requirement `{requirement}`")]
    RequirementNotMet {
        /// What the route requires.
        requirement: Requirement,
    },
    /// The identity was verified and meets the route's roles and scopes, but not the way
    /// it authenticated (RFC 9470 step-up): its `acr` is weaker than the route's or
    /// missing, or its `auth_time` is older than the route's `max_age` or missing.
    /// Answered 401 `insufficient_user_authentication`, so the client can authenticate
    /// again as the challenge asks.
    #[error("the authentication does not meet the route's step-up requirement `{unmet}`")]
    InsufficientAuthentication {
        /// The parts of the route's requirement that were not met: `acr` when the class
        /// fell short, `max_age` when the authentication is too old.
        unmet: StepUp,
    },
    /// The route's policy (`#[requires_policy]`) refused the verified identity.
    #[error("the policy `{policy}` forbids this request")]
    Forbidden {
        /// The policy's type name.
        policy: &'static str,
    },
    /// A DPoP-bound request (`Authorization: DPoP …`) whose proof is missing, malformed, or
    /// does not fit the request or the token (RFC 9449 §4.3).
    #[error("invalid DPoP proof: {0}")]
    InvalidDpopProof(DpopError),
    /// The warden requires a server-provided nonce in DPoP proofs (RFC 9449 §9) and the
    /// proof has none or a stale one: the answer carries a fresh one in `DPoP-Nonce`.
    #[error("the DPoP proof needs the server's nonce")]
    UseDpopNonce {
        /// The nonce the client must put in its next proof.
        nonce: String,
    },
    /// No key could be obtained to verify the token; the request is refused, never allowed.
    #[error("no verification key is available")]
    Unavailable {
        /// How long the client should wait before trying again.
        retry_after: Duration,
    },
}

impl AuthError {
    /// A short, stable code for logs and metrics (`missing_credentials`, `expired`, …).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingCredentials => "missing_credentials",
            Self::InvalidRequest(_) => "several_credentials",
            Self::InvalidToken(reason) => reason.code(),
            Self::RequirementNotMet { .. } => "insufficient_scope",
            Self::InsufficientAuthentication { .. } => "insufficient_user_authentication",
            Self::Forbidden { .. } => "policy_forbidden",
            Self::InvalidDpopProof(reason) => reason.code(),
            Self::UseDpopNonce { .. } => "use_dpop_nonce",
            Self::Unavailable { .. } => "keys_unavailable",
        }
    }
}

/// Why a request with credentials was malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// More than one credential: two `Authorization` headers, a comma-separated list, a
    /// credential in two places (the header and a cookie, say: RFC 6750 §2), two cookies
    /// or query parameters of the token's name, or credentials of two schemes.
    SeveralCredentials,
}

/// Why a bearer token was not accepted.
///
/// These reasons go to logs and to custom renderers; the default response tells the
/// client only that the token is invalid (or expired), never which check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Longer than the configured size cap.
    #[error("the token is larger than the size cap")]
    TooLarge,
    /// Not three base64url segments of JSON.
    #[error("the token is not a well-formed JWS compact serialization")]
    Malformed,
    /// The header or claims repeat a member name.
    #[error("the header or claims repeat a member name")]
    DuplicateMember,
    /// The claims are valid JSON but not an object.
    #[error("the claims are not a JSON object")]
    ClaimsNotAnObject,
    /// The `alg` header is missing, not a string, or not one of the configured algorithms.
    #[error("the token's algorithm is not accepted")]
    AlgorithmNotAllowed,
    /// The header has a `crit` member; no extension is understood, so none may be critical.
    #[error("the token has a critical header parameter")]
    CriticalHeader,
    /// No configured key matches the token's `kid` and `alg`.
    #[error("no key matches the token's key id and algorithm")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
    /// `exp` is missing.
    #[error("the token has no expiry")]
    MissingExpiry,
    /// `exp` lies in the past, beyond the leeway.
    #[error("the token has expired")]
    Expired,
    /// `nbf` lies in the future, beyond the leeway.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `iss` is missing, not a string, or not the configured issuer.
    #[error("the token's issuer is not accepted")]
    InvalidIssuer,
    /// `aud` is not a string or array of strings containing a configured audience.
    #[error("the token's audience is not accepted")]
    InvalidAudience,
    /// A registered claim has the wrong JSON type (`exp` as a string, `sub` as a number …).
    #[error("a registered claim has the wrong type")]
    InvalidClaimType,
    /// A roles claim is present but neither a string nor an array of strings.
    #[error("the roles claim is not a string or an array of strings")]
    InvalidRoles,
    /// The scopes claim is present but neither a space-delimited string nor an array of strings.
    #[error("the scopes claim is not a string or an array of strings")]
    InvalidScopes,
    /// The token has more roles than a cap set with
    /// [`WardenBuilder::max_claim_entries`](crate::WardenBuilder::max_claim_entries) (none by default).
    #[error("the roles claim has more entries than the cap")]
    TooManyRoles,
    /// The token has more scopes than a cap set with
    /// [`WardenBuilder::max_claim_entries`](crate::WardenBuilder::max_claim_entries) (none by default).
    #[error("the scopes claim has more scopes than the cap")]
    TooManyScopes,
    /// The header's `typ` is not `at+jwt` (nor `application/at+jwt`, in any case) while
    /// [`WardenBuilder::require_access_token_type`](crate::WardenBuilder::require_access_token_type)
    /// asks for it: an ID token, or a token of another kind, replayed as an access token
    /// (RFC 9068 §4).
    #[error("the token is not typed as an access token (typ at+jwt)")]
    NotAnAccessToken,
    /// `tid` is missing, not a string, or not one of the tenants of
    /// [`WardenBuilder::tenants`](crate::WardenBuilder::tenants).
    #[error("the token's tenant is not accepted")]
    InvalidTenant,
    /// Neither `azp` nor `client_id` is present, or one of them is not a string among the
    /// clients of [`WardenBuilder::client_ids`](crate::WardenBuilder::client_ids).
    #[error("the token's client is not accepted")]
    InvalidClient,
    /// A check of the application ([`WardenBuilder::check_claims`](crate::WardenBuilder::check_claims))
    /// refused the verified claims.
    #[error("a claims check of the application refused the token")]
    ClaimsRefused,
    /// The claims do not deserialize into the application's claims type.
    #[error("the claims do not have the shape the application expects")]
    ClaimsShape,
    /// A custom authenticator refused the credentials.
    #[error("the credentials were refused")]
    Rejected,
    /// The token verifies, but it, its session or its subject has been revoked
    /// ([`Revocations`](crate::Revocations)).
    #[error("the token has been revoked")]
    Revoked,
    /// The token is bound to a key (`cnf.jkt`, RFC 9449 §6) but came as a bearer token:
    /// whoever holds it without the key may not use it.
    #[error("a DPoP-bound token came as a bearer token")]
    BoundToKey,
    /// The token came with a DPoP proof but is bound to no key (no `cnf.jkt`).
    #[error("a token bound to no key came with a DPoP proof")]
    NotBound,
    /// The authorization server's introspection endpoint says the token is not active
    /// (expired, revoked, unknown, or not for this resource server).
    #[error("the authorization server says the token is not active")]
    Inactive,
}

/// Why a DPoP proof (RFC 9449) was not accepted.
///
/// Like [`TokenError`], these reasons go to logs and custom renderers; a client is told
/// only that its proof is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopError {
    /// Longer than the size cap.
    #[error("the DPoP proof is larger than the size cap")]
    TooLarge,
    /// Not three base64url segments of JSON objects, or a member name repeated.
    #[error("the DPoP proof is not a well-formed JWS compact serialization")]
    Malformed,
    /// The header's `typ` is not `dpop+jwt`.
    #[error("the DPoP proof is not typed dpop+jwt")]
    NotAProof,
    /// The header has a `crit` member.
    #[error("the DPoP proof has a critical header parameter")]
    CriticalHeader,
    /// `alg` is missing, symmetric, `none`, or not among the accepted algorithms.
    #[error("the DPoP proof's algorithm is not accepted")]
    AlgorithmNotAllowed,
    /// `jwk` is missing, not a public key of a supported type, or does not fit `alg`.
    #[error("the DPoP proof's jwk is not a usable public key for its algorithm")]
    InvalidKey,
    /// `jwk` carries private key material.
    #[error("the DPoP proof's jwk carries private key material")]
    PrivateKey,
    /// The signature does not verify with `jwk`.
    #[error("the DPoP proof's signature does not verify")]
    BadSignature,
    /// `jti`, `htm`, `htu` or `iat` is missing or has the wrong type, or `ath` or `nonce`
    /// is not a string.
    #[error("a claim of the DPoP proof is missing or has the wrong type")]
    InvalidClaims,
    /// The request has no `DPoP` header.
    #[error("the request has no DPoP proof")]
    Missing,
    /// The request has more than one `DPoP` header.
    #[error("the request has more than one DPoP proof")]
    Several,
    /// `htm` is not the request's method.
    #[error("the DPoP proof is for another method")]
    WrongMethod,
    /// `htu` is not the request's URI (without query and fragment).
    #[error("the DPoP proof is for another URI")]
    WrongUri,
    /// `iat` lies outside the accepted window around now.
    #[error("the DPoP proof was not issued within the accepted window")]
    OutsideWindow,
    /// A proof with this `jti` was accepted before, within the window.
    #[error("the DPoP proof was used before")]
    Replayed,
    /// `ath` is missing or is not the hash of the access token.
    #[error("the DPoP proof does not name the access token (ath)")]
    WrongTokenHash,
    /// `jwk` is not the key the access token is bound to (`cnf.jkt`).
    #[error("the DPoP proof is signed by another key than the token is bound to")]
    WrongKey,
}

impl DpopError {
    /// A short, stable code for logs and metrics.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "dpop_too_large",
            Self::Malformed => "dpop_malformed",
            Self::NotAProof => "dpop_not_a_proof",
            Self::CriticalHeader => "dpop_critical_header",
            Self::AlgorithmNotAllowed => "dpop_algorithm_not_allowed",
            Self::InvalidKey => "dpop_invalid_key",
            Self::PrivateKey => "dpop_private_key",
            Self::BadSignature => "dpop_bad_signature",
            Self::InvalidClaims => "dpop_invalid_claims",
            Self::Missing => "dpop_missing",
            Self::Several => "dpop_several",
            Self::WrongMethod => "dpop_wrong_method",
            Self::WrongUri => "dpop_wrong_uri",
            Self::OutsideWindow => "dpop_outside_window",
            Self::Replayed => "dpop_replayed",
            Self::WrongTokenHash => "dpop_wrong_token_hash",
            Self::WrongKey => "dpop_wrong_key",
        }
    }
}

impl TokenError {
    /// A short, stable code for logs and metrics.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "token_too_large",
            Self::Malformed => "malformed_token",
            Self::DuplicateMember => "duplicate_member",
            Self::ClaimsNotAnObject => "claims_not_an_object",
            Self::AlgorithmNotAllowed => "algorithm_not_allowed",
            Self::CriticalHeader => "critical_header",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::MissingExpiry => "missing_expiry",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::InvalidIssuer => "invalid_issuer",
            Self::InvalidAudience => "invalid_audience",
            Self::InvalidClaimType => "invalid_claim_type",
            Self::InvalidRoles => "invalid_roles",
            Self::InvalidScopes => "invalid_scopes",
            Self::TooManyRoles => "too_many_roles",
            Self::TooManyScopes => "too_many_scopes",
            Self::NotAnAccessToken => "not_an_access_token",
            Self::InvalidTenant => "invalid_tenant",
            Self::InvalidClient => "invalid_client",
            Self::ClaimsRefused => "claims_refused",
            Self::ClaimsShape => "claims_shape",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
            Self::BoundToKey => "bound_to_key",
            Self::NotBound => "not_bound",
            Self::Inactive => "inactive_token",
        }
    }
}
