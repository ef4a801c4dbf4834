//! The cost of declaring access, beside its baselines in the same run.
//!
//! `cargo bench --bench guard` runs every case through a real `axum::Router` with
//! `tower::ServiceExt::oneshot` and prints the ratios the performance budget is stated in
//! (see `benches/README.md`).

use std::hint::black_box;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::IntoResponse as _;
use axum::routing::get;
use axum_warden::{Algorithm, Warden, requires_auth, requires_role};
use criterion::{Criterion, criterion_group};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use serde_json::json;
use tower::ServiceExt as _;

const ISSUER: &str = "https://issuer.bench";
const AUDIENCE: &str = "bench-api";
const SECRET: &[u8] = b"benchmark secret, at least thirty-two bytes long";

fn key_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("auth-runtime/src/testing")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(key_path(name)).expect("test key")
}

/// One algorithm's keys and tokens.
struct Setup {
    alg: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    warden: Warden,
    /// The same configuration without the verified-token cache: every request verifies.
    uncached: Warden,
}

impl Setup {
    fn new(alg: Algorithm) -> Self {
        axum_warden::install_crypto_provider();
        let (encoding, decoding) = match alg {
            Algorithm::HS256 => (
                EncodingKey::from_secret(SECRET).expect("a non-empty secret"),
                DecodingKey::from_secret(SECRET).expect("a non-empty secret"),
            ),
            Algorithm::RS256 => (
                EncodingKey::from_rsa_pem(&read("rsa.key")).expect("rsa"),
                DecodingKey::from_rsa_pem(&read("rsa.pub")).expect("rsa"),
            ),
            Algorithm::ES256 => (
                EncodingKey::from_ec_pem(&read("ec256.key")).expect("ec"),
                DecodingKey::from_ec_pem(&read("ec256.pub")).expect("ec"),
            ),
            _ => (
                EncodingKey::from_ed_pem(&read("ed25519.key")).expect("ed"),
                DecodingKey::from_ed_pem(&read("ed25519.pub")).expect("ed"),
            ),
        };
        Self {
            alg,
            encoding,
            decoding,
            warden: Self::builder(alg).build().expect("valid"),
            uncached: Self::builder(alg).token_cache_capacity(0).build().expect("valid"),
        }
    }

    /// A warden configuration that verifies this algorithm's tokens.
    fn builder(alg: Algorithm) -> axum_warden::WardenBuilder {
        let builder = match alg {
            Algorithm::HS256 => Warden::builder().hmac_secret(SECRET),
            Algorithm::RS256 => Warden::builder().public_key_pem(read("rsa.pub")),
            Algorithm::ES256 => Warden::builder().public_key_pem(read("ec256.pub")),
            _ => Warden::builder().public_key_pem(read("ed25519.pub")),
        };
        builder.issuer(ISSUER).audience(AUDIENCE).algorithms([alg])
    }

    /// A fresh token each call (distinct `jti`), so the verified-token cache cannot help.
    fn token(&self, roles: &[&str], n: u64) -> String {
        let claims =
            json!({"sub": "bench", "iss": ISSUER, "aud": AUDIENCE, "exp": unix_now() + 3600, "roles": roles, "jti": n});
        self.sign(&claims)
    }

    /// A token as identity providers issue them: eight claims, a roles array among them,
    /// for subject `n` (its own `sub` and `jti`).
    fn realistic(&self, n: u64) -> String {
        self.sign(&realistic_claims(n))
    }

    /// [`realistic`](Self::realistic) with the two claims step-up rules read: `acr`
    /// `mfa`, and `auth_time` a minute ago.
    fn stepped_up(&self, n: u64) -> String {
        let mut claims = realistic_claims(n);
        claims["acr"] = json!("mfa");
        claims["auth_time"] = json!(unix_now() - 60);
        self.sign(&claims)
    }

    fn sign(&self, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(jwt_alg(self.alg)), claims, &self.encoding).expect("signs")
    }
}

/// The claims of [`Setup::realistic`].
fn realistic_claims(n: u64) -> serde_json::Value {
    let now = unix_now();
    json!({
        "iss": ISSUER, "sub": format!("user-{n:08}"), "aud": AUDIENCE, "exp": now + 3600, "iat": now,
        "jti": format!("{:032x}", u128::from(n) * 0x9e37_79b9_7f4a_7c15),
        "scope": "orders:read orders:write profile", "roles": ["admin", "orders"],
    })
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// A DPoP client: the ES256 test key, its public JWK and thumbprint, and proofs.
struct DpopClient {
    key: EncodingKey,
    jwk: serde_json::Value,
    thumbprint: String,
}

impl DpopClient {
    fn new() -> Self {
        use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
        let key = EncodingKey::from_ec_pem(&read("ec256.key")).expect("ec");
        let jwk = Jwk::from_encoding_key(&key, jsonwebtoken::Algorithm::ES256).expect("a JWK");
        let thumbprint = jwk.thumbprint(ThumbprintHash::SHA256).expect("a thumbprint");
        let mut public = serde_json::to_value(&jwk).expect("JSON");
        public
            .as_object_mut()
            .expect("an object")
            .retain(|name, _| matches!(name.as_str(), "kty" | "crv" | "x" | "y"));
        Self {
            key,
            jwk: public,
            thumbprint,
        }
    }

    /// A fresh proof (its own `jti`) for `method` `url` with `token`.
    fn proof(&self, method: &str, url: &str, token: &str) -> String {
        use base64::Engine as _;
        use sha2::Digest as _;
        static SEQUENCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = unix_now();
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk});
        let claims = json!({
            "jti": format!("bench-{}", SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
            "htm": method, "htu": url, "iat": now,
            "ath": b64.encode(sha2::Sha256::digest(token.as_bytes())),
        });
        let message = format!("{}.{}", b64.encode(header.to_string()), b64.encode(claims.to_string()));
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &self.key, jsonwebtoken::Algorithm::ES256).expect("signs");
        format!("{message}.{signature}")
    }
}

