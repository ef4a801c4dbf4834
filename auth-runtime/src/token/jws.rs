//! Compact JWS parsing (RFC 7515 §7.1): three segments, the header read once and
//! strictly, the signature checked with the key the header selects.
//!
//! The signature check itself is `jsonwebtoken`'s (through the verifiers bound in
//! [`keys`](super::keys)); the parsing around it is strict where `jsonwebtoken::decode`
//! is lenient: duplicate member names, `crit`, non-object claims and mistyped registered
//! claims are refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::json::{ClaimRef, JsonError, parse_header, parse_object, pick};
use super::keys::{KeySet, Lookup};
use crate::algorithm::Algorithm;
use crate::error::TokenError;

/// The parts of a token header the verifier reads.
pub(crate) struct Header {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
}

/// A token split and its header read, before any key is chosen.
pub(crate) struct Parsed<'t> {
    pub(crate) header: Header,
    message: &'t [u8],
    payload: &'t str,
    signature: &'t str,
    /// The payload decoded already, when the issuer was selected by the `iss` it claims
    /// ([`claimed_issuer`]): given back once the signature holds, instead of decoded again.
    decoded: Option<Vec<u8>>,
}

/// What a compact JWS must be to be parsed: the verifier's algorithms, size cap and header
/// rules.
pub(crate) struct Expect<'a> {
    /// Every algorithm some configured key is bound to: an `alg` outside it (`none` in any
    /// spelling, `HS256` against an RSA key …) is refused before any key is looked up.
    pub(crate) algorithms: &'a [Algorithm],
    pub(crate) max_len: usize,
    /// Whether `typ` must be `at+jwt` (RFC 9068 §2.1).
    pub(crate) access_token_type: bool,
}

/// Whether a `typ` value names a JWT access token: `at+jwt`, or the full media type
/// `application/at+jwt`, in any case (RFC 9068 §2.1 and RFC 7515 §4.1.9: media types are
/// case-insensitive, and the `application/` prefix may be left out).
pub(crate) fn is_access_token_type(typ: &str) -> bool {
    let typ = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    };
    typ.eq_ignore_ascii_case("at+jwt")
}

/// Splits a compact JWS and reads its header, refusing what `expect` rules out before any
/// key is looked up.
pub(crate) fn parse<'t>(token: &'t str, expect: &Expect<'_>) -> Result<Parsed<'t>, TokenError> {
    if token.len() > expect.max_len {
        return Err(TokenError::TooLarge);
    }
    let mut segments = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return Err(TokenError::Malformed);
    };
    let fields = with_decoded(header, |json| read_header(json, expect)).ok_or(TokenError::Malformed)??;
    Ok(Parsed {
        header: fields,
        message: &token.as_bytes()[..header.len() + 1 + payload.len()],
        payload,
        signature,
        decoded: None,
    })
}

/// The header's fields the verifier reads, checked against `expect`.
fn read_header(json: &[u8], expect: &Expect<'_>) -> Result<Header, TokenError> {
    let fields = parse_header(json).map_err(json_error)?;
    if fields.crit {
        return Err(TokenError::CriticalHeader);
    }
    let alg = match fields.alg {
        Some(Ok(name)) => expect
            .algorithms
            .iter()
            .copied()
            .find(|a| a.as_str() == &*name)
            .ok_or(TokenError::AlgorithmNotAllowed)?,
        _ => return Err(TokenError::AlgorithmNotAllowed),
    };
    // Read only when required: a verifier without the rule pays nothing for it.
    if expect.access_token_type && !matches!(&fields.typ, Some(Ok(typ)) if is_access_token_type(typ)) {
        return Err(TokenError::NotAnAccessToken);
    }
    let kid = match fields.kid {
        None => None,
        Some(Ok(kid)) => Some(kid.into_owned()),
        Some(Err(())) => return Err(TokenError::Malformed),
    };
    Ok(Header { alg, kid })
}

/// Decoded bytes kept on the stack: a JOSE header without certificates fits, and so does
/// every signature up to RSA-4096 (512 bytes).
const ON_STACK: usize = 512;

