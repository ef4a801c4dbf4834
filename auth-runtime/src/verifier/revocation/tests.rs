use std::sync::atomic::Ordering;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};

use super::list::unix_now;
use super::{Revocation, RevocationKind, Revocations};
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;

fn identity(claims: Value) -> Identity {
    let Value::Object(claims) = claims else {
        unreachable!("an object literal")
    };
    let subject = claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut builder = Identity::builder(subject).claims(claims.clone());
    if let Some(iss) = claims.get("iss").and_then(Value::as_str) {
        builder = builder.issuer(iss);
    }
    builder.build()
}

fn revoke(list: &Revocations, revocation: Revocation) {
    tokio_test::block_on(list.revoke(revocation)).expect("an in-memory list takes every revocation");
}

#[test]
fn a_token_is_refused_by_its_jti_and_only_it() {
    let list = Revocations::in_memory();
    let now = unix_now();
    let token = identity(json!({"sub": "alice", "jti": "t-1", "iat": now}));
    let other = identity(json!({"sub": "alice", "jti": "t-2", "iat": now}));
    let no_jti = identity(json!({"sub": "alice", "iat": now}));
    assert_eq!(list.check(&token, now), Ok(()));
    revoke(&list, Revocation::token("t-1", now + 60));
    assert_eq!(
        list.check(&token, now),
        Err(AuthError::InvalidToken(TokenError::Revoked))
    );
    assert_eq!(list.check(&other, now), Ok(()));
    assert_eq!(list.check(&no_jti, now), Ok(()));
    // Kept beyond `exp` by the largest leeway, then forgotten.
    assert!(list.check(&token, now + 60 + 599).is_err());
    assert_eq!(list.check(&token, now + 60 + 600), Ok(()));
}

#[test]
fn a_session_is_refused_by_its_sid() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(&list, Revocation::session("s-1"));
    assert!(list.check(&identity(json!({"sub": "a", "sid": "s-1"})), now).is_err());
    assert_eq!(list.check(&identity(json!({"sub": "a", "sid": "s-2"})), now), Ok(()));
    assert_eq!(
        list.check(&identity(json!({"sub": "a", "sid": 7})), now),
        Ok(()),
        "a sid that is not a string names no session"
    );
    // Kept for the retention (a day by default).
    assert!(
        list.check(&identity(json!({"sub": "a", "sid": "s-1"})), now + 86_399)
            .is_err()
    );
    assert_eq!(
        list.check(&identity(json!({"sub": "a", "sid": "s-1"})), now + 86_401),
        Ok(())
    );
}

#[test]
fn a_subject_is_refused_for_tokens_issued_up_to_the_time() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(
        &list,
        Revocation::subject_before("alice", UNIX_EPOCH + Duration::from_secs(now)),
    );
    for (claims, revoked) in [
        (json!({"sub": "alice", "iat": now - 10}), true),
        (json!({"sub": "alice", "iat": now}), true),
        (json!({"sub": "alice"}), true),
        (json!({"sub": "alice", "iat": "later"}), true),
        (json!({"sub": "alice", "iat": now + 1}), false),
        (json!({"sub": "alice", "iat": (now + 1) as f64 + 0.5}), false),
        (json!({"sub": "bob", "iat": now - 10}), false),
    ] {
        assert_eq!(list.check(&identity(claims.clone()), now).is_err(), revoked, "{claims}");
    }
}

#[test]
fn an_issuer_limits_what_a_revocation_names() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(&list, Revocation::session("s").issued_by("https://a.example"));
    revoke(&list, Revocation::session("s").issued_by("https://c.example"));
    let of = |iss: &str| identity(json!({"sub": "x", "sid": "s", "iss": iss}));
    assert!(list.check(&of("https://a.example"), now).is_err());
    assert!(list.check(&of("https://c.example"), now).is_err());
    assert_eq!(list.check(&of("https://b.example"), now), Ok(()));
    assert_eq!(list.len(), 2);
    // Without an issuer, every issuer's token with the value.
    revoke(&list, Revocation::session("s"));
    assert!(list.check(&of("https://b.example"), now).is_err());
}

#[test]
fn recording_again_never_shortens_a_revocation() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(&list, Revocation::token("t", now + 3_000));
    revoke(&list, Revocation::token("t", now + 10));
    assert_eq!(list.len(), 1);
    assert!(
        list.check(&identity(json!({"sub": "a", "jti": "t"})), now + 2_000)
            .is_err()
    );
}

#[test]
fn expired_entries_are_dropped_at_the_next_change() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(&list, Revocation::token("old", 0));
    assert_eq!(list.len(), 1, "kept until the next change");
    revoke(&list, Revocation::token("new", now + 60));
    assert_eq!(list.len(), 1, "the expired one is gone");
}

