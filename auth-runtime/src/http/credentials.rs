//! Where a request carries its credential, and the rules every place follows: public, so
//! that a custom [`Authenticator`](crate::Authenticator) reads credentials exactly as the
//! built-in JWT path does instead of re-implementing RFC 6750.
//!
//! - [`bearer_token`] / [`parse_bearer`]: the `Authorization: Bearer` header (RFC 6750 §2.1);
//! - [`check_token`]: the length cap and the `b64token` grammar for a token found elsewhere;
//! - [`cookie`]: one named cookie, and [`cookie_allowed`], the cross-site request forgery
//!   rule a cookie-borne credential must pass;
//! - [`is_websocket_upgrade`], [`query_param`] and [`websocket_protocol_token`]: the places a
//!   browser's WebSocket can carry a token;
//! - [`single`]: a credential in more than one place is an invalid request (RFC 6750 §2).
//!
//! Every function answers with the [`AuthError`] the guard would answer with:
//! [`AuthError::MissingCredentials`] (401 with a bare challenge) when the place holds
//! nothing, [`AuthError::InvalidRequest`] (400) for two credentials, and
//! [`AuthError::InvalidToken`] (401) for a credential that is not a well-formed token.
//!
//! ```
//! use axum_warden_runtime::credentials;
//! use axum_warden_runtime::{AuthError, InvalidRequest};
//! use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc.def.ghi"));
//! assert_eq!(credentials::bearer_token(&headers, 8192), Ok("abc.def.ghi"));
//!
//! headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer xyz"));
//! assert_eq!(
//!     credentials::bearer_token(&headers, 8192),
//!     Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
//! );
//! ```

use http::header::{AUTHORIZATION, COOKIE, ORIGIN, SEC_WEBSOCKET_PROTOCOL, UPGRADE};
use http::request::Parts;
use http::{HeaderMap, Method, Uri};

use crate::error::{AuthError, InvalidRequest, TokenError};

/// The bearer token of the `Authorization` header, with every check of RFC 6750 §2.1.
///
/// - no `Authorization` header, or one with another scheme → [`AuthError::MissingCredentials`]
///   (the route answers with a bare challenge, as RFC 6750 §3 asks);
/// - two `Authorization` headers, or one value carrying a list → [`AuthError::InvalidRequest`];
/// - `Bearer` followed by something that is not a `b64token`, or a token longer than
///   `max_len` bytes → [`AuthError::InvalidToken`].
///
/// The scheme is case-insensitive and separated from the token by one or more spaces.
/// The token's length is bounded by `max_len` before anything else looks at it.
///
/// ```
/// use axum_warden_runtime::{AuthError, credentials};
/// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(credentials::bearer_token(&headers, 8192), Err(AuthError::MissingCredentials));
/// headers.insert(AUTHORIZATION, HeaderValue::from_static("bEaReR   abc"));
/// assert_eq!(credentials::bearer_token(&headers, 8192), Ok("abc"));
/// ```
///
/// # Errors
/// As listed above.
pub fn bearer_token(headers: &HeaderMap, max_len: usize) -> Result<&str, AuthError> {
    bearer_candidate(headers, max_len)?.check()
}

/// The bearer token of one `Authorization` header value, with the checks of
/// [`bearer_token`] that concern one value.
///
/// ```
/// use axum_warden_runtime::{AuthError, TokenError, credentials};
///
/// assert_eq!(credentials::parse_bearer(b"Bearer abc==", 8192), Ok("abc=="));
/// assert_eq!(credentials::parse_bearer(b"Basic dXNlcg==", 8192), Err(AuthError::MissingCredentials));
/// assert_eq!(
///     credentials::parse_bearer(b"Bearer a b", 8192),
///     Err(AuthError::InvalidToken(TokenError::Malformed))
/// );
/// ```
///
/// # Errors
/// As [`bearer_token`], but for one value.
pub fn parse_bearer(value: &[u8], max_len: usize) -> Result<&str, AuthError> {
    candidate(value, max_len)?.check()
}

