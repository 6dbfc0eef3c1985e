#[ttlog::instrument(skip(usr, conn))]
fn load(user: &str, conn: u8) -> usize {
    let _ = conn;
    user.len()
}

fn main() {
    load("ann", 1);
}
