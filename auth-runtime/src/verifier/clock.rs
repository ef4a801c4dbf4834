//! The time a request is judged at.

/// Seconds since the Unix epoch (0 before it): read once per request, which is judged at
/// that time.
///
/// On Linux this is the coarse real-time clock, the time of the kernel's last tick: a read
/// of memory the kernel shares, where the precise clock reads the clock source and costs
/// a few percent of a cached request. It lags the precise clock by at most one tick (1 to
/// 10 ms, with the kernel's timer frequency), which for claims counted in whole seconds
/// means a token may be judged up to one tick late: accepted for at most one tick past
/// `exp` plus the leeway, refused for at most one tick after `nbf` minus the leeway.
pub(crate) fn unix_now() -> u64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        u64::try_from(now.tv_sec).unwrap_or(0)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }
}
