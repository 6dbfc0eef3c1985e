//! `install()` on a running ttlog: `log` records reach the sinks through the rings,
//! `log::max_level()` follows every filter change, and a second `log` logger is refused.
//! One test, because ttlog and `log` are initialised once per process.

use std::sync::{Arc, Mutex};

use ttlog_core::{Level, Record};

/// An owned copy of what a sink saw.
#[derive(Debug)]
struct Seen {
    level: Level,
    target: String,
    message: String,
    file: String,
    line: u32,
    fields: Vec<(String, String)>,
    span: u64,
}

#[test]
fn install_routes_log_and_keeps_max_level_in_sync() {
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let sink_seen = seen.clone();
    let guard = ttlog_core::init()
        .filter("info,chatty=warn")
        .no_console()
        .panic_hook(false)
        .sink(move |r: &Record<'_>| {
            sink_seen.lock().unwrap().push(Seen {
                level: r.level,
                target: r.target.to_owned(),
                message: r.message.to_owned(),
                file: r.file.to_owned(),
                line: r.line,
                fields: r
                    .fields
                    .iter()
                    .map(|f| (f.name.to_owned(), format!("{:?}", f.value)))
                    .collect(),
                span: r.span_id,
            })
        })
        .try_init()
        .unwrap();

    assert_eq!(
        log::max_level(),
        log::LevelFilter::Off,
        "nothing is installed implicitly"
    );
    ttlog_integrations::log::install().unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Info);

    let line = line!() + 1;
    log::info!(user_id = 42, name = "alice"; "user logged in");
    log::debug!("not at debug yet");
    log::info!(target: "chatty::net", "chatty info is filtered");
    log::warn!(target: "chatty::net", "chatty warn passes");
    // Another thread has its own ring.
    std::thread::spawn(|| log::error!(code = 7u16; "from a thread"))
        .join()
        .unwrap();
    log::logger().flush();
    {
        let seen = seen.lock().unwrap();
        let msgs: Vec<&str> = seen.iter().map(|s| s.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["user logged in", "chatty warn passes", "from a thread"]
        );
        let first = &seen[0];
        assert_eq!(first.level, Level::Info);
        assert_eq!(first.target, module_path!());
        assert_eq!(first.file, file!());
        assert_eq!(first.line, line);
        assert_eq!(
            first.fields,
            [
                ("user_id".to_owned(), "42".to_owned()),
                ("name".to_owned(), "\"alice\"".to_owned())
            ]
        );
        assert_eq!(first.span, 0);
        assert_eq!(seen[1].target, "chatty::net");
        assert_eq!(seen[2].level, Level::Error);
        assert_eq!(seen[2].fields, [("code".to_owned(), "7".to_owned())]);
    }

    // Reloads move `log`'s max level, up and down, so `log`'s macros skip what ttlog drops.
    guard.set_filter("debug").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    log::debug!("debug now");
    guard.set_filter("warn,deep::module=trace").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    log::trace!(target: "deep::module::x", "deep trace");
    log::info!("info is off again");
    guard.set_filter("error").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Error);
    assert!(!log::log_enabled!(log::Level::Warn));
    guard.set_filter("off").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Off);
    guard.set_filter("info").unwrap();
    assert!(guard.set_filter("info,bad=loud").is_err());
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Info,
        "a rejected filter changes nothing"
    );

    log::logger().flush();
    let msgs: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .skip(3)
        .map(|s| s.message.clone())
        .collect();
    assert_eq!(msgs, ["debug now", "deep trace"]);

    // `log` has one logger per process: a second install is refused and says why.
    let err = ttlog_integrations::log::install().unwrap_err();
    assert!(err.contains("another `log` logger is already set"), "{err}");
    assert_eq!(log::max_level(), log::LevelFilter::Info);

    // Dropping the guard uninstalls the filter; `log` stops formatting records.
    drop(guard);
    assert_eq!(log::max_level(), log::LevelFilter::Off);
    log::error!("after shutdown");
}
