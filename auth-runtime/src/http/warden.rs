//! The [`Warden`]: what the guard of every route asks to authenticate a request, shared
//! through router state. It is built by the configuration layer
//! ([`Warden::builder`], [`Warden::from_env`]); this is its request-time half.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;

use super::credentials::{self, Candidate};
use super::dpop::Dpop;
use super::locations::Locations;
use super::resource::ProtectedResource;
use super::responder::Responder;
use super::scheme::{CredentialLocation, Scheme};
use crate::error::{AuthError, InvalidRequest};
use crate::identity::{Identity, auth_time_of};
use crate::key_source::{KeyFetchError, UnknownKid};
use crate::requirement::StepUp;
use crate::roles::{Resolved, RoleHierarchy};
use crate::token::json::{ClaimRef, read_claims};
use crate::verifier::Verifier;
use crate::verifier::cache::CacheStats;
use crate::verifier::clock::unix_now;
use crate::verifier::logout::LogoutTokenError;
use crate::verifier::revocation::{Revocation, Revocations};

/// Verifies requests. Built once at startup, shared through router state, cheap to clone.
///
/// ```
/// use axum_warden_runtime::Warden;
///
/// let warden = Warden::builder()
///     .hmac_secret(b"0123456789abcdef0123456789abcdef".to_vec())
///     .issuer("https://issuer.example")
///     .audience("my-api")
///     .build()?;
/// # Ok::<(), axum_warden_runtime::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Warden(Arc<dyn Core>);

/// The parts behind a [`Warden`], reached through a trait object so that the type of
/// `Warden` says nothing about what it holds. Every handler future of an application
/// holds its router state; rustc proves `Send` for each of them again, and a concrete
/// type would send that proof through the key source, the HTTP client and the token
/// cache every time (it doubled the build of 200 stateful handlers).
trait Core: Send + Sync + 'static {
    fn inner(&self) -> &Inner;
}

impl Core for Inner {
    fn inner(&self) -> &Inner {
        self
    }
}

/// What a [`Warden`] is made of; assembled by the configuration layer.
pub(crate) struct Inner {
    pub(crate) source: Source,
    pub(crate) responder: Arc<Responder>,
    pub(crate) hierarchy: RoleHierarchy,
    /// `hierarchy` resolved, for identities a custom authenticator makes (the JWT path
    /// applies it while verifying, so cached identities carry it already).
    pub(crate) resolved: Option<Arc<Resolved>>,
    /// Authentication context classes from weakest to strongest
    /// ([`WardenBuilder::acr_order`](crate::WardenBuilder::acr_order)).
    pub(crate) acr_order: Vec<String>,
    /// The protected resource whose metadata the router serves (RFC 9728), when configured.
    pub(crate) resource: Option<ProtectedResource>,
    /// The places besides the `Authorization` header that may carry the JWT, when any is
    /// configured; `None` keeps the header-only path free of any other parsing.
    pub(crate) locations: Option<Locations>,
    /// The schemes accepted beside the JWTs, each with the authenticator that claims its
    /// credentials; empty unless configured, which keeps the JWT path as it was.
    pub(crate) schemes: Vec<SideScheme>,
    /// The clients whose back-channel logout tokens are accepted (their `aud`); empty
    /// unless configured.
    pub(crate) logout_audiences: Vec<String>,
    /// DPoP-bound tokens (RFC 9449), when accepted; `None` keeps the bearer path as it was.
    pub(crate) dpop: Option<Dpop>,
}

/// A scheme accepted beside the JWTs ([`WardenBuilder::also_accept`](crate::WardenBuilder::also_accept)).
pub(crate) struct SideScheme {
    pub(crate) scheme: Scheme,
    pub(crate) authenticator: Arc<dyn DynAuthenticator>,
}

/// Which scheme accepted beside the JWTs claimed a request whose authentication failed,
/// by its position: kept in the request's extensions for the refusal, which then
/// challenges that scheme alone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimedBy(pub(crate) usize);

