//! The background refresh of a remote key set: one task per warden, started on first
//! use, that keeps the set fresh without a request ever waiting for it.

use std::sync::Weak;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::{Shared, Start, Trigger, wait};

/// Refreshes every `max-age` (clamped) while the warden lives; retries sooner after a failure.
///
/// Any successful fetch, including one a request with an unknown `kid` started, pushes the
/// next background refresh out: the task never fetches a set that is still fresh.
pub(super) async fn background(shared: Weak<Shared>) {
    let _running = Running(shared.clone());
    let mut delay = Duration::ZERO;
    let mut failures = 0u32;
    loop {
        tokio::time::sleep(delay).await;
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let outcome = match strong.start(Trigger::Background) {
            Start::Fresh(fresh_for) => {
                delay = fresh_for;
                continue;
            }
            Start::Join(flight) => wait(flight).await,
            Start::Throttled { .. } | Start::NoRuntime => return,
        };
        let settings = &strong.settings;
        delay = match outcome {
            Ok(max_age) => {
                failures = 0;
                settings.next_refresh(max_age)
            }
            Err(_) => {
                // 1×, 2×, 4× … the unknown-kid interval, up to the shortest refresh interval.
                let backoff = settings.unknown_kid_interval.saturating_mul(1 << failures.min(16));
                failures = failures.saturating_add(1);
                backoff.min(settings.refresh_bounds.0.max(settings.unknown_kid_interval))
            }
        };
    }
}

/// Marks the background task as gone when it ends or its runtime drops it.
struct Running(Weak<Shared>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shared) = self.0.upgrade() {
            shared.background.store(false, Ordering::Release);
        }
    }
}
