//! Verifying a compact JWS bearer token into an [`Identity`].
//!
//! The signature check itself is `jsonwebtoken`'s (through the verifiers bound in
//! [`keys`](crate::keys)); the parsing around it is strict where `jsonwebtoken::decode`
//! is lenient: duplicate member names, `crit`, non-object claims and mistyped registered
//! claims are refused, and the header is read once.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};

use crate::error::TokenError;
use crate::identity::Identity;
use crate::json::{JsonError, parse_header, parse_object};
use crate::keys::{KeySet, Lookup};
use crate::roles::{Resolved, RoleSource};

/// The claim checks of one [`Warden`](crate::Warden).
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub(crate) issuer: Option<String>,
    pub(crate) audiences: Vec<String>,
    pub(crate) leeway: u64,
    pub(crate) roles: RoleSource,
    /// Roles added to every identity for the roles it holds.
    pub(crate) hierarchy: Option<Arc<Resolved>>,
    pub(crate) scopes_claim: Option<String>,
    pub(crate) max_token_bytes: usize,
    /// The most roles, and the most scopes, one token may carry.
    pub(crate) max_claim_entries: usize,
}

/// A dotted path into the claims (`realm_access.roles`), split once at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimPath(Vec<String>);

impl ClaimPath {
    /// Splits `path` at dots; `None` when a segment is empty.
    pub(crate) fn parse(path: &str) -> Option<Self> {
        let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        segments.iter().all(|s| !s.is_empty()).then_some(Self(segments))
    }

    /// The segments, outermost first.
    #[cfg(feature = "test-util")]
    pub(crate) fn segments(&self) -> &[String] {
        &self.0
    }

    /// A path of these segments, taken as they are (a segment may contain dots).
    pub(crate) fn from_segments<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Self {
        Self(segments.into_iter().map(Into::into).collect())
    }

    fn lookup<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        let (first, rest) = self.0.split_first()?;
        rest.iter()
            .try_fold(claims.get(first)?, |value, segment| value.as_object()?.get(segment))
    }
}

impl std::fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// The parts of a token header the verifier reads.
pub(crate) struct Header {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
}

/// A token split and its header read, before any key is chosen.
pub(crate) struct Parsed<'t> {
    pub(crate) header: Header,
    message: &'t [u8],
    payload: &'t str,
    signature: &'t str,
}

/// Splits a compact JWS and reads its header.
///
/// `allowed` is every algorithm some configured key is bound to: an `alg` outside it
/// (`none` in any spelling, `HS256` against an RSA key …) is refused before any key is
/// looked up.
pub(crate) fn parse<'t>(token: &'t str, allowed: &[Algorithm], max_len: usize) -> Result<Parsed<'t>, TokenError> {
    if token.len() > max_len {
        return Err(TokenError::TooLarge);
    }
    let mut segments = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header_json = URL_SAFE_NO_PAD.decode(header).map_err(|_| TokenError::Malformed)?;
    let fields = parse_header(&header_json).map_err(json_error)?;
    if fields.crit {
        return Err(TokenError::CriticalHeader);
    }
    let alg = match fields.alg {
        Some(Ok(name)) => allowed
            .iter()
            .copied()
            .find(|a| algorithm_name(*a) == Some(&*name))
            .ok_or(TokenError::AlgorithmNotAllowed)?,
        _ => return Err(TokenError::AlgorithmNotAllowed),
    };
    let kid = match fields.kid {
        None => None,
        Some(Ok(kid)) => Some(kid.into_owned()),
        Some(Err(())) => return Err(TokenError::Malformed),
    };
    Ok(Parsed {
        header: Header { alg, kid },
        message: &token.as_bytes()[..header.len() + 1 + payload.len()],
        payload,
        signature,
    })
}

/// The JOSE name of an algorithm, compared exactly (`hs256` and `HS256 ` are not `HS256`).
pub(crate) const fn algorithm_name(alg: Algorithm) -> Option<&'static str> {
    Some(match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
        _ => return None,
    })
}

fn json_error(e: JsonError) -> TokenError {
    match e {
        JsonError::Syntax => TokenError::Malformed,
        JsonError::DuplicateMember => TokenError::DuplicateMember,
        JsonError::NotAnObject => TokenError::ClaimsNotAnObject,
    }
}

impl Parsed<'_> {
    /// Checks the signature with the key the header selects, then the claims.
    pub(crate) fn verify(&self, keys: &KeySet, rules: &Rules, now: u64) -> Result<Identity, TokenError> {
        let key = match keys.select(self.header.kid.as_deref(), self.header.alg) {
            Lookup::Found(key) => key,
            Lookup::UnknownKid | Lookup::NoMatch => return Err(TokenError::UnknownKey),
        };
        let signature = URL_SAFE_NO_PAD
            .decode(self.signature)
            .map_err(|_| TokenError::Malformed)?;
        if !key.verify(self.message, signature) {
            return Err(TokenError::BadSignature);
        }
        let payload = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| TokenError::Malformed)?;
        let claims = parse_object(&payload).map_err(json_error)?;
        validate(claims, rules, now)
    }
}

