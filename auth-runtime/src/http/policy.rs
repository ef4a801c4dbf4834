//! Access decisions that need more than a role: route policies (`#[requires_policy]`) and
//! per-object checks inside handlers ([`Identity::authorize`]).

use std::any::type_name;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use super::guard::denial_event;
use super::responder::{Rejection, forbidden_without_realm};
use super::warden::Warden;
use crate::error::AuthError;
use crate::identity::Identity;

/// What a policy decided about a request or an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refuse with 403: the caller may know the resource exists.
    Forbid,
    /// Refuse with 404, exactly as for a route or object that does not exist, so the
    /// answer does not reveal that it does.
    Hide,
}

impl Decision {
    /// [`Allow`](Self::Allow) when `allowed`, else [`Forbid`](Self::Forbid).
    #[must_use]
    pub const fn allow_if(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Forbid }
    }

    /// [`Allow`](Self::Allow) when `allowed`, else [`Hide`](Self::Hide).
    #[must_use]
    pub const fn allow_or_hide(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Hide }
    }
}

/// A route policy for `#[requires_policy(..)]`: an async decision with the verified
/// identity, the request head and application state.
///
/// It runs after the identity was verified and after any role or scope rule of the route
/// held, before the handler's own extractors.
///
/// ```
/// use axum::extract::{FromRef, Path};
/// use axum::{Router, routing::delete};
/// use axum_warden::{AccessPolicy, Decision, Identity, Warden, requires_policy};
/// use http::request::Parts;
///
/// #[derive(Clone)]
/// struct App {
///     warden: Warden,
///     owners: std::sync::Arc<std::collections::HashMap<u64, String>>,
/// }
///
/// impl FromRef<App> for Warden {
///     fn from_ref(app: &App) -> Warden {
///         app.warden.clone()
///     }
/// }
///
/// /// Only the author of an article may change it; others do not learn it exists.
/// struct OwnsArticle;
///
/// impl AccessPolicy for OwnsArticle {
///     type State = App;
///
///     async fn check(identity: &Identity, parts: &mut Parts, app: &App) -> Decision {
///         let Ok(Path(id)) = Path::<u64>::from_request_parts(parts, app).await else {
///             return Decision::Hide;
///         };
///         Decision::allow_or_hide(app.owners.get(&id).is_some_and(|owner| owner == identity.subject()))
///     }
/// }
/// # use axum::extract::FromRequestParts;
///
/// #[requires_policy(OwnsArticle)]
/// async fn delete_article(Path(id): Path<u64>) -> String {
///     format!("deleted {id}")
/// }
///
/// fn app(state: App) -> Router {
///     Router::new().route("/articles/{id}", delete(delete_article)).with_state(state)
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an access policy",
    label = "`#[requires_policy]` needs a type implementing `axum_warden::AccessPolicy`",
    note = "implement it: `impl AccessPolicy for {Self} {{ type State = AppState; async fn check(identity: &Identity, parts: &mut Parts, state: &AppState) -> Decision {{ .. }} }}`"
)]
pub trait AccessPolicy: Send + Sync + 'static {
    /// What the policy reads from router state: the state itself, a part of it
    /// (`FromRef`), or [`NoState`].
    type State: Send + Sync;

    /// Decides. `parts` is the request head: extractors such as `Path` can run on it.
    fn check(identity: &Identity, parts: &mut Parts, state: &Self::State) -> impl Future<Output = Decision> + Send;
}

/// The state of a policy that needs none; available from every router state.
#[derive(Debug)]
pub struct NoState;

impl<S> FromRef<S> for NoState {
    fn from_ref(_: &S) -> Self {
        Self
    }
}

/// Runs the policy `T` of `#[requires_policy(T)]`; injected as the handler's second
/// parameter, right after the [`Guard`](crate::Guard). Not constructed by hand.
pub struct PolicyCheck<T>(PhantomData<fn() -> T>);

impl<T> PolicyCheck<T> {
    /// A check that ran nothing, for calling a handler directly in a unit test
    /// ([`testing::unchecked_policy`](crate::testing::unchecked_policy)).
    #[cfg(feature = "test-util")]
    pub(crate) fn unchecked() -> Self {
        Self(PhantomData)
    }
}

impl<T> std::fmt::Debug for PolicyCheck<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PolicyCheck").field(&type_name::<T>()).finish()
    }
}

/// Why a [`PolicyCheck`] refused a request.
#[derive(Debug)]
pub enum PolicyRejection {
    /// 401 when no verified identity is available, 403 when the policy forbids; rendered
    /// like every guard answer (challenge, problem details, the warden's renderer).
    Denied(Rejection),
    /// 404, as for a missing route: an empty body and no other header.
    Hidden,
}

impl IntoResponse for PolicyRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Denied(rejection) => rejection.into_response(),
            Self::Hidden => {
                #[cfg_attr(not(feature = "test-util"), allow(unused_mut))]
                let mut response = StatusCode::NOT_FOUND.into_response();
                #[cfg(feature = "test-util")]
                response
                    .extensions_mut()
                    .insert(super::responder::RefusedBy("policy_hidden"));
                response
            }
        }
    }
}

