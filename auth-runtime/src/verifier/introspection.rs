//! Opaque access tokens, asked about at the authorization server's introspection endpoint
//! (RFC 7662) with `client_secret_basic` client authentication, and the answers cached.
//!
//! Cached per token (keyed by the full token, bounded in entries like the verified-token
//! cache): an active answer until the token's `exp` or the configured maximum, whichever
//! comes first, since that maximum is how long a token revoked at the server may still be
//! accepted; an inactive answer (or a refusal by the claim rules) briefly, so that a
//! client retrying a dead token does not cost a request to the server each time, while
//! a token that becomes usable is not refused for long; a failure (server unreachable,
//! timeout, an error status, a malformed answer) for [`INTROSPECTION_FAILURE_MEMORY`],
//! so that the requests queued behind a failing one get 503 at once instead of each
//! waiting a full timeout in turn.
//!
//! One request per token is in flight at a time: `quick_cache`'s placeholder guard makes
//! every concurrent request for the same token wait for the first one's answer, so a burst
//! with a new token costs the server one introspection.

use std::time::{Duration, Instant};

use http::HeaderValue;
use quick_cache::sync::Cache;
use reqwest::Url;
use tokio::sync::OnceCell;

use crate::defaults::{INTROSPECTION_FAILURE_MEMORY, MAX_INTROSPECTION_RESPONSE_BYTES, MAX_KEY_DOCUMENT_BYTES};
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;
use crate::key_source::{chain, discovery_url, parse_url, read_capped};
use crate::token::claims::{self, Rules, TimeClaims};
use crate::token::introspection::{self, Introspected};
use crate::verifier::cache::{CacheStats, Counters, TokenWeight};
use crate::verifier::clock::unix_now;

/// Where the introspection endpoint is.
pub(crate) enum Endpoint {
    /// Configured.
    Fixed(Url),
    /// The `introspection_endpoint` of an issuer's discovery document, read on first use
    /// (and again after a failed read).
    Discovered { issuer: String, found: OnceCell<Url> },
}

/// The settings of an [`Introspector`], checked by the configuration layer.
pub(crate) struct Settings {
    pub(crate) endpoint: Endpoint,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// Longest use of an active answer.
    pub(crate) active_for: Duration,
    /// Use of an inactive answer, or of a refusal by the claim rules.
    pub(crate) inactive_for: Duration,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_http: bool,
    /// Tokens whose answers are kept; 0: none (every request asks the server).
    pub(crate) capacity: u64,
}

/// One cached answer about a token.
#[derive(Clone)]
enum Answer {
    Active {
        identity: Identity,
        time: TimeClaims,
        until: Instant,
    },
    Refused {
        error: TokenError,
        until: Instant,
    },
    Failed {
        until: Instant,
    },
}

impl Answer {
    fn until(&self) -> Instant {
        match self {
            Self::Active { until, .. } | Self::Refused { until, .. } | Self::Failed { until } => *until,
        }
    }

    /// The outcome of a request that finds this answer at `now` (and `unix`, seconds since
    /// the Unix epoch); `None` when the answer is too old to use.
    fn outcome(self, now: Instant, unix: u64, leeway: u64) -> Option<Result<Identity, AuthError>> {
        (now < self.until()).then(|| self.result(unix, leeway))
    }

    /// The outcome of this answer, however old.
    fn result(self, unix: u64, leeway: u64) -> Result<Identity, AuthError> {
        match self {
            Self::Active { identity, time, .. } => match time.check(unix, leeway) {
                Ok(()) => Ok(identity),
                Err(error) => Err(AuthError::InvalidToken(error)),
            },
            Self::Refused { error, .. } => Err(AuthError::InvalidToken(error)),
            Self::Failed { .. } => Err(unavailable()),
        }
    }
}

fn unavailable() -> AuthError {
    AuthError::Unavailable {
        retry_after: INTROSPECTION_FAILURE_MEMORY,
    }
}

/// Asks an authorization server about opaque tokens.
pub(crate) struct Introspector {
    endpoint: Endpoint,
    client: reqwest::Client,
    /// `Basic base64(urlencode(client_id):urlencode(client_secret))` (RFC 6749 §2.3.1).
    authorization: HeaderValue,
    rules: Rules,
    cache: Option<Cache<String, Answer, TokenWeight>>,
    /// Answers taken from `cache`, and questions asked of the endpoint because it had none.
    counters: Counters,
    active_for: Duration,
    inactive_for: Duration,
    allow_http: bool,
    timeout: Duration,
}

