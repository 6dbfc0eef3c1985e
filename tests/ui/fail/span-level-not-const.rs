fn main() {
    let level = ttlog::Level::Info;
    let _ = ttlog::span!(level, "request");
    let _ = ttlog::span!("info", "request");
}
