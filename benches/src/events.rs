//! The workloads, written once for every system.
//!
//! 1. **reference**: INFO, literal message `"request handled"`, fields `user_id = <u64>`,
//!    `path = "/api/v1/items"`, `latency_ms = <f64>`, `ok = true`.
//! 2. **display_debug**: the reference event plus `client = %<Ipv4Addr>` (formatted with
//!    `Display`) and `method = ?<Method>` (formatted with `Debug`).
//! 3. **disabled**: the reference fields at DEBUG while the level is INFO.
//! 4. **span**: enter and exit a span with one field (`user_id`); ttlog has no spans yet.
//!
//! Each function is one logging statement, `#[inline]` so the harness sees the call site as
//! a user's code would.

use std::net::Ipv4Addr;

/// The reference event's message.
pub const MESSAGE: &str = "request handled";
/// The reference event's `path` field.
pub const PATH: &str = "/api/v1/items";
/// The `client` field of the display/debug workload.
pub const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

/// The `method` field of the display/debug workload, logged with `Debug`.
#[derive(Clone, Copy, Debug)]
pub enum Method {
    /// `GET`.
    Get,
}

// ===== ttlog =====

/// ttlog: the reference event.
#[inline]
pub fn ttlog_reference(user_id: u64, latency_ms: f64) {
    ttlog::info!(
        "request handled",
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true
    );
}

/// ttlog: the reference event with a `%display` and a `?debug` value.
#[inline]
pub fn ttlog_display_debug(user_id: u64, latency_ms: f64, client: Ipv4Addr, method: Method) {
    ttlog::info!(
        "request handled",
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true,
        client = %client,
        method = ?method
    );
}

/// ttlog: the reference event at DEBUG (disabled when the level is INFO).
#[inline]
pub fn ttlog_disabled(user_id: u64, latency_ms: f64) {
    ttlog::debug!(
        "request handled",
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true
    );
}

/// ttlog: create, enter, exit and close a span with one field.
#[inline]
pub fn ttlog_span(user_id: u64) {
    let span = ttlog::info_span!("request", user_id = user_id);
    let _entered = span.enter();
}

/// ttlog: a span below the level (DEBUG under INFO), created and entered.
#[inline]
pub fn ttlog_disabled_span(user_id: u64) {
    let span = ttlog::debug_span!("request", user_id = user_id);
    let _entered = span.enter();
}

// ===== tracing =====

/// tracing: the reference event.
#[inline]
pub fn tracing_reference(user_id: u64, latency_ms: f64) {
    tracing::info!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true,
        "request handled"
    );
}

/// tracing: the reference event with a `%display` and a `?debug` value.
#[inline]
pub fn tracing_display_debug(user_id: u64, latency_ms: f64, client: Ipv4Addr, method: Method) {
    tracing::info!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true,
        client = %client,
        method = ?method,
        "request handled"
    );
}

/// tracing: the reference event at DEBUG.
#[inline]
pub fn tracing_disabled(user_id: u64, latency_ms: f64) {
    tracing::debug!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true,
        "request handled"
    );
}

/// tracing: a span below the level (DEBUG under INFO), created and entered.
#[inline]
pub fn tracing_disabled_span(user_id: u64) {
    let span = tracing::debug_span!("request", user_id = user_id);
    let _entered = span.enter();
}

/// tracing: create, enter, exit and close a span with one field.
#[inline]
pub fn tracing_span(user_id: u64) {
    let span = tracing::info_span!("request", user_id = user_id);
    let _entered = span.enter();
}

// ===== log =====

/// log: the reference event (key-values through log's `kv` feature).
#[inline]
pub fn log_reference(user_id: u64, latency_ms: f64) {
    log::info!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true;
        "request handled"
    );
}

/// log: the reference event with a `%display` and a `?debug` value.
#[inline]
pub fn log_display_debug(user_id: u64, latency_ms: f64, client: Ipv4Addr, method: Method) {
    log::info!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true,
        client:% = client,
        method:? = method;
        "request handled"
    );
}

/// log: the reference event at DEBUG.
#[inline]
pub fn log_disabled(user_id: u64, latency_ms: f64) {
    log::debug!(
        user_id = user_id,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true;
        "request handled"
    );
}

// ===== slog =====

/// slog: the reference event.
#[inline]
pub fn slog_reference(logger: &slog::Logger, user_id: u64, latency_ms: f64) {
    slog::info!(logger, "request handled";
        "user_id" => user_id, "path" => "/api/v1/items", "latency_ms" => latency_ms, "ok" => true);
}

/// slog: the reference event with a `%display` and a `?debug` value.
#[inline]
pub fn slog_display_debug(
    logger: &slog::Logger,
    user_id: u64,
    latency_ms: f64,
    client: Ipv4Addr,
    method: Method,
) {
    slog::info!(logger, "request handled";
        "user_id" => user_id, "path" => "/api/v1/items", "latency_ms" => latency_ms, "ok" => true,
        "client" => %client, "method" => ?method);
}

/// slog: the reference event at DEBUG. slog compiles DEBUG out of release builds by default
/// (its static max level), so this measures nothing at run time there.
#[inline]
pub fn slog_disabled(logger: &slog::Logger, user_id: u64, latency_ms: f64) {
    slog::debug!(logger, "request handled";
        "user_id" => user_id, "path" => "/api/v1/items", "latency_ms" => latency_ms, "ok" => true);
}

// ===== spdlog-rs =====

/// spdlog-rs: the reference event.
#[inline]
pub fn spdlog_reference(logger: &spdlog::Logger, user_id: u64, latency_ms: f64) {
    spdlog::info!(logger: logger, "request handled",
        kv: { user_id = user_id, path = "/api/v1/items", latency_ms = latency_ms, ok = true });
}

/// spdlog-rs: the reference event with a `Display` and a `Debug` value.
#[inline]
pub fn spdlog_display_debug(
    logger: &spdlog::Logger,
    user_id: u64,
    latency_ms: f64,
    client: Ipv4Addr,
    method: Method,
) {
    spdlog::info!(logger: logger, "request handled",
        kv: { user_id = user_id, path = "/api/v1/items", latency_ms = latency_ms, ok = true,
              client: = client, method:? = method });
}

/// spdlog-rs: the reference event at DEBUG.
#[inline]
pub fn spdlog_disabled(logger: &spdlog::Logger, user_id: u64, latency_ms: f64) {
    spdlog::debug!(logger: logger, "request handled",
        kv: { user_id = user_id, path = "/api/v1/items", latency_ms = latency_ms, ok = true });
}

// ===== fastrace =====

/// fastrace: enter and exit a local span with one property, under the thread's local parent
/// (see [`crate::setup::fastrace_parent`]).
#[inline]
pub fn fastrace_span(user_id: u64) {
    let _span = fastrace::local::LocalSpan::enter_with_local_parent("request")
        .with_property(|| ("user_id", user_id.to_string()));
}

// ===== floor =====

/// The floor: the reference event's values pushed into a thread-local ring.
#[inline]
pub fn floor_reference(user_id: u64, latency_ms: f64) {
    crate::floor::push(MESSAGE, user_id, latency_ms, true);
}
