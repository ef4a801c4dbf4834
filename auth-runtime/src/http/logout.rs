//! The OpenID Connect Back-Channel Logout endpoint (§2.5, §2.8): a provider POSTs a
//! logout token; a valid one is recorded as a revocation of its session or subject.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};

use super::warden::Warden;
use crate::requirement::{HandlerInfo, Open, Requirement, RouteRule};
use crate::verifier::logout::LogoutTokenError;

/// The largest request body read: a logout token under the largest size cap, form-encoded.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Answers one back-channel logout request.
pub(crate) async fn handle(warden: Warden, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !form {
        return refuse("the request is not application/x-www-form-urlencoded");
    }
    let Ok(body) = axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await else {
        return refuse("the request body is too large or was cut off");
    };
    let token = match logout_token(&body) {
        Ok(token) => token,
        Err(reason) => return refuse(reason),
    };
    let Some(revocations) = warden.revocations() else {
        // `WardenBuilder::build` refuses back-channel logout without revocations; kept total.
        return refuse("this service records no logouts");
    };
    let revocation = match warden.verify_logout_token(&token).await {
        Ok(revocation) => revocation,
        Err(error) => {
            tracing::info!(reason = %error, "back-channel logout refused");
            return refuse_token(error);
        }
    };
    let kind = revocation.kind();
    match revocations.revoke(revocation).await {
        Ok(()) => {
            tracing::info!(kind = kind.as_str(), "back-channel logout recorded");
            ([(CACHE_CONTROL, HeaderValue::from_static("no-store"))], StatusCode::OK).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, kind = kind.as_str(), "back-channel logout recorded on this instance only");
            refuse("the logout is recorded on this instance, but the shared revocation store did not take it yet")
        }
    }
}

/// The one `logout_token` parameter of a form body.
fn logout_token(body: &Bytes) -> Result<String, &'static str> {
    let mut found = None;
    for (name, value) in form_urlencoded::parse(body) {
        if name == "logout_token" {
            if found.is_some() {
                return Err("the request has more than one logout_token");
            }
            found = Some(value.into_owned());
        }
    }
    match found {
        Some(token) if !token.is_empty() => Ok(token),
        _ => Err("the request has no logout_token"),
    }
}

fn refuse_token(error: LogoutTokenError) -> Response {
    match error {
        LogoutTokenError::KeysUnavailable => refuse("the issuer's keys are unavailable; send the logout again"),
        other => refuse_owned(other.to_string()),
    }
}

fn refuse(description: &'static str) -> Response {
    refuse_owned(description.to_owned())
}

/// 400 with the error of §2.8 (`invalid_request`) and why, as OAuth 2.0 error JSON.
fn refuse_owned(description: String) -> Response {
    let body = serde_json::json!({ "error": "invalid_request", "error_description": description }).to_string();
    (
        StatusCode::BAD_REQUEST,
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The access rule of the logout route, for the route table: public, since the logout
/// token in the body authenticates the request.
pub(crate) struct LogoutRule;

impl RouteRule for LogoutRule {
    type Kind = Open;
    const REQUIREMENT: Requirement = Requirement::Public;
    const HANDLER: HandlerInfo = HandlerInfo {
        name: "back_channel_logout",
        // Listed under the method that mounts it, not under this private module.
        module: "axum_warden::Router",
        file: file!(),
        line: line!(),
    };
}
