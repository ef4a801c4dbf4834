//! Arbitrary `Authorization` header values through `Warden::authenticate`.
//!
//! Input: a flags byte, then the rest.
//! - bit 0 clear: the rest is the header value, as raw bytes.
//! - bit 0 set: the target mints a valid HS256 token whose subject (and roles) come from
//!   the rest after its first byte, and writes it as `<scheme> 1*SP <token>`: bits 2-3
//!   pick the scheme's case, bits 4-5 the number of spaces, bit 6 puts a `kid` in the
//!   header, bit 7 adds trailing spaces. When the rest's first byte is not 0, one byte of
//!   the value is flipped.
//! - bit 1 set: a second `Authorization` header is sent: the value again (bit 7 set) or
//!   the raw rest.
//!
//! Properties: never a panic; never pending (the key is static); two headers are always
//! `invalid_request`; a value that does not name the Bearer scheme is always "missing
//! credentials" and one that does never is; an `Ok` only for a token signed with the key
//! whose claims obey every rule; and an unmodified minted token, alone, is always `Ok`.
#![no_main]

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum_warden_fuzz::{AUDIENCE, DEBUG, ISSUER, WARDENS, check_accepted, names_bearer_scheme, now, sign_hs256};
use axum_warden_runtime::{AuthError, Identity, InvalidRequest, TokenError};
use http::HeaderValue;
use http::header::AUTHORIZATION;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let minted = flags & 1 != 0;
    let (value, subject) = if minted {
        mint(flags, rest)
    } else {
        (rest.to_vec(), None)
    };
    let Ok(first) = HeaderValue::from_bytes(&value) else {
        return;
    };
    let second = if flags & 2 == 0 {
        None
    } else if flags & 0x80 != 0 {
        Some(first.clone())
    } else {
        match HeaderValue::from_bytes(rest) {
            Ok(v) => Some(v),
            Err(_) => return,
        }
    };

    let mut request = http::Request::new(());
    request.headers_mut().append(AUTHORIZATION, first);
    let two_headers = second.is_some();
    if let Some(second) = second {
        request.headers_mut().append(AUTHORIZATION, second);
    }
    let (parts, ()) = request.into_parts();

    let (profile, warden) = &WARDENS[0];
    let before = now();
    let result = poll_once(warden.authenticate(&parts));
    let after = now();
    if *DEBUG {
        eprintln!(
            "{:?} -> {:?}",
            String::from_utf8_lossy(&value),
            result.as_ref().map(Identity::subject)
        );
    }

    if two_headers {
        assert_eq!(
            result.err(),
            Some(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials)),
            "two Authorization headers"
        );
        return;
    }
    let bearer = names_bearer_scheme(&value);
    match &result {
        Err(AuthError::MissingCredentials) => assert!(!bearer, "a Bearer value was missing credentials"),
        _ => assert!(bearer, "a non-Bearer value was not missing credentials: {result:?}"),
    }
    match &result {
        Ok(identity) => {
            let token = std::str::from_utf8(&value[6..]).expect("accepted values are ASCII");
            let token = token.trim_matches(' ');
            assert!(
                !token.is_empty() && !token.contains(' '),
                "accepted a value that is not `Bearer 1*SP token`: {value:?}"
            );
            check_accepted(token, identity, profile, before, after);
        }
        Err(AuthError::InvalidRequest(_)) => {
            assert!(
                value.contains(&b','),
                "one credential without a comma was invalid_request"
            );
        }
        Err(AuthError::InvalidToken(_) | AuthError::MissingCredentials) => {}
        Err(other) => panic!("a static key answered {other:?}"),
    }
    if let Some(subject) = subject {
        match &result {
            Ok(identity) => assert_eq!(identity.subject(), subject),
            Err(AuthError::InvalidToken(TokenError::TooLarge)) => {}
            Err(e) => panic!("a freshly minted token was refused: {e:?} ({value:?})"),
        }
    }
});

/// Polls a future once with a no-op waker: the JWT path with a static key never pends.
fn poll_once(future: impl Future<Output = Result<Identity, AuthError>>) -> Result<Identity, AuthError> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("authenticate pended with a static key"),
    }
}

/// A header value carrying a freshly minted token, and the subject when the value was left
/// as minted (`None` after a byte flip, which may or may not break the token).
fn mint(flags: u8, rest: &[u8]) -> (Vec<u8>, Option<String>) {
    let (flip, text) = rest.split_first().map_or((0, &[][..]), |(&f, t)| (f, t));
    let subject = String::from_utf8_lossy(text).into_owned();
    let roles: Vec<&str> = subject.split(' ').filter(|r| !r.is_empty()).take(8).collect();
    let claims = json!({
        "sub": subject, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600, "roles": roles,
    });
    let header = if flags & 0x40 == 0 {
        json!({"alg": "HS256", "typ": "JWT"})
    } else {
        json!({"alg": "HS256", "kid": subject})
    };
    let token = sign_hs256(header.to_string().as_bytes(), claims.to_string().as_bytes());
    let scheme = ["Bearer", "bearer", "BEARER", "bEaReR"][usize::from(flags >> 2 & 3)];
    let spaces = " ".repeat(usize::from(flags >> 4 & 3) + 1);
    let mut value = format!("{scheme}{spaces}{token}").into_bytes();
    if flags & 0x80 != 0 {
        value.extend_from_slice(b"  ");
    }
    if flip == 0 {
        return (value, Some(subject));
    }
    let at = usize::from(flip) * 31 % value.len();
    value[at] ^= flip;
    (value, None)
}
