//! Remote key sources as configured: their refresh settings, checked, and the verifier
//! of a JWKS URL or an issuer to discover (feature `remote-keys`).

use std::time::Duration;

#[cfg(feature = "remote-keys")]
use super::ConfigError;
#[cfg(feature = "remote-keys")]
use super::sources::Names;
#[cfg(feature = "remote-keys")]
use crate::algorithm::Algorithm;
#[cfg(feature = "remote-keys")]
use crate::defaults::{
    DEFAULT_KEY_CONNECT_TIMEOUT, DEFAULT_KEY_FETCH_TIMEOUT, DEFAULT_KEY_REFRESH_BOUNDS, DEFAULT_KEY_REFRESH_INTERVAL,
    DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
};
#[cfg(feature = "remote-keys")]
use crate::key_source::{self, KeySource, Locator, OnRotate, RemoteKeys, Settings};
#[cfg(feature = "remote-keys")]
use crate::token::claims::Rules;
#[cfg(feature = "remote-keys")]
use crate::verifier::Trusted;
#[cfg(feature = "remote-keys")]
use crate::verifier::cache::TokenCache;

/// The remote key-source settings of a builder, before validation.
#[derive(Debug, Clone, Default)]
pub(super) struct Options {
    pub(super) refresh: Option<Duration>,
    pub(super) refresh_bounds: Option<(Duration, Duration)>,
    pub(super) unknown_kid_interval: Option<Duration>,
    pub(super) timeout: Option<Duration>,
    pub(super) connect_timeout: Option<Duration>,
    pub(super) allow_http: bool,
}

#[cfg(feature = "remote-keys")]
impl Options {
    /// Checks the settings: every duration positive, the bounds in order.
    pub(super) fn settings(self) -> Result<Settings, ConfigError> {
        let positive = |value: Option<Duration>, default: Duration, setting: &'static str| match value {
            Some(d) if d.is_zero() => Err(ConfigError::InvalidValue {
                setting,
                reason: "must be longer than zero".into(),
            }),
            value => Ok(value.unwrap_or(default)),
        };
        let (min, max) = self.refresh_bounds.unwrap_or(DEFAULT_KEY_REFRESH_BOUNDS);
        let min = positive(Some(min), min, "key_refresh_bounds")?;
        if min > max {
            return Err(ConfigError::InvalidValue {
                setting: "key_refresh_bounds",
                reason: format!("the minimum {min:?} is above the maximum {max:?}"),
            });
        }
        Ok(Settings {
            refresh: positive(self.refresh, DEFAULT_KEY_REFRESH_INTERVAL, "key_refresh_interval")?,
            refresh_bounds: (min, max),
            unknown_kid_interval: positive(
                self.unknown_kid_interval,
                DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
                "unknown_kid_refresh_interval",
            )?,
            timeout: positive(self.timeout, DEFAULT_KEY_FETCH_TIMEOUT, "key_fetch_timeout")?,
            connect_timeout: positive(self.connect_timeout, DEFAULT_KEY_CONNECT_TIMEOUT, "key_connect_timeout")?,
            allow_http: self.allow_http,
        })
    }
}

/// The locator of a JWKS URL.
#[cfg(feature = "remote-keys")]
pub(super) fn jwks_url(url: &str, allow_http: bool, names: Names) -> Result<Locator, ConfigError> {
    Ok(Locator::Jwks(
        key_source::parse_url(url, allow_http).map_err(|e| names.invalid(e))?,
    ))
}

/// The locator of an issuer to discover.
#[cfg(feature = "remote-keys")]
pub(super) fn oidc_issuer(issuer: &str, allow_http: bool, names: Names) -> Result<Locator, ConfigError> {
    Ok(Locator::Discovery {
        url: key_source::discovery_url(issuer, allow_http).map_err(|e| names.invalid(e))?,
        issuer: issuer.trim().to_owned(),
    })
}

/// A remote key source: the algorithms its keys may bind (the configured ones, none
/// symmetric, or every asymmetric one) and its refresh settings.
#[cfg(feature = "remote-keys")]
fn source(
    locator: Locator,
    configured: Vec<Algorithm>,
    options: Options,
    on_rotate: Option<OnRotate>,
    names: Names,
) -> Result<(KeySource, Vec<Algorithm>), ConfigError> {
    if let Some(alg) = configured.iter().find(|a| a.is_symmetric()) {
        return Err(ConfigError::AlgorithmKeyMismatch {
            setting: names.algorithms,
            algorithm: alg.to_string(),
            key: "a published key set (symmetric keys are never fetched)",
        });
    }
    let chosen = !configured.is_empty();
    let algorithms = if chosen {
        configured
    } else {
        key_source::asymmetric_algorithms()
    };
    let settings = options.settings()?;
    let keys =
        RemoteKeys::new(locator, (algorithms.clone(), chosen), settings, on_rotate).map_err(|e| names.invalid(e))?;
    Ok((KeySource::Remote(keys), algorithms))
}

/// A trusted issuer whose key set is remote.
#[cfg(feature = "remote-keys")]
pub(super) fn trusted(
    locator: Locator,
    algorithms: Vec<Algorithm>,
    rules: Rules,
    (options, cache): (Options, Option<TokenCache>),
    names: Names,
) -> Result<Trusted, ConfigError> {
    // A new key set empties the cache of tokens the old one verified. The cache is the
    // warden's, shared by its issuers: a rotation at one issuer also drops the others'
    // entries, which costs them one signature check each, never a wrong answer.
    let on_rotate = cache.clone().map(|cache| Box::new(move || cache.clear()) as OnRotate);
    let (keys, algorithms) = source(locator, algorithms, options, on_rotate, names)?;
    Ok(Trusted::new(keys, algorithms, rules))
}
