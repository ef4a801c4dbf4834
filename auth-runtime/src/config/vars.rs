//! A [`WardenBuilder`] from `WARDEN_*` variables: each value parsed, every mistake a
//! [`ConfigError`] that names the variable.

use std::time::Duration;

use super::ConfigError;
use super::builder::WardenBuilder;
use super::env::{
    ACR_ORDER, AUDIENCE, CLIENT_IDS, ISSUER, JWKS_FILE, JWKS_URL, JWT_ALGORITHMS, JWT_PUBLIC_KEY_FILE, JWT_SECRET,
    LEEWAY_SECONDS, OIDC_ISSUER_URL, REALM, REQUIRE_AT_JWT, RESOURCE, ROLES_CLAIM, SCOPES_CLAIM, TENANTS,
};
use super::sources::KeyInput;
use crate::algorithm::Algorithm;

/// A builder with every `WARDEN_*` variable `lookup` finds.
pub(super) fn read(lookup: impl Fn(&str) -> Option<String>) -> Result<WardenBuilder, ConfigError> {
    let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
        match lookup(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Err(ConfigError::InvalidValue {
                setting: name,
                reason: "is set but empty; unset it or give it a value".into(),
            }),
            Some(v) => Ok(Some(v)),
        }
    };
    let mut b = WardenBuilder::default();
    if let Some(secret) = get(JWT_SECRET)? {
        b.keys.push((KeyInput::Secret(secret.into_bytes()), JWT_SECRET));
    }
    if let Some(path) = get(JWT_PUBLIC_KEY_FILE)? {
        b.keys.push((KeyInput::PemFile(path.into()), JWT_PUBLIC_KEY_FILE));
    }
    if let Some(path) = get(JWKS_FILE)? {
        b.keys.push((KeyInput::JwksFile(path.into()), JWKS_FILE));
    }
    if let Some(url) = get(JWKS_URL)? {
        b.keys.push((KeyInput::JwksUrl(url), JWKS_URL));
    }
    if let Some(issuer) = get(OIDC_ISSUER_URL)? {
        b.keys.push((KeyInput::OidcIssuer(issuer), OIDC_ISSUER_URL));
    }
    if let Some(list) = get(JWT_ALGORITHMS)? {
        b.algorithms = parse_algorithms(&list, JWT_ALGORITHMS)?;
        b.algorithms_setting = Some(JWT_ALGORITHMS);
    }
    b.issuer = get(ISSUER)?;
    if let Some(list) = get(AUDIENCE)? {
        b.audiences = list_items(&list, AUDIENCE, "audience")?
            .into_iter()
            .map(str::to_owned)
            .collect();
    }
    if let Some(secs) = get(LEEWAY_SECONDS)? {
        let secs = secs.trim().parse::<u64>().map_err(|_| ConfigError::InvalidValue {
            setting: LEEWAY_SECONDS,
            reason: format!("{secs:?} is not a whole number of seconds"),
        })?;
        b.leeway = Some(Duration::from_secs(secs));
        b.leeway_setting = Some(LEEWAY_SECONDS);
    }
    if let Some(path) = get(ROLES_CLAIM)? {
        b.roles_claim = Some((path, ROLES_CLAIM));
    }
    b.scopes_claim = get(SCOPES_CLAIM)?;
    if let Some(realm) = get(REALM)? {
        b.realm = Some((realm, REALM));
    }
    if let Some(list) = get(ACR_ORDER)? {
        let classes = list_items(&list, ACR_ORDER, "authentication context class")?;
        b.acr_order = Some((classes.into_iter().map(str::to_owned).collect(), ACR_ORDER));
    }
    if let Some(list) = get(TENANTS)? {
        let tenants = list_items(&list, TENANTS, "tenant")?;
        b.tenants = Some((tenants.into_iter().map(str::to_owned).collect(), TENANTS));
    }
    if let Some(list) = get(CLIENT_IDS)? {
        let clients = list_items(&list, CLIENT_IDS, "client")?;
        b.client_ids = Some((clients.into_iter().map(str::to_owned).collect(), CLIENT_IDS));
    }
    if let Some(value) = get(REQUIRE_AT_JWT)? {
        b.access_token_type = match value.trim() {
            "true" => true,
            "false" => false,
            other => {
                return Err(ConfigError::InvalidValue {
                    setting: REQUIRE_AT_JWT,
                    reason: format!("{other:?} is neither `true` nor `false`"),
                });
            }
        };
    }
    if let Some(identifier) = get(RESOURCE)? {
        b.resource = Some((identifier, RESOURCE));
    }
    Ok(b)
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
