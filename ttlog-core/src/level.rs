//! Levels, level filters and the two level gates every event passes first.
//!
//! A macro call checks its level twice before doing any other work, the way `log` does:
//!
//! 1. against [`STATIC_MAX_LEVEL`], a `const` chosen by the `max_level_*` /
//!    `release_max_level_*` cargo features, so that disabled levels compile to nothing;
//! 2. against [`max_level()`], one relaxed atomic load of the most verbose level any active
//!    filter directive enables.
//!
//! Only then does it consult its callsite's cached interest (see [`crate::callsite`]).

use std::fmt;
use std::str::FromStr;

use std::sync::Mutex;

use crate::sync::global::{AtomicU8, Ordering};

/// The importance of an event. `Error` is the most important, `Trace` the most verbose.
///
/// Levels compare by verbosity, like `log::Level`: `Error < Warn < Info < Debug < Trace`.
///
/// # Examples
///
/// ```
/// use ttlog_core::Level;
/// assert!(Level::Error < Level::Debug);
/// assert_eq!("warn".parse::<Level>().unwrap(), Level::Warn);
/// assert_eq!(Level::Info.to_string(), "INFO");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u8)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something unexpected happened that the program recovered from.
    Warn = 2,
    /// Normal operation worth recording.
    Info = 3,
    /// Detail for diagnosing problems.
    Debug = 4,
    /// The finest detail.
    Trace = 5,
}

impl Level {
    /// All levels, from most to least important.
    pub const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The upper-case name: `"ERROR"`, `"WARN"`, `"INFO"`, `"DEBUG"` or `"TRACE"`.
    ///
    /// ```
    /// assert_eq!(ttlog_core::Level::Debug.as_str(), "DEBUG");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    /// The lower-case name, as used by logfmt output and filter directives.
    ///
    /// ```
    /// assert_eq!(ttlog_core::Level::Warn.as_lower_str(), "warn");
    /// ```
    pub const fn as_lower_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }

    /// The level with the given numeric value (`1` = `Error` … `5` = `Trace`).
    ///
    /// ```
    /// use ttlog_core::Level;
    /// assert_eq!(Level::from_u8(3), Some(Level::Info));
    /// assert_eq!(Level::from_u8(0), None);
    /// ```
    pub const fn from_u8(v: u8) -> Option<Level> {
        match v {
            1 => Some(Level::Error),
            2 => Some(Level::Warn),
            3 => Some(Level::Info),
            4 => Some(Level::Debug),
            5 => Some(Level::Trace),
            _ => None,
        }
    }

    /// The numeric value of this level (`1` = `Error` … `5` = `Trace`).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The error returned when a string is not a level or level filter name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError {
    input: String,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid level `{}` (expected one of off, error, warn, info, debug, trace)",
            self.input
        )
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match LevelFilter::from_str(s)?.into_level() {
            Some(level) => Ok(level),
            None => Err(ParseLevelError {
                input: s.to_owned(),
            }),
        }
    }
}

/// A verbosity limit: `Off`, or the most verbose [`Level`] let through.
///
/// ```
/// use ttlog_core::{Level, LevelFilter};
/// assert!(LevelFilter::Info.enables(Level::Warn));
/// assert!(!LevelFilter::Info.enables(Level::Debug));
/// assert!(!LevelFilter::Off.enables(Level::Error));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u8)]
pub enum LevelFilter {
    /// Nothing is enabled.
    Off = 0,
    /// Only `Error`.
    Error = 1,
    /// `Warn` and more important.
    Warn = 2,
    /// `Info` and more important.
    Info = 3,
    /// `Debug` and more important.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl LevelFilter {
    /// Whether an event at `level` passes this filter.
    #[inline]
    pub const fn enables(self, level: Level) -> bool {
        level as u8 <= self as u8
    }

    /// The most verbose level this filter lets through, or `None` for `Off`.
    pub const fn into_level(self) -> Option<Level> {
        Level::from_u8(self as u8)
    }

    /// The lower-case name, as written in filter directives.
    pub const fn as_lower_str(self) -> &'static str {
        match self.into_level() {
            Some(level) => level.as_lower_str(),
            None => "off",
        }
    }

    const fn from_u8(v: u8) -> LevelFilter {
        match v {
            0 => LevelFilter::Off,
            1 => LevelFilter::Error,
            2 => LevelFilter::Warn,
            3 => LevelFilter::Info,
            4 => LevelFilter::Debug,
            _ => LevelFilter::Trace,
        }
    }
}

impl From<Level> for LevelFilter {
    fn from(level: Level) -> Self {
        LevelFilter::from_u8(level as u8)
    }
}

impl fmt::Display for LevelFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_lower_str())
    }
}

impl FromStr for LevelFilter {
    type Err = ParseLevelError;

