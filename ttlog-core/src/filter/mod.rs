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
//!
//! 1. `directive.rs` — the directive language's parser and its [`ParseError`].
//! 2. `spec.rs` — [`Filter`]: a parsed set of directives and its matching rules.
//! 3. `resolve.rs` — the filter `init()` builds: explicit directives, `TTLOG`, `RUST_LOG`.
//! 4. `global.rs` — the process-wide filter: [`install`], [`uninstall`], [`current`].

mod directive;
mod global;
mod resolve;
mod spec;

pub use crate::level::on_change;
pub use directive::ParseError;
pub use global::{current, install, uninstall};
pub use resolve::{resolve, resolve_lenient, resolve_lenient_with_env, resolve_with_env};
pub use spec::Filter;
