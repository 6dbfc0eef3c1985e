//! W3C trace context over HTTP (feature `http`): one trace across every service a request
//! reaches.
//!
//! The module is in two files:
//!
//! 1. `headers` - reading and writing the trace headers of an [`http::HeaderMap`].
//! 2. `layer` - [`TraceContextLayer`]: a tower middleware that serves every request inside
//!    its trace context.
//!
//! A request that enters one service and calls others leaves logs in each of them. They can
//! be joined only if every service passes the trace on: the caller writes the
//! [W3C Trace Context](https://www.w3.org/TR/trace-context/) headers (`traceparent`,
//! `tracestate`) and an `x-correlation-id`, and the callee reads them and logs inside that
//! context. This module does both for [`http`] types, so it works with every server
//! and client built on them (axum, hyper, tonic, reqwest, …):
//!
//! - [`TraceContextLayer`], a tower middleware for servers: it extracts the caller's context
//!   (or starts a new trace), runs the request inside it, and echoes `x-correlation-id` on
//!   the response. Every event a handler logs carries `trace_id`, `span_id` and
//!   `correlation_id`, on whichever worker thread it runs.
//! - [`inject_into_headers`], for clients: writes the current context (the current span as
//!   the parent) into an outgoing request. [`inject_context`] writes a given context.
//! - [`extract_from_headers`], the reading half, for servers that do not use tower: it tells
//!   apart no header, a valid one and an invalid one (with the reason), and follows the W3C
//!   rules for what to keep ([`Extracted`]).
//!
//! # Examples
//!
//! A service that is called with a trace and calls the next one with it:
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use ttlog_integrations::http::{inject_into_headers, TraceContextLayer};
//!
//! async fn checkout() -> &'static str {
//!     ttlog::info!("checking out"); // trace_id=… span_id=… correlation_id=…
//!
//!     // The next hop continues the trace, with this handler's span as its parent.
//!     let mut request = http::Request::get("http://payments/charge").body(()).unwrap();
//!     inject_into_headers(request.headers_mut());
//!     // … send `request` with any HTTP client
//!     "ok"
//! }
//!
//! # async fn run() {
//! let _guard = ttlog::init().init();
//! let app = Router::new()
//!     .route("/checkout", get(checkout))
//!     .layer(TraceContextLayer::new());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```
//!
//! Without tower, by hand:
//!
//! ```
//! use http::HeaderMap;
//! use ttlog_integrations::http::{extract_from_headers, inject_into_headers, Remote};
//!
//! let mut incoming = HeaderMap::new();
//! incoming.insert(
//!     "traceparent",
//!     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap(),
//! );
//! let extracted = extract_from_headers(&incoming);
//! if let Remote::Invalid(reason) = extracted.remote() {
//!     ttlog::debug!("bad traceparent, starting a new trace", reason = %reason);
//! }
//! let ctx = extracted.into_context();
//! let _entered = ctx.enter();
//! ttlog::info!("handling"); // in the caller's trace
//!
//! let mut outgoing = HeaderMap::new();
//! assert!(inject_into_headers(&mut outgoing));
//! let traceparent = outgoing["traceparent"].to_str().unwrap();
//! assert!(traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
//! assert!(!traceparent.contains("00f067aa0ba902b7")); // the parent is now our span
//! ```

mod headers;
mod layer;

pub use headers::{
    extract_from_headers, inject_context, inject_into_headers, Extracted, HeaderError, Remote,
    TRACEPARENT, TRACESTATE, X_CORRELATION_ID,
};
pub use layer::{ResponseFuture, TraceContextLayer, TraceContextService};