/// A token found outside the `Authorization` header (a cookie, a query parameter, a
/// WebSocket subprotocol), checked as a bearer token is: at most `max_len` bytes, then the
/// `b64token` grammar of RFC 6750 §2.1 (`1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`).
///
/// ```
/// use axum_warden_runtime::{AuthError, TokenError, credentials};
///
/// assert_eq!(credentials::check_token("eyJ.eyJ.sig", 8192), Ok("eyJ.eyJ.sig"));
/// assert_eq!(credentials::check_token("a%2Eb", 8192), Err(AuthError::InvalidToken(TokenError::Malformed)));
/// assert_eq!(credentials::check_token("abcd", 3), Err(AuthError::InvalidToken(TokenError::TooLarge)));
/// ```
///
/// # Errors
/// [`AuthError::InvalidToken`] with [`TokenError::TooLarge`] or [`TokenError::Malformed`],
/// and [`AuthError::InvalidRequest`] for a comma (a list of credentials).
pub fn check_token(token: &str, max_len: usize) -> Result<&str, AuthError> {
    Candidate::sized(token, max_len)?.check()
}

/// The one credential among the places a request may carry it.
///
/// RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each
/// request." None → [`AuthError::MissingCredentials`]; more than one →
/// [`AuthError::InvalidRequest`] (400 `invalid_request`).
///
/// ```
/// use axum_warden_runtime::{AuthError, InvalidRequest, credentials};
///
/// assert_eq!(credentials::single([None, Some("from-cookie")]), Ok("from-cookie"));
/// assert_eq!(credentials::single::<&str>([None, None]), Err(AuthError::MissingCredentials));
/// assert_eq!(
///     credentials::single([Some("from-header"), Some("from-cookie")]),
///     Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
/// );
/// ```
///
/// # Errors
/// As listed above.
pub fn single<T>(places: impl IntoIterator<Item = Option<T>>) -> Result<T, AuthError> {
    let mut found = places.into_iter().flatten();
    let first = found.next().ok_or(AuthError::MissingCredentials)?;
    match found.next() {
        Some(_) => Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials)),
        None => Ok(first),
    }
}

/// The value of the cookie `name`, from every `Cookie` header of the request (HTTP/2
/// sends one per cookie).
///
/// `None` when no cookie has that name. The name is compared exactly; a value in double
/// quotes (RFC 6265 §4.1.1) is returned without them. A second cookie of the same name is
/// [`AuthError::InvalidRequest`]: a sibling subdomain can set a cookie for a parent
/// domain, and a server cannot tell which of the two is its own.
///
/// ```
/// use axum_warden_runtime::{AuthError, InvalidRequest, credentials};
/// use http::{HeaderMap, HeaderValue, header::COOKIE};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(COOKIE, HeaderValue::from_static("theme=dark; session=abc.def.ghi"));
/// assert_eq!(credentials::cookie(&headers, "session"), Ok(Some("abc.def.ghi")));
/// assert_eq!(credentials::cookie(&headers, "other"), Ok(None));
///
/// headers.append(COOKIE, HeaderValue::from_static("session=xyz"));
/// assert_eq!(
///     credentials::cookie(&headers, "session"),
///     Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
/// );
/// ```
///
/// # Errors
/// [`AuthError::InvalidRequest`] for two cookies of that name.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, AuthError> {
    let pairs = headers
        .get_all(COOKIE)
        .iter()
        // A header that is not visible ASCII carries no cookie this crate set.
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim_matches(' ').split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, value)| {
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
        });
    single_or_none(pairs)
}