// ---- the hand-written baseline: what an application writes without this crate ----

#[derive(Clone)]
struct HandState {
    key: DecodingKey,
    validation: Validation,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandClaims {
    sub: String,
    roles: Vec<String>,
}

struct HandUser(HandClaims);

impl<S> FromRequestParts<S> for HandUser
where
    HandState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, StatusCode> {
        let state = HandState::from_ref(state);
        let header = parts.headers.get("authorization").ok_or(StatusCode::UNAUTHORIZED)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or(StatusCode::UNAUTHORIZED)?;
        let data = jsonwebtoken::decode::<HandClaims>(token, &state.key, &state.validation)
            .map_err(|_| StatusCode::UNAUTHORIZED)?;
        Ok(Self(data.claims))
    }
}

async fn hand_written(_: HandUser) -> &'static str {
    "ok"
}

/// The hand-written extractor with the role check an application writes beside it.
async fn hand_written_admin(HandUser(claims): HandUser) -> Result<&'static str, StatusCode> {
    if claims.roles.iter().any(|role| role == "admin") {
        Ok("ok")
    } else {
        Err(StatusCode::FORBIDDEN)
    }
}

/// The refusals a hand-written extractor could answer a request without credentials with,
/// from the cheapest up to the warden's own answer: the floor under the 401 budget. Each
/// takes the warden as router state, as the guard does, so the route is the same.
mod floor {
    use std::sync::LazyLock;

    use axum::body::Body;
    use axum::extract::FromRequestParts;
    use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
    use axum::http::request::Parts;
    use axum::http::{HeaderMap, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum_warden::Warden;

    /// The warden's answer to a request without credentials, byte for byte.
    const CHALLENGE: &str = r#"Bearer realm="api""#;
    const BODY: &str = r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"This resource requires a bearer token."}"#;

    /// The shape of the refusal, by route (the const parameter of [`Refuse`]).
    #[derive(Clone, Copy)]
    #[repr(u8)]
    pub(super) enum Shape {
        /// The status alone: no header, no body.
        Status,
        /// The status and the challenge, which is all RFC 6750 requires.
        Challenge,
        /// The warden's whole answer (challenge, `no-store`, problem details with their
        /// length), built the way a hand-written extractor would: axum's tuple response.
        Tuple,
        /// The whole answer from a prebuilt header block of static values, cloned: what
        /// the warden does, without choosing the answer or finding out that no credential
        /// came, and with no reference counts in the block.
        Prebuilt,
    }

    const STATUS: u8 = Shape::Status as u8;
    const CHALLENGE_ONLY: u8 = Shape::Challenge as u8;
    const TUPLE: u8 = Shape::Tuple as u8;
    const PREBUILT: u8 = Shape::Prebuilt as u8;

    /// Refuses a request without an `Authorization` header with the answer of [`Shape`]
    /// `SHAPE`.
    pub(super) struct Refuse<const SHAPE: u8>;

    impl<const SHAPE: u8> FromRequestParts<Warden> for Refuse<SHAPE> {
        type Rejection = Response;

