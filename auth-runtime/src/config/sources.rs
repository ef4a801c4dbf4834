//! Key sources as configured, turned into what verifies tokens. Errors of the token and
//! key-source layers become [`ConfigError`]s here, naming the setting at fault.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ConfigError;
use crate::algorithm::Algorithm;
use crate::http::DynAuthenticator;
use crate::token::keys::{self, KeyError, KeySet};

/// A key source as configured, before loading.
pub(super) enum KeyInput {
    Secret(Vec<u8>),
    PemFile(PathBuf),
    Pem(Vec<u8>),
    JwksFile(PathBuf),
    Jwks(Vec<u8>),
    // Read only where remote key sets are compiled; refused at `build` elsewhere.
    #[cfg_attr(not(feature = "remote-keys"), allow(dead_code))]
    JwksUrl(String),
    #[cfg_attr(not(feature = "remote-keys"), allow(dead_code))]
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
    pub(super) fn key_error(self, error: KeyError) -> ConfigError {
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

    #[cfg(feature = "remote-keys")]
    pub(super) fn invalid(self, reason: String) -> ConfigError {
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

pub(super) fn read(path: &Path, setting: &'static str) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|source| ConfigError::ReadKey {
        setting,
        path: path.to_owned(),
        source,
    })
}

pub(super) fn jwks(doc: &[u8], algorithms: &[Algorithm], setting: &'static str) -> Result<KeySet, ConfigError> {
    let (set, skipped) = keys::from_jwks(doc, algorithms, !algorithms.is_empty(), keys::JwksOrigin::Local)
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
