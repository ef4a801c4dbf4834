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
            CredentialLocation::Authorization => return None,
            CredentialLocation::Header(name) | CredentialLocation::Cookie(name) | CredentialLocation::Query(name) => {
                name
            }
        };
        (place.is_empty() || !place.chars().all(tchar))
            .then(|| format!("{place:?} is not a header, cookie or parameter name"))
    }
}

impl fmt::Display for CredentialLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Authorization => f.write_str("header Authorization"),
            Self::Header(name) => write!(f, "header {name}"),
            Self::Cookie(name) => write!(f, "cookie {name}"),
            Self::Query(name) => write!(f, "query {name}"),
        }
    }
}