        async fn from_request_parts(parts: &mut Parts, _: &Warden) -> Result<Self, Response> {
            if parts.headers.contains_key(AUTHORIZATION) {
                return Ok(Self);
            }
            Err(match SHAPE {
                STATUS => StatusCode::UNAUTHORIZED.into_response(),
                CHALLENGE_ONLY => (
                    StatusCode::UNAUTHORIZED,
                    [(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE))],
                )
                    .into_response(),
                TUPLE => (
                    StatusCode::UNAUTHORIZED,
                    [
                        (WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE)),
                        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
                        (CONTENT_TYPE, HeaderValue::from_static("application/problem+json")),
                        (CONTENT_LENGTH, HeaderValue::from(BODY.len())),
                    ],
                    BODY,
                )
                    .into_response(),
                PREBUILT => {
                    static BLOCK: LazyLock<HeaderMap> = LazyLock::new(|| {
                        let mut headers = HeaderMap::new();
                        headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
                        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
                        // Static like the others (leaked once, in this benchmark only).
                        let length: &'static str = Box::leak(BODY.len().to_string().into_boxed_str());
                        headers.insert(CONTENT_LENGTH, HeaderValue::from_static(length));
                        headers
                    });
                    let mut response = Response::new(Body::from(BODY));
                    *response.status_mut() = StatusCode::UNAUTHORIZED;
                    *response.headers_mut() = BLOCK.clone();
                    response
                }
                _ => unreachable!("a shape without a case"),
            })
        }
    }

    impl Shape {
        pub(super) fn path(self) -> &'static str {
            match self {
                Self::Status => "/floor/status",
                Self::Challenge => "/floor/challenge",
                Self::Tuple => "/floor/tuple",
                Self::Prebuilt => "/floor/prebuilt",
            }
        }

        pub(super) fn name(self) -> &'static str {
            match self {
                Self::Status => "401 floor: status only",
                Self::Challenge => "401 floor: status and challenge",
                Self::Tuple => "401 floor: the same answer, axum tuple",
                Self::Prebuilt => "401 floor: the same answer, static block cloned",
            }
        }
    }

    async fn refused<const SHAPE: u8>(_: Refuse<SHAPE>) -> &'static str {
        "ok"
    }

    pub(super) fn router(warden: &Warden) -> axum::Router {
        axum::Router::new()
            .route(Shape::Status.path(), axum::routing::get(refused::<STATUS>))
            .route(Shape::Challenge.path(), axum::routing::get(refused::<CHALLENGE_ONLY>))
            .route(Shape::Tuple.path(), axum::routing::get(refused::<TUPLE>))
            .route(Shape::Prebuilt.path(), axum::routing::get(refused::<PREBUILT>))
            .with_state(warden.clone())
    }

    /// The floor's answers are the warden's: the same status, challenge and body; and the
    /// warden with the challenge-only renderer answers the challenge and `no-store` alone.
    pub(super) async fn check(floor: &axum::Router, warden: &axum::Router, challenge_only: &axum::Router) {
        use tower::ServiceExt as _;
        let get = |app: &axum::Router, path: &'static str| {
            let app = app.clone();
            async move {
                let request = axum::http::Request::get(path).body(Body::empty()).expect("request");
                let response = app.oneshot(request).await.expect("infallible");
                let (parts, body) = response.into_parts();
                let body = axum::body::to_bytes(body, 4096).await.expect("a body");
                (parts.status, parts.headers, body)
            }
        };
        let (status, headers, body) = get(warden, "/guarded").await;
        assert_eq!(
            headers.get(WWW_AUTHENTICATE).map(HeaderValue::as_bytes),
            Some(CHALLENGE.as_bytes())
        );
        let (smaller_status, smaller_headers, smaller_body) = get(challenge_only, "/guarded").await;
        assert_eq!(smaller_status, status);
        assert_eq!(smaller_headers.get(WWW_AUTHENTICATE), headers.get(WWW_AUTHENTICATE));
        assert_eq!(
            smaller_headers.get(CACHE_CONTROL).map(HeaderValue::as_bytes),
            Some(&b"no-store"[..])
        );
        assert!(smaller_headers.get(CONTENT_TYPE).is_none() && smaller_body.is_empty());
        for shape in [Shape::Tuple, Shape::Prebuilt] {
            let (floor_status, floor_headers, floor_body) = get(floor, shape.path()).await;
            assert_eq!(
                (floor_status, &floor_headers, &floor_body),
                (status, &headers, &body),
                "{}",
                shape.name()
            );
        }
    }
}

async fn bare() -> &'static str {
    "ok"
}

#[requires_auth]
async fn guarded() -> &'static str {
    "ok"
}

#[requires_role("admin")]
async fn admin_only() -> &'static str {
    "ok"
}

#[requires_auth(acr = "mfa", max_age = 600)]
async fn recent_mfa() -> &'static str {
    "ok"
}

/// An `Authorization: Bearer` value as hyper hands it to the router: hyper parses a
/// request's headers into values that share the bytes of the connection's read buffer,
/// so a request carries a reference to its token, not a copy formatted and validated for
/// it. Built once per token, outside the timing; [`request`] clones the reference.
fn bearer(token: &str) -> HeaderValue {
    HeaderValue::try_from(format!("Bearer {token}")).expect("a header value")
}

/// A `GET path` request, with the `Authorization` value when given.
fn request(path: &str, authorization: Option<&HeaderValue>) -> Request<Body> {
    let mut request = Request::get(path).body(Body::empty()).expect("request");
    if let Some(value) = authorization {
        request.headers_mut().insert(AUTHORIZATION, value.clone());
    }
    request
}

/// The same algorithm in `jsonwebtoken`'s terms, for the hand-written baseline.
fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.as_str().parse().expect("the same JOSE names")
}

fn hand_router(setup: &Setup) -> Router {
    let mut validation = Validation::new(jwt_alg(setup.alg));
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    Router::new()
        .route("/hand", get(hand_written))
        .route("/hand-admin", get(hand_written_admin))
        .with_state(HandState {
            key: setup.decoding.clone(),
            validation,
        })
}

