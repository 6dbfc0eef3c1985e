//! Spans through the real runtime: events carry their scope into every format, across
//! threads and across polls of a future. (Init is once per process, so this file holds one
//! test that runs the scenarios in order.)

use std::future::Future;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ttlog_core::__private::{self, Parent};
use ttlog_core::sink::{format_record, Format};
use ttlog_core::{Callsite, FieldValue, Instrument, Level, Record, Span};

static REQUEST: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app",
    "src/app.rs",
    1,
    "request",
    &["id", "user"],
);
static DB: Callsite = Callsite::new(
    Level::Info,
    "app::db",
    "app::db",
    "src/db.rs",
    2,
    "db",
    &["table"],
);
static QUERY: Callsite = Callsite::new(
    Level::Info,
    "app::db",
    "app::db",
    "src/db.rs",
    3,
    "query done",
    &["rows"],
);
static PLAIN: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 4, "plain", &[]);
static DEBUG_SPAN: Callsite =
    Callsite::new(Level::Debug, "app", "app", "src/app.rs", 5, "hidden", &[]);

fn span(cs: &'static Callsite, parent: Parent<'_>, values: Vec<FieldValue>) -> Span {
    if !__private::enabled(cs, cs.level()) {
        return Span::none();
    }
    match values.len() {
        0 => __private::new_span(cs, parent, ManuallyDrop::new([])),
        1 => {
            let [a]: [FieldValue; 1] = values.try_into().unwrap();
            __private::new_span(cs, parent, ManuallyDrop::new([a]))
        }
        _ => {
            let [a, b]: [FieldValue; 2] = values.try_into().unwrap();
            __private::new_span(cs, parent, ManuallyDrop::new([a, b]))
        }
    }
}

fn query(rows: i64) {
    __private::emit(&QUERY, ManuallyDrop::new([FieldValue::from(rows)]));
}

fn plain() {
    __private::emit(&PLAIN, ManuallyDrop::new([]));
}

#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<(String, String)>>>);

impl Lines {
    /// (compact line without the timestamp, JSON line without the timestamp), in order.
    fn take(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn strip_time(line: &[u8]) -> String {
    let s = String::from_utf8(line.to_vec()).unwrap();
    let s = s.trim_end();
    match s.find("\"level\"") {
        Some(i) if s.starts_with('{') => format!("{{{}", &s[i..]),
        _ => s.split_once(' ').unwrap().1.trim_start().to_owned(),
    }
}

fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn spans_reach_every_format_and_cross_threads_and_polls() {
    let lines = Lines::default();
    let sink_lines = lines.clone();
    let guard = ttlog_core::init()
        .no_console()
        .level(Level::Info)
        .sink(move |r: &Record<'_>| {
            let mut compact = Vec::new();
            format_record(Format::Compact, r, &mut compact);
            let mut json = Vec::new();
            format_record(Format::Json, r, &mut json);
            sink_lines
                .0
                .lock()
                .unwrap()
                .push((strip_time(&compact), strip_time(&json)));
        })
        .init();

    // Nested spans, a field recorded later, fields declared empty left out.
    let request = span(&REQUEST, Parent::Current, vec![7.into(), FieldValue::EMPTY]);
    {
        let _r = request.enter();
        plain();
        request.record("user", "alice");
        let db = span(&DB, Parent::Current, vec!["users".into()]);
        db.in_scope(|| query(3));
        plain();
    }
    plain();
    assert!(guard.flush());
    let got = lines.take();
    let compact: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        compact,
        [
            "INFO request{id=7}: app: plain",
            "INFO request{id=7 user=alice}:db{table=users}: app::db: query done rows=3",
            "INFO request{id=7 user=alice}: app: plain",
            "INFO app: plain",
        ]
    );
    let json = &got[1].1;
    assert!(
        json.contains(r#""span":{"table":"users","name":"db"},"spans":[{"id":7,"user":"alice","name":"request"},{"table":"users","name":"db"}]"#),
        "{json}"
    );
    assert!(!got[3].1.contains("\"span\""), "{}", got[3].1);

    // A disabled span (DEBUG under an INFO filter) is the none span and changes nothing.
    let hidden = span(&DEBUG_SPAN, Parent::Current, vec![]);
    assert!(hidden.is_none());
    let root = span(&REQUEST, Parent::Root, vec![1.into(), "bob".into()]);
    root.in_scope(|| hidden.in_scope(plain));

    // A root span ignores the current span; an explicit parent is honoured.
    root.in_scope(|| {
        let orphan = span(&DB, Parent::Root, vec!["orphans".into()]);
        orphan.in_scope(plain);
    });
    let adopted = span(&DB, __private::parent_of(&root), vec!["adopted".into()]);
    adopted.in_scope(plain);

    // The span crosses to another thread with a clone, and `Span::current` names it there.
    let moved = root.clone();
    std::thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            let _e = moved.enter();
            assert_eq!(Span::current().id(), moved.id());
            query(9);
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(Span::current().is_none());

    // A future keeps its span across polls, polled from two different threads.
    let mut fut = Box::pin(
        async {
            plain();
            Yield(false).await;
            query(11);
        }
        .instrument(span(&DB, Parent::Root, vec!["async".into()])),
    );
    assert!(poll_once(fut.as_mut()).is_pending());
    plain(); // outside the future: no span
    std::thread::spawn(move || assert!(poll_once(fut.as_mut()).is_ready()))
        .join()
        .unwrap();

    assert!(guard.flush());
    let compact: Vec<String> = lines.take().into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        compact,
        [
            "INFO request{id=1 user=bob}: app: plain",
            "INFO db{table=orphans}: app: plain",
            "INFO request{id=1 user=bob}:db{table=adopted}: app: plain",
            "INFO request{id=1 user=bob}: app::db: query done rows=9",
            "INFO db{table=async}: app: plain",
            "INFO app: plain",
            "INFO db{table=async}: app::db: query done rows=11",
        ]
    );
}

/// Pending once, then ready.
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}
