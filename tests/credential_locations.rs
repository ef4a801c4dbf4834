//! Tokens outside the `Authorization` header, through real clients on a loopback listener:
//! a cookie jar (reqwest's cookie store, as a browser keeps an `HttpOnly` cookie) and a
//! WebSocket client (tokio-tungstenite) against a guarded `ws` route. The answer to each
//! shape of request is a row of the conformance matrix; these tests show that real clients
//! send those shapes and get those answers.

mod harness;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::header::{SET_COOKIE, WWW_AUTHENTICATE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_warden::{Algorithm, Identity, Warden, credentials, public, requires_auth};
use futures_util::StreamExt as _;
use harness::SUBJECT;
use http::StatusCode;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The origin of the front end this API trusts to send its cookie.
const APP: &str = "https://app.example";

#[public]
async fn login() -> impl IntoResponse {
    let token = harness::mint(Algorithm::HS256, &["reader"]);
    [(
        SET_COOKIE,
        format!("access_token={token}; HttpOnly; SameSite=Lax; Path=/"),
    )]
}

#[requires_auth]
async fn me(user: Identity) -> String {
    user.subject().to_owned()
}

#[requires_auth]
async fn place_order(user: Identity) -> String {
    format!("ordered by {}", user.subject())
}

#[requires_auth]
async fn live(ws: WebSocketUpgrade, user: Identity) -> Response {
    // The browser opened the socket with `["bearer", token]`: it needs `bearer` back.
    ws.protocols([credentials::WEBSOCKET_PROTOCOL])
        .on_upgrade(async move |mut socket| {
            let greeting = format!("hello {}", user.subject());
            let _ = socket.send(Message::Text(greeting.into())).await;
        })
}

fn warden() -> Warden {
    harness::issuer(Algorithm::HS256)
        .warden_builder()
        .token_cookie("access_token")
        .cookie_origins([APP])
        .websocket_query_token("access_token")
        .websocket_protocol_token(true)
        .build()
        .expect("a warden reading cookies and WebSocket tokens")
}

async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/login", get(login))
        .route("/me", get(me))
        .route("/orders", post(place_order))
        .route("/live", get(live))
        .with_state(warden());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

#[tokio::test]
async fn a_cookie_jar_authenticates_reads_and_same_origin_writes_only() {
    let address = serve().await;
    let url = |path: &str| format!("http://{address}{path}");
    let browser = reqwest::Client::builder().cookie_store(true).build().expect("a client");

    let anonymous = browser.get(url("/me")).send().await.expect("an answer");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers()[WWW_AUTHENTICATE], r#"Bearer realm="api""#);

    let login = browser.get(url("/login")).send().await.expect("an answer");
    assert_eq!(login.status(), StatusCode::OK);

    let read = browser.get(url("/me")).send().await.expect("an answer");
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.text().await.expect("a body"), SUBJECT);

