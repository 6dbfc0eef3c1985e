//! Filters in a running program: precedence between `.level()`, the environment and
//! `.filter()`, reloading with `Guard::set_filter`, and invalid directives.

mod common;

use std::sync::{Arc, Mutex};

use ttlog::{Level, Record, Sink};

#[derive(Clone, Default)]
struct Messages(Arc<Mutex<Vec<String>>>);

impl Sink for Messages {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {} {}", r.level, r.target, r.message));
        Ok(())
    }
}

impl Messages {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

mod db {
    pub fn query() {
        ttlog::debug!("db query");
        ttlog::trace!("db rows");
    }
}

fn log_everything() {
    ttlog::error!("e");
    ttlog::warn!("w");
    ttlog::info!("i");
    ttlog::debug!("d");
    db::query();
}

#[test]
fn precedence_and_reload() {
    if common::is_child("precedence") {
        // TTLOG=trace and RUST_LOG=off are set by the parent: TTLOG wins over RUST_LOG and
        // over .level(); .filter() wins over TTLOG for the targets it names.
        let sink = Messages::default();
        let guard = ttlog::init()
            .no_console()
            .snapshot_dir(common::child_dir())
            .level(Level::Error)
            .filter("filter_reload=info")
            .sink(sink.clone())
            .init();
        log_everything();
        guard.flush();
        let got = sink.take();
        // filter_reload=info covers filter_reload::db too: most specific prefix wins.
        assert_eq!(
            got,
            [
                "ERROR filter_reload e",
                "WARN filter_reload w",
                "INFO filter_reload i"
            ]
        );
        println!("child ok");
        return;
    }

    let dir = common::temp_dir("precedence");
    common::assert_child_ok(
        common::child("precedence_and_reload", "precedence", &dir)
            .env("TTLOG", "trace")
            .env("RUST_LOG", "off"),
    );

    // In this process: no environment; reload at run time.
    std::env::remove_var("TTLOG");
    std::env::remove_var("RUST_LOG");
    let sink = Messages::default();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .sink(sink.clone())
        .try_init()
        .unwrap();
    log_everything();
    guard.flush();
    assert_eq!(
        sink.take(),
        [
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "INFO filter_reload i"
        ]
    );

    guard.set_filter("warn,filter_reload::db=trace").unwrap();
    log_everything();
    guard.flush();
    assert_eq!(
        sink.take(),
        [
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "DEBUG filter_reload::db db query",
            "TRACE filter_reload::db db rows"
        ]
    );

    guard.set_filter("off").unwrap();
    log_everything();
    guard.flush();
    assert!(sink.take().is_empty());

    // An invalid directive is an error that names it; the filter stays as it was.
    let err = guard.set_filter("info,filter_reload=loud").unwrap_err();
    assert!(err.to_string().contains("filter_reload=loud"), "{err}");
    log_everything();
    guard.flush();
    assert!(sink.take().is_empty());

    // A second init in the same process is refused.
    let again = ttlog::init().no_console().try_init().unwrap_err();
    assert!(again.is_already_initialized(), "{again}");
    // ... and `init()` says so in its panic.
    let panic = std::panic::catch_unwind(|| ttlog::init().no_console().init()).unwrap_err();
    let text = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or("");
    assert!(text.contains("already initialised"), "{text}");
}

#[test]
fn invalid_filter_is_an_error_from_try_init() {
    if common::is_child("invalid") {
        // RUST_LOG holds a span filter, which ttlog does not support.
        let err = ttlog::init().no_console().try_init().unwrap_err();
        assert!(err.to_string().contains("RUST_LOG"), "{err}");
        assert!(err.to_string().contains("[span]=debug"), "{err}");
        std::env::remove_var("RUST_LOG");
        let err = ttlog::init()
            .no_console()
            .filter("info,orders=verbose")
            .try_init()
            .unwrap_err();
        assert!(err.to_string().contains("orders=verbose"), "{err}");
        assert!(err.filter_error().is_some());
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("invalid");
    common::assert_child_ok(
        common::child("invalid_filter_is_an_error_from_try_init", "invalid", &dir)
            .env("RUST_LOG", "[span]=debug"),
    );
}
