//! Revocation through the guard with the in-memory list, and OpenID Connect Back-Channel
//! Logout with the test kit's signed logout tokens: each rule of the specification
//! refuses on its own, and nothing a refused request carried is revoked.
//! (Against a real provider: tests/oidc_provider.rs; across instances: tests/revocation_redis.rs.)

mod harness;

use axum::body::Body;
use axum_warden::routing::get;
use axum_warden::{Algorithm, ConfigError, Identity, Revocation, Revocations, Warden, requires_auth};
use harness::{ISSUER, SUBJECT, issuer};
use serde_json::{Value, json};

const INVALID_TOKEN: &str = r#"Bearer realm="api", error="invalid_token""#;
const CLIENT: &str = "orders-web";
const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

#[requires_auth]
async fn me(identity: Identity) -> String {
    identity.subject().to_owned()
}

fn warden(revocations: &Revocations) -> Warden {
    issuer(Algorithm::ES256)
        .warden_builder()
        .revocations(revocations.clone())
        .back_channel_logout(CLIENT)
        .build()
        .expect("warden")
}

fn app(warden: &Warden) -> axum::Router {
    axum_warden::Router::new()
        .route("/me", get(me))
        .back_channel_logout("/logout/backchannel", warden)
        .with_state(warden.clone())
        .into()
}

fn access_token(jti: &str, sid: &str) -> String {
    issuer(Algorithm::ES256)
        .token()
        .subject(SUBJECT)
        .claim("jti", json!(jti))
        .claim("sid", json!(sid))
        .sign()
}

/// A logout token as a provider sends it, changed by `edit`.
fn logout_token(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut claims = serde_json::Map::new();
    claims.insert("jti".into(), json!("logout-1"));
    claims.insert("sid".into(), json!("session-1"));
    claims.insert("events".into(), json!({ EVENT: {} }));
    edit(&mut claims);
    let issuer = issuer(Algorithm::ES256);
    let mut token = issuer
        .token()
        .subject(SUBJECT)
        .audience(CLIENT)
        .token_type("logout+jwt");
    for (name, value) in claims {
        token = token.claim(&name, value);
    }
    token.sign()
}

