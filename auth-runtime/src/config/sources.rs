//! Key sources as configured, turned into what verifies tokens. Errors of the token and
//! key-source layers become [`ConfigError`]s here, naming the setting at fault.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::ConfigError;
use crate::algorithm::Algorithm;
use crate::defaults::{
    DEFAULT_KEY_CONNECT_TIMEOUT, DEFAULT_KEY_FETCH_TIMEOUT, DEFAULT_KEY_REFRESH_BOUNDS, DEFAULT_KEY_REFRESH_INTERVAL,
    DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
};
use crate::http::DynAuthenticator;
use crate::key_source::{self, KeySource, Locator, OnRotate, RemoteKeys, Settings};
use crate::token::keys::{self, KeyError, KeySet};

/// A key source as configured, before loading.
pub(super) enum KeyInput {
    Secret(Vec<u8>),
    PemFile(PathBuf),
    Pem(Vec<u8>),
    JwksFile(PathBuf),
    Jwks(Vec<u8>),
    JwksUrl(String),
    OidcIssuer(String),
    Custom(Arc<dyn DynAuthenticator>),
}

/// The setting names a key source's errors are reported under.
#[derive(Clone, Copy)]
pub(super) struct Names {
    /// The key source's own setting (`hmac_secret`, `WARDEN_JWKS_URL` …).
    pub(super) key: &'static str,
    /// The setting of the accepted algorithms (`algorithms`, `WARDEN_JWT_ALGORITHMS`).
    pub(super) algorithms: &'static str,
}

impl Names {
    fn key_error(self, error: KeyError) -> ConfigError {
        match error {
            KeyError::SecretTooShort { len } => ConfigError::SecretTooShort { setting: self.key, len },
            KeyError::Invalid(reason) => ConfigError::InvalidKey {
                setting: self.key,
                reason: reason.into(),
            },
            KeyError::AlgorithmMismatch { algorithm, key } => ConfigError::AlgorithmKeyMismatch {
                setting: self.algorithms,
                algorithm: algorithm.to_string(),
                key,
            },
            KeyError::Unbindable(reason) => ConfigError::InvalidKey {
                setting: self.algorithms,
                reason,
            },
        }
    }

    fn invalid(self, reason: String) -> ConfigError {
        ConfigError::InvalidValue {
            setting: self.key,
            reason,
        }
    }
}

/// Loads an HMAC secret.
pub(super) fn secret(secret: &[u8], algorithms: &[Algorithm], names: Names) -> Result<KeySet, ConfigError> {
    keys::from_secret(secret, algorithms).map_err(|e| names.key_error(e))
}

/// Loads a PEM public key.
pub(super) fn pem(pem: &[u8], algorithms: &[Algorithm], names: Names) -> Result<KeySet, ConfigError> {
    keys::from_pem(pem, algorithms).map_err(|e| names.key_error(e))
}

/// The locator of a JWKS URL.
pub(super) fn jwks_url(url: &str, allow_http: bool, names: Names) -> Result<Locator, ConfigError> {
    Ok(Locator::Jwks(
        key_source::parse_url(url, allow_http).map_err(|e| names.invalid(e))?,
    ))
}

/// The locator of an issuer to discover.
pub(super) fn oidc_issuer(issuer: &str, allow_http: bool, names: Names) -> Result<Locator, ConfigError> {
    Ok(Locator::Discovery {
        url: key_source::discovery_url(issuer, allow_http).map_err(|e| names.invalid(e))?,
        issuer: issuer.trim().to_owned(),
    })
}

/// A remote key source: the algorithms its keys may bind (the configured ones, none
/// symmetric, or every asymmetric one) and its refresh settings.
pub(super) fn remote(
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

impl Options {
    /// Checks the settings: every duration positive, the bounds in order.
    fn settings(self) -> Result<Settings, ConfigError> {
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

pub(super) fn read(path: &Path, setting: &'static str) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|source| ConfigError::ReadKey {
        setting,
        path: path.to_owned(),
        source,
    })
}

pub(super) fn jwks(doc: &[u8], algorithms: &[Algorithm], setting: &'static str) -> Result<KeySet, ConfigError> {
    let (set, skipped) = keys::from_jwks(doc, algorithms, !algorithms.is_empty())
        .map_err(|reason| ConfigError::InvalidKey { setting, reason })?;
    for key in &skipped {
        tracing::warn!(target: "axum_warden", setting, kid = key.kid.as_deref(), reason = key.reason, "skipped a key of the key set");
    }
    if set.is_empty() {
        let skipped = if skipped.is_empty() {
            "the key set is empty".to_owned()
        } else {
            skipped
                .iter()
                .map(|k| format!("{}: {}", k.kid.as_deref().unwrap_or("(no kid)"), k.reason))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(ConfigError::NoUsableKey { setting, skipped });
    }
    Ok(set)
}
