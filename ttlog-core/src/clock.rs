//! Timestamps: a cheap monotonic read on the caller, wall time on the collector.
//!
//! [`now`] is on every event's hot path, so it reads the CPU's time-stamp counter where that is
//! safe to use as a clock (x86_64 with an invariant TSC, which ticks at a constant rate and
//! keeps ticking in deep sleep states; the kernel's `constant_tsc`/`nonstop_tsc` flags). There it
//! costs one instruction and no system call. Everywhere else it falls back to
//! [`std::time::Instant`], measured in nanoseconds since the clock's anchor.
//!
//! Ticks mean nothing on their own: [`to_system_time`] turns them into wall-clock time. The
//! anchor pairs one tick reading with one `Instant` and one `SystemTime` reading; the tick rate
//! is measured against `Instant` over the longest interval seen so far, so the conversion only
//! gets more precise as the process runs. Converting happens on the collector thread, never on
//! the caller's.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::sync::global::{AtomicU8, Ordering};

const MODE_UNKNOWN: u8 = 0;
const MODE_TSC: u8 = 1;
const MODE_INSTANT: u8 = 2;

/// Which source [`now`] reads. Set once by [`anchor`] before any tick is taken from it.
static MODE: AtomicU8 = AtomicU8::new(MODE_UNKNOWN);

struct Anchor {
    ticks: u64,
    instant: Instant,
    system: SystemTime,
    /// The latest measured nanoseconds per tick (TSC mode only).
    rate: Mutex<Rate>,
}

#[derive(Clone, Copy)]
struct Rate {
    ns_per_tick: f64,
    measured_at: Instant,
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
        let instant = Instant::now();
        let ticks = if mode == MODE_TSC { tsc::read() } else { 0 };
        Anchor {
            ticks,
            instant,
            system: SystemTime::now(),
            rate: Mutex::new(Rate {
                ns_per_tick: tsc::nominal_ns_per_tick(),
                measured_at: instant,
            }),
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
#[derive(Clone, Copy, Debug)]
pub struct Converter {
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
        anchor_ticks: anchor.ticks,
        anchor_system: anchor.system,
        ns_per_tick,
    }
}

impl Converter {
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
        let offset_ns: i128 = match self.ns_per_tick {
            Some(rate) => ((ticks as i128 - self.anchor_ticks as i128) as f64 * rate) as i128,
            None => ticks as i128,
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

/// Re-measures the tick rate against `Instant` when the last measurement is more than 50 ms
/// old. The first measurement waits until 2 ms have passed since the anchor, so that the
/// rate's error starts below a part in a thousand and shrinks from there.
fn current_rate(anchor: &Anchor) -> f64 {
    let mut rate = match anchor.rate.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let now = Instant::now();
    if now.duration_since(rate.measured_at) > Duration::from_millis(50)
        || rate.measured_at == anchor.instant
    {
        let mut elapsed = now.duration_since(anchor.instant);
        while elapsed < Duration::from_millis(2) {
            std::hint::spin_loop();
            elapsed = anchor.instant.elapsed();
        }
        let ticks = tsc::read().wrapping_sub(anchor.ticks);
        if ticks > 0 {
            *rate = Rate {
                ns_per_tick: elapsed.as_nanos() as f64 / ticks as f64,
                measured_at: Instant::now(),
            };
        }
    }
    rate.ns_per_tick
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod tsc {
    use std::arch::x86_64::{__cpuid, _rdtsc};

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

    pub(super) fn nominal_ns_per_tick() -> f64 {
        1.0
    }
}
