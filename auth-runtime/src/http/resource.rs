//! OAuth 2.0 protected-resource metadata (RFC 9728): the resource identifier as
//! configured, the URL its metadata is served at, and the document served there.
//!
//! Every member of the document is something the crate enforces or was told: the
//! identifier and the issuer come from configuration, the scopes from the route table,
//! the bearer methods from where the guard reads credentials. `resource_signing_alg_values_supported`
//! is left out: it lists the algorithms a resource signs its own responses with, and the
//! crate signs none (the algorithms it verifies tokens with belong to the authorization
//! server's metadata, not to this document).

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::HeaderValue;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

use super::table::RouteTable;
use crate::requirement::{HandlerInfo, Open, Requirement, RouteRule};

/// The well-known URI suffix of protected-resource metadata (RFC 9728 §3).
const WELL_KNOWN_PATH: &str = "/.well-known/oauth-protected-resource";

/// A protected resource as configured with
/// [`WardenBuilder::protected_resource`](crate::WardenBuilder::protected_resource): its
/// identifier, where its metadata lives, and the authorization server that issues its
/// tokens.
///
/// ```
/// use axum_warden_runtime::Warden;
///
/// let warden = Warden::builder()
///     .hmac_secret(vec![7; 32])
///     .issuer("https://login.example.com")
///     .protected_resource("https://api.example.com/v1")
///     .build()?;
/// let resource = warden.protected_resource().expect("configured");
/// assert_eq!(resource.identifier(), "https://api.example.com/v1");
/// assert_eq!(resource.metadata_path(), "/.well-known/oauth-protected-resource/v1");
/// assert_eq!(
///     resource.metadata_url(),
///     "https://api.example.com/.well-known/oauth-protected-resource/v1"
/// );
/// assert_eq!(resource.authorization_servers(), ["https://login.example.com"]);
/// # Ok::<(), axum_warden_runtime::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedResource {
    identifier: String,
    metadata_path: String,
    metadata_url: String,
    authorization_servers: Vec<String>,
    bearer_methods: &'static [&'static str],
}

impl ProtectedResource {
    /// Checks `identifier` against RFC 9728 §1.2 and derives the metadata URL (§3.1).
    ///
    /// `reads_bearer_header`: whether the guard reads bearer tokens from the
    /// `Authorization` header (a custom authenticator reads what it likes, which the
    /// document cannot name).
    pub(crate) fn new(
        identifier: &str,
        authorization_servers: Vec<String>,
        reads_bearer_header: bool,
    ) -> Result<Self, String> {
        let (scheme, authority, path) = split(identifier)?;
        Ok(Self {
            identifier: identifier.to_owned(),
            metadata_path: metadata_path(path),
            metadata_url: format!("{scheme}://{authority}{}", metadata_path(path)),
            authorization_servers,
            bearer_methods: if reads_bearer_header { &["header"] } else { &[] },
        })
    }

    /// The resource identifier, exactly as configured: the `resource` of the document.
    #[must_use]
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The path the metadata is served at: `/.well-known/oauth-protected-resource`, then the path of the
    /// identifier unless that is empty or `/` (RFC 9728 §3.1).
    #[must_use]
    pub fn metadata_path(&self) -> &str {
        &self.metadata_path
    }

    /// The URL of the metadata: the identifier's scheme and authority, then
    /// [`metadata_path`](Self::metadata_path). Every 401 challenge names it in
    /// `resource_metadata` (RFC 9728 §5.1).
    #[must_use]
    pub fn metadata_url(&self) -> &str {
        &self.metadata_url
    }

    /// The issuers of the authorization servers the document names: each trusted
    /// issuer's ([`WardenBuilder::issuer`](crate::WardenBuilder::issuer), else
    /// [`WardenBuilder::oidc_issuer`](crate::WardenBuilder::oidc_issuer), then those of
    /// [`WardenBuilder::trust`](crate::WardenBuilder::trust)), or none.
    #[must_use]
    pub fn authorization_servers(&self) -> &[String] {
        &self.authorization_servers
    }

