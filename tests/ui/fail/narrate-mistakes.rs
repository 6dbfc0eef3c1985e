fn main() {
    let id = 1;
    ttlog::narrate!(Notice, actor: "a", action: "b", target: id, human: "x");
    ttlog::narrate!(Info, actor: "a", actor: "b", action: "c", target: id, human: "x {}",
        emitted_by = "me", "a message", ..id, parent: None);
    ttlog::narrate!();
}