/// `read` over the bytes of the base64url `segment`, decoded on the stack when they fit
/// in [`ON_STACK`] bytes, else into a vector; `None` when `segment` is not base64url
/// without padding.
///
/// The header and the signature are read once and dropped, so a first verification
/// need not allocate, zero and free a buffer for either.
pub(crate) fn with_decoded<T>(segment: &str, read: impl FnOnce(&[u8]) -> T) -> Option<T> {
    if base64::decoded_len_estimate(segment.len()) <= ON_STACK {
        let mut stack = [0; ON_STACK];
        let len = URL_SAFE_NO_PAD.decode_slice(segment, &mut stack).ok()?;
        Some(read(&stack[..len]))
    } else {
        Some(read(&URL_SAFE_NO_PAD.decode(segment).ok()?))
    }
}

/// The `typ` of a token's header, when it is a string; `None` also for a header that does
/// not parse (the caller's own parse refuses that). For cold paths only: it decodes the
/// header again.
pub(crate) fn header_type(token: &str) -> Option<String> {
    let header = URL_SAFE_NO_PAD.decode(token.split('.').next()?).ok()?;
    match parse_header(&header).ok()?.typ {
        Some(Ok(typ)) => Some(typ.into_owned()),
        _ => None,
    }
}

/// What `select` makes of the `iss` a token claims, read from its payload before any
/// verification, to select the trusted issuer whose keys and rules then verify it; with
/// the decoded payload, for [`Parsed::with_decoded`]. Nothing read here is trusted: the
/// selected issuer's rules check `iss` again after the signature.
///
/// A token without a string `iss`, or whose `iss` `select` refuses, selects no issuer
/// ([`TokenError::InvalidIssuer`]).
///
/// The payload is read by its syntax alone first, which skips every other member without
/// keeping it: the strict reading (duplicate names, numbers out of range) comes after the
/// signature, and costs as much again. Only where that first reading fails does the strict
/// one run here, so that a payload refused before any key is chosen gets the error it
/// always got. A payload that only the strict reading refuses (a duplicate member other
/// than `iss`, a number out of range) is refused after the signature instead: for its own
/// fault when the signature holds, as a bad signature when it does not.
pub(crate) fn claimed_issuer<T>(
    token: &str,
    max_len: usize,
    select: impl FnOnce(&str) -> Option<T>,
) -> Result<(T, Vec<u8>), TokenError> {
    if token.len() > max_len {
        return Err(TokenError::TooLarge);
    }
    let mut segments = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return Err(TokenError::Malformed);
    };
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
    let text = std::str::from_utf8(&payload).map_err(|_| TokenError::Malformed)?;
    let selected = match serde_json::from_str::<ClaimedIssuer<'_>>(text) {
        Ok(ClaimedIssuer { iss }) => iss.as_deref().and_then(select),
        Err(_) => pick(text, |name| name == "iss")
            .map_err(json_error)?
            .get("iss")
            .and_then(ClaimRef::as_str)
            .and_then(select),
    };
    Ok((selected.ok_or(TokenError::InvalidIssuer)?, payload))
}

/// The top-level `iss` of a claims set, read by syntax alone: every other member is
/// skipped. A second `iss`, or one that is not a string, fails the reading.
#[derive(serde::Deserialize)]
struct ClaimedIssuer<'a> {
    #[serde(borrow, default)]
    iss: Option<std::borrow::Cow<'a, str>>,
}

pub(crate) fn json_error(e: JsonError) -> TokenError {
    match e {
        JsonError::Syntax => TokenError::Malformed,
        JsonError::DuplicateMember => TokenError::DuplicateMember,
        JsonError::NotAnObject => TokenError::ClaimsNotAnObject,
    }
}

