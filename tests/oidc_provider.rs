//! Against a real OpenID provider: the OpenID Certified `oidc-provider` npm package, run
//! by `tests/oidc/provider.mjs` on a loopback port. Its client-credentials JWT access
//! tokens are accepted through discovery; after it rotates its signing key, new tokens
//! are accepted; with it stopped, tokens of known keys pass and an unknown `kid` gets 503.
//! Two of them (two issuers, two key sets) and a static HS256 issuer in one warden: each
//! one's tokens accepted, tokens signed with one provider's key claiming the other refused,
//! and a token of an issuer nobody trusts refused without a request to either provider.
//!
//! Needs `scripts/install-test-deps` (npm ci in tests/oidc) to have run: the test fails,
//! and says so, when the package is missing.

mod harness;
mod oidc_support;

use std::path::Path;
use std::time::Duration;

use axum_warden::testing::TestIssuer;
use axum_warden::{Algorithm, IssuerConfig, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use oidc_support::{CLIENT_ID, Provider, RESOURCE, Scratch, free_port};

const UNKNOWN_KID_INTERVAL: Duration = Duration::from_millis(500);

/// `claims` signed RS256 with the provider key `kid` kept in `state`, under header kid
/// `header_kid`: what someone holding that provider's key could forge.
fn forge(state: &Path, kid: &str, header_kid: &str, claims: &Value) -> String {
    axum_warden::install_crypto_provider();
    let pem = std::fs::read(state.join(format!("{kid}.pem"))).expect("the provider wrote its key");
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).expect("an RSA key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(header_kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).expect("signed")
}

/// `token` with the `iss` of its payload replaced, its signature kept.
fn with_iss(token: &str, iss: &str) -> String {
    let mut parts = token.split('.');
    let (head, payload, signature) = (
        parts.next().expect("header"),
        parts.next().expect("payload"),
        parts.next().expect("signature"),
    );
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("json");
    claims["iss"] = json!(iss);
    format!("{head}.{}.{signature}", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

fn header(token: &str) -> Value {
    let encoded = token.split('.').next().expect("header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).expect("base64url")).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_of_a_real_openid_provider_through_discovery_rotation_and_outage() {
    let state = Scratch::new();
    let port = free_port();
    let mut provider = Provider::start(port, &state.0, "k1");
    let issuer = provider.issuer.clone();

    // Configured from the environment, as an application would.
    let from_env = Warden::from_vars(|name| match name {
        "WARDEN_OIDC_ISSUER_URL" => Some(issuer.clone()),
        "WARDEN_AUDIENCE" => Some(RESOURCE.to_owned()),
        _ => None,
    })
    .expect("valid configuration");
    from_env.ready().await.expect("discovery and JWKS");
    let first = provider.access_token().await;
    assert_eq!(header(&first)["kid"], "k1");
    let identity = from_env.verify_token_waiting(&first).await.expect("accepted");
    assert_eq!(identity.subject(), CLIENT_ID);
    assert_eq!(identity.issuer(), Some(issuer.as_str()));
    assert!(identity.has_scope("orders:read"));
    assert!(identity.has_role("reader"));

    let warden = Warden::builder()
        .oidc_issuer(&issuer)
        .audience(RESOURCE)
        .unknown_kid_refresh_interval(UNKNOWN_KID_INTERVAL)
        .build()
        .expect("valid configuration");
    let app = harness::app(warden, &harness::Runs::default());
    let me = harness::call(&app, "/me", &first).await;
    assert_eq!((me.status, me.body.as_slice()), (200, CLIENT_ID.as_bytes()));
    assert_eq!(harness::call(&app, "/orders", &first).await.status, 200);
    assert_eq!(
        harness::call(&app, "/admin", &first).await.status,
        403,
        "roles are [reader]"
    );
    // Another audience is not accepted.
    let elsewhere = Warden::builder()
        .oidc_issuer(&issuer)
        .audience("https://other.api.test/")
        .build()
        .expect("valid configuration");
    assert_eq!(
        harness::call(&harness::app(elsewhere, &harness::Runs::default()), "/me", &first)
            .await
            .status,
        401
    );

    // Rotation: the provider restarts signing with k2, still publishing k1.
    provider.stop();
    let mut provider = Provider::start(port, &state.0, "k2,k1");
    let rotated = provider.access_token().await;
    assert_eq!(header(&rotated)["kid"], "k2");
    tokio::time::sleep(UNKNOWN_KID_INTERVAL).await;
    assert_eq!(harness::call(&app, "/orders", &rotated).await.status, 200);
    assert_eq!(harness::call(&app, "/orders", &first).await.status, 200);
    let unseen = provider.access_token().await;

    // Outage: known keys keep working (this token was never seen, so it is verified, not
    // served from the cache); an unknown kid gets 503, never access.
    provider.stop();
    tokio::time::sleep(UNKNOWN_KID_INTERVAL).await;
    assert_eq!(harness::call(&app, "/me", &unseen).await.status, 200);
    assert_eq!(harness::call(&app, "/orders", &first).await.status, 200);
    let mut forged_header = header(&rotated);
    forged_header["kid"] = json!("k3");
    let mut parts = rotated.split('.');
    let forged = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(forged_header.to_string()),
        parts.nth(1).expect("payload"),
        parts.next().expect("signature")
    );
    let answer = harness::call(&app, "/me", &forged).await;
    assert_eq!(answer.status, 503, "{:?}", answer.headers);
    assert!(answer.headers.contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_real_providers_and_a_static_issuer_in_one_warden() {
    const STATIC: &str = "https://static.issuer.test";
    let (state_a, state_b) = (Scratch::new(), Scratch::new());
    let a = Provider::start(free_port(), &state_a.0, "a1");
    let b = Provider::start(free_port(), &state_b.0, "b1");
    let fixed = TestIssuer::new(Algorithm::HS256)
        .with_issuer(STATIC)
        .with_audience(RESOURCE);
    let warden = Warden::builder()
        .trust(IssuerConfig::new(&a.issuer).oidc_discovery().audience(RESOURCE))
        .trust(IssuerConfig::new(&b.issuer).oidc_discovery().audience(RESOURCE))
        .trust(fixed.issuer_config())
        .unknown_kid_refresh_interval(UNKNOWN_KID_INTERVAL)
        .build()
        .expect("three issuers");
    warden.ready().await.expect("both providers' discovery and key sets");
    let runs = harness::Runs::default();
    let app = harness::app(warden.clone(), &runs);

    // Each issuer's token on the same route, its identity naming the issuer.
    let from_a = a.access_token().await;
    let from_b = b.access_token().await;
    assert_eq!(
        (header(&from_a)["kid"].clone(), header(&from_b)["kid"].clone()),
        (json!("a1"), json!("b1"))
    );
    let from_static = fixed.token().subject("batch").scopes(["orders:read"]).sign();
    for (token, iss) in [
        (&from_a, a.issuer.as_str()),
        (&from_b, b.issuer.as_str()),
        (&from_static, STATIC),
    ] {
        assert_eq!(harness::call(&app, "/orders", token).await.status, 200, "{iss}");
        let identity = warden.verify_token_waiting(token).await.expect("accepted");
        assert_eq!(identity.issuer(), Some(iss));
    }
    assert_eq!(runs.count(), 3);

    // Forgeries with A's private key. The control shows the key is A's own.
    let exp = harness::now() + 300;
    let claims = |iss: &str| json!({"iss": iss, "aud": RESOURCE, "sub": "mallory", "scope": "orders:read", "exp": exp});
    let control = forge(&state_a.0, "a1", "a1", &claims(&a.issuer));
    assert_eq!(harness::call(&app, "/orders", &control).await.status, 200);
    let refused = [
        (
            "A's key, B's iss, B's kid",
            forge(&state_a.0, "a1", "b1", &claims(&b.issuer)),
        ),
        (
            "A's key, B's iss, A's kid",
            forge(&state_a.0, "a1", "a1", &claims(&b.issuer)),
        ),
        ("A's token with B's iss", with_iss(&from_a, &b.issuer)),
        ("B's token with A's iss", with_iss(&from_b, &a.issuer)),
        (
            "A's key, the static issuer's iss",
            forge(&state_a.0, "a1", "a1", &claims(STATIC)),
        ),
    ];
    for (what, token) in &refused {
        let answer = harness::call(&app, "/orders", token).await;
        assert_eq!(answer.status, 401, "{what}");
        assert!(
            answer.challenge().expect("challenge").contains("invalid_token"),
            "{what}"
        );
    }
    assert_eq!(runs.count(), 4, "only the control ran");

    // An issuer nobody trusts: refused before any key source is asked, so neither provider
    // receives a request, whatever its kid.
    let before = (a.requests().await, b.requests().await);
    for kid in ["a1", "b1", "never-published"] {
        let unknown = forge(&state_a.0, "a1", kid, &claims("http://127.0.0.1:9"));
        let answer = harness::call(&app, "/orders", &unknown).await;
        assert_eq!(answer.status, 401, "{kid}");
        assert!(answer.challenge().expect("challenge").contains("invalid_token"));
    }
    tokio::time::sleep(UNKNOWN_KID_INTERVAL * 2).await;
    let after = (a.requests().await, b.requests().await);
    assert_eq!(before, after, "an unknown issuer caused requests to a provider");
    assert!(before.0 > 0 && before.1 > 0, "the counters count: {before:?}");

    // A discovery document whose issuer differs from the configured one (here by a
    // trailing slash) is refused.
    let slash = format!("{}/", a.issuer);
    let mismatched = Warden::builder()
        .trust(IssuerConfig::new(&slash).oidc_discovery().audience(RESOURCE))
        .trust(fixed.issuer_config())
        .build()
        .expect("built without the network");
    let err = mismatched.ready().await.expect_err("the document names another issuer");
    assert!(err.to_string().contains("issuer"), "{err}");
}
