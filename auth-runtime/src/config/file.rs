//! The configuration file named by `WARDEN_CONFIG` (feature `config-file`): several
//! trusted issuers and the warden-wide settings, in TOML. The format is documented at
//! [`WardenBuilder::from_env`](crate::WardenBuilder::from_env).
//!
//! The file is walked by hand rather than deserialized, so that every mistake names its
//! setting exactly (`warden.toml: issuers[1].jwks_url`) and an unknown key is refused
//! with the list of known ones, instead of being silently ignored.

use std::path::Path;
use std::time::Duration;

use toml::{Table, Value};

use super::ConfigError;
use super::builder::WardenBuilder;
use super::issuer::{Settings, intern};
use super::sources::{self, KeyInput};
use crate::algorithm::Algorithm;

const TOP_LEVEL: &[&str] = &["issuers", "realm", "acr_order", "resource"];
const ISSUER_KEYS: &[&str] = &[
    "issuer",
    "jwt_secret_env",
    "jwt_public_key_file",
    "jwks_file",
    "jwks_url",
    "oidc_discovery",
    "jwt_algorithms",
    "audience",
    "leeway_seconds",
    "roles_claim",
    "scopes_claim",
];

/// Adds the file's issuers and settings to `builder`. `setting` is the variable that
/// named the file; `lookup` reads the variables that `jwt_secret_env` names.
pub(super) fn read(
    builder: &mut WardenBuilder,
    path: &str,
    setting: &'static str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let text = sources::read(Path::new(path), setting)?;
    let at = |key: &str| intern(format!("{path}: {key}"));
    let text = String::from_utf8(text).map_err(|_| ConfigError::InvalidValue {
        setting,
        reason: format!("{path} is not UTF-8"),
    })?;
    let table: Table = text.parse().map_err(|e: toml::de::Error| ConfigError::InvalidValue {
        setting,
        reason: format!("{path} is not valid TOML: {}", e.message()),
    })?;
    known_keys(&table, TOP_LEVEL, &at, "a ")?;
    if let Some(realm) = table.get("realm") {
        let realm = string(realm, at("realm"))?;
        set_once(&mut builder.realm, (realm, at("realm")))?;
    }
    if let Some(classes) = table.get("acr_order") {
        let classes = strings(classes, at("acr_order"))?;
        set_once(&mut builder.acr_order, (classes, at("acr_order")))?;
    }
    if let Some(resource) = table.get("resource") {
        let resource = string(resource, at("resource"))?;
        set_once(&mut builder.resource, (resource, at("resource")))?;
    }
    let Some(issuers) = table.get("issuers") else {
        return Ok(());
    };
    let Value::Array(issuers) = issuers else {
        return Err(ConfigError::InvalidValue {
            setting: at("issuers"),
            reason: "is a list of tables: write each issuer under [[issuers]]".into(),
        });
    };
    for (index, issuer) in issuers.iter().enumerate() {
        let prefix = format!("issuers[{index}]");
        let name = |key: &str| at(&format!("{prefix}.{key}"));
        let Value::Table(issuer) = issuer else {
            return Err(ConfigError::InvalidValue {
                setting: at(&prefix),
                reason: "is not a table: write each issuer under [[issuers]]".into(),
            });
        };
        builder.file_issuers.push(read_issuer(issuer, &name, lookup)?);
    }
    Ok(())
}

