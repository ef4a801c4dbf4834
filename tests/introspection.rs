//! Opaque access tokens through token introspection (RFC 7662), against the real OpenID
//! provider of `tests/oidc/provider.mjs` (`oidc-provider`, introspection and revocation
//! on): accepted while active, with the identity the answer gives; refused once revoked at
//! the provider and the cached answer has run out; 503 with `Retry-After` for a new token
//! while the provider is down; one introspection for a burst of a thousand requests with
//! one new token; JWTs and opaque tokens side by side on one warden, the endpoint found
//! through discovery; unknown tokens refused without being remembered for long. What no
//! real server answers (malformed answers, error statuses, a hang) comes from an endpoint
//! on loopback: 503, one request for twenty at once, never an allow.
//!
//! Needs `scripts/install-test-deps` (npm ci in tests/oidc), like `tests/oidc_provider.rs`.

mod harness;
mod oidc_support;

use std::time::Duration;

use axum::Router;
use axum_warden::routing::get;
use axum_warden::{ConfigError, Identity, Warden, requires_auth, requires_role, requires_scope};
use oidc_support::{API_ID, API_SECRET, CLIENT_ID, Provider, RESOURCE, Scratch, free_port};
use tower::ServiceExt as _;

const INTROSPECTION: &str = "/token/introspection";
/// How long answers are used in these tests: a revoked token is refused after it.
const CACHED_FOR: Duration = Duration::from_secs(1);

#[requires_auth]
async fn me(user: Identity) -> String {
    format!(
        "{} {} {}",
        user.subject(),
        user.scopes().join(","),
        user.roles().join(",")
    )
}

#[requires_role("reader")]
async fn read() -> &'static str {
    "read"
}

#[requires_role("admin")]
async fn admin() -> &'static str {
    "admin"
}

#[requires_scope("orders:read")]
async fn orders() -> &'static str {
    "orders"
}

#[requires_scope("orders:write")]
async fn write_orders() -> &'static str {
    "written"
}

fn app(warden: Warden) -> Router {
    axum_warden::Router::new()
        .route("/me", get(me))
        .route("/read", get(read))
        .route("/admin", get(admin))
        .route("/orders", get(orders))
        .route("/orders/write", get(write_orders))
        .with_state(warden)
        .into()
}

/// A warden that introspects every bearer token at `provider`, answers used for `CACHED_FOR`.
fn introspecting(provider: &Provider) -> Warden {
    Warden::builder()
        .introspection_endpoint(format!("{}{INTROSPECTION}", provider.issuer))
        .introspection_client(API_ID, API_SECRET)
        .introspection_cache(CACHED_FOR, CACHED_FOR)
        .issuer(&provider.issuer)
        .audience(RESOURCE)
        .build()
        .expect("valid configuration")
}

