//! The verified-token cache, observed through `Warden::cache_stats`: hits after the first
//! verification, expiry at `exp`, invalidation when the key set rotates, and no caching of
//! failures.

mod harness;
mod key_server;

use std::time::Duration;

use axum_warden::{Algorithm, Warden};
use harness::{SUBJECT, issuer};
use key_server::{KeyServer, TestKey, warden_for};
use serde_json::json;

fn stats(warden: &Warden) -> (u64, u64, u64) {
    let s = warden.cache_stats();
    (s.hits, s.misses, s.entries)
}

#[tokio::test]
async fn a_reused_token_is_answered_from_the_cache() {
    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
        let warden = harness::warden(alg);
        let runs = harness::Runs::default();
        let app = harness::app(warden.clone(), &runs);
        let token = harness::mint(alg, &["admin"]);
        assert_eq!(stats(&warden), (0, 0, 0));

        let first = harness::call(&app, "/me", &token).await;
        assert_eq!((first.status, first.body.as_slice()), (200, SUBJECT.as_bytes()));
        assert_eq!(stats(&warden), (0, 1, 1), "{alg:?}: the first sight verifies");

        let second = harness::call(&app, "/me", &token).await;
        assert_eq!((second.status, second.body.as_slice()), (200, SUBJECT.as_bytes()));
        assert_eq!(stats(&warden), (1, 1, 1), "{alg:?}: the second is a hit");

        // The requirement is still checked on a hit.
        let viewer = harness::mint(alg, &["viewer"]);
        assert_eq!(harness::call(&app, "/admin", &viewer).await.status, 403);
        assert_eq!(harness::call(&app, "/admin", &viewer).await.status, 403);
        assert_eq!(stats(&warden), (2, 2, 2));
        assert_eq!(runs.count(), 2);
    }
}

#[tokio::test]
async fn failures_are_never_cached() {
    let warden = harness::warden(Algorithm::HS256);
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let good = harness::mint(Algorithm::HS256, &[]);
    let tampered = format!("{}x", &good[..good.len() - 1]);
    let issuer = issuer(Algorithm::HS256);
    let token = || issuer.token().subject(SUBJECT).roles([]);
    let expired = token().claim("exp", json!(harness::now() - 3600)).sign();
    let wrong_audience = token().audience("other").sign();
    for token in [&tampered, &expired, &wrong_audience, &"not.a.token".to_owned()] {
        for _ in 0..3 {
            assert_eq!(harness::call(&app, "/me", token).await.status, 401);
        }
    }
    assert_eq!(stats(&warden), (0, 12, 0));
}

/// A token refused by a tenant, client, type or application check is verified in full
/// every time (a miss), never kept; one that passes them is then a hit.
#[tokio::test]
async fn tokens_refused_by_the_claim_checks_are_never_cached() {
    let issuer = issuer(Algorithm::HS256);
    let warden = issuer
        .warden_builder()
        .tenants(["t1"])
        .client_ids(["web"])
        .require_access_token_type(true)
        .check_claims(|claims| claims.get("blocked").is_none())
        .build()
        .expect("valid");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let token = || {
        issuer
            .token()
            .subject(SUBJECT)
            .roles([])
            .token_type("at+jwt")
            .claim("tid", json!("t1"))
            .claim("azp", json!("web"))
    };
    let refused = [
        token().claim("tid", json!("t2")).sign(),
        token().without("tid").sign(),
        token().claim("azp", json!("cli")).sign(),
        token().claim("client_id", json!("cli")).sign(),
        token().token_type("JWT").sign(),
        token().claim("blocked", json!(true)).sign(),
    ];
    for token in &refused {
        for _ in 0..2 {
            assert_eq!(harness::call(&app, "/me", token).await.status, 401);
        }
    }
    assert_eq!(stats(&warden), (0, 12, 0));
    let good = token().sign();
    assert_eq!(harness::call(&app, "/me", &good).await.status, 200);
    assert_eq!(harness::call(&app, "/me", &good).await.status, 200);
    assert_eq!(stats(&warden), (1, 13, 1));
}

#[tokio::test]
async fn entries_expire_at_exp() {
    let issuer = issuer(Algorithm::HS256);
    let warden = issuer
        .warden_builder()
        .leeway(Duration::ZERO)
        .build()
        .expect("valid configuration");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let exp = harness::now() + 2;
    let token = issuer
        .token()
        .subject(SUBJECT)
        .roles([])
        .claim("exp", json!(exp))
        .sign();
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    assert_eq!(stats(&warden), (1, 1, 1));

    while harness::now() < exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The warden reads the coarse real-time clock, which lags the precise one by at most
    // one kernel tick (10 ms at the slowest timer frequency): a token is accepted for up
    // to a tick past `exp`. Past that tick the entry must be gone.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let answer = harness::call(&app, "/me", &token).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["detail"], "The bearer token has expired.");
    let (hits, misses, _) = stats(&warden);
    assert_eq!((hits, misses), (1, 2), "past exp the entry is not a hit");
}

