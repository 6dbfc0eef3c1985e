//! `ttlog::testing::capture()` without `init()`: tests running in parallel (libtest's default)
//! each see exactly their own events, logged on the test's thread, on bound std threads, in
//! tokio tasks on a multi-thread runtime (through the capture and through a span created in
//! it), and nothing from threads outside; assertions, redaction, golden lines, and the ids
//! of trace contexts.

use std::sync::{Barrier, Condvar, Mutex};
use std::time::Duration;

#[path = "common/all_levels.rs"]
mod all_levels;

use ttlog::record::TraceFields;
use ttlog::testing::{self, WithCapture};
use ttlog::{current_trace_context, info, info_span, warn, Instrument, Level, TraceContext};

/// Lets the two `isolation_*` tests log at the same time (libtest starts them together, as
/// the first two tests of the file): each waits until both have arrived, or at most a few
/// seconds, so that `--test-threads=1` still passes, just without the overlap.
fn rendezvous() {
    const TESTS: usize = 2;
    static ARRIVED: Mutex<usize> = Mutex::new(0);
    static ALL_HERE: Condvar = Condvar::new();
    let mut arrived = ARRIVED.lock().unwrap();
    *arrived += 1;
    ALL_HERE.notify_all();
    let _ = ALL_HERE
        .wait_timeout_while(arrived, Duration::from_secs(5), |n| *n < TESTS)
        .unwrap();
}

#[ttlog::instrument(skip(tag))]
async fn handler(tag: &'static str, step: u32) {
    tokio::task::yield_now().await;
    info!("handler step", tag, step);
    let child = info_span!("child", step);
    async { info!("in child span", tag) }
        .instrument(child)
        .await;
}

/// How many events each way of logging sends per isolation test.
const ROUNDS: u32 = 20;

/// Logs `ROUNDS` events tagged `tag` each way a test can, and checks that the capture holds
/// exactly those.
fn isolation(tag: &'static str) {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    rendezvous();

    // The test's thread.
    for i in 0..ROUNDS {
        info!("test thread", tag, i);
    }
    // Bound std threads, two at once.
    let threads: Vec<_> = (0..2)
        .map(|t| {
            std::thread::spawn(logs.bind(move || {
                for i in 0..ROUNDS {
                    info!("bound thread", tag, t, i);
                }
            }))
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Tokio tasks on a multi-thread runtime.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..ROUNDS {
            // Inside the capture.
            tasks.push(tokio::spawn(logs.bind_future(async move {
                tokio::task::yield_now().await;
                info!("captured task", tag, i);
            })));
            // Inside a span created in the capture, with `#[instrument]` and a child span.
            let request = info_span!("request", i);
            tasks.push(tokio::spawn(handler(tag, i).instrument(request)));
        }
        tasks.push(tokio::spawn(
            async move { warn!("with_capture task", tag) }.with_capture(&logs),
        ));
        tasks.push(tokio::task::spawn_blocking(
            logs.bind(move || info!("blocking task", tag)),
        ));
        for task in tasks {
            task.await.unwrap();
        }
    });
    drop(rt);

    let events = logs.events();
    let strangers: Vec<_> = events
        .iter()
        .filter(|e| e.field("tag") != Some(&tag.into()))
        .collect();
    assert!(
        strangers.is_empty(),
        "{tag} captured others' events: {strangers:#?}"
    );
    let count = |message: &str| logs.count(|e| e.message() == message);
    assert_eq!(count("test thread"), ROUNDS as usize);
    assert_eq!(count("bound thread"), 2 * ROUNDS as usize);
    assert_eq!(count("captured task"), ROUNDS as usize);
    assert_eq!(count("handler step"), ROUNDS as usize);
    assert_eq!(count("in child span"), ROUNDS as usize);
    assert_eq!(count("with_capture task"), 1);
    assert_eq!(count("blocking task"), 1);
    assert_eq!(events.len(), 6 * ROUNDS as usize + 2);

    // Events in spans carry their scope, root first, whichever worker logged them.
    let step = logs
        .find(|e| e.message() == "in child span" && e.spans()[0].field("i") == Some(&3.into()))
        .unwrap();
    let names: Vec<_> = step.spans().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["request", "handler", "child"]);
    assert_eq!(
        step.render(),
        format!(" INFO request{{i=3}}:handler{{step=3}}:child{{step=3}}: capture: in child span tag={tag}")
    );
    // The std threads are unnamed; libtest names the test's thread after the test.
    let on_test_thread = logs.assert_logged(Level::Info, "test thread");
    assert_eq!(on_test_thread.thread_name(), tag);
}

