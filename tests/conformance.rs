//! The conformance matrix: one line of data per case (the table is `conformance/cases.rs`),
//! each driven through a real router.
//!
//! A case names the warden that guards the router (which key, which algorithms), how its
//! token is built, the shape of the request, and the answer the README's "Answers" table
//! prescribes: the status and the exact `WWW-Authenticate` challenge (none for 200). Every
//! refusal must also carry `Cache-Control: no-store` and an RFC 9457 body whose `status`
//! matches (no body for `HEAD`) and which never echoes the token; the handler must run
//! exactly when the answer is 200.
//!
//! Token constructions are data too. Every key is a key of the crate's own test kit
//! (`axum_warden::testing::TestIssuer`), except the second RSA key of `ForeignRsa`:
//!
//! - `Claims` / `Header` merge a JSON patch into the standard claims / header and sign with
//!   the warden's own key; `NoClaim` / `NoHeader` drop one member;
//! - `Raw(alg, header, payload)` signs exact bytes with the test key of `alg`;
//! - `Other(alg)` is the standard token of another algorithm, signed by its own test key;
//! - `Shape` rearranges the segments of the warden's valid token (`{h}`, `{p}`, `{s}`, …);
//! - `Unsigned`, `Grafted` (another token's signature), `StdHeader` (a header in the
//!   standard base64 alphabet), `Confused` (HMAC keyed with a public key), `ForeignRsa`
//!   (signed by an RSA key the warden does not know) and `Lit` (a literal) cover the rest.
//!
//! Inside JSON templates `$now±N` is the current Unix time plus or minus `N` seconds, `$base`
//! the members of a valid claims set without roles, `$list(N)` an array of `N` role names,
//! `$words(N)` a string of `N` space-separated scopes, `$nest(N)` `N` nested arrays and
//! `$pad(N)` a string of `N` characters. Time cases keep five seconds or more from every
//! boundary (the default leeway is 60 s) so that a slow run cannot flip them; a case may
//! sit closer only on the side that time moves away from (a token already expired beyond
//! the leeway only gets older).
//!
//! The warden `AtJwt` requires the RFC 9068 `typ` of access tokens (its valid token says
//! `at+jwt`); `Party` accepts the tenants `t1`, `t2` and the clients `web`, `cli` (its
//! standard claims carry `"tid":"t1","azp":"web"`, which `Claims` and `NoClaim` patch).
//!
//! The warden `HsMeta` declares a protected resource (RFC 9728), so its 401 challenges carry
//! `resource_metadata` (`BareMeta`, `InvalidTokenMeta`) while its 400 and 403 ones do not;
//! every other warden declares none, and no challenge of theirs carries the parameter.
//!
//! The warden `Pair` trusts two issuers: [`ISSUER`] with the HS256 test secret (its valid
//! token is `Hs`'s) and [`ISSUER_B`] with the P-256 test key (ES256). The token's `iss`
//! selects the issuer whose key and rules verify it, so its rows sign with one issuer's key
//! and claim the other's `iss`, or claim an issuer it does not trust.
//!
//! The warden `Places` also reads the token from the cookie `access_token` (trusting pages
//! of [`APP_ORIGIN`] to send it on unsafe requests), and on WebSocket upgrades from the
//! query parameter `access_token` and the subprotocol pair `bearer, <token>`. A request's
//! `extra` headers (`with(req, &[(name, value)])`, `{t}` the token) put a token there;
//! `post` sends a `POST`, and `UPGRADE` and `COOKIE` are the common extras.
//!
//! The warden `Schemes` accepts, beside its JWTs, API keys in `x-api-key` (scheme `ApiKey`:
//! `k-admin` holds role `admin`, `k-reader` role `reader`) and sessions in the cookie
//! `session` (scheme `Session`: `s-admin` holds `admin`). A request without credentials
//! gets one `WWW-Authenticate` header field per scheme (`BareSchemes`); a refused API key
//! or session, its own scheme's challenge alone (`SchemeOnly`).
//!
//! The warden `Dpop` accepts DPoP-bound tokens (RFC 9449) beside bearer ones; its valid token
//! is bound to the test kit's EdDSA key. A `dpop` header template `{proof}` is a valid proof
//! of that key for the case's method and path with its token, and `{proof-<name>}` one made
//! wrong in one way (`post`, `uri`, `origin`, `key`, `ath`, `token`, `old`, `future`,
//! `none`, `hs`, `typ`, `private`). `{proof-replayed}` is one proof per token, which the
//! matrix sends once (it must pass) before the case's request replays it.
//!
//! The warden `Revoking` checks an in-memory revocation list (a token, a session, a session
//! of another issuer only, and a subject's tokens issued up to when it was built): a
//! revoked token verifies and is refused as `invalid_token`, on a cache hit as on first sight.
//!
//! The RFC 7515 Appendix A examples (A.1 HS256, A.2 RS256, A.3 ES256) are external ground
//! truth: wardens built on their published keys must verify them and refuse them only because
//! they expired in 2011, and refuse them for their signature once one byte of it is flipped.

mod harness;

#[path = "conformance/cases.rs"]
mod cases;
#[path = "conformance/rfc7515.rs"]
mod rfc7515;

use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Body;
use axum::routing;
use axum_warden::__private::Guard;
use axum_warden::testing::{TestIssuer, sign_hmac};
use axum_warden::{Algorithm, AuthError, Authenticator, Identity, Scheme, TokenError, Warden, credentials};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use harness::{
    AUDIENCE, AdminMfaRecentPolicy, AdminPolicy, Answer, AuditPolicy, AuthPolicy, BothScopesPolicy, EditWritePolicy,
    EditorsPolicy, ISSUER, MfaPolicy, OrdersPolicy, PublicPolicy, RecentPolicy, Runs, send,
};
use http::HeaderValue;
use http::header::AUTHORIZATION;
use http::request::Parts;
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};

use Algorithm::{ES256, ES384, EdDSA, HS256, HS384, HS512, PS256, RS256};
use Chal::{
    Absent, Bare, BareDpop, BareMeta, BareSchemes, DpopError, Insufficient, InvalidRequest, InvalidToken,
    InvalidTokenMeta, SchemeOnly, Scope, StepUpAcr, StepUpAcrMeta, StepUpAge, StepUpBoth,
};
use Form::{Bits, Der, Pem};
use Tok::{
    Claims, Confused, ForeignRsa, Good, Grafted, Header, Lit, NoClaim, NoHeader, Other, Raw, Shape, StdHeader, Unsigned,
};
use W::{
    A1, A2, A3, AtJwt, Dpop, Ed, Es, Es384, Hs, Hs384, Hs512, HsMeta, Jwks, JwksRsa, Pair, Party, Places, Ps, Revoking,
    Rs, Schemes,
};
use cases::CASES;

