//! Filters: which targets log at which levels.
//!
//! A [`Filter`] is written in the directive language of `env_logger` and `tracing`'s
//! `EnvFilter` (their common subset), so an existing `RUST_LOG` keeps working:
//!
//! ```text
//! warn,my_app=debug,my_app::db=trace,hyper=off
//! ```
//!
//! # The language
//!
//! A filter is a list of directives separated by commas. Whitespace around a directive is
//! ignored, and so are empty directives (`a=info,,`); the empty string is a filter with no
//! directives. A directive is one of:
//!
//! | directive      | meaning                                                        |
//! |----------------|----------------------------------------------------------------|
//! | `LEVEL`        | the default level, for targets that no other directive matches |
//! | `TARGET=LEVEL` | the level for `TARGET` and every module below it               |
//! | `TARGET`       | the same as `TARGET=trace` (as in `env_logger`)                |
//!
//! Levels are `off`, `error`, `warn` (or `warning`), `info`, `debug` and `trace`, in any case,
//! or the numbers `0` (off) to `5` (trace). A bare word that is not a level name is a target.
//!
//! Targets are module paths: one or more segments joined by `::`, where a segment is made of
//! letters, digits (Unicode ones included), `_`, `-` and `.`. Anything else is rejected with a
//! [`ParseError`] that names the directive: whitespace inside a target, a single `:`, an empty
//! segment (`::a`), `a=b=c`, `=info`, an unknown level (`a=verbose`), and the `EnvFilter` and
//! `env_logger` syntax ttlog does not support: span filters (`target[span{field=value}]=level`)
//! and message regexes (`info/pattern`).
//!
//! # Which directive applies
//!
//! * **The most specific target wins.** A directive matches a target when its target is the
//!   same path or a prefix of it that ends on a `::` boundary; of the directives that match,
//!   the longest decides. With `warn,my_app=debug,my_app::db=trace`, `my_app::db::pool` logs
//!   at trace, `my_app::http` at debug and `hyper::client` at warn.
//! * **Otherwise the default applies.** Without a default directive the default is `error`,
//!   as in `env_logger`.
//! * **Later directives replace earlier ones** for the same target (and for the default).
//!
//! Prefixes match on `::` boundaries, not bytes, because targets are module paths: a
//! directive for `my_app` is about the `my_app` crate and its modules, and must not switch on
//! an unrelated crate that happens to be called `my_apple` (`env_logger` matches plain string
//! prefixes and does exactly that). Other separators are not boundaries: `http` does not
//! match a custom target `http.request`, and `my-app` (a package name) does not match the
//! module path `my_app`.
//!
//! # Where the filter comes from
//!
//! [`resolve`] builds the filter `ttlog::init` uses from three layers, each applied over the
//! previous one with [`Filter::overridden_by`] (a layer's directives replace the ones for the
//! same target, and its default, if it has one, replaces the default):
//!
//! 1. the builder's level (`Info` unless changed), as the default;
//! 2. the `TTLOG` environment variable if it is set and not blank, otherwise `RUST_LOG`;
//! 3. the filter string given in code (`Builder::filter`), which wins over the environment.
//!
//! The active filter is process-wide: [`install`] makes a filter current, updates the
//! run-time level gate ([`crate::max_level`]) to the filter's [`max_level`](Filter::max_level)
//! and recomputes every callsite's cached interest, so a reload takes effect immediately.
//!
//! # Examples
//!
//! ```
//! use ttlog_core::filter::Filter;
//! use ttlog_core::{Level, LevelFilter};
//!
//! let filter: Filter = "warn, my_app=debug, my_app::db=trace, hyper=off".parse()?;
//! assert!(filter.enables(Level::Trace, "my_app::db::pool"));
//! assert!(filter.enables(Level::Debug, "my_app::http"));
//! assert!(!filter.enables(Level::Trace, "my_app::http"));
//! assert!(!filter.enables(Level::Debug, "my_apple"));
//! assert!(filter.enables(Level::Warn, "my_apple"));
//! assert!(!filter.enables(Level::Error, "hyper::client"));
//! assert_eq!(filter.max_level(), LevelFilter::Trace);
//! assert_eq!(filter.to_string(), "warn,hyper=off,my_app=debug,my_app::db=trace");
//! # Ok::<(), ttlog_core::filter::ParseError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwapOption;

use crate::level::{Level, LevelFilter};

mod directive;
mod resolve;

pub use directive::ParseError;
use directive::{Directive, Parsed};
pub use resolve::{resolve, resolve_lenient, resolve_lenient_with_env, resolve_with_env};

// ===== impl Filter =====

