//! One `tracing` event per denial, with route, method, reason and subject, never the token.

mod harness;

use std::sync::{Arc, Mutex};

use axum_warden::Algorithm;
use harness::{Runs, app, call, get_with, mint, send, warden};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<(tracing::Level, String)>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!("{}={} ", field.name(), value));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "axum_warden" {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            self.0.lock().expect("lock").push((*event.metadata().level(), fields.0));
        }
    }
}

/// The fields of the events at `level`.
fn at_level(events: &[(tracing::Level, String)], level: tracing::Level) -> Vec<&String> {
    events.iter().filter(|(l, _)| *l == level).map(|(_, f)| f).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn each_denial_is_one_event_without_the_token() {
    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let runs = Runs::default();
    let app = app(warden(Algorithm::HS256), &runs);
    let editor = mint(Algorithm::HS256, &["editor"]);
    let admin = mint(Algorithm::HS256, &["admin"]);
    let mut expired = mint(Algorithm::HS256, &["admin"]);
    expired.push('x');

    send(&app, get_with("/admin", None)).await;
    call(&app, "/admin", &expired).await;
    call(&app, "/admin", &editor).await;
    call(&app, "/admin", &admin).await;

    let events = events.0.lock().expect("lock").clone();
    let denials = at_level(&events, tracing::Level::INFO);
    assert_eq!(denials.len(), 3, "{events:#?}");
    assert!(
        denials[0].contains("reason=missing_credentials") && denials[0].contains("route=/admin"),
        "{}",
        denials[0]
    );
    assert!(denials[0].contains("method=GET"), "{}", denials[0]);
    assert!(
        denials[1].contains("reason=bad_signature") || denials[1].contains("reason=malformed_token"),
        "{}",
        denials[1]
    );
    assert!(
        denials[2].contains("reason=insufficient_scope subject=alice"),
        "{}",
        denials[2]
    );
    assert!(
        !denials[0].contains("subject="),
        "no subject before verification: {}",
        denials[0]
    );
    let allows: Vec<_> = events.iter().filter(|(l, _)| *l == tracing::Level::DEBUG).collect();
    assert_eq!(allows.len(), 1, "{events:#?}");
    for (_, fields) in &events {
        for token in [&editor, &admin, &expired] {
            assert!(
                !fields.contains(&token[..token.len() / 2]),
                "a token leaked into {fields}"
            );
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_identity_extractors_log_their_denials_too() {
    use axum::routing::get;
    use axum_warden::{Claims, Identity};

    #[derive(serde::Deserialize)]
    struct Tenant {
        #[allow(dead_code)]
        tenant: String,
    }

    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    // No guard: the extractors authenticate on their own.
    let app = axum::Router::new()
        .route("/who", get(async |user: Identity| user.subject().to_owned()))
        .route(
            "/maybe",
            get(async |user: Option<Identity>| format!("{:?}", user.map(|u| u.subject().to_owned()))),
        )
        .route("/tenant", get(async |_: Claims<Tenant>| "tenant"))
        .with_state(warden(Algorithm::HS256));
    let alice = mint(Algorithm::HS256, &[]);

    assert_eq!(send(&app, get_with("/who", None)).await.status, 401);
    assert_eq!(send(&app, get_with("/maybe", None)).await.status, 200);
    assert_eq!(call(&app, "/maybe", "not.a.token").await.status, 401);
    assert_eq!(call(&app, "/tenant", &alice).await.status, 401);
    assert_eq!(call(&app, "/who", &alice).await.status, 200);

    let events = events.0.lock().expect("lock").clone();
    let denials = at_level(&events, tracing::Level::INFO);
    assert_eq!(
        denials.len(),
        3,
        "an anonymous Option<Identity> is no denial: {events:#?}"
    );
    assert!(
        denials[0].contains("route=/who") && denials[0].contains("reason=missing_credentials"),
        "{}",
        denials[0]
    );
    assert!(
        denials[1].contains("route=/maybe") && denials[1].contains("reason=malformed_token"),
        "{}",
        denials[1]
    );
    assert!(
        denials[2].contains("route=/tenant") && denials[2].contains("subject=alice"),
        "claims that do not fit are refused after verification: {}",
        denials[2]
    );
    assert!(
        denials.iter().all(|d| !d.contains("handler=")),
        "no guard, no handler: {denials:#?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_denial_names_the_issuer_that_verified_the_caller() {
    use axum_warden::Warden;
    use axum_warden::testing::TestIssuer;

    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let staff = TestIssuer::new(Algorithm::HS256).with_issuer("https://staff.example.test");
    let partners = TestIssuer::new(Algorithm::ES256).with_issuer("https://partners.example.test");
    let warden = Warden::builder()
        .trust(staff.issuer_config())
        .trust(partners.issuer_config())
        .build()
        .expect("two issuers");
    let app = app(warden, &Runs::default());
    let viewer = partners.token().subject("bob").roles(["viewer"]).sign();
    let unknown = staff.token().issuer("https://elsewhere.example.test").sign();
    assert_eq!(call(&app, "/admin", &viewer).await.status, 403);
    assert_eq!(call(&app, "/admin", &unknown).await.status, 401);

    let events = events.0.lock().expect("lock").clone();
    let denials = at_level(&events, tracing::Level::INFO);
    assert_eq!(denials.len(), 2, "{events:#?}");
    assert!(
        denials[0].contains("subject=bob issuer=https://partners.example.test"),
        "{}",
        denials[0]
    );
    assert!(denials[1].contains("reason=invalid_issuer"), "{}", denials[1]);
    assert!(
        !denials[1].contains("issuer=https://elsewhere"),
        "an unverified iss is not logged: {}",
        denials[1]
    );
}

/// A token in a URL or a cookie never reaches an event: the events name the matched
/// route, never the URI with its query, and the cookie's refusal says why, not what.
#[tokio::test(flavor = "current_thread")]
async fn tokens_outside_the_header_never_reach_an_event() {
    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let warden = harness::issuer(Algorithm::HS256)
        .warden_builder()
        .token_cookie("access_token")
        .websocket_query_token("access_token")
        .build()
        .expect("a warden reading a cookie and a WebSocket query");
    let runs = Runs::default();
    let app = app(warden, &runs);
    let editor = mint(Algorithm::HS256, &["editor"]);
    let mut forged = mint(Algorithm::HS256, &["admin"]);
    forged.push('x');
    for token in [&editor, &forged] {
        let upgrade = http::Request::get(format!("/admin?access_token={token}"))
            .header("upgrade", "websocket")
            .body(axum::body::Body::empty())
            .expect("a request");
        send(&app, upgrade).await;
        let plain = http::Request::get(format!("/admin?access_token={token}"))
            .body(axum::body::Body::empty())
            .expect("a request");
        send(&app, plain).await;
        // A page of another site opens a WebSocket; the browser attaches the cookie.
        let cross_site = http::Request::get("/admin")
            .header("upgrade", "websocket")
            .header("cookie", format!("access_token={token}"))
            .header("origin", "https://evil.example")
            .body(axum::body::Body::empty())
            .expect("a request");
        send(&app, cross_site).await;
    }

    let events = events.0.lock().expect("lock").clone();
    assert_eq!(at_level(&events, tracing::Level::INFO).len(), 6, "{events:#?}");
    assert!(
        events.iter().any(|(_, fields)| fields.contains("token cookie ignored")),
        "the ignored cookie is logged: {events:#?}"
    );
    for (_, fields) in &events {
        for token in [&editor, &forged] {
            let signature = token.rsplit('.').next().expect("a signature");
            assert!(!fields.contains(signature), "an event carries a token: {fields}");
        }
        assert!(
            !fields.contains("access_token="),
            "an event carries a query or cookie: {fields}"
        );
    }
}
