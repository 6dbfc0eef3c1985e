//! Timestamps: a cheap monotonic read on the caller, wall time on the collector.
//!
//! [`now`] is on every event's hot path, so it reads the CPU's time-stamp counter where that is
//! safe to use as a clock (x86_64 with an invariant TSC, which ticks at a constant rate and
//! keeps ticking in deep sleep states; the kernel's `constant_tsc`/`nonstop_tsc` flags). There it
//! costs one instruction and no system call. Everywhere else it falls back to
//! [`std::time::Instant`], measured in nanoseconds since the clock's anchor.
//!
//! Ticks mean nothing on their own: [`to_system_time`] turns them into wall-clock time. The
//! anchor pairs one tick reading with an `Instant` reading and another with a `SystemTime`
//! reading; the tick rate is measured against `Instant` over the longest interval seen so far,
//! so the conversion only gets more precise as the process runs. Converting happens on the collector
//! thread, never on the caller's.
//!
//! # How exact durations are
//!
//! A duration in ticks ([`ticks_to_nanos`], [`Converter::nanos_between`]) is converted with
//! the measured rate. Each `(Instant, ticks)` pair of a measurement is read with the tick
//! counter read just before and just after `Instant::now()` (both reads fenced, so the CPU
//! cannot move them across it): the tick count at the `Instant` reading lies between the two,
//! and the pair keeps the midpoint and half the gap as its uncertainty. Of several tries, the
//! tightest pair is kept. A rate is used only once the two pairs' uncertainties and
//! `Instant`'s 1 ns resolution, relative to the interval between them, are at most
//! [`MAX_RATE_ERROR`] (and the interval is at least 2 ms): the first conversion waits for
//! that (typically 2 ms after the anchor; if a whole second passes without, on a machine that
//! cannot read `Instant` within tens of microseconds, it takes the rate it has), later
//! re-measurements (every 50 ms, over the whole interval since the anchor) that miss it are
//! skipped. So the rate is within [`MAX_RATE_ERROR`] of `Instant`'s average rate
//! over the interval it was measured on, and durations are too, as long as `Instant` keeps
//! that rate. It may not quite: `Instant` is steered by NTP and the TSC is not, so durations
//! in ticks also differ from `Instant`'s (and from what `thread::sleep` waits) by as much as
//! `Instant`'s rate changed between the two intervals. ntpd's kernel discipline keeps that
//! under 0.1 % (its frequency correction is at most 500 ppm either way); chrony slews at up
//! to 8.3 % (its default `maxslewrate`) while it corrects a large offset. This assumes the
//! TSCs of all cores agree, which the kernel checks at boot. With the `Instant` fallback,
//! durations are exactly `Instant`'s.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::sync::global::{AtomicU8, Ordering};

const MODE_UNKNOWN: u8 = 0;
const MODE_TSC: u8 = 1;
const MODE_INSTANT: u8 = 2;

/// Which source [`now`] reads. Set once by [`anchor`] before any tick is taken from it.
static MODE: AtomicU8 = AtomicU8::new(MODE_UNKNOWN);

/// The largest relative error of the measured tick rate, against `Instant`'s average rate
/// over the interval it was measured on: a duration converted from ticks is within
/// `MAX_RATE_ERROR` of `Instant`'s, unless the system clock is being slewed (see the
/// [module documentation](self)). `0.0001` is a hundred microseconds a second.
pub const MAX_RATE_ERROR: f64 = 1e-4;

/// The shortest interval a tick rate is measured over.
const MIN_CALIBRATION: Duration = Duration::from_millis(2);
/// How old a rate may get before a conversion measures it again.
const REMEASURE_AFTER: Duration = Duration::from_millis(50);
/// How long the first measurement waits, at most, for pairs tight enough for
/// [`MAX_RATE_ERROR`]; only a machine that cannot read `Instant` within tens of microseconds
/// of the tick counter gets there, and then has a looser rate.
const MAX_CALIBRATION: Duration = Duration::from_secs(1);
/// How many times a pair is read, keeping the tightest.
const PAIR_TRIES: usize = 8;

struct Anchor {
    /// The tick count at `instant`, to within `spread` ticks (TSC mode; `0` otherwise).
    ticks: u64,
    spread: u64,
    instant: Instant,
    /// The tick count at `system`.
    system_ticks: u64,
    system: SystemTime,
    /// The latest measured nanoseconds per tick (TSC mode only).
    rate: Mutex<Rate>,
}

#[derive(Clone, Copy)]
struct Rate {
    ns_per_tick: f64,
    /// When it was measured; `None` until the first measurement.
    measured_at: Option<Instant>,
}

/// A value read between two tick readings: the midpoint of the two and half their gap
/// rounded up, so that the tick count at the moment of the value is `ticks ± spread`.
struct Bracketed<T> {
    value: T,
    ticks: u64,
    spread: u64,
}

