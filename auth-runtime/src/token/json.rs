//! A JSON reader that refuses what `serde_json::Value` silently accepts.
//!
//! `serde_json` keeps the last of two members with the same name. RFC 7515 §4 and
//! RFC 7519 §4 require a JWT parser to reject such a document or use the last one; a
//! security component must not guess which member the signer meant, so duplicates are an
//! error here, at every depth. Nesting depth is bounded by `serde_json`'s own recursion
//! limit (128 levels, the outermost object included), which also bounds this visitor's
//! recursion. Header members and claims the verifier does not read are walked without
//! being stored ([`Counted`]), but checked as `serde_json::Value` would check them
//! (numbers in range, nesting within the limit), so a header is accepted exactly when it
//! is valid JSON to `serde_json`, and picked claims exactly when the whole map would be.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::identity::Identity;

/// A JSON value whose objects, at every depth, had no duplicate member names.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if members.contains_key(&name) {
                return Err(de::Error::custom(DUPLICATE));
            }
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

const DUPLICATE: &str = "duplicate member name";

/// The members of a JOSE header the verifier reads, borrowed from the decoded bytes.
///
/// Reading only these (and skipping the rest) avoids building a map per request; member
/// names are still checked for duplicates at every depth, as in the claims.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct JoseHeader<'a> {
    pub(crate) alg: Option<Result<std::borrow::Cow<'a, str>, ()>>,
    pub(crate) kid: Option<Result<std::borrow::Cow<'a, str>, ()>>,
    /// `typ`, borrowed: compared only when a verifier requires `at+jwt`.
    pub(crate) typ: Option<Result<std::borrow::Cow<'a, str>, ()>>,
    pub(crate) crit: bool,
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = JoseHeader<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JoseHeader<'de>, A::Error> {
        let mut header = JoseHeader::default();
        let mut seen = Names::default();
        while let Some(StrOrString(name)) = map.next_key()? {
            if seen.contains(&name) {
                return Err(de::Error::custom(DUPLICATE));
            }
            match &*name {
                "alg" => header.alg = Some(map.next_value::<MaybeStr<'de>>()?.0),
                "kid" => header.kid = Some(map.next_value::<MaybeStr<'de>>()?.0),
                "typ" => header.typ = Some(map.next_value::<MaybeStr<'de>>()?.0),
                "crit" => {
                    map.next_value::<Counted>()?;
                    header.crit = true;
                }
                _ => {
                    map.next_value::<Counted>()?;
                }
            }
            seen.push(name);
        }
        Ok(header)
    }
}

/// The member names of one object seen so far, for the duplicate check: a short list
/// kept inline and scanned in order (a header or a claims set has a handful, and an
/// allocation per object cost more than the scan), a hash set past it, so that a token of
/// a thousand distinct names costs a thousand lookups, not half a million comparisons.
struct Names<'de> {
    few: [std::borrow::Cow<'de, str>; Names::FEW],
    len: usize,
    /// Made only past [`Names::FEW`]: a hash set's random keys cost more than the scan.
    many: Option<std::collections::HashSet<std::borrow::Cow<'de, str>>>,
}

impl Default for Names<'_> {
    fn default() -> Self {
        Self {
            few: [const { std::borrow::Cow::Borrowed("") }; Names::FEW],
            len: 0,
            many: None,
        }
    }
}

impl<'de> Names<'de> {
    const FEW: usize = 16;

    fn contains(&self, name: &str) -> bool {
        match &self.many {
            None => self.few[..self.len].iter().any(|seen| seen == name),
            Some(many) => many.contains(name),
        }
    }

    fn push(&mut self, name: std::borrow::Cow<'de, str>) {
        match &mut self.many {
            None if self.len < Self::FEW => {
                self.few[self.len] = name;
                self.len += 1;
            }
            None => {
                let mut many: std::collections::HashSet<_> = self.few.iter().cloned().collect();
                many.insert(name);
                self.many = Some(many);
            }
            Some(many) => {
                many.insert(name);
            }
        }
    }
}

