//! The verified caller.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

/// A verified identity: who the caller is and what they hold.
///
/// Produced by the guard (or by a custom [`Authenticator`](crate::Authenticator)) and
/// stored in the request extensions, so the [`Identity`] and [`Claims`](crate::Claims)
/// extractors that follow it cost a lookup, not a second verification. Cloning is one
/// reference-count increment.
///
/// ```
/// use axum_warden_runtime::Identity;
///
/// let user = Identity::builder("alice").roles(["editor"]).scopes(["orders:read"]).build();
/// assert_eq!(user.subject(), "alice");
/// assert!(user.has_role("editor"));
/// assert!(!user.has_role("Editor"), "matching is exact and case-sensitive");
/// assert!(user.has_scope("orders:read"));
/// ```
#[derive(Clone)]
pub struct Identity(Arc<Inner>);

/// `repr(C)` keeps the fields in this order: what a cache hit reads of an identity that
/// has gone cold (the reference count before it, the revocation version, the mark of a
/// cached identity, the packed roles) shares the first cache line of the allocation.
#[repr(C)]
struct Inner {
    /// The version of the revocation list this identity was last found not revoked in
    /// (`u64::MAX`: never checked). The verified-token cache keeps one identity per token,
    /// so a hit checks the list again only when the list changed since.
    revocation_checked: AtomicU64,
    /// Whether the verified-token cache has answered a request with this identity
    /// ([`Identity::mark_cached`]): its checks then read the map of its claims, built
    /// once, rather than walk their text on every hit.
    cached: AtomicBool,
    packed_roles: Packed,
    packed_scopes: Packed,
    subject: String,
    /// Shared with the issuer's rules when they name it: every token it verifies names it.
    issuer: Option<Arc<str>>,
    /// The roles as a vector: built from `packed_roles` when first asked for, set at once
    /// when they did not fit there.
    roles: OnceLock<Vec<String>>,
    /// The scopes, as the roles.
    scopes: OnceLock<Vec<String>>,
    claims: ClaimStore,
    expires_at: Option<u64>,
}

/// The claims of an identity: a map, or the verified text the map is built from when it
/// is first asked for.
///
/// The verifier keeps the text: its rules read a few claims, which it picks from the
/// text without building the map, and most routes never ask for the rest. A map is the
/// larger of the two, both to build and to hold in the verified-token cache.
#[derive(Clone)]
enum ClaimStore {
    Map(Map<String, Value>),
    Text {
        /// A JSON object with no duplicate member names, as the verifier accepted it
        /// (a `String`, not a `Box<str>`: shrinking the decoded buffer would cost a
        /// reallocation per verified token).
        text: String,
        /// The JSON values in it, nested ones included.
        values: usize,
        map: OnceLock<Map<String, Value>>,
    },
}

impl ClaimStore {
    fn map(&self) -> &Map<String, Value> {
        match self {
            Self::Map(map) => map,
            Self::Text { text, map, .. } => map.get_or_init(|| {
                // The verifier read this text with its strict reader before it kept it
                // (one JSON object, no duplicate names at any depth), so serde_json's own
                // reader builds the same map and cannot fail; if it ever did, no claim
                // would be read.
                serde_json::from_str(text).unwrap_or_default()
            }),
        }
    }
}

/// A short list of names packed inline, each as its length (one byte) and its bytes.
///
/// A role or scope rule reads these instead of the `Vec<String>`: among many callers the
/// identity a cache hit returns is cold in the CPU caches, and the vector costs two more
/// dependent memory reads (its buffer, then each string) on every such request. Names
/// that do not fit leave it empty and marked, and the rule reads the vector.
#[derive(Clone, Copy)]
struct Packed {
    /// Bytes of `bytes` in use, or [`Packed::SPILLED`].
    len: u8,
    bytes: [u8; Packed::CAPACITY],
}

impl Packed {
    /// With the reference counts, the revocation version, the cached mark and the length
    /// byte, the roles fill the first 64 bytes of the allocation.
    const CAPACITY: usize = 38;
    const SPILLED: u8 = u8::MAX;

    fn new(names: &[String]) -> Self {
        let mut packed = Self {
            len: 0,
            bytes: [0; Self::CAPACITY],
        };
        for name in names {
            if !packed.push(name) {
                return Self::spilled();
            }
        }
        packed
    }

    /// Whether the names did not fit, so that the vector holds them.
    fn is_spilled(&self) -> bool {
        self.len == Self::SPILLED
    }

