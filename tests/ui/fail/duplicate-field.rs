fn main() {
    let user_id = 1;
    ttlog::info!("login", user_id = 1, ip = "x", user_id);
    ttlog::info!(http.status = 200, "twice", http.status = 404);
}
