//! The verified-token cache: a client that reuses its token pays a lookup, not a signature
//! check.
//!
//! Entries are keyed by the full token string (equal hashes never alias two tokens) and
//! hold the verified [`Identity`] (one reference count to clone on a hit) beside the time
//! claims. Every hit checks them again with [`TimeClaims::check`], the verifier's own
//! check, and compares the key-set
//! generation the token was verified under with the current one, so neither expiry, a
//! clock step nor a key rotation racing with an insert can serve a token the verifier
//! would refuse; an entry that fails these checks is removed on the spot. Only successful
//! verifications are inserted.
//!
//! The store is `quick_cache` (S3-FIFO eviction, aHash with a random seed): a hit and an
//! insert each cost about as much as a concurrent hash-map access, which the performance
//! budget needs (see `benches/README.md`); time-based expiry is not needed from it because
//! of the checks above.
//!
//! Memory is bounded by weight, not by count: an entry weighs one per started KiB of its
//! token and one more per 64 JSON values in its claims ([`TokenWeight`]). The identity is
//! parsed from the token, so an entry's size follows its token's length, and each parsed
//! value adds a slot of its own (a claim of two-byte array items takes 16 times its JSON
//! text). `benches/memory.rs` measures 1.9 to 2.7 KB per unit of weight whatever the
//! tokens, so a cache of capacity `n` holds at most about `n` × 3 KB: `n` ordinary
//! tokens, or `n` / 8 tokens at the default size cap.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};

use crate::identity::Identity;
use crate::token::claims::TimeClaims;
use crate::token::json::count_values;

/// Longest time an entry is used, whatever the token's `exp`: a long-lived token is then
/// verified again once a day, which costs one signature check.
const MAX_ENTRY_LIFETIME_SECS: f64 = 24.0 * 60.0 * 60.0;

/// Counters of the token caches, from [`Warden::cache_stats`](crate::Warden::cache_stats):
/// the verified-token cache and, with an introspection endpoint, the cache of its answers.
///
/// A hit is a bearer token answered from a cache; a miss is one that went through full
/// verification (whether it then passed or not), or that the introspection endpoint was
/// asked about. A warden without a cache (custom authenticator, or capacity 0) counts
/// neither.
///
/// ```
/// # tokio_test::block_on(async {
/// use axum_warden_runtime::Warden;
///
/// let secret = b"0123456789abcdef0123456789abcdef";
/// let warden = Warden::builder().hmac_secret(secret.to_vec()).build()?;
/// assert_eq!(warden.cache_stats().hits, 0);
/// # Ok::<(), axum_warden_runtime::ConfigError>(())
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Tokens answered from the cache.
    pub hits: u64,
    /// Tokens that were verified in full.
    pub misses: u64,
    /// Tokens held now (approximate while the cache is busy).
    pub entries: u64,
}

/// One verified token.
#[derive(Clone)]
struct Entry {
    identity: Identity,
    time: TimeClaims,
    /// The trusted issuer that verified the token (its index in the verifier): the
    /// generation and the leeway of a hit are that issuer's.
    issuer: usize,
    /// The generation of the key set that verified the token.
    generation: u64,
    /// When the entry stops being used (seconds since the Unix epoch): `exp` plus the
    /// leeway, at most a day after the insert.
    until: f64,
    /// Its [`TokenWeight`], computed once: the cache asks for it again at eviction.
    weight: u64,
}

/// The weight of a cached token: one per started KiB of its text, so a token of up to
/// 1 KiB weighs 1 and one at the default size cap (8 KiB) weighs 8; a verified token
/// weighs one more per 64 JSON values in its claims.
///
/// The caches of verified tokens and of introspection answers both hold a token and what
/// was learned from it, whose size grows with the token's; weighing by length keeps the
/// memory a capacity stands for about the same whatever tokens fill the cache. The count
/// of values covers the claims whose parsed form is many times their text (each value
/// is a 32-byte slot, `0,` is two bytes of JSON). An introspection answer's identity is
/// made from the server's answer, whose size is capped on its own.
#[derive(Clone, Copy)]
pub(crate) struct TokenWeight;

