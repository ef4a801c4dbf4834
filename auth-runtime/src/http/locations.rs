//! The places besides the `Authorization` header where a warden looks for a JWT, when the
//! application opts in ([`WardenBuilder::token_cookie`](crate::WardenBuilder::token_cookie),
//! [`websocket_query_token`](crate::WardenBuilder::websocket_query_token),
//! [`websocket_protocol_token`](crate::WardenBuilder::websocket_protocol_token)).
//!
//! A warden without any of them never gets here: the header-only path reads one header
//! and parses no cookie, no query and no `Upgrade` header.

use http::request::Parts;

use super::credentials::{self, Candidate};
use crate::error::AuthError;

/// The opt-in places of a warden.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locations {
    /// The cookie that may carry the token, and the origins trusted to send it on an
    /// unsafe request.
    pub(crate) cookie: Option<TokenCookie>,
    /// The query parameter that may carry the token of a WebSocket upgrade.
    pub(crate) query: Option<String>,
    /// Whether a WebSocket upgrade may offer the token as a subprotocol after `bearer`.
    pub(crate) protocol: bool,
}

/// A cookie that carries the token.
#[derive(Debug, Clone)]
pub(crate) struct TokenCookie {
    pub(crate) name: String,
    pub(crate) origins: Vec<String>,
}

/// Where a credential was found.
enum Place<'a> {
    Header(Candidate<'a>),
    Cookie(&'a str, &'a TokenCookie),
    Url(&'a str),
}

impl Locations {
    /// Whether any place besides the header is configured.
    pub(crate) fn any(&self) -> bool {
        self.cookie.is_some() || self.query.is_some() || self.protocol
    }

    /// The one credential of the request, its length checked, from whichever configured
    /// place holds it. Presence counts: a token in two places is a 400 whether or not the
    /// cookie would pass the cross-site rule, so a client never learns which one won.
    pub(crate) fn candidate<'a>(&'a self, parts: &'a Parts, max_len: usize) -> Result<Candidate<'a>, AuthError> {
        let header = match credentials::bearer_candidate(&parts.headers, max_len) {
            Ok(candidate) => Some(Place::Header(candidate)),
            Err(AuthError::MissingCredentials) => None,
            Err(error) => return Err(error),
        };
        let cookie = match &self.cookie {
            Some(cookie) => {
                credentials::cookie(&parts.headers, &cookie.name)?.map(|value| Place::Cookie(value, cookie))
            }
            None => None,
        };
        let upgrade = (self.query.is_some() || self.protocol) && credentials::is_websocket_upgrade(parts);
        let query = match &self.query {
            Some(name) if upgrade => credentials::query_param(&parts.uri, name)?.map(Place::Url),
            _ => None,
        };
        let protocol = if self.protocol && upgrade {
            credentials::websocket_protocol_token(&parts.headers)?.map(Place::Url)
        } else {
            None
        };
        match credentials::single([header, cookie, query, protocol])? {
            Place::Header(candidate) => Ok(candidate),
            Place::Cookie(value, cookie) => {
                if credentials::cookie_allowed(parts, &cookie.origins) {
                    Candidate::sized(value, max_len)
                } else {
                    // Not a credential at all on this request: a page of another site
                    // may have sent it, as a `SameSite=Strict` cookie would not be sent.
                    tracing::debug!(
                        target: "axum_warden",
                        method = %parts.method,
                        path = parts.uri.path(),
                        "token cookie ignored: an unsafe request from another origin"
                    );
                    Err(AuthError::MissingCredentials)
                }
            }
            Place::Url(value) => Candidate::sized(value, max_len),
        }
    }
}
