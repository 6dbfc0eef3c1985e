//! A worker thread panics; the panic hook writes a snapshot whose last events are the panic
//! and what led to it.
//!
//! ```text
//! cargo run --example crash
//! cargo run -p ttlog-cli -- show <the path it prints>
//! ```

use std::thread;

fn charge(order: u64, amount_cents: i64) -> Result<(), String> {
    if amount_cents < 0 {
        return Err(format!("negative amount {amount_cents}"));
    }
    ttlog::info!(target: "payments", "charged", order, amount_cents);
    Ok(())
}

fn main() {
    let _guard = ttlog::init()
        .service("payments")
        .snapshot_dir("ttlog-snapshots")
        .init();
    ttlog::info!(target: "payments", "worker pool starting", workers = 1);

    let worker = thread::Builder::new()
        .name("payments-worker".into())
        .spawn(|| {
            for (order, amount) in [(1001u64, 2_500i64), (1002, 990), (1003, -40)] {
                ttlog::debug!(target: "payments", "picked order", order);
                if let Err(e) = charge(order, amount) {
                    ttlog::error!(target: "payments", "charge failed", order, error = %e);
                    panic!("cannot recover from failed charge of order {order}");
                }
            }
        })
        .expect("spawn worker");

    let crashed = worker.join().is_err();
    ttlog::warn!(target: "payments", "worker finished", crashed);
    println!("the panic snapshot's path is printed above; read it with `cargo run -p ttlog-cli -- show <path>`");
}
