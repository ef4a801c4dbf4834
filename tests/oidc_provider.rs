//! Against a real OpenID provider: the OpenID Certified `oidc-provider` npm package, run
//! by `tests/oidc/provider.mjs` on a loopback port. Its client-credentials JWT access
//! tokens are accepted through discovery; after it rotates its signing key, new tokens
//! are accepted; with it stopped, tokens of known keys pass and an unknown `kid` gets 503.
//! Two of them (two issuers, two key sets) and a static HS256 issuer in one warden: each
//! one's tokens accepted, tokens signed with one provider's key claiming the other refused,
//! and a token of an issuer nobody trusts refused without a request to either provider.
//! Its back-channel logout (OpenID Connect Back-Channel Logout 1.0), sent by the provider
//! itself to the app's endpoint, revokes that session's access tokens and no other's.
//! Its DPoP-bound tokens (RFC 9449), obtained and used by a real client library
//! (`oauth4webapi`, run by `tests/oidc/dpop-client.mjs`), pass with the library's proofs and
//! server nonces, and are refused as bearer tokens, with a replayed proof, with a proof for
//! another URI and with another key's proof.
//!
//! Needs `scripts/install-test-deps` (npm ci in tests/oidc) to have run: the test fails,
//! and says so, when the package is missing.

mod harness;
mod oidc_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum_warden::testing::TestIssuer;
use axum_warden::{Algorithm, DpopMode, IssuerConfig, Revocations, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use oidc_support::{CLIENT_ID, CLIENT_SECRET, Provider, RESOURCE, Scratch, free_port, script_dir};

/// The resource indicator whose access tokens the provider makes opaque.
#[cfg(feature = "introspection")]
const OPAQUE_RESOURCE: &str = "https://orders.api.test/opaque";

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_providers_back_channel_logout_revokes_its_session() {
    let state = Scratch::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let app_address = listener.local_addr().expect("address");
    let logout_uri = format!("http://{app_address}/logout/backchannel");
    let provider = Provider::start_with(free_port(), &state.0, "k1", &["--logout-uri", &logout_uri]);
    let issuer = provider.issuer.clone();

    let revocations = Revocations::in_memory();
    let warden = Warden::builder()
        .oidc_issuer(&issuer)
        .audience(RESOURCE)
        .revocations(revocations.clone())
        .back_channel_logout("warden-web")
        .build()
        .expect("valid configuration");
    warden.ready().await.expect("discovery and JWKS");
    let logout_route: axum::Router = axum_warden::Router::new()
        .back_channel_logout("/logout/backchannel", &warden)
        .with_state(warden.clone())
        .into();
    let app = harness::app(warden, &harness::Runs::default()).merge(logout_route);
    let server = tokio::spawn(axum::serve(listener, app).into_future());

    // Access tokens of two sessions of alice, signed with the provider's own key as the
    // tokens it issued in those sessions would be.
    let now = harness::now();
    let token = |sid: &str| {
        let claims = json!({
            "iss": issuer, "aud": RESOURCE, "sub": "alice", "sid": sid, "jti": format!("at-{sid}"),
            "iat": now, "exp": now + 600,
        });
        forge(&state.0, "k1", "k1", &claims)
    };
    let (ended, other) = (token("session-1"), token("session-2"));
    let client = reqwest::Client::new();
    let status = |token: String| {
        let request = client
            .get(format!("http://{app_address}/me"))
            .bearer_auth(token)
            .timeout(Duration::from_secs(10));
        async move { request.send().await.expect("the app answers").status().as_u16() }
    };
    assert_eq!((status(ended.clone()).await, status(other.clone()).await), (200, 200));

    // The provider ends session-1: its logout token, signed by it, reaches the app.
    let delivered = provider.back_channel_logout("alice", "session-1").await;
    assert_eq!(delivered["delivered"], true, "{delivered}");
    assert_eq!(revocations.len(), 1);
    assert_eq!(
        status(ended).await,
        401,
        "the session's token is refused although it verifies"
    );
    assert_eq!(
        status(other).await,
        200,
        "another session of the same user is untouched"
    );
    server.abort();
}

/// Runs tests/oidc/dpop-client.mjs against the provider and the app at `api`; its report,
/// one JSON object per step, by step name.
fn dpop_client(provider: &Provider, api: &str, resource: &str) -> std::collections::HashMap<String, Value> {
    let output = Command::new("node")
        .arg("dpop-client.mjs")
        .args([
            "--issuer",
            &provider.issuer,
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ])
        .args(["--resource", resource, "--scope", "orders:read", "--api", api])
        .current_dir(script_dir())
        .stdin(Stdio::null())
        .output()
        .expect("node runs the DPoP client");
    assert!(
        output.status.success(),
        "the DPoP client failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .map(|step| (step["step"].as_str().expect("a step").to_owned(), step))
        .collect()
}

/// Runs the DPoP client against a DPoP-requiring app with `warden` (more settings of the
/// provider's issuer) for tokens of `resource`, and checks every step of its report.
async fn dpop_against(provider: Provider, warden: axum_warden::WardenBuilder, resource: &'static str) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let api = format!("http://{}", listener.local_addr().expect("address"));
    let warden = warden
        .dpop(DpopMode::Required)
        .dpop_origin(&api)
        .dpop_nonce_secret(b"the nonce secret of the DPoP test, 32+ bytes".to_vec())
        .build()
        .expect("valid configuration");
    warden.ready().await.expect("discovery and JWKS");
    let server = tokio::spawn(axum::serve(listener, harness::app(warden, &harness::Runs::default())).into_future());
    let report = tokio::task::spawn_blocking({
        let api = api.clone();
        move || dpop_client(&provider, &api, resource)
    })
    .await
    .expect("the client's thread");
    server.abort();
    let step = |name: &str| report.get(name).unwrap_or_else(|| panic!("no step {name}: {report:?}"));
    assert!(
        step("token")["token_type"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop")),
        "{report:?}"
    );
    // The library's proof, after it learned the nonce the API asked for.
    assert_eq!(step("dpop")["status"], 200, "{report:?}");
    assert_eq!(
        step("dpop")["requests"],
        2,
        "one use_dpop_nonce answer, then the retry: {report:?}"
    );
    assert_eq!(step("again")["status"], 200, "{report:?}");
    assert_eq!(step("again")["requests"], 1, "the nonce is reused: {report:?}");
    let refused = |name: &str, error: Option<&str>| {
        let answer = step(name);
        assert_eq!(answer["status"], 401, "{name}: {report:?}");
        let challenge = answer["challenge"].as_str().unwrap_or_default();
        assert!(challenge.starts_with("DPoP "), "{name}: {challenge}");
        match error {
            Some(error) => assert!(
                challenge.contains(&format!(r#"error="{error}""#)),
                "{name}: {challenge}"
            ),
            None => assert!(!challenge.contains("error="), "{name}: {challenge}"),
        }
    };
    // DPoP is required: a bearer token is no credential, bound or not.
    refused("bearer", None);
    refused("replay", Some("invalid_dpop_proof"));
    refused("elsewhere", Some("invalid_dpop_proof"));
    refused("stranger", Some("invalid_dpop_proof"));
}

#[cfg(feature = "introspection")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_librarys_proofs_for_a_real_providers_bound_opaque_tokens() {
    let state = Scratch::new();
    let provider = Provider::start(free_port(), &state.0, "k1");
    // The opaque token's answer carries `cnf.jkt` and `token_type: DPoP`.
    let warden = Warden::builder()
        .oidc_issuer(&provider.issuer)
        .audience(RESOURCE)
        .introspection_client(oidc_support::API_ID, oidc_support::API_SECRET);
    dpop_against(provider, warden, OPAQUE_RESOURCE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_librarys_proofs_for_a_real_providers_bound_tokens() {
    let state = Scratch::new();
    let provider = Provider::start(free_port(), &state.0, "k1");
    let warden = Warden::builder().oidc_issuer(&provider.issuer).audience(RESOURCE);
    dpop_against(provider, warden, RESOURCE).await;
}
