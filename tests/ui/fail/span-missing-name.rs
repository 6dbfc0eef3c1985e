fn main() {
    let _ = ttlog::info_span!();
    let _ = ttlog::info_span!(target: "a::b");
    let _ = ttlog::info_span!(id = 1, "request");
    let _ = ttlog::span!(ttlog::Level::Info);
}