/// Applies the claim rules to verified claims.
pub(crate) fn validate(claims: Map<String, Value>, rules: &Rules, now: u64) -> Result<Identity, TokenError> {
    let leeway = rules.leeway as f64;
    let now = now as f64;
    let exp = match claims.get("exp") {
        None => return Err(TokenError::MissingExpiry),
        Some(v) => numeric_date(v)?,
    };
    if exp + leeway <= now {
        return Err(TokenError::Expired);
    }
    if let Some(nbf) = claims.get("nbf")
        && numeric_date(nbf)? > now + leeway
    {
        return Err(TokenError::NotYetValid);
    }
    if let Some(iat) = claims.get("iat") {
        numeric_date(iat)?;
    }
    let issuer = match (claims.get("iss"), &rules.issuer) {
        (Some(Value::String(iss)), Some(expected)) if iss == expected => Some(iss.clone()),
        (Some(Value::String(iss)), None) => Some(iss.clone()),
        (None, None) => None,
        _ => return Err(TokenError::InvalidIssuer),
    };
    check_audience(claims.get("aud"), &rules.audiences)?;
    let subject = match claims.get("sub") {
        None => String::new(),
        Some(Value::String(sub)) => sub.clone(),
        Some(_) => return Err(TokenError::InvalidClaimType),
    };
    let max = rules.max_claim_entries;
    let mut roles = Vec::new();
    for path in rules.roles.paths() {
        if let Some(value) = path.lookup(&claims) {
            add_roles(&mut roles, value, max)?;
        }
    }
    if let Some(hierarchy) = &rules.hierarchy {
        roles = hierarchy.expand(roles);
    }
    let scopes = match &rules.scopes_claim {
        Some(name) => scopes(claims.get(name), max)?,
        None => match claims.get("scope") {
            Some(value) => scopes(Some(value), max)?,
            None => scopes(claims.get("scp"), max)?,
        },
    };
    let mut identity = Identity::builder(subject).roles(roles).scopes(scopes);
    if let Some(issuer) = issuer {
        identity = identity.issuer(issuer);
    }
    // `exp` is finite and positive here; the cast saturates for absurd values.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let expires_at = exp.max(0.0) as u64;
    Ok(identity.expires_at(expires_at).claims(claims).build())
}

/// A NumericDate (RFC 7519 §2): a JSON number, possibly fractional, never a string.
fn numeric_date(value: &Value) -> Result<f64, TokenError> {
    value
        .as_f64()
        .filter(|v| v.is_finite())
        .ok_or(TokenError::InvalidClaimType)
}

fn check_audience(aud: Option<&Value>, configured: &[String]) -> Result<(), TokenError> {
    let accepted = |a: &str| configured.iter().any(|c| c == a);
    match aud {
        // No audience configured: a token addressed to someone must not be accepted by
        // a service that does not know who it is (RFC 7519 §4.1.3).
        Some(_) if configured.is_empty() => Err(TokenError::InvalidAudience),
        None if configured.is_empty() => Ok(()),
        Some(Value::String(a)) if accepted(a) => Ok(()),
        Some(Value::Array(items)) => {
            let mut found = false;
            for item in items {
                let Value::String(a) = item else {
                    return Err(TokenError::InvalidAudience);
                };
                found |= accepted(a);
            }
            if found {
                Ok(())
            } else {
                Err(TokenError::InvalidAudience)
            }
        }
        _ => Err(TokenError::InvalidAudience),
    }
}

