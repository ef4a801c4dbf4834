//! The [`Warden`]: configuration, key source and rejection renderer of an application.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use http::request::Parts;

use crate::cache::CacheStats;
use crate::credentials;
use crate::error::AuthError;
use crate::identity::Identity;
use crate::keys;
use crate::rejection::{Challenges, Rejection};
use crate::remote::KeyFetchError;
use crate::roles::{HierarchyError, Resolved, RoleHierarchy};
use crate::verify::JwtVerifier;

mod builder;

use builder::Finish;
pub use builder::WardenBuilder;

/// Default cap on a bearer token's length, checked before any decoding.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Default cap on the entries of the roles claim, and separately on the scopes of a token
/// (see [`WardenBuilder::max_claim_entries`]).
pub const DEFAULT_MAX_CLAIM_ENTRIES: usize = 256;
/// Default clock-skew allowance for `exp` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Largest leeway accepted: more would make expiry meaningless.
pub const MAX_LEEWAY: Duration = Duration::from_secs(600);
/// Default realm of the `WWW-Authenticate` challenge.
pub const DEFAULT_REALM: &str = "api";

/// The environment variables [`Warden::from_env`] reads.
pub mod env {
    /// An HMAC secret (at least 32 bytes).
    pub const JWT_SECRET: &str = "WARDEN_JWT_SECRET";
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

    /// The key-source variables, of which exactly one must be set.
    pub const KEY_SOURCES: [&str; 5] = [JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWKS_FILE, JWKS_URL, OIDC_ISSUER_URL];

    /// Every variable [`Warden::from_env`](crate::Warden::from_env) reads.
    pub const ALL: [&str; 12] = [
        JWT_SECRET,
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
    ];
}

/// A configuration mistake, found at startup. Each names the setting at fault: the
/// environment variable under [`Warden::from_env`], the builder method otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The role hierarchy has a cycle or an empty role name.
    #[error("role_hierarchy: {0}")]
    RoleHierarchy(#[from] HierarchyError),
    /// No key source was configured.
    #[error("no key source is configured: set exactly one of {}", env::KEY_SOURCES.join(", "))]
    NoKeySource,
    /// More than one key source was configured.
    #[error("{first} and {second} are both set: configure exactly one key source")]
    SeveralKeySources {
        /// The first key source seen.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// An HMAC secret is too short to resist brute force.
    #[error(
        "{setting}: the HMAC secret is {len} bytes; at least {} are required",
        keys::MIN_HMAC_SECRET_LEN
    )]
    SecretTooShort {
        /// The setting at fault.
        setting: &'static str,
        /// The secret's length.
        len: usize,
    },
    /// A key file could not be read.
    #[error("{setting}: cannot read {}: {source}", path.display())]
    ReadKey {
        /// The setting at fault.
        setting: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key could not be used.
    #[error("{setting}: {reason}")]
    InvalidKey {
        /// The setting at fault.
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A key set yielded no key this configuration can use.
    #[error("{setting}: no usable key ({skipped})")]
    NoUsableKey {
        /// The setting at fault.
        setting: &'static str,
        /// Why each key was skipped.
        skipped: String,
    },
    /// An algorithm name is not one of the supported JWS algorithms.
    #[error(
        "{setting}: unknown algorithm {value:?}; expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA"
    )]
    UnknownAlgorithm {
        /// The setting at fault.
        setting: &'static str,
        /// The name given.
        value: String,
    },
    /// A configured algorithm does not fit the key.
    #[error("{setting}: {algorithm} cannot be verified with {key}")]
    AlgorithmKeyMismatch {
        /// The setting at fault.
        setting: &'static str,
        /// The algorithm.
        algorithm: String,
        /// What the key is.
        key: &'static str,
    },
    /// A value is malformed.
    #[error("{setting}: {reason}")]
    InvalidValue {
        /// The setting at fault.
        setting: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// The setting needs a capability this build does not have yet.
    #[error("{setting}: {reason}")]
    Unsupported {
        /// The setting at fault.
        setting: &'static str,
        /// What is missing.
        reason: &'static str,
    },
}

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

