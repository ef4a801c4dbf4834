//! The extractors: [`Guard`], and [`Identity`] / [`Claims`] for handlers that want the caller.
//!
//! None of them returns an `async` future. Every handler future holds the future of its
//! first extractor, and rustc proves `Send` for each handler future on its own, down
//! through every type that future holds; an `async` chain down to the key fetch made that
//! proof walk the key source, the HTTP client and the token cache once per handler (it
//! doubled the build of an application with 200 handlers, `benches/README.md`). A [`Step`]
//! is the answer itself when nothing has to be awaited (a cached or locally keyed token,
//! every refusal), and a boxed future only when a key fetch or a custom authenticator must
//! be awaited, which ends the proof at `dyn Future + Send`.

use std::future::{Future, Ready, ready};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRef, FromRequestParts, MatchedPath, OptionalFromRequestParts};
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::responder::Rejection;
use super::warden::{ClaimedBy, Warden};
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;
use crate::requirement::{AccessKind, HandlerInfo, Open, Protected, Requirement, RouteRule, StepUp};

/// Enforces the policy `P` before any other extractor of the handler runs.
///
/// The access attributes inject it as a handler's first parameter; it has no public
/// constructor and carries nothing (the verified [`Identity`] goes into the request
/// extensions, where the [`Identity`] and [`Claims`] extractors find it).
pub struct Guard<P>(PhantomData<fn() -> P>);

impl<P> Guard<P> {
    /// A guard that checked nothing, for calling a handler directly in a unit test
    /// ([`testing::unchecked_guard`](crate::testing::unchecked_guard)).
    #[cfg(feature = "test-util")]
    pub(crate) fn unchecked() -> Self {
        Self(PhantomData)
    }
}

impl<P> std::fmt::Debug for Guard<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Guard")
    }
}

impl<S, P> FromRequestParts<S> for Guard<P>
where
    S: Send + Sync,
    P: RouteRule,
    P::Kind: GuardState<S>,
{
    type Rejection = Rejection;

    fn from_request_parts(parts: &mut Parts, state: &S) -> impl Future<Output = Result<Self, Rejection>> + Send {
        const {
            assert!(
                P::REQUIREMENT.needs_identity() == <P::Kind as AccessKind>::AUTHENTICATES,
                "a `RouteRule` whose requirement needs an identity must have `type Kind = Protected`, and only `Requirement::Public` goes with `Open`"
            );
        }
        Admit {
            step: <P::Kind as GuardState<S>>::enforce(parts, state, &P::REQUIREMENT, &P::STEP_UP, &P::HANDLER),
            policy: PhantomData,
        }
    }
}

/// That the rule of the policy `P` guarantees role `I` of the role enum `R`: implemented
/// by the access attributes for each declared role a rule requires on its own or within
/// `all(..)`. What a `granted!(..)` parameter asks of its handler's guard.
#[diagnostic::on_unimplemented(
    message = "the access rule of this handler does not guarantee the role this proof names",
    label = "no proof of this role here",
    note = "a handler gets `granted!(Role::X)` when #[requires_role(Role::X)] or #[requires_role(all(.., Role::X, ..))] guards it; for a role that X includes, take the proof of X and call `.narrow()`"
)]
pub trait Grants<R: crate::roles::Roles, const I: usize>: RouteRule {}

/// The proof a `granted!(..)` parameter stands for, made from the handler's guard.
#[doc(hidden)]
#[must_use]
pub const fn grant<P, R, const I: usize>(_: &Guard<P>) -> crate::roles::Granted<R, I>
where
    P: Grants<R, I>,
    R: crate::roles::Roles,
{
    crate::roles::Granted::__new()
}

/// The guard's future: the outcome of its [`Step`], as a `Guard<P>`.
struct Admit<F, P> {
    step: F,
    policy: PhantomData<fn() -> P>,
}

