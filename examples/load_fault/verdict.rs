//! What the two `kid` classes may be answered, given when the provider was down, and the
//! checks that each fault was exercised.

use std::time::{Duration, Instant};

use crate::load::{Pending, Tally};
use crate::mix::{Class, Expect};

/// One stop and restart of the provider.
pub(crate) struct Outage {
    /// When the provider was told to stop.
    pub(crate) stopped: Instant,
    /// When it listened again.
    pub(crate) restarted: Instant,
}

/// The provider's history over the run.
pub(crate) struct Timeline {
    /// When the provider answered each JWKS request.
    pub(crate) fetches: Vec<Instant>,
    /// When `k2` was first published (the first restart).
    pub(crate) rotation: Option<Instant>,
    pub(crate) outages: Vec<Outage>,
    /// How long the warden may go on answering an unknown `kid` from its state before a
    /// stop or a restart: its unknown-`kid` refresh interval plus `slack`.
    pub(crate) grace: Duration,
    /// Time for a fetched key set to take effect, and for scheduling on busy cores.
    pub(crate) slack: Duration,
    /// The end of the measured phase.
    pub(crate) end: Instant,
}

impl Timeline {
    /// The first JWKS request the provider answered at or after `t`.
    fn fetch_after(&self, t: Instant) -> Option<Instant> {
        self.fetches.iter().copied().find(|f| *f >= t)
    }

    /// When `k2` reached the warden: the first fetch after its publication.
    fn k2_fetched(&self) -> Option<Instant> {
        self.fetch_after(self.rotation?)
    }

    /// Until when an unknown `kid` may get 503 after `outage`: until the warden fetched
    /// the key set again, and never later than the grace after the restart.
    fn recovered(&self, outage: &Outage) -> Instant {
        let bound = outage.restarted + self.grace;
        self.fetch_after(outage.restarted)
            .map_or(bound, |fetched| bound.min(fetched + self.slack))
    }

    /// Whether a 503 is documented for an unknown `kid` at some time of the request: from
    /// a stop until the warden fetched again after the restart, or before the first fetch.
    fn may_be_unavailable(&self, a: &Pending) -> bool {
        self.fetches.first().is_none_or(|at| a.start <= *at)
            || self
                .outages
                .iter()
                .any(|o| a.start <= self.recovered(o) && a.end >= o.stopped)
    }

    /// Whether an unknown `kid` may be judged on the last good key set (401) at some time
    /// of the request: always, except from the grace after a stop until the restart.
    fn may_use_last_set(&self, a: &Pending) -> bool {
        !self
            .outages
            .iter()
            .any(|o| a.start >= o.stopped + self.grace && a.end <= o.restarted)
    }

    fn unknown_kid(&self, a: &Pending) -> Result<(), String> {
        match a.status {
            401 if self.may_use_last_set(a) => Ok(()),
            401 => Err(format!("401 more than {:?} into an outage, expected 503", self.grace)),
            503 if self.may_be_unavailable(a) => Ok(()),
            503 => Err("503 while the provider was up and the warden had fetched again".into()),
            status if (200..300).contains(&status) => Err("ALLOWED a kid the warden cannot know".into()),
            _ => Err("expected 401 or 503".into()),
        }
    }

    /// The verdict on one answer of a `kid` class.
    pub(crate) fn judge(&self, expect: Expect, a: &Pending) -> Result<(), String> {
        match expect {
            Expect::Status(_) => Ok(()),
            Expect::UnknownKid => self.unknown_kid(a),
            Expect::RotatedKid => match self.k2_fetched() {
                Some(known) if a.status == 200 && a.end >= known => Ok(()),
                Some(known) if a.start > known + self.slack => {
                    Err("expected 200: the warden had fetched the key set with k2".into())
                }
                _ => self.unknown_kid(a),
            },
        }
    }

    /// Checks that the faults happened and the warden went through each state: 503 in
    /// each outage, a fetch and 401 again after each restart, `k2` accepted once fetched
    /// and through the next outage, published keys served while the provider was down.
    /// A check is required only when its window is longer than the grace (the `k2` ones:
    /// when the warden fetched `k2` early enough).
    pub(crate) fn coverage(&self, classes: &[Class], tally: &Tally) -> Vec<Check> {
        let first = |expect: Expect, status: u16, from: Instant, to: Instant| {
            tally
                .pending
                .iter()
                .filter(|a| classes[a.class].expect == expect && a.status == status)
                .filter(|a| a.start >= from && a.end <= to)
                .map(|a| a.end.duration_since(from))
                .min()
        };
        let longer = |from: Instant, to: Instant| to.saturating_duration_since(from) > self.grace;
        let mut checks = Vec::new();
        for (i, outage) in self.outages.iter().enumerate() {
            let n = i + 1;
            checks.push(Check::first(
                format!("outage {n}: an unknown kid gets 503 (after the stop)"),
                first(Expect::UnknownKid, 503, outage.stopped, outage.restarted + self.grace),
                longer(outage.stopped, outage.restarted),
            ));
            let next = self.outages.get(i + 1).map_or(self.end, |o| o.stopped);
            checks.push(Check::first(
                format!("restart {n}: the warden fetches the key set (after the restart)"),
                self.fetch_after(outage.restarted)
                    .filter(|f| *f <= next)
                    .map(|f| f.duration_since(outage.restarted)),
                longer(outage.restarted, next),
            ));
            checks.push(Check::first(
                format!("restart {n}: an unknown kid gets 401 again (after the restart)"),
                first(Expect::UnknownKid, 401, outage.restarted, next),
                longer(outage.restarted, next),
            ));
        }
        if let Some(published) = self.rotation {
            let known = self.k2_fetched();
            checks.push(Check::first(
                "rotation: k2 accepted (after its publication)".into(),
                first(Expect::RotatedKid, 200, published, self.end),
                known.is_some_and(|k| k + self.slack < self.end),
            ));
            if let Some(outage) = self.outages.get(1) {
                checks.push(Check::first(
                    "outage 2: k2 accepted from the last good set (after the stop)".into(),
                    first(Expect::RotatedKid, 200, outage.stopped, outage.restarted),
                    known.is_some_and(|k| k < outage.stopped),
                ));
            }
        }
        checks.push(Check {
            what: "outages: tokens of published keys answered 2xx while down".into(),
            seen: format!("{} answers", tally.served_while_down),
            ok: tally.served_while_down > 0 || self.outages.is_empty(),
        });
        checks
    }
}

/// A check that a state was observed.
pub(crate) struct Check {
    pub(crate) what: String,
    pub(crate) seen: String,
    pub(crate) ok: bool,
}

impl Check {
    fn first(what: String, seen: Option<Duration>, required: bool) -> Self {
        let (seen, ok) = match seen {
            Some(after) => (format!("first after {:.1} s", after.as_secs_f64()), true),
            None if required => ("never".into(), false),
            None => ("not seen (not required: window too short)".into(), true),
        };
        Self { what, seen, ok }
    }
}
