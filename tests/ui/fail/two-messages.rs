fn main() {
    ttlog::info!("first", "second");
    ttlog::info!("first {}", "arg", a = 1, "second");
}