/// One `[[issuers]]` table, every setting named with `name`.
fn read_issuer(
    table: &Table,
    name: &dyn Fn(&str) -> &'static str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    known_keys(table, ISSUER_KEYS, &|key| name(key), "an issuer ")?;
    let mut settings = Settings::default();
    let Some(issuer) = table.get("issuer") else {
        return Err(ConfigError::InvalidValue {
            setting: name("issuer"),
            reason: "is missing: each issuer names the `iss` its tokens carry".into(),
        });
    };
    let issuer = string(issuer, name("issuer"))?;
    settings.issuer = Some(issuer.clone());
    settings.issuer_setting = Some(name("issuer"));
    if let Some(var) = table.get("jwt_secret_env") {
        let setting = name("jwt_secret_env");
        let var = string(var, setting)?;
        let secret = lookup(&var).ok_or_else(|| ConfigError::InvalidValue {
            setting,
            reason: format!("the variable {var} is not set"),
        })?;
        settings.keys.push((KeyInput::Secret(secret.into_bytes()), setting));
    }
    if let Some(path) = table.get("jwt_public_key_file") {
        let setting = name("jwt_public_key_file");
        settings
            .keys
            .push((KeyInput::PemFile(string(path, setting)?.into()), setting));
    }
    if let Some(path) = table.get("jwks_file") {
        let setting = name("jwks_file");
        settings
            .keys
            .push((KeyInput::JwksFile(string(path, setting)?.into()), setting));
    }
    if let Some(url) = table.get("jwks_url") {
        let setting = name("jwks_url");
        settings.keys.push((KeyInput::JwksUrl(string(url, setting)?), setting));
    }
    if let Some(discover) = table.get("oidc_discovery") {
        let setting = name("oidc_discovery");
        match discover {
            Value::Boolean(true) => settings.keys.push((KeyInput::OidcIssuer(issuer), setting)),
            Value::Boolean(false) => {}
            _ => {
                return Err(ConfigError::InvalidValue {
                    setting,
                    reason: "is true or false".into(),
                });
            }
        }
    }
    if let Some(list) = table.get("jwt_algorithms") {
        let setting = name("jwt_algorithms");
        let algorithms = strings(list, setting)?
            .into_iter()
            .map(|alg| {
                alg.parse::<Algorithm>()
                    .map_err(|_| ConfigError::UnknownAlgorithm { setting, value: alg })
            })
            .collect::<Result<Vec<_>, _>>()?;
        settings.set_algorithms(algorithms);
        settings.algorithms_setting = Some(setting);
    }
    if let Some(list) = table.get("audience") {
        settings.audiences = strings(list, name("audience"))?;
    }
    if let Some(secs) = table.get("leeway_seconds") {
        let setting = name("leeway_seconds");
        let secs = secs
            .as_integer()
            .and_then(|secs| u64::try_from(secs).ok())
            .ok_or_else(|| ConfigError::InvalidValue {
                setting,
                reason: "is a whole number of seconds, e.g. 60".into(),
            })?;
        settings.leeway = Some(Duration::from_secs(secs));
        settings.leeway_setting = Some(setting);
    }
    if let Some(path) = table.get("roles_claim") {
        let setting = name("roles_claim");
        settings.roles_claim = Some((string(path, setting)?, setting));
    }
    if let Some(claim) = table.get("scopes_claim") {
        settings.scopes_claim = Some(string(claim, name("scopes_claim"))?);
    }
    Ok(settings)
}

/// Refuses a key that is not one of `known`: a misspelt setting must not quietly mean
/// "not configured".
fn known_keys(
    table: &Table,
    known: &[&str],
    name: &dyn Fn(&str) -> &'static str,
    what: &str,
) -> Result<(), ConfigError> {
    match table.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(ConfigError::InvalidValue {
            setting: name(key),
            reason: format!("is not {what}setting; expected one of {}", known.join(", ")),
        }),
        None => Ok(()),
    }
}

fn string(value: &Value, setting: &'static str) -> Result<String, ConfigError> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        Value::String(_) => Err(ConfigError::InvalidValue {
            setting,
            reason: "is empty; remove it or give it a value".into(),
        }),
        _ => Err(ConfigError::InvalidValue {
            setting,
            reason: "is a string".into(),
        }),
    }
}

/// A non-empty array of distinct non-empty strings: an empty list would quietly turn a
/// check off (no audience means tokens with `aud` are refused, not accepted, but the
/// intent is lost).
fn strings(value: &Value, setting: &'static str) -> Result<Vec<String>, ConfigError> {
    let Value::Array(items) = value else {
        return Err(ConfigError::InvalidValue {
            setting,
            reason: "is an array of strings, e.g. [\"a\", \"b\"]".into(),
        });
    };
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let item = string(item, setting)?;
        if out.contains(&item) {
            return Err(ConfigError::InvalidValue {
                setting,
                reason: format!("lists {item:?} twice"),
            });
        }
        out.push(item);
    }
    if out.is_empty() {
        return Err(ConfigError::InvalidValue {
            setting,
            reason: "is empty; remove it or list at least one".into(),
        });
    }
    Ok(out)
}

/// A warden-wide setting given by the file, refused when a variable gave it already.
fn set_once<T>(slot: &mut Option<(T, &'static str)>, value: (T, &'static str)) -> Result<(), ConfigError> {
    if let Some((_, first)) = slot {
        return Err(ConfigError::InvalidValue {
            setting: value.1,
            reason: format!("{first} is set too; set it in one place"),
        });
    }
    *slot = Some(value);
    Ok(())
}