fn warden_router(warden: &Warden) -> Router {
    axum_warden::Router::new()
        .route("/guarded", axum_warden::routing::get(guarded))
        .route("/admin", axum_warden::routing::get(admin_only))
        .route("/recent-mfa", axum_warden::routing::get(recent_mfa))
        .with_state(warden.clone())
        .into()
}

// Never inlined: benches/instructions.sh counts the instructions of one request as those
// of this function.
#[inline(never)]
fn run(rt: &tokio::runtime::Runtime, app: &Router, req: Request<Body>, want: StatusCode) {
    let status = rt.block_on(app.clone().oneshot(req)).expect("infallible").status();
    assert_eq!(status, want, "the case measures the answer it names");
    black_box(status);
}

/// One case per `(name, path, app)`: a `GET path` whose token `mint` makes for each
/// iteration, outside the timing, so that every measured request sees its token for the
/// first time. `mint` gets a number no earlier call got.
fn first_sights<const N: usize>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rt: &tokio::runtime::Runtime,
    cases: [(&str, &str, &Router); N],
    mut mint: impl FnMut(u64) -> HeaderValue,
) {
    let mut n = 0;
    for (case, path, app) in cases {
        group.bench_function(case, |b| {
            b.iter_batched(
                || {
                    n += 1;
                    mint(n)
                },
                |token| run(rt, app, request(path, Some(&token)), StatusCode::OK),
                criterion::BatchSize::SmallInput,
            );
        });
    }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let bare_app = Router::new().route("/bare", get(bare));
    c.bench_function("bare handler", |b| {
        b.iter(|| run(&rt, &bare_app, request("/bare", None), StatusCode::OK));
    });
    // The same request as the guarded cases (an `Authorization` header with an HS256
    // token), which the bare handler ignores: building and dropping that header is part of
    // every guarded case but none of the guard's doing.
    let header_token = bearer(&Setup::new(Algorithm::HS256).token(&["admin"], u64::MAX));
    c.bench_function("bare handler, same request", |b| {
        b.iter(|| run(&rt, &bare_app, request("/bare", Some(&header_token)), StatusCode::OK));
    });

    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
        let setup = Setup::new(alg);
        let hand = hand_router(&setup);
        let warden = warden_router(&setup.warden);
        let uncached = warden_router(&setup.uncached);
        // Pre-minted tokens: signing is not what is measured. The hand-written extractor
        // and the uncached warden keep nothing between requests, so every request is a
        // first sight; a few distinct tokens keep the inputs from being one constant.
        let fresh: Vec<HeaderValue> = (0..16).map(|n| bearer(&setup.token(&["admin"], n))).collect();
        let repeated = bearer(&setup.token(&["admin"], u64::MAX));
        let mut group = c.benchmark_group(format!("{alg:?}"));
        group.bench_function("hand-written jsonwebtoken extractor", |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % fresh.len();
                run(&rt, &hand, request("/hand", Some(&fresh[i])), StatusCode::OK);
            });
        });
        group.bench_function("warden, first sight", |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % fresh.len();
                run(&rt, &uncached, request("/guarded", Some(&fresh[i])), StatusCode::OK);
            });
        });
        if alg == Algorithm::HS256 {
            // With the cache on, a never-seen token also pays for hashing and inserting
            // it: a token minted for each iteration (outside the timing) measures that.
            let mut n = 10_000;
            group.bench_function("warden, first sight, cache on", |b| {
                b.iter_batched(
                    || {
                        n += 1;
                        bearer(&setup.token(&["admin"], n))
                    },
                    |token| run(&rt, &warden, request("/guarded", Some(&token)), StatusCode::OK),
                    criterion::BatchSize::SmallInput,
                );
            });
        }
        group.bench_function("warden, repeated token", |b| {
            b.iter(|| run(&rt, &warden, request("/guarded", Some(&repeated)), StatusCode::OK));
        });
        group.finish();
    }

    #[cfg(feature = "introspection")]
    {
        // An opaque token whose introspection answer is cached: the server is asked once,
        // before the measurement, and every measured request is a cache hit.
        let (warden, token) = introspection::cached_warden();
        let token = bearer(&token);
        let app = warden_router(&warden);
        let mut group = c.benchmark_group("introspection");
        group.bench_function("cache hit", |b| {
            b.iter(|| run(&rt, &app, request("/guarded", Some(&token)), StatusCode::OK));
        });
        group.finish();
    }

    let setup = Setup::new(Algorithm::HS256);
    let warden = warden_router(&setup.warden);
    // One signature character changed in the middle: the last one carries padding bits,
    // and replacing it by what it already was would leave the token valid.
    let token = setup.token(&["admin"], 1);
    let at = token.len() - 10;
    let swap = if &token[at..=at] == "A" { "B" } else { "A" };
    let tampered = bearer(&format!("{}{swap}{}", &token[..at], &token[at + 1..]));
    let viewer = bearer(&setup.token(&["viewer"], 2));
    let mut group = c.benchmark_group("refusals");
    group.bench_function("401 no credentials", |b| {
        b.iter(|| run(&rt, &warden, request("/guarded", None), StatusCode::UNAUTHORIZED));
    });
    group.bench_function("401 bad signature", |b| {
        b.iter(|| {
            run(
                &rt,
                &warden,
                request("/guarded", Some(&tampered)),
                StatusCode::UNAUTHORIZED,
            )
        });
    });
    group.bench_function("403 missing role", |b| {
        b.iter(|| run(&rt, &warden, request("/admin", Some(&viewer)), StatusCode::FORBIDDEN));
    });
    // The warden's 401 with the smaller answer a product decision could make the default:
    // the status and the challenge, no problem details (the warden adds `no-store` to
    // whatever a renderer returns). What the guard itself costs over that answer.
    let challenge_only = warden_router(
        &Setup::builder(Algorithm::HS256)
            .renderer(|rejection| {
                let mut response = rejection.status().into_response();
                if let Some(challenge) = rejection.challenge() {
                    response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
                }
                response
            })
            .build()
            .expect("valid"),
    );
    group.bench_function("401 no credentials, challenge-only renderer", |b| {
        b.iter(|| {
            run(
                &rt,
                &challenge_only,
                request("/guarded", None),
                StatusCode::UNAUTHORIZED,
            )
        });
    });
    let floor_app = floor::router(&setup.warden);
    rt.block_on(floor::check(&floor_app, &warden, &challenge_only));
    for shape in [
        floor::Shape::Status,
        floor::Shape::Challenge,
        floor::Shape::Tuple,
        floor::Shape::Prebuilt,
    ] {
        group.bench_function(shape.name(), |b| {
            b.iter(|| run(&rt, &floor_app, request(shape.path(), None), StatusCode::UNAUTHORIZED));
        });
    }
    group.finish();

    production(c, &rt);
    revocation(c, &rt);
    dpop(c, &rt);
}

