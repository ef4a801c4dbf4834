//! A [`WardenBuilder`] from `WARDEN_*` variables: each value parsed, every mistake a
//! [`ConfigError`] that names the variable.

use std::time::Duration;

use super::ConfigError;
use super::builder::WardenBuilder;
use super::env::{
    ACR_ORDER, AUDIENCE, BACKCHANNEL_LOGOUT_CLIENT_ID, CLIENT_IDS, CONFIG, DPOP, DPOP_ALGORITHMS, DPOP_NONCE_SECRET,
    DPOP_ORIGIN, INTROSPECTION_CACHE_SECONDS, INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET,
    INTROSPECTION_INACTIVE_CACHE_SECONDS, INTROSPECTION_URL, ISSUER, JWKS_FILE, JWKS_URL, JWT_ALGORITHMS,
    JWT_PUBLIC_KEY_FILE, JWT_SECRET, JWT_SECRET_BASE64, LEEWAY_SECONDS, OIDC_ISSUER_URL, REALM, REQUIRE_AT_JWT,
    RESOURCE, REVOCATION_RETENTION_SECONDS, REVOCATION_STALENESS_SECONDS, REVOCATION_STORE, ROLES_CLAIM, SCOPES_CLAIM,
    TENANTS,
};
use super::issuer::intern;
use super::sources::KeyInput;
use crate::algorithm::Algorithm;
use crate::verifier::revocation::Revocations;

