//! TracingBridge: a library logging with ttlog's macros, inside an application that collects
//! with tracing-subscriber's fmt layer. Events keep their fields and carry their ttlog span
//! scope as tracing spans. (The bridge is ttlog's global logger: its own file.)
#![cfg(feature = "tracing")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use ttlog_integrations::tracing::TracingBridge;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The library: ttlog's macros only. (`ret` is recorded with `Debug`, which ttlog formats to
/// text where it is logged, so tracing receives a string.)
mod library {
    #[ttlog::instrument(ret)]
    pub fn lookup(id: u64) -> u64 {
        ttlog::debug!(rows = 3, ok = true, "cache miss");
        id * 2
    }

    pub fn handle() {
        let span = ttlog::info_span!("request", id = 7, user = ttlog::field::Empty);
        let _e = span.enter();
        span.record("user", "alice");
        lookup(21);
        ttlog::warn!(ratio = 0.5, "slow");
    }
}

#[test]
fn ttlog_events_and_spans_reach_tracing_subscriber() {
    TracingBridge::install();
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .without_time()
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        library::handle();
        ttlog::trace!("below the app's level");
        ttlog::info!("outside");
    });
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = out.lines().map(str::trim_start).collect();
    let module = module_path!();
    assert_eq!(
        lines,
        [
            format!(
                "DEBUG request{{id=7 user=\"alice\"}}:lookup{{id=21}}: {module}::library: cache miss rows=3 ok=true"
            ),
            format!("INFO request{{id=7 user=\"alice\"}}:lookup{{id=21}}: {module}::library: return=\"42\""),
            format!("WARN request{{id=7 user=\"alice\"}}: {module}::library: slow ratio=0.5"),
            format!("INFO {module}: outside"),
        ],
        "{out}"
    );
}