/// Callers in the verified-token cache in the production-shaped cases.
const SUBJECTS: u64 = 10_000;

/// Traffic in the shape of production: a `#[requires_role]` route, tokens with eight
/// claims (a roles array among them), the verified-token cache on, and many callers:
/// 10,000 subjects, each reusing its own token, taken in turn so that no two consecutive
/// requests share a token or a cache entry. The first-sight cases get a token minted for
/// each iteration (outside the timing); the hand-written extractor, which keeps nothing,
/// gets 16 tokens in turn and checks the role itself.
fn production(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let mut group = c.benchmark_group("production");
    let setup = Setup::new(Algorithm::HS256);
    let hand = hand_router(&setup);
    let fresh: Vec<HeaderValue> = (0..16).map(|n| bearer(&setup.realistic(n))).collect();
    group.bench_function("HS256 hand-written, role check", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % fresh.len();
            run(rt, &hand, request("/hand-admin", Some(&fresh[i])), StatusCode::OK);
        });
    });
    // Two trusted issuers, the tokens from the second: the `iss` a token claims selects
    // the issuer whose keys and rules verify it.
    let two_issuers = axum_warden::Warden::builder()
        .trust(
            axum_warden::IssuerConfig::new("https://other-issuer.bench")
                .hmac_secret(b"another benchmark secret, thirty-two bytes or more".to_vec())
                .algorithms([Algorithm::HS256])
                .audience(AUDIENCE),
        )
        .trust(
            axum_warden::IssuerConfig::new(ISSUER)
                .hmac_secret(SECRET.to_vec())
                .algorithms([Algorithm::HS256])
                .audience(AUDIENCE),
        )
        .build()
        .expect("valid");
    first_sights(
        &mut group,
        rt,
        [
            ("HS256 first sight, cache on", "/admin", &warden_router(&setup.warden)),
            (
                "HS256 first sight, cache on, two issuers",
                "/admin",
                &warden_router(&two_issuers),
            ),
        ],
        |n| bearer(&setup.realistic(1_000_000 + n)),
    );
    // The production token with `acr` and `auth_time`, on a route that requires both to
    // be strong and recent enough (step-up) beside the plain `#[requires_auth]` route.
    let app = warden_router(&setup.warden);
    first_sights(
        &mut group,
        rt,
        [
            ("HS256 first sight, acr and auth_time", "/guarded", &app),
            ("HS256 first sight, step-up rule", "/recent-mfa", &app),
        ],
        |n| bearer(&setup.stepped_up(2_000_000 + n)),
    );
    let repeated = bearer(&setup.stepped_up(u64::MAX));
    for (case, path) in [
        ("HS256 repeated token, acr and auth_time", "/guarded"),
        ("HS256 repeated token, step-up rule", "/recent-mfa"),
    ] {
        group.bench_function(case, |b| {
            b.iter(|| run(rt, &app, request(path, Some(&repeated)), StatusCode::OK));
        });
    }
    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
        // Built on the case's first call only: criterion calls the closure only for the
        // cases its filter selects, and signing 10,000 RS256 tokens under callgrind
        // (`benches/instructions.sh` runs one case per process) takes many minutes.
        let cached = std::cell::OnceCell::new();
        let subjects = || {
            let setup = Setup::new(alg);
            // Room for every subject: the case measures hits, never an eviction's miss.
            let warden = Setup::builder(alg)
                .token_cache_capacity(2 * SUBJECTS)
                .build()
                .expect("valid");
            let tokens: Vec<String> = (0..SUBJECTS).map(|n| setup.realistic(n)).collect();
            for token in &tokens {
                warden.verify_token(token).expect("a valid token");
            }
            let headers: Vec<HeaderValue> = tokens.iter().map(|token| bearer(token)).collect();
            let misses = warden.cache_stats().misses;
            (warden_router(&warden), headers, warden, misses)
        };
        group.bench_function(format!("{alg:?} cache hit, 10,000 subjects"), |b| {
            let (app, headers, _, _) = cached.get_or_init(subjects);
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % headers.len();
                run(rt, app, request("/admin", Some(&headers[i])), StatusCode::OK);
            });
        });
        if let Some((_, _, warden, misses)) = cached.get() {
            assert_eq!(
                warden.cache_stats().misses,
                *misses,
                "every measured request of the {alg:?} 10,000-subject case is a cache hit"
            );
        }
    }
    group.finish();
}

