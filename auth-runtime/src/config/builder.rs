//! [`WardenBuilder`]: every setting of a [`Warden`], checked at [`build`](WardenBuilder::build).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;

use super::ConfigError;
use super::introspection;
use super::issuer::{IssuerConfig, Settings, Shared, intern};
use super::remote::Options;
use super::sources::KeyInput;
use crate::algorithm::Algorithm;
use crate::defaults::{DEFAULT_MAX_TOKEN_BYTES, DEFAULT_REALM, DEFAULT_TOKEN_CACHE_CAPACITY};
use crate::http::{
    Authenticator, Challenges, DynAuthenticator, Inner, Locations, ProtectedResource, Rejection, Responder, Scheme,
    SideScheme, Source, TokenCookie, Warden,
};
use crate::http::{
    DEFAULT_DPOP_ALGORITHMS, DEFAULT_DPOP_REPLAY_CAPACITY, DEFAULT_DPOP_WINDOW, Dpop, DpopMode, DpopSettings,
};
use crate::roles::RoleHierarchy;
use crate::token::claims::ClaimsCheck;
use crate::token::keys::install_crypto_provider;
use crate::token::role_source::RoleSource;
use crate::verifier::Verifier;
use crate::verifier::cache::TokenCache;
use crate::verifier::revocation::Revocations;

