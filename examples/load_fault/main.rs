//! A load-and-fault run of the quickstart: many connections over real TCP, tens of
//! thousands of requests with valid, refused, invalid and missing tokens, while the JWKS
//! provider the quickstart takes its keys from is stopped and restarted.
//!
//! ```text
//! scripts/load-fault                     # builds both examples in release, runs 60 s
//! cargo build --release --example quickstart && \
//!   cargo run --release --example load_fault -- --seconds 60 --connections 64
//! ```
//!
//! It serves a JWKS on loopback, starts the release quickstart (the binary next to its
//! own) with `WARDEN_JWKS_URL` pointing at it, fills the quickstart's token cache, then
//! drives the mix for `--seconds` while the provider goes down twice (its second life
//! publishes a new `kid`). Every answer is checked against what its request deserves at
//! that moment; the summary lists each class, the violations (there must be none) and the
//! quickstart's RSS before and after. Exit status: 0 pass, 1 a violation, a fault not
//! exercised, or RSS growth over the bound, 2 the run could not be set up.
//! See `docs/load-and-fault.md`.

mod load;
mod mix;
mod provider;
mod quickstart;
mod report;
mod verdict;

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use load::drive_all;
use mix::{Ctx, Keys};
use provider::Provider;
use quickstart::{Memory, Quickstart};
use report::Report;
use verdict::{Outage, Timeline};

/// The error of a run that could not be set up.
type Fallible<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The mixed warm-up after the token cache is full.
const MIXED_WARM_UP: Duration = Duration::from_secs(3);
/// Upper bound of the cache fill, whatever the machine.
const FILL_TIMEOUT: Duration = Duration::from_secs(120);
/// A warden fetches for unknown `kid`s at most once per this interval (the facade does
/// not re-export the constant), so for up to this long after a provider stop or restart
/// an unknown `kid` may still be answered from the state before: 401 just after a stop,
/// 503 just after a restart.
const UNKNOWN_KID_INTERVAL: Duration = axum_warden::defaults::DEFAULT_UNKNOWN_KID_REFRESH_INTERVAL;
/// Added to that interval for the fetch itself and for scheduling on two busy cores.
const GRACE_SLACK: Duration = Duration::from_secs(2);
/// Provider outages, as fractions of the measured phase: stopped at the first, restarted
/// at the second. The first restart publishes the rotated key `k2`.
const OUTAGES: [(f64, f64); 2] = [(0.12, 0.37), (0.58, 0.80)];
/// Each client request gives up after this long (a transport error, so a violation).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("load_fault: {error}");
            ExitCode::from(2)
        }
    }
}

/// The command line.
struct Options {
    seconds: u64,
    connections: usize,
    quickstart: PathBuf,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Fallible<Self> {
        let usage = "usage: load_fault [--seconds N (10..=3000, default 60)] [--connections N (1..=1024, default 64)] \
                     [--quickstart PATH (default: the quickstart next to this binary)]";
        let mut options = Self {
            seconds: 60,
            connections: 64,
            quickstart: std::env::current_exe()?.with_file_name(format!("quickstart{}", std::env::consts::EXE_SUFFIX)),
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value; {usage}"))?;
            let number = |value: &str| value.parse::<u64>().map_err(|_| format!("{flag} {value:?}; {usage}"));
            match flag.as_str() {
                "--seconds" => options.seconds = number(&value)?,
                "--connections" => options.connections = usize::try_from(number(&value)?)?,
                "--quickstart" => options.quickstart = value.into(),
                _ => return Err(format!("unknown argument {flag:?}; {usage}").into()),
            }
        }
        if !(10..=3000).contains(&options.seconds) || !(1..=1024).contains(&options.connections) {
            return Err(usage.into());
        }
        Ok(options)
    }
}

/// Sets up, warms up, drives the measured phase with its outages, judges and reports.
/// `Ok(false)` when the run found a problem.
async fn run() -> Fallible<bool> {
    let options = Options::parse(std::env::args().skip(1))?;
    axum_warden::install_crypto_provider();
    let keys = Keys::load()?;
    let mut provider = Provider::start(keys.document(false)?).await?;
    let log = options.quickstart.with_file_name("quickstart-load-fault.log");
    let mut quickstart = Quickstart::spawn(&options.quickstart, &provider.url(), &log)?;
    let ctx = Arc::new(Ctx::new(&quickstart.base, &keys, Arc::clone(&provider.shared))?);
    let clients = (0..options.connections)
        .map(|_| {
            reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(1)
                .timeout(REQUEST_TIMEOUT)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Warm-up: fill the token cache with unique tokens (it evicts from then on), then the mix.
    let warm_up_start = Instant::now();
    let filled = Arc::new(AtomicU64::new(0));
    let mut warm_up = drive_all(&ctx, &clients, warm_up_start + FILL_TIMEOUT, Some(filled)).await?;
    warm_up.merge(drive_all(&ctx, &clients, Instant::now() + MIXED_WARM_UP, None).await?);
    let warm_up_time = warm_up_start.elapsed();
    let rss_before = quickstart.rss()?;

    // The measured phase, with the provider stopped and restarted on schedule.
    let length = Duration::from_secs(options.seconds);
    let start = Instant::now();
    let deadline = start + length;
    let rotated = keys.document(true)?;
    let faults = tokio::spawn(async move {
        let mut outages = Vec::new();
        for (down, up) in OUTAGES {
            tokio::time::sleep_until((start + length.mul_f64(down)).into()).await;
            let stopped = Instant::now();
            provider.stop().await;
            tokio::time::sleep_until((start + length.mul_f64(up)).into()).await;
            provider.restart(outages.is_empty().then(|| rotated.clone())).await?;
            outages.push(Outage {
                stopped,
                restarted: Instant::now(),
            });
        }
        Fallible::Ok((provider, outages))
    });
    let sampler = tokio::spawn(quickstart::sample_rss(quickstart.pid, start, deadline));
    let mut tally = drive_all(&ctx, &clients, deadline, None).await?;
    let elapsed = start.elapsed();
    let rss_after = quickstart.rss()?;
    let peak = quickstart.peak_rss()?;
    let (mut provider, outages) = faults.await??;
    let series = sampler.await?;
    provider.stop().await;
    let exited = quickstart.exited();
    drop(quickstart);

    let timeline = Timeline {
        fetches: ctx.provider.fetches(),
        rotation: outages.first().map(|o| o.restarted),
        outages,
        grace: UNKNOWN_KID_INTERVAL + GRACE_SLACK,
        slack: GRACE_SLACK,
        end: start + elapsed,
    };
    warm_up.judge(&ctx.classes, &timeline);
    tally.judge(&ctx.classes, &timeline);
    let checks = timeline.coverage(&ctx.classes, &tally);
    let memory = Memory {
        before: rss_before,
        after: rss_after,
        peak,
        series,
    };
    let report = Report {
        connections: options.connections,
        classes: &ctx.classes,
        warm_up: &warm_up,
        warm_up_time,
        tally: &tally,
        elapsed,
        start,
        timeline: &timeline,
        checks: &checks,
        memory: &memory,
        exited: exited.as_deref(),
        log: &log,
    };
    print!("{report}");
    Ok(report.passed())
}
