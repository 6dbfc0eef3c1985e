//! TracingBridge re-entered: a host tracing subscriber that logs to ttlog from inside its own
//! callbacks. What comes back to the bridge on the same thread is dropped and counted, except
//! a span's close, which is always carried out. (The bridge is ttlog's global logger: its own
//! file.)
#![cfg(feature = "tracing")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing_core::{span, Event, Metadata, Subscriber};
use ttlog_integrations::tracing::TracingBridge;

/// A ttlog span the host drops from inside its `event` callback.
static STASHED: Mutex<Option<ttlog::Span>> = Mutex::new(None);

/// The host: numbers its spans, records closes, and logs to ttlog from `event` and
/// `new_span` (which the bridge must not forward again).
#[derive(Default)]
struct Host {
    next: AtomicU64,
    events: Mutex<Vec<String>>,
    closed: Mutex<Vec<u64>>,
}

impl Subscriber for Host {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        ttlog::info!("host saw a span");
        span::Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        self.events
            .lock()
            .unwrap()
            .push(event.metadata().name().to_owned());
        ttlog::info!("host saw an event");
        // The last handle of a bridged span, dropped while the bridge is forwarding.
        let stashed = STASHED.lock().unwrap().take();
        drop(stashed);
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
    fn try_close(&self, id: span::Id) -> bool {
        self.closed.lock().unwrap().push(id.into_u64());
        true
    }
}

#[test]
fn reentered_ops_are_counted_and_closes_are_kept() {
    let bridge = Arc::new(TracingBridge::new());
    ttlog_core::set_logger(bridge.clone());
    ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
    let host = Arc::new(Host::default());
    tracing::subscriber::with_default(host.clone(), || {
        // The host's ttlog event inside `new_span` comes back: dropped.
        let span = ttlog::info_span!("lib");
        assert_eq!(bridge.dropped(), 1);
        *STASHED.lock().unwrap() = Some(span);
        // The host's ttlog event inside `event` comes back: dropped. The span it drops
        // there is closed all the same.
        ttlog::info!("from the library");
        assert_eq!(bridge.dropped(), 2);
    });
    assert_eq!(host.events.lock().unwrap().len(), 1);
    assert_eq!(*host.closed.lock().unwrap(), [1]);
    assert!(format!("{bridge:?}").contains("spans: 0"), "{bridge:?}");
}
