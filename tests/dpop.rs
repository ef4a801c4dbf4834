//! DPoP-bound requests (RFC 9449) through the guard: a valid proof passes, and each rule of
//! §4.3 refuses on its own with the exact DPoP challenge; bearer and DPoP side by side, DPoP
//! required, DPoP off; server nonces. Proofs come from the test kit's `DpopKey`. (Against a
//! real provider and a real client library: tests/dpop_provider.rs.)

mod harness;

use axum::body::Body;
use axum_warden::testing::DpopKey;
use axum_warden::{Algorithm, DpopMode, Warden};
use harness::{Answer, issuer};
use serde_json::{Value, json};

const ORIGIN: &str = "https://api.example";
const ALGS: &str = "ES256 ES384 EdDSA PS256 PS384 PS512 RS256 RS384 RS512";

fn dpop_challenge(error: Option<&str>) -> String {
    match error {
        Some(error) => format!(r#"DPoP realm="api", error="{error}", algs="{ALGS}""#),
        None => format!(r#"DPoP realm="api", algs="{ALGS}""#),
    }
}

fn warden(mode: DpopMode) -> Warden {
    issuer(Algorithm::ES256)
        .warden_builder()
        .dpop(mode)
        .dpop_origin(ORIGIN)
        .build()
        .expect("a DPoP warden")
}

fn app(warden: Warden) -> axum::Router {
    harness::app(warden, &harness::Runs::default())
}

/// The client's key (its proofs), and a token bound to it with `roles`.
fn client(roles: &[&str]) -> (DpopKey, String) {
    let key = DpopKey::new(Algorithm::EdDSA);
    let token = issuer(Algorithm::ES256)
        .token()
        .subject(harness::SUBJECT)
        .roles(roles.iter().copied())
        .bound_to(&key)
        .sign();
    (key, token)
}

async fn send(app: &axum::Router, method: &str, path: &str, headers: &[(&str, String)]) -> Answer {
    let mut request = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    harness::send(app, request.body(Body::empty()).expect("request")).await
}

fn dpop(token: &str) -> (&'static str, String) {
    ("authorization", format!("DPoP {token}"))
}

fn challenges(answer: &Answer) -> Vec<&str> {
    answer
        .headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().expect("ascii"))
        .collect()
}

#[tokio::test]
async fn a_valid_proof_passes_first_and_on_a_cache_hit_and_the_role_rule_still_holds() {
    let app = app(warden(DpopMode::Allowed));
    let (key, token) = client(&["admin"]);
    for _ in 0..2 {
        let proof = key.proof("GET", &format!("{ORIGIN}/admin"), &token);
        let answer = send(&app, "GET", "/admin", &[dpop(&token), ("dpop", proof)]).await;
        assert_eq!(answer.status, 200, "{:?}", answer.headers);
    }
    let (key, viewer) = client(&["viewer"]);
    let proof = key.proof("GET", &format!("{ORIGIN}/admin"), &viewer);
    let answer = send(&app, "GET", "/admin", &[dpop(&viewer), ("dpop", proof)]).await;
    assert_eq!(answer.status, 403);
    assert_eq!(challenges(&answer), [dpop_challenge(Some("insufficient_scope"))]);
}

#[tokio::test]
async fn each_rule_of_the_proof_refuses_on_its_own() {
    let app = app(warden(DpopMode::Allowed));
    let (key, token) = client(&["admin"]);
    let url = format!("{ORIGIN}/admin");
    let other_key = DpopKey::new(Algorithm::ES384);
    let now = harness::now();
    let with = |claims: Value, header: Value| key.proof_with("GET", &url, &token, &claims, &header);
    let mut private = key.public_jwk();
    private["d"] = json!("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
    let replayed = key.proof("GET", &url, &token);
    assert_eq!(
        send(&app, "GET", "/admin", &[dpop(&token), ("dpop", replayed.clone())])
            .await
            .status,
        200
    );
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("replayed", vec![dpop(&token), ("dpop", replayed)]),
        (
            "for POST",
            vec![dpop(&token), ("dpop", key.proof("POST", &url, &token))],
        ),
        (
            "for another URI",
            vec![
                dpop(&token),
                ("dpop", key.proof("GET", &format!("{ORIGIN}/me"), &token)),
            ],
        ),
        (
            "for another origin",
            vec![
                dpop(&token),
                ("dpop", key.proof("GET", "https://evil.example/admin", &token)),
            ],
        ),
        (
            "by another key",
            vec![dpop(&token), ("dpop", other_key.proof("GET", &url, &token))],
        ),
        (
            "without ath",
            vec![dpop(&token), ("dpop", with(json!({"ath": null}), json!({})))],
        ),
        (
            "for another token",
            vec![dpop(&token), ("dpop", key.proof("GET", &url, "another-token"))],
        ),
        (
            "issued 2 minutes ago",
            vec![dpop(&token), ("dpop", with(json!({"iat": now - 120}), json!({})))],
        ),
        (
            "issued in 2 minutes",
            vec![dpop(&token), ("dpop", with(json!({"iat": now + 120}), json!({})))],
        ),
        (
            "alg none",
            vec![dpop(&token), ("dpop", with(json!({}), json!({"alg": "none"})))],
        ),
        (
            "alg HS256",
            vec![dpop(&token), ("dpop", with(json!({}), json!({"alg": "HS256"})))],
        ),
        (
            "typ JWT",
            vec![dpop(&token), ("dpop", with(json!({}), json!({"typ": "JWT"})))],
        ),
        (
            "private key in jwk",
            vec![dpop(&token), ("dpop", with(json!({}), json!({"jwk": private})))],
        ),
        (
            "no jti",
            vec![dpop(&token), ("dpop", with(json!({"jti": null}), json!({})))],
        ),
        ("not a JWT", vec![dpop(&token), ("dpop", "not-a-proof".to_owned())]),
        ("no DPoP header", vec![dpop(&token)]),
        (
            "two DPoP headers",
            vec![
                dpop(&token),
                ("dpop", key.proof("GET", &url, &token)),
                ("dpop", key.proof("GET", &url, &token)),
            ],
        ),
    ];
    for (case, headers) in cases {
        let answer = send(&app, "GET", "/admin", &headers).await;
        assert_eq!(answer.status, 401, "{case}");
        assert_eq!(
            challenges(&answer),
            [dpop_challenge(Some("invalid_dpop_proof"))],
            "{case}"
        );
        assert_eq!(answer.headers["cache-control"], "no-store", "{case}");
        assert_eq!(answer.json()["detail"], "The DPoP proof is not valid.", "{case}");
    }
    // The proof for a query-carrying request names the URI without the query.
    let answer = send(
        &app,
        "GET",
        "/admin?page=2",
        &[dpop(&token), ("dpop", key.proof("GET", &url, &token))],
    )
    .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn tokens_and_schemes_that_do_not_fit_are_invalid_tokens() {
    let app = app(warden(DpopMode::Allowed));
    let (key, bound) = client(&["admin"]);
    let unbound = harness::mint(Algorithm::ES256, &["admin"]);
    let url = format!("{ORIGIN}/admin");
    // A bound token as a bearer token: whoever holds it without the key.
    let answer = send(&app, "GET", "/admin", &[("authorization", format!("Bearer {bound}"))]).await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (401, vec![r#"Bearer realm="api", error="invalid_token""#])
    );
    // A token bound to no key, with a proof.
    let answer = send(
        &app,
        "GET",
        "/admin",
        &[dpop(&unbound), ("dpop", key.proof("GET", &url, &unbound))],
    )
    .await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (401, vec![dpop_challenge(Some("invalid_token")).as_str()])
    );
    // An unbound bearer token still passes beside DPoP.
    let answer = send(&app, "GET", "/admin", &[("authorization", format!("Bearer {unbound}"))]).await;
    assert_eq!(answer.status, 200);
    // A proof without a token is no credential: both schemes are offered.
    let answer = send(&app, "GET", "/admin", &[("dpop", key.proof("GET", &url, &bound))]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        challenges(&answer),
        [r#"Bearer realm="api""#.to_owned(), dpop_challenge(None)]
    );
    // A forged token with a valid proof.
    let forged = format!("{}x", &bound[..bound.len() - 1]);
    let answer = send(
        &app,
        "GET",
        "/admin",
        &[dpop(&forged), ("dpop", key.proof("GET", &url, &forged))],
    )
    .await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (401, vec![dpop_challenge(Some("invalid_token")).as_str()])
    );
}

#[tokio::test]
async fn when_dpop_is_required_bearer_tokens_are_no_credentials() {
    let app = app(warden(DpopMode::Required));
    let unbound = harness::mint(Algorithm::ES256, &["admin"]);
    for headers in [vec![], vec![("authorization", format!("Bearer {unbound}"))]] {
        let answer = send(&app, "GET", "/admin", &headers).await;
        assert_eq!(
            (answer.status, challenges(&answer)),
            (401, vec![dpop_challenge(None).as_str()])
        );
    }
    let (key, token) = client(&["admin"]);
    let proof = key.proof("GET", &format!("{ORIGIN}/admin"), &token);
    assert_eq!(
        send(&app, "GET", "/admin", &[dpop(&token), ("dpop", proof)])
            .await
            .status,
        200
    );
    let (key, viewer) = client(&[]);
    let proof = key.proof("GET", &format!("{ORIGIN}/admin"), &viewer);
    let answer = send(&app, "GET", "/admin", &[dpop(&viewer), ("dpop", proof)]).await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (403, vec![dpop_challenge(Some("insufficient_scope")).as_str()])
    );
}

#[tokio::test]
async fn with_dpop_off_the_scheme_is_not_read_and_bound_tokens_are_refused() {
    let app = app(harness::warden(Algorithm::ES256));
    let (key, bound) = client(&["admin"]);
    let proof = key.proof("GET", &format!("{ORIGIN}/admin"), &bound);
    let answer = send(&app, "GET", "/admin", &[dpop(&bound), ("dpop", proof)]).await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (401, vec![r#"Bearer realm="api""#])
    );
    let answer = send(&app, "GET", "/admin", &[("authorization", format!("Bearer {bound}"))]).await;
    assert_eq!(
        (answer.status, challenges(&answer)),
        (401, vec![r#"Bearer realm="api", error="invalid_token""#])
    );
}

#[tokio::test]
async fn a_server_nonce_is_asked_for_then_accepted() {
    let secret = b"a nonce secret of more than 32 bytes, for tests".to_vec();
    let nonce_warden = |secret: Vec<u8>| {
        issuer(Algorithm::ES256)
            .warden_builder()
            .dpop(DpopMode::Required)
            .dpop_origin(ORIGIN)
            .dpop_nonce_secret(secret)
            .build()
            .expect("a DPoP warden with nonces")
    };
    let app = app(nonce_warden(secret.clone()));
    let (key, token) = client(&["admin"]);
    let url = format!("{ORIGIN}/admin");
    let answer = send(
        &app,
        "GET",
        "/admin",
        &[dpop(&token), ("dpop", key.proof("GET", &url, &token))],
    )
    .await;
    assert_eq!(answer.status, 401);
    let expected = r#"DPoP realm="api", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs=""#;
    assert!(
        challenges(&answer)[0].starts_with(expected),
        "{:?}",
        challenges(&answer)
    );
    let nonce = answer.headers["dpop-nonce"].to_str().expect("ascii").to_owned();
    let with_nonce = key.proof_with("GET", &url, &token, &json!({ "nonce": nonce }), &json!({}));
    assert_eq!(
        send(&app, "GET", "/admin", &[dpop(&token), ("dpop", with_nonce)])
            .await
            .status,
        200
    );
    // Another instance with the same secret accepts it; one with another secret does not.
    let twin = app_with_nonce(nonce_warden(secret), &key, &token, &nonce).await;
    assert_eq!(twin, 200);
    let stranger = app_with_nonce(
        nonce_warden(b"another secret of more than 32 bytes!!".to_vec()),
        &key,
        &token,
        &nonce,
    )
    .await;
    assert_eq!(stranger, 401);
    for forged in [
        "1.AAAA",
        "not-a-nonce",
        &format!("{}.{}", harness::now(), "x".repeat(43)),
    ] {
        let proof = key.proof_with("GET", &url, &token, &json!({ "nonce": forged }), &json!({}));
        let answer = send(&app, "GET", "/admin", &[dpop(&token), ("dpop", proof)]).await;
        assert_eq!(answer.status, 401, "{forged}");
        assert!(answer.headers.contains_key("dpop-nonce"), "{forged}");
    }
}

async fn app_with_nonce(warden: Warden, key: &DpopKey, token: &str, nonce: &str) -> u16 {
    let proof = key.proof_with(
        "GET",
        &format!("{ORIGIN}/admin"),
        token,
        &json!({ "nonce": nonce }),
        &json!({}),
    );
    send(&app(warden), "GET", "/admin", &[dpop(token), ("dpop", proof)])
        .await
        .status
}

#[test]
fn dpop_settings_that_cannot_work_are_refused_at_startup() {
    let builder = || issuer(Algorithm::ES256).warden_builder();
    let refused = [
        (builder().dpop_origin(ORIGIN), "dpop_origin"),
        (
            builder().dpop(DpopMode::Allowed).dpop_algorithms([Algorithm::HS256]),
            "dpop_algorithms",
        ),
        (builder().dpop(DpopMode::Allowed).dpop_algorithms([]), "dpop_algorithms"),
        (
            builder().dpop(DpopMode::Allowed).dpop_origin("https://api.example/v1"),
            "dpop_origin",
        ),
        (
            builder().dpop(DpopMode::Allowed).dpop_origin("api.example"),
            "dpop_origin",
        ),
        (
            builder().dpop(DpopMode::Allowed).dpop_nonce_secret(vec![1; 16]),
            "dpop_nonce_secret",
        ),
        (
            builder().dpop(DpopMode::Allowed).dpop_replay_capacity(0),
            "dpop_replay_capacity",
        ),
        (
            builder()
                .dpop(DpopMode::Allowed)
                .dpop_proof_window(std::time::Duration::ZERO),
            "dpop_proof_window",
        ),
    ];
    for (builder, setting) in refused {
        let err = builder.build().expect_err("refused");
        assert!(err.to_string().contains(setting), "{setting}: {err}");
    }
    let warden = Warden::from_vars(|name| match name {
        "WARDEN_JWT_SECRET" => Some("0123456789abcdef0123456789abcdef".into()),
        "WARDEN_DPOP" => Some("required".into()),
        "WARDEN_DPOP_ALGORITHMS" => Some("ES256,EdDSA".into()),
        "WARDEN_DPOP_ORIGIN" => Some("https://api.example".into()),
        _ => None,
    });
    assert!(warden.is_ok(), "{warden:?}");
    let err = Warden::from_vars(|name| match name {
        "WARDEN_JWT_SECRET" => Some("0123456789abcdef0123456789abcdef".into()),
        "WARDEN_DPOP" => Some("yes".into()),
        _ => None,
    })
    .expect_err("refused");
    assert!(err.to_string().contains("WARDEN_DPOP"), "{err}");
}
