//! Where verification keys come from: a static key set loaded at startup, or a remote
//! one (a JWKS URL or OpenID Connect discovery) fetched over HTTP and refreshed in the
//! background.
//!
//! Every verification asks for keys through one lookup with two forms:
//! [`KeySource::keys_now`] never waits (a remote set that lacks the token's `kid` either
//! says so or is judged as it is), and [`KeySource::keys_waiting`] may wait for a fetch,
//! never longer than the fetch timeout.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

mod fetch;
mod remote;

pub(crate) use fetch::{discovery_url, parse_url};
pub(crate) use remote::{OnRotate, RemoteKeys, Snapshot};

use crate::algorithm::Algorithm;
use crate::defaults::{
    DEFAULT_KEY_CONNECT_TIMEOUT, DEFAULT_KEY_FETCH_TIMEOUT, DEFAULT_KEY_REFRESH_BOUNDS, DEFAULT_KEY_REFRESH_INTERVAL,
    DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
};
use crate::error::AuthError;
use crate::token::keys::KeySet;

/// The algorithms a fetched key set may bind when the application chose none: every
/// asymmetric one (symmetric keys are never taken from a published key set).
pub(crate) fn asymmetric_algorithms() -> Vec<Algorithm> {
    Algorithm::ALL.into_iter().filter(|alg| !alg.is_symmetric()).collect()
}

/// Why a key set could not be fetched (see [`Warden::ready`](crate::Warden::ready)).
///
/// While requests are answered, these are logged (`tracing` target `axum_warden`) and the
/// last good key set stays in use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFetchError {
    /// The request failed: connection, TLS, timeout, or a body over 1 MiB.
    #[error("GET {url}: {reason}")]
    Request {
        /// The URL requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The answer was not a success.
    #[error("GET {url}: HTTP status {status}")]
    Status {
        /// The URL requested.
        url: String,
        /// The status received.
        status: u16,
    },
    /// The answer is not a discovery document or JWKS this crate can use.
    #[error("GET {url}: {reason}")]
    Document {
        /// The URL requested.
        url: String,
        /// What is wrong with the document.
        reason: String,
    },
    /// The discovery document names another issuer than the configured one (OpenID
    /// Connect Discovery §4.3: they must be identical).
    #[error("GET {url}: the document's issuer is {found:?}, not the configured {expected:?}")]
    IssuerMismatch {
        /// The discovery URL.
        url: String,
        /// The configured issuer.
        expected: String,
        /// The document's `issuer`.
        found: String,
    },
    /// The key set holds no key this configuration can use.
    #[error("GET {url}: no usable key ({skipped})")]
    NoUsableKey {
        /// The JWKS URL.
        url: String,
        /// Why each key was skipped.
        skipped: String,
    },
    /// Keys are fetched by Tokio tasks, and there is no Tokio runtime here.
    #[error("keys can only be fetched inside a Tokio runtime")]
    NoRuntime,
}

/// Where a remote key set is found.
#[derive(Debug, Clone)]
pub(crate) enum Locator {
    /// A JWKS document at this URL.
    Jwks(Url),
    /// OpenID Connect discovery: the JWKS named by the `jwks_uri` of the document at `url`.
    Discovery { issuer: String, url: Url },
}

/// How a remote key source refreshes.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) refresh: Duration,
    pub(crate) refresh_bounds: (Duration, Duration),
    pub(crate) unknown_kid_interval: Duration,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_http: bool,
}

impl Settings {
    /// When to refresh next after a success whose response said `max_age`.
    pub(crate) fn next_refresh(&self, max_age: Option<Duration>) -> Duration {
        let (min, max) = self.refresh_bounds;
        max_age.unwrap_or(self.refresh).clamp(min, max)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh: DEFAULT_KEY_REFRESH_INTERVAL,
            refresh_bounds: DEFAULT_KEY_REFRESH_BOUNDS,
            unknown_kid_interval: DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
            timeout: DEFAULT_KEY_FETCH_TIMEOUT,
            connect_timeout: DEFAULT_KEY_CONNECT_TIMEOUT,
            allow_http: false,
        }
    }
}

