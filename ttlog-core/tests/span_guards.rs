//! The thread's stack of entered spans: guards dropped in any order leave the innermost span
//! still entered as the current one; nesting deeper than the stack unwinds correctly; and a
//! custom logger that panics while a span is entered or exited neither loses a pinned future's
//! destructor nor a span's close. (Its own process: it installs a custom logger.)

use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use ttlog_core::__private::{self, Parent};
use ttlog_core::span::{Instrument, SpanOp, SpanOpKind};
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, Logger, Span};

static SPAN: Callsite = Callsite::new(Level::Info, "t", "t", "t.rs", 1, "work", &["n"]);

static PANIC_ON_ENTER: AtomicBool = AtomicBool::new(false);
static PANIC_ON_EXIT: AtomicBool = AtomicBool::new(false);
/// How many more exits panic (counted down), for a panic that happens once.
static PANIC_ON_NEXT_EXITS: AtomicUsize = AtomicUsize::new(0);
static SERIAL: Mutex<()> = Mutex::new(());

#[derive(Default)]
struct Capture {
    ops: Mutex<Vec<String>>,
}

impl Logger for Capture {
    fn log(&self, _event: LogEvent) {}

    fn span(&self, op: SpanOp) {
        match op.kind {
            SpanOpKind::Enter if PANIC_ON_ENTER.load(Ordering::SeqCst) => panic!("enter"),
            SpanOpKind::Exit if PANIC_ON_EXIT.load(Ordering::SeqCst) => panic!("exit"),
            SpanOpKind::Exit
                if PANIC_ON_NEXT_EXITS
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok() =>
            {
                panic!("exit")
            }
            _ => {}
        }
        let id = op.id.into_u64();
        let line = match op.kind {
            SpanOpKind::Close => format!("close {id}"),
            SpanOpKind::Enter => format!("enter {id}"),
            SpanOpKind::Exit => format!("exit {id}"),
            _ => return,
        };
        self.ops.lock().unwrap().push(line);
    }
}

fn capture() -> (std::sync::MutexGuard<'static, ()>, &'static Capture) {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    let lock = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let c = CAPTURE.get_or_init(|| {
        let c = Arc::new(Capture::default());
        ttlog_core::set_logger(c.clone());
        c
    });
    c.ops.lock().unwrap().clear();
    (lock, c)
}

fn span(n: i64) -> Span {
    __private::new_span(
        &SPAN,
        Parent::Root,
        ManuallyDrop::new([FieldValue::from(n)]),
    )
}

fn current() -> Option<u64> {
    Span::current().id().map(|id| id.into_u64())
}

fn id(s: &Span) -> Option<u64> {
    s.id().map(|id| id.into_u64())
}

#[test]
fn guards_dropped_out_of_order_leave_the_innermost_entered_span_current() {
    let _c = capture();
    let (a, b, c) = (span(1), span(2), span(3));
    let ga = a.enter();
    let gb = b.enter();
    let gc = c.enter();
    drop(gb); // out of order: c stays current
    assert_eq!(current(), id(&c));
    drop(gc);
    assert_eq!(current(), id(&a));
    // New spans now get `a` as their parent, not the exited `b`.
    let child = __private::new_span(&SPAN, Parent::Current, ManuallyDrop::new([4.into()]));
    drop(child);
    drop(ga);
    assert_eq!(current(), None);

    // The same with owned guards and raw entries, and a span entered twice: as in
    // tracing-subscriber, an exit removes the span's innermost entry.
    let ea = a.clone().entered();
    let token = b.enter_raw();
    let again = a.enter();
    drop(ea); // stack [a, b, a] -> [a, b]
    assert_eq!(current(), id(&b));
    b.exit_raw(token); // -> [a]
    assert_eq!(current(), id(&a));
    drop(again); // -> []
    assert_eq!(current(), None);
}

#[test]
fn nesting_deeper_than_the_stack_unwinds() {
    let _c = capture();
    const DEPTH: usize = 64; // the stack's depth
    let spans: Vec<Span> = (0..100).map(span).collect();
    let mut guards = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        guards.push(s.enter());
        // Beyond the stack, the deepest span it holds stays current.
        assert_eq!(current(), id(&spans[i.min(DEPTH - 1)]));
    }
    while let Some(g) = guards.pop() {
        drop(g);
        let expected = guards
            .len()
            .checked_sub(1)
            .map(|i| &spans[i.min(DEPTH - 1)]);
        assert_eq!(current(), expected.and_then(id));
    }
    assert_eq!(current(), None);
}

/// A `!Unpin` future that counts its drops.
struct MustDrop {
    dropped: Arc<AtomicUsize>,
    _pin: std::marker::PhantomPinned,
}

impl Future for MustDrop {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for MustDrop {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_logger_panicking_on_enter_does_not_skip_the_pinned_futures_drop() {
    let _c = capture();
    let dropped = Arc::new(AtomicUsize::new(0));
    let fut = Box::pin(
        MustDrop {
            dropped: dropped.clone(),
            _pin: std::marker::PhantomPinned,
        }
        .instrument(span(5)),
    );
    PANIC_ON_ENTER.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| drop(fut)));
    PANIC_ON_ENTER.store(false, Ordering::SeqCst);
    assert!(result.is_err());
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    // Entering panicked before the stack changed.
    assert_eq!(current(), None);
}

#[test]
fn a_logger_panicking_on_exit_does_not_lose_the_close() {
    let (_l, c) = capture();
    let s = span(6);
    let sid = id(&s).unwrap();
    let entered = s.entered();
    PANIC_ON_EXIT.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| drop(entered)));
    PANIC_ON_EXIT.store(false, Ordering::SeqCst);
    assert!(result.is_err());
    assert_eq!(
        current(),
        None,
        "the stack was restored before the exit was sent"
    );
    let ops = c.ops.lock().unwrap().clone();
    assert_eq!(ops, [format!("enter {sid}"), format!("close {sid}")]);
}

#[test]
fn exiting_an_entered_span_whose_logger_panics_exits_it_once() {
    let (_l, c) = capture();
    let s = span(7);
    let sid = id(&s).unwrap();
    let outer = s.enter();
    let inner = s.clone().entered();
    PANIC_ON_NEXT_EXITS.store(1, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| inner.exit()));
    assert!(result.is_err());
    assert_eq!(
        current(),
        Some(sid),
        "only the inner entry left the stack: the outer entry of the same span is current"
    );
    drop(outer);
    assert_eq!(current(), None);
    let exits = c
        .ops
        .lock()
        .unwrap()
        .iter()
        .filter(|op| **op == format!("exit {sid}"))
        .count();
    assert_eq!(
        exits, 1,
        "the panicking exit is not recorded; the outer one is"
    );
}
