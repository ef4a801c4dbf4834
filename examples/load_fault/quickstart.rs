//! The process under load: the release quickstart, started with a JWKS URL, and its
//! memory as the kernel reports it.

use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Fallible;
use crate::mix::{AUDIENCE, ISSUER};

/// How long the quickstart may take to announce its address.
const STARTUP: Duration = Duration::from_secs(30);
/// RSS may grow by this much, or by half the baseline if that is more.
pub(crate) const RSS_SLACK_KIB: u64 = 32 * 1024;

/// The running quickstart; killed when dropped.
pub(crate) struct Quickstart {
    child: Child,
    pub(crate) pid: u32,
    /// `http://127.0.0.1:<port>`.
    pub(crate) base: String,
}

impl Quickstart {
    /// Starts `path` on a free loopback port with `jwks_url` as its key source; its output
    /// goes to `log`.
    pub(crate) fn spawn(path: &Path, jwks_url: &str, log: &Path) -> Fallible<Self> {
        let log_file = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut child = Command::new(path)
            .env_clear()
            .env("QUICKSTART_ADDR", "127.0.0.1:0")
            .env("WARDEN_JWKS_URL", jwks_url)
            .env("WARDEN_ISSUER", ISSUER)
            .env("WARDEN_AUDIENCE", AUDIENCE)
            .env("RUST_LOG", "axum_warden=warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file.try_clone()?)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e} (cargo build --release --example quickstart builds it)",
                    path.display()
                )
            })?;
        let stdout = child.stdout.take().ok_or("the quickstart's stdout is not piped")?;
        let mut quickstart = Self {
            pid: child.id(),
            child,
            base: String::new(),
        };
        let (address, announced) = mpsc::channel();
        std::thread::spawn(move || {
            let mut log = log_file;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if let Some(rest) = line.strip_prefix("listening on ") {
                    let _ = address.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
                }
            }
        });
        quickstart.base = announced.recv_timeout(STARTUP).map_err(|_| {
            format!(
                "the quickstart did not announce its address within {STARTUP:?}; see {}",
                log.display()
            )
        })?;
        Ok(quickstart)
    }

    /// Resident memory now, in KiB.
    pub(crate) fn rss(&self) -> Fallible<u64> {
        status_kib(self.pid, "VmRSS")
    }

    /// Peak resident memory since the start, in KiB.
    pub(crate) fn peak_rss(&self) -> Fallible<u64> {
        status_kib(self.pid, "VmHWM")
    }

    /// How the quickstart ended, if it did.
    pub(crate) fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(error) => Some(format!("unknown ({error})")),
        }
    }
}

impl Drop for Quickstart {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `kB` field of `/proc/<pid>/status`.
fn status_kib(pid: u32, field: &str) -> Fallible<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().strip_suffix("kB")?.trim().parse().ok())
        .ok_or_else(|| format!("no {field} in {path}").into())
}

/// The quickstart's RSS every second from `start` to `deadline`: (seconds, KiB).
pub(crate) async fn sample_rss(pid: u32, start: Instant, deadline: Instant) -> Vec<(u64, u64)> {
    let mut series = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < deadline {
        tick.tick().await;
        if let Ok(kib) = status_kib(pid, "VmRSS") {
            series.push((start.elapsed().as_secs(), kib));
        }
    }
    series
}

/// The quickstart's memory over the measured phase, in KiB.
pub(crate) struct Memory {
    /// After the warm-up.
    pub(crate) before: u64,
    /// Right after the last request.
    pub(crate) after: u64,
    /// `VmHWM` at the end.
    pub(crate) peak: u64,
    /// One sample a second.
    pub(crate) series: Vec<(u64, u64)>,
}

impl Memory {
    /// The largest `after` that passes: the baseline plus [`RSS_SLACK_KIB`] or plus half,
    /// whichever is more.
    pub(crate) fn limit(&self) -> u64 {
        self.before + RSS_SLACK_KIB.max(self.before / 2)
    }

    pub(crate) fn ok(&self) -> bool {
        self.after <= self.limit()
    }
}