impl Parsed<'_> {
    /// This token with its payload decoded already (by [`claimed_issuer`], from the same
    /// token), which [`verified_payload`](Self::verified_payload) gives back.
    pub(crate) fn with_decoded(self, decoded: Option<Vec<u8>>) -> Self {
        Self { decoded, ..self }
    }

    /// Checks the signature with the key the header selects, and reads the claims.
    pub(crate) fn verify_signature(self, keys: &KeySet) -> Result<Map<String, Value>, TokenError> {
        parse_object(&self.verified_payload(keys)?).map_err(json_error)
    }

    /// Checks the signature with the key the header selects: the decoded payload, not
    /// yet read as JSON.
    pub(crate) fn verified_payload(self, keys: &KeySet) -> Result<Vec<u8>, TokenError> {
        let key = match keys.select(self.header.kid.as_deref(), self.header.alg) {
            Lookup::Found(key) => key,
            Lookup::UnknownKid | Lookup::NoMatch => return Err(TokenError::UnknownKey),
        };
        if !with_decoded(self.signature, |signature| key.verify(self.message, signature))
            .ok_or(TokenError::Malformed)?
        {
            return Err(TokenError::BadSignature);
        }
        match self.decoded {
            Some(decoded) => Ok(decoded),
            None => URL_SAFE_NO_PAD.decode(self.payload).map_err(|_| TokenError::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    use super::{ON_STACK, claimed_issuer, is_access_token_type, with_decoded};
    use crate::error::TokenError;

    /// What `with_decoded` reads, or `None` where it refused the segment.
    fn stack_decoded(segment: &str) -> Option<Vec<u8>> {
        with_decoded(segment, <[u8]>::to_vec)
    }

    /// Segments of every length around the stack's size decode on both sides of it, and
    /// the bytes are those a vector decode gives: the last that fits and the first that
    /// does not included.
    #[test]
    fn segments_decode_alike_on_both_sides_of_the_stack() {
        for len in (0..=ON_STACK + 8).chain([1024, 4096]) {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            let segment = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(stack_decoded(&segment), Some(bytes), "{len} bytes");
        }
    }

    /// A segment that is not base64url without padding is refused on both paths: padding,
    /// the standard alphabet's `+` and `/`, a length no encoding has, bits left over in
    /// the last character, and a bad character at the end of a segment too long for the
    /// stack.
    #[test]
    fn malformed_segments_are_refused_on_both_paths() {
        let long = "A".repeat(4 * ON_STACK);
        let cases = [
            "AA==".to_owned(),
            "ab+c".to_owned(),
            "ab/c".to_owned(),
            "A".to_owned(),
            "AAAAA".to_owned(),
            "AB".to_owned(),
            "eyJhbGciOiJIUzI1NiJ9.".to_owned(),
            format!("{long}="),
            format!("{long}*"),
        ];
        for segment in cases {
            assert_eq!(stack_decoded(&segment), None, "{segment}");
            assert!(URL_SAFE_NO_PAD.decode(&segment).is_err(), "{segment}");
        }
    }

    proptest! {
        /// Whatever the text, decoding on the stack agrees with decoding to a vector.
        #[test]
        fn stack_decoding_agrees_with_vector_decoding(segment in "[A-Za-z0-9_+/=.*-]{0,760}") {
            prop_assert_eq!(stack_decoded(&segment), URL_SAFE_NO_PAD.decode(&segment).ok());
        }

        /// The encoding of any bytes, with one character replaced or not, decodes alike:
        /// mostly valid segments, of lengths on both sides of the stack's size.
        #[test]
        fn encodings_with_one_change_decode_alike(
            bytes in proptest::collection::vec(any::<u8>(), 0..700),
            at in any::<prop::sample::Index>(),
            change in proptest::option::of("[A-Za-z0-9_+/=.-]"),
        ) {
            let mut segment = URL_SAFE_NO_PAD.encode(&bytes);
            if let Some(change) = change.filter(|_| !segment.is_empty()) {
                let at = at.index(segment.len());
                segment.replace_range(at..=at, &change);
            }
            prop_assert_eq!(stack_decoded(&segment), URL_SAFE_NO_PAD.decode(&segment).ok());
        }
    }

    #[test]
    fn access_token_types_are_matched_without_case() {
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt", "Application/At+JWT"] {
            assert!(is_access_token_type(typ), "{typ}");
        }
        for typ in [
            "JWT",
            "",
            "at+jwt ",
            " at+jwt",
            "application/",
            "application/jwt",
            "x-application/at+jwt",
            "applicatioé/at+jwt",
            "at+jwt\0",
        ] {
            assert!(!is_access_token_type(typ), "{typ}");
        }
    }

    /// A token whose payload is `claims`, for [`claimed_issuer`] (header and signature are
    /// not read there).
    fn claiming(claims: &str) -> String {
        format!("e30.{}.c2ln", URL_SAFE_NO_PAD.encode(claims))
    }

    /// What [`claimed_issuer`] selects among issuers `a` and `b`.
    fn selected(claims: &str) -> Result<&'static str, TokenError> {
        let select = |iss: &str| ["a", "b"].into_iter().find(|name| *name == iss);
        claimed_issuer(&claiming(claims), 8192, select).map(|(name, _)| name)
    }

    /// The syntax-only reading selects what the strict one would: the top-level `iss`,
    /// escaped or not, never one nested in another member; and where it cannot read the
    /// payload, the strict reading gives its error.
    #[test]
    fn the_claimed_issuer_is_the_top_level_iss() {
        assert_eq!(selected(r#"{"sub":"x","iss":"b"}"#), Ok("b"));
        assert_eq!(selected(r#"{"\u0069ss":"b"}"#), Ok("b"));
        assert_eq!(selected(r#"{"iss":"\u0062"}"#), Ok("b"));
        assert_eq!(selected(r#"{"x":{"iss":"a"},"iss":"b","y":["iss","a"]}"#), Ok("b"));
        assert_eq!(selected(r#"{"x":{"iss":"a"}}"#), Err(TokenError::InvalidIssuer));
        assert_eq!(selected(r#"{"iss":"c"}"#), Err(TokenError::InvalidIssuer));
        assert_eq!(selected(r#"{"iss":7}"#), Err(TokenError::InvalidIssuer));
        assert_eq!(selected(r#"{"iss":null}"#), Err(TokenError::InvalidIssuer));
        assert_eq!(selected(r#"{"iss":["a"]}"#), Err(TokenError::InvalidIssuer));
        assert_eq!(selected(r#"{"iss":"a","iss":"b"}"#), Err(TokenError::DuplicateMember));
        assert_eq!(
            selected(r#"{"iss":"a","\u0069ss":"a"}"#),
            Err(TokenError::DuplicateMember)
        );
        assert_eq!(selected(r#"["iss","a"]"#), Err(TokenError::ClaimsNotAnObject));
        assert_eq!(selected(r#"{"iss":"a"} x"#), Err(TokenError::Malformed));
        assert_eq!(selected(r#"{"iss":"a""#), Err(TokenError::Malformed));
        // Refused by the strict reading only, after the signature.
        assert_eq!(selected(r#"{"iss":"a","x":1,"x":2}"#), Ok("a"));
    }

    proptest! {
        /// On any claims set the strict reading accepts, both readings select the same.
        #[test]
        fn both_readings_select_alike(
            members in proptest::collection::vec(
                (
                    prop_oneof![Just("iss".to_owned()), Just("\\u0069ss".to_owned()), "[a-z]{1,3}"],
                    prop_oneof![
                        Just("\"a\"".to_owned()),
                        Just("\"b\"".to_owned()),
                        Just("{\"iss\":\"a\"}".to_owned()),
                        Just("[\"b\"]".to_owned()),
                        Just("1e400".to_owned()),
                        Just("null".to_owned()),
                        "-?[0-9]{1,3}",
                    ],
                ),
                0..6,
            )
        ) {
            let body: Vec<String> = members.iter().map(|(name, value)| format!("\"{name}\":{value}")).collect();
            let claims = format!("{{{}}}", body.join(","));
            let strict = crate::token::json::pick(&claims, |name| name == "iss")
                .map_err(super::json_error)
                .and_then(|picked| {
                    picked
                        .get("iss")
                        .and_then(crate::token::json::ClaimRef::as_str)
                        .and_then(|iss| ["a", "b"].into_iter().find(|name| *name == iss))
                        .ok_or(TokenError::InvalidIssuer)
                });
            if strict.is_ok() || strict == Err(TokenError::InvalidIssuer) {
                prop_assert_eq!(selected(&claims), strict, "{}", claims);
            }
        }
    }
}
