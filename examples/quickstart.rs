//! The quickstart from the README: log a few events, change the filter at run time, and take a
//! snapshot of the flight recorder.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use std::net::Ipv4Addr;

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
struct Request {
    method: &'static str,
    path: &'static str,
}

fn main() {
    let guard = ttlog::init()
        .service("orders")
        .level(ttlog::Level::Info)
        .filter("info,orders::db=debug")
        .capacity(16_384)
        .console(ttlog::Format::Compact)
        .init();

    let addr = Ipv4Addr::new(10, 0, 0, 1);
    let req = Request {
        method: "GET",
        path: "/api/v1/items",
    };
    ttlog::info!(target: "orders::api", "user logged in", user_id = 42, ip = %addr, req = ?req);
    ttlog::warn!(target: "orders::api", user_id = 7, "login failed");
    let err = "connection reset";
    ttlog::error!(target: "orders::db", "db error: {err}", attempt = 3);
    ttlog::debug!(target: "orders::db", "query", table = "items", rows = 12u64, ms = 1.75);
    ttlog::debug!(target: "orders::audit", "checked"); // filtered out: orders::audit is at info

    guard.set_filter("debug").expect("valid filter");
    ttlog::debug!(target: "orders::audit", "checked", after_reload = true); // now shown

    let path = guard.snapshot("manual").expect("snapshot");
    let snap = ttlog::snapshot::read(&path).expect("readable snapshot");
    println!(
        "snapshot: {} ({} events)",
        path.display(),
        snap.events.len()
    );
    println!(
        "inspect it with: cargo run -p ttlog-cli -- show {}",
        path.display()
    );
}