/// Configures a [`Warden`]; see [`Warden::builder`].
///
/// # Limits
///
/// Every input a client or an identity provider controls is bounded before it can cost
/// memory or time; what is over a limit is refused, never truncated.
///
/// | what | default | setting | over the limit |
/// |---|---|---|---|
/// | bearer token length (the credential of the `Authorization` header, or the argument of [`Warden::verify_token`]) | 8 KiB ([`DEFAULT_MAX_TOKEN_BYTES`](crate::defaults::DEFAULT_MAX_TOKEN_BYTES)) | [`max_token_bytes`](Self::max_token_bytes) | 401 `invalid_token` ([`TooLarge`](crate::TokenError::TooLarge)), before decoding and before the cache lookup |
/// | a bearer `Authorization` header value | the token cap + 1 KiB (scheme and spaces) | with [`max_token_bytes`](Self::max_token_bytes) | 401 `invalid_token` ([`TooLarge`](crate::TokenError::TooLarge)), before its bytes are scanned |
/// | roles of a token; scopes of a token (each) | none beyond the token cap (the cap in bytes, which no token under the size cap can exceed) | [`max_claim_entries`](Self::max_claim_entries) | 401 `invalid_token` ([`TooManyRoles`](crate::TokenError::TooManyRoles), [`TooManyScopes`](crate::TokenError::TooManyScopes)) |
/// | JSON nesting of the header and the claims | 128 levels, the outer object included (`serde_json`'s recursion limit) | fixed | 401 `invalid_token` ([`Malformed`](crate::TokenError::Malformed)) |
/// | JWKS and discovery documents | 1 MiB, whether announced by `Content-Length` or streamed | fixed | the fetch fails ([`KeyFetchError::Request`](crate::KeyFetchError::Request)); the last good key set stays |
/// | one key-set fetch, discovery and body included | 5 s ([`DEFAULT_KEY_FETCH_TIMEOUT`](crate::defaults::DEFAULT_KEY_FETCH_TIMEOUT)) | [`key_fetch_timeout`](Self::key_fetch_timeout) | the fetch fails; a request waiting for it gets 503 |
/// | connecting to the key source | 2 s ([`DEFAULT_KEY_CONNECT_TIMEOUT`](crate::defaults::DEFAULT_KEY_CONNECT_TIMEOUT)) | [`key_connect_timeout`](Self::key_connect_timeout) | as above |
/// | fetches triggered by unknown `kid`s | one per 10 s ([`DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL`](crate::defaults::DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL)) | [`unknown_kid_refresh_interval`](Self::unknown_kid_refresh_interval) | judged on the key set at hand |
/// | verified tokens kept | 10 000 units of weight ([`DEFAULT_TOKEN_CACHE_CAPACITY`](crate::defaults::DEFAULT_TOKEN_CACHE_CAPACITY)): 10 000 tokens of up to 1 KiB, about 30 MB at most whatever the tokens | [`token_cache_capacity`](Self::token_cache_capacity) | entries are evicted (`quick_cache`'s S3-FIFO policy) |
/// | introspection answers (feature `introspection`) | 16 KiB ([`MAX_INTROSPECTION_RESPONSE_BYTES`](crate::defaults::MAX_INTROSPECTION_RESPONSE_BYTES)), whether announced or streamed; answers of [`token_cache_capacity`](Self::token_cache_capacity) units of weight kept (one per started KiB of the token), each until `exp` or 60 s (active), 5 s (inactive), 1 s (failed) | fixed; [`introspection_cache`](Self::introspection_cache) | 503 with `Retry-After`, never an allow; entries are evicted |
/// | clock-skew leeway | 60 s ([`DEFAULT_LEEWAY`](crate::defaults::DEFAULT_LEEWAY)), at most 10 minutes | [`leeway`](Self::leeway) | refused at [`build`](Self::build) |
///
/// Other headers, and the request head as a whole, are bounded by the HTTP server
/// (hyper's limits on the request head); the guard copies nothing from the
/// `Authorization` header before the token's length is checked. Header members the verifier does not read are
/// not stored, but they are checked like the claims (numbers in range, 128 levels).
#[must_use]
#[derive(Default)]
pub struct WardenBuilder {
    /// The issuer the single-issuer methods (`hmac_secret`, `issuer`, `audience` …)
    /// configure; it takes part only when it has a key source.
    pub(super) primary: Settings,
    /// The issuers added with [`trust`](Self::trust), in order.
    pub(super) trusted: Vec<IssuerConfig>,
    /// The issuers of a configuration file, each setting named already
    /// (`warden.toml: issuers[0].jwks_url`).
    pub(super) file_issuers: Vec<Settings>,
    hierarchy: RoleHierarchy,
    pub(super) realm: Option<(String, &'static str)>,
    pub(super) acr_order: Option<(Vec<String>, &'static str)>,
    pub(super) resource: Option<(String, &'static str)>,
    pub(super) tenants: Option<(Vec<String>, &'static str)>,
    pub(super) client_ids: Option<(Vec<String>, &'static str)>,
    pub(super) access_token_type: bool,
    checks: Vec<ClaimsCheck>,
    max_token_bytes: Option<usize>,
    max_claim_entries: Option<usize>,
    renderer: Option<Renderer>,
    pub(super) remote: Options,
    pub(super) token_cache_capacity: Option<u64>,
    pub(super) introspection: introspection::Options,
    token_cookie: Option<String>,
    cookie_origins: Option<Vec<String>>,
    websocket_query: Option<String>,
    websocket_protocol: bool,
    schemes: Vec<(Scheme, Arc<dyn DynAuthenticator>)>,
    pub(super) revocations: Option<(Revocations, &'static str)>,
    pub(super) logout_audiences: Option<(Vec<String>, &'static str)>,
    pub(super) dpop: Option<(DpopMode, &'static str)>,
    pub(super) dpop_algorithms: Option<(Vec<Algorithm>, &'static str)>,
    pub(super) dpop_origin: Option<(String, &'static str)>,
    pub(super) dpop_nonce_secret: Option<(Vec<u8>, &'static str)>,
    dpop_window: Option<Duration>,
    dpop_replay_capacity: Option<usize>,
}

/// How an application renders refusals, as [`renderer`](WardenBuilder::renderer) takes it.
type Renderer = Arc<dyn Fn(&Rejection) -> Response + Send + Sync>;

impl WardenBuilder {
    /// Verifies HMAC-signed tokens (HS256 unless [`algorithms`](Self::algorithms) says
    /// otherwise) with `secret`, which must be at least 32 bytes.
    pub fn hmac_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.primary.keys.push((KeyInput::Secret(secret.into()), "hmac_secret"));
        self
    }

    /// Verifies tokens with a PEM public key: RSA (RS256 by default, or RS*/PS*), EC P-256
    /// (ES256), EC P-384 (ES384) or Ed25519 (EdDSA).
    pub fn public_key_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.primary.keys.push((KeyInput::Pem(pem.into()), "public_key_pem"));
        self
    }

    /// Like [`public_key_pem`](Self::public_key_pem), reading the key from a file at build time.
    pub fn public_key_file(mut self, path: impl AsRef<Path>) -> Self {
        self.primary
            .keys
            .push((KeyInput::PemFile(path.as_ref().to_owned()), "public_key_file"));
        self
    }

    /// Verifies tokens with the keys of a JWKS document, selected by `kid`.
    pub fn jwks_json(mut self, document: impl Into<Vec<u8>>) -> Self {
        self.primary.keys.push((KeyInput::Jwks(document.into()), "jwks_json"));
        self
    }

    /// Like [`jwks_json`](Self::jwks_json), reading the document from a file at build time.
    pub fn jwks_file(mut self, path: impl AsRef<Path>) -> Self {
        self.primary
            .keys
            .push((KeyInput::JwksFile(path.as_ref().to_owned()), "jwks_file"));
        self
    }

    /// Verifies tokens with the keys of the JWKS document at `url`, fetched at run time.
    ///
    /// [`build`](Self::build) only checks the URL (https; http is accepted for loopback
    /// hosts, or after [`allow_plain_http`](Self::allow_plain_http)). The first fetch
    /// happens on the first request, or at [`Warden::ready`]; a background task (on the
    /// Tokio runtime that serves requests) then refreshes the set every `max-age` of the
    /// response, clamped to [`key_refresh_bounds`](Self::key_refresh_bounds) (every
    /// [`key_refresh_interval`](Self::key_refresh_interval) without one). A token whose
    /// `kid` is not in the set triggers a refresh, at most once per
    /// [`unknown_kid_refresh_interval`](Self::unknown_kid_refresh_interval). Without any
    /// key set yet, requests get 503 with `Retry-After`, never access. An unknown `kid`
    /// gets 503 once the latest fetch has failed (until then the provider counts as up
    /// and the answer is 401), so an outage shows from the first failed fetch and
    /// recovery from the first successful one, each up to one unknown-`kid` interval
    /// after the fact; known keys keep working throughout.
    ///
    /// Keys are bound to their `alg` (or the one their type implies); symmetric keys,
    /// encryption keys and keys of algorithms not configured are skipped with a log line.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.primary.keys.push((KeyInput::JwksUrl(url.into()), "jwks_url"));
        self
    }

    /// Verifies tokens with the keys of an OpenID provider, found through discovery:
    /// `<issuer>/.well-known/openid-configuration` names the `jwks_uri`, which is then
    /// used as with [`jwks_url`](Self::jwks_url).
    ///
    /// The document's `issuer` must equal `issuer` exactly (a trailing slash matters:
    /// Auth0 issuers end with one). Unless [`issuer`](Self::issuer) says otherwise, tokens
    /// must carry this `iss`.
    pub fn oidc_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.primary
            .keys
            .push((KeyInput::OidcIssuer(issuer.into()), "oidc_issuer"));
        self
    }

    /// How often a remote key set is refreshed when the provider sends no
    /// `Cache-Control: max-age` (default 5 minutes).
    pub fn key_refresh_interval(mut self, interval: Duration) -> Self {
        self.remote.refresh = Some(interval);
        self
    }

    /// Bounds of the refresh interval of a remote key set: a provider's `max-age` is
    /// clamped into them (default 1 minute to 24 hours).
    pub fn key_refresh_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.remote.refresh_bounds = Some((min, max));
        self
    }

    /// Least time between two fetches of a remote key set that tokens with an unknown
    /// `kid` trigger (default 10 s). Requests that arrive while a fetch is in flight wait
    /// for it; later ones within the interval are judged on the set at hand, so a flood of
    /// made-up `kid`s costs the provider one request per interval.
    pub fn unknown_kid_refresh_interval(mut self, interval: Duration) -> Self {
        self.remote.unknown_kid_interval = Some(interval);
        self
    }

    /// Bound on one fetch of a remote key set, discovery included (default 5 s). A request
    /// waits for a fetch only when it has no key to use, and never longer than this.
    pub fn key_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.remote.timeout = Some(timeout);
        self
    }

    /// Bound on connecting to a remote key source (default 2 s).
    pub fn key_connect_timeout(mut self, timeout: Duration) -> Self {
        self.remote.connect_timeout = Some(timeout);
        self
    }

    /// Accepts `http://` key-source URLs for any host, not only loopback ones (a provider
    /// on a private network, such as `http://keycloak:8080` in a compose file). Keys
    /// fetched over plain HTTP can be replaced by anyone on the path: avoid in production.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.remote.allow_http = allow;
        self
    }

    /// Refuses verified tokens that `revocations` names (by `jti`, `sid`, or subject and
    /// `iat`) with 401 `invalid_token`, after verification and on every hit of the
    /// verified-token cache. The check reads memory only; with a Redis store
    /// ([`RevocationsBuilder::redis`](crate::RevocationsBuilder::redis)) the guard answers
    /// 503 until the first load and after the store has been lost for longer than its
    /// staleness limit.
    ///
    /// Revocation applies to JWTs; a custom authenticator checks its own credentials, and
    /// is refused with it at [`build`](Self::build). See `docs/opaque-tokens-and-revocation.md`.
    ///
    /// ```
    /// use axum_warden_runtime::{Revocations, Warden};
    ///
    /// let revocations = Revocations::in_memory();
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).revocations(revocations.clone()).build()?;
    /// assert!(warden.revocations().is_some());
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn revocations(mut self, revocations: Revocations) -> Self {
        self.revocations = Some((revocations, "revocations"));
        self
    }

    /// Accepts OpenID Connect Back-Channel Logout tokens addressed to `client_id` (their
    /// `aud`) at the route [`Router::back_channel_logout`](crate::Router::back_channel_logout)
    /// mounts; each one revokes its session (`sid`), or without one every token of its
    /// subject issued until then. Call it again for more clients. Needs
    /// [`revocations`](Self::revocations), where the logouts are recorded.
    pub fn back_channel_logout(mut self, client_id: impl Into<String>) -> Self {
        let clients = self
            .logout_audiences
            .get_or_insert_with(|| (Vec::new(), "back_channel_logout"));
        clients.0.push(client_id.into());
        self
    }

    /// Accepts DPoP-bound access tokens (RFC 9449): `Authorization: DPoP <token>` with a
    /// `DPoP` proof header, beside bearer tokens ([`DpopMode::Allowed`](crate::DpopMode::Allowed))
    /// or instead of them ([`DpopMode::Required`](crate::DpopMode::Required)). Off by default.
    ///
    /// The proof is checked as RFC 9449 §4.3 says: `typ` `dpop+jwt`, an asymmetric
    /// algorithm of [`dpop_algorithms`](Self::dpop_algorithms), a public `jwk` (private
    /// members refused) that verifies the signature, `htm` the request's method, `htu` its
    /// URI without query ([`dpop_origin`](Self::dpop_origin) behind a proxy), `iat` within
    /// [`dpop_proof_window`](Self::dpop_proof_window) of now, a `jti` not seen in that
    /// window, `ath` the hash of the token, and the key's thumbprint the token's `cnf.jkt`.
    /// A bad proof is 401 with `WWW-Authenticate: DPoP …, error="invalid_dpop_proof"`.
    ///
    /// Whatever the mode, a token bound to a key is refused as a bearer token (401
    /// `invalid_token`). See `docs/dpop.md`.
    ///
    /// ```
    /// use axum_warden_runtime::{DpopMode, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .dpop(DpopMode::Allowed)
    ///     .dpop_origin("https://api.example.com")
    ///     .build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn dpop(mut self, mode: DpopMode) -> Self {
        self.dpop = Some((mode, "dpop"));
        self
    }

    /// The algorithms a DPoP proof may be signed with (default: every asymmetric algorithm
    /// the crate verifies). They are the `algs` of DPoP challenges.
    pub fn dpop_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.dpop_algorithms = Some((algorithms.into_iter().collect(), "dpop_algorithms"));
        self
    }

    /// The origin clients address the API at (`https://api.example.com`), which a proof's
    /// `htu` must name with the request's path. Set it behind a proxy or a load balancer;
    /// without it, the origin is the request's own (an absolute URI, or the `Host`
    /// header with `https`, `http` for loopback hosts).
    pub fn dpop_origin(mut self, origin: impl Into<String>) -> Self {
        self.dpop_origin = Some((origin.into(), "dpop_origin"));
        self
    }

    /// How far a proof's `iat` may be from now, either way (default 60 s, at most 10
    /// minutes); proofs are remembered this long to refuse a replay.
    pub fn dpop_proof_window(mut self, window: Duration) -> Self {
        self.dpop_window = Some(window);
        self
    }

    /// Requires server nonces in DPoP proofs (RFC 9449 §9): a proof without a valid one is
    /// answered 401 `use_dpop_nonce` with a fresh nonce in `DPoP-Nonce`. Nonces are an
    /// HMAC of their time under `secret` (at least 32 bytes), valid for the proof window,
    /// so every instance configured with the same secret accepts the others' nonces.
    pub fn dpop_nonce_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.dpop_nonce_secret = Some((secret.into(), "dpop_nonce_secret"));
        self
    }

