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

/// The `iss` a token claims, read from its payload before any verification, to select
/// the trusted issuer whose keys and rules then verify it. Nothing read here is trusted:
/// the selected issuer's rules check `iss` again after the signature.
///
/// A token without a string `iss` selects no issuer ([`TokenError::InvalidIssuer`]).
pub(crate) fn claimed_issuer(token: &str, max_len: usize) -> Result<String, TokenError> {
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
    match pick(text, |name| name == "iss")
        .map_err(json_error)?
        .get("iss")
        .and_then(ClaimRef::as_str)
    {
        Some(iss) => Ok(iss.to_owned()),
        None => Err(TokenError::InvalidIssuer),
    }
}

pub(crate) fn json_error(e: JsonError) -> TokenError {
    match e {
        JsonError::Syntax => TokenError::Malformed,
        JsonError::DuplicateMember => TokenError::DuplicateMember,
        JsonError::NotAnObject => TokenError::ClaimsNotAnObject,
    }
}

impl Parsed<'_> {
    /// Checks the signature with the key the header selects, and reads the claims.
    pub(crate) fn verify_signature(&self, keys: &KeySet) -> Result<Map<String, Value>, TokenError> {
        parse_object(&self.verified_payload(keys)?).map_err(json_error)
    }

    /// Checks the signature with the key the header selects: the decoded payload, not
    /// yet read as JSON.
    pub(crate) fn verified_payload(&self, keys: &KeySet) -> Result<Vec<u8>, TokenError> {
        let key = match keys.select(self.header.kid.as_deref(), self.header.alg) {
            Lookup::Found(key) => key,
            Lookup::UnknownKid | Lookup::NoMatch => return Err(TokenError::UnknownKey),
        };
        if !with_decoded(self.signature, |signature| key.verify(self.message, signature))
            .ok_or(TokenError::Malformed)?
        {
            return Err(TokenError::BadSignature);
        }
        URL_SAFE_NO_PAD.decode(self.payload).map_err(|_| TokenError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    use super::{ON_STACK, is_access_token_type, with_decoded};

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
}
