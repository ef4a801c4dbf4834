//! What the fuzz targets share: the keys and wardens under test, token minting, and the
//! oracle that every accepted token must satisfy.
//!
//! The oracle is written from the token-validation rules ("Token validation" in
//! ARCHITECTURE.md and in the README), not from the runtime's code: an `Ok` from the
//! runtime for a token the oracle refuses is a finding.

use std::sync::LazyLock;

use axum_warden_runtime::{Algorithm, Identity, Warden};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// The HMAC secret of every HS256 warden under test (and of the HS256 seed tokens).
pub const SECRET: &[u8] = b"axum-warden fuzz secret, at least 32 bytes long";
/// The issuer the strict profile requires.
pub const ISSUER: &str = "https://issuer.fuzz.test";
/// The audience the strict profile requires.
pub const AUDIENCE: &str = "fuzz-api";
/// The leeway of every warden under test (the default).
pub const LEEWAY: u64 = 60;
/// The public half of `auth-runtime/src/testing/rsa.key` (the test kit's RSA key), which signs the RS256 seed tokens.
pub const RSA_PUBLIC_PEM: &[u8] = include_bytes!("../../auth-runtime/src/testing/rsa.pub");

/// How a warden under test is configured, as the oracle sees it.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Required `iss`; `None`: any string, or none.
    pub issuer: Option<&'static str>,
    /// Accepted `aud`; `None`: the token must not carry one.
    pub audience: Option<&'static str>,
    /// The roles claim path, split at dots.
    pub roles_path: &'static [&'static str],
    /// The scopes claim; `None`: `scope`, then `scp`.
    pub scopes_claim: Option<&'static str>,
    /// The one accepted algorithm.
    pub algorithm: Algorithm,
    /// Accepted `tid` values; empty: not checked.
    pub tenants: &'static [&'static str],
    /// Accepted `azp` / `client_id` values; empty: not checked.
    pub clients: &'static [&'static str],
    /// Whether `typ` must be `at+jwt` or `application/at+jwt` (any case).
    pub access_token_type: bool,
}

/// HS256 with issuer and audience, roles in `roles`, scopes in `scope` or `scp`.
pub const STRICT: Profile = Profile {
    issuer: Some(ISSUER),
    audience: Some(AUDIENCE),
    roles_path: &["roles"],
    scopes_claim: None,
    algorithm: Algorithm::HS256,
    tenants: &[],
    clients: &[],
    access_token_type: false,
};

/// HS256 without issuer or audience, Keycloak-style roles, scopes only in `scp`.
pub const LOOSE: Profile = Profile {
    issuer: None,
    audience: None,
    roles_path: &["realm_access", "roles"],
    scopes_claim: Some("scp"),
    algorithm: Algorithm::HS256,
    tenants: &[],
    clients: &[],
    access_token_type: false,
};

/// HS256 like `LOOSE`, with the checks of whether a token is for this API: tenants `t1`
/// and `t2`, client `web`, and `typ: at+jwt` required.
pub const PARTY: Profile = Profile {
    tenants: &["t1", "t2"],
    clients: &["web"],
    access_token_type: true,
    ..LOOSE
};

/// RS256 (the test kit's RSA key) with issuer and audience.
pub const RSA: Profile = Profile {
    algorithm: Algorithm::RS256,
    ..STRICT
};