    /// Parses a level name, case-insensitively: `off`, `error`, `warn` (or `warning`), `info`,
    /// `debug`, `trace`, or the numbers `0` to `5`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let filter = if t.eq_ignore_ascii_case("off") || t == "0" {
            LevelFilter::Off
        } else if t.eq_ignore_ascii_case("error") || t == "1" {
            LevelFilter::Error
        } else if t.eq_ignore_ascii_case("warn") || t.eq_ignore_ascii_case("warning") || t == "2" {
            LevelFilter::Warn
        } else if t.eq_ignore_ascii_case("info") || t == "3" {
            LevelFilter::Info
        } else if t.eq_ignore_ascii_case("debug") || t == "4" {
            LevelFilter::Debug
        } else if t.eq_ignore_ascii_case("trace") || t == "5" {
            LevelFilter::Trace
        } else {
            return Err(ParseLevelError {
                input: s.to_owned(),
            });
        };
        Ok(filter)
    }
}

/// The most verbose level compiled into this build, chosen by the `max_level_*` features (and,
/// in builds without `debug_assertions`, the `release_max_level_*` features). Features are
/// additive: when several of one kind are on, the most verbose wins (`log` takes the least
/// verbose instead), so `cargo test --all-features` keeps every level.
///
/// Macro expansions compare against this constant first, so events above it are removed by
/// the compiler.
pub const STATIC_MAX_LEVEL: LevelFilter = static_max_level();

const fn static_max_level() -> LevelFilter {
    // Cargo features are additive, so when several `max_level_*` features are on (two crates
    // in one build asked for different levels, or `--all-features`), the most verbose wins:
    // turning a feature on never removes logging another crate asked for.
    if !cfg!(debug_assertions) {
        if cfg!(feature = "release_max_level_trace") {
            return LevelFilter::Trace;
        } else if cfg!(feature = "release_max_level_debug") {
            return LevelFilter::Debug;
        } else if cfg!(feature = "release_max_level_info") {
            return LevelFilter::Info;
        } else if cfg!(feature = "release_max_level_warn") {
            return LevelFilter::Warn;
        } else if cfg!(feature = "release_max_level_error") {
            return LevelFilter::Error;
        } else if cfg!(feature = "release_max_level_off") {
            return LevelFilter::Off;
        }
    }
    if cfg!(feature = "max_level_trace") {
        LevelFilter::Trace
    } else if cfg!(feature = "max_level_debug") {
        LevelFilter::Debug
    } else if cfg!(feature = "max_level_info") {
        LevelFilter::Info
    } else if cfg!(feature = "max_level_warn") {
        LevelFilter::Warn
    } else if cfg!(feature = "max_level_error") {
        LevelFilter::Error
    } else if cfg!(feature = "max_level_off") {
        LevelFilter::Off
    } else {
        LevelFilter::Trace
    }
}

/// The run-time gate. Written only from a `LevelFilter` (by [`set_max_level`]), so every
/// value it holds is a valid discriminant.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);

/// The most verbose level any active filter lets through.
///
/// This is the run-time gate of every macro: one relaxed load. Relaxed is enough because the
/// value is a hint: callsites re-check their cached interest, which is rebuilt (with stronger
/// ordering) whenever the filter changes. Before any logger is installed it is `Off`.
#[inline(always)]
pub fn max_level() -> LevelFilter {
    LevelFilter::from_u8(MAX_LEVEL.load(Ordering::Relaxed))
}

/// Sets the run-time gate returned by [`max_level`], then runs the
/// [`filter::on_change`](crate::filter::on_change) hooks (so adapters that mirror the level
/// into `log` or `tracing` follow).
///
/// [`crate::init`]'s guard and filter reloads set the gate themselves; call this only when you
/// install a custom [`Logger`](crate::Logger) without a filter.
///
/// ```
/// use ttlog_core::{max_level, set_max_level, LevelFilter};
/// set_max_level(LevelFilter::Debug);
/// assert_eq!(max_level(), LevelFilter::Debug);
/// ```
pub fn set_max_level(filter: LevelFilter) {
    store_max_level(filter);
    run_change_hooks();
}

/// Sets the gate without running the hooks (the filter runs them once it is in place).
pub(crate) fn store_max_level(filter: LevelFilter) {
    MAX_LEVEL.store(filter as u8, Ordering::Relaxed);
}

static CHANGE_HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Registers `hook` to run after every filter change ([`filter::install`](crate::filter::install), [`filter::uninstall`](crate::filter::uninstall), a reload
/// through the guard) and every [`set_max_level`], once the new filter
/// and level gate are in place. Adapters use it to
/// keep another framework's view in step: the `log` adapter calls `log::set_max_level`, the
/// `tracing` adapter rebuilds tracing's interest cache. A hook registered twice runs once.
///
/// Hooks run on the thread that changed the filter, while the filter's install lock is held:
/// they must not change the filter themselves.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// static CHANGES: AtomicUsize = AtomicUsize::new(0);
/// fn count() {
///     CHANGES.fetch_add(1, Ordering::Relaxed);
/// }
/// filter::on_change(count);
/// filter::on_change(count);
/// filter::install(Filter::new(LevelFilter::Debug));
/// assert_eq!(CHANGES.load(Ordering::Relaxed), 1);
/// ```
pub fn on_change(hook: fn()) {
    let mut hooks = CHANGE_HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !hooks.iter().any(|h| std::ptr::fn_addr_eq(*h, hook)) {
        hooks.push(hook);
    }
}

/// Runs the hooks registered with [`on_change`].
pub(crate) fn run_change_hooks() {
    let hooks = CHANGE_HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    for hook in hooks {
        hook();
    }
}
