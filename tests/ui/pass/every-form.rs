//! Every documented form compiles without a single warning.
#![deny(warnings)]

use std::fmt;

struct Addr;

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("10.0.0.1")
    }
}

#[derive(Debug)]
struct Req;

const TARGET: &str = "orders::audit";

fn main() {
    let addr = Addr;
    let req = Req;
    let (n, max) = (1, 3);
    let err = "timeout";
    let user_id = 42u64;
    let x = 1u8;
    ttlog::info!("user logged in", user_id = 42, ip = %addr, req = ?req);
    ttlog::warn!(user_id = 7, "login failed");
    ttlog::error!("db error: {err}", attempt = 3);
    ttlog::debug!(target: "orders::audit", "checked");
    ttlog::debug!(target: TARGET, "checked");
    ttlog::info!("retry {} of {}", n, max, backoff_ms = 20);
    ttlog::info!(user_id, %addr, ?req, "shorthand");
    ttlog::info!(http.status = 200, http.method = "GET", "dotted keys");
    ttlog::info!("msg {x}", x = 5);
    ttlog::info!(target: "a::b", user = "x", "fields then message {}", 3);
    ttlog::trace!(queue_len = x);
    ttlog::trace!("trailing comma", a = 1,);
    ttlog::info!("cast {}", x as u32, y = x as u64 + 1);
    ttlog::info!("{{escaped}}");
    ttlog::info!("user-id" = 5, r#type = "t");
    let _: () = ttlog::info!("an expression of type ()");
    let span = ttlog::info_span!("request");
    ttlog::info!(parent: &span, "explicit parent");
    ttlog::info!(target: "a::b", parent: None, "no span {}", 1, x);
    ttlog::info!(parent: span.id(), user_id, "by id");
}