/// A member name, borrowed unless it had escapes.
struct StrOrString<'a>(std::borrow::Cow<'a, str>);

impl<'de> Deserialize<'de> for StrOrString<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrString<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrOrString(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOrString(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(StrOrString(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A member value that should be a string: `Err(())` when it is any other JSON value.
struct MaybeStr<'a>(Result<std::borrow::Cow<'a, str>, ()>);

impl<'de> Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Ok(std::borrow::Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Ok(std::borrow::Cow::Owned(v.to_owned()))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeStr(Err(())))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Err(())))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Err(())))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Err(())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(MaybeStr(Err(())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<Counted>()?.is_some() {}
                Ok(MaybeStr(Err(())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                CountedVisitor.visit_map(map).map(|_| MaybeStr(Err(())))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Parses a JOSE header: an object whose member names are distinct at every depth.
pub(crate) fn parse_header(bytes: &[u8]) -> Result<JoseHeader<'_>, JsonError> {
    // Skipped members are not checked for UTF-8 by serde_json; RFC 7515 §4 requires the
    // whole header to be UTF-8 JSON, so check the bytes once, up front.
    let text = std::str::from_utf8(bytes).map_err(|_| JsonError::Syntax)?;
    read_object(text, HeaderVisitor)
}

/// Reads `text`, which must be one JSON object, with `visitor`.
fn read_object<'de, V: Visitor<'de>>(text: &'de str, visitor: V) -> Result<V::Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = match (&mut de).deserialize_any(ObjectOrNot(visitor)) {
        Ok(v) => de.end().map(|()| v),
        Err(e) => Err(e),
    };
    match result {
        Ok(Some(object)) => Ok(object),
        Ok(None) => Err(JsonError::NotAnObject),
        Err(e) if e.to_string().starts_with(DUPLICATE) => Err(JsonError::DuplicateMember),
        Err(_) => Err(JsonError::Syntax),
    }
}

/// A document's root: `Some` of what `V` reads of an object, `None` for any other JSON
/// value, so that a non-object is told apart from bad syntax. A non-object is walked as
/// [`Strict`] walks it, so its errors are those of [`parse_object`].
struct ObjectOrNot<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOrNot<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        CountedVisitor.visit_seq(seq).map(|_| None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Why a JOSE header or claims set was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON, or not UTF-8.
    Syntax,
    /// Two members of one object share a name.
    DuplicateMember,
    /// Valid JSON, but not an object.
    NotAnObject,
}

/// Parses `bytes` as a JSON object with no duplicate member names at any depth.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match Strict::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(Strict(value)) => value,
        Err(e) if e.to_string().starts_with(DUPLICATE) => return Err(JsonError::DuplicateMember),
        Err(_) => return Err(JsonError::Syntax),
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(JsonError::NotAnObject),
    }
}

/// The JSON values in `claims`, nested ones included: what a parsed claims set holds,
/// for the verified-token cache's weight. [`pick`] counts the same without the map.
pub(crate) fn count_values(claims: &Map<String, Value>) -> usize {
    claims.values().map(count_value).sum()
}

fn count_value(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_value).sum(),
        Value::Object(members) => members.values().map(count_value).sum(),
        _ => 0,
    }
}

/// The members of a claims set that the claim rules read, picked from its text without
/// building the whole map.
///
/// A verifier's rules read a handful of registered claims; a token carries more (`jti`,
/// names, e-mail, provider extensions), and building a map of all of them was a fifth of a
/// first verification. The members not picked are still walked as [`parse_object`]
/// would build them, so [`pick`] accepts exactly the documents [`parse_object`] accepts,
/// with the same error, and the map can be built from the text later, when asked for.
#[derive(Debug)]
pub(crate) struct Picked<'a> {
    members: Vec<(Cow<'a, str>, Claim<'a>)>,
    /// The JSON values of the whole document, as [`count_values`] counts them.
    pub(crate) values: usize,
}

