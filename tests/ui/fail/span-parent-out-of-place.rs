fn main() {
    let parent = ttlog::Span::none();
    let _ = ttlog::info_span!("request", id = 1, parent: &parent);
    let _ = ttlog::info_span!(parent: &parent, target: "a::b", "request");
    let _ = ttlog::span!(ttlog::Level::Info, parent: &parent, "request");
    let _ = ttlog::info_span!(parent: &parent, parent: None, "request");
}