/// Where keys come from.
#[derive(Debug, Clone)]
pub(crate) enum KeySource {
    /// Loaded once at startup.
    Static(Arc<KeySet>),
    /// Fetched over HTTP and swapped on refresh.
    Remote(RemoteKeys),
}

/// What [`KeySource::keys_now`] does when a remote set lacks the token's `kid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownKid {
    /// Answer `None`: the caller goes on with [`KeySource::keys_waiting`].
    Defer,
    /// Start a refresh for later requests (if one is allowed) and judge the token on the
    /// keys at hand.
    JudgeAtHand,
}

/// The keys to verify one token with, and the generation of the set they belong to.
pub(crate) enum Keys<'a> {
    Static(&'a KeySet),
    Remote(Arc<Snapshot>),
}

impl Keys<'_> {
    pub(crate) fn set(&self) -> &KeySet {
        match self {
            Self::Static(set) => set,
            Self::Remote(snapshot) => &snapshot.keys,
        }
    }

    /// Constant for a static set; grows with every change of a remote one. A cached
    /// verification is valid for one generation.
    pub(crate) fn generation(&self) -> u64 {
        match self {
            Self::Static(_) => 0,
            Self::Remote(snapshot) => snapshot.generation,
        }
    }
}

impl KeySource {
    /// The generation of the current key set (see [`Keys::generation`]).
    pub(crate) fn generation(&self) -> u64 {
        match self {
            Self::Static(_) => 0,
            Self::Remote(remote) => remote.generation(),
        }
    }

    /// The keys for a token with `kid` and `alg`, without waiting for the network.
    ///
    /// `None` only with [`UnknownKid::Defer`], when a remote set lacks `kid` and a fetch
    /// may bring it.
    pub(crate) fn keys_now(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        unknown: UnknownKid,
    ) -> Option<Result<Keys<'_>, AuthError>> {
        match self {
            Self::Static(set) => Some(Ok(Keys::Static(set))),
            Self::Remote(remote) => match remote.snapshot_known(kid, alg) {
                Some(snapshot) => Some(Ok(Keys::Remote(snapshot))),
                None => match unknown {
                    UnknownKid::Defer => None,
                    UnknownKid::JudgeAtHand => Some(remote.snapshot_at_hand().map(Keys::Remote)),
                },
            },
        }
    }

    /// The keys for a token with `kid` and `alg`, refreshing a remote set first when it
    /// lacks `kid` (rate-limited, single flight, bounded by the fetch timeout).
    pub(crate) async fn keys_waiting(&self, kid: Option<&str>, alg: Algorithm) -> Result<Keys<'_>, AuthError> {
        match self {
            Self::Static(set) => Ok(Keys::Static(set)),
            Self::Remote(remote) => remote.snapshot_for(kid, alg).await.map(Keys::Remote),
        }
    }

    /// Fetches a remote key set now (see [`Warden::ready`](crate::Warden::ready)).
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        match self {
            Self::Remote(remote) => remote.ready().await,
            Self::Static(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_clamped_to_the_bounds() {
        let settings = Settings::default();
        assert_eq!(settings.next_refresh(None), Duration::from_secs(300));
        assert_eq!(settings.next_refresh(Some(Duration::ZERO)), Duration::from_secs(60));
        assert_eq!(
            settings.next_refresh(Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(
            settings.next_refresh(Some(Duration::from_secs(7 * 24 * 3600))),
            Duration::from_secs(24 * 3600)
        );
    }

    #[test]
    fn fetched_sets_never_bind_symmetric_algorithms() {
        let algorithms = asymmetric_algorithms();
        assert_eq!(algorithms.len(), 9);
        assert!(algorithms.iter().all(|alg| !alg.is_symmetric()));
    }
}
