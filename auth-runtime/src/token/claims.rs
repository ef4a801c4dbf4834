//! The claim rules of a verified token: time claims, issuer, audience, tenant, client,
//! the application's checks, subject, roles and scopes, turned into an [`Identity`].
//!
//! The time checks are [`TimeClaims::check`], which the verified-token cache runs again
//! on every hit, so a cached token is judged exactly as a fresh one.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::json::{self, ClaimRef, ClaimSet};
use super::jws::json_error;
use super::role_source::RoleSource;
use crate::error::TokenError;
use crate::identity::{Identity, IdentityBuilder, NameList};
use crate::roles::Resolved;

/// The claim checks of one verifier.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub(crate) issuer: Option<Arc<str>>,
    pub(crate) audiences: Vec<String>,
    pub(crate) leeway: u64,
    pub(crate) roles: RoleSource,
    /// Roles added to every identity for the roles it holds.
    pub(crate) hierarchy: Option<Arc<Resolved>>,
    pub(crate) scopes_claim: Option<String>,
    pub(crate) max_token_bytes: usize,
    /// Whether the header's `typ` must be `at+jwt` (checked by `jws::parse`).
    pub(crate) access_token_type: bool,
    /// Accepted `tid` values; empty: `tid` is not read.
    pub(crate) tenants: Vec<String>,
    /// Accepted `azp` / `client_id` values; empty: neither is read.
    pub(crate) client_ids: Vec<String>,
    /// The application's checks over the verified claims, all of which must hold.
    pub(crate) checks: Vec<ClaimsCheck>,
    /// Whether a token bound to a DPoP key (`cnf.jkt`) is refused: when the warden accepts
    /// no DPoP proofs, so such a token could only ever come as a bearer token.
    pub(crate) refuse_bound: bool,
    /// The most roles, and the most scopes, one token may carry. By default the size cap
    /// in bytes: every entry takes at least one byte of the token, so a token under the
    /// size cap is never refused for the number of its roles or scopes.
    pub(crate) max_claim_entries: usize,
}

impl Rules {
    /// Whether the rules read the top-level claim `name`: what [`validate_payload`] picks.
    /// Checks of the application and role mappers read every claim, so with either the
    /// whole map is built instead.
    fn reads(&self, name: &str) -> bool {
        match name {
            "iss" | "aud" | "exp" | "nbf" | "iat" | "sub" => true,
            "tid" if !self.tenants.is_empty() => true,
            "azp" | "client_id" if !self.client_ids.is_empty() => true,
            "cnf" if self.refuse_bound => true,
            _ => {
                let scopes = match &self.scopes_claim {
                    Some(claim) => claim == name,
                    None => name == "scope" || name == "scp",
                };
                scopes || self.roles.paths().iter().any(|path| path.first() == name)
            }
        }
    }

    /// Whether the rules need every claim parsed: the application's checks and role
    /// mappers take the whole map.
    fn need_map(&self) -> bool {
        !self.checks.is_empty() || !self.roles.mappers().is_empty()
    }
}

/// Applies the claim rules to the verified payload of a JWS (its decoded bytes): the
/// identity, and the time claims the verified-token cache checks again on every hit.
///
/// The claims the rules read are picked from the text; the identity keeps the text and
/// builds the map of every claim only when it is asked for. A payload is refused exactly
/// when [`json::parse_object`] refuses it, with the same error.
pub(crate) fn validate_payload(
    payload: Vec<u8>,
    rules: &Rules,
    now: u64,
) -> Result<(Identity, TimeClaims), TokenError> {
    if rules.need_map() {
        let claims = json::parse_object(&payload).map_err(json_error)?;
        return validate(claims, rules, now);
    }
    let text = String::from_utf8(payload).map_err(|_| TokenError::Malformed)?;
    let mut picked = json::pick(&text, |name| rules.reads(name)).map_err(json_error)?;
    let time = TimeClaims::read(&picked)?;
    let identity = judge(&mut picked, None, rules, now, time)?;
    let values = picked.values;
    drop(picked);
    Ok((identity.claims_text(text, values).build(), time))
}

