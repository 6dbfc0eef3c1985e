//! A small order service, instrumented: `#[instrument]` on handlers and the database layer,
//! a field recorded once it is known, `ret` and `err`, an async handler on tokio whose span
//! crosses `.await`s, `#[trace_fn]`, and `close` lines with each span's timings. At the end
//! it takes a snapshot, whose spans rebuild the call tree (`ttlog spans FILE`).
//!
//! ```text
//! cargo run --example instrumented
//! ```

use std::time::Duration;

use ttlog::{field, info, warn, Level, Span, SpanEvents};

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
struct Order {
    id: u64,
    items: u32,
}

#[derive(Debug)]
struct Db;

impl Db {
    #[ttlog::instrument(level = "debug", skip(self), err)]
    fn load(&self, order_id: u64) -> Result<Order, String> {
        std::thread::sleep(Duration::from_millis(2));
        if order_id == 13 {
            return Err(format!("order {order_id} not found"));
        }
        Ok(Order {
            id: order_id,
            items: 3,
        })
    }
}

#[ttlog::instrument(level = "debug", ret)]
fn price(order: &Order) -> u64 {
    u64::from(order.items) * 1250
}

/// `password` is never recorded: the attribute skips parameters named like secrets.
#[ttlog::instrument(skip(db), fields(user = field::Empty))]
fn handle_request(request_id: u64, db: &Db, password: &str) -> Result<u64, String> {
    Span::current().record("user", "alice");
    info!("request accepted");
    let order = db.load(request_id)?;
    let total = price(&order);
    info!(total, "request done");
    let _ = password;
    Ok(total)
}

#[ttlog::trace_fn]
fn audit(request_id: u64) {
    let _ = request_id;
}

#[ttlog::instrument]
async fn notify(order_id: u64) {
    info!("sending notification");
    tokio::time::sleep(Duration::from_millis(3)).await;
    info!("customer notified");
}

fn main() {
    let guard = ttlog::init()
        .service("orders")
        .level(Level::Trace)
        .span_events(SpanEvents::CLOSE)
        .init();

    let db = Db;
    for request_id in [7, 13] {
        match handle_request(request_id, &db, "hunter2") {
            Ok(total) => audit(total),
            Err(e) => warn!(error = %e, "request failed"),
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(notify(7));

    match guard.snapshot("example") {
        Ok(path) => {
            let snap = ttlog::snapshot::read(&path).expect("the snapshot just written");
            println!(
                "snapshot {}: {} spans, {} events (try: cargo run -p ttlog-cli -- spans {})",
                path.display(),
                snap.spans.len(),
                snap.events.len(),
                path.display()
            );
        }
        Err(e) => eprintln!("no snapshot: {e}"),
    }
}
