#[ttlog::instrument(fields("a message", shard = 1, %, parent: None, ..req))]
fn load(id: u64) -> u64 {
    id
}

fn main() {
    load(1);
}
