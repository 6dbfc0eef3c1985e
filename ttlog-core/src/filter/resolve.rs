//! How `ttlog::init` chooses its filter: the builder's level, then the environment, then the
//! filter string given in code, each layered over the last with [`Filter::overridden_by`].

use super::directive::ParseError;
use super::spec::Filter;
use crate::level::LevelFilter;

/// The environment variables read, in order of preference: the first that is set and not
/// blank is used, the others are ignored.
const ENV_VARS: [&str; 2] = ["TTLOG", "RUST_LOG"];

/// Reads a variable from the process environment. A value that is not valid Unicode is kept
/// (lossily) so that it is reported as an invalid directive rather than silently ignored.
fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
}

/// The first of [`ENV_VARS`] that is set and not blank, with its value.
fn env_spec(env: &dyn Fn(&str) -> Option<String>) -> Option<(&'static str, String)> {
    ENV_VARS.iter().find_map(|&name| {
        env(name)
            .filter(|value| !value.trim().is_empty())
            .map(|value| (name, value))
    })
}

/// Resolves the filter `ttlog::try_init` installs, reading the process environment.
///
/// Precedence, lowest to highest: `level` (the builder's default level, `Info` unless
/// changed) < the `TTLOG` environment variable if it is set and not blank, else `RUST_LOG`
/// if it is set and not blank < `explicit` (the builder's `.filter(...)` string). Each layer
/// is applied with [`Filter::overridden_by`].
///
/// # Errors
///
/// The first invalid directive, from the environment variable first and then from
/// `explicit`. An error from the environment names the variable in
/// [`ParseError::source_name`].
///
/// # Examples
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// // Whatever TTLOG / RUST_LOG say, the explicit string has the last word on `my_app`
/// // (unless the environment holds an invalid directive, which is then the error).
/// match filter::resolve(LevelFilter::Info, Some("my_app=trace")) {
///     Ok(filter) => assert_eq!(filter.level_for("my_app::db"), LevelFilter::Trace),
///     Err(err) => assert!(err.source_name().is_some()),
/// }
/// ```
pub fn resolve(level: LevelFilter, explicit: Option<&str>) -> Result<Filter, ParseError> {
    resolve_with_env(level, &process_env, explicit)
}

/// Like [`resolve`], but keeps every valid directive and returns every invalid one instead of
/// failing. `ttlog::init` uses it and prints one warning for the errors.
///
/// ```
/// use ttlog_core::filter;
/// use ttlog_core::LevelFilter;
///
/// let (filter, errors) = filter::resolve_lenient(LevelFilter::Warn, Some("db=debug,http=loud"));
/// assert_eq!(filter.level_for("db"), LevelFilter::Debug);
/// assert!(errors.iter().any(|e| e.directive() == "http=loud"));
/// ```
pub fn resolve_lenient(level: LevelFilter, explicit: Option<&str>) -> (Filter, Vec<ParseError>) {
    resolve_lenient_with_env(level, &process_env, explicit)
}

/// [`resolve`] with the environment passed in as a function from a variable's name to its
/// value, so that callers (and tests) need not touch the process environment.
///
/// # Errors
///
/// As for [`resolve`].
///
/// # Examples
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// let env = |name: &str| match name {
///     "TTLOG" => Some("debug,hyper=warn".to_owned()),
///     "RUST_LOG" => Some("trace".to_owned()), // ignored: TTLOG is set
///     _ => None,
/// };
/// let filter = filter::resolve_with_env(LevelFilter::Info, &env, Some("hyper=off"))?;
/// assert_eq!(filter, Filter::parse("debug,hyper=off")?);
///
/// let empty = |_: &str| Some(String::new()); // blank variables are ignored
/// let filter = filter::resolve_with_env(LevelFilter::Info, &empty, None)?;
/// assert_eq!(filter, Filter::new(LevelFilter::Info));
/// # Ok::<(), ttlog_core::filter::ParseError>(())
/// ```
pub fn resolve_with_env(
    level: LevelFilter,
    env: &dyn Fn(&str) -> Option<String>,
    explicit: Option<&str>,
) -> Result<Filter, ParseError> {
    let mut filter = Filter::new(level);
    if let Some((name, spec)) = env_spec(env) {
        let layer = Filter::parse(&spec).map_err(|err| err.with_source_name(name))?;
        filter = filter.overridden_by(&layer);
    }
    if let Some(spec) = explicit {
        filter = filter.overridden_by(&Filter::parse(spec)?);
    }
    Ok(filter)
}

/// [`resolve_lenient`] with the environment passed in, as for [`resolve_with_env`].
///
/// ```
/// use ttlog_core::filter::{self, Filter};
/// use ttlog_core::LevelFilter;
///
/// let env = |name: &str| (name == "RUST_LOG").then(|| "db=debug,http=loud".to_owned());
/// let (filter, errors) = filter::resolve_lenient_with_env(LevelFilter::Info, &env, Some("x=y=z"));
/// assert_eq!(filter, Filter::parse("info,db=debug")?);
/// assert_eq!(errors.len(), 2);
/// assert_eq!(errors[0].source_name(), Some("RUST_LOG"));
/// assert_eq!(errors[1].source_name(), None);
/// # Ok::<(), ttlog_core::filter::ParseError>(())
/// ```
pub fn resolve_lenient_with_env(
    level: LevelFilter,
    env: &dyn Fn(&str) -> Option<String>,
    explicit: Option<&str>,
) -> (Filter, Vec<ParseError>) {
    let mut filter = Filter::new(level);
    let mut errors = Vec::new();
    if let Some((name, spec)) = env_spec(env) {
        let (layer, errs) = Filter::parse_lenient(&spec);
        filter = filter.overridden_by(&layer);
        errors.extend(errs.into_iter().map(|err| err.with_source_name(name)));
    }
    if let Some(spec) = explicit {
        let (layer, errs) = Filter::parse_lenient(spec);
        filter = filter.overridden_by(&layer);
        errors.extend(errs);
    }
    (filter, errors)
}
