//! OpenID Connect Back-Channel Logout 1.0 (§2.4, §2.6): a provider's logout token,
//! verified with the keys of the issuer it names, like any of that issuer's tokens, and
//! read into the revocation it asks for.

use serde_json::{Map, Value};

use super::clock::unix_now;
use super::revocation::Revocation;
use super::{Verifier, parse};
use crate::key_source::UnknownKid;
use crate::token::jws;

/// The member of `events` that makes a JWT a logout token.
pub(crate) const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Why a logout token was refused. The text goes into the `error_description` of the 400
/// answer: it names the rule, never a value of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LogoutTokenError {
    /// The token does not verify as a token of a trusted issuer: malformed, an algorithm
    /// or key not accepted, a bad signature, an unknown issuer.
    #[error("the logout token does not verify: {0}")]
    Unverified(crate::error::TokenError),
    /// The issuer's keys could not be fetched; the provider may send the token again.
    #[error("the issuer's keys are unavailable")]
    KeysUnavailable,
    /// The header's `typ` is neither `logout+jwt` nor `JWT` (an access token, say).
    #[error("the token is not typed as a logout token (typ logout+jwt)")]
    WrongType,
    /// `iss` is missing or not the trusted issuer whose keys verified the token.
    #[error("the logout token's issuer is not accepted")]
    Issuer,
    /// `aud` does not name a client configured for back-channel logout.
    #[error("the logout token is not addressed to a configured client")]
    Audience,
    /// `iat` or `exp` is missing or not a number, `exp` has passed or `iat` lies in the
    /// future (each beyond the leeway).
    #[error("the logout token's iat or exp is missing or out of range")]
    Time,
    /// `jti` is missing or not a string.
    #[error("the logout token has no jti")]
    Jti,
    /// `events` lacks the back-channel logout event, or its value is not an object.
    #[error("the logout token has no back-channel logout event")]
    Event,
    /// The token carries `nonce`, which a logout token must not (it would make an ID
    /// token usable as one).
    #[error("the logout token carries a nonce")]
    Nonce,
    /// Neither `sid` nor `sub` is a string: nothing says what to log out.
    #[error("the logout token names neither a session nor a subject")]
    NoSubject,
    /// This warden accepts no logout tokens: no client is configured for back-channel
    /// logout.
    #[error("this service accepts no logout tokens")]
    NotAccepted,
}

impl Verifier {
    /// Verifies `token` as a logout token addressed to one of `audiences` and returns the
    /// revocation it asks for: its session (`sid`) when it names one, else every token of
    /// its subject issued until now; limited to its issuer either way.
    pub(crate) async fn verify_logout_token(
        &self,
        token: &str,
        audiences: &[String],
    ) -> Result<Revocation, LogoutTokenError> {
        let (_, trusted, decoded) = self.issuer(token).map_err(unverified)?;
        let parsed = parse_logout(trusted, token)?.with_decoded(decoded);
        let keys = match trusted
            .keys
            .keys_now(parsed.header.kid.as_deref(), parsed.header.alg, UnknownKid::Defer)
        {
            Some(keys) => keys,
            None => {
                trusted
                    .keys
                    .keys_waiting(parsed.header.kid.as_deref(), parsed.header.alg)
                    .await
            }
        }
        .map_err(unverified)?;
        let claims = parsed
            .verify_signature(keys.set())
            .map_err(LogoutTokenError::Unverified)?;
        let revocation = read(
            &claims,
            trusted.rules.issuer.as_deref(),
            audiences,
            trusted.rules.leeway,
            unix_now(),
        )?;
        Ok(revocation)
    }
}

fn unverified(error: crate::error::AuthError) -> LogoutTokenError {
    match error {
        crate::error::AuthError::InvalidToken(reason) => LogoutTokenError::Unverified(reason),
        _ => LogoutTokenError::KeysUnavailable,
    }
}

/// The logout token's header read under the issuer's algorithms and size cap, its `typ`
/// checked.
fn parse_logout<'t>(trusted: &super::Trusted, token: &'t str) -> Result<jws::Parsed<'t>, LogoutTokenError> {
    let parsed = match parse(trusted, token) {
        Ok(parsed) => parsed,
        // The issuer's access-token type rule is not a logout token's: read it without.
        Err(crate::error::AuthError::InvalidToken(crate::error::TokenError::NotAnAccessToken)) => {
            let expect = jws::Expect {
                algorithms: trusted.algorithms(),
                max_len: trusted.rules().max_token_bytes,
                access_token_type: false,
            };
            jws::parse(token, &expect).map_err(LogoutTokenError::Unverified)?
        }
        Err(error) => return Err(unverified(error)),
    };
    if let Some(typ) = jws::header_type(token)
        && !is_logout_type(&typ)
    {
        return Err(LogoutTokenError::WrongType);
    }
    Ok(parsed)
}

/// `logout+jwt` (RFC 8725 §3.11 explicit typing, as §2.4 recommends) or the generic `JWT`
/// of providers that do not type them, each with or without `application/`, in any case.
fn is_logout_type(typ: &str) -> bool {
    let typ = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    };
    typ.eq_ignore_ascii_case("logout+jwt") || typ.eq_ignore_ascii_case("jwt")
}