impl<F, P> Future for Admit<F, P>
where
    F: Future<Output = Result<(), Rejection>> + Unpin,
{
    type Output = Result<Guard<P>, Rejection>;

    // Written out rather than with `Poll::map` and closures: this is instantiated once
    // per handler, so every generic helper it calls is too.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.get_mut().step).poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(Guard(PhantomData))),
            Poll::Ready(Err(rejection)) => Poll::Ready(Err(rejection)),
            Poll::Pending => Poll::Pending,
        }
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
        step_up: &'static StepUp,
        handler: &'static HandlerInfo,
    ) -> impl Future<Output = Result<(), Rejection>> + Send + Unpin;
}

impl<S: Send + Sync> GuardState<S> for Open {
    fn enforce(
        _: &mut Parts,
        _: &S,
        _: &'static Requirement,
        _: &'static StepUp,
        _: &'static HandlerInfo,
    ) -> impl Future<Output = Result<(), Rejection>> + Send + Unpin {
        ready(Ok(()))
    }
}

impl<S: Send + Sync> GuardState<S> for Protected
where
    Warden: FromRef<S>,
{
    fn enforce(
        parts: &mut Parts,
        state: &S,
        requirement: &'static Requirement,
        step_up: &'static StepUp,
        handler: &'static HandlerInfo,
    ) -> impl Future<Output = Result<(), Rejection>> + Send + Unpin {
        Warden::from_ref(state).enforce(parts, requirement, step_up, handler)
    }
}

/// Work that is either done already or waits behind one allocation (see the module docs).
pub(crate) enum Step<'a, T> {
    /// Nothing had to be awaited.
    Done(Ready<T>),
    /// A key fetch or a custom authenticator is awaited.
    Waiting(Pin<Box<dyn Future<Output = T> + Send + 'a>>),
}

impl<T> Future for Step<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match &mut *self {
            Self::Done(done) => Pin::new(done).poll(cx),
            Self::Waiting(waiting) => waiting.as_mut().poll(cx),
        }
    }
}

impl Warden {
    /// Authenticates (reusing an identity an earlier guard stored), checks the requirement,
    /// then the step-up requirement, and records the decision.
    ///
    /// Roles and scopes come before step-up: a caller that lacks them gets its 403 at
    /// once, rather than a 401 that sends it to authenticate again only to be refused.
    fn enforce<'a>(
        self,
        parts: &'a mut Parts,
        requirement: &'static Requirement,
        step_up: &'static StepUp,
        handler: &'static HandlerInfo,
    ) -> Step<'a, Result<(), Rejection>> {
        self.with_identity(parts, move |warden, parts, outcome| {
            let identity = match outcome {
                Ok(identity) => identity,
                Err(error) => return Err(warden.deny(parts, error, None, Some(handler.name))),
            };
            if !requirement.is_met_by(&identity) {
                let error = AuthError::RequirementNotMet {
                    requirement: requirement.unmet_part(&identity).unwrap_or(*requirement),
                };
                return Err(warden.deny(parts, error, Some(&identity), Some(handler.name)));
            }
            if !step_up.is_none()
                && let Some(unmet) = warden.step_up_unmet(&identity, step_up)
            {
                let error = AuthError::InsufficientAuthentication { unmet };
                return Err(warden.deny(parts, error, Some(&identity), Some(handler.name)));
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
        })
    }

    /// Runs `finish` on the identity an earlier guard stored, or on the outcome of
    /// authenticating the request: at once when that needs no wait. `finish` gets the
    /// warden itself, so a refusal keeps it without another reference-count round trip.
    pub(crate) fn with_identity<'a, T, F>(self, parts: &'a mut Parts, finish: F) -> Step<'a, T>
    where
        T: Send + 'a,
        F: FnOnce(Self, &mut Parts, Result<Identity, AuthError>) -> T + Send + 'a,
    {
        let at_once = match parts.extensions.get::<Identity>() {
            Some(identity) => Some(Ok(identity.clone())),
            None => self.authenticate_now(parts),
        };
        match at_once {
            Some(outcome) => Step::Done(ready(finish(self, parts, outcome))),
            None => Step::Waiting(Box::pin(async move {
                let (outcome, claimed_by) = self.authenticate_claimed(parts).await;
                if let Some(claimed_by) = claimed_by {
                    parts.extensions.insert(claimed_by);
                }
                finish(self, parts, outcome)
            })),
        }
    }

    pub(crate) fn deny(
        &self,
        parts: &Parts,
        error: AuthError,
        identity: Option<&Identity>,
        handler: Option<&str>,
    ) -> Rejection {
        denial_event(parts, error.code(), identity, handler);
        let claimed_by = parts.extensions.get::<ClaimedBy>().map(|claimed| claimed.0);
        Rejection::new(error, Some(self.responder().clone()), &parts.method)
            .of_scheme(claimed_by)
            .of_dpop(self.dpop_answer(parts))
    }

    /// The caller for the [`Identity`] extractor: the identity a guard stored, or a
    /// fresh authentication (kept for later extractors) where none ran.
    fn identity<'a>(self, parts: &'a mut Parts) -> Step<'a, Result<Identity, Rejection>> {
        self.with_identity(parts, |warden, parts, outcome| match outcome {
            Ok(identity) => {
                keep(parts, &identity);
                Ok(identity)
            }
            Err(error) => Err(warden.deny(parts, error, None, None)),
        })
    }

    /// Like [`identity`](Self::identity), with `None` for a request without credentials.
    fn optional_identity<'a>(self, parts: &'a mut Parts) -> Step<'a, Result<Option<Identity>, Rejection>> {
        self.with_identity(parts, |warden, parts, outcome| match outcome {
            Ok(identity) => {
                keep(parts, &identity);
                Ok(Some(identity))
            }
            Err(AuthError::MissingCredentials) => Ok(None),
            Err(error) => Err(warden.deny(parts, error, None, None)),
        })
    }
}

