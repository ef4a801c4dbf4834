//! The resource limits, through the public entry points of a `Warden`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderValue;
use http::header::AUTHORIZATION;
use jsonwebtoken::{Algorithm, EncodingKey};

use crate::defaults::DEFAULT_MAX_TOKEN_BYTES;
use crate::error::TokenError;
use crate::{AuthError, Warden, WardenBuilder};

const SECRET: &[u8] = b"resource limits test secret, 32+ bytes";
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
const EXP: u64 = 4_102_444_800;

fn builder() -> WardenBuilder {
    Warden::builder().hmac_secret(SECRET)
}

fn sign(header: &str, claims: &str) -> String {
    crate::token::keys::install_crypto_provider();
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let key = EncodingKey::from_secret(SECRET).expect("a non-empty secret");
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).expect("signs");
    format!("{message}.{signature}")
}

fn refusal(result: Result<crate::Identity, AuthError>) -> Option<TokenError> {
    match result {
        Ok(_) => None,
        Err(AuthError::InvalidToken(reason)) => Some(reason),
        Err(other) => panic!("expected invalid_token, got {other:?}"),
    }
}

fn authenticate(warden: &Warden, value: &[u8]) -> Result<crate::Identity, AuthError> {
    let mut request = http::Request::new(());
    request.headers_mut().insert(
        AUTHORIZATION,
        HeaderValue::from_bytes(value).expect("a valid header value"),
    );
    let (parts, ()) = request.into_parts();
    tokio_test::block_on(warden.authenticate(&parts))
}

fn list(prefix: &str, n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"{prefix}{i}\"")).collect();
    items.join(",")
}

