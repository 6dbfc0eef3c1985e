fn main() {
    let name = "x";
    ttlog::info!(format!("hello {name}"), user = 1);
    ttlog::info!(42);
}
