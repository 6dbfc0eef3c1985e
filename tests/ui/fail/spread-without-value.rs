fn main() {
    ttlog::info!("login", ..);
}
