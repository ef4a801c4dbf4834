//! Arbitrary DPoP proofs through the guard's authentication of a DPoP-bound request, for a
//! warden that requires DPoP (HS256 tokens with the fuzz secret; the request is
//! `GET https://api.fuzz.test/orders` with a token bound to the test kit's ES256 key).
//!
//! Input: a flags byte, then the rest.
//! - bit 0 clear: the rest, lossily decoded as UTF-8, is the `DPoP` header.
//! - bit 0 set: the rest is two JSON documents separated by 0xFF, merged over the claims
//!   and the header of a valid proof made with the key (`null` removes a member), then
//!   signed with the key: the checks past the signature are reached.
//!
//! Properties: never a panic; the static keys never make the check wait; a request passes
//! only with a proof whose header and claims, read again independently, name the request's
//! method and URI, the token's hash, a time within the window, and the key the token is
//! bound to, in a header typed `dpop+jwt`.
#![no_main]

use std::future::Future;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use axum_warden_fuzz::{AUDIENCE, ISSUER, SECRET, now, sign_hs256};
use axum_warden_runtime::testing::DpopKey;
use axum_warden_runtime::{Algorithm, DpopMode, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const URL: &str = "https://api.fuzz.test/orders";
const WINDOW: u64 = 60;

static KEY: LazyLock<DpopKey> = LazyLock::new(|| DpopKey::new(Algorithm::ES256));

static WARDEN: LazyLock<Warden> = LazyLock::new(|| {
    Warden::builder()
        .hmac_secret(SECRET.to_vec())
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .dpop(DpopMode::Required)
        .dpop_origin("https://api.fuzz.test")
        .build()
        .expect("the fuzz warden")
});

static TOKEN: LazyLock<String> = LazyLock::new(|| {
    let claims = json!({
        "sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "exp": 4_102_444_800u64,
        "cnf": { "jkt": KEY.thumbprint() },
    });
    sign_hs256(br#"{"alg":"HS256","typ":"JWT"}"#, claims.to_string().as_bytes())
});

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let proof = if flags & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut documents = rest.splitn(2, |&b| b == 0xFF);
        let parse = |bytes: Option<&[u8]>| serde_json::from_slice::<Value>(bytes.unwrap_or(b"{}")).ok();
        let (Some(claims), Some(header)) = (parse(documents.next()), parse(documents.next())) else {
            return;
        };
        KEY.proof_with("GET", URL, &TOKEN, &claims, &header)
    };
    let Ok(request) = http::Request::get(URL)
        .header("authorization", format!("DPoP {}", *TOKEN))
        .header("dpop", proof.as_str())
        .body(())
    else {
        return;
    };
    let (parts, ()) = request.into_parts();
    let before = now();
    let mut future = std::pin::pin!(WARDEN.authenticate(&parts));
    let Poll::Ready(outcome) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("static keys never wait");
    };
    let after = now();
    if outcome.is_err() {
        return;
    }
    // Accepted: read the proof again, independently.
    let mut segments = proof.split('.');
    let decode = |segment: Option<&str>| -> Value {
        let bytes = URL_SAFE_NO_PAD.decode(segment.expect("a segment")).expect("base64url");
        serde_json::from_slice(&bytes).expect("JSON")
    };
    let (header, claims) = (decode(segments.next()), decode(segments.next()));
    let typ = header["typ"].as_str().expect("a typ").to_ascii_lowercase();
    assert!(typ == "dpop+jwt" || typ == "application/dpop+jwt", "typ {typ}");
    assert_eq!(header["alg"], "ES256", "only the ES256 key signs");
    let jwk = &header["jwk"];
    let ours = KEY.public_jwk();
    for member in ["kty", "crv", "x", "y"] {
        assert_eq!(jwk[member], ours[member], "the jwk's {member}");
    }
    assert_eq!(claims["htm"], "GET");
    let htu = claims["htu"].as_str().expect("an htu").to_ascii_lowercase();
    let htu = htu.split(['?', '#']).next().unwrap_or_default();
    assert!(
        htu == URL || htu == "https://api.fuzz.test:443/orders",
        "htu {htu}"
    );
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(TOKEN.as_bytes()));
    assert_eq!(claims["ath"], ath.as_str());
    let iat = claims["iat"].as_f64().expect("a numeric iat");
    #[allow(clippy::cast_precision_loss)]
    let (before, after) = (before as f64, after as f64);
    assert!(iat >= before - WINDOW as f64 && iat <= after + WINDOW as f64, "iat {iat}");
    assert!(claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()), "jti");
});
