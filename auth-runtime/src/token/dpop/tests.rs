use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use serde_json::{Map, Value, json};

use super::{DpopError, access_token_hash, htu_matches, thumbprint, verify};
use crate::algorithm::Algorithm;

const ASYMMETRIC: [Algorithm; 4] = [Algorithm::ES256, Algorithm::RS256, Algorithm::PS256, Algorithm::EdDSA];

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn key(alg: Algorithm) -> EncodingKey {
    crate::token::keys::install_crypto_provider();
    match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(include_bytes!("../../testing/ec256.key")),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(include_bytes!("../../testing/ed25519.key")),
        _ => EncodingKey::from_rsa_pem(include_bytes!("../../testing/rsa.key")),
    }
    .expect("a test key")
}

fn public_jwk(alg: Algorithm) -> Value {
    let jwk = Jwk::from_encoding_key(&key(alg), alg.to_jsonwebtoken()).expect("a JWK");
    serde_json::to_value(jwk).expect("JSON")
}

/// `header` and `claims` signed with the test key of `alg` (whatever `header` says).
fn sign(alg: Algorithm, header: &Value, claims: &Value) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key(alg), alg.to_jsonwebtoken()).expect("signs");
    format!("{message}.{signature}")
}

fn header(alg: Algorithm) -> Value {
    json!({"typ": "dpop+jwt", "alg": alg.as_str(), "jwk": public_jwk(alg)})
}

fn claims() -> Value {
    json!({"jti": "e1j3V_bKic8-LAEB", "htm": "GET", "htu": "https://api.example/orders", "iat": 1_800_000_000,
           "ath": "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"})
}

#[test]
fn a_proof_of_each_asymmetric_algorithm_verifies_with_its_own_key() {
    for alg in ASYMMETRIC {
        let proof = verify(&sign(alg, &header(alg), &claims()), &ASYMMETRIC, 8192).expect("valid");
        assert_eq!(
            (proof.jti.as_str(), proof.htm.as_str(), proof.htu.as_str()),
            ("e1j3V_bKic8-LAEB", "GET", "https://api.example/orders")
        );
        assert_eq!(proof.iat, 1_800_000_000.0);
        assert_eq!(proof.nonce, None);
        assert_eq!(Some(proof.jkt), thumbprint(&object(public_jwk(alg))), "{alg:?}");
    }
}

