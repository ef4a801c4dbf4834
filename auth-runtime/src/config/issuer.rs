//! The settings of one trusted issuer: [`IssuerConfig`] for each of several, and the
//! single-issuer settings of [`WardenBuilder`](super::WardenBuilder) itself. Both are
//! checked here, into the [`Trusted`] issuer the verifier selects by `iss`.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::ConfigError;
#[cfg(feature = "remote-keys")]
use super::remote;
use super::remote::Options;
use super::sources::{self, KeyInput, Names};
use crate::algorithm::Algorithm;
use crate::defaults::{DEFAULT_LEEWAY, MAX_LEEWAY};
use crate::key_source::KeySource;
use crate::roles::Resolved;
use crate::token::claims::Rules;
use crate::token::keys::KeySet;
use crate::token::role_source::RoleSource;
use crate::verifier::Trusted;
use crate::verifier::cache::TokenCache;

/// The settings of one issuer, as configured, before they are checked. Each carries the
/// name of the setting that gave it, for the error that names it.
#[derive(Default)]
pub(super) struct Settings {
    pub(super) keys: Vec<(KeyInput, &'static str)>,
    pub(super) algorithms: Vec<Algorithm>,
    pub(super) algorithms_setting: Option<&'static str>,
    pub(super) issuer: Option<String>,
    pub(super) issuer_setting: Option<&'static str>,
    pub(super) audiences: Vec<String>,
    pub(super) leeway: Option<Duration>,
    pub(super) leeway_setting: Option<&'static str>,
    pub(super) roles_claim: Option<(String, &'static str)>,
    pub(super) roles_from: Option<RoleSource>,
    pub(super) scopes_claim: Option<String>,
}

/// What every issuer of one warden shares: limits, the role hierarchy, the remote
/// key-source options and the verified-token cache.
pub(super) struct Shared {
    pub(super) max_token_bytes: usize,
    pub(super) max_claim_entries: usize,
    /// The claim checks of the warden ([`WardenBuilder::tenants`](crate::WardenBuilder::tenants)
    /// and its neighbours), applied to the tokens of every issuer.
    pub(super) access_token_type: bool,
    pub(super) tenants: Vec<String>,
    pub(super) client_ids: Vec<String>,
    pub(super) checks: Vec<crate::token::claims::ClaimsCheck>,
    pub(super) hierarchy: Option<Arc<Resolved>>,
    /// Whether DPoP-bound tokens are refused while being verified (DPoP is off).
    pub(super) refuse_bound: bool,
    // Read by remote key sources only (their options, and the cache they empty on rotation).
    #[cfg_attr(not(feature = "remote-keys"), allow(dead_code))]
    pub(super) remote: Options,
    #[cfg_attr(not(feature = "remote-keys"), allow(dead_code))]
    pub(super) cache: Option<TokenCache>,
}

impl Shared {
    /// What a remote key source takes of the shared settings: its options, and the cache
    /// it empties when its key set rotates.
    #[cfg(feature = "remote-keys")]
    fn remote_parts(&self) -> (Options, Option<TokenCache>) {
        (self.remote.clone(), self.cache.clone())
    }
}

impl Settings {
    /// Each algorithm once: a key is prepared per algorithm, and two keys of one
    /// algorithm without a `kid` would make every token ambiguous.
    pub(super) fn set_algorithms(&mut self, algorithms: impl IntoIterator<Item = Algorithm>) {
        self.algorithms.clear();
        for alg in algorithms {
            if !self.algorithms.contains(&alg) {
                self.algorithms.push(alg);
            }
        }
    }

    /// The issuer tokens must carry with key source `input`: the configured one, else
    /// the one discovery asks.
    pub(super) fn expected_issuer(&self, input: &KeyInput) -> Option<String> {
        self.issuer.clone().or_else(|| match input {
            KeyInput::OidcIssuer(issuer) => Some(issuer.trim().to_owned()),
            _ => None,
        })
    }

    /// Checks the settings and loads the keys into a trusted issuer. `name` turns a
    /// setting's own name into the one errors report (`jwks_url` → `issuers[1].jwks_url`).
    pub(super) fn build(
        self,
        input: (KeyInput, &'static str),
        name: &dyn Fn(&'static str) -> &'static str,
        shared: &Shared,
    ) -> Result<Trusted, ConfigError> {
        let (input, setting) = (input.0, name(input.1));
        let names = Names {
            key: setting,
            algorithms: name(self.algorithms_setting.unwrap_or("algorithms")),
        };
        #[cfg_attr(not(feature = "remote-keys"), allow(unused_mut))]
        let mut rules = self.rules(name, shared)?;
        let algorithms = self.algorithms;
        Ok(match input {
            #[cfg(feature = "remote-keys")]
            KeyInput::JwksUrl(url) => {
                let locator = remote::jwks_url(&url, shared.remote.allow_http, names)?;
                remote::trusted(locator, algorithms, rules, shared.remote_parts(), names)?
            }
            #[cfg(feature = "remote-keys")]
            KeyInput::OidcIssuer(issuer) => {
                let locator = remote::oidc_issuer(&issuer, shared.remote.allow_http, names)?;
                rules.issuer.get_or_insert_with(|| issuer.trim().into());
                remote::trusted(locator, algorithms, rules, shared.remote_parts(), names)?
            }
            #[cfg(not(feature = "remote-keys"))]
            KeyInput::JwksUrl(_) | KeyInput::OidcIssuer(_) => {
                return Err(ConfigError::Unsupported {
                    setting,
                    reason: "key sets fetched over HTTP need the `remote-keys` feature of axum-warden (on by default)",
                });
            }
            KeyInput::Secret(secret) => local(sources::secret(&secret, &algorithms, names)?, rules),
            KeyInput::Pem(pem) => local(sources::pem(&pem, &algorithms, names)?, rules),
            KeyInput::PemFile(path) => local(
                sources::pem(&sources::read(&path, setting)?, &algorithms, names)?,
                rules,
            ),
            KeyInput::Jwks(doc) => local(sources::jwks(&doc, &algorithms, setting)?, rules),
            KeyInput::JwksFile(path) => local(
                sources::jwks(&sources::read(&path, setting)?, &algorithms, setting)?,
                rules,
            ),
            KeyInput::Custom(_) => {
                return Err(ConfigError::InvalidValue {
                    setting,
                    reason: "a custom authenticator replaces JWT verification; it cannot be one of several issuers"
                        .into(),
                });
            }
        })
    }

    /// The claim rules of these settings, checked (the leeway, the roles claim path).
    pub(super) fn rules(
        &self,
        name: &dyn Fn(&'static str) -> &'static str,
        shared: &Shared,
    ) -> Result<Rules, ConfigError> {
        let leeway = self.leeway.unwrap_or(DEFAULT_LEEWAY);
        if leeway > MAX_LEEWAY {
            return Err(ConfigError::InvalidValue {
                setting: name(self.leeway_setting.unwrap_or("leeway")),
                reason: format!(
                    "{} s is more than the maximum of {} s",
                    leeway.as_secs(),
                    MAX_LEEWAY.as_secs()
                ),
            });
        }
        let roles = match (&self.roles_from, &self.roles_claim) {
            (Some(source), _) => source.clone(),
            (None, None) => RoleSource::default_claim(),
            (None, Some((path, setting))) => RoleSource::claim(path).ok_or_else(|| ConfigError::InvalidValue {
                setting: name(setting),
                reason: format!("{path:?} is not a claim path like `roles` or `realm_access.roles`"),
            })?,
        };
        Ok(Rules {
            issuer: self.issuer.as_deref().map(Arc::from),
            audiences: self.audiences.clone(),
            leeway: leeway.as_secs(),
            roles,
            hierarchy: shared.hierarchy.clone(),
            scopes_claim: self.scopes_claim.clone(),
            max_token_bytes: shared.max_token_bytes,
            access_token_type: shared.access_token_type,
            tenants: shared.tenants.clone(),
            client_ids: shared.client_ids.clone(),
            checks: shared.checks.clone(),
            refuse_bound: shared.refuse_bound,
            max_claim_entries: shared.max_claim_entries,
        })
    }
}

/// A trusted issuer whose key set was loaded at startup: it accepts the algorithms its
/// keys are bound to.
fn local(set: KeySet, rules: Rules) -> Trusted {
    let mut algorithms: Vec<Algorithm> = Vec::new();
    for alg in set.algorithms() {
        if !algorithms.contains(&alg) {
            algorithms.push(alg);
        }
    }
    Trusted::new(KeySource::Static(Arc::new(set)), algorithms, rules)
}

/// One of several issuers a [`Warden`](crate::Warden) trusts: its key source, audiences,
/// algorithms, role source and leeway. Add it with
/// [`WardenBuilder::trust`](super::WardenBuilder::trust).
///
/// The token's `iss`, read before verification and compared byte for byte, selects the
/// issuer whose keys and rules then verify it; a token whose `iss` no issuer has is
/// answered 401 `invalid_token` without asking any key source. A key of one issuer
/// therefore never verifies a token that claims another.
///
/// ```
/// use axum_warden_runtime::{Algorithm, IssuerConfig, RoleSource, Warden};
///
/// let warden = Warden::builder()
///     .trust(
///         IssuerConfig::new("https://login.example.com/realms/staff")
///             .jwks_url("https://login.example.com/realms/staff/protocol/openid-connect/certs")
///             .audience("orders-api")
///             .roles_from(RoleSource::keycloak("orders-api")),
///     )
///     .trust(
///         IssuerConfig::new("https://partners.example")
///             .hmac_secret(b"0123456789abcdef0123456789abcdef".to_vec())
///             .algorithms([Algorithm::HS256])
///             .audience("orders-api"),
///     )
///     .build()?;
/// # Ok::<(), axum_warden_runtime::ConfigError>(())
/// ```
///
/// Errors at [`build`](super::WardenBuilder::build) name the issuer by its position among
/// the `trust` calls: `issuers[1].hmac_secret: the HMAC secret is 9 bytes …`.
#[must_use]
pub struct IssuerConfig {
    pub(super) settings: Settings,
}

impl std::fmt::Debug for IssuerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys: a secret must not reach a log line.
        f.debug_struct("IssuerConfig")
            .field("issuer", &self.settings.issuer)
            .field("audiences", &self.settings.audiences)
            .field("algorithms", &self.settings.algorithms)
            .finish_non_exhaustive()
    }
}

impl IssuerConfig {
    /// An issuer whose tokens carry exactly this `iss`.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            settings: Settings {
                issuer: Some(issuer.into()),
                ..Settings::default()
            },
        }
    }

