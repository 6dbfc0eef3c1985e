struct Conn;

#[ttlog::instrument]
fn load(conn: Conn, id: u64) -> u64 {
    let _ = conn;
    id
}

fn main() {
    load(Conn, 1);
}