/// Where identities come from.
// One per warden, behind its `Arc`: boxing the large variant would only add a hop per request.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Source {
    Jwt(Verifier),
    Custom(Arc<dyn DynAuthenticator>),
}

impl fmt::Debug for Warden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.0.inner();
        let mut s = f.debug_struct("Warden");
        s.field("realm", &inner.responder.realm());
        match &inner.source {
            Source::Jwt(jwt) => match jwt.issuers() {
                [only] => s.field("algorithms", &only.algorithms()).field("rules", only.rules()),
                several => s.field(
                    "issuers",
                    &several
                        .iter()
                        .map(|trusted| (trusted.algorithms(), trusted.rules()))
                        .collect::<Vec<_>>(),
                ),
            },
            Source::Custom(_) => s.field("authenticator", &"custom"),
        };
        #[cfg(feature = "introspection")]
        if let Source::Jwt(jwt) = &inner.source
            && jwt.introspects()
        {
            s.field("introspection", &true);
        }
        s.finish_non_exhaustive()
    }
}

/// A source of identities other than JWT bearer tokens (API keys, sessions …).
///
/// Return [`AuthError::MissingCredentials`] when the request carries none of your
/// credentials and [`AuthError::InvalidToken`] when it carries bad ones; the guard turns
/// them into the same 401 answers as for JWTs. See `examples/api_key.rs`.
///
/// ```
/// use axum_warden_runtime::{AuthError, Authenticator, Identity, TokenError, Warden};
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
/// let warden = Warden::builder().authenticator(ApiKeys).build()?;
/// # Ok::<(), axum_warden_runtime::ConfigError>(())
/// ```
pub trait Authenticator: Send + Sync + 'static {
    /// Finds and verifies the caller's identity in the request head.
    fn authenticate(&self, parts: &Parts) -> impl Future<Output = Result<Identity, AuthError>> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`Authenticator`] as a trait object.
pub(crate) trait DynAuthenticator: Send + Sync {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Identity, AuthError>>;
}

impl<A: Authenticator> DynAuthenticator for A {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Identity, AuthError>> {
        Box::pin(Authenticator::authenticate(self, parts))
    }
}