#[test]
fn an_unloaded_or_stale_shared_list_answers_503_and_a_fresh_one_its_set() {
    let list = Revocations::in_memory();
    let now = unix_now();
    let token = identity(json!({"sub": "a", "jti": "t"}));
    list.0.state.loaded.store(false, Ordering::Release);
    assert!(matches!(list.check(&token, now), Err(AuthError::Unavailable { .. })));
    list.0.state.loaded.store(true, Ordering::Release);
    // Lost 29 s ago with the default limit of 30 s: still trusted; 30 s: no longer.
    let millis = super::list::unix_millis();
    list.0.state.stale_since.store(millis - 29_000, Ordering::Release);
    assert_eq!(list.check(&token, now), Ok(()));
    revoke(&list, Revocation::token("t", now + 60));
    assert!(matches!(
        list.check(&token, now),
        Err(AuthError::InvalidToken(TokenError::Revoked))
    ));
    list.0.state.stale_since.store(millis - 30_000, Ordering::Release);
    assert!(matches!(list.check(&token, now), Err(AuthError::Unavailable { .. })));
    list.0.state.stale_since.store(0, Ordering::Release);
    assert!(matches!(list.check(&token, now), Err(AuthError::InvalidToken(_))));
}

#[test]
fn the_store_form_reads_back_and_refuses_anything_else() {
    let now = unix_now();
    for revocation in [
        Revocation::token("t:1", now + 5).issued_by("https://a.example"),
        Revocation::session("s").resolved(now, 60),
        Revocation::subject("alice").resolved(now, 60),
    ] {
        let json = revocation.to_json();
        assert_eq!(Revocation::from_json(json.as_bytes()), Ok(revocation), "{json}");
    }
    for bad in [
        "",
        "[]",
        "null",
        r#"{"kind":"token","value":"t","before":0}"#,
        r#"{"kind":"tokens","value":"t","before":0,"until":1}"#,
        r#"{"kind":"token","value":7,"before":0,"until":1}"#,
        r#"{"kind":"token","value":"t","issuer":1,"before":0,"until":1}"#,
        r#"{"kind":"token","value":"t","before":-1,"until":1}"#,
        r#"{"kind":"token","value":"t","before":0,"until":"1"}"#,
        "{\"kind\":\"token\"",
    ] {
        assert!(Revocation::from_json(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn an_identity_is_revoked_by_its_jti_and_issuer() {
    let token = identity(json!({"sub": "a", "jti": "t", "iss": "https://a.example"}));
    let revocation = Revocation::of_identity(&token).expect("has a jti");
    assert_eq!(
        (revocation.kind(), revocation.value(), revocation.issuer()),
        (RevocationKind::Token, "t", Some("https://a.example"))
    );
    assert!(Revocation::of_identity(&identity(json!({"sub": "a"}))).is_none());
}

/// An identity kept as verified text is judged on the claims picked from the text, and
/// exactly as one whose claims are a map: escaped names, claims of the wrong type and
/// missing ones included: the first check reads the text, a later one (a cached
/// identity) the map it builds and keeps.
#[test]
fn claims_kept_as_text_are_judged_as_the_map() {
    let list = Revocations::in_memory();
    let now = unix_now();
    revoke(&list, Revocation::token("t-1", now + 60));
    revoke(&list, Revocation::session("s-1"));
    revoke(
        &list,
        Revocation::subject_before("u-1", UNIX_EPOCH + Duration::from_secs(now - 10)),
    );
    let cases = [
        r#"{"sub":"a","jti":"t-1"}"#,
        r#"{"sub":"a","\u006ati":"t-1"}"#,
        r#"{"sub":"a","jti":"t-\u0031"}"#,
        r#"{"sub":"a","jti":"t-2","sid":"s-1"}"#,
        r#"{"sub":"a","jti":7,"sid":["s-1"]}"#,
        r#"{"sub":"a","nested":{"jti":"t-1","sid":"s-1"}}"#,
        r#"{"sub":"u-1","iat":1}"#,
        r#"{"sub":"u-1","iat":"1"}"#,
        r#"{"sub":"u-1"}"#,
        r#"{"sub":"u-1","iat":4102444800}"#,
        r#"{"sub":"u-1","iat":-5.5}"#,
        r#"{"sub":"a"}"#,
    ];
    for text in cases {
        let map: serde_json::Map<String, Value> = serde_json::from_str(text).expect("an object");
        let subject = map.get("sub").and_then(Value::as_str).unwrap_or_default().to_owned();
        let kept = Identity::builder(subject.clone())
            .claims_text(text.to_owned(), 0)
            .build();
        let parsed = Identity::builder(subject).claims(map).build();
        let from_text = list.is_revoked(&kept);
        assert!(!kept.has_map(), "{text}: the first check built the map");
        assert_eq!(from_text, list.is_revoked(&parsed), "{text}");
        // A fresh identity's next check picks again; once the cache has served the
        // identity, a check builds the map and reads it. The answer stays.
        assert_eq!(list.is_revoked(&kept), from_text, "{text}");
        assert!(!kept.has_map(), "{text}: a fresh identity's second check built the map");
        kept.mark_cached();
        assert_eq!(list.is_revoked(&kept), from_text, "{text}, cached");
        assert!(kept.has_map(), "{text}: a cached identity's check kept no map");
    }
}