/// The configuration behind a [`Warden`], reached through a trait object so that the
/// type of `Warden` says nothing about what it holds. Every handler future of an
/// application holds its router state; rustc proves `Send` for each of them again, and a
/// concrete `Inner` would send that proof through the key source, the HTTP client and the
/// token cache every time (it doubled the build of 200 stateful handlers).
trait Core: Send + Sync + 'static {
    fn inner(&self) -> &Inner;
}

impl Core for Inner {
    fn inner(&self) -> &Inner {
        self
    }
}

struct Inner {
    source: Source,
    realm: String,
    challenges: Challenges,
    renderer: Option<Renderer>,
    hierarchy: RoleHierarchy,
    /// `hierarchy` resolved, for identities a custom authenticator makes (the JWT path
    /// applies it while verifying, so cached identities carry it already).
    resolved: Option<Arc<Resolved>>,
}

// One per warden, behind its `Arc`: boxing the large variant would only add a hop per request.
#[allow(clippy::large_enum_variant)]
enum Source {
    Jwt(JwtVerifier),
    Custom(Arc<dyn DynAuthenticator>),
}

type Renderer = Arc<dyn Fn(&Rejection) -> Response + Send + Sync>;

impl fmt::Debug for Warden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Warden");
        s.field("realm", &self.0.inner().realm);
        match &self.0.inner().source {
            Source::Jwt(jwt) => s.field("algorithms", &jwt.algorithms).field("rules", &jwt.rules),
            Source::Custom(_) => s.field("authenticator", &"custom"),
        };
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

trait DynAuthenticator: Send + Sync {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Identity, AuthError>>;
}

impl<A: Authenticator> DynAuthenticator for A {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Identity, AuthError>> {
        Box::pin(Authenticator::authenticate(self, parts))
    }
}

impl Warden {
    fn new(source: Source, realm: String, challenges: Challenges, parts: Finish) -> Self {
        Self(Arc::new(Inner {
            source,
            realm,
            challenges,
            renderer: parts.renderer,
            hierarchy: parts.hierarchy,
            resolved: parts.resolved,
        }))
    }

    /// The role hierarchy this warden applies (empty unless configured), for
    /// [`RouteTable::with_role_hierarchy`](crate::RouteTable::with_role_hierarchy).
    #[must_use]
    pub fn role_hierarchy(&self) -> &RoleHierarchy {
        &self.0.inner().hierarchy
    }

    /// Starts a configuration.
    pub fn builder() -> WardenBuilder {
        WardenBuilder::default()
    }

