//! The answer of an OAuth 2.0 token introspection endpoint (RFC 7662 §2.2), read strictly.
//!
//! The answer decides whether a request is let in, so anything but a well-formed answer
//! is a failure of the server, never an allow and never a refusal of the token: a body
//! over the size cap, one that is not a JSON object (or repeats a member name), one
//! without a boolean `active` (the string `"true"` included), and an active answer whose
//! registered members have the wrong type. The caller answers those with 503, as when the
//! server cannot be reached, because a broken server says nothing about the token; a
//! 401 would tell a client with a good token to get another one, which cannot help.
//!
//! An active answer's members are the claims of the identity, judged by the same claim
//! rules as a JWT's (`token::claims`), with `exp` optional as RFC 7662 allows.

use serde_json::{Map, Value};

use super::claims::TimeClaims;
use super::json::{self, JsonError};
use crate::defaults::MAX_INTROSPECTION_RESPONSE_BYTES;

/// What an introspection endpoint said about a token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Introspected {
    /// `"active": false`: the token is expired, revoked, unknown or not for this server.
    Inactive,
    /// `"active": true`, with every member (the claims) and the time members read.
    Active(Map<String, Value>, TimeClaims),
}

/// Why an answer is not a well-formed introspection answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ResponseError {
    #[error("the answer is larger than {MAX_INTROSPECTION_RESPONSE_BYTES} bytes")]
    TooLarge,
    #[error("the answer is not JSON")]
    NotJson,
    #[error("the answer repeats a member name")]
    DuplicateMember,
    #[error("the answer is not a JSON object")]
    NotAnObject,
    #[error("the answer has no boolean `active`")]
    NoActive,
    #[error("the member `{0}` of an active answer has the wrong type")]
    WrongType(&'static str),
}

/// Whether a member's value has the type its name requires.
type Fits = fn(&Value) -> bool;

/// The registered members of an active answer (RFC 7662 §2.2) and the type each must have.
const MEMBERS: [(&str, Fits); 11] = [
    ("scope", Value::is_string),
    ("client_id", Value::is_string),
    ("username", Value::is_string),
    ("token_type", Value::is_string),
    ("sub", Value::is_string),
    ("iss", Value::is_string),
    ("jti", Value::is_string),
    ("exp", is_numeric_date),
    ("iat", is_numeric_date),
    ("nbf", is_numeric_date),
    ("aud", is_audience),
];

/// Reads an introspection answer's body.
pub(crate) fn parse(body: &[u8]) -> Result<Introspected, ResponseError> {
    if body.len() > MAX_INTROSPECTION_RESPONSE_BYTES {
        return Err(ResponseError::TooLarge);
    }
    let members = json::parse_object(body).map_err(|e| match e {
        JsonError::Syntax => ResponseError::NotJson,
        JsonError::DuplicateMember => ResponseError::DuplicateMember,
        JsonError::NotAnObject => ResponseError::NotAnObject,
    })?;
    match members.get("active") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => return Ok(Introspected::Inactive),
        _ => return Err(ResponseError::NoActive),
    }
    if let Some((name, _)) = MEMBERS
        .iter()
        .find(|(name, fits)| members.get(*name).is_some_and(|value| !fits(value)))
    {
        return Err(ResponseError::WrongType(name));
    }
    // The types are checked above, so this cannot fail; were it to, it is the server's.
    let time = TimeClaims::read_optional_exp(&members).map_err(|_| ResponseError::WrongType("exp"))?;
    Ok(Introspected::Active(members, time))
}

/// The `error` code of an OAuth error answer (RFC 6749 §5.2), when the body is one.
pub(crate) fn error_code(body: &[u8]) -> Option<&'static str> {
    /// The codes an introspection endpoint may answer with; others are not kept.
    const CODES: [&str; 4] = [
        "invalid_request",
        "invalid_client",
        "unauthorized_client",
        "unsupported_token_type",
    ];
    let members = json::parse_object(body).ok()?;
    let code = members.get("error")?.as_str()?;
    CODES.into_iter().find(|known| *known == code)
}

/// A NumericDate: a finite JSON number.
fn is_numeric_date(value: &Value) -> bool {
    value.as_f64().is_some_and(f64::is_finite)
}

