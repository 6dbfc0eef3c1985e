//! `TraceContextService` around a hand-written service (no sockets, no axum), so that what
//! axum's always-ready, never-failing router cannot show is checked: readiness is the inner
//! service's, `call` itself runs inside the request's context, an error is logged as
//! `request failed` inside it, a future dropped before it completes logs no completion, header
//! values with surrounding spaces are read, and the types are `Send` (and the service `Sync`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use http::{HeaderMap, Request, Response};
use tower_layer::Layer;
use tower_service::Service;
use ttlog::{current_trace_context, Level};
use ttlog_integrations::http::{ResponseFuture, TraceContextLayer, TraceContextService};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<()>, &'static str>> + Send>>;

/// Where the probe looked, and the trace id it saw there.
type Seen = (&'static str, Option<String>);

/// Not ready for its first `pending` polls; records the trace id (and the `tracestate`) it
/// sees in `call` and in its future; fails when asked to.
#[derive(Clone, Default)]
struct Probe {
    pending: usize,
    fail: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    states: Arc<Mutex<Vec<String>>>,
}

impl Probe {
    fn saw(&self, at: &'static str) {
        let ctx = current_trace_context();
        let id = ctx.as_ref().map(|c| c.trace_id.to_string());
        self.seen.lock().unwrap().push((at, id));
        let state = ctx.map(|c| c.state.to_header()).unwrap_or_default();
        self.states.lock().unwrap().push(state);
    }
}

impl Service<Request<()>> for Probe {
    type Response = Response<()>;
    type Error = &'static str;
    type Future = BoxFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), &'static str>> {
        if self.pending > 0 {
            self.pending -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<()>) -> BoxFuture {
        self.saw("call");
        ttlog::info!("called");
        let probe = self.clone();
        Box::pin(async move {
            probe.saw("future");
            ttlog::info!("serving");
            if probe.fail {
                Err("boom")
            } else {
                Ok(Response::new(()))
            }
        })
    }
}

fn request(traceparent: &str) -> Request<()> {
    let mut req = Request::new(());
    let headers: &mut HeaderMap = req.headers_mut();
    // Surrounding spaces are allowed around a field value.
    headers.insert("traceparent", format!("  {traceparent}\t").parse().unwrap());
    headers.insert("x-correlation-id", " c-9 ".parse().unwrap());
    req
}

fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn readiness_is_the_inner_services() {
    let mut service = TraceContextLayer::new().layer(Probe {
        pending: 2,
        ..Probe::default()
    });
    let mut cx = Context::from_waker(Waker::noop());
    assert!(service.poll_ready(&mut cx).is_pending());
    assert!(service.poll_ready(&mut cx).is_pending());
    assert_eq!(service.poll_ready(&mut cx), Poll::Ready(Ok(())));
}

#[test]
fn call_and_future_run_in_the_request_context() {
    let logs = ttlog::testing::capture();
    let probe = Probe::default();
    let mut service = TraceContextLayer::new().layer(probe.clone());
    let mut future = service.call(request(TP));
    let Poll::Ready(Ok(response)) = poll_once(&mut future) else {
        panic!("the probe's future is ready at once");
    };
    assert_eq!(response.headers()["x-correlation-id"], "c-9");
    let seen = probe.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("call", Some(TRACE_ID.to_owned())),
            ("future", Some(TRACE_ID.to_owned()))
        ]
    );
    for message in ["called", "serving"] {
        let e = logs.assert_logged(Level::Info, message);
        assert_eq!(e.field("trace_id"), Some(&TRACE_ID.into()), "{e}");
        assert_eq!(e.field("correlation_id"), Some(&"c-9".into()), "{e}");
    }
    let done = logs.assert_logged(Level::Debug, "request completed");
    assert_eq!(done.field("status"), Some(&200u16.into()));
    assert_eq!(done.field("trace_id"), Some(&TRACE_ID.into()));
}

#[test]
fn an_invalid_tracestate_is_dropped_and_the_reason_logged() {
    let logs = ttlog::testing::capture();
    let call = |tracestate: &str| {
        let probe = Probe::default();
        let mut service = TraceContextLayer::new().layer(probe.clone());
        let mut req = request(TP);
        req.headers_mut()
            .insert("tracestate", tracestate.parse().unwrap());
        let mut future = service.call(req);
        assert!(matches!(poll_once(&mut future), Poll::Ready(Ok(_))));
        let seen = probe.seen.lock().unwrap().clone();
        let states = probe.states.lock().unwrap().clone();
        (seen, states)
    };
    let in_trace = vec![
        ("call", Some(TRACE_ID.to_owned())),
        ("future", Some(TRACE_ID.to_owned())),
    ];

    // Invalid: the caller's trace is kept without its state, and the layer says why.
    let (seen, states) = call("a=1,a=2");
    assert_eq!(seen, in_trace);
    assert_eq!(states, ["", ""]);
    let ignored = logs.assert_logged(Level::Debug, "invalid trace header ignored");
    assert_eq!(ignored.target(), "ttlog::http");
    assert_eq!(
        ignored.field("header"),
        Some(&"tracestate".into()),
        "{ignored}"
    );
    assert_eq!(
        ignored.field("reason"),
        Some(&"tracestate: member 2 repeats key `a` (first in member 1)".into()),
        "{ignored}"
    );
    assert_eq!(
        ignored.field("trace_id"),
        Some(&TRACE_ID.into()),
        "{ignored}"
    );
    assert_eq!(
        logs.count(|e| e.message() == "invalid trace header ignored"),
        1
    );

    // Valid: kept, and nothing is logged about it.
    logs.clear();
    let (seen, states) = call("congo=t61rcWkgMzE");
    assert_eq!(seen, in_trace);
    assert_eq!(states, ["congo=t61rcWkgMzE", "congo=t61rcWkgMzE"]);
    logs.assert_not_logged(Level::Debug, "invalid trace header ignored");
    logs.assert_logged(Level::Debug, "request completed");
}

#[test]
fn an_error_is_logged_as_a_failure_in_the_context() {
    let logs = ttlog::testing::capture();
    let mut service = TraceContextLayer::new().layer(Probe {
        fail: true,
        ..Probe::default()
    });
    let mut future = service.call(request(TP));
    assert!(matches!(poll_once(&mut future), Poll::Ready(Err("boom"))));
    let failed = logs.assert_logged(Level::Debug, "request failed");
    assert_eq!(failed.field("trace_id"), Some(&TRACE_ID.into()), "{failed}");
    logs.assert_not_logged(Level::Debug, "request completed");
}

#[test]
fn a_dropped_future_logs_no_completion() {
    let logs = ttlog::testing::capture();
    let mut service = TraceContextLayer::new().layer(Probe::default());
    let future = service.call(request(TP));
    drop(future);
    logs.assert_logged(Level::Info, "called");
    logs.assert_not_logged(Level::Info, "serving");
    logs.assert_not_logged(Level::Debug, "request completed");
    logs.assert_not_logged(Level::Debug, "request failed");
}

#[test]
fn the_types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<TraceContextLayer>();
    send_sync::<TraceContextService<Probe>>();
    send::<ResponseFuture<BoxFuture>>();
}
