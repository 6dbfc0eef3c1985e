//! `ttlog::testing::capture()` with the `log` and `tracing` adapters installed (once per
//! process, so this file has one test): records from `log` and `tracing` macros on the test's
//! thread are captured with their fields and spans, and an unbound thread's are not.

use ttlog::{FieldValue, Level};

#[test]
fn log_and_tracing_records_reach_the_capture() {
    let logs = ttlog::testing::capture();
    ttlog_integrations::log::install().unwrap();
    ttlog_integrations::tracing::install().unwrap();

    log::warn!(target: "app::auth", user_id = 42; "login failed");
    let span = tracing::info_span!("request", id = 7);
    span.in_scope(|| tracing::info!(path = "/orders", "handled"));
    std::thread::spawn(|| log::warn!("unbound thread"))
        .join()
        .unwrap();

    let e = logs.assert_logged(Level::Warn, "login failed");
    assert_eq!(e.target(), "app::auth");
    assert_eq!(e.field("user_id"), Some(&FieldValue::from(42)));

    let e = logs.assert_logged(Level::Info, "handled");
    assert_eq!(e.field("path"), Some(&FieldValue::from("/orders")));
    let spans: Vec<_> = e.spans().iter().map(|s| s.name().to_owned()).collect();
    assert_eq!(spans, ["request"]);
    assert!(e.render().contains("request{id=7}:"), "{e}");

    logs.assert_not_logged(Level::Warn, "unbound thread");
}
