//! Events from the `log` crate that reach the subscriber through tracing-log's `LogTracer`
//! get their real target, module, file and line back, and keep no `log.*` fields; ttlog's
//! filter applies to the real target. (LogTracer is `log`'s global logger: its own file.)
#![cfg(feature = "tracing")]

mod tracing_common;

use tracing_common::{capture, events, start};
use ttlog_core::filter::{self, Filter};
use ttlog_core::Level;
use ttlog_integrations::tracing::TracingSubscriber;

mod app {
    pub mod db {
        pub fn query() -> u32 {
            log::warn!("slow query {}", 250);
            line!() - 1
        }
    }
}

#[test]
fn log_events_are_normalized() {
    let _g = start();
    tracing_log::LogTracer::init().unwrap();
    capture();
    let (line, span) = tracing::subscriber::with_default(TracingSubscriber::new(), || {
        let span = tracing::info_span!("request");
        let _e = span.enter();
        log::info!(target: "custom::target", "with a target");
        (app::db::query(), span.id().unwrap().into_u64())
    });
    let events = events();
    assert_eq!(events.len(), 2, "{events:?}");
    let e = &events[0];
    assert_eq!(
        (e.level, e.target.as_str(), e.message.as_str()),
        (Level::Info, "custom::target", "with a target")
    );
    let e = &events[1];
    assert_eq!(e.level, Level::Warn);
    assert_eq!(e.message, "slow query 250");
    assert_eq!(e.target, "tracing_from_log::app::db");
    assert_eq!(e.module_path, "tracing_from_log::app::db");
    assert!(e.file.ends_with("tracing_from_log.rs"), "{}", e.file);
    assert_eq!(e.line, line);
    assert_eq!(e.span, span);
    for e in &events {
        assert!(e.fields.is_empty(), "{:?}", e.fields);
    }

    // ttlog's filter sees the real target, not "log".
    filter::install(Filter::parse("warn,custom=off").unwrap());
    tracing::subscriber::with_default(TracingSubscriber::new(), || {
        log::warn!(target: "custom::target", "filtered");
        log::warn!(target: "other", "kept");
    });
    let messages: Vec<String> = tracing_common::events()
        .into_iter()
        .skip(2)
        .map(|e| e.message)
        .collect();
    assert_eq!(messages, ["kept"]);
}
