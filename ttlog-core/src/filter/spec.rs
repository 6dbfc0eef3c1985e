//! [`Filter`]: a default level and per-target levels, parsed from directives.

use std::fmt;
use std::str::FromStr;

use super::directive::{self, Directive, ParseError, Parsed};
use crate::level::{Level, LevelFilter};

/// A parsed set of filter directives: a default level and per-target levels.
///
/// Build one with [`Filter::parse`] (or [`str::parse`]) or [`Filter::new`]; see the
/// [module docs](crate::filter) for the language and the matching rules. Two filters are equal when
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
    /// above it can pass, whatever its target. [`install`](crate::filter::install) makes it the run-time gate
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
    /// This is how [`resolve`](crate::filter::resolve) stacks the builder level, the environment and the explicit
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