#[test]
fn each_rule_of_the_proof_refuses_on_its_own() {
    let es = Algorithm::ES256;
    let good = header(es);
    let with = |name: &str, value: Value| {
        let mut h = good.clone();
        h[name] = value;
        h
    };
    let without = |name: &str| {
        let mut h = good.clone();
        h.as_object_mut().expect("object").remove(name);
        h
    };
    let mut private = public_jwk(es);
    private["d"] = json!("AAAA");
    let mut rsa_as_es = public_jwk(Algorithm::RS256);
    rsa_as_es["alg"] = json!("ES256");
    let cases = [
        (sign(es, &with("typ", json!("JWT")), &claims()), DpopError::NotAProof),
        (sign(es, &with("typ", json!("at+jwt")), &claims()), DpopError::NotAProof),
        (sign(es, &without("typ"), &claims()), DpopError::NotAProof),
        (
            sign(es, &with("crit", json!(["exp"])), &claims()),
            DpopError::CriticalHeader,
        ),
        (
            sign(es, &with("alg", json!("none")), &claims()),
            DpopError::AlgorithmNotAllowed,
        ),
        (
            sign(es, &with("alg", json!("HS256")), &claims()),
            DpopError::AlgorithmNotAllowed,
        ),
        (
            sign(es, &with("alg", json!("ES384")), &claims()),
            DpopError::AlgorithmNotAllowed,
        ),
        (sign(es, &without("jwk"), &claims()), DpopError::InvalidKey),
        (
            sign(es, &with("jwk", json!("a string")), &claims()),
            DpopError::InvalidKey,
        ),
        (sign(es, &with("jwk", private), &claims()), DpopError::PrivateKey),
        (
            sign(es, &with("jwk", json!({"kty": "oct", "k": "c2VjcmV0"})), &claims()),
            DpopError::PrivateKey,
        ),
        (
            sign(es, &with("jwk", public_jwk(Algorithm::EdDSA)), &claims()),
            DpopError::InvalidKey,
        ),
        (sign(es, &with("jwk", rsa_as_es), &claims()), DpopError::InvalidKey),
        // Signed by another key than the one in the header.
        (
            sign(Algorithm::RS256, &with("alg", json!("ES256")), &claims()),
            DpopError::BadSignature,
        ),
        (
            sign(es, &good, &json!({"htm": "GET", "htu": "https://a/", "iat": 1})),
            DpopError::InvalidClaims,
        ),
        (
            sign(
                es,
                &good,
                &json!({"jti": "", "htm": "GET", "htu": "https://a/", "iat": 1}),
            ),
            DpopError::InvalidClaims,
        ),
        (
            sign(
                es,
                &good,
                &json!({"jti": "x".repeat(257), "htm": "GET", "htu": "https://a/", "iat": 1}),
            ),
            DpopError::InvalidClaims,
        ),
        (
            sign(es, &good, &json!({"jti": "j", "htu": "https://a/", "iat": 1})),
            DpopError::InvalidClaims,
        ),
        (
            sign(es, &good, &json!({"jti": "j", "htm": "GET", "iat": 1})),
            DpopError::InvalidClaims,
        ),
        (
            sign(es, &good, &json!({"jti": "j", "htm": "GET", "htu": "https://a/"})),
            DpopError::InvalidClaims,
        ),
        (
            sign(
                es,
                &good,
                &json!({"jti": "j", "htm": "GET", "htu": "https://a/", "iat": "1"}),
            ),
            DpopError::InvalidClaims,
        ),
        (
            sign(
                es,
                &good,
                &json!({"jti": "j", "htm": "GET", "htu": "https://a/", "iat": 1, "ath": 5}),
            ),
            DpopError::InvalidClaims,
        ),
        (
            sign(
                es,
                &good,
                &json!({"jti": "j", "htm": "GET", "htu": "https://a/", "iat": 1, "nonce": []}),
            ),
            DpopError::InvalidClaims,
        ),
        (sign(es, &good, &json!(["not", "an", "object"])), DpopError::Malformed),
        ("a.b".to_owned(), DpopError::Malformed),
        ("a.b.c.d".to_owned(), DpopError::Malformed),
        ("e30.e30.!!".to_owned(), DpopError::NotAProof),
    ];
    for (i, (proof, expected)) in cases.into_iter().enumerate() {
        assert_eq!(verify(&proof, &ASYMMETRIC, 8192), Err(expected), "case {i}");
    }
    let long = sign(es, &good, &claims());
    assert_eq!(verify(&long, &ASYMMETRIC, long.len() - 1), Err(DpopError::TooLarge));
    // A duplicate member in the header.
    let header = r#"{"typ":"dpop+jwt","typ":"dpop+jwt","alg":"ES256"}"#;
    let duplicated = format!("{}.e30.AAAA", URL_SAFE_NO_PAD.encode(header));
    assert_eq!(verify(&duplicated, &ASYMMETRIC, 8192), Err(DpopError::Malformed));
}

#[test]
fn thumbprints_match_the_rfc_examples() {
    // RFC 7638 §3.1.
    let rsa = object(json!({
        "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }));
    assert_eq!(
        thumbprint(&rsa).as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
    // RFC 9449 §4.1's proof key and §6.1's `jkt`.
    let ec = object(json!({
        "kty": "EC", "crv": "P-256",
        "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
    }));
    assert_eq!(
        thumbprint(&ec).as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
    for bad in [
        json!({"kty": "oct", "k": "a"}),
        json!({"kty": "EC", "crv": "P-256", "x": "a"}),
        json!({"kty": 1}),
        json!({}),
    ] {
        assert_eq!(thumbprint(&object(bad.clone())), None, "{bad}");
    }
}

#[test]
fn the_access_token_hash_is_the_rfc_example() {
    // RFC 9449 §4.2's `ath` example, of the access token of §7.1's request.
    assert_eq!(
        access_token_hash(b"Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
        "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    );
}

#[test]
fn htu_is_compared_after_normalisation_without_query_and_fragment() {
    let expected = "https://api.example/orders";
    for htu in [
        "https://api.example/orders",
        "HTTPS://API.EXAMPLE/orders",
        "https://api.example:443/orders",
        "https://api.example/orders?page=2",
        "https://api.example/orders#top",
    ] {
        assert!(htu_matches(htu, expected), "{htu}");
    }
    for htu in [
        "https://api.example/Orders",
        "http://api.example/orders",
        "https://api.example:8443/orders",
        "https://evil.example/orders",
        "https://api.example/orders/",
        "https://user@api.example/orders",
        "/orders",
        "ftp://api.example/orders",
        "",
    ] {
        assert!(!htu_matches(htu, expected), "{htu}");
    }
    assert!(htu_matches("http://127.0.0.1:80", "http://127.0.0.1/"));
}
