//! The `WWW-Authenticate: Bearer` challenge (RFC 6750 §3), built so that no input can
//! break the header or smuggle a parameter.

use std::fmt::Write as _;

use http::HeaderValue;

/// A `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
///
/// Every parameter is a quoted string restricted to the characters RFC 6750 allows in it;
/// anything else is dropped, so no input can break the header or smuggle a parameter.
/// Parameters are written in one order whatever the order of the calls: `realm`, `error`,
/// `error_description`, `scope`, `acr_values`, `max_age`, `algs`, `resource_metadata`.
///
/// ```
/// use axum_warden_runtime::Challenge;
///
/// let value = Challenge::new("api").error("insufficient_scope").scope(["orders:read"]).to_string();
/// assert_eq!(value, r#"Bearer realm="api", error="insufficient_scope", scope="orders:read""#);
///
/// let hostile = Challenge::new("api").error_description("x\", error=\"none\r\n").to_string();
/// assert_eq!(hostile, r#"Bearer realm="api", error_description="x, error=none""#);
///
/// let metadata = "https://api.example.com/.well-known/oauth-protected-resource";
/// let value = Challenge::new("api").error("invalid_token").resource_metadata(metadata).to_string();
/// assert_eq!(
///     value,
///     r#"Bearer realm="api", error="invalid_token", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource""#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Challenge {
    realm: String,
    error: Option<String>,
    error_description: Option<String>,
    scope: Option<String>,
    acr_values: Option<String>,
    max_age: Option<u64>,
    resource_metadata: Option<String>,
    /// `Some` for a `DPoP` challenge: its `algs` parameter.
    dpop_algs: Option<String>,
}

impl Challenge {
    /// A challenge for `realm`.
    pub fn new(realm: &str) -> Self {
        Self {
            realm: realm.to_owned(),
            ..Self::default()
        }
    }

    /// Sets the `error` code (`invalid_request`, `invalid_token`, `insufficient_scope`).
    pub fn error(mut self, code: &str) -> Self {
        self.error = Some(code.to_owned());
        self
    }

    /// Sets a human-readable `error_description`.
    pub fn error_description(mut self, text: &str) -> Self {
        self.error_description = Some(text.to_owned());
        self
    }

    /// Sets the `scope` parameter: the scopes that would grant access.
    pub fn scope<'a>(mut self, scopes: impl IntoIterator<Item = &'a str>) -> Self {
        self.scope = Some(space_separated(scopes));
        self
    }

    /// Sets the `acr_values` parameter (RFC 9470 §3): the authentication context classes
    /// the client should ask the authorization server for, in order of preference.
    ///
    /// ```
    /// use axum_warden_runtime::Challenge;
    ///
    /// let value = Challenge::new("api")
    ///     .error("insufficient_user_authentication")
    ///     .acr_values(["mfa"])
    ///     .max_age(300)
    ///     .to_string();
    /// assert_eq!(
    ///     value,
    ///     r#"Bearer realm="api", error="insufficient_user_authentication", acr_values="mfa", max_age="300""#
    /// );
    /// ```
    pub fn acr_values<'a>(mut self, values: impl IntoIterator<Item = &'a str>) -> Self {
        self.acr_values = Some(space_separated(values));
        self
    }

    /// Sets the `max_age` parameter (RFC 9470 §3): the longest time, in seconds, since the
    /// caller authenticated that the resource accepts.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Sets the `resource_metadata` parameter (RFC 9728 §5.1): the URL of the protected
    /// resource's metadata, where a client finds the authorization servers to ask for a
    /// token. Spaces, quotes, backslashes and characters outside visible ASCII are
    /// dropped, as no URL carries them.
    pub fn resource_metadata(mut self, url: &str) -> Self {
        self.resource_metadata = Some(url.to_owned());
        self
    }

    /// Makes this a `DPoP` challenge (RFC 9449 §7.1) whose `algs` parameter lists the
    /// proof algorithms the resource accepts.
    ///
    /// ```
    /// use axum_warden_runtime::Challenge;
    ///
    /// let value = Challenge::new("api").error("invalid_dpop_proof").dpop(["ES256", "PS256"]).to_string();
    /// assert_eq!(value, r#"DPoP realm="api", error="invalid_dpop_proof", algs="ES256 PS256""#);
    /// ```
    pub fn dpop<'a>(mut self, algs: impl IntoIterator<Item = &'a str>) -> Self {
        self.dpop_algs = Some(space_separated(algs));
        self
    }

    /// The header value. Never fails: every character outside the allowed sets was dropped.
    #[must_use]
    pub fn to_header_value(&self) -> HeaderValue {
        let text = self.to_string();
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.dpop_algs.is_some() { "DPoP" } else { "Bearer" };
        let mut out = String::from(scheme);
        let mut param = |name: &str, value: &str, allowed: fn(char) -> bool| {
            let sep = if out.len() == scheme.len() { " " } else { ", " };
            let _ = write!(out, "{sep}{name}=\"");
            out.extend(value.chars().filter(|&c| allowed(c)));
            out.push('"');
        };
        param("realm", &self.realm, is_description_char);
        if let Some(error) = &self.error {
            param("error", error, is_description_char);
        }
        if let Some(text) = &self.error_description {
            param("error_description", text, is_description_char);
        }
        if let Some(scope) = &self.scope {
            param("scope", scope, |c| c == ' ' || is_nqchar(c));
        }
        if let Some(values) = &self.acr_values {
            param("acr_values", values, |c| c == ' ' || is_nqchar(c));
        }
        if let Some(seconds) = self.max_age {
            param("max_age", &seconds.to_string(), |c| c.is_ascii_digit());
        }
        if let Some(algs) = &self.dpop_algs {
            param("algs", algs, |c| c == ' ' || is_nqchar(c));
        }
        if let Some(url) = &self.resource_metadata {
            param("resource_metadata", url, is_nqchar);
        }
        f.write_str(&out)
    }
}

