//! Millions of tracing spans, created, cloned, entered and dropped, half of the clones on
//! another thread (sent through a channel to a thread that drops them, often as the last
//! handle): every one is closed exactly once, when its last handle goes, wherever that is, and
//! the subscriber's table ends empty.
#![cfg(feature = "tracing")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
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

    // Drops the handles it receives, outside any `with_default`: a tracing span closes through
    // the dispatcher it holds.
    let (to_dropper, handles) = mpsc::channel::<tracing::Span>();
    let dropper = std::thread::spawn(move || {
        let mut dropped = 0u64;
        for span in handles {
            drop(span);
            dropped += 1;
        }
        dropped
    });

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let dispatch = dispatch.clone();
            let to_dropper = to_dropper.clone();
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
                        match i % 4 {
                            // The clone goes to the other thread after the original is
                            // dropped here: the last handle is dropped there.
                            0 => {
                                drop(span);
                                to_dropper.send(clone).unwrap();
                            }
                            // The clone goes to the other thread; the original is dropped
                            // here, before or after it.
                            1 => {
                                to_dropper.send(clone).unwrap();
                                drop(span);
                            }
                            // Both go at once.
                            2 => drop((span, clone)),
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
    drop(to_dropper);
    let dropped_elsewhere = dropper.join().unwrap();
    // Half of the spans sent their clone there.
    assert_eq!(dropped_elsewhere, THREADS * COUNT / 2);
    let total = THREADS * COUNT + THREADS;
    assert_eq!(subscriber().open_spans(), 0);
    assert_eq!(count.new.load(Ordering::Relaxed), total);
    assert_eq!(count.close.load(Ordering::Relaxed), total);
    assert_eq!(count.enter.load(Ordering::Relaxed), total);
    assert_eq!(count.exit.load(Ordering::Relaxed), total);
}