// ---------------------------------------------------------------------------------------------
// The vocabulary of the table.
// ---------------------------------------------------------------------------------------------

/// The warden guarding the router of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum W {
    /// HS256 with the test secret.
    Hs,
    /// HS384 with the test secret.
    Hs384,
    /// HS512 with the test secret.
    Hs512,
    /// RS256 with the RSA test key.
    Rs,
    /// PS256 with the RSA test key.
    Ps,
    /// ES256 with the P-256 test key.
    Es,
    /// ES384 with the P-384 test key.
    Es384,
    /// EdDSA with the Ed25519 test key.
    Ed,
    /// A JWKS document: the P-256 test key as kid `ec` (ES256), the Ed25519 one as kid `ed`,
    /// neither with `alg`.
    Jwks,
    /// A JWKS document: the RSA test key as kid `r1` (`alg` RS256), the P-256 one as kid
    /// `e1` (`alg` ES256); no algorithms configured, so the set's own.
    JwksRsa,
    /// RFC 7515 A.1: HS256 with the published symmetric key; issuer `joe`, no audience.
    A1,
    /// RFC 7515 A.2: RS256 with the published RSA key; issuer `joe`, no audience.
    A2,
    /// RFC 7515 A.3: ES256 with the published P-256 key; issuer `joe`, no audience.
    A3,
    /// HS256 with the test secret, guarding the protected resource [`RESOURCE`] (RFC 9728):
    /// its 401 challenges name [`METADATA_URL`].
    HsMeta,
    /// HS256 with the test secret, requiring `typ: at+jwt` (RFC 9068); its valid token has it.
    AtJwt,
    /// HS256 with the test secret, accepting the tenants `t1`, `t2` and the clients `web`,
    /// `cli`; its standard claims carry `"tid":"t1","azp":"web"`.
    Party,
    /// Two trusted issuers: [`ISSUER`] with the HS256 test secret, [`ISSUER_B`] with the
    /// P-256 test key (ES256); both for the audience `api`.
    Pair,
    /// HS256 with the test secret, reading the token from the header, the cookie
    /// `access_token` (pages of [`APP_ORIGIN`] trusted to send it), and on WebSocket
    /// upgrades the query parameter `access_token` and the subprotocols `bearer, <token>`.
    Places,
    /// HS256 with the test secret, and beside it the schemes `ApiKey` (header `x-api-key`)
    /// and `Session` (cookie `session`), in that order.
    Schemes,
    /// HS256 with the test secret, accepting DPoP-bound tokens beside bearer ones
    /// ([`DPOP_ORIGIN`]); its valid token is bound to [`dpop_key`] (`cnf.jkt`).
    Dpop,
    /// HS256 with the test secret, checking an in-memory revocation list that holds the
    /// token `revoked-jti`, the session `revoked-sid`, the session `other-sid` of the
    /// issuer `https://other.test` only, and every token of `revoked-sub` issued up to
    /// when the warden was built.
    Revoking,
}

/// The `algs` of DPoP challenges: every asymmetric algorithm, the default.
const DPOP_ALGS: &str = "ES256 ES384 EdDSA PS256 PS384 PS512 RS256 RS384 RS512";

/// The origin the DPoP proofs of `Dpop`'s requests name.
const DPOP_ORIGIN: &str = "https://api.example";

/// The client key the valid token of `Dpop` is bound to.
fn dpop_key() -> &'static axum_warden::testing::DpopKey {
    static KEY: std::sync::LazyLock<axum_warden::testing::DpopKey> =
        std::sync::LazyLock::new(|| axum_warden::testing::DpopKey::new(EdDSA));
    &KEY
}

/// The DPoP proof a header template names (`{proof}`, or `{proof-<how it is wrong>}`),
/// for a `method` request to `path` with `token`.
fn proof(name: &[u8], method: &str, path: &str, token: &str) -> String {
    let url = format!("{DPOP_ORIGIN}{}", path.split('?').next().unwrap_or(path));
    let key = dpop_key();
    let with = |claims: Value, header: Value| key.proof_with(method, &url, token, &claims, &header);
    let now = harness::now();
    match name {
        b"{proof}" => key.proof(method, &url, token),
        // One proof per token, the same each time: the matrix sends it once before the
        // case's request (see `primes`), so the case's request replays it.
        b"{proof-replayed}" => {
            thread_local! {
                static MADE: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
            }
            MADE.with(|made| {
                made.borrow_mut()
                    .entry(token.to_owned())
                    .or_insert_with(|| key.proof(method, &url, token))
                    .clone()
            })
        }
        b"{proof-post}" => key.proof("POST", &url, token),
        b"{proof-uri}" => key.proof(method, &format!("{DPOP_ORIGIN}/me"), token),
        b"{proof-origin}" => key.proof(method, &url.replace(DPOP_ORIGIN, "https://evil.example"), token),
        b"{proof-key}" => axum_warden::testing::DpopKey::new(ES384).proof(method, &url, token),
        b"{proof-ath}" => with(json!({"ath": null}), json!({})),
        b"{proof-token}" => key.proof(method, &url, "another-token"),
        b"{proof-old}" => with(json!({"iat": now - 120}), json!({})),
        b"{proof-future}" => with(json!({"iat": now + 120}), json!({})),
        b"{proof-none}" => with(json!({}), json!({"alg": "none"})),
        b"{proof-hs}" => with(json!({}), json!({"alg": "HS256"})),
        b"{proof-typ}" => with(json!({}), json!({"typ": "JWT"})),
        b"{proof-private}" => {
            let mut jwk = key.public_jwk();
            jwk["d"] = json!("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
            with(json!({}), json!({ "jwk": jwk }))
        }
        other => panic!("no proof template {}", String::from_utf8_lossy(other)),
    }
}

/// The revocation list of `Revoking`. Revoking in memory never waits, so its futures are
/// polled once.
fn revocation_list() -> axum_warden::Revocations {
    use axum_warden::Revocation;
    let list = axum_warden::Revocations::in_memory();
    for revocation in [
        Revocation::token("revoked-jti", u64::MAX / 4),
        Revocation::session("revoked-sid"),
        Revocation::session("other-sid").issued_by("https://other.test"),
        Revocation::subject("revoked-sub"),
    ] {
        let mut future = std::pin::pin!(list.revoke(revocation));
        let waker = std::task::Waker::noop();
        let ready = std::future::Future::poll(future.as_mut(), &mut std::task::Context::from_waker(waker));
        assert!(
            matches!(ready, std::task::Poll::Ready(Ok(()))),
            "an in-memory list takes it at once"
        );
    }
    list
}

/// API keys in `x-api-key`: `k-admin` (role `admin`) and `k-reader` (role `reader`).
struct ApiKeys;

impl Authenticator for ApiKeys {
    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        let key = credentials::single(parts.headers.get_all("x-api-key").iter().map(Some))?;
        let role = match key.as_bytes() {
            b"k-admin" => "admin",
            b"k-reader" => "reader",
            _ => return Err(AuthError::InvalidToken(TokenError::Rejected)),
        };
        Ok(Identity::builder("service").roles([role]).build())
    }
}

