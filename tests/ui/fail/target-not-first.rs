fn main() {
    ttlog::info!("message", target: "a::b");
    ttlog::info!(target: "a::b", target: "c::d", "twice");
}
