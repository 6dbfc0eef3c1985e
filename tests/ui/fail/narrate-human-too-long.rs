fn main() {
    ttlog::narrate!(Info, actor: "auth", action: "authenticate", target: 1,
        human: "This sentence goes on and on about what happened, well past the point where anyone on call would still read it");
}
