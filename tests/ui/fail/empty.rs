fn main() {
    ttlog::info!();
    ttlog::warn!(target: "a::b");
}