impl Warden {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }

    fn inner(&self) -> &Inner {
        self.0.inner()
    }

    /// The parts of `step_up` that `identity` does not meet, or `None`.
    ///
    /// `acr` is met by the named class, or by one the configured order ranks at or above
    /// it; `max_age` by an `auth_time` at most that many seconds ago. A missing claim meets
    /// nothing: a token that does not say how or when its caller authenticated cannot
    /// prove a strong or recent authentication.
    pub(crate) fn step_up_unmet(&self, identity: &Identity, step_up: &StepUp) -> Option<StepUp> {
        let (acr, auth_time) = read_claims(
            identity,
            |name| matches!(name, "acr" | "auth_time"),
            |claims| {
                let held = claims.get("acr").and_then(ClaimRef::as_str);
                let acr = step_up
                    .acr
                    .filter(|wanted| !held.is_some_and(|held| self.acr_satisfies(held, wanted)));
                let auth_time = claims
                    .get("auth_time")
                    .and_then(ClaimRef::as_json)
                    .and_then(auth_time_of);
                (acr, auth_time)
            },
        );
        // The warden's clock, as every other time check reads it (`verifier::clock`).
        let max_age = step_up
            .max_age
            .filter(|&max_age| auth_time.is_none_or(|at| unix_now().saturating_sub(at) > max_age));
        let unmet = StepUp { acr, max_age };
        (!unmet.is_none()).then_some(unmet)
    }

    /// Whether the class `held` satisfies a route that asks for `wanted`.
    fn acr_satisfies(&self, held: &str, wanted: &str) -> bool {
        if held == wanted {
            return true;
        }
        let order = &self.inner().acr_order;
        let rank = |class: &str| order.iter().position(|c| c == class);
        matches!((rank(held), rank(wanted)), (Some(held), Some(wanted)) if held >= wanted)
    }

    /// The authentication context classes this warden ranks, weakest first.
    #[must_use]
    pub fn acr_order(&self) -> &[String] {
        &self.inner().acr_order
    }

    /// The role hierarchy this warden applies (empty unless configured), for
    /// [`RouteTable::with_role_hierarchy`](crate::RouteTable::with_role_hierarchy).
    #[must_use]
    pub fn role_hierarchy(&self) -> &RoleHierarchy {
        &self.inner().hierarchy
    }

    /// The revocation list this warden checks, when one is configured
    /// ([`WardenBuilder::revocations`](crate::WardenBuilder::revocations)): revoke
    /// through it from a logout handler or an admin endpoint.
    #[must_use]
    pub fn revocations(&self) -> Option<&Revocations> {
        match &self.inner().source {
            Source::Jwt(jwt) => jwt.revocations(),
            Source::Custom(_) => None,
        }
    }

    /// The clients whose OpenID Connect back-channel logout tokens this warden accepts.
    pub(crate) fn logout_audiences(&self) -> &[String] {
        &self.inner().logout_audiences
    }

    /// Verifies an OpenID Connect back-channel logout token as the route
    /// [`Router::back_channel_logout`](crate::Router::back_channel_logout) mounts does, and
    /// returns the revocation it asks for without recording it: for an application that
    /// serves the endpoint itself. It may wait for a key fetch, never longer than the
    /// fetch timeout.
    ///
    /// ```
    /// # tokio_test::block_on(async {
    /// use axum_warden::{Algorithm, LogoutTokenError, Revocations};
    /// use axum_warden::testing::TestIssuer;
    ///
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let warden = issuer.warden_builder().revocations(Revocations::in_memory()).back_channel_logout("web").build()?;
    /// let event = serde_json::json!({ "http://schemas.openid.net/event/backchannel-logout": {} });
    /// let token = issuer.token().audience("web").claim("sid", "s-1".into()).claim("jti", "j".into()).claim("events", event);
    /// assert_eq!(warden.verify_logout_token(&token.clone().sign()).await?.value(), "s-1");
    /// let nonce = token.claim("nonce", "n".into()).sign();
    /// assert_eq!(warden.verify_logout_token(&nonce).await.unwrap_err(), LogoutTokenError::Nonce);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).expect("the example runs");
    /// ```
    ///
    /// # Errors
    /// The rule the token breaks; [`LogoutTokenError::NotAccepted`] when this warden
    /// accepts no logout tokens (no [`back_channel_logout`](crate::WardenBuilder::back_channel_logout)
    /// client, or a custom authenticator).
    pub async fn verify_logout_token(&self, token: &str) -> Result<Revocation, LogoutTokenError> {
        let audiences = self.logout_audiences();
        match self.verifier() {
            Some(verifier) if !audiences.is_empty() => verifier.verify_logout_token(token, audiences).await,
            _ => Err(LogoutTokenError::NotAccepted),
        }
    }

    pub(crate) fn verifier(&self) -> Option<&Verifier> {
        match &self.inner().source {
            Source::Jwt(jwt) => Some(jwt),
            Source::Custom(_) => None,
        }
    }

    /// The realm of this warden's challenges.
    #[must_use]
    pub fn realm(&self) -> &str {
        self.inner().responder.realm()
    }

    /// The protected resource this warden guards, when one is configured
    /// ([`WardenBuilder::protected_resource`](crate::WardenBuilder::protected_resource)):
    /// its identifier and the URL of its RFC 9728 metadata, which every 401 challenge
    /// names in `resource_metadata`.
    #[must_use]
    pub fn protected_resource(&self) -> Option<&ProtectedResource> {
        self.inner().resource.as_ref()
    }

    /// Whether the guard may answer 503 because an identity cannot be checked right now:
    /// keys fetched over HTTP, or a custom [`Authenticator`], which may answer
    /// [`AuthError::Unavailable`].
    #[cfg_attr(not(any(feature = "utoipa", feature = "aide")), allow(dead_code))]
    pub(crate) fn may_be_unavailable(&self) -> bool {
        let primary = match &self.inner().source {
            Source::Jwt(jwt) => jwt.has_remote_keys(),
            Source::Custom(_) => true,
        };
        primary || !self.inner().schemes.is_empty()
    }

    /// The schemes this warden accepts beside its JWTs
    /// ([`WardenBuilder::also_accept`](crate::WardenBuilder::also_accept)), in the order
    /// they were added: the order of their challenges.
    pub fn schemes(&self) -> impl ExactSizeIterator<Item = &Scheme> {
        self.inner().schemes.iter().map(|side| &side.scheme)
    }

    /// Every scheme and place whose credentials this warden reads, in the order it reads
    /// them: its bearer tokens in the `Authorization` header, then in each place opted in
    /// to (the token cookie, the WebSocket query parameter, the WebSocket subprotocol),
    /// then each scheme accepted beside them. Give them to
    /// [`RouteTable::with_credentials`](crate::RouteTable::with_credentials) to list them
    /// for every route that needs an identity.
    ///
    /// ```
    /// use axum_warden_runtime::{CredentialLocation, Warden};
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).token_cookie("access_token").build()?;
    /// let places: Vec<_> = warden.credentials().into_iter().map(|s| s.location().clone()).collect();
    /// assert_eq!(places, [CredentialLocation::Authorization, CredentialLocation::Cookie("access_token".into())]);
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    ///
    /// A warden whose identities come from a custom [`Authenticator`] lists it as the
    /// `Authorization` header, whose Bearer challenge it answers with.
    #[must_use]
    pub fn credentials(&self) -> Vec<Scheme> {
        let inner = self.inner();
        let mut all = vec![Scheme::bearer(CredentialLocation::Authorization)];
        if let Some(places) = &inner.locations {
            if let Some(cookie) = &places.cookie {
                all.push(Scheme::bearer(CredentialLocation::Cookie(cookie.name.clone())));
            }
            if let Some(name) = &places.query {
                all.push(Scheme::bearer(CredentialLocation::WebSocketQuery(name.clone())));
            }
            if places.protocol {
                all.push(Scheme::bearer(CredentialLocation::WebSocketProtocol));
            }
        }
        all.extend(inner.schemes.iter().map(|side| side.scheme.clone()));
        all
    }

    /// What this warden's refusals answer with.
    pub(crate) fn responder(&self) -> &Arc<Responder> {
        &self.inner().responder
    }

    /// Authenticates a request head without checking any requirement.
    ///
    /// For a remote key source ([`jwks_url`](crate::WardenBuilder::jwks_url),
    /// [`oidc_issuer`](crate::WardenBuilder::oidc_issuer)) this may wait for a key fetch:
    /// the first one, or one triggered by an unknown `kid`, never longer than the fetch
    /// timeout.
    ///
    /// # Errors
    /// The [`AuthError`] the guard would answer with.
    pub async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        match self.authenticate_now(parts) {
            Some(outcome) => outcome,
            None => self.authenticate_waiting(parts).await,
        }
    }

    /// [`authenticate`](Self::authenticate) when it needs no wait: `None` when a custom
    /// authenticator or a key fetch must be awaited.
    pub(crate) fn authenticate_now(&self, parts: &Parts) -> Option<Result<Identity, AuthError>> {
        // Schemes beside the JWTs are custom authenticators, which must be awaited.
        if !self.inner().schemes.is_empty() {
            return None;
        }
        self.primary_now(parts)
    }

    /// The warden's own JWTs when they need no wait: through the verified-token cache,
    /// then a signature check with the keys at hand. `None` for a custom authenticator or
    /// a key fetch to await.
    fn primary_now(&self, parts: &Parts) -> Option<Result<Identity, AuthError>> {
        let Source::Jwt(jwt) = &self.inner().source else {
            return None;
        };
        let (candidate, dpop_request) = match self.credential(parts, jwt.max_token_bytes()) {
            Ok(found) => found,
            Err(error) => return Some(Err(error)),
        };
        let token = candidate.as_bytes();
        let now = unix_now();
        let outcome = match jwt.cached(token, now) {
            Some(outcome) => outcome,
            None => match candidate.check() {
                Ok(token) => jwt.verify_now(token, UnknownKid::Defer, now)?,
                Err(error) => Err(error),
            },
        };
        Some(self.bind(parts, token, dpop_request, outcome))
    }

    /// The request's JWT and whether it came with the DPoP scheme: `Authorization: DPoP`
    /// when the warden accepts DPoP, else a bearer token from the header or the configured
    /// places (none when DPoP is required).
    fn credential<'a>(&'a self, parts: &'a Parts, max_len: usize) -> Result<(Candidate<'a>, bool), AuthError> {
        if let Some(dpop) = &self.inner().dpop {
            if let Some(candidate) = credentials::dpop_candidate(&parts.headers, max_len)? {
                return Ok((candidate, true));
            }
            if dpop.required() {
                return Err(AuthError::MissingCredentials);
            }
        }
        Ok((self.candidate(parts, max_len)?, false))
    }

    /// A verified token's identity, checked for its DPoP binding when the warden accepts
    /// DPoP (without it, a bound token was refused while being verified).
    fn bind(
        &self,
        parts: &Parts,
        token: &[u8],
        dpop_request: bool,
        outcome: Result<Identity, AuthError>,
    ) -> Result<Identity, AuthError> {
        match (&self.inner().dpop, outcome) {
            (Some(dpop), Ok(identity)) => dpop.bind(parts, token, dpop_request, identity),
            (_, outcome) => outcome,
        }
    }

    /// Whether a refusal of this request is answered with DPoP challenges: DPoP is
    /// required, or the request used the DPoP scheme.
    pub(crate) fn dpop_answer(&self, parts: &Parts) -> bool {
        self.inner()
            .dpop
            .as_ref()
            .is_some_and(|dpop| dpop.required() || credentials::is_dpop_scheme(&parts.headers))
    }

    /// The JWT of a request, its length checked: from the `Authorization` header, or from
    /// the one configured place that holds it.
    fn candidate<'a>(&'a self, parts: &'a Parts, max_len: usize) -> Result<Candidate<'a>, AuthError> {
        match &self.inner().locations {
            None => credentials::bearer_candidate(&parts.headers, max_len),
            Some(locations) => locations.candidate(parts, max_len),
        }
    }

    /// [`authenticate`](Self::authenticate) after [`authenticate_now`](Self::authenticate_now)
    /// answered `None`: without a second cache lookup, which would count the miss twice.
    pub(crate) async fn authenticate_waiting(&self, parts: &Parts) -> Result<Identity, AuthError> {
        self.authenticate_claimed(parts).await.0
    }

    /// [`authenticate_waiting`](Self::authenticate_waiting), and which scheme accepted
    /// beside the JWTs claimed the request when its authentication failed.
    ///
    /// Every scheme is asked; each claims the request unless it answers
    /// [`AuthError::MissingCredentials`]. None claims it: missing credentials (the 401
    /// challenges every scheme). One: its answer. Several: 400 `invalid_request`, as for
    /// a token in two places (RFC 6750 §2), whether or not their credentials are good.
    pub(crate) async fn authenticate_claimed(&self, parts: &Parts) -> (Result<Identity, AuthError>, Option<ClaimedBy>) {
        let inner = self.inner();
        if inner.schemes.is_empty() {
            // `authenticate_now` looked in the cache already.
            return (self.authenticate_primary(parts).await, None);
        }
        // `authenticate_now` did not look: a token seen before is still a lookup.
        let primary = match self.primary_now(parts) {
            Some(outcome) => outcome,
            None => self.authenticate_primary(parts).await,
        };
        let mut claimed = (!matches!(primary, Err(AuthError::MissingCredentials))).then_some((primary, None));
        for (position, side) in inner.schemes.iter().enumerate() {
            let outcome = side.authenticator.authenticate(parts).await;
            if matches!(outcome, Err(AuthError::MissingCredentials)) {
                continue;
            }
            if claimed.is_some() {
                return (Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials)), None);
            }
            let outcome = outcome.map(|identity| self.with_hierarchy(identity));
            claimed = Some((outcome, Some(ClaimedBy(position))));
        }
        match claimed {
            Some((outcome, by)) => {
                let by = by.filter(|_| outcome.is_err());
                (outcome, by)
            }
            None => (Err(AuthError::MissingCredentials), None),
        }
    }

    /// The role hierarchy applied to an identity a custom authenticator made (the JWT
    /// path applies it while verifying).
    fn with_hierarchy(&self, identity: Identity) -> Identity {
        match &self.inner().resolved {
            Some(hierarchy) => hierarchy.apply(identity),
            None => identity,
        }
    }

    /// The answer of the warden's own source: its JWTs, or the custom authenticator that
    /// replaces them.
    async fn authenticate_primary(&self, parts: &Parts) -> Result<Identity, AuthError> {
        match &self.inner().source {
            Source::Custom(auth) => Ok(self.with_hierarchy(auth.authenticate(parts).await?)),
            Source::Jwt(jwt) => {
                let (candidate, dpop_request) = self.credential(parts, jwt.max_token_bytes())?;
                let token = candidate.as_bytes();
                let outcome = jwt.verify_waiting(candidate.check()?).await;
                self.bind(parts, token, dpop_request, outcome)
            }
        }
    }

    /// Verifies a bearer token (without the `Bearer ` prefix) as the guard does: through
    /// the verified-token cache, waiting for a key fetch when a remote key source lacks
    /// the token's `kid` (never longer than the fetch timeout), or for the answer of the
    /// introspection endpoint about a token to introspect (feature `introspection`).
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] with the reason, [`AuthError::Unavailable`] when a
    /// remote key source cannot provide the key, or [`AuthError::MissingCredentials`] when
    /// this warden uses a custom authenticator and verifies no tokens.
    pub async fn verify_token_waiting(&self, token: &str) -> Result<Identity, AuthError> {
        let Source::Jwt(jwt) = &self.inner().source else {
            return Err(AuthError::MissingCredentials);
        };
        let now = unix_now();
        if let Some(outcome) = jwt.cached(token.as_bytes(), now) {
            return outcome;
        }
        match jwt.verify_now(token, UnknownKid::Defer, now) {
            Some(outcome) => outcome,
            None => jwt.verify_waiting(token).await,
        }
    }

    /// Verifies a bearer token (without the `Bearer ` prefix) into an identity, through
    /// the verified-token cache, without ever waiting for the network.
    ///
    /// With a remote key source it uses the keys fetched so far: before the first fetch
    /// completed it answers [`AuthError::Unavailable`] (and starts the fetch when called
    /// inside a Tokio runtime); an unknown `kid` starts a refresh for later calls. Use
    /// [`verify_token_waiting`](Self::verify_token_waiting) to wait for it instead. A token
    /// to introspect (feature `introspection`) is answered from the cached answers only:
    /// without one, [`AuthError::Unavailable`], since asking the server means waiting.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] with the reason, [`AuthError::Unavailable`] as above, or
    /// [`AuthError::MissingCredentials`] when this warden uses a custom authenticator and
    /// verifies no tokens.
    pub fn verify_token(&self, token: &str) -> Result<Identity, AuthError> {
        let Source::Jwt(jwt) = &self.inner().source else {
            return Err(AuthError::MissingCredentials);
        };
        let now = unix_now();
        if let Some(outcome) = jwt.cached(token.as_bytes(), now) {
            return outcome;
        }
        // `JudgeAtHand` always answers; the fallback only completes the match.
        jwt.verify_now(token, UnknownKid::JudgeAtHand, now)
            .unwrap_or(Err(AuthError::Unavailable {
                retry_after: std::time::Duration::from_secs(1),
            }))
    }

    /// Fetches the key set of a remote key source now, instead of on the first request,
    /// and starts its background refresh. Other key sources are always ready. A revocation
    /// list shared through Redis has its own [`Revocations::ready`].
    ///
    /// [`WardenBuilder::build`](crate::WardenBuilder::build) never touches the network,
    /// so it works outside an async runtime; call this from one at startup to fail fast
    /// (or to log and serve 503s until the provider answers: the warden keeps trying on
    /// its own).
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum_warden_runtime::Warden;
    ///
    /// let warden = Warden::builder()
    ///     .oidc_issuer("https://login.example.com/realms/shop")
    ///     .audience("orders-api")
    ///     .build()?;
    /// warden.ready().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Why the key set could not be fetched.
    pub async fn ready(&self) -> Result<(), KeyFetchError> {
        match &self.inner().source {
            Source::Jwt(jwt) => jwt.ready().await,
            Source::Custom(_) => Ok(()),
        }
    }

    /// Hits and misses of the token caches (see [`CacheStats`]).
    ///
    /// Every JWT key source has a cache of
    /// [`token_cache_capacity`](crate::WardenBuilder::token_cache_capacity) tokens; with
    /// an introspection endpoint (`introspection_endpoint`, feature `introspection`), the
    /// cache of its answers counts with it. A warden with a custom authenticator, or a
    /// capacity of 0, reports zeros.
    #[must_use]
    pub fn cache_stats(&self) -> CacheStats {
        match &self.inner().source {
            Source::Jwt(jwt) => jwt.cache_stats(),
            Source::Custom(_) => CacheStats::default(),
        }
    }
}

