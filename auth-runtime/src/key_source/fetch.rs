//! Fetching a key set over HTTP: URL rules, the HTTP client, OpenID Connect discovery,
//! size-capped reads and `Cache-Control: max-age`.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use super::error::KeyFetchError;
use super::settings::{Locator, Settings};
use crate::algorithm::Algorithm;
use crate::defaults::MAX_KEY_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES;
use crate::token::keys::{self, KeySet, SkippedKey};

/// Parses a key-source URL: https, or http for loopback hosts (any host with `allow_http`).
///
/// # Errors
/// Why the URL cannot be a key source, for the configuration to report.
pub(crate) fn parse_url(value: &str, allow_http: bool) -> Result<Url, String> {
    let url = Url::parse(value.trim()).map_err(|e| format!("{value:?} is not a URL: {e}"))?;
    check_url(&url, allow_http)?;
    Ok(url)
}

fn check_url(url: &Url, allow_http: bool) -> Result<(), String> {
    let loopback = || {
        url.host_str().is_some_and(|host| {
            host == "localhost"
                || host.ends_with(".localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_http || loopback() => {}
        "http" => {
            return Err(format!(
                "{url} is plain http: keys must come over https (http is accepted for loopback hosts, or after WardenBuilder::allow_plain_http)"
            ));
        }
        other => return Err(format!("{url}: the scheme {other:?} is not https")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{url} has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL carries credentials; key sets are public documents".into());
    }
    if url.fragment().is_some() {
        return Err(format!("{url} has a fragment"));
    }
    Ok(())
}

/// The discovery URL of `issuer` (OpenID Connect Discovery §4: a trailing `/` is removed
/// before `/.well-known/openid-configuration` is appended).
///
/// # Errors
/// Why the issuer cannot be discovered, for the configuration to report.
pub(crate) fn discovery_url(issuer: &str, allow_http: bool) -> Result<Url, String> {
    let parsed = parse_url(issuer, allow_http)?;
    if parsed.query().is_some() {
        return Err(format!("{issuer:?}: an issuer has no query"));
    }
    let base = issuer.trim().trim_end_matches('/');
    parse_url(&format!("{base}/.well-known/openid-configuration"), allow_http)
}

/// A key set as fetched.
pub(super) struct Fetched {
    pub(super) keys: KeySet,
    /// The `keys` members of the document, to tell whether a refresh changed anything.
    pub(super) fingerprint: Vec<Value>,
    /// Keys left out, and why.
    pub(super) skipped: Vec<SkippedKey>,
    /// The `max-age` of the JWKS response.
    pub(super) max_age: Option<Duration>,
}

/// Fetches the key set of one locator.
pub(super) struct Fetcher {
    client: reqwest::Client,
    locator: Locator,
    algorithms: Vec<Algorithm>,
    /// Whether the application chose `algorithms` (else they are every asymmetric one).
    chosen: bool,
    allow_http: bool,
    timeout: Duration,
}

impl Fetcher {
    /// A fetcher with its HTTP client: rustls, the configured timeouts, at most 5
    /// redirects and none to a URL the key-source rules refuse.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no usable TLS trust store).
    pub(super) fn new(
        locator: Locator,
        (algorithms, chosen): (Vec<Algorithm>, bool),
        settings: &Settings,
    ) -> Result<Self, String> {
        let allow_http = settings.allow_http;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if let Err(reason) = check_url(attempt.url(), allow_http) {
                attempt.error(format!("redirected to {reason}"))
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(concat!("axum-warden/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(redirects)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", chain(&e)))?;
        Ok(Self {
            client,
            locator,
            algorithms,
            chosen,
            allow_http,
            timeout: settings.timeout,
        })
    }

    /// The configured URL: the JWKS, or the discovery document.
    pub(super) fn url(&self) -> &Url {
        match &self.locator {
            Locator::Jwks(url) | Locator::Discovery { url, .. } => url,
        }
    }

    /// Fetches the key set (after discovery, for an issuer). Not bounded in time as a
    /// whole: the caller puts the configured timeout around it.
    pub(super) async fn fetch(&self) -> Result<Fetched, KeyFetchError> {
        let jwks_url = match &self.locator {
            Locator::Jwks(url) => url.clone(),
            Locator::Discovery { issuer, url } => self.discover(issuer, url).await?,
        };
        let (body, max_age) = self.get(&jwks_url).await?;
        let document = |reason: String| KeyFetchError::Document {
            url: jwks_url.to_string(),
            reason,
        };
        let (keys, skipped) =
            keys::from_jwks(&body, &self.algorithms, self.chosen, keys::JwksOrigin::Remote).map_err(document)?;
        if keys.is_empty() {
            let skipped = skipped
                .iter()
                .map(|k| format!("{}: {}", k.kid.as_deref().unwrap_or("(no kid)"), k.reason))
                .collect::<Vec<_>>();
            return Err(KeyFetchError::NoUsableKey {
                url: jwks_url.to_string(),
                skipped: if skipped.is_empty() {
                    "the key set is empty".into()
                } else {
                    skipped.join("; ")
                },
            });
        }
        let fingerprint = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(mut doc)) => match doc.remove("keys") {
                Some(Value::Array(keys)) => keys,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        Ok(Fetched {
            keys,
            fingerprint,
            skipped,
            max_age,
        })
    }

    /// Reads the discovery document and returns its `jwks_uri`.
    async fn discover(&self, issuer: &str, url: &Url) -> Result<Url, KeyFetchError> {
        let (body, _) = self.get(url).await?;
        let document = |reason: String| KeyFetchError::Document {
            url: url.to_string(),
            reason,
        };
        let doc = crate::token::json::parse_object(&body)
            .map_err(|e| document(format!("not an OpenID provider configuration: {e:?}")))?;
        match doc.get("issuer") {
            Some(Value::String(found)) if found == issuer => {}
            Some(Value::String(found)) => {
                return Err(KeyFetchError::IssuerMismatch {
                    url: url.to_string(),
                    expected: issuer.to_owned(),
                    found: found.clone(),
                });
            }
            _ => return Err(document("no \"issuer\" string".into())),
        }
        let Some(Value::String(jwks_uri)) = doc.get("jwks_uri") else {
            return Err(document("no \"jwks_uri\" string".into()));
        };
        let jwks = Url::parse(jwks_uri).map_err(|e| document(format!("jwks_uri {jwks_uri:?} is not a URL: {e}")))?;
        check_url(&jwks, self.allow_http).map_err(|reason| document(format!("jwks_uri: {reason}")))?;
        Ok(jwks)
    }

    /// GETs a JSON document of at most [`MAX_DOCUMENT_BYTES`], with its `max-age`.
    async fn get(&self, url: &Url) -> Result<(Vec<u8>, Option<Duration>), KeyFetchError> {
        let failed = |e: &reqwest::Error| KeyFetchError::Request {
            url: url.to_string(),
            reason: if e.is_timeout() {
                format!("no answer within {:?}", self.timeout)
            } else {
                chain(e)
            },
        };
        let mut response = self
            .client
            .get(url.clone())
            .header(http::header::ACCEPT, "application/json, application/jwk-set+json")
            .send()
            .await
            .map_err(|e| failed(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(KeyFetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let max_age = response
            .headers()
            .get_all(http::header::CACHE_CONTROL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(max_age);
        let too_big = || KeyFetchError::Request {
            url: url.to_string(),
            reason: format!("the document is larger than {MAX_DOCUMENT_BYTES} bytes"),
        };
        let body = read_capped(&mut response, MAX_DOCUMENT_BYTES)
            .await
            .map_err(|e| failed(&e))?
            .ok_or_else(too_big)?;
        Ok((body, max_age))
    }
}

/// The body of `response` when it is at most `cap` bytes, whether its length is announced
/// by `Content-Length` or streamed; `None` as soon as it is known to be longer, before
/// the rest is read.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// The `max-age` of a `Cache-Control` value (`no-store`/`no-cache` count as 0).
fn max_age(value: &str) -> Option<Duration> {
    value.split(',').map(str::trim).find_map(|directive| {
        let (name, arg) = directive.split_once('=').unwrap_or((directive, ""));
        if name.eq_ignore_ascii_case("max-age") {
            arg.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs)
        } else if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            Some(Duration::ZERO)
        } else {
            None
        }
    })
}

/// An error and its sources, as one line.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read() {
        assert_eq!(max_age("public, max-age=300"), Some(Duration::from_secs(300)));
        assert_eq!(
            max_age("Max-Age=\"60\", must-revalidate"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }

    #[test]
    fn urls_must_be_https_except_on_loopback() {
        let ok = |u: &str| parse_url(u, false).map(|u| u.to_string());
        assert!(ok("https://idp.example/jwks").is_ok());
        assert!(ok("http://127.0.0.1:8080/jwks").is_ok());
        assert!(ok("http://[::1]:8080/jwks").is_ok());
        assert!(ok("http://localhost/jwks").is_ok());
        assert!(parse_url("http://keycloak:8080/jwks", true).is_ok());
        for bad in [
            "http://keycloak:8080/jwks",
            "ftp://idp.example/jwks",
            "idp.example/jwks",
            "https://user:pw@idp.example/jwks",
            "https://idp.example/jwks#x",
            "",
        ] {
            let err = ok(bad).expect_err(bad);
            assert!(!err.is_empty(), "{bad:?} is refused with a reason");
        }
    }

    #[test]
    fn discovery_urls_follow_the_spec() {
        let url = |i: &str| discovery_url(i, false).map(|u| u.to_string());
        assert_eq!(
            url("https://idp.example/realms/r/").expect("valid"),
            "https://idp.example/realms/r/.well-known/openid-configuration"
        );
        assert_eq!(
            url("https://idp.example").expect("valid"),
            "https://idp.example/.well-known/openid-configuration"
        );
        assert!(url("https://idp.example/?tenant=x").is_err());
    }

    /// A one-connection HTTP/1.1 server on loopback: reads the request head, writes `head`,
    /// then each chunk with `pause` before it, and stops at the first failed write.
    fn serve(head: String, chunks: Vec<Vec<u8>>, pause: Duration) -> Url {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}/jwks", listener.local_addr().expect("bound"));
        std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            for chunk in chunks {
                std::thread::sleep(pause);
                if stream.write_all(&chunk).and_then(|()| stream.flush()).is_err() {
                    return;
                }
            }
        });
        Url::parse(&url).expect("a URL")
    }

    /// `sizes` as HTTP/1.1 chunks of spaces (valid JSON whitespace), with the last chunk.
    fn chunked(sizes: impl IntoIterator<Item = usize>) -> Vec<Vec<u8>> {
        let mut chunks: Vec<Vec<u8>> = sizes
            .into_iter()
            .map(|n| {
                let mut chunk = format!("{n:x}\r\n").into_bytes();
                chunk.resize(chunk.len() + n, b' ');
                chunk.extend_from_slice(b"\r\n");
                chunk
            })
            .collect();
        chunks.push(b"0\r\n\r\n".to_vec());
        chunks
    }

    const CHUNKED: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    fn fetcher(url: &Url) -> Fetcher {
        crate::token::keys::install_crypto_provider();
        let settings = Settings::default();
        Fetcher::new(Locator::Jwks(url.clone()), (vec![Algorithm::RS256], true), &settings).expect("a client")
    }

    fn too_big(result: Result<(Vec<u8>, Option<Duration>), KeyFetchError>) -> bool {
        matches!(result, Err(KeyFetchError::Request { reason, .. }) if reason == "the document is larger than 1048576 bytes")
    }

    #[tokio::test]
    async fn a_declared_length_over_1_mib_is_refused_before_reading() {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            MAX_DOCUMENT_BYTES + 1
        );
        let url = serve(head, vec![vec![b' '; MAX_DOCUMENT_BYTES + 1]], Duration::ZERO);
        assert!(too_big(fetcher(&url).get(&url).await));
    }

    #[tokio::test]
    async fn a_streamed_body_over_1_mib_is_refused() {
        // No length announced: 16 chunks of 64 KiB make 1 MiB, one more byte is too many.
        let url = serve(
            CHUNKED.into(),
            chunked([1 << 16; 16].into_iter().chain([1])),
            Duration::ZERO,
        );
        assert!(too_big(fetcher(&url).get(&url).await));
    }

    #[tokio::test]
    async fn a_body_of_exactly_1_mib_is_read() {
        let url = serve(CHUNKED.into(), chunked([1 << 16; 16]), Duration::ZERO);
        let (body, _) = fetcher(&url).get(&url).await.expect("within the cap");
        assert_eq!(body.len(), MAX_DOCUMENT_BYTES);
    }

    #[tokio::test]
    async fn a_body_that_trickles_is_cut_at_the_fetch_timeout() {
        // Headers at once, then a byte every 50 ms for up to 10 s: each read makes
        // progress, so only a bound on the whole fetch ends it.
        let url = serve(CHUNKED.into(), chunked([1; 200]), Duration::from_millis(50));
        let warden = crate::Warden::builder()
            .jwks_url(url.as_str())
            .key_fetch_timeout(Duration::from_millis(300))
            .build()
            .expect("valid");
        let result = tokio::time::timeout(Duration::from_secs(5), warden.ready())
            .await
            .expect("the fetch timeout ends the fetch");
        assert!(
            matches!(&result, Err(KeyFetchError::Request { reason, .. }) if reason.starts_with("no answer within")),
            "{result:?}"
        );
    }

    #[test]
    fn error_chains_are_one_line() {
        let io = std::io::Error::other("refused");
        assert_eq!(chain(&io), "refused");
    }
}
