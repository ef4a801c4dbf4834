//! Arbitrary strings into `Challenge::new(..).error(..).error_description(..).scope(..)
//! .acr_values(..).max_age(..).resource_metadata(..)`.
//!
//! Input: a flags byte (bit 0: set `error`, bit 1: set `error_description`, bit 2: set
//! `scope`, bit 3: set `acr_values`, bit 4: set `max_age` to the input's length times a
//! large odd number, bit 5: set `resource_metadata` to the description field), then fields
//! separated by 0xFF (a byte no UTF-8 string contains): realm, error, description, then
//! every remaining field is one scope (and one authentication context class). Fields are
//! decoded lossily.
//!
//! Properties: never a panic; the header value is visible ASCII (and space) only; a strict
//! RFC 6750 §3 parser reads back exactly the parameters given, in order, each one the
//! input with the characters outside its charset removed.
#![no_main]

use axum_warden_runtime::Challenge;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let fields: Vec<String> = rest
        .split(|&b| b == 0xFF)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let field = |i: usize| fields.get(i).map_or("", String::as_str);
    let scopes: Vec<&str> = fields.iter().skip(3).map(String::as_str).collect();

    let mut challenge = Challenge::new(field(0));
    let mut expected = vec![("realm", keep(field(0), is_description_char))];
    if flags & 1 != 0 {
        challenge = challenge.error(field(1));
        expected.push(("error", keep(field(1), is_description_char)));
    }
    if flags & 2 != 0 {
        challenge = challenge.error_description(field(2));
        expected.push(("error_description", keep(field(2), is_description_char)));
    }
    if flags & 4 != 0 {
        challenge = challenge.scope(scopes.iter().copied());
        let tokens: Vec<String> = scopes
            .iter()
            .map(|s| keep(s, is_nqchar))
            .filter(|s| !s.is_empty())
            .collect();
        expected.push(("scope", tokens.join(" ")));
    }
    if flags & 8 != 0 {
        challenge = challenge.acr_values(scopes.iter().copied());
        let classes: Vec<String> = scopes
            .iter()
            .map(|s| keep(s, is_nqchar))
            .filter(|s| !s.is_empty())
            .collect();
        expected.push(("acr_values", classes.join(" ")));
    }
    if flags & 16 != 0 {
        let seconds = (data.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        challenge = challenge.max_age(seconds);
        expected.push(("max_age", seconds.to_string()));
    }
    if flags & 32 != 0 {
        challenge = challenge.resource_metadata(field(2));
        expected.push(("resource_metadata", keep(field(2), is_nqchar)));
    }

    let value = challenge.to_header_value();
    assert!(
        value.as_bytes().iter().all(|&b| (0x20..=0x7E).contains(&b)),
        "not visible ASCII: {value:?}"
    );
    let text = value.to_str().expect("visible ASCII is a str");
    assert_eq!(text, challenge.to_string(), "Display and the header value differ");
    let params = parse(text).unwrap_or_else(|| panic!("does not parse as a Bearer challenge: {text}"));
    let params: Vec<(&str, String)> = params.into_iter().map(|(n, v)| (n, v.to_owned())).collect();
    assert_eq!(params, expected, "parameters read back");
});

fn keep(s: &str, allowed: fn(char) -> bool) -> String {
    s.chars().filter(|&c| allowed(c)).collect()
}

/// `%x20-21 / %x23-5B / %x5D-7E` (RFC 6750 §3: `error`, `error_description`, and realm).
fn is_description_char(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

/// `%x21 / %x23-5B / %x5D-7E` (RFC 6749 §3.3 scope-token).
fn is_nqchar(c: char) -> bool {
    c != ' ' && is_description_char(c)
}

/// `Bearer name="value"(, name="value")*` with the names of RFC 6750, RFC 9470
/// (`acr_values`, `max_age`) and RFC 9728 (`resource_metadata`) and quoted values that
/// need no escapes; `None` for anything else.
fn parse(value: &str) -> Option<Vec<(&str, &str)>> {
    const NAMES: [&str; 7] = [
        "realm",
        "error",
        "error_description",
        "scope",
        "acr_values",
        "max_age",
        "resource_metadata",
    ];
    let mut rest = value.strip_prefix("Bearer ")?;
    let mut params = Vec::new();
    loop {
        let (name, after) = rest.split_once("=\"")?;
        let name = NAMES.into_iter().find(|&n| n == name)?;
        let (val, after) = after.split_once('"')?;
        if val.contains('\\') {
            return None;
        }
        params.push((name, val));
        if after.is_empty() {
            return Some(params);
        }
        rest = after.strip_prefix(", ")?;
    }
}
