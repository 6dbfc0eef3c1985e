#[derive(ttlog::Fields)]
#[fields(skip)]
struct Login {
    #[fields(flatten)]
    a: u32,
    #[fields(display, debug)]
    b: u32,
    #[fields(skip, rename = "c2")]
    c: u32,
    ok: u32,
    #[fields(rename = "ok")]
    d: u32,
    #[fields(rename = "")]
    e: u32,
    #[fields(rename = 5)]
    f: u32,
}

fn main() {}
