fn main() {
    let user_id = 7;
    ttlog::narrate!(Info, actor: "auth", action: "authenticate", target: user_id,
        human: "User {user} authenticated", attempts = 1);
}
