//! Key sets fetched over HTTP, against a JWKS server in-process on loopback: single-flight
//! refresh on unknown `kid`s, the refresh interval, background refresh, timeouts, and
//! failing closed (503 + Retry-After) when the provider is down.

mod harness;
mod key_server;

use std::time::Duration;

use axum_warden::{Algorithm, AuthError};
use harness::{AUDIENCE, Answer, SUBJECT, issuer};
use key_server::{KeyServer, TestKey, closed_url, forged_token, warden_for};
use tokio::task::JoinSet;

const INTERVAL: Duration = Duration::from_millis(300);

fn assert_unavailable(answer: &Answer) {
    assert_eq!(answer.status, 503);
    let retry_after: u64 = answer
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry_after >= 1, "{retry_after}");
    assert!(answer.challenge().is_none(), "a 503 carries no challenge");
    assert_eq!(answer.json()["status"], 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_with_unknown_kids_cause_one_fetch() {
    // Long enough that the whole burst fits in one interval on a loaded machine.
    const BURST_INTERVAL: Duration = Duration::from_secs(2);
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .unknown_kid_refresh_interval(BURST_INTERVAL)
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    let forged: Vec<String> = (0..1000).map(|i| forged_token(&format!("random-{i}"))).collect();

    // The first request fetches the key set, once.
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);
    assert_eq!(server.fetches(), 1);

    tokio::time::sleep(BURST_INTERVAL + Duration::from_millis(100)).await;
    let mut requests = JoinSet::new();
    for token in forged {
        let app = app.clone();
        requests.spawn(async move { harness::call(&app, "/me", &token).await.status });
    }
    let statuses = requests.join_all().await;
    assert_eq!(server.fetches(), 2, "one fetch for the whole burst");
    assert!(
        statuses.iter().all(|s| *s == 401),
        "the provider is up: unknown kids are invalid tokens"
    );

    // Within the interval, no further fetch however many unknown kids arrive.
    for i in 0..20 {
        assert_eq!(
            harness::call(&app, "/me", &forged_token(&format!("again-{i}")))
                .await
                .status,
            401
        );
    }
    assert_eq!(server.fetches(), 2);
    // Known keys never fetch.
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);
    assert_eq!(server.fetches(), 2);

    // After the interval, an unknown kid may fetch again: once.
    tokio::time::sleep(BURST_INTERVAL + Duration::from_millis(100)).await;
    assert_eq!(harness::call(&app, "/me", &forged_token("later")).await.status, 401);
    assert_eq!(harness::call(&app, "/me", &forged_token("later-2")).await.status, 401);
    assert_eq!(server.fetches(), 3);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_when_a_token_names_it() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .unknown_kid_refresh_interval(INTERVAL)
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);

    server.publish(&[(TestKey::Rsa2, "k2"), (TestKey::Rsa1, "k1")]);
    tokio::time::sleep(INTERVAL + Duration::from_millis(100)).await;
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa2.token("k2")).await.status, 200);
    assert_eq!(server.fetches(), 2);
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);

    // A published kid bound to its algorithm: the EC key cannot pose as k2, and the RSA
    // key signing under k2's name with another key fails the signature.
    assert_eq!(
        harness::call(&app, "/me", &TestKey::Ec256.token("k2")).await.status,
        401
    );
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k2")).await.status, 401);
    assert_eq!(server.fetches(), 2, "known kids never fetch");
}