impl Introspector {
    /// An introspector with its HTTP client (rustls, the configured timeouts, no
    /// redirects: the client's credentials are not sent anywhere else).
    ///
    /// # Errors
    /// When the HTTP client cannot be built, or the credentials cannot be a header.
    pub(crate) fn new(settings: Settings, rules: Rules) -> Result<Self, String> {
        use base64::Engine as _;
        let client = reqwest::Client::builder()
            .user_agent(concat!("axum-warden/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", chain(&e)))?;
        let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", encode(&settings.client_id), encode(&settings.client_secret));
        let mut authorization = HeaderValue::try_from(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
        .map_err(|_| "the client credentials cannot be sent in a header".to_owned())?;
        authorization.set_sensitive(true);
        Ok(Self {
            endpoint: settings.endpoint,
            client,
            authorization,
            rules,
            cache: (settings.capacity > 0).then(|| TokenWeight::cache(settings.capacity)),
            counters: Counters::default(),
            active_for: settings.active_for,
            inactive_for: settings.inactive_for,
            allow_http: settings.allow_http,
            timeout: settings.timeout,
        })
    }

    /// The cached answer about `token`, when there is one still in use.
    pub(crate) fn cached(&self, token: &str) -> Option<Result<Identity, AuthError>> {
        let answer = self.cache.as_ref()?.get(token)?;
        let outcome = answer.outcome(Instant::now(), unix_now(), self.rules.leeway)?;
        self.counters.hit();
        Some(outcome)
    }

    /// Hits and misses of the answer cache (zeros without one).
    pub(crate) fn stats(&self) -> CacheStats {
        self.counters.stats(self.cache.as_ref().map_or(0, Cache::len))
    }

    /// The answer about `token`: cached, or asked (once for all the requests that want
    /// it at the same time).
    pub(crate) async fn introspect(&self, token: &str) -> Result<Identity, AuthError> {
        if token.len() > self.rules.max_token_bytes {
            return Err(AuthError::InvalidToken(TokenError::TooLarge));
        }
        let Some(cache) = &self.cache else {
            return self.ask(token).await.result(unix_now(), self.rules.leeway);
        };
        // An answer found too old is removed and the lookup repeated once; an answer
        // found then is used however old (it was given just now to the request that asked,
        // and its time claims are still checked), never a loop.
        for attempt in 0..2 {
            match cache.get_value_or_guard_async(token).await {
                Ok(answer) if attempt > 0 => {
                    self.counters.hit();
                    return answer.result(unix_now(), self.rules.leeway);
                }
                Ok(answer) => {
                    let until = answer.until();
                    match answer.outcome(Instant::now(), unix_now(), self.rules.leeway) {
                        Some(outcome) => {
                            self.counters.hit();
                            return outcome;
                        }
                        None => {
                            cache.remove_if(token, |current| current.until() == until);
                        }
                    }
                }
                Err(guard) => {
                    self.counters.miss();
                    let answer = self.ask(token).await;
                    let outcome = answer.clone().result(unix_now(), self.rules.leeway);
                    // The waiters take the answer from the guard, even one already too
                    // old to keep (an active token at the end of its life).
                    let _ = guard.insert(answer);
                    return outcome;
                }
            }
        }
        Err(unavailable())
    }

    /// Asks the server about `token` and judges the answer.
    ///
    /// Each answer is used from when it arrived: a failure that took a full timeout is
    /// still remembered for its second, for the requests that queued behind it.
    async fn ask(&self, token: &str) -> Answer {
        let introspected = self.request(token).await;
        let now = Instant::now();
        let introspected = match introspected {
            Ok(introspected) => introspected,
            Err(reason) => {
                tracing::warn!(target: "axum_warden", reason = %reason, "token introspection failed; answering 503");
                return Answer::Failed {
                    until: now + INTROSPECTION_FAILURE_MEMORY,
                };
            }
        };
        let unix = unix_now();
        match judge(introspected, &self.rules, unix) {
            Err(error) => Answer::Refused {
                error,
                until: now + self.inactive_for,
            },
            Ok((identity, time)) => {
                // Until `exp` (without the leeway: the server's own clock says when
                // the token ends), at most the configured maximum.
                #[allow(clippy::cast_precision_loss)]
                let left = time.exp - unix as f64;
                let left = if left.is_finite() {
                    Duration::try_from_secs_f64(left.max(0.0)).unwrap_or(self.active_for)
                } else {
                    self.active_for
                };
                Answer::Active {
                    identity,
                    time,
                    until: now + left.min(self.active_for),
                }
            }
        }
    }

    /// One introspection request (RFC 7662 §2.1) and its answer, read; `Err` with the
    /// reason (for the log) when there is no well-formed answer.
    async fn request(&self, token: &str) -> Result<Introspected, String> {
        let url = self.url().await?;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .append_pair("token_type_hint", "access_token")
            .finish();
        let failed = |e: &reqwest::Error| {
            if e.is_timeout() {
                format!("{url}: no answer within {:?}", self.timeout)
            } else {
                format!("{url}: {}", chain(e))
            }
        };
        let mut response = self
            .client
            .post(url.clone())
            .header(http::header::AUTHORIZATION, self.authorization.clone())
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| failed(&e))?;
        let status = response.status();
        if status != http::StatusCode::OK && status != http::StatusCode::BAD_REQUEST {
            return Err(format!("{url}: status {status}"));
        }
        let body = read_capped(&mut response, MAX_INTROSPECTION_RESPONSE_BYTES)
            .await
            .map_err(|e| failed(&e))?
            .ok_or_else(|| format!("{url}: the answer is larger than {MAX_INTROSPECTION_RESPONSE_BYTES} bytes"))?;
        if status == http::StatusCode::BAD_REQUEST {
            // A server that will not introspect this kind of token (`oidc-provider` says so
            // of JWTs) vouches for nothing: the token is refused like an inactive one. Any
            // other 400 is a request the server could not read, a failure.
            return match introspection::error_code(&body) {
                Some("unsupported_token_type") => Ok(Introspected::Inactive),
                code => Err(format!("{url}: status 400 ({})", code.unwrap_or("no error code"))),
            };
        }
        introspection::parse(&body).map_err(|e| format!("{url}: {e}"))
    }

