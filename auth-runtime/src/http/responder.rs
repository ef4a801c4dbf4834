//! The guard's answers: status, `WWW-Authenticate` challenge (RFC 6750 §3), RFC 9457
//! problem details, `Cache-Control: no-store`, and the application's renderer.
//!
//! Every refusal the crate writes goes through [`render`]: the guard's and the identity
//! extractors' ([`Rejection`]), a policy's, and a handler's per-object 403
//! ([`Denied`](crate::Denied)).

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use super::challenge::{Challenge, is_description_char};
use crate::defaults::DEFAULT_REALM;
use crate::error::{AuthError, InvalidRequest, TokenError};
use crate::requirement::{Requirement, StepUp};

/// How an application renders refusals instead of the built-in answer.
pub(crate) type Renderer = Arc<dyn Fn(&Rejection) -> Response + Send + Sync>;

/// What a refusal needs to answer: the prebuilt challenges of a realm and the
/// application's renderer. Small and shared: a refusal holds this, not the warden.
pub(crate) struct Responder {
    challenges: Challenges,
    renderer: Option<Renderer>,
}

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("realm", &self.challenges.start.realm)
            .field("renderer", &self.renderer.is_some())
            .finish()
    }
}

impl Responder {
    pub(crate) fn new(challenges: Challenges, renderer: Option<Renderer>) -> Arc<Self> {
        Arc::new(Self { challenges, renderer })
    }

    pub(crate) fn realm(&self) -> &str {
        &self.challenges.start.realm
    }
}

/// The challenges that do not depend on the route, rendered once at startup so that a
/// refusal copies a reference-counted header instead of formatting one.
#[derive(Debug, Clone)]
pub(crate) struct Challenges {
    bare: HeaderValue,
    invalid_request: HeaderValue,
    invalid_token: HeaderValue,
    insufficient_scope: HeaderValue,
    /// The bare challenge of each scheme accepted beside the JWTs, in the order they were
    /// added: a request without credentials gets all of them after the Bearer one.
    side: Vec<HeaderValue>,
    /// The algorithms of DPoP challenges, when the warden accepts DPoP proofs.
    dpop: Option<Vec<&'static str>>,
    /// The bare DPoP challenge a request without credentials gets after the Bearer one,
    /// when DPoP is allowed beside bearer tokens (when it is required, it is `bare`).
    dpop_bare: Option<HeaderValue>,
    start: Start,
    /// The complete header block of each answer that does not depend on the route, with
    /// the body it goes with: a refusal clones one map instead of hashing four names into
    /// a new one (`Content-Length` included, so axum adds nothing).
    blocks: Vec<(&'static str, HeaderValue, HeaderMap)>,
}

/// What every challenge of a realm starts with. A 401 challenge starts from
/// [`unauthorized`](Self::unauthorized), every other one from [`refusal`](Self::refusal),
/// so a new kind of 401 carries `resource_metadata` by being built from the first.
#[derive(Debug, Clone)]
struct Start {
    realm: String,
    /// The URL of the protected-resource metadata (RFC 9728 §3), when one is configured.
    resource_metadata: Option<String>,
}

impl Start {
    /// The start of a 401 challenge: the realm and, when configured, `resource_metadata`
    /// (RFC 9728 §5.1), which tells a client without a usable token where to learn which
    /// authorization server issues one.
    fn unauthorized(&self) -> Challenge {
        let challenge = Challenge::new(&self.realm);
        match &self.resource_metadata {
            Some(url) => challenge.resource_metadata(url),
            None => challenge,
        }
    }