/// Whether a credential read from a cookie may authenticate this request: the rule that
/// keeps a cookie-borne token from opening a cross-site request forgery hole.
///
/// A browser attaches cookies to requests that other sites start (a form posted to your
/// API, a WebSocket opened by their script). So the cookie counts:
///
/// - on `GET`, `HEAD` and `OPTIONS` requests, which must not change anything; except
/// - on a WebSocket upgrade (a `GET` that opens a channel both ways), and on every other
///   method, only when the browser says the request comes from the same origin
///   (`Sec-Fetch-Site: same-origin`), or when its `Origin` header equals one of
///   `trusted_origins` exactly (`https://app.example.com`: scheme, host and port, no
///   path and no trailing slash).
///
/// A request that sends neither header with an unsafe method is refused too: every
/// browser in use sends `Origin` on a cross-origin `POST` and on every WebSocket
/// handshake, so a request without one did not come from a page, and a non-browser client
/// should send its token in the `Authorization` header.
///
/// ```
/// use axum_warden_runtime::credentials;
/// use http::Request;
///
/// let head = |method: &str, header: Option<(&str, &str)>| {
///     let mut request = Request::builder().method(method).uri("/orders");
///     if let Some((name, value)) = header {
///         request = request.header(name, value);
///     }
///     request.body(()).expect("a request").into_parts().0
/// };
/// let trusted = ["https://app.example.com"];
/// assert!(credentials::cookie_allowed(&head("GET", None), &trusted));
/// assert!(credentials::cookie_allowed(&head("POST", Some(("sec-fetch-site", "same-origin"))), &trusted));
/// assert!(credentials::cookie_allowed(&head("POST", Some(("origin", "https://app.example.com"))), &trusted));
/// assert!(!credentials::cookie_allowed(&head("POST", Some(("origin", "https://evil.example"))), &trusted));
/// assert!(!credentials::cookie_allowed(&head("DELETE", Some(("sec-fetch-site", "cross-site"))), &trusted));
/// assert!(!credentials::cookie_allowed(&head("POST", None), &trusted));
/// ```
pub fn cookie_allowed<S: AsRef<str>>(parts: &Parts, trusted_origins: &[S]) -> bool {
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if safe && !is_websocket_upgrade(parts) {
        return true;
    }
    if parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"same-origin")
    {
        return true;
    }
    let mut origins = parts.headers.get_all(ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (Some(origin), None) => trusted_origins
            .iter()
            .any(|trusted| trusted.as_ref().as_bytes() == origin.as_bytes()),
        _ => false,
    }
}

/// Whether the request asks to open a WebSocket (RFC 6455 §4.1): a `GET` whose `Upgrade`
/// header names `websocket` (case-insensitively).
///
/// Only such a request may carry a token in the query or in `Sec-WebSocket-Protocol`:
/// anywhere else a token in the URL ends up in logs, histories and `Referer` headers.
/// WebSockets over HTTP/2 (RFC 8441, a `CONNECT` with a `:protocol` pseudo-header) are not
/// recognised.
///
/// ```
/// use axum_warden_runtime::credentials;
/// use http::Request;
///
/// let upgrade = Request::get("/ws").header("upgrade", "websocket").body(()).expect("a request");
/// assert!(credentials::is_websocket_upgrade(&upgrade.into_parts().0));
/// let plain = Request::get("/ws").body(()).expect("a request");
/// assert!(!credentials::is_websocket_upgrade(&plain.into_parts().0));
/// ```
#[must_use]
pub fn is_websocket_upgrade(parts: &Parts) -> bool {
    parts.method == Method::GET
        && parts.headers.get_all(UPGRADE).iter().any(|value| {
            value
                .as_bytes()
                .split(|&b| b == b',')
                .any(|protocol| protocol.trim_ascii().eq_ignore_ascii_case(b"websocket"))
        })
}

/// The value of the query parameter `name` of `uri`, as sent: not percent-decoded (a JWT
/// needs no encoding, and a token that was encoded fails [`check_token`]).
///
/// `None` when the query has no such parameter; a parameter given twice is
/// [`AuthError::InvalidRequest`].
///
/// ```
/// use axum_warden_runtime::credentials;
/// use http::Uri;
///
/// let uri: Uri = "/ws?room=7&access_token=abc.def.ghi".parse().expect("a URI");
/// assert_eq!(credentials::query_param(&uri, "access_token"), Ok(Some("abc.def.ghi")));
/// assert_eq!(credentials::query_param(&uri, "token"), Ok(None));
/// ```
///
/// # Errors
/// [`AuthError::InvalidRequest`] for a parameter given twice.
pub fn query_param<'a>(uri: &'a Uri, name: &str) -> Result<Option<&'a str>, AuthError> {
    let Some(query) = uri.query() else {
        return Ok(None);
    };
    single_or_none(
        query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .filter(|(n, _)| *n == name)
            .map(|(_, value)| value),
    )
}

