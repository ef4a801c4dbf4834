//! The summary printed at the end of a run.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::load::Tally;
use crate::mix::Class;
use crate::quickstart::Memory;
use crate::verdict::{Check, Timeline};

pub(crate) struct Report<'a> {
    pub(crate) connections: usize,
    pub(crate) classes: &'a [Class],
    pub(crate) warm_up: &'a Tally,
    pub(crate) warm_up_time: Duration,
    pub(crate) tally: &'a Tally,
    pub(crate) elapsed: Duration,
    /// The start of the measured phase, which times are relative to.
    pub(crate) start: Instant,
    pub(crate) timeline: &'a Timeline,
    pub(crate) checks: &'a [Check],
    pub(crate) memory: &'a Memory,
    /// How the quickstart ended, if it died during the run.
    pub(crate) exited: Option<&'a str>,
    pub(crate) log: &'a Path,
}

impl Report<'_> {
    pub(crate) fn passed(&self) -> bool {
        self.warm_up.violations == 0
            && self.tally.violations == 0
            && self.checks.iter().all(|c| c.ok)
            && self.memory.ok()
            && self.exited.is_none()
    }

    /// Seconds from the start of the measured phase (negative in the warm-up).
    fn at(&self, t: Instant) -> f64 {
        match t.checked_duration_since(self.start) {
            Some(d) => d.as_secs_f64(),
            None => -self.start.duration_since(t).as_secs_f64(),
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.tally;
        writeln!(
            f,
            "load_fault: the quickstart under load while its JWKS provider stops and restarts"
        )?;
        writeln!(
            f,
            "  {} connections; measured phase {:.1} s, after a {:.1} s warm-up ({} requests: the token cache filled with unique tokens, then the mix)",
            self.connections,
            self.elapsed.as_secs_f64(),
            self.warm_up_time.as_secs_f64(),
            self.warm_up.requests(),
        )?;
        let outages: Vec<String> = self
            .timeline
            .outages
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let rotation = if i == 0 { " publishing k2" } else { "" };
                format!(
                    "down {:.1} s → up {:.1} s{rotation}",
                    self.at(o.stopped),
                    self.at(o.restarted)
                )
            })
            .collect();
        writeln!(f, "  provider: {}", outages.join("; "))?;
        writeln!(
            f,
            "  grace for the kid classes around each stop/restart: {:.0} s (unknown-kid refresh interval + slack)\n",
            self.timeline.grace.as_secs_f64()
        )?;

        let statuses: BTreeSet<u16> = t.classes.iter().flat_map(|c| c.statuses.keys().copied()).collect();
        write!(f, "{:<36} {:>12} {:>9}", "class", "expect", "requests")?;
        for status in &statuses {
            match status {
                0 => write!(f, " {:>7}", "error")?,
                status => write!(f, " {status:>7}")?,
            }
        }
        writeln!(f, " {:>10}", "violations")?;
        for (class, tally) in self.classes.iter().zip(&t.classes) {
            write!(
                f,
                "{:<36} {:>12} {:>9}",
                class.name,
                class.expect.label(),
                tally.requests
            )?;
            for status in &statuses {
                write!(f, " {:>7}", tally.statuses.get(status).copied().unwrap_or(0))?;
            }
            writeln!(f, " {:>10}", tally.violations)?;
        }
        write!(f, "{:<36} {:>12} {:>9}", "total", "", t.requests())?;
        for status in &statuses {
            let n: u64 = t.classes.iter().filter_map(|c| c.statuses.get(status)).sum();
            write!(f, " {n:>7}")?;
        }
        writeln!(f, " {:>10}", t.violations)?;
        let server_errors: u64 = [self.warm_up, t]
            .iter()
            .flat_map(|t| t.classes.iter().flat_map(|c| c.statuses.iter()))
            .filter(|(status, _)| (500..600).contains(*status) && **status != 503)
            .map(|(_, n)| n)
            .sum();
        writeln!(f)?;

        writeln!(f, "checks")?;
        for check in self.checks {
            let verdict = if check.ok { "ok" } else { "FAILED" };
            writeln!(f, "  {:<66} {:<44} {verdict}", check.what, check.seen)?;
        }

        let mut latencies = t.latencies_us.clone();
        latencies.sort_unstable();
        let seconds = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "\nthroughput  {} requests in {seconds:.1} s = {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms",
            t.requests(),
            t.requests() as f64 / seconds,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            percentile(&latencies, 1.0),
        )?;
        let fetches: Vec<String> = self
            .timeline
            .fetches
            .iter()
            .map(|t| format!("{:.1}", self.at(*t)))
            .collect();
        writeln!(
            f,
            "JWKS        {} requests answered by the provider, at (s): {}",
            fetches.len(),
            fetches.join(", ")
        )?;
        let m = self.memory;
        let growth = m.after as f64 - m.before as f64;
        writeln!(
            f,
            "memory      quickstart VmRSS before {:.1} MiB (after the warm-up), after {:.1} MiB ({:+.1} MiB, {:+.1}%); \
             peak VmHWM {:.1} MiB; limit {:.1} MiB (+max(32 MiB, 50%))",
            mib(m.before),
            mib(m.after),
            growth / 1024.0,
            100.0 * growth / m.before.max(1) as f64,
            mib(m.peak),
            mib(m.limit()),
        )?;
        let every = (m.series.len() / 6).max(1);
        let last = m.series.len().saturating_sub(1);
        let samples: Vec<String> = m
            .series
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i == last)
            .map(|(_, (s, kib))| format!("{s} s {:.1}", mib(*kib)))
            .collect();
        writeln!(f, "            VmRSS (MiB) over the run: {}", samples.join(", "))?;
        writeln!(f, "log         {}", self.log.display())?;
        if let Some(exit) = self.exited {
            writeln!(f, "QUICKSTART EXITED during the run: {exit}")?;
        }

        let (w, sum) = (self.warm_up, |f: fn(&Tally) -> u64| f(self.warm_up) + f(t));
        let errors: u64 = [w, t]
            .iter()
            .flat_map(|t| t.classes.iter())
            .filter_map(|c| c.statuses.get(&0))
            .sum();
        writeln!(
            f,
            "\nviolations  {} (warm-up {}, measured {}): allowed that must be refused {}, \
             undocumented 503 {}, other 5xx {}, no answer {}, refusal contract {}",
            w.violations + t.violations,
            w.violations,
            t.violations,
            sum(|t| t.wrongly_allowed),
            sum(|t| t.undocumented_503),
            server_errors,
            errors,
            sum(|t| t.contract),
        )?;
        for v in self.warm_up.examples.iter().chain(&t.examples) {
            let status = v.status.map_or_else(|| "-".to_owned(), |s| s.to_string());
            let class = self.classes[v.class].name;
            writeln!(f, "  {:>7.2} s  {class:<36} {status:>4}  {}", self.at(v.start), v.why)?;
        }
        writeln!(f, "result      {}", if self.passed() { "PASS" } else { "FAIL" })
    }
}