    /// The endpoint: configured, or read from the issuer's discovery document.
    async fn url(&self) -> Result<&Url, String> {
        match &self.endpoint {
            Endpoint::Fixed(url) => Ok(url),
            Endpoint::Discovered { issuer, found } => found.get_or_try_init(|| self.discover(issuer)).await,
        }
    }

    /// The `introspection_endpoint` of `issuer`'s discovery document, whose `issuer` must
    /// be `issuer` exactly.
    async fn discover(&self, issuer: &str) -> Result<Url, String> {
        let url = discovery_url(issuer, self.allow_http)?;
        let mut response = self
            .client
            .get(url.clone())
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("{url}: {}", chain(&e)))?;
        if !response.status().is_success() {
            return Err(format!("{url}: status {}", response.status()));
        }
        let body = read_capped(&mut response, MAX_KEY_DOCUMENT_BYTES)
            .await
            .map_err(|e| format!("{url}: {}", chain(&e)))?
            .ok_or_else(|| format!("{url}: the document is larger than {MAX_KEY_DOCUMENT_BYTES} bytes"))?;
        let document = crate::token::json::parse_object(&body)
            .map_err(|e| format!("{url}: not an OpenID provider configuration: {e:?}"))?;
        match document.get("issuer") {
            Some(serde_json::Value::String(found)) if found == issuer => {}
            _ => return Err(format!("{url}: the document's issuer is not {issuer:?}")),
        }
        let Some(serde_json::Value::String(endpoint)) = document.get("introspection_endpoint") else {
            return Err(format!("{url}: no \"introspection_endpoint\" string"));
        };
        parse_url(endpoint, self.allow_http).map_err(|reason| format!("{url}: introspection_endpoint: {reason}"))
    }
}

/// The identity an introspection answer gives at `unix` (seconds since the Unix epoch),
/// or why the token is refused.
///
/// Only access tokens are accepted: a bearer one, or one bound to a DPoP key (RFC 9449
/// §6.2: `token_type` `DPoP` and `cnf.jkt`), whose proof the guard then checks like a
/// bound JWT's (and which, like one, is refused while the warden accepts no DPoP). An
/// answer of another `token_type` (a refresh token), a `DPoP` one without `cnf.jkt`, or a
/// `cnf` with anything else (a certificate binding, whose proof this crate does not
/// check) is refused, so that no such token passes as a plain bearer token.
fn judge(introspected: Introspected, rules: &Rules, unix: u64) -> Result<(Identity, TimeClaims), TokenError> {
    match introspected {
        Introspected::Inactive => Err(TokenError::Inactive),
        Introspected::Active(members, time) => {
            let cnf = members.get("cnf").map(|cnf| cnf.as_object());
            let key_bound = match cnf {
                None => false,
                Some(Some(cnf)) if cnf.len() == 1 && cnf.get("jkt").is_some_and(serde_json::Value::is_string) => true,
                Some(_) => return Err(TokenError::NotAnAccessToken),
            };
            let fits = match members.get("token_type").and_then(serde_json::Value::as_str) {
                None => true,
                Some(kind) if kind.eq_ignore_ascii_case("bearer") => true,
                Some(kind) => kind.eq_ignore_ascii_case("dpop") && key_bound,
            };
            if !fits {
                return Err(TokenError::NotAnAccessToken);
            }
            claims::validate_with_time(members, rules, unix, time)
        }
    }
}

