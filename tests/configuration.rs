//! Startup configuration: every mistake is a typed error naming the setting.

mod harness;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum_warden::testing::TestIssuer;
use axum_warden::{Algorithm, ConfigError, Warden};

fn from(vars: &[(&str, &str)]) -> Result<Warden, ConfigError> {
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Warden::from_vars(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

/// The test kit's public key of `alg`, as a PEM file (written once per test process).
fn key_file(alg: Algorithm) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("warden-config-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA] {
            let pem = TestIssuer::new(alg).public_key_pem().expect("a public key");
            std::fs::write(dir.join(format!("{alg:?}.pub")), pem).expect("write the key");
        }
        dir
    });
    dir.join(format!("{alg:?}.pub"))
}

fn path(file: impl AsRef<Path>) -> String {
    file.as_ref().to_string_lossy().into_owned()
}

/// A file of `tests/keys`: the second RSA key pair, which the test kit does not have, and
/// the directory's README, which is no key at all.
fn repository_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys").join(name)
}

const SECRET: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn each_key_source_loads() {
    assert!(from(&[("WARDEN_JWT_SECRET", SECRET)]).is_ok());
    for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA] {
        from(&[("WARDEN_JWT_PUBLIC_KEY_FILE", &path(key_file(alg)))]).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
    }
}

#[test]
fn mistakes_name_the_variable() {
    // (variables, the setting the error must name, a fragment of the message)
    type Case<'a> = (Vec<(&'a str, String)>, &'a str, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (vec![], "", "no key source"),
        (
            vec![("WARDEN_JWT_SECRET", SECRET.into()), ("WARDEN_JWKS_FILE", "x".into())],
            "WARDEN_JWT_SECRET and WARDEN_JWKS_FILE",
            "exactly one",
        ),
        (
            vec![("WARDEN_JWT_SECRET", "short".into())],
            "WARDEN_JWT_SECRET",
            "at least 32",
        ),
        (vec![("WARDEN_JWT_SECRET", "".into())], "WARDEN_JWT_SECRET", "empty"),
        (
            vec![("WARDEN_JWT_SECRET", SECRET.into()), ("WARDEN_AUDIENCE", " , ,".into())],
            "WARDEN_AUDIENCE",
            "names no audience",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_AUDIENCE", "api, web, api".into()),
            ],
            "WARDEN_AUDIENCE",
            "lists the audience \"api\" twice",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_JWT_ALGORITHMS", ",".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "names no algorithm",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_JWT_ALGORITHMS", "HS256, HS256".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "lists the algorithm \"HS256\" twice",
        ),
        (
            vec![("WARDEN_JWT_PUBLIC_KEY_FILE", "/nonexistent/key.pem".into())],
            "WARDEN_JWT_PUBLIC_KEY_FILE",
            "cannot read",
        ),
        (
            vec![("WARDEN_JWT_PUBLIC_KEY_FILE", path(repository_file("rsa2.key")))],
            "WARDEN_JWT_PUBLIC_KEY_FILE",
            "private key",
        ),
        (
            vec![("WARDEN_JWT_PUBLIC_KEY_FILE", path(repository_file("README.md")))],
            "WARDEN_JWT_PUBLIC_KEY_FILE",
            "not a PEM public key",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_JWT_ALGORITHMS", "HS256,none".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "unknown algorithm \"none\"",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_JWT_ALGORITHMS", "RS256".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "RS256 cannot be verified with an HMAC secret",
        ),
        (
            vec![
                ("WARDEN_JWT_PUBLIC_KEY_FILE", path(key_file(Algorithm::RS256))),
                ("WARDEN_JWT_ALGORITHMS", "HS256".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "HS256 cannot be verified with an RSA key",
        ),
        (
            vec![
                ("WARDEN_JWT_PUBLIC_KEY_FILE", path(key_file(Algorithm::ES256))),
                ("WARDEN_JWT_ALGORITHMS", "ES384".into()),
            ],
            "WARDEN_JWT_ALGORITHMS",
            "ES384 cannot be verified with a P-256 key",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_LEEWAY_SECONDS", "soon".into()),
            ],
            "WARDEN_LEEWAY_SECONDS",
            "whole number",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_LEEWAY_SECONDS", "86400".into()),
            ],
            "WARDEN_LEEWAY_SECONDS",
            "maximum",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_ROLES_CLAIM", "realm_access..roles".into()),
            ],
            "WARDEN_ROLES_CLAIM",
            "claim path",
        ),
        (
            vec![
                ("WARDEN_JWT_SECRET", SECRET.into()),
                ("WARDEN_REALM", "a \"quoted\" realm".into()),
            ],
            "WARDEN_REALM",
            "realm",
        ),
        (
            vec![("WARDEN_JWKS_FILE", path(key_file(Algorithm::RS256)))],
            "WARDEN_JWKS_FILE",
            "not a JWKS document",
        ),
    ];
    for (vars, setting, fragment) in cases {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let message = from(&vars).expect_err("misconfigured").to_string();
        assert!(message.contains(setting), "{message:?} should name {setting}");
        assert!(message.contains(fragment), "{message:?} should say {fragment:?}");
    }
}