    /// Reads the configuration from the `WARDEN_*` environment variables (see [`env`](crate::env)).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A value that is not UTF-8 is refused, never altered: a secret with its bytes
        // replaced would verify nothing its issuer signed.
        if let Some(name) = env::ALL
            .into_iter()
            .find(|name| std::env::var(name).is_err_and(|e| matches!(e, std::env::VarError::NotUnicode(_))))
        {
            return Err(ConfigError::InvalidValue {
                setting: name,
                reason: "is not valid UTF-8".into(),
            });
        }
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests and
    /// for configuration systems that are not the process environment).
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, Warden};
    ///
    /// let err = Warden::from_vars(|name| match name {
    ///     "WARDEN_JWT_SECRET" => Some("too short".into()),
    ///     _ => None,
    /// })
    /// .unwrap_err();
    /// assert!(matches!(err, ConfigError::SecretTooShort { setting: "WARDEN_JWT_SECRET", .. }));
    /// ```
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable at fault.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        WardenBuilder::from_vars(lookup)?.build()
    }

    /// The realm of this warden's challenges.
    #[must_use]
    pub fn realm(&self) -> &str {
        &self.0.inner().realm
    }

    pub(crate) fn challenges(&self) -> &Challenges {
        &self.0.inner().challenges
    }

    pub(crate) fn renderer(&self) -> Option<&Renderer> {
        self.0.inner().renderer.as_ref()
    }

    /// Authenticates a request head without checking any requirement.
    ///
    /// For a remote key source ([`jwks_url`](WardenBuilder::jwks_url),
    /// [`oidc_issuer`](WardenBuilder::oidc_issuer)) this may wait for a key fetch: the
    /// first one, or one triggered by an unknown `kid`, never longer than the fetch timeout.
    ///
    /// # Errors
    /// The [`AuthError`] the guard would answer with.
    pub async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        match self.authenticate_at_once(parts) {
            Some(outcome) => outcome,
            None => self.authenticate_waiting(parts).await,
        }
    }

    /// [`authenticate`](Self::authenticate) when it needs no wait: `None` when a custom
    /// authenticator or a key fetch must be awaited.
    pub(crate) fn authenticate_at_once(&self, parts: &Parts) -> Option<Result<Identity, AuthError>> {
        match &self.0.inner().source {
            Source::Custom(_) => None,
            Source::Jwt(jwt) => match credentials::bearer_candidate(&parts.headers, jwt.rules.max_token_bytes) {
                Ok(candidate) => jwt.verify_bearer_at_once(candidate),
                Err(error) => Some(Err(error)),
            },
        }
    }

    /// [`authenticate`](Self::authenticate) after [`authenticate_at_once`](Self::authenticate_at_once)
    /// answered `None`.
    pub(crate) async fn authenticate_waiting(&self, parts: &Parts) -> Result<Identity, AuthError> {
        match &self.0.inner().source {
            Source::Custom(auth) => {
                let identity = auth.authenticate(parts).await?;
                Ok(match &self.0.inner().resolved {
                    Some(hierarchy) => hierarchy.apply(identity),
                    None => identity,
                })
            }
            Source::Jwt(jwt) => {
                let candidate = credentials::bearer_candidate(&parts.headers, jwt.rules.max_token_bytes)?;
                jwt.verify_bearer_missed(candidate).await
            }
        }
    }

    /// Verifies a bearer token (without the `Bearer ` prefix) as the guard does: through
    /// the verified-token cache, fetching keys when a remote key source needs to.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] with the reason, [`AuthError::Unavailable`] when a
    /// remote key source cannot provide the key, or [`AuthError::MissingCredentials`] when
    /// this warden uses a custom authenticator and verifies no tokens.
    pub async fn authenticate_token(&self, token: &str) -> Result<Identity, AuthError> {
        match &self.0.inner().source {
            Source::Jwt(jwt) => jwt.verify(token).await,
            Source::Custom(_) => Err(AuthError::MissingCredentials),
        }
    }

    /// Verifies a bearer token (without the `Bearer ` prefix) into an identity, through
    /// the verified-token cache, without ever waiting for the network.
    ///
    /// With a remote key source it uses the keys fetched so far: before the first fetch
    /// completed it answers [`AuthError::Unavailable`] (and starts the fetch when called
    /// inside a Tokio runtime); an unknown `kid` starts a refresh for later calls. Use
    /// [`authenticate_token`](Self::authenticate_token) to wait for it instead.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] with the reason, [`AuthError::Unavailable`] as above, or
    /// [`AuthError::MissingCredentials`] when this warden uses a custom authenticator and
    /// verifies no tokens.
    pub fn verify_token(&self, token: &str) -> Result<Identity, AuthError> {
        match &self.0.inner().source {
            Source::Jwt(jwt) => jwt.verify_now(token),
            Source::Custom(_) => Err(AuthError::MissingCredentials),
        }
    }

    /// Fetches the key set of a remote key source now, instead of on the first request,
    /// and starts its background refresh. Other key sources are always ready.
    ///
    /// [`WardenBuilder::build`] never touches the network, so it works outside an async
    /// runtime; call this from one at startup to fail fast (or to log and serve 503s until
    /// the provider answers: the warden keeps trying on its own).
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
        match &self.0.inner().source {
            Source::Jwt(jwt) => jwt.ready().await,
            Source::Custom(_) => Ok(()),
        }
    }

    /// Hits and misses of the verified-token cache (see [`CacheStats`]).
    ///
    /// Every JWT key source has a cache of [`token_cache_capacity`](WardenBuilder::token_cache_capacity)
    /// tokens; a warden with a custom authenticator, or a capacity of 0, reports zeros.
    #[must_use]
    pub fn cache_stats(&self) -> CacheStats {
        match &self.0.inner().source {
            Source::Jwt(jwt) => jwt.cache_stats(),
            Source::Custom(_) => CacheStats::default(),
        }
    }
}