/// Applies the claim rules to verified claims: the identity, and the time claims the
/// verified-token cache checks again on every hit.
pub(crate) fn validate(
    claims: Map<String, Value>,
    rules: &Rules,
    now: u64,
) -> Result<(Identity, TimeClaims), TokenError> {
    let time = TimeClaims::read(&claims)?;
    validate_with_time(claims, rules, now, time)
}

/// [`validate`] with the time claims read already: an introspection response may lack
/// `exp` (RFC 7662 §2.2), which a JWT may not, and is otherwise judged exactly as the
/// claims of a JWT.
pub(crate) fn validate_with_time(
    claims: Map<String, Value>,
    rules: &Rules,
    now: u64,
    time: TimeClaims,
) -> Result<(Identity, TimeClaims), TokenError> {
    let identity = judge(&mut &claims, Some(&claims), rules, now, time)?;
    Ok((identity.claims(claims).build(), time))
}

/// The claim rules over `claims`, and the identity they make, without its claims.
/// `all` is the whole map, which the application's checks and role mappers take: without
/// it, a rule set that has either refuses the token rather than skip them.
fn judge<C: ClaimSet>(
    claims: &mut C,
    all: Option<&Map<String, Value>>,
    rules: &Rules,
    now: u64,
    time: TimeClaims,
) -> Result<IdentityBuilder, TokenError> {
    time.check(now, rules.leeway)?;
    let has_issuer = match (claims.get("iss").map(ClaimRef::as_str), &rules.issuer) {
        (Some(Some(iss)), Some(expected)) if iss == &**expected => true,
        (Some(Some(_)), None) => true,
        (None, None) => false,
        _ => return Err(TokenError::InvalidIssuer),
    };
    check_audience(claims.get("aud"), &rules.audiences)?;
    // Each check reads its claim only when configured, so an API without them pays
    // nothing for them.
    if !rules.tenants.is_empty() && !one_of(claims.get("tid"), &rules.tenants) {
        return Err(TokenError::InvalidTenant);
    }
    if !rules.client_ids.is_empty() {
        check_client(&*claims, &rules.client_ids)?;
    }
    if rules.refuse_bound && claims.get("cnf").and_then(|cnf| cnf.member("jkt")).is_some() {
        return Err(TokenError::BoundToKey);
    }
    if !rules.checks.is_empty() {
        let Some(all) = all else {
            return Err(TokenError::ClaimsRefused);
        };
        if !rules.checks.iter().all(|check| (check.0)(all)) {
            return Err(TokenError::ClaimsRefused);
        }
    }
    if claims.get("sub").is_some_and(|sub| !sub.is_string()) {
        return Err(TokenError::InvalidClaimType);
    }
    let max = rules.max_claim_entries;
    let mut roles = NameList::new();
    for path in rules.roles.paths() {
        if let Some(value) = path.lookup(&*claims) {
            add_roles(&mut roles, value, max)?;
        }
    }
    if !rules.roles.mappers().is_empty() {
        let Some(all) = all else {
            return Err(TokenError::InvalidRoles);
        };
        for map in rules.roles.mappers() {
            let mapped: Vec<Value> = map(all).into_iter().map(Value::String).collect();
            add_roles(&mut roles, ClaimRef::Json(&Value::Array(mapped)), max)?;
        }
    }
    let scopes = match &rules.scopes_claim {
        Some(name) => scopes(claims.get(name), max)?,
        None => match claims.get("scope") {
            Some(value) => scopes(Some(value), max)?,
            None => scopes(claims.get("scp"), max)?,
        },
    };
    // Checked to be strings above.
    let mut identity = Identity::builder(claims.owned_string("sub").unwrap_or_default()).scope_names(scopes);
    identity = match &rules.hierarchy {
        Some(hierarchy) => identity.roles(hierarchy.expand(roles.into_vec())),
        None => identity.role_names(roles),
    };
    // A configured issuer is shared by its identities: every token it verifies names it.
    match (&rules.issuer, has_issuer) {
        (Some(issuer), true) => identity = identity.shared_issuer(Arc::clone(issuer)),
        (None, true) => identity = identity.issuer(claims.owned_string("iss").unwrap_or_default()),
        (_, false) => {}
    }
    // `exp` is positive here (infinite only for an introspection answer without one,
    // whose identity then has no expiry); the cast saturates for absurd values.
    if time.exp.is_finite() {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let expires_at = time.exp.max(0.0) as u64;
        identity = identity.expires_at(expires_at);
    }
    Ok(identity)
}