#[test]
fn isolation_a() {
    isolation("isolation_a");
}

#[test]
fn isolation_b() {
    isolation("isolation_b");
}

#[test]
fn unrelated_thread_is_not_captured() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    info!("mine", n = 1);
    // A thread the capture is not bound to, started while it is active.
    std::thread::spawn(|| info!("not mine", n = 2))
        .join()
        .unwrap();
    // Nor is a span created on such a thread (it belongs to no capture).
    std::thread::spawn(|| info_span!("elsewhere").in_scope(|| info!("not mine either")))
        .join()
        .unwrap();
    assert_eq!(logs.rendered(), " INFO capture: mine n=1\n");
    logs.assert_not_logged(Level::Info, "not mine");
}

#[test]
fn dropped_capture_routes_nothing() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    let span = info_span!("outlives the capture");
    let later = logs.bind(|| info!("bound closure, after the drop"));
    info!("before");
    drop(logs);
    // The next capture on this thread gets what this thread logs from now on, and nothing
    // through the dropped capture's bindings and spans.
    let next = testing::capture();
    std::thread::spawn(later).join().unwrap();
    std::thread::spawn(move || span.in_scope(|| info!("in its span, after the drop")))
        .join()
        .unwrap();
    info!("after");
    assert_eq!(next.rendered(), " INFO capture: after\n");
}

#[test]
fn nested_captures_innermost_wins() {
    all_levels::assert_every_level_kept();
    let outer = testing::capture();
    info!("outer 1");
    {
        let inner = testing::capture();
        info!("inner");
        assert_eq!(inner.rendered(), " INFO capture: inner\n");
    }
    info!("outer 2");
    assert_eq!(
        outer.rendered(),
        " INFO capture: outer 1\n INFO capture: outer 2\n"
    );
}

#[test]
fn secrets_are_masked_with_the_default_rules() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    let token = "Bearer 9f8e7d6c5b4a";
    let span = info_span!("login", password = "in-a-span");
    span.in_scope(|| {
        warn!(
            "login failed",
            user_id = 42,
            password = "hunter2",
            header = token
        )
    });
    let event = logs.assert_logged(Level::Warn, "login failed");
    assert_eq!(event.field("password"), Some(&"[REDACTED]".into()));
    assert_eq!(event.field("header"), Some(&"Bearer [REDACTED]".into()));
    assert_eq!(event.field("user_id"), Some(&42.into()));
    assert_eq!(
        event.spans()[0].field("password"),
        Some(&"[REDACTED]".into())
    );
    assert!(!logs.rendered().contains("hunter2"));
    assert!(!logs.rendered().contains("in-a-span"));
}

#[test]
fn recorded_span_fields_show_in_later_events() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    let span = info_span!("job", id = 7, state = ttlog::field::Empty);
    span.in_scope(|| info!("queued"));
    span.record("state", "running");
    span.in_scope(|| info!("started"));
    assert_eq!(
        logs.rendered(),
        " INFO job{id=7}: capture: queued\n INFO job{id=7 state=running}: capture: started\n"
    );
}

#[test]
fn queries_and_assertion_messages() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    ttlog::debug!("cache miss", key = "user:1");
    warn!("retrying", attempt = 1u8);
    warn!("retrying", attempt = 2u8);
    assert_eq!(logs.len(), 3);
    assert_eq!(logs.count(|e| e.level() == Level::Warn), 2);
    assert_eq!(logs.filter(|e| e.message() == "retrying").len(), 2);
    assert_eq!(
        logs.find(|e| e.field("attempt") == Some(&2.into()))
            .map(|e| e.message().to_owned()),
        Some("retrying".to_owned())
    );
    assert!(logs.contains(Level::Debug, "miss"));
    let events = logs.events();
    let fields: Vec<_> = events[1]
        .fields()
        .iter()
        .map(|f| (f.name, f.value.to_string()))
        .collect();
    assert_eq!(fields, [("attempt", "1".to_owned())]);

    let missing = std::panic::catch_unwind(|| logs.assert_logged(Level::Error, "retrying"))
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert_eq!(
        *missing,
        "expected an event at ERROR whose message contains \"retrying\", but none was captured\n\
         captured 3 event(s):\n    \
         DEBUG capture: cache miss key=user:1\n     \
         WARN capture: retrying attempt=1\n     \
         WARN capture: retrying attempt=2"
    );
    let unexpected = std::panic::catch_unwind(|| logs.assert_not_logged(Level::Warn, "retry"))
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert!(
        unexpected.starts_with(
            "expected no event at WARN whose message contains \"retry\", but this one was \
             captured:\n     WARN capture: retrying attempt=1\n"
        ),
        "{unexpected}"
    );

    logs.clear();
    assert!(logs.is_empty());
    let empty = std::panic::catch_unwind(|| logs.assert_logged(Level::Info, "x"))
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert!(
        empty.ends_with("nothing was captured (with init(), is the level enabled by its filter?)")
    );
}