/// A string, or an array of strings.
fn is_audience(value: &Value) -> bool {
    match value {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse_json(value: &Value) -> Result<Introspected, ResponseError> {
        parse(value.to_string().as_bytes())
    }

    #[test]
    fn an_active_answer_keeps_every_member() {
        let answer = json!({"active": true, "sub": "svc", "scope": "a b", "exp": 2_000_000_000, "roles": ["reader"]});
        let Ok(Introspected::Active(members, time)) = parse_json(&answer) else {
            panic!("active");
        };
        assert_eq!(Value::Object(members), answer);
        assert!((time.exp - 2e9).abs() < f64::EPSILON);
        assert_eq!(time.nbf, None);
    }

    #[test]
    fn an_answer_without_exp_has_no_end() {
        let Ok(Introspected::Active(_, time)) = parse_json(&json!({"active": true})) else {
            panic!("active");
        };
        assert!(time.exp.is_infinite());
    }

    #[test]
    fn inactive_is_inactive_whatever_else_it_says() {
        assert_eq!(parse(br#"{"active":false}"#), Ok(Introspected::Inactive));
        assert_eq!(
            parse(br#"{"active":false,"exp":"soon","aud":7}"#),
            Ok(Introspected::Inactive)
        );
    }

    #[test]
    fn active_must_be_a_json_boolean() {
        for body in [
            r#"{"active":"true"}"#,
            r#"{"active":1}"#,
            r#"{"active":null}"#,
            r#"{"active":[true]}"#,
            r#"{"sub":"x"}"#,
            "{}",
        ] {
            assert_eq!(parse(body.as_bytes()), Err(ResponseError::NoActive), "{body}");
        }
    }

    #[test]
    fn what_is_not_one_json_object_is_a_server_failure() {
        assert_eq!(parse(b"true"), Err(ResponseError::NotAnObject));
        assert_eq!(parse(b"[{\"active\":true}]"), Err(ResponseError::NotAnObject));
        assert_eq!(parse(b""), Err(ResponseError::NotJson));
        assert_eq!(parse(b"<html>active</html>"), Err(ResponseError::NotJson));
        assert_eq!(parse(b"{\"active\":true} {}"), Err(ResponseError::NotJson));
        assert_eq!(
            parse(b"{\"active\":true,\"active\":false}"),
            Err(ResponseError::DuplicateMember)
        );
        assert_eq!(parse(b"{\"active\":tru\xff}"), Err(ResponseError::NotJson));
    }

    #[test]
    fn a_huge_body_is_refused_before_it_is_parsed() {
        let mut body = br#"{"active":true,"pad":""#.to_vec();
        body.resize(MAX_INTROSPECTION_RESPONSE_BYTES, b'a');
        body.extend_from_slice(b"\"}");
        assert_eq!(parse(&body), Err(ResponseError::TooLarge));
        let exact = format!(
            r#"{{"active":true,"pad":"{}"}}"#,
            "a".repeat(MAX_INTROSPECTION_RESPONSE_BYTES - 24)
        );
        assert_eq!(exact.len(), MAX_INTROSPECTION_RESPONSE_BYTES);
        assert!(matches!(parse(exact.as_bytes()), Ok(Introspected::Active(..))));
    }

    #[test]
    fn registered_members_of_the_wrong_type_are_a_server_failure() {
        for (member, value) in [
            ("scope", json!(["a", "b"])),
            ("sub", json!(7)),
            ("iss", json!(null)),
            ("client_id", json!({})),
            ("exp", json!("2000000000")),
            ("exp", json!(true)),
            ("iat", json!([])),
            ("nbf", json!("0")),
            ("aud", json!(["api", 1])),
            ("aud", json!(7)),
        ] {
            let mut answer = json!({"active": true});
            answer[member] = value.clone();
            assert_eq!(
                parse_json(&answer),
                Err(ResponseError::WrongType(
                    MEMBERS.iter().find(|(n, _)| *n == member).map_or("", |(n, _)| n)
                )),
                "{member}: {value}"
            );
        }
    }

    #[test]
    fn error_codes_are_read_from_oauth_error_answers() {
        assert_eq!(
            error_code(br#"{"error":"unsupported_token_type","error_description":"x"}"#),
            Some("unsupported_token_type")
        );
        assert_eq!(error_code(br#"{"error":"invalid_client"}"#), Some("invalid_client"));
        assert_eq!(error_code(br#"{"error":"made_up"}"#), None);
        assert_eq!(error_code(br#"{"error":7}"#), None);
        assert_eq!(error_code(b"<html>"), None);
    }

    #[test]
    fn unregistered_members_may_have_any_type() {
        let answer = json!({"active": true, "roles": 7, "cnf": {"jkt": "x"}, "ext": [null]});
        assert!(matches!(parse_json(&answer), Ok(Introspected::Active(..))));
    }
}
