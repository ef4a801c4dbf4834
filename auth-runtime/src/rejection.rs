//! The guard's answers: status, `WWW-Authenticate` challenge (RFC 6750 §3), RFC 9457
//! problem details, `Cache-Control: no-store`.

use std::fmt::Write as _;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::config::Warden;
use crate::error::{AuthError, TokenError};

/// A `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
///
/// Every parameter is a quoted string restricted to the characters RFC 6750 allows in it;
/// anything else is dropped, so no input can break the header or smuggle a parameter.
///
/// ```
/// use axum_warden_runtime::Challenge;
///
/// let value = Challenge::new("api").error("insufficient_scope").scope(["orders:read"]).to_string();
/// assert_eq!(value, r#"Bearer realm="api", error="insufficient_scope", scope="orders:read""#);
///
/// let hostile = Challenge::new("api").error_description("x\", error=\"none\r\n").to_string();
/// assert_eq!(hostile, r#"Bearer realm="api", error_description="x, error=none""#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Challenge {
    realm: String,
    error: Option<String>,
    error_description: Option<String>,
    scope: Option<String>,
}

impl Challenge {
    /// A challenge for `realm`.
    pub fn new(realm: &str) -> Self {
        Self {
            realm: realm.to_owned(),
            ..Self::default()
        }
    }

    /// Sets the `error` code (`invalid_request`, `invalid_token`, `insufficient_scope`).
    pub fn error(mut self, code: &str) -> Self {
        self.error = Some(code.to_owned());
        self
    }

    /// Sets a human-readable `error_description`.
    pub fn error_description(mut self, text: &str) -> Self {
        self.error_description = Some(text.to_owned());
        self
    }

    /// Sets the `scope` parameter: the scopes that would grant access.
    pub fn scope<'a>(mut self, scopes: impl IntoIterator<Item = &'a str>) -> Self {
        let mut joined = String::new();
        for scope in scopes {
            let scope: String = scope.chars().filter(|&c| is_nqchar(c)).collect();
            if !scope.is_empty() {
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(&scope);
            }
        }
        self.scope = Some(joined);
        self
    }

    /// The header value. Never fails: every character outside the allowed sets was dropped.
    #[must_use]
    pub fn to_header_value(&self) -> HeaderValue {
        let text = self.to_string();
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::from("Bearer");
        let mut param = |name: &str, value: &str, allowed: fn(char) -> bool| {
            let sep = if out.len() == "Bearer".len() { " " } else { ", " };
            let _ = write!(out, "{sep}{name}=\"");
            out.extend(value.chars().filter(|&c| allowed(c)));
            out.push('"');
        };
        param("realm", &self.realm, is_description_char);
        if let Some(error) = &self.error {
            param("error", error, is_description_char);
        }
        if let Some(text) = &self.error_description {
            param("error_description", text, is_description_char);
        }
        if let Some(scope) = &self.scope {
            param("scope", scope, |c| c == ' ' || is_nqchar(c));
        }
        f.write_str(&out)
    }
}