/// A builder with every `WARDEN_*` variable `lookup` finds, each name after `prefix`
/// (`CUSTOMERS_` reads `CUSTOMERS_WARDEN_JWKS_URL`; errors name that variable).
pub(super) fn read(lookup: impl Fn(&str) -> Option<String>, prefix: &str) -> Result<WardenBuilder, ConfigError> {
    let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
        let name = prefixed(prefix, name);
        match lookup(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Err(ConfigError::InvalidValue {
                setting: name,
                reason: "is set but empty; unset it or give it a value".into(),
            }),
            Some(v) => Ok(Some(v)),
        }
    };
    let p = |name: &'static str| prefixed(prefix, name);
    let mut b = WardenBuilder::default();
    if let Some(secret) = get(JWT_SECRET)? {
        b.primary
            .keys
            .push((KeyInput::Secret(secret.into_bytes()), p(JWT_SECRET)));
    }
    if let Some(encoded) = get(JWT_SECRET_BASE64)? {
        let secret = decode_base64(&encoded).ok_or_else(|| ConfigError::InvalidValue {
            setting: p(JWT_SECRET_BASE64),
            reason: "is not base64 or base64url (the secret itself is never shown)".into(),
        })?;
        b.primary.keys.push((KeyInput::Secret(secret), p(JWT_SECRET_BASE64)));
    }
    if let Some(path) = get(JWT_PUBLIC_KEY_FILE)? {
        b.primary
            .keys
            .push((KeyInput::PemFile(path.into()), p(JWT_PUBLIC_KEY_FILE)));
    }
    if let Some(path) = get(JWKS_FILE)? {
        b.primary.keys.push((KeyInput::JwksFile(path.into()), p(JWKS_FILE)));
    }
    if let Some(url) = get(JWKS_URL)? {
        b.primary.keys.push((KeyInput::JwksUrl(url), p(JWKS_URL)));
    }
    if let Some(issuer) = get(OIDC_ISSUER_URL)? {
        b.primary.keys.push((KeyInput::OidcIssuer(issuer), p(OIDC_ISSUER_URL)));
    }
    if let Some(list) = get(JWT_ALGORITHMS)? {
        b.primary.algorithms = parse_algorithms(&list, p(JWT_ALGORITHMS))?;
        b.primary.algorithms_setting = Some(p(JWT_ALGORITHMS));
    }
    b.primary.issuer = get(ISSUER)?;
    b.primary.issuer_setting = Some(p(ISSUER));
    if let Some(list) = get(AUDIENCE)? {
        b.primary.audiences = list_items(&list, p(AUDIENCE), "audience")?
            .into_iter()
            .map(str::to_owned)
            .collect();
    }
    let seconds = |name: &'static str| -> Result<Option<Duration>, ConfigError> {
        get(name)?
            .map(|secs| {
                secs.trim()
                    .parse::<u64>()
                    .map(Duration::from_secs)
                    .map_err(|_| ConfigError::InvalidValue {
                        setting: p(name),
                        reason: format!("{secs:?} is not a whole number of seconds"),
                    })
            })
            .transpose()
    };
    if let Some(leeway) = seconds(LEEWAY_SECONDS)? {
        b.primary.leeway = Some(leeway);
        b.primary.leeway_setting = Some(p(LEEWAY_SECONDS));
    }
    if let Some(path) = get(ROLES_CLAIM)? {
        b.primary.roles_claim = Some((path, p(ROLES_CLAIM)));
    }
    b.primary.scopes_claim = get(SCOPES_CLAIM)?;
    if let Some(realm) = get(REALM)? {
        b.realm = Some((realm, p(REALM)));
    }
    if let Some(list) = get(ACR_ORDER)? {
        let classes = list_items(&list, p(ACR_ORDER), "authentication context class")?;
        b.acr_order = Some((classes.into_iter().map(str::to_owned).collect(), p(ACR_ORDER)));
    }
    if let Some(list) = get(TENANTS)? {
        let tenants = list_items(&list, p(TENANTS), "tenant")?;
        b.tenants = Some((tenants.into_iter().map(str::to_owned).collect(), p(TENANTS)));
    }
    if let Some(list) = get(CLIENT_IDS)? {
        let clients = list_items(&list, p(CLIENT_IDS), "client")?;
        b.client_ids = Some((clients.into_iter().map(str::to_owned).collect(), p(CLIENT_IDS)));
    }
    if let Some(value) = get(REQUIRE_AT_JWT)? {
        b.access_token_type = match value.trim() {
            "true" => true,
            "false" => false,
            other => {
                return Err(ConfigError::InvalidValue {
                    setting: p(REQUIRE_AT_JWT),
                    reason: format!("{other:?} is neither `true` nor `false`"),
                });
            }
        };
    }
    let introspection = &mut b.introspection;
    introspection.endpoint = get(INTROSPECTION_URL)?.map(|url| (url, p(INTROSPECTION_URL)));
    introspection.client_id = get(INTROSPECTION_CLIENT_ID)?.map(|id| (id, p(INTROSPECTION_CLIENT_ID)));
    introspection.client_secret =
        get(INTROSPECTION_CLIENT_SECRET)?.map(|secret| (secret, p(INTROSPECTION_CLIENT_SECRET)));
    introspection.active_for = seconds(INTROSPECTION_CACHE_SECONDS)?.map(|d| (d, p(INTROSPECTION_CACHE_SECONDS)));
    introspection.inactive_for =
        seconds(INTROSPECTION_INACTIVE_CACHE_SECONDS)?.map(|d| (d, p(INTROSPECTION_INACTIVE_CACHE_SECONDS)));
    if let Some(identifier) = get(RESOURCE)? {
        b.resource = Some((identifier, p(RESOURCE)));
    }
    let retention = seconds(REVOCATION_RETENTION_SECONDS)?;
    let staleness = seconds(REVOCATION_STALENESS_SECONDS)?;
    match get(REVOCATION_STORE)? {
        Some(store) => {
            let mut revocations = Revocations::builder();
            if let Some(retention) = retention {
                revocations = revocations.retention(retention);
            }
            if let Some(staleness) = staleness {
                revocations = revocations.staleness_limit(staleness);
            }
            b.revocations = Some((
                revocation_store(revocations, store.trim(), p(REVOCATION_STORE))?,
                p(REVOCATION_STORE),
            ));
        }
        None => {
            for (value, name) in [
                (retention, REVOCATION_RETENTION_SECONDS),
                (staleness, REVOCATION_STALENESS_SECONDS),
            ] {
                if value.is_some() {
                    return Err(ConfigError::InvalidValue {
                        setting: p(name),
                        reason: format!("applies to a revocation store; set {} too", p(REVOCATION_STORE)),
                    });
                }
            }
        }
    }
    if let Some(list) = get(BACKCHANNEL_LOGOUT_CLIENT_ID)? {
        let clients = list_items(&list, p(BACKCHANNEL_LOGOUT_CLIENT_ID), "client")?;
        b.logout_audiences = Some((
            clients.into_iter().map(str::to_owned).collect(),
            p(BACKCHANNEL_LOGOUT_CLIENT_ID),
        ));
    }
    if let Some(mode) = get(DPOP)? {
        let mode = match mode.trim() {
            "off" => crate::http::DpopMode::Off,
            "allowed" => crate::http::DpopMode::Allowed,
            "required" => crate::http::DpopMode::Required,
            other => {
                return Err(ConfigError::InvalidValue {
                    setting: p(DPOP),
                    reason: format!("{other:?} is none of `off`, `allowed`, `required`"),
                });
            }
        };
        b.dpop = Some((mode, p(DPOP)));
    }
    if let Some(list) = get(DPOP_ALGORITHMS)? {
        b.dpop_algorithms = Some((parse_algorithms(&list, p(DPOP_ALGORITHMS))?, p(DPOP_ALGORITHMS)));
    }
    if let Some(origin) = get(DPOP_ORIGIN)? {
        b.dpop_origin = Some((origin, p(DPOP_ORIGIN)));
    }
    if let Some(secret) = get(DPOP_NONCE_SECRET)? {
        b.dpop_nonce_secret = Some((secret.into_bytes(), p(DPOP_NONCE_SECRET)));
    }
    if let Some(path) = get(CONFIG)? {
        #[cfg(feature = "config-file")]
        super::file::read(&mut b, &path, p(CONFIG), &lookup)?;
        #[cfg(not(feature = "config-file"))]
        {
            let _ = path;
            return Err(ConfigError::Unsupported {
                setting: p(CONFIG),
                reason: "a configuration file needs the `config-file` feature of axum-warden",
            });
        }
    }
    Ok(b)
}

