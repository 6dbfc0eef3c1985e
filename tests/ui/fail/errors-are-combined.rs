fn main() {
    ttlog::info!(a = 1, a = 2, "one", "two", %, target: "x");
}
