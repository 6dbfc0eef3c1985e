//! Every documented span form compiles without a single warning.
#![deny(warnings)]

use std::fmt;

use ttlog::Level;

struct Addr;

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("10.0.0.1")
    }
}

#[derive(Debug)]
struct Req;

const TARGET: &str = "orders::audit";
const LEVEL: Level = Level::Warn;

fn generic<T: fmt::Debug>(value: T) -> ttlog::Span {
    ttlog::debug_span!("generic", value = ?value)
}

fn main() {
    let addr = Addr;
    let req = Req;
    let order_id = 7u64;
    let span = ttlog::info_span!("request", id = 7, path = %addr, req = ?req, user = ttlog::field::Empty);
    let _entered = span.enter();
    let _child = ttlog::info_span!(parent: &span, "db", table = "users");
    let _by_id = ttlog::info_span!(parent: span.id(), "by id");
    let _root = ttlog::info_span!(parent: None, "background");
    let _audit = ttlog::info_span!(target: "orders::audit", "check", order_id);
    let _both = ttlog::warn_span!(target: TARGET, parent: &span, "both", %addr, ?req);
    let _t = ttlog::trace_span!("poll", fd = 7, ready = false);
    let _d = ttlog::debug_span!(target: "orders::db", "query", table = "users");
    let _e = ttlog::error_span!(parent: None, "recovery");
    let _s = ttlog::span!(Level::Info, "request", id = 7);
    let _c = ttlog::span!(LEVEL, "retry");
    let _full = ttlog::span!(target: "a::b", parent: None, ttlog::Level::Debug, "full", http.status = 200, "user-id" = 5,);
    let _g = generic(1u8);
    let _n: ttlog::Span = ttlog::info_span!("{{escaped}}");
    span.record("user", "alice");
    span.in_scope(|| ttlog::info!("inside"));
}
