//! Spans through the real runtime into a snapshot: the collector writes every span it knows,
//! with times, busy time, parent, fields, thread, status and follows-from links, and the
//! snapshot's events resolve their scope through them. (Init is once per process, so this file
//! holds one test.)

mod common;

use std::mem::ManuallyDrop;
use std::time::{Duration, Instant, SystemTime};

use ttlog_core::__private::{self, Parent};
use ttlog_core::sink::{format_record, Format};
use ttlog_core::snapshot::{self, SpanStatus};
use ttlog_core::{Callsite, FieldValue, Level, Span};

static REQUEST: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app::server",
    "src/app.rs",
    11,
    "request",
    &["id", "user", "never"],
);
static DB: Callsite = Callsite::new(
    Level::Info,
    "app::db",
    "app::db",
    "src/db.rs",
    22,
    "db",
    &["table"],
);
static QUERY: Callsite = Callsite::new(
    Level::Info,
    "app::db",
    "app::db",
    "src/db.rs",
    23,
    "query done",
    &["rows"],
);

/// What ttlog reports, at the least, for an interval that lasts at least `ms` milliseconds.
fn at_least(ms: u64) -> Duration {
    common::at_least(Duration::from_millis(ms))
}

#[test]
fn snapshot_holds_every_span() {
    let dir = common::temp_dir("snapshot-spans");
    // Before init, which anchors the clock: bounds the age of every tick reading below.
    let since_init = Instant::now();
    let guard = ttlog_core::init()
        .no_console()
        .level(Level::Info)
        .snapshot_dir(&dir)
        .init();
    let before = SystemTime::now();
    let this_thread = std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_owned();

    let request = __private::new_span(
        &REQUEST,
        Parent::Current,
        ManuallyDrop::new([7.into(), FieldValue::EMPTY, FieldValue::EMPTY]),
    );
    let entered = request.enter();
    request.record("user", "alice");
    let db = __private::new_span(&DB, Parent::Current, ManuallyDrop::new(["users".into()]));
    db.in_scope(|| {
        std::thread::sleep(Duration::from_millis(5));
        __private::emit(&QUERY, ManuallyDrop::new([FieldValue::from(3)]));
    });
    db.set_error();
    let db_id = db.id().unwrap().into_u64();
    drop(db);

    // A span on another thread that follows from the request, closed there.
    let request_id = request.id().unwrap().into_u64();
    let cause = request.id();
    let worker_id = std::thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            let job = __private::new_span(&DB, Parent::Root, ManuallyDrop::new(["jobs".into()]));
            job.follows_from(cause);
            job.in_scope(|| std::thread::sleep(Duration::from_millis(2)));
            job.id().unwrap().into_u64()
        })
        .unwrap()
        .join()
        .unwrap();

    // The request stays entered (and open) while the snapshot is taken.
    std::thread::sleep(Duration::from_millis(20));
    let path = guard.snapshot("spans").unwrap();
    drop(entered);
    drop(request);
    let after = SystemTime::now();
    // Wall times converted from ticks may be off by this much (common::wall_slack).
    let slack = common::wall_slack(since_init.elapsed());
    let (before, after) = (before - slack, after + slack);

    let snap = snapshot::read(&path).unwrap();
    let ids: Vec<u64> = snap.spans.iter().map(|s| s.id()).collect();
    assert_eq!(ids, [request_id, db_id, worker_id]);

    let r = snap.span(request_id).unwrap();
    assert_eq!(
        (r.name(), r.target(), r.level),
        ("request", "app", Level::Info)
    );
    assert_eq!(
        (r.module_path(), r.file(), r.line()),
        ("app::server", "src/app.rs", 11)
    );
    assert_eq!((r.parent(), r.thread()), (0, this_thread.as_str()));
    assert!(r.is_open() && r.duration().is_none());
    assert_eq!(r.status(), SpanStatus::Ok);
    assert!(r.start() >= before && r.start() <= after);
    // Lower bounds only: sleeps can take longer, and ttlog may measure them a little shorter
    // (common::at_least). The request was entered through every sleep: 5 ms in db, the
    // worker's 2 ms (joined), then 20 ms.
    assert!(r.busy() >= at_least(5 + 2 + 20), "{:?}", r.busy());
    let fields: Vec<(&str, String)> = r.fields().map(|f| (f.name, f.value.to_string())).collect();
    assert_eq!(
        fields,
        [("id", "7".to_owned()), ("user", "alice".to_owned())]
    );

    let d = snap.span(db_id).unwrap();
    assert_eq!((d.name(), d.parent()), ("db", request_id));
    assert_eq!(d.status(), SpanStatus::Error);
    assert_eq!(d.thread_id(), r.thread_id());
    let elapsed = d.duration().unwrap();
    assert!(elapsed >= at_least(5), "{elapsed:?}");
    assert!(d.busy() >= at_least(5) && d.busy() <= elapsed);
    assert!(d.start() >= r.start() && d.end().unwrap() <= after);
    let us = d.field("elapsed_us").and_then(|v| v.as_u64()).unwrap();
    assert_eq!(us, elapsed.as_micros() as u64);
    assert!(
        d.field("elapsed_ms").and_then(|v| v.as_f64()).unwrap()
            >= at_least(5).as_secs_f64() * 1000.0
    );
    assert_eq!(d.field("table"), Some(&FieldValue::from("users")));

    let w = snap.span(worker_id).unwrap();
    assert_eq!((w.thread(), w.parent()), ("worker", 0));
    assert_ne!(w.thread_id(), r.thread_id());
    assert_eq!(w.follows_from(), [request_id]);
    assert!(!w.is_open() && w.busy() >= at_least(2));

    // The query event resolves its scope through the snapshot's spans.
    let query = snap
        .events
        .iter()
        .find(|e| e.message() == "query done")
        .unwrap();
    assert_eq!(query.span_id(), db_id);
    let mut line = Vec::new();
    format_record(Format::Compact, &snap.record(query), &mut line);
    let line = String::from_utf8(line).unwrap();
    assert!(
        line.contains("INFO request{id=7 user=alice}:db{table=users}: app::db: query done rows=3"),
        "{line}"
    );
    assert!(Span::current().is_none());
    drop(guard);
}