impl TokenWeight {
    /// JSON values per unit of weight: 64 slots of 32 bytes, 2 KiB.
    const VALUES_PER_UNIT: usize = 64;

    /// The weight of a token of `len` bytes.
    pub(crate) fn of(len: usize) -> u64 {
        u64::try_from(len.div_ceil(1024).max(1)).unwrap_or(u64::MAX)
    }

    /// The weight of a verified token of `len` bytes whose claims hold `values` JSON values.
    fn of_verified(len: usize, values: usize) -> u64 {
        let values = u64::try_from(values / Self::VALUES_PER_UNIT).unwrap_or(u64::MAX);
        Self::of(len).saturating_add(values)
    }

    /// A cache of at most `capacity` in weight: the verified tokens' and, with an
    /// introspection endpoint, its answers'. The item estimate is the capacity, the count
    /// of tokens of weight 1 that fill it.
    pub(crate) fn cache<K, V>(capacity: u64) -> Cache<K, V, Self>
    where
        K: Eq + Hash,
        V: Clone,
        Self: Weighter<K, V>,
    {
        let items = usize::try_from(capacity).unwrap_or(usize::MAX);
        Cache::with_weighter(items, capacity, Self)
    }
}

#[cfg(feature = "introspection")]
impl<V> Weighter<String, V> for TokenWeight {
    fn weight(&self, token: &String, _: &V) -> u64 {
        Self::of(token.len())
    }
}

impl Weighter<TokenKey, Entry> for TokenWeight {
    fn weight(&self, _: &TokenKey, entry: &Entry) -> u64 {
        entry.weight
    }
}

/// How many bytes at the end of a token its hash in the cache reads.
///
/// A JWT ends with its signature, at least 43 characters of base64url: bytes that differ
/// between any two tokens an issuer signs and that nobody without the key can choose.
/// Hashing them alone costs a fixed few instructions where hashing the whole token (a
/// kilobyte for RS256 with a few claims) took several per cent of a cache hit. The hash
/// only spreads the entries: a lookup still compares the full token, so tokens that share
/// their last bytes (any number of forged ones can) share a hash chain, never an entry,
/// and only verified tokens are inserted, so they cannot lengthen the chains either.
const HASHED_TAIL: usize = 32;

/// The bytes of `token` its hash reads.
fn hashed_tail(token: &[u8]) -> &[u8] {
    &token[token.len().saturating_sub(HASHED_TAIL)..]
}

/// A cached token: equal as the full string, hashed by its [`hashed_tail`].
#[derive(Clone, PartialEq, Eq)]
struct TokenKey(Arc<str>);

impl Hash for TokenKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hashed_tail(self.0.as_bytes()).hash(state);
    }
}

/// A token looked up (its bytes as sent), hashed as [`TokenKey`] is.
struct Lookup<'a>(&'a [u8]);

impl Hash for Lookup<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hashed_tail(self.0).hash(state);
    }
}

impl Equivalent<TokenKey> for Lookup<'_> {
    fn equivalent(&self, key: &TokenKey) -> bool {
        self.0 == key.0.as_bytes()
    }
}

/// A bounded cache of verified tokens, shared by the clones of one warden and by all
/// of its trusted issuers.
///
/// Issuers cannot collide in it: the key is the full token, which carries its `iss`,
/// and a token always selects the same issuer; each entry also names the issuer that
/// verified it, whose key-set generation and leeway every hit is checked against.
#[derive(Clone)]
pub(crate) struct TokenCache {
    entries: Arc<Cache<TokenKey, Entry, TokenWeight>>,
    counters: Arc<Counters>,
}

/// What a hit is checked against: the current key-set generation and the leeway of the
/// issuer that verified the entry.
#[derive(Clone, Copy)]
pub(crate) struct Current {
    pub(crate) generation: u64,
    pub(crate) leeway: u64,
}

/// Hits and misses of a token cache: the verified tokens', or an introspection endpoint's
/// answers'.
#[derive(Default)]
pub(crate) struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Counters {
    /// A token answered from the cache.
    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// A token that had to be verified, or asked about, in full.
    pub(crate) fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// These counts, with the `entries` a cache holds now.
    pub(crate) fn stats(&self, entries: usize) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: u64::try_from(entries).unwrap_or(u64::MAX),
        }
    }
}

