//! Procedural macros for ttlog: `trace!`, `debug!`, `info!`, `warn!` and `error!`.
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