/// Applies §2.6's checks to verified claims and reads the revocation.
pub(crate) fn read(
    claims: &Map<String, Value>,
    issuer: Option<&str>,
    audiences: &[String],
    leeway: u64,
    now: u64,
) -> Result<Revocation, LogoutTokenError> {
    let iss = match (claims.get("iss"), issuer) {
        (Some(Value::String(iss)), Some(expected)) if iss == expected => iss,
        (Some(Value::String(iss)), None) => iss,
        _ => return Err(LogoutTokenError::Issuer),
    };
    let addressed = match claims.get("aud") {
        Some(Value::String(aud)) => audiences.contains(aud),
        Some(Value::Array(items)) => items
            .iter()
            .any(|item| item.as_str().is_some_and(|aud| audiences.iter().any(|a| a == aud))),
        _ => false,
    };
    if !addressed {
        return Err(LogoutTokenError::Audience);
    }
    #[allow(clippy::cast_precision_loss)]
    let (now_f, leeway_f) = (now as f64, leeway as f64);
    let time = |name: &str| claims.get(name).and_then(Value::as_f64).filter(|t| t.is_finite());
    match (time("iat"), time("exp")) {
        (Some(iat), Some(exp)) if iat <= now_f + leeway_f && exp + leeway_f > now_f => {}
        _ => return Err(LogoutTokenError::Time),
    }
    if !matches!(claims.get("jti"), Some(Value::String(_))) {
        return Err(LogoutTokenError::Jti);
    }
    match claims.get("events") {
        Some(Value::Object(events)) if matches!(events.get(LOGOUT_EVENT), Some(Value::Object(_))) => {}
        _ => return Err(LogoutTokenError::Event),
    }
    if claims.contains_key("nonce") {
        return Err(LogoutTokenError::Nonce);
    }
    let text = |name: &str| match claims.get(name) {
        Some(Value::String(value)) if !value.is_empty() => Some(value.as_str()),
        _ => None,
    };
    let revocation = match (text("sid"), text("sub")) {
        (Some(sid), _) => Revocation::session(sid),
        (None, Some(sub)) => Revocation::subject(sub),
        (None, None) => return Err(LogoutTokenError::NoSubject),
    };
    Ok(revocation.issued_by(iss.as_str()))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{LOGOUT_EVENT, LogoutTokenError, is_logout_type, read};
    use crate::verifier::revocation::RevocationKind;

    const NOW: u64 = 1_800_000_000;

    fn claims(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> serde_json::Map<String, Value> {
        let Value::Object(mut claims) = json!({
            "iss": "https://op.example", "aud": "rp", "iat": NOW, "exp": NOW + 120, "jti": "j-1",
            "sid": "s-1", "sub": "alice", "events": { LOGOUT_EVENT: {} },
        }) else {
            unreachable!("an object literal")
        };
        edit(&mut claims);
        claims
    }

    fn check(claims: &serde_json::Map<String, Value>) -> Result<crate::Revocation, LogoutTokenError> {
        read(claims, Some("https://op.example"), &["rp".to_owned()], 60, NOW)
    }

    #[test]
    fn a_session_is_revoked_when_named_else_the_subject() {
        let session = check(&claims(|_| {})).expect("valid");
        assert_eq!(
            (session.kind(), session.value(), session.issuer()),
            (RevocationKind::Session, "s-1", Some("https://op.example"))
        );
        let subject = check(&claims(|c| {
            c.remove("sid");
        }))
        .expect("valid");
        assert_eq!((subject.kind(), subject.value()), (RevocationKind::Subject, "alice"));
    }

    #[test]
    fn each_rule_of_the_specification_refuses_on_its_own() {
        type Edit = fn(&mut serde_json::Map<String, Value>);
        let cases: [(Edit, LogoutTokenError); 16] = [
            (
                |c| drop(c.insert("iss".into(), json!("https://other.example"))),
                LogoutTokenError::Issuer,
            ),
            (|c| drop(c.remove("iss")), LogoutTokenError::Issuer),
            (
                |c| drop(c.insert("aud".into(), json!("other"))),
                LogoutTokenError::Audience,
            ),
            (
                |c| drop(c.insert("aud".into(), json!(["a", "b"]))),
                LogoutTokenError::Audience,
            ),
            (|c| drop(c.remove("aud")), LogoutTokenError::Audience),
            (|c| drop(c.remove("iat")), LogoutTokenError::Time),
            (|c| drop(c.remove("exp")), LogoutTokenError::Time),
            (
                |c| drop(c.insert("exp".into(), json!(NOW - 61))),
                LogoutTokenError::Time,
            ),
            (
                |c| drop(c.insert("iat".into(), json!(NOW + 61))),
                LogoutTokenError::Time,
            ),
            (
                |c| drop(c.insert("iat".into(), json!("1800000000"))),
                LogoutTokenError::Time,
            ),
            (|c| drop(c.remove("jti")), LogoutTokenError::Jti),
            (|c| drop(c.remove("events")), LogoutTokenError::Event),
            (
                |c| drop(c.insert("events".into(), json!({ LOGOUT_EVENT: "yes" }))),
                LogoutTokenError::Event,
            ),
            (|c| drop(c.insert("nonce".into(), json!("n"))), LogoutTokenError::Nonce),
            (
                |c| {
                    c.remove("sid");
                    c.remove("sub");
                },
                LogoutTokenError::NoSubject,
            ),
            (
                |c| {
                    c.insert("sid".into(), json!(7));
                    c.insert("sub".into(), json!(""));
                },
                LogoutTokenError::NoSubject,
            ),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            assert_eq!(check(&claims(edit)).map(|_| ()), Err(expected), "case {i}");
        }
        let in_a_list = claims(|c| drop(c.insert("aud".into(), json!(["x", "rp"]))));
        assert!(check(&in_a_list).is_ok(), "an audience array naming the client");
    }

    #[test]
    fn logout_types_are_matched_without_case() {
        for typ in ["logout+jwt", "application/logout+jwt", "Logout+JWT", "JWT", "jwt"] {
            assert!(is_logout_type(typ), "{typ}");
        }
        for typ in ["at+jwt", "secevent+jwt", "", "logout+jwt ", "application/at+jwt"] {
            assert!(!is_logout_type(typ), "{typ}");
        }
    }
}