impl<S, T> FromRequestParts<S> for PolicyCheck<T>
where
    S: Send + Sync,
    T: AccessPolicy,
    T::State: FromRef<S>,
    Warden: FromRef<S>,
{
    type Rejection = PolicyRejection;

    /// Built on the guard's own path: the identity the guard stored (or one authenticated
    /// now), then the policy, in one boxed future, so a handler future holds no `async`
    /// chain through the warden (see the guard's module docs).
    fn from_request_parts(parts: &mut Parts, state: &S) -> impl Future<Output = Result<Self, PolicyRejection>> + Send {
        let warden = Warden::from_ref(state);
        let policy_state = T::State::from_ref(state);
        let decide: Pin<Box<dyn Future<Output = Result<Self, PolicyRejection>> + Send + '_>> = Box::pin(async move {
            let policy = short_type_name::<T>();
            let (warden, identity) = warden
                .with_identity(parts, move |warden, parts, outcome| match outcome {
                    Ok(identity) => {
                        if parts.extensions.get::<Identity>().is_none() {
                            parts.extensions.insert(identity.clone());
                        }
                        Ok((warden, identity))
                    }
                    Err(error) => Err(warden.deny(parts, error, None, Some(policy))),
                })
                .await
                .map_err(PolicyRejection::Denied)?;
            match T::check(&identity, parts, &policy_state).await {
                Decision::Allow => Ok(Self(PhantomData)),
                Decision::Forbid => {
                    let error = AuthError::Forbidden { policy };
                    Err(PolicyRejection::Denied(warden.deny(
                        parts,
                        error,
                        Some(&identity),
                        Some(policy),
                    )))
                }
                Decision::Hide => {
                    denial_event(parts, "policy_hidden", Some(&identity), Some(policy));
                    Err(PolicyRejection::Hidden)
                }
            }
        });
        decide
    }
}

/// The type's name without its module path, for logs.
fn short_type_name<T>() -> &'static str {
    let full = type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    let start = base.rfind("::").map_or(0, |at| at + 2);
    &full[start..]
}

/// A per-object rule for [`Identity::authorize`]: may this caller act on this resource?
///
/// Closures `Fn(&Identity, &R) -> Decision` implement it, as do types that name their
/// rule:
///
/// ```
/// use axum_warden::{Authorize, Decision, Identity};
///
/// struct Article { author: String, published: bool }
///
/// struct CanEdit;
/// impl Authorize<Article> for CanEdit {
///     fn decide(&self, identity: &Identity, article: &Article) -> Decision {
///         if identity.subject() == article.author || identity.has_role("editor") {
///             Decision::Allow
///         } else if article.published {
///             Decision::Forbid
///         } else {
///             Decision::Hide // drafts of others do not exist for this caller
///         }
///     }
/// }
///
/// let bob = Identity::builder("bob").build();
/// let draft = Article { author: "alice".into(), published: false };
/// assert_eq!(bob.authorize(&CanEdit, &draft).unwrap_err().status(), http::StatusCode::NOT_FOUND);
/// ```
pub trait Authorize<R: ?Sized> {
    /// The decision for `identity` on `resource`.
    fn decide(&self, identity: &Identity, resource: &R) -> Decision;
}

impl<R: ?Sized, F: Fn(&Identity, &R) -> Decision> Authorize<R> for F {
    fn decide(&self, identity: &Identity, resource: &R) -> Decision {
        self(identity, resource)
    }
}

/// A per-object refusal from [`Identity::authorize`]: answers 403 or 404 when returned
/// from a handler (`Result<_, Denied>`), or converts into an application's error type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The caller may not act on the resource: 403.
    #[error("the caller may not access this resource")]
    Forbidden,
    /// The resource is hidden from the caller: 404, as if it did not exist.
    #[error("not found")]
    Hidden,
}

impl Denied {
    /// 403 or 404.
    #[must_use]
    pub const fn status(self) -> StatusCode {
        match self {
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Hidden => StatusCode::NOT_FOUND,
        }
    }
}

impl IntoResponse for Denied {
    /// 403: `WWW-Authenticate: Bearer error="insufficient_scope"` (no realm: a handler
    /// does not know its warden), `Cache-Control: no-store` and problem details.
    /// 404: an empty body, as for a missing route.
    fn into_response(self) -> Response {
        match self {
            Self::Hidden => StatusCode::NOT_FOUND.into_response(),
            Self::Forbidden => forbidden_without_realm(),
        }
    }
}

impl Identity {
    /// Applies a per-object rule: `Ok(())` to go ahead, else the [`Denied`] answer.
    ///
    /// ```
    /// use axum_warden::{Decision, Denied, Identity};
    ///
    /// struct Invoice { customer: String }
    /// let own = |who: &Identity, invoice: &Invoice| Decision::allow_or_hide(who.subject() == invoice.customer);
    ///
    /// let alice = Identity::builder("alice").build();
    /// assert!(alice.authorize(&own, &Invoice { customer: "alice".into() }).is_ok());
    /// assert_eq!(alice.authorize(&own, &Invoice { customer: "bob".into() }), Err(Denied::Hidden));
    /// ```
    ///
    /// # Errors
    /// [`Denied::Forbidden`] or [`Denied::Hidden`] as the rule decides.
    pub fn authorize<R: ?Sized>(&self, rule: &impl Authorize<R>, resource: &R) -> Result<(), Denied> {
        match rule.decide(self, resource) {
            Decision::Allow => Ok(()),
            Decision::Forbid => Err(Denied::Forbidden),
            Decision::Hide => Err(Denied::Hidden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod inner {
        pub(super) struct Owns<T>(pub(super) T);
    }

    #[test]
    fn short_names_drop_the_module_path() {
        assert_eq!(short_type_name::<Decision>(), "Decision");
        assert_eq!(short_type_name::<inner::Owns<u8>>(), "Owns<u8>");
    }
}
