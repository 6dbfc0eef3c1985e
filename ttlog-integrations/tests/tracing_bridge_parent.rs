//! TracingBridge: a library's ttlog spans inside the host application's tracing spans. A ttlog
//! span without a bridged ttlog parent is created contextually, so the host subscriber makes
//! it a child of its current span; a ttlog span inside a bridged one is that span's child.
//! (The bridge is ttlog's global logger: its own file.)
#![cfg(feature = "tracing")]

use std::sync::{Arc, Mutex};

use tracing_subscriber::layer::Context;
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;
use ttlog_integrations::tracing::TracingBridge;

/// Each span's name with its parent's, and each event's name (`event file:line`) with its span's.
#[derive(Clone, Default)]
struct Parents(Arc<Mutex<Vec<String>>>);

impl<S> tracing_subscriber::Layer<S> for Parents
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let span = ctx.span(id).unwrap();
        let parent = span.parent().map(|p| p.name());
        self.0.lock().unwrap().push(format!(
            "span {} parent={parent:?}",
            attrs.metadata().name()
        ));
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let span = ctx.event_span(event).map(|s| s.name());
        self.0
            .lock()
            .unwrap()
            .push(format!("{} span={span:?}", event.metadata().name()));
    }
}

#[test]
fn library_spans_are_children_of_the_host_span() {
    TracingBridge::install();
    let parents = Parents::default();
    let subscriber = tracing_subscriber::registry().with(parents.clone());
    let line = line!() + 7;
    tracing::subscriber::with_default(subscriber, || {
        {
            let host = tracing::info_span!("host_request");
            let _h = host.enter();
            let lib = ttlog::info_span!("lib_query");
            let _l = lib.enter();
            ttlog::info!("in lib_query");
            let child = ttlog::info_span!("lib_child");
            drop(child);
        }
        {
            let host = tracing::info_span!("host_request");
            let _h = host.enter();
            ttlog::info!("in host_request");
        }
        let alone = ttlog::info_span!("lib_alone");
        drop(alone);
    });
    let file = file!();
    let event = |offset: u32| format!("event {file}:{}", line + offset);
    assert_eq!(
        *parents.0.lock().unwrap(),
        [
            "span host_request parent=None".to_owned(),
            "span lib_query parent=Some(\"host_request\")".to_owned(),
            format!("{} span=Some(\"lib_query\")", event(0)),
            "span lib_child parent=Some(\"lib_query\")".to_owned(),
            "span host_request parent=None".to_owned(),
            format!("{} span=Some(\"host_request\")", event(7)),
            "span lib_alone parent=None".to_owned(),
        ]
    );
}