/// A DPoP request (an ES256 proof of the client's key, a token bound to it) beside the
/// same token's bearer request without DPoP, each against an ES256-verifying warden with
/// the verified-token cache on (so the token is a cache hit and the proof's signature is
/// most of the difference). Each DPoP iteration gets a proof minted outside the timing,
/// since a proof may be used once. The proofs are made here with `jsonwebtoken` and
/// `sha2` (not the test kit, whose refusal bookkeeping would weigh on the other cases).
fn dpop(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let setup = Setup::new(Algorithm::ES256);
    let key = DpopClient::new();
    let now = unix_now();
    let claims = json!({
        "sub": "bench", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 3600, "roles": ["admin"],
        "cnf": {"jkt": key.thumbprint},
    });
    let bound = jsonwebtoken::encode(&Header::new(jwt_alg(Algorithm::ES256)), &claims, &setup.encoding).expect("signs");
    let unbound = bearer(&setup.token(&["admin"], u64::MAX - 1));
    let bearer_app = warden_router(&setup.warden);
    let dpop_warden = Warden::builder()
        .public_key_pem(read("ec256.pub"))
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .algorithms([Algorithm::ES256])
        .dpop(axum_warden::DpopMode::Allowed)
        .dpop_origin("https://api.bench")
        .build()
        .expect("valid");
    let dpop_app = warden_router(&dpop_warden);
    let mut group = c.benchmark_group("dpop");
    group.bench_function("ES256 bearer, repeated token", |b| {
        b.iter(|| run(rt, &bearer_app, request("/guarded", Some(&unbound)), StatusCode::OK));
    });
    group.bench_function("ES256 DPoP, repeated token, fresh proof", |b| {
        b.iter_batched(
            || {
                let proof = key.proof("GET", "https://api.bench/guarded", &bound);

                Request::get("/guarded")
                    .header("authorization", format!("DPoP {bound}"))
                    .header("dpop", proof)
                    .body(Body::empty())
                    .expect("a request")
            },
            |request| run(rt, &dpop_app, request, StatusCode::OK),
            criterion::BatchSize::SmallInput,
        );
    });
    // A bearer token seen for the first time, by an HS256 warden with DPoP allowed beside
    // the same warden without it: the verification also asks whether the token is bound
    // to a key (`cnf.jkt`), which a bearer request must not carry.
    let hs = Setup::new(Algorithm::HS256);
    let hs_dpop = Setup::builder(Algorithm::HS256)
        .dpop(axum_warden::DpopMode::Allowed)
        .dpop_origin("https://api.bench")
        .build()
        .expect("valid");
    first_sights(
        &mut group,
        rt,
        [
            ("HS256 bearer, first sight", "/admin", &warden_router(&hs.warden)),
            (
                "HS256 bearer, first sight, DPoP allowed",
                "/admin",
                &warden_router(&hs_dpop),
            ),
        ],
        |n| bearer(&hs.realistic(n)),
    );
    // The same token again and again: a cache hit, by the same two wardens.
    let repeated = bearer(&hs.realistic(u64::MAX));
    for (case, warden) in [
        ("HS256 bearer, repeated token", &hs.warden),
        ("HS256 bearer, repeated token, DPoP allowed", &hs_dpop),
    ] {
        let app = warden_router(warden);
        group.bench_function(case, |b| {
            b.iter(|| run(rt, &app, request("/admin", Some(&repeated)), StatusCode::OK));
        });
    }
    group.finish();
}

