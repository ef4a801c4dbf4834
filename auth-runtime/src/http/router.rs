//! A deny-by-default router: it mounts only handlers that declare their access, and
//! records what each route requires.
//!
//! [`Router`] is a builder around [`axum::Router`]. It adds nothing to the request path:
//! [`Router::into_axum`] (or `.into()`) hands back the plain `axum::Router` it built, and
//! that is what serves requests.

use std::convert::Infallible;

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter as AxumMethodRouter, Route};
use tower::{Layer, Service};

use http::Method;

use super::guard::{Guard, GuardState};
use super::table::{RouteMethod, RouteRow, RouteTable};
use crate::requirement::RouteRule;

/// A handler whose first parameter is a [`Guard`]: one annotated with `#[public]`,
/// `#[requires_auth]`, `#[requires_role]` or `#[requires_scope]`.
///
/// Implemented for every function whose first parameter is `Guard<P>`; the
/// [`routing`](crate::routing) functions accept only such handlers, which is how
/// forgetting an annotation becomes a compile error.
#[diagnostic::on_unimplemented(
    message = "this handler does not declare its access",
    label = "annotate this handler",
    note = "add one of `#[public]`, `#[requires_auth]`, `#[requires_role(\"…\")]` or `#[requires_scope(\"…\")]` to the handler",
    note = "to mount a handler without access control on purpose, use `axum::Router` and merge it after converting this router with `.into_axum()`"
)]
pub trait GuardedHandler<T, S> {
    /// The handler's access policy.
    type RouteRule: RouteRule;
}

macro_rules! impl_guarded_handler {
    ($($ty:ident),*) => {
        impl<F, Fut, P, M, S, $($ty,)*> GuardedHandler<(M, Guard<P>, $($ty,)*), S> for F
        where
            F: FnOnce(Guard<P>, $($ty,)*) -> Fut,
            P: RouteRule,
            // Checked here, before axum's `Handler` bound: a router state without a
            // `Warden` then reads as that, not as a handler that is not one.
            P::Kind: GuardState<S>,
        {
            type RouteRule = P;
        }
    };
}

impl_guarded_handler!();
impl_guarded_handler!(T1);
impl_guarded_handler!(T1, T2);
impl_guarded_handler!(T1, T2, T3);
impl_guarded_handler!(T1, T2, T3, T4);
impl_guarded_handler!(T1, T2, T3, T4, T5);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14);
impl_guarded_handler!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15);

/// The handlers of one path, by method; built by the [`routing`](crate::routing) functions.
#[must_use]
pub struct MethodRouter<S = ()> {
    inner: AxumMethodRouter<S>,
    rows: Vec<RouteRow>,
}

impl<S> std::fmt::Debug for MethodRouter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodRouter")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

macro_rules! chained_method {
    ($name:ident, $method:ident, $doc:literal) => {
        #[doc = $doc]
        pub fn $name<H, T>(mut self, handler: H) -> Self
        where
            H: GuardedHandler<T, S> + Handler<T, S>,
            T: 'static,
        {
            self.rows.push(RouteRow::new::<H::RouteRule>(RouteMethod::Method(
                Method::$method,
            )));
            self.inner = self.inner.$name(handler);
            self
        }
    };
}

impl<S: Clone + Send + Sync + 'static> MethodRouter<S> {
    fn new() -> Self {
        Self {
            inner: AxumMethodRouter::new(),
            rows: Vec::new(),
        }
    }

    chained_method!(
        get,
        GET,
        "Routes `GET` (and, as in axum, `HEAD`) to an annotated handler."
    );
    chained_method!(post, POST, "Routes `POST` to an annotated handler.");
    chained_method!(put, PUT, "Routes `PUT` to an annotated handler.");
    chained_method!(patch, PATCH, "Routes `PATCH` to an annotated handler.");
    chained_method!(delete, DELETE, "Routes `DELETE` to an annotated handler.");
    chained_method!(head, HEAD, "Routes `HEAD` to an annotated handler.");
    chained_method!(options, OPTIONS, "Routes `OPTIONS` to an annotated handler.");
    chained_method!(trace, TRACE, "Routes `TRACE` to an annotated handler.");

    /// Applies a middleware to every handler of this path, as [`axum::routing::MethodRouter::layer`].
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        Self {
            inner: self.inner.layer(layer),
            rows: self.rows,
        }
    }

    /// Applies a middleware that runs only for matched methods, as
    /// [`axum::routing::MethodRouter::route_layer`].
    pub fn route_layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        Self {
            inner: self.inner.route_layer(layer),
            rows: self.rows,
        }
    }
}

/// Route constructors that accept only annotated handlers: `get(handler)`,
/// `get(a).post(b)` …
///
/// A handler without `#[public]`, `#[requires_auth]`, `#[requires_role]` or
/// `#[requires_scope]` does not compile here. `get` routes `HEAD` too, as in axum; the
/// route table lists such a route once, as `GET`.
pub mod routing {
    use axum::handler::Handler;

    use super::{GuardedHandler, MethodRouter};
    use super::{RouteMethod, RouteRow};

