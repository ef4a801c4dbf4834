//! Arbitrary tokens through `Warden::verify_token`, against four wardens (HS256 strict,
//! HS256 loose, RS256 strict, and HS256 loose with tenants, clients and `typ: at+jwt`
//! required; see the crate's profiles).
//!
//! Input: a flags byte, then the rest.
//! - bit 0 clear: the rest, lossily decoded as UTF-8, is the token.
//! - bit 0 set: the next two bytes choose where the rest splits into header and payload
//!   JSON bytes, which are base64url-encoded and signed with the HMAC key, so that parsing
//!   past the signature (claims, time rules, roles, scopes) is exercised. With bit 1 set,
//!   every `NOW` in the payload becomes the current Unix time first, so that time claims
//!   can sit at the leeway boundaries.
//!
//! Properties: never a panic; only `invalid_token` errors (the keys are static); every
//! `Ok` identity comes from a token signed with the key whose claims obey every rule.
#![no_main]

use axum_warden_fuzz::{DEBUG, WARDENS, check_accepted, now, sign_hs256};
use axum_warden_runtime::AuthError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let token = if flags & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let Some((split, json)) = rest.split_first_chunk::<2>() else {
            return;
        };
        let at = usize::from(u16::from_le_bytes(*split)) % (json.len() + 1);
        let (header, payload) = json.split_at(at);
        if flags & 2 == 0 {
            sign_hs256(header, payload)
        } else {
            let payload = replace(payload, b"NOW", now().to_string().as_bytes());
            sign_hs256(header, &payload)
        }
    };
    for (profile, warden) in WARDENS.iter() {
        let before = now();
        let result = warden.verify_token(&token);
        let after = now();
        if *DEBUG {
            eprintln!(
                "{:?}: {:?}",
                profile.algorithm,
                result.as_ref().map(axum_warden_runtime::Identity::subject)
            );
        }
        match result {
            Ok(identity) => check_accepted(&token, &identity, profile, before, after),
            Err(AuthError::InvalidToken(_)) => {}
            Err(other) => panic!("a static key answered {other:?}"),
        }
    }
});

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}
