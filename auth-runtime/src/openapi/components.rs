//! The components the access rules refer to: the bearer security scheme, the RFC 9457
//! problem-details schema, and a response for each answer the guard gives (`400`, `401`,
//! `403`, the `404` of a policy that hides, and `503` when keys are fetched).

use crate::http::Scheme;
use std::collections::BTreeMap;

use serde_json::{Value, json};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Components, ContentBuilder, Ref, RefOr, Schema};

/// The schema component of the RFC 9457 body.
pub(super) const PROBLEM_SCHEMA: &str = "Problem";
/// The response component of a `401`.
pub(super) const UNAUTHORIZED: &str = "Unauthorized";
/// The response component of a `403`.
pub(super) const FORBIDDEN: &str = "Forbidden";
/// The response component of a `400` (two credentials).
pub(super) const BAD_REQUEST: &str = "BadRequest";
/// The response component of a `404` from a policy that hides what it refuses.
pub(super) const NOT_FOUND: &str = "NotFound";
/// The response component of a `503` (no key can be obtained).
pub(super) const SERVICE_UNAVAILABLE: &str = "ServiceUnavailable";
const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the components under their names, the security scheme as `scheme`; a component
/// that exists with other content is kept and named in `kept`.
///
/// `ServiceUnavailable` only when `remote_keys`: a local key source never answers 503.
pub(super) fn add(components: &mut Components, scheme: &str, remote_keys: bool, kept: &mut Vec<String>) {
    let bearer = SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("A JWT access token in `Authorization: Bearer …` (RFC 6750)."))
            .build(),
    );
    keep_or_insert(
        &mut components.security_schemes,
        scheme,
        RefOr::T(bearer),
        "securitySchemes",
        kept,
    );
    keep_or_insert(
        &mut components.schemas,
        PROBLEM_SCHEMA,
        problem_schema(),
        "schemas",
        kept,
    );
    let names: &[&str] = if remote_keys {
        &[BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, SERVICE_UNAVAILABLE]
    } else {
        &[BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND]
    };
    for &name in names {
        if let Some(response) = response(name) {
            keep_or_insert(&mut components.responses, name, response.into(), "responses", kept);
        }
    }
}

/// Adds the security scheme of each of `others` under its name; one that exists with
/// other content is kept and named in `kept`.
pub(super) fn add_schemes(components: &mut Components, others: &[(String, Scheme)], kept: &mut Vec<String>) {
    for (name, scheme) in others {
        if let Some(value) = scheme.openapi_component_as::<SecurityScheme>() {
            let kind = "securitySchemes";
            keep_or_insert(&mut components.security_schemes, name, RefOr::T(value), kind, kept);
        }
    }
}

/// The answer of the guard that the response component `name` describes.
pub(super) fn response(name: &str) -> Option<Response> {
    Some(match name {
        BAD_REQUEST => bad_request(),
        UNAUTHORIZED => unauthorized(),
        FORBIDDEN => forbidden(),
        NOT_FOUND => not_found(),
        SERVICE_UNAVAILABLE => service_unavailable(),
        _ => return None,
    })
}

/// Inserts `value` under `name` unless something else is there; a different existing
/// value is kept and named in `kept`.
fn keep_or_insert<V: PartialEq>(
    map: &mut BTreeMap<String, V>,
    name: &str,
    value: V,
    kind: &str,
    kept: &mut Vec<String>,
) {
    match map.get(name) {
        None => {
            map.insert(name.to_owned(), value);
        }
        Some(existing) if *existing != value => kept.push(format!("#/components/{kind}/{name}")),
        Some(_) => {}
    }
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn uri_reference() -> ObjectBuilder {
    string().format(Some(SchemaFormat::Custom("uri-reference".to_owned())))
}

/// The body the guard renders: RFC 9457 problem details.
fn problem_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some("Problem details"))
        .description(Some(
            "An RFC 9457 problem-details body (`application/problem+json`), as the access guard \
             renders its refusals. It never carries the token, the key id or which check failed.",
        ))
        .property(
            "type",
            uri_reference()
                .default(Some(json!("about:blank")))
                .description(Some("The problem type; `about:blank`: the status says it all.")),
        )
        .property(
            "title",
            string().description(Some("The HTTP status phrase, e.g. `Unauthorized`.")),
        )
        .property(
            "status",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(100))
                .maximum(Some(599))
                .description(Some("The HTTP status code of the answer.")),
        )
        .property("detail", string().description(Some("What the client can do about it.")))
        .property(
            "instance",
            uri_reference().description(Some("The occurrence of the problem (not set by the guard).")),
        )
        .required("type")
        .required("title")
        .required("status")
        .required("detail")
        .into()
}

