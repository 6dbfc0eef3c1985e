//! TracingSubscriber, scoped with `with_default`, seen from ttlog's side: the events and span
//! operations it hands to ttlog's logger (a capturing one, see tracing_common).
#![cfg(feature = "tracing")]

mod tracing_common;

use std::fmt;

use tracing::field;
use tracing_common::{capture, events, new_op, ops, span_id, start, Op};
use ttlog_core::{FieldValue, Level, ValueRef};
use ttlog_integrations::tracing::TracingSubscriber;

fn run<T>(f: impl FnOnce() -> T) -> T {
    capture();
    tracing::subscriber::with_default(TracingSubscriber::new(), f)
}

#[derive(Debug)]
struct Oops;

impl fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("it broke")
    }
}

impl std::error::Error for Oops {}

#[test]
fn events_keep_every_field_type() {
    let _g = start();
    let line = line!() + 3;
    run(|| {
        let err = Oops;
        tracing::warn!(
            i = -3i64,
            u = 7u64,
            small = 5u8,
            big = i128::MIN,
            ubig = u128::MAX,
            f = 1.5,
            b = true,
            s = "text",
            e = &err as &(dyn std::error::Error + 'static),
            d = ?vec![1, 2],
            p = %"shown",
            empty = field::Empty,
            "done in {} steps",
            3
        );
    });
    let events = events();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e.level, Level::Warn);
    assert_eq!(e.message, "done in 3 steps");
    assert_eq!(e.target, module_path!());
    assert_eq!(e.module_path, module_path!());
    assert!(e.file.ends_with("tracing_subscriber.rs"), "{}", e.file);
    assert_eq!(e.line, line);
    assert_eq!(e.span, 0);
    let t = |name: &str| e.field(name).unwrap().as_ref();
    assert_eq!(t("i"), ValueRef::I64(-3));
    assert_eq!(t("u"), ValueRef::U64(7));
    assert_eq!(t("small"), ValueRef::U64(5));
    assert_eq!(t("big"), ValueRef::I128(i128::MIN));
    assert_eq!(t("ubig"), ValueRef::U128(u128::MAX));
    assert_eq!(t("f"), ValueRef::F64(1.5));
    assert_eq!(t("b"), ValueRef::Bool(true));
    assert_eq!(t("s"), ValueRef::Str("text"));
    assert_eq!(t("e"), ValueRef::Str("it broke"));
    assert_eq!(t("d"), ValueRef::Str("[1, 2]"));
    assert_eq!(t("p"), ValueRef::Str("shown"));
    assert_eq!(t("empty"), ValueRef::Empty);
    // `message` is the message, not a field.
    assert!(e.field("message").is_none());
    let names: Vec<&str> = e.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["i", "u", "small", "big", "ubig", "f", "b", "s", "e", "d", "p", "empty"]
    );
}

#[test]
fn events_carry_their_span_scope() {
    let _g = start();
    run(|| {
        let request = tracing::info_span!("request", id = 7);
        let _r = request.enter();
        let db = tracing::debug_span!("db", table = "users");
        db.in_scope(|| tracing::info!("query done"));
        tracing::info!("after db");
    });
    let (request, db) = (span_id("request"), span_id("db"));
    assert_eq!(
        new_op(request),
        Op::New {
            id: request,
            parent: None,
            name: "request".into(),
            fields: vec![("id".into(), FieldValue::from(7i64))],
        }
    );
    assert_eq!(
        new_op(db),
        Op::New {
            id: db,
            parent: Some(request),
            name: "db".into(),
            fields: vec![("table".into(), FieldValue::from("users"))],
        }
    );
    let events = events();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (events[0].message.as_str(), events[0].span),
        ("query done", db)
    );
    assert_eq!(
        (events[1].message.as_str(), events[1].span),
        ("after db", request)
    );
    // Each span entered and exited once, then closed, in order.
    let ops: Vec<Op> = ops()
        .into_iter()
        .filter(|op| !matches!(op, Op::New { .. }))
        .collect();
    assert_eq!(
        ops,
        [
            Op::Enter(request),
            Op::Enter(db),
            Op::Exit(db),
            Op::Close(db),
            Op::Exit(request),
            Op::Close(request),
        ]
    );
}

#[test]
fn explicit_parents_and_roots() {
    let _g = start();
    run(|| {
        let a = tracing::info_span!("a");
        let b = tracing::info_span!("b");
        let _b = b.enter();
        tracing::info!(parent: &a, "to a");
        tracing::info!(parent: a.id(), "to a by id");
        tracing::info!(parent: None, "in no span");
        tracing::info!("in b");
        let child = tracing::info_span!(parent: &a, "child");
        let root = tracing::info_span!(parent: None, "root");
        let contextual = tracing::info_span!("contextual");
        drop((child, root, contextual));
    });
    let (a, b) = (span_id("a"), span_id("b"));
    let events = events();
    assert_eq!(events.len(), 4);
    assert!(events[..2].iter().all(|e| e.span == a), "{events:?}");
    assert_eq!(events[2].span, 0, "parent: None is in no span: {events:?}");
    assert_eq!(events[3].span, b, "{events:?}");
    let parent = |name| match new_op(span_id(name)) {
        Op::New { parent, .. } => parent,
        _ => unreachable!(),
    };
    assert_eq!(parent("child"), Some(a));
    assert_eq!(parent("root"), None);
    assert_eq!(parent("contextual"), Some(b));
}