/// Reads `value` between two readings of `ticks`, [`PAIR_TRIES`] times, and keeps the tightest
/// (a try that was interrupted or preempted has a wide gap).
fn bracketed<T>(ticks: impl Fn() -> u64, value: impl Fn() -> T) -> Bracketed<T> {
    let mut best: Option<Bracketed<T>> = None;
    for _ in 0..PAIR_TRIES {
        let before = ticks();
        let value = value();
        let after = ticks();
        // `after < before` only if the thread moved to a core whose counter lags; the gap
        // then still bounds the error as far as anything can.
        let (low, gap) = (before.min(after), before.abs_diff(after));
        let spread = gap.div_ceil(2);
        if best.as_ref().is_none_or(|b| spread < b.spread) {
            best = Some(Bracketed {
                value,
                ticks: low + gap / 2,
                spread,
            });
        }
    }
    best.expect("PAIR_TRIES > 0")
}

static ANCHOR: OnceLock<Anchor> = OnceLock::new();

/// Fixes the clock's source and anchor. Called when a logger is installed and lazily by the
/// conversions; calling it again does nothing.
pub fn anchor() {
    anchor_ref();
}

fn anchor_ref() -> &'static Anchor {
    ANCHOR.get_or_init(|| {
        let mode = if tsc::usable() {
            MODE_TSC
        } else {
            MODE_INSTANT
        };
        // Release pairs with the Acquire in `mode()`: a thread that sees the mode also sees
        // that the anchor exists (readers go through `ANCHOR.get_or_init` anyway).
        MODE.store(mode, Ordering::Release);
        if mode == MODE_TSC {
            let instant = bracketed(tsc::read_ordered, Instant::now);
            let system = bracketed(tsc::read_ordered, SystemTime::now);
            Anchor {
                ticks: instant.ticks,
                spread: instant.spread,
                instant: instant.value,
                system_ticks: system.ticks,
                system: system.value,
                rate: Mutex::new(Rate {
                    ns_per_tick: tsc::nominal_ns_per_tick(),
                    measured_at: None,
                }),
            }
        } else {
            // Ticks are nanoseconds since `instant`.
            let instant = Instant::now();
            let since = || instant.elapsed().as_nanos() as u64;
            let system = bracketed(since, SystemTime::now);
            Anchor {
                ticks: 0,
                spread: 0,
                instant,
                system_ticks: system.ticks,
                system: system.value,
                rate: Mutex::new(Rate {
                    ns_per_tick: 1.0,
                    measured_at: None,
                }),
            }
        }
    })
}

#[inline(always)]
fn mode() -> u8 {
    let m = MODE.load(Ordering::Relaxed);
    if m == MODE_UNKNOWN {
        anchor();
        MODE.load(Ordering::Acquire)
    } else {
        m
    }
}

/// Reads the clock: an opaque tick count, monotonic per thread and comparable across threads.
///
/// ```
/// let a = ttlog_core::clock::now();
/// let b = ttlog_core::clock::now();
/// assert!(b >= a);
/// ```
#[inline(always)]
pub fn now() -> u64 {
    // One relaxed load and compare on the hot path; the first call and the `Instant`
    // fallback go through `now_slow`.
    if MODE.load(Ordering::Relaxed) == MODE_TSC {
        tsc::read()
    } else {
        now_slow()
    }
}

#[cold]
#[inline(never)]
fn now_slow() -> u64 {
    if mode() == MODE_TSC {
        tsc::read()
    } else {
        instant_ticks()
    }
}

#[cold]
fn instant_ticks() -> u64 {
    let anchor = anchor_ref();
    anchor.instant.elapsed().as_nanos() as u64
}

/// Nanoseconds between two tick readings (`0` if `later` is not later).
///
/// ```
/// use ttlog_core::clock;
/// let a = clock::now();
/// std::thread::sleep(std::time::Duration::from_millis(2));
/// let b = clock::now();
/// assert!(clock::ticks_to_nanos(a, b) >= 1_000_000);
/// ```
pub fn ticks_to_nanos(earlier: u64, later: u64) -> u64 {
    let diff = later.saturating_sub(earlier);
    if mode() == MODE_TSC {
        (diff as f64 * current_rate(anchor_ref())) as u64
    } else {
        diff
    }
}

/// Converts a tick reading from [`now`] to wall-clock time.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// let t = ttlog_core::clock::to_system_time(ttlog_core::clock::now());
/// let diff = SystemTime::now().duration_since(t).unwrap_or_default();
/// assert!(diff < Duration::from_secs(1));
/// ```
pub fn to_system_time(ticks: u64) -> SystemTime {
    converter().to_system_time(ticks)
}