/// Without a configured entry cap, a token under the size cap is never refused for the
/// number of its roles or scopes: the most an 8 KiB token can hold passes.
#[test]
fn no_token_under_the_size_cap_is_refused_for_its_roles_or_scopes() {
    let warden = builder().build().expect("valid");
    // The most one-character entries that fit: 8 KiB of token is 6 KiB of claims.
    let most = |claim: &str, item: &dyn Fn(usize) -> String, sep: &str, open: &str, close: &str| {
        let mut n = 0;
        let mut token = String::new();
        loop {
            let items: Vec<String> = (0..=n).map(item).collect();
            let next = sign(
                HEADER,
                &format!(r#"{{"exp":{EXP},"{claim}":{open}{}{close}}}"#, items.join(sep)),
            );
            if next.len() > DEFAULT_MAX_TOKEN_BYTES {
                return (n, token);
            }
            (n, token) = (n + 1, next);
        }
    };
    // Entries of one character (duplicates kept apart by a counter in base 36 would be
    // longer), so the counts are the largest the size cap allows.
    let letter = |i: usize| {
        char::from_digit(u32::try_from(i % 36).expect("small"), 36)
            .expect("digit")
            .to_string()
    };
    let (n, token) = most("roles", &|i| format!("\"{}\"", letter(i)), ",", "[", "]");
    assert!(n > 1500, "{n} roles");
    assert_eq!(
        warden.verify_token(&token).expect("within the size cap").roles().len(),
        36
    );
    let (n, token) = most("scp", &|i| format!("\"{}\"", letter(i)), ",", "[", "]");
    assert!(n > 1500, "{n} scopes");
    assert_eq!(
        warden.verify_token(&token).expect("within the size cap").scopes().len(),
        n
    );
    let (n, token) = most("scope", &letter, " ", "\"", "\"");
    assert!(n > 3000, "{n} scopes");
    assert_eq!(
        warden.verify_token(&token).expect("within the size cap").scopes().len(),
        n
    );
}

#[test]
fn the_entry_cap_is_configurable() {
    let warden = builder()
        .max_claim_entries(2)
        .roles_claim("realm_access.roles")
        .build()
        .expect("valid");
    let token = |roles: usize, scopes: &str| {
        sign(
            HEADER,
            &format!(
                r#"{{"exp":{EXP},"realm_access":{{"roles":[{}]}},"scope":"{scopes}"}}"#,
                list("r", roles)
            ),
        )
    };
    assert!(warden.verify_token(&token(2, "a  b ")).is_ok());
    assert_eq!(
        refusal(warden.verify_token(&token(3, "a"))),
        Some(TokenError::TooManyRoles)
    );
    assert_eq!(
        refusal(warden.verify_token(&token(1, "a b c"))),
        Some(TokenError::TooManyScopes)
    );
    // Through the guard's entry point, the same answer.
    let value = format!("Bearer {}", token(3, ""));
    assert_eq!(
        refusal(authenticate(&warden, value.as_bytes())),
        Some(TokenError::TooManyRoles)
    );
}

/// serde_json stops at 128 levels of nesting (the whole document, the top-level object
/// included): a token nested deeper is malformed, not a stack overflow.
#[test]
fn json_nesting_depth_is_bounded_at_128() {
    let warden = builder().build().expect("valid");
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    // The claims object is level 1; 127 levels in all are accepted, 128 are not.
    let claims = |levels: usize| sign(HEADER, &format!(r#"{{"exp":{EXP},"x":{}}}"#, nested(levels - 1)));
    assert!(warden.verify_token(&claims(127)).is_ok());
    assert_eq!(refusal(warden.verify_token(&claims(128))), Some(TokenError::Malformed));
    assert_eq!(refusal(warden.verify_token(&claims(2000))), Some(TokenError::Malformed));
    // The header's members the verifier does not read count the same way.
    let header = |levels: usize| {
        sign(
            &format!(r#"{{"alg":"HS256","x":{}}}"#, nested(levels - 1)),
            &format!(r#"{{"exp":{EXP}}}"#),
        )
    };
    assert!(warden.verify_token(&header(127)).is_ok());
    assert_eq!(refusal(warden.verify_token(&header(128))), Some(TokenError::Malformed));
    assert_eq!(refusal(warden.verify_token(&header(2000))), Some(TokenError::Malformed));
}

#[test]
fn oversized_credentials_are_refused_before_decoding() {
    let warden = builder().build().expect("valid");
    let at_cap = format!("Bearer {}", "a".repeat(DEFAULT_MAX_TOKEN_BYTES));
    let over_cap = format!("Bearer {}", "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1));
    // At the cap the token is decoded (and is garbage); over it, it is not even looked at.
    assert_eq!(
        refusal(authenticate(&warden, at_cap.as_bytes())),
        Some(TokenError::Malformed)
    );
    assert_eq!(
        refusal(authenticate(&warden, over_cap.as_bytes())),
        Some(TokenError::TooLarge)
    );
    assert_eq!(
        refusal(warden.verify_token(&"a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1))),
        Some(TokenError::TooLarge)
    );
    // Padding does not hide an oversized token; nor does a megabyte under another scheme.
    let padded = format!(
        "Bearer{}{}",
        " ".repeat(1 << 20),
        "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1)
    );
    assert_eq!(
        refusal(authenticate(&warden, padded.as_bytes())),
        Some(TokenError::TooLarge)
    );
    // The header as a whole is bounded too: a short token behind a megabyte of spaces
    // is refused unread, while a few spaces more than one are only spaces.
    let spaced_short = format!("Bearer{}abc", " ".repeat(1 << 20));
    assert_eq!(
        refusal(authenticate(&warden, spaced_short.as_bytes())),
        Some(TokenError::TooLarge)
    );
    let spaced_at_cap = format!(
        "Bearer{}{}",
        " ".repeat(crate::http::MAX_HEADER_OVERHEAD - "Bearer".len()),
        "a".repeat(DEFAULT_MAX_TOKEN_BYTES)
    );
    assert_eq!(
        refusal(authenticate(&warden, spaced_at_cap.as_bytes())),
        Some(TokenError::Malformed)
    );
    let other_scheme = format!("Basic {}", "a".repeat(1 << 20));
    assert_eq!(
        authenticate(&warden, other_scheme.as_bytes()).err(),
        Some(AuthError::MissingCredentials)
    );

    // A valid token over a lower cap is refused by size, before its signature is checked.
    let small = builder().max_token_bytes(64).build().expect("valid");
    let token = sign(HEADER, &format!(r#"{{"exp":{EXP}}}"#));
    assert!(token.len() > 64);
    assert!(warden.verify_token(&token).is_ok());
    assert_eq!(refusal(small.verify_token(&token)), Some(TokenError::TooLarge));
    let value = format!("Bearer {token}");
    assert_eq!(
        refusal(authenticate(&small, value.as_bytes())),
        Some(TokenError::TooLarge)
    );
}

/// With several issuers, the payload decoded to read `iss` is the one judged once the
/// signature holds: every claim reaches the identity as one issuer alone reads it, and a
/// token whose payload changed after signing is refused, whichever issuer it names.
#[test]
fn the_payload_read_to_select_an_issuer_is_the_one_verified() {
    let trust = |issuer: &str| {
        crate::IssuerConfig::new(issuer)
            .hmac_secret(SECRET.to_vec())
            .algorithms([crate::Algorithm::HS256])
    };
    let several = Warden::builder()
        .trust(trust("https://first.test"))
        .trust(trust("https://second.test"))
        .build()
        .expect("valid");
    let alone = Warden::builder()
        .trust(trust("https://second.test"))
        .build()
        .expect("valid");
    let claims =
        format!(r#"{{"iss":"https://second.test","sub":"s-1","exp":{EXP},"roles":["a","b"],"tenant":"t\u0065n"}}"#);
    let token = sign(HEADER, &claims);
    let bearer = format!("Bearer {token}");
    let from_several = authenticate(&several, bearer.as_bytes()).expect("valid under several issuers");
    let from_alone = authenticate(&alone, bearer.as_bytes()).expect("valid under its issuer alone");
    assert_eq!(from_several.claims(), from_alone.claims());
    assert_eq!(from_several.claim("tenant"), Some(&serde_json::json!("ten")));
    assert!(from_several.has_role("b"));

    // The same signature over another payload that names the same issuer.
    let [header, _, signature]: [&str; 3] = token.split('.').collect::<Vec<_>>().try_into().expect("three segments");
    let changed = claims.replace("s-1", "s-2");
    let forged = format!("Bearer {header}.{}.{signature}", URL_SAFE_NO_PAD.encode(&changed));
    assert_eq!(
        refusal(authenticate(&several, forged.as_bytes())),
        Some(TokenError::BadSignature)
    );
    // A payload that is not base64url is refused before any issuer is chosen.
    let broken = format!("Bearer {header}.@@@.{signature}");
    assert_eq!(
        refusal(authenticate(&several, broken.as_bytes())),
        Some(TokenError::Malformed)
    );
}