/// A router state no application can have (it has no values). Its only purpose is a second `FromRef` impl for
/// [`Warden`]: with axum's `impl<T: Clone> FromRef<T> for T` alone, rustc infers a
/// guarded handler's state to be `Warden` itself before it sees the router's state, and
/// a router whose state lacks a `Warden` reads "expected `MethodRouter<AppState>`, found
/// `MethodRouter<Warden>`". With two candidates it waits for the router's state and
/// reports what is missing there.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum NotARouterState {}

impl axum::extract::FromRef<NotARouterState> for Warden {
    fn from_ref(state: &NotARouterState) -> Self {
        match *state {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::{Warden, unix_now};
    use crate::identity::Identity;
    use crate::requirement::StepUp;

    /// The checks of a first verification (here the revocation check and the DPoP
    /// binding, each reading a few claims) all pick from the verified text; once the
    /// verified-token cache serves the identity, its checks read the map, built once. The
    /// answers do not depend on which was read.
    #[test]
    fn a_first_verification_picks_for_each_check_and_a_cache_hit_reads_the_map() {
        use crate::{DpopMode, Revocation, Revocations};
        use tokio_test::block_on;

        let secret = b"two checks test secret, at least 32 bytes";
        let list = Revocations::in_memory();
        let warden = Warden::builder()
            .hmac_secret(secret.to_vec())
            .revocations(list.clone())
            .dpop(DpopMode::Allowed)
            .dpop_origin("https://api.test")
            .build()
            .expect("valid");
        let now = unix_now();
        let claims = serde_json::json!({
            "sub": "alice", "iat": now, "exp": now + 600, "jti": "t-1", "sid": "s-1",
        });
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret).expect("a key"),
        )
        .expect("signs");
        let (parts, ()) = http::Request::get("/")
            .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
            .body(())
            .expect("a request")
            .into_parts();
        let first = block_on(warden.authenticate(&parts)).expect("verified");
        assert!(!first.has_map(), "the checks of a first verification built the map");
        // A change to the list makes the hit check the identity again.
        block_on(list.revoke(Revocation::token("t-2", now + 600))).expect("in memory");
        let hit = block_on(warden.authenticate(&parts)).expect("a hit, not revoked");
        assert_eq!(warden.cache_stats().hits, 1);
        assert!(hit.has_map(), "the checks of a cache hit kept no map");
        block_on(list.revoke(Revocation::session("s-1"))).expect("in memory");
        assert!(
            block_on(warden.authenticate(&parts)).is_err(),
            "revoked by its session, read from the map"
        );
    }

