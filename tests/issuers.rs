//! Several trusted issuers in one warden: selection by `iss`, cross-issuer forgeries,
//! the shared verified-token cache, and the configuration that says which issuers to
//! trust (the builder, prefixed variables and the `WARDEN_CONFIG` file).

mod harness;

use axum_warden::testing::TestIssuer;
use axum_warden::{Algorithm, AuthError, ConfigError, IssuerConfig, TokenError, Warden, WardenBuilder};

const STAFF: &str = "https://staff.example.test";
const PARTNERS: &str = "https://partners.example.test";

/// Issuer A signs HS256 with the kit's secret; issuer B signs ES256 with the kit's P-256 key.
fn issuers() -> (TestIssuer, TestIssuer) {
    (
        TestIssuer::new(Algorithm::HS256).with_issuer(STAFF),
        TestIssuer::new(Algorithm::ES256).with_issuer(PARTNERS),
    )
}

fn two_issuer_warden() -> Warden {
    let (a, b) = issuers();
    Warden::builder()
        .trust(a.issuer_config())
        .trust(b.issuer_config())
        .build()
        .expect("two issuers")
}

fn refusal(result: Result<axum_warden::Identity, AuthError>) -> TokenError {
    match result {
        Err(AuthError::InvalidToken(reason)) => reason,
        other => panic!("expected invalid_token, got {other:?}"),
    }
}

