fn main() {
    ttlog::narrate!(Info, actor: "auth", human: "User authenticated");
}
