fn main() {
    ttlog::info!("db error: {err}", attempt = 3);
}
