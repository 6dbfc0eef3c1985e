//! [`TraceContextLayer`]: a tower middleware that serves every request inside its trace
//! context.
//!
//! On the way in it reads the caller's context ([`extract_from_headers`]) or starts a new
//! trace, and runs the inner service's future inside the context's span on every poll,
//! whichever thread polls it; on the way out it sets `x-correlation-id` on the response.
//! Everything a handler logs then carries `trace_id`, `span_id` and `correlation_id`, and
//! [`inject_into_headers`](super::inject_into_headers) passes the trace on to the next
//! service. [`TraceContextLayer`]'s docs list the events the layer logs itself.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use ::http::{HeaderValue, Method, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use ttlog_core::{Callsite, EventBuilder, Instrument, Instrumented, Level};

use super::headers::{correlation_header, extract_from_headers, X_CORRELATION_ID};

// ===== impl TraceContextLayer =====

/// A tower [`Layer`] that runs each request inside its trace context: the caller's, read from
/// `traceparent`, `tracestate` and `x-correlation-id`, or a new trace with generated ids when
/// the request has none (or only invalid ones). The response gets the request's
/// `x-correlation-id` (the caller's, else the trace id), replacing any the handler set.
///
/// # Events
///
/// The layer logs two kinds of events, both at DEBUG under the target `ttlog::http` and both
/// inside the request's context (so they carry its ids); a filter such as
/// `"info,ttlog::http=debug"` shows them:
///
/// - `invalid trace header ignored` with `header` and `reason`, for each trace header a
///   request sent that could not be used (a broken `traceparent` starts a new trace, a broken
///   `tracestate` is dropped, a broken `x-correlation-id` is ignored and the trace id
///   stands in). These are DEBUG, not
///   WARN, because any client can send them: a public server should not let its callers
///   write warnings at will.
/// - `request completed` with `method`, `path` (without the query, which may hold secrets),
///   `status` and `elapsed_us` when the inner service answers, or `request failed` with
///   `method`, `path` and `elapsed_us` when it returns an error. When these callsites are
///   disabled (the default `info` level), the layer does not even copy the path.
///
/// # Limits
///
/// The context covers the inner service's `call` and its future, up to the response's
/// headers. A streamed response body (server-sent events, a download built from a stream) is
/// polled by the server after that, outside the context: events logged while producing it
/// carry no trace ids unless the stream is instrumented itself (capture
/// `ttlog::current_trace_context()` or `Span::current()` in the handler and `.instrument` the
/// stream's work with it). For the same reason `elapsed_us` is the time to the response's
/// headers, and a request whose future is dropped (the client went away) logs no completion.
/// Every incoming `traceparent` and `x-correlation-id` is trusted: on a public edge, callers
/// choose the ids their requests are logged under.
///
/// # Examples
///
/// With axum (`Router::layer`); any tower-based server takes it the same way:
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use ttlog_integrations::http::TraceContextLayer;
///
/// async fn checkout() -> &'static str {
///     ttlog::info!("order placed"); // carries trace_id, span_id and correlation_id
///     "ok"
/// }
///
/// # async fn run() {
/// let app = Router::new()
///     .route("/checkout", get(checkout))
///     .layer(TraceContextLayer::new());
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
/// axum::serve(listener, app).await.unwrap();
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceContextLayer {
    _private: (),
}

impl TraceContextLayer {
    /// The layer.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// use ttlog_integrations::http::TraceContextLayer;
    ///
    /// let inner = "any service";
    /// let service = TraceContextLayer::new().layer(inner);
    /// assert_eq!(*service.get_ref(), "any service");
    /// ```
    pub fn new() -> TraceContextLayer {
        TraceContextLayer { _private: () }
    }
}

impl<S> Layer<S> for TraceContextLayer {
    type Service = TraceContextService<S>;

    fn layer(&self, inner: S) -> TraceContextService<S> {
        TraceContextService { inner }
    }
}

// ===== impl TraceContextService =====

/// The service [`TraceContextLayer`] wraps around an inner HTTP service; see the layer.
///
/// # Examples
///
/// ```
/// use tower_layer::Layer;
/// use ttlog_integrations::http::{TraceContextLayer, TraceContextService};
///
/// let service: TraceContextService<()> = TraceContextLayer::new().layer(());
/// assert_eq!(*service.get_ref(), ());
/// ```
#[derive(Clone, Debug)]
pub struct TraceContextService<S> {
    inner: S,
}

