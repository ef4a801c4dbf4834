//! The OpenAPI writer against hand-made tables and documents.

use super::components::PROBLEM_SCHEMA;
use super::*;
use crate::http::RouteRow;
use crate::requirement::{HandlerInfo, Open, Protected, RouteRule};
use utoipa::openapi::PathsBuilder;
use utoipa::openapi::path::{HttpMethod, PathItem};

macro_rules! policy {
    ($name:ident, $kind:ty, $req:expr) => {
        struct $name;
        impl RouteRule for $name {
            type Kind = $kind;
            const REQUIREMENT: Requirement = $req;
            const HANDLER: HandlerInfo = HandlerInfo {
                name: stringify!($name),
                module: module_path!(),
                file: file!(),
                line: line!(),
            };
        }
    };
}

policy!(Anyone, Open, Requirement::Public);
policy!(Member, Protected, Requirement::Authenticated);
policy!(
    Admin,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["admin"]
    }
);

fn table(rows: Vec<RouteRow>) -> RouteTable {
    let mut table = RouteTable::default();
    table.extend(rows);
    table.sorted()
}

#[test]
fn shapes_ignore_parameter_names() {
    assert_eq!(shape("/a/{id}/b"), "/a/{}/b");
    assert_eq!(shape("/a/{*rest}"), shape("/a/{path}"));
    assert_eq!(shape("/plain"), "/plain");
    assert_eq!(shape("/broken{"), "/broken{");
    assert_eq!(path_parameters("/a/{id}/b/{key}").collect::<Vec<_>>(), ["id", "key"]);
    assert_eq!(openapi_path("/files/{*rest}"), "/files/{rest}");
}

#[test]
fn any_routes_head_and_fallbacks() {
    let rows = vec![
        RouteRow::fallback::<Anyone>(),
        RouteRow::new::<Admin>(RouteMethod::Any).at("/admin/{section}"),
        RouteRow::new::<Member>(RouteMethod::Any).at("/nowhere"),
        RouteRow::new::<Anyone>(RouteMethod::Method(http::Method::GET)).at("/items/{id}"),
        RouteRow::new::<Member>(RouteMethod::Method(http::Method::POST)).at("/items/{id}"),
    ];
    let table = table(rows);
    let op = || Operation::new();
    let mut doc = OpenApi::new(
        Info::new("t", "1"),
        PathsBuilder::new()
            .path(
                "/admin/{name}",
                PathItem::from_http_methods([HttpMethod::Get, HttpMethod::Delete], op()),
            )
            .path(
                "/items/{item}",
                PathItem::from_http_methods([HttpMethod::Get, HttpMethod::Head], op()),
            )
            .path("/extra", PathItem::new(HttpMethod::Put, op())),
    );
    let report = table.apply_openapi(&mut doc);
    let json = serde_json::to_value(&doc).expect("json");
    let paths = &json["paths"];
    for method in ["get", "delete"] {
        assert_eq!(
            paths["/admin/{name}"][method]["security"],
            json!([{ "bearerAuth": [] }])
        );
        assert_eq!(
            paths["/admin/{name}"][method]["x-required-roles"]["roles"],
            json!(["admin"])
        );
    }
    assert_eq!(paths["/items/{item}"]["head"]["security"], json!([]));
    assert_eq!(
        report
            .missing()
            .iter()
            .map(|r| (r.method().as_str(), r.path()))
            .collect::<Vec<_>>(),
        [("POST", "/items/{id}")]
    );
    let skipped: Vec<_> = report
        .skipped()
        .iter()
        .map(|s| (s.row().display_path(), s.reason()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("*".to_owned(), SkipReason::Fallback),
            ("/nowhere".to_owned(), SkipReason::NoOperationForAny)
        ]
    );
    assert_eq!(
        report.untracked().iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["PUT /extra"]
    );
    let message = report.ensure_complete().expect_err("incomplete").to_string();
    assert!(message.contains("POST /items/{id} (handler `"), "{message}");
}

#[test]
fn applying_twice_changes_nothing_and_stale_marks_go() {
    let first = table(vec![
        RouteRow::new::<Admin>(RouteMethod::Method(http::Method::GET)).at("/x"),
    ]);
    let mut doc = OpenApi::new(
        Info::new("t", "1"),
        PathsBuilder::new().path("/x", PathItem::new(HttpMethod::Get, Operation::new())),
    );
    let _ = first.apply_openapi(&mut doc);
    let once = serde_json::to_value(&doc).expect("json");
    let report = first.apply_openapi(&mut doc);
    assert_eq!(serde_json::to_value(&doc).expect("json"), once);
    assert!(report.kept_components().is_empty() && report.is_complete());

    let now_public = table(vec![
        RouteRow::new::<Anyone>(RouteMethod::Method(http::Method::GET)).at("/x"),
    ]);
    let _ = now_public.apply_openapi(&mut doc);
    let op = &serde_json::to_value(&doc).expect("json")["paths"]["/x"]["get"];
    assert_eq!(op["security"], json!([]));
    assert!(op.get("x-required-roles").is_none(), "{op}");
    assert!(
        op["responses"].get("401").is_none() && op["responses"].get("403").is_none(),
        "{op}"
    );
}

