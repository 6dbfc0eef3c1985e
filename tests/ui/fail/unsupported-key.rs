fn main() {
    let a = [0];
    ttlog::info!("path key", std::f64 = 1);
    ttlog::info!("index key", a[0] = 1);
    ttlog::info!("colon instead of =", user: 5);
    ttlog::info!("tuple field", t.0 = 1);
}