#[tokio::test]
async fn the_background_task_refreshes_at_max_age() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    server.cache_control("public, max-age=1");
    let warden = warden_for(&server.jwks_url())
        .key_refresh_bounds(Duration::from_secs(1), Duration::from_secs(3600))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    warden.ready().await.expect("first fetch");
    assert_eq!(server.fetches(), 1);

    server.publish(&[(TestKey::Rsa2, "k2")]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.fetches() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no background refresh");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the refresh land, then: the new key works without a request-driven fetch, and
    // the removed one is gone.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fetches = server.fetches();
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa2.token("k2")).await.status, 200);
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 401);
    assert!(
        server.fetches() <= fetches + 1,
        "at most the periodic refresh ran meanwhile"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_key_source_never_blocks_known_keys() {
    const TIMEOUT: Duration = Duration::from_millis(700);
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .key_fetch_timeout(TIMEOUT)
        .unknown_kid_refresh_interval(Duration::from_millis(100))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);

    server.hang(true);
    tokio::time::sleep(Duration::from_millis(150)).await;
    // An unknown kid starts a fetch that hangs; it waits at most the timeout, then 503.
    let unknown = {
        let app = app.clone();
        tokio::spawn(async move { harness::call(&app, "/me", &TestKey::Rsa2.token("k2")).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Meanwhile known keys are answered without waiting for it (fresh tokens: no cache).
    for _ in 0..5 {
        let token = TestKey::Rsa1.sign("k1", |token| token.roles([]).claim("jti", serde_json::json!(rand_id())));
        let answer = tokio::time::timeout(TIMEOUT, harness::call(&app, "/me", &token))
            .await
            .expect("a known key is never held up by the hanging fetch");
        assert_eq!(answer.status, 200);
    }
    let answer = tokio::time::timeout(TIMEOUT + Duration::from_secs(2), unknown)
        .await
        .expect("bounded by the fetch timeout")
        .expect("task");
    assert_unavailable(&answer);
    assert!(server.fetches() >= 2);
}

#[tokio::test]
async fn a_first_fetch_that_hangs_answers_503_within_the_timeout() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    server.hang(true);
    let warden = warden_for(&server.jwks_url())
        .key_fetch_timeout(Duration::from_millis(500))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let answer = tokio::time::timeout(
        Duration::from_secs(3),
        harness::call(&app, "/me", &TestKey::Rsa1.token("k1")),
    )
    .await
    .expect("bounded by the fetch timeout");
    assert_unavailable(&answer);
    let error = warden.ready().await.expect_err("still hanging");
    assert!(error.to_string().contains("no answer within"), "{error}");
}

#[tokio::test]
async fn with_the_provider_down_known_keys_pass_and_unknown_kids_get_503() {
    let mut server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .unknown_kid_refresh_interval(INTERVAL)
        .token_cache_capacity(0)
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);

    server.stop().await;
    tokio::time::sleep(INTERVAL + Duration::from_millis(100)).await;
    // The unknown kid tries the provider, which is down: 503, never access.
    assert_unavailable(&harness::call(&app, "/me", &TestKey::Rsa2.token("k2")).await);
    // Within the interval it does not try again, and still answers 503.
    assert_unavailable(&harness::call(&app, "/me", &forged_token("k3")).await);
    // The last good key set keeps serving.
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);
    assert_eq!(
        harness::call(&app, "/admin", &TestKey::Rsa1.token("k1")).await.status,
        200
    );
    // A bad signature under a known kid is still a 401, not a 503.
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa2.token("k1")).await.status, 401);
}

#[tokio::test]
async fn without_any_key_set_every_token_gets_503() {
    let warden = warden_for(&closed_url().await)
        .unknown_kid_refresh_interval(INTERVAL)
        .build()
        .expect("build never touches the network");
    let runs = harness::Runs::default();
    let app = harness::app(warden.clone(), &runs);
    assert_unavailable(&harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await);
    assert_unavailable(&harness::call(&app, "/admin", &TestKey::Rsa1.token("k1")).await);
    assert_eq!(runs.count(), 0);
    // Requests without credentials are still a plain 401.
    assert_eq!(harness::send(&app, harness::get_with("/me", None)).await.status, 401);
    // The synchronous check never waits and fails closed too.
    assert!(matches!(
        warden.verify_token(&TestKey::Rsa1.token("k1")),
        Err(AuthError::Unavailable { .. })
    ));
    let error = warden.ready().await.expect_err("nothing listens");
    assert!(error.to_string().starts_with("GET http://127.0.0.1:"), "{error}");
}

