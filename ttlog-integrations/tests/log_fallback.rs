//! When `callsite::intern` keeps no more callsites, `log` records still arrive, through the
//! fixed callsite of their level, with what the callsite would have said in fields, and are
//! still filtered by their own target. Its own process: it fills the process-wide table.

mod fallback_common;

use std::sync::Arc;

use fallback_common::{fill_intern_table, Capture};

use ttlog_core::filter::{self, Filter};
use ttlog_core::{Level, ValueRef};
use ttlog_integrations::log::LogAdapter;

static ADAPTER: LogAdapter = LogAdapter::new();

#[test]
fn records_past_the_intern_limit_use_the_fallback_callsite() {
    let capture = Arc::new(Capture::default());
    ttlog_core::set_logger(capture.clone());
    filter::install(Filter::parse("info,muted=off").unwrap());
    log::set_logger(&ADAPTER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    fill_intern_table();

    let line = line!() + 1;
    log::warn!(target: "app::db", rows = 3u64, table = "users", ok = true; "slow query {}", 7);
    log::info!(target: "muted::x", "filtered by its own target");
    log::debug!(target: "app::db", "below the level");

    let events = std::mem::take(&mut *capture.0.lock().unwrap());
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.level(), Level::Warn);
    assert_eq!(e.target(), "log");
    assert_eq!(e.message(), "slow query 7");
    assert_eq!(e.field("log.target").unwrap().as_str(), Some("app::db"));
    assert_eq!(
        e.field("log.module_path").unwrap().as_str(),
        Some(module_path!())
    );
    assert_eq!(e.field("log.file").unwrap().as_str(), Some(file!()));
    assert_eq!(
        e.field("log.line").unwrap().as_ref(),
        ValueRef::U64(u64::from(line))
    );
    assert_eq!(
        e.field("log.kv").unwrap().as_str(),
        Some(r#"rows=3 table="users" ok=true"#)
    );
}
