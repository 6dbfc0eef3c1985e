//! `TraceContextLayer` end to end, over real sockets: a reqwest client calls a front axum
//! server, whose handler calls a back server with `inject_into_headers`; both servers run the
//! layer on a multi-threaded tokio runtime. The ids must cross the hop and appear in both
//! sides' events, as the JSON sink writes them. (Init is once per process, so this file has
//! one test.)

use std::io;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use ttlog::Format;
use ttlog_integrations::http::{inject_into_headers, TraceContextLayer};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// The JSON sink's output.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The front handler: logs, calls the back server with the trace, logs again, and answers
/// with its own span id (as `current_trace_context` gives it), the `traceparent` it sent,
/// and the one the back server received.
async fn front(State(back_url): State<String>) -> String {
    ttlog::info!("front handling");
    let here = ttlog::current_trace_context().expect("inside the request's context");
    let mut headers = HeaderMap::new();
    assert!(inject_into_headers(&mut headers));
    let sent = headers["traceparent"].to_str().unwrap().to_owned();
    let reply = reqwest::Client::new()
        .get(back_url)
        .headers(headers)
        .send()
        .await
        .expect("the back server answers");
    let received = reply.text().await.unwrap();
    ttlog::info!("front done");
    json!({
        "span_id": here.parent_id.to_string(),
        "correlation_id": here.correlation_id(),
        "sent": sent,
        "back_received": received,
    })
    .to_string()
}

/// The back handler: logs and answers with the `traceparent` it received.
async fn back(headers: HeaderMap) -> String {
    ttlog::info!("back handling");
    headers
        .get("traceparent")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A handler that sets its own `x-correlation-id`, which the layer's replaces.
async fn sets_own() -> ([(&'static str, &'static str); 1], &'static str) {
    ttlog::info!("setting my own correlation id");
    ([("x-correlation-id", "from-the-handler")], "ok")
}

/// Serves `app` on a free port of 127.0.0.1 and returns its address.
async fn serve(app: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The one `x-correlation-id` line of a response.
fn correlation_of(response: &reqwest::Response) -> String {
    let lines: Vec<_> = response
        .headers()
        .get_all("x-correlation-id")
        .iter()
        .collect();
    assert_eq!(lines.len(), 1, "one x-correlation-id line: {lines:?}");
    lines[0].to_str().unwrap().to_owned()
}

/// A top-level string key of an event line.
fn top<'a>(event: &'a Value, key: &str) -> &'a str {
    event[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {event}"))
}

fn message(event: &Value) -> &str {
    event["fields"]["message"].as_str().unwrap_or("")
}

/// The events with this message and trace id.
fn events<'a>(all: &'a [Value], msg: &str, trace_id: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|e| message(e) == msg && e["trace_id"].as_str() == Some(trace_id))
        .collect()
}

/// The one event with this message and trace id.
fn event<'a>(all: &'a [Value], msg: &str, trace_id: &str) -> &'a Value {
    let found = events(all, msg, trace_id);
    assert_eq!(found.len(), 1, "one {msg:?} in trace {trace_id}: {found:?}");
    found[0]
}

fn parent_of(traceparent: &str) -> &str {
    traceparent.split('-').nth(2).unwrap()
}

fn trace_of(traceparent: &str) -> &str {
    traceparent.split('-').nth(1).unwrap()
}