fn string_array(items: &[Value]) -> Option<Vec<String>> {
    items.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Adds the roles of one roles claim: an array of at most `max` strings, `max` in all.
/// The length is checked before anything is copied.
fn add_roles(roles: &mut Vec<String>, value: &Value, max: usize) -> Result<(), TokenError> {
    let Value::Array(items) = value else {
        return Err(TokenError::InvalidRoles);
    };
    if items.len() > max.saturating_sub(roles.len()) {
        return Err(TokenError::TooManyRoles);
    }
    for item in items {
        let role = item.as_str().ok_or(TokenError::InvalidRoles)?;
        if !roles.iter().any(|r| r == role) {
            roles.push(role.to_owned());
        }
    }
    Ok(())
}

/// The scopes claim: a space-delimited string or an array of strings, at most `max` scopes.
fn scopes(value: Option<&Value>, max: usize) -> Result<Vec<String>, TokenError> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => {
            let scopes = s.split(' ').filter(|s| !s.is_empty());
            if scopes.clone().nth(max).is_some() {
                return Err(TokenError::TooManyScopes);
            }
            Ok(scopes.map(str::to_owned).collect())
        }
        Some(Value::Array(items)) if items.len() > max => Err(TokenError::TooManyScopes),
        Some(Value::Array(items)) => string_array(items).ok_or(TokenError::InvalidScopes),
        Some(_) => Err(TokenError::InvalidScopes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> Rules {
        Rules {
            issuer: Some("iss".into()),
            audiences: vec!["api".into()],
            leeway: 60,
            roles: RoleSource::keycloak_realm(),
            hierarchy: None,
            scopes_claim: None,
            max_token_bytes: 8192,
            max_claim_entries: 3,
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn reads_nested_roles_and_both_scope_shapes() {
        let id = validate(
            claims(json!({"exp": 2000, "iss": "iss", "aud": ["x", "api"], "sub": "u",
                          "realm_access": {"roles": ["a", "b"]}, "scope": "s1  s2"})),
            &rules(),
            1000,
        )
        .expect("valid");
        assert_eq!(id.roles(), ["a", "b"]);
        assert_eq!(id.scopes(), ["s1", "s2"]);
        let id = validate(
            claims(json!({"exp": 2000, "iss": "iss", "aud": "api", "scp": ["s"]})),
            &rules(),
            1000,
        )
        .expect("valid");
        assert_eq!(id.scopes(), ["s"]);
        assert_eq!(id.subject(), "");
    }

    #[test]
    fn time_claims_respect_the_leeway() {
        let at = |exp: i64, now: u64| validate(claims(json!({"exp": exp, "iss": "iss", "aud": "api"})), &rules(), now);
        assert!(at(1000, 1059).is_ok());
        assert_eq!(at(1000, 1060).err(), Some(TokenError::Expired));
        let nbf = |nbf: i64| {
            validate(
                claims(json!({"exp": 5000, "nbf": nbf, "iss": "iss", "aud": "api"})),
                &rules(),
                1000,
            )
        };
        assert!(nbf(1060).is_ok());
        assert_eq!(nbf(1061).err(), Some(TokenError::NotYetValid));
    }

    #[test]
    fn mistyped_claims_are_refused() {
        let check = |v: Value| validate(claims(v), &rules(), 1000).err();
        assert_eq!(
            check(json!({"iss": "iss", "aud": "api"})),
            Some(TokenError::MissingExpiry)
        );
        assert_eq!(
            check(json!({"exp": "2000", "iss": "iss", "aud": "api"})),
            Some(TokenError::InvalidClaimType)
        );
        assert_eq!(
            check(json!({"exp": 2000, "nbf": "1", "iss": "iss", "aud": "api"})),
            Some(TokenError::InvalidClaimType)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": ["iss"], "aud": "api"})),
            Some(TokenError::InvalidIssuer)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": "iss", "aud": 1})),
            Some(TokenError::InvalidAudience)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": "iss", "aud": ["api", 1]})),
            Some(TokenError::InvalidAudience)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": "iss", "aud": "api", "sub": 7})),
            Some(TokenError::InvalidClaimType)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": "admin"}})),
            Some(TokenError::InvalidRoles)
        );
        assert_eq!(
            check(json!({"exp": 2000, "iss": "iss", "aud": "api", "scope": 5})),
            Some(TokenError::InvalidScopes)
        );
    }

    #[test]
    fn roles_and_scopes_are_capped() {
        let check = |extra: Value| {
            let mut claims = claims(json!({"exp": 2000, "iss": "iss", "aud": "api"}));
            claims.extend(extra.as_object().cloned().expect("object"));
            validate(claims, &rules(), 1000).map(|id| (id.roles().len(), id.scopes().len()))
        };
        // `rules()` allows 3 of each.
        assert_eq!(
            check(json!({"realm_access": {"roles": ["a", "b", "c"]}, "scope": " x  y z "})),
            Ok((3, 3))
        );
        assert_eq!(
            check(json!({"realm_access": {"roles": ["a", "b", "c", "d"]}})),
            Err(TokenError::TooManyRoles)
        );
        // The length is checked before the entries' types.
        assert_eq!(
            check(json!({"realm_access": {"roles": [1, 2, 3, 4]}})),
            Err(TokenError::TooManyRoles)
        );
        assert_eq!(check(json!({"scope": "a b c d"})), Err(TokenError::TooManyScopes));
        assert_eq!(
            check(json!({"scp": ["a", "b", "c", "d"]})),
            Err(TokenError::TooManyScopes)
        );
        assert_eq!(check(json!({"scp": ["a", 1]})), Err(TokenError::InvalidScopes));
    }

    #[test]
    fn claim_paths_reject_empty_segments() {
        assert!(ClaimPath::parse("a..b").is_none());
        assert!(ClaimPath::parse("").is_none());
        assert!(ClaimPath::parse("roles").is_some());
    }
}
