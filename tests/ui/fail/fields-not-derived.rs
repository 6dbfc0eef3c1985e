struct Login {
    user: &'static str,
}

fn main() {
    let login = Login { user: "alice" };
    ttlog::info!(..login, "login");
    let _ = login.user;
}
