//! [`KeySource`]: the one lookup every verification asks for keys, in its two forms.

use std::sync::Arc;

use super::error::KeyFetchError;
#[cfg(feature = "remote-keys")]
use super::remote::{RemoteKeys, Snapshot};
use crate::algorithm::Algorithm;
use crate::error::AuthError;
use crate::token::keys::KeySet;

/// Where keys come from.
#[derive(Debug, Clone)]
pub(crate) enum KeySource {
    /// Loaded once at startup.
    Static(Arc<KeySet>),
    /// Fetched over HTTP and swapped on refresh.
    #[cfg(feature = "remote-keys")]
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
    #[cfg(feature = "remote-keys")]
    Remote(Arc<Snapshot>),
}

impl Keys<'_> {
    pub(crate) fn set(&self) -> &KeySet {
        match self {
            Self::Static(set) => set,
            #[cfg(feature = "remote-keys")]
            Self::Remote(snapshot) => &snapshot.keys,
        }
    }

    /// Constant for a static set; grows with every change of a remote one. A cached
    /// verification is valid for one generation.
    pub(crate) fn generation(&self) -> u64 {
        match self {
            Self::Static(_) => 0,
            #[cfg(feature = "remote-keys")]
            Self::Remote(snapshot) => snapshot.generation,
        }
    }
}

impl KeySource {
    /// The generation of the current key set (see [`Keys::generation`]).
    pub(crate) fn generation(&self) -> u64 {
        match self {
            Self::Static(_) => 0,
            #[cfg(feature = "remote-keys")]
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
        #[cfg(not(feature = "remote-keys"))]
        let _ = (kid, alg, unknown);
        match self {
            Self::Static(set) => Some(Ok(Keys::Static(set))),
            #[cfg(feature = "remote-keys")]
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
        #[cfg(not(feature = "remote-keys"))]
        let _ = (kid, alg);
        match self {
            Self::Static(set) => Ok(Keys::Static(set)),
            #[cfg(feature = "remote-keys")]
            Self::Remote(remote) => remote.snapshot_for(kid, alg).await.map(Keys::Remote),
        }
    }

    /// Fetches a remote key set now (see [`Warden::ready`](crate::Warden::ready)).
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        match self {
            #[cfg(feature = "remote-keys")]
            Self::Remote(remote) => remote.ready().await,
            Self::Static(_) => Ok(()),
        }
    }
}
