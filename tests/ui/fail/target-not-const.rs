fn target() -> &'static str {
    "a::b"
}

fn main() {
    ttlog::info!(target: target(), "dynamic target");
}
