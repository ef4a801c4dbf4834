//! Hostile and borderline tokens, each with the status it must get.
//!
//! Every case goes through a real router whose handler counts its runs: the handler must
//! run exactly as often as the table says 200.

mod harness;

use axum_warden::Algorithm;
use axum_warden::testing::{TestIssuer, sign_hmac};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use harness::{AUDIENCE, ISSUER, Runs, SUBJECT, app, call, mint, now, warden};
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};

use Algorithm::{ES256, ES384, EdDSA, HS256, HS384, HS512, RS256};

struct Case {
    name: &'static str,
    warden: Algorithm,
    token: String,
    status: u16,
}

fn case(name: &'static str, warden: Algorithm, token: String, status: u16) -> Case {
    Case {
        name,
        warden,
        token,
        status,
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs any header and payload bytes with the test kit's key of `alg`.
fn sign_raw(header: &[u8], payload: &[u8], alg: Algorithm) -> String {
    TestIssuer::new(alg).sign_raw(header, payload)
}

/// Claims of a valid token with `roles`, merged with `extra` (`null` removes a member).
fn claims(roles: &[&str], extra: Value) -> Value {
    let mut claims = json!({"sub": SUBJECT, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600, "roles": roles});
    if let (Some(map), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        for (k, v) in extra {
            if v.is_null() {
                map.remove(&k);
            } else {
                map.insert(k, v);
            }
        }
    }
    claims
}

/// Signs `claims` with a header `{"alg": …, "typ": "JWT"}` merged with `header_extra`.
fn sign_with_header(alg: Algorithm, header_extra: Value, claims: &Value) -> String {
    let mut header = json!({"alg": format!("{alg:?}"), "typ": "JWT"});
    if let (Some(map), Value::Object(extra)) = (header.as_object_mut(), header_extra) {
        map.extend(extra);
    }
    sign_raw(header.to_string().as_bytes(), claims.to_string().as_bytes(), alg)
}

/// A token with an arbitrary header and claims, signed by the HS256 test secret over
/// exactly those bytes.
fn hs_raw(header: &str, payload: &str) -> String {
    sign_raw(header.as_bytes(), payload.as_bytes(), HS256)
}

fn valid_claims() -> String {
    claims(&["admin"], json!({})).to_string()
}

fn with(extra: Value) -> Value {
    claims(&["admin"], extra)
}

fn hs(extra: Value) -> String {
    sign_with_header(HS256, json!({}), &with(extra))
}

/// An HMAC token whose secret is the PEM of the test kit's public key of `key`: the
/// classic key confusion.
fn confused(alg: Algorithm, key: Algorithm) -> String {
    let header = json!({"alg": format!("{alg:?}"), "typ": "JWT"});
    let secret = TestIssuer::new(key).public_key_pem().expect("a public key");
    sign_hmac(
        alg,
        secret.as_bytes(),
        header.to_string().as_bytes(),
        valid_claims().as_bytes(),
    )
}

fn unsigned(alg: &str, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        b64(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#).as_bytes()),
        b64(valid_claims().as_bytes())
    )
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let good = mint(HS256, &["admin"]);
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let other = mint(HS256, &["editor"]);
    let other_sig = other.rsplit('.').next().expect("three parts");
    let t = now();

    let mut cases = vec![
        case("baseline hs256", HS256, good.clone(), 200),
        case("baseline rs256", RS256, mint(RS256, &["admin"]), 200),
        // alg: none, every spelling, with and without a signature.
        case("alg none", HS256, unsigned("none", ""), 401),
        case("alg None", HS256, unsigned("None", ""), 401),
        case("alg NONE", HS256, unsigned("NONE", ""), 401),
        case("alg nOnE", HS256, unsigned("nOnE", ""), 401),
        case("alg none with signature", HS256, unsigned("none", s), 401),
        case("alg none on rsa", RS256, unsigned("none", ""), 401),
        case(
            "alg lower case",
            HS256,
            hs_raw(r#"{"alg":"hs256"}"#, &valid_claims()),
            401,
        ),
        case(
            "alg with space",
            HS256,
            hs_raw(r#"{"alg":"HS256 "}"#, &valid_claims()),
            401,
        ),
        case("alg empty", HS256, hs_raw(r#"{"alg":""}"#, &valid_claims()), 401),
        case("alg missing", HS256, hs_raw(r#"{"typ":"JWT"}"#, &valid_claims()), 401),
        case("alg number", HS256, hs_raw(r#"{"alg":256}"#, &valid_claims()), 401),
        case("alg null", HS256, hs_raw(r#"{"alg":null}"#, &valid_claims()), 401),
        case("alg array", HS256, hs_raw(r#"{"alg":["HS256"]}"#, &valid_claims()), 401),
        case(
            "alg not configured (HS384 at HS256)",
            HS256,
            mint(HS384, &["admin"]),
            401,
        ),
        case(
            "alg not configured (HS512 at HS256)",
            HS256,
            mint(HS512, &["admin"]),
            401,
        ),
        // Key confusion: HMAC keyed with the public key.
        case("HS256 keyed with RSA public key", RS256, confused(HS256, RS256), 401),
        case("HS384 keyed with RSA public key", RS256, confused(HS384, RS256), 401),
        case("HS512 keyed with RSA public key", RS256, confused(HS512, RS256), 401),
        case("HS256 keyed with P-256 public key", ES256, confused(HS256, ES256), 401),
        case(
            "HS256 keyed with Ed25519 public key",
            EdDSA,
            confused(HS256, EdDSA),
            401,
        ),
        case("ES256 token at ES384 key", ES384, mint(ES256, &["admin"]), 401),
        case(
            "RS256 signed by another RSA key",
            RS256,
            {
                axum_warden::install_crypto_provider();
                jsonwebtoken::encode(
                    &jsonwebtoken::Header::new(harness::jwt_alg(RS256)),
                    &with(json!({})),
                    &EncodingKey::from_rsa_pem(&harness::rsa2_key()).expect("key"),
                )
                .expect("signs")
            },
            401,
        ),
        // crit and other headers.
        case(
            "crit with exp",
            HS256,
            sign_with_header(HS256, json!({"crit": ["exp"], "exp": 1}), &with(json!({}))),
            401,
        ),
        case(
            "crit empty",
            HS256,
            sign_with_header(HS256, json!({"crit": []}), &with(json!({}))),
            401,
        ),
        case(
            "crit string",
            HS256,
            sign_with_header(HS256, json!({"crit": "b64"}), &with(json!({}))),
            401,
        ),
        case(
            "jku header ignored",
            HS256,
            sign_with_header(HS256, json!({"jku": "https://evil.test/jwks"}), &with(json!({}))),
            200,
        ),
        case(
            "x5u header ignored",
            HS256,
            sign_with_header(HS256, json!({"x5u": "https://evil.test/cert"}), &with(json!({}))),
            200,
        ),
        case(
            "jwk header cannot supply the key",
            RS256,
            {
                // Signed with another key, whose public half rides in the `jwk` header.
                let jwk = json!({"kty": "oct", "k": b64(b"attacker secret attacker secret!")});
                let header = json!({"alg": "RS256", "jwk": jwk});
                sign_raw(header.to_string().as_bytes(), valid_claims().as_bytes(), HS256)
            },
            401,
        ),
        case(
            "x5c header ignored",
            HS256,
            sign_with_header(HS256, json!({"x5c": ["MIIB"]}), &with(json!({}))),
            200,
        ),
        case(
            "kid ignored by a single key",
            HS256,
            sign_with_header(HS256, json!({"kid": "../../etc/passwd"}), &with(json!({}))),
            200,
        ),
        case(
            "kid number",
            HS256,
            sign_with_header(HS256, json!({"kid": 7}), &with(json!({}))),
            401,
        ),
        case(
            "header is an array",
            HS256,
            hs_raw(r#"["HS256"]"#, &valid_claims()),
            401,
        ),
        case(
            "duplicate alg in header",
            HS256,
            hs_raw(r#"{"alg":"none","alg":"HS256"}"#, &valid_claims()),
            401,
        ),
        // Time claims.
        case("exp missing", HS256, hs(json!({"exp": null})), 401),
        case("exp string", HS256, hs(json!({"exp": (t + 3600).to_string()})), 401),
        case("exp bool", HS256, hs(json!({"exp": true})), 401),
        case("exp array", HS256, hs(json!({"exp": [t + 3600]})), 401),
        case("exp fractional", HS256, hs(json!({"exp": t as f64 + 3600.5})), 200),
        case("expired beyond leeway", HS256, hs(json!({"exp": t - 61})), 401),
        case("expired within leeway", HS256, hs(json!({"exp": t - 30})), 200),
        case("nbf future", HS256, hs(json!({"nbf": t + 3600})), 401),
        case("nbf within leeway", HS256, hs(json!({"nbf": t + 30})), 200),
        case("nbf string", HS256, hs(json!({"nbf": t.to_string()})), 401),
        case("iat string", HS256, hs(json!({"iat": "yesterday"})), 401),
        // Registered claims of the wrong type.
        case("iss number", HS256, hs(json!({"iss": 1})), 401),
        case("iss array", HS256, hs(json!({"iss": [ISSUER]})), 401),
        case("iss object", HS256, hs(json!({"iss": {"v": ISSUER}})), 401),
        case("iss missing", HS256, hs(json!({"iss": null})), 401),
        case(
            "iss case differs",
            HS256,
            hs(json!({"iss": ISSUER.to_uppercase()})),
            401,
        ),
        case("aud number", HS256, hs(json!({"aud": 1})), 401),
        case("aud object", HS256, hs(json!({"aud": {"api": true}})), 401),
        case("aud array with number", HS256, hs(json!({"aud": ["api", 1]})), 401),
        case("aud empty array", HS256, hs(json!({"aud": []})), 401),
        case(
            "aud array containing ours",
            HS256,
            hs(json!({"aud": ["other", "api"]})),
            200,
        ),
        case("aud missing", HS256, hs(json!({"aud": null})), 401),
        case("sub number", HS256, hs(json!({"sub": 42})), 401),
        // Claims that are not an object, and duplicates.
        case("claims array", HS256, hs_raw(r#"{"alg":"HS256"}"#, "[1,2]"), 401),
        case("claims string", HS256, hs_raw(r#"{"alg":"HS256"}"#, r#""admin""#), 401),
        case("claims null", HS256, hs_raw(r#"{"alg":"HS256"}"#, "null"), 401),
        case(
            "claims trailing garbage",
            HS256,
            hs_raw(r#"{"alg":"HS256"}"#, &format!("{} x", valid_claims())),
            401,
        ),
        case(
            "duplicate exp",
            HS256,
            hs_raw(
                r#"{"alg":"HS256"}"#,
                &format!(
                    r#"{{"exp":{},"exp":1,"iss":"{}","aud":"api","roles":["admin"]}}"#,
                    t + 3600,
                    ISSUER
                ),
            ),
            401,
        ),
        case(
            "duplicate roles",
            HS256,
            hs_raw(
                r#"{"alg":"HS256"}"#,
                &format!(
                    r#"{{"exp":{},"iss":"{}","aud":"api","roles":[],"roles":["admin"]}}"#,
                    t + 3600,
                    ISSUER
                ),
            ),
            401,
        ),
        case(
            "duplicate exp through an escape",
            HS256,
            hs_raw(
                r#"{"alg":"HS256"}"#,
                &format!(r#"{{"exp":{},"\u0065xp":1,"iss":"{}","aud":"api"}}"#, t + 3600, ISSUER),
            ),
            401,
        ),
        // Roles and scopes of the wrong shape.
        case("roles string", HS256, hs(json!({"roles": "admin"})), 401),
        case("roles with number", HS256, hs(json!({"roles": ["admin", 1]})), 401),
        case("roles object", HS256, hs(json!({"roles": {"admin": true}})), 401),
        case(
            "roles upper case",
            HS256,
            sign_with_header(HS256, json!({}), &claims(&["ADMIN"], json!({}))),
            403,
        ),
        case(
            "roles with trailing space",
            HS256,
            sign_with_header(HS256, json!({}), &claims(&["admin "], json!({}))),
            403,
        ),
        case("scope number", HS256, hs(json!({"scope": 5})), 401),
        // Encoding: base64url only, unpadded, no whitespace, three segments.
        case("padding on header", HS256, format!("{h}=.{p}.{s}"), 401),
        case("padding on signature", HS256, format!("{h}.{p}.{s}="), 401),
        case(
            "standard alphabet",
            HS256,
            {
                let hdr = STANDARD.encode(br#"{"alg":"HS256","x":"??>"}"#);
                format!("{hdr}.{p}.{s}")
            },
            401,
        ),
        case("space inside", HS256, format!("{h}.{p} .{s}"), 401),
        case("two segments", HS256, format!("{h}.{p}"), 401),
        case("four segments", HS256, format!("{h}.{p}.{s}.{s}"), 401),
        case("empty signature", HS256, format!("{h}.{p}."), 401),
        case("empty payload", HS256, format!("{h}..{s}"), 401),
        case("one segment", HS256, h.to_owned(), 401),
        case("signature of another token", HS256, format!("{h}.{p}.{other_sig}"), 401),
        case("swapped header and payload", HS256, format!("{p}.{h}.{s}"), 401),
        case(
            "truncated signature",
            HS256,
            format!("{h}.{p}.{}", &s[..s.len() - 4]),
            401,
        ),
        case("stripped signature", HS256, format!("{h}.{p}"), 401),
        case(
            "non-UTF-8 header",
            HS256,
            sign_raw(
                b"{\"alg\":\"HS256\",\"x\":\"\xff\xfe\"}",
                valid_claims().as_bytes(),
                HS256,
            ),
            401,
        ),
        case(
            "non-UTF-8 claims",
            HS256,
            sign_raw(br#"{"alg":"HS256"}"#, b"{\"sub\":\"\xc3\x28\"}", HS256),
            401,
        ),
        case("oversized token", HS256, hs(json!({"pad": "x".repeat(9000)})), 401),
        case(
            "deeply nested claims",
            HS256,
            hs_raw(
                r#"{"alg":"HS256"}"#,
                &format!(r#"{{"exp":{},"n":{}{}}}"#, t + 3600, "[".repeat(500), "]".repeat(500)),
            ),
            401,
        ),
        case(
            "ECDSA zero signature",
            ES256,
            {
                let token = mint(ES256, &["admin"]);
                let (message, _) = token.rsplit_once('.').expect("three parts");
                format!("{message}.{}", b64(&[0u8; 64]))
            },
            401,
        ),
        case(
            "EdDSA zero signature",
            EdDSA,
            {
                let token = mint(EdDSA, &["admin"]);
                let (message, _) = token.rsplit_once('.').expect("three parts");
                format!("{message}.{}", b64(&[0u8; 64]))
            },
            401,
        ),
    ];
    // `alg: none` in every one of its 16 letter cases, on a symmetric and an asymmetric
    // warden (the four spellings above are among them, named).
    for mask in 0u8..16 {
        let spelling: String = "none"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if mask & (1 << i) == 0 {
                    c
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        let name: &'static str = Box::leak(format!("alg {spelling}").into_boxed_str());
        cases.push(case(name, HS256, unsigned(&spelling, ""), 401));
        cases.push(case(name, RS256, unsigned(&spelling, s), 401));
    }
    // Every algorithm's own valid token passes through its own warden.
    for alg in [HS384, HS512, ES256, ES384, EdDSA] {
        cases.push(case("baseline other algorithm", alg, mint(alg, &["admin"]), 200));
    }
    cases
}

#[tokio::test]
async fn every_hostile_token_gets_its_status() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let runs = Runs::default();
        let app = app(warden(case.warden), &runs);
        let answer = call(&app, "/admin", &case.token).await;
        let ran = runs.count();
        if answer.status != case.status || ran != usize::from(case.status == 200) {
            failures.push(format!(
                "{}: got {} (handler ran {ran}×), want {}",
                case.name, answer.status, case.status
            ));
        }
        if answer.status == 401 {
            assert_eq!(
                answer.challenge(),
                Some(r#"Bearer realm="api", error="invalid_token""#),
                "{}",
                case.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