/// Sessions in the cookie `session`: `s-admin` (role `admin`), under the cross-site rule.
struct Sessions;

impl Authenticator for Sessions {
    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        let Some(session) = credentials::cookie(&parts.headers, "session")? else {
            return Err(AuthError::MissingCredentials);
        };
        if !credentials::cookie_allowed::<&str>(parts, &[]) {
            return Err(AuthError::MissingCredentials);
        }
        match session {
            "s-admin" => Ok(Identity::builder("bob").roles(["admin"]).build()),
            _ => Err(AuthError::InvalidToken(TokenError::Rejected)),
        }
    }
}

/// The origin `Places` trusts to send its token cookie on unsafe requests.
const APP_ORIGIN: &str = "https://app.example";

/// The second issuer of `Pair`.
const ISSUER_B: &str = "https://b.issuer.test";

/// The resource identifier of `HsMeta`.
const RESOURCE: &str = "https://api.example.com/v1";
/// Where the metadata of [`RESOURCE`] lives (RFC 9728 §3.1), as its challenges name it.
const METADATA_URL: &str = "https://api.example.com/.well-known/oauth-protected-resource/v1";

impl W {
    const ALL: [Self; 21] = [
        Hs, Hs384, Hs512, Rs, Ps, Es, Es384, Ed, Jwks, JwksRsa, A1, A2, A3, HsMeta, AtJwt, Party, Pair, Places,
        Schemes, Revoking, Dpop,
    ];

    fn alg(self) -> Algorithm {
        match self {
            Hs | HsMeta | A1 | AtJwt | Party | Pair | Places | Schemes | Revoking | Dpop => HS256,
            Hs384 => HS384,
            Hs512 => HS512,
            Rs | JwksRsa | A2 => RS256,
            Ps => PS256,
            Es | Jwks | A3 => ES256,
            Es384 => ES384,
            Ed => EdDSA,
        }
    }

    fn warden(self) -> Warden {
        match self {
            Hs | Hs384 | Hs512 | Rs | Ps | Es | Es384 | Ed => harness::warden(self.alg()),
            AtJwt => harness::issuer(HS256)
                .warden_builder()
                .require_access_token_type(true)
                .build()
                .expect("a warden requiring at+jwt"),
            Party => harness::issuer(HS256)
                .warden_builder()
                .tenants(["t1", "t2"])
                .client_ids(["web", "cli"])
                .build()
                .expect("a warden with tenants and clients"),
            HsMeta => harness::issuer(HS256)
                .warden_builder()
                .acr_order(harness::ACR_ORDER)
                .protected_resource(RESOURCE)
                .build()
                .expect("a warden with a protected resource"),
            Pair => Warden::builder()
                .trust(harness::issuer(HS256).issuer_config())
                .trust(harness::issuer(ES256).with_issuer(ISSUER_B).issuer_config())
                .build()
                .expect("a warden of two issuers"),
            Places => harness::issuer(HS256)
                .warden_builder()
                .token_cookie("access_token")
                .cookie_origins([APP_ORIGIN])
                .websocket_query_token("access_token")
                .websocket_protocol_token(true)
                .build()
                .expect("a warden reading several places"),
            Dpop => harness::issuer(HS256)
                .warden_builder()
                .dpop(axum_warden::DpopMode::Allowed)
                .dpop_origin(DPOP_ORIGIN)
                .build()
                .expect("a warden accepting DPoP"),
            Revoking => harness::issuer(HS256)
                .warden_builder()
                .revocations(revocation_list())
                .build()
                .expect("a warden with revocations"),
            Schemes => harness::issuer(HS256)
                .warden_builder()
                .also_accept(Scheme::header("ApiKey", "x-api-key"), ApiKeys)
                .also_accept(Scheme::cookie("Session", "session"), Sessions)
                .build()
                .expect("a warden with three schemes"),
            Jwks => Warden::builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .algorithms([ES256, EdDSA])
                .jwks_json(test_jwks())
                .build()
                .expect("JWKS warden"),
            JwksRsa => {
                let jwk = |alg, kid| TestIssuer::new(alg).public_jwk(kid).expect("a public key");
                Warden::builder()
                    .issuer(ISSUER)
                    .audience(AUDIENCE)
                    .jwks_json(json!({"keys": [jwk(RS256, "r1"), jwk(ES256, "e1")]}).to_string())
                    .build()
                    .expect("JWKS warden")
            }
            // The A.1 key as RFC 7515 publishes it: a symmetric JWK in a local key set.
            A1 => rfc_builder()
                .jwks_json(json!({"keys": [{"kty": "oct", "k": rfc7515::A1_KEY}]}).to_string())
                .build()
                .expect("A.1 warden"),
            A2 => rfc_builder()
                .jwks_json(json!({"keys": [{"kty": "RSA", "n": rfc7515::A2_N, "e": "AQAB"}]}).to_string())
                .algorithms([RS256])
                .build()
                .expect("A.2 warden"),
            A3 => rfc_builder()
                .jwks_json(
                    json!({"keys": [{"kty": "EC", "crv": "P-256", "x": rfc7515::A3_X, "y": rfc7515::A3_Y}]})
                        .to_string(),
                )
                .algorithms([ES256])
                .build()
                .expect("A.3 warden"),
        }
    }

    /// The header of this warden's valid tokens.
    fn header(self) -> Value {
        let mut header = json!({"alg": alg_name(self.alg()), "typ": "JWT"});
        match self {
            Jwks => header["kid"] = json!("ec"),
            JwksRsa => header["kid"] = json!("r1"),
            AtJwt => header["typ"] = json!("at+jwt"),
            _ => {}
        }
        header
    }

