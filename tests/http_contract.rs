//! The HTTP contract of the guard beyond one token and one status (those rows, for every
//! algorithm, are the conformance matrix): public routes without a warden, the identity
//! extractors, custom authenticators and their 503, the renderer hook, and refusals that
//! say nothing about the token.

mod harness;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use axum_warden::__private::Guard;
use axum_warden::{Algorithm, AuthError, Authenticator, Claims, Identity, Warden};
use harness::{AuthPolicy, Runs, SUBJECT, app, call, get_with, issuer, mint, send, warden};
use http::request::Parts;
use serde_json::json;

const BARE: &str = r#"Bearer realm="api""#;
const INVALID_TOKEN: &str = r#"Bearer realm="api", error="invalid_token""#;
const INSUFFICIENT: &str = r#"Bearer realm="api", error="insufficient_scope""#;

fn assert_problem(answer: &harness::Answer, status: u16) {
    assert_eq!(answer.status, status);
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    let body = answer.json();
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string());
}

#[tokio::test]
async fn public_routes_need_no_warden_and_no_token() {
    let app: Router = Router::new().route("/open", get(async |_: Guard<harness::PublicPolicy>| "open"));
    let answer = send(&app, get_with("/open", None)).await;
    assert_eq!(answer.status, 200);
    // A garbage token on a public route is not even read.
    assert_eq!(send(&app, get_with("/open", Some("Bearer !!!"))).await.status, 200);
}

#[tokio::test]
async fn identity_and_claims_extractors_reuse_the_guard() {
    #[derive(serde::Deserialize)]
    struct Mine {
        tenant: String,
    }
    let app: Router = Router::new()
        .route(
            "/who",
            get(
                async |_: Guard<AuthPolicy>, user: Identity, Claims(mine): Claims<Mine>| {
                    format!("{} {} {:?}", user.subject(), mine.tenant, user.roles())
                },
            ),
        )
        .route(
            "/maybe",
            get(async |user: Option<Identity>| user.map_or("anonymous".to_owned(), |u| u.subject().to_owned())),
        )
        .route("/claims", get(async |Claims(mine): Claims<Mine>| mine.tenant))
        .with_state(warden(Algorithm::HS256));
    let token = issuer(Algorithm::HS256)
        .token()
        .subject(SUBJECT)
        .roles(["a"])
        .claim("tenant", json!("acme"))
        .sign();
    let answer = call(&app, "/who", &token).await;
    assert_eq!(String::from_utf8_lossy(&answer.body), r#"alice acme ["a"]"#);

    assert_eq!(send(&app, get_with("/maybe", None)).await.body, b"anonymous");
    assert_eq!(call(&app, "/maybe", &token).await.body, SUBJECT.as_bytes());
    // A bad token is refused, not treated as anonymous.
    let answer = call(&app, "/maybe", "a.b.c").await;
    assert_eq!((answer.status, answer.challenge()), (401, Some(INVALID_TOKEN)));

    // On its own, `Claims` authenticates; claims of the wrong shape are an invalid token.
    assert_eq!(call(&app, "/claims", &token).await.body, b"acme");
    let answer = call(&app, "/claims", &mint(Algorithm::HS256, &[])).await;
    assert_eq!((answer.status, answer.challenge()), (401, Some(INVALID_TOKEN)));
    assert_eq!(send(&app, get_with("/claims", None)).await.status, 401);
}

struct Keys;

impl Authenticator for Keys {
    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        match parts.headers.get("x-api-key").map(http::HeaderValue::as_bytes) {
            None => Err(AuthError::MissingCredentials),
            Some(b"admin-key") => Ok(Identity::builder("svc").roles(["admin"]).build()),
            Some(b"reader-key") => Ok(Identity::builder("svc").roles(["reader"]).build()),
            Some(b"down") => Err(AuthError::Unavailable {
                retry_after: std::time::Duration::from_secs(7),
            }),
            Some(_) => Err(AuthError::InvalidToken(axum_warden::TokenError::Rejected)),
        }
    }
}

#[tokio::test]
async fn custom_authenticators_get_the_same_answers_including_503() {
    let runs = Runs::default();
    let app = app(Warden::builder().authenticator(Keys).build().expect("valid"), &runs);
    let with_key = |key: &str| {
        http::Request::get("/admin")
            .header("x-api-key", key)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(send(&app, with_key("admin-key")).await.status, 200);
    let answer = send(&app, with_key("reader-key")).await;
    assert_eq!((answer.status, answer.challenge()), (403, Some(INSUFFICIENT)));
    let answer = send(&app, with_key("nope")).await;
    assert_eq!((answer.status, answer.challenge()), (401, Some(INVALID_TOKEN)));
    let answer = send(&app, get_with("/admin", None)).await;
    assert_eq!((answer.status, answer.challenge()), (401, Some(BARE)));

    let answer = send(&app, with_key("down")).await;
    assert_problem(&answer, 503);
    assert_eq!(answer.challenge(), None);
    assert_eq!(answer.headers["retry-after"], "7");
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn one_hook_replaces_the_renderer() {
    let warden = issuer(Algorithm::HS256)
        .warden_builder()
        .realm("shop")
        .renderer(|rejection| {
            let mut response = rejection.default_response();
            *response.body_mut() = Body::from(format!("custom {}", rejection.error().code()));
            let headers = response.headers_mut();
            headers.insert("content-type", http::HeaderValue::from_static("text/plain"));
            // A renderer cannot make a refusal cacheable.
            headers.insert("cache-control", http::HeaderValue::from_static("public, max-age=3600"));
            response
        })
        .build()
        .expect("valid");
    let runs = Runs::default();
    let app = app(warden, &runs);
    let answer = send(&app, get_with("/admin", None)).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenge(), Some(r#"Bearer realm="shop""#));
    assert_eq!(answer.body, b"custom missing_credentials");
    assert_eq!(answer.headers["cache-control"], "no-store");
    let answer = call(&app, "/admin", &mint(Algorithm::HS256, &[])).await;
    assert_eq!(answer.body, b"custom insufficient_scope");
}

#[tokio::test]
async fn refusals_say_nothing_about_the_token() {
    let runs = Runs::default();
    let app = app(warden(Algorithm::RS256), &runs);
    let token = issuer(Algorithm::RS256)
        .token()
        .subject(SUBJECT)
        .roles([])
        .key_id("secret-kid-123")
        .audience("x")
        .sign();
    let answer = call(&app, "/admin", &token).await;
    assert_eq!(answer.status, 401);
    let body = String::from_utf8_lossy(&answer.body);
    assert!(!body.contains("secret-kid-123") && !body.contains(&token[..20]) && !body.contains("aud"));
}