/// The verdict on one introspection answer ([`judge_answer`]).
#[doc(hidden)]
#[derive(Debug)]
pub enum Judged {
    /// Active, and the claim rules accept it.
    Accepted(Identity),
    /// `active: false`, or refused by the claim rules (401).
    Refused(TokenError),
    /// Not a well-formed answer (503).
    ServerFailure,
}

/// Judges the body of an introspection answer at `unix` as a warden would whose issuer is
/// `issuer` and whose audience is `audience` (default leeway, roles in `roles`, scopes in
/// `scope`, the default size caps). For the fuzz target of `fuzz/`; not a public API.
#[doc(hidden)]
#[must_use]
pub fn judge_answer(body: &[u8], issuer: Option<&str>, audience: Option<&str>, unix: u64) -> Judged {
    let max = crate::defaults::DEFAULT_MAX_TOKEN_BYTES;
    let rules = Rules {
        issuer: issuer.map(std::sync::Arc::from),
        audiences: audience.into_iter().map(str::to_owned).collect(),
        leeway: crate::defaults::DEFAULT_LEEWAY.as_secs(),
        roles: crate::token::role_source::RoleSource::default_claim(),
        hierarchy: None,
        scopes_claim: None,
        max_token_bytes: max,
        access_token_type: false,
        tenants: Vec::new(),
        client_ids: Vec::new(),
        checks: Vec::new(),
        refuse_bound: true,
        max_claim_entries: max,
    };
    match introspection::parse(body) {
        Err(_) => Judged::ServerFailure,
        Ok(introspected) => match judge(introspected, &rules, unix) {
            Ok((identity, _)) => Judged::Accepted(identity),
            Err(error) => Judged::Refused(error),
        },
    }
}

