#[ttlog::instrument]
pub struct Config {
    pub port: u16,
}

trait Store {
    #[ttlog::instrument]
    fn load(&self, id: u64) -> u64;
}

#[ttlog::instrument]
const fn answer() -> u32 {
    42
}

fn main() {
    let _ = Config { port: 1 };
    let _ = answer();
}