/// A cache hit with the revocation check beside the same hit without it: a token with
/// `jti`, `sid` and `iat` (every kind is looked up), against a list holding 10,000 revoked
/// tokens, 1,000 sessions and 1,000 subjects, none of them this token's. The first sights
/// add a warden that also allows DPoP, whose binding check reads `cnf` after the
/// revocation check has read its claims: two checks on one first verification.
fn revocation(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let setup = Setup::new(Algorithm::HS256);
    let revocations = axum_warden::Revocations::in_memory();
    let far = u64::MAX / 4;
    let tokens = (0..10_000u64).map(|n| axum_warden::Revocation::token(format!("revoked-{n}"), far).issued_by(ISSUER));
    let sessions = (0..1_000u64).map(|n| axum_warden::Revocation::session(format!("session-{n}")));
    let subjects = (0..1_000u64).map(|n| axum_warden::Revocation::subject(format!("user-{n}")));
    rt.block_on(revocations.revoke_all(tokens.chain(sessions).chain(subjects)))
        .expect("in memory");
    let checked = Setup::builder(Algorithm::HS256)
        .revocations(revocations.clone())
        .build()
        .expect("valid");
    let both = Setup::builder(Algorithm::HS256)
        .revocations(revocations)
        .dpop(axum_warden::DpopMode::Allowed)
        .dpop_origin("https://api.bench")
        .build()
        .expect("valid");
    let now = unix_now();
    let claims = json!({
        "sub": "bench", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3600, "roles": ["admin"],
        "jti": "7c1d0a36-4a7e-4bd4-9b51-2f0d6b0c8e11", "sid": "0f7e4b8a-5c2d-4e1f-a3b6-9d8c7e6f5a41",
    });
    let token = bearer(
        &jsonwebtoken::encode(&Header::new(jwt_alg(Algorithm::HS256)), &claims, &setup.encoding).expect("signs"),
    );
    let plain = warden_router(&setup.warden);
    let checked = warden_router(&checked);
    let both = warden_router(&both);
    let mut group = c.benchmark_group("revocation");
    group.bench_function("cache hit", |b| {
        b.iter(|| run(rt, &plain, request("/guarded", Some(&token)), StatusCode::OK));
    });
    group.bench_function("cache hit, revocation check", |b| {
        b.iter(|| run(rt, &checked, request("/guarded", Some(&token)), StatusCode::OK));
    });
    // A token seen for the first time, with its own `jti`: the check reads `jti`, `sid` and
    // `iat`, which the claim rules did not pick.
    first_sights(
        &mut group,
        rt,
        [
            ("first sight", "/guarded", &plain),
            ("first sight, revocation check", "/guarded", &checked),
            ("first sight, revocation check, DPoP allowed", "/guarded", &both),
        ],
        |n| {
            let mut claims = claims.clone();
            claims["jti"] = json!(format!("fresh-{n}"));
            bearer(
                &jsonwebtoken::encode(&Header::new(jwt_alg(Algorithm::HS256)), &claims, &setup.encoding)
                    .expect("signs"),
            )
        },
    );
    group.finish();
}

criterion_group! {
    name = guard;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = benches
}

fn main() {
    guard();
    Criterion::default().final_summary();
    ratios::print();
}

/// A warden whose introspection endpoint is a local axum server on loopback, which says
/// every token is active (with realistic members: scope, roles, audience, issuer, `exp`).
#[cfg(feature = "introspection")]
mod introspection {
    use axum::Json;
    use axum::routing::post;
    use axum_warden::Warden;
    use serde_json::json;

    use super::{AUDIENCE, ISSUER, Router};

    /// The warden and an opaque token whose answer it has cached (for an hour, longer than
    /// any run). The bench's runtime has no I/O driver: the one question is asked here, on
    /// a runtime of its own, beside the server.
    pub(super) fn cached_warden() -> (Warden, String) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let address = listener.local_addr().expect("bound");
        let answer = json!({
            "active": true, "sub": "svc-orders", "client_id": "svc-orders", "iss": ISSUER,
            "aud": AUDIENCE, "scope": "orders:read orders:write", "roles": ["admin", "reader"],
            "exp": 4_102_444_800_u64, "iat": 1_700_000_000_u64, "token_type": "Bearer",
        });
        let app = Router::new().route("/introspect", post(move || async move { Json(answer) }));
        runtime.spawn(async move { axum::serve(listener, app).await });
        let warden = Warden::builder()
            .introspection_endpoint(format!("http://{address}/introspect"))
            .introspection_client("bench-api", "bench-secret")
            .introspection_cache(std::time::Duration::from_secs(3600), std::time::Duration::from_secs(5))
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .build()
            .expect("valid configuration");
        let token = "Lg5yWqdIvRrSMxwOwv7NXqqd4_oeYArLnzJ3J9ueN-I".to_owned();
        runtime
            .block_on(warden.verify_token_waiting(&token))
            .expect("the local endpoint says active");
        // The server keeps running on the runtime's worker, unused after this.
        std::mem::forget(runtime);
        (warden, token)
    }
}

/// Reads criterion's estimates back and prints the budget ratios.
mod ratios {
    fn median_ns(id: &str) -> Option<f64> {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("../criterion")
            .join(id)
            .join("new/estimates.json");
        let text = std::fs::read_to_string(dir).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["median"]["point_estimate"].as_f64()
    }

