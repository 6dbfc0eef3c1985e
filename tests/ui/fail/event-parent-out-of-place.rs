fn main() {
    let span = ttlog::info_span!("request");
    ttlog::info!("inside", parent: &span);
    ttlog::info!(parent: &span, target: "a::b", "inside");
    ttlog::info!(parent: &span, parent: None, "inside");
    ttlog::info!(parent:, "inside");
}
