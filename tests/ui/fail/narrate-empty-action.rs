fn main() {
    ttlog::narrate!(Info, actor: "auth", action: " ", target: 1, human: "User authenticated");
}