    macro_rules! top_level {
        ($name:ident, $doc:literal) => {
            #[doc = $doc]
            pub fn $name<H, T, S>(handler: H) -> MethodRouter<S>
            where
                H: GuardedHandler<T, S> + Handler<T, S>,
                T: 'static,
                S: Clone + Send + Sync + 'static,
            {
                MethodRouter::new().$name(handler)
            }
        };
    }

    top_level!(get, "Routes `GET` (and `HEAD`) to an annotated handler.");
    top_level!(post, "Routes `POST` to an annotated handler.");
    top_level!(put, "Routes `PUT` to an annotated handler.");
    top_level!(patch, "Routes `PATCH` to an annotated handler.");
    top_level!(delete, "Routes `DELETE` to an annotated handler.");
    top_level!(head, "Routes `HEAD` to an annotated handler.");
    top_level!(options, "Routes `OPTIONS` to an annotated handler.");
    top_level!(trace, "Routes `TRACE` to an annotated handler.");

    /// Routes every method to an annotated handler; the route table lists it as `ANY`.
    pub fn any<H, T, S>(handler: H) -> MethodRouter<S>
    where
        H: GuardedHandler<T, S> + Handler<T, S>,
        T: 'static,
        S: Clone + Send + Sync + 'static,
    {
        MethodRouter {
            inner: axum::routing::any(handler),
            rows: vec![RouteRow::new::<H::RouteRule>(RouteMethod::Any)],
        }
    }
}

/// An [`axum::Router`] that mounts only annotated handlers and knows each route's access.
///
/// ```
/// use axum_warden::{Warden, public, requires_role};
/// use axum_warden::routing::get;
///
/// #[public]
/// async fn health() -> &'static str { "ok" }
///
/// #[requires_role("admin")]
/// async fn admin() -> &'static str { "hello" }
///
/// let warden = Warden::builder().hmac_secret(vec![7; 32]).build()?;
/// let router = axum_warden::Router::new()
///     .route("/health", get(health))
///     .route("/admin", get(admin))
///     .with_state(warden);
/// println!("{}", router.route_table().to_markdown());
/// let app: axum::Router = router.into();
/// # Ok::<(), axum_warden::ConfigError>(())
/// ```
#[must_use]
#[derive(Clone)]
pub struct Router<S = ()> {
    inner: axum::Router<S>,
    table: RouteTable,
}

impl<S> std::fmt::Debug for Router<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl<S: Clone + Send + Sync + 'static> Default for Router<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Router<S> {
    /// An empty router.
    pub fn new() -> Self {
        Self {
            inner: axum::Router::new(),
            table: RouteTable::default(),
        }
    }

    /// Adds the handlers of `path`, as [`axum::Router::route`] (and panics where it does).
    pub fn route(mut self, path: &str, method_router: MethodRouter<S>) -> Self {
        self.table
            .extend(method_router.rows.into_iter().map(|row| row.at(path)));
        self.inner = self.inner.route(path, method_router.inner);
        self
    }

    /// Mounts `router` under `path`, as [`axum::Router::nest`]; its rows get the prefix.
    pub fn nest(mut self, path: &str, router: Router<S>) -> Self {
        self.table
            .extend(router.table.into_rows().into_iter().map(|row| row.nested_under(path)));
        self.inner = self.inner.nest(path, router.inner);
        self
    }

    /// Merges the routes of `other`, as [`axum::Router::merge`].
    pub fn merge(mut self, other: Router<S>) -> Self {
        self.table.extend(other.table.into_rows());
        self.inner = self.inner.merge(other.inner);
        self
    }

    /// Applies a middleware to every route, as [`axum::Router::layer`].
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        Self {
            inner: self.inner.layer(layer),
            table: self.table,
        }
    }

    /// Applies a middleware to matched routes only, as [`axum::Router::route_layer`].
    pub fn route_layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        Self {
            inner: self.inner.route_layer(layer),
            table: self.table,
        }
    }

    /// Answers requests no route matched, as [`axum::Router::fallback`]. The fallback is
    /// an annotated handler too; it is listed as `ANY *`.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: GuardedHandler<T, S> + Handler<T, S>,
        T: 'static,
    {
        self.table.extend([RouteRow::fallback::<H::RouteRule>()]);
        self.inner = self.inner.fallback(handler);
        self
    }

    /// Provides the state, as [`axum::Router::with_state`]; the table is kept.
    pub fn with_state<S2>(self, state: S) -> Router<S2> {
        Router {
            inner: self.inner.with_state(state),
            table: self.table,
        }
    }

    /// Every route's access, sorted by path then method.
    #[must_use]
    pub fn route_table(&self) -> RouteTable {
        self.table.sorted()
    }

    /// The plain [`axum::Router`] this builder made; requests reach it directly.
    pub fn into_axum(self) -> axum::Router<S> {
        self.inner
    }

    /// The axum router and the route table, for applications that keep both.
    pub fn into_parts(self) -> (axum::Router<S>, RouteTable) {
        let table = self.table.sorted();
        (self.inner, table)
    }
}

impl<S> From<Router<S>> for axum::Router<S> {
    fn from(router: Router<S>) -> Self {
        router.inner
    }
}
