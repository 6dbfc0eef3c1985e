//! The span macros and `..struct` fields through the real runtime (ring, collector, text and
//! JSON sinks). Init is once per process, so this file holds one test that runs the
//! scenarios in order.

#[path = "common/all_levels.rs"]
mod all_levels;
#[path = "common/sinks.rs"]
mod sinks;

use sinks::Shared;

use ttlog::Format;

#[derive(ttlog::Fields)]
struct Attempt<'a> {
    user: &'a str,
    tries: u32,
    #[fields(display)]
    addr: std::net::Ipv4Addr,
    #[fields(skip)]
    #[allow(dead_code)] // never recorded
    password: &'a str,
}

#[test]
fn spans_and_struct_fields_reach_the_sinks() {
    all_levels::assert_every_level_kept();
    let compact = Shared::default();
    let json = Shared::default();
    let dir = std::env::temp_dir().join(format!("ttlog-macros-runtime-{}", std::process::id()));
    let guard = ttlog::init()
        .no_console()
        .level(ttlog::Level::Debug)
        .snapshot_dir(&dir)
        .writer(compact.clone(), Format::Compact)
        .writer(json.clone(), Format::Json)
        .try_init()
        .unwrap();

    // Nested spans, an explicit parent, a field recorded later, and `..` fields.
    let attempt = Attempt {
        user: "alice",
        tries: 3,
        addr: std::net::Ipv4Addr::new(10, 0, 0, 1),
        password: "hunter2",
    };
    let request = ttlog::info_span!("request", id = 7, user = ttlog::field::Empty);
    {
        let _r = request.enter();
        request.record("user", "alice");
        let db = ttlog::debug_span!(target: "orders::db", "db", table = "users");
        let _d = db.enter();
        ttlog::info!(..attempt, "login attempt", rows = 2);
    }
    let detached = ttlog::span!(parent: None, ttlog::Level::Warn, "detached");
    detached.in_scope(|| ttlog::warn!("alone"));
    let filtered = ttlog::trace_span!("filtered");
    assert!(filtered.is_none(), "TRACE is below the configured level");
    ttlog::info!("no span", ..&attempt);
    assert!(guard.flush());

    let lines = compact.take_lines();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].contains("request{id=7 user=alice}:db{table=users}:"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("login attempt user=alice tries=3 addr=10.0.0.1 rows=2"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("detached:"), "{}", lines[1]);
    assert!(!lines[1].contains("request"), "{}", lines[1]);
    assert!(lines[1].ends_with("alone"), "{}", lines[1]);
    assert!(!lines[2].contains('{'), "{}", lines[2]);
    assert!(
        lines[2].ends_with("no span user=alice tries=3 addr=10.0.0.1"),
        "{}",
        lines[2]
    );
    assert!(lines.iter().all(|l| !l.contains("hunter2")));

    let json = json.take_lines();
    let first: serde_json::Value = serde_json::from_str(&json[0]).unwrap();
    assert_eq!(first["fields"]["user"], "alice");
    assert_eq!(first["fields"]["tries"], 3);
    assert_eq!(first["fields"]["addr"], "10.0.0.1");
    assert_eq!(first["span"]["name"], "db");
    assert_eq!(first["spans"][0]["name"], "request");
    assert_eq!(first["spans"][0]["id"], 7);
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