/// The subprotocol that announces a token in `Sec-WebSocket-Protocol`: a browser opens
/// `new WebSocket(url, ["bearer", token])`, and the server selects `bearer` in its answer
/// (axum: `WebSocketUpgrade::protocols(["bearer"])`), which a browser requires before it
/// opens the connection.
pub const WEBSOCKET_PROTOCOL: &str = "bearer";

/// The token a WebSocket handshake offers as the subprotocol that follows
/// [`WEBSOCKET_PROTOCOL`] in `Sec-WebSocket-Protocol`: `bearer, <token>`, among any other
/// subprotocols the client offers.
///
/// `None` when no offered subprotocol is `bearer`. `bearer` offered twice is
/// [`AuthError::InvalidRequest`]; `bearer` as the last offer, with no token after it,
/// is [`AuthError::InvalidToken`].
///
/// ```
/// use axum_warden_runtime::credentials;
/// use http::{HeaderMap, HeaderValue, header::SEC_WEBSOCKET_PROTOCOL};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static("chat.v1, bearer, abc.def.ghi"));
/// assert_eq!(credentials::websocket_protocol_token(&headers), Ok(Some("abc.def.ghi")));
/// ```
///
/// # Errors
/// As listed above.
pub fn websocket_protocol_token(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let mut offers = headers
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|offer| offer.trim_matches([' ', '\t']));
    let mut token = None;
    while offers.by_ref().any(|offer| offer == WEBSOCKET_PROTOCOL) {
        let Some(offered) = offers.next() else {
            return Err(AuthError::InvalidToken(TokenError::Malformed));
        };
        if token.replace(offered).is_some() {
            return Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials));
        }
    }
    Ok(token)
}

/// The one item of `items`, `None` for none, [`InvalidRequest::SeveralCredentials`] for more.
fn single_or_none<T>(mut items: impl Iterator<Item = T>) -> Result<Option<T>, AuthError> {
    let first = items.next();
    if first.is_some() && items.next().is_some() {
        return Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials));
    }
    Ok(first)
}

/// A bearer credential whose scheme, count and length are checked but whose characters
/// are not yet (not even that they are UTF-8): the verified-token cache holds only tokens
/// that passed every check and is looked up by bytes, so a cache hit needs no pass over
/// the token besides the lookup's own comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate<'a>(&'a [u8]);

impl<'a> Candidate<'a> {
    /// A token found outside the header, its length checked.
    pub(crate) fn sized(token: &'a str, max_len: usize) -> Result<Self, AuthError> {
        if token.len() > max_len {
            return Err(AuthError::InvalidToken(TokenError::TooLarge));
        }
        Ok(Self(token.as_bytes()))
    }

    /// The credential as sent.
    pub(crate) fn as_bytes(self) -> &'a [u8] {
        self.0
    }

    /// The remaining check: the `b64token` grammar (ASCII, so the token is text).
    pub(crate) fn check(self) -> Result<&'a str, AuthError> {
        check_b64token(self.0)?;
        std::str::from_utf8(self.0).map_err(|_| AuthError::InvalidToken(TokenError::Malformed))
    }
}

/// [`bearer_token`] without the character check; see [`Candidate`].
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