#[tokio::test]
async fn each_issuers_tokens_are_accepted_on_the_same_route_and_the_identity_names_it() {
    let (a, b) = issuers();
    let warden = two_issuer_warden();
    let runs = harness::Runs::default();
    let app = harness::app(warden.clone(), &runs);
    for (issuer, iss) in [(&a, STAFF), (&b, PARTNERS)] {
        let token = issuer.token().subject("ada").roles(["admin"]).sign();
        let answer = harness::call(&app, "/admin", &token).await;
        assert_eq!(answer.status, 200, "{iss}");
        let identity = warden.verify_token(&token).expect("verified");
        assert_eq!(identity.issuer(), Some(iss));
    }
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn a_key_of_one_issuer_never_verifies_a_token_claiming_another() {
    let (a, b) = issuers();
    let warden = two_issuer_warden();
    let runs = harness::Runs::default();
    let app = harness::app(warden.clone(), &runs);
    // Signed by A's key, claiming B: B's keys are ES256, so A's HS256 signature is refused.
    let a_as_b = a.token().issuer(PARTNERS).roles(["admin"]).sign();
    assert_eq!(refusal(warden.verify_token(&a_as_b)), TokenError::AlgorithmNotAllowed);
    // Signed by B's key, claiming A.
    let b_as_a = b.token().issuer(STAFF).roles(["admin"]).sign();
    assert_eq!(refusal(warden.verify_token(&b_as_a)), TokenError::AlgorithmNotAllowed);
    // Same algorithm family, other key: a second HS256 issuer with its own secret.
    let other_secret = Warden::builder()
        .trust(a.issuer_config())
        .trust(
            IssuerConfig::new(PARTNERS)
                .hmac_secret(vec![b'k'; 32])
                .audience(axum_warden::testing::TEST_AUDIENCE),
        )
        .build()
        .expect("two HMAC issuers");
    assert_eq!(refusal(other_secret.verify_token(&a_as_b)), TokenError::BadSignature);
    for token in [&a_as_b, &b_as_a] {
        let answer = harness::call(&app, "/admin", token).await;
        assert_eq!(answer.status, 401);
        assert!(answer.challenge().expect("challenge").contains("invalid_token"));
    }
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn an_unknown_or_missing_iss_selects_no_issuer() {
    let (a, _) = issuers();
    let warden = two_issuer_warden();
    let unknown = a.token().issuer("https://elsewhere.example.test").sign();
    assert_eq!(refusal(warden.verify_token(&unknown)), TokenError::InvalidIssuer);
    // Exact string match: a trailing slash is another issuer.
    let slash = a.token().issuer("https://staff.example.test/").sign();
    assert_eq!(refusal(warden.verify_token(&slash)), TokenError::InvalidIssuer);
    let none = a.token().without("iss").sign();
    assert_eq!(refusal(warden.verify_token(&none)), TokenError::InvalidIssuer);
    let numeric = a.token().claim("iss", serde_json::json!(7)).sign();
    assert_eq!(refusal(warden.verify_token(&numeric)), TokenError::InvalidIssuer);
    assert_eq!(refusal(warden.verify_token("a.%%%.c")), TokenError::Malformed);
    let app = harness::app(warden, &harness::Runs::default());
    let answer = harness::call(&app, "/me", &unknown).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn the_issuers_share_one_verified_token_cache() {
    let (a, b) = issuers();
    let warden = two_issuer_warden();
    let (ta, tb) = (a.token().sign(), b.token().sign());
    for _ in 0..2 {
        assert_eq!(warden.verify_token(&ta).expect("a").issuer(), Some(STAFF));
        assert_eq!(warden.verify_token(&tb).expect("b").issuer(), Some(PARTNERS));
    }
    let stats = warden.cache_stats();
    assert_eq!((stats.hits, stats.misses, stats.entries), (2, 2, 2));
}

#[test]
fn the_single_issuer_settings_are_one_issuer_beside_trusted_ones() {
    let (a, b) = issuers();
    // The single-issuer calls as before, plus one trusted issuer (a migration).
    let warden = a
        .warden_builder()
        .trust(b.issuer_config())
        .build()
        .expect("two issuers");
    assert_eq!(warden.verify_token(&a.token().sign()).expect("a").issuer(), Some(STAFF));
    assert_eq!(
        warden.verify_token(&b.token().sign()).expect("b").issuer(),
        Some(PARTNERS)
    );
    // Without `issuer`, the single-issuer settings cannot be told apart from the others.
    let err = Warden::builder()
        .hmac_secret(vec![7; 32])
        .trust(b.issuer_config())
        .build()
        .expect_err("the single issuer names no iss");
    assert!(
        matches!(err, ConfigError::InvalidValue { setting: "issuer", .. }),
        "{err}"
    );
}

#[test]
fn mistakes_of_a_trusted_issuer_name_its_position() {
    let (a, b) = issuers();
    let cases: Vec<(WardenBuilder, &str)> = vec![
        (
            Warden::builder()
                .trust(a.issuer_config())
                .trust(IssuerConfig::new(PARTNERS)),
            "issuers[1].issuer: has no key source",
        ),
        (
            Warden::builder()
                .trust(a.issuer_config())
                .trust(IssuerConfig::new(PARTNERS).hmac_secret(vec![7; 9])),
            "issuers[1].hmac_secret: the HMAC secret is 9 bytes",
        ),
        (
            Warden::builder().trust(a.issuer_config()).trust(a.issuer_config()),
            "issuers[1].issuer: \"https://staff.example.test\" is trusted twice",
        ),
        (
            Warden::builder()
                .trust(a.issuer_config())
                .trust(IssuerConfig::new(PARTNERS).jwks_url("ftp://keys.example.test")),
            "issuers[1].jwks_url:",
        ),
        (
            Warden::builder()
                .trust(b.issuer_config().hmac_secret(vec![7; 32]))
                .trust(a.issuer_config()),
            "issuers[0].public_key_pem and issuers[0].hmac_secret are both set",
        ),
        (
            Warden::builder()
                .trust(a.issuer_config().roles_claim("a..b"))
                .trust(b.issuer_config()),
            "issuers[0].roles_claim:",
        ),
    ];
    for (builder, expected) in cases {
        let err = builder.build().expect_err(expected);
        assert!(err.to_string().starts_with(expected), "{err}");
        assert_eq!(format!("{err:?}"), err.to_string(), "Debug reads as Display");
    }
}

#[test]
fn a_builder_from_prefixed_variables_names_the_prefixed_variable_and_can_be_extended() {
    let lookup = |name: &str| match name {
        "CUSTOMERS_WARDEN_JWT_SECRET" => Some("0123456789abcdef0123456789abcdef".to_owned()),
        "CUSTOMERS_WARDEN_ISSUER" => Some(STAFF.to_owned()),
        "CUSTOMERS_WARDEN_LEEWAY_SECONDS" => Some("soon".to_owned()),
        // Unprefixed variables belong to another warden and are not read.
        "WARDEN_JWKS_URL" => Some("https://unrelated.example.test/jwks".to_owned()),
        _ => None,
    };
    let err = WardenBuilder::from_vars_prefixed("CUSTOMERS_", lookup)
        .err()
        .expect("a leeway that is not a number");
    assert!(
        matches!(
            err,
            ConfigError::InvalidValue {
                setting: "CUSTOMERS_WARDEN_LEEWAY_SECONDS",
                ..
            }
        ),
        "{err}"
    );
    let lookup = |name: &str| {
        (name != "CUSTOMERS_WARDEN_LEEWAY_SECONDS")
            .then(|| lookup(name))
            .flatten()
    };
    let (_, b) = issuers();
    let warden = WardenBuilder::from_vars_prefixed("CUSTOMERS_", lookup)
        .expect("read")
        .role_hierarchy(axum_warden::RoleHierarchy::new().role("admin", ["editor"]))
        .trust(b.issuer_config())
        .build()
        .expect("extended");
    assert_eq!(warden.role_hierarchy().roles_granting("editor"), ["editor", "admin"]);
    assert_eq!(
        warden.verify_token(&b.token().sign()).expect("b").issuer(),
        Some(PARTNERS)
    );
    let missing = WardenBuilder::from_vars_prefixed("CUSTOMERS_", |_| None)
        .expect("nothing set")
        .build()
        .expect_err("no key source");
    assert!(matches!(missing, ConfigError::NoKeySource));
    assert!(format!("{missing:?}").contains("WARDEN_JWT_SECRET"), "{missing:?}");
}

#[cfg(feature = "config-file")]
mod config_file {
    use super::*;

    /// A file in a fresh directory, removed at the end of the test.
    struct File(std::path::PathBuf);

    impl File {
        fn new(name: &str, text: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("warden-issuers-{}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("warden.toml");
            std::fs::write(&path, text).expect("written");
            Self(path)
        }

        fn path(&self) -> String {
            self.0.to_str().expect("UTF-8 path").to_owned()
        }
    }

    impl Drop for File {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.0.parent().expect("dir"));
        }
    }

    const STAFF_SECRET: &str = "the staff issuer's secret, 32 bytes or more";

    /// A token of the staff issuer, signed with the secret the file's variable holds.
    fn staff_token(iss: &str) -> String {
        let payload = format!(
            r#"{{"iss":"{iss}","aud":"{}","sub":"ada","exp":4102444800}}"#,
            axum_warden::testing::TEST_AUDIENCE
        );
        axum_warden::testing::sign_hmac(
            Algorithm::HS256,
            STAFF_SECRET.as_bytes(),
            br#"{"alg":"HS256"}"#,
            payload.as_bytes(),
        )
    }

    fn builder(file: &File) -> Result<WardenBuilder, ConfigError> {
        let path = file.path();
        WardenBuilder::from_vars_prefixed("", move |name| match name {
            "WARDEN_CONFIG" => Some(path.clone()),
            "STAFF_SECRET" => Some(STAFF_SECRET.to_owned()),
            _ => None,
        })
    }

    #[test]
    fn a_file_lists_several_issuers() {
        let (_, b) = issuers();
        let pem = std::env::temp_dir().join(format!("warden-issuers-{}-es256.pem", std::process::id()));
        std::fs::write(&pem, b.public_key_pem().expect("an ES256 key")).expect("written");
        let file = File::new(
            "ok",
            &format!(
                r#"
realm = "partners"

[[issuers]]
issuer = "{STAFF}"
jwt_secret_env = "STAFF_SECRET"
audience = ["{aud}"]
jwt_algorithms = ["HS256"]

[[issuers]]
issuer = "{PARTNERS}"
jwt_public_key_file = "{pem}"
audience = ["{aud}"]
leeway_seconds = 30
roles_claim = "roles"
"#,
                aud = axum_warden::testing::TEST_AUDIENCE,
                pem = pem.display()
            ),
        );
        let warden = builder(&file).expect("read").build().expect("built");
        let _ = std::fs::remove_file(&pem);
        assert_eq!(warden.realm(), "partners");
        assert_eq!(
            warden.verify_token(&staff_token(STAFF)).expect("a").issuer(),
            Some(STAFF)
        );
        assert_eq!(
            warden.verify_token(&b.token().sign()).expect("b").issuer(),
            Some(PARTNERS)
        );
        // The staff secret claiming the partners' issuer.
        let forged = staff_token(PARTNERS);
        assert_eq!(refusal(warden.verify_token(&forged)), TokenError::AlgorithmNotAllowed);
    }

    #[test]
    fn every_mistake_in_the_file_names_its_setting() {
        let cases = [
            (
                "[[issuers]]\nissuer = \"https://a\"\njwks_url = 7\n",
                "issuers[0].jwks_url: is a string",
            ),
            (
                "[[issuers]]\njwks_url = \"https://a/jwks\"\n",
                "issuers[0].issuer: is missing",
            ),
            (
                "[[issuers]]\nissuer = \"https://a\"\njwks_ur = \"https://a/jwks\"\n",
                "issuers[0].jwks_ur: is not an issuer setting",
            ),
            ("realms = \"x\"\n", "realms: is not a setting"),
            (
                "[[issuers]]\nissuer = \"https://a\"\njwt_secret_env = \"STAFF_SECRET\"\n[[issuers]]\nissuer = \"https://b\"\njwt_algorithms = [\"HS999\"]\njwt_secret_env = \"STAFF_SECRET\"\n",
                "issuers[1].jwt_algorithms: unknown algorithm",
            ),
            (
                "[[issuers]]\nissuer = \"https://a\"\njwt_secret_env = \"NOT_SET\"\n",
                "issuers[0].jwt_secret_env: the variable NOT_SET is not set",
            ),
            (
                "[[issuers]]\nissuer = \"https://a\"\naudience = []\n",
                "issuers[0].audience: is empty",
            ),
        ];
        for (i, (text, expected)) in cases.into_iter().enumerate() {
            let file = File::new(&format!("bad{i}"), text);
            let err = builder(&file).and_then(WardenBuilder::build).expect_err(expected);
            let message = err.to_string();
            assert_eq!(message, format!("{err:?}"));
            let expected = format!("{}: {expected}", file.path());
            assert!(message.starts_with(&expected), "{message}\nexpected: {expected}");
        }
        // Mistakes found when the keys load name the file's setting too.
        let file = File::new(
            "late",
            "[[issuers]]\nissuer = \"https://a\"\njwks_url = \"ftp://a/jwks\"\n[[issuers]]\nissuer = \"https://b\"\njwks_file = \"/nonexistent/jwks.json\"\n",
        );
        let err = builder(&file).expect("read").build().expect_err("ftp is refused");
        assert!(
            err.to_string()
                .starts_with(&format!("{}: issuers[0].jwks_url: ", file.path())),
            "{err}"
        );
        let syntax = File::new("syntax", "[[issuers]\n");
        let err = builder(&syntax).err().expect("not TOML");
        assert!(err.to_string().starts_with("WARDEN_CONFIG: "), "{err}");
        assert!(err.to_string().contains("is not valid TOML"), "{err}");
    }
}