    /// How many proofs are remembered to refuse replays (default 100 000). A proof pushed
    /// out before its window ends could be replayed: keep it above the DPoP requests one
    /// instance serves per window.
    pub fn dpop_replay_capacity(mut self, proofs: usize) -> Self {
        self.dpop_replay_capacity = Some(proofs);
        self
    }

    /// How much of the verified-token cache may hold, in units of weight (default 10 000;
    /// 0 turns the cache off).
    ///
    /// A token seen before costs a lookup instead of a signature check, while its `exp`
    /// (plus the leeway) has not passed and the key set has not changed.
    ///
    /// A token weighs one per started KiB of its text, plus one per 64 JSON values in its
    /// claims: a token of up to 1 KiB with ordinary claims weighs 1, one at the default
    /// size cap at least 8. Each unit stands for at most about 3 KB of memory (1.9 KB
    /// for the eight-claim tokens identity providers issue, measured by
    /// `benches/memory.rs`), so the cache stays within `units` × 3 KB whatever tokens
    /// reach it, and 10 000 ordinary tokens fit in the default. An entry must fit in one
    /// of the cache's shards, which hold at least 31 units each when the capacity is 32 or
    /// more (more with a larger capacity or fewer cores): a token heavier than its shard,
    /// which takes claims of well over a thousand JSON values, is verified every time
    /// instead of kept.
    pub fn token_cache_capacity(mut self, tokens: u64) -> Self {
        self.token_cache_capacity = Some(tokens);
        self
    }

