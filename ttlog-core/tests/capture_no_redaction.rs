//! Under `init().no_redaction()`, captured events keep their values, as the sinks do (init is
//! once per process: one test in this file).

use ttlog_core::{testing, Callsite, EventBuilder, Level};

static LOGIN: Callsite = Callsite::new(
    Level::Warn,
    "app",
    "app",
    "src/app.rs",
    1,
    "login failed",
    &["user", "password"],
);

#[test]
fn captured_events_are_not_redacted() {
    let dir = std::env::temp_dir().join(format!("ttlog-capture-noredact-{}", std::process::id()));
    let guard = ttlog_core::init()
        .no_console()
        .snapshot_dir(dir)
        .no_redaction()
        .init();
    let logs = testing::capture();
    ttlog_core::logger::dispatch(
        EventBuilder::new(&LOGIN)
            .value("ann")
            .value("hunter2")
            .build(),
    );
    let event = logs.assert_logged(Level::Warn, "login failed");
    assert_eq!(event.field("password"), Some(&"hunter2".into()));
    drop(guard);
}