    /// The start of a 400 or 403 challenge: the realm only. A client that is refused for
    /// its request or its permissions already holds a token from the right server.
    fn refusal(&self) -> Challenge {
        Challenge::new(&self.realm)
    }
}

impl Challenges {
    /// `None` when `realm` has characters a challenge cannot carry. `resource_metadata`,
    /// the URL of the protected-resource metadata, goes into every 401 challenge.
    pub(crate) fn new(realm: &str, resource_metadata: Option<&str>) -> Option<Self> {
        if realm.is_empty() || !realm.chars().all(is_description_char) {
            return None;
        }
        let start = Start {
            realm: realm.to_owned(),
            resource_metadata: resource_metadata.map(str::to_owned),
        };
        let make = |c: Challenge| c.to_header_value();
        let bare = make(start.unauthorized());
        let invalid_request = make(start.refusal().error("invalid_request"));
        let invalid_token = make(start.unauthorized().error("invalid_token"));
        let insufficient_scope = make(start.refusal().error("insufficient_scope"));
        let blocks = [
            (&bare, AuthError::MissingCredentials),
            (
                &invalid_request,
                AuthError::InvalidRequest(InvalidRequest::SeveralCredentials),
            ),
            (&invalid_token, AuthError::InvalidToken(TokenError::Expired)),
            (&invalid_token, AuthError::InvalidToken(TokenError::Malformed)),
            (
                &insufficient_scope,
                AuthError::RequirementNotMet {
                    requirement: Requirement::Authenticated,
                },
            ),
            (&insufficient_scope, AuthError::Forbidden { policy: "" }),
        ]
        .into_iter()
        .map(|(challenge, error)| {
            let body = problem_body(&error);
            (body, challenge.clone(), headers(Some(challenge.clone()), body, None))
        })
        .collect();
        Some(Self {
            bare,
            invalid_request,
            invalid_token,
            insufficient_scope,
            side: Vec::new(),
            dpop: None,
            dpop_bare: None,
            start,
            blocks,
        })
    }

    /// These challenges for a warden that accepts DPoP proofs signed with `algs`: beside
    /// bearer tokens (`required` false), a request without credentials gets a DPoP
    /// challenge after the Bearer one; when DPoP is required, the DPoP challenge alone.
    /// Call before [`with_schemes`](Self::with_schemes), whose challenges come after.
    pub(crate) fn with_dpop(mut self, algs: Vec<&'static str>, required: bool) -> Self {
        let dpop_bare = self.start.unauthorized().dpop(algs.iter().copied()).to_header_value();
        let bare = self.bare.clone();
        if let Some((_, challenge, headers)) = self.blocks.iter_mut().find(|(_, challenge, _)| *challenge == bare) {
            if required {
                headers.insert(WWW_AUTHENTICATE, dpop_bare.clone());
                *challenge = dpop_bare.clone();
            } else {
                headers.append(WWW_AUTHENTICATE, dpop_bare.clone());
            }
        }
        if required {
            self.bare = dpop_bare;
        } else {
            self.dpop_bare = Some(dpop_bare);
        }
        self.dpop = Some(algs);
        self
    }

    /// The DPoP challenge of the answer to `error` (`None` for 503, or when the warden
    /// accepts no DPoP proofs).
    fn dpop_challenge(&self, error: &AuthError) -> Option<HeaderValue> {
        let algs = self.dpop.as_ref()?;
        let start = &self.start;
        let challenge = match error {
            AuthError::MissingCredentials => start.unauthorized(),
            AuthError::InvalidRequest(_) => start.refusal().error("invalid_request"),
            AuthError::InvalidToken(_) => start.unauthorized().error("invalid_token"),
            AuthError::InvalidDpopProof(_) => start.unauthorized().error("invalid_dpop_proof"),
            AuthError::UseDpopNonce { .. } => start
                .unauthorized()
                .error("use_dpop_nonce")
                .error_description("Resource server requires nonce in DPoP proof"),
            AuthError::RequirementNotMet { requirement } => match requirement.challenge_scopes() {
                Some(scopes) => start
                    .refusal()
                    .error("insufficient_scope")
                    .scope(scopes.iter().copied()),
                None => start.refusal().error("insufficient_scope"),
            },
            AuthError::InsufficientAuthentication { unmet } => step_up_challenge(start.unauthorized(), *unmet),
            AuthError::Forbidden { .. } => start.refusal().error("insufficient_scope"),
            AuthError::Unavailable { .. } => return None,
        };
        Some(challenge.dpop(algs.iter().copied()).to_header_value())
    }