#[cfg(feature = "introspection")]
impl CacheStats {
    /// The counts of two caches together.
    pub(crate) fn plus(self, other: Self) -> Self {
        Self {
            hits: self.hits + other.hits,
            misses: self.misses + other.misses,
            entries: self.entries + other.entries,
        }
    }
}

impl TokenCache {
    /// A cache of at most `capacity` in [`TokenWeight`] (`None` for 0: caching off).
    pub(crate) fn new(capacity: u64) -> Option<Self> {
        (capacity > 0).then(|| Self {
            entries: Arc::new(TokenWeight::cache(capacity)),
            counters: Arc::default(),
        })
    }

    /// The identity of `token` if it was verified under the current key-set generation
    /// of its issuer (`current` of the entry's issuer index; `None` for an index no
    /// issuer has) and its time claims still hold at `now` (seconds since the Unix epoch),
    /// marked as cached ([`Identity::mark_cached`]).
    pub(crate) fn get(&self, token: &[u8], now: u64, current: impl Fn(usize) -> Option<Current>) -> Option<Identity> {
        let token = Lookup(token);
        let found = self.entries.get(&token).filter(|entry| {
            #[allow(clippy::cast_precision_loss)]
            let past_until = now as f64 >= entry.until;
            let Some(Current { generation, leeway }) = current(entry.issuer) else {
                self.entries.remove(&token);
                return false;
            };
            let usable = entry.generation == generation && !past_until && entry.time.check(now, leeway).is_ok();
            if !usable && (entry.generation != generation || past_until) {
                // Never usable again (a not-yet-valid entry will be).
                self.entries.remove(&token);
            }
            usable
        });
        let Some(entry) = found else {
            self.counters.miss();
            return None;
        };
        self.counters.hit();
        entry.identity.mark_cached();
        Some(entry.identity)
    }

    /// Remembers a token that issuer `issuer` just verified under its key-set generation
    /// and with its leeway (`current`) at `now`.
    pub(crate) fn insert(
        &self,
        token: &str,
        identity: &Identity,
        time: TimeClaims,
        issuer: usize,
        current: Current,
        now: u64,
    ) {
        let Current { generation, leeway } = current;
        #[allow(clippy::cast_precision_loss)]
        let remaining = time.exp + leeway as f64 - now as f64;
        if remaining <= 0.0 {
            return;
        }
        #[allow(clippy::cast_precision_loss)]
        let until = now as f64 + remaining.min(MAX_ENTRY_LIFETIME_SECS);
        let entry = Entry {
            identity: identity.clone(),
            time,
            issuer,
            generation,
            until,
            weight: TokenWeight::of_verified(
                token.len(),
                identity
                    .claim_values()
                    .unwrap_or_else(|| count_values(identity.claims())),
            ),
        };
        self.entries.insert(TokenKey(Arc::from(token)), entry);
    }

    /// Drops every entry (the key set changed).
    #[cfg_attr(not(feature = "remote-keys"), allow(dead_code))]
    pub(crate) fn clear(&self) {
        self.entries.clear();
    }