#[tokio::test]
async fn a_key_rotation_drops_every_cached_token() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .unknown_kid_refresh_interval(Duration::from_millis(200))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let old = TestKey::Rsa1.token("k1");
    assert_eq!(harness::call(&app, "/me", &old).await.status, 200);
    assert_eq!(harness::call(&app, "/me", &old).await.status, 200);
    assert_eq!(stats(&warden), (1, 1, 1));

    // k1 is retired, k2 takes over; a k2 token makes the warden refresh.
    server.publish(&[(TestKey::Rsa2, "k2")]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let new = TestKey::Rsa2.token("k2");
    assert_eq!(harness::call(&app, "/me", &new).await.status, 200);
    assert_eq!(server.fetches(), 2);

    // The old token is no longer answered from the cache: its key is gone.
    assert_eq!(harness::call(&app, "/me", &old).await.status, 401);
    let (hits, misses, _) = stats(&warden);
    assert_eq!((hits, misses), (1, 3), "the old token was verified again, and refused");
    assert_eq!(harness::call(&app, "/me", &new).await.status, 200);
    assert_eq!(stats(&warden).0, 2, "the new key's token is cached");
}

#[tokio::test]
async fn an_unchanged_key_set_keeps_the_cache() {
    let server = KeyServer::start(&[(TestKey::Rsa1, "k1")]).await;
    let warden = warden_for(&server.jwks_url())
        .unknown_kid_refresh_interval(Duration::from_millis(200))
        .build()
        .expect("valid configuration");
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let token = TestKey::Rsa1.token("k1");
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A refresh that finds the same keys changes nothing.
    assert_eq!(
        harness::call(&app, "/me", &key_server::forged_token("nope"))
            .await
            .status,
        401
    );
    assert_eq!(server.fetches(), 2);
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    assert_eq!(stats(&warden).0, 1, "still a hit");
}

#[tokio::test]
async fn the_cache_is_bounded_and_can_be_turned_off() {
    let issuer = issuer(Algorithm::HS256);
    let bounded = issuer
        .warden_builder()
        .token_cache_capacity(3)
        .build()
        .expect("valid configuration");
    let app = harness::app(bounded.clone(), &harness::Runs::default());
    for i in 0..20 {
        let token = issuer.token().subject(SUBJECT).roles([]).claim("jti", json!(i)).sign();
        assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    }
    assert!(bounded.cache_stats().entries <= 3, "{:?}", bounded.cache_stats());

    let off = issuer
        .warden_builder()
        .token_cache_capacity(0)
        .build()
        .expect("valid configuration");
    let app = harness::app(off.clone(), &harness::Runs::default());
    let token = harness::mint(Algorithm::HS256, &[]);
    for _ in 0..3 {
        assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    }
    assert_eq!(stats(&off), (0, 0, 0));
}

/// A cache hit skips the credential's character check (only checked tokens are cached),
/// so every variant of a cached token that is not byte-for-byte the same must still get
/// the full check and its own answer.
#[tokio::test]
async fn near_copies_of_a_cached_token_are_checked_in_full() {
    let warden = harness::warden(Algorithm::HS256);
    let app = harness::app(warden.clone(), &harness::Runs::default());
    let token = harness::mint(Algorithm::HS256, &["admin"]);
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    assert_eq!(stats(&warden), (0, 1, 1));

    let cases = [
        (format!("Bearer {token},"), 400),
        (format!("Bearer {token}, {token}"), 400),
        (format!("Bearer {token}!"), 401),
        (format!("Bearer {token}="), 401),
        (format!("Bearer {token}\t"), 401),
        (format!("Bearer \"{token}\""), 401),
        (format!("Bearer {}", token.replace('.', "%2E")), 401),
        (format!("Bearer   {token}  "), 200),
        (format!("bEaReR {token}"), 200),
    ];
    for (value, status) in &cases {
        let answer = harness::send(&app, harness::get_with("/me", Some(value))).await;
        assert_eq!(answer.status, *status, "{value:?}");
    }
    let mut raw = format!("Bearer {token}").into_bytes();
    raw.push(0xff);
    let value = http::HeaderValue::from_bytes(&raw).expect("obs-text is a valid header value");
    let request = http::Request::get("/me")
        .header("authorization", value)
        .body(axum::body::Body::empty())
        .expect("request");
    assert_eq!(harness::send(&app, request).await.status, 401);
    let (hits, _, entries) = stats(&warden);
    assert_eq!((hits, entries), (2, 1), "only the two exact copies were hits");
}