/// A check of the application over verified claims
/// ([`WardenBuilder::check_claims`](crate::WardenBuilder::check_claims)).
#[derive(Clone)]
pub(crate) struct ClaimsCheck(pub(crate) Arc<ClaimsFn>);

/// The function of a [`ClaimsCheck`].
pub(crate) type ClaimsFn = dyn Fn(&Map<String, Value>) -> bool + Send + Sync;

impl fmt::Debug for ClaimsCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClaimsCheck(..)")
    }
}

/// Whether `value` is a string among `accepted`.
fn one_of(value: Option<ClaimRef<'_>>, accepted: &[String]) -> bool {
    value
        .and_then(ClaimRef::as_str)
        .is_some_and(|v| accepted.iter().any(|a| a == v))
}

/// The client the token was issued to: `azp` (OpenID Connect; Keycloak, Auth0, Entra ID
/// v2) or `client_id` (RFC 9068; Cognito, Auth0's RFC 9068 profile). At least one must be
/// present, and each present one must be an accepted client, so a token cannot pass on
/// one claim while the other names someone else.
fn check_client(claims: &impl ClaimSet, accepted: &[String]) -> Result<(), TokenError> {
    let (azp, client_id) = (claims.get("azp"), claims.get("client_id"));
    let fits = |value: Option<ClaimRef<'_>>| value.is_none() || one_of(value, accepted);
    if (azp.is_none() && client_id.is_none()) || !fits(azp) || !fits(client_id) {
        return Err(TokenError::InvalidClient);
    }
    Ok(())
}

/// The time claims of a token, read once: what [`validate`] checks and what the
/// verified-token cache keeps beside an identity to check again on every hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeClaims {
    /// `exp` as the token carried it (a NumericDate may be fractional).
    pub(crate) exp: f64,
    /// `nbf`, when the token has one.
    pub(crate) nbf: Option<f64>,
}

impl TimeClaims {
    /// Reads `exp` (required), `nbf` and `iat` (each a NumericDate when present).
    pub(crate) fn read(claims: &impl ClaimSet) -> Result<Self, TokenError> {
        let exp = match claims.get("exp") {
            None => return Err(TokenError::MissingExpiry),
            Some(v) => numeric_date(v)?,
        };
        let nbf = claims.get("nbf").map(numeric_date).transpose()?;
        if let Some(iat) = claims.get("iat") {
            numeric_date(iat)?;
        }
        Ok(Self { exp, nbf })
    }

    /// Like [`read`](Self::read), with `exp` optional: an introspection answer without
    /// one has an infinite `exp` (the server vouches for the token without an end).
    #[cfg(feature = "introspection")]
    pub(crate) fn read_optional_exp(claims: &Map<String, Value>) -> Result<Self, TokenError> {
        if claims.contains_key("exp") {
            return Self::read(claims);
        }
        let nbf = claims
            .get("nbf")
            .map(|nbf| numeric_date(ClaimRef::Json(nbf)))
            .transpose()?;
        if let Some(iat) = claims.get("iat") {
            numeric_date(ClaimRef::Json(iat))?;
        }
        Ok(Self {
            exp: f64::INFINITY,
            nbf,
        })
    }

    /// Whether the token is valid at `now` (seconds since the Unix epoch) with `leeway`
    /// seconds of clock skew either way.
    pub(crate) fn check(&self, now: u64, leeway: u64) -> Result<(), TokenError> {
        #[allow(clippy::cast_precision_loss)]
        let (now, leeway) = (now as f64, leeway as f64);
        if self.exp + leeway <= now {
            return Err(TokenError::Expired);
        }
        if self.nbf.is_some_and(|nbf| nbf > now + leeway) {
            return Err(TokenError::NotYetValid);
        }
        Ok(())
    }
}