fn challenge(answer: &harness::Answer) -> &str {
    answer.challenge().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opaque_tokens_while_active_after_revocation_and_when_unknown() {
    let state = Scratch::new();
    let provider = Provider::start(free_port(), &state.0, "k1");
    let warden = introspecting(&provider);
    assert!(format!("{warden:?}").contains("introspection: true"), "{warden:?}");
    let app = app(warden.clone());
    let token = provider.opaque_token().await;

    let identity = warden.verify_token_waiting(&token).await.expect("active");
    assert_eq!(identity.subject(), CLIENT_ID);
    assert_eq!(identity.scopes(), ["orders:read"]);
    assert_eq!(identity.roles(), ["reader"]);
    assert_eq!(identity.issuer(), Some(provider.issuer.as_str()));
    assert_eq!(identity.claim("client_id"), Some(&serde_json::json!(CLIENT_ID)));
    assert!(identity.expires_at().is_some());
    let me = harness::call(&app, "/me", &token).await;
    assert_eq!(
        (me.status, String::from_utf8_lossy(&me.body).as_ref()),
        (200, "warden-test orders:read reader")
    );
    assert_eq!(harness::call(&app, "/read", &token).await.status, 200);
    assert_eq!(harness::call(&app, "/orders", &token).await.status, 200);
    let admin = harness::call(&app, "/admin", &token).await;
    assert_eq!(admin.status, 403, "roles are [reader]");
    assert!(
        challenge(&admin).contains("error=\"insufficient_scope\""),
        "{:?}",
        admin.headers
    );
    let write = harness::call(&app, "/orders/write", &token).await;
    assert_eq!(write.status, 403);
    assert!(
        challenge(&write).contains("scope=\"orders:write\""),
        "{:?}",
        write.headers
    );
    assert_eq!(
        provider.requests_to(INTROSPECTION).await,
        1,
        "one question, every other answer from the cache"
    );
    // The warden's counts say the same: one miss (the question), a hit per request.
    let stats = warden.cache_stats();
    assert_eq!((stats.hits, stats.misses, stats.entries), (5, 1, 1), "{stats:?}");

    // Revoked at the provider: accepted while the answer is cached, refused after.
    provider.revoke(&token).await;
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200, "cached");
    tokio::time::sleep(CACHED_FOR + Duration::from_millis(200)).await;
    let revoked = harness::call(&app, "/me", &token).await;
    assert_eq!(revoked.status, 401);
    assert!(
        challenge(&revoked).contains("error=\"invalid_token\""),
        "{:?}",
        revoked.headers
    );
    assert_eq!(provider.requests_to(INTROSPECTION).await, 2);

    // A token the provider never issued: refused, remembered briefly, then asked again.
    // Without a key source, a token shaped like a JWS is introspected too (the provider
    // answers 400 unsupported_token_type, which vouches for nothing: 401).
    for garbage in ["not-a-token-anyone-issued", "x.y", "eyJhbGciOiJub25lIn0.e30.c2ln"] {
        let before = provider.requests_to(INTROSPECTION).await;
        for _ in 0..3 {
            let answer = harness::call(&app, "/me", garbage).await;
            assert_eq!(answer.status, 401, "{garbage}");
            assert!(
                challenge(&answer).contains("error=\"invalid_token\""),
                "{:?}",
                answer.headers
            );
        }
        assert_eq!(provider.requests_to(INTROSPECTION).await, before + 1, "{garbage}");
        tokio::time::sleep(CACHED_FOR + Duration::from_millis(200)).await;
        assert_eq!(harness::call(&app, "/me", garbage).await.status, 401);
        assert_eq!(
            provider.requests_to(INTROSPECTION).await,
            before + 2,
            "{garbage}: not remembered for ever"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_with_a_new_token_costs_one_introspection() {
    let state = Scratch::new();
    let provider = Provider::start(free_port(), &state.0, "k1");
    let warden = introspecting(&provider);
    let app = app(warden.clone());
    let token = provider.opaque_token().await;
    let before = provider.requests_to(INTROSPECTION).await;
    let requests = (0..1_000).map(|_| {
        let (app, token) = (app.clone(), token.clone());
        tokio::spawn(async move {
            let request = harness::get_with("/read", Some(&format!("Bearer {token}")));
            app.oneshot(request).await.expect("infallible").status()
        })
    });
    let statuses = futures_util::future::join_all(requests.collect::<Vec<_>>()).await;
    assert!(statuses.iter().all(|s| matches!(s, Ok(s) if *s == 200)), "all allowed");
    assert_eq!(provider.requests_to(INTROSPECTION).await, before + 1);
    // Every request that waited for the one answer took it from the cache.
    let stats = warden.cache_stats();
    assert_eq!((stats.hits, stats.misses), (999, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwts_and_opaque_tokens_side_by_side_then_the_provider_stops() {
    let state = Scratch::new();
    let mut provider = Provider::start(free_port(), &state.0, "k1");
    let issuer = provider.issuer.clone();
    // From the environment, the introspection endpoint discovered from the issuer.
    let warden = Warden::from_vars(|name| match name {
        "WARDEN_OIDC_ISSUER_URL" => Some(issuer.clone()),
        "WARDEN_AUDIENCE" => Some(RESOURCE.to_owned()),
        "WARDEN_INTROSPECTION_CLIENT_ID" => Some(API_ID.to_owned()),
        "WARDEN_INTROSPECTION_CLIENT_SECRET" => Some(API_SECRET.to_owned()),
        "WARDEN_INTROSPECTION_CACHE_SECONDS" => Some("1".to_owned()),
        _ => None,
    })
    .expect("valid configuration");
    let app = app(warden);
    let jwt = provider.access_token().await;
    let opaque = provider.opaque_token().await;

    assert_eq!(harness::call(&app, "/read", &jwt).await.status, 200);
    assert_eq!(
        provider.requests_to(INTROSPECTION).await,
        0,
        "a JWT is verified, not introspected"
    );
    assert_eq!(harness::call(&app, "/read", &opaque).await.status, 200);
    assert_eq!(harness::call(&app, "/admin", &opaque).await.status, 403);
    assert_eq!(provider.requests_to(INTROSPECTION).await, 1);
    assert_eq!(harness::call(&app, "/read", &jwt).await.status, 200);

    // Down: a token never seen gets 503 with Retry-After (and so does the request queued
    // right behind it, at once); a JWT of a known key still passes.
    let unseen = provider.opaque_token().await;
    provider.stop();
    for _ in 0..2 {
        let down = harness::call(&app, "/read", &unseen).await;
        assert_eq!(down.status, 503, "{:?}", down.headers);
        assert!(down.headers.contains_key("retry-after"), "{:?}", down.headers);
    }
    assert_eq!(harness::call(&app, "/read", &jwt).await.status, 200);
}

/// An introspection endpoint on loopback that gives `answer` (status and body), after
/// `delay`, counting the requests it receives: for what no real server answers.
async fn broken_endpoint(
    status: u16,
    body: String,
    delay: Duration,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let handler = move || {
        seen.fetch_add(1, Ordering::SeqCst);
        let body = body.clone();
        async move {
            tokio::time::sleep(delay).await;
            (http::StatusCode::from_u16(status).expect("a status"), body)
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}/introspect", listener.local_addr().expect("bound"));
    let app = Router::new().route("/introspect", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_fails_or_answers_badly_is_503_never_an_allow() {
    use std::sync::atomic::Ordering;
    let huge = format!(r#"{{"active":true,"pad":"{}"}}"#, "a".repeat(40 * 1024));
    for (status, body, delay) in [
        (200, r#"{"active":"true"}"#.to_owned(), Duration::ZERO),
        (200, r#"[{"active":true}]"#.to_owned(), Duration::ZERO),
        (200, r#"{"active":true,"exp":"2100-01-01"}"#.to_owned(), Duration::ZERO),
        (200, huge, Duration::ZERO),
        (500, r#"{"active":true}"#.to_owned(), Duration::ZERO),
        (401, r#"{"error":"invalid_client"}"#.to_owned(), Duration::ZERO),
        (400, r#"{"error":"invalid_request"}"#.to_owned(), Duration::ZERO),
        // Slower than the timeout below.
        (200, r#"{"active":true}"#.to_owned(), Duration::from_secs(3)),
    ] {
        let (url, count) = broken_endpoint(status, body, delay).await;
        let app = app(Warden::builder()
            .introspection_endpoint(&url)
            .introspection_client(API_ID, API_SECRET)
            .key_fetch_timeout(Duration::from_millis(500))
            .build()
            .expect("valid configuration"));
        // Twenty requests at once with one token: one question, and the failure is
        // remembered for those queued behind it rather than asked again by each.
        let requests = (0..20).map(|_| {
            let app = app.clone();
            tokio::spawn(async move { harness::call(&app, "/me", "an-opaque-token").await })
        });
        for answer in futures_util::future::join_all(requests.collect::<Vec<_>>()).await {
            let answer = answer.expect("joined");
            assert_eq!(answer.status, 503, "{status} after {delay:?}");
            assert_eq!(
                answer.headers.get("retry-after").map(|v| v.as_bytes()),
                Some(&b"1"[..]),
                "{status}"
            );
        }
        assert_eq!(count.load(Ordering::SeqCst), 1, "{status} after {delay:?}");
    }
}

/// The error of a warden configured by the variables `vars`.
fn refused(vars: &[(&str, &str)]) -> ConfigError {
    let vars: Vec<(String, String)> = vars.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
    Warden::from_vars(|name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())).expect_err("refused")
}

#[test]
fn introspection_settings_are_checked_and_named() {
    const URL: (&str, &str) = ("WARDEN_INTROSPECTION_URL", "https://idp.example/introspect");
    const ID: (&str, &str) = ("WARDEN_INTROSPECTION_CLIENT_ID", "api");
    const SECRET: (&str, &str) = ("WARDEN_INTROSPECTION_CLIENT_SECRET", "secret");
    let plain = ("WARDEN_INTROSPECTION_URL", "http://idp.example/introspect");
    let not_seconds = ("WARDEN_INTROSPECTION_INACTIVE_CACHE_SECONDS", "soon");
    for (vars, setting, says) in [
        (vec![URL], "introspection_client", "client id and secret"),
        (vec![plain, ID, SECRET], "WARDEN_INTROSPECTION_URL", "plain http"),
        (vec![URL, ID], "WARDEN_INTROSPECTION_CLIENT_ID", "secret"),
        (vec![URL, SECRET], "WARDEN_INTROSPECTION_CLIENT_SECRET", "client id"),
        (
            vec![URL, ID, SECRET, not_seconds],
            not_seconds.0,
            "whole number of seconds",
        ),
        (vec![ID, SECRET], "introspection_endpoint", "oidc_issuer"),
    ] {
        let err = refused(&vars);
        assert!(
            matches!(&err, ConfigError::InvalidValue { setting: s, reason } if *s == setting && reason.contains(says)),
            "{vars:?}: {err:?}"
        );
    }
}
