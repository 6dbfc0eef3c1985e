#[derive(ttlog::Fields)]
enum State {
    Idle,
    Busy { since: u64 },
}

#[derive(ttlog::Fields)]
struct Pair(u32, u32);

#[derive(ttlog::Fields)]
struct Unit;

fn main() {
    // No further errors: the failed derives still implement the trait.
    ttlog::info!(..State::Idle, ..Pair(1, 2), ..Unit);
}