    pub(crate) fn stats(&self) -> CacheStats {
        self.counters.stats(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Inserts a token with these claims, as the verifier does after a success.
    fn put(cache: &TokenCache, token: &str, claims: serde_json::Value, current: Current, now: u64) {
        let claims = claims.as_object().cloned().expect("object");
        let time = TimeClaims::read(&claims).expect("time claims");
        let identity = Identity::builder("alice").claims(claims).build();
        cache.insert(token, &identity, time, 0, current, now);
    }

    /// One issuer (index 0) at key-set `generation` with `leeway`.
    fn one(generation: u64, leeway: u64) -> impl Fn(usize) -> Option<Current> {
        move |issuer| (issuer == 0).then_some(Current { generation, leeway })
    }

    fn at(generation: u64, leeway: u64) -> Current {
        Current { generation, leeway }
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    #[test]
    fn tokens_that_share_the_hashed_tail_are_never_each_other() {
        let cache = TokenCache::new(100).expect("enabled");
        let t = now();
        let tail = "s".repeat(HASHED_TAIL);
        let (issued, forged) = (format!("header.alice.{tail}"), format!("header.mallory.{tail}"));
        put(&cache, &issued, json!({"exp": t + 100}), at(1, 0), t);
        assert!(cache.get(issued.as_bytes(), t, one(1, 0)).is_some());
        assert!(
            cache.get(forged.as_bytes(), t, one(1, 0)).is_none(),
            "same tail, other payload: a miss"
        );
        assert!(
            cache.get(tail.as_bytes(), t, one(1, 0)).is_none(),
            "the tail alone: a miss"
        );
        // Tokens on one hash chain (and so in one shard, which keeps only its share of the
        // capacity) each find their own entry or none.
        let chain: Vec<String> = (0..50).map(|i| format!("header.{i}.{tail}")).collect();
        for token in &chain {
            put(&cache, token, json!({"exp": t + 100, "n": token}), at(1, 0), t);
        }
        let mut found = 0;
        for token in &chain {
            if let Some(identity) = cache.get(token.as_bytes(), t, one(1, 0)) {
                assert_eq!(
                    identity.claim("n").and_then(serde_json::Value::as_str),
                    Some(token.as_str())
                );
                found += 1;
            }
        }
        assert!(found > 0, "the last inserted are held");
    }

    #[test]
    fn a_hit_marks_the_identity_so_that_its_checks_read_the_map() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        let text = format!(r#"{{"sub":"alice","exp":{}}}"#, t + 100);
        let claims: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).expect("an object");
        let time = TimeClaims::read(&claims).expect("time claims");
        let verified = Identity::builder("alice").claims_text(text.clone(), 2).build();
        cache.insert("tok", &verified, time, 0, at(1, 0), t);
        assert_eq!(
            verified.fresh_claims_text(),
            Some(text.as_str()),
            "inserted, not yet served from the cache: its checks pick from the text"
        );
        assert!(cache.get(b"other", t, one(1, 0)).is_none());
        assert!(verified.fresh_claims_text().is_some(), "a miss marks nothing");
        let hit = cache.get(b"tok", t, one(1, 0)).expect("a hit");
        assert_eq!(hit.fresh_claims_text(), None, "a hit's checks read the map");
        assert_eq!(
            verified.fresh_claims_text(),
            None,
            "the cache holds the verified identity itself"
        );
        assert!(cache.get(b"tok", t, one(1, 0)).is_some(), "marked, still served");
    }

    #[test]
    fn hits_recheck_the_time_claims_and_the_generation() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        let tok = json!({"exp": t + 100, "nbf": t + 3});
        put(&cache, "tok", tok.clone(), at(1, 5), t);
        assert!(cache.get(b"tok", t, one(1, 5)).is_some(), "nbf within the leeway");
        assert!(cache.get(b"tok", t + 104, one(1, 5)).is_some());
        assert!(
            cache.get(b"tok", t.saturating_sub(10), one(1, 5)).is_none(),
            "the clock went back before nbf"
        );
        assert_eq!(cache.stats().entries, 1, "kept: it becomes usable again");
        assert!(
            cache.get(b"tok", t, one(2, 5)).is_none(),
            "verified under another key set"
        );
        assert_eq!(cache.stats().entries, 0, "a stale generation is dropped");
        put(&cache, "tok", tok, at(1, 5), t);
        assert!(
            cache.get(b"tok", t + 105, one(1, 5)).is_none(),
            "exp + leeway has passed"
        );
        assert_eq!(cache.stats().entries, 0, "an expired entry is dropped");
        assert!(cache.get(b"other", t, one(1, 5)).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (2, 4));
    }

    #[test]
    fn a_hit_is_checked_against_the_issuer_that_verified_the_entry() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        let claims = json!({"exp": t + 100}).as_object().cloned().expect("object");
        let time = TimeClaims::read(&claims).expect("time claims");
        let identity = Identity::builder("alice").build();
        cache.insert("from-b", &identity, time, 1, at(7, 0), t);
        // Issuer 0 has generation 7 too; the entry is issuer 1's, whose generation moved.
        let two = |b_generation: u64| {
            move |issuer: usize| match issuer {
                0 => Some(at(7, 0)),
                1 => Some(at(b_generation, 0)),
                _ => None,
            }
        };
        assert!(cache.get(b"from-b", t, two(7)).is_some());
        assert!(cache.get(b"from-b", t, two(8)).is_none(), "issuer 1 rotated its keys");
        cache.insert("from-b", &identity, time, 1, at(7, 0), t);
        assert!(cache.get(b"from-b", t, one(7, 0)).is_none(), "no issuer 1 any more");
        assert_eq!(cache.stats().entries, 0);
    }