    /// The packed names' bytes, in order; none when they did not fit.
    fn entries(&self) -> impl Iterator<Item = &[u8]> {
        let mut rest = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::iter::from_fn(move || {
            let (&len, tail) = rest.split_first()?;
            let (name, tail) = tail.split_at_checked(usize::from(len))?;
            rest = tail;
            Some(name)
        })
    }

    /// The names, in order; none when they did not fit.
    fn names(&self) -> impl Iterator<Item = &str> {
        // Packed from `&str`s whole, so every name is valid UTF-8.
        self.entries().filter_map(|name| std::str::from_utf8(name).ok())
    }

    /// The list `list` stands for: itself when set, else the packed names as a vector,
    /// made now and kept.
    fn list<'a>(&self, list: &'a OnceLock<Vec<String>>) -> &'a [String] {
        list.get_or_init(|| self.names().map(str::to_owned).collect())
    }

    fn spilled() -> Self {
        Self {
            len: Self::SPILLED,
            bytes: [0; Self::CAPACITY],
        }
    }

    /// Whether `name` is among the packed names; `None` when they did not fit.
    fn contains(&self, name: &str) -> Option<bool> {
        (!self.is_spilled()).then(|| self.entries().any(|packed| packed == name.as_bytes()))
    }

    /// Appends `name`; `false`, with nothing changed, when it does not fit.
    fn push(&mut self, name: &str) -> bool {
        let at = usize::from(self.len);
        let end = at + 1 + name.len();
        match u8::try_from(name.len()) {
            Ok(len) if !self.is_spilled() && end <= Self::CAPACITY => {
                self.bytes[at] = len;
                self.bytes[at + 1..end].copy_from_slice(name.as_bytes());
                // `end` ≤ CAPACITY < SPILLED.
                self.len = u8::try_from(end).unwrap_or(Self::SPILLED);
                true
            }
            _ => false,
        }
    }
}

/// Role or scope names as the verifier reads them from a token, one by one: packed while
/// they fit, as [`Identity`] keeps them, and a vector past that.
///
/// Each name is copied once, from the claim into the identity, where gathering a vector
/// first would allocate each name and the list only to drop them when the identity packs
/// them.
pub(crate) struct NameList {
    packed: Packed,
    /// The names once they no longer fit `packed` (then marked spilled).
    spilled: Vec<String>,
}

impl NameList {
    pub(crate) fn new() -> Self {
        Self {
            packed: Packed::new(&[]),
            spilled: Vec::new(),
        }
    }

    /// The names, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.packed.names().chain(self.spilled.iter().map(String::as_str))
    }

    pub(crate) fn len(&self) -> usize {
        if self.packed.is_spilled() {
            self.spilled.len()
        } else {
            self.packed.entries().count()
        }
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.packed
            .contains(name)
            .unwrap_or_else(|| self.spilled.iter().any(|n| n == name))
    }

    /// Appends `name`, moving every name to the vector when it is the first that does
    /// not fit.
    pub(crate) fn push(&mut self, name: &str) {
        if self.packed.is_spilled() {
            self.spilled.push(name.to_owned());
        } else if !self.packed.push(name) {
            self.spilled = self.packed.names().map(str::to_owned).collect();
            self.spilled.push(name.to_owned());
            self.packed = Packed::spilled();
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        if self.packed.is_spilled() {
            self.spilled
        } else {
            self.packed.names().map(str::to_owned).collect()
        }
    }

    /// What an identity keeps: the packed names, or the vector when they did not fit.
    ///
    /// A cached identity's vectors are allocations of their own, one per name and one for
    /// the list, which every eviction frees when they have long gone cold; packed, the
    /// names live in the identity.
    fn into_parts(self) -> (Packed, OnceLock<Vec<String>>) {
        if self.packed.is_spilled() {
            (self.packed, OnceLock::from(self.spilled))
        } else {
            (self.packed, OnceLock::new())
        }
    }
}

/// Names given as a vector: packed when they fit, else kept as they are.
impl From<Vec<String>> for NameList {
    fn from(names: Vec<String>) -> Self {
        let packed = Packed::new(&names);
        let spilled = if packed.is_spilled() { names } else { Vec::new() };
        Self { packed, spilled }
    }
}

