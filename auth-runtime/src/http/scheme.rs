//! Authentication schemes side by side: what a custom authenticator that a warden accepts
//! beside its JWTs is called in challenges, and where its credential travels, for the
//! route table and the OpenAPI documents.

use std::fmt;

/// An authentication scheme a warden accepts beside JWT bearer tokens
/// ([`WardenBuilder::also_accept`](crate::WardenBuilder::also_accept)): its name, which
/// starts its `WWW-Authenticate` challenge (`ApiKey realm="api"`), and where its
/// credential travels.
///
/// ```
/// use axum_warden_runtime::{CredentialLocation, Scheme};
///
/// let keys = Scheme::header("ApiKey", "x-api-key");
/// assert_eq!(keys.name(), "ApiKey");
/// assert_eq!(keys.location(), &CredentialLocation::Header("x-api-key".into()));
/// assert_eq!(Scheme::authorization("Basic").location(), &CredentialLocation::Authorization);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    name: String,
    location: CredentialLocation,
}

/// Where a credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialLocation {
    /// The `Authorization` header, under the scheme's name (`Basic …`).
    Authorization,
    /// A header of its own (`X-Api-Key: …`), named here.
    Header(String),
    /// A cookie, named here.
    Cookie(String),
    /// A query parameter, named here.
    Query(String),
    /// A query parameter, named here, read on WebSocket upgrade requests only
    /// ([`WardenBuilder::websocket_query_token`](crate::WardenBuilder::websocket_query_token)).
    WebSocketQuery(String),
    /// The subprotocol after `bearer` in `Sec-WebSocket-Protocol`, on WebSocket upgrade
    /// requests only ([`WardenBuilder::websocket_protocol_token`](crate::WardenBuilder::websocket_protocol_token)).
    WebSocketProtocol,
}

impl CredentialLocation {
    /// The kind of place, as the route table's JSON names it: `header`, `cookie`,
    /// `query`, `websocket_query` or `websocket_protocol` (the `Authorization` header is a
    /// `header`).
    ///
    /// ```
    /// use axum_warden_runtime::CredentialLocation;
    ///
    /// let cookie = CredentialLocation::Cookie("session".into());
    /// assert_eq!((cookie.kind(), cookie.name()), ("cookie", "session"));
    /// assert_eq!(cookie.to_string(), "cookie session");
    /// let header = CredentialLocation::Authorization;
    /// assert_eq!((header.kind(), header.name()), ("header", "Authorization"));
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Authorization | Self::Header(_) => "header",
            Self::Cookie(_) => "cookie",
            Self::Query(_) => "query",
            Self::WebSocketQuery(_) => "websocket_query",
            Self::WebSocketProtocol => "websocket_protocol",
        }
    }

    /// The name of the header, cookie or parameter.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Authorization => "Authorization",
            Self::Header(name) | Self::Cookie(name) | Self::Query(name) | Self::WebSocketQuery(name) => name,
            Self::WebSocketProtocol => "Sec-WebSocket-Protocol",
        }
    }
}

