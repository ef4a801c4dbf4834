//! The refusal of a request without credentials allocates nothing before the response is
//! built: an anonymous flood costs the server no heap traffic in the guard. And the
//! deny-by-default router adds nothing per request: a request through it allocates
//! exactly what the same request through a hand-built `axum::Router` does.

use std::future::Future as _;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::extract::FromRequestParts as _;
use axum_warden::__private::{Guard, HandlerInfo, Match, Open, Protected, Requirement, RouteRule};
use axum_warden::{Rejection, Warden};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

struct Admins;

impl RouteRule for Admins {
    type Kind = Protected;
    const REQUIREMENT: Requirement = Requirement::Roles {
        mode: Match::Any,
        names: &["admin"],
    };
    const HANDLER: HandlerInfo = HandlerInfo {
        name: "admins",
        module: module_path!(),
        file: file!(),
        line: line!(),
    };
}

struct Anyone;

impl RouteRule for Anyone {
    type Kind = Open;
    const REQUIREMENT: Requirement = Requirement::Public;
    const HANDLER: HandlerInfo = HandlerInfo {
        name: "anyone",
        module: module_path!(),
        file: file!(),
        line: line!(),
    };
}

/// Blocks allocated while `f` runs. The test binary has one test (the checks below run
/// in it one after the other), so no other thread allocates meanwhile.
fn allocations_during<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = dhat::HeapStats::get().total_blocks;
    let out = f();
    (out, dhat::HeapStats::get().total_blocks - before)
}

fn guard_once(parts: &mut http::request::Parts, warden: &Warden) -> Result<Guard<Admins>, Rejection> {
    let mut cx = Context::from_waker(Waker::noop());
    let future = pin!(Guard::<Admins>::from_request_parts(parts, warden));
    match future.poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("the guard waits for nothing on this path"),
    }
}

#[test]
fn allocations_per_request() {
    let _profiler = dhat::Profiler::builder().testing().build();
    refusing_a_request_without_credentials_allocates_nothing();
    the_router_adds_no_allocation_per_request();
    the_token_cache_keeps_to_its_memory_bound();
}

/// The documented bound, 3 KB per unit of capacity: `benches/memory.rs` measures, with
/// the claims read (the identity then holds the text and the map), 2.0 KB for eight-claim
/// tokens, 2.8 KB for tokens at the size cap and 2.8 KB for tokens at the cap whose claims
/// are an array of short items (the most memory per byte of token); 1.1, 1.9 and 0.4 KB
/// with the claims never read.
const BYTES_PER_UNIT: usize = 3_072;

fn the_token_cache_keeps_to_its_memory_bound() {
    use jsonwebtoken::{EncodingKey, Header};

    const CAPACITY: u64 = 1_000;
    let secret = b"0123456789abcdef0123456789abcdef";
    let key = EncodingKey::from_secret(secret).expect("a secret");
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 3600;
    // (the `pad` claim, tokens streamed): eight-claim tokens, and tokens a few bytes under
    // the 8 KiB cap, which without weighing would hold 16 and 145 KB each.
    let padding = [
        (serde_json::json!(""), 3_000),
        (serde_json::json!("x".repeat(5_800)), 1_000),
        (serde_json::json!(vec![0; 2_900]), 1_000),
    ];
    // With the claims read: the identity keeps the verified text and builds the map of
    // claims on the first read (the `Claims` extractor, a revocation or DPoP check), so a
    // cached identity then holds both.
    for ((pad, stream), read_claims) in padding.iter().flat_map(|p| [(p, false), (p, true)]) {
        let before = dhat::HeapStats::get().curr_bytes;
        let warden = Warden::builder()
            .hmac_secret(secret.to_vec())
            .issuer("https://issuer.test")
            .audience("api")
            .token_cache_capacity(CAPACITY)
            .build()
            .expect("valid");
        let mut longest = 0;
        for n in 0..*stream {
            let claims = serde_json::json!({
                "iss": "https://issuer.test", "sub": format!("user-{n:08}"), "aud": "api",
                "exp": exp, "iat": exp - 3600, "jti": format!("{n:032x}"),
                "scope": "orders:read profile", "roles": ["admin", "orders"], "pad": pad,
            });
            let token = jsonwebtoken::encode(&Header::default(), &claims, &key).expect("signs");
            longest = longest.max(token.len());
            let identity = warden.verify_token(&token).expect("a valid token");
            if read_claims {
                assert_eq!(identity.claims().len(), 9);
            }
        }
        assert!(longest <= 8 * 1024, "{longest} bytes: over the default cap");
        let held = dhat::HeapStats::get().curr_bytes - before;
        let stats = warden.cache_stats();
        assert_eq!(stats.misses, *stream, "every token was new");
        assert!(stats.entries > 0, "the cache holds tokens at all");
        let bound = usize::try_from(CAPACITY).expect("small") * BYTES_PER_UNIT;
        assert!(
            held <= bound,
            "{longest}-byte tokens (claims read: {read_claims}): the warden holds {held} bytes for {} entries, over {bound}",
            stats.entries
        );
    }
}

fn the_router_adds_no_allocation_per_request() {
    use tower::ServiceExt as _;

    let warden = Warden::builder().hmac_secret(vec![7; 32]).build().expect("valid");
    let ours: axum::Router = axum_warden::Router::new()
        .route("/admin", axum_warden::routing::get(async |_: Guard<Admins>| "admin"))
        .route("/open", axum_warden::routing::get(async |_: Guard<Anyone>| "open"))
        .with_state(warden.clone())
        .into();
    let plain: axum::Router = axum::Router::new()
        .route("/admin", axum::routing::get(async |_: Guard<Admins>| "admin"))
        .route("/open", axum::routing::get(async |_: Guard<Anyone>| "open"))
        .with_state(warden);
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let request = |path: &str| {
        http::Request::get(path)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    for (path, status) in [("/admin", 401), ("/open", 200)] {
        let mut counts = Vec::new();
        for app in [&ours, &plain] {
            // Warm up, then count one request, response dropped.
            let _ = runtime.block_on(app.clone().oneshot(request(path)));
            let (response, count) = allocations_during(|| {
                runtime
                    .block_on(app.clone().oneshot(request(path)))
                    .expect("infallible")
                    .status()
            });
            assert_eq!(response.as_u16(), status, "{path}");
            counts.push(count);
        }
        assert!(counts[0] > 0, "the count sees the request at all");
        assert_eq!(
            counts[0], counts[1],
            "{path}: axum_warden::Router allocated {} blocks, axum::Router {}",
            counts[0], counts[1]
        );
    }
}

fn refusing_a_request_without_credentials_allocates_nothing() {
    let warden = Warden::builder().hmac_secret(vec![7; 32]).build().expect("valid");
    let (mut parts, ()) = http::Request::get("/admin").body(()).expect("request").into_parts();
    let mut other_scheme = parts.clone();
    other_scheme.headers.insert(
        "authorization",
        http::HeaderValue::from_static("Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
    );

    // Warm up lazily initialised statics (tracing's callsite registration).
    let _ = guard_once(&mut parts.clone(), &warden);

    for parts in [&mut parts, &mut other_scheme] {
        let (result, count) = allocations_during(|| guard_once(parts, &warden));
        let rejection = result.expect_err("refused");
        assert_eq!(rejection.status(), http::StatusCode::UNAUTHORIZED);
        assert_eq!(count, 0, "the guard allocated {count} times before the response");
        // Building the response is allowed to allocate, and it does: check it is counted.
        let (_response, count) = allocations_during(|| axum::response::IntoResponse::into_response(rejection));
        assert!(count > 0);
    }
}