impl Identity {
    /// Starts an identity for `subject`, for custom authenticators and tests.
    pub fn builder(subject: impl Into<String>) -> IdentityBuilder {
        IdentityBuilder(Inner {
            revocation_checked: AtomicU64::new(u64::MAX),
            cached: AtomicBool::new(false),
            packed_roles: Packed::new(&[]),
            packed_scopes: Packed::new(&[]),
            subject: subject.into(),
            issuer: None,
            roles: OnceLock::new(),
            scopes: OnceLock::new(),
            claims: ClaimStore::Map(Map::new()),
            expires_at: None,
        })
    }

    /// The `sub` claim (empty when a token carries none).
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The `iss` claim, when present.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }

    /// The roles read from the configured roles claim, in token order.
    #[must_use]
    pub fn roles(&self) -> &[String] {
        self.0.packed_roles.list(&self.0.roles)
    }

    /// The OAuth scopes read from `scope` or `scp`, in token order.
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        self.0.packed_scopes.list(&self.0.scopes)
    }

    /// Whether the identity holds `role` (exact, case-sensitive).
    #[must_use]
    pub fn has_role(&self, role: &str) -> bool {
        let inner = &self.0;
        inner
            .packed_roles
            .contains(role)
            .unwrap_or_else(|| self.roles().iter().any(|r| r == role))
    }

    /// Whether the identity was granted `scope` (exact, case-sensitive).
    #[must_use]
    pub fn has_scope(&self, scope: &str) -> bool {
        let inner = &self.0;
        inner
            .packed_scopes
            .contains(scope)
            .unwrap_or_else(|| self.scopes().iter().any(|s| s == scope))
    }

    /// Every verified claim, as the token carried it.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        self.0.claims.map()
    }

    /// One verified claim by name.
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims().get(name)
    }

    /// The verified JSON text of the claims, for a check that reads a few of them, while
    /// the identity is fresh from its verification: no map is built and the
    /// verified-token cache has not answered with it ([`Identity::mark_cached`]). `None`
    /// otherwise, so that the caller reads the map, which is then built once and kept.
    ///
    /// A first verification runs one to three such checks (revocation, DPoP binding,
    /// step-up), and picking a few claims from the text costs a fraction of building the
    /// map, so each of them picks. A cached identity's requests read the kept map at the
    /// cost of a lookup, where picking would walk the text on each of them.
    pub(crate) fn fresh_claims_text(&self) -> Option<&str> {
        match &self.0.claims {
            ClaimStore::Text { text, map, .. } if map.get().is_none() && !self.0.cached.load(Ordering::Relaxed) => {
                Some(text)
            }
            _ => None,
        }
    }

    /// Marks this identity as one the verified-token cache answered a request with, so that
    /// its checks read the map from now on ([`Identity::fresh_claims_text`]).
    ///
    /// Called on every hit, it writes only the first time: the flag shares the cache line
    /// of the reference count the hit has just incremented, and an identity that every
    /// worker reads is not written again.
    pub(crate) fn mark_cached(&self) {
        if !self.0.cached.load(Ordering::Relaxed) {
            self.0.cached.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the map of the claims exists (given, or built from the text).
    #[cfg(test)]
    pub(crate) fn has_map(&self) -> bool {
        match &self.0.claims {
            ClaimStore::Map(_) => true,
            ClaimStore::Text { map, .. } => map.get().is_some(),
        }
    }

    /// The `exp` claim in seconds since the Unix epoch, when the identity expires.
    #[must_use]
    pub fn expires_at(&self) -> Option<u64> {
        self.0.expires_at
    }

    /// The authentication context class reference (`acr` claim), when it is a string:
    /// how the caller authenticated, for step-up rules (RFC 9470).
    ///
    /// ```
    /// use axum_warden_runtime::Identity;
    ///
    /// let mut claims = serde_json::Map::new();
    /// claims.insert("acr".into(), "mfa".into());
    /// claims.insert("auth_time".into(), 1_700_000_000.into());
    /// let identity = Identity::builder("alice").claims(claims).build();
    /// assert_eq!(identity.acr(), Some("mfa"));
    /// assert_eq!(identity.auth_time(), Some(1_700_000_000));
    /// ```
    #[must_use]
    pub fn acr(&self) -> Option<&str> {
        self.claims().get("acr").and_then(Value::as_str)
    }

    /// When the caller authenticated (`auth_time` claim, seconds since the epoch), when it
    /// is a non-negative number; a fraction is dropped.
    #[must_use]
    pub fn auth_time(&self) -> Option<u64> {
        self.claims().get("auth_time").and_then(auth_time_of)
    }
}

/// An `auth_time` claim's seconds since the epoch, when it is a non-negative number; a
/// fraction is dropped ([`Identity::auth_time`]).
pub(crate) fn auth_time_of(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        let seconds = value.as_f64()?;
        // Finite and non-negative here; the cast saturates for absurd values.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (seconds.is_finite() && seconds >= 0.0).then_some(seconds as u64)
    })
}