/// The token of `Authorization: DPoP <token>` (RFC 9449 §7.1), its length checked: `None`
/// when the header is absent or names another scheme; two headers are two credentials.
pub(crate) fn dpop_candidate(headers: &HeaderMap, max_len: usize) -> Result<Option<Candidate<'_>>, AuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials));
    }
    match scheme_candidate(value.as_bytes(), b"dpop", max_len) {
        Ok(candidate) => Ok(Some(candidate)),
        Err(AuthError::MissingCredentials) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether the request's one `Authorization` header names the `DPoP` scheme.
pub(crate) fn is_dpop_scheme(headers: &HeaderMap) -> bool {
    headers
        .get(AUTHORIZATION)
        .is_some_and(|value| names_scheme(value.as_bytes(), b"dpop"))
}

/// What a bearer header value may hold beyond the token: the scheme and the spaces around
/// the token. A longer value is refused before any byte of it is scanned.
pub(crate) const MAX_HEADER_OVERHEAD: usize = 1024;

fn candidate(value: &[u8], max_len: usize) -> Result<Candidate<'_>, AuthError> {
    scheme_candidate(value, b"bearer", max_len)
}

/// Whether a header value starts with `scheme` (lower case), in any case, followed by a
/// space or the end.
fn names_scheme(value: &[u8], scheme: &[u8]) -> bool {
    value
        .get(..scheme.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        && value.get(scheme.len()).is_none_or(|&b| b == b' ')
}

/// The token of a header value of `scheme` (lower case): `MissingCredentials` for another
/// scheme.
fn scheme_candidate<'v>(value: &'v [u8], scheme: &[u8], max_len: usize) -> Result<Candidate<'v>, AuthError> {
    // The scheme followed by a space or the end; anything else (Basic, Digest, a bare
    // token, `Bearerx`) is not a credential of this scheme at all.
    if !names_scheme(value, scheme) {
        return Err(AuthError::MissingCredentials);
    }
    if value.len() > max_len.saturating_add(MAX_HEADER_OVERHEAD) {
        return Err(AuthError::InvalidToken(TokenError::TooLarge));
    }
    // The scheme ended at a space (or at the end), so `1*SP` is all that can precede the token.
    let token = trim_ascii_space(&value[scheme.len()..]);
    if token.len() > max_len {
        return Err(AuthError::InvalidToken(TokenError::TooLarge));
    }
    Ok(Candidate(token))
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