/// A parsed set of filter directives: a default level and per-target levels.
///
/// Build one with [`Filter::parse`] (or [`str::parse`]) or [`Filter::new`]; see the
/// [module docs](self) for the language and the matching rules. Two filters are equal when
/// they have the same default and the same level for each target, whatever the order their
/// directives were written in.
///
/// # Examples
///
/// ```
/// use ttlog_core::filter::Filter;
/// use ttlog_core::{Level, LevelFilter};
///
/// let filter = Filter::parse("info,sqlx=warn")?;
/// assert!(filter.enables(Level::Info, "my_app"));
/// assert!(!filter.enables(Level::Info, "sqlx::query"));
/// assert_eq!(filter, Filter::parse("sqlx=warn, info")?);
/// # Ok::<(), ttlog_core::filter::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// At most one directive per target, the most specific first: longer targets before
    /// shorter ones (ties by target), so the first directive that matches is the longest.
    directives: Vec<Directive>,
    /// The level of the last bare-level directive, if there was one.
    default: Option<LevelFilter>,
}

impl Filter {
    /// A filter with only a default level, applying to every target.
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::{Level, LevelFilter};
    ///
    /// let filter = Filter::new(LevelFilter::Warn);
    /// assert!(filter.enables(Level::Warn, "anything"));
    /// assert!(!filter.enables(Level::Info, "anything"));
    /// assert_eq!(filter.default_level(), Some(LevelFilter::Warn));
    /// ```
    pub fn new(level: LevelFilter) -> Filter {
        Filter {
            directives: Vec::new(),
            default: Some(level),
        }
    }

    /// Parses a directive string, strictly.
    ///
    /// # Errors
    ///
    /// Returns the first directive that is not valid, as a [`ParseError`] that names it.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::LevelFilter;
    ///
    /// let filter = Filter::parse("warn,my_app=debug")?;
    /// assert_eq!(filter.level_for("my_app::db"), LevelFilter::Debug);
    ///
    /// let err = Filter::parse("warn,my_app=loud,a=b=c").unwrap_err();
    /// assert_eq!(err.directive(), "my_app=loud");
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Filter, ParseError> {
        let mut filter = Filter::empty();
        for parsed in directive::parse_spec(spec) {
            filter.add(parsed?);
        }
        filter.sort();
        Ok(filter)
    }

    /// Parses a directive string, keeping every valid directive and returning every invalid
    /// one. This is what `ttlog::init` uses, so that one typo in `RUST_LOG` costs one
    /// directive (and a warning) rather than the whole filter.
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    ///
    /// let (filter, errors) = Filter::parse_lenient("warn,a=loud,b=debug,c d");
    /// assert_eq!(filter, Filter::parse("warn,b=debug")?);
    /// let bad: Vec<&str> = errors.iter().map(|e| e.directive()).collect();
    /// assert_eq!(bad, ["a=loud", "c d"]);
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn parse_lenient(spec: &str) -> (Filter, Vec<ParseError>) {
        let mut filter = Filter::empty();
        let mut errors = Vec::new();
        for parsed in directive::parse_spec(spec) {
            match parsed {
                Ok(parsed) => filter.add(parsed),
                Err(err) => errors.push(err),
            }
        }
        filter.sort();
        (filter, errors)
    }

    /// Whether an event at `level` for `target` passes this filter.
    ///
    /// This does not allocate; it walks the directives, most specific first, and stops at the
    /// first that matches.
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::Level;
    ///
    /// let filter = Filter::parse("my_app=debug")?;
    /// assert!(filter.enables(Level::Debug, "my_app::db"));
    /// assert!(!filter.enables(Level::Debug, "my_apple"));
    /// assert!(filter.enables(Level::Error, "my_apple")); // the default default is `error`
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    #[inline]
    pub fn enables(&self, level: Level, target: &str) -> bool {
        self.level_for(target).enables(level)
    }

    /// The level that applies to `target`: that of the most specific directive matching it,
    /// else the default level, else [`LevelFilter::Error`].
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::LevelFilter;
    ///
    /// let filter = Filter::parse("info,my_app=debug,my_app::db=off")?;
    /// assert_eq!(filter.level_for("my_app"), LevelFilter::Debug);
    /// assert_eq!(filter.level_for("my_app::db::pool"), LevelFilter::Off);
    /// assert_eq!(filter.level_for("my_app::dbx"), LevelFilter::Debug);
    /// assert_eq!(filter.level_for("tokio"), LevelFilter::Info);
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn level_for(&self, target: &str) -> LevelFilter {
        match self.directives.iter().find(|d| d.matches(target)) {
            Some(directive) => directive.level,
            None => self.default.unwrap_or(LevelFilter::Error),
        }
    }