#[test]
fn ids_cross_the_hop() {
    let output = Output::default();
    let guard = ttlog::init()
        .no_console()
        .filter("info,ttlog::http=debug")
        .writer(output.clone(), Format::Json)
        .init();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let replies = rt.block_on(async {
        let back_addr = serve(
            Router::new()
                .route("/back", get(back))
                .layer(TraceContextLayer::new()),
        )
        .await;
        let front_addr = serve(
            Router::new()
                .route("/front", get(front))
                .route("/sets-own", get(sets_own))
                .with_state(format!("http://{back_addr}/back"))
                .layer(TraceContextLayer::new()),
        )
        .await;
        let client = reqwest::Client::new();
        let url = format!("http://{front_addr}/front");

        let mut replies = Vec::new();
        // 1. The caller's trace and correlation id.
        let with_ids = client
            .get(&url)
            .header("traceparent", TP)
            .header("x-correlation-id", "e2e-42")
            .send()
            .await
            .unwrap();
        replies.push((correlation_of(&with_ids), with_ids.text().await.unwrap()));
        // 2. Nothing: generated ids.
        let bare = client.get(&url).send().await.unwrap();
        replies.push((correlation_of(&bare), bare.text().await.unwrap()));
        // 3. A broken traceparent with a good correlation id.
        let broken = client
            .get(&url)
            .header("traceparent", "00-garbage")
            .header("x-correlation-id", "c-3")
            .send()
            .await
            .unwrap();
        replies.push((correlation_of(&broken), broken.text().await.unwrap()));
        // 4. A handler that sets its own x-correlation-id.
        let own = client
            .get(format!("http://{front_addr}/sets-own"))
            .header("x-correlation-id", "c-4")
            .send()
            .await
            .unwrap();
        replies.push((correlation_of(&own), own.text().await.unwrap()));
        replies
    });
    drop(rt);
    drop(guard); // drains every ring and flushes the sink

    let text = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
    let all: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let body = |i: usize| -> Value { serde_json::from_str(&replies[i].1).unwrap() };

    // 1. The caller's ids, on both sides of the hop.
    assert_eq!(replies[0].0, "e2e-42");
    let reply = body(0);
    let front_span = reply["span_id"].as_str().unwrap();
    assert_eq!(reply["correlation_id"], "e2e-42");
    let sent = reply["sent"].as_str().unwrap();
    assert_eq!(reply["back_received"], sent);
    assert_eq!(trace_of(sent), TRACE_ID);
    // The back server's remote parent is the front handler's span at the time of the call.
    assert_eq!(parent_of(sent), front_span);

    let front_event = event(&all, "front handling", TRACE_ID);
    assert_eq!(top(front_event, "correlation_id"), "e2e-42");
    assert_eq!(top(front_event, "span_id"), front_span);
    // The caller's span is the parent of the front's, not the front's own.
    assert_ne!(front_span, "00f067aa0ba902b7");
    let after_await = event(&all, "front done", TRACE_ID);
    assert_eq!(top(after_await, "span_id"), front_span);
    assert_eq!(top(after_await, "correlation_id"), "e2e-42");

    let back_event = event(&all, "back handling", TRACE_ID);
    assert_eq!(top(back_event, "correlation_id"), "e2e-42");
    let back_span = top(back_event, "span_id");
    assert_ne!(back_span, front_span);
    assert_eq!(back_span.len(), 16);

    // The layer's own events, inside each side's context.
    let completed = events(&all, "request completed", TRACE_ID);
    let mut paths: Vec<_> = completed
        .iter()
        .map(|e| {
            assert_eq!(e["fields"]["method"], "GET");
            assert_eq!(e["fields"]["status"], 200);
            assert!(e["fields"]["elapsed_us"].is_u64());
            assert_eq!(top(e, "correlation_id"), "e2e-42");
            e["fields"]["path"].as_str().unwrap()
        })
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["/back", "/front"]);

    // 2. No headers: a new trace, its id echoed as the correlation id and passed on.
    let generated = replies[1].0.as_str();
    assert_eq!(generated.len(), 32);
    assert!(generated.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(generated, TRACE_ID);
    let reply = body(1);
    assert_eq!(reply["correlation_id"], generated);
    assert_eq!(trace_of(reply["sent"].as_str().unwrap()), generated);
    for msg in ["front handling", "back handling"] {
        let e = event(&all, msg, generated);
        assert_eq!(top(e, "correlation_id"), generated, "{msg}");
    }

    // 3. A broken traceparent: a new trace, the caller's correlation id, and the reason logged.
    assert_eq!(replies[2].0, "c-3");
    let reply = body(2);
    let new_trace = trace_of(reply["sent"].as_str().unwrap());
    assert_ne!(new_trace, TRACE_ID);
    let ignored = event(&all, "invalid trace header ignored", new_trace);
    assert_eq!(ignored["level"], "DEBUG");
    assert_eq!(ignored["target"], "ttlog::http");
    assert_eq!(ignored["fields"]["header"], "traceparent");
    assert_eq!(
        ignored["fields"]["reason"],
        "traceparent: too short: 10 characters, expected 55"
    );
    assert_eq!(top(ignored, "correlation_id"), "c-3");
    for msg in ["front handling", "back handling"] {
        assert_eq!(top(event(&all, msg, new_trace), "correlation_id"), "c-3");
    }

    // 4. The layer's x-correlation-id replaces the handler's: one line, the request's id.
    assert_eq!(replies[3].0, "c-4");
    assert_eq!(replies[3].1, "ok");
    let own = all
        .iter()
        .find(|e| message(e) == "setting my own correlation id")
        .expect("the handler's event");
    assert_eq!(top(own, "correlation_id"), "c-4");
}