/// `values` joined by single spaces, each without the characters a space-separated list
/// in a quoted parameter cannot carry (a scope-token's charset), empty ones dropped.
fn space_separated<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for value in values {
        let value: String = value.chars().filter(|&c| is_nqchar(c)).collect();
        if !value.is_empty() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&value);
        }
    }
    joined
}

/// `%x20-21 / %x23-5B / %x5D-7E` (RFC 6750 §3 for `error`, `error_description`, realm).
pub(crate) fn is_description_char(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

/// `%x21 / %x23-5B / %x5D-7E` (RFC 6749 §3.3 scope-token).
pub(crate) fn is_nqchar(c: char) -> bool {
    c != ' ' && is_description_char(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A minimal parser for `Bearer k="v", k="v"` that accepts only what RFC 6750 allows.
    fn parse(value: &str) -> Option<Vec<(String, String)>> {
        let rest = value.strip_prefix("Bearer ")?;
        let mut params = Vec::new();
        let mut rest = rest;
        loop {
            let eq = rest.find('=')?;
            let name = &rest[..eq];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let after = rest[eq + 1..].strip_prefix('"')?;
            let end = after.find('"')?;
            let val = &after[..end];
            if val.contains('\\') {
                return None;
            }
            params.push((name.to_owned(), val.to_owned()));
            rest = &after[end + 1..];
            if rest.is_empty() {
                return Some(params);
            }
            rest = rest.strip_prefix(", ")?;
        }
    }

    #[test]
    fn a_hostile_metadata_url_cannot_add_a_parameter() {
        let value = Challenge::new("api")
            .resource_metadata("https://a.example/\", error=\"none\"\r\n x")
            .to_string();
        assert_eq!(
            value,
            r#"Bearer realm="api", resource_metadata="https://a.example/,error=nonex""#
        );
        assert_eq!(parse(&value).map(|params| params.len()), Some(2));
    }

    proptest! {
        #[test]
        fn any_description_yields_a_parseable_challenge(
            desc in any::<String>(),
            scopes in proptest::collection::vec(any::<String>(), 0..4),
            acr in proptest::collection::vec(any::<String>(), 0..3),
            max_age in any::<u64>(),
            url in any::<String>(),
        ) {
            let challenge = Challenge::new("api")
                .error("invalid_token")
                .error_description(&desc)
                .scope(scopes.iter().map(String::as_str))
                .acr_values(acr.iter().map(String::as_str))
                .max_age(max_age)
                .resource_metadata(&url);
            let value = challenge.to_header_value();
            let text = value.to_str().expect("visible ASCII");
            let params = parse(text).expect("parses");
            prop_assert_eq!(params.len(), 7);
            prop_assert_eq!(&params[0], &("realm".to_owned(), "api".to_owned()));
            prop_assert_eq!(&params[1].1, "invalid_token");
            prop_assert!(params[2].1.chars().all(is_description_char));
            prop_assert!(params[3].1.chars().all(|c| c == ' ' || is_nqchar(c)));
            prop_assert!(!params[3].1.starts_with(' ') && !params[3].1.ends_with(' ') && !params[3].1.contains("  "));
            prop_assert!(params[4].1.chars().all(|c| c == ' ' || is_nqchar(c)));
            prop_assert!(!params[4].1.starts_with(' ') && !params[4].1.contains("  "));
            prop_assert_eq!(&params[5], &("max_age".to_owned(), max_age.to_string()));
            prop_assert_eq!(&params[6].0, "resource_metadata");
            prop_assert!(params[6].1.chars().all(is_nqchar));
        }
    }
}
