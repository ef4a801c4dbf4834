//! The extractors: [`Guard`], and [`Identity`] / [`Claims`] for handlers that want the caller.

use std::future::Future;
use std::marker::PhantomData;

use axum::extract::{FromRef, FromRequestParts, MatchedPath, OptionalFromRequestParts};
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::config::Warden;
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;
use crate::rejection::Rejection;
use crate::requirement::{HandlerInfo, Open, Policy, Protected, Requirement};

/// Enforces the policy `P` before any other extractor of the handler runs.
///
/// The access attributes inject it as a handler's first parameter; it has no public
/// constructor and carries nothing (the verified [`Identity`] goes into the request
/// extensions, where the [`Identity`] and [`Claims`] extractors find it).
pub struct Guard<P>(PhantomData<fn() -> P>);

impl<P> std::fmt::Debug for Guard<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Guard")
    }
}

impl<S, P> FromRequestParts<S> for Guard<P>
where
    S: Send + Sync,
    P: Policy,
    P::Kind: GuardState<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        <P::Kind as GuardState<S>>::enforce(parts, state, &P::REQUIREMENT, &P::HANDLER).await?;
        Ok(Self(PhantomData))
    }
}

/// How a kind of policy reaches its [`Warden`] in router state.
#[diagnostic::on_unimplemented(
    message = "the router state `{S}` does not provide a `Warden`",
    label = "this guard needs a `Warden` from router state",
    note = "give the router a `Warden`: `.with_state(warden)`, or implement `FromRef<{S}> for Warden` for your own state type (`#[derive(FromRef)]` on it does that)"
)]
pub trait GuardState<S>: Sized {
    /// Checks `requirement` for the request, storing the verified identity in its extensions.
    fn enforce(
        parts: &mut Parts,
        state: &S,
        requirement: &'static Requirement,
        handler: &'static HandlerInfo,
    ) -> impl Future<Output = Result<(), Rejection>> + Send;
}

impl<S: Send + Sync> GuardState<S> for Open {
    async fn enforce(_: &mut Parts, _: &S, _: &'static Requirement, _: &'static HandlerInfo) -> Result<(), Rejection> {
        Ok(())
    }
}

impl<S: Send + Sync> GuardState<S> for Protected
where
    Warden: FromRef<S>,
{
    async fn enforce(
        parts: &mut Parts,
        state: &S,
        requirement: &'static Requirement,
        handler: &'static HandlerInfo,
    ) -> Result<(), Rejection> {
        Warden::from_ref(state).enforce(parts, requirement, handler).await
    }
}

impl Warden {
    /// Authenticates (reusing an identity an earlier guard stored), checks the requirement,
    /// and records the decision.
    async fn enforce(
        &self,
        parts: &mut Parts,
        requirement: &Requirement,
        handler: &HandlerInfo,
    ) -> Result<(), Rejection> {
        let identity = match parts.extensions.get::<Identity>() {
            Some(identity) => identity.clone(),
            None => match self.authenticate(parts).await {
                Ok(identity) => identity,
                Err(error) => return Err(self.deny(parts, error, None, handler)),
            },
        };
        if !requirement.is_met_by(&identity) {
            let error = AuthError::InsufficientScope {
                requirement: *requirement,
            };
            return Err(self.deny(parts, error, Some(&identity), handler));
        }
        tracing::debug!(
            target: "axum_warden",
            route = route(parts),
            method = %parts.method,
            handler = handler.name,
            subject = identity.subject(),
            "request allowed"
        );
        parts.extensions.insert(identity);
        Ok(())
    }

    fn deny(&self, parts: &Parts, error: AuthError, identity: Option<&Identity>, handler: &HandlerInfo) -> Rejection {
        denial_event(parts, error.code(), identity, handler.name);
        Rejection::new(error, Some(self.clone()), &parts.method)
    }

    /// The identity stored by a guard, or a fresh authentication where none ran.
    async fn identity(&self, parts: &mut Parts) -> Result<Identity, AuthError> {
        if let Some(identity) = parts.extensions.get::<Identity>() {
            return Ok(identity.clone());
        }
        let identity = self.authenticate(parts).await?;
        parts.extensions.insert(identity.clone());
        Ok(identity)
    }
}

/// The one `tracing` event of a denial (never the token).
pub(crate) fn denial_event(parts: &Parts, reason: &str, identity: Option<&Identity>, handler: &str) {
    tracing::info!(
        target: "axum_warden",
        route = route(parts),
        method = %parts.method,
        handler,
        reason,
        subject = identity.map(Identity::subject),
        "request denied"
    );
}

fn route(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<MatchedPath>()
        .map_or_else(|| parts.uri.path(), MatchedPath::as_str)
}

/// The caller, as an extractor.
///
/// Behind a guard it is the identity the guard verified (no second verification);
/// on its own it authenticates the request and answers 401 when it cannot.
impl<S> FromRequestParts<S> for Identity
where
    S: Send + Sync,
    Warden: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let warden = Warden::from_ref(state);
        warden
            .identity(parts)
            .await
            .map_err(|e| Rejection::new(e, Some(warden.clone()), &parts.method))
    }
}

/// `Option<Identity>`: `None` for a request without credentials; a request with bad
/// credentials is still refused (a broken token must not quietly act as anonymous).
impl<S> OptionalFromRequestParts<S> for Identity
where
    S: Send + Sync,
    Warden: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Rejection> {
        let warden = Warden::from_ref(state);
        match warden.identity(parts).await {
            Ok(identity) => Ok(Some(identity)),
            Err(AuthError::MissingCredentials) => Ok(None),
            Err(e) => Err(Rejection::new(e, Some(warden.clone()), &parts.method)),
        }
    }
}

/// The verified claims, deserialized into the application's own type.
///
/// ```
/// use axum_warden_runtime::Claims;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct MyClaims { sub: String, tenant: String }
///
/// async fn handler(Claims(claims): Claims<MyClaims>) -> String {
///     format!("{} of {}", claims.sub, claims.tenant)
/// }
/// ```
///
/// Claims that do not fit `T` answer 401 `invalid_token`.
#[derive(Debug, Clone)]
pub struct Claims<T>(pub T);

impl<S, T> FromRequestParts<S> for Claims<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    Warden: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let warden = Warden::from_ref(state);
        let method = parts.method.clone();
        let reject = |e| Rejection::new(e, Some(warden.clone()), &method);
        let identity = warden.identity(parts).await.map_err(reject)?;
        T::deserialize(identity.claims())
            .map(Claims)
            .map_err(|_| reject(AuthError::InvalidToken(TokenError::ClaimsShape)))
    }
}