#[tokio::test]
async fn a_provider_that_comes_up_late_is_used_once_it_answers() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    server.hang(true);
    let warden = warden_for(&server.jwks_url())
        .key_fetch_timeout(Duration::from_millis(300))
        .unknown_kid_refresh_interval(Duration::from_millis(200))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    assert_unavailable(&harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await);
    server.hang(false);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 200);
}

#[tokio::test]
async fn discovery_finds_the_jwks_and_checks_the_issuer() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let issuer = server.base.clone();
    let warden = axum_warden::Warden::builder()
        .oidc_issuer(&issuer)
        .audience(AUDIENCE)
        .build()
        .expect("valid configuration");
    warden.ready().await.expect("discovery and JWKS");
    assert_eq!((server.discoveries(), server.fetches()), (1, 1));
    let app = harness::app(warden, &harness::Runs::default());
    assert_eq!(
        harness::call(&app, "/me", &TestKey::Rsa1.sign("k1", |token| token.issuer(&issuer)))
            .await
            .status,
        200
    );
    // The issuer of the discovery is the required `iss`.
    assert_eq!(harness::call(&app, "/me", &TestKey::Rsa1.token("k1")).await.status, 401);

    // A document that names another issuer is refused: no keys, 503.
    server.discovery_issuer("https://evil.example");
    let warden = axum_warden::Warden::builder()
        .oidc_issuer(&issuer)
        .audience(AUDIENCE)
        .build()
        .expect("valid configuration");
    let error = warden.ready().await.expect_err("issuer mismatch");
    assert!(
        error
            .to_string()
            .contains("\"https://evil.example\", not the configured"),
        "{error}"
    );
    let app = harness::app(warden, &harness::Runs::default());
    assert_unavailable(&harness::call(&app, "/me", &TestKey::Rsa1.sign("k1", |token| token.issuer(&issuer))).await);
}

fn rand_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("id-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Providers publish RSA keys without `alg`; such a key serves RS256 unless the
/// application lists its RSA algorithms, never every RSA algorithm by default.
#[tokio::test]
async fn an_rsa_key_without_alg_serves_rs256_or_the_chosen_algorithms() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let mut jwk = TestKey::Rsa1.jwk("k1");
    jwk.as_object_mut().expect("object").remove("alg");
    server.publish_document(serde_json::json!({"keys": [jwk]}));
    // The test kit signs every RSA algorithm with its one RSA key, the key of `Rsa1`.
    let sign = |alg| {
        issuer(alg)
            .token()
            .subject(SUBJECT)
            .roles(["admin"])
            .key_id("k1")
            .sign()
    };
    let by_default = harness::app(
        warden_for(&server.jwks_url()).build().expect("valid"),
        &harness::Runs::default(),
    );
    assert_eq!(
        harness::call(&by_default, "/me", &sign(Algorithm::RS256)).await.status,
        200
    );
    assert_eq!(
        harness::call(&by_default, "/me", &sign(Algorithm::PS256)).await.status,
        401
    );
    assert_eq!(
        harness::call(&by_default, "/me", &sign(Algorithm::RS512)).await.status,
        401
    );
    let chosen = warden_for(&server.jwks_url())
        .algorithms([Algorithm::PS256, Algorithm::RS512])
        .build()
        .expect("valid");
    let chosen = harness::app(chosen, &harness::Runs::default());
    assert_eq!(harness::call(&chosen, "/me", &sign(Algorithm::PS256)).await.status, 200);
    assert_eq!(harness::call(&chosen, "/me", &sign(Algorithm::RS512)).await.status, 200);
    assert_eq!(harness::call(&chosen, "/me", &sign(Algorithm::RS256)).await.status, 401);
}