impl Picked<'_> {
    /// The picked member `name`; `None` when the document has none (or it was not picked).
    pub(crate) fn get(&self, name: &str) -> Option<ClaimRef<'_>> {
        self.members
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, claim)| claim.as_ref())
    }
}

/// A picked claim: a string, or an array of strings, borrowed from the text where they
/// have no escapes, or any other JSON value.
///
/// The claims the rules read are mostly strings (`iss`, `aud`, `sub`, `scope`) and arrays
/// of strings (roles): compared, split or copied into the identity, and dropped. Read
/// borrowed, they cost no allocation each.
#[derive(Debug)]
enum Claim<'a> {
    Str(Cow<'a, str>),
    Strs(Vec<Cow<'a, str>>),
    Json(Value),
}

impl Claim<'_> {
    fn as_ref(&self) -> ClaimRef<'_> {
        match self {
            Self::Str(text) => ClaimRef::Str(text),
            Self::Strs(items) => ClaimRef::Strs(items),
            Self::Json(value) => ClaimRef::Json(value),
        }
    }

    /// The claim as the map holds it.
    fn into_value(self) -> Value {
        match self {
            Self::Str(text) => Value::String(text.into_owned()),
            Self::Strs(items) => items.into_iter().map(|item| Value::String(item.into_owned())).collect(),
            Self::Json(value) => value,
        }
    }

    /// Its JSON values, as [`count_values`] counts them in the map.
    fn values(&self) -> usize {
        match self {
            Self::Str(_) => 1,
            Self::Strs(items) => 1 + items.len(),
            Self::Json(value) => count_value(value),
        }
    }
}

/// A claim as a rule reads it, from a map's value or from a [`Picked`] member: what a
/// `&Value` would answer, for the questions the rules ask.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClaimRef<'v> {
    Json(&'v Value),
    Str(&'v str),
    /// An array whose items are all strings.
    Strs(&'v [Cow<'v, str>]),
}

impl<'v> ClaimRef<'v> {
    /// The string, when the claim is one.
    pub(crate) fn as_str(self) -> Option<&'v str> {
        match self {
            Self::Str(text) => Some(text),
            Self::Json(Value::String(text)) => Some(text),
            Self::Strs(_) | Self::Json(_) => None,
        }
    }

    pub(crate) fn is_string(self) -> bool {
        self.as_str().is_some()
    }

    /// The number, when the claim is one.
    pub(crate) fn as_f64(self) -> Option<f64> {
        match self {
            Self::Json(value) => value.as_f64(),
            Self::Str(_) | Self::Strs(_) => None,
        }
    }

    /// The JSON value, when the claim is neither a string nor an array of strings (a
    /// number, say).
    pub(crate) fn as_json(self) -> Option<&'v Value> {
        match self {
            Self::Json(value) => Some(value),
            Self::Str(_) | Self::Strs(_) => None,
        }
    }

    /// The member `name`, when the claim is an object that has one.
    pub(crate) fn member(self, name: &str) -> Option<Self> {
        match self {
            Self::Json(Value::Object(members)) => members.get(name).map(Self::Json),
            Self::Json(_) | Self::Str(_) | Self::Strs(_) => None,
        }
    }

    /// The items of an array, each as its string (`None` for an item that is not one).
    pub(crate) fn items(self) -> Option<Items<'v>> {
        match self {
            Self::Json(Value::Array(items)) => Some(Items::Json(items.iter())),
            Self::Strs(items) => Some(Items::Strs(items.iter())),
            Self::Json(_) | Self::Str(_) => None,
        }
    }

    /// The items of an array, or the claim itself when it is one string.
    pub(crate) fn string_or_items(self) -> Option<Items<'v>> {
        match self.as_str() {
            Some(text) => Some(Items::One(Some(text).into_iter())),
            None => self.items(),
        }
    }

    /// The claim as a map holds it.
    #[cfg(test)]
    pub(crate) fn to_value(self) -> Value {
        match self {
            Self::Json(value) => value.clone(),
            Self::Str(text) => Value::from(text),
            Self::Strs(items) => items.iter().map(|item| Value::from(&**item)).collect(),
        }
    }
}

