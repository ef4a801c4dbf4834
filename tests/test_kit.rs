//! The test kit: minted tokens, answer assertions, and the route audit, including a
//! router whose answers were tampered with.

#[path = "../examples/quickstart/routes.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum_warden::testing::{
    Probe, TestIssuer, assert_allowed, assert_forbidden, assert_invalid_token, assert_unauthorized, audit,
    audit_issuers,
};
use axum_warden::{Algorithm, Router, Warden};
use tower::ServiceExt as _;

async fn get(app: &axum::Router, path: &str, authorization: Option<String>) -> Response {
    let mut request = http::Request::get(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    app.clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
}

#[tokio::test]
async fn the_quickstart_router_passes_its_audit_for_every_algorithm() {
    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::ES384, Algorithm::EdDSA] {
        let issuer = TestIssuer::new(alg);
        let report = audit(&quickstart::routes().with_state(issuer.warden()), &issuer).await;
        report.assert_clean();
        // 7 routes: /health, /me and /articles/{id} get 3 probes (no requirement to lack),
        // the four role and scope routes 4 each.
        assert_eq!(report.requests, 3 + 3 + 3 + 4 * 4, "{alg:?}");
    }
}

#[tokio::test]
async fn minted_tokens_and_assertions() {
    let issuer = TestIssuer::new(Algorithm::PS256);
    let app: axum::Router = quickstart::routes().with_state(issuer.warden()).into();
    assert_unauthorized(&get(&app, "/me", None).await);
    assert_invalid_token(&get(&app, "/me", Some(issuer.token().expired().bearer())).await);
    assert_invalid_token(&get(&app, "/me", Some(issuer.token().without("exp").bearer())).await);
    assert_invalid_token(&get(&app, "/me", Some(issuer.token().audience("other").bearer())).await);
    assert_invalid_token(
        &get(
            &app,
            "/me",
            Some(issuer.token().not_before(std::time::Duration::from_secs(600)).bearer()),
        )
        .await,
    );
    assert_allowed(&get(&app, "/me", Some(issuer.token().subject("ada").bearer())).await);
    assert_forbidden(
        &get(&app, "/orders", Some(issuer.token().scopes(["profile"]).bearer())).await,
        Some("orders:read"),
    );
    assert_allowed(&get(&app, "/orders", Some(issuer.token().scopes(["orders:read"]).bearer())).await);
    // Another issuer's tokens do not pass.
    let stranger = TestIssuer::new(Algorithm::PS256).with_issuer("https://elsewhere.test");
    assert_invalid_token(&get(&app, "/me", Some(stranger.token().bearer())).await);
}

#[test]
#[should_panic(expected = "expected 403 with error=\"insufficient_scope\" and scope=\"orders:write\", got 403")]
fn assertions_fail_with_a_readable_message() {
    let mut response = Response::new(());
    *response.status_mut() = StatusCode::FORBIDDEN;
    response.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static(r#"Bearer realm="api", error="insufficient_scope", scope="orders:read""#),
    );
    assert_forbidden(&response, Some("orders:write"));
}

fn tampered(warden: Warden, layer: fn(Response) -> Response) -> Router {
    quickstart::routes()
        .with_state(warden)
        .layer(axum::middleware::map_response(
            move |r: Response| async move { layer(r) },
        ))
}

#[tokio::test]
async fn the_audit_catches_a_layer_that_turns_401_into_a_redirect() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let router = tampered(issuer.warden(), |response| {
        if response.status() == StatusCode::UNAUTHORIZED {
            let mut redirect = Response::new(Body::empty());
            *redirect.status_mut() = StatusCode::FOUND;
            redirect
                .headers_mut()
                .insert("location", HeaderValue::from_static("/login"));
            return redirect;
        }
        response
    });
    let report = audit(&router, &issuer).await;
    assert!(!report.is_clean());
    // Every guarded route, for both the missing and the expired token; nothing else.
    assert_eq!(report.findings.len(), 6 * 2, "{report}");
    assert!(
        report
            .findings
            .iter()
            .all(|f| matches!(f.probe, Probe::NoToken | Probe::Expired) && f.got.starts_with("302"))
    );
    let text = report.to_string();
    assert!(
        text.contains(
            "| GET | /admin | role: admin | no token | 401 with a bare Bearer challenge | 302 no challenge |"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn the_audit_catches_a_layer_that_turns_403_into_200() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let router = tampered(issuer.warden(), |mut response| {
        if response.status() == StatusCode::FORBIDDEN {
            *response.status_mut() = StatusCode::OK;
        }
        response
    });
    let report = audit(&router, &issuer).await;
    let lacking: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.probe == Probe::Lacking)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(lacking, ["/admin", "/articles", "/audit", "/orders"], "{report}");
    assert_eq!(report.findings.len(), 4);
}