/// A frozen tick-to-wall-time conversion, for converting many readings cheaply (the collector
/// takes one per batch of events).
///
/// ```
/// let conv = ttlog_core::clock::converter();
/// let t = ttlog_core::clock::now();
/// assert_eq!(conv.to_system_time(t), conv.to_system_time(t));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Converter {
    /// The tick count at `anchor_system`.
    anchor_ticks: u64,
    anchor_system: SystemTime,
    /// Nanoseconds per tick; `None` when ticks already are nanoseconds.
    ns_per_tick: Option<f64>,
}

/// The current conversion (re-measuring the tick rate if it is stale).
pub fn converter() -> Converter {
    let anchor = anchor_ref();
    let ns_per_tick = if mode() == MODE_TSC {
        Some(current_rate(anchor))
    } else {
        None
    };
    Converter {
        anchor_ticks: anchor.system_ticks,
        anchor_system: anchor.system,
        ns_per_tick,
    }
}

impl Converter {
    /// The conversion as plain numbers, for files read by another process: the tick count
    /// at the anchor, the anchor as nanoseconds since the Unix epoch, and nanoseconds per
    /// tick (`None`: ticks are nanoseconds).
    pub(crate) fn parts(&self) -> (u64, u64, Option<f64>) {
        let nanos = self
            .anchor_system
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        (self.anchor_ticks, nanos, self.ns_per_tick)
    }

    /// A conversion from [`parts`](Self::parts) (a rate that is not a positive finite number
    /// is taken as "ticks are nanoseconds").
    pub(crate) fn from_parts(
        anchor_ticks: u64,
        anchor_nanos: u64,
        ns_per_tick: Option<f64>,
    ) -> Converter {
        Converter {
            anchor_ticks,
            anchor_system: UNIX_EPOCH + Duration::from_nanos(anchor_nanos),
            ns_per_tick: ns_per_tick.filter(|r| r.is_finite() && *r > 0.0 && *r < 1e9),
        }
    }

    /// Nanoseconds from one tick reading to a later one (`0` if `later` is earlier).
    ///
    /// ```
    /// let conv = ttlog_core::clock::converter();
    /// let a = ttlog_core::clock::now();
    /// std::thread::sleep(std::time::Duration::from_millis(2));
    /// assert!(conv.nanos_between(a, ttlog_core::clock::now()) >= 1_000_000);
    /// ```
    pub fn nanos_between(&self, earlier: u64, later: u64) -> u64 {
        let diff = later.saturating_sub(earlier);
        match self.ns_per_tick {
            Some(rate) => (diff as f64 * rate) as u64,
            None => diff,
        }
    }

    /// Wall-clock time of a tick reading.
    pub fn to_system_time(&self, ticks: u64) -> SystemTime {
        // Tick differences fit an i64 (2^63 ticks is centuries at any clock rate); converting
        // through i64 instead of i128 avoids two software float conversions per event.
        let diff = ticks.wrapping_sub(self.anchor_ticks) as i64;
        let offset_ns: i128 = match self.ns_per_tick {
            Some(rate) => i128::from((diff as f64 * rate) as i64),
            None => i128::from(diff),
        };
        if offset_ns >= 0 {
            self.anchor_system + Duration::from_nanos(offset_ns as u64)
        } else {
            self.anchor_system
                .checked_sub(Duration::from_nanos(offset_ns.unsigned_abs() as u64))
                .unwrap_or(UNIX_EPOCH)
        }
    }
}