#[test]
fn golden_lines() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    let span = info_span!("checkout", cart = 3);
    span.in_scope(|| {
        info!("price computed", total = 37.5, currency = "EUR");
        warn!(target: "payments", "card declined", code = "51", note = "insufficient funds");
    });
    ttlog::error!("order {} failed", 1001);
    insta::assert_snapshot!(logs.rendered(), @r#"
     INFO checkout{cart=3}: capture: price computed total=37.5 currency=EUR
     WARN checkout{cart=3}: payments: card declined code=51 note="insufficient funds"
    ERROR capture: order 1001 failed
    "#);
}

#[test]
fn shared_by_scoped_threads() {
    all_levels::assert_every_level_kept();
    let logs = testing::capture();
    let start = Barrier::new(2);
    std::thread::scope(|s| {
        for worker in 0..2 {
            let (logs, start) = (&logs, &start);
            s.spawn(move || {
                start.wait();
                logs.scope(|| info!("scoped", worker));
            });
        }
    });
    assert_eq!(logs.count(|e| e.message() == "scoped"), 2);
}

#[test]
fn events_in_a_trace_context_carry_its_ids() {
    all_levels::assert_every_level_kept();
    const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    let logs = testing::capture();
    let ctx = TraceContext::parse(&format!("00-{TRACE_ID}-00f067aa0ba902b7-01"), None)
        .unwrap()
        .with_correlation_id("c-1")
        .unwrap();
    let (in_ctx, in_child) = info_span!("request", n = 1).in_scope(|| {
        let _entered = ctx.enter();
        let in_ctx = current_trace_context().unwrap();
        info!("in the context");
        let in_child = info_span!("child", step = 2).in_scope(|| {
            info!("in the child", k = 3);
            current_trace_context().unwrap()
        });
        info!("own span_id", span_id = "mine");
        (in_ctx, in_child)
    });
    info!("outside");
    assert_ne!(in_ctx.parent_id, in_child.parent_id);
    let (ctx_span, child_span) = (in_ctx.parent_id.to_string(), in_child.parent_id.to_string());

    let events = logs.events();
    let [ctx_event, child_event, own, outside] = &events[..] else {
        panic!("{events:#?}");
    };
    for (event, span) in [(ctx_event, &ctx_span), (child_event, &child_span)] {
        assert_eq!(event.field("trace_id"), Some(&TRACE_ID.into()), "{event:?}");
        assert_eq!(
            event.field("span_id"),
            Some(&span.as_str().into()),
            "{event:?}"
        );
        assert_eq!(
            event.field("correlation_id"),
            Some(&"c-1".into()),
            "{event:?}"
        );
    }
    assert_eq!(
        child_event.record().trace(),
        Some(TraceFields {
            trace_id: ctx.trace_id,
            span_id: in_child.parent_id,
            correlation_id: "c-1",
        })
    );
    assert_eq!(
        ctx_event.record().trace().unwrap().span_id,
        in_ctx.parent_id
    );
    // The event's own field of the same name wins, as in the formats.
    assert_eq!(own.field("span_id"), Some(&"mine".into()));
    assert_eq!(own.field("trace_id"), Some(&TRACE_ID.into()));
    assert_eq!(outside.field("trace_id"), None);
    assert_eq!(outside.record().trace(), None);
    // The context's span is left out of `spans()`, as scopes leave it out.
    let names = |e: &testing::CapturedEvent| e.spans().iter().map(|s| s.name()).collect::<Vec<_>>();
    assert_eq!(names(ctx_event), ["request"]);
    assert_eq!(names(child_event), ["request", "child"]);
    assert_eq!(names(outside), Vec::<&str>::new());

    let ids = format!("trace_id={TRACE_ID}");
    assert_eq!(
        logs.rendered(),
        format!(
            " INFO request{{n=1}}: capture: in the context {ids} span_id={ctx_span} correlation_id=c-1\n\
             \x20INFO request{{n=1}}:child{{step=2}}: capture: in the child k=3 {ids} span_id={child_span} correlation_id=c-1\n\
             \x20INFO request{{n=1}}: capture: own span_id span_id=mine {ids} correlation_id=c-1\n\
             \x20INFO capture: outside\n"
        )
    );
}