#[tokio::test]
async fn the_audit_catches_a_renderer_that_drops_the_challenge() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let warden = issuer
        .warden_builder()
        .renderer(|rejection| {
            let mut response = rejection.default_response();
            response.headers_mut().remove("www-authenticate");
            response
        })
        .build()
        .expect("valid");
    let report = audit(&quickstart::routes().with_state(warden), &issuer).await;
    // Statuses are right, but no 401 or 403 says how to authenticate.
    assert_eq!(report.findings.len(), 6 * 2 + 4, "{report}");
    assert!(report.findings.iter().all(|f| f.got.ends_with("no challenge")));
}

/// With the roles in a provider's claims, the issuer mints them there and the audit
/// judges the routes, not the token layout.
#[tokio::test]
async fn the_audit_follows_the_role_source() {
    for source in [
        axum_warden::RoleSource::keycloak("quickstart"),
        axum_warden::RoleSource::cognito(),
        axum_warden::RoleSource::auth0(),
    ] {
        let issuer = TestIssuer::new(Algorithm::RS256).with_role_source(source.clone());
        let report = audit(&quickstart::routes().with_state(issuer.warden()), &issuer).await;
        report.assert_clean();
        // Without telling the issuer, the roles land in `roles`, which this warden ignores:
        // the role routes then refuse the token that should meet them, and the audit says so.
        let plain = TestIssuer::new(Algorithm::RS256);
        let warden = plain.warden_builder().roles_from(source).build().expect("valid");
        let report = audit(&quickstart::routes().with_state(warden), &plain).await;
        assert!(!report.is_clean(), "the audit must notice the mismatch");
    }
}

/// Callers may only see their own account: the test token's subject is not the owner.
struct OwnAccount;

impl axum_warden::AccessPolicy for OwnAccount {
    type State = axum_warden::NoState;

    async fn check(
        identity: &axum_warden::Identity,
        _: &mut http::request::Parts,
        _: &axum_warden::NoState,
    ) -> axum_warden::Decision {
        axum_warden::Decision::allow_if(identity.subject() == "owner")
    }
}

#[axum_warden::requires_auth]
#[axum_warden::requires_policy(OwnAccount)]
async fn account() -> &'static str {
    "account"
}

#[axum_warden::public]
async fn home() -> &'static str {
    "home"
}

#[axum_warden::requires_auth]
async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

#[tokio::test]
async fn the_audit_leaves_policies_their_decision_and_probes_fallbacks_off_the_routes() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    // `/` is public and the fallback is guarded: probing the fallback at `/` would hit
    // the public route and report that it answers 200 without a token.
    let router = Router::new()
        .route("/", axum_warden::routing::get(home))
        .route("/account", axum_warden::routing::get(account))
        .fallback(not_found)
        .with_state(issuer.warden());
    let report = audit(&router, &issuer).await;
    report.assert_clean();
    // The policy refuses the meeting token (403), which is the policy's call; a 401 there
    // would still be a finding.
    let app: axum::Router = router.into();
    let meeting = get(&app, "/account", Some(issuer.token().bearer())).await;
    assert_eq!(meeting.status(), StatusCode::FORBIDDEN);
    let fallback = get(&app, "/__warden_audit_unrouted", None).await;
    assert_eq!(fallback.status(), StatusCode::UNAUTHORIZED);
}

mod step_up {
    use axum_warden::{requires_auth, requires_role, requires_scope};

    #[requires_role("editor")]
    #[requires_scope("articles:write", acr = "mfa")]
    pub(crate) async fn edit() -> &'static str {
        "edited"
    }

    #[requires_auth(max_age = 300)]
    pub(crate) async fn keys() -> &'static str {
        "keys"
    }
}

fn step_up_router(warden: Warden) -> Router {
    Router::new()
        .route("/articles/edit", axum_warden::routing::put(step_up::edit))
        .route("/keys", axum_warden::routing::get(step_up::keys))
        .with_state(warden)
}