    /// These challenges with one more per scheme accepted beside the JWTs (`names`, checked
    /// to be HTTP tokens): `<name> realm="<realm>"`.
    pub(crate) fn with_schemes<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        let realm = &self.start.realm;
        self.side = names
            .into_iter()
            .filter_map(|name| HeaderValue::from_str(&format!(r#"{name} realm="{realm}""#)).ok())
            .collect();
        // The block of the bare challenge is the answer to a request without credentials.
        let bare = &self.bare;
        if let Some((_, _, headers)) = self.blocks.iter_mut().find(|(_, challenge, _)| challenge == bare) {
            for challenge in &self.side {
                headers.append(WWW_AUTHENTICATE, challenge.clone());
            }
        }
        self
    }

    /// The challenge of the answer to `error` (`None` for 503).
    fn challenge(&self, error: &AuthError) -> Option<HeaderValue> {
        Some(match error {
            AuthError::MissingCredentials => self.bare.clone(),
            AuthError::InvalidRequest(_) => self.invalid_request.clone(),
            AuthError::InvalidToken(_) => self.invalid_token.clone(),
            AuthError::RequirementNotMet { requirement } => match requirement.challenge_scopes() {
                Some(scopes) => self
                    .start
                    .refusal()
                    .error("insufficient_scope")
                    .scope(scopes.iter().copied())
                    .to_header_value(),
                None => self.insufficient_scope.clone(),
            },
            AuthError::InsufficientAuthentication { unmet } => {
                step_up_challenge(self.start.unauthorized(), *unmet).to_header_value()
            }
            AuthError::Forbidden { .. } => self.insufficient_scope.clone(),
            // Only a DPoP request earns these, whose challenge is a DPoP one; a warden
            // without DPoP never answers them.
            AuthError::InvalidDpopProof(_) | AuthError::UseDpopNonce { .. } => {
                return self.dpop_challenge(error);
            }
            AuthError::Unavailable { .. } => return None,
        })
    }

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
            AuthError::RequirementNotMet { requirement } if requirement.challenge_scopes().is_none() => {
                &self.insufficient_scope
            }
            AuthError::Forbidden { .. } => &self.insufficient_scope,
            AuthError::RequirementNotMet { .. }
            | AuthError::InsufficientAuthentication { .. }
            | AuthError::InvalidDpopProof(_)
            | AuthError::UseDpopNonce { .. }
            | AuthError::Unavailable { .. } => return None,
        };
        let body = problem_body(error);
        self.blocks
            .iter()
            .find_map(|(b, c, headers)| ((std::ptr::eq(*b, body) || *b == body) && c == challenge).then_some(headers))
    }
}

/// The challenge of a step-up refusal, as RFC 9470 §3 shows it: the description of the
/// first example when the class fell short, of the second when only the age did, and the
/// parameters of every part that was not met. `start` is a 401's start, so the challenge
/// names the resource metadata when one is configured.
fn step_up_challenge(start: Challenge, unmet: StepUp) -> Challenge {
    let description = if unmet.acr.is_some() {
        "A different authentication level is required"
    } else {
        "More recent authentication is required"
    };
    let mut challenge = start
        .error("insufficient_user_authentication")
        .error_description(description);
    if let Some(acr) = unmet.acr {
        challenge = challenge.acr_values([acr]);
    }
    if let Some(seconds) = unmet.max_age {
        challenge = challenge.max_age(seconds);
    }
    challenge
}

/// The headers of a refusal: the challenge (none for 503), `no-store`, the problem
/// content type, and `Retry-After` for 503. `Content-Length` only where a body is sent.
fn headers(challenge: Option<HeaderValue>, body: &'static str, retry_after: Option<u64>) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(5);
    if let Some(challenge) = challenge {
        headers.insert(WWW_AUTHENTICATE, challenge);
    }
    if let Some(seconds) = retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers
}

/// Writes one refusal: `status`, `headers`, and `body` unless the request was a `HEAD`.
fn render(status: StatusCode, mut headers: HeaderMap, body: &'static str, head: bool) -> Response {
    let body = if head {
        headers.remove(CONTENT_LENGTH);
        Body::empty()
    } else {
        Body::from(body)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// The 403 of a per-object check in a handler, which knows no warden and so names no
/// realm (see [`Denied`](crate::Denied)).
pub(crate) fn forbidden_without_realm() -> Response {
    let challenge = HeaderValue::from_static(r#"Bearer error="insufficient_scope""#);
    let error = AuthError::Forbidden { policy: "" };
    let body = problem_body(&error);
    render(StatusCode::FORBIDDEN, headers(Some(challenge), body, None), body, false)
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
    responder: Option<Arc<Responder>>,
    head: bool,
    /// The scheme accepted beside the JWTs whose credential was refused, by its position.
    scheme: Option<usize>,
    /// Whether the answer is a DPoP one: the request came with `Authorization: DPoP`, or
    /// the warden requires DPoP.
    dpop: bool,
}

impl Rejection {
    pub(crate) fn new(error: AuthError, responder: Option<Arc<Responder>>, method: &Method) -> Self {
        Self {
            error,
            responder,
            head: method == Method::HEAD,
            scheme: None,
            dpop: false,
        }
    }

    /// This refusal, of a request answered with DPoP challenges.
    pub(crate) fn of_dpop(mut self, dpop: bool) -> Self {
        self.dpop = dpop;
        self
    }

    /// Whether the challenge is a DPoP one.
    fn is_dpop(&self) -> bool {
        self.dpop
            || matches!(
                self.error,
                AuthError::InvalidDpopProof(_) | AuthError::UseDpopNonce { .. }
            )
    }

    /// This refusal, of a credential of the scheme at `position` among those accepted
    /// beside the JWTs: a 401 then challenges that scheme alone.
    pub(crate) fn of_scheme(mut self, position: Option<usize>) -> Self {
        self.scheme = position;
        self
    }

    /// The challenge of the scheme whose credential was refused, when this is a 401 for a
    /// scheme accepted beside the JWTs.
    fn side_challenge(&self) -> Option<HeaderValue> {
        let position = self.scheme?;
        if self.status() != StatusCode::UNAUTHORIZED {
            return None;
        }
        self.responder.as_ref()?.challenges.side.get(position).cloned()
    }

    /// Every `WWW-Authenticate` value of the default answer, one header field each: for a
    /// request without credentials the Bearer challenge, then one per scheme the warden
    /// accepts beside it ([`WardenBuilder::also_accept`](crate::WardenBuilder::also_accept));
    /// for a refused credential of such a scheme, that scheme's challenge alone; else the
    /// one of [`challenge`](Self::challenge).
    ///
    /// ```
    /// use axum::response::IntoResponse;
    /// use axum_warden::{AuthError, Authenticator, Identity, Scheme, Warden, requires_auth, routing::get};
    /// use tower::ServiceExt as _;
    ///
    /// struct ApiKeys;
    /// impl Authenticator for ApiKeys {
    ///     async fn authenticate(&self, _: &http::request::Parts) -> Result<Identity, AuthError> {
    ///         Err(AuthError::MissingCredentials)
    ///     }
    /// }
    /// #[requires_auth]
    /// async fn me() {}
    ///
    /// // A renderer that lists the challenges in a plain-text body.
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .also_accept(Scheme::header("ApiKey", "x-api-key"), ApiKeys)
    ///     .renderer(|rejection| {
    ///         let challenges = rejection.challenges();
    ///         let lines: Vec<&str> = challenges.iter().filter_map(|c| c.to_str().ok()).collect();
    ///         (rejection.status(), lines.join("\n")).into_response()
    ///     })
    ///     .build()?;
    /// let app: axum::Router = axum_warden::Router::new().route("/me", get(me)).with_state(warden).into();
    /// # tokio_test::block_on(async {
    /// let answer = app.oneshot(http::Request::get("/me").body(axum::body::Body::empty())?).await?;
    /// let body = axum::body::to_bytes(answer.into_body(), 1024).await?;
    /// assert_eq!(body, "Bearer realm=\"api\"\nApiKey realm=\"api\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).map_err(|e| e.to_string())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn challenges(&self) -> Vec<HeaderValue> {
        let mut all: Vec<HeaderValue> = self.challenge().into_iter().collect();
        if matches!(self.error, AuthError::MissingCredentials)
            && let Some(responder) = &self.responder
        {
            all.extend(responder.challenges.dpop_bare.iter().cloned());
            all.extend(responder.challenges.side.iter().cloned());
        }
        all
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
            AuthError::MissingCredentials
            | AuthError::InvalidToken(_)
            | AuthError::InsufficientAuthentication { .. }
            | AuthError::InvalidDpopProof(_)
            | AuthError::UseDpopNonce { .. } => StatusCode::UNAUTHORIZED,
            AuthError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            AuthError::RequirementNotMet { .. } | AuthError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AuthError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether the request was a `HEAD` (whose answer carries no body).
    #[must_use]
    pub fn is_head(&self) -> bool {
        self.head
    }

    /// The first `WWW-Authenticate` value of the default answer (`None` for 503): the
    /// Bearer challenge, or the challenge of the scheme whose credential was refused. See
    /// [`challenges`](Self::challenges) for all of them.
    #[must_use]
    pub fn challenge(&self) -> Option<HeaderValue> {
        if let Some(challenge) = self.side_challenge() {
            return Some(challenge);
        }
        if self.is_dpop()
            && let Some(challenge) = self
                .responder
                .as_ref()
                .and_then(|r| r.challenges.dpop_challenge(&self.error))
        {
            return Some(challenge);
        }
        match &self.responder {
            Some(responder) => responder.challenges.challenge(&self.error),
            None => Challenges::new(DEFAULT_REALM, None)?.challenge(&self.error),
        }
    }

    /// The built-in answer: status, challenge, `Cache-Control: no-store`, and an RFC 9457
    /// `application/problem+json` body (none for `HEAD`).
    #[must_use]
    pub fn default_response(&self) -> Response {
        let status = self.status();
        let body = match (self.scheme, &self.error) {
            // A refused API key or session is not a bearer token.
            (Some(_), AuthError::InvalidToken(_)) => {
                r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The credentials are not valid."}"#
            }
            _ => problem_body(&self.error),
        };
        // A DPoP answer differs from the prebuilt Bearer one, except the bare challenge,
        // which is built for the warden's DPoP setting already.
        if let Some(responder) = &self.responder
            && self.scheme.is_none()
            && (!self.is_dpop() || matches!(self.error, AuthError::MissingCredentials))
            && let Some(headers) = responder.challenges.prebuilt(&self.error)
        {
            return render(status, headers.clone(), body, self.head);
        }
        let retry_after = match self.error {
            AuthError::Unavailable { retry_after } => Some(retry_after.as_secs().max(1)),
            _ => None,
        };
        let mut headers = headers(self.challenge(), body, retry_after);
        if let Some(nonce) = self.dpop_nonce() {
            headers.insert(DPOP_NONCE, nonce);
        }
        render(status, headers, body, self.head)
    }
}

/// Which check refused a request ([`AuthError::code`], or `policy_hidden`), kept in the
/// response's extensions for the route audit of the test kit, which tells a refusal by a
/// route's role or scope rule from one by its policy: both may be 403 with the same
/// challenge. Only with the test kit compiled in, so that no other build pays for it.
#[cfg(feature = "test-util")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefusedBy(pub(crate) &'static str);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        #[cfg(feature = "test-util")]
        let refused_by = RefusedBy(self.error.code());
        #[cfg_attr(not(feature = "test-util"), allow(unused_mut))]
        let mut response = self.respond();
        #[cfg(feature = "test-util")]
        response.extensions_mut().insert(refused_by);
        response
    }
}

/// The header that carries a server's DPoP nonce (RFC 9449 §8).
const DPOP_NONCE: http::HeaderName = http::HeaderName::from_static("dpop-nonce");

impl Rejection {
    /// The `DPoP-Nonce` value of a `use_dpop_nonce` refusal.
    fn dpop_nonce(&self) -> Option<HeaderValue> {
        match &self.error {
            AuthError::UseDpopNonce { nonce } => HeaderValue::from_str(nonce).ok(),
            _ => None,
        }
    }

    /// The answer: the application's renderer's, or the default one.
    fn respond(self) -> Response {
        match self.responder.as_ref().and_then(|r| r.renderer.as_ref()) {
            Some(render) => {
                // A refusal depends on the credentials, so no cache may keep it, whatever
                // the renderer says.
                let mut response = render(&self);
                response
                    .headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                // The client cannot retry without it, whatever the renderer wrote.
                if let Some(nonce) = self.dpop_nonce() {
                    response.headers_mut().insert(DPOP_NONCE, nonce);
                }
                response
            }
            None => self.default_response(),
        }
    }
}

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
        AuthError::RequirementNotMet { .. } => {
            r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"The bearer token does not grant access to this resource."}"#
        }
        AuthError::InsufficientAuthentication { unmet } if unmet.acr.is_some() => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"A different authentication level is required."}"#
        }
        AuthError::InsufficientAuthentication { .. } => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"More recent authentication is required."}"#
        }
        AuthError::Forbidden { .. } => {
            r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"The caller may not access this resource."}"#
        }
        AuthError::InvalidDpopProof(_) => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The DPoP proof is not valid."}"#
        }
        AuthError::UseDpopNonce { .. } => {
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The DPoP proof must carry the nonce in the DPoP-Nonce header."}"#
        }
        AuthError::Unavailable { .. } => {
            r#"{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"Credentials cannot be verified right now; try again later."}"#
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::InvalidRequest;

    /// The prebuilt header blocks are what the general path writes, plus `Content-Length`.
    #[test]
    fn prebuilt_answers_equal_the_general_ones() {
        const METADATA: &str = "https://api.example.com/.well-known/oauth-protected-resource";
        let errors = [
            AuthError::MissingCredentials,
            AuthError::InvalidRequest(InvalidRequest::SeveralCredentials),
            AuthError::InvalidToken(TokenError::Expired),
            AuthError::InvalidToken(TokenError::BadSignature),
            AuthError::RequirementNotMet {
                requirement: crate::requirement::Requirement::Authenticated,
            },
            AuthError::Forbidden { policy: "P" },
        ];
        for metadata in [None, Some(METADATA)] {
            let responder = Responder::new(Challenges::new("api", metadata).expect("a valid realm"), None);
            for error in errors.clone() {
                let rejection = Rejection::new(error.clone(), Some(responder.clone()), &Method::GET);
                let fast = rejection.default_response();
                let body = problem_body(&error);
                assert_eq!(
                    fast.headers()[CONTENT_LENGTH],
                    body.len().to_string().as_str(),
                    "{error:?}"
                );
                // The general path of the same responder, which builds the challenge anew.
                assert_eq!(fast.headers(), &headers(rejection.challenge(), body, None), "{error:?}");
                let challenge = fast.headers()[WWW_AUTHENTICATE].to_str().expect("ASCII");
                let carries = challenge.ends_with(&format!(r#", resource_metadata="{METADATA}""#));
                let expected = metadata.is_some() && rejection.status() == StatusCode::UNAUTHORIZED;
                assert_eq!(carries, expected, "{error:?}: {challenge}");
                if metadata.is_none() {
                    let general = Rejection::new(error.clone(), None, &Method::GET).default_response();
                    assert_eq!(fast.status(), general.status(), "{error:?}");
                    assert_eq!(fast.headers(), general.headers(), "{error:?}");
                }
            }
        }
    }

    #[test]
    fn head_answers_carry_no_body_and_no_length() {
        let responder = Responder::new(Challenges::new("api", None).expect("a valid realm"), None);
        for responder in [Some(responder), None] {
            let answer = Rejection::new(AuthError::MissingCredentials, responder, &Method::HEAD).default_response();
            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
            assert!(answer.headers().get(CONTENT_LENGTH).is_none());
            assert_eq!(answer.headers()[CACHE_CONTROL], "no-store");
        }
    }

    #[test]
    fn bodies_are_problem_json_with_matching_status() {
        use crate::requirement::Requirement;
        for error in [
            AuthError::MissingCredentials,
            AuthError::InvalidRequest(InvalidRequest::SeveralCredentials),
            AuthError::InvalidToken(TokenError::Expired),
            AuthError::InvalidToken(TokenError::BadSignature),
            AuthError::RequirementNotMet {
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
        assert!(Challenges::new("my api", None).is_some());
        assert!(Challenges::new("a\"b", None).is_none());
        assert!(Challenges::new("", None).is_none());
        assert!(Challenges::new("é", None).is_none());
    }
}
