//! Millions of tracing spans, created, cloned across threads, entered and dropped: every one
//! is closed exactly once, when its last handle goes, and the subscriber's table ends empty.
#![cfg(feature = "tracing")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{LogEvent, Logger};
use ttlog_integrations::tracing::TracingSubscriber;

/// Spans per thread.
const COUNT: u64 = if cfg!(debug_assertions) {
    300_000
} else {
    1_000_000
};
const THREADS: u64 = 4;

#[derive(Default)]
struct Count {
    new: AtomicU64,
    close: AtomicU64,
    enter: AtomicU64,
    exit: AtomicU64,
}

impl Logger for Count {
    fn log(&self, _: LogEvent) {}

    fn span(&self, op: SpanOp) {
        let counter = match op.kind {
            SpanOpKind::New { .. } => &self.new,
            SpanOpKind::Close => &self.close,
            SpanOpKind::Enter => &self.enter,
            SpanOpKind::Exit => &self.exit,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn no_span_leaks() {
    let count = Arc::new(Count::default());
    ttlog_core::set_logger(count.clone());
    ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    let dispatch = tracing::Dispatch::new(TracingSubscriber::new());
    let subscriber = || dispatch.downcast_ref::<TracingSubscriber>().unwrap();

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let dispatch = dispatch.clone();
            std::thread::spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    let parent = tracing::info_span!("thread", t);
                    let _p = parent.enter();
                    let mut held = Vec::new();
                    for i in 0..COUNT {
                        let span = tracing::info_span!("s", i);
                        let clone = span.clone();
                        let entered = clone.enter();
                        drop(entered);
                        match i % 3 {
                            // The clone outlives the original.
                            0 => drop(span),
                            // Both go at once.
                            1 => drop((span, clone)),
                            // Some handles are kept a while, then dropped in a batch.
                            _ => {
                                held.push(span);
                                held.push(clone);
                                if held.len() >= 1000 {
                                    held.clear();
                                }
                            }
                        }
                    }
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total = THREADS * COUNT + THREADS;
    assert_eq!(subscriber().open_spans(), 0);
    assert_eq!(count.new.load(Ordering::Relaxed), total);
    assert_eq!(count.close.load(Ordering::Relaxed), total);
    assert_eq!(count.enter.load(Ordering::Relaxed), total);
    assert_eq!(count.exit.load(Ordering::Relaxed), total);
}
