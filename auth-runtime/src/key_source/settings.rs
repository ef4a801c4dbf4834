//! Where a remote key set is found and how it is refreshed.

use std::time::Duration;

use reqwest::Url;

use crate::algorithm::Algorithm;
use crate::defaults::{
    DEFAULT_KEY_CONNECT_TIMEOUT, DEFAULT_KEY_FETCH_TIMEOUT, DEFAULT_KEY_REFRESH_BOUNDS, DEFAULT_KEY_REFRESH_INTERVAL,
    DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
};

/// The algorithms a fetched key set may bind when the application chose none: every
/// asymmetric one (symmetric keys are never taken from a published key set).
pub(crate) fn asymmetric_algorithms() -> Vec<Algorithm> {
    Algorithm::ALL.into_iter().filter(|alg| !alg.is_symmetric()).collect()
}

/// Where a remote key set is found.
#[derive(Debug, Clone)]
pub(crate) enum Locator {
    /// A JWKS document at this URL.
    Jwks(Url),
    /// OpenID Connect discovery: the JWKS named by the `jwks_uri` of the document at `url`.
    Discovery { issuer: String, url: Url },
}

/// How a remote key source refreshes.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) refresh: Duration,
    pub(crate) refresh_bounds: (Duration, Duration),
    pub(crate) unknown_kid_interval: Duration,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_http: bool,
}

impl Settings {
    /// When to refresh next after a success whose response said `max_age`.
    pub(crate) fn next_refresh(&self, max_age: Option<Duration>) -> Duration {
        let (min, max) = self.refresh_bounds;
        max_age.unwrap_or(self.refresh).clamp(min, max)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh: DEFAULT_KEY_REFRESH_INTERVAL,
            refresh_bounds: DEFAULT_KEY_REFRESH_BOUNDS,
            unknown_kid_interval: DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL,
            timeout: DEFAULT_KEY_FETCH_TIMEOUT,
            connect_timeout: DEFAULT_KEY_CONNECT_TIMEOUT,
            allow_http: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_clamped_to_the_bounds() {
        let settings = Settings::default();
        assert_eq!(settings.next_refresh(None), Duration::from_secs(300));
        assert_eq!(settings.next_refresh(Some(Duration::ZERO)), Duration::from_secs(60));
        assert_eq!(
            settings.next_refresh(Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(
            settings.next_refresh(Some(Duration::from_secs(7 * 24 * 3600))),
            Duration::from_secs(24 * 3600)
        );
    }

    #[test]
    fn fetched_sets_never_bind_symmetric_algorithms() {
        let algorithms = asymmetric_algorithms();
        assert_eq!(algorithms.len(), 9);
        assert!(algorithms.iter().all(|alg| !alg.is_symmetric()));
    }
}