/// Whether `b` may appear in a b64token before its padding: ALPHA / DIGIT / "-" / "." /
/// "_" / "~" / "+" / "/".
///
/// Comparisons rather than a table, so that [`is_b64token`] checks many bytes per
/// instruction: a table costs one dependent load per byte, which on a 400-byte token was
/// 4 % of a first verification.
#[inline]
const fn is_b64token_body(b: u8) -> bool {
    // ASCII letters are those whose lowercase form is a lowercase letter; `| 0x20` sends
    // no other byte there.
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'-') | (b == b'.') | (b == b'_') | (b == b'~') | (b == b'+') | (b == b'/')
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1).
fn is_b64token(token: &[u8]) -> bool {
    let body_len = token.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    // Each chunk is checked whole, without a branch per byte, so the compiler checks it
    // with vector instructions; a bad chunk ends the check.
    body_len > 0
        && token[..body_len]
            .chunks(32)
            .all(|chunk| chunk.iter().fold(true, |valid, &b| valid & is_b64token_body(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TokenError;
    use http::HeaderValue;

    fn parse(v: &[u8]) -> Result<&str, AuthError> {
        parse_bearer(v, 8192)
    }

    #[test]
    fn the_byte_check_is_the_b64token_grammar() {
        for b in 0..=255u8 {
            let grammar = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
            assert_eq!(is_b64token_body(b), grammar, "byte {b:#04x}");
        }
    }

    /// The chunked check against the grammar read byte by byte, for every byte at the
    /// edges of the chunks and of the padding.
    #[test]
    fn one_bad_byte_anywhere_fails_the_token() {
        let reference = |token: &[u8]| {
            let body = token.len() - token.iter().rev().take_while(|&&b| b == b'=').count();
            body > 0
                && token[..body]
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
        };
        for len in [1_usize, 31, 32, 33, 64, 65, 100] {
            for padding in [0, 1, 2] {
                for at in [0, len / 2, len.saturating_sub(1), 31, 32, 63, 64]
                    .into_iter()
                    .filter(|&at| at < len)
                {
                    for b in 0..=255u8 {
                        let mut token = vec![b'a'; len];
                        token[at] = b;
                        token.extend(std::iter::repeat_n(b'=', padding));
                        assert_eq!(
                            is_b64token(&token),
                            reference(&token),
                            "{b:#04x} at {at} of {len}+{padding}"
                        );
                    }
                }
            }
        }
        assert!(!is_b64token(b"") && !is_b64token(b"==") && !is_b64token(b"a=b"));
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
            bearer_token(&headers, 100),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
        assert_eq!(bearer_token(&HeaderMap::new(), 100), Err(AuthError::MissingCredentials));
    }

    fn with(name: http::HeaderName, values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(name.clone(), HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn cookies_are_found_by_exact_name_in_every_header() {
        let headers = with(COOKIE, &["a=1; sessionx=2", "session=\"abc\""]);
        assert_eq!(cookie(&headers, "session"), Ok(Some("abc")));
        assert_eq!(cookie(&headers, "Session"), Ok(None));
        let twice = with(COOKIE, &["session=a; session=b"]);
        assert_eq!(
            cookie(&twice, "session"),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
        let bad = [HeaderValue::from_bytes(b"session=\xff").expect("opaque bytes")];
        let mut opaque = HeaderMap::new();
        opaque.insert(COOKIE, bad[0].clone());
        assert_eq!(cookie(&opaque, "session"), Ok(None));
    }

    #[test]
    fn query_parameters_are_found_once_and_as_sent() {
        let uri: Uri = "/ws?a=1&access_token=x%2Ey&b".parse().expect("a URI");
        assert_eq!(query_param(&uri, "access_token"), Ok(Some("x%2Ey")));
        assert_eq!(query_param(&uri, "b"), Ok(Some("")));
        let twice: Uri = "/ws?access_token=a&access_token=b".parse().expect("a URI");
        assert_eq!(
            query_param(&twice, "access_token"),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
        let none: Uri = "/ws".parse().expect("a URI");
        assert_eq!(query_param(&none, "access_token"), Ok(None));
    }

    #[test]
    fn the_subprotocol_token_follows_bearer() {
        let headers = with(SEC_WEBSOCKET_PROTOCOL, &["chat", "bearer,tok"]);
        assert_eq!(websocket_protocol_token(&headers), Ok(Some("tok")));
        assert_eq!(
            websocket_protocol_token(&with(SEC_WEBSOCKET_PROTOCOL, &["chat"])),
            Ok(None)
        );
        assert_eq!(
            websocket_protocol_token(&with(SEC_WEBSOCKET_PROTOCOL, &["chat, bearer"])),
            Err(AuthError::InvalidToken(TokenError::Malformed))
        );
        assert_eq!(
            websocket_protocol_token(&with(SEC_WEBSOCKET_PROTOCOL, &["bearer, a, bearer, b"])),
            Err(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials))
        );
        // The comparison is exact, as subprotocol names are (RFC 6455 §4.1).
        assert_eq!(
            websocket_protocol_token(&with(SEC_WEBSOCKET_PROTOCOL, &["Bearer, a"])),
            Ok(None)
        );
    }

    #[test]
    fn a_websocket_upgrade_is_not_a_safe_method_for_a_cookie() {
        let request = http::Request::get("/ws")
            .header(UPGRADE, "WebSocket")
            .header(ORIGIN, "https://evil.example")
            .body(())
            .expect("a request");
        let parts = request.into_parts().0;
        assert!(is_websocket_upgrade(&parts));
        assert!(!cookie_allowed(&parts, &["https://app.example"]));
        assert!(cookie_allowed(&parts, &["https://evil.example"]));
    }

    #[test]
    fn two_origins_are_not_trusted() {
        let request = http::Request::post("/")
            .header(ORIGIN, "https://app.example")
            .header(ORIGIN, "https://app.example")
            .body(())
            .expect("a request");
        assert!(!cookie_allowed(&request.into_parts().0, &["https://app.example"]));
    }
}
