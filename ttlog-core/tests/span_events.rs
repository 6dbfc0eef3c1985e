//! `Builder::span_events`: `new` and `close` lines, the latter with the span's timings.

use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ttlog_core::__private::{self, Parent};
use ttlog_core::{Callsite, FieldValue, Level, Record, SpanEvents};

mod common;

static SPAN: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "job", &["n"]);

/// (message, scope names joined by ':', fields as text).
type Seen = Vec<(String, String, Vec<(String, String)>)>;

#[test]
fn new_and_close_lines_carry_scope_and_timings() {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let keep = seen.clone();
    let guard = ttlog_core::init()
        .no_console()
        .span_events(SpanEvents::FULL)
        .sink(move |r: &Record<'_>| {
            let scope: Vec<String> = r
                .scope()
                .root_first()
                .iter()
                .map(|s| s.name.to_owned())
                .collect();
            keep.lock().unwrap().push((
                r.message.to_owned(),
                scope.join(":"),
                r.fields
                    .iter()
                    .map(|f| (f.name.to_owned(), f.value.to_string()))
                    .collect(),
            ));
        })
        .init();

    let span = __private::new_span(
        &SPAN,
        Parent::Current,
        ManuallyDrop::new([FieldValue::from(1)]),
    );
    span.in_scope(|| std::thread::sleep(Duration::from_millis(20)));
    std::thread::sleep(Duration::from_millis(20));
    drop(span);
    assert!(guard.flush());

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!((seen[0].0.as_str(), seen[0].1.as_str()), ("new", "job"));
    assert!(seen[0].2.is_empty());
    let (message, scope, fields) = &seen[1];
    assert_eq!((message.as_str(), scope.as_str()), ("close", "job"));
    let get = |name: &str| -> f64 {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .parse()
            .unwrap()
    };
    let (ms, us, busy) = (get("elapsed_ms"), get("elapsed_us"), get("busy_us"));
    // Lower bounds only: sleeps can take longer, and ttlog may measure them a little shorter
    // (common::at_least). The span lived through both sleeps and was entered for the first.
    let micros = |ms: u64| common::at_least(Duration::from_millis(ms)).as_micros() as f64;
    assert!(us >= micros(40), "{fields:?}");
    assert!((ms * 1000.0 - us).abs() < 1000.0, "{fields:?}");
    assert!(busy >= micros(20) && busy <= us, "{fields:?}");
}
