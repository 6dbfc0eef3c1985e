//! Procedural macros for ttlog: the event macros `trace!`, `debug!`, `info!`, `warn!` and
//! `error!`, the span macros `span!`, `trace_span!` … `error_span!`, `#[derive(Fields)]`,
//! and the attributes `#[instrument]` and `#[trace_fn]` (see the `instrument` module).
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
//! The files (this one holds only the entry points):
//!
//! 1. `parse` - the token stream of one call into a flat list of arguments.
//! 2. `validate` - those arguments into an event or a span, with every mistake found.
//! 3. `expand` - code generation for a validated event or span.
//! 4. `level` - the level a macro logs at, shared by every stage.
//! 5. `fields` - `#[derive(Fields)]`.
//! 6. `instrument` - `#[instrument]` and `#[trace_fn]`.
//! 7. `narrate` - `narrate!`.
//!
//! [`Callsite`]: https://docs.rs/ttlog/latest/ttlog/struct.Callsite.html

#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::Span;

mod expand;
mod fields;
mod instrument;
mod level;
mod narrate;
mod parse;
mod validate;

use level::Level;

fn event(level: Level, input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as parse::Args);
    match validate::validate(args, Span::call_site()) {
        Ok(event) => expand::expand(level, event),
        Err(err) => expand::fallback(err),
    }
    .into()
}