/// Whether `token` looks like a JWS compact serialization (three base64url segments):
/// such a token goes to JWT verification, any other to introspection.
pub(crate) fn is_jws(token: &str) -> bool {
    let base64url = |segment: &str| {
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let mut segments = token.split('.');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next()),
        (Some(header), Some(payload), Some(signature), None)
            if !header.is_empty() && !signature.is_empty() && base64url(header) && base64url(payload) && base64url(signature)
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: u64 = 1_800_000_000;
    const ISS: &str = "https://as.example";

    fn judged(answer: &serde_json::Value) -> Judged {
        judge_answer(answer.to_string().as_bytes(), Some(ISS), Some("api"), NOW)
    }

    fn active(extra: &serde_json::Value) -> serde_json::Value {
        let mut answer = json!({"active": true, "iss": ISS, "aud": "api", "sub": "svc", "exp": NOW + 600});
        if let (Some(answer), Some(extra)) = (answer.as_object_mut(), extra.as_object()) {
            answer.extend(extra.clone());
        }
        answer
    }

    #[test]
    fn an_active_answer_is_the_identity() {
        let Judged::Accepted(identity) = judged(&active(&json!({"scope": "a b", "roles": ["reader"]}))) else {
            panic!("accepted");
        };
        assert_eq!(identity.subject(), "svc");
        assert_eq!(identity.scopes(), ["a", "b"]);
        assert_eq!(identity.roles(), ["reader"]);
        assert_eq!(identity.issuer(), Some(ISS));
        assert_eq!(identity.expires_at(), Some(NOW + 600));
        assert_eq!(identity.claim("active"), Some(&json!(true)));
    }

    #[test]
    fn the_claim_rules_of_a_jwt_apply() {
        for (extra, expected) in [
            (json!({"aud": "elsewhere"}), TokenError::InvalidAudience),
            (json!({"aud": ["elsewhere", "other"]}), TokenError::InvalidAudience),
            (json!({"iss": "https://evil.example"}), TokenError::InvalidIssuer),
            (json!({"exp": NOW - 61}), TokenError::Expired),
            (json!({"nbf": NOW + 61}), TokenError::NotYetValid),
            (json!({"roles": {"admin": true}}), TokenError::InvalidRoles),
            (json!({"token_type": "refresh_token"}), TokenError::NotAnAccessToken),
            (json!({"token_type": "DPoP"}), TokenError::NotAnAccessToken),
            (
                json!({"cnf": {"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}}),
                TokenError::NotAnAccessToken,
            ),
            (json!({"cnf": {"jkt": 7}}), TokenError::NotAnAccessToken),
            (
                json!({"cnf": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}),
                TokenError::NotAnAccessToken,
            ),
            // Bound to a DPoP key: refused while the warden accepts no DPoP (as a JWT).
            (
                json!({"cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}),
                TokenError::BoundToKey,
            ),
            (
                json!({"token_type": "DPoP", "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}),
                TokenError::BoundToKey,
            ),
        ] {
            assert!(
                matches!(judged(&active(&extra)), Judged::Refused(e) if e == expected),
                "{extra}"
            );
        }
        assert!(matches!(
            judged(&active(&json!({"token_type": "bearer"}))),
            Judged::Accepted(_)
        ));
        // Within the leeway, as for a JWT.
        assert!(matches!(
            judged(&active(&json!({"exp": NOW - 59}))),
            Judged::Accepted(_)
        ));
        let mut without_iss = active(&json!({}));
        without_iss.as_object_mut().map(|o| o.remove("iss"));
        assert!(matches!(
            judged(&without_iss),
            Judged::Refused(TokenError::InvalidIssuer)
        ));
    }

    #[test]
    fn inactive_is_a_refusal_and_malformed_a_server_failure() {
        assert!(matches!(
            judged(&json!({"active": false})),
            Judged::Refused(TokenError::Inactive)
        ));
        for answer in [
            json!({"active": "true", "iss": ISS, "aud": "api"}),
            json!([{"active": true}]),
            json!("active"),
            active(&json!({"exp": "never"})),
            active(&json!({"sub": 42})),
            active(&json!({"scope": ["a"]})),
        ] {
            assert!(matches!(judged(&answer), Judged::ServerFailure), "{answer}");
        }
        let huge = format!(
            r#"{{"active":true,"pad":"{}"}}"#,
            "a".repeat(MAX_INTROSPECTION_RESPONSE_BYTES)
        );
        assert!(matches!(
            judge_answer(huge.as_bytes(), None, None, NOW),
            Judged::ServerFailure
        ));
    }

    #[test]
    fn an_answer_is_used_until_it_runs_out_and_a_cached_identity_until_exp() {
        let start = Instant::now();
        let refused = Answer::Refused {
            error: TokenError::Inactive,
            until: start + Duration::from_secs(5),
        };
        assert!(matches!(
            refused.clone().outcome(start, NOW, 60),
            Some(Err(AuthError::InvalidToken(TokenError::Inactive)))
        ));
        assert!(
            refused
                .clone()
                .outcome(start + Duration::from_secs(5), NOW, 60)
                .is_none()
        );
        let failed = Answer::Failed {
            until: start + INTROSPECTION_FAILURE_MEMORY,
        };
        assert!(matches!(
            failed.outcome(start, NOW, 60),
            Some(Err(AuthError::Unavailable { .. }))
        ));
        let Judged::Accepted(identity) = judged(&active(&json!({}))) else {
            panic!("accepted");
        };
        let cached = Answer::Active {
            identity,
            time: TimeClaims {
                exp: (NOW + 10) as f64,
                nbf: None,
            },
            until: start + Duration::from_secs(60),
        };
        assert!(matches!(cached.clone().outcome(start, NOW, 0), Some(Ok(_))));
        assert!(matches!(
            cached.outcome(start, NOW + 10, 0),
            Some(Err(AuthError::InvalidToken(TokenError::Expired)))
        ));
    }

    #[test]
    fn three_base64url_segments_are_a_jws_anything_else_is_not() {
        assert!(is_jws("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
        assert!(is_jws("a.b.c"));
        assert!(is_jws("a..c"));
        for opaque in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            ".b.c",
            "a.b.",
            "a.b+.c",
            "a.b.c=",
            "Lg5yWqdIvRrSMxwOwv7NXqqd4_oeYArLnzJ3J9ueN-I",
        ] {
            assert!(!is_jws(opaque), "{opaque:?}");
        }
    }
}
