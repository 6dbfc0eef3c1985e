fn main() {
    ttlog::narrate!(Info, actor: "", action: "authenticate", target: 1, human: "User authenticated");
}
