//! [`KeyFetchError`]: why a remote key set could not be fetched.

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
