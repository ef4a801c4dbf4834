//! The memory the verified-token cache holds: bytes per entry, the resident size at the
//! default capacity full, and what a long stream of distinct tokens leaves behind.
//!
//! `cargo bench --bench memory` verifies HS256 tokens through `Warden::verify_token` (the
//! guard's path through the cache) under a counting allocator (dhat) and prints the heap
//! bytes live after each step, less those live before the first. Tokens are signed one at
//! a time and dropped after their check, so what stays live is what the warden keeps.
//! Results and their reading are in `benches/README.md`.

use axum_warden::Warden;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const ISSUER: &str = "https://issuer.bench";
const AUDIENCE: &str = "bench-api";
const SECRET: &[u8] = b"benchmark secret, at least thirty-two bytes long";
/// The default cap on a bearer token's length (`DEFAULT_MAX_TOKEN_BYTES`).
const SIZE_CAP: usize = 8 * 1024;
/// The default capacity of the verified-token cache (`DEFAULT_TOKEN_CACHE_CAPACITY`), in
/// units of weight: one per started KiB of a token.
const DEFAULT_CAPACITY: u64 = 10_000;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The shapes of token the cache is filled with.
#[derive(Clone, Copy)]
enum Shape {
    /// Eight claims as identity providers issue them (iss, sub, aud, exp, iat, jti,
    /// scope, roles), about 390 bytes signed.
    Realistic,
    /// The same claims and a padding claim that brings the token to the size cap.
    AtTheCap,
    /// The same claims and an array of zeros to the size cap: the shape whose parsed
    /// claims take the most memory per byte of token (each two-byte `0,` becomes a
    /// JSON value of its own).
    ShortItems,
}

struct Tokens {
    key: EncodingKey,
    exp: u64,
}

impl Tokens {
    fn new() -> Self {
        Self {
            key: EncodingKey::from_secret(SECRET).expect("a non-empty secret"),
            exp: unix_now() + 3600,
        }
    }

    /// Subject `n`'s token of this shape.
    fn token(&self, shape: Shape, n: u64) -> String {
        let mut claims = json!({
            "iss": ISSUER, "sub": format!("user-{n:08}"), "aud": AUDIENCE, "exp": self.exp,
            "iat": self.exp - 3600, "jti": format!("{:032x}", u128::from(n) * 0x9e37_79b9_7f4a_7c15),
            "scope": "orders:read orders:write profile", "roles": ["admin", "orders"],
        });
        let plain = self.sign(&claims);
        // Base64url grows the claims by 4/3, and the padding claim adds its name and
        // brackets or quotes (`,"pad":[]`, 9 bytes of JSON); leave room for rounding.
        let room = (SIZE_CAP - plain.len()) * 3 / 4 - 9 - 3;
        match shape {
            Shape::Realistic => {}
            Shape::AtTheCap => claims["pad"] = json!("x".repeat(room)),
            Shape::ShortItems => claims["pad"] = json!(vec![0; room / 2]),
        }
        let token = self.sign(&claims);
        assert!(token.len() <= SIZE_CAP, "{} bytes, over the cap", token.len());
        token
    }

    fn sign(&self, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::default(), claims, &self.key).expect("signs")
    }
}

fn warden(capacity: Option<u64>) -> Warden {
    let builder = Warden::builder().hmac_secret(SECRET).issuer(ISSUER).audience(AUDIENCE);
    match capacity {
        Some(capacity) => builder.token_cache_capacity(capacity),
        None => builder,
    }
    .build()
    .expect("a valid configuration")
}

fn live_bytes() -> u64 {
    dhat::HeapStats::get().curr_bytes as u64
}

/// Verifies subjects `from..to` once each; every token must pass. With `read_claims`,
/// each identity's claims are read, as the `Claims` extractor, a revocation check or a
/// DPoP check reads them: the identity then builds its map of claims, and the cache holds
/// it beside the verified text.
fn verify_range(warden: &Warden, tokens: &Tokens, shape: Shape, (from, to): (u64, u64), read_claims: bool) {
    for n in from..to {
        let token = tokens.token(shape, n);
        match warden.verify_token(&token) {
            Ok(identity) if read_claims => assert!(!identity.claims().is_empty()),
            Ok(_) => {}
            Err(error) => panic!("subject {n}: {error}"),
        }
    }
}

/// Fills a warden of the default capacity with `count` distinct tokens, then streams
/// `stream` more through it, printing the live bytes at each tenth of the stream.
fn run(shape: Shape, name: &str, count: u64, stream: u64, read_claims: bool) {
    let tokens = Tokens::new();
    let sample = tokens.token(shape, 0).len();
    let before = live_bytes();
    let warden = warden(None);
    let empty = live_bytes() - before;
    verify_range(&warden, &tokens, shape, (0, count), read_claims);
    let full = live_bytes() - before;
    let entries = warden.cache_stats().entries;
    let read = if read_claims { "claims read" } else { "claims not read" };
    println!("{name} ({sample}-byte tokens, {read})");
    println!("  warden with an empty cache:   {:>12} bytes", empty);
    println!(
        "  after {count} distinct tokens: {:>12} bytes ({entries} entries held), {} bytes per entry",
        full,
        (full - empty) / entries.max(1)
    );
    let step = stream / 10;
    let mut peak = full;
    for round in 0..10 {
        let from = count + round * step;
        verify_range(&warden, &tokens, shape, (from, from + step), read_claims);
        let now = live_bytes() - before;
        peak = peak.max(now);
        println!(
            "  after {:>7} more:             {:>12} bytes ({} entries held)",
            (round + 1) * step,
            now,
            warden.cache_stats().entries
        );
    }
    println!(
        "  highest after a step of the stream: {peak} bytes, {:.2}x the full cache, {} bytes per unit of capacity",
        peak as f64 / full as f64,
        peak / DEFAULT_CAPACITY
    );
    drop(warden);
    println!("  after the warden is dropped:  {:>12} bytes", live_bytes() - before);
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run passes nothing
    // and gets a short run that only checks the program works.
    let full = std::env::args().any(|arg| arg == "--bench");
    axum_warden::install_crypto_provider();
    let _profiler = dhat::Profiler::builder().testing().build();
    let (count, stream) = if full { (10_000, 100_000) } else { (100, 1_000) };
    let capped = if full { 30_000 } else { 300 };
    for read_claims in [false, true] {
        run(Shape::Realistic, "eight-claim tokens", count, stream, read_claims);
        run(
            Shape::AtTheCap,
            "tokens at the 8 KiB size cap",
            count,
            capped,
            read_claims,
        );
        let name = "tokens at the size cap, claims of short array items";
        run(Shape::ShortItems, name, count, capped, read_claims);
    }
}
