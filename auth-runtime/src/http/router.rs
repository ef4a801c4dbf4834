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
use super::logout::{self, LogoutRule};
use super::resource::{MetadataEndpoint, MetadataRule};
use super::table::{RouteMethod, RouteRow, RouteTable};
use super::warden::Warden;
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
    /// The protected-resource metadata routes, whose documents are written from the
    /// whole table when the router is finished ([`into_axum`](Self::into_axum) …).
    metadata: Vec<MetadataEndpoint>,
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
            metadata: Vec::new(),
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
        self.metadata.extend(router.metadata);
        self
    }

    /// Merges the routes of `other`, as [`axum::Router::merge`].
    pub fn merge(mut self, other: Router<S>) -> Self {
        self.table.extend(other.table.into_rows());
        self.inner = self.inner.merge(other.inner);
        self.metadata.extend(other.metadata);
        self
    }

    /// Serves the OAuth 2.0 protected-resource metadata (RFC 9728) of `warden`'s
    /// [protected resource](crate::WardenBuilder::protected_resource), at its
    /// well-known path: `/.well-known/oauth-protected-resource`, then the path of the
    /// resource identifier. Does nothing when the warden has no protected resource, so an
    /// application can call it whether `WARDEN_RESOURCE` is set or not.
    ///
    /// The route is public and listed in the route table (handler
    /// `protected_resource_metadata`). It answers `GET` and `HEAD` with
    /// `application/json` and `Cache-Control: public, max-age=3600`; the document is
    /// written once, when the router is finished ([`into_axum`](Self::into_axum),
    /// [`into_parts`](Self::into_parts) or `.into()`), from the whole route table, so
    /// routes added after this call count too. It holds:
    ///
    /// | member | value |
    /// |---|---|
    /// | `resource` | the resource identifier, exactly as configured |
    /// | `authorization_servers` | the configured issuer ([`issuer`](crate::WardenBuilder::issuer), else [`oidc_issuer`](crate::WardenBuilder::oidc_issuer)); left out without one |
    /// | `scopes_supported` | every scope a route of the table requires, sorted, each once; left out without any |
    /// | `bearer_methods_supported` | `["header"]`: the guard reads bearer tokens from the `Authorization` header only; left out for a custom [`Authenticator`](crate::Authenticator) |
    ///
    /// `resource_signing_alg_values_supported` is left out: it names the algorithms a
    /// resource signs its responses with, and this crate signs none (the algorithms it
    /// verifies tokens with are the authorization server's, not the resource's).
    ///
    /// Call it on the router that is served at the root: under [`nest`](Self::nest) the
    /// route would get the prefix and no longer be at the well-known path. Like
    /// [`route`](Self::route), it panics when the router already has a route at that path.
    ///
    /// ```
    /// use axum_warden::{Warden, requires_scope};
    /// use axum_warden::routing::post;
    /// use tower::ServiceExt as _;
    ///
    /// #[requires_scope("mcp:tools")]
    /// async fn mcp() -> &'static str { "{}" }
    ///
    /// # tokio_test::block_on(async {
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .issuer("https://login.example.com")
    ///     .protected_resource("https://api.example.com/mcp")
    ///     .build()?;
    /// let router = axum_warden::Router::new()
    ///     .protected_resource_metadata(&warden)
    ///     .route("/mcp", post(mcp))
    ///     .with_state(warden);
    /// let app: axum::Router = router.into();
    ///
    /// let request = http::Request::get("/.well-known/oauth-protected-resource/mcp")
    ///     .body(axum::body::Body::empty())?;
    /// let response = app.oneshot(request).await?;
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    /// assert_eq!(
    ///     body,
    ///     r#"{"resource":"https://api.example.com/mcp","authorization_servers":["https://login.example.com"],"scopes_supported":["mcp:tools"],"bearer_methods_supported":["header"]}"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).expect("the example runs");
    /// ```
    pub fn protected_resource_metadata(mut self, warden: &Warden) -> Self {
        let Some(resource) = warden.protected_resource() else {
            return self;
        };
        let endpoint = MetadataEndpoint::new(resource.clone());
        let path = resource.metadata_path();
        self.table
            .extend([RouteRow::new::<MetadataRule>(RouteMethod::Method(Method::GET)).at(path)]);
        let serving = endpoint.clone();
        self.inner = self
            .inner
            .route(path, axum::routing::get(move || std::future::ready(serving.respond())));
        self.metadata.push(endpoint);
        self
    }

    /// Mounts the OpenID Connect Back-Channel Logout endpoint at `path` (the
    /// `backchannel_logout_uri` registered with the provider): `POST`, a form with one
    /// `logout_token`. A token that verifies with the keys of a trusted issuer, is
    /// addressed to a client of [`WardenBuilder::back_channel_logout`](crate::WardenBuilder::back_channel_logout)
    /// and passes the checks of the specification (§2.6: `iss`, `aud`, `iat`, `exp`,
    /// `jti`, the logout event, no `nonce`, `sid` or `sub`; `typ` `logout+jwt` or `JWT`)
    /// revokes its session, or without `sid` every token of its subject issued until then,
    /// in the warden's [`Revocations`](crate::Revocations): 200 with
    /// `Cache-Control: no-store`. Anything else is 400 with `{"error":"invalid_request",
    /// "error_description":…}` (§2.8), which names the rule that failed.
    ///
    /// A logout token that arrives twice revokes the same session twice, which changes
    /// nothing, so no replay cache is kept. The route is public and listed in the route
    /// table (handler `back_channel_logout`). Does nothing when the warden accepts no
    /// logout tokens, so an application can call it whether
    /// `WARDEN_BACKCHANNEL_LOGOUT_CLIENT_ID` is set or not.
    ///
    /// ```
    /// use axum_warden::{Revocations, Warden};
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .issuer("https://login.example.com")
    ///     .revocations(Revocations::in_memory())
    ///     .back_channel_logout("orders-web")
    ///     .build()?;
    /// let router: axum_warden::Router<Warden> = axum_warden::Router::new().back_channel_logout("/logout/backchannel", &warden);
    /// assert_eq!(router.route_table().rows()[0].handler().name, "back_channel_logout");
    /// # Ok::<(), axum_warden::ConfigError>(())
    /// ```
    pub fn back_channel_logout(mut self, path: &str, warden: &Warden) -> Self {
        if warden.logout_audiences().is_empty() {
            return self;
        }
        self.table
            .extend([RouteRow::new::<LogoutRule>(RouteMethod::Method(Method::POST)).at(path)]);
        let warden = warden.clone();
        self.inner = self.inner.route(
            path,
            axum::routing::post(move |request: Request| logout::handle(warden.clone(), request)),
        );
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
            metadata: self.metadata,
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
            metadata: self.metadata,
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
            metadata: self.metadata,
        }
    }

    /// Every route's access, sorted by path then method.
    #[must_use]
    pub fn route_table(&self) -> RouteTable {
        self.table.sorted()
    }

    /// The plain [`axum::Router`] this builder made; requests reach it directly.
    pub fn into_axum(self) -> axum::Router<S> {
        self.finish();
        self.inner
    }

    /// The axum router and the route table, for applications that keep both.
    pub fn into_parts(self) -> (axum::Router<S>, RouteTable) {
        self.finish();
        let table = self.table.sorted();
        (self.inner, table)
    }
}

impl<S> Router<S> {
    /// Writes the metadata documents from the whole table: the router is done.
    fn finish(&self) {
        for endpoint in &self.metadata {
            endpoint.finish(&self.table);
        }
    }
}

impl<S> From<Router<S>> for axum::Router<S> {
    fn from(router: Router<S>) -> Self {
        router.finish();
        router.inner
    }
}
