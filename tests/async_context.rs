//! A request's context crosses `.await`s and worker threads on a multi-threaded tokio
//! runtime, through the real runtime: a `request_id` recorded once on the request's span
//! appears in the scope of every event of that request (and of no other), whichever worker
//! polled it; the snapshot holds the spans with their parents. Requests 1 and 2 wait for each
//! other before their first `.await`, so they run on both workers at once. (Init is once per
//! process, so this file has one test.)

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use ttlog::sink::{format_record, Format};
use ttlog::{field, info, Instrument, Record};

/// One formatted line per event: (thread name, compact line without the timestamp, JSON).
type Lines = Arc<Mutex<Vec<(String, String, String)>>>;

/// Blocks its worker until both requests 1 and 2 have arrived: they are then running at the
/// same time, so on different workers.
fn rendezvous() {
    static ARRIVED: Mutex<u32> = Mutex::new(0);
    static ALL_HERE: Condvar = Condvar::new();
    let mut arrived = ARRIVED.lock().unwrap();
    *arrived += 1;
    ALL_HERE.notify_all();
    let (arrived, timeout) = ALL_HERE
        .wait_timeout_while(arrived, Duration::from_secs(60), |n| *n < 2)
        .unwrap();
    assert!(!timeout.timed_out(), "only {} of 2 arrived", *arrived);
}

#[ttlog::instrument(skip_all, fields(request_id = field::Empty))]
async fn handle(request_id: u64, steps: u32) {
    ttlog::Span::current().record("request_id", &request_id);
    info!("started");
    if request_id <= 2 {
        rendezvous();
    }
    for step in 0..steps {
        tokio::time::sleep(Duration::from_millis(1)).await;
        info!(step, "step done");
        tokio::task::yield_now().await;
    }
    lookup(request_id).await;
}

#[ttlog::instrument]
async fn lookup(key: u64) {
    tokio::task::yield_now().await;
    info!("looked up");
}

#[test]
fn request_context_crosses_awaits_and_threads() {
    let lines: Lines = Arc::default();
    let keep = lines.clone();
    let dir = std::env::temp_dir().join(format!("ttlog-async-{}", std::process::id()));
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .sink(move |r: &Record<'_>| {
            let mut compact = Vec::new();
            format_record(Format::Compact, r, &mut compact);
            let compact = String::from_utf8(compact).unwrap();
            let compact = compact.trim_end().split_once(' ').unwrap().1.trim_start();
            let mut json = Vec::new();
            format_record(Format::Json, r, &mut json);
            keep.lock().unwrap().push((
                r.thread_name.to_owned(),
                compact.to_owned(),
                String::from_utf8(json).unwrap(),
            ));
        })
        .init();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name_fn(|| {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            format!("worker-{n}")
        })
        .enable_time()
        .build()
        .unwrap();
    const REQUESTS: u64 = 8;
    const STEPS: u32 = 5;
    rt.block_on(async {
        let tasks: Vec<_> = (1..=REQUESTS)
            .map(|id| tokio::spawn(handle(id, STEPS).in_current_span()))
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    drop(rt);
    let path = guard.snapshot("async").unwrap();
    assert!(guard.flush());

    let lines = lines.lock().unwrap();
    for id in 1..=REQUESTS {
        let prefix = format!("INFO handle{{request_id={id}}}: ");
        let steps: Vec<&str> = lines
            .iter()
            .filter(|(_, l, _)| l.starts_with(&prefix))
            .map(|(_, l, _)| l.as_str())
            .collect();
        let expected: Vec<String> = std::iter::once(format!("{prefix}async_context: started"))
            .chain((0..STEPS).map(|s| format!("{prefix}async_context: step done step={s}")))
            .collect();
        assert_eq!(steps, expected, "request {id}");
        let nested =
            format!("INFO handle{{request_id={id}}}:lookup{{key={id}}}: async_context: looked up");
        assert_eq!(
            lines.iter().filter(|(_, l, _)| *l == nested).count(),
            1,
            "{nested}"
        );
    }
    // Every event is in exactly one request (none lost its context), and the work was
    // spread over both workers: requests 1 and 2 started on different ones.
    let events = REQUESTS * (u64::from(STEPS) + 2);
    assert_eq!(lines.len() as u64, events);
    assert!(lines
        .iter()
        .all(|(_, l, _)| l.starts_with("INFO handle{request_id=")));
    let threads: HashSet<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(threads, HashSet::from(["worker-0", "worker-1"]));
    let started_on = |id: u64| {
        let line = format!("INFO handle{{request_id={id}}}: async_context: started");
        let (thread, _, _) = lines.iter().find(|(_, l, _)| *l == line).unwrap();
        thread.as_str()
    };
    assert_ne!(started_on(1), started_on(2));
    // JSON: the request id is a number in the root span object.
    assert!(lines
        .iter()
        .all(|(_, _, j)| j.contains(r#""spans":[{"request_id":"#)));

    // The snapshot: one `handle` span per request, each with one `lookup` child, closed.
    let snap = ttlog::snapshot::read(&path).unwrap();
    let handles: Vec<_> = snap.spans.iter().filter(|s| s.name() == "handle").collect();
    assert_eq!(handles.len() as u64, REQUESTS);
    for h in &handles {
        let children: Vec<_> = snap.spans.iter().filter(|s| s.parent() == h.id()).collect();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].name(), "lookup");
        assert!(h.duration().unwrap() >= common::at_least(Duration::from_millis(u64::from(STEPS))));
        assert!(h.duration() >= children[0].duration());
    }
    // Every event, each inside its request's span.
    assert_eq!(snap.events.len() as u64, events);
    for e in &snap.events {
        let scope: Vec<String> = snap
            .record(e)
            .scope()
            .root_first()
            .iter()
            .map(|s| s.name.to_owned())
            .collect();
        assert_eq!(scope[0], "handle", "{}", e.message());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
