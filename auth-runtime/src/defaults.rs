//! The default and limiting values of every setting, in one place.
//!
//! Each constant says which builder method changes it (see
//! [`WardenBuilder`](crate::WardenBuilder) and its limits table).

use std::time::Duration;

/// Default cap on a bearer token's length, checked before any decoding
/// ([`max_token_bytes`](crate::WardenBuilder::max_token_bytes)).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Default clock-skew allowance for `exp` and `nbf` ([`leeway`](crate::WardenBuilder::leeway)).
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Largest leeway accepted: more would make expiry meaningless.
pub const MAX_LEEWAY: Duration = Duration::from_secs(600);
/// Default realm of the `WWW-Authenticate` challenge ([`realm`](crate::WardenBuilder::realm)).
pub const DEFAULT_REALM: &str = "api";
/// Minimum HMAC secret length: RFC 7518 §3.2 asks for a key at least as long as the hash
/// output; 32 bytes is that bound for HS256 and the least accepted for any HMAC algorithm.
pub const MIN_HMAC_SECRET_LEN: usize = 32;
/// Default capacity of the verified-token cache, in units of weight: 10 000 tokens of up
/// to 1 KiB, about 30 MB at most whatever the tokens
/// ([`token_cache_capacity`](crate::WardenBuilder::token_cache_capacity)).
pub const DEFAULT_TOKEN_CACHE_CAPACITY: u64 = 10_000;
/// Default time between two background refreshes of a remote key set when the JWKS
/// response has no `Cache-Control: max-age`
/// ([`key_refresh_interval`](crate::WardenBuilder::key_refresh_interval)).
pub const DEFAULT_KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// Default bounds of the background refresh interval: a `max-age` outside is clamped
/// ([`key_refresh_bounds`](crate::WardenBuilder::key_refresh_bounds)).
pub const DEFAULT_KEY_REFRESH_BOUNDS: (Duration, Duration) =
    (Duration::from_secs(60), Duration::from_secs(24 * 60 * 60));
/// Default least time between two fetches that requests with an unknown `kid` trigger
/// ([`unknown_kid_refresh_interval`](crate::WardenBuilder::unknown_kid_refresh_interval)).
pub const DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL: Duration = Duration::from_secs(10);
/// Default bound on one key-set fetch, discovery document and JWKS together
/// ([`key_fetch_timeout`](crate::WardenBuilder::key_fetch_timeout)).
pub const DEFAULT_KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bound on connecting to a remote key source
/// ([`key_connect_timeout`](crate::WardenBuilder::key_connect_timeout)).
pub const DEFAULT_KEY_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest JWKS or discovery document read, whether announced or streamed (fixed).
pub const MAX_KEY_DOCUMENT_BYTES: usize = 1024 * 1024;

/// How long session and subject revocations are kept: a day, the longest an entry of the
/// verified-token cache lives. See [`RevocationsBuilder::retention`](crate::RevocationsBuilder::retention).
pub const DEFAULT_REVOCATION_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// How long an instance keeps enforcing the revocations it knows after it lost the shared
/// store, before it answers 503. See
/// [`RevocationsBuilder::staleness_limit`](crate::RevocationsBuilder::staleness_limit).
pub const DEFAULT_STALENESS_LIMIT: Duration = Duration::from_secs(30);
/// Largest introspection answer read (fixed): an answer over it is a failure of the
/// authorization server (503), never an allow. Real answers take a few hundred bytes.
pub const MAX_INTROSPECTION_RESPONSE_BYTES: usize = 16 * 1024;
/// Default longest time an active introspection answer is used before the server is
/// asked again, whatever the token's `exp`
/// ([`introspection_cache`](crate::WardenBuilder::introspection_cache)): how long a token
/// revoked at the server may still be accepted.
pub const DEFAULT_INTROSPECTION_ACTIVE_FOR: Duration = Duration::from_secs(60);
/// Default time an inactive introspection answer is used
/// ([`introspection_cache`](crate::WardenBuilder::introspection_cache)).
pub const DEFAULT_INTROSPECTION_INACTIVE_FOR: Duration = Duration::from_secs(5);
/// How long a failed introspection (server unreachable, timeout, 5xx, malformed answer)
/// is remembered for its token (fixed), so that the requests queued behind it get 503 at
/// once instead of each waiting a full timeout in turn; also the `Retry-After` they get.
pub const INTROSPECTION_FAILURE_MEMORY: Duration = Duration::from_secs(1);