impl Identity {
    /// This identity with other roles (the hierarchy applied to a custom authenticator's
    /// identity).
    pub(crate) fn with_roles(&self, roles: Vec<String>) -> Self {
        let inner = &self.0;
        let (packed_roles, roles) = NameList::from(roles).into_parts();
        Self(Arc::new(Inner {
            revocation_checked: AtomicU64::new(u64::MAX),
            cached: AtomicBool::new(false),
            packed_roles,
            packed_scopes: inner.packed_scopes,
            subject: inner.subject.clone(),
            issuer: inner.issuer.clone(),
            roles,
            scopes: inner.scopes.clone(),
            claims: inner.claims.clone(),
            expires_at: inner.expires_at,
        }))
    }
}

impl Identity {
    /// The JSON values of claims kept as text, nested ones included, as the verifier
    /// counted them while reading the text: what the verified-token cache weighs, without
    /// building the map. `None` for claims kept as a map, whose values are counted there.
    pub(crate) fn claim_values(&self) -> Option<usize> {
        match &self.0.claims {
            ClaimStore::Map(_) => None,
            ClaimStore::Text { values, .. } => Some(*values),
        }
    }

    /// Whether this identity was found not revoked in the revocation list of `version`.
    pub(crate) fn not_revoked_in(&self, version: u64) -> bool {
        self.0.revocation_checked.load(Ordering::Relaxed) == version
    }

    /// Records that this identity is not revoked in the list of `version`.
    pub(crate) fn mark_not_revoked_in(&self, version: u64) {
        self.0.revocation_checked.store(version, Ordering::Relaxed);
    }
}

impl fmt::Debug for Identity {
    /// Shows who, never the full claims (they may hold personal data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.0.subject)
            .field("issuer", &self.0.issuer)
            .field("roles", &self.roles())
            .field("scopes", &self.scopes())
            .finish_non_exhaustive()
    }
}

/// Builds an [`Identity`]; see [`Identity::builder`].
#[must_use]
pub struct IdentityBuilder(Inner);

