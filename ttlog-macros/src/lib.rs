//! Procedural macros for ttlog: `trace!`, `debug!`, `info!`, `warn!` and `error!`, and the
//! attributes `#[instrument]` and `#[trace_fn]` (see the `instrument` module).
//!
//! Use them through the facade, as `ttlog::info!` and so on; the expansions name only
//! `::ttlog::__private::*`, so a crate that uses them must depend on `ttlog` (under that name).
//!
//! Each call expands to a `static` [`Callsite`] holding everything known at compile time
//! (level, target, module, file, line, message or its template, field names), three gates (the
//! `STATIC_MAX_LEVEL` constant, the run-time max level, the callsite's cached interest), and,
//! behind them, the code that evaluates the values once and hands a `LogEvent` to the logger.
//!
//! The stages follow thiserror's layout: `parse` reads the arguments, `validate` gives them
//! their roles and collects every mistake (each spanned on the offending token), `expand`
//! writes the code. The examples below are `text` blocks: a proc-macro crate cannot run doc
//! tests against `ttlog`, which depends on it. The facade's tests (`tests/macros.rs` and the
//! UI tests under `tests/ui/`) exercise every form shown here.
//!
//! [`Callsite`]: https://docs.rs/ttlog/latest/ttlog/struct.Callsite.html

use proc_macro::TokenStream;
use proc_macro2::Span;

mod expand;
mod instrument;
mod parse;
mod validate;

/// The level a macro logs at.
#[derive(Clone, Copy)]
enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    fn variant(self) -> &'static str {
        match self {
            Level::Trace => "Trace",
            Level::Debug => "Debug",
            Level::Info => "Info",
            Level::Warn => "Warn",
            Level::Error => "Error",
        }
    }
}

fn event(level: Level, input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as parse::Args);
    match validate::validate(args, Span::call_site()) {
        Ok(event) => expand::expand(level, event),
        Err(err) => expand::fallback(err),
    }
    .into()
}

