//! Introspection as configured (RFC 7662): the endpoint (given, or discovered from the
//! `oidc_issuer`), the API's client credentials, and how long answers are kept; checked
//! into the introspector the verifier asks. The settings exist in every build so that a
//! build without the `introspection` feature can refuse them by name.

use std::time::Duration;

use super::ConfigError;
#[cfg(feature = "introspection")]
use crate::defaults::{DEFAULT_INTROSPECTION_ACTIVE_FOR, DEFAULT_INTROSPECTION_INACTIVE_FOR};
#[cfg(feature = "introspection")]
use crate::key_source;
#[cfg(feature = "introspection")]
use crate::token::claims::Rules;
#[cfg(feature = "introspection")]
use crate::verifier::introspection::{Endpoint, Introspector, Settings};

/// The introspection settings of a builder, each with the name of the setting that gave it.
#[derive(Default)]
pub(super) struct Options {
    pub(super) endpoint: Option<(String, &'static str)>,
    pub(super) client_id: Option<(String, &'static str)>,
    pub(super) client_secret: Option<(String, &'static str)>,
    pub(super) active_for: Option<(Duration, &'static str)>,
    pub(super) inactive_for: Option<(Duration, &'static str)>,
}

impl Options {
    /// The first introspection setting given, if any: introspection is then on.
    pub(super) fn first_setting(&self) -> Option<&'static str> {
        let durations = [&self.active_for, &self.inactive_for];
        [&self.endpoint, &self.client_id, &self.client_secret]
            .into_iter()
            .find_map(|given| given.as_ref().map(|(_, setting)| *setting))
            .or_else(|| {
                durations
                    .into_iter()
                    .find_map(|given| given.as_ref().map(|(_, setting)| *setting))
            })
    }
}

/// Refuses every introspection setting in a build without the feature.
#[cfg(not(feature = "introspection"))]
pub(super) fn refuse(options: &Options) -> Result<(), ConfigError> {
    match options.first_setting() {
        None => Ok(()),
        Some(setting) => Err(ConfigError::Unsupported {
            setting,
            reason: "token introspection needs the `introspection` feature of axum-warden",
        }),
    }
}

/// What the introspector is built from besides its own settings.
#[cfg(feature = "introspection")]
pub(super) struct Context {
    /// The issuer of `oidc_issuer`, whose discovery document may name the endpoint.
    pub(super) discover_from: Option<String>,
    pub(super) rules: Rules,
    pub(super) remote: super::remote::Options,
    pub(super) capacity: u64,
}

/// The introspector of `options`, checked.
#[cfg(feature = "introspection")]
pub(super) fn introspector(options: Options, context: Context) -> Result<Introspector, ConfigError> {
    let invalid = |setting, reason: String| ConfigError::InvalidValue { setting, reason };
    let remote = context.remote.settings()?;
    let endpoint = match (options.endpoint, context.discover_from) {
        (Some((url, setting)), _) => {
            Endpoint::Fixed(key_source::parse_url(&url, remote.allow_http).map_err(|reason| invalid(setting, reason))?)
        }
        (None, Some(issuer)) => Endpoint::Discovered {
            issuer,
            found: tokio::sync::OnceCell::new(),
        },
        (None, None) => {
            return Err(invalid(
                "introspection_endpoint",
                "no introspection endpoint: set it, or configure oidc_issuer to discover it".into(),
            ));
        }
    };
    let (client_id, client_secret) = match (options.client_id, options.client_secret) {
        (Some((id, id_setting)), Some((secret, secret_setting))) => {
            if id.is_empty() {
                return Err(invalid(id_setting, "the client id is empty".into()));
            }
            if secret.is_empty() {
                return Err(invalid(secret_setting, "the client secret is empty".into()));
            }
            (id, secret)
        }
        (Some((_, setting)), None) | (None, Some((_, setting))) => {
            return Err(invalid(
                setting,
                "the introspection client needs both a client id and a client secret".into(),
            ));
        }
        (None, None) => {
            return Err(invalid(
                "introspection_client",
                "the introspection endpoint needs the API's client id and secret (RFC 7662 §2.1)".into(),
            ));
        }
    };
    let positive = |given: Option<(Duration, &'static str)>, default: Duration| match given {
        Some((d, setting)) if d.is_zero() => Err(invalid(setting, "must be longer than zero".into())),
        given => Ok(given.map_or(default, |(d, _)| d)),
    };
    let settings = Settings {
        endpoint,
        client_id,
        client_secret,
        active_for: positive(options.active_for, DEFAULT_INTROSPECTION_ACTIVE_FOR)?,
        inactive_for: positive(options.inactive_for, DEFAULT_INTROSPECTION_INACTIVE_FOR)?,
        timeout: remote.timeout,
        connect_timeout: remote.connect_timeout,
        allow_http: remote.allow_http,
        capacity: context.capacity,
    };
    Introspector::new(settings, context.rules).map_err(|reason| invalid("introspection_endpoint", reason))
}

#[cfg(all(test, not(feature = "introspection")))]
mod tests {
    use super::ConfigError;
    use crate::http::Warden;

    #[test]
    fn introspection_settings_are_refused_with_the_feature_that_enables_them() {
        let err = Warden::builder()
            .hmac_secret(vec![7; 32])
            .introspection_client("api", "secret")
            .build()
            .expect_err("no introspection in this build");
        assert!(
            matches!(
                err,
                ConfigError::Unsupported {
                    setting: "introspection_client",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("`introspection` feature"), "{err}");
        let err =
            Warden::from_vars(|name| (name == "WARDEN_INTROSPECTION_URL").then(|| "https://idp.example/i".into()))
                .expect_err("refused");
        assert!(
            matches!(
                err,
                ConfigError::Unsupported {
                    setting: "WARDEN_INTROSPECTION_URL",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