#[test]
fn builder_mistakes_name_the_method() {
    let err = Warden::builder().hmac_secret(vec![1; 8]).build().expect_err("short");
    assert!(matches!(
        err,
        ConfigError::SecretTooShort {
            setting: "hmac_secret",
            len: 8
        }
    ));
    let err = Warden::builder()
        .hmac_secret(vec![1; 32])
        .public_key_file(key_file(Algorithm::RS256))
        .build()
        .expect_err("two");
    assert!(matches!(
        err,
        ConfigError::SeveralKeySources {
            first: "hmac_secret",
            second: "public_key_file"
        }
    ));
    let err = Warden::builder()
        .public_key_file(key_file(Algorithm::EdDSA))
        .algorithms([Algorithm::ES256])
        .build()
        .expect_err("mismatch");
    assert!(
        matches!(
            err,
            ConfigError::AlgorithmKeyMismatch {
                setting: "algorithms",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn jwks_documents_bind_each_key_to_its_algorithm() {
    let dir = std::env::temp_dir().join(format!("warden-jwks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("jwks.json");
    // A set with an encryption key, a symmetric key and an unknown algorithm: all skipped.
    let jwks = serde_json::json!({"keys": [
        {"kty": "oct", "k": "c2VjcmV0", "kid": "sym", "alg": "HS256"},
        {"kty": "RSA", "use": "enc", "kid": "enc", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "kid": "weird", "crv": "P-256", "alg": "ES512", "x": "AA", "y": "AA"}
    ]});
    std::fs::write(&file, jwks.to_string()).expect("write");
    let err = from(&[("WARDEN_JWKS_FILE", &file.to_string_lossy())]).expect_err("no usable key");
    let message = err.to_string();
    assert!(message.starts_with("WARDEN_JWKS_FILE: no usable key"), "{message}");
    assert!(
        message.contains("sym") && message.contains("enc") && message.contains("weird"),
        "{message}"
    );
}

#[test]
fn remote_sources_build_without_touching_the_network() {
    // Nothing listens at these addresses: `build` checks the URL and fetches nothing.
    for (name, value) in [
        ("WARDEN_JWKS_URL", "https://idp.example/jwks"),
        ("WARDEN_JWKS_URL", "http://127.0.0.1:9/jwks"),
        ("WARDEN_OIDC_ISSUER_URL", "https://idp.example/realms/shop"),
        ("WARDEN_OIDC_ISSUER_URL", "https://tenant.auth0.example/"),
    ] {
        let warden =
            from(&[(name, value), ("WARDEN_AUDIENCE", "api")]).unwrap_or_else(|e| panic!("{name}={value}: {e}"));
        assert_eq!(warden.cache_stats().misses, 0);
    }
    assert!(
        from(&[
            ("WARDEN_JWKS_URL", "https://idp.example/jwks"),
            ("WARDEN_JWT_ALGORITHMS", "RS256,ES256,EdDSA")
        ])
        .is_ok()
    );
}

/// Variables, the expected start of the message, and a phrase it contains.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

#[test]
fn bad_remote_sources_name_the_variable() {
    let cases: Vec<Case<'_>> = vec![
        (
            vec![("WARDEN_JWKS_URL", "idp.example/jwks")],
            "WARDEN_JWKS_URL: ",
            "is not a URL",
        ),
        (vec![("WARDEN_JWKS_URL", "")], "WARDEN_JWKS_URL: ", "empty"),
        (
            vec![("WARDEN_JWKS_URL", "http://idp.example/jwks")],
            "WARDEN_JWKS_URL: ",
            "keys must come over https",
        ),
        (
            vec![("WARDEN_JWKS_URL", "https://user:secret@idp.example/jwks")],
            "WARDEN_JWKS_URL: ",
            "credentials",
        ),
        (
            vec![("WARDEN_OIDC_ISSUER_URL", "ftp://idp.example")],
            "WARDEN_OIDC_ISSUER_URL: ",
            "is not https",
        ),
        (
            vec![("WARDEN_OIDC_ISSUER_URL", "https://idp.example/?tenant=1")],
            "WARDEN_OIDC_ISSUER_URL: ",
            "an issuer has no query",
        ),
        (
            vec![
                ("WARDEN_JWKS_URL", "https://idp.example/jwks"),
                ("WARDEN_OIDC_ISSUER_URL", "https://idp.example"),
            ],
            "WARDEN_JWKS_URL and WARDEN_OIDC_ISSUER_URL",
            "exactly one key source",
        ),
        (
            vec![
                ("WARDEN_JWKS_URL", "https://idp.example/jwks"),
                ("WARDEN_JWT_ALGORITHMS", "RS256,HS256"),
            ],
            "WARDEN_JWT_ALGORITHMS: ",
            "HS256 cannot be verified with a published key set",
        ),
    ];
    for (vars, prefix, needle) in cases {
        let message = from(&vars).expect_err(needle).to_string();
        assert!(message.starts_with(prefix), "{vars:?}: {message}");
        assert!(message.contains(needle), "{vars:?}: {message}");
    }
}

#[test]
fn remote_settings_are_checked_at_build() {
    let base = || Warden::builder().jwks_url("https://idp.example/jwks");
    let message = |b: axum_warden::WardenBuilder| b.build().expect_err("invalid").to_string();
    assert!(message(base().key_fetch_timeout(std::time::Duration::ZERO)).starts_with("key_fetch_timeout: "));
    assert!(
        message(base().key_refresh_bounds(std::time::Duration::from_secs(60), std::time::Duration::from_secs(1)))
            .starts_with("key_refresh_bounds: ")
    );
    assert!(message(Warden::builder().jwks_url("http://keycloak:8080/jwks")).starts_with("jwks_url: "));
    assert!(
        Warden::builder()
            .jwks_url("http://keycloak:8080/jwks")
            .allow_plain_http(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn an_rsa_jwk_without_alg_serves_every_configured_rsa_algorithm() {
    let mut r1 = TestIssuer::new(Algorithm::RS256)
        .public_jwk("r1")
        .expect("a public key");
    r1.as_object_mut()
        .expect("an object")
        .remove("alg")
        .expect("the JWK names its alg");
    let set = serde_json::json!({"keys": [r1]}).to_string();
    // The test kit signs every RSA algorithm with its one RSA key.
    let sign = |alg| {
        harness::issuer(alg)
            .token()
            .subject(harness::SUBJECT)
            .roles(["admin"])
            .key_id("r1")
            .sign()
    };
    let status = async |algorithms: Vec<Algorithm>, alg| {
        let warden = Warden::builder()
            .jwks_json(set.clone())
            .algorithms(algorithms)
            .issuer(harness::ISSUER)
            .audience(harness::AUDIENCE)
            .build()
            .expect("valid set");
        let app = harness::app(warden, &harness::Runs::default());
        harness::call(&app, "/admin", &sign(alg)).await.status
    };
    let both = vec![Algorithm::RS256, Algorithm::PS256];
    assert_eq!(status(both.clone(), Algorithm::RS256).await, 200);
    assert_eq!(status(both.clone(), Algorithm::PS256).await, 200);
    assert_eq!(status(both, Algorithm::RS512).await, 401, "only the configured ones");
    assert_eq!(status(vec![Algorithm::PS512], Algorithm::PS512).await, 200);
    // Nothing configured: RS256 alone.
    assert_eq!(status(vec![], Algorithm::RS256).await, 200);
    assert_eq!(status(vec![], Algorithm::PS256).await, 401);
}

/// The errors for a resource identifier given to the builder and in `WARDEN_RESOURCE`.
fn resource_errors(identifier: &str) -> [(ConfigError, &'static str); 2] {
    let built = Warden::builder()
        .hmac_secret(SECRET)
        .protected_resource(identifier)
        .build()
        .expect_err(identifier);
    let from_env = from(&[("WARDEN_JWT_SECRET", SECRET), ("WARDEN_RESOURCE", identifier)]).expect_err(identifier);
    [(built, "protected_resource"), (from_env, "WARDEN_RESOURCE")]
}

/// RFC 9728 §1.2: a resource identifier is an `https` URL without a fragment (and, as this
/// crate requires, without a query); each mistake names the setting, from the builder and
/// from the environment alike.
#[test]
fn bad_resource_identifiers_name_the_setting() {
    let cases = [
        ("http://api.example.com", "plain http"),
        ("ftp://api.example.com", "is not https"),
        ("api.example.com/v1", "not an absolute URL"),
        ("https://api.example.com/v1#top", "fragment"),
        ("https://api.example.com/v1?tenant=a", "query"),
        ("https://alice:secret@api.example.com", "user information"),
        ("https://:443/v1", "host"),
        ("https://api.example.com/a b", "cannot carry"),
        ("https://api.example.com/é", "cannot carry"),
        ("https://api.example.com/v1 ", "cannot carry"),
        ("https://api.example.com/100%", "percent-encoding"),
    ];
    for (identifier, fragment) in cases {
        for (err, name) in resource_errors(identifier) {
            assert!(
                matches!(&err, ConfigError::InvalidValue { setting, reason } if *setting == name && reason.contains(fragment)),
                "{identifier:?}: {err}"
            );
            assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
        }
    }
    let err = from(&[("WARDEN_JWT_SECRET", SECRET), ("WARDEN_RESOURCE", " ")]).expect_err("blank");
    assert!(
        matches!(
            err,
            ConfigError::InvalidValue {
                setting: "WARDEN_RESOURCE",
                ..
            }
        ),
        "{err}"
    );
}

/// A resource identifier that would break the `WWW-Authenticate` header (a quote that
/// closes the parameter, a line break that starts a header) is refused at startup, so no
/// challenge ever carries it.
#[test]
fn resource_identifiers_that_would_break_the_challenge_are_refused() {
    for identifier in [
        "https://api.example.com/\", error=\"none",
        "https://api.example.com/\r\nSet-Cookie: a=b",
        "https://api.example.com/\\",
        "https://api.example.com/\u{0}",
        "https://api.example.com/\u{7f}",
    ] {
        for (err, name) in resource_errors(identifier) {
            assert!(
                matches!(&err, ConfigError::InvalidValue { setting, reason } if *setting == name && reason.contains("cannot carry")),
                "{identifier:?}: {err}"
            );
        }
    }
}

/// The identifier is kept byte for byte, the metadata URL is derived from it (RFC 9728
/// §3.1), and `WARDEN_RESOURCE` configures the same as the builder. `http` is accepted for
/// loopback hosts only.
#[test]
fn resource_identifiers_configure_the_metadata_url() {
    for (identifier, url) in [
        (
            "https://api.example.com",
            "https://api.example.com/.well-known/oauth-protected-resource",
        ),
        (
            "https://api.example.com/v1",
            "https://api.example.com/.well-known/oauth-protected-resource/v1",
        ),
        (
            "http://localhost:3000/mcp",
            "http://localhost:3000/.well-known/oauth-protected-resource/mcp",
        ),
        (
            "http://127.0.0.1:3000",
            "http://127.0.0.1:3000/.well-known/oauth-protected-resource",
        ),
    ] {
        let built = Warden::builder()
            .hmac_secret(SECRET)
            .protected_resource(identifier)
            .build()
            .expect(identifier);
        let from_env = from(&[("WARDEN_JWT_SECRET", SECRET), ("WARDEN_RESOURCE", identifier)]).expect(identifier);
        for warden in [built, from_env] {
            let resource = warden.protected_resource().expect("configured");
            assert_eq!(resource.identifier(), identifier);
            assert_eq!(resource.metadata_url(), url);
        }
    }
    let plain = Warden::builder().hmac_secret(SECRET).build().expect("valid");
    assert!(plain.protected_resource().is_none());
}

/// `WARDEN_TENANTS`, `WARDEN_CLIENT_IDS` and `WARDEN_REQUIRE_AT_JWT` configure the checks
/// of the builder methods; a list that names nothing, a value listed twice and a flag that
/// is not `true` or `false` are refused, naming the variable.
#[test]
fn tenant_client_and_type_checks_come_from_the_environment() {
    let issuer = TestIssuer::new(Algorithm::ES256).with_audience("api");
    let pem = key_file(Algorithm::ES256);
    let key = path(&pem);
    let warden = from(&[
        ("WARDEN_JWT_PUBLIC_KEY_FILE", &key),
        ("WARDEN_AUDIENCE", "api"),
        ("WARDEN_TENANTS", "t1, t2"),
        ("WARDEN_CLIENT_IDS", "web"),
        ("WARDEN_REQUIRE_AT_JWT", "true"),
    ])
    .expect("valid");
    let token = || {
        issuer
            .token()
            .token_type("at+jwt")
            .claim("tid", serde_json::json!("t2"))
            .claim("azp", serde_json::json!("web"))
    };
    assert_eq!(warden.verify_token(&token().sign()).err(), None);
    for (token, reason) in [
        (
            token().claim("tid", serde_json::json!("t3")).sign(),
            axum_warden::TokenError::InvalidTenant,
        ),
        (
            token().claim("azp", serde_json::json!("cli")).sign(),
            axum_warden::TokenError::InvalidClient,
        ),
        (
            token().token_type("JWT").sign(),
            axum_warden::TokenError::NotAnAccessToken,
        ),
    ] {
        assert_eq!(
            warden.verify_token(&token).err(),
            Some(axum_warden::AuthError::InvalidToken(reason))
        );
    }
    let off = from(&[
        ("WARDEN_JWT_PUBLIC_KEY_FILE", &key),
        ("WARDEN_AUDIENCE", "api"),
        ("WARDEN_REQUIRE_AT_JWT", "false"),
    ])
    .expect("valid");
    assert!(off.verify_token(&issuer.token().sign()).is_ok());

    for (name, value, says) in [
        ("WARDEN_TENANTS", ",", "names no tenant"),
        ("WARDEN_TENANTS", "t1,t1", "twice"),
        ("WARDEN_CLIENT_IDS", " , ", "names no client"),
        ("WARDEN_REQUIRE_AT_JWT", "yes", "neither `true` nor `false`"),
    ] {
        let err = from(&[("WARDEN_JWT_PUBLIC_KEY_FILE", &key), (name, value)]).expect_err("refused");
        assert!(
            matches!(err, ConfigError::InvalidValue { setting, .. } if setting == name),
            "{name}={value:?}: {err:?}"
        );
        assert!(err.to_string().contains(says), "{err}");
    }
    for builder in [
        Warden::builder().tenants(Vec::<String>::new()),
        Warden::builder().client_ids([""]),
        Warden::builder().client_ids(["web", "web"]),
    ] {
        let err = builder.public_key_file(&pem).build().expect_err("refused");
        assert!(matches!(err, ConfigError::InvalidValue { .. }), "{err:?}");
    }
}

/// A secret that is not text comes in base64 or base64url, padded or not; the token it
/// signed verifies, and a bad or short value is refused naming the variable.
#[test]
fn a_base64_secret_is_the_bytes_it_encodes() {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    let bytes: Vec<u8> = (0..48u8).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
    let token = axum_warden::testing::sign_hmac(
        Algorithm::HS256,
        &bytes,
        br#"{"alg":"HS256"}"#,
        format!(r#"{{"sub":"ada","exp":{}}}"#, harness::now() + 600).as_bytes(),
    );
    for encoded in [
        STANDARD.encode(&bytes),
        URL_SAFE_NO_PAD.encode(&bytes),
        format!(" {} ", STANDARD.encode(&bytes)),
    ] {
        let warden = from(&[("WARDEN_JWT_SECRET_BASE64", &encoded)]).expect("a base64 secret");
        let identity = warden.verify_token(&token).expect("signed with the decoded bytes");
        assert_eq!(identity.subject(), "ada");
    }
    let err = from(&[("WARDEN_JWT_SECRET_BASE64", "not base64!")]).expect_err("refused");
    assert!(
        matches!(
            err,
            ConfigError::InvalidValue {
                setting: "WARDEN_JWT_SECRET_BASE64",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        !err.to_string().contains("not base64!"),
        "the value is never shown: {err}"
    );
    let short = STANDARD.encode([7u8; 31]);
    let err = from(&[("WARDEN_JWT_SECRET_BASE64", &short)]).expect_err("refused");
    assert!(
        matches!(
            err,
            ConfigError::SecretTooShort {
                setting: "WARDEN_JWT_SECRET_BASE64",
                len: 31
            }
        ),
        "{err}"
    );
    let err = from(&[("WARDEN_JWT_SECRET", SECRET), ("WARDEN_JWT_SECRET_BASE64", &short)]).expect_err("refused");
    assert!(matches!(err, ConfigError::SeveralKeySources { .. }), "{err}");
}