#[test]
fn existing_components_and_responses_are_kept() {
    let table = table(vec![
        RouteRow::new::<Member>(RouteMethod::Method(http::Method::GET)).at("/x"),
    ]);
    let mine = Response::new("my own 401");
    let elsewhere = RefOr::Ref(Ref::from_response_name("MyBadRequest"));
    let op = OperationBuilder::new()
        .response("401", mine.clone())
        .response("400", elsewhere.clone())
        .build();
    let mut doc = OpenApi::new(
        Info::new("t", "1"),
        PathsBuilder::new().path("/x", PathItem::new(HttpMethod::Get, op)),
    );
    let components = doc.components.get_or_insert_with(Components::new);
    components
        .schemas
        .insert(PROBLEM_SCHEMA.to_owned(), ObjectBuilder::new().into());
    let report = table.apply_openapi(&mut doc);
    assert_eq!(report.kept_components(), ["#/components/schemas/Problem"]);
    let json = serde_json::to_value(&doc).expect("json");
    let responses = &json["paths"]["/x"]["get"]["responses"];
    // The operation's own 401 is kept, and the guard's answer is written into it.
    let own = &responses["401"];
    let description = own["description"].as_str().expect("description");
    assert!(
        description.starts_with("my own 401\n\nOr the access guard's answer: No valid bearer token"),
        "{own}"
    );
    assert_eq!(
        own["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(
        own["headers"]["WWW-Authenticate"].is_object() && own["headers"]["Cache-Control"].is_object(),
        "{own}"
    );
    // A reference to a component of the application's own is left alone.
    assert_eq!(responses["400"]["$ref"], "#/components/responses/MyBadRequest");

    let once = json.clone();
    let _ = table.apply_openapi(&mut doc);
    assert_eq!(
        serde_json::to_value(&doc).expect("json"),
        once,
        "merging twice changes nothing"
    );
}

#[test]
fn the_handlers_own_answer_with_the_guards_status_gets_the_guards_body() {
    let table = table(vec![
        RouteRow::new::<Admin>(RouteMethod::Method(http::Method::POST)).at("/items"),
    ]);
    let unparsable = Response::builder()
        .description("The body is not JSON.")
        .content(
            "text/plain",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        )
        .build();
    let hidden = Response::new("");
    let op = OperationBuilder::new()
        .response("400", unparsable)
        .response("403", hidden)
        .build();
    let mut doc = OpenApi::new(
        Info::new("t", "1"),
        PathsBuilder::new().path("/items", PathItem::new(HttpMethod::Post, op)),
    );
    let _ = table.apply_openapi(&mut doc);
    let json = serde_json::to_value(&doc).expect("json");
    let responses = &json["paths"]["/items"]["post"]["responses"];
    let bad = &responses["400"];
    let media_types: Vec<&String> = bad["content"].as_object().expect("content").keys().collect();
    assert_eq!(
        media_types,
        ["application/problem+json", "text/plain"],
        "both bodies: {bad}"
    );
    assert!(
        bad["description"].as_str().is_some_and(|d| d.starts_with(
            "The body is not JSON.\n\nOr the access guard's answer: The request carries more than one credential"
        )),
        "{bad}"
    );
    // An empty description takes the guard's.
    assert_eq!(
        responses["403"]["description"],
        json["components"]["responses"]["Forbidden"]["description"]
    );
}

#[test]
fn fresh_documents_number_repeated_handlers() {
    let table = table(vec![
        RouteRow::new::<Member>(RouteMethod::Method(http::Method::GET)).at("/a/{id}"),
        RouteRow::new::<Member>(RouteMethod::Method(http::Method::GET)).at("/b"),
        RouteRow::new::<Anyone>(RouteMethod::Any).at("/c"),
    ]);
    let doc = serde_json::to_value(table.to_openapi(Info::new("t", "1"))).expect("json");
    assert_eq!(doc["paths"]["/a/{id}"]["get"]["operationId"], "Member");
    assert_eq!(doc["paths"]["/a/{id}"]["get"]["parameters"][0]["name"], "id");
    assert_eq!(doc["paths"]["/a/{id}"]["get"]["parameters"][0]["in"], "path");
    assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "Member_2");
    assert!(doc["paths"].get("/c").is_none(), "{doc}");
}

struct Owner;
impl RouteRule for Owner {
    type Kind = Protected;
    const REQUIREMENT: Requirement = Requirement::Authenticated;
    const HANDLER: HandlerInfo = HandlerInfo {
        name: "Owner",
        module: module_path!(),
        file: file!(),
        line: line!(),
    };
    const CUSTOM_POLICY: Option<&'static str> = Some("OwnsArticle");
}

