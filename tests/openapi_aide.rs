//! The aide integration (feature `aide`): aide's `ApiRouter` builds the document of the
//! annotated handlers, the `axum_warden::Router` of the same handlers gives the route
//! table, and `apply_aide` writes the access into the document. The result:
//!
//! - says exactly the security and refusals each attribute gives;
//! - is valid OpenAPI 3.1 according to `openapi-spec-validator` from PyPI, which
//!   `scripts/install-test-deps python` installs into `target/test-deps/venv` (run here on
//!   first use when missing);
//! - agrees with the router aide built, which the guard enforces too.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use aide::axum::ApiRouter;
use aide::openapi::{Info, OpenApi};
use axum::body::Body;
use axum_warden::routing::{delete, get};
use axum_warden::{
    AccessPolicy, Algorithm, Decision, Identity, NoState, Warden, public, requires_auth, requires_policy,
    requires_role, requires_scope,
};
use http::request::Parts;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// Liveness probe.
#[public]
async fn health() -> &'static str {
    "ok"
}

#[requires_auth]
async fn me(user: Identity) -> String {
    user.subject().to_owned()
}

#[requires_role(any("admin", "owner"))]
async fn admin() {}

#[requires_role(all("admin", "auditor"))]
async fn audit() {}

#[requires_scope(any("orders:read", "orders:admin"))]
async fn list_orders() {}

#[requires_scope(all("orders:write", "payments:charge"))]
async fn place_order() {}

/// The thing of a path.
#[derive(Deserialize, JsonSchema)]
struct ThingId {
    /// Which thing.
    id: u64,
}

/// Hides every thing from everyone: a caller who does not own it learns nothing.
struct OwnsThing;

impl AccessPolicy for OwnsThing {
    type State = NoState;
    async fn check(_: &Identity, _: &mut Parts, _: &NoState) -> Decision {
        Decision::Hide
    }
}

#[requires_policy(OwnsThing)]
async fn delete_thing(axum::extract::Path(ThingId { id }): axum::extract::Path<ThingId>) -> String {
    id.to_string()
}

/// The router that serves, and whose table is applied.
fn routes() -> axum_warden::Router<Warden> {
    axum_warden::Router::new()
        .route("/health", get(health))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/audit", get(audit))
        .route("/orders", get(list_orders).post(place_order))
        .route("/things/{id}", delete(delete_thing))
}

/// The same handlers through aide's router, which documents them; the table written in.
fn documented() -> (axum::Router<Warden>, OpenApi) {
    use aide::axum::routing as aide_routing;
    let mut doc = OpenApi {
        info: Info {
            title: "things".to_owned(),
            version: "1.0.0".to_owned(),
            ..Info::default()
        },
        ..OpenApi::default()
    };
    let served = ApiRouter::<Warden>::new()
        .api_route("/health", aide_routing::get(health))
        .api_route("/me", aide_routing::get(me))
        .api_route("/admin", aide_routing::get(admin))
        .api_route("/audit", aide_routing::get(audit))
        .api_route("/orders", aide_routing::get(list_orders).post(place_order))
        .api_route("/things/{id}", aide_routing::delete(delete_thing))
        .finish_api(&mut doc);
    let report = routes().route_table().apply_aide(&mut doc);
    report.ensure_complete().expect("every route is documented");
    assert!(report.untracked().is_empty() && report.skipped().is_empty(), "{report}");
    assert!(report.kept_components().is_empty(), "{report}");
    (served, doc)
}

fn rendered() -> String {
    let mut json = serde_json::to_string_pretty(&documented().1).expect("serializes");
    json.push('\n');
    json
}

/// What an operation must say: its `security`, its extensions, and the statuses the guard
/// adds, each with the component it refers to.
struct Expected {
    method: &'static str,
    path: &'static str,
    security: Value,
    roles: Option<Value>,
    policy: Option<&'static str>,
    refusals: &'static [(&'static str, &'static str)],
}

const AUTH: &[(&str, &str)] = &[("400", "BadRequest"), ("401", "Unauthorized")];
const FORBID: &[(&str, &str)] = &[("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden")];
const POLICY: &[(&str, &str)] = &[
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
];

