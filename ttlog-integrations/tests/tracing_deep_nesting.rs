//! TracingSubscriber: spans nested deeper than ttlog's stack of entered spans (64) are each
//! entered and exited exactly once, in order, and exiting a span exits that span, not the
//! deepest one ttlog's stack holds. (Sets ttlog's global logger: its own file.)
#![cfg(feature = "tracing")]

use std::sync::{Arc, Mutex};

use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{LogEvent, Logger};
use ttlog_integrations::tracing::TracingSubscriber;

const DEPTH: u32 = 70;

#[derive(Default)]
struct Ops(Mutex<Vec<(&'static str, u64)>>);

impl Logger for Ops {
    fn log(&self, _: LogEvent) {}

    fn span(&self, op: SpanOp) {
        let kind = match op.kind {
            SpanOpKind::New { .. } => "new",
            SpanOpKind::Enter => "enter",
            SpanOpKind::Exit => "exit",
            SpanOpKind::Close => "close",
            _ => return,
        };
        self.0.lock().unwrap().push((kind, op.id.into_u64()));
    }
}

fn nest(n: u32) {
    if n == 0 {
        return;
    }
    let span = tracing::info_span!("level", n);
    let _entered = span.enter();
    nest(n - 1);
}

#[test]
fn every_span_is_exited_once_beyond_the_stack_depth() {
    let ops = Arc::new(Ops::default());
    ttlog_core::set_logger(ops.clone());
    ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    let dispatch = tracing::Dispatch::new(TracingSubscriber::new());
    tracing::dispatcher::with_default(&dispatch, || nest(DEPTH));

    let ops = ops.0.lock().unwrap();
    let ids = |kind: &str| -> Vec<u64> {
        ops.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect()
    };
    let new = ids("new");
    assert_eq!(new.len(), DEPTH as usize);
    // Entered outermost first; exited innermost first; closed innermost first.
    assert_eq!(ids("enter"), new);
    let reversed: Vec<u64> = new.iter().rev().copied().collect();
    assert_eq!(ids("exit"), reversed);
    assert_eq!(ids("close"), reversed);
    // Each span is exited after it was entered, and closed after it was exited.
    for id in &new {
        let at = |kind: &str| ops.iter().position(|op| *op == (kind, *id)).unwrap();
        assert!(at("new") < at("enter") && at("enter") < at("exit") && at("exit") < at("close"));
    }
    // Nothing is left entered on this thread.
    assert!(ttlog_core::Span::current().is_none());
    let subscriber = dispatch.downcast_ref::<TracingSubscriber>().unwrap();
    assert_eq!(subscriber.open_spans(), 0);
}
