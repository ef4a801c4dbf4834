//! Tokens minted in tests with real keys, and a router guarded by hand-written policies.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use axum_warden::__private::{Guard, HandlerInfo, Match, Open, Protected, Requirement, RouteRule};
use axum_warden::{Algorithm, Identity, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};
use tower::ServiceExt as _;

pub const ISSUER: &str = "https://issuer.test";
pub const AUDIENCE: &str = "api";
pub const SECRET: &[u8] = b"test secret that is long enough for HS512 too, 64 bytes long....";

pub fn key_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

pub fn read_key(name: &str) -> Vec<u8> {
    std::fs::read(key_file(name)).expect("test key exists")
}

/// The private key that signs `alg` tokens in tests.
pub fn signing_key(alg: Algorithm) -> EncodingKey {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => EncodingKey::from_secret(SECRET),
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => EncodingKey::from_rsa_pem(&read_key("rsa.key")).expect("rsa key"),
        Algorithm::ES256 => EncodingKey::from_ec_pem(&read_key("ec256.key")).expect("p-256 key"),
        Algorithm::ES384 => EncodingKey::from_ec_pem(&read_key("ec384.key")).expect("p-384 key"),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&read_key("ed25519.key")).expect("ed25519 key"),
    }
}

/// A warden that verifies `alg` tokens with the matching public key.
pub fn warden(alg: Algorithm) -> Warden {
    let builder = Warden::builder().issuer(ISSUER).audience(AUDIENCE).algorithms([alg]);
    let builder = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => builder.hmac_secret(SECRET),
        Algorithm::ES256 => builder.public_key_file(key_file("ec256.pub")),
        Algorithm::ES384 => builder.public_key_file(key_file("ec384.pub")),
        Algorithm::EdDSA => builder.public_key_file(key_file("ed25519.pub")),
        _ => builder.public_key_file(key_file("rsa.pub")),
    };
    builder.build().expect("valid test configuration")
}

pub fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("fits")
}

/// Claims of a valid token for `sub` with `roles`, merged with `extra`.
pub fn claims(roles: &[&str], extra: Value) -> Value {
    let mut claims = json!({"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600, "roles": roles});
    if let (Some(map), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        for (k, v) in extra {
            if v.is_null() {
                map.remove(&k);
            } else {
                map.insert(k, v);
            }
        }
    }
    claims
}

/// The same algorithm in `jsonwebtoken`'s terms, for signing with it directly.
pub fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.as_str().parse().expect("the same JOSE names")
}

/// Signs any header and payload bytes with the test key of `alg`.
pub fn sign_raw(header: &[u8], payload: &[u8], alg: Algorithm) -> String {
    axum_warden::install_crypto_provider();
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &signing_key(alg), jwt_alg(alg)).expect("signs");
    format!("{message}.{signature}")
}

/// Signs `claims` with a header `{"alg": …, "typ": "JWT"}` merged with `header_extra`.
pub fn sign_with_header(alg: Algorithm, header_extra: Value, claims: &Value) -> String {
    let mut header = json!({"alg": format!("{alg:?}"), "typ": "JWT"});
    if let (Some(map), Value::Object(extra)) = (header.as_object_mut(), header_extra) {
        map.extend(extra);
    }
    sign_raw(header.to_string().as_bytes(), claims.to_string().as_bytes(), alg)
}

pub fn mint(alg: Algorithm, roles: &[&str]) -> String {
    sign_with_header(alg, json!({}), &claims(roles, json!({})))
}

macro_rules! policy {
    ($name:ident, $kind:ty, $req:expr) => {
        pub struct $name;
        impl RouteRule for $name {
            type Kind = $kind;
            const REQUIREMENT: Requirement = $req;
            const HANDLER: HandlerInfo = HandlerInfo {
                name: stringify!($name),
                module: module_path!(),
                file: file!(),
                line: line!(),
            };
        }
    };
}

policy!(PublicPolicy, Open, Requirement::Public);
policy!(AuthPolicy, Protected, Requirement::Authenticated);
policy!(
    AdminPolicy,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["admin"]
    }
);
policy!(
    EditorsPolicy,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["editor", "admin"]
    }
);
policy!(
    AuditPolicy,
    Protected,
    Requirement::Roles {
        mode: Match::All,
        names: &["admin", "auditor"]
    }
);
policy!(
    OrdersPolicy,
    Protected,
    Requirement::Scopes {
        mode: Match::Any,
        names: &["orders:read"]
    }
);
policy!(
    BothScopesPolicy,
    Protected,
    Requirement::Scopes {
        mode: Match::All,
        names: &["orders:read", "orders:write"]
    }
);

/// A router whose handlers count how often their body ran.
#[derive(Clone, Default)]
pub struct Runs(pub Arc<AtomicUsize>);

impl Runs {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn app(warden: Warden, runs: &Runs) -> Router {
    let r = runs.clone();
    let body = move || {
        r.0.fetch_add(1, Ordering::SeqCst);
        "ran"
    };
    let (b1, b2, b3, b4, b5, b6) = (
        body.clone(),
        body.clone(),
        body.clone(),
        body.clone(),
        body.clone(),
        body.clone(),
    );
    Router::new()
        .route("/open", get(async |_: Guard<PublicPolicy>| "open"))
        .route(
            "/me",
            get(async move |_: Guard<AuthPolicy>, user: Identity| {
                b1();
                user.subject().to_owned()
            }),
        )
        .route("/admin", get(async move |_: Guard<AdminPolicy>| b2()))
        .route("/editors", get(async move |_: Guard<EditorsPolicy>| b3()))
        .route("/audit", get(async move |_: Guard<AuditPolicy>| b4()))
        .route("/orders", get(async move |_: Guard<OrdersPolicy>| b5()))
        .route("/orders/both", get(async move |_: Guard<BothScopesPolicy>| b6()))
        .with_state(warden)
}

pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn challenge(&self) -> Option<&str> {
        self.headers.get("www-authenticate").map(|v| v.to_str().expect("ascii"))
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("json body")
    }
}

pub async fn send(app: &Router, request: http::Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    Answer { status, headers, body }
}

pub fn get_with(path: &str, authorization: Option<&str>) -> http::Request<Body> {
    let mut request = http::Request::get(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(Body::empty()).expect("request")
}

pub async fn call(app: &Router, path: &str, token: &str) -> Answer {
    send(app, get_with(path, Some(&format!("Bearer {token}")))).await
}
