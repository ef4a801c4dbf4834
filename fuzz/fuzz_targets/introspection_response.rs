//! Arbitrary bytes as the body of a token introspection answer (RFC 7662 §2.2), judged as
//! a warden with introspection would (`__fuzz::judge_answer`).
//!
//! Input: a flags byte (bit 0: the warden requires the issuer `ISSUER`, bit 1: it accepts
//! the audience `AUDIENCE`), then the body.
//!
//! Properties: never a panic; a body over 16 KiB is a server failure; an accepted answer
//! is a JSON object with `"active": true` whose `exp` (if any) and `nbf` hold with the
//! leeway, whose `iss` and `aud` are what the warden requires (no `aud` when it accepts
//! none), whose `token_type` (if any) is `Bearer` and that has no `cnf`, whose claims are the answer's members, and whose subject and roles come from its
//! `sub` and `roles`; a refusal as inactive is an object with `"active": false`.
#![no_main]

use axum_warden_fuzz::{AUDIENCE, ISSUER, LEEWAY};
use axum_warden_runtime::TokenError;
use axum_warden_runtime::__fuzz::{Judged, judge_answer};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The judging time (2027-01-15): fixed, so that a finding reproduces.
const NOW: u64 = 1_800_000_000;
const MAX_ANSWER_BYTES: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let issuer = (flags & 1 != 0).then_some(ISSUER);
    let audience = (flags & 2 != 0).then_some(AUDIENCE);
    let judged = judge_answer(body, issuer, audience, NOW);
    if body.len() > MAX_ANSWER_BYTES {
        assert!(matches!(judged, Judged::ServerFailure), "over the cap: {judged:?}");
        return;
    }
    let parsed: Option<serde_json::Map<String, Value>> = match serde_json::from_slice(body) {
        Ok(Value::Object(members)) => Some(members),
        _ => None,
    };
    match judged {
        Judged::ServerFailure => {}
        Judged::Refused(TokenError::Inactive) => {
            let members = parsed.expect("an inactive answer is a JSON object");
            assert_eq!(members.get("active"), Some(&Value::Bool(false)));
        }
        Judged::Refused(_) => {
            let members = parsed.expect("a refused answer is a JSON object");
            assert_eq!(members.get("active"), Some(&Value::Bool(true)));
        }
        Judged::Accepted(identity) => {
            let members = parsed.expect("an accepted answer is a JSON object");
            assert_eq!(members.get("active"), Some(&Value::Bool(true)));
            let time = |name: &str| members.get(name).map(|v| v.as_f64().expect("a number"));
            #[allow(clippy::cast_precision_loss)]
            let (now, leeway) = (NOW as f64, LEEWAY as f64);
            if let Some(exp) = time("exp") {
                assert!(exp + leeway > now, "expired: {exp}");
            }
            if let Some(nbf) = time("nbf") {
                assert!(nbf <= now + leeway, "not yet valid: {nbf}");
            }
            match issuer {
                Some(issuer) => assert_eq!(members.get("iss").and_then(Value::as_str), Some(issuer)),
                None => assert!(members.get("iss").is_none_or(Value::is_string)),
            }
            match (audience, members.get("aud")) {
                (None, aud) => assert!(aud.is_none(), "an audience nobody accepts: {aud:?}"),
                (Some(accepted), Some(Value::String(aud))) => assert_eq!(aud, accepted),
                (Some(accepted), Some(Value::Array(auds))) => {
                    assert!(auds.iter().any(|a| a.as_str() == Some(accepted)), "{auds:?}");
                }
                (Some(_), aud) => panic!("accepted without the audience: {aud:?}"),
            }
            assert!(!members.contains_key("cnf"), "a sender-constrained token as a bearer token");
            let kind = members.get("token_type").map(|t| t.as_str().expect("a string token_type"));
            assert!(kind.is_none_or(|t| t.eq_ignore_ascii_case("bearer")), "token_type {kind:?}");
            assert_eq!(identity.claims(), &members, "the claims are the members");
            let sub = members.get("sub").map_or("", |s| s.as_str().expect("a string sub"));
            assert_eq!(identity.subject(), sub);
            let roles: Vec<&str> = match members.get("roles") {
                None => Vec::new(),
                Some(Value::String(role)) => vec![role.as_str()],
                Some(Value::Array(items)) => items.iter().map(|r| r.as_str().expect("string roles")).collect(),
                Some(other) => panic!("accepted roles {other}"),
            };
            assert!(identity.roles().iter().all(|r| roles.contains(&r.as_str())), "roles");
        }
    }
});
