fn main() {
    let req = 1;
    ttlog::info!("nothing after", %);
    ttlog::info!("nothing after", a = ?);
    ttlog::info!("not a name", %req.to_string());
    ttlog::info!("no value", a =);
}
