//! A slog application, written as slog users write it (a fused root drain with `o!` context,
//! child loggers per component and per request, `info!(log, "msg"; "k" => v)`, tags,
//! `crit!`, values of many types, a worker thread), run through ttlog with the JSON format
//! into a capturing writer. The test checks every line of the output: target, level,
//! message, each field with its JSON type (the statement's and every logger's up to the
//! root), no key twice, nothing lost, nothing that the filters drop.
//!
//! Its own process: it initialises ttlog.

use std::io;
use std::sync::{Arc, Mutex};

/// The application. Only `root_logger` knows about ttlog: it builds the root drain.
mod app {
    use std::error::Error;
    use std::fmt;
    use std::net::SocketAddr;

    use slog::{crit, debug, error, info, o, trace, warn, Drain, Logger};

    #[derive(Debug)]
    pub struct Order {
        pub id: u64,
        pub items: u32,
        pub total: f64,
        pub express: bool,
    }

    #[derive(Debug)]
    pub enum PaymentError {
        Declined(Insufficient),
    }

    #[derive(Debug)]
    pub struct Insufficient;

    impl fmt::Display for PaymentError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("card declined")
        }
    }

    impl fmt::Display for Insufficient {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("insufficient funds")
        }
    }

    impl Error for PaymentError {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            match self {
                PaymentError::Declined(cause) => Some(cause),
            }
        }
    }

    impl Error for Insufficient {}

    /// The one line that changed: the root drain was `slog_async::Async` over `slog_term`.
    pub fn root_logger() -> Logger {
        let drain = ttlog::slog::Drain::new().fuse();
        Logger::root(
            drain,
            o!("svc" => "orders", "version" => "1.4.2", "pid" => 4242u32),
        )
    }

    pub fn run(root: &Logger) {
        let addr: SocketAddr = "10.0.0.1:8080".parse().unwrap();
        info!(root, "listening"; "addr" => %addr, "workers" => 2u8);

        let api = root.new(o!("component" => "api", "region" => "eu-west-1"));
        let orders = [
            Order {
                id: 7,
                items: 3,
                total: 37.5,
                express: true,
            },
            Order {
                id: 8,
                items: 1,
                total: 12.0,
                express: false,
            },
        ];
        for order in &orders {
            let req = api.new(o!("order_id" => order.id, "express" => order.express));
            trace!(req, "raw order"; "order" => ?order);
            debug!(req, "validating"; "items" => order.items);
            info!(req, "order placed";
                "items" => order.items, "total" => order.total, "customer" => "alice",
                "note" => None::<&str>, "discount" => -5i64, "grade" => 'A');
        }

        info!(api, #"audit", "orders listed"; "count" => orders.len());
        warn!(api, #"audit", "refund requested"; "order_id" => 7u64, "amount" => 12.5);

        // A child that sets `component` again: the innermost value is the one kept.
        let payments = api.new(o!("component" => "payments"));
        std::thread::Builder::new()
            .name("payments".into())
            .spawn(move || {
                let err = PaymentError::Declined(Insufficient);
                error!(payments, "payment failed";
                    "error" => #err, "attempt" => 3u32, "retry" => true);
                crit!(payments, "payment backend unreachable";
                    "backend" => "pay-1", "since_s" => 30u64);
            })
            .unwrap()
            .join()
            .unwrap();

        let reason = String::from("SIGTERM");
        info!(root, "shutting down on {}", reason; "pending" => 0i32);
    }
}

// ===== the test =====

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A JSON value that keeps what `serde_json::Value` would lose: every key of an object, in
/// order, even repeated, and whether a number was written as an integer.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    U(u64),
    I(i64),
    F(f64),
    S(String),
    A(Vec<J>),
    O(Vec<(String, J)>),
}

impl<'de> serde::Deserialize<'de> for J {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<J, E> {
                Ok(J::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<J, E> {
                Ok(J::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<J, E> {
                Ok(J::I(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<J, E> {
                Ok(J::F(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<J, E> {
                Ok(J::S(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(J::A(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(J::O(entries))
            }
        }
        d.deserialize_any(V)
    }
}

impl J {
    fn entries(&self) -> &[(String, J)] {
        match self {
            J::O(entries) => entries,
            other => panic!("not an object: {other:?}"),
        }
    }

    fn get(&self, key: &str) -> &J {
        let mut found = self.entries().iter().filter(|(k, _)| k == key);
        let value = &found
            .next()
            .unwrap_or_else(|| panic!("no {key:?} in {self:?}"))
            .1;
        assert!(found.next().is_none(), "{key:?} twice in {self:?}");
        value
    }

    fn keys(&self) -> Vec<&str> {
        self.entries().iter().map(|(k, _)| k.as_str()).collect()
    }
}

fn s(v: &str) -> J {
    J::S(v.to_owned())
}

#[test]
fn slog_app_through_ttlog() {
    let out = Captured::default();
    let snapshots = std::env::temp_dir().join(format!("ttlog-slog-app-{}", std::process::id()));
    let guard = ttlog::init()
        .service("orders")
        .filter("info,audit=warn")
        .no_console()
        .writer(out.clone(), ttlog::Format::Json)
        .snapshot_dir(&snapshots)
        .init();
    let root = app::root_logger();
    app::run(&root);
    drop(root);
    drop(guard); // drains every ring and flushes the writer

    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let events: Vec<J> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let messages: Vec<&J> = events
        .iter()
        .map(|e| e.get("fields").get("message"))
        .collect();

    // Nothing lost, nothing duplicated, nothing the filters drop (slog compiles `trace!` out
    // of debug builds; ttlog's filter drops `debug!` and the `audit` tag below WARN).
    assert_eq!(
        messages,
        [
            "listening",
            "order placed",
            "order placed",
            "refund requested",
            "payment failed",
            "payment backend unreachable",
            "shutting down on SIGTERM",
        ]
        .map(s)
        .iter()
        .collect::<Vec<_>>(),
        "{text}"
    );

    let root_ctx = [
        ("pid", J::U(4242)),
        ("version", s("1.4.2")),
        ("svc", s("orders")),
    ];
    let check = |event: &J, level: &str, target: &str, fields: &[(&str, J)]| {
        assert_eq!(event.get("level"), &s(level), "{event:?}");
        assert_eq!(event.get("target"), &s(target), "{event:?}");
        assert_eq!(event.get("filename"), &s(file!()));
        assert!(matches!(event.get("line_number"), J::U(_)));
        let got = event.get("fields");
        let mut want_keys = vec!["message"];
        want_keys.extend(fields.iter().map(|(k, _)| *k));
        want_keys.extend(root_ctx.iter().map(|(k, _)| *k));
        assert_eq!(got.keys(), want_keys, "fields, in order, each once");
        for (key, value) in fields.iter().chain(root_ctx.iter()) {
            assert_eq!(got.get(key), value, "{key} in {event:?}");
        }
    };
    let app = "slog_app::app";
    let api_ctx = [("region", s("eu-west-1")), ("component", s("api"))];

    check(
        &events[0],
        "INFO",
        app,
        &[("workers", J::U(2)), ("addr", s("10.0.0.1:8080"))],
    );
    for (event, (id, items, total, express)) in events[1..3]
        .iter()
        .zip([(7, 3, 37.5, true), (8, 1, 12.0, false)])
    {
        let mut fields = vec![
            ("grade", s("A")),
            ("discount", J::I(-5)),
            ("note", J::Null),
            ("customer", s("alice")),
            ("total", J::F(total)),
            ("items", J::U(items)),
            ("express", J::Bool(express)),
            ("order_id", J::U(id)),
        ];
        fields.extend(api_ctx.clone());
        check(event, "INFO", app, &fields);
    }
    let mut refund = vec![("amount", J::F(12.5)), ("order_id", J::U(7))];
    refund.extend(api_ctx.clone());
    check(&events[3], "WARN", "audit", &refund);

    let payments_ctx = [("component", s("payments")), ("region", s("eu-west-1"))];
    let mut failed = vec![
        ("retry", J::Bool(true)),
        ("attempt", J::U(3)),
        ("error", s("card declined: insufficient funds")),
    ];
    failed.extend(payments_ctx.clone());
    check(&events[4], "ERROR", app, &failed);
    assert_eq!(events[4].get("threadName"), &s("payments"));

    let mut critical = vec![
        ("critical", J::Bool(true)),
        ("since_s", J::U(30)),
        ("backend", s("pay-1")),
    ];
    critical.extend(payments_ctx.clone());
    check(&events[5], "ERROR", app, &critical);

    check(&events[6], "INFO", app, &[("pending", J::U(0))]);

    let _ = std::fs::remove_dir_all(&snapshots);
}