/// On a route with a role rule, a scope rule and a step-up rule the audit probes each part
/// on its own: roles without scopes, scopes without roles, and a token that does not say how
/// or when its caller authenticated.
#[tokio::test]
async fn the_audit_probes_roles_scopes_and_step_up_apart() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let report = audit(&step_up_router(issuer.warden()), &issuer).await;
    report.assert_clean();
    // /articles/edit: no token, expired, role lacking, scope lacking, stale, meeting;
    // /keys: no token, expired, stale, meeting.
    assert_eq!(report.requests, 10, "{report}");

    // A layer that turns the step-up 401 into a 200 is caught on both routes, and only by
    // the step-up probe.
    let tampered =
        step_up_router(issuer.warden()).layer(axum::middleware::map_response(|mut response: Response| async move {
            let step_up = response.headers().get("www-authenticate").is_some_and(|challenge| {
                challenge
                    .to_str()
                    .is_ok_and(|c| c.contains("insufficient_user_authentication"))
            });
            if step_up {
                *response.status_mut() = StatusCode::OK;
            }
            response
        }));
    let report = audit(&tampered, &issuer).await;
    let found: Vec<(&str, Probe)> = report.findings.iter().map(|f| (f.path.as_str(), f.probe)).collect();
    assert_eq!(
        found,
        [
            ("/articles/edit", Probe::StaleAuthentication),
            ("/keys", Probe::StaleAuthentication)
        ],
        "{report}"
    );
}

mod role_and_policy {
    use axum_warden::{requires_policy, requires_role};

    #[requires_role("admin")]
    #[requires_policy(super::OwnAccount)]
    pub(crate) async fn close_account() -> &'static str {
        "closed"
    }
}

/// On a route with a role and a policy, a token without the role must be refused by the
/// role check; a policy that refuses it too would hide a role check that lets it through.
/// A layer that swaps every token for an admin's one stands in for such a broken check.
#[tokio::test]
async fn the_audit_probes_the_role_and_the_policy_of_a_route_apart() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let routes = || Router::new().route("/account", axum_warden::routing::delete(role_and_policy::close_account));
    audit(&routes().with_state(issuer.warden()), &issuer)
        .await
        .assert_clean();

    let admin = HeaderValue::from_str(&issuer.token().subject("intruder").roles(["admin"]).bearer()).expect("a header");
    let broken = routes()
        .with_state(issuer.warden())
        .layer(axum::middleware::map_request(
            move |mut request: axum::extract::Request| {
                let admin = admin.clone();
                async move {
                    if request.headers().contains_key("authorization") {
                        request.headers_mut().insert("authorization", admin);
                    }
                    request
                }
            },
        ));
    let report = audit(&broken, &issuer).await;
    let found: Vec<(&str, Probe, &str)> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.probe, f.expected))
        .collect();
    // Expired and lacking tokens reach the policy as the admin; OwnAccount refuses the
    // subject `intruder` (403), which the audit no longer takes for the role's answer.
    assert_eq!(
        found,
        [
            ("/account", Probe::Expired, "401 with error=\"invalid_token\""),
            (
                "/account",
                Probe::Lacking,
                "a refusal by the route's rule, before the policy runs (the policy answered instead)"
            ),
        ],
        "{report}"
    );
}

#[tokio::test]
async fn the_audit_of_several_issuers_probes_with_each_and_names_the_one_refused() {
    let staff = TestIssuer::new(Algorithm::HS256).with_issuer("https://staff.example.test");
    let partners = TestIssuer::new(Algorithm::EdDSA).with_issuer("https://partners.example.test");
    let both = Warden::builder()
        .trust(staff.issuer_config())
        .trust(partners.issuer_config())
        .build()
        .expect("two issuers");
    let router = quickstart::routes().with_state(both);
    let one = audit(&router, &staff).await;
    let report = audit_issuers(&router, &[&staff, &partners]).await;
    report.assert_clean();
    // The request without a token once per route, each other probe once per issuer.
    let routes = router.route_table().rows().len();
    assert_eq!(report.requests, 2 * one.requests - routes);

    // The staff issuer alone: every meeting token of the partners is refused, and named.
    let report = audit_issuers(&quickstart::routes().with_state(staff.warden()), &[&staff, &partners]).await;
    assert!(!report.is_clean());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.issuer.as_deref() == Some("https://partners.example.test")),
        "{report}"
    );
    assert!(report.findings.iter().any(|f| f.probe == Probe::Meeting), "{report}");
    assert!(
        report
            .to_string()
            .contains("token meeting the requirement from https://partners.example.test"),
        "{report}"
    );
}