    pub(super) fn print() {
        let Some(bare) = median_ns("bare handler") else {
            println!("no criterion estimates found; ratios skipped");
            return;
        };
        let bare_same = median_ns("bare handler, same request");
        if let Some(same) = bare_same {
            println!(
                "\nbare handler {bare:.0} ns; with the token header {same:.0} ns ({:.2}× bare)",
                same / bare
            );
        }
        println!(
            "\n| case | median | × bare | × bare, same request | × hand-written | budget |\n|---|---|---|---|---|---|"
        );
        let vs_same = |t: f64| bare_same.map_or("-".to_owned(), |b| format!("{:.2}", t / b));
        for alg in ["HS256", "RS256", "ES256", "EdDSA"] {
            let hand = median_ns(&format!("{alg}/hand-written jsonwebtoken extractor"));
            for (case, budget) in [
                ("warden, first sight", ""),
                ("warden, first sight, cache on", "≤ 0.85× hand-written"),
                ("warden, repeated token", "≤ 1.4× bare"),
            ] {
                if let Some(t) = median_ns(&format!("{alg}/{case}")) {
                    let vs_hand = hand.map_or("-".to_owned(), |h| format!("{:.2}", t / h));
                    println!(
                        "| {alg} {case} | {:.0} ns | {:.2} | {} | {vs_hand} | {budget} |",
                        t,
                        t / bare,
                        vs_same(t)
                    );
                }
            }
            if let Some(h) = hand {
                println!(
                    "| {alg} hand-written | {h:.0} ns | {:.2} | {} | 1.00 | |",
                    h / bare,
                    vs_same(h)
                );
            }
        }
        let hand = median_ns("production/HS256 hand-written, role check");
        for (case, budget) in [
            ("HS256 hand-written, role check", ""),
            ("HS256 first sight, cache on", "≤ 0.85× hand-written"),
            ("HS256 first sight, cache on, two issuers", ""),
            ("HS256 first sight, acr and auth_time", ""),
            ("HS256 first sight, step-up rule", ""),
            ("HS256 cache hit, 10,000 subjects", "≤ 1.4× bare"),
            ("RS256 cache hit, 10,000 subjects", "≤ 1.4× bare"),
            ("ES256 cache hit, 10,000 subjects", "≤ 1.4× bare"),
            ("EdDSA cache hit, 10,000 subjects", "≤ 1.4× bare"),
        ] {
            if let Some(t) = median_ns(&format!("production/{case}")) {
                let vs_hand = hand.map_or("-".to_owned(), |h| format!("{:.2}", t / h));
                println!(
                    "| production: {case} | {t:.0} ns | {:.2} | {} | {vs_hand} | {budget} |",
                    t / bare,
                    vs_same(t)
                );
            }
        }
        if let Some(t) = median_ns("introspection/cache hit") {
            let repeated = median_ns("HS256/warden, repeated token");
            let vs_jwt = repeated.map_or("-".to_owned(), |r| format!("{:.2}× the HS256 cache hit", t / r));
            println!(
                "| introspection cache hit | {t:.0} ns | {:.2} | {} | {vs_jwt} | ≤ 1.6× bare |",
                t / bare,
                vs_same(t)
            );
        }
        for (case, budget) in [
            ("401 no credentials", "≤ 1.1× bare"),
            ("401 no credentials, challenge-only renderer", ""),
            ("401 bad signature", ""),
            ("403 missing role", ""),
            ("401 floor: status only", ""),
            ("401 floor: status and challenge", ""),
            ("401 floor: the same answer, axum tuple", ""),
            ("401 floor: the same answer, static block cloned", ""),
        ] {
            if let Some(t) = median_ns(&format!("refusals/{case}")) {
                println!("| {case} | {t:.0} ns | {:.2} | {} | | {budget} |", t / bare, vs_same(t));
            }
        }
        if let (Some(bearer), Some(dpop)) = (
            median_ns("dpop/ES256 bearer, repeated token"),
            median_ns("dpop/ES256 DPoP, repeated token, fresh proof"),
        ) {
            println!(
                "\nES256 bearer request {bearer:.0} ns; the DPoP request {dpop:.0} ns: {:.2}× (a proof's ES256 signature check per request)",
                dpop / bearer
            );
        }
        if let (Some(first), Some(checked)) = (
            median_ns("revocation/first sight"),
            median_ns("revocation/first sight, revocation check"),
        ) {
            println!(
                "\nfirst sight {first:.0} ns; with the revocation check {checked:.0} ns: {:.3}×",
                checked / first
            );
        }
        if let (Some(checked), Some(both)) = (
            median_ns("revocation/first sight, revocation check"),
            median_ns("revocation/first sight, revocation check, DPoP allowed"),
        ) {
            println!(
                "first sight with the revocation check {checked:.0} ns; DPoP allowed too {both:.0} ns: {:.3}×",
                both / checked
            );
        }
        if let (Some(hit), Some(checked)) = (
            median_ns("revocation/cache hit"),
            median_ns("revocation/cache hit, revocation check"),
        ) {
            println!(
                "\ncache hit {hit:.0} ns; with the revocation check {checked:.0} ns: {:.3}× (budget ≤ 1.1×)",
                checked / hit
            );
        }
    }
}
