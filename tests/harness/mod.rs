//! What the behaviour tests share: the issuer and audience of their tokens, a router
//! guarded by hand-written policies whose handlers count their runs, and a way to send it
//! a request and read the whole answer. Tokens come from the crate's own test kit,
//! [`axum_warden::testing::TestIssuer`], configured by [`issuer`].
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use axum_warden::__private::{Guard, HandlerInfo, Match, Open, Protected, Requirement, RouteRule, StepUp};
use axum_warden::testing::TestIssuer;
use axum_warden::{Algorithm, Identity, Warden};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

/// The `iss` of the suite's tokens and wardens.
pub const ISSUER: &str = "https://issuer.test";
/// The `aud` of the suite's tokens and wardens.
pub const AUDIENCE: &str = "api";
/// The `sub` of the suite's tokens.
pub const SUBJECT: &str = "alice";

/// The test kit's issuer of `alg` tokens, with the suite's issuer and audience.
pub fn issuer(alg: Algorithm) -> TestIssuer {
    TestIssuer::new(alg).with_issuer(ISSUER).with_audience(AUDIENCE)
}

/// The authentication context classes of the suite's wardens, weakest first.
pub const ACR_ORDER: [&str; 3] = ["pwd", "mfa", "hwk"];

/// A warden that verifies the tokens of [`issuer`]`(alg)`, ranking [`ACR_ORDER`].
pub fn warden(alg: Algorithm) -> Warden {
    issuer(alg)
        .warden_builder()
        .acr_order(ACR_ORDER)
        .build()
        .expect("the test issuer's warden")
}

/// A valid `alg` token for [`SUBJECT`] with `roles`.
pub fn mint(alg: Algorithm, roles: &[&str]) -> String {
    issuer(alg).token().subject(SUBJECT).roles(roles.iter().copied()).sign()
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("fits")
}

macro_rules! policy {
    ($name:ident, $kind:ty, $req:expr) => {
        policy!($name, $kind, $req, StepUp::NONE);
    };
    ($name:ident, $kind:ty, $req:expr, $step_up:expr) => {
        pub struct $name;
        impl RouteRule for $name {
            type Kind = $kind;
            const REQUIREMENT: Requirement = $req;
            const STEP_UP: StepUp = $step_up;
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

policy!(
    EditWritePolicy,
    Protected,
    Requirement::RolesAndScopes {
        role_mode: Match::Any,
        roles: &["editor"],
        scope_mode: Match::Any,
        scopes: &["articles:write"]
    }
);
policy!(
    MfaPolicy,
    Protected,
    Requirement::Authenticated,
    StepUp {
        acr: Some("mfa"),
        max_age: None
    }
);
policy!(
    RecentPolicy,
    Protected,
    Requirement::Authenticated,
    StepUp {
        acr: None,
        max_age: Some(300)
    }
);
policy!(
    AdminMfaRecentPolicy,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["admin"]
    },
    StepUp {
        acr: Some("mfa"),
        max_age: Some(300)
    }
);

/// How often the handlers of an [`app`] ran.
#[derive(Clone, Default)]
pub struct Runs(pub Arc<AtomicUsize>);

impl Runs {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A router with one route per policy above; its guarded handlers count their runs.
/// `/me` answers with the subject.
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
    let (b7, b8, b9, b10) = (body.clone(), body.clone(), body.clone(), body.clone());
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
        .route("/articles/edit", get(async move |_: Guard<EditWritePolicy>| b7()))
        .route("/step-up/mfa", get(async move |_: Guard<MfaPolicy>| b8()))
        .route("/step-up/recent", get(async move |_: Guard<RecentPolicy>| b9()))
        .route("/step-up/admin", get(async move |_: Guard<AdminMfaRecentPolicy>| b10()))
        .with_state(warden)
}

/// An application's own state holding the warden, which the guards reach through `FromRef`,
/// beside a value of the application's own.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub warden: Warden,
    pub greeting: &'static str,
}

/// A whole answer.
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

/// A `GET` of `path`, with this `Authorization` value if any.
pub fn get_with(path: &str, authorization: Option<&str>) -> http::Request<Body> {
    let mut request = http::Request::get(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(Body::empty()).expect("request")
}

/// A `GET` of `path` with `Authorization: Bearer <token>`.
pub async fn call(app: &Router, path: &str, token: &str) -> Answer {
    send(app, get_with(path, Some(&format!("Bearer {token}")))).await
}

/// The same algorithm in `jsonwebtoken`'s terms, for signing with it directly.
pub fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.as_str().parse().expect("the same JOSE names")
}

/// The private key of a second RSA key pair, for tokens that no test-kit warden knows
/// (the kit embeds one RSA key): `tests/keys/rsa2.key`.
pub fn rsa2_key() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys/rsa2.key");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
