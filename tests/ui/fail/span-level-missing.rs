fn main() {
    let _ = ttlog::span!("request", id = 1);
}
