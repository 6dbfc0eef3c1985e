//! TracingSubscriber: a span whose callsite tracing still holds as enabled after ttlog's
//! filter turned it off (tracing checked before its interest cache was rebuilt) is not
//! created. tracing needs an id all the same: it names no span, its operations do nothing,
//! and what names it as an explicit parent has none. (Sets ttlog's global logger: its own
//! file.)
#![cfg(feature = "tracing")]

use std::sync::{Arc, Mutex};

use tracing_core::field::{Field, Value};
use tracing_core::span::Attributes;
use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{LogEvent, Logger};
use ttlog_integrations::tracing::TracingSubscriber;

#[derive(Default)]
struct Ops {
    spans: Mutex<Vec<String>>,
    events: Mutex<Vec<(String, u64)>>,
}

impl Logger for Ops {
    fn log(&self, event: LogEvent) {
        self.events
            .lock()
            .unwrap()
            .push((event.message().to_owned(), event.span_id()));
    }

    fn span(&self, op: SpanOp) {
        let text = match op.kind {
            SpanOpKind::New {
                callsite, parent, ..
            } => format!("new {} parent={}", callsite.message(), parent.is_some()),
            SpanOpKind::Enter => "enter".to_owned(),
            SpanOpKind::Exit => "exit".to_owned(),
            SpanOpKind::Close => "close".to_owned(),
            _ => "other".to_owned(),
        };
        self.spans.lock().unwrap().push(text);
    }
}

#[test]
fn span_of_a_callsite_disabled_meanwhile_is_not_created() {
    let ops = Arc::new(Ops::default());
    ttlog_core::set_logger(ops.clone());
    ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    let dispatch = tracing::Dispatch::new(TracingSubscriber::new());
    let subscriber = || dispatch.downcast_ref::<TracingSubscriber>().unwrap();
    tracing::dispatcher::with_default(&dispatch, || {
        let outer = tracing::info_span!("outer");
        let _o = outer.enter();
        // Enabled: tracing caches the interest of the callsite.
        let debug = tracing::debug_span!("verbose");
        let meta = debug.metadata().unwrap();
        drop(debug);
        ops.spans.lock().unwrap().clear();

        // ttlog's level drops below the callsite; tracing calls `new_span` with the
        // metadata it still holds as enabled.
        ttlog_core::set_max_level(ttlog_core::LevelFilter::Info);
        let none: [(&Field, Option<&dyn Value>); 0] = [];
        let values = meta.fields().value_set(&none);
        let id = dispatch.new_span(&Attributes::new(meta, &values));
        assert_eq!(subscriber().open_spans(), 1, "only `outer`");
        let clone = dispatch.clone_span(&id);
        dispatch.enter(&id);
        tracing::info!("inside the span that was not created");
        tracing::info!(parent: &id, "its explicit child");
        let child = tracing::info_span!(parent: &id, "child");
        drop(child);
        dispatch.exit(&id);
        assert!(!dispatch.try_close(clone));
        assert!(!dispatch.try_close(id));
        assert_eq!(subscriber().open_spans(), 1);
        // No operation reached ttlog but the child's, which is a root.
        assert_eq!(
            *ops.spans.lock().unwrap(),
            ["new child parent=false", "close"]
        );
        let outer_id = outer.id().unwrap().into_u64();
        assert_eq!(
            *ops.events.lock().unwrap(),
            [
                ("inside the span that was not created".to_owned(), outer_id),
                ("its explicit child".to_owned(), 0),
            ]
        );
        ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    });
    assert_eq!(subscriber().open_spans(), 0);
}