/// A NumericDate (RFC 7519 §2): a JSON number, possibly fractional, never a string.
fn numeric_date(value: ClaimRef<'_>) -> Result<f64, TokenError> {
    value
        .as_f64()
        .filter(|v| v.is_finite())
        .ok_or(TokenError::InvalidClaimType)
}

fn check_audience(aud: Option<ClaimRef<'_>>, configured: &[String]) -> Result<(), TokenError> {
    let accepted = |a: &str| configured.iter().any(|c| c == a);
    let aud = match aud {
        // No audience configured: a token addressed to someone must not be accepted by
        // a service that does not know who it is (RFC 7519 §4.1.3).
        Some(_) if configured.is_empty() => return Err(TokenError::InvalidAudience),
        None if configured.is_empty() => return Ok(()),
        None => return Err(TokenError::InvalidAudience),
        Some(aud) => aud,
    };
    if let Some(a) = aud.as_str() {
        return if accepted(a) {
            Ok(())
        } else {
            Err(TokenError::InvalidAudience)
        };
    }
    let items = aud.items().ok_or(TokenError::InvalidAudience)?;
    let mut found = false;
    for item in items {
        let a = item.ok_or(TokenError::InvalidAudience)?;
        found |= accepted(a);
    }
    if found {
        Ok(())
    } else {
        Err(TokenError::InvalidAudience)
    }
}

/// Above this many roles, duplicates are found through a hash set instead of a scan, so
/// a token with two thousand roles (the most an 8 KiB token holds) costs linear time.
const LINEAR_DEDUP_LIMIT: usize = 32;

/// Adds the roles of one roles claim: an array of strings, or one string that is one
/// role; `max` roles in all. The length is checked before anything is copied.
///
/// A string is one role, never split at spaces: a provider that allows spaces in role
/// names (Keycloak does) would otherwise turn `Sales Manager` into the roles `Sales` and
/// `Manager`. Route role names cannot contain a space, so such a role grants nothing.
fn add_roles(roles: &mut NameList, value: ClaimRef<'_>, max: usize) -> Result<(), TokenError> {
    let items = value.string_or_items().ok_or(TokenError::InvalidRoles)?;
    if items.len() > max.saturating_sub(roles.len()) {
        return Err(TokenError::TooManyRoles);
    }
    let linear = roles.len() + items.len() <= LINEAR_DEDUP_LIMIT;
    let names = items.map(|item| item.ok_or(TokenError::InvalidRoles));
    if linear {
        for role in names {
            let role = role?;
            if !roles.contains(role) {
                roles.push(role);
            }
        }
        return Ok(());
    }
    let mut seen: std::collections::HashSet<String> = roles.iter().map(str::to_owned).collect();
    for role in names {
        let role = role?;
        if !seen.contains(role) {
            seen.insert(role.to_owned());
            roles.push(role);
        }
    }
    Ok(())
}

