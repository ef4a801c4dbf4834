//! Calling an annotated handler directly, as the plain async function it still is.

use crate::http::{AccessPolicy, Guard, PolicyCheck};
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

/// A [`PolicyCheck`] that ran nothing, for calling a `#[requires_policy]` handler directly
/// in a unit test: such a handler takes it second, after the [`Guard`](crate::Guard). The policy is the
/// application's own type, tested on its own with [`AccessPolicy::check`](crate::AccessPolicy::check); this lets the
/// handler's body be tested apart from it.
///
/// ```
/// use axum_warden::testing::{unchecked_guard, unchecked_policy};
/// use axum_warden::{AccessPolicy, Decision, Identity, NoState, requires_policy, requires_role};
/// use http::request::Parts;
///
/// struct OwnsDraft;
/// impl AccessPolicy for OwnsDraft {
///     type State = NoState;
///     async fn check(identity: &Identity, _: &mut Parts, _: &NoState) -> Decision {
///         Decision::allow_or_hide(identity.subject() == "ada")
///     }
/// }
///
/// #[requires_role("editor")]
/// #[requires_policy(OwnsDraft)]
/// async fn publish(user: Identity) -> String {
///     format!("published by {}", user.subject())
/// }
///
/// # tokio_test::block_on(async {
/// let ada = Identity::builder("ada").roles(["editor"]).build();
/// assert_eq!(publish(unchecked_guard(), unchecked_policy(), ada).await, "published by ada");
/// # });
/// ```
#[must_use]
pub fn unchecked_policy<T: AccessPolicy>() -> PolicyCheck<T> {
    PolicyCheck::unchecked()
}
