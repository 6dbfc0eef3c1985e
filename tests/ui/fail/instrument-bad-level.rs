#[ttlog::instrument(level = "verbose")]
fn load(id: u64) -> u64 {
    id
}

#[ttlog::instrument(level = Level::Loud)]
fn store() {}

const LEVEL: ttlog::Level = ttlog::Level::Info;

#[ttlog::instrument(level = LEVEL.clone())]
fn save() {}

fn main() {
    load(1);
    store();
    save();
}