    /// Asks the authorization server's token introspection endpoint (RFC 7662) at `url`
    /// about every bearer token that is not a JWS (three base64url segments): opaque
    /// access tokens. JWSs still go to the configured key source; without one, every
    /// bearer token is introspected. Needs [`introspection_client`](Self::introspection_client)
    /// and the `introspection` feature.
    ///
    /// Without this, but with [`oidc_issuer`](Self::oidc_issuer) and an introspection
    /// client, the endpoint is the `introspection_endpoint` of the issuer's discovery
    /// document. The URL follows the rules of [`jwks_url`](Self::jwks_url) (https; http
    /// for loopback hosts or after [`allow_plain_http`](Self::allow_plain_http)); the
    /// request is bounded by [`key_fetch_timeout`](Self::key_fetch_timeout) and
    /// [`key_connect_timeout`](Self::key_connect_timeout), and never follows a redirect.
    ///
    /// An active answer becomes the [`Identity`](crate::Identity): its members are the
    /// claims, judged by the same rules as a JWT's (issuer, audience, `exp`/`nbf`/`iat`
    /// with the leeway, roles from the configured role source, scopes from `scope`); a
    /// token bound to a DPoP key (`token_type` `DPoP`, `cnf.jkt`) is checked like a bound
    /// JWT ([`dpop`](Self::dpop)); another `token_type`, or another `cnf`, is refused.
    /// Without the `introspection` feature these settings are refused at
    /// [`build`](Self::build). `"active": false` is 401 `invalid_token`. No answer, an error status or an answer
    /// that is not well formed is 503 with `Retry-After`, never an allow.
    ///
    #[cfg_attr(feature = "introspection", doc = "```")]
    #[cfg_attr(not(feature = "introspection"), doc = "```ignore")]
    /// use std::time::Duration;
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder()
    ///     .introspection_endpoint("https://login.example.com/oauth2/introspect")
    ///     .introspection_client("orders-api", "s3cret")
    ///     .introspection_cache(Duration::from_secs(30), Duration::from_secs(5))
    ///     .audience("orders-api")
    ///     .build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn introspection_endpoint(mut self, url: impl Into<String>) -> Self {
        self.introspection.endpoint = Some((url.into(), "introspection_endpoint"));
        self
    }

    /// The credentials this API authenticates to the introspection endpoint with
    /// (`client_secret_basic`: HTTP Basic, each part form-encoded as RFC 6749 §2.3.1 asks).
    ///
    #[cfg_attr(feature = "introspection", doc = "```")]
    #[cfg_attr(not(feature = "introspection"), doc = "```ignore")]
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// // With `oidc_issuer`, the endpoint comes from the discovery document.
    /// let warden = Warden::builder()
    ///     .oidc_issuer("https://login.example.com/realms/shop")
    ///     .introspection_client("orders-api", "s3cret")
    ///     .build()?;
    ///
    /// let err = Warden::builder().introspection_client("orders-api", "s3cret").build().unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidValue { setting: "introspection_endpoint", .. }));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn introspection_client(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.introspection.client_id = Some((client_id.into(), "introspection_client"));
        self.introspection.client_secret = Some((client_secret.into(), "introspection_client"));
        self
    }

    /// How long introspection answers are used: an active one until the token's `exp` or
    /// `active_for` after it was received, whichever comes first (default 60 s: a token
    /// revoked at the server may be accepted that long); an inactive one, or one the claim
    /// rules refuse, for `inactive_for` (default 5 s). Both must be longer than zero.
    ///
    /// Answers are kept for at most [`token_cache_capacity`](Self::token_cache_capacity)
    /// units of weight, one per started KiB of a token (0: none, and every request asks
    /// the server).
    ///
    #[cfg_attr(feature = "introspection", doc = "```")]
    #[cfg_attr(not(feature = "introspection"), doc = "```ignore")]
    /// use std::time::Duration;
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let err = Warden::builder()
    ///     .introspection_endpoint("https://login.example.com/introspect")
    ///     .introspection_client("api", "s3cret")
    ///     .introspection_cache(Duration::ZERO, Duration::from_secs(5))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidValue { setting: "introspection_cache", .. }));
    /// ```
    pub fn introspection_cache(mut self, active_for: Duration, inactive_for: Duration) -> Self {
        self.introspection.active_for = Some((active_for, "introspection_cache"));
        self.introspection.inactive_for = Some((inactive_for, "introspection_cache"));
        self
    }

    /// Authenticates requests with a custom [`Authenticator`] instead of JWT bearer tokens.
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.primary
            .keys
            .push((KeyInput::Custom(Arc::new(authenticator)), "authenticator"));
        self
    }

    /// Also accepts the credentials of `scheme`, which `authenticator` claims and checks,
    /// beside the JWTs (or the custom [`authenticator`](Self::authenticator)): API keys, a
    /// session cookie, … on the same routes.
    ///
    /// Every scheme is asked about every request. One claims it by answering anything but
    /// [`AuthError::MissingCredentials`](crate::AuthError::MissingCredentials) (so an
    /// authenticator answers that when the request carries none of *its* credentials, as
    /// the [`credentials`](crate::credentials) functions do):
    ///
    /// - no scheme claims the request → 401 with one `WWW-Authenticate` header field per
    ///   scheme, the Bearer challenge first, then `<name> realm="<realm>"` for each scheme
    ///   in the order added;
    /// - one scheme claims it → its answer: the identity, or a 401 that challenges that
    ///   scheme alone (`ApiKey realm="api"`);
    /// - two schemes claim it → 400 `invalid_request`, as for a token in two places.
    ///
    /// ```
    /// use axum_warden_runtime::{AuthError, Authenticator, Identity, Scheme, TokenError, Warden};
    /// use http::request::Parts;
    ///
    /// struct ApiKeys;
    /// impl Authenticator for ApiKeys {
    ///     async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
    ///         match parts.headers.get("x-api-key").map(|v| v.as_bytes()) {
    ///             None => Err(AuthError::MissingCredentials),
    ///             Some(b"k-123") => Ok(Identity::builder("service-a").roles(["reader"]).build()),
    ///             Some(_) => Err(AuthError::InvalidToken(TokenError::Rejected)),
    ///         }
    ///     }
    /// }
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .also_accept(Scheme::header("ApiKey", "x-api-key"), ApiKeys)
    ///     .build()?;
    /// assert_eq!(warden.schemes().map(Scheme::name).collect::<Vec<_>>(), ["ApiKey"]);
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    ///
    /// Checked at [`build`](Self::build): the scheme's name is an HTTP token other than
    /// `Bearer`, used once. A warden with such schemes awaits them on every request, a
    /// JWT one included.
    pub fn also_accept(mut self, scheme: Scheme, authenticator: impl Authenticator) -> Self {
        self.schemes.push((scheme, Arc::new(authenticator)));
        self
    }

    /// The accepted algorithms. Each must fit the key; by default the key's own
    /// (HS256 for a secret, RS256 for RSA, ES256/ES384 by curve, EdDSA, a JWK's `alg`).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.primary.set_algorithms(algorithms);
        self
    }

    /// The required `iss`. Without one, `iss` is not compared (but must be a string).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.primary.issuer = Some(issuer.into());
        self
    }

    /// Adds an accepted audience. Without any, tokens that carry `aud` are refused.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.primary.audiences.push(audience.into());
        self
    }

    /// Clock-skew allowance for `exp` and `nbf` (default 60 s, at most 10 minutes).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.primary.leeway = Some(leeway);
        self
    }

    /// Dotted path of the roles claim (default `roles`; `realm_access.roles` for Keycloak).
    /// Replaces an earlier [`roles_from`](Self::roles_from).
    pub fn roles_claim(mut self, path: impl Into<String>) -> Self {
        self.primary.roles_claim = Some((path.into(), "roles_claim"));
        self.primary.roles_from = None;
        self
    }

    /// Reads roles from the claims of `source`, such as a provider preset:
    ///
    /// ```
    /// use axum_warden_runtime::{RoleSource, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .roles_from(RoleSource::keycloak("orders-api"))
    ///     .build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    ///
    /// Replaces an earlier [`roles_claim`](Self::roles_claim).
    pub fn roles_from(mut self, source: RoleSource) -> Self {
        self.primary.roles_from = Some(source);
        self.primary.roles_claim = None;
        self
    }

    /// Applies `hierarchy` to every verified identity: a caller holding a role also holds
    /// every role it includes, for every role check. A cycle is refused at
    /// [`build`](Self::build).
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, RoleHierarchy, Warden};
    ///
    /// let hierarchy = RoleHierarchy::new().role("admin", ["editor"]).role("editor", ["viewer"]);
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).role_hierarchy(hierarchy).build()?;
    /// assert_eq!(warden.role_hierarchy().roles_granting("viewer"), ["viewer", "editor", "admin"]);
    ///
    /// let cycle = RoleHierarchy::new().role("admin", ["editor"]).role("editor", ["admin"]);
    /// let err = Warden::builder().hmac_secret(vec![7; 32]).role_hierarchy(cycle).build().unwrap_err();
    /// assert!(matches!(err, ConfigError::RoleHierarchy(_)));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn role_hierarchy(mut self, hierarchy: RoleHierarchy) -> Self {
        self.hierarchy = hierarchy;
        self
    }

    /// Name of the scopes claim. By default `scope`, then `scp`.
    pub fn scopes_claim(mut self, name: impl Into<String>) -> Self {
        self.primary.scopes_claim = Some(name.into());
        self
    }

    /// Realm of the `WWW-Authenticate` challenge (default `api`).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some((realm.into(), "realm"));
        self
    }

    /// Ranks authentication context classes (`acr` values) from weakest to strongest, so
    /// that a stronger class satisfies a route that asks for a weaker one (RFC 9470
    /// step-up). Without an order a route's `acr` is met only by that exact class; a class
    /// outside the order is met only by itself.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).acr_order(["pwd", "mfa", "hwk"]).build()?;
    /// assert_eq!(warden.acr_order(), ["pwd", "mfa", "hwk"]);
    ///
    /// let twice = Warden::builder().hmac_secret(vec![7; 32]).acr_order(["mfa", "mfa"]).build();
    /// assert!(matches!(twice, Err(ConfigError::InvalidValue { setting: "acr_order", .. })));
    /// # Ok::<(), ConfigError>(())
    /// ```
    ///
    /// Checked at [`build`](Self::build): each class non-empty, listed once, and without
    /// spaces, `"` or `\` (the classes travel space-separated in a quoted challenge
    /// parameter).
    pub fn acr_order<I, S>(mut self, classes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.acr_order = Some((classes.into_iter().map(Into::into).collect(), "acr_order"));
        self
    }

    /// Declares the OAuth 2.0 protected resource this warden guards (RFC 9728): its
    /// resource identifier, the URL clients call it by.
    ///
    /// Every 401 challenge then carries `resource_metadata` with the URL of the resource's
    /// metadata, and [`Router::protected_resource_metadata`](crate::Router::protected_resource_metadata)
    /// serves the metadata there. That URL is the identifier with
    /// `/.well-known/oauth-protected-resource` inserted between the host and the path
    /// (RFC 9728 §3.1): `https://api.example.com/v1` has its metadata at
    /// `https://api.example.com/.well-known/oauth-protected-resource/v1`.
    ///
    /// [`build`](Self::build) refuses an identifier that is not an `https` URL (`http` is
    /// accepted for loopback hosts, for tests), or that has a query, a fragment, user
    /// information, a character a URL cannot carry (a space, a quote, a non-ASCII
    /// letter: percent-encode it), or a path segment starting with `:` or `*` (which axum
    /// cannot route). The identifier is kept exactly as given: the metadata's
    /// `resource` must equal the URL clients use, byte for byte.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .issuer("https://login.example.com")
    ///     .protected_resource("https://api.example.com/mcp")
    ///     .build()?;
    /// let resource = warden.protected_resource().expect("configured");
    /// assert_eq!(
    ///     resource.metadata_url(),
    ///     "https://api.example.com/.well-known/oauth-protected-resource/mcp"
    /// );
    ///
    /// let err = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .protected_resource("https://api.example.com/?tenant=a")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidValue { setting: "protected_resource", .. }));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn protected_resource(mut self, identifier: impl Into<String>) -> Self {
        self.resource = Some((identifier.into(), "protected_resource"));
        self
    }

    /// Accepts only tokens whose `tid` (tenant id) is one of `tenants`; others are answered
    /// 401 `invalid_token` ([`TokenError::InvalidTenant`](crate::TokenError::InvalidTenant)),
    /// as is a token without `tid`.
    ///
    /// For a multi-tenant Entra ID application, where the issuer alone does not say which
    /// organisations may call the API. Tenants are compared exactly (Entra ID sends them
    /// in lower case). An empty list is refused at [`build`](Self::build): it would accept
    /// no token at all.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .tenants(["72f988bf-86f1-41af-91ab-2d7cd011db47"])
    ///     .build()?;
    /// let none = Warden::builder().hmac_secret(vec![7; 32]).tenants(Vec::<String>::new()).build();
    /// assert!(matches!(none, Err(ConfigError::InvalidValue { setting: "tenants", .. })));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn tenants<I, S>(mut self, tenants: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tenants = Some((tenants.into_iter().map(Into::into).collect(), "tenants"));
        self
    }

    /// Accepts only tokens issued to one of `clients`: `azp` (OpenID Connect's authorized
    /// party; Keycloak, Auth0, Entra ID v2) and `client_id` (RFC 9068; Cognito), whichever
    /// the token carries, must each be one of them, and at least one must be present.
    /// Others are answered 401 `invalid_token` ([`TokenError::InvalidClient`](crate::TokenError::InvalidClient)).
    ///
    /// For a provider that issues tokens of one audience to several clients, when only
    /// some of them may call this API. An empty list is refused at [`build`](Self::build).
    ///
    /// ```
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).client_ids(["orders-web", "orders-cli"]).build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn client_ids<I, S>(mut self, clients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.client_ids = Some((clients.into_iter().map(Into::into).collect(), "client_ids"));
        self
    }

    /// Adds a check of the application over the verified claims: a token for which
    /// `check` returns `false` is answered 401 `invalid_token`
    /// ([`TokenError::ClaimsRefused`](crate::TokenError::ClaimsRefused)). Every check added
    /// must hold.
    ///
    /// For what decides whether a token is meant for this API and is not a built-in rule:
    /// an Entra ID `ver`, a Keycloak `typ` claim of `Bearer`, a custom claim. Checks run
    /// after the signature and every built-in claim rule, and only on a token's first
    /// verification: the verified-token cache keeps only tokens that passed them, and the
    /// checks must therefore depend on the claims alone (not on the time or on state that
    /// changes). Use a route policy for decisions per request.
    ///
    /// ```
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .check_claims(|claims| claims.get("ver").and_then(|v| v.as_str()) == Some("2.0"))
    ///     .build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn check_claims(
        mut self,
        check: impl Fn(&serde_json::Map<String, serde_json::Value>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.checks.push(ClaimsCheck(Arc::new(check)));
        self
    }

    /// Requires the header `typ` of RFC 9068 JWT access tokens: `at+jwt` or
    /// `application/at+jwt`, in any case. A token typed otherwise (`JWT`, or an ID token's
    /// type) or not typed is answered 401 `invalid_token`
    /// ([`TokenError::NotAnAccessToken`](crate::TokenError::NotAnAccessToken)), before any
    /// key is looked up. Off by default.
    ///
    /// An ID token is signed by the same keys as an access token and may carry the same
    /// audience (the client id, when the API and the client are one registration); the
    /// type is what tells them apart (RFC 9068 §4). Turn it on when the provider types its
    /// access tokens: Duende IdentityServer and `oidc-provider` do by default; Auth0 does
    /// with the "RFC 9068" token profile of an API; Keycloak does when a client asks for
    /// it. Entra ID, Cognito, Auth0's default profile and Keycloak's default send `JWT` or
    /// nothing, so no provider preset turns it on.
    ///
    /// ```
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).require_access_token_type(true).build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn require_access_token_type(mut self, required: bool) -> Self {
        self.access_token_type = required;
        self
    }

    /// Cap on a bearer token's length, checked before decoding (default 8 KiB).
    ///
    /// The bearer credential of the `Authorization` header is measured against the same
    /// cap, before it is decoded or looked up in the verified-token cache; a longer one is
    /// answered 401 `invalid_token` ([`TokenError::TooLarge`](crate::TokenError::TooLarge)).
    /// So is a bearer header value longer than the cap plus 1 KiB (the scheme and spaces),
    /// before its bytes are scanned; other headers are bounded by the HTTP server (hyper
    /// refuses request heads over about 400 KiB).
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = Some(bytes);
        self
    }

    /// A tighter cap on the roles of a token, and separately on its scopes.
    ///
    /// By default there is none beyond the token's size cap ([`max_token_bytes`](Self::max_token_bytes)):
    /// every role and scope takes at least one byte of the token, so the default cap (the
    /// size cap in bytes) never refuses a token under the size cap, whatever an identity
    /// provider puts in it (Entra ID puts up to 200 groups in a token; Keycloak has no
    /// limit). The size cap already bounds the work and the memory of a token.
    ///
    /// A token over a cap set here is answered 401 `invalid_token`
    /// ([`TokenError::TooManyRoles`](crate::TokenError::TooManyRoles),
    /// [`TokenError::TooManyScopes`](crate::TokenError::TooManyScopes)); the length is
    /// checked before any entry is copied. Set one only when every token of the provider
    /// is known to stay under it.
    pub fn max_claim_entries(mut self, entries: usize) -> Self {
        self.max_claim_entries = Some(entries);
        self
    }

    /// Also reads the JWT from the cookie `name`, for a browser front end or a
    /// backend-for-frontend that keeps the token in an `HttpOnly` cookie.
    ///
    /// The `Authorization` header keeps working; a request that carries a token in both
    /// places is answered 400 `invalid_request` (RFC 6750 §2), as is one with two cookies
    /// of that name. The cookie is checked like a bearer token (the
    /// [`max_token_bytes`](Self::max_token_bytes) cap, the `b64token` grammar), and counts
    /// only where a page of another site cannot have sent it (see
    /// [`credentials::cookie_allowed`](crate::credentials::cookie_allowed)): on `GET`,
    /// `HEAD` and `OPTIONS`; on any other method, and on a WebSocket upgrade, only with
    /// `Sec-Fetch-Site: same-origin` or an `Origin` listed in
    /// [`cookie_origins`](Self::cookie_origins). Elsewhere the cookie is ignored, so such a
    /// request without another credential is answered 401 like one without any.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .token_cookie("access_token")
    ///     .cookie_origins(["https://app.example.com"])
    ///     .build()?;
    ///
    /// let err = Warden::builder().hmac_secret(vec![7; 32]).token_cookie("a b").build().unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidValue { setting: "token_cookie", .. }));
    /// # Ok::<(), ConfigError>(())
    /// ```
    ///
    /// Checked at [`build`](Self::build): a cookie name is a non-empty token (visible
    /// ASCII without separators such as `;`, `=`, `,` or spaces). A custom
    /// [`authenticator`](Self::authenticator) reads its own credentials, so this setting
    /// needs a JWT key source.
    pub fn token_cookie(mut self, name: impl Into<String>) -> Self {
        self.token_cookie = Some(name.into());
        self
    }

    /// The origins (`https://app.example.com`: scheme, host and an optional port, no path)
    /// whose pages may send the [`token_cookie`](Self::token_cookie) on unsafe requests
    /// (`POST`, `PUT`, `PATCH`, `DELETE` …) and WebSocket upgrades, besides requests the
    /// browser marks `Sec-Fetch-Site: same-origin`. Compared exactly with the request's
    /// `Origin` header. Needs [`token_cookie`](Self::token_cookie).
    pub fn cookie_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cookie_origins = Some(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Also reads the JWT of a WebSocket upgrade request from the query parameter `name`
    /// (`access_token` is the name RFC 6750 §2.3 uses): a browser's `WebSocket` cannot set
    /// headers. Only on an upgrade request (a `GET` with `Upgrade: websocket`); on any
    /// other request the parameter is not read, so a token in the URL of a plain request
    /// authenticates nothing. The value is taken as sent, not percent-decoded.
    ///
    /// The crate never logs a URL's query; the documentation (`docs/identity-providers.md`)
    /// shows how to keep it out of `tower_http`'s `TraceLayer` too.
    ///
    /// ```
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).websocket_query_token("access_token").build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    ///
    /// Checked at [`build`](Self::build): the name is non-empty visible ASCII without `&`,
    /// `=`, `#`, `%` or `+`. Needs a JWT key source.
    pub fn websocket_query_token(mut self, name: impl Into<String>) -> Self {
        self.websocket_query = Some(name.into());
        self
    }

    /// Also reads the JWT of a WebSocket upgrade request from `Sec-WebSocket-Protocol`: the
    /// client offers the subprotocol `bearer` followed by the token
    /// (`new WebSocket(url, ["bearer", token])`, see
    /// [`credentials::websocket_protocol_token`](crate::credentials::websocket_protocol_token)).
    /// The handler must then select `bearer` with axum's
    /// `WebSocketUpgrade::protocols(["bearer"])`, or a browser closes the connection.
    ///
    /// ```
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).websocket_protocol_token(true).build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn websocket_protocol_token(mut self, enabled: bool) -> Self {
        self.websocket_protocol = enabled;
        self
    }

    /// Replaces how every refusal is rendered, application-wide.
    ///
    /// The function receives the [`Rejection`] and may start from
    /// [`Rejection::default_response`]. Whatever it returns gets `Cache-Control: no-store`,
    /// replacing any other `Cache-Control`: a refusal depends on the caller's credentials
    /// and must never be served from a cache to someone else.
    pub fn renderer(mut self, render: impl Fn(&Rejection) -> Response + Send + Sync + 'static) -> Self {
        self.renderer = Some(Arc::new(render));
        self
    }

    /// Trusts one more issuer, with its own key source and rules (see [`IssuerConfig`]).
    ///
    /// The single-issuer methods ([`hmac_secret`](Self::hmac_secret),
    /// [`issuer`](Self::issuer), [`audience`](Self::audience) …) configure one issuer
    /// too, when they give a key source; every issuer, that one included, then needs its
    /// `iss` ([`issuer`](Self::issuer), or the URL of [`oidc_issuer`](Self::oidc_issuer)),
    /// and no two may share one. The warden-wide settings (realm, limits, cache, role
    /// hierarchy, renderer, key refresh) apply to every issuer.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, IssuerConfig, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(b"0123456789abcdef0123456789abcdef".to_vec())
    ///     .issuer("https://old.example")
    ///     .trust(IssuerConfig::new("https://new.example").hmac_secret(vec![9; 32]))
    ///     .build()?;
    ///
    /// let err = Warden::builder()
    ///     .trust(IssuerConfig::new("https://a.example").hmac_secret(vec![7; 32]))
    ///     .trust(IssuerConfig::new("https://b.example").hmac_secret(vec![7; 9]))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, ConfigError::SecretTooShort { setting: "issuers[1].hmac_secret", .. }));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn trust(mut self, issuer: IssuerConfig) -> Self {
        self.trusted.push(issuer);
        self
    }

    /// Loads the keys and checks the whole configuration.
    ///
    /// # Errors
    /// The first [`ConfigError`] found, naming the setting at fault.
    pub fn build(self) -> Result<Warden, ConfigError> {
        install_crypto_provider();
        #[cfg(not(feature = "introspection"))]
        introspection::refuse(&self.introspection)?;
        let introspection = self.introspection.first_setting().map(|_| self.introspection);
        let mut primary = self.primary;
        let mut inputs = std::mem::take(&mut primary.keys).into_iter();
        let first_input = inputs.next();
        #[cfg(feature = "introspection")]
        let discover_from = match &first_input {
            Some((KeyInput::OidcIssuer(issuer), _)) => Some(issuer.trim().to_owned()),
            _ => None,
        };
        if let (Some((_, first)), Some((_, second))) = (&first_input, inputs.next()) {
            return Err(ConfigError::SeveralKeySources { first, second });
        }
        // A custom authenticator names no issuer tokens carry, but may be told one for
        // the protected-resource metadata.
        let custom_issuer = primary.issuer.clone();
        let mut issuers: Vec<(Settings, (KeyInput, &'static str), Namer)> = Vec::new();
        let mut custom = None;
        let mut alone = None;
        match first_input {
            Some((KeyInput::Custom(auth), setting)) => custom = Some((auth, setting)),
            Some(input) => issuers.push((primary, input, Namer::Plain)),
            // Introspection alone: the single-issuer settings are its claim rules.
            None => alone = Some(primary),
        }
        #[cfg(not(feature = "introspection"))]
        let _ = &alone;
        let trusted = self.trusted.into_iter().enumerate();
        let trusted = trusted.map(|(index, config)| (config.settings, Namer::Issuer(index)));
        let from_file = self.file_issuers.into_iter().map(|settings| (settings, Namer::Given));
        for (mut settings, name) in trusted.chain(from_file) {
            let mut inputs = std::mem::take(&mut settings.keys).into_iter();
            let input = match (inputs.next(), inputs.next()) {
                (Some(input), None) => input,
                (None, _) => {
                    return Err(ConfigError::InvalidValue {
                        setting: name.name("issuer"),
                        reason: "has no key source: give it one of hmac_secret, public_key_pem, public_key_file, jwks_json, jwks_file, jwks_url, oidc_discovery".into(),
                    });
                }
                (Some((_, first)), Some((_, second))) => {
                    return Err(ConfigError::SeveralKeySources {
                        first: name.name(first),
                        second: name.name(second),
                    });
                }
            };
            issuers.push((settings, input, name));
        }
        if let Some((_, setting)) = &custom
            && let Some((_, _, name)) = issuers.first()
        {
            return Err(ConfigError::SeveralKeySources {
                first: setting,
                second: name.name("issuer"),
            });
        }
        if let (Some((_, first)), Some(options)) = (&custom, &introspection) {
            return Err(ConfigError::SeveralKeySources {
                first,
                second: options.first_setting().unwrap_or("introspection_endpoint"),
            });
        }
        if custom.is_none() && issuers.is_empty() && introspection.is_none() {
            return Err(ConfigError::NoKeySource);
        }
        check_distinct_issuers(&issuers)?;
        // The issuers known at startup: the ones tokens must carry, else the ones
        // discovery will ask. They are what the metadata names as authorization servers.
        let authorization_servers: Vec<String> = if custom.is_some() {
            custom_issuer.into_iter().collect()
        } else {
            issuers
                .iter()
                .filter_map(|(settings, (input, _), _)| settings.expected_issuer(input))
                .collect()
        };
        let resource = match self.resource {
            Some((identifier, setting)) => Some(
                ProtectedResource::new(&identifier, authorization_servers, custom.is_none())
                    .map_err(|reason| ConfigError::InvalidValue { setting, reason })?,
            ),
            None => None,
        };
        let (realm, realm_setting) = self.realm.unwrap_or_else(|| (DEFAULT_REALM.to_owned(), "realm"));
        let metadata_url = resource.as_ref().map(ProtectedResource::metadata_url);
        let challenges = Challenges::new(&realm, metadata_url).ok_or_else(|| ConfigError::InvalidValue {
            setting: realm_setting,
            reason: "a realm is printable ASCII without '\"' or '\\'".into(),
        })?;
        for (i, (scheme, _)) in self.schemes.iter().enumerate() {
            let twice = self.schemes[..i]
                .iter()
                .any(|(earlier, _)| earlier.name().eq_ignore_ascii_case(scheme.name()));
            let problem = scheme
                .problem()
                .or_else(|| twice.then(|| format!("the scheme {:?} is accepted twice", scheme.name())));
            if let Some(reason) = problem {
                return Err(ConfigError::InvalidValue {
                    setting: "also_accept",
                    reason,
                });
            }
        }
        let dpop = dpop_settings(
            self.revocations.as_ref().map(|(list, _)| list.clone()),
            self.dpop,
            self.dpop_algorithms,
            self.dpop_origin,
            self.dpop_nonce_secret,
            self.dpop_window,
            self.dpop_replay_capacity,
        )?;
        let challenges = match &dpop {
            Some(dpop) => challenges.with_dpop(dpop.algorithms().iter().map(|a| a.as_str()).collect(), dpop.required()),
            None => challenges,
        };
        let challenges = challenges.with_schemes(self.schemes.iter().map(|(scheme, _)| scheme.name()));
        let resolved = self.hierarchy.resolve()?;
        let source = match custom {
            Some((auth, _)) => Source::Custom(auth),
            None => {
                let cache = TokenCache::new(self.token_cache_capacity.unwrap_or(DEFAULT_TOKEN_CACHE_CAPACITY));
                let max_token_bytes = self.max_token_bytes.unwrap_or(DEFAULT_MAX_TOKEN_BYTES);
                let shared = Shared {
                    refuse_bound: self.dpop.is_none_or(|(mode, _)| mode == DpopMode::Off),
                    max_token_bytes,
                    // Every entry takes at least a byte of the token, so the size cap bounds
                    // the count: no token under the cap is refused for its number of roles.
                    max_claim_entries: self.max_claim_entries.unwrap_or(max_token_bytes),
                    access_token_type: self.access_token_type,
                    tenants: check_list(self.tenants, "tenant")?,
                    client_ids: check_list(self.client_ids, "client")?,
                    checks: self.checks,
                    hierarchy: resolved.clone(),
                    remote: self.remote,
                    cache: cache.clone(),
                };
                // The introspected tokens follow the single-issuer settings' claim rules.
                #[cfg(feature = "introspection")]
                let introspection = match introspection {
                    Some(options) => {
                        let settings = issuers
                            .iter()
                            .find(|(_, _, name)| matches!(name, Namer::Plain))
                            .map(|(settings, _, _)| settings)
                            .or(alone.as_ref());
                        let mut rules = match settings {
                            Some(settings) => settings.rules(&|setting| setting, &shared)?,
                            None => Settings::default().rules(&|setting| setting, &shared)?,
                        };
                        if let Some(issuer) = &discover_from {
                            rules.issuer.get_or_insert_with(|| issuer.as_str().into());
                        }
                        let context = introspection::Context {
                            discover_from,
                            rules,
                            remote: shared.remote.clone(),
                            capacity: self.token_cache_capacity.unwrap_or(DEFAULT_TOKEN_CACHE_CAPACITY),
                        };
                        Some(introspection::introspector(options, context)?)
                    }
                    None => None,
                };
                let trusted = issuers
                    .into_iter()
                    .map(|(settings, input, name)| settings.build(input, &|setting| name.name(setting), &shared))
                    .collect::<Result<Vec<_>, _>>()?;
                let revocations = self.revocations.as_ref().map(|(list, _)| list.clone());
                let verifier = Verifier::new(trusted, cache, max_token_bytes, revocations);
                #[cfg(feature = "introspection")]
                let verifier = match introspection {
                    Some(introspector) => verifier.with_introspection(introspector),
                    None => verifier,
                };
                Source::Jwt(verifier)
            }
        };
        let locations = locations(
            self.token_cookie,
            self.cookie_origins,
            self.websocket_query,
            self.websocket_protocol,
        )?;
        if let (Some(places), Source::Custom(_)) = (&locations, &source) {
            return Err(ConfigError::Unsupported {
                setting: if places.cookie.is_some() {
                    "token_cookie"
                } else if places.query.is_some() {
                    "websocket_query_token"
                } else {
                    "websocket_protocol_token"
                },
                reason: "token cookies and WebSocket tokens are places of a JWT; a custom authenticator reads its own credentials (see the `credentials` module)",
            });
        }
        let acr_order = match self.acr_order {
            Some((classes, setting)) => check_acr_order(classes, setting)?,
            None => Vec::new(),
        };
        if let (Some((_, setting)), Source::Custom(_)) = (&self.revocations, &source) {
            return Err(ConfigError::Unsupported {
                setting,
                reason: "revocations apply to verified JWTs; a custom authenticator checks its own credentials",
            });
        }
        let logout_audiences = check_list(self.logout_audiences.clone(), "client")?;
        if let Some((_, setting)) = &self.logout_audiences
            && self.revocations.is_none()
        {
            return Err(ConfigError::InvalidValue {
                setting,
                reason: "a back-channel logout is recorded as a revocation: configure revocations too (WardenBuilder::revocations, WARDEN_REVOCATION_STORE)".into(),
            });
        }
        if dpop.is_some() && matches!(source, Source::Custom(_)) {
            return Err(ConfigError::Unsupported {
                setting: "dpop",
                reason: "DPoP binds JWT access tokens to a key; a custom authenticator checks its own credentials",
            });
        }
        Ok(Warden::from_inner(Inner {
            dpop,
            logout_audiences,
            source,
            responder: Responder::new(challenges, self.renderer),
            hierarchy: self.hierarchy,
            resolved,
            acr_order,
            resource,
            locations,
            schemes: self
                .schemes
                .into_iter()
                .map(|(scheme, authenticator)| SideScheme { scheme, authenticator })
                .collect(),
        }))
    }
}

/// The DPoP settings, checked: `None` when DPoP is off (and then no other DPoP setting may
/// be given, as it would do nothing).
fn dpop_settings(
    shared: Option<Revocations>,
    mode: Option<(DpopMode, &'static str)>,
    algorithms: Option<(Vec<Algorithm>, &'static str)>,
    origin: Option<(String, &'static str)>,
    nonce_secret: Option<(Vec<u8>, &'static str)>,
    window: Option<Duration>,
    replay_capacity: Option<usize>,
) -> Result<Option<Dpop>, ConfigError> {
    let invalid = |setting: &'static str, reason: String| ConfigError::InvalidValue { setting, reason };
    let Some((mode, mode_setting)) = mode.filter(|(mode, _)| *mode != DpopMode::Off) else {
        let stray = [
            algorithms.as_ref().map(|(_, s)| *s),
            origin.as_ref().map(|(_, s)| *s),
            nonce_secret.as_ref().map(|(_, s)| *s),
            window.map(|_| "dpop_proof_window"),
            replay_capacity.map(|_| "dpop_replay_capacity"),
        ];
        if let Some(setting) = stray.into_iter().flatten().next() {
            return Err(invalid(
                setting,
                "applies to DPoP, which is off: allow or require it (WardenBuilder::dpop, WARDEN_DPOP)".into(),
            ));
        }
        return Ok(None);
    };
    let algorithms = match algorithms {
        None => DEFAULT_DPOP_ALGORITHMS.to_vec(),
        Some((list, setting)) => {
            if list.is_empty() {
                return Err(invalid(setting, "names no algorithm".into()));
            }
            if let Some(symmetric) = list.iter().find(|a| a.family() == crate::algorithm::Family::Hmac) {
                return Err(invalid(
                    setting,
                    format!("{symmetric} is symmetric: a proof must be signed with a key only the client holds"),
                ));
            }
            list
        }
    };
    let origin = match origin {
        None => None,
        Some((origin, setting)) => Some(check_origin(&origin).map_err(|reason| invalid(setting, reason))?),
    };
    let window = window.unwrap_or(DEFAULT_DPOP_WINDOW);
    if window.is_zero() || window > crate::defaults::MAX_LEEWAY {
        return Err(invalid(
            "dpop_proof_window",
            format!("{window:?} is not between 1 s and 10 minutes"),
        ));
    }
    if let Some((secret, setting)) = &nonce_secret
        && secret.len() < crate::defaults::MIN_HMAC_SECRET_LEN
    {
        return Err(invalid(setting, "is shorter than 32 bytes".into()));
    }
    let capacity = replay_capacity.unwrap_or(DEFAULT_DPOP_REPLAY_CAPACITY);
    if capacity == 0 {
        return Err(invalid(
            "dpop_replay_capacity",
            "is 0: every proof could be replayed".into(),
        ));
    }
    Dpop::new(DpopSettings {
        required: mode == DpopMode::Required,
        algorithms,
        origin,
        window,
        nonce_secret: nonce_secret.map(|(secret, _)| secret),
        replay_capacity: capacity,
        shared,
    })
    .map(Some)
    .map_err(|e| invalid(mode_setting, e.to_string()))
}

/// An origin as `dpop_origin` takes it: `https://host[:port]` (`http` too), nothing after
/// the authority but an optional `/`.
fn check_origin(origin: &str) -> Result<String, String> {
    let trimmed = origin.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("{origin:?} is not an http or https origin"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(format!(
            "{origin:?} is not an origin (scheme://host[:port], no path, query or user)"
        ));
    }
    Ok(trimmed.to_owned())
}

/// A list of accepted values (tenants, clients), checked: when given, at least one value,
/// none empty and none twice. An empty list would accept no token at all.
fn check_list(list: Option<(Vec<String>, &'static str)>, what: &str) -> Result<Vec<String>, ConfigError> {
    let Some((values, setting)) = list else {
        return Ok(Vec::new());
    };
    let problem = if values.is_empty() {
        Some(format!("names no {what}; list at least one, or leave it unset"))
    } else if values.iter().any(String::is_empty) {
        Some(format!("a {what} is empty"))
    } else {
        values
            .iter()
            .enumerate()
            .find(|(i, v)| values[..*i].contains(v))
            .map(|(_, v)| format!("{v:?} is listed twice"))
    };
    match problem {
        Some(reason) => Err(ConfigError::InvalidValue { setting, reason }),
        None => Ok(values),
    }
}

/// How the settings of one issuer are named in errors.
#[derive(Clone, Copy)]
enum Namer {
    /// The single-issuer settings: by their own names.
    Plain,
    /// The `n`th [`WardenBuilder::trust`] call: `issuers[n].<setting>`.
    Issuer(usize),
    /// A configuration file's issuer, whose settings carry their full names.
    Given,
}

impl Namer {
    fn name(self, setting: &'static str) -> &'static str {
        match self {
            Self::Plain | Self::Given => setting,
            Self::Issuer(index) => intern(format!("issuers[{index}].{setting}")),
        }
    }
}

/// With several issuers, each must name its `iss`, and no two the same: the `iss` is
/// what selects the issuer.
fn check_distinct_issuers(issuers: &[(Settings, (KeyInput, &'static str), Namer)]) -> Result<(), ConfigError> {
    if issuers.len() < 2 {
        return Ok(());
    }
    let mut seen: Vec<String> = Vec::new();
    for (settings, (input, _), name) in issuers {
        let setting = name.name(settings.issuer_setting.unwrap_or("issuer"));
        let Some(issuer) = settings.expected_issuer(input) else {
            return Err(ConfigError::InvalidValue {
                setting,
                reason: "several issuers are trusted, so each needs its `iss`: set the issuer".into(),
            });
        };
        if seen.contains(&issuer) {
            return Err(ConfigError::InvalidValue {
                setting,
                reason: format!("{issuer:?} is trusted twice; an `iss` selects one issuer"),
            });
        }
        seen.push(issuer);
    }
    Ok(())
}

/// The places besides the header, checked; `None` when none is configured.
fn locations(
    cookie: Option<String>,
    origins: Option<Vec<String>>,
    query: Option<String>,
    protocol: bool,
) -> Result<Option<Locations>, ConfigError> {
    let invalid = |setting, reason: String| ConfigError::InvalidValue { setting, reason };
    let cookie = match (cookie, origins) {
        (None, Some(_)) => {
            return Err(invalid(
                "cookie_origins",
                "trusts origins to send the token cookie, so it needs `token_cookie`".into(),
            ));
        }
        (None, None) => None,
        (Some(name), origins) => {
            // RFC 6265 §4.1.1: a cookie-name is an RFC 2616 token.
            let separator = |c: char| "()<>@,;:\\\"/[]?={} ".contains(c);
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic() && !separator(c)) {
                return Err(invalid(
                    "token_cookie",
                    format!(
                        "{name:?} is not a cookie name: use letters, digits and `-`, `_`, `.`, e.g. `access_token`"
                    ),
                ));
            }
            let origins = origins.unwrap_or_default();
            if let Some(origin) = origins.iter().find(|origin| !is_origin(origin)) {
                return Err(invalid(
                    "cookie_origins",
                    format!("{origin:?} is not an origin: scheme, host and port only, e.g. `https://app.example.com`"),
                ));
            }
            Some(TokenCookie { name, origins })
        }
    };
    if let Some(name) = &query
        && (name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic() && !"&=#%+".contains(c)))
    {
        return Err(invalid(
            "websocket_query_token",
            format!("{name:?} is not a query parameter name that needs no encoding, e.g. `access_token`"),
        ));
    }
    let locations = Locations {
        cookie,
        query,
        protocol,
    };
    Ok(locations.any().then_some(locations))
}

/// `http(s)://host[:port]` as a browser writes it in `Origin`: no path, no trailing slash,
/// no user information, query or fragment.
fn is_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !authority.is_empty() && authority.chars().all(|c| c.is_ascii_graphic() && !"/?#@\\".contains(c))
}

/// The classes of [`WardenBuilder::acr_order`], checked.
fn check_acr_order(classes: Vec<String>, setting: &'static str) -> Result<Vec<String>, ConfigError> {
    for (i, class) in classes.iter().enumerate() {
        let problem = if class.is_empty() {
            Some("an authentication context class is empty".to_owned())
        } else if !class.chars().all(crate::http::is_nqchar) {
            Some(format!(
                "{class:?} has a space, a '\"', a '\\' or a character outside printable ASCII"
            ))
        } else if classes[..i].contains(class) {
            Some(format!("{class:?} is listed twice"))
        } else {
            None
        };
        if let Some(reason) = problem {
            return Err(ConfigError::InvalidValue { setting, reason });
        }
    }
    Ok(classes)
}