/// Nanoseconds since the Unix epoch of a tick reading.
pub fn to_unix_nanos(ticks: u64) -> u64 {
    to_system_time(ticks)
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The tick rate, measured against `Instant` when there is none yet or the last measurement
/// is more than [`REMEASURE_AFTER`] old (see the module documentation for the error bound).
/// The first measurement waits until one is within [`MAX_RATE_ERROR`] over at least
/// [`MIN_CALIBRATION`]; a later one that is not is skipped, keeping the rate there is.
fn current_rate(anchor: &Anchor) -> f64 {
    let mut rate = match anchor.rate.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let first = rate.measured_at.is_none();
    if rate
        .measured_at
        .is_none_or(|at| at.elapsed() > REMEASURE_AFTER)
    {
        loop {
            let now = bracketed(tsc::read_ordered, Instant::now);
            let ns = now.value.duration_since(anchor.instant).as_nanos() as f64;
            let ticks = now.ticks.saturating_sub(anchor.ticks) as f64;
            // The tick count between the two `Instant` readings is `ticks` give or take both
            // spreads; `Instant` itself is exact to a nanosecond.
            let error = (now.spread + anchor.spread) as f64 / ticks + 1.0 / ns;
            let long_enough = ns >= MIN_CALIBRATION.as_nanos() as f64;
            if ticks > 0.0 && long_enough && error <= MAX_RATE_ERROR {
                *rate = Rate {
                    ns_per_tick: ns / ticks,
                    measured_at: Some(now.value),
                };
                break;
            }
            if ns >= MAX_CALIBRATION.as_nanos() as f64 {
                // No pair tight enough within the wait (a slow `Instant`), or the counter has
                // not moved on this core (a frozen or lagging TSC): take the loose rate if
                // there is one, else keep the nominal one, and stop waiting either way, so a
                // conversion never blocks the collector for longer than this.
                if ticks > 0.0 {
                    rate.ns_per_tick = ns / ticks;
                }
                rate.measured_at = Some(now.value);
                break;
            }
            if !first {
                // Too loose this time (preempted between the reads): keep the current rate,
                // which met the bound, and try again at the next conversion.
                break;
            }
            // The first measurement waits for an interval long enough (at least
            // `MIN_CALIBRATION`): sleeping, not spinning, so a program that logs once does not
            // burn those milliseconds of CPU.
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    rate.ns_per_tick
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod tsc {
    use std::arch::x86_64::{__cpuid, _mm_lfence, _rdtsc};

    /// Whether the CPU says its TSC is invariant (CPUID leaf 0x8000_0007, EDX bit 8).
    // `__cpuid` is a safe function in newer toolchains and unsafe in older ones.
    #[allow(unused_unsafe)]
    pub(super) fn usable() -> bool {
        // Miri does not model CPUID or the TSC.
        if cfg!(miri) || std::env::var_os("TTLOG_CLOCK").is_some_and(|v| v == "instant") {
            return false;
        }
        // SAFETY: CPUID is available on every x86_64 CPU; leaf 0x8000_0000 reports the
        // highest extended leaf, and we only query 0x8000_0007 when it is in range.
        let max_ext = unsafe { __cpuid(0x8000_0000) }.eax;
        if max_ext < 0x8000_0007 {
            return false;
        }
        // SAFETY: as above; the leaf was checked to exist.
        let edx = unsafe { __cpuid(0x8000_0007) }.edx;
        edx & (1 << 8) != 0
    }

    #[inline(always)]
    pub(super) fn read() -> u64 {
        // SAFETY: RDTSC exists on every x86_64 CPU and has no preconditions; it is only used
        // as a clock after `usable()` confirmed the TSC is invariant.
        unsafe { _rdtsc() }
    }

    /// RDTSC that the CPU cannot move across the instructions around it (LFENCE before it
    /// waits for everything earlier to finish, LFENCE after it keeps anything later from
    /// starting), for the calibration's readings around `Instant::now()`. Not on the hot path.
    // `_mm_lfence` is a safe function in newer toolchains and unsafe in older ones.
    #[allow(unused_unsafe)]
    pub(super) fn read_ordered() -> u64 {
        // SAFETY: LFENCE (SSE2, part of the x86_64 baseline) and RDTSC exist on every x86_64
        // CPU and have no preconditions.
        unsafe {
            _mm_lfence();
            let ticks = _rdtsc();
            _mm_lfence();
            ticks
        }
    }

    /// A first guess (1 GHz) used only until the first measurement, which `current_rate`
    /// always makes before converting.
    pub(super) fn nominal_ns_per_tick() -> f64 {
        1.0
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod tsc {
    pub(super) fn usable() -> bool {
        false
    }

    pub(super) fn read() -> u64 {
        0
    }

    pub(super) fn read_ordered() -> u64 {
        0
    }

    pub(super) fn nominal_ns_per_tick() -> f64 {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A tick source that returns `readings` in turn.
    fn source(readings: &'static [u64]) -> impl Fn() -> u64 {
        let next = Cell::new(0);
        move || {
            let i = next.get();
            next.set(i + 1);
            readings[i]
        }
    }

    #[test]
    fn bracketed_keeps_the_tightest_try_with_its_midpoint() {
        // Eight tries (before, after): the fourth is the tightest, gap 3.
        let ticks = source(&[
            0, 100, 200, 210, 300, 305, 400, 403, 500, 600, 700, 800, 900, 950, 1000, 1004,
        ]);
        let tries = Cell::new(0);
        let read = bracketed(ticks, || {
            tries.set(tries.get() + 1);
            tries.get()
        });
        assert_eq!(tries.get(), PAIR_TRIES);
        assert_eq!((read.value, read.ticks, read.spread), (4, 401, 2));
        // The value's tick count, anywhere in [400, 403], is within the spread.
        assert!((400..=403).all(|t: u64| t.abs_diff(read.ticks) <= read.spread));
    }

    #[test]
    fn bracketed_counts_a_backwards_gap_as_wide() {
        let ticks = source(&[
            50, 40, 0, 100, 0, 100, 0, 100, 0, 100, 0, 100, 0, 100, 0, 100,
        ]);
        let read = bracketed(ticks, || ());
        assert_eq!((read.ticks, read.spread), (45, 5));
    }
}