/// The `401` body of a request without credentials, as the guard renders it.
fn unauthorized_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "This resource requires a bearer token.",
    })
}

/// The `403` body, as the guard renders it.
fn forbidden_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "The bearer token does not grant access to this resource.",
    })
}

fn refusal(description: &str, challenge: &str, example: Value) -> Response {
    let with_challenge = ResponseBuilder::new().description(description).header(
        "WWW-Authenticate",
        HeaderBuilder::new()
            .schema(Some(string()))
            .description(Some(challenge))
            .build(),
    );
    problem(with_challenge, example)
}

/// The headers and body every refusal shares: `Cache-Control: no-store` and problem details.
fn problem(response: ResponseBuilder, example: Value) -> Response {
    response
        .header(
            "Cache-Control",
            HeaderBuilder::new()
                .schema(Some(string()))
                .description(Some("`no-store`: refusals are never cached."))
                .build(),
        )
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(PROBLEM_SCHEMA)))
                .example(Some(example))
                .build(),
        )
        .build()
}

fn unauthorized() -> Response {
    refusal(
        "No valid bearer token: none was sent, the scheme is not `Bearer`, or the token is \
         malformed, expired, not yet valid, or not verifiable against the configured keys, \
         issuer and audience.",
        "The RFC 6750 challenge: `Bearer realm=\"…\"`, plus `error=\"invalid_token\"` when a \
         token was sent and refused.",
        unauthorized_example(),
    )
}

fn forbidden() -> Response {
    refusal(
        "The bearer token is valid but does not grant the role or scope this operation requires.",
        "`Bearer realm=\"…\", error=\"insufficient_scope\"`, plus `scope=\"…\"` (the scopes that \
         would grant access) for scope rules.",
        forbidden_example(),
    )
}

fn bad_request() -> Response {
    refusal(
        "The request carries more than one credential (two `Authorization` headers, or a list \
         in one), which RFC 6750 §2 forbids.",
        "`Bearer realm=\"…\", error=\"invalid_request\"`.",
        bad_request_example(),
    )
}

/// A policy that hides answers exactly as for a route that does not exist: no body and no
/// header of the guard.
fn not_found() -> Response {
    ResponseBuilder::new()
        .description(
            "The route's policy hides the resource from this caller: the answer of a route that \
             does not exist, with no body.",
        )
        .build()
}

fn service_unavailable() -> Response {
    let retry_after = ResponseBuilder::new()
        .description(
            "No key to verify the token can be obtained right now (the key source is unreachable \
             and holds no key for it); never an allow.",
        )
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1))))
                .description(Some("Seconds until the key source may be asked again."))
                .build(),
        );
    problem(retry_after, service_unavailable_example())
}

/// The `400` body, as the guard renders it.
fn bad_request_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request carries more than one credential.",
    })
}

/// The `503` body, as the guard renders it.
fn service_unavailable_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Credentials cannot be verified right now; try again later.",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AuthError, InvalidRequest};
    use crate::http::Rejection;
    use crate::requirement::Requirement;

    fn body(error: AuthError) -> Value {
        let response = Rejection::new(error, None, &http::Method::GET).default_response();
        let bytes = tokio_test::block_on(axum::body::to_bytes(response.into_body(), 4096)).expect("body");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn examples_are_what_the_guard_renders() {
        assert_eq!(body(AuthError::MissingCredentials), unauthorized_example());
        let forbidden = AuthError::RequirementNotMet {
            requirement: Requirement::Authenticated,
        };
        assert_eq!(body(forbidden), forbidden_example());
        let two = AuthError::InvalidRequest(InvalidRequest::SeveralCredentials);
        assert_eq!(body(two), bad_request_example());
        let unavailable = AuthError::Unavailable {
            retry_after: std::time::Duration::from_secs(3),
        };
        assert_eq!(body(unavailable), service_unavailable_example());
    }
}