    /// The metadata document of this resource, with the scopes `table` names.
    ///
    /// [`Router::protected_resource_metadata`](crate::Router::protected_resource_metadata)
    /// serves it; this is for applications that serve it some other way.
    ///
    /// ```
    /// use axum_warden_runtime::{Router, Warden, routing::get};
    /// # use axum_warden_runtime::__private::{HandlerInfo, Protected, RouteRule};
    /// # use axum_warden_runtime::{Guard, Match, Requirement};
    /// # struct Orders;
    /// # impl RouteRule for Orders {
    /// #     type Kind = Protected;
    /// #     const REQUIREMENT: Requirement = Requirement::Scopes { mode: Match::Any, names: &["orders:read"] };
    /// #     const HANDLER: HandlerInfo = HandlerInfo { name: "orders", module: "", file: "", line: 0 };
    /// # }
    /// # async fn orders(_: Guard<Orders>) {}
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .protected_resource("https://api.example.com")
    ///     .build()?;
    /// let router: Router<Warden> = Router::new().route("/orders", get(orders));
    /// let resource = warden.protected_resource().expect("configured");
    /// let document = resource.metadata(&router.route_table());
    /// assert_eq!(
    ///     serde_json::to_string(&document).expect("serializes"),
    ///     r#"{"resource":"https://api.example.com","scopes_supported":["orders:read"],"bearer_methods_supported":["header"]}"#
    /// );
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn metadata(&self, table: &RouteTable) -> ResourceMetadata {
        let mut scopes: Vec<String> = table
            .rows()
            .iter()
            .filter_map(|row| row.requirement().scope_names())
            .flat_map(|(_, names)| names.iter().map(|&name| name.to_owned()))
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        ResourceMetadata {
            resource: self.identifier.clone(),
            authorization_servers: self.authorization_servers.clone(),
            scopes_supported: scopes,
            bearer_methods_supported: self.bearer_methods.iter().map(|&m| m.to_owned()).collect(),
        }
    }
}

/// An RFC 9728 §2 protected-resource metadata document, as
/// [`ProtectedResource::metadata`] builds it and
/// [`Router::protected_resource_metadata`](crate::Router::protected_resource_metadata)
/// serves it.
///
/// Only the members the crate can back are written; an empty list is left out rather
/// than written as `[]`, which RFC 9728 reads as "none supported".
/// `resource_signing_alg_values_supported` is never written: it names algorithms a
/// resource signs its responses with, and the crate signs none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResourceMetadata {
    /// The resource identifier, exactly as configured.
    pub resource: String,
    /// The issuer identifiers of the authorization servers that issue tokens for the
    /// resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_servers: Vec<String>,
    /// Every scope a route requires, sorted, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// How a bearer token may be sent: `header` (the `Authorization` header) when the
    /// warden verifies bearer tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bearer_methods_supported: Vec<String>,
}

/// The metadata route of a router: the resource, and the document it serves, written
/// once when the router is finished, from its whole route table.
#[derive(Debug, Clone)]
pub(crate) struct MetadataEndpoint {
    resource: ProtectedResource,
    body: Arc<OnceLock<Bytes>>,
}

impl MetadataEndpoint {
    pub(crate) fn new(resource: ProtectedResource) -> Self {
        Self {
            resource,
            body: Arc::new(OnceLock::new()),
        }
    }

    /// Writes the document from `table`, the finished router's. Only the first call
    /// writes: a router is finished once, and its clones share the document.
    pub(crate) fn finish(&self, table: &RouteTable) {
        self.body.get_or_init(|| self.render(table));
    }

    /// The answer to a `GET` (axum drops the body for `HEAD`).
    pub(crate) fn respond(&self) -> Response {
        // A request reaches the route only through a router that was finished, so the
        // document is written; the empty table is a fallback that keeps this total.
        let body = self.body.get_or_init(|| self.render(&RouteTable::default()));
        (
            [
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                // The document changes only when the application is deployed again.
                (CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            ],
            body.clone(),
        )
            .into_response()
    }

    fn render(&self, table: &RouteTable) -> Bytes {
        // Strings and lists of strings always serialize; the default only keeps this total.
        serde_json::to_vec(&self.resource.metadata(table))
            .unwrap_or_default()
            .into()
    }
}

/// The access rule of the metadata route, for the route table: public, since a client
/// reads the document before it holds a token.
pub(crate) struct MetadataRule;

impl RouteRule for MetadataRule {
    type Kind = Open;
    const REQUIREMENT: Requirement = Requirement::Public;
    const HANDLER: HandlerInfo = HandlerInfo {
        name: "protected_resource_metadata",
        // Listed under the method that mounts it, not under this private module.
        module: "axum_warden::Router",
        file: file!(),
        line: line!(),
    };
}

/// The scheme, authority and path of a resource identifier, which must be an absolute
/// `https` URL (`http` for loopback hosts) without query, fragment or user information,
/// made only of characters a URI may carry.
fn split(identifier: &str) -> Result<(&str, &str, &str), String> {
    // Checked first, so that nothing below can see a character that could break the
    // `resource_metadata` parameter of a challenge or the route it is served at.
    if let Some(c) = identifier.chars().find(|&c| !is_uri_char(c)) {
        return Err(format!(
            "{identifier:?} has {c:?}, which a URL cannot carry (percent-encode it)"
        ));
    }
    if identifier.contains('#') {
        return Err(format!(
            "{identifier:?} has a fragment; a resource identifier has none (RFC 9728 §1.2)"
        ));
    }
    if identifier.contains('?') {
        return Err(format!(
            "{identifier:?} has a query; RFC 9728 §1.2 recommends none, and its metadata URL would have to carry it"
        ));
    }
    for (at, _) in identifier.match_indices('%') {
        let escape = identifier.as_bytes().get(at + 1..at + 3);
        if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            return Err(format!("{identifier:?} has a '%' that is not a percent-encoding"));
        }
    }
    let Some((scheme, rest)) = identifier.split_once("://") else {
        return Err(format!(
            "{identifier:?} is not an absolute URL like https://api.example.com"
        ));
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |slash| rest.split_at(slash));
    if authority.contains('@') {
        return Err(format!(
            "{identifier:?} carries user information; a resource identifier names a host"
        ));
    }
    let host = authority
        .parse::<http::uri::Authority>()
        .map_err(|e| format!("{identifier:?} has no valid host: {e}"))?
        .host()
        .to_owned();
    if host.is_empty() {
        return Err(format!("{identifier:?} has no host"));
    }
    // axum 0.8 refuses (panics on) such route segments, which its 0.7 read as captures.
    if path.split('/').any(|segment| segment.starts_with([':', '*'])) {
        return Err(format!(
            "{identifier:?} has a path segment starting with ':' or '*', which axum cannot route (percent-encode it: %3A, %2A)"
        ));
    }
    if scheme.eq_ignore_ascii_case("https") || (scheme.eq_ignore_ascii_case("http") && is_loopback(&host)) {
        Ok((scheme, authority, path))
    } else if scheme.eq_ignore_ascii_case("http") {
        Err(format!(
            "{identifier:?} is plain http: a resource identifier is https (http is accepted for loopback hosts)"
        ))
    } else {
        Err(format!("{identifier:?}: the scheme {scheme:?} is not https"))
    }
}

