//! [`SnapshotRate`]: how often automatic snapshots (panics, signals) may be written, and the
//! limiter that applies it.
//!
//! A panic in a request handler that a server catches, or a script sending SIGUSR1 in a loop,
//! would otherwise write one snapshot per occurrence: hundreds of files of up to the
//! recorder's budget each, written back to back, each mostly the same events as the one
//! before. The first snapshots of a storm hold how it started; after that, one now and then
//! is enough. So automatic snapshots share a token bucket: `burst` may be written at once,
//! then one per `interval`. A snapshot the limit suppresses is counted, and said so (on
//! stderr and as a WARN event, which the next snapshot holds).
//!
//! Snapshots asked for explicitly ([`Handle::snapshot`](crate::Handle::snapshot)) are not
//! limited: the caller asked for that file. The snapshot directory's retention
//! ([`Builder::snapshot_retention`](crate::Builder::snapshot_retention)) bounds all of them.

use std::time::{Duration, Instant};

use crate::sync::global::{lock, AtomicU64, Ordering};
use std::sync::Mutex;

/// How often automatic snapshots (on panics and signals) may be written: up to
/// [`burst`](Self::burst) at once, then one per [`interval`](Self::interval) (a token
/// bucket). Set it with [`Builder::snapshot_rate`](crate::Builder::snapshot_rate).
///
/// The default, [`SnapshotRate::DEFAULT`], is a burst of 3, then one every 10 seconds: the
/// first snapshots of a storm of panics hold how it began, and later ones, which mostly repeat
/// what the previous one held, come at most six a minute (with the default 64 MiB budget,
/// at most about 6 MiB/s of snapshot writing however many panics there are).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use ttlog_core::SnapshotRate;
///
/// let rate = SnapshotRate::new(5, Duration::from_secs(60));
/// assert_eq!(rate.burst(), 5);
/// assert_eq!(rate.interval(), Duration::from_secs(60));
/// assert_eq!(SnapshotRate::default(), SnapshotRate::DEFAULT);
/// assert_eq!(SnapshotRate::DEFAULT.burst(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotRate {
    burst: u32,
    interval: Duration,
}

impl SnapshotRate {
    /// A burst of 3 automatic snapshots, then one every 10 seconds.
    pub const DEFAULT: SnapshotRate = SnapshotRate {
        burst: 3,
        interval: Duration::from_secs(10),
    };

    /// No limit: every panic and signal writes a snapshot.
    ///
    /// ```
    /// assert_eq!(ttlog_core::SnapshotRate::UNLIMITED.interval(), std::time::Duration::ZERO);
    /// ```
    pub const UNLIMITED: SnapshotRate = SnapshotRate {
        burst: u32::MAX,
        interval: Duration::ZERO,
    };

    /// Up to `burst` automatic snapshots at once, then one per `interval`. A `burst` of 0
    /// turns automatic snapshots off (each is counted as suppressed); an `interval` of zero
    /// means no limit.
    ///
    /// ```
    /// use std::time::Duration;
    /// let none = ttlog_core::SnapshotRate::new(0, Duration::from_secs(1));
    /// assert_eq!(none.burst(), 0);
    /// ```
    pub const fn new(burst: u32, interval: Duration) -> SnapshotRate {
        SnapshotRate { burst, interval }
    }

    /// How many automatic snapshots may be written at once.
    pub const fn burst(&self) -> u32 {
        self.burst
    }

    /// How long it takes to earn one more automatic snapshot, up to [`burst`](Self::burst).
    pub const fn interval(&self) -> Duration {
        self.interval
    }
}

impl Default for SnapshotRate {
    fn default() -> SnapshotRate {
        SnapshotRate::DEFAULT
    }
}

/// Applies a [`SnapshotRate`] (shared by every handle of one logger) and counts what it
/// suppresses.
///
/// It is a GCRA, the token bucket kept as one instant: `ready` is when the bucket will be
/// full again. A snapshot may go when `ready` is at most `(burst - 1) * interval` away, and
/// moves it on by one `interval`.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: SnapshotRate,
    ready: Mutex<Option<Instant>>,
    suppressed: AtomicU64,
}

impl RateLimiter {
    pub(crate) fn new(rate: SnapshotRate) -> RateLimiter {
        RateLimiter {
            rate,
            ready: Mutex::new(None),
            suppressed: AtomicU64::new(0),
        }
    }

    /// Takes a token if there is one: `true` if an automatic snapshot may be written now,
    /// else counts it as suppressed and returns `false`.
    pub(crate) fn try_take(&self) -> bool {
        if self.allow(Instant::now()) {
            return true;
        }
        self.suppressed.fetch_add(1, Ordering::Relaxed);
        false
    }

    fn allow(&self, now: Instant) -> bool {
        let SnapshotRate { burst, interval } = self.rate;
        if burst == 0 {
            return false;
        }
        if interval.is_zero() {
            return true;
        }
        let mut ready = lock(&self.ready);
        let full = ready.map_or(now, |r| r.max(now));
        let tolerance = interval.saturating_mul(burst - 1);
        if full.saturating_duration_since(now) > tolerance {
            return false;
        }
        *ready = Some(full + interval);
        true
    }

    /// How many automatic snapshots have been suppressed.
    pub(crate) fn suppressed(&self) -> u64 {
        self.suppressed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_one_per_interval() {
        let limiter = RateLimiter::new(SnapshotRate::new(3, Duration::from_secs(10)));
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        assert!(limiter.allow(at(0)));
        assert!(limiter.allow(at(0)));
        assert!(limiter.allow(at(0)));
        assert!(!limiter.allow(at(0)));
        assert!(!limiter.allow(at(9)));
        assert!(limiter.allow(at(10)));
        assert!(!limiter.allow(at(11)));
        // Quiet for long enough, the whole burst is back (and no more).
        assert!(limiter.allow(at(100)));
        assert!(limiter.allow(at(100)));
        assert!(limiter.allow(at(100)));
        assert!(!limiter.allow(at(100)));
    }

    #[test]
    fn zero_burst_and_unlimited() {
        let never = RateLimiter::new(SnapshotRate::new(0, Duration::from_secs(1)));
        assert!(!never.try_take());
        assert_eq!(never.suppressed(), 1);
        let always = RateLimiter::new(SnapshotRate::UNLIMITED);
        assert!((0..1000).all(|_| always.try_take()));
        assert_eq!(always.suppressed(), 0);
    }
}