fn expected() -> Vec<Expected> {
    let op = |method, path, security, refusals| Expected {
        method,
        path,
        security,
        roles: None,
        policy: None,
        refusals,
    };
    let bearer = || json!([{ "bearerAuth": [] }]);
    vec![
        op("get", "/health", json!([]), &[]),
        op("get", "/me", bearer(), AUTH),
        Expected {
            roles: Some(json!({ "match": "any", "roles": ["admin", "owner"] })),
            ..op("get", "/admin", bearer(), FORBID)
        },
        Expected {
            roles: Some(json!({ "match": "all", "roles": ["admin", "auditor"] })),
            ..op("get", "/audit", bearer(), FORBID)
        },
        op(
            "get",
            "/orders",
            json!([{ "bearerAuth": ["orders:read"] }, { "bearerAuth": ["orders:admin"] }]),
            FORBID,
        ),
        op(
            "post",
            "/orders",
            json!([{ "bearerAuth": ["orders:write", "payments:charge"] }]),
            FORBID,
        ),
        Expected {
            policy: Some("OwnsThing"),
            ..op("delete", "/things/{id}", bearer(), POLICY)
        },
    ]
}

/// The statuses at or above 400 an operation documents, with the component of each.
fn refusals(op: &Value) -> Vec<(String, String)> {
    op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.as_str() >= "400")
        .map(|(status, r)| (status.clone(), r["$ref"].as_str().unwrap_or("inline").to_owned()))
        .collect()
}

#[test]
fn each_operation_says_what_its_attribute_requires() {
    let doc: Value = serde_json::from_str(&rendered()).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    let expected = expected();
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().expect("path item").len())
        .sum();
    assert_eq!(operations, expected.len(), "one operation per route");
    for Expected {
        method,
        path,
        security,
        roles,
        policy,
        refusals: statuses,
    } in expected
    {
        let op = &doc["paths"][path][method];
        let at = format!("{} {path}", method.to_uppercase());
        assert_eq!(op["security"], security, "security of {at}");
        assert_eq!(op.get("x-required-roles"), roles.as_ref(), "x-required-roles of {at}");
        assert_eq!(
            op.get("x-access-policy").and_then(Value::as_str),
            policy,
            "x-access-policy of {at}"
        );
        let want: Vec<_> = statuses
            .iter()
            .map(|(s, c)| ((*s).to_owned(), format!("#/components/responses/{c}")))
            .collect();
        assert_eq!(refusals(op), want, "refusals of {at}");
    }
    // aide's own documentation stays: the path parameter from `Path<ThingId>`.
    let parameter = &doc["paths"]["/things/{id}"]["delete"]["parameters"][0];
    assert_eq!((&parameter["name"], &parameter["in"]), (&json!("id"), &json!("path")));

    let components = &doc["components"];
    assert_eq!(
        components["securitySchemes"],
        json!({ "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A JWT access token in `Authorization: Bearer …` (RFC 6750)."
        }})
    );
    for (name, status) in [("BadRequest", 400), ("Unauthorized", 401), ("Forbidden", 403)] {
        let response = &components["responses"][name];
        let body = &response["content"]["application/problem+json"];
        assert_eq!(
            body["schema"],
            json!({ "$ref": "#/components/schemas/Problem" }),
            "{name}"
        );
        assert_eq!(body["example"]["status"], status, "{name}");
        for header in ["WWW-Authenticate", "Cache-Control"] {
            assert_eq!(
                response["headers"][header]["schema"],
                json!({ "type": "string" }),
                "{name}"
            );
        }
    }
    let not_found = &components["responses"]["NotFound"];
    assert_eq!(
        not_found.as_object().map(|o| o.len()),
        Some(1),
        "a description only: {not_found}"
    );
    let problem = &components["schemas"]["Problem"];
    assert_eq!(problem["type"], "object");
    assert_eq!(problem["required"], json!(["type", "title", "status", "detail"]));
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    match validate("openapi-aide.json", &rendered()) {
        Ok(output) => assert!(output.contains("OK"), "unexpected validator output:\n{output}"),
        Err(output) => panic!("openapi-spec-validator rejects the aide document:\n{output}"),
    }
}

