struct Opaque;

#[derive(ttlog::Fields)]
struct Login {
    user: Opaque,
    #[fields(display)]
    addr: Opaque,
}

fn main() {}