    /// The valid token of this warden (for the RFC wardens, the RFC's example).
    fn good(self, now: i64) -> String {
        match self {
            A1 => rfc7515::a1(),
            A2 => rfc7515::a2(),
            A3 => rfc7515::a3(),
            _ => sign_json(self.alg(), &self.header(), &self.claims(now)),
        }
    }

    /// The standard claims of this warden's tokens.
    fn claims(self, now: i64) -> Value {
        match self {
            Party => patched(std_claims(now), r#"{"tid":"t1","azp":"web"}"#, now),
            Dpop => {
                let mut claims = std_claims(now);
                claims["cnf"] = json!({ "jkt": dpop_key().thumbprint() });
                claims
            }
            _ => std_claims(now),
        }
    }
}

/// How the token of a case is built.
#[derive(Debug, Clone, Copy)]
enum Tok {
    /// The warden's valid token: standard claims (roles `["admin"]`), standard header.
    Good,
    /// The standard claims with these members set (a JSON object; `$` templates expanded).
    Claims(&'static str),
    /// The standard claims without this member.
    NoClaim(&'static str),
    /// The standard header with these members set.
    Header(&'static str),
    /// The standard header without this member.
    NoHeader(&'static str),
    /// Exactly these header and payload bytes (`$` templates expanded), signed by the test key of `alg`.
    Raw(Algorithm, &'static [u8], &'static [u8]),
    /// The standard claims under the standard header of `alg` (`{"alg":…,"typ":"JWT"}`),
    /// signed by the test key of `alg`: a valid token of another algorithm.
    Other(Algorithm),
    /// This header, the standard claims and an empty signature.
    Unsigned(&'static str),
    /// This header and the standard claims, then the signature of the valid token of that
    /// warden: a real signature, over other bytes.
    Grafted(&'static str, W),
    /// This header in the standard, padded base64 alphabet, then the payload and the
    /// signature of the warden's valid token.
    StdHeader(&'static str),
    /// The standard token with `alg` set to this HMAC, keyed in some form with the public
    /// test key of the other algorithm.
    Confused(Algorithm, Algorithm, Form),
    /// The standard token of the warden's algorithm (RSA), signed by a second RSA key that
    /// the warden does not know (`tests/keys/rsa2.key`).
    ForeignRsa,
    /// A rearrangement of the segments of the warden's valid token (see [`shape`]).
    Shape(&'static str),
    /// This literal string.
    Lit(&'static str),
}

/// The bytes of a public key used as an HMAC secret.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// The PEM text, byte for byte.
    Pem,
    /// The DER `SubjectPublicKeyInfo`.
    Der,
    /// The key itself: the PKCS#1 RSA key, the EC point, the Ed25519 public key.
    Bits,
}

/// The `WWW-Authenticate` challenge a case expects (realm `api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chal {
    /// No challenge (200).
    Absent,
    /// `Bearer realm="api"`: no credentials, or not Bearer ones.
    Bare,
    /// `error="invalid_request"` (400).
    InvalidRequest,
    /// `error="invalid_token"` (401).
    InvalidToken,
    /// `Bearer realm="api", resource_metadata="…"`: [`Bare`] at a warden with a protected
    /// resource.
    BareMeta,
    /// `error="invalid_token", resource_metadata="…"`: [`InvalidToken`] at a warden with a
    /// protected resource.
    InvalidTokenMeta,
    /// `error="insufficient_scope"` without `scope` (403 on a role rule).
    Insufficient,
    /// `error="insufficient_scope", scope="…"` (403 on a scope rule).
    Scope(&'static str),
    /// RFC 9470 §3, first example: `error="insufficient_user_authentication"`, its
    /// description, `acr_values="…"` (401, the class fell short).
    StepUpAcr(&'static str),
    /// RFC 9470 §3, second example: the description and `max_age="…"` (401, the
    /// authentication is too old).
    StepUpAge(u64),
    /// Both parts short: the first example's description, `acr_values` and `max_age`.
    StepUpBoth(&'static str, u64),
    /// [`StepUpAcr`] at a warden with a protected resource: `resource_metadata` last.
    StepUpAcrMeta(&'static str),
    /// One header field per scheme of `Schemes`: `Bearer realm="api"`, `ApiKey realm="api"`,
    /// `Session realm="api"`, in that order.
    BareSchemes,
    /// The challenge of one scheme accepted beside the JWTs, alone: `<name> realm="api"`.
    SchemeOnly(&'static str),
    /// `Bearer realm="api"` and `DPoP realm="api", algs="…"`, one header field each: no
    /// credentials at a warden that allows DPoP.
    BareDpop,
    /// `DPoP realm="api", error="…", algs="…"`: a refused DPoP request.
    DpopError(&'static str),
}

impl Chal {
    fn header(self) -> Option<String> {
        let realm = r#"Bearer realm="api""#;
        Some(match self {
            Absent => return None,
            Bare => realm.to_owned(),
            InvalidRequest => format!(r#"{realm}, error="invalid_request""#),
            InvalidToken => format!(r#"{realm}, error="invalid_token""#),
            BareMeta => format!(r#"{realm}, resource_metadata="{METADATA_URL}""#),
            InvalidTokenMeta => format!(r#"{realm}, error="invalid_token", resource_metadata="{METADATA_URL}""#),
            Insufficient => format!(r#"{realm}, error="insufficient_scope""#),
            Scope(scopes) => format!(r#"{realm}, error="insufficient_scope", scope="{scopes}""#),
            StepUpAcr(acr) => format!(
                r#"{realm}, error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="{acr}""#
            ),
            StepUpAge(max_age) => format!(
                r#"{realm}, error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="{max_age}""#
            ),
            StepUpBoth(acr, max_age) => format!(
                r#"{realm}, error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="{acr}", max_age="{max_age}""#
            ),
            BareSchemes => format!("{realm}\nApiKey realm=\"api\"\nSession realm=\"api\""),
            SchemeOnly(name) => format!(r#"{name} realm="api""#),
            BareDpop => format!("{realm}\nDPoP realm=\"api\", algs=\"{DPOP_ALGS}\""),
            DpopError(error) => format!(r#"DPoP realm="api", error="{error}", algs="{DPOP_ALGS}""#),
            StepUpAcrMeta(acr) => format!(
                r#"{realm}, error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="{acr}", resource_metadata="{METADATA_URL}""#
            ),
        })
    }

    /// Whether this challenge belongs with `status` (the README's "Answers" table), so that
    /// a typo in the table fails loudly instead of testing nonsense.
    fn fits(self, status: u16) -> bool {
        matches!(
            (status, self),
            (200, Absent)
                | (400, InvalidRequest | DpopError("invalid_request"))
                | (
                    401,
                    Bare | InvalidToken
                        | BareMeta
                        | InvalidTokenMeta
                        | StepUpAcr(_)
                        | StepUpAge(_)
                        | StepUpBoth(..)
                        | StepUpAcrMeta(_)
                        | BareSchemes
                        | SchemeOnly(_)
                        | BareDpop
                        | DpopError("invalid_token" | "invalid_dpop_proof")
                )
                | (403, Insufficient | Scope(_) | DpopError("insufficient_scope"))
        )
    }
}

#[derive(Debug, Clone, Copy)]
enum M {
    Get,
    Head,
    Options,
    Post,
}

/// `Authorization` header values; `{t}` stands for the token.
#[derive(Debug, Clone, Copy)]
enum Auth {
    Nothing,
    One(&'static [u8]),
    Two(&'static [u8], &'static [u8]),
}

/// The request of a case; `{t}` in the path stands for the token too.
#[derive(Debug, Clone, Copy)]
struct Req {
    method: M,
    path: &'static str,
    auth: Auth,
    /// Further headers; `{t}` in a value stands for the token.
    extra: &'static [(&'static str, &'static [u8])],
}

const fn get(path: &'static str, auth: &'static [u8]) -> Req {
    Req {
        method: M::Get,
        path,
        auth: Auth::One(auth),
        extra: &[],
    }
}

const fn head(path: &'static str, auth: &'static [u8]) -> Req {
    Req {
        method: M::Head,
        path,
        auth: Auth::One(auth),
        extra: &[],
    }
}

const fn options(path: &'static str, auth: &'static [u8]) -> Req {
    Req {
        method: M::Options,
        path,
        auth: Auth::One(auth),
        extra: &[],
    }
}

const fn anon(method: M, path: &'static str) -> Req {
    Req {
        method,
        path,
        auth: Auth::Nothing,
        extra: &[],
    }
}

const fn two(path: &'static str, first: &'static [u8], second: &'static [u8]) -> Req {
    Req {
        method: M::Get,
        path,
        auth: Auth::Two(first, second),
        extra: &[],
    }
}

const fn post(path: &'static str, auth: &'static [u8]) -> Req {
    Req {
        method: M::Post,
        path,
        auth: Auth::One(auth),
        extra: &[],
    }
}

/// `req` with the headers `extra` besides its `Authorization`.
const fn with(req: Req, extra: &'static [(&'static str, &'static [u8])]) -> Req {
    Req {
        method: req.method,
        path: req.path,
        auth: req.auth,
        extra,
    }
}

/// The headers of a WebSocket handshake.
const UPGRADE: (&str, &[u8]) = ("upgrade", b"websocket");
/// The token in the cookie `Places` reads.
const COOKIE: (&str, &[u8]) = ("cookie", b"theme=dark; access_token={t}");

const BEARER: &[u8] = b"Bearer {t}";
/// Requires role `admin`.
const ADMIN: Req = get("/admin", BEARER);
/// `GET /admin` with `Authorization: DPoP <token>`; its proof is an extra header.
const DPOP: Req = get("/admin", b"DPoP {t}");
/// A valid DPoP proof for the request (see [`proof`]).
const PROOF: (&str, &[u8]) = ("dpop", b"{proof}");
/// Requires a verified identity.
const ME: Req = get("/me", BEARER);
/// Requires role `editor` or `admin`.
const EDITORS: Req = get("/editors", BEARER);
/// Requires roles `admin` and `auditor`.
const AUDIT: Req = get("/audit", BEARER);
/// Requires scope `orders:read`.
const ORDERS: Req = get("/orders", BEARER);
/// Requires scopes `orders:read` and `orders:write`.
const BOTH: Req = get("/orders/both", BEARER);
/// Public.
const OPEN: Req = get("/open", BEARER);
/// Requires role `editor` and scope `articles:write`.
const EDIT: Req = get("/articles/edit", BEARER);
/// Requires `acr` `mfa` or stronger (`pwd < mfa < hwk`).
const MFA: Req = get("/step-up/mfa", BEARER);
/// Requires an authentication at most 300 s old.
const RECENT: Req = get("/step-up/recent", BEARER);
/// Requires role `admin`, `acr` `mfa` or stronger, and an authentication at most 300 s old.
const ADMIN_MFA: Req = get("/step-up/admin", BEARER);

struct Case {
    name: &'static str,
    w: W,
    tok: Tok,
    req: Req,
    status: u16,
    chal: Chal,
}

const fn case(name: &'static str, w: W, tok: Tok, req: Req, status: u16, chal: Chal) -> Case {
    Case {
        name,
        w,
        tok,
        req,
        status,
        chal,
    }
}

// ---------------------------------------------------------------------------------------------
// The runner.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn conformance_matrix() {
    // The count when the last rows were added: a row may move, not vanish.
    assert!(CASES.len() >= 684, "{} cases: fewer than before", CASES.len());
    let mut names = std::collections::HashSet::new();
    for case in CASES {
        assert!(names.insert(case.name), "two cases are named {:?}", case.name);
        assert!(
            case.chal.fits(case.status),
            "{}: {:?} does not go with {}",
            case.name,
            case.chal,
            case.status
        );
    }
    let apps: Vec<(W, Router, Runs)> = W::ALL
        .iter()
        .map(|&w| {
            let runs = Runs::default();
            (w, app(w.warden(), &runs), runs)
        })
        .collect();

    let mut failures = Vec::new();
    for case in CASES {
        let (_, app, runs) = apps
            .iter()
            .find(|(w, _, _)| *w == case.w)
            .expect("every warden is built");
        let token = build(case.tok, case.w);
        if primes(&case.req) {
            // The same request once before, for a replay to be one.
            let first = send(app, request(&case.req, &token)).await;
            assert_eq!(first.status, 200, "{}: the first use of the proof passes", case.name);
        }
        let before = runs.count();
        let answer = send(app, request(&case.req, &token)).await;
        let ran = runs.count() - before;
        let problems = judge(case, &answer, ran, &token);
        if !problems.is_empty() {
            failures.push(format!(
                "{}\n    expected {} {:?}\n    got      {} {:?}, handler ran {ran}×, body {}\n    {}",
                case.name,
                case.status,
                case.chal.header(),
                answer.status,
                answer.challenge(),
                shorten(&String::from_utf8_lossy(&answer.body)),
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// Everything wrong with `answer` for `case`.
fn judge(case: &Case, answer: &Answer, ran: usize, token: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if answer.status != case.status {
        problems.push(format!("status {} instead of {}", answer.status, case.status));
    }
    // Every header field, one a line, in order: several only where the case expects them.
    let fields: Vec<String> = answer
        .headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    let challenge = (!fields.is_empty()).then(|| fields.join("\n"));
    if challenge != case.chal.header() {
        problems.push("wrong WWW-Authenticate".to_owned());
    }
    if ran != usize::from(answer.status == 200) {
        problems.push(format!("the handler ran {ran}× for a {}", answer.status));
    }
    if answer.status == 200 {
        return problems;
    }
    if answer.headers.get("cache-control").map(HeaderValue::as_bytes) != Some(b"no-store") {
        problems.push("no Cache-Control: no-store".to_owned());
    }
    if answer.headers.get("content-type").map(HeaderValue::as_bytes) != Some(b"application/problem+json") {
        problems.push("not application/problem+json".to_owned());
    }
    if matches!(case.req.method, M::Head) {
        if !answer.body.is_empty() {
            problems.push("a HEAD answer with a body".to_owned());
        }
    } else {
        match serde_json::from_slice::<Value>(&answer.body) {
            Ok(body) if body["status"] == answer.status && body["title"].is_string() => {}
            _ => problems.push("the body is not problem details with the status".to_owned()),
        }
    }
    let leaks = token.len() >= 16 && answer.body.windows(token.len()).any(|w| w == token.as_bytes());
    if leaks {
        problems.push("the body echoes the token".to_owned());
    }
    problems
}

fn shorten(text: &str) -> String {
    if text.len() <= 200 {
        return text.to_owned();
    }
    let end = (0..=200).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}…", &text[..end])
}

/// A router whose guarded handlers count their runs; `/admin` also answers OPTIONS.
fn app(warden: Warden, runs: &Runs) -> Router {
    let hit = || {
        let runs = runs.clone();
        move || {
            runs.0.fetch_add(1, Ordering::SeqCst);
            "ran"
        }
    };
    let (open, me, editors, audit, orders, both) = (hit(), hit(), hit(), hit(), hit(), hit());
    let (edit, mfa, recent, admin_mfa) = (hit(), hit(), hit(), hit());
    let admin = hit();
    let admin = async move |_: Guard<AdminPolicy>| admin();
    Router::new()
        .route("/open", routing::get(async move |_: Guard<PublicPolicy>| open()))
        .route(
            "/me",
            routing::get(async move |_: Guard<AuthPolicy>, user: Identity| {
                me();
                user.subject().to_owned()
            }),
        )
        .route("/admin", routing::get(admin.clone()).post(admin.clone()).options(admin))
        .route("/editors", routing::get(async move |_: Guard<EditorsPolicy>| editors()))
        .route("/audit", routing::get(async move |_: Guard<AuditPolicy>| audit()))
        .route("/orders", routing::get(async move |_: Guard<OrdersPolicy>| orders()))
        .route(
            "/orders/both",
            routing::get(async move |_: Guard<BothScopesPolicy>| both()),
        )
        .route(
            "/articles/edit",
            routing::get(async move |_: Guard<EditWritePolicy>| edit()),
        )
        .route("/step-up/mfa", routing::get(async move |_: Guard<MfaPolicy>| mfa()))
        .route(
            "/step-up/recent",
            routing::get(async move |_: Guard<RecentPolicy>| recent()),
        )
        .route(
            "/step-up/admin",
            routing::get(async move |_: Guard<AdminMfaRecentPolicy>| admin_mfa()),
        )
        .with_state(warden)
}

/// Whether a case's request replays a proof (`{proof-replayed}`): the matrix then sends it
/// once before.
fn primes(req: &Req) -> bool {
    req.extra.iter().any(|(_, value)| *value == b"{proof-replayed}")
}

fn request(req: &Req, token: &str) -> http::Request<Body> {
    let method = match req.method {
        M::Get => http::Method::GET,
        M::Head => http::Method::HEAD,
        M::Options => http::Method::OPTIONS,
        M::Post => http::Method::POST,
    };
    let method_name = method.as_str().to_owned();
    let fill = |template: &[u8]| {
        if template.starts_with(b"{proof") {
            let proof = proof(template, &method_name, req.path, token);
            return HeaderValue::from_str(&proof).expect("a proof is a header value");
        }
        let value = replace(template, b"{t}", token.as_bytes());
        HeaderValue::from_bytes(&value).expect("a header value the http crate accepts")
    };
    let mut builder = http::Request::builder()
        .method(method)
        .uri(req.path.replace("{t}", token));
    match req.auth {
        Auth::Nothing => {}
        Auth::One(value) => builder = builder.header(AUTHORIZATION, fill(value)),
        Auth::Two(first, second) => {
            builder = builder
                .header(AUTHORIZATION, fill(first))
                .header(AUTHORIZATION, fill(second));
        }
    }
    for (name, value) in req.extra {
        builder = builder.header(*name, fill(value));
    }
    builder.body(Body::empty()).expect("request")
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + with.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(needle) {
            out.extend_from_slice(with);
            rest = &rest[needle.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Token construction.
// ---------------------------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn alg_name(alg: Algorithm) -> String {
    format!("{alg:?}")
}

/// The claims of a valid token. `jti` makes every payload carry `+` or `/` in the standard
/// base64 alphabet, so that `{p+}` differs from `{p}`.
fn std_claims(now: i64) -> Value {
    json!({
        "sub": "alice",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now + 3600,
        "roles": ["admin"],
        "jti": "??>??>??>~~~",
    })
}

/// Exactly these bytes, signed by the test kit's key of `alg`.
fn sign_raw(header: &[u8], payload: &[u8], alg: Algorithm) -> String {
    TestIssuer::new(alg).sign_raw(header, payload)
}

fn sign_json(alg: Algorithm, header: &Value, claims: &Value) -> String {
    sign_raw(header.to_string().as_bytes(), claims.to_string().as_bytes(), alg)
}

fn patched(mut base: Value, patch: &str, now: i64) -> Value {
    let patch: Value = serde_json::from_slice(&expand(patch.as_bytes(), now)).expect("the patch is JSON");
    let (Some(map), Value::Object(patch)) = (base.as_object_mut(), patch) else {
        panic!("patches are objects");
    };
    map.extend(patch);
    base
}

fn without(mut base: Value, member: &str) -> Value {
    base.as_object_mut()
        .expect("object")
        .remove(member)
        .expect("the member exists");
    base
}

fn build(tok: Tok, w: W) -> String {
    let now = harness::now();
    let alg = w.alg();
    match tok {
        Good => w.good(now),
        Claims(patch) => sign_json(alg, &w.header(), &patched(w.claims(now), patch, now)),
        NoClaim(member) => sign_json(alg, &w.header(), &without(w.claims(now), member)),
        Header(patch) => sign_json(alg, &patched(w.header(), patch, now), &w.claims(now)),
        NoHeader(member) => sign_json(alg, &without(w.header(), member), &w.claims(now)),
        Raw(alg, header, payload) => sign_raw(&expand(header, now), &expand(payload, now), alg),
        Other(alg) => sign_json(alg, &json!({"alg": alg_name(alg), "typ": "JWT"}), &std_claims(now)),
        Unsigned(header) => format!(
            "{}.{}.",
            b64(header.as_bytes()),
            b64(std_claims(now).to_string().as_bytes())
        ),
        Grafted(header, donor) => {
            let good = donor.good(now);
            let signature = good.rsplit('.').next().expect("three segments");
            format!(
                "{}.{}.{signature}",
                b64(header.as_bytes()),
                b64(std_claims(now).to_string().as_bytes())
            )
        }
        StdHeader(header) => {
            let good = w.good(now);
            let (_, rest) = good.split_once('.').expect("three segments");
            format!("{}.{rest}", STANDARD.encode(header))
        }
        Confused(hmac, key, form) => {
            let mut header = w.header();
            header["alg"] = json!(alg_name(hmac));
            let secret = match form {
                Pem => public_pem(key).as_bytes().to_vec(),
                Der => pem_der(key),
                Bits => spki_key_bits(&pem_der(key)),
            };
            sign_hmac(
                hmac,
                &secret,
                header.to_string().as_bytes(),
                std_claims(now).to_string().as_bytes(),
            )
        }
        ForeignRsa => {
            axum_warden::install_crypto_provider();
            let key = EncodingKey::from_rsa_pem(&harness::rsa2_key()).expect("the second RSA key");
            let message = format!(
                "{}.{}",
                b64(w.header().to_string().as_bytes()),
                b64(std_claims(now).to_string().as_bytes())
            );
            let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, harness::jwt_alg(alg)).expect("signs");
            format!("{message}.{signature}")
        }
        Shape(template) => shape(template, &w.good(now), &w.other(now)),
        Lit(text) => text.to_owned(),
    }
}

impl W {
    /// Another valid token of the same key (roles `["editor"]`), for `{o}`.
    fn other(self, now: i64) -> String {
        let claims = patched(self.claims(now), r#"{"roles":["editor"]}"#, now);
        sign_json(self.alg(), &self.header(), &claims)
    }
}

/// Expands `$now±N`, `$base`, `$list(N)`, `$words(N)`, `$nest(N)` and `$pad(N)`.
fn expand(template: &[u8], now: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len());
    let mut rest = template;
    while let Some((&first, tail)) = rest.split_first() {
        if first != b'$' {
            out.push(first);
            rest = tail;
            continue;
        }
        if let Some(after) = tail.strip_prefix(b"now") {
            let (delta, after) = signed_number(after);
            out.extend_from_slice((now + delta).to_string().as_bytes());
            rest = after;
        } else if let Some(after) = tail.strip_prefix(b"base") {
            let base = format!(
                r#""sub":"alice","iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{}"#,
                now + 3600
            );
            out.extend_from_slice(base.as_bytes());
            rest = after;
        } else {
            let (name, n, after) = placeholder_call(tail)
                .unwrap_or_else(|| panic!("unknown placeholder in {}", String::from_utf8_lossy(template)));
            let text = match name {
                "list" => json!((0..n).map(|i| format!("r{i}")).collect::<Vec<_>>()).to_string(),
                "words" => json!((0..n).map(|i| format!("s{i}")).collect::<Vec<_>>().join(" ")).to_string(),
                "nest" => format!("{}{}", "[".repeat(n), "]".repeat(n)),
                "pad" => json!("x".repeat(n)).to_string(),
                _ => panic!("unknown placeholder ${name}"),
            };
            out.extend_from_slice(text.as_bytes());
            rest = after;
        }
    }
    out
}

/// `+N` or `-N` at the start of `bytes` (0 when there is none), and what follows it.
fn signed_number(bytes: &[u8]) -> (i64, &[u8]) {
    let sign = match bytes.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return (0, bytes),
    };
    let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return (0, bytes);
    }
    let n: i64 = std::str::from_utf8(&bytes[1..=digits])
        .expect("ASCII digits")
        .parse()
        .expect("a number");
    (sign * n, &bytes[1 + digits..])
}

/// `name(N)` at the start of `bytes`, and what follows it.
fn placeholder_call(bytes: &[u8]) -> Option<(&str, usize, &[u8])> {
    let open = bytes.iter().position(|&b| b == b'(')?;
    let close = bytes.iter().position(|&b| b == b')')?;
    let name = std::str::from_utf8(&bytes[..open]).ok()?;
    let n = std::str::from_utf8(&bytes[open + 1..close]).ok()?.parse().ok()?;
    Some((name, n, &bytes[close + 1..]))
}

/// Rearranges a valid token. `{h}` `{p}` `{s}` are its segments; `{p+}` the payload in the
/// standard base64 alphabet; `{s!}` the signature with its last byte flipped; `{s/2}` the
/// first half of the signature; `{s-4}` the signature without its last four characters;
/// `{s~}` the signature with its last character replaced by `A` (by `B` if it is `A`, which
/// may change only bits that base64url leaves unused); `{o}` the signature of another token
/// of the same key;
/// `{zN}` `N` zero bytes; `{der0}` the DER ECDSA signature r=0, s=0; `{n256}` / `{n384}`
/// r=s=n, the order of P-256 / P-384; `{aN}` `N` letters `a`.
fn shape(template: &str, good: &str, other: &str) -> String {
    let mut segments = good.split('.');
    let (Some(h), Some(p), Some(s), None) = (segments.next(), segments.next(), segments.next(), segments.next()) else {
        panic!("a valid token has three segments");
    };
    let other_signature = other.rsplit('.').next().expect("three segments");
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("a closed placeholder");
        let key = &rest[start + 1..end];
        let piece = match key {
            "h" => h.to_owned(),
            "p" => p.to_owned(),
            "s" => s.to_owned(),
            "o" => other_signature.to_owned(),
            "p+" => {
                let standard = STANDARD_NO_PAD.encode(URL_SAFE_NO_PAD.decode(p).expect("base64url"));
                assert_ne!(standard, p, "the payload must differ in the standard alphabet");
                standard
            }
            "s!" => {
                let mut bytes = URL_SAFE_NO_PAD.decode(s).expect("base64url");
                *bytes.last_mut().expect("a signature") ^= 0x01;
                b64(&bytes)
            }
            "s/2" => s[..s.len() / 2].to_owned(),
            "s-4" => s[..s.len() - 4].to_owned(),
            "s~" => {
                let (kept, last) = s.split_at(s.len() - 1);
                format!("{kept}{}", if last == "A" { "B" } else { "A" })
            }
            "der0" => b64(&[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
            "n256" => b64(&hex(&P256_ORDER.repeat(2))),
            "n384" => b64(&hex(&P384_ORDER.repeat(2))),
            _ if key.starts_with('z') => b64(&vec![0; key[1..].parse().expect("a length")]),
            _ if key.starts_with('a') => "a".repeat(key[1..].parse().expect("a length")),
            _ => panic!("unknown shape placeholder {{{key}}}"),
        };
        out.push_str(&piece);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

const P256_ORDER: &str = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
const P384_ORDER: &str =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973";

fn hex(text: &str) -> Vec<u8> {
    assert_eq!(text.len() % 2, 0);
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The PEM of the test kit's public key of `alg`.
fn public_pem(alg: Algorithm) -> &'static str {
    TestIssuer::new(alg).public_key_pem().expect("an asymmetric algorithm")
}

/// The DER body of the PEM of the test kit's public key of `alg`.
fn pem_der(alg: Algorithm) -> Vec<u8> {
    let body: String = public_pem(alg).lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM base64")
}

/// The key inside a DER `SubjectPublicKeyInfo`: the contents of its BIT STRING.
fn spki_key_bits(der: &[u8]) -> Vec<u8> {
    fn length(der: &[u8], at: &mut usize) -> usize {
        let first = der[*at];
        *at += 1;
        if first < 0x80 {
            return usize::from(first);
        }
        let mut len = 0;
        for _ in 0..(first & 0x7f) {
            len = len << 8 | usize::from(der[*at]);
            *at += 1;
        }
        len
    }
    let mut at = 0;
    assert_eq!(der[at], 0x30, "SEQUENCE");
    at += 1;
    length(der, &mut at);
    assert_eq!(der[at], 0x30, "AlgorithmIdentifier");
    at += 1;
    let skip = length(der, &mut at);
    at += skip;
    assert_eq!(der[at], 0x03, "BIT STRING");
    at += 1;
    let len = length(der, &mut at);
    assert_eq!(der[at], 0x00, "no unused bits");
    der[at + 1..at + len].to_vec()
}

/// A JWKS document with the P-256 test key (kid `ec`) and the Ed25519 one (kid `ed`).
fn test_jwks() -> String {
    let point = spki_key_bits(&pem_der(ES256));
    assert_eq!((point.len(), point[0]), (65, 0x04), "an uncompressed P-256 point");
    let ed = spki_key_bits(&pem_der(EdDSA));
    json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "ec", "x": b64(&point[1..33]), "y": b64(&point[33..])},
        {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": b64(&ed)},
    ]})
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// RFC 7515 Appendix A.
// ---------------------------------------------------------------------------------------------

fn rfc_builder() -> axum_warden::WardenBuilder {
    Warden::builder().issuer("joe")
}

fn refusal(result: Result<Identity, AuthError>) -> Option<TokenError> {
    match result {
        Ok(identity) => panic!("accepted, as {:?}", identity.subject()),
        Err(AuthError::InvalidToken(reason)) => Some(reason),
        Err(other) => panic!("expected invalid_token, got {other:?}"),
    }
}

/// The examples verify under their published keys: each is refused only because it expired,
/// and for its signature once that is tampered with.
#[tokio::test]
async fn rfc7515_examples_verify_and_are_refused_only_as_expired() {
    for w in [A1, A2, A3] {
        let warden = w.warden();
        let token = w.good(0);
        assert_eq!(refusal(warden.verify_token(&token)), Some(TokenError::Expired), "{w:?}");

        let flipped = shape("{h}.{p}.{s!}", &token, &token);
        assert_ne!(flipped, token);
        assert_eq!(
            refusal(warden.verify_token(&flipped)),
            Some(TokenError::BadSignature),
            "{w:?}"
        );

        // The payload changed under an intact signature (exp pushed past 2100).
        let (header, _, signature) = {
            let mut parts = token.split('.');
            (
                parts.next().expect("h"),
                parts.next().expect("p"),
                parts.next().expect("s"),
            )
        };
        let later = b64(br#"{"iss":"joe","exp":4102444800,"http://example.com/is_root":true}"#);
        assert_eq!(
            refusal(warden.verify_token(&format!("{header}.{later}.{signature}"))),
            Some(TokenError::BadSignature),
            "{w:?}"
        );

        // Over HTTP: 401 invalid_token, and the body says the token expired.
        let runs = Runs::default();
        let answer = send(&app(warden, &runs), request(&ADMIN, &token)).await;
        assert_eq!(answer.status, 401, "{w:?}");
        assert_eq!(answer.challenge(), Some(r#"Bearer realm="api", error="invalid_token""#));
        assert_eq!(answer.json()["detail"], "The bearer token has expired.", "{w:?}");
        assert_eq!(runs.count(), 0);
    }

    // The A.1 key is symmetric and published: a fresh token in the example's shape, signed
    // with it, is accepted by the same warden, so expiry was the only thing wrong above.
    let key = URL_SAFE_NO_PAD.decode(rfc7515::A1_KEY).expect("base64url");
    let header = r#"{"typ":"JWT","alg":"HS256"}"#;
    let payload = format!(
        r#"{{"iss":"joe","exp":{},"http://example.com/is_root":true}}"#,
        harness::now() + 3600
    );
    let identity = A1
        .warden()
        .verify_token(&sign_hmac(HS256, &key, header.as_bytes(), payload.as_bytes()))
        .expect("a fresh token under the A.1 key");
    assert_eq!(identity.issuer(), Some("joe"));
}