    /// Adds a key source (more than one is refused at build, naming both).
    fn key(mut self, input: KeyInput, setting: &'static str) -> Self {
        self.settings.keys.push((input, setting));
        self
    }

    /// Verifies this issuer's tokens with an HMAC secret of at least 32 bytes (HS256
    /// unless [`algorithms`](Self::algorithms) says otherwise).
    pub fn hmac_secret(self, secret: impl Into<Vec<u8>>) -> Self {
        self.key(KeyInput::Secret(secret.into()), "hmac_secret")
    }

    /// Verifies this issuer's tokens with a PEM public key (see
    /// [`WardenBuilder::public_key_pem`](super::WardenBuilder::public_key_pem)).
    pub fn public_key_pem(self, pem: impl Into<Vec<u8>>) -> Self {
        self.key(KeyInput::Pem(pem.into()), "public_key_pem")
    }

    /// Like [`public_key_pem`](Self::public_key_pem), reading the key from a file at build time.
    pub fn public_key_file(self, path: impl AsRef<Path>) -> Self {
        self.key(KeyInput::PemFile(path.as_ref().to_owned()), "public_key_file")
    }

    /// Verifies this issuer's tokens with the keys of a JWKS document.
    pub fn jwks_json(self, document: impl Into<Vec<u8>>) -> Self {
        self.key(KeyInput::Jwks(document.into()), "jwks_json")
    }