impl Profile {
    /// A warden configured as this profile says, with a small verified-token cache (so
    /// that cache hits are exercised too).
    ///
    /// # Panics
    /// When the configuration is refused (a bug of this crate).
    #[must_use]
    pub fn warden(&self) -> Warden {
        let mut builder = Warden::builder()
            .algorithms([self.algorithm])
            .roles_claim(self.roles_path.join("."))
            .token_cache_capacity(256);
        builder = match self.algorithm {
            Algorithm::RS256 => builder.public_key_pem(RSA_PUBLIC_PEM),
            _ => builder.hmac_secret(SECRET),
        };
        if let Some(issuer) = self.issuer {
            builder = builder.issuer(issuer);
        }
        if let Some(audience) = self.audience {
            builder = builder.audience(audience);
        }
        if let Some(claim) = self.scopes_claim {
            builder = builder.scopes_claim(claim);
        }
        if !self.tenants.is_empty() {
            builder = builder.tenants(self.tenants.iter().copied());
        }
        if !self.clients.is_empty() {
            builder = builder.client_ids(self.clients.iter().copied());
        }
        builder = builder.require_access_token_type(self.access_token_type);
        builder.build().expect("the fuzz configuration is valid")
    }
}

/// The strict profile's issuer beside a second one (another HMAC secret, which no input
/// is signed with), so that the `iss` a token claims selects the issuer. Whatever the
/// strict warden alone answers, this one must answer alike: the same identity, or a
/// refusal.
pub static PAIR: LazyLock<Warden> = LazyLock::new(|| {
    use axum_warden_runtime::IssuerConfig;
    Warden::builder()
        .trust(
            IssuerConfig::new("https://second.fuzz.test")
                .hmac_secret(b"the second issuer's secret, never used to sign".to_vec())
                .algorithms([Algorithm::HS256])
                .audience(AUDIENCE),
        )
        .trust(
            IssuerConfig::new(ISSUER)
                .hmac_secret(SECRET.to_vec())
                .algorithms([Algorithm::HS256])
                .audience(AUDIENCE)
                .roles_claim(STRICT.roles_path.join(".")),
        )
        .token_cache_capacity(256)
        .build()
        .expect("the fuzz configuration is valid")
});

/// The wardens under test, built once per process.
pub static WARDENS: LazyLock<[(Profile, Warden); 4]> =
    LazyLock::new(|| [STRICT, LOOSE, RSA, PARTY].map(|profile| (profile, profile.warden())));

/// Whether `FUZZ_DEBUG` is set: targets then print each input's outcome (for triage and
/// for checking that the seeds reach the paths they are meant to).
pub static DEBUG: LazyLock<bool> = LazyLock::new(|| std::env::var_os("FUZZ_DEBUG").is_some());

/// Seconds since the epoch, by the clock the runtime reads on Linux: the coarse real-time
/// clock, which lags the precise one by up to a tick. Read before and after a call, it
/// brackets the runtime's own reading, which the precise clock would not around a second's
/// boundary.
#[must_use]
pub fn now() -> u64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
    u64::try_from(now.tv_sec).unwrap_or(0)
}

