//! The revocation list itself: what a revocation names, the in-memory set the request
//! path reads, and the state a shared store keeps up to date.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub(super) use crate::verifier::clock::unix_now;

use arc_swap::ArcSwap;
use serde_json::Value;

use crate::defaults::MAX_LEEWAY;
use crate::identity::Identity;
use crate::token::json::{ClaimRef, ClaimSet, read_claims};

/// How long a token revocation outlives the token's `exp`: the largest clock-skew leeway
/// a warden accepts, so no leeway can let the token back in.
const AFTER_EXPIRY_SECS: u64 = MAX_LEEWAY.as_secs();

/// What a [`Revocation`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationKind {
    /// One token, by its `jti` claim.
    Token,
    /// Every token of a session, by its `sid` claim (OpenID Connect session id).
    Session,
    /// Every token of a subject (`sub`) issued at or before a time; a token without `iat`
    /// cannot show it is newer and counts as issued before.
    Subject,
}

impl RevocationKind {
    /// The name used in logs and in the shared store: `token`, `session`, `subject`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Session => "session",
            Self::Subject => "subject",
        }
    }

    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn parse(name: &str) -> Option<Self> {
        match name {
            "token" => Some(Self::Token),
            "session" => Some(Self::Session),
            "subject" => Some(Self::Subject),
            _ => None,
        }
    }
}

/// One thing to stop accepting before it expires: a token, a session or a subject's
/// tokens, optionally of one issuer only.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use axum_warden_runtime::{Revocation, RevocationKind};
///
/// // A token, until shortly after its expiry (it is refused by `exp` from then on).
/// let token = Revocation::token("a4f6-jti", 1_900_000_000);
/// assert_eq!(token.kind(), RevocationKind::Token);
///
/// // Every token of `alice` issued by this issuer up to now.
/// let alice = Revocation::subject("alice").issued_by("https://login.example.com");
/// assert_eq!(alice.issuer(), Some("https://login.example.com"));
///
/// // A session, kept for the revocations' retention (a day by default).
/// let session = Revocation::session("08a5019c-17e1-4977");
/// assert_eq!(session.value(), "08a5019c-17e1-4977");
/// # let _ = (Duration::ZERO, UNIX_EPOCH);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    kind: RevocationKind,
    value: String,
    issuer: Option<String>,
    /// For subjects: tokens issued at or before this time (seconds since the epoch).
    before: u64,
    /// When the entry may be forgotten; `None` until the store resolves it with its
    /// retention.
    until: Option<u64>,
}

impl Revocation {
    /// The token whose `jti` claim is `jti`, which expires at `expires_at` (its `exp`,
    /// seconds since the Unix epoch): the entry is kept ten minutes beyond, the largest
    /// leeway a warden accepts, and then forgotten, since `exp` refuses the token.
    pub fn token(jti: impl Into<String>, expires_at: u64) -> Self {
        Self {
            kind: RevocationKind::Token,
            value: jti.into(),
            issuer: None,
            before: 0,
            until: Some(expires_at.saturating_add(AFTER_EXPIRY_SECS)),
        }
    }

    /// The token of a verified identity, by its `jti` and `exp`; `None` when the token
    /// carries no string `jti` (then revoke its session or its subject).
    #[must_use]
    pub fn of_identity(identity: &Identity) -> Option<Self> {
        let jti = identity.claim("jti")?.as_str()?;
        let mut revocation = Self::token(jti, identity.expires_at().unwrap_or_else(unix_now));
        revocation.issuer = identity.issuer().map(str::to_owned);
        Some(revocation)
    }

    /// Every token whose `sid` claim is `sid`, for the retention of the store that records
    /// it ([`RevocationsBuilder::retention`](crate::RevocationsBuilder::retention)).
    pub fn session(sid: impl Into<String>) -> Self {
        Self {
            kind: RevocationKind::Session,
            value: sid.into(),
            issuer: None,
            before: 0,
            until: None,
        }
    }

    /// Every token of the subject `sub` issued up to now (logout everywhere, an account
    /// disabled), for the retention of the store that records it.
    pub fn subject(sub: impl Into<String>) -> Self {
        Self::subject_before(sub, SystemTime::now())
    }

    /// Every token of `sub` issued at or before `time`.
    pub fn subject_before(sub: impl Into<String>, time: SystemTime) -> Self {
        Self {
            kind: RevocationKind::Subject,
            value: sub.into(),
            issuer: None,
            before: time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            until: None,
        }
    }