    // A form another site posts: the browser attaches the cookie and says where it came from.
    let forged = browser
        .post(url("/orders"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("an answer");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(forged.headers()[WWW_AUTHENTICATE], r#"Bearer realm="api""#);

    let no_origin = browser.post(url("/orders")).send().await.expect("an answer");
    assert_eq!(no_origin.status(), StatusCode::UNAUTHORIZED);

    let same_origin = browser
        .post(url("/orders"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("an answer");
    assert_eq!(same_origin.status(), StatusCode::OK);
    assert_eq!(
        same_origin.text().await.expect("a body"),
        format!("ordered by {SUBJECT}")
    );

    let trusted = browser
        .post(url("/orders"))
        .header("origin", APP)
        .send()
        .await
        .expect("an answer");
    assert_eq!(trusted.status(), StatusCode::OK);

    // The cookie and a header: two places, whichever holds the better token.
    let both = browser
        .get(url("/me"))
        .bearer_auth(harness::mint(Algorithm::HS256, &[]))
        .send()
        .await
        .expect("an answer");
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        both.headers()[WWW_AUTHENTICATE],
        r#"Bearer realm="api", error="invalid_request""#
    );
}

/// Opens `/live` with `request`: the first text message and the selected subprotocol.
async fn greeting(
    request: tungstenite::handshake::client::Request,
) -> Result<(String, Option<String>), Box<tungstenite::Error>> {
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.map_err(Box::new)?;
    let protocol = response
        .headers()
        .get("sec-websocket-protocol")
        .map(|value| value.to_str().expect("ASCII").to_owned());
    while let Some(message) = socket.next().await {
        if let tungstenite::Message::Text(text) = message.expect("a message") {
            return Ok((text.to_string(), protocol));
        }
    }
    panic!("the socket closed before the greeting")
}

#[tokio::test]
async fn a_websocket_client_authenticates_with_the_query_or_the_subprotocol() {
    let address = serve().await;
    let token = harness::mint(Algorithm::HS256, &[]);

    let by_query = format!("ws://{address}/live?access_token={token}")
        .into_client_request()
        .expect("a request");
    let (message, protocol) = greeting(by_query).await.expect("the handshake succeeds");
    assert_eq!(message, format!("hello {SUBJECT}"));
    // Nothing offered, nothing selected.
    assert_eq!(protocol.as_deref(), None);

    let mut by_protocol = format!("ws://{address}/live").into_client_request().expect("a request");
    by_protocol.headers_mut().insert(
        "sec-websocket-protocol",
        format!("bearer, {token}").parse().expect("a header value"),
    );
    let (message, protocol) = greeting(by_protocol).await.expect("the handshake succeeds");
    assert_eq!(message, format!("hello {SUBJECT}"));
    assert_eq!(
        protocol.as_deref(),
        Some("bearer"),
        "the server selects `bearer`, never the token"
    );

    for (what, request) in [
        ("no token", format!("ws://{address}/live").into_client_request()),
        (
            "a bad token",
            format!("ws://{address}/live?access_token=x{token}").into_client_request(),
        ),
    ] {
        let error = greeting(request.expect("a request")).await.expect_err(what);
        let tungstenite::Error::Http(response) = *error else {
            panic!("{what}: the handshake is refused with an HTTP answer, got {error}");
        };
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        let expected = if what == "no token" {
            r#"Bearer realm="api""#
        } else {
            r#"Bearer realm="api", error="invalid_token""#
        };
        assert_eq!(response.headers()[WWW_AUTHENTICATE], expected, "{what}");
    }

    // A page of another site opens the socket; the browser attaches the cookie.
    let mut cross_site = format!("ws://{address}/live").into_client_request().expect("a request");
    let headers = cross_site.headers_mut();
    headers.insert(
        "cookie",
        format!("access_token={token}").parse().expect("a header value"),
    );
    headers.insert("origin", "https://evil.example".parse().expect("a header value"));
    let error = greeting(cross_site).await.expect_err("a cross-site socket");
    let tungstenite::Error::Http(response) = *error else {
        panic!("refused with an HTTP answer, got {error}");
    };
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn the_places_are_checked_at_build() {
    use axum_warden::{AuthError, Authenticator, ConfigError};
    let builder = || harness::issuer(Algorithm::HS256).warden_builder();
    let setting_of = |result: Result<Warden, ConfigError>| match result {
        Err(ConfigError::InvalidValue { setting, .. } | ConfigError::Unsupported { setting, .. }) => setting,
        other => panic!("refused with the setting at fault, got {other:?}"),
    };
    assert_eq!(setting_of(builder().token_cookie("").build()), "token_cookie");
    assert_eq!(setting_of(builder().token_cookie("a;b").build()), "token_cookie");
    assert_eq!(setting_of(builder().cookie_origins([APP]).build()), "cookie_origins");
    for origin in [
        "app.example",
        "https://app.example/",
        "https://app.example/path",
        "ftp://app.example",
        "https://",
    ] {
        let result = builder().token_cookie("t").cookie_origins([origin]).build();
        assert_eq!(setting_of(result), "cookie_origins", "{origin}");
    }
    assert!(
        builder()
            .token_cookie("t")
            .cookie_origins(["http://localhost:5173"])
            .build()
            .is_ok()
    );
    assert_eq!(
        setting_of(builder().websocket_query_token("a&b").build()),
        "websocket_query_token"
    );

    struct Nobody;
    impl Authenticator for Nobody {
        async fn authenticate(&self, _: &http::request::Parts) -> Result<Identity, AuthError> {
            Err(AuthError::MissingCredentials)
        }
    }
    let custom = Warden::builder()
        .authenticator(Nobody)
        .websocket_protocol_token(true)
        .build();
    assert_eq!(setting_of(custom), "websocket_protocol_token");
}

/// A warden reading a cookie, a WebSocket query and API keys, for the documents.
fn documented_warden() -> Warden {
    struct ApiKeys;
    impl axum_warden::Authenticator for ApiKeys {
        async fn authenticate(&self, _: &http::request::Parts) -> Result<Identity, axum_warden::AuthError> {
            Err(axum_warden::AuthError::MissingCredentials)
        }
    }
    harness::issuer(Algorithm::HS256)
        .warden_builder()
        .token_cookie("access_token")
        .websocket_query_token("access_token")
        .websocket_protocol_token(true)
        .also_accept(axum_warden::Scheme::header("ApiKey", "x-api-key"), ApiKeys)
        .build()
        .expect("a warden")
}

#[test]
fn the_route_table_lists_the_credentials_of_guarded_routes() {
    let table = axum_warden::Router::<Warden>::new()
        .route("/login", axum_warden::routing::get(login))
        .route("/me", axum_warden::routing::get(me))
        .route_table()
        .with_credentials(documented_warden().credentials());
    let markdown = table.to_markdown();
    let header: Vec<&str> = markdown.lines().take(2).collect();
    assert_eq!(
        header,
        [
            "| Method | Path | Access | Credentials | Handler |",
            "|---|---|---|---|---|"
        ]
    );
    assert!(
        markdown.contains(
            "| GET | /me | authenticated | Bearer: header Authorization, cookie access_token, WebSocket query access_token, WebSocket subprotocol; ApiKey: header x-api-key |"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("| GET | /login | public |  |"), "{markdown}");
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).expect("JSON");
    assert_eq!(
        json[1]["access"]["credentials"],
        serde_json::json!([
            {"scheme": "Bearer", "in": "header", "name": "Authorization"},
            {"scheme": "Bearer", "in": "cookie", "name": "access_token"},
            {"scheme": "Bearer", "in": "websocket_query", "name": "access_token"},
            {"scheme": "Bearer", "in": "websocket_protocol", "name": "Sec-WebSocket-Protocol"},
            {"scheme": "ApiKey", "in": "header", "name": "x-api-key"},
        ])
    );
    assert!(
        json[0]["access"].get("credentials").is_none(),
        "a public route reads none"
    );
}

/// Both OpenAPI writers document every credential of the warden, but a subprotocol.
#[cfg(all(feature = "utoipa", feature = "aide"))]
#[test]
fn both_openapi_writers_document_every_scheme() {
    let warden = documented_warden();
    let table = axum_warden::Router::<Warden>::new()
        .route("/me", axum_warden::routing::get(me))
        .route_table();
    let utoipa_doc =
        axum_warden::WardenOpenApi::for_warden(&warden).document(&table, utoipa::openapi::Info::new("api", "1"));
    let mut aide_doc = aide::openapi::OpenApi::default();
    let item = aide::openapi::PathItem {
        get: Some(aide::openapi::Operation::default()),
        ..aide::openapi::PathItem::default()
    };
    aide_doc.paths = Some(aide::openapi::Paths {
        paths: [("/me".to_owned(), aide::openapi::ReferenceOr::Item(item))]
            .into_iter()
            .collect(),
        ..aide::openapi::Paths::default()
    });
    let report = axum_warden::WardenAide::for_warden(&warden).apply(&table, &mut aide_doc);
    report.ensure_complete().expect("every route documented");
    for (writer, doc) in [
        ("utoipa", serde_json::to_value(&utoipa_doc).expect("JSON")),
        ("aide", serde_json::to_value(&aide_doc).expect("JSON")),
    ] {
        assert_eq!(
            doc["paths"]["/me"]["get"]["security"],
            serde_json::json!([
                {"bearerAuth": []}, {"bearerAuthCookie": []}, {"bearerAuthWebSocketQuery": []}, {"ApiKey": []}
            ]),
            "{writer}"
        );
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerAuthCookie"]["in"], "cookie", "{writer}");
        assert_eq!(schemes["bearerAuthCookie"]["name"], "access_token", "{writer}");
        assert_eq!(schemes["bearerAuthWebSocketQuery"]["in"], "query", "{writer}");
        assert_eq!(
            (
                schemes["ApiKey"]["type"].as_str(),
                schemes["ApiKey"]["in"].as_str(),
                schemes["ApiKey"]["name"].as_str()
            ),
            (Some("apiKey"), Some("header"), Some("x-api-key")),
            "{writer}"
        );
        assert_eq!(
            schemes.as_object().map(serde_json::Map::len),
            Some(4),
            "{writer}: {schemes}"
        );
    }
}

#[tokio::test]
async fn the_credentials_audit_probes_every_place_and_finds_a_missing_one() {
    use axum_warden::testing::{Probe, TestIssuer, audit_credentials};
    let issuer: TestIssuer = harness::issuer(Algorithm::HS256);
    let routes = || {
        axum_warden::Router::new()
            .route("/login", axum_warden::routing::get(login))
            .route("/me", axum_warden::routing::get(me))
            .route("/orders", axum_warden::routing::post(place_order))
            .route("/live", axum_warden::routing::get(live))
    };
    let credentials = warden().credentials();

    let report = audit_credentials(&routes().with_state(warden()), &issuer, &credentials).await;
    // Three places on the two GET routes, the cookie alone on the POST one; two probes each.
    assert_eq!(report.requests, 2 * (3 + 3 + 1), "{report}");
    report.assert_clean();

    // A router whose warden reads the header only: every other place is a finding.
    let header_only = routes().with_state(harness::issuer(Algorithm::HS256).warden());
    let report = audit_credentials(&header_only, &issuer, &credentials).await;
    assert_eq!(report.findings.len(), report.requests, "{report}");
    let cookie = report
        .findings
        .iter()
        .find(|f| f.path == "/orders" && f.probe == Probe::MeetingElsewhere)
        .expect("the cookie on the POST route");
    assert_eq!(cookie.got, r#"401 `Bearer realm="api"` (cookie access_token)"#);
    let two = report
        .findings
        .iter()
        .find(|f| f.path == "/me" && f.probe == Probe::TwoPlaces && f.got.ends_with("(WebSocket subprotocol)"))
        .expect("two places on a GET route");
    assert!(two.got.starts_with("200 "), "{}", two.got);
}

/// API keys in `x-api-key`: `k-1` is the service `reports`.
struct ApiKeys;

impl axum_warden::Authenticator for ApiKeys {
    async fn authenticate(&self, parts: &http::request::Parts) -> Result<Identity, axum_warden::AuthError> {
        let key = credentials::single(parts.headers.get_all("x-api-key").iter().map(Some))?;
        match key.as_bytes() {
            b"k-1" => Ok(Identity::builder("reports").build()),
            _ => Err(axum_warden::AuthError::InvalidToken(axum_warden::TokenError::Rejected)),
        }
    }
}

#[tokio::test]
async fn schemes_side_by_side_answer_with_their_own_challenges_and_bodies() {
    use tower::ServiceExt as _;
    let warden = harness::issuer(Algorithm::HS256)
        .warden_builder()
        .realm("shop")
        .also_accept(axum_warden::Scheme::header("ApiKey", "x-api-key"), ApiKeys)
        .build()
        .expect("a warden with API keys");
    let app = Router::new().route("/me", get(me)).with_state(warden);
    let ask = |key: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut request = http::Request::get("/me");
            if let Some(key) = key {
                request = request.header("x-api-key", key);
            }
            let response = app
                .oneshot(request.body(axum::body::Body::empty()).expect("a request"))
                .await
                .expect("infallible");
            let challenges: Vec<String> = response
                .headers()
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .map(|value| value.to_str().expect("ASCII").to_owned())
                .collect();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("a body");
            (status, challenges, String::from_utf8_lossy(&body).into_owned())
        }
    };

    let (status, challenges, _) = ask(None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenges, [r#"Bearer realm="shop""#, r#"ApiKey realm="shop""#]);

    let (status, challenges, body) = ask(Some("k-2")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenges, [r#"ApiKey realm="shop""#]);
    let body: serde_json::Value = serde_json::from_str(&body).expect("problem details");
    assert_eq!(body["detail"], "The credentials are not valid.");

    let (status, challenges, body) = ask(Some("k-1")).await;
    assert_eq!(
        (status, challenges.len(), body.as_str()),
        (StatusCode::OK, 0, "reports")
    );
}

/// A warden with schemes beside its JWTs awaits them on every request, but a JWT seen
/// before is still a cache lookup, not a second signature check.
#[tokio::test]
async fn a_jwt_beside_other_schemes_still_hits_the_token_cache() {
    use tower::ServiceExt as _;
    let warden = harness::issuer(Algorithm::HS256)
        .warden_builder()
        .also_accept(axum_warden::Scheme::header("ApiKey", "x-api-key"), ApiKeys)
        .build()
        .expect("a warden with API keys");
    let app = Router::new().route("/me", get(me)).with_state(warden.clone());
    let token = harness::mint(Algorithm::HS256, &[]);
    for _ in 0..3 {
        let request = http::Request::get("/me")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .expect("a request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
    }
    let stats = warden.cache_stats();
    assert_eq!((stats.misses, stats.hits), (1, 2), "{stats:?}");
}
