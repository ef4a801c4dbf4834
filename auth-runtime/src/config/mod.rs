//! Configuration: the [`WardenBuilder`], the environment, and [`ConfigError`]. This is
//! the only layer that knows the names of settings, so it is the only one that turns the
//! errors of the layers below into errors that name the setting at fault.

mod builder;
pub mod env;
mod error;
#[cfg(feature = "config-file")]
mod file;
mod introspection;
mod issuer;
mod remote;
mod sources;
mod vars;

pub use builder::WardenBuilder;
pub use error::ConfigError;
pub use issuer::IssuerConfig;

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
    ///
    /// To add settings the environment cannot give (a role hierarchy, a role source, a
    /// renderer), start from [`WardenBuilder::from_env`] instead.
    pub fn from_env() -> Result<Self, ConfigError> {
        WardenBuilder::from_env()?.build()
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
        vars::read(lookup, "")?.build()
    }
}

impl WardenBuilder {
    /// A builder with the settings of the `WARDEN_*` environment variables (see
    /// [`env`](crate::env)), for the application to extend before
    /// [`build`](Self::build): what [`Warden::from_env`] reads, plus what only code can
    /// say.
    ///
    /// ```no_run
    /// use axum_warden_runtime::{RoleHierarchy, WardenBuilder};
    ///
    /// let warden = WardenBuilder::from_env()?
    ///     .role_hierarchy(RoleHierarchy::new().role("admin", ["editor"]))
    ///     .build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    ///
    /// With `WARDEN_CONFIG` naming a TOML file (feature `config-file`), the issuers the
    /// file lists are trusted too, beside the one the other variables configure, if any:
    ///
    /// ```toml
    /// # warden.toml: the variables' names in lower case, without `WARDEN_`; lists are arrays.
    /// realm = "orders"                     # also acr_order = [..], resource = ".."
    ///
    /// [[issuers]]
    /// issuer = "https://login.example.com/realms/staff"
    /// oidc_discovery = true                # or one of: jwks_url, jwks_file,
    ///                                      # jwt_public_key_file, jwt_secret_env
    /// audience = ["orders-api"]
    /// jwt_algorithms = ["RS256"]
    /// roles_claim = "realm_access.roles"
    /// scopes_claim = "scope"
    /// leeway_seconds = 30
    ///
    /// [[issuers]]
    /// issuer = "https://partners.example"
    /// jwt_secret_env = "PARTNERS_JWT_SECRET" # the variable that holds the HMAC secret
    /// audience = ["orders-api"]
    /// ```
    ///
    /// An HMAC secret is never written in the file: `jwt_secret_env` names the variable
    /// that holds it. Every mistake names the file and the setting
    /// (`warden.toml: issuers[1].jwks_url: …`); an unknown key is refused, not ignored.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable (or the file's setting) at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_prefixed("")
    }

    /// Like [`from_env`](Self::from_env), reading each variable after `prefix`:
    /// `from_env_prefixed("CUSTOMERS_")` reads `CUSTOMERS_WARDEN_JWKS_URL`,
    /// `CUSTOMERS_WARDEN_AUDIENCE`, `CUSTOMERS_WARDEN_CONFIG` …, so that one process can
    /// configure one warden per API. The prefix comes before the whole name, so every
    /// variable still says it is a warden setting; errors name the prefixed variable.
    ///
    /// ```
    /// use axum_warden_runtime::{ConfigError, WardenBuilder};
    ///
    /// let builder = WardenBuilder::from_vars_prefixed("CUSTOMERS_", |name| match name {
    ///     "CUSTOMERS_WARDEN_JWT_SECRET" => Some("too short".into()),
    ///     _ => None,
    /// })?;
    /// let err = builder.build().unwrap_err();
    /// assert!(matches!(err, ConfigError::SecretTooShort { setting: "CUSTOMERS_WARDEN_JWT_SECRET", .. }));
    /// # Ok::<(), ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable at fault.
    pub fn from_env_prefixed(prefix: &str) -> Result<Self, ConfigError> {
        // A value that is not UTF-8 is refused, never altered: a secret with its bytes
        // replaced would verify nothing its issuer signed.
        if let Some(name) = env::ALL
            .into_iter()
            .map(|name| vars::prefixed(prefix, name))
            .find(|name| std::env::var(name).is_err_and(|e| matches!(e, std::env::VarError::NotUnicode(_))))
        {
            return Err(ConfigError::InvalidValue {
                setting: name,
                reason: "is not valid UTF-8".into(),
            });
        }
        Self::from_vars_prefixed(prefix, |name| std::env::var(name).ok())
    }

    /// Like [`from_env_prefixed`](Self::from_env_prefixed), reading variables through
    /// `lookup` (the `jwt_secret_env` of a configuration file included).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable at fault.
    pub fn from_vars_prefixed(prefix: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        vars::read(lookup, prefix)
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
