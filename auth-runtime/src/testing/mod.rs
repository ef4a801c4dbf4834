//! The test kit (feature `test-util`): mint tokens in one line, assert the guard's
//! answers, and audit every route of a router.
//!
//! **Not for production builds.** The issuer signs with key pairs embedded in this crate
//! and published with it; a [`Warden`](crate::Warden) from [`TestIssuer::warden`] trusts anyone who has
//! this crate. Enable the feature under `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! axum-warden = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! ```
//! use axum_warden::testing::{TestIssuer, assert_allowed, assert_forbidden};
//! use axum_warden::{Algorithm, requires_role};
//! use axum_warden::routing::get;
//! use tower::ServiceExt as _;
//!
//! #[requires_role("admin")]
//! async fn admin() -> &'static str { "hi" }
//!
//! # tokio_test::block_on(async {
//! let issuer = TestIssuer::new(Algorithm::ES256);
//! let app: axum::Router = axum_warden::Router::new().route("/admin", get(admin)).with_state(issuer.warden()).into();
//!
//! let request = |token: String| {
//!     http::Request::get("/admin").header("authorization", token).body(axum::body::Body::empty()).unwrap()
//! };
//! let response = app.clone().oneshot(request(issuer.token().roles(["admin"]).bearer())).await.unwrap();
//! assert_allowed(&response);
//! let response = app.oneshot(request(issuer.token().roles(["viewer"]).bearer())).await.unwrap();
//! assert_forbidden(&response, None);
//! # });
//! ```

mod assertions;
mod audit;
mod direct;
mod dpop;
mod issuer;
mod keys;
mod raw;
mod snapshot;
mod token;

pub use assertions::{assert_allowed, assert_forbidden, assert_invalid_token, assert_unauthorized};
pub use audit::{AuditReport, Finding, Probe, audit, audit_credentials, audit_issuers};
pub use direct::{unchecked_guard, unchecked_policy};
pub use dpop::DpopKey;
pub use issuer::{TEST_AUDIENCE, TEST_ISSUER, TEST_SUBJECT, TestIssuer};
pub use raw::sign_hmac;
pub use snapshot::{SnapshotError, UPDATE_SNAPSHOTS_ENV};
pub use token::TokenBuilder;
