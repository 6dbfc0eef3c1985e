fn main() {
    let name = "request";
    let _ = ttlog::info_span!(name.to_uppercase(), id = 1);
    let _ = ttlog::info_span!("request", "second name");
}