async fn logout(app: &axum::Router, body: &str) -> harness::Answer {
    let request = http::Request::post("/logout/backchannel")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request");
    harness::send(app, request).await
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_a_cache_hit_with_the_invalid_token_answer() {
    let revocations = Revocations::in_memory();
    let warden = warden(&revocations);
    let app = app(&warden);
    let token = access_token("t-1", "s-1");
    let other = access_token("t-2", "s-1");
    assert_eq!(harness::call(&app, "/me", &token).await.status, 200);
    assert_eq!(warden.cache_stats().misses, 1);

    let identity = warden.verify_token(&token).expect("valid");
    let revocation = Revocation::of_identity(&identity).expect("a jti");
    assert_eq!(revocation.issuer(), Some(ISSUER));
    warden
        .revocations()
        .expect("configured")
        .revoke(revocation)
        .await
        .expect("in memory");

    let answer = harness::call(&app, "/me", &token).await;
    assert_eq!((answer.status, answer.challenge()), (401, Some(INVALID_TOKEN)));
    assert_eq!(answer.json()["status"], 401);
    assert_eq!(harness::call(&app, "/me", &other).await.status, 200);
    assert_eq!(
        warden.cache_stats().misses,
        2,
        "the refusal came from the cache's entry"
    );
}

#[tokio::test]
async fn a_back_channel_logout_revokes_its_session_and_only_it() {
    let revocations = Revocations::in_memory();
    let warden = warden(&revocations);
    let app = app(&warden);
    let (in_session, same_session, other_session) = (
        access_token("t-1", "session-1"),
        access_token("t-2", "session-1"),
        access_token("t-3", "session-2"),
    );
    for token in [&in_session, &same_session, &other_session] {
        assert_eq!(harness::call(&app, "/me", token).await.status, 200);
    }
    let answer = logout(&app, &format!("logout_token={}", logout_token(|_| {}))).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert_eq!(harness::call(&app, "/me", &in_session).await.status, 401);
    assert_eq!(harness::call(&app, "/me", &same_session).await.status, 401);
    assert_eq!(harness::call(&app, "/me", &other_session).await.status, 200);
    assert_eq!(revocations.len(), 1);

    // The same logout token again changes nothing.
    assert_eq!(
        logout(&app, &format!("logout_token={}", logout_token(|_| {})))
            .await
            .status,
        200
    );
    assert_eq!(revocations.len(), 1);
}

#[tokio::test]
async fn a_logout_without_a_session_revokes_the_subjects_earlier_tokens() {
    let revocations = Revocations::in_memory();
    let warden = warden(&revocations);
    let app = app(&warden);
    let earlier = access_token("t-1", "a");
    let token = logout_token(|claims| drop(claims.remove("sid")));
    assert_eq!(logout(&app, &format!("logout_token={token}")).await.status, 200);
    assert_eq!(harness::call(&app, "/me", &earlier).await.status, 401);
    let later = issuer(Algorithm::ES256)
        .token()
        .subject(SUBJECT)
        .claim("iat", json!(harness::now() + 2))
        .sign();
    assert_eq!(
        harness::call(&app, "/me", &later).await.status,
        200,
        "issued after the logout"
    );
    let other = issuer(Algorithm::ES256).token().subject("bob").sign();
    assert_eq!(harness::call(&app, "/me", &other).await.status, 200);
    assert_eq!(revocations.len(), 1);
}

#[tokio::test]
async fn every_bad_logout_request_is_400_and_revokes_nothing() {
    let revocations = Revocations::in_memory();
    let warden = warden(&revocations);
    let app = app(&warden);
    let good = logout_token(|_| {});
    let logout_of = |issuer: axum_warden::testing::TestIssuer| {
        issuer
            .token()
            .audience(CLIENT)
            .claim("sid", json!("session-1"))
            .claim("jti", json!("j"))
            .claim("events", json!({ EVENT: {} }))
            .sign()
    };
    let foreign = logout_of(issuer(Algorithm::ES256).with_issuer("https://other.test"));
    let rs256 = logout_of(issuer(Algorithm::RS256));
    // One signature character changed in the middle (the last carries padding bits).
    let at = good.len() - 10;
    let swap = if &good[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{swap}{}", &good[..at], &good[at + 1..]);
    let set = |name: &'static str, value: Value| logout_token(move |c| drop(c.insert(name.into(), value)));
    let without = |name: &'static str| logout_token(move |c| drop(c.remove(name)));
    let no_subject = logout_token(|c| {
        c.remove("sid");
        c.insert("sub".into(), json!(""));
    });
    let typed_access = issuer(Algorithm::ES256)
        .token()
        .audience(CLIENT)
        .token_type("at+jwt")
        .claim("sid", json!("s"))
        .claim("jti", json!("j"))
        .claim("events", json!({ EVENT: {} }))
        .sign();
    let form = |token: &str| format!("logout_token={token}");
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no logout_token"),
        (form(""), "no logout_token"),
        (format!("logout_token={good}&logout_token={good}"), "more than one"),
        (form(&tampered), "does not verify"),
        (form(&foreign), "issuer is not accepted"),
        (form(&rs256), "does not verify"),
        (form("not.a.token"), "does not verify"),
        (form(&set("nonce", json!("n"))), "nonce"),
        (form(&without("events")), "logout event"),
        (form(&set("events", json!({ EVENT: true }))), "logout event"),
        (form(&set("aud", json!("api"))), "not addressed"),
        (form(&without("jti")), "no jti"),
        (form(&set("exp", json!(harness::now() - 3600))), "iat or exp"),
        (form(&set("iat", json!(harness::now() + 3600))), "iat or exp"),
        (form(&no_subject), "neither a session nor a subject"),
        (form(&typed_access), "not typed as a logout token"),
        // An access token of the same issuer: addressed to the API, no logout event.
        (form(&access_token("t", "session-1")), "not addressed"),
    ];
    for (body, expected) in cases {
        let answer = logout(&app, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.headers["cache-control"], "no-store");
        let json = answer.json();
        assert_eq!(json["error"], "invalid_request", "{body}");
        let description = json["error_description"].as_str().expect("a description");
        assert!(description.contains(expected), "{body}: {description}");
    }
    let as_json = http::Request::post("/logout/backchannel")
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"logout_token":"{good}"}}"#)))
        .expect("request");
    assert_eq!(harness::send(&app, as_json).await.status, 400);
    let huge = format!("logout_token={}", "a".repeat(70 * 1024));
    assert_eq!(logout(&app, &huge).await.status, 400);
    let get = http::Request::get("/logout/backchannel")
        .body(Body::empty())
        .expect("request");
    assert_eq!(harness::send(&app, get).await.status, 405);
    assert!(revocations.is_empty(), "a refused logout revoked something");
    assert_eq!(
        logout(&app, &format!("logout_token={good}")).await.status,
        200,
        "the good one passes"
    );
}