/// The scopes claim: a space-delimited string or an array of strings, at most `max` scopes.
fn scopes(value: Option<ClaimRef<'_>>, max: usize) -> Result<NameList, TokenError> {
    let mut list = NameList::new();
    let Some(value) = value else {
        return Ok(list);
    };
    if let Some(s) = value.as_str() {
        let scopes = s.split(' ').filter(|s| !s.is_empty());
        if scopes.clone().nth(max).is_some() {
            return Err(TokenError::TooManyScopes);
        }
        scopes.for_each(|scope| list.push(scope));
        return Ok(list);
    }
    let items = value.items().ok_or(TokenError::InvalidScopes)?;
    if items.len() > max {
        return Err(TokenError::TooManyScopes);
    }
    for item in items {
        list.push(item.ok_or(TokenError::InvalidScopes)?);
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn rules() -> Rules {
        Rules {
            refuse_bound: true,
            issuer: Some(Arc::from("iss")),
            audiences: vec!["api".into()],
            leeway: 60,
            roles: RoleSource::keycloak_realm(),
            hierarchy: None,
            scopes_claim: None,
            max_token_bytes: 8192,
            access_token_type: false,
            tenants: Vec::new(),
            client_ids: Vec::new(),
            checks: Vec::new(),
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
        .expect("valid")
        .0;
        assert_eq!(id.roles(), ["a", "b"]);
        assert_eq!(id.scopes(), ["s1", "s2"]);
        let id = validate(
            claims(json!({"exp": 2000, "iss": "iss", "aud": "api", "scp": ["s"]})),
            &rules(),
            1000,
        )
        .expect("valid")
        .0;
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
            check(json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": 1}})),
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
            validate(claims, &rules(), 1000).map(|(id, _)| (id.roles().len(), id.scopes().len()))
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
    fn tenant_client_and_application_checks() {
        let mut rules = rules();
        rules.tenants = vec!["t1".into(), "t2".into()];
        rules.client_ids = vec!["web".into()];
        rules.checks = vec![ClaimsCheck(Arc::new(|c| c.get("blocked").is_none()))];
        let check = |extra: Value| {
            let mut claims = claims(json!({"exp": 2000, "iss": "iss", "aud": "api"}));
            claims.extend(extra.as_object().cloned().expect("object"));
            validate(claims, &rules, 1000).err()
        };
        use TokenError::{ClaimsRefused, InvalidClient, InvalidTenant};
        let cases = [
            (json!({"tid": "t2", "azp": "web"}), None),
            (json!({"tid": "t1", "client_id": "web"}), None),
            (json!({"tid": "t1", "azp": "web", "client_id": "web"}), None),
            (json!({"azp": "web"}), Some(InvalidTenant)),
            (json!({"tid": "t3", "azp": "web"}), Some(InvalidTenant)),
            (json!({"tid": ["t1"], "azp": "web"}), Some(InvalidTenant)),
            (json!({"tid": "T1", "azp": "web"}), Some(InvalidTenant)),
            (json!({"tid": "t1"}), Some(InvalidClient)),
            (json!({"tid": "t1", "azp": "cli"}), Some(InvalidClient)),
            (
                json!({"tid": "t1", "azp": "web", "client_id": "cli"}),
                Some(InvalidClient),
            ),
            (json!({"tid": "t1", "azp": 1}), Some(InvalidClient)),
            (json!({"tid": "t1", "azp": "web", "blocked": true}), Some(ClaimsRefused)),
        ];
        for (extra, expected) in cases {
            assert_eq!(check(extra.clone()), expected, "{extra}");
        }
    }

    #[test]
    fn a_string_is_one_role_never_split() {
        let roles = |value: Value| {
            let claims = claims(json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": value}}));
            validate(claims, &rules(), 1000).map(|(id, _)| id.roles().to_vec())
        };
        assert_eq!(roles(json!("admin")), Ok(vec!["admin".to_owned()]));
        assert_eq!(roles(json!("Sales Manager")), Ok(vec!["Sales Manager".to_owned()]));
    }

    #[test]
    fn long_role_lists_keep_the_first_of_each_name() {
        let mut rules = rules();
        rules.max_claim_entries = 8192;
        let mut names: Vec<String> = (0..2000).map(|i| format!("r{i}")).collect();
        names.extend(["r0".to_owned(), "r1999".to_owned()]);
        let claims = claims(json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": names}}));
        let id = validate(claims, &rules, 1000).expect("valid").0;
        assert_eq!(id.roles().len(), 2000);
        assert_eq!(id.roles()[0], "r0");
        assert_eq!(id.roles()[1999], "r1999");
    }

    #[test]
    fn claim_paths_reject_empty_segments() {
        use super::super::role_source::ClaimPath;
        assert!(ClaimPath::parse("a..b").is_none());
        assert!(ClaimPath::parse("").is_none());
        assert!(ClaimPath::parse("roles").is_some());
    }

    /// What an identity shows of the rules' work, for comparing the two paths.
    fn seen(outcome: Result<(Identity, TimeClaims), TokenError>) -> Result<impl PartialEq + fmt::Debug, TokenError> {
        outcome.map(|(id, time)| {
            let shown = (
                id.subject().to_owned(),
                id.issuer().map(str::to_owned),
                id.roles().to_vec(),
                id.scopes().to_vec(),
                id.expires_at(),
                id.claims().clone(),
                id.claim_values().unwrap_or_else(|| json::count_values(id.claims())),
            );
            (shown, time)
        })
    }

    /// The rule sets both paths are compared under: the defaults of these tests, one that
    /// reads tenants, clients, `scp` and two role claims, and one without issuer,
    /// audience or the bound-token check.
    fn rule_sets() -> [Rules; 3] {
        let mut tenants = rules();
        tenants.tenants = vec!["t1".into()];
        tenants.client_ids = vec!["web".into()];
        tenants.scopes_claim = Some("scp".into());
        tenants.roles = RoleSource::claim("roles")
            .expect("a path")
            .and(RoleSource::keycloak_realm());
        let mut unbound = rules();
        unbound.refuse_bound = false;
        unbound.issuer = None;
        unbound.audiences = Vec::new();
        [rules(), tenants, unbound]
    }

    /// `validate_payload` over `text` gives what `validate` gives over its map, or the
    /// map's own error when there is none.
    fn judged_alike(text: &str, rules: &Rules) -> Result<(), String> {
        let picked = seen(validate_payload(text.as_bytes().to_vec(), rules, 1000));
        let mapped = match json::parse_object(text.as_bytes()) {
            Ok(map) => seen(validate(map, rules, 1000)),
            Err(error) => Err(json_error(error)),
        };
        if picked == mapped {
            Ok(())
        } else {
            Err(format!("{text}: picked {picked:?}, mapped {mapped:?}"))
        }
    }

    /// A claims set built from the claims the rules read, each with a value of a shape
    /// the rules accept or refuse: strings with and without escapes (`"\u0069ss"` is
    /// `iss`), numbers, arrays of strings, mixed and nested arrays, objects.
    fn claims_text() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("iss"),
            Just("aud"),
            Just("sub"),
            Just("exp"),
            Just("nbf"),
            Just("iat"),
            Just("tid"),
            Just("azp"),
            Just("client_id"),
            Just("scope"),
            Just("scp"),
            Just("roles"),
            Just("realm_access"),
            Just("cnf"),
            Just("jti"),
        ];
        let value = prop_oneof![
            Just(r#""iss""#),
            Just(r#""\u0069ss""#),
            Just(r#""api""#),
            Just(r#""ap\u0069""#),
            Just(r#""other""#),
            Just(r#""t1""#),
            Just(r#""web""#),
            Just(r#""a b""#),
            Just(r#""""#),
            Just(r#""r\"q""#),
            Just("2000"),
            Just("900"),
            Just("1500.5"),
            Just("-1"),
            Just("null"),
            Just("true"),
            Just(r#"["api"]"#),
            Just(r#"["other","api"]"#),
            Just(r#"["a","b","a"]"#),
            Just(r#"["\u0061","b"]"#),
            Just(r#"["a",1]"#),
            Just(r#"["api",1]"#),
            Just(r#"[1,"a"]"#),
            Just(r#"["a",["b"]]"#),
            Just(r#"["a",{"b":1,"b":2}]"#),
            Just("[]"),
            Just(r#"{"roles":["a","b"]}"#),
            Just(r#"{"roles":"r"}"#),
            Just(r#"{"jkt":"x"}"#),
            Just("{}"),
        ];
        // Mostly an issuer and audience the first rule set accepts, so that most cases
        // reach the role, scope and subject rules.
        let start = prop_oneof![
            3 => Just(r#""exp":2000,"iss":"iss","aud":"api","#),
            2 => Just(r#""exp":2000,"iss":"\u0069ss","aud":["other","ap\u0069"],"#),
            1 => Just(r#""exp":2000,"#),
            1 => Just(r#""exp":900,"iss":"iss","aud":"api","#),
            1 => Just(""),
        ];
        (start, proptest::collection::vec((name, value), 0..6)).prop_map(|(start, members)| {
            let members: Vec<String> = members.iter().map(|(n, v)| format!(r#""{n}":{v}"#)).collect();
            format!("{{{start}{}}}", members.join(",")).replace(",}", "}")
        })
    }

    proptest! {
        /// Claims picked from the text, strings and arrays of strings read borrowed, are
        /// judged exactly as the whole map: the same identity, or the same error.
        #[test]
        fn generated_claims_are_judged_as_the_whole_map(text in claims_text()) {
            for rules in &rule_sets() {
                prop_assert!(!rules.need_map());
                if let Err(difference) = judged_alike(&text, rules) {
                    return Err(TestCaseError::fail(difference));
                }
            }
        }
    }

    #[test]
    fn picked_claims_are_judged_as_the_whole_map() {
        let payloads = [
            json!({"exp": 2000, "iss": "iss", "aud": "api", "sub": "alice", "realm_access": {"roles": ["a", "b", "a"]}, "scope": "x y"}),
            json!({"exp": 2000.5, "iss": "iss", "aud": ["api", "other"], "jti": "j", "name": {"given": "A"}, "scp": ["x"]}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "tid": "t1", "azp": "web", "roles": "r", "scp": "s t", "realm_access": {"roles": ["k"]}}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "tid": "t2", "azp": "web"}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "tid": "t1", "client_id": "cli"}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "cnf": {"jkt": "x"}}),
            json!({"exp": 2000, "iss": "other", "aud": "api"}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "sub": 7}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": [1]}}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "realm_access": {"roles": ["a", "b", "c", "d"]}}),
            json!({"exp": 2000, "iss": "iss", "aud": "api", "scope": 3}),
            json!({"exp": 900, "iss": "iss", "aud": "api"}),
            json!({"exp": 2000, "nbf": 1500, "iss": "iss", "aud": "api"}),
            json!({"exp": "2000", "iss": "iss", "aud": "api"}),
            json!({"iss": "iss", "aud": "api"}),
            json!({"exp": 2000, "iat": "x", "iss": "iss", "aud": "api"}),
            json!({"exp": 2000}),
        ];
        for rules in rule_sets() {
            assert!(!rules.need_map());
            for payload in &payloads {
                judged_alike(&payload.to_string(), &rules).unwrap_or_else(|difference| panic!("{difference}"));
            }
        }
        // Text the map refuses is refused with the same error.
        for text in [
            &br#"{"exp":2000,"exp":2001}"#[..],
            br#"{"exp":2000,"x":{"a":1,"a":1}}"#,
            b"[]",
            b"{",
            b"{\"exp\":2000,\"x\":\"\xff\"}",
        ] {
            let mapped = json::parse_object(text).map_err(json_error).err();
            assert!(mapped.is_some(), "{text:?}");
            assert_eq!(
                validate_payload(text.to_vec(), &rules(), 1000).err(),
                mapped,
                "{text:?}"
            );
        }
    }

    #[test]
    fn checks_and_role_mappers_get_every_claim() {
        let mut checked = rules();
        checked.checks = vec![ClaimsCheck(Arc::new(|c| c.get("jti").is_some()))];
        let mut mapped = rules();
        mapped.roles = RoleSource::mapped(|c| {
            c.get("jti")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .into_iter()
                .collect()
        });
        for rules in [&checked, &mapped] {
            assert!(rules.need_map());
            let payload = br#"{"exp":2000,"iss":"iss","aud":"api","jti":"j"}"#.to_vec();
            assert!(validate_payload(payload, rules, 1000).is_ok());
        }
        let payload = br#"{"exp":2000,"iss":"iss","aud":"api"}"#.to_vec();
        assert_eq!(
            validate_payload(payload, &checked, 1000).err(),
            Some(TokenError::ClaimsRefused)
        );
        // Without the map, a rule set with checks or mappers refuses rather than skip them.
        let mut picked = json::pick(r#"{"exp":2000,"iss":"iss","aud":"api","jti":"j"}"#, |_| true).expect("valid");
        let time = TimeClaims::read(&picked).expect("time");
        assert_eq!(
            judge(&mut picked, None, &checked, 1000, time).err(),
            Some(TokenError::ClaimsRefused)
        );
        assert_eq!(
            judge(&mut picked, None, &mapped, 1000, time).err(),
            Some(TokenError::InvalidRoles)
        );
    }
}