    /// The most verbose level that any directive, or the default, lets through: no event
    /// above it can pass, whatever its target. [`install`] makes it the run-time gate
    /// ([`crate::max_level`]).
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::LevelFilter;
    ///
    /// assert_eq!(Filter::parse("warn,db=debug")?.max_level(), LevelFilter::Debug);
    /// assert_eq!(Filter::parse("off")?.max_level(), LevelFilter::Off);
    /// assert_eq!(Filter::parse("")?.max_level(), LevelFilter::Error);
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn max_level(&self) -> LevelFilter {
        self.directives
            .iter()
            .map(|d| d.level)
            .fold(self.default.unwrap_or(LevelFilter::Error), Ord::max)
    }

    /// The default level, if a directive set one.
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    /// use ttlog_core::LevelFilter;
    ///
    /// assert_eq!(Filter::parse("debug,a=off")?.default_level(), Some(LevelFilter::Debug));
    /// assert_eq!(Filter::parse("a=off")?.default_level(), None);
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn default_level(&self) -> Option<LevelFilter> {
        self.default
    }

    /// Layers `other` over `self`: `other`'s directives replace `self`'s for the same target,
    /// its other directives are added, and its default, if it has one, replaces `self`'s.
    ///
    /// This is how [`resolve`] stacks the builder level, the environment and the explicit
    /// filter string.
    ///
    /// ```
    /// use ttlog_core::filter::Filter;
    ///
    /// let base = Filter::parse("info,db=debug,http=warn")?;
    /// let over = Filter::parse("db=trace,tls=off")?;
    /// assert_eq!(
    ///     base.overridden_by(&over),
    ///     Filter::parse("info,db=trace,http=warn,tls=off")?,
    /// );
    /// # Ok::<(), ttlog_core::filter::ParseError>(())
    /// ```
    pub fn overridden_by(mut self, other: &Filter) -> Filter {
        for directive in &other.directives {
            self.add(Parsed::Target(directive.clone()));
        }
        if other.default.is_some() {
            self.default = other.default;
        }
        self.sort();
        self
    }

    fn empty() -> Filter {
        Filter {
            directives: Vec::new(),
            default: None,
        }
    }

    /// Adds one directive; a later one for the same target replaces the earlier one. Call
    /// [`sort`](Filter::sort) after the last.
    fn add(&mut self, parsed: Parsed) {
        match parsed {
            Parsed::Default(level) => self.default = Some(level),
            Parsed::Target(new) => {
                match self.directives.iter_mut().find(|d| d.target == new.target) {
                    Some(old) => old.level = new.level,
                    None => self.directives.push(new),
                }
            }
        }
    }

    fn sort(&mut self) {
        self.directives.sort_by(|a, b| {
            b.target
                .len()
                .cmp(&a.target.len())
                .then_with(|| a.target.cmp(&b.target))
        });
    }
}

impl FromStr for Filter {
    type Err = ParseError;

    /// The same as [`Filter::parse`].
    fn from_str(spec: &str) -> Result<Filter, ParseError> {
        Filter::parse(spec)
    }
}

/// Writes the filter as a normalized directive string: the default level first (if set),
/// then one `target=level` per target in alphabetical order. It parses back to an equal
/// filter.
///
/// ```
/// use ttlog_core::filter::Filter;
///
/// let filter = Filter::parse(" b , a=WARNING, INFO, b=3 ")?;
/// assert_eq!(filter.to_string(), "info,a=warn,b=info");
/// assert_eq!(filter.to_string().parse::<Filter>()?, filter);
/// # Ok::<(), ttlog_core::filter::ParseError>(())
/// ```
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sorted: Vec<&Directive> = self.directives.iter().collect();
        sorted.sort_by(|a, b| a.target.cmp(&b.target));
        let mut first = true;
        if let Some(level) = self.default {
            write!(f, "{level}")?;
            first = false;
        }
        for directive in sorted {
            if !first {
                f.write_str(",")?;
            }
            write!(f, "{directive}")?;
            first = false;
        }
        Ok(())
    }
}

// ===== the active filter =====

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
    crate::callsite::rebuild_interest();
    run_change_hooks();
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
    crate::callsite::rebuild_interest();
    run_change_hooks();
}

static CHANGE_HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Registers `hook` to run after every filter change ([`install`], [`uninstall`], a reload
/// through the guard) and every [`set_max_level`](crate::set_max_level), once the new filter
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

pub(crate) fn run_change_hooks() {
    let hooks = CHANGE_HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    for hook in hooks {
        hook();
    }
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