impl<S> TraceContextService<S> {
    /// The inner service.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// let service = ttlog_integrations::http::TraceContextLayer::new().layer(7);
    /// assert_eq!(*service.get_ref(), 7);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Gives back the inner service.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// let service = ttlog_integrations::http::TraceContextLayer::new().layer(7);
    /// assert_eq!(service.into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for TraceContextService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> ResponseFuture<S::Future> {
        let (ctx, problems) = extract_from_headers(req.headers()).into_parts();
        let span = ctx.span();
        let correlation = correlation_header(&ctx).ok();
        if !problems.is_empty() && enabled(&INVALID_HEADER) {
            span.in_scope(|| {
                for problem in &problems {
                    dispatch(
                        EventBuilder::new(&INVALID_HEADER)
                            .value(problem.header().as_str())
                            .value(problem.to_string()),
                    );
                }
            });
        }
        let completion = (enabled(&COMPLETED) || enabled(&FAILED)).then(|| Completion {
            method: req.method().clone(),
            path: req.uri().path().to_owned(),
            start: Instant::now(),
        });
        // A service may log as soon as it is called, before its future is first polled.
        let future = span.in_scope(|| self.inner.call(req));
        ResponseFuture {
            inner: future.instrument(span),
            correlation,
            completion,
        }
    }
}

// ===== impl ResponseFuture =====

pin_project! {
    /// The future of a [`TraceContextService`] call: the inner service's future, polled
    /// inside the request's trace context. When it resolves to a response, the response gets
    /// `x-correlation-id`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn check<F: std::future::Future>() {}
    /// use ttlog_integrations::http::ResponseFuture;
    /// check::<ResponseFuture<std::future::Ready<Result<http::Response<()>, ()>>>>();
    /// ```
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Instrumented<F>,
        correlation: Option<HeaderValue>,
        completion: Option<Completion>,
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = Result<Response<ResBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let mut result = ready!(this.inner.as_mut().poll(cx));
        if let Ok(response) = &mut result {
            if let Some(id) = this.correlation.take() {
                response.headers_mut().insert(X_CORRELATION_ID, id);
            }
        }
        if let Some(completion) = this.completion.take() {
            let span = this.inner.span();
            span.in_scope(|| completion.log(&result));
        }
        Poll::Ready(result)
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("span", self.inner.span())
            .field("correlation", &self.correlation)
            .field("completion", &self.completion)
            .finish_non_exhaustive()
    }
}

// ===== events =====

/// What the `request completed` event needs from the request.
#[derive(Debug)]
struct Completion {
    method: Method,
    path: String,
    start: Instant,
}

impl Completion {
    fn log<B, E>(self, result: &Result<Response<B>, E>) {
        let elapsed_us = u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX);
        let (callsite, status) = match result {
            Ok(response) => (&COMPLETED, Some(response.status().as_u16())),
            Err(_) => (&FAILED, None),
        };
        if !enabled(callsite) {
            return;
        }
        let mut event = EventBuilder::new(callsite)
            .value(self.method.as_str())
            .value(self.path);
        if let Some(status) = status {
            event = event.value(status);
        }
        dispatch(event.value(elapsed_us));
    }
}

const TARGET: &str = "ttlog::http";

static INVALID_HEADER: Callsite = Callsite::new(
    Level::Debug,
    TARGET,
    module_path!(),
    file!(),
    line!(),
    "invalid trace header ignored",
    &["header", "reason"],
);

static COMPLETED: Callsite = Callsite::new(
    Level::Debug,
    TARGET,
    module_path!(),
    file!(),
    line!(),
    "request completed",
    &["method", "path", "status", "elapsed_us"],
);

static FAILED: Callsite = Callsite::new(
    Level::Debug,
    TARGET,
    module_path!(),
    file!(),
    line!(),
    "request failed",
    &["method", "path", "elapsed_us"],
);

/// The level gates, then the callsite's filter answer, in the order a macro checks them.
fn enabled(callsite: &'static Callsite) -> bool {
    let level = callsite.level();
    ttlog_core::STATIC_MAX_LEVEL.enables(level)
        && ttlog_core::max_level().enables(level)
        && callsite.is_enabled()
}

/// Hands the event to the logger, inside the current span (the request's).
fn dispatch(event: EventBuilder) {
    ttlog_core::logger::dispatch(event.build());
}
