fn main() {
    let span = ttlog::info_span!("request");
    ttlog::info!(parent: &span, "inside");
}
