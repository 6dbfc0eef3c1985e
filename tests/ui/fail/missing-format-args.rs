fn main() {
    let n = 1;
    ttlog::info!("retry {} of {}", n);
    ttlog::info!("{} {:?}", a = 2);
    ttlog::info!("{0} {2}", 1, 2);
}
