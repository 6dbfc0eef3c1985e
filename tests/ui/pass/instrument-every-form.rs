//! Every documented form of `#[instrument]` and `#[trace_fn]` compiles without a single
//! warning, and the functions still behave as written.
#![deny(warnings)]

use std::fmt::Debug;
use std::num::ParseIntError;

use ttlog::{Level, Span};

#[derive(Debug)]
struct User {
    name: String,
}

struct Conn;

#[ttlog::instrument]
fn plain() {}

#[ttlog::instrument(level = "debug", name = "load_user", target = "app::db", skip(conn))]
fn load(conn: &Conn, id: u64, password: &str) -> User {
    let _ = (conn, password);
    User {
        name: format!("user{id}"),
    }
}

#[ttlog::instrument(level = Level::Warn, skip_all)]
fn levels_as_paths(a: u8) -> u8 {
    a
}

#[ttlog::instrument(level = trace, fields(shard = id % 16, %label, ?user, http.status = 200))]
fn fields(id: u64, label: &str, user: &User) {
    let _ = (label, user);
}

#[ttlog::instrument(level = 2, fields(rows = ttlog::field::Empty))]
fn empty_field() {
    Span::current().record("rows", &3u64);
}

#[ttlog::instrument(ret, err)]
fn parse(s: &str) -> Result<u32, ParseIntError> {
    let n: u32 = s.parse()?;
    if n == 0 {
        return Ok(1);
    }
    Ok(n)
}

#[ttlog::instrument(ret(Display), err(Debug, level = "warn"))]
fn modes(s: &str) -> std::io::Result<String> {
    Ok(s.to_owned())
}

#[ttlog::instrument(ret(level = "trace"))]
fn unit_ret() {}

#[ttlog::instrument(err)]
fn err_only() -> Result<(), String> {
    Err("no".into())
}

#[ttlog::instrument(parent = None, follows_from = [cause])]
fn root(cause: &Span) {
    let _ = cause;
}

#[ttlog::instrument(skip(parent), parent = parent)]
fn child(parent: &Span) {
    let _ = parent;
}

#[ttlog::instrument(ret)]
fn generic<T: Debug + Clone>(items: &[T], (a, b): (u8, u8), mut n: usize) -> Option<T> {
    n += usize::from(a) + usize::from(b);
    items.get(n).cloned()
}

#[ttlog::instrument(ret)]
fn impl_trait(thing: impl Debug) -> impl Debug {
    thing
}

#[ttlog::instrument]
fn iter(limit: u32) -> impl Iterator<Item = u32> {
    0..limit
}

#[ttlog::instrument(ret)]
fn borrowed<'a>(user: &'a User) -> &'a str {
    &user.name
}

struct Counter {
    n: u64,
}

impl Counter {
    #[ttlog::instrument(ret)]
    fn get(&self) -> u64 {
        self.n
    }

    #[ttlog::instrument(err)]
    fn bump(&mut self, by: u64) -> Result<u64, String> {
        self.n = self.n.checked_add(by).ok_or("overflow")?;
        Ok(self.n)
    }

    #[ttlog::instrument]
    fn into_inner(self) -> u64 {
        self.n
    }
}

trait Store {
    fn load(&self, id: u64) -> u64;
}

impl Store for Counter {
    #[ttlog::instrument(skip(self))]
    fn load(&self, id: u64) -> u64 {
        self.n + id
    }
}

#[ttlog::instrument(ret, err)]
async fn fetch(id: u64) -> Result<u64, String> {
    std::future::ready(()).await;
    if id == 0 {
        return Err("zero".into());
    }
    Ok(id)
}

#[ttlog::instrument]
async fn fetch_unit(id: u64) {
    let _ = id;
}

#[ttlog::trace_fn]
fn traced(n: u32) -> Result<u32, String> {
    let half = n.checked_div(2).ok_or("zero")?;
    Ok(half)
}

#[ttlog::trace_fn]
fn traced_unit() {}

#[ttlog::trace_fn]
async fn traced_async(n: u32) -> u32 {
    n
}

mod inner {
    #[ttlog::trace_fn]
    pub(crate) fn nested(r#type: u8) -> u8 {
        r#type
    }
}

#[ttlog::instrument]
#[allow(clippy::too_many_arguments)]
pub fn attributes_kept(a: u8) -> u8 {
    #![allow(unused_mut)]
    let mut b = a;
    b
}

fn main() {
    plain();
    assert_eq!(load(&Conn, 7, "pw").name, "user7");
    assert_eq!(levels_as_paths(1), 1);
    fields(17, "l", &User { name: "u".into() });
    empty_field();
    assert_eq!(parse("3"), Ok(3));
    assert_eq!(parse("0"), Ok(1));
    assert!(parse("x").is_err());
    assert_eq!(modes("m").unwrap(), "m");
    unit_ret();
    assert!(err_only().is_err());
    let span = Span::current();
    root(&span);
    child(&span);
    assert_eq!(generic(&[1, 2, 3, 4], (1, 1), 0), Some(3));
    let _ = impl_trait(1);
    assert_eq!(iter(3).count(), 3);
    assert_eq!(borrowed(&User { name: "n".into() }), "n");
    let mut c = Counter { n: 1 };
    assert_eq!(c.get(), 1);
    assert_eq!(c.bump(1), Ok(2));
    assert!(c.bump(u64::MAX).is_err());
    assert_eq!(Store::load(&c, 1), 3);
    assert_eq!(c.into_inner(), 2);
    // Futures are only built here; tests/instrument.rs runs them.
    let _ = fetch(1);
    let _ = fetch_unit(1);
    let _ = traced_async(1);
    assert_eq!(traced(4), Ok(2));
    traced_unit();
    assert_eq!(inner::nested(3), 3);
    assert_eq!(attributes_kept(5), 5);
}
