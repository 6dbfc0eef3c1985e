fn main() {
    let id = 7;
    let _ = ttlog::info_span!("request {}", id + 1);
    let _ = ttlog::info_span!("request {id}");
}
