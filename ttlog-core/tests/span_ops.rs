//! What a span sends to a custom logger: creation with its parent and values, enter/exit,
//! records, follows-from, error, and exactly one close when the last clone is dropped, from
//! whichever thread drops it. Small enough for Miri (CI runs it there), which checks the
//! lazily allocated reference count of cloned spans.

use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};

use ttlog_core::__private::{self, Parent};
use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, Logger, Span};

static SPAN: Callsite = Callsite::new(Level::Info, "t", "t", "t.rs", 1, "work", &["n", "later"]);
static EVENT: Callsite = Callsite::new(Level::Info, "t", "t", "t.rs", 2, "inside", &[]);

#[derive(Default)]
struct Capture {
    ops: Mutex<Vec<String>>,
}

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.ops
            .lock()
            .unwrap()
            .push(format!("event span={}", event.span_id()));
    }

    fn span(&self, op: SpanOp) {
        assert_ne!(op.thread, 0, "the thread is filled in");
        let id = op.id.into_u64();
        let line = match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => format!(
                "new {id} {} parent={} values={values:?}",
                callsite.message(),
                parent.map_or(0, |p| p.into_u64())
            ),
            SpanOpKind::Record { field, value } => format!("record {id} {field}={value}"),
            SpanOpKind::Enter => format!("enter {id}"),
            SpanOpKind::Exit => format!("exit {id}"),
            SpanOpKind::FollowsFrom(from) => format!("follows {id} {}", from.into_u64()),
            SpanOpKind::Error => format!("error {id}"),
            SpanOpKind::Close => format!("close {id}"),
            _ => format!("other {id}"),
        };
        self.ops.lock().unwrap().push(line);
    }
}

fn new_span(parent: Parent<'_>, n: i64) -> Span {
    __private::new_span(
        &SPAN,
        parent,
        ManuallyDrop::new([FieldValue::from(n), FieldValue::EMPTY]),
    )
}

#[test]
fn span_operations_reach_the_logger() {
    let capture = Arc::new(Capture::default());
    ttlog_core::set_logger(capture.clone());
    let take = || std::mem::take(&mut *capture.ops.lock().unwrap());

    let outer = new_span(Parent::Current, 1);
    let a = outer.id().unwrap().into_u64();
    assert_eq!(
        take(),
        [format!("new {a} work parent=0 values=[1, <empty>]")]
    );
    {
        let _e = outer.enter();
        let inner = new_span(Parent::Current, 2);
        let b = inner.id().unwrap().into_u64();
        inner.record("later", "x").record("unknown", &5).set_error();
        inner.follows_from(&outer);
        inner.in_scope(|| __private::emit(&EVENT, ManuallyDrop::new([])));
        drop(inner);
        assert_eq!(
            take(),
            [
                format!("enter {a}"),
                format!("new {b} work parent={a} values=[2, <empty>]"),
                format!("record {b} 1=x"),
                format!("error {b}"),
                format!("follows {b} {a}"),
                format!("enter {b}"),
                format!("event span={b}"),
                format!("exit {b}"),
                format!("close {b}"),
            ]
        );
    }
    assert_eq!(take(), [format!("exit {a}")]);

    // Clones: the span closes once, when the last one goes, on whichever thread that is.
    let clones: Vec<Span> = (0..4).map(|_| outer.clone()).collect();
    drop(outer);
    let current = Span::current();
    assert!(current.is_none());
    let threads: Vec<_> = clones
        .into_iter()
        .map(|span| {
            std::thread::spawn(move || {
                let again = span.clone();
                drop(span);
                drop(again);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let ops = take();
    assert_eq!(ops, [format!("close {a}")]);

    // Racing first clones of one handle from two threads install one shared count.
    let root = new_span(Parent::Root, 3);
    let c = root.id().unwrap().into_u64();
    assert_eq!(
        take(),
        [format!("new {c} work parent=0 values=[3, <empty>]")]
    );
    let root = Arc::new(root);
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || Span::clone(&root))
        })
        .collect();
    let clones: Vec<Span> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    drop(Arc::try_unwrap(root).unwrap());
    assert!(!take().iter().any(|op| op.starts_with("close")));
    drop(clones);
    assert_eq!(take(), [format!("close {c}")]);

    // `Span::current` names the entered span without keeping it open.
    let span = new_span(Parent::Root, 4);
    let d = span.id().unwrap().into_u64();
    let current = span.in_scope(Span::current);
    assert_eq!(current.id(), span.id());
    drop(span);
    let ops = take();
    assert_eq!(ops.last().unwrap(), &format!("close {d}"));
    drop(current.clone());
    drop(current);
    assert!(
        take().is_empty(),
        "a current() handle never closes the span"
    );

    // Entered spans: `entered` and `exit` hand the span back.
    let span = new_span(Parent::Root, 5);
    let e = span.id().unwrap().into_u64();
    let entered = span.entered();
    assert_eq!(Span::current().id().unwrap().into_u64(), e);
    let span = entered.exit();
    assert!(Span::current().is_none());
    drop(span);
    let ops = take();
    assert_eq!(
        ops[1..],
        [
            format!("enter {e}"),
            format!("exit {e}"),
            format!("close {e}")
        ]
    );
}
