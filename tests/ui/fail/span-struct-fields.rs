#[derive(ttlog::Fields)]
struct Request {
    id: u64,
}

fn main() {
    let request = Request { id: 1 };
    let _ = ttlog::info_span!("request", ..request);
}
