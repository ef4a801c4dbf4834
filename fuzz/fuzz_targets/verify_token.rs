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
//! `Ok` identity comes from a token signed with the key whose claims obey every rule; and
//! a warden that trusts the strict profile's issuer beside another accepts exactly what
//! the strict warden accepts, with the same claims.
#![no_main]

use axum_warden_fuzz::{DEBUG, PAIR, WARDENS, check_accepted, now, token_input};
use axum_warden_runtime::AuthError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(token) = token_input(data) else {
        return;
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
        let strict = match result {
            Ok(identity) => {
                check_accepted(&token, &identity, profile, before, after);
                Some(identity)
            }
            Err(AuthError::InvalidToken(_)) => None,
            Err(other) => panic!("a static key answered {other:?}"),
        };
        if profile.algorithm == axum_warden_runtime::Algorithm::HS256 && profile.issuer.is_some() {
            let pair = match PAIR.verify_token(&token) {
                Ok(identity) => Some(identity),
                Err(AuthError::InvalidToken(_)) => None,
                Err(other) => panic!("a static key answered {other:?}"),
            };
            // A time claim at the edge may be judged on either side of a second's tick.
            if now() == before {
                assert_eq!(
                    pair.as_ref().map(|identity| identity.claims()),
                    strict.as_ref().map(|identity| identity.claims()),
                    "two issuers and the strict one alone disagree"
                );
            }
        }
    }
});