fn mac(message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `base64url(header).base64url(payload).base64url(HMAC-SHA256)` with [`SECRET`], whatever
/// the bytes are.
#[must_use]
pub fn sign_hs256(header: &[u8], payload: &[u8]) -> String {
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let signature = URL_SAFE_NO_PAD.encode(mac(message.as_bytes()));
    format!("{message}.{signature}")
}

/// The token a `verify_token`-style input stands for: a flags byte, then the rest.
/// Bit 0 clear: the rest, lossily decoded as UTF-8. Bit 0 set: the next two bytes choose
/// where the rest splits into header and payload JSON bytes, signed with [`SECRET`]; with
/// bit 1 set too, every `NOW` in the payload becomes the current Unix time first. `None`
/// when the input is too short to say.
#[must_use]
pub fn token_input(data: &[u8]) -> Option<String> {
    let (&flags, rest) = data.split_first()?;
    if flags & 1 == 0 {
        return Some(String::from_utf8_lossy(rest).into_owned());
    }
    let (split, json) = rest.split_first_chunk::<2>()?;
    let at = usize::from(u16::from_le_bytes(*split)) % (json.len() + 1);
    let (header, payload) = json.split_at(at);
    Some(if flags & 2 == 0 {
        sign_hs256(header, payload)
    } else {
        sign_hs256(header, &replace(payload, b"NOW", now().to_string().as_bytes()))
    })
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// Whether `token` is exactly `h.p.s` with `s` the canonical encoding of the HMAC of `h.p`.
#[must_use]
pub fn signed_with_secret(token: &str) -> bool {
    match token.rsplit_once('.') {
        Some((message, signature)) => {
            message.split('.').count() == 2 && URL_SAFE_NO_PAD.encode(mac(message.as_bytes())) == signature
        }
        None => false,
    }
}

/// Panics unless `identity`, which a warden of `profile` returned for `token` while the
/// clock read between `before` and `after`, obeys every token-validation rule
/// (ARCHITECTURE.md, "Token validation").
///
/// For RS256 the signature itself is not re-checked (the fuzzer cannot forge one); the
/// shape and the claims are.
///
/// # Panics
/// On a broken rule, with a message that names it.
pub fn check_accepted(token: &str, identity: &Identity, profile: &Profile, before: u64, after: u64) {
    let claims = check_signed(token, profile);
    assert_eq!(identity.claims(), &claims, "the identity's claims are not the token's");
    check_times(&claims, before, after);
    check_parties(&claims, identity, profile);
    check_roles_and_scopes(&claims, identity, profile);
}

/// The token's shape, signature and header; returns its claims.
fn check_signed(token: &str, profile: &Profile) -> Map<String, Value> {
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(
        segments.len(),
        3,
        "accepted a token that is not three segments: {token:?}"
    );
    if profile.algorithm == Algorithm::HS256 {
        assert!(
            signed_with_secret(token),
            "accepted a token not signed with the key: {token:?}"
        );
    }
    let header = URL_SAFE_NO_PAD
        .decode(segments[0])
        .expect("accepted header is base64url");
    let header: Map<String, Value> = serde_json::from_slice(&header).expect("accepted header is a JSON object");
    let alg = match profile.algorithm {
        Algorithm::RS256 => "RS256",
        _ => "HS256",
    };
    assert_eq!(header.get("alg"), Some(&Value::from(alg)), "accepted alg: {header:?}");
    assert!(!header.contains_key("crit"), "accepted a crit header: {header:?}");
    assert!(
        header.get("kid").is_none_or(Value::is_string),
        "accepted a non-string kid: {header:?}"
    );
    if profile.access_token_type {
        let typ = header.get("typ").and_then(Value::as_str).map(str::to_ascii_lowercase);
        assert!(
            matches!(typ.as_deref(), Some("at+jwt" | "application/at+jwt")),
            "accepted typ {:?} where at+jwt is required",
            header.get("typ")
        );
    }
    let payload = URL_SAFE_NO_PAD
        .decode(segments[1])
        .expect("accepted payload is base64url");
    serde_json::from_slice(&payload).expect("accepted claims are a JSON object")
}

/// `exp` required and not past, `nbf` reached, both (and `iat`) numbers, within the leeway.
// NumericDates are compared as f64, as the runtime does (they may be fractional).
#[allow(clippy::cast_precision_loss)]
fn check_times(claims: &Map<String, Value>, before: u64, after: u64) {
    let leeway = LEEWAY as f64;
    let date = |name: &str| claims.get(name).map(|v| v.as_f64().filter(|f| f.is_finite()));
    match date("exp") {
        Some(Some(exp)) => assert!(exp + leeway > before as f64, "accepted an expired token: exp {exp}"),
        other => panic!("accepted a token whose exp is {other:?}"),
    }
    match date("nbf") {
        None => {}
        Some(Some(nbf)) => assert!(nbf <= (after + LEEWAY) as f64, "accepted a token before nbf {nbf}"),
        Some(None) => panic!("accepted a non-numeric nbf"),
    }
    assert!(!matches!(date("iat"), Some(None)), "accepted a non-numeric iat");
}

/// `iss`, `aud` and `sub`.
fn check_parties(claims: &Map<String, Value>, identity: &Identity, profile: &Profile) {
    match (profile.issuer, claims.get("iss")) {
        (Some(expected), Some(Value::String(iss))) => assert_eq!(iss, expected, "accepted iss"),
        (Some(_), other) => panic!("accepted iss {other:?}"),
        (None, None | Some(Value::String(_))) => {}
        (None, Some(other)) => panic!("accepted a non-string iss {other:?}"),
    }
    assert_eq!(
        identity.issuer(),
        claims.get("iss").and_then(Value::as_str),
        "identity issuer"
    );
    match (profile.audience, claims.get("aud")) {
        (None, None) => {}
        (None, Some(aud)) => panic!("accepted aud {aud:?} with no audience configured"),
        (Some(expected), Some(Value::String(aud))) => assert_eq!(aud, expected, "accepted aud"),
        (Some(expected), Some(Value::Array(items))) => {
            assert!(
                items.iter().all(Value::is_string),
                "accepted a non-string audience in {items:?}"
            );
            assert!(items.iter().any(|a| a == expected), "accepted aud {items:?}");
        }
        (Some(_), other) => panic!("accepted aud {other:?}"),
    }
    if !profile.tenants.is_empty() {
        let tid = claims.get("tid").and_then(Value::as_str);
        assert!(
            tid.is_some_and(|t| profile.tenants.contains(&t)),
            "accepted tid {:?}",
            claims.get("tid")
        );
    }
    if !profile.clients.is_empty() {
        let (azp, client_id) = (claims.get("azp"), claims.get("client_id"));
        assert!(
            azp.is_some() || client_id.is_some(),
            "accepted a token without azp or client_id"
        );
        for value in [azp, client_id].into_iter().flatten() {
            assert!(
                value.as_str().is_some_and(|c| profile.clients.contains(&c)),
                "accepted client {value:?}"
            );
        }
    }
    match claims.get("sub") {
        None => assert_eq!(identity.subject(), ""),
        Some(Value::String(sub)) => assert_eq!(identity.subject(), sub),
        Some(other) => panic!("accepted a non-string sub {other:?}"),
    }
}

/// Roles from the configured path, scopes from the configured claim, each within the cap.
fn check_roles_and_scopes(claims: &Map<String, Value>, identity: &Identity, profile: &Profile) {
    let (first, rest) = profile.roles_path.split_first().expect("a path");
    let mut roles = claims.get(*first);
    for segment in rest {
        roles = roles.and_then(Value::as_object).and_then(|object| object.get(*segment));
    }
    // A string is one role, never split; there is no cap beyond the token's size.
    let expected_roles = match roles {
        None => Vec::new(),
        Some(Value::String(role)) => vec![role.clone()],
        Some(value) => strings(value).unwrap_or_else(|| panic!("accepted roles {value:?}")),
    };
    // A role listed twice is held once, at its first place.
    let mut distinct: Vec<String> = Vec::new();
    for role in expected_roles {
        if !distinct.contains(&role) {
            distinct.push(role);
        }
    }
    assert_eq!(identity.roles(), distinct.as_slice(), "identity roles");

    let scope_value = match profile.scopes_claim {
        Some(name) => claims.get(name),
        None => claims.get("scope").or_else(|| claims.get("scp")),
    };
    let expected_scopes = match scope_value {
        None => Vec::new(),
        Some(Value::String(s)) => s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        Some(value) => strings(value).unwrap_or_else(|| panic!("accepted scopes {value:?}")),
    };
    assert_eq!(identity.scopes(), expected_scopes.as_slice(), "identity scopes");
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Whether an `Authorization` value names the Bearer scheme: `bearer` in any case, then a
/// space or the end (RFC 6750 §2.1, RFC 9110 §11.4).
#[must_use]
pub fn names_bearer_scheme(value: &[u8]) -> bool {
    value.len() >= 6 && value[..6].eq_ignore_ascii_case(b"bearer") && value.get(6).is_none_or(|&b| b == b' ')
}