impl Scheme {
    /// Credentials in the `Authorization` header under the HTTP authentication scheme
    /// `name` (`Basic`, `Digest`, …; not `Bearer`, which is the warden's own).
    #[must_use]
    pub fn authorization(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location: CredentialLocation::Authorization,
        }
    }

    /// Credentials in the header `header` (an API key in `X-Api-Key`, say); `name` starts
    /// the scheme's challenge.
    #[must_use]
    pub fn header(name: impl Into<String>, header: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location: CredentialLocation::Header(header.into()),
        }
    }

    /// Credentials in the cookie `cookie` (a session); `name` starts the scheme's challenge.
    #[must_use]
    pub fn cookie(name: impl Into<String>, cookie: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location: CredentialLocation::Cookie(cookie.into()),
        }
    }

    /// Credentials in the query parameter `param`; `name` starts the scheme's challenge.
    #[must_use]
    pub fn query(name: impl Into<String>, param: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location: CredentialLocation::Query(param.into()),
        }
    }

    /// The warden's own bearer tokens, carried in `location`.
    pub(crate) fn bearer(location: CredentialLocation) -> Self {
        Self {
            name: "Bearer".to_owned(),
            location,
        }
    }

    /// The name of this scheme's security-scheme component in an OpenAPI document, beside
    /// the bearer scheme called `bearer`: the scheme's own name, or for the warden's
    /// JWTs in a cookie or a WebSocket query `<bearer>Cookie` / `<bearer>WebSocketQuery`.
    /// `None` for what needs no component of its own (the JWTs in the `Authorization`
    /// header) or what OpenAPI cannot describe (a token in a WebSocket subprotocol).
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn component_name(&self, bearer: &str) -> Option<String> {
        if self.name != "Bearer" {
            return Some(self.name.clone());
        }
        match self.location {
            CredentialLocation::Cookie(_) => Some(format!("{bearer}Cookie")),
            CredentialLocation::WebSocketQuery(_) => Some(format!("{bearer}WebSocketQuery")),
            _ => None,
        }
    }

    /// Adds to `documented` each of `credentials` that has a component of its own (see
    /// [`component_name`](Self::component_name)) under that name, once: what both OpenAPI
    /// writers document beside the bearer scheme called `bearer`.
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn document_beside(
        bearer: &str,
        credentials: impl IntoIterator<Item = Self>,
        documented: &mut Vec<(String, Self)>,
    ) {
        for scheme in credentials {
            if let Some(name) = scheme.component_name(bearer)
                && !documented.iter().any(|(other, _)| *other == name)
            {
                documented.push((name, scheme));
            }
        }
    }

    /// The names of the security schemes a guarded operation lists as alternatives: the
    /// bearer scheme, then each one documented beside it.
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn security_names<'a>(bearer: &'a str, documented: &'a [(String, Self)]) -> Vec<&'a str> {
        std::iter::once(bearer)
            .chain(documented.iter().map(|(name, _)| name.as_str()))
            .collect()
    }

    /// [`openapi_component`](Self::openapi_component) read into a writer's own type.
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn openapi_component_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(self.openapi_component()).ok()
    }

    /// This scheme as an OpenAPI Security Scheme Object, for both writers to read into
    /// their own types: `{"type": "http", "scheme": "basic"}` in the `Authorization`
    /// header, `{"type": "apiKey", "in": …, "name": …}` elsewhere.
    #[cfg(any(feature = "utoipa", feature = "aide"))]
    pub(crate) fn openapi_component(&self) -> serde_json::Value {
        let described = |kind: &str, name: &str, what: String| serde_json::json!({"type": "apiKey", "in": kind, "name": name, "description": what});
        let bearer = self.name == "Bearer";
        match &self.location {
            CredentialLocation::Authorization | CredentialLocation::WebSocketProtocol => serde_json::json!({
                "type": "http",
                "scheme": self.name.to_ascii_lowercase(),
                "description": format!("Credentials in `Authorization: {} …`.", self.name),
            }),
            CredentialLocation::Header(name) => described("header", name, format!("The `{}` scheme's credential.", self.name)),
            CredentialLocation::Cookie(name) if bearer => described(
                "cookie",
                name,
                "A JWT access token in a cookie; unsafe methods need `Sec-Fetch-Site: same-origin` or a trusted `Origin`.".into(),
            ),
            CredentialLocation::Cookie(name) => described("cookie", name, format!("The `{}` scheme's credential.", self.name)),
            CredentialLocation::WebSocketQuery(name) => described(
                "query",
                name,
                "A JWT access token in the query of a WebSocket upgrade request only.".into(),
            ),
            CredentialLocation::Query(name) => described("query", name, format!("The `{}` scheme's credential.", self.name)),
        }
    }

    /// The scheme's name, as its challenge starts.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the scheme's credential travels.
    #[must_use]
    pub fn location(&self) -> &CredentialLocation {
        &self.location
    }

    /// Why this scheme cannot be accepted, if it cannot: its name must be an HTTP token
    /// (RFC 9110 §5.6.2) other than `Bearer`, and the name of its header, cookie or
    /// parameter non-empty visible ASCII.
    pub(crate) fn problem(&self) -> Option<String> {
        let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if self.name.is_empty() || !self.name.chars().all(tchar) {
            return Some(format!(
                "{:?} is not an authentication scheme name: letters, digits and `-`, e.g. `ApiKey`",
                self.name
            ));
        }
        if self.name.eq_ignore_ascii_case("bearer") {
            return Some(
                "`Bearer` is the scheme of the warden's JWTs; name this one after its credential, e.g. `ApiKey`".into(),
            );
        }
        let place = match &self.location {
            CredentialLocation::Authorization | CredentialLocation::WebSocketProtocol => return None,
            CredentialLocation::Header(name)
            | CredentialLocation::Cookie(name)
            | CredentialLocation::Query(name)
            | CredentialLocation::WebSocketQuery(name) => name,
        };
        (place.is_empty() || !place.chars().all(tchar))
            .then(|| format!("{place:?} is not a header, cookie or parameter name"))
    }
}

/// `header Authorization`, `cookie session`, `query key`, `WebSocket query access_token`,
/// `WebSocket subprotocol`: how the route table's Markdown names a place.
impl fmt::Display for CredentialLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Authorization => f.write_str("header Authorization"),
            Self::Header(name) => write!(f, "header {name}"),
            Self::Cookie(name) => write!(f, "cookie {name}"),
            Self::Query(name) => write!(f, "query {name}"),
            Self::WebSocketQuery(name) => write!(f, "WebSocket query {name}"),
            Self::WebSocketProtocol => f.write_str("WebSocket subprotocol"),
        }
    }
}

/// `{"scheme": "ApiKey", "in": "header", "name": "x-api-key"}`, as the route table's JSON
/// lists a route's credentials.
impl serde::Serialize for Scheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut object = serializer.serialize_struct("Scheme", 3)?;
        object.serialize_field("scheme", &self.name)?;
        object.serialize_field("in", self.location.kind())?;
        object.serialize_field("name", self.location.name())?;
        object.end()
    }
}
