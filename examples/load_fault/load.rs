//! Driving the connections, and the tally of their answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::http::header::{CACHE_CONTROL, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::header::HeaderMap;
use tokio::task::JoinHandle;

use crate::Fallible;
use crate::mix::{Class, Ctx, Expect, Rng, unix_now};
use crate::verdict::Timeline;

/// Unique valid tokens sent before the baseline RSS: more than the token cache holds, so
/// the cache is full (and evicting) before memory is measured.
const CACHE_FILL: u64 = axum_warden::defaults::DEFAULT_TOKEN_CACHE_CAPACITY * 6 / 5;

/// Examples of violations kept for the report.
const EXAMPLES: usize = 20;

/// One connection per client, each sending requests back to back until `until`; with
/// `fill`, only unique tokens, until that counter reaches [`CACHE_FILL`].
pub(crate) async fn drive_all(
    ctx: &Arc<Ctx>,
    clients: &[reqwest::Client],
    until: Instant,
    fill: Option<Arc<AtomicU64>>,
) -> Fallible<Tally> {
    let tasks: Vec<JoinHandle<Fallible<Tally>>> = clients
        .iter()
        .enumerate()
        .map(|(worker, client)| tokio::spawn(drive(Arc::clone(ctx), client.clone(), worker, until, fill.clone())))
        .collect();
    let mut tally = Tally::new(ctx.classes.len());
    for task in tasks {
        tally.merge(task.await??);
    }
    Ok(tally)
}

async fn drive(
    ctx: Arc<Ctx>,
    client: reqwest::Client,
    worker: usize,
    until: Instant,
    fill: Option<Arc<AtomicU64>>,
) -> Fallible<Tally> {
    let mut rng = Rng(0x5eed_0000 ^ ((worker as u64) << 32) ^ u64::from(fill.is_some()));
    let mut tally = Tally::new(ctx.classes.len());
    let mut sent = 0u64;
    while Instant::now() < until {
        let index = match &fill {
            Some(filled) if filled.fetch_add(1, Ordering::Relaxed) >= CACHE_FILL => break,
            Some(_) => ctx.unique,
            None => ctx.pick(&mut rng),
        };
        sent += 1;
        let subject = format!("unique-{}-{worker}-{sent}", unix_now());
        let request = ctx.request(&client, &ctx.classes[index], &mut rng, &subject)?;
        let start = Instant::now();
        let answer = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            response.bytes().await?;
            Ok::<_, reqwest::Error>((status, headers))
        }
        .await;
        tally.record(&ctx, index, start, Instant::now(), answer);
    }
    Ok(tally)
}

/// An answer whose verdict depends on the provider's timeline, judged after the run.
pub(crate) struct Pending {
    pub(crate) class: usize,
    pub(crate) start: Instant,
    pub(crate) end: Instant,
    pub(crate) status: u16,
}

/// A wrong answer, for the report.
pub(crate) struct Violation {
    pub(crate) class: usize,
    pub(crate) start: Instant,
    pub(crate) status: Option<u16>,
    pub(crate) why: String,
}

#[derive(Default, Clone)]
pub(crate) struct ClassTally {
    pub(crate) requests: u64,
    /// Status → answers; transport errors under 0.
    pub(crate) statuses: BTreeMap<u16, u64>,
    pub(crate) violations: u64,
}

/// The answers of a phase.
pub(crate) struct Tally {
    pub(crate) classes: Vec<ClassTally>,
    pub(crate) latencies_us: Vec<u32>,
    /// Answers to the `kid` classes, judged against the timeline.
    pub(crate) pending: Vec<Pending>,
    /// 2xx answers of the classes signed by a published key, sent while the provider was down.
    pub(crate) served_while_down: u64,
    pub(crate) violations: u64,
    /// Violations that were 2xx answers to requests that must be refused.
    pub(crate) wrongly_allowed: u64,
    /// Violations that were 503 answers outside the documented cases.
    pub(crate) undocumented_503: u64,
    /// Violations of the refusal contract (challenge, `Retry-After`, `no-store`).
    pub(crate) contract: u64,
    pub(crate) examples: Vec<Violation>,
}

impl Tally {
    fn new(classes: usize) -> Self {
        Self {
            classes: vec![ClassTally::default(); classes],
            latencies_us: Vec::new(),
            pending: Vec::new(),
            served_while_down: 0,
            violations: 0,
            wrongly_allowed: 0,
            undocumented_503: 0,
            contract: 0,
            examples: Vec::new(),
        }
    }

