//! The subscriber installed through ttlog's builder follows ttlog's filter, and a reload
//! changes what tracing considers enabled (tracing caches interest, so the adapter must have
//! it rebuilt). One global install: its own file.
#![cfg(feature = "tracing")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::level_filters::LevelFilter;

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

fn db_query(n: u64) {
    tracing::debug!(target: "app::db", n, "query");
}

fn http(n: u64) {
    tracing::debug!(target: "app::http", n, "request");
}

#[test]
fn reload_changes_what_tracing_enables() {
    let buf = Buf::default();
    let guard = ttlog::init()
        .no_console()
        .panic_hook(false)
        .signals(false)
        .filter("info")
        .writer(buf.clone(), ttlog::Format::Logfmt)
        .adapter("tracing", ttlog_integrations::tracing::install)
        .init();

    assert_eq!(LevelFilter::current(), LevelFilter::INFO);
    assert!(!tracing::enabled!(target: "app::db", tracing::Level::DEBUG));
    db_query(1);
    http(1);

    guard.set_filter("info,app::db=debug").unwrap();
    assert_eq!(LevelFilter::current(), LevelFilter::DEBUG);
    assert!(tracing::enabled!(target: "app::db", tracing::Level::DEBUG));
    assert!(!tracing::enabled!(target: "app::http", tracing::Level::DEBUG));
    db_query(2);
    http(2);

    guard.set_filter("warn").unwrap();
    assert_eq!(LevelFilter::current(), LevelFilter::WARN);
    db_query(3);
    tracing::info!("hidden");
    tracing::warn!("shown");

    assert!(guard.flush());
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("target=app::db") && lines[0].contains("n=2"),
        "{out}"
    );
    assert!(lines[1].contains("msg=shown"), "{out}");
}