/// The path of the metadata of a resource whose identifier has `path`.
fn metadata_path(path: &str) -> String {
    match path {
        "" | "/" => WELL_KNOWN_PATH.to_owned(),
        path => format!("{WELL_KNOWN_PATH}{path}"),
    }
}

/// `localhost`, a name under `.localhost`, or a loopback address.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The characters of RFC 3986: unreserved, reserved, and `%` of a percent-encoding.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(identifier: &str) -> Result<ProtectedResource, String> {
        ProtectedResource::new(identifier, Vec::new(), true)
    }

    #[test]
    fn the_metadata_url_inserts_the_well_known_suffix_before_the_path() {
        for (identifier, url) in [
            (
                "https://api.example.com",
                "https://api.example.com/.well-known/oauth-protected-resource",
            ),
            (
                "https://api.example.com/",
                "https://api.example.com/.well-known/oauth-protected-resource",
            ),
            (
                "https://api.example.com/v1",
                "https://api.example.com/.well-known/oauth-protected-resource/v1",
            ),
            (
                "https://api.example.com:8443/a/b%20c",
                "https://api.example.com:8443/.well-known/oauth-protected-resource/a/b%20c",
            ),
            (
                "http://127.0.0.1:3000/mcp",
                "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp",
            ),
            ("http://[::1]/", "http://[::1]/.well-known/oauth-protected-resource"),
            (
                "http://localhost:8080",
                "http://localhost:8080/.well-known/oauth-protected-resource",
            ),
        ] {
            let resource = resource(identifier).expect(identifier);
            assert_eq!(resource.metadata_url(), url);
            assert_eq!(resource.identifier(), identifier);
            assert!(url.ends_with(resource.metadata_path()), "{identifier}");
        }
    }

    #[test]
    fn identifiers_that_are_not_https_urls_without_query_or_fragment_are_refused() {
        for (identifier, says) in [
            ("http://api.example.com", "plain http"),
            ("ftp://api.example.com", "not https"),
            ("api.example.com", "not an absolute URL"),
            ("https://api.example.com/#top", "fragment"),
            ("https://api.example.com/?tenant=a", "query"),
            ("https://user@api.example.com", "user information"),
            ("https:///path", "no valid host"),
            ("https://api.example.com/a b", "which a URL cannot carry"),
            ("https://api.example.com/\"", "which a URL cannot carry"),
            ("https://api.example.com/\r\nx", "which a URL cannot carry"),
            ("https://api.example.com/é", "which a URL cannot carry"),
            ("https://api.example.com/{id}", "which a URL cannot carry"),
            ("https://api.example.com/%zz", "percent-encoding"),
            ("https://api.example.com/%41%2", "percent-encoding"),
            ("https://api.example.com/:v1", "axum cannot route"),
            ("https://api.example.com/v1/*", "axum cannot route"),
            (" https://api.example.com", "which a URL cannot carry"),
            ("", "not an absolute URL"),
        ] {
            let err = resource(identifier).expect_err(identifier);
            assert!(err.contains(says), "{identifier:?}: {err}");
        }
    }
}