impl IdentityBuilder {
    /// Sets the issuer.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(Arc::from(issuer.into()));
        self
    }

    /// Sets the issuer, shared with the rules that verified it.
    pub(crate) fn shared_issuer(mut self, issuer: Arc<str>) -> Self {
        self.0.issuer = Some(issuer);
        self
    }

    /// Sets the roles.
    pub fn roles<I: IntoIterator<Item = R>, R: Into<String>>(mut self, roles: I) -> Self {
        self.0.roles = OnceLock::from(roles.into_iter().map(Into::into).collect::<Vec<String>>());
        self
    }

    /// Sets the scopes.
    pub fn scopes<I: IntoIterator<Item = R>, R: Into<String>>(mut self, scopes: I) -> Self {
        self.0.scopes = OnceLock::from(scopes.into_iter().map(Into::into).collect::<Vec<String>>());
        self
    }

    /// Sets the roles as the verifier gathered them.
    pub(crate) fn role_names(mut self, roles: NameList) -> Self {
        (self.0.packed_roles, self.0.roles) = roles.into_parts();
        self
    }

    /// Sets the scopes as the verifier gathered them.
    pub(crate) fn scope_names(mut self, scopes: NameList) -> Self {
        (self.0.packed_scopes, self.0.scopes) = scopes.into_parts();
        self
    }

    /// Sets the claims the [`Claims`](crate::Claims) extractor reads.
    pub fn claims(mut self, claims: Map<String, Value>) -> Self {
        self.0.claims = ClaimStore::Map(claims);
        self
    }

    /// Sets the claims as the verified JSON text they are parsed from when first asked
    /// for, and the count of its values.
    pub(crate) fn claims_text(mut self, text: String, values: usize) -> Self {
        self.0.claims = ClaimStore::Text {
            text,
            values,
            map: OnceLock::new(),
        };
        self
    }

    /// Sets the expiry, in seconds since the Unix epoch.
    pub fn expires_at(mut self, exp: u64) -> Self {
        self.0.expires_at = Some(exp);
        self
    }

    /// Finishes the identity.
    #[must_use]
    pub fn build(mut self) -> Identity {
        // A list set as a vector is packed now; one set packed, or never set, is kept.
        if let Some(roles) = self.0.roles.take() {
            (self.0.packed_roles, self.0.roles) = NameList::from(roles).into_parts();
        }
        if let Some(scopes) = self.0.scopes.take() {
            (self.0.packed_scopes, self.0.scopes) = NameList::from(scopes).into_parts();
        }
        Identity(Arc::new(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The packed lookup answers as the list does, whether the names fit or spill
        /// (long names, many names, empty names, names that are prefixes of others).
        #[test]
        fn packed_names_answer_as_the_list(
            names in proptest::collection::vec("[a-c:]{0,6}|[a-z]{30,300}", 0..12),
            asked in "[a-c:]{0,6}|[a-z]{30,40}",
        ) {
            let identity = Identity::builder("s").roles(names.clone()).scopes(names.clone()).build();
            // The lists read back as given, whether packed or kept as vectors.
            prop_assert_eq!(identity.roles(), &names[..]);
            prop_assert_eq!(identity.scopes(), &names[..]);
            let reversed: Vec<String> = names.iter().rev().cloned().collect();
            let other = identity.with_roles(reversed.clone());
            prop_assert_eq!(other.roles(), &reversed[..]);
            prop_assert_eq!(other.scopes(), &names[..]);
            let listed = names.contains(&asked);
            prop_assert_eq!(identity.has_role(&asked), listed);
            prop_assert_eq!(identity.has_scope(&asked), listed);
            for name in &names {
                prop_assert!(identity.has_role(name) && identity.has_scope(name));
            }
        }

        /// Names gathered one by one, as the verifier gathers them, read back as given
        /// and make the identity that a vector of them makes, packed or spilled alike.
        #[test]
        fn gathered_names_are_the_listed_names(
            names in proptest::collection::vec("[a-c:]{0,6}|[a-z]{30,300}", 0..12),
            asked in "[a-c:]{0,6}|[a-z]{30,40}",
        ) {
            let gather = || {
                let mut list = NameList::new();
                names.iter().for_each(|name| list.push(name));
                list
            };
            let list = gather();
            prop_assert_eq!(list.iter().collect::<Vec<_>>(), names.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(list.len(), names.len());
            prop_assert_eq!(list.contains(&asked), names.contains(&asked));
            prop_assert_eq!(gather().into_vec(), names.clone());
            let gathered = Identity::builder("s").role_names(gather()).scope_names(gather()).build();
            let listed = Identity::builder("s").roles(names.clone()).scopes(names.clone()).build();
            // The same packed bytes, or the same spill (checked before anything reads
            // the lists, which would build the vector).
            let in_use = |packed: &Packed| (packed.len, packed.bytes.get(..usize::from(packed.len)).map(<[u8]>::to_vec));
            let (a, b) = (&gathered.0, &listed.0);
            prop_assert_eq!(in_use(&a.packed_roles), in_use(&b.packed_roles));
            prop_assert_eq!(in_use(&a.packed_scopes), in_use(&b.packed_scopes));
            prop_assert_eq!(a.roles.get(), b.roles.get());
            prop_assert_eq!(a.scopes.get(), b.scopes.get());
            prop_assert_eq!(gathered.roles(), &names[..]);
            prop_assert_eq!(gathered.scopes(), &names[..]);
            prop_assert_eq!(gathered.has_role(&asked), names.contains(&asked));
            prop_assert_eq!(gathered.has_scope(&asked), names.contains(&asked));
        }
    }

    #[test]
    fn names_that_fit_are_packed_and_the_rest_spill() {
        let fits = ["admin".to_owned(), "orders".to_owned()];
        assert_eq!(Packed::new(&fits).contains("orders"), Some(true));
        assert_eq!(Packed::new(&fits).contains("order"), Some(false));
        let long = ["a".repeat(Packed::CAPACITY)];
        assert_eq!(Packed::new(&long).contains("a"), None, "one byte over: spilled");
        let exact = ["a".repeat(Packed::CAPACITY - 1)];
        assert_eq!(Packed::new(&exact).contains(&exact[0]), Some(true), "exactly full");
        let huge = ["b".repeat(300)];
        assert_eq!(Packed::new(&huge).contains(&huge[0]), None);
    }

    #[test]
    fn the_roles_share_the_first_cache_line_with_the_reference_count() {
        // Two reference counts, then the revocation version, the cached mark and the packed
        // roles.
        assert_eq!(
            std::mem::offset_of!(Inner, packed_roles) + std::mem::size_of::<Packed>() + 16,
            64
        );
    }
}
