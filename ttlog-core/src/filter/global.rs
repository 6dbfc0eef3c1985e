//! The process-wide filter: [`install`], [`uninstall`], [`current`]. Installing one sets the
//! run-time level gate, registers the filter's answer with the callsites and rebuilds their
//! cached interest, then runs the level-change hooks.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwapOption;

use super::spec::Filter;
use crate::level::{Level, LevelFilter};

/// The process-wide filter. Read by callsites when they register and on rebuilds.
static CURRENT: ArcSwapOption<Filter> = ArcSwapOption::const_empty();

/// Serializes [`install`] and [`uninstall`], so that the filter in [`CURRENT`], the level gate
/// and the callsite caches always end up describing the same (last installed) filter.
static INSTALL: Mutex<()> = Mutex::new(());

fn lock_install() -> std::sync::MutexGuard<'static, ()> {
    // The lock guards no data, so a poisoned lock is as good as a clean one.
    INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes `filter` the process-wide filter: stores it, sets the run-time level gate
/// ([`crate::set_max_level`]) to its [`max_level`](Filter::max_level), and recomputes the
/// cached interest of every callsite ([`crate::callsite::rebuild_interest`]).
///
/// Call it again to reload; concurrent installs are serialized and the last one wins.
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// filter::install(Filter::parse("warn,db=debug")?);
/// assert_eq!(ttlog_core::max_level(), LevelFilter::Debug);
/// assert_eq!(filter::current().unwrap().level_for("db::pool"), LevelFilter::Debug);
/// # Ok::<(), ttlog_core::filter::ParseError>(())
/// ```
pub fn install(filter: Filter) {
    let _lock = lock_install();
    let max = filter.max_level();
    CURRENT.store(Some(Arc::new(filter)));
    crate::level::store_max_level(max);
    crate::callsite::site::set_interest(current_enables);
    crate::callsite::site::rebuild_interest();
    crate::level::run_change_hooks();
}

/// Removes the process-wide filter: sets the run-time level gate to `Off` and recomputes every
/// callsite's interest (with no filter, every callsite is enabled, and only the level gate —
/// which a custom logger sets with [`crate::set_max_level`] — decides).
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// filter::install(Filter::new(LevelFilter::Info));
/// filter::uninstall();
/// assert!(filter::current().is_none());
/// assert_eq!(ttlog_core::max_level(), LevelFilter::Off);
/// ```
pub fn uninstall() {
    let _lock = lock_install();
    CURRENT.store(None);
    crate::level::store_max_level(LevelFilter::Off);
    crate::callsite::site::rebuild_interest();
    crate::level::run_change_hooks();
}

/// The process-wide filter, if one is installed.
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// assert!(filter::current().is_none());
/// filter::install(Filter::new(LevelFilter::Debug));
/// assert_eq!(*filter::current().unwrap(), Filter::new(LevelFilter::Debug));
/// ```
pub fn current() -> Option<Arc<Filter>> {
    CURRENT.load_full()
}

/// Whether the process-wide filter lets an event at `level` for `target` through; `true`
/// when no filter is installed. Callsites call this when they register and on rebuilds.
pub(crate) fn current_enables(level: Level, target: &str) -> bool {
    match &*CURRENT.load() {
        Some(filter) => filter.enables(level, target),
        None => true,
    }
}