    /// A step-up rule judges claims kept as text exactly as their map (escaped names,
    /// wrong types, fractions and absurd values included): from the text while the
    /// identity is fresh, from the map it builds and keeps once the cache has served it.
    #[test]
    fn step_up_reads_claims_kept_as_text_as_the_map() {
        let warden = Warden::builder()
            .hmac_secret(b"step-up test secret, at least 32 bytes".to_vec())
            .acr_order(["pwd", "mfa", "hwk"])
            .build()
            .expect("valid");
        let now = unix_now();
        let recent = now - 10;
        let cases = [
            format!(r#"{{"acr":"mfa","auth_time":{recent}}}"#),
            format!(r#"{{"\u0061cr":"hwk","auth_\u0074ime":{recent}.75}}"#),
            r#"{"acr":"pwd","auth_time":1}"#.to_owned(),
            r#"{"acr":7,"auth_time":"1"}"#.to_owned(),
            r#"{"acr":["mfa"],"auth_time":-5}"#.to_owned(),
            r#"{"acr":"other","auth_time":1e300}"#.to_owned(),
            r#"{"acr":null,"auth_time":18446744073709551615}"#.to_owned(),
            r#"{"nested":{"acr":"mfa","auth_time":1}}"#.to_owned(),
            "{}".to_owned(),
        ];
        let rules = [
            StepUp {
                acr: Some("mfa"),
                max_age: None,
            },
            StepUp {
                acr: None,
                max_age: Some(60),
            },
            StepUp {
                acr: Some("pwd"),
                max_age: Some(3600),
            },
        ];
        for text in &cases {
            let map: Map<String, Value> = serde_json::from_str(text).expect("an object");
            let parsed = Identity::builder("a").claims(map).build();
            // One identity judged under every rule in turn, fresh and then cached: from the
            // text, then the map.
            let kept_again = Identity::builder("a").claims_text(text.clone(), 0).build();
            for (n, rule) in rules.iter().enumerate() {
                let kept = Identity::builder("a").claims_text(text.clone(), 0).build();
                let expected = warden.step_up_unmet(&parsed, rule);
                assert_eq!(warden.step_up_unmet(&kept, rule), expected, "{text} under {rule:?}");
                assert_eq!(
                    warden.step_up_unmet(&kept, rule),
                    expected,
                    "{text} under {rule:?}, again"
                );
                assert!(!kept.has_map(), "{text}: a fresh identity's judgements built the map");
                kept.mark_cached();
                assert_eq!(
                    warden.step_up_unmet(&kept, rule),
                    expected,
                    "{text} under {rule:?}, cached"
                );
                assert!(kept.has_map(), "{text}: a cached identity's judgement kept no map");
                if n == 1 {
                    kept_again.mark_cached();
                }
                assert_eq!(
                    warden.step_up_unmet(&kept_again, rule),
                    expected,
                    "{text} under {rule:?}"
                );
            }
        }
        let kept = Identity::builder("a").claims_text(cases[0].clone(), 0).build();
        assert_eq!(warden.step_up_unmet(&kept, &rules[2]), None, "mfa, ten seconds ago");
        assert!(
            warden
                .step_up_unmet(
                    &kept,
                    &StepUp {
                        acr: Some("hwk"),
                        max_age: None
                    }
                )
                .is_some()
        );
    }
}