/// The items of an array claim ([`ClaimRef::items`]).
pub(crate) enum Items<'v> {
    Json(std::slice::Iter<'v, Value>),
    Strs(std::slice::Iter<'v, Cow<'v, str>>),
    /// A claim that is one string ([`ClaimRef::string_or_items`]).
    One(std::option::IntoIter<&'v str>),
}

impl<'v> Iterator for Items<'v> {
    type Item = Option<&'v str>;

    fn next(&mut self) -> Option<Option<&'v str>> {
        match self {
            Self::Json(items) => items.next().map(Value::as_str),
            Self::Strs(items) => items.next().map(|item| Some(&**item)),
            Self::One(item) => item.next().map(Some),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Self::Json(items) => items.size_hint(),
            Self::Strs(items) => items.size_hint(),
            Self::One(item) => item.size_hint(),
        }
    }
}

impl ExactSizeIterator for Items<'_> {}

/// A claims set as the rules read it: a parsed map, or the members picked for the rules
/// from the verified text ([`pick`]).
pub(crate) trait ClaimSet {
    /// The top-level claim `name`.
    fn get(&self, name: &str) -> Option<ClaimRef<'_>>;

    /// The top-level claim `name` when it is a string, owned: copied, unless the set is
    /// dropped after the rules and can give it up (picked members).
    fn owned_string(&mut self, name: &str) -> Option<String> {
        self.get(name).and_then(ClaimRef::as_str).map(str::to_owned)
    }
}

/// A map, which the identity keeps: what is owned is copied.
impl ClaimSet for Map<String, Value> {
    fn get(&self, name: &str) -> Option<ClaimRef<'_>> {
        Map::get(self, name).map(ClaimRef::Json)
    }
}

/// A shared claims set: what is owned is copied.
impl<C: ClaimSet> ClaimSet for &C {
    fn get(&self, name: &str) -> Option<ClaimRef<'_>> {
        (**self).get(name)
    }
}

/// Picked members are dropped after the rules: a string is moved out, leaving an empty
/// one.
impl ClaimSet for Picked<'_> {
    fn get(&self, name: &str) -> Option<ClaimRef<'_>> {
        Picked::get(self, name)
    }

    fn owned_string(&mut self, name: &str) -> Option<String> {
        let (_, claim) = self.members.iter_mut().find(|(n, _)| n == name)?;
        match claim {
            Claim::Str(text) => Some(std::mem::take(text).into_owned()),
            Claim::Json(Value::String(text)) => Some(std::mem::take(text)),
            Claim::Strs(_) | Claim::Json(_) => None,
        }
    }
}

/// Reads `text` as [`parse_object`] does, keeping the top-level members `wanted` names.
pub(crate) fn pick<'a>(text: &'a str, wanted: impl Fn(&str) -> bool) -> Result<Picked<'a>, JsonError> {
    read_object(text, PickVisitor::<_, true>(wanted))
}

/// [`pick`] for a text that [`pick`] or [`parse_object`] accepted already (an identity's
/// verified claims): the members not wanted are skipped by their syntax alone, without
/// the duplicate check or the count of values, which that reading did. The picked
/// members are read as [`pick`] reads them, and their count is not kept.
pub(crate) fn pick_verified<'a>(text: &'a str, wanted: impl Fn(&str) -> bool) -> Result<Picked<'a>, JsonError> {
    read_object(text, PickVisitor::<_, false>(wanted))
}