#[test]
fn every_answer_the_guard_can_give_is_documented() {
    let get = || RouteMethod::Method(http::Method::GET);
    let rows = vec![
        RouteRow::new::<Anyone>(get()).at("/open"),
        RouteRow::new::<Member>(get()).at("/me"),
        RouteRow::new::<Admin>(get()).at("/admin"),
        RouteRow::new::<Owner>(get()).at("/mine"),
    ];
    let statuses = |remote_keys: bool| {
        let doc = WardenOpenApi::new()
            .remote_keys(remote_keys)
            .document(&table(rows.clone()), Info::new("t", "1"));
        let json = serde_json::to_value(&doc).expect("json");
        let keys = |path: &str| {
            let responses = json["paths"][path]["get"]["responses"].as_object().expect("responses");
            responses
                .keys()
                .filter(|k| *k != "default")
                .cloned()
                .collect::<Vec<_>>()
        };
        (keys("/open"), keys("/me"), keys("/admin"), keys("/mine"), json)
    };
    let (open, me, admin, mine, json) = statuses(false);
    assert!(open.is_empty(), "a public route refuses nothing: {open:?}");
    assert_eq!(me, ["400", "401"]);
    assert_eq!(admin, ["400", "401", "403"]);
    assert_eq!(mine, ["400", "401", "403", "404"], "a policy may forbid or hide");
    let responses = &json["components"]["responses"];
    assert!(
        responses.get("ServiceUnavailable").is_none(),
        "local keys never answer 503"
    );
    assert_eq!(
        responses["BadRequest"]["content"]["application/problem+json"]["example"]["status"],
        400
    );
    assert!(
        responses["NotFound"].get("content").is_none(),
        "a hidden resource has no body"
    );

    let (open, me, admin, _, json) = statuses(true);
    assert!(open.is_empty(), "{open:?}");
    assert_eq!(me, ["400", "401", "503"]);
    assert_eq!(admin, ["400", "401", "403", "503"]);
    let unavailable = &json["components"]["responses"]["ServiceUnavailable"];
    assert!(unavailable["headers"].get("Retry-After").is_some(), "{unavailable}");
    assert!(
        unavailable["headers"].get("WWW-Authenticate").is_none(),
        "{unavailable}"
    );
    assert_eq!(
        unavailable["content"]["application/problem+json"]["example"]["status"],
        503
    );
}

#[test]
fn a_warden_with_fetched_keys_documents_the_503() {
    let local = crate::Warden::builder()
        .hmac_secret(vec![7; 32])
        .build()
        .expect("valid");
    assert!(!WardenOpenApi::for_warden(&local).remote_keys);
    let remote = crate::Warden::builder()
        .jwks_url("https://idp.example/jwks")
        .build()
        .expect("valid");
    assert!(WardenOpenApi::for_warden(&remote).remote_keys);

    // A custom authenticator may answer `AuthError::Unavailable`: documented as for fetched keys.
    struct Sessions;
    impl crate::Authenticator for Sessions {
        async fn authenticate(&self, _: &http::request::Parts) -> Result<crate::Identity, crate::AuthError> {
            Err(crate::AuthError::Unavailable {
                retry_after: std::time::Duration::from_secs(1),
            })
        }
    }
    let custom = crate::Warden::builder().authenticator(Sessions).build().expect("valid");
    assert!(WardenOpenApi::for_warden(&custom).remote_keys);
}

#[test]
fn roles_with_scopes_and_step_up_are_documented() {
    use crate::requirement::StepUp;
    struct EditPolicy;
    impl crate::__private::RouteRule for EditPolicy {
        type Kind = crate::__private::Protected;
        const REQUIREMENT: Requirement = Requirement::RolesAndScopes {
            role_mode: Match::Any,
            roles: &["editor"],
            scope_mode: Match::All,
            scopes: &["articles:read", "articles:write"],
        };
        const STEP_UP: StepUp = StepUp {
            acr: Some("mfa"),
            max_age: Some(300),
        };
        const HANDLER: crate::__private::HandlerInfo = crate::__private::HandlerInfo {
            name: "edit",
            module: "app",
            file: "app.rs",
            line: 1,
        };
    }
    async fn edit(_: crate::Guard<EditPolicy>) {}
    let table = crate::Router::<crate::Warden>::new()
        .route("/articles/{id}", crate::routing::put(edit))
        .route_table();
    let doc: serde_json::Value =
        serde_json::to_value(table.to_openapi(utoipa::openapi::Info::new("t", "1"))).expect("json");
    let op = &doc["paths"]["/articles/{id}"]["put"];
    assert_eq!(
        op["security"],
        json!([{ "bearerAuth": ["articles:read", "articles:write"] }]),
        "{op}"
    );
    assert_eq!(
        op["x-required-roles"],
        json!({ "match": "any", "roles": ["editor"] }),
        "{op}"
    );
    assert_eq!(op["x-step-up"], json!({ "acr": "mfa", "max_age": 300 }), "{op}");
    for status in ["400", "401", "403"] {
        assert!(op["responses"].get(status).is_some(), "{status}: {op}");
    }
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).expect("json");
    assert_eq!(
        json[0]["access"],
        json!({
            "kind": "roles_and_scopes",
            "rules": [
                { "kind": "roles", "match": "any", "roles": ["editor"] },
                { "kind": "scopes", "match": "all", "scopes": ["articles:read", "articles:write"] }
            ],
            "step_up": { "acr": "mfa", "max_age": 300 }
        })
    );
}
