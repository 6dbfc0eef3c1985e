#[ttlog::instrument(err)]
fn nothing(id: u64) {
    let _ = id;
}

#[ttlog::instrument(err)]
fn count(id: u64) -> u64 {
    id
}

fn main() {
    nothing(1);
    count(2);
}