#[test]
fn record_and_follows_from() {
    let _g = start();
    run(|| {
        let cause = tracing::info_span!("cause");
        let span = tracing::info_span!("work", user = field::Empty, n = 1u64);
        span.record("user", "alice");
        span.record("n", 2u64);
        span.record("undeclared", 3u64);
        span.follows_from(&cause);
    });
    let (cause, work) = (span_id("cause"), span_id("work"));
    let ops = ops();
    assert!(ops.contains(&Op::Record(work, "user".into(), FieldValue::from("alice"))));
    assert!(ops.contains(&Op::Record(work, "n".into(), FieldValue::from(2u64))));
    assert_eq!(
        ops.iter().filter(|op| matches!(op, Op::Record(..))).count(),
        2
    );
    assert!(ops.contains(&Op::FollowsFrom(work, cause)));
    match new_op(work) {
        Op::New { fields, .. } => assert_eq!(
            fields,
            [
                ("user".into(), FieldValue::EMPTY),
                ("n".into(), FieldValue::from(1u64))
            ]
        ),
        _ => unreachable!(),
    }
}

#[test]
fn a_span_closes_with_its_last_handle() {
    let _g = start();
    let dispatch = tracing::Dispatch::new(TracingSubscriber::new());
    let open = || {
        dispatch
            .downcast_ref::<TracingSubscriber>()
            .unwrap()
            .open_spans()
    };
    capture();
    tracing::dispatcher::with_default(&dispatch, || {
        let span = tracing::info_span!("shared");
        let id = span_id("shared");
        let clones: Vec<tracing::Span> = (0..3).map(|_| span.clone()).collect();
        drop(span);
        let handle = std::thread::spawn(move || drop(clones));
        handle.join().unwrap();
        assert_eq!(open(), 0);
        assert_eq!(ops().iter().filter(|op| **op == Op::Close(id)).count(), 1);
        let kept = tracing::info_span!("kept");
        let clone = kept.clone();
        drop(kept);
        assert_eq!(open(), 1);
        assert!(!ops().contains(&Op::Close(span_id("kept"))));
        drop(clone);
        assert!(ops().contains(&Op::Close(span_id("kept"))));
    });
    assert_eq!(open(), 0);
}

#[test]
fn ttlog_and_tracing_share_the_current_span() {
    let _g = start();
    run(|| {
        let outer = tracing::info_span!("outer");
        let _o = outer.enter();
        // ttlog's current span is tracing's.
        assert_eq!(
            ttlog_core::Span::current().id().map(|id| id.into_u64()),
            outer.id().map(|id| id.into_u64())
        );
        assert_eq!(tracing::Span::current().id(), outer.id());
        // A ttlog span inside a tracing span is its child, and a tracing span inside it is
        // the ttlog span's child.
        let native = ttlog::info_span!("native");
        native.in_scope(|| {
            ttlog::info!("from ttlog");
            let inner = tracing::info_span!("inner");
            inner.in_scope(|| tracing::info!("from tracing"));
        });
        ttlog::info!("ttlog after");
    });
    let (outer, native, inner) = (span_id("outer"), span_id("native"), span_id("inner"));
    let parent = |id| match new_op(id) {
        Op::New { parent, .. } => parent,
        _ => unreachable!(),
    };
    assert_eq!(parent(native), Some(outer));
    assert_eq!(parent(inner), Some(native));
    let spans: Vec<(String, u64)> = events().into_iter().map(|e| (e.message, e.span)).collect();
    assert_eq!(
        spans,
        [
            ("from ttlog".to_owned(), native),
            ("from tracing".to_owned(), inner),
            ("ttlog after".to_owned(), outer)
        ]
    );
    assert!(ttlog_core::Span::current().is_none());
}

#[test]
fn spans_exited_out_of_order() {
    let _g = start();
    run(|| {
        let a = tracing::info_span!("a").entered();
        let b = tracing::info_span!("b").entered();
        let b_id = b.id();
        drop(a); // out of order: b is still entered
        assert_eq!(tracing::Span::current().id(), b_id);
        tracing::info!("in b");
        drop(b);
        assert!(tracing::Span::current().is_none());
        assert!(ttlog_core::Span::current().is_none());
        tracing::info!("in none");
    });
    let (a, b) = (span_id("a"), span_id("b"));
    let events = events();
    assert_eq!(events[0].span, b);
    assert_eq!(events[1].span, 0);
    // ttlog sees the exits as they happened.
    let exits: Vec<Op> = ops()
        .into_iter()
        .filter(|op| matches!(op, Op::Exit(_)))
        .collect();
    assert_eq!(exits, [Op::Exit(a), Op::Exit(b)]);
}

#[test]
fn instrumented_functions() {
    #[tracing::instrument(skip(_secret), fields(extra = 1), ret, err)]
    fn parse(raw: &str, _secret: &str) -> Result<u32, std::num::ParseIntError> {
        tracing::debug!("parsing");
        raw.parse()
    }

    let _g = start();
    run(|| {
        assert_eq!(parse("12", "hunter2"), Ok(12));
        assert!(parse("x", "hunter2").is_err());
    });
    let ids: Vec<u64> = ops()
        .iter()
        .filter_map(|op| match op {
            Op::New {
                id, name, fields, ..
            } if name == "parse" => {
                assert!(fields.iter().all(|(n, _)| n != "_secret"));
                assert!(fields.contains(&("extra".into(), FieldValue::from(1i64))));
                Some(*id)
            }
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    let events = events();
    let summary: Vec<(Level, u64, Option<String>)> = events
        .iter()
        .map(|e| {
            let value = e
                .field("return")
                .or(e.field("error"))
                .map(|v| v.to_string());
            (e.level, e.span, value)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Level::Debug, ids[0], None),
            (Level::Info, ids[0], Some("12".to_owned())),
            (Level::Debug, ids[1], None),
            (
                Level::Error,
                ids[1],
                Some("invalid digit found in string".to_owned())
            ),
        ]
    );
}