    pub(crate) fn requests(&self) -> u64 {
        self.classes.iter().map(|c| c.requests).sum()
    }

    pub(crate) fn merge(&mut self, other: Self) {
        for (mine, theirs) in self.classes.iter_mut().zip(other.classes) {
            mine.requests += theirs.requests;
            mine.violations += theirs.violations;
            for (status, n) in theirs.statuses {
                *mine.statuses.entry(status).or_default() += n;
            }
        }
        self.latencies_us.extend(other.latencies_us);
        self.pending.extend(other.pending);
        self.served_while_down += other.served_while_down;
        self.violations += other.violations;
        self.wrongly_allowed += other.wrongly_allowed;
        self.undocumented_503 += other.undocumented_503;
        self.contract += other.contract;
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }

    /// Counts a wrong answer; `allowed` when a request that must be refused got a 2xx.
    fn violation(&mut self, class: usize, start: Instant, status: Option<u16>, why: String, allowed: bool) {
        self.violations += 1;
        self.wrongly_allowed += u64::from(allowed);
        self.undocumented_503 += u64::from(status == Some(503));
        self.classes[class].violations += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(Violation {
                class,
                start,
                status,
                why,
            });
        }
    }

    fn record(
        &mut self,
        ctx: &Ctx,
        class: usize,
        start: Instant,
        end: Instant,
        answer: Result<(u16, HeaderMap), reqwest::Error>,
    ) {
        let micros = end.duration_since(start).as_micros();
        self.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX));
        self.classes[class].requests += 1;
        let (status, headers) = match answer {
            Ok(answer) => answer,
            Err(error) => {
                *self.classes[class].statuses.entry(0).or_default() += 1;
                self.violation(class, start, None, format!("no answer: {error}"), false);
                return;
            }
        };
        *self.classes[class].statuses.entry(status).or_default() += 1;
        if let Err(why) = contract(status, &headers) {
            self.contract += 1;
            self.violation(class, start, Some(status), why.into(), false);
        }
        match ctx.classes[class].expect {
            Expect::Status(expected) if status == expected => {
                if (200..300).contains(&status) && ctx.provider.is_down() {
                    self.served_while_down += 1;
                }
            }
            // The documented 503 before the first key fetch.
            Expect::Status(_) if status == 503 && ctx.provider.first_fetch.get().is_none_or(|at| start <= *at) => {}
            Expect::Status(expected) => {
                let allowed = (200..300).contains(&status) && expected >= 300;
                let why = if allowed {
                    format!("ALLOWED, expected {expected}")
                } else {
                    format!("expected {expected}")
                };
                self.violation(class, start, Some(status), why, allowed);
            }
            Expect::UnknownKid | Expect::RotatedKid => self.pending.push(Pending {
                class,
                start,
                end,
                status,
            }),
        }
    }

    /// Judges the answers that depend on the provider's state.
    pub(crate) fn judge(&mut self, classes: &[Class], timeline: &Timeline) {
        let wrong: Vec<(usize, Instant, u16, String)> = self
            .pending
            .iter()
            .filter_map(|a| {
                let verdict = timeline.judge(classes[a.class].expect, a);
                verdict.err().map(|why| (a.class, a.start, a.status, why))
            })
            .collect();
        for (class, start, status, why) in wrong {
            // A kid class is never owed a 2xx that the timeline does not allow.
            let allowed = (200..300).contains(&status);
            self.violation(class, start, Some(status), why, allowed);
        }
    }
}

/// The README's contract of a refusal: its challenge (or `Retry-After`) and `no-store`.
fn contract(status: u16, headers: &HeaderMap) -> Result<(), &'static str> {
    let challenge = headers.get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok());
    let documented = match status {
        400 => challenge.is_some_and(|c| c.contains("error=\"invalid_request\"")),
        401 => challenge.is_some_and(|c| c.starts_with("Bearer realm=")),
        403 => challenge.is_some_and(|c| c.contains("error=\"insufficient_scope\"")),
        // delta-seconds; the warden's waits here are at most its 10 s refresh interval.
        503 => {
            let retry_after = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            challenge.is_none() && retry_after.is_some_and(|s| (1..=60).contains(&s))
        }
        _ => return Ok(()),
    };
    if !documented {
        return Err("refusal without its documented WWW-Authenticate, or a 503 without Retry-After of 1 to 60 s");
    }
    if headers.get(CACHE_CONTROL).is_none_or(|v| v != "no-store") {
        return Err("refusal without Cache-Control: no-store");
    }
    Ok(())
}
