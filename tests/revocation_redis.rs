//! Revocations shared through a real Redis server (the Debian `redis-server`, started here
//! on a loopback port with append-only persistence, fsync on every write): a revocation
//! made on one instance is enforced by another within a second; with Redis killed under
//! load no revoked token is accepted, the instances answer 503 once the staleness limit
//! has passed and recover when Redis returns; revocations made before a restart are
//! still enforced after it, by the instances that lived through it and by a new one. A DPoP
//! proof accepted by one instance is refused as a replay by another.
//!
//! Each "instance" is a warden with its own `Revocations` (its own connections, its own
//! in-memory set), as two processes behind a load balancer would have.
//!
//! Needs `redis-server` (`scripts/install-test-deps redis`, which the test runs when it is
//! missing).

mod harness;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum_warden::testing::DpopKey;
use axum_warden::{Algorithm, AuthError, DpopMode, Revocation, RevocationError, Revocations, TokenError, Warden};
use harness::{SUBJECT, issuer};
use serde_json::json;

const STALENESS_LIMIT: Duration = Duration::from_secs(2);

/// A `redis-server` on a loopback port, killed when dropped.
struct Redis {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl Redis {
    fn start(name: &str) -> Self {
        install();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("redis-{name}-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the data folder");
        let mut redis = Self { child: None, port, dir };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again, on the same port and data folder) and waits for PONG.
    fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string(), "--dir"])
            .arg(&self.dir)
            .args(["--appendonly", "yes", "--appendfsync", "always", "--save", ""])
            .args(["--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.pong() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pong(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
    }

    /// The ids of the connections subscribed to two channels (each instance's follower),
    /// from `CLIENT LIST`.
    fn followers(&self) -> Vec<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
        stream.write_all(b"CLIENT LIST\r\n").expect("send");
        // A bulk string: `$<length>\r\n<text>\r\n`.
        let mut reply = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).expect("read");
            reply.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&reply);
            if let Some((head, body)) = text.split_once("\r\n")
                && let Ok(length) = head.trim_start_matches('$').parse::<usize>()
                && body.len() >= length
            {
                return body[..length]
                    .lines()
                    .filter(|line| line.split(' ').any(|field| field == "sub=2"))
                    .filter_map(|line| {
                        line.split(' ')
                            .find_map(|field| field.strip_prefix("id="))
                            .map(str::to_owned)
                    })
                    .collect();
            }
            assert!(n > 0, "CLIENT LIST ended early");
        }
    }

    /// SIGKILL: no shutdown, no final save; only what the append-only file holds survives.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn install() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if Command::new("redis-server").arg("--version").output().is_ok() {
            return;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-test-deps");
        let status = Command::new("bash").arg(&script).arg("redis").status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "installing redis-server with `{} redis` failed ({status:?})",
            script.display()
        );
    });
}

/// One instance: its own revocation list following `redis` (not loaded yet) and a warden
/// that checks it.
fn unloaded(redis: &Redis) -> (Warden, Revocations) {
    let revocations = Revocations::builder()
        .redis(&redis.url())
        .expect("a Redis URL")
        .staleness_limit(STALENESS_LIMIT)
        .build()
        .expect("revocations");
    let warden = harness::issuer(Algorithm::HS256)
        .warden_builder()
        .revocations(revocations.clone())
        .build()
        .expect("warden");
    (warden, revocations)
}

/// One instance, loaded.
async fn instance(redis: &Redis) -> (Warden, Revocations) {
    let (warden, revocations) = unloaded(redis);
    revocations
        .ready(Duration::from_secs(5))
        .await
        .expect("loaded from Redis");
    (warden, revocations)
}

fn token(jti: &str) -> String {
    issuer(Algorithm::HS256)
        .token()
        .subject(SUBJECT)
        .claim("jti", json!(jti))
        .claim("sid", json!(format!("session-of-{jti}")))
        .sign()
}

fn revoked(outcome: &Result<axum_warden::Identity, AuthError>) -> bool {
    matches!(outcome, Err(AuthError::InvalidToken(TokenError::Revoked)))
}

