//! Calling an annotated handler directly, as the plain async function it still is.

use crate::http::Guard;
use crate::requirement::RouteRule;

/// The guard argument for calling an annotated handler directly in a unit test, without a
/// router: the handler's body runs with the arguments you pass, and **no access rule is
/// checked** (test those through a router, as [`TestIssuer`](super::TestIssuer) and
/// [`audit`](super::audit) do).
///
/// The policy type is inferred from the handler, so the call reads like the handler's
/// signature with one more argument in front:
///
/// ```
/// use axum::extract::Path;
/// use axum_warden::testing::unchecked_guard;
/// use axum_warden::{Identity, requires_role};
///
/// #[requires_role("admin")]
/// async fn rename(user: Identity, Path(id): Path<u64>) -> String {
///     format!("{} renamed user {id}", user.subject())
/// }
///
/// # tokio_test::block_on(async {
/// let ada = Identity::builder("ada").roles(["admin"]).build();
/// assert_eq!(rename(unchecked_guard(), ada, Path(7)).await, "ada renamed user 7");
/// # });
/// ```
#[must_use]
pub fn unchecked_guard<P: RouteRule>() -> Guard<P> {
    Guard::unchecked()
}