    /// Like [`jwks_json`](Self::jwks_json), reading the document from a file at build time.
    pub fn jwks_file(self, path: impl AsRef<Path>) -> Self {
        self.key(KeyInput::JwksFile(path.as_ref().to_owned()), "jwks_file")
    }

    /// Verifies this issuer's tokens with the keys at `url`, fetched at run time (see
    /// [`WardenBuilder::jwks_url`](super::WardenBuilder::jwks_url); the refresh settings
    /// are the warden's).
    pub fn jwks_url(self, url: impl Into<String>) -> Self {
        self.key(KeyInput::JwksUrl(url.into()), "jwks_url")
    }

    /// Finds this issuer's keys through OpenID Connect discovery of its own issuer URL.
    /// The discovery document's `issuer` must equal it exactly, at startup and at every
    /// refresh (see [`WardenBuilder::oidc_issuer`](super::WardenBuilder::oidc_issuer)).
    pub fn oidc_discovery(self) -> Self {
        let issuer = self.settings.issuer.clone().unwrap_or_default();
        self.key(KeyInput::OidcIssuer(issuer), "oidc_discovery")
    }

    /// The algorithms accepted from this issuer (by default its keys' own).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.settings.set_algorithms(algorithms);
        self
    }

    /// Adds an audience accepted from this issuer. Without any, its tokens that carry
    /// `aud` are refused.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.settings.audiences.push(audience.into());
        self
    }

    /// Clock-skew allowance for this issuer's `exp` and `nbf` (default 60 s, at most 10 minutes).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.settings.leeway = Some(leeway);
        self
    }

    /// Dotted path of this issuer's roles claim (default `roles`). Replaces an earlier
    /// [`roles_from`](Self::roles_from).
    pub fn roles_claim(mut self, path: impl Into<String>) -> Self {
        self.settings.roles_claim = Some((path.into(), "roles_claim"));
        self.settings.roles_from = None;
        self
    }

    /// Reads this issuer's roles from the claims of `source`, such as a provider preset.
    /// Replaces an earlier [`roles_claim`](Self::roles_claim).
    pub fn roles_from(mut self, source: RoleSource) -> Self {
        self.settings.roles_from = Some(source);
        self.settings.roles_claim = None;
        self
    }

    /// Name of this issuer's scopes claim. By default `scope`, then `scp`.
    pub fn scopes_claim(mut self, name: impl Into<String>) -> Self {
        self.settings.scopes_claim = Some(name.into());
        self
    }
}

/// A setting name made at run time (`issuers[1].jwks_url`, `CUSTOMERS_WARDEN_JWKS_URL`),
/// as the `&'static str` every [`ConfigError`] carries. Each distinct name is kept once
/// for the life of the process, so configuring again (a test, a reload) adds nothing.
pub(super) fn intern(name: String) -> &'static str {
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.iter().find(|known| **known == name) {
        return known;
    }
    let name: &'static str = Box::leak(name.into_boxed_str());
    names.push(name);
    name
}
