//! The request mix: the test keys, the tokens they sign, and the classes of requests with
//! the answer each must get.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use crate::Fallible;
use crate::provider::ProviderShared;

/// The `iss` the quickstart is configured to require.
pub(crate) const ISSUER: &str = "https://issuer.load-fault.test";
/// The audience the quickstart is configured to accept.
pub(crate) const AUDIENCE: &str = "quickstart-api";

/// The signing keys of the test kit (`auth-runtime/src/testing`) and `tests/keys/rsa2.key`,
/// read at run time.
pub(crate) struct Keys {
    /// Published from the start as `k1` (RS256).
    rsa: EncodingKey,
    /// Published from the first restart on as `k2` (RS256): the rotation.
    rsa2: EncodingKey,
    /// Published from the start as `ec1` (ES256); signs the unique tokens.
    ec: EncodingKey,
    /// `k1`'s public key as PEM, the HMAC secret of a key-confusion attack.
    rsa_public_pem: Vec<u8>,
}

impl Keys {
    pub(crate) fn load() -> Fallible<Self> {
        let read = |name: &str| -> Fallible<Vec<u8>> {
            // The test kit's key pairs have one copy, in the runtime's test kit; only the
            // second RSA pair, which the kit does not have, lives in tests/keys.
            let dir = if name.starts_with("rsa2") {
                "tests/keys"
            } else {
                "auth-runtime/src/testing"
            };
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name);
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
        };
        Ok(Self {
            rsa: EncodingKey::from_rsa_pem(&read("rsa.key")?)?,
            rsa2: EncodingKey::from_rsa_pem(&read("rsa2.key")?)?,
            ec: EncodingKey::from_ec_pem(&read("ec256.key")?)?,
            rsa_public_pem: read("rsa.pub")?,
        })
    }

    /// The JWKS the provider serves: `k1` and `ec1`, and `k2` once rotated.
    pub(crate) fn document(&self, rotated: bool) -> Fallible<String> {
        let jwk = |key: &EncodingKey, alg: Algorithm, kid: &str| -> Fallible<Value> {
            let mut jwk = Jwk::from_encoding_key(key, alg)?;
            jwk.common.key_id = Some(kid.to_owned());
            Ok(serde_json::to_value(jwk)?)
        };
        let mut keys = vec![
            jwk(&self.rsa, Algorithm::RS256, "k1")?,
            jwk(&self.ec, Algorithm::ES256, "ec1")?,
        ];
        if rotated {
            keys.push(jwk(&self.rsa2, Algorithm::RS256, "k2")?);
        }
        Ok(json!({ "keys": keys }).to_string())
    }
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Claims valid for an hour, with `extra` merged over them.
fn claims(sub: &str, roles: &[&str], scope: &str, extra: &Value) -> Value {
    let now = unix_now();
    let mut claims = json!({
        "sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3600, "roles": roles, "scope": scope,
    });
    if let (Some(map), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        map.extend(extra.clone());
    }
    claims
}

fn sign(key: &EncodingKey, alg: Algorithm, kid: &str, claims: &Value) -> Fallible<String> {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    Ok(jsonwebtoken::encode(&header, claims, key)?)
}

/// What an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Exactly this status, whether the provider is up or down.
    Status(u16),
    /// A `kid` the provider never publishes: 401 while it is up, 503 while it is down.
    UnknownKid,
    /// `k2`: an unknown `kid` (as above) until the first restart publishes it, then 200,
    /// also while the provider is down again.
    RotatedKid,
}

