//! Configuration: the [`WardenBuilder`], the environment, and [`ConfigError`]. This is
//! the only layer that knows the names of settings, so it is the only one that turns the
//! errors of the layers below into errors that name the setting at fault.

mod builder;
pub mod env;
mod error;
mod remote;
mod sources;
mod vars;

pub use builder::WardenBuilder;
pub use error::ConfigError;

use crate::http::Warden;

impl Warden {
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
        vars::read(lookup)?.build()
    }
}

#[cfg(all(test, not(feature = "remote-keys")))]
mod tests {
    use super::ConfigError;
    use crate::http::Warden;

    #[test]
    fn remote_key_sources_are_refused_with_the_feature_that_enables_them() {
        for (builder, setting) in [
            (Warden::builder().jwks_url("https://idp.example/jwks"), "jwks_url"),
            (Warden::builder().oidc_issuer("https://idp.example"), "oidc_issuer"),
        ] {
            let err = builder.build().expect_err("no HTTP client in this build");
            assert!(
                matches!(err, ConfigError::Unsupported { setting: s, .. } if s == setting),
                "{err:?}"
            );
            assert!(err.to_string().contains("`remote-keys` feature"), "{err}");
        }
        let err = Warden::from_vars(|name| (name == "WARDEN_JWKS_URL").then(|| "https://idp.example/jwks".into()))
            .expect_err("refused");
        assert!(
            matches!(
                err,
                ConfigError::Unsupported {
                    setting: "WARDEN_JWKS_URL",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