/// A span macro: `level` is `None` for `span!`, which takes the level as its first argument.
fn span_at(level: Option<Level>, input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as parse::Args);
    match validate::validate_span(args, Span::call_site(), level.is_none()) {
        Ok(span) => expand::expand_span(level, span),
        Err(err) => expand::fallback_span(err),
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
    /// info!( [target: EXPR,] [parent: EXPR,] ARG, ARG, … )
    ///
    /// ARG     := "message"            a string literal: the message (at most one)
    ///          | EXPR                 a format argument, if the message still needs one
    ///          | KEY = VALUE          a field, recorded with ToFieldValue
    ///          | KEY = %VALUE         a field, recorded with Display
    ///          | KEY = ?VALUE         a field, recorded with Debug
    ///          | NAME | %NAME | ?NAME shorthand for NAME = NAME, NAME = %NAME, NAME = ?NAME
    ///          | ..EXPR               the named fields of a struct deriving ttlog::Fields
    /// KEY     := ident | ident.ident… | "string literal"
    /// NAME    := ident | ident.ident…
    /// ```
    ///
    /// - **Target.** `target: EXPR` must come first; `EXPR` must be a constant `&'static str`
    ///   (it is stored in a `static`). Without it the target is `module_path!()`.
    /// - **Parent.** `parent: EXPR` comes after `target:` and before everything else. The
    ///   event belongs to that span (`&span`, a `SpanId`, an `Option<SpanId>`), or to no span
    ///   with `parent: None`, instead of the thread's current span.
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
    /// - **Struct fields.** `..EXPR` records every field of `EXPR` (a struct, or a reference
    ///   to one, whose type derives [`Fields`](derive@Fields)) where it is written among the
    ///   other fields; several are allowed. The field names, the call's own and the structs',
    ///   must be distinct and at most 32 in all (checked when the code is built, per struct
    ///   type). Where a format argument is due, `..x` is the range `..x`, as in `format!`.
    ///   Events with `..` take a slightly longer path than the others: the first event from
    ///   the callsite builds its list of names once; after that, up to 8 values in all are
    ///   still stored without a heap allocation.
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
    /// ttlog::info!(..attempt, "login attempt", ok = false);    // a struct's fields
    /// ttlog::info!(parent: &span, "in span");                 // an explicit parent
    /// ```
    ///
    /// # Errors
    ///
    /// These are compile errors, each pointing at the offending token, all reported together:
    /// an empty call, a duplicate field, more than 32 fields, a message that is not a string
    /// literal, a second message, `target:` that is not first or repeated, `parent:` out of
    /// place or repeated, `..` without a value or whose type does not derive `Fields`, fewer
    /// format
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

/// Creates a span at a level given as an expression.
///
/// `LEVEL` must be a constant expression of type `ttlog::Level` (it is evaluated at compile
/// time, like the levels of the other macros); the rest is as in [`info_span!`].
///
/// ```text
/// span!( [target: EXPR,] [parent: EXPR,] LEVEL, "name" [, FIELD]* )
///
/// let span = ttlog::span!(ttlog::Level::Info, "request", id = 7);
/// let span = ttlog::span!(target: "orders::db", ttlog::Level::Debug, "query", table = "users");
/// const LEVEL: ttlog::Level = ttlog::Level::Warn;
/// let span = ttlog::span!(LEVEL, "retry");
/// ```
#[proc_macro]
pub fn span(input: TokenStream) -> TokenStream {
    span_at(None, input)
}

macro_rules! span_macro {
    ($(#[$doc:meta])* $name:ident, $level:ident) => {
        $(#[$doc])*
        #[proc_macro]
        pub fn $name(input: TokenStream) -> TokenStream {
            span_at(Some(Level::$level), input)
        }
    };
}

span_macro! {
    /// Creates a span at the TRACE level.
    ///
    /// The syntax is the same for every level; see [`info_span!`] for all of it.
    ///
    /// ```text
    /// let span = ttlog::trace_span!("poll", fd = 7);
    /// ```
    trace_span, Trace
}

span_macro! {
    /// Creates a span at the DEBUG level.
    ///
    /// The syntax is the same for every level; see [`info_span!`] for all of it.
    ///
    /// ```text
    /// let span = ttlog::debug_span!(target: "orders::db", "query", table = "users");
    /// ```
    debug_span, Debug
}

span_macro! {
    /// Creates a span at the INFO level.
    ///
    /// # Syntax
    ///
    /// ```text
    /// info_span!( [target: EXPR,] [parent: EXPR,] "name" [, FIELD]* )
    ///
    /// FIELD := KEY = VALUE | KEY = %VALUE | KEY = ?VALUE | NAME | %NAME | ?NAME
    /// ```
    ///
    /// - **Target.** As for events: `target: EXPR` comes first and must be a constant
    ///   `&'static str`; without it the target is `module_path!()`.
    /// - **Parent.** `parent: EXPR` comes after `target:` and before the name. `EXPR` is
    ///   anything that converts into an `Option<ttlog::SpanId>`: `&span`, a `SpanId`, an
    ///   `Option<SpanId>`, or `None` for a root span. Without it the parent is the thread's
    ///   current span.
    /// - **Name.** A string literal, required, right after the named arguments. It is fixed
    ///   text: no `{}` placeholders and no format arguments (record values as fields);
    ///   `{{` and `}}` stand for `{` and `}`.
    /// - **Fields.** Exactly the event fields: `key = value`, `key = %value`, `key = ?value`,
    ///   the shorthands, dotted and string-literal keys, at most 32, distinct. A field
    ///   declared with `key = ttlog::field::Empty` has no value yet; give it one later with
    ///   `span.record("key", &value)`.
    /// - **Evaluation and levels.** As for events: when the level is compiled out, filtered
    ///   out, or the span's target is disabled, nothing is evaluated and the macro returns
    ///   `Span::none()`, whose methods do nothing. Otherwise the parent and every value are
    ///   evaluated once, in the order written.
    ///
    /// # Examples
    ///
    /// ```text
    /// let span = ttlog::info_span!("request", id = 7, path = %uri, user = ttlog::field::Empty);
    /// let _entered = span.enter();
    /// ttlog::info!("handled");                  // inside `request{id=7 …}`
    /// let child = ttlog::info_span!(parent: &span, "db", table = "users");
    /// let root = ttlog::info_span!(parent: None, "background");
    /// let audit = ttlog::info_span!(target: "orders::audit", "check", order_id);
    /// ```
    ///
    /// # Errors
    ///
    /// Compile errors, each on the offending token: no name, a name that is not a string
    /// literal or has placeholders or format arguments, `target:` or `parent:` out of place or
    /// repeated, a second name, `..value` (only events take it), and the field errors of the
    /// event macros.
    info_span, Info
}

span_macro! {
    /// Creates a span at the WARN level.
    ///
    /// The syntax is the same for every level; see [`info_span!`] for all of it.
    ///
    /// ```text
    /// let span = ttlog::warn_span!("degraded", replicas = 1);
    /// ```
    warn_span, Warn
}

span_macro! {
    /// Creates a span at the ERROR level.
    ///
    /// The syntax is the same for every level; see [`info_span!`] for all of it.
    ///
    /// ```text
    /// let span = ttlog::error_span!(parent: None, "recovery");
    /// ```
    error_span, Error
}

/// Implements `ttlog::StructFields` for a struct with named fields, so that an event records
/// all its fields with `..value`.
///
/// ```text
/// #[derive(ttlog::Fields)]
/// struct LoginAttempt<'a> {
///     user: &'a str,                 // recorded as it is (ToFieldValue): user="alice"
///     tries: u32,
///     #[fields(display)]
///     addr: std::net::IpAddr,        // recorded with Display
///     #[fields(debug)]
///     method: AuthMethod,            // recorded with Debug
///     #[fields(rename = "client.version")]
///     version: &'a str,              // recorded as client.version
///     #[fields(skip)]
///     password: &'a str,             // not recorded
/// }
///
/// ttlog::info!(..attempt, "login attempt");
/// ttlog::warn!("login failed", ..&attempt, reason = "bad password", ..session);
/// ```
///
/// The fields are recorded in declaration order, where the `..value` is written among the
/// event's own fields; `value` may be the struct or a reference to it, and is borrowed. Field
/// options (`#[fields(..)]`, several per field allowed): `skip`, `display`, `debug` (one of
/// the two), `rename = "name"`. Generic structs work; a field whose type uses a type
/// parameter adds the bound it needs (`ToFieldValue`, `Display` or `Debug`) to the impl.
///
/// # Errors
///
/// Compile errors: the derive on an enum, union, tuple or unit struct; an unknown or
/// conflicting option; an empty or duplicate name; more than 32 recorded fields. Using
/// `..value` whose type does not derive `Fields` is an error naming `StructFields`; so is (at
/// build time, as a failed constant) an event whose names collide with a struct's or that has
/// more than 32 fields in all.
#[proc_macro_derive(Fields, attributes(fields))]
pub fn derive_fields(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    fields::derive(input).into()
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
/// `auth_token`, `API_KEY`) is not recorded, unless `fields(..)` names it: then it is recorded
/// as `fields(..)` says. `fields(auth_token)` records the field `auth_token`, whose value the
/// runtime's redaction masks by its key (unless redaction is off); `fields(t = auth_token)`
/// records it under `t`, whose value is then masked only if a redaction pattern finds it.
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

/// Narrates what the system did, as a sentence for people, with structured fields for
/// machines: an event whose message is the `human` text.
///
/// The full reference, with examples that run, is the `ttlog::narrate` module.
///
/// # Syntax
///
/// ```text
/// narrate!(LEVEL, ARG, ARG, …)
///
/// LEVEL := Trace | Debug | Info | Warn | Error        (or a path ending in one)
/// ARG   := actor: VALUE            required; who acted ("orchestrator", a component, a role)
///        | action: VALUE           required; what it did ("accept", a verb)
///        | target: VALUE           required; what it acted on (an id, a name)
///        | human: TEXT             required; the plain sentence, at most 100 characters
///        | cute: TEXT              optional; the friendly one (Narration::Cute mode)
///        | story: TEXT             optional; the step told as part of a story
///        | correlation_id: VALUE   optional; ties narrations of one request together
///        | KEY = VALUE | KEY = %VALUE | KEY = ?VALUE | NAME | %NAME | ?NAME   extra fields
/// VALUE := EXPR | %EXPR | ?EXPR    recorded like event fields (ToFieldValue, Display, Debug)
/// TEXT  := "template"              `{name}`: a field of the call, else a variable in scope
///        | EXPR                    any `Display` value: a run-time template
/// ```
///
/// - **Templates.** In a literal text, `{name}` formats the call's field `name` (`actor`,
///   `action`, `target`, `correlation_id`, or an extra field such as `queue_position`), the
///   value evaluated once for both; any other name is captured from the surrounding scope,
///   as `format!` does, so an unknown name is a compile error. A field recorded with `?`
///   shows with `Debug`, any other with `Display`. Format specs work (`{eta_ms:>5}`);
///   positional placeholders (`{}`) do not.
/// - **Non-literal texts** are evaluated (once) and filled at run time: `{name}` is replaced
///   by the field `name`; anything else stays as written. No compile-time checks apply.
/// - **Rules checked at compile time:** the required arguments, a `human` literal of at most
///   100 characters and not empty, non-empty `actor` and `action` literals, no duplicates,
///   and no extra field named like a narration field. What cannot be checked then is checked
///   when the narration is emitted and reported in a `narration_violation` field.
/// - **Evaluation.** Like the event macros: nothing is evaluated unless the level and filter
///   let the narration through; then every value and text once, in the order written.
/// - **Representation.** An ordinary event with the target `module_path!()`, the message
///   `human`, and the fields `human`, `cute`, `story`, `actor`, `action`, `target`,
///   `correlation_id`, the extras, `emitted_by`, `emitted_at_ms` and, when the calling crate
///   is built with debug assertions, `source_location`.
///
/// ```text
/// ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
///     human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
///     cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
///     correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);
/// ```
///
/// # Errors
///
/// Compile errors, each on the offending token: a missing level or an unknown one, a missing
/// required argument, a duplicate, an unknown `name:` argument, a `human` literal over 100
/// characters or empty, an empty `actor` or `action` literal, a positional placeholder, an
/// unknown `{name}` (the compiler's own error), a message literal, `..value`, an extra field
/// that reuses a narration field's name, and more than 32 fields in all.
#[proc_macro]
pub fn narrate(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as narrate::NarrateArgs);
    match narrate::validate(args, Span::call_site()) {
        Ok(narration) => narrate::expand(narration),
        Err(err) => expand::fallback(err),
    }
    .into()
}
