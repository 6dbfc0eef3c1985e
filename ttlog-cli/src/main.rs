//! The `ttlog` command. (Contract stub: implementation in progress.)
fn main() {}