impl Expect {
    pub(crate) fn label(self) -> String {
        match self {
            Self::Status(status) => status.to_string(),
            Self::UnknownKid => "401|503".into(),
            Self::RotatedKid => "401|503, 200".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Health,
    Me,
    Admin,
    CreateArticle,
    Article,
    Audit,
    Orders,
    /// One of the guarded routes, chosen per request.
    AnyGuarded,
}

const GUARDED: [Route; 6] = [
    Route::Me,
    Route::Admin,
    Route::CreateArticle,
    Route::Article,
    Route::Audit,
    Route::Orders,
];

pub(crate) enum Credential {
    None,
    /// `Authorization` values, one chosen per request.
    Header(Vec<String>),
    /// Two `Authorization` headers.
    Twice(Vec<String>),
    /// A token minted for this request alone (ES256 under `ec1`), so never in the cache.
    Unique,
}

/// One kind of request and the answer it must get.
pub(crate) struct Class {
    pub(crate) name: &'static str,
    weight: u64,
    route: Route,
    pub(crate) credential: Credential,
    pub(crate) expect: Expect,
}

/// Bearer values of 16 tokens (16 subjects) made by `make`.
fn pool(make: impl Fn(&str) -> Fallible<String>) -> Fallible<Vec<String>> {
    (0..16)
        .map(|i| make(&format!("u{i}")).map(|t| format!("Bearer {t}")))
        .collect()
}

/// The request mix; weights are relative.
fn classes(keys: &Keys) -> Fallible<Vec<Class>> {
    use Expect::Status;
    use Route::{AnyGuarded, Article, Audit, CreateArticle, Health, Me, Orders};
    let class = |name, weight, route, credential, expect| Class {
        name,
        weight,
        route,
        credential,
        expect,
    };
    let signed = |key: &EncodingKey, alg, kid: &str, roles: &[&str], scope: &str, extra: Value| {
        let (kid, roles) = (kid.to_owned(), roles.to_vec());
        pool(|sub| sign(key, alg, &kid, &claims(sub, &roles, scope, &extra)))
    };
    let k1 = |roles: &[&str], scope: &str, extra: Value| signed(&keys.rsa, Algorithm::RS256, "k1", roles, scope, extra);
    let valid = |roles: &[&str], scope: &str| k1(roles, scope, json!({})).map(Credential::Header);
    let invalid = |extra: Value| k1(&["admin"], "orders:read", extra).map(Credential::Header);
    let now = unix_now();
    let alg_none = pool(|sub| {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"k1"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims(sub, &["admin"], "", &json!({})).to_string());
        Ok(format!("{header}.{body}."))
    })?;
    let confusion = EncodingKey::from_secret(&keys.rsa_public_pem).expect("a non-empty key");
    let header = |values: &[&str]| Credential::Header(values.iter().map(|v| (*v).to_owned()).collect());
    Ok(vec![
        class("GET /health (public)", 6, Health, Credential::None, Status(200)),
        class(
            "GET /health + garbage token",
            2,
            Health,
            header(&["Bearer x.y.z"]),
            Status(200),
        ),
        class("GET /me, no roles", 8, Me, valid(&[], "")?, Status(200)),
        class("GET /me, unique ES256 token", 8, Me, Credential::Unique, Status(200)),
        class(
            "GET /admin, admin",
            5,
            Route::Admin,
            valid(&["admin"], "")?,
            Status(200),
        ),
        class(
            "GET /admin, editor",
            5,
            Route::Admin,
            valid(&["editor"], "")?,
            Status(403),
        ),
        class(
            "POST /articles, editor",
            4,
            CreateArticle,
            valid(&["editor"], "")?,
            Status(201),
        ),
        class(
            "POST /articles, no roles",
            3,
            CreateArticle,
            valid(&[], "")?,
            Status(403),
        ),
        class("GET /articles/{id}, no roles", 4, Article, valid(&[], "")?, Status(200)),
        class(
            "GET /audit, admin+auditor",
            2,
            Audit,
            valid(&["admin", "auditor"], "")?,
            Status(200),
        ),
        class("GET /audit, admin only", 3, Audit, valid(&["admin"], "")?, Status(403)),
        class(
            "GET /orders, orders:read",
            3,
            Orders,
            valid(&[], "orders:read")?,
            Status(200),
        ),
        class("GET /orders, no scope", 3, Orders, valid(&["admin"], "")?, Status(403)),
        class("no credentials", 6, AnyGuarded, Credential::None, Status(401)),
        class(
            "Basic credentials",
            2,
            AnyGuarded,
            header(&["Basic YWRtaW46YWRtaW4="]),
            Status(401),
        ),
        class(
            "expired",
            4,
            AnyGuarded,
            invalid(json!({"exp": now - 3600, "iat": now - 7200}))?,
            Status(401),
        ),
        class(
            "not yet valid (nbf)",
            1,
            AnyGuarded,
            invalid(json!({"nbf": now + 3600}))?,
            Status(401),
        ),
        class(
            "wrong audience",
            3,
            AnyGuarded,
            invalid(json!({"aud": "another-api"}))?,
            Status(401),
        ),
        class(
            "wrong issuer",
            2,
            AnyGuarded,
            invalid(json!({"iss": "https://evil.test"}))?,
            Status(401),
        ),
        class(
            "bad signature (kid k1, key k2)",
            4,
            AnyGuarded,
            Credential::Header(signed(&keys.rsa2, Algorithm::RS256, "k1", &["admin"], "", json!({}))?),
            Status(401),
        ),
        class("alg none", 3, AnyGuarded, Credential::Header(alg_none), Status(401)),
        class(
            "HS256 keyed with k1's public PEM",
            2,
            AnyGuarded,
            Credential::Header(signed(&confusion, Algorithm::HS256, "k1", &["admin"], "", json!({}))?),
            Status(401),
        ),
        class(
            "malformed or oversized",
            2,
            AnyGuarded,
            Credential::Header(vec![
                "Bearer not-a-jwt".into(),
                "Bearer a.b.c".into(),
                format!("Bearer {}", "a".repeat(9000)),
            ]),
            Status(401),
        ),
        class(
            "two Authorization headers",
            1,
            AnyGuarded,
            Credential::Twice(k1(&["admin"], "", json!({}))?),
            Status(400),
        ),
        class(
            "unknown kid (never published)",
            6,
            AnyGuarded,
            Credential::Header(pool(|sub| {
                let kid = format!("retired-{sub}");
                sign(
                    &keys.rsa,
                    Algorithm::RS256,
                    &kid,
                    &claims(sub, &["admin"], "", &json!({})),
                )
            })?),
            Expect::UnknownKid,
        ),
        class(
            "rotated kid k2, GET /admin, admin",
            6,
            Route::Admin,
            Credential::Header(signed(&keys.rsa2, Algorithm::RS256, "k2", &["admin"], "", json!({}))?),
            Expect::RotatedKid,
        ),
    ])
}

/// What the connections share.
pub(crate) struct Ctx {
    base: String,
    pub(crate) classes: Vec<Class>,
    total_weight: u64,
    /// The index of the unique-token class, which the warm-up sends alone.
    pub(crate) unique: usize,
    ec: EncodingKey,
    pub(crate) provider: Arc<ProviderShared>,
}

impl Ctx {
    pub(crate) fn new(base: &str, keys: &Keys, provider: Arc<ProviderShared>) -> Fallible<Self> {
        let classes = classes(keys)?;
        let unique = classes
            .iter()
            .position(|c| matches!(c.credential, Credential::Unique))
            .ok_or("the mix has no unique-token class")?;
        Ok(Self {
            base: base.to_owned(),
            total_weight: classes.iter().map(|c| c.weight).sum(),
            classes,
            unique,
            ec: keys.ec.clone(),
            provider,
        })
    }