/// `read` on a few claims of a verified identity, those `wanted` names: picked from its
/// claims text while the identity is fresh from its verification
/// ([`Identity::fresh_claims_text`]), which costs a fraction of building the map of every
/// claim; from the map, built once and kept, once the verified-token cache has answered
/// with it, where picking would walk the text on each request. The text was read strictly
/// before it was kept, so it picks without error.
pub(crate) fn read_claims<T>(
    identity: &Identity,
    wanted: impl Fn(&str) -> bool,
    read: impl FnOnce(&dyn ClaimSet) -> T,
) -> T {
    if let Some(Ok(picked)) = identity.fresh_claims_text().map(|text| pick_verified(text, wanted)) {
        return read(&picked);
    }
    read(identity.claims())
}

/// A claims set for [`pick`], walked as [`Strict`] walks it so that the errors are the
/// same; with `STRICT` unset, for [`pick_verified`].
struct PickVisitor<F, const STRICT: bool>(F);

impl<'de, F: Fn(&str) -> bool, const STRICT: bool> Visitor<'de> for PickVisitor<F, STRICT> {
    type Value = Picked<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut picked = Picked {
            // Room for the claims a verifier reads, in one allocation.
            members: Vec::with_capacity(8),
            values: 0,
        };
        let mut seen = Names::default();
        while let Some(StrOrString(name)) = map.next_key()? {
            if !STRICT {
                if (self.0)(&name) {
                    let PickedClaim::<false>(claim) = map.next_value()?;
                    picked.members.push((name, claim));
                } else {
                    map.next_value::<de::IgnoredAny>()?;
                }
                continue;
            }
            // The value is read before the name is checked, as `Strict` does, so a
            // document with both faults gives the same error.
            if (self.0)(&name) {
                let PickedClaim::<false>(claim) = map.next_value()?;
                picked.values += claim.values();
                if seen.contains(&name) {
                    return Err(de::Error::custom(DUPLICATE));
                }
                picked.members.push((name.clone(), claim));
            } else {
                picked.values += map.next_value::<Counted>()?.0;
                if seen.contains(&name) {
                    return Err(de::Error::custom(DUPLICATE));
                }
            }
            seen.push(name);
        }
        Ok(picked)
    }
}

/// A picked member's value, read as [`Strict`] reads it: strings and arrays of strings
/// borrowed where they can be, anything else as [`Strict`] builds it. `ITEM` is set for
/// an item of an array, whose own arrays are read as [`Strict`] reads them.
struct PickedClaim<'de, const ITEM: bool>(Claim<'de>);

impl<'de, const ITEM: bool> Deserialize<'de> for PickedClaim<'de, ITEM> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ClaimVisitor::<ITEM>).map(PickedClaim)
    }
}

struct ClaimVisitor<const ITEM: bool>;

impl<'de, const ITEM: bool> Visitor<'de> for ClaimVisitor<ITEM> {
    type Value = Claim<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Claim<'de>, E> {
        StrictVisitor.visit_bool(v).map(Claim::Json)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Claim<'de>, E> {
        StrictVisitor.visit_i64(v).map(Claim::Json)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Claim<'de>, E> {
        StrictVisitor.visit_u64(v).map(Claim::Json)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Claim<'de>, E> {
        StrictVisitor.visit_f64(v).map(Claim::Json)
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Claim<'de>, E> {
        Ok(Claim::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Claim<'de>, E> {
        Ok(Claim::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Claim<'de>, E> {
        Ok(Claim::Str(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Claim<'de>, E> {
        StrictVisitor.visit_unit().map(Claim::Json)
    }

    /// Strings while the items are strings; at the first that is not, the array is built
    /// as [`Strict`] builds it, from the strings read so far and the rest.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Claim<'de>, A::Error> {
        if ITEM {
            return StrictVisitor.visit_seq(seq).map(Claim::Json);
        }
        let mut names = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(PickedClaim::<true>(item)) = seq.next_element()? {
            match item {
                Claim::Str(name) => names.push(name),
                other => {
                    let mut items: Vec<Value> =
                        names.into_iter().map(|name| Value::String(name.into_owned())).collect();
                    items.push(other.into_value());
                    while let Some(Strict(item)) = seq.next_element()? {
                        items.push(item);
                    }
                    return Ok(Claim::Json(Value::Array(items)));
                }
            }
        }
        Ok(Claim::Strs(names))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Claim<'de>, A::Error> {
        StrictVisitor.visit_map(map).map(Claim::Json)
    }
}

/// Any JSON value, walked as [`Strict`] walks it (member names checked for duplicates
/// after their value is read) without being stored: the count of its values, as
/// [`count_values`] counts them. Strings are borrowed or skipped, and member names kept
/// for the duplicate check. Unlike `serde::de::IgnoredAny`, which `serde_json` skips by
/// syntax alone, a number out of `f64`'s range (`1e400`) is an error, and nesting counts
/// against the recursion limit.
struct Counted(usize);

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CountedVisitor)
    }
}

