#[derive(ttlog::Fields)]
struct Login {
    user: &'static str,
}

fn main() {
    let login = Login { user: "alice" };
    ttlog::info!(user = "bob", ..login, "login");
}
