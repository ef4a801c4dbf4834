//! [`ConfigError`]: every configuration mistake, naming the setting at fault.

use std::path::PathBuf;

use super::env;
use crate::defaults::MIN_HMAC_SECRET_LEN;
use crate::roles::HierarchyError;

/// A configuration mistake, found at startup. Each names the setting at fault: the
/// environment variable under [`Warden::from_env`](crate::Warden::from_env), the builder
/// method otherwise, prefixed with `issuers[n].` for the `n`th
/// [`trust`](crate::WardenBuilder::trust)ed issuer.
///
/// `Debug` writes the same text as `Display`: `main() -> Result<(), Box<dyn Error>>`
/// prints an error with `Debug`, and `Error: NoKeySource` would name no setting.
///
/// ```
/// use axum_warden_runtime::Warden;
///
/// let err = Warden::from_vars(|_| None).unwrap_err();
/// assert_eq!(format!("{err:?}"), err.to_string());
/// assert!(format!("{err:?}").contains("WARDEN_JWT_SECRET"));
/// ```
#[derive(thiserror::Error)]
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
        MIN_HMAC_SECRET_LEN
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

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