/// Polls `warden` until it refuses `token` as revoked; how long that took.
async fn until_refused(warden: &Warden, token: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if revoked(&warden.verify_token(token)) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "not refused within {limit:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_on_one_instance_is_enforced_by_another_within_a_second() {
    let redis = Redis::start("spread");
    let (a, a_list) = instance(&redis).await;
    let (b, _) = instance(&redis).await;
    let (by_jti, by_session, by_subject) = (token("t-1"), token("t-2"), token("t-3"));
    for token in [&by_jti, &by_session, &by_subject] {
        // Verified and cached on B first: the check must hold on cache hits.
        assert!(b.verify_token(token).is_ok());
        assert!(b.verify_token(token).is_ok());
    }
    let bystander = token("t-4");
    // Each instance follows through one subscription that stays up: the same two
    // connections across several pings (a follower that lost its connection at every ping
    // would still catch up through its reloads, but not within milliseconds).
    let followers = redis.followers();
    assert_eq!(followers.len(), 2, "{followers:?}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(redis.followers(), followers, "the followers reconnected");

    a_list
        .revoke(Revocation::token("t-1", u64::MAX / 2))
        .await
        .expect("Redis takes it");
    assert!(
        revoked(&a.verify_token(&by_jti)),
        "at once on the instance that revoked"
    );
    let took = until_refused(&b, &by_jti, Duration::from_secs(1)).await;
    eprintln!("token revocation reached the other instance in {took:?}");

    a_list
        .revoke(Revocation::session("session-of-t-2").issued_by(harness::ISSUER))
        .await
        .expect("Redis takes it");
    until_refused(&b, &by_session, Duration::from_secs(1)).await;

    let cutoff = std::time::SystemTime::now() + Duration::from_secs(1);
    a_list
        .revoke(Revocation::subject_before(SUBJECT, cutoff))
        .await
        .expect("Redis takes it");
    until_refused(&b, &by_subject, Duration::from_secs(1)).await;
    assert!(
        revoked(&b.verify_token(&bystander)),
        "the subject's every earlier token"
    );

    // Many at once: one pipeline, every one of them at B.
    let disabled: Vec<String> = (0..200).map(|n| format!("disabled-{n}")).collect();
    let last = issuer(Algorithm::HS256).token().subject("disabled-199").sign();
    a_list
        .revoke_all(disabled.iter().map(|sub| Revocation::subject(sub.as_str())))
        .await
        .expect("Redis takes them");
    until_refused(&b, &last, Duration::from_secs(1)).await;

    // A token of another subject is untouched everywhere.
    let other = issuer(Algorithm::HS256)
        .token()
        .subject("bob")
        .claim("jti", json!("b-1"))
        .sign();
    assert!(a.verify_token(&other).is_ok() && b.verify_token(&other).is_ok());
}

/// Through the guard: the status `/me` answers with `token`.
async fn status(app: &axum::Router, token: &str) -> u16 {
    harness::call(app, "/me", token).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_under_load_lets_no_revoked_token_in_fails_closed_after_the_limit_and_recovers() {
    let mut redis = Redis::start("outage");
    let (a, a_list) = instance(&redis).await;
    let (b, b_list) = instance(&redis).await;
    let app_b = harness::app(b.clone(), &harness::Runs::default());
    let (good, bad) = (token("good"), token("bad"));
    a_list
        .revoke(Revocation::token("bad", u64::MAX / 2))
        .await
        .expect("taken");
    until_refused(&b, &bad, Duration::from_secs(1)).await;
    assert_eq!((status(&app_b, &good).await, status(&app_b, &bad).await), (200, 401));

    // Load on B while Redis dies.
    let start = Instant::now();
    let load = {
        let app = app_b.clone();
        let (good, bad) = (good.clone(), bad.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while start.elapsed() < Duration::from_secs(5) {
                let (g, r) = (status(&app, &good).await, status(&app, &bad).await);
                seen.push((start.elapsed(), g, r));
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            seen
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = Instant::now();
    redis.kill();

    // Revoked during the outage on A: A enforces it at once, the store does not take it.
    let during = token("during");
    assert!(b.verify_token(&during).is_ok());
    let outcome = a_list.revoke(Revocation::token("during", u64::MAX / 2)).await;
    assert!(matches!(outcome, Err(RevocationError::Store(_))), "{outcome:?}");
    assert!(revoked(&a.verify_token(&during)));

    let seen = load.await.expect("the load task");
    let killed_at = killed.duration_since(start);
    assert!(seen.len() > 100, "a load, not a few requests: {}", seen.len());
    for &(at, g, r) in &seen {
        assert_ne!(r, 200, "the revoked token was accepted at {at:?}");
        assert!(matches!(g, 200 | 503), "{g} at {at:?}");
        assert!(matches!(r, 401 | 503), "{r} at {at:?}");
        if at < killed_at {
            assert_eq!((g, r), (200, 401), "before the kill, at {at:?}");
        }
        // The limit counts from when the instance noticed (at once: the socket closes),
        // so past the limit plus a margin for the scheduler, every answer is 503.
        if at > killed_at + STALENESS_LIMIT + Duration::from_millis(300) {
            assert_eq!((g, r), (503, 503), "fails closed after the limit, at {at:?}");
        }
    }
    let still_served = seen.iter().filter(|(at, g, _)| {
        *at > killed_at + Duration::from_millis(200) && *at < killed_at + STALENESS_LIMIT && *g == 200
    });
    assert!(
        still_served.count() > 0,
        "known revocations kept being enforced, good tokens served, within the limit"
    );
    let answer = harness::call(&app_b, "/me", &good).await;
    assert_eq!(answer.status, 503);
    assert!(answer.headers.contains_key("retry-after"), "{:?}", answer.headers);

    // Redis returns: both instances reload, and A writes what Redis missed.
    redis.restart();
    let back = Instant::now();
    loop {
        if status(&app_b, &good).await == 200 && revoked(&b.verify_token(&during)) {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(10), "no recovery within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status(&app_b, &bad).await, 401);
    assert!(
        revoked(&b.verify_token(&during)),
        "the revocation made during the outage reached B"
    );
    assert!(b_list.len() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_made_before_a_restart_are_enforced_after_it() {
    let mut redis = Redis::start("restart");
    let (a, a_list) = instance(&redis).await;
    let kept = token("kept");
    // Issued before carol's tokens are revoked, as every token a revocation names is.
    let carol = issuer(Algorithm::HS256).token().subject("carol").sign();
    a_list
        .revoke(Revocation::token("kept", u64::MAX / 2))
        .await
        .expect("taken");
    a_list.revoke(Revocation::subject("carol")).await.expect("taken");
    redis.kill();
    redis.restart();

    // A new instance knows only what Redis kept through the restart.
    let (c, c_list) = instance(&redis).await;
    assert!(revoked(&c.verify_token(&kept)));
    assert!(revoked(&c.verify_token(&carol)));
    assert_eq!(c_list.len(), 2);
    // The instance that lived through it still refuses, and serves others once reloaded.
    let other = token("other");
    let start = Instant::now();
    while a.verify_token(&other).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "A did not reconnect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(revoked(&a.verify_token(&kept)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_started_while_redis_is_down_answers_503_until_it_has_loaded() {
    let mut redis = Redis::start("cold");
    let (_, a_list) = instance(&redis).await;
    a_list
        .revoke(Revocation::token("early", u64::MAX / 2))
        .await
        .expect("taken");
    redis.kill();
    let (warden, revocations) = unloaded(&redis);
    let early = token("early");
    for _ in 0..3 {
        assert!(matches!(
            warden.verify_token(&early),
            Err(AuthError::Unavailable { .. })
        ));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(revocations.ready(Duration::from_millis(300)).await.is_err());
    redis.restart();
    revocations
        .ready(Duration::from_secs(10))
        .await
        .expect("loads once Redis is back");
    assert!(revoked(&warden.verify_token(&early)));
    assert!(warden.verify_token(&token("late")).is_ok());
}

/// One instance that requires DPoP and shares `revocations`.
fn dpop_instance(revocations: Revocations) -> axum::Router {
    let warden = harness::issuer(Algorithm::ES256)
        .warden_builder()
        .revocations(revocations)
        .dpop(DpopMode::Required)
        .dpop_origin("https://api.example")
        .build()
        .expect("warden");
    harness::app(warden, &harness::Runs::default())
}

async fn with_proof(app: &axum::Router, token: &str, proof: &str) -> harness::Answer {
    let request = http::Request::get("/me")
        .header("authorization", format!("DPoP {token}"))
        .header("dpop", proof)
        .body(axum::body::Body::empty())
        .expect("request");
    harness::send(app, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dpop_proof_accepted_by_one_instance_is_a_replay_at_another() {
    let redis = Redis::start("dpop");
    let key = DpopKey::new(Algorithm::EdDSA);
    let token = issuer(Algorithm::ES256).token().subject(SUBJECT).bound_to(&key).sign();
    let proof = || key.proof("GET", "https://api.example/me", &token);

    // Control: instances that share nothing each accept a proof once.
    let (a, b) = (
        dpop_instance(Revocations::in_memory()),
        dpop_instance(Revocations::in_memory()),
    );
    let replayed = proof();
    assert_eq!(with_proof(&a, &token, &replayed).await.status, 200);
    assert_eq!(with_proof(&b, &token, &replayed).await.status, 200, "nothing shared");

    // Through Redis: accepted by A, refused by B, once the message has arrived.
    let (_, a_list) = instance(&redis).await;
    let (_, b_list) = instance(&redis).await;
    let (a, b) = (dpop_instance(a_list), dpop_instance(b_list));
    let replayed = proof();
    assert_eq!(with_proof(&a, &token, &replayed).await.status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = with_proof(&b, &token, &replayed).await;
    assert_eq!(answer.status, 401);
    assert!(
        answer
            .challenge()
            .is_some_and(|c| c.contains(r#"error="invalid_dpop_proof""#)),
        "{:?}",
        answer.challenge()
    );
    // A fresh proof still passes at B.
    assert_eq!(with_proof(&b, &token, &proof()).await.status, 200);
}