/// The revocation list `WARDEN_REVOCATION_STORE` names: `memory`, or a Redis URL.
fn revocation_store(
    builder: crate::RevocationsBuilder,
    store: &str,
    setting: &'static str,
) -> Result<Revocations, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidValue { setting, reason };
    if store == "memory" {
        return builder.build().map_err(|e| invalid(e.to_string()));
    }
    if store.starts_with("redis://") || store.starts_with("rediss://") || store.starts_with("redis+unix://") {
        #[cfg(feature = "redis")]
        return builder
            .redis(store)
            .map_err(|e| invalid(format!("is not a Redis URL the client accepts: {e}")))?
            .build()
            .map_err(|e| invalid(e.to_string()));
        #[cfg(not(feature = "redis"))]
        return Err(ConfigError::Unsupported {
            setting,
            reason: "a Redis revocation store needs the `redis` feature of axum-warden",
        });
    }
    Err(invalid(
        "is neither `memory` nor a Redis URL (`redis://host:port`)".into(),
    ))
}

/// The name of variable `name` after `prefix`, as the `&'static str` errors carry.
pub(super) fn prefixed(prefix: &str, name: &'static str) -> &'static str {
    if prefix.is_empty() {
        name
    } else {
        intern(format!("{prefix}{name}"))
    }
}

fn parse_algorithms(list: &str, setting: &'static str) -> Result<Vec<Algorithm>, ConfigError> {
    list_items(list, setting, "algorithm")?
        .into_iter()
        .map(|name| {
            name.parse::<Algorithm>().map_err(|_| ConfigError::UnknownAlgorithm {
                setting,
                value: name.to_owned(),
            })
        })
        .collect()
}

/// The items of a comma-separated variable: at least one, none twice. A list that
/// reduces to nothing (`","`) would otherwise quietly mean "not configured", which for
/// the audience turns its check off.
fn list_items<'a>(list: &'a str, setting: &'static str, what: &str) -> Result<Vec<&'a str>, ConfigError> {
    let mut items: Vec<&str> = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if items.contains(&item) {
            return Err(ConfigError::InvalidValue {
                setting,
                reason: format!("lists the {what} {item:?} twice"),
            });
        }
        items.push(item);
    }
    if items.is_empty() {
        return Err(ConfigError::InvalidValue {
            setting,
            reason: format!("{list:?} names no {what}; unset it or list at least one"),
        });
    }
    Ok(items)
}

/// `text` decoded as base64 or base64url, with or without padding, around whitespace;
/// `None` when it is neither.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let text = text.trim().trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .ok()
}