    #[test]
    fn entries_are_used_for_a_day_at_most() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        put(&cache, "long", json!({"exp": t + 7 * 86_400}), at(0, 0), t);
        assert!(cache.get(b"long", t + 86_399, one(0, 0)).is_some());
        assert!(
            cache.get(b"long", t + 86_400, one(0, 0)).is_none(),
            "verified again after a day"
        );
    }

    #[test]
    fn the_full_token_is_the_key_and_clear_drops_everything() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        put(&cache, "a.b.c", json!({"exp": t + 100}), at(0, 0), t);
        assert!(cache.get(b"a.b.c", t, one(0, 0)).is_some());
        assert!(cache.get(b"a.b.", t, one(0, 0)).is_none());
        assert!(cache.get(b"a.b.cc", t, one(0, 0)).is_none());
        cache.clear();
        assert!(cache.get(b"a.b.c", t, one(0, 0)).is_none());
        assert_eq!(cache.stats().entries, 0);
    }

    #[test]
    fn a_token_weighs_one_per_started_kib() {
        assert_eq!(TokenWeight::of(0), 1);
        assert_eq!(TokenWeight::of(1024), 1);
        assert_eq!(TokenWeight::of(1025), 2);
        assert_eq!(TokenWeight::of(8 * 1024), 8);
        let t = now();
        let fill = |len: usize, capacity: u64| {
            let cache = TokenCache::new(capacity).expect("enabled");
            for n in 0..50 {
                // Tokens end with their signature, different in each.
                let token = format!("{}{n:04}", "x".repeat(len - 4));
                put(&cache, &token, json!({"exp": t + 100}), at(0, 0), t);
            }
            (cache.stats().entries, cache.entries.weight())
        };
        // With room for all (the cache's shards each hold an equal part of the capacity,
        // and the tokens fall into them by a seeded hash, so a nearly full cache may
        // evict before its total is reached).
        assert_eq!(fill(100, 100_000), (50, 50), "a small token weighs 1");
        assert_eq!(fill(8 * 1024, 100_000), (50, 400), "an 8 KiB token weighs 8");
        let (large, weight) = fill(8 * 1024, 64);
        assert!(
            (1..=8).contains(&large) && weight <= 64,
            "{large} tokens of 8 KiB held in 64, weighing {weight}"
        );
        let claims = json!({"exp": 1, "roles": ["a", "b"], "pad": vec![0; 200], "o": {"k": [1]}});
        let claims = claims.as_object().expect("object");
        let values = count_values(claims);
        assert_eq!(values, 4 + 2 + 200 + 2);
        assert_eq!(TokenWeight::of_verified(100, values), 1 + 208 / 64);
    }

    #[test]
    fn tokens_without_time_left_are_not_kept() {
        let cache = TokenCache::new(10).expect("enabled");
        let t = now();
        put(&cache, "expired", json!({"exp": t}), at(0, 0), t);
        // A token without `exp` never reaches the cache: `TimeClaims::read` refuses it.
        assert!(TimeClaims::read(&serde_json::Map::new()).is_err());
        assert!(cache.get(b"expired", t - 1, one(0, 0)).is_none());
        assert_eq!(cache.stats().entries, 0);
        assert!(TokenCache::new(0).is_none(), "capacity 0 turns caching off");
    }
}