/// The validator is real: a document with a broken security requirement is refused.
#[test]
fn the_validator_refuses_a_broken_document() {
    let mut doc: Value = serde_json::from_str(&rendered()).expect("json");
    doc["paths"]["/me"]["get"]["security"] = json!({ "bearerAuth": [] });
    let broken = serde_json::to_string_pretty(&doc).expect("json");
    let output =
        validate("openapi-aide-broken.json", &broken).expect_err("a security object instead of a list is invalid");
    assert!(output.contains("security"), "{output}");
}

/// The document and the router aide built agree: each documented refusal is what the
/// guard answers, and a public operation answers without credentials.
#[tokio::test]
async fn aides_router_answers_as_documented() {
    let (served, doc) = documented();
    let doc = serde_json::to_value(&doc).expect("json");
    let app: axum::Router = served.with_state(harness::warden(Algorithm::HS256));
    let token = harness::mint(Algorithm::HS256, &[]);
    let bearer = format!("Bearer {token}");
    for Expected {
        method,
        path,
        refusals: statuses,
        ..
    } in expected()
    {
        let uri = path.replace("{id}", "7");
        let at = format!("{} {uri}", method.to_uppercase());
        let request = |authorization: &[&str]| {
            let mut request = http::Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri);
            for value in authorization {
                request = request.header("authorization", *value);
            }
            request.body(Body::empty()).expect("request")
        };
        let documented = |status: &str| statuses.iter().any(|(s, _)| *s == status);
        assert_eq!(
            refusals(&doc["paths"][path][method]).len(),
            statuses.len(),
            "{at} documents what the test expects"
        );

        let anonymous = harness::send(&app, request(&[])).await;
        let twice = harness::send(&app, request(&[&bearer, &bearer])).await;
        let with_token = harness::send(&app, request(&[&bearer])).await;
        if documented("401") {
            assert_eq!(anonymous.status, 401, "{at} without a token");
            assert_eq!(anonymous.headers["cache-control"], "no-store", "{at}");
            assert!(anonymous.challenge().is_some_and(|c| c.starts_with("Bearer ")), "{at}");
            assert_eq!(anonymous.json()["status"], 401, "{at}");
        } else {
            assert_eq!(anonymous.status, 200, "{at} is public");
        }
        if documented("400") {
            assert_eq!(twice.status, 400, "{at} with two credentials");
            assert!(
                twice
                    .challenge()
                    .is_some_and(|c| c.contains(r#"error="invalid_request""#)),
                "{at}"
            );
            assert_eq!(twice.headers["content-type"], "application/problem+json", "{at}");
        } else {
            assert_eq!(twice.status, 200, "{at} reads no credentials");
        }
        match with_token.status {
            403 => {
                assert!(documented("403"), "{at} answered an undocumented 403");
                assert_eq!(with_token.headers["content-type"], "application/problem+json", "{at}");
            }
            404 => {
                assert!(documented("404"), "{at} answered an undocumented 404");
                assert!(with_token.challenge().is_none() && with_token.body.is_empty(), "{at}");
            }
            status => {
                assert!(status < 400, "{at} with a valid token: {status}");
                assert!(
                    !documented("403"),
                    "{at} documents a 403 a token without roles does not get"
                );
            }
        }
    }
}

/// The validator's executable, installed by the repository's script on first use (as in
/// `tests/openapi.rs`).
fn validator() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/test-deps/venv/bin/openapi-spec-validator");
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if bin.is_file() {
            return;
        }
        let script = root.join("scripts/install-test-deps");
        let status = Command::new("bash").arg(&script).arg("python").status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "installing openapi-spec-validator with `{} python` failed ({status:?}); it needs python3 (>= 3.9) with venv and PyPI",
            script.display()
        );
    });
    assert!(
        bin.is_file(),
        "{} is missing: run `scripts/install-test-deps python`",
        bin.display()
    );
    bin
}

/// Runs the validator on `json`; `Err` carries its output.
fn validate(name: &str, json: &str) -> Result<String, String> {
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&file, json).expect("writes the document");
    let output = Command::new(validator())
        .args(["--schema", "3.1", "--validation-errors", "all"])
        .arg(&file)
        .output()
        .expect("runs openapi-spec-validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() { Ok(text) } else { Err(text) }
}
