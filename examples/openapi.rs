//! The OpenAPI 3.1 document of the quickstart: the operations its handlers document with
//! `#[utoipa::path]` (parameters, bodies, their own answers), and what axum-warden derives
//! from the same access attributes the guard enforces (each operation's `security`, every
//! refusal of the guard, the bearer JWT scheme and the RFC 9457 problem-details schema).
//!
//! ```text
//! cargo run --example openapi --features utoipa                  # print the document
//! cargo run --example openapi --features utoipa -- openapi.json  # write it to a file
//! cargo run --example openapi --features utoipa -- --remote-keys # with the 503 of fetched keys
//! ```
//!
//! The quickstart's demo key is local, so its guard never answers 503; run it with
//! `WARDEN_JWKS_URL` or `WARDEN_OIDC_ISSUER_URL` and `--remote-keys` documents that answer
//! too. An application that holds its `Warden` writes `WardenOpenApi::for_warden(&warden)`.
//!
//! `tests/openapi.rs` validates this document and keeps a snapshot of it, and
//! `scripts/schemathesis` tests the running quickstart against it.

// `pub(crate)`: tests/openapi.rs includes this file and drives these routes.
#[path = "quickstart/routes.rs"]
pub(crate) mod routes;

use axum_warden::{OpenApiError, WardenOpenApi};
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;

/// The operations the quickstart's handlers document; the access comes from the route table.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "axum-warden quickstart",
        version = "0.1.0",
        description = "The routes of `cargo run --example quickstart`. Access, security and \
                       refusals are derived by axum-warden from the handlers' access attributes.",
    ),
    paths(
        routes::health,
        routes::me,
        routes::admin,
        routes::create_article,
        routes::article,
        routes::audit,
        routes::orders,
    )
)]
struct QuickstartApi;

/// The document this example prints: `remote_keys` adds the `503` of a fetched key set.
///
/// A route of the quickstart without a `#[utoipa::path]` is an error, never invented.
pub(crate) fn document(remote_keys: bool) -> Result<OpenApi, OpenApiError> {
    let mut doc = QuickstartApi::openapi();
    let report = WardenOpenApi::new()
        .remote_keys(remote_keys)
        .apply(&routes::routes().route_table(), &mut doc);
    report.ensure_complete()?;
    Ok(doc)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut remote_keys = false;
    let mut output = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--remote-keys" => remote_keys = true,
            path if !path.starts_with('-') && output.is_none() => output = Some(arg),
            _ => return Err("usage: openapi [--remote-keys] [OUTPUT.json]".into()),
        }
    }
    let mut json = document(remote_keys)?.to_pretty_json()?;
    json.push('\n');
    match output {
        None => print!("{json}"),
        Some(path) => {
            std::fs::write(&path, json)?;
            eprintln!("wrote {path}");
        }
    }
    Ok(())
}
