//! Every documented `#[derive(Fields)]` and `..value` form compiles without a single warning.
#![deny(warnings)]

use std::fmt;

#[derive(Debug)]
enum AuthMethod {
    Password,
}

#[derive(ttlog::Fields)]
pub struct LoginAttempt<'a> {
    user: &'a str,
    tries: u32,
    #[fields(display)]
    addr: std::net::IpAddr,
    #[fields(debug)]
    method: AuthMethod,
    #[fields(rename = "client.version")]
    version: &'a str,
    #[fields(skip)]
    #[allow(dead_code)]
    password: &'a str,
    #[fields(display, rename = "peer")]
    peer: String,
}

#[derive(ttlog::Fields)]
struct Session {
    r#type: &'static str,
}

/// A generic struct: a field using a type parameter adds the bound it needs.
#[derive(ttlog::Fields)]
pub struct Page<T, U>
where
    U: Clone,
{
    items: T,
    #[fields(debug)]
    cursor: Option<U>,
    #[fields(display)]
    label: Box<dyn fmt::Display>,
}

fn log_any<T: ttlog::StructFields>(value: &T) {
    ttlog::info!(..value, "generic callsite");
}

fn main() {
    let attempt = LoginAttempt {
        user: "alice",
        tries: 3,
        addr: std::net::IpAddr::from([10, 0, 0, 1]),
        method: AuthMethod::Password,
        version: "1.2",
        password: "hunter2",
        peer: "p".into(),
    };
    let session = Session { r#type: "admin" };
    let page = Page { items: 5u8, cursor: Some(1u32), label: Box::new("l") };
    ttlog::info!(..attempt, "login attempt");
    ttlog::warn!("login failed", ..&attempt, reason = "bad password", ..session);
    ttlog::error!(target: "audit", ..page);
    ttlog::debug!("{} tries", attempt.tries, ..attempt, ok = false,);
    log_any(&attempt);
    log_any(&Session { r#type: "t" });
}