    /// Limits the revocation to tokens whose `iss` is `issuer`. Without it, a token of any
    /// trusted issuer with the same `jti`, `sid` or `sub` is refused, which with several
    /// issuers may refuse more than meant, never less.
    #[must_use]
    pub fn issued_by(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Keeps the entry until `time` instead of the default (the token's expiry for a
    /// token, the store's retention otherwise).
    #[must_use]
    pub fn until(mut self, time: SystemTime) -> Self {
        self.until = Some(time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
        self
    }

    /// What the revocation names.
    #[must_use]
    pub fn kind(&self) -> RevocationKind {
        self.kind
    }

    /// The `jti`, `sid` or `sub` it names.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The issuer it is limited to, if any.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// This revocation with its retention resolved at `now`.
    pub(super) fn resolved(mut self, now: u64, retention: u64) -> Self {
        if self.until.is_none() {
            self.until = Some(now.saturating_add(retention));
        }
        self
    }

    pub(super) fn until_or_zero(&self) -> u64 {
        self.until.unwrap_or(0)
    }

    /// The form the shared store keeps and publishes: a JSON object.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn to_json(&self) -> String {
        serde_json::json!({
            "kind": self.kind.as_str(),
            "value": self.value,
            "issuer": self.issuer,
            "before": self.before,
            "until": self.until_or_zero(),
        })
        .to_string()
    }

    /// Reads [`to_json`](Self::to_json)'s form back; anything else is refused with the
    /// reason, never half read.
    ///
    /// # Errors
    /// Why the text is not a revocation.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn from_json(text: &[u8]) -> Result<Self, &'static str> {
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(text) else {
            return Err("not a JSON object");
        };
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .and_then(RevocationKind::parse)
            .ok_or("no known kind")?;
        let value = object.get("value").and_then(Value::as_str).ok_or("no string value")?;
        let issuer = match object.get("issuer") {
            None | Some(Value::Null) => None,
            Some(Value::String(issuer)) => Some(issuer.clone()),
            Some(_) => return Err("an issuer that is not a string"),
        };
        let before = object
            .get("before")
            .and_then(Value::as_u64)
            .ok_or("no numeric before")?;
        let until = object.get("until").and_then(Value::as_u64).ok_or("no numeric until")?;
        Ok(Self {
            kind,
            value: value.to_owned(),
            issuer,
            before,
            until: Some(until),
        })
    }
}

/// Told of a DPoP proof another instance accepted: its replay-cache key and until when
/// (seconds since the epoch) it must be refused.
pub(crate) type ProofListener = std::sync::Arc<dyn Fn(&str, u64) + Send + Sync>;

/// The state of one revocation list: the set, and whether it can be trusted.
pub(crate) struct State {
    pub(super) set: ArcSwap<Set>,
    /// How long session and subject entries are kept, in seconds.
    pub(super) retention: u64,
    /// Whether the set holds what the shared store holds (always, without one).
    pub(super) loaded: AtomicBool,
    /// When the connection to the shared store was lost (milliseconds since the epoch); 0
    /// while it is up.
    pub(super) stale_since: AtomicU64,
    /// How long the set is trusted after the store was lost, in milliseconds.
    pub(super) staleness_limit: u64,
}

/// Why the guard may not rely on the set now.
pub(crate) enum Untrusted {
    /// The shared store has not been loaded yet.
    NotLoaded,
    /// The shared store has been lost for longer than the staleness limit.
    Stale,
}

impl State {
    pub(super) fn new(retention: u64, staleness_limit: u64, loaded: bool) -> Self {
        Self {
            set: ArcSwap::default(),
            retention,
            loaded: AtomicBool::new(loaded),
            stale_since: AtomicU64::new(0),
            staleness_limit,
        }
    }

    /// Adds `revocations` to the set (a new snapshot, expired entries dropped, a new
    /// version).
    pub(super) fn apply(&self, revocations: &[Revocation], now: u64) {
        self.set.rcu(|current| {
            let mut next = current.without_expired(now);
            for revocation in revocations {
                next.insert(revocation);
            }
            next.version = VERSIONS.fetch_add(1, Ordering::Relaxed);
            next
        });
    }

    /// Whether the set may be relied on now: `Ok(true)` while the store is followed,
    /// `Ok(false)` while it is lost but within the staleness limit.
    pub(super) fn trusted(&self) -> Result<bool, Untrusted> {
        if !self.loaded.load(Ordering::Acquire) {
            return Err(Untrusted::NotLoaded);
        }
        let stale_since = self.stale_since.load(Ordering::Acquire);
        if stale_since == 0 {
            return Ok(true);
        }
        if unix_millis().saturating_sub(stale_since) >= self.staleness_limit {
            return Err(Untrusted::Stale);
        }
        Ok(false)
    }

    /// Whether the shared store is loaded and followed right now.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn is_fresh(&self) -> bool {
        self.loaded.load(Ordering::Acquire) && self.stale_since.load(Ordering::Acquire) == 0
    }

    /// Records that the shared store is loaded and followed.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn mark_fresh(&self) {
        self.loaded.store(true, Ordering::Release);
        self.stale_since.store(0, Ordering::Release);
    }

    /// Records that the shared store was lost, unless it was already (the limit counts
    /// from the first moment of the outage); before the first load nothing changes.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn mark_lost(&self) {
        if self.loaded.load(Ordering::Acquire) {
            let _ = self
                .stale_since
                .compare_exchange(0, unix_millis().max(1), Ordering::AcqRel, Ordering::Acquire);
        }
    }
}

