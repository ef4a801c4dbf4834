//! Arbitrary back-channel logout tokens through `Warden::verify_logout_token`, for a warden
//! with the fuzz secret, issuer and audience that accepts logout tokens for the client `rp`.
//!
//! Input: a flags byte, then the rest, as in `verify_token`.
//! - bit 0 clear: the rest, lossily decoded as UTF-8, is the token.
//! - bit 0 set: the next two bytes choose where the rest splits into header and payload
//!   JSON bytes, which are base64url-encoded and signed with the HMAC key, so that the
//!   claim checks are exercised. With bit 1 set, every `NOW` in the payload becomes the
//!   current Unix time first.
//!
//! Properties: never a panic; the static key set never makes the verification wait; every
//! accepted token is signed with the key, and its claims, read again independently, obey
//! every rule of OpenID Connect Back-Channel Logout 1.0 §2.6; the revocation names its
//! `sid` when it has one, else its `sub`, limited to its issuer.
#![no_main]

use std::future::Future;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use axum_warden_fuzz::{DEBUG, ISSUER, LEEWAY, SECRET, now, signed_with_secret, token_input};
use axum_warden_runtime::{RevocationKind, Revocations, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const CLIENT: &str = "rp";
const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

static WARDEN: LazyLock<Warden> = LazyLock::new(|| {
    Warden::builder()
        .hmac_secret(SECRET.to_vec())
        .issuer(ISSUER)
        .revocations(Revocations::in_memory())
        .back_channel_logout(CLIENT)
        .build()
        .expect("the fuzz warden")
});

fuzz_target!(|data: &[u8]| {
    let Some(token) = token_input(data) else {
        return;
    };
    let before = now();
    let mut future = std::pin::pin!(WARDEN.verify_logout_token(&token));
    let Poll::Ready(outcome) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("a static key set never waits");
    };
    let after = now();
    if *DEBUG {
        eprintln!("{token:?} -> {outcome:?}");
    }
    let Ok(revocation) = outcome else {
        return;
    };
    assert!(signed_with_secret(&token), "accepted a token not signed with the key");
    let payload = token.split('.').nth(1).expect("three segments");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON");
    let claims = claims.as_object().expect("an object");
    assert_eq!(claims.get("iss").and_then(Value::as_str), Some(ISSUER), "iss");
    let addressed = match claims.get("aud") {
        Some(Value::String(aud)) => aud == CLIENT,
        Some(Value::Array(items)) => items.iter().any(|item| item.as_str() == Some(CLIENT)),
        _ => false,
    };
    assert!(addressed, "aud does not name the client");
    let time = |name: &str| claims.get(name).and_then(Value::as_f64).expect("a numeric time");
    #[allow(clippy::cast_precision_loss)]
    let (before, after, leeway) = (before as f64, after as f64, LEEWAY as f64);
    assert!(time("iat") <= after + leeway, "iat in the future");
    assert!(time("exp") + leeway > before, "expired");
    assert!(claims.get("jti").is_some_and(Value::is_string), "jti");
    let event = claims.get("events").and_then(|events| events.get(EVENT));
    assert!(event.is_some_and(Value::is_object), "the logout event");
    assert!(!claims.contains_key("nonce"), "nonce");
    let text = |name: &str| claims.get(name).and_then(Value::as_str).filter(|v| !v.is_empty());
    match (text("sid"), text("sub")) {
        (Some(sid), _) => assert_eq!((revocation.kind(), revocation.value()), (RevocationKind::Session, sid)),
        (None, Some(sub)) => assert_eq!((revocation.kind(), revocation.value()), (RevocationKind::Subject, sub)),
        (None, None) => panic!("accepted without sid or sub"),
    }
    assert_eq!(revocation.issuer(), Some(ISSUER));
});