#[test]
fn the_logout_route_is_public_in_the_route_table_and_absent_without_a_client() {
    let revocations = Revocations::in_memory();
    let router: axum_warden::Router<Warden> =
        axum_warden::Router::new().back_channel_logout("/logout/backchannel", &warden(&revocations));
    let table = router.route_table();
    let row = &table.rows()[0];
    assert_eq!(
        (row.path(), row.handler().name),
        ("/logout/backchannel", "back_channel_logout")
    );
    assert!(
        table
            .to_markdown()
            .contains("| POST | /logout/backchannel | public | `axum_warden::Router::back_channel_logout` |"),
        "{}",
        table.to_markdown()
    );
    let without = issuer(Algorithm::ES256).warden();
    let router: axum_warden::Router<Warden> = axum_warden::Router::new().back_channel_logout("/logout", &without);
    assert!(router.route_table().rows().is_empty());
}

#[test]
fn revocation_settings_that_cannot_work_are_refused_at_startup() {
    let err = issuer(Algorithm::ES256)
        .warden_builder()
        .back_channel_logout(CLIENT)
        .build()
        .expect_err("nowhere to record logouts");
    assert!(
        matches!(
            err,
            ConfigError::InvalidValue {
                setting: "back_channel_logout",
                ..
            }
        ),
        "{err}"
    );

    struct Keys;
    impl axum_warden::Authenticator for Keys {
        async fn authenticate(&self, _: &http::request::Parts) -> Result<Identity, axum_warden::AuthError> {
            Err(axum_warden::AuthError::MissingCredentials)
        }
    }
    let err = Warden::builder()
        .authenticator(Keys)
        .revocations(Revocations::in_memory())
        .build()
        .expect_err("revocations apply to JWTs");
    assert!(
        matches!(
            err,
            ConfigError::Unsupported {
                setting: "revocations",
                ..
            }
        ),
        "{err}"
    );

    fn vars(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs = pairs.to_vec();
        move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }
    let secret = ("WARDEN_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    let warden = Warden::from_vars(vars(&[
        secret,
        ("WARDEN_REVOCATION_STORE", "memory"),
        ("WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID", "web, mobile"),
    ]))
    .expect("memory store");
    assert!(warden.revocations().is_some_and(|r| !r.is_shared()));
    for (pairs, setting) in [
        (
            &[secret, ("WARDEN_REVOCATION_STORE", "postgres://db")][..],
            "WARDEN_REVOCATION_STORE",
        ),
        (
            &[
                secret,
                ("WARDEN_REVOCATION_STORE", "memory"),
                ("WARDEN_REVOCATION_RETENTION_SECONDS", "a day"),
            ][..],
            "WARDEN_REVOCATION_RETENTION_SECONDS",
        ),
        (
            &[secret, ("WARDEN_REVOCATION_STALENESS_SECONDS", "5")][..],
            "WARDEN_REVOCATION_STALENESS_SECONDS",
        ),
        (
            &[secret, ("WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID", "web")][..],
            "WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID",
        ),
        (
            &[
                secret,
                ("WARDEN_REVOCATION_STORE", "memory"),
                ("WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID", ","),
            ][..],
            "WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID",
        ),
    ] {
        let err = Warden::from_vars(vars(pairs)).expect_err("refused");
        assert!(err.to_string().contains(setting), "{setting}: {err}");
    }
}