/// One snapshot of the revocation list: a map per kind from the named value to its
/// entries (usually one; several when issuers share a value).
/// Versions of revocation sets, unique in the process (several lists never share one), so
/// an identity found not revoked in one version is known not revoked while the set has it.
static VERSIONS: AtomicU64 = AtomicU64::new(1);

#[derive(Default, Clone)]
pub(crate) struct Set {
    /// Which snapshot this is: a new one for every change (0 for the first, empty one).
    version: u64,
    tokens: Map,
    sessions: Map,
    subjects: Map,
}

type Map = HashMap<Box<str>, Vec<Entry>, quick_cache::DefaultHashBuilder>;

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    issuer: Option<Box<str>>,
    before: u64,
    until: u64,
}

impl Set {
    pub(super) fn len(&self) -> usize {
        [&self.tokens, &self.sessions, &self.subjects]
            .iter()
            .map(|map| map.values().map(Vec::len).sum::<usize>())
            .sum()
    }

    fn map_mut(&mut self, kind: RevocationKind) -> &mut Map {
        match kind {
            RevocationKind::Token => &mut self.tokens,
            RevocationKind::Session => &mut self.sessions,
            RevocationKind::Subject => &mut self.subjects,
        }
    }

    fn insert(&mut self, revocation: &Revocation) {
        let entry = Entry {
            issuer: revocation.issuer.as_deref().map(Box::from),
            before: revocation.before,
            until: revocation.until_or_zero(),
        };
        let entries = self
            .map_mut(revocation.kind)
            .entry(revocation.value.as_str().into())
            .or_default();
        // One entry per issuer: the later subject time and the later expiry win, so
        // recording a revocation again never shortens it.
        match entries.iter_mut().find(|held| held.issuer == entry.issuer) {
            Some(held) => {
                held.before = held.before.max(entry.before);
                held.until = held.until.max(entry.until);
            }
            None => entries.push(entry),
        }
    }

    fn without_expired(&self, now: u64) -> Self {
        let keep = |map: &Map| -> Map {
            map.iter()
                .filter_map(|(value, entries)| {
                    let live: Vec<Entry> = entries.iter().filter(|e| e.until > now).cloned().collect();
                    (!live.is_empty()).then(|| (value.clone(), live))
                })
                .collect()
        };
        Self {
            version: self.version,
            tokens: keep(&self.tokens),
            sessions: keep(&self.sessions),
            subjects: keep(&self.subjects),
        }
    }

    /// Whether an entry live at `now` names `identity`'s token, session or subject.
    /// Whether an entry live at `now` revokes `identity`, found without a lookup when the
    /// identity was found not revoked in this very snapshot before: revocations are only
    /// added by a change, which makes a new snapshot, and an entry that expires only
    /// revokes less.
    pub(super) fn revokes_cached(&self, identity: &Identity, now: u64) -> bool {
        if identity.not_revoked_in(self.version) {
            return false;
        }
        let revoked = self.revokes(identity, now);
        if !revoked {
            identity.mark_not_revoked_in(self.version);
        }
        revoked
    }

    pub(super) fn revokes(&self, identity: &Identity, now: u64) -> bool {
        let issuer = identity.issuer();
        let hit = |map: &Map, value: &str, issued_at: Option<u64>| {
            map.get(value).is_some_and(|entries| {
                entries.iter().any(|entry| {
                    entry.until > now
                        && entry.issuer.as_deref().is_none_or(|wanted| Some(wanted) == issuer)
                        && issued_at.is_none_or(|iat| iat <= entry.before)
                })
            })
        };
        let revokes = |claims: &dyn ClaimSet| {
            // Each claim is looked up only when some entry of its kind exists.
            let claim = |name: &str| claims.get(name).and_then(ClaimRef::as_str);
            (!self.tokens.is_empty() && claim("jti").is_some_and(|jti| hit(&self.tokens, jti, None)))
                || (!self.sessions.is_empty() && claim("sid").is_some_and(|sid| hit(&self.sessions, sid, None)))
                || (!self.subjects.is_empty() && {
                    // No `iat` (or not a number): the token cannot show it is newer.
                    let iat = claims.get("iat").and_then(ClaimRef::as_f64).map_or(0, |iat| {
                        // Finite, non-negative seconds; the cast saturates for absurd values.
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let seconds = iat.max(0.0) as u64;
                        seconds
                    });
                    hit(&self.subjects, identity.subject(), Some(iat))
                })
        };
        if self.tokens.is_empty() && self.sessions.is_empty() && self.subjects.is_empty() {
            return false;
        }
        read_claims(identity, |name| matches!(name, "jti" | "sid" | "iat"), revokes)
    }
}

pub(super) fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
