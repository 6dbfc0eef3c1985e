#[ttlog::instrument(levle = "debug")]
fn load(id: u64) -> u64 {
    id
}

#[ttlog::instrument(level = "debug", retrun, name = "x")]
fn store(id: u64) {
    let _ = id;
}

fn main() {
    load(1);
    store(2);
}