macro_rules! event_macro {
    ($(#[$doc:meta])* $name:ident, $level:ident) => {
        $(#[$doc])*
        #[proc_macro]
        pub fn $name(input: TokenStream) -> TokenStream {
            event(Level::$level, input)
        }
    };
}

event_macro! {
    /// Logs an event at the TRACE level.
    ///
    /// The syntax is the same for every level; see [`info!`] for all of it.
    ///
    /// ```text
    /// ttlog::trace!("polling", fd = 7, ready = false);
    /// ```
    trace, Trace
}

event_macro! {
    /// Logs an event at the DEBUG level.
    ///
    /// The syntax is the same for every level; see [`info!`] for all of it.
    ///
    /// ```text
    /// ttlog::debug!(target: "orders::audit", "checked", order_id = id);
    /// ```
    debug, Debug
}

event_macro! {
    /// Logs an event at the INFO level.
    ///
    /// # Syntax
    ///
    /// ```text
    /// info!( [target: EXPR,] ARG, ARG, … )
    ///
    /// ARG     := "message"            a string literal: the message (at most one)
    ///          | EXPR                 a format argument, if the message still needs one
    ///          | KEY = VALUE          a field, recorded with ToFieldValue
    ///          | KEY = %VALUE         a field, recorded with Display
    ///          | KEY = ?VALUE         a field, recorded with Debug
    ///          | NAME | %NAME | ?NAME shorthand for NAME = NAME, NAME = %NAME, NAME = ?NAME
    /// KEY     := ident | ident.ident… | "string literal"
    /// NAME    := ident | ident.ident…
    /// ```
    ///
    /// - **Target.** `target: EXPR` must come first; `EXPR` must be a constant `&'static str`
    ///   (it is stored in a `static`). Without it the target is `module_path!()`.
    /// - **Message.** The first lone string literal is the message. It may come first, last or
    ///   between fields. It is optional: an event without one has the message `""`. A message
    ///   with no `{…}` placeholders (escaped `{{`/`}}` do not count) is stored only in the
    ///   callsite and never copied. A message with placeholders is formatted with
    ///   `format_args!` on the caller's thread; the callsite keeps the template.
    /// - **Format arguments.** The message's positional placeholders (`{}`, `{:?}`, `{0}`,
    ///   `{:1$}`, `{:.*}`) are counted; that many bare expressions right after the message are
    ///   its format arguments, and everything after them is a field. Inline captures such as
    ///   `{err}` work as in `format!`.
    /// - **Named placeholders and fields.** When a named placeholder matches a field's name
    ///   (`info!("user {user}", user = id)`), the message formats that field's value (which is
    ///   still evaluated only once) rather than capturing a variable called `user`. Otherwise a
    ///   named placeholder captures the variable of that name, as `format!` does.
    /// - **Fields.** At most 32, with distinct names, recorded in the order written. A dotted
    ///   key `http.status` is the field name `"http.status"`; `r#type` is `"type"`. A value that
    ///   is a string literal is carried as a `&'static str`, with no copy. Any other value goes
    ///   through `ToFieldValue` (primitives, text, `Option`, references to them); `%v` and `?v`
    ///   format it on the caller's thread, inline when it is short.
    /// - **Shorthand.** A bare identifier (or dotted path) in field position is a field named
    ///   after it: `info!(user_id, "x")` means `info!(user_id = user_id, "x")`. Note that this
    ///   is also what `info!(msg)` means, as in `tracing`: a message must be a literal, so log
    ///   a computed string with `info!("{}", msg)`.
    /// - **Evaluation.** Nothing is evaluated unless the event is enabled; then every format
    ///   argument and field value is evaluated exactly once, in the order written.
    ///
    /// # Examples
    ///
    /// ```text
    /// ttlog::info!("user logged in", user_id = 42, ip = %addr, req = ?req);
    /// ttlog::info!(user_id = 7, "login failed");              // fields first
    /// ttlog::info!("db error: {err}", attempt = 3);           // inline capture
    /// ttlog::info!("retry {} of {}", n, max, backoff_ms = 20); // n, max: format arguments
    /// ttlog::info!(user_id, %addr, ?req, "shorthand");
    /// ttlog::info!(http.status = 200, http.method = "GET", "dotted keys");
    /// ttlog::info!("msg {x}", x = 5);                         // message "msg 5", field x = 5
    /// ttlog::info!(target: "a::b", user = "x", "fields then message {}", 3);
    /// ttlog::info!(queue_len = len);                          // no message
    /// ```
    ///
    /// # Errors
    ///
    /// These are compile errors, each pointing at the offending token, all reported together:
    /// an empty call, a duplicate field, more than 32 fields, a message that is not a string
    /// literal, a second message, `target:` that is not first or repeated, fewer format
    /// arguments than positional placeholders, a `%` or `?` with nothing (or no name) after
    /// it, and a key that is not an identifier, dotted identifiers or a string literal. A value
    /// whose type cannot be recorded directly gets an error suggesting `%` or `?`.
    info, Info
}

event_macro! {
    /// Logs an event at the WARN level.
    ///
    /// The syntax is the same for every level; see [`info!`] for all of it.
    ///
    /// ```text
    /// ttlog::warn!(user_id = 7, "login failed");
    /// ```
    warn, Warn
}

event_macro! {
    /// Logs an event at the ERROR level.
    ///
    /// The syntax is the same for every level; see [`info!`] for all of it.
    ///
    /// ```text
    /// ttlog::error!("db error: {err}", attempt = 3);
    /// ```
    error, Error
}

/// Runs a function inside a span: created when the function is called, with the arguments as
/// fields, entered for the whole body and closed when the function returns.
///
/// ```text
/// #[ttlog::instrument(level = "debug", skip(conn), fields(shard = id % 16), err)]
/// fn load_user(conn: &Conn, id: u64, password: &str) -> Result<User, DbError> {
///     let row = conn.query(id)?;           // events here carry the span
///     Ok(User::from(row))
/// }
/// // span `load_user{id=42 shard=10}`; `password` is never recorded; an `Err` logs an
/// // ERROR event `error=…` inside the span and marks the span's status as error.
/// ```
///
/// # Options
///
/// | option | effect |
/// | --- | --- |
/// | `level = "debug"` | the span's level (default `info`); also `Level::Debug`, `debug`, or tracing's `1`..`5` (TRACE..ERROR); it must be written out, not computed |
/// | `name = "load"` | the span's name (default: the function's name) |
/// | `target = "app::db"` | the span's target, and its events' (default: `module_path!()`) |
/// | `skip(a, b)` | leaves those parameters out (each must be a parameter) |
/// | `skip_all` | leaves every parameter out |
/// | `fields(k = expr, k2, %k3, ?k4 = expr)` | extra fields, in `span!`'s syntax, evaluated on entry; `k = ttlog::field::Empty` declares one to [`record`] later |
/// | `ret`, `ret(Display)`, `ret(Debug)` | logs the returned value (for `err`, the `Ok` value) as the field `return`, at the span's level, inside the span; `Debug` by default |
/// | `err`, `err(Display)`, `err(Debug)` | on `Err(e)`, logs `error = e` at ERROR inside the span and marks the span's status as error; `Display` by default |
/// | `ret(level = "trace")`, `err(Debug, level = "warn")` | the level of those events |
/// | `parent = expr` | the span's parent (`&Span`, `SpanId`, `Option<SpanId>`, `None` for a root); default: the current span |
/// | `follows_from = expr` | an iterable of `Into<Option<SpanId>>` (e.g. `[&a, &b]`) the span follows from |
///
/// # Fields
///
/// Every identifier the parameters bind becomes a field, in order: `(a, b): (i32, i32)`
/// records `a` and `b`. A binding whose type is written as an integer, a float, `bool`,
/// `char`, `str` or `String` (behind any references), or an `Option` of one, is recorded by
/// value, so an integer stays an integer; anything else with its `Debug` impl (`?arg`), which
/// it must then have, or be skipped. A parameter named in `fields(..)` is recorded as
/// `fields(..)` says instead. `self` is not recorded.
///
/// A parameter whose name contains, ignoring case, `password`, `passwd`, `secret`, `token`,
/// `api_key`, `apikey`, `authorization`, `credential` or `private_key` (so also `db_password`,
/// `auth_token`, `API_KEY`) is never recorded, unless `fields(..)` names it.
///
/// # What it expands to
///
/// The span comes from `::ttlog::span!` and the events from `::ttlog::info!` and its
/// siblings, so they are gated, filtered and compiled out like any other. A plain `fn` creates
/// the span and enters it around its body; with `ret` or `err` the body runs in a closure
/// called on the spot (as tracing-attributes does), so `return` and `?` leave only the body
/// and the result can be inspected; the return type is still the declared one. An `async fn`
/// awaits `async move { body }.instrument(span)` (see `ttlog::Instrument`), so the span is
/// entered on every poll and events after an `.await` still carry it. Methods (`&self`,
/// `&mut self`, `self`), generic functions, `impl Trait` parameters and return types all
/// work. The span's duration is computed when it closes; nothing is added for it here.
///
/// **Compiled out.** When the `max_level_*` / `release_max_level_*` features of `ttlog`
/// remove the span's level, the function is emitted exactly as written: no span, no closure,
/// no cost. When only the release maximum removes it, the function is emitted twice, the
/// instrumented copy under `#[cfg(debug_assertions)]` and the plain one under
/// `#[cfg(not(debug_assertions))]`.
///
/// The macro reads the level itself, since it decides whether to instrument at all. A level
/// written as a path to the variant (`Level::Warn`, `ttlog::Level::Warn`) is also handed to
/// `span!` as written, so it is type-checked and an import it uses counts as used, except in
/// builds where the level is compiled out: there nothing of the attribute remains, so prefer
/// `level = "warn"` in code built with those features.
///
/// # Errors
///
/// Compile errors, each on the offending token: an unknown or repeated option, a level that
/// is not one of the five, `skip` of something that is not a parameter, `skip` with
/// `skip_all`, `err` on a function that returns nothing (on any other non-`Result` the `match`
/// on `Ok`/`Err` is a type error), a message in `fields(..)`, and the attribute on anything
/// but a function with a body (or on a `const fn`).
///
/// [`record`]: https://docs.rs/ttlog/latest/ttlog/struct.Span.html#method.record
#[proc_macro_attribute]
pub fn instrument(attr: TokenStream, item: TokenStream) -> TokenStream {
    instrument::expand(
        instrument::Kind::Instrument,
        attr.into(),
        item.into(),
        instrument::StaticMax::from_features(),
    )
    .into()
}

/// Traces a function at TRACE: `#[instrument(level = "trace", ret, err)]` plus an event when
/// it starts and one when it completes.
///
/// ```text
/// #[ttlog::trace_fn]
/// fn parse_header(line: &str) -> Result<Header, ParseError> { … }
/// // TRACE span `parse_header{line="…"}`, and inside it, in order:
/// //   TRACE "parse_header started"   actor="http"
/// //   TRACE return=Header { … }      (or ERROR error=…, and the span's status is error)
/// //   TRACE "parse_header completed" actor="http"
/// ```
///
/// - `ret` is added when the function declares a return type, `err` when that type's last
///   path segment is `Result` (`Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`; a
///   `Result` behind another alias is not recognised, so use `#[instrument(.., err)]` there).
/// - The completion event comes after the `ret`/`err` event, on every path out of the body
///   (`return`, `?`, the tail), but not when the body panics.
/// - `actor` is the last segment of `module_path!()` where the function is defined: the
///   module's own name (`pool` in `app::db::pool`), or the crate's name at the crate root.
/// - Parameters are recorded as for [`macro@instrument`], secrets left out.
///
/// It takes no options: `#[trace_fn(..)]` is an error that points to `#[instrument]`. With
/// TRACE compiled out by a `max_level_*` feature (it is by `max_level_debug` and anything
/// stricter) the function is emitted exactly as written; see [`macro@instrument`].
#[proc_macro_attribute]
pub fn trace_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    instrument::expand(
        instrument::Kind::TraceFn,
        attr.into(),
        item.into(),
        instrument::StaticMax::from_features(),
    )
    .into()
}
