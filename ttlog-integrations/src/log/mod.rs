//! `log` ⇄ ttlog, in both directions (feature `log`).
//!
//! The module is in three files:
//!
//! 1. `adapter` - [`LogAdapter`]: `log` records in, ttlog events out.
//! 2. `bridge` - [`LogBridge`]: ttlog events out to `log`.
//! 3. `level` - the one-to-one mapping between `log`'s levels and ttlog's.
//!
//! Most Rust code logs through the [`log`] crate's macros, and an application cannot
//! rewrite its dependencies. So ttlog takes `log`'s records as they are:
//!
//! - [`LogAdapter`] is a [`log::Log`]. Each record becomes a ttlog event with the
//!   record's level, target, module path, file and line, its message, and its `kv`
//!   key-values as fields **with their types**: `log::info!(user_id = 42; "login")` records
//!   the integer `42`, not the text `"42"`, so JSON output and snapshots keep the number.
//!   The event goes into the calling thread's ring like any ttlog event, inside the thread's
//!   current ttlog span, and is filtered by ttlog's filter, so `log` records and ttlog's own
//!   events are filtered, formatted and recorded alike.
//! - [`install`] makes a `LogAdapter` `log`'s global logger and sets
//!   [`log::max_level`] to ttlog's level gate, then keeps it there: every
//!   time ttlog's filter changes (`Guard::set_filter`), `log`'s max level follows, so the
//!   `log` macros keep skipping what ttlog would drop anyway without even formatting it.
//! - [`LogBridge`] goes the other way, for a library that adopts ttlog's macros while the
//!   application that uses it still sets up a `log` logger (`env_logger`, `simple_logger`,
//!   …): it is a ttlog [`Logger`](ttlog_core::Logger) that hands every ttlog event to `log`.
//!
//! # Why callsites are interned
//!
//! A ttlog event is one pointer to a `'static` [`Callsite`](ttlog_core::Callsite) (level,
//! target, file, line, message, field names) plus its values; formatting happens later, on
//! the collector thread. A `log` record's metadata is only borrowed for the duration of the
//! call, so the adapter asks [`ttlog_core::callsite::intern`] for the `'static` callsite of
//! each distinct place (level, target, module, file, line, literal message and key names).
//! After the first record from a place, that is a read lock and a hash lookup, and the
//! callsite's cached filter answer applies as it does for a macro. A literal message
//! (`log::info!("ready")`) is part of the callsite and costs nothing per record; a message
//! with arguments is formatted on the calling thread, as ttlog's own macros do.
//!
//! If the process has more distinct places than the interner keeps, records from the
//! others still arrive, through one fixed callsite per level with target `log` that holds
//! the real target, module path, file and line, and the key-values as text, in fields (see
//! [`LogAdapter`]).
//!
//! # Examples
//!
//! Through the facade, `ttlog::init().with_log().init()` calls [`install`]. By hand:
//!
//! ```
//! let guard = ttlog_core::init().filter("info").no_console().try_init().unwrap();
//! ttlog_integrations::log::install().unwrap();
//! assert_eq!(log::max_level(), log::LevelFilter::Info);
//!
//! log::info!(user_id = 42, admin = false; "user logged in");
//!
//! guard.set_filter("debug").unwrap();
//! assert_eq!(log::max_level(), log::LevelFilter::Debug); // kept in step
//! ```

mod adapter;
mod bridge;
mod level;

pub use adapter::{LogAdapter, MAX_KEY_VALUES};
pub use bridge::LogBridge;

use std::sync::Once;

use level::to_log_filter;

/// Makes a [`LogAdapter`] the global `log` logger and keeps
/// [`log::max_level`] equal to ttlog's level gate
/// ([`ttlog_core::max_level`]), now and after every filter change.
///
/// Call it once, before or after ttlog is initialised: until ttlog's filter is installed the
/// level gate is `Off`, and `log`'s max level follows it when it is. The facade's
/// `Builder::with_log()` calls it when ttlog starts and turns an error into `try_init`'s
/// `InitError`. Nothing installs it implicitly.
///
/// # Errors
///
/// When a `log` logger is already set, by an earlier `install` or by another logging crate
/// (`env_logger::init()`, `simple_logger`, …): `log` allows one global logger per process and
/// cannot replace it. The message says so; `log`'s max level is then left as it was.
///
/// # Examples
///
/// ```
/// let _guard = ttlog_core::init().no_console().try_init().unwrap();
/// ttlog_integrations::log::install().unwrap();
///
/// let err = ttlog_integrations::log::install().unwrap_err();
/// assert!(err.contains("another `log` logger is already set"), "{err}");
/// ```
pub fn install() -> Result<(), String> {
    ::log::set_boxed_logger(Box::new(LogAdapter::new())).map_err(|_| {
        "another `log` logger is already set in this process (`log` allows one, set by \
         log::set_logger or set_boxed_logger, e.g. by env_logger::init() or an earlier \
         install); remove that initialisation to send `log` records to ttlog"
            .to_owned()
    })?;
    sync_max_level();
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| ttlog_core::filter::on_change(sync_max_level));
    Ok(())
}

/// Sets `log`'s max level to ttlog's level gate. Runs after every filter change once
/// [`install`] has registered it.
fn sync_max_level() {
    ::log::set_max_level(to_log_filter(ttlog_core::max_level()));
}