struct CountedVisitor;

impl<'de> Visitor<'de> for CountedVisitor {
    type Value = Counted;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_str<E>(self, _: &str) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_unit<E>(self) -> Result<Counted, E> {
        Ok(Counted(1))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Counted, A::Error> {
        let mut count = 1;
        while let Some(Counted(n)) = seq.next_element()? {
            count += n;
        }
        Ok(Counted(count))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counted, A::Error> {
        let mut count = 1;
        let mut seen = Names::default();
        while let Some(StrOrString(name)) = map.next_key()? {
            count += map.next_value::<Counted>()?.0;
            if seen.contains(&name) {
                return Err(de::Error::custom(DUPLICATE));
            }
            seen.push(name);
        }
        Ok(Counted(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_objects() {
        let map = parse_object(br#"{"a":1,"b":{"c":[1,2,{"d":null}]}}"#).expect("valid");
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        assert_eq!(parse_object(br#"{"a":1,"a":2}"#), Err(JsonError::DuplicateMember));
        assert_eq!(parse_object(br#"{"a":{"b":1,"b":1}}"#), Err(JsonError::DuplicateMember));
        assert_eq!(
            parse_object(br#"{"a":[{"x":1,"x":1}]}"#),
            Err(JsonError::DuplicateMember)
        );
        // An escaped name is the same name.
        assert_eq!(
            parse_object(br#"{"exp":1,"\u0065xp":2}"#),
            Err(JsonError::DuplicateMember)
        );
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        assert_eq!(parse_object(b"[1,2]"), Err(JsonError::NotAnObject));
        assert_eq!(parse_object(b"\"x\""), Err(JsonError::NotAnObject));
        assert_eq!(parse_object(b"{"), Err(JsonError::Syntax));
        assert_eq!(parse_object(b"{} {}"), Err(JsonError::Syntax));
        assert_eq!(parse_object(b"{\"a\":\"\xff\"}"), Err(JsonError::Syntax));
    }

    #[test]
    fn skipped_header_members_are_checked_like_values() {
        // Found by the `verify_token` fuzz target: `IgnoredAny` accepted 2e308 here while
        // the claims (a `Value`) refused it.
        for header in [
            &br#"{"alg":"HS256","typ":2e308}"#[..],
            br#"{"alg":"HS256","x":[1,{"y":-1e400}]}"#,
            br#"{"alg":"HS256","crit":[1e999]}"#,
            br#"{"alg":[2e308],"kid":"k"}"#,
        ] {
            assert_eq!(parse_header(header).map(|_| ()), Err(JsonError::Syntax), "{header:?}");
            assert!(serde_json::from_slice::<Value>(header).is_err());
        }
        let deep = format!("{{\"alg\":\"HS256\",\"x\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        assert_eq!(parse_header(deep.as_bytes()).map(|_| ()), Err(JsonError::Syntax));
        let ok = parse_header(br#"{"alg":"HS256","typ":1.7976931348623157e308,"x":{"y":[true,null,"s"]}}"#);
        assert!(ok.is_ok());
    }

    #[test]
    fn many_member_names_are_checked_past_the_short_list() {
        for nested in [false, true] {
            let names: Vec<String> = (0..1000).map(|i| format!("\"m{i}\":{i}")).collect();
            let object = format!("{{{}}}", names.join(","));
            let header = if nested {
                format!(r#"{{"alg":"HS256","x":{object}}}"#)
            } else {
                format!(r#"{{"alg":"HS256",{}}}"#, names.join(","))
            };
            assert!(parse_header(header.as_bytes()).is_ok(), "nested: {nested}");
            // The same name again, far past the first sixteen.
            let twice = header.replacen(r#""m999":999"#, r#""m999":999,"m900":0"#, 1);
            assert_eq!(
                parse_header(twice.as_bytes()),
                Err(JsonError::DuplicateMember),
                "nested: {nested}"
            );
            // And a name among the first sixteen, seen again late.
            let early = header.replacen(r#""m999":999"#, r#""m999":999,"m3":0"#, 1);
            assert_eq!(
                parse_header(early.as_bytes()),
                Err(JsonError::DuplicateMember),
                "nested: {nested}"
            );
        }
    }

    #[test]
    fn headers_are_read_without_a_map() {
        let h = parse_header(br#"{"typ":"JWT","alg":"RS256","kid":"k1","jwk":{"a":1}}"#).expect("valid");
        assert_eq!(h.alg, Some(Ok("RS256".into())));
        assert_eq!(h.kid, Some(Ok("k1".into())));
        assert!(!h.crit);
        let h = parse_header(br#"{"alg":7,"kid":["x"],"crit":[]}"#).expect("valid");
        assert_eq!((h.alg, h.kid, h.crit), (Some(Err(())), Some(Err(())), true));
        assert_eq!(
            parse_header(br#"{"alg":"none","alg":"HS256"}"#),
            Err(JsonError::DuplicateMember)
        );
        assert_eq!(parse_header(br#"{"x":1,"\u0078":2}"#), Err(JsonError::DuplicateMember));
        // Inside members the verifier skips, too, as in the claims.
        for header in [
            &br#"{"alg":"HS256","jwk":{"kty":"oct","kty":"RSA"}}"#[..],
            br#"{"alg":"HS256","x":[{"a":1},{"b":1,"b":2}]}"#,
            br#"{"alg":{"a":1,"a":1}}"#,
            br#"{"alg":"HS256","x":{"y":{"\u007a":1,"z":2}}}"#,
        ] {
            assert_eq!(parse_header(header), Err(JsonError::DuplicateMember), "{header:?}");
        }
        assert_eq!(parse_header(br#"["HS256"]"#), Err(JsonError::NotAnObject));
        assert_eq!(parse_header(br#"{"alg":"HS256"} x"#), Err(JsonError::Syntax));
        assert_eq!(parse_header(b"{\"alg\":\"\xff\"}"), Err(JsonError::Syntax));
        assert_eq!(
            parse_header(b"{\"alg\":\"HS256\",\"x\":\"\xff\"}"),
            Err(JsonError::Syntax)
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let doc = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse_object(doc.as_bytes()), Err(JsonError::Syntax));
    }

    /// JSON-like text: valid documents, and documents with what a hostile token carries
    /// (duplicate and escaped names at any depth, numbers out of range, deep nesting,
    /// lone surrogates, trailing bytes, non-objects).
    fn document() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("\"exp\"".to_owned()),
            Just("\"\\u0065xp\"".to_owned()),
            Just("\"roles\"".to_owned()),
            Just("\"sub\"".to_owned()),
            Just("\"jti\"".to_owned()),
            Just("\"a\"".to_owned()),
            Just("\"\\ud800\"".to_owned()),
        ];
        let leaf = prop_oneof![
            Just("1".to_owned()),
            Just("-2.5e3".to_owned()),
            Just("1e400".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("\"s\"".to_owned()),
            Just("\"\\n\\u00e9\"".to_owned()),
            Just("\"\\udc00\"".to_owned()),
        ];
        let value = leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(","))),
                proptest::collection::vec((name.clone(), inner), 0..5).prop_map(|members| {
                    let members: Vec<String> = members.into_iter().map(|(n, v)| format!("{n}:{v}")).collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        });
        (value, prop_oneof![Just(""), Just(" "), Just(" x"), Just("}")]).prop_map(|(v, tail)| format!("{v}{tail}"))
    }

    proptest::proptest! {
        /// `pick` accepts exactly what `parse_object` accepts, with the same error, counts
        /// the values the map holds, and picks the members the map has.
        #[test]
        fn picking_agrees_with_the_whole_map(text in document()) {
            let wanted = |name: &str| matches!(name, "exp" | "roles" | "a");
            let picked = pick(&text, wanted);
            match parse_object(text.as_bytes()) {
                Ok(map) => {
                    let picked = picked.expect("accepted by parse_object");
                    proptest::prop_assert_eq!(picked.values, count_values(&map));
                    for name in ["exp", "roles", "a"] {
                        proptest::prop_assert_eq!(picked.get(name).map(ClaimRef::to_value), map.get(name).cloned(), "{}", name);
                    }
                    proptest::prop_assert!(picked.get("sub").is_none(), "not wanted, not kept");
                }
                Err(error) => proptest::prop_assert_eq!(picked.map(|_| ()), Err(error)),
            }
        }

        /// On every text the strict reading accepts, `pick_verified` picks the same
        /// members as the map holds.
        #[test]
        fn picking_verified_text_agrees_with_the_whole_map(text in document()) {
            if let Ok(map) = parse_object(text.as_bytes()) {
                let picked = pick_verified(&text, |name| matches!(name, "exp" | "roles" | "a"))
                    .expect("accepted by parse_object");
                for name in ["exp", "roles", "a"] {
                    proptest::prop_assert_eq!(picked.get(name).map(ClaimRef::to_value), map.get(name).cloned(), "{}", name);
                }
                proptest::prop_assert!(picked.get("sub").is_none(), "not wanted, not kept");
            }
        }
    }

    #[test]
    fn picking_refuses_what_the_map_refuses() {
        for (text, error) in [
            (r#"{"exp":1,"exp":2}"#, JsonError::DuplicateMember),
            (r#"{"exp":1,"\u0065xp":2}"#, JsonError::DuplicateMember),
            (r#"{"jti":1,"jti":2}"#, JsonError::DuplicateMember),
            (r#"{"x":{"y":1,"y":2}}"#, JsonError::DuplicateMember),
            (r#"{"roles":[{"y":1,"y":2}]}"#, JsonError::DuplicateMember),
            (r#"{"x":1e400}"#, JsonError::Syntax),
            (r#"{"x":"\ud800"}"#, JsonError::Syntax),
            (r#"{"exp":1} {}"#, JsonError::Syntax),
            (r#"[{"exp":1}]"#, JsonError::NotAnObject),
            (r#""exp""#, JsonError::NotAnObject),
        ] {
            assert_eq!(pick(text, |name| name == "exp").map(|_| ()), Err(error), "{text}");
            assert_eq!(parse_object(text.as_bytes()).map(|_| ()), Err(error), "{text}");
        }
        let deep = format!("{{\"x\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert_eq!(pick(&deep, |_| false).map(|_| ()), Err(JsonError::Syntax));
        let picked = pick(r#"{"exp":5,"jti":"j","o":{"k":[1,2]}}"#, |name| name == "exp").expect("valid");
        assert_eq!(
            (
                picked.get("exp").map(ClaimRef::to_value),
                picked.get("jti").is_none(),
                picked.values
            ),
            (Some(Value::from(5)), true, 6)
        );
    }
}