    /// A class at random, by weight.
    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        let mut ticket = rng.below(self.total_weight);
        for (i, class) in self.classes.iter().enumerate() {
            if ticket < class.weight {
                return i;
            }
            ticket -= class.weight;
        }
        0
    }

    /// A request of `class`; `subject` names the token of the unique-token class.
    pub(crate) fn request(
        &self,
        client: &reqwest::Client,
        class: &Class,
        rng: &mut Rng,
        subject: &str,
    ) -> Fallible<reqwest::RequestBuilder> {
        let route = match class.route {
            Route::AnyGuarded => GUARDED[rng.index(GUARDED.len())],
            route => route,
        };
        let url = |path: &str| format!("{}{path}", self.base);
        let mut request = match route {
            Route::Health => client.get(url("/health")),
            Route::Me | Route::AnyGuarded => client.get(url("/me")),
            Route::Admin => client.get(url("/admin")),
            Route::CreateArticle => client.post(url("/articles")).json(&json!({ "title": "load" })),
            Route::Article => client.get(url(&format!("/articles/{}", rng.below(1_000_000)))),
            Route::Audit => client.get(url("/audit")),
            Route::Orders => client.get(url("/orders")),
        };
        match &class.credential {
            Credential::None => {}
            Credential::Header(values) => request = request.header(AUTHORIZATION, &values[rng.index(values.len())]),
            Credential::Twice(values) => {
                request = request
                    .header(AUTHORIZATION, &values[rng.index(values.len())])
                    .header(AUTHORIZATION, &values[rng.index(values.len())]);
            }
            Credential::Unique => {
                let claims = claims(subject, &[], "", &json!({}));
                request = request.bearer_auth(sign(&self.ec, Algorithm::ES256, "ec1", &claims)?);
            }
        }
        Ok(request)
    }
}

/// splitmix64: enough randomness to mix the classes, without a dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }

    fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }
}