/// Stores an identity an extractor verified, for the extractors after it.
fn keep(parts: &mut Parts, identity: &Identity) {
    if parts.extensions.get::<Identity>().is_none() {
        parts.extensions.insert(identity.clone());
    }
}

/// The one `tracing` event of a denial (never the token). `handler` is `None` for the
/// identity extractors used without a guard. Subject and issuer are those of a verified
/// identity only: what a refused token claims is not known to be true, and an `iss`
/// written by anyone would let a caller put arbitrary text into the logs.
pub(crate) fn denial_event(parts: &Parts, reason: &str, identity: Option<&Identity>, handler: Option<&str>) {
    tracing::info!(
        target: "axum_warden",
        route = route(parts),
        method = %parts.method,
        handler,
        reason,
        subject = identity.map(Identity::subject),
        issuer = identity.and_then(Identity::issuer),
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

    fn from_request_parts(parts: &mut Parts, state: &S) -> impl Future<Output = Result<Self, Rejection>> + Send {
        Warden::from_ref(state).identity(parts)
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

    fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> impl Future<Output = Result<Option<Self>, Rejection>> + Send {
        Warden::from_ref(state).optional_identity(parts)
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
    T: DeserializeOwned + Send + 'static,
    Warden: FromRef<S>,
{
    type Rejection = Rejection;

    fn from_request_parts(parts: &mut Parts, state: &S) -> impl Future<Output = Result<Self, Rejection>> + Send {
        Warden::from_ref(state).with_identity(parts, |warden, parts, outcome| {
            let identity = match outcome {
                Ok(identity) => identity,
                Err(error) => return Err(warden.deny(parts, error, None, None)),
            };
            match T::deserialize(identity.claims()) {
                Ok(claims) => {
                    keep(parts, &identity);
                    Ok(Claims(claims))
                }
                Err(_) => {
                    let error = AuthError::InvalidToken(TokenError::ClaimsShape);
                    Err(warden.deny(parts, error, Some(&identity), None))
                }
            }
        })
    }
}