/// `%x20-21 / %x23-5B / %x5D-7E` (RFC 6750 §3 for `error`, `error_description`, realm).
fn is_description_char(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

/// `%x21 / %x23-5B / %x5D-7E` (RFC 6749 §3.3 scope-token).
fn is_nqchar(c: char) -> bool {
    c != ' ' && is_description_char(c)
}

/// The challenges that do not depend on the route, rendered once at startup so that a
/// refusal copies a reference-counted header instead of formatting one.
#[derive(Debug, Clone)]
pub(crate) struct Challenges {
    bare: HeaderValue,
    invalid_request: HeaderValue,
    invalid_token: HeaderValue,
    insufficient_scope: HeaderValue,
    realm: String,
    /// The complete header block of each answer that does not depend on the route, with
    /// the body it goes with: a refusal clones one map instead of hashing four names into
    /// a new one (`Content-Length` included, so axum adds nothing).
    blocks: Vec<(&'static str, HeaderValue, HeaderMap)>,
}

impl Challenges {
    /// The prebuilt headers of the answer to `error`, when it has a prebuilt one (every
    /// refusal but 503 and a 403 that names scopes).
    ///
    /// Picks the challenge by reference rather than building it, and matches the body by
    /// address first: this is the anonymous-flood path, where a header value clone and two
    /// string comparisons are a noticeable share of the answer.
    fn prebuilt(&self, error: &AuthError) -> Option<&HeaderMap> {
        let challenge = match error {
            AuthError::MissingCredentials => &self.bare,
            AuthError::InvalidRequest(_) => &self.invalid_request,
            AuthError::InvalidToken(_) => &self.invalid_token,
            AuthError::InsufficientScope { requirement } if requirement.challenge_scopes().is_none() => {
                &self.insufficient_scope
            }
            AuthError::Forbidden { .. } => &self.insufficient_scope,
            AuthError::InsufficientScope { .. } | AuthError::Unavailable { .. } => return None,
        };
        let body = problem_body(error);
        self.blocks
            .iter()
            .find_map(|(b, c, headers)| ((std::ptr::eq(*b, body) || *b == body) && c == challenge).then_some(headers))
    }
}

/// The headers of a refusal (not 503) whose body is `body`.
fn block(challenge: HeaderValue, body: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert(WWW_AUTHENTICATE, challenge);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers
}

impl Challenges {
    /// `None` when `realm` has characters a challenge cannot carry.
    pub(crate) fn new(realm: &str) -> Option<Self> {
        if realm.is_empty() || !realm.chars().all(is_description_char) {
            return None;
        }
        let make = |c: Challenge| c.to_header_value();
        let bare = make(Challenge::new(realm));
        let invalid_request = make(Challenge::new(realm).error("invalid_request"));
        let invalid_token = make(Challenge::new(realm).error("invalid_token"));
        let insufficient_scope = make(Challenge::new(realm).error("insufficient_scope"));
        let blocks = [
            (&bare, AuthError::MissingCredentials),
            (
                &invalid_request,
                AuthError::InvalidRequest(crate::credentials::InvalidRequest::SeveralCredentials),
            ),
            (&invalid_token, AuthError::InvalidToken(TokenError::Expired)),
            (&invalid_token, AuthError::InvalidToken(TokenError::Malformed)),
            (
                &insufficient_scope,
                AuthError::InsufficientScope {
                    requirement: crate::requirement::Requirement::Authenticated,
                },
            ),
            (&insufficient_scope, AuthError::Forbidden { policy: "" }),
        ]
        .into_iter()
        .map(|(challenge, error)| {
            let body = problem_body(&error);
            (body, challenge.clone(), block(challenge.clone(), body))
        })
        .collect();
        Some(Self {
            bare,
            invalid_request,
            invalid_token,
            insufficient_scope,
            realm: realm.to_owned(),
            blocks,
        })
    }
}

/// A refusal by the guard or by the [`Identity`](crate::Identity) and
/// [`Claims`](crate::Claims) extractors.
///
/// Renders through the application's renderer when one is configured
/// ([`WardenBuilder::renderer`](crate::WardenBuilder::renderer)), else as
/// [`default_response`](Self::default_response).
#[derive(Debug)]
pub struct Rejection {
    error: AuthError,
    warden: Option<Warden>,
    head: bool,
}

impl Rejection {
    pub(crate) fn new(error: AuthError, warden: Option<Warden>, method: &Method) -> Self {
        Self {
            error,
            warden,
            head: method == Method::HEAD,
        }
    }

    /// Why the request was refused.
    #[must_use]
    pub fn error(&self) -> &AuthError {
        &self.error
    }

    /// The HTTP status of the default answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.error {
            AuthError::MissingCredentials | AuthError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            AuthError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            AuthError::InsufficientScope { .. } | AuthError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AuthError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether the request was a `HEAD` (whose answer carries no body).
    #[must_use]
    pub fn is_head(&self) -> bool {
        self.head
    }

    /// The `WWW-Authenticate` value of the default answer (`None` for 503).
    #[must_use]
    pub fn challenge(&self) -> Option<HeaderValue> {
        let fallback;
        let challenges = match &self.warden {
            Some(w) => w.challenges(),
            None => {
                fallback = Challenges::new(crate::config::DEFAULT_REALM)?;
                &fallback
            }
        };
        Some(match &self.error {
            AuthError::MissingCredentials => challenges.bare.clone(),
            AuthError::InvalidRequest(_) => challenges.invalid_request.clone(),
            AuthError::InvalidToken(_) => challenges.invalid_token.clone(),
            AuthError::InsufficientScope { requirement } => match requirement.challenge_scopes() {
                Some(scopes) => Challenge::new(&challenges.realm)
                    .error("insufficient_scope")
                    .scope(scopes.iter().copied())
                    .to_header_value(),
                None => challenges.insufficient_scope.clone(),
            },
            AuthError::Forbidden { .. } => challenges.insufficient_scope.clone(),
            AuthError::Unavailable { .. } => return None,
        })
    }

    /// The built-in answer: status, challenge, `Cache-Control: no-store`, and an RFC 9457
    /// `application/problem+json` body (none for `HEAD`).
    #[must_use]
    pub fn default_response(&self) -> Response {
        let status = self.status();
        if !self.head
            && let Some(warden) = &self.warden
            && let Some(headers) = warden.challenges().prebuilt(&self.error)
        {
            let mut response = Response::new(Body::from(problem_body(&self.error)));
            *response.status_mut() = status;
            *response.headers_mut() = headers.clone();
            return response;
        }
        let challenge = self.challenge();
        let body = if self.head {
            Body::empty()
        } else {
            Body::from(problem_body(&self.error))
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if let Some(challenge) = challenge {
            headers.insert(WWW_AUTHENTICATE, challenge);
        }
        if let AuthError::Unavailable { retry_after } = self.error {
            headers.insert(RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
        }
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self.warden.as_ref().and_then(Warden::renderer) {
            Some(render) => {
                // A refusal depends on the credentials, so no cache may keep it, whatever
                // the renderer says.
                let mut response = render(&self);
                response
                    .headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            None => self.default_response(),
        }
    }
}

/// The problem details of a 403 from a policy, route-level or per object.
pub(crate) const FORBIDDEN_BODY: &str =
    r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"The caller may not access this resource."}"#;

/// Problem details that name the kind of refusal and nothing about the token, the key or
/// the check that failed (an expired token is the one case worth telling a client: it
/// should refresh rather than re-authenticate).
fn problem_body(error: &AuthError) -> &'static str {
    match error {
        AuthError::MissingCredentials => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"This resource requires a bearer token."}"#
        }
        AuthError::InvalidRequest(_) => {
            r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"The request carries more than one credential."}"#
        }
        AuthError::InvalidToken(TokenError::Expired) => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The bearer token has expired."}"#
        }
        AuthError::InvalidToken(_) => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The bearer token is not valid."}"#
        }
        AuthError::InsufficientScope { .. } => {
            r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"The bearer token does not grant access to this resource."}"#
        }
        AuthError::Forbidden { .. } => FORBIDDEN_BODY,
        AuthError::Unavailable { .. } => {
            r#"{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"Credentials cannot be verified right now; try again later."}"#
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The prebuilt header blocks are what the general path writes, plus `Content-Length`.
    #[test]
    fn prebuilt_answers_equal_the_general_ones() {
        let warden = Warden::builder().hmac_secret(vec![7; 32]).build().expect("valid");
        let errors = [
            AuthError::MissingCredentials,
            AuthError::InvalidRequest(crate::credentials::InvalidRequest::SeveralCredentials),
            AuthError::InvalidToken(TokenError::Expired),
            AuthError::InvalidToken(TokenError::BadSignature),
            AuthError::InsufficientScope {
                requirement: crate::requirement::Requirement::Authenticated,
            },
            AuthError::Forbidden { policy: "P" },
        ];
        for error in errors {
            let fast = Rejection::new(error.clone(), Some(warden.clone()), &Method::GET).default_response();
            let general = Rejection::new(error.clone(), None, &Method::GET).default_response();
            let body = problem_body(&error);
            assert_eq!(fast.status(), general.status(), "{error:?}");
            assert_eq!(
                fast.headers()[CONTENT_LENGTH],
                body.len().to_string().as_str(),
                "{error:?}"
            );
            let mut fast_headers = fast.headers().clone();
            fast_headers.remove(CONTENT_LENGTH);
            assert_eq!(&fast_headers, general.headers(), "{error:?}");
        }
    }

    /// A minimal parser for `Bearer k="v", k="v"` that accepts only what RFC 6750 allows.
    fn parse(value: &str) -> Option<Vec<(String, String)>> {
        let rest = value.strip_prefix("Bearer ")?;
        let mut params = Vec::new();
        let mut rest = rest;
        loop {
            let eq = rest.find('=')?;
            let name = &rest[..eq];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let after = rest[eq + 1..].strip_prefix('"')?;
            let end = after.find('"')?;
            let val = &after[..end];
            if val.contains('\\') {
                return None;
            }
            params.push((name.to_owned(), val.to_owned()));
            rest = &after[end + 1..];
            if rest.is_empty() {
                return Some(params);
            }
            rest = rest.strip_prefix(", ")?;
        }
    }

    proptest! {
        #[test]
        fn any_description_yields_a_parseable_challenge(desc in any::<String>(), scopes in proptest::collection::vec(any::<String>(), 0..4)) {
            let challenge = Challenge::new("api")
                .error("invalid_token")
                .error_description(&desc)
                .scope(scopes.iter().map(String::as_str));
            let value = challenge.to_header_value();
            let text = value.to_str().expect("visible ASCII");
            let params = parse(text).expect("parses");
            prop_assert_eq!(params.len(), 4);
            prop_assert_eq!(&params[0], &("realm".to_owned(), "api".to_owned()));
            prop_assert_eq!(&params[1].1, "invalid_token");
            prop_assert!(params[2].1.chars().all(is_description_char));
            prop_assert!(params[3].1.chars().all(|c| c == ' ' || is_nqchar(c)));
            prop_assert!(!params[3].1.starts_with(' ') && !params[3].1.ends_with(' ') && !params[3].1.contains("  "));
        }
    }

    #[test]
    fn bodies_are_problem_json_with_matching_status() {
        use crate::requirement::Requirement;
        for error in [
            AuthError::MissingCredentials,
            AuthError::InvalidRequest(crate::credentials::InvalidRequest::SeveralCredentials),
            AuthError::InvalidToken(TokenError::Expired),
            AuthError::InvalidToken(TokenError::BadSignature),
            AuthError::InsufficientScope {
                requirement: Requirement::Authenticated,
            },
            AuthError::Unavailable {
                retry_after: std::time::Duration::from_secs(5),
            },
        ] {
            let rejection = Rejection::new(error.clone(), None, &Method::GET);
            let body: serde_json::Value = serde_json::from_str(problem_body(&error)).expect("json");
            assert_eq!(body["status"], rejection.status().as_u16());
            assert_eq!(body["title"], rejection.status().canonical_reason().expect("phrase"));
        }
    }

    #[test]
    fn realms_outside_the_charset_are_refused() {
        assert!(Challenges::new("my api").is_some());
        assert!(Challenges::new("a\"b").is_none());
        assert!(Challenges::new("").is_none());
        assert!(Challenges::new("é").is_none());
    }
}
