//! Reading a bearer credential from the `Authorization` header (RFC 6750 §2.1).

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::error::{AuthError, InvalidRequest, TokenError};

/// The bearer token of a request, borrowed from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BearerToken<'a>(pub(crate) &'a str);

/// Finds the one bearer credential of a request.
///
/// - no `Authorization` header, or one with another scheme → [`AuthError::MissingCredentials`]
///   (the route answers with a bare challenge, as RFC 6750 §3 asks);
/// - two `Authorization` headers, or one value carrying a list → [`AuthError::InvalidRequest`];
/// - `Bearer` followed by something that is not a `b64token` → [`AuthError::InvalidToken`].
///
/// The scheme is case-insensitive and separated from the token by one or more spaces.
/// The token's length is bounded by `max_len` before anything else looks at it.
///
/// The request path uses [`bearer_candidate`] and checks the characters only on a cache
/// miss; the answers are the same.
#[cfg(test)]
pub(crate) fn bearer(headers: &HeaderMap, max_len: usize) -> Result<BearerToken<'_>, AuthError> {
    bearer_candidate(headers, max_len)?.check()
}

/// A bearer credential whose scheme, count and length are checked but whose characters
/// are not yet: the verified-token cache holds only tokens that passed every check, so a
/// cache hit needs no second pass over the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate<'a>(&'a str);

impl<'a> Candidate<'a> {
    /// The credential as sent.
    pub(crate) fn as_str(self) -> &'a str {
        self.0
    }

    /// The remaining check: the `b64token` grammar.
    pub(crate) fn check(self) -> Result<BearerToken<'a>, AuthError> {
        check_b64token(self.0.as_bytes())?;
        Ok(BearerToken(self.0))
    }
}

/// [`bearer`] without the character check; see [`Candidate`].
pub(crate) fn bearer_candidate(headers: &HeaderMap, max_len: usize) -> Result<Candidate<'_>, AuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(AuthError::MissingCredentials);
    };
    if values.next().is_some() {
        return Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials));
    }
    candidate(value.as_bytes(), max_len)
}

#[cfg(test)]
pub(crate) fn parse_bearer(value: &[u8], max_len: usize) -> Result<BearerToken<'_>, AuthError> {
    candidate(value, max_len)?.check()
}

/// What a bearer header value may hold beyond the token: the scheme and the spaces around
/// the token. A longer value is refused before any byte of it is scanned.
pub(crate) const MAX_HEADER_OVERHEAD: usize = 1024;

fn candidate(value: &[u8], max_len: usize) -> Result<Candidate<'_>, AuthError> {
    const SCHEME: &[u8] = b"bearer";
    // `Bearer` followed by a space or the end; anything else (Basic, Digest, a bare token,
    // `Bearerx`) is not a bearer credential at all.
    let is_bearer = value
        .get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
        && value.get(SCHEME.len()).is_none_or(|&b| b == b' ');
    if !is_bearer {
        return Err(AuthError::MissingCredentials);
    }
    if value.len() > max_len.saturating_add(MAX_HEADER_OVERHEAD) {
        return Err(AuthError::InvalidToken(TokenError::TooLarge));
    }
    // The scheme ended at a space (or at the end), so `1*SP` is all that can precede the token.
    let token = trim_ascii_space(&value[SCHEME.len()..]);
    if token.len() > max_len {
        return Err(AuthError::InvalidToken(TokenError::TooLarge));
    }
    match std::str::from_utf8(token) {
        Ok(token) => Ok(Candidate(token)),
        // Not UTF-8, so not a b64token either: the check names the error.
        Err(_) => Err(check_b64token(token)
            .err()
            .unwrap_or(AuthError::InvalidToken(TokenError::Malformed))),
    }
}

/// The `b64token` check, with the error it earns: a comma (outside the grammar) means a
/// list of credentials.
fn check_b64token(token: &[u8]) -> Result<(), AuthError> {
    if is_b64token(token) {
        return Ok(());
    }
    if token.contains(&b',') {
        return Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials));
    }
    Err(AuthError::InvalidToken(TokenError::Malformed))
}

fn trim_ascii_space(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| b != b' ').map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// The bytes of a b64token before its padding, as a table: one load per byte on the
/// path every request takes.
const B64TOKEN_BODY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)]
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        b += 1;
    }
    table
};

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1).
fn is_b64token(token: &[u8]) -> bool {
    let body_len = token.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    body_len > 0 && token[..body_len].iter().all(|&b| B64TOKEN_BODY[usize::from(b)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TokenError;
    use http::HeaderValue;

    fn parse(v: &[u8]) -> Result<&str, AuthError> {
        parse_bearer(v, 8192).map(|t| t.0)
    }

    #[test]
    fn the_table_is_the_b64token_grammar() {
        for b in 0..=255u8 {
            let grammar = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
            assert_eq!(B64TOKEN_BODY[usize::from(b)], grammar, "byte {b:#04x}");
        }
    }

    #[test]
    fn accepts_any_case_and_several_spaces() {
        assert_eq!(parse(b"Bearer abc.def.ghi"), Ok("abc.def.ghi"));
        assert_eq!(parse(b"bEaReR   abc"), Ok("abc"));
        assert_eq!(parse(b"BEARER abc=="), Ok("abc=="));
    }

    #[test]
    fn other_schemes_are_missing_credentials() {
        for v in [
            &b"Basic dXNlcjpwYXNz"[..],
            b"Token abc",
            b"abc.def.ghi",
            b"Bearerabc",
            b"",
        ] {
            assert_eq!(parse(v), Err(AuthError::MissingCredentials), "{v:?}");
        }
    }

    #[test]
    fn malformed_bearer_is_invalid_token() {
        for v in [
            &b"Bearer"[..],
            b"Bearer ",
            b"Bearer a b",
            b"Bearer a\tb",
            b"Bearer ===",
            b"Bearer \xff",
        ] {
            assert_eq!(parse(v), Err(AuthError::InvalidToken(TokenError::Malformed)), "{v:?}");
        }
    }

    #[test]
    fn lists_are_several_credentials() {
        assert_eq!(
            parse(b"Bearer a, Bearer b"),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
    }

    #[test]
    fn size_cap_is_checked_first() {
        let long = format!("Bearer {}", "a".repeat(10));
        assert_eq!(
            parse_bearer(long.as_bytes(), 9),
            Err(AuthError::InvalidToken(TokenError::TooLarge))
        );
    }

    #[test]
    fn two_headers_are_an_invalid_request() {
        let mut headers = HeaderMap::new();
        headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer a"));
        headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer b"));
        assert_eq!(
            bearer(&headers, 100),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
        assert_eq!(bearer(&HeaderMap::new(), 100), Err(AuthError::MissingCredentials));
    }
}
