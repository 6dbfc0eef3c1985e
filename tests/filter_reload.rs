//! Filters in a running program: precedence between `.level()`, the environment (`TTLOG`,
//! else `RUST_LOG`) and `.filter()`, each case in a child process started with the
//! environment it needs; reloading with `Guard::set_filter` in this process (init is once per
//! process); and invalid directives.

mod common;

use common::sinks::Messages;
use ttlog::Level;

mod db {
    pub fn query() {
        ttlog::debug!("db query");
        ttlog::trace!("db rows");
    }
}

fn log_everything() {
    ttlog::error!("e");
    ttlog::warn!("w");
    ttlog::info!("i");
    ttlog::debug!("d");
    db::query();
    // A target that no `.filter()` below names: only `.level()` and the environment decide.
    ttlog::error!(target: "other", "e");
    ttlog::warn!(target: "other", "w");
    ttlog::info!(target: "other", "i");
    ttlog::debug!(target: "other", "d");
    ttlog::trace!(target: "other", "t");
}

/// In a child started with the environment `env` (and nothing else of TTLOG and RUST_LOG):
/// initialises with `configure`, logs everything and checks what the sink got. In the parent:
/// starts that child.
fn precedence(
    test: &str,
    env: &[(&str, &str)],
    configure: impl FnOnce(ttlog::Builder) -> ttlog::Builder,
    expected: &[&str],
) {
    if common::is_child(test) {
        let sink = Messages::default();
        let guard = configure(
            ttlog::init()
                .no_console()
                .snapshot_dir(common::child_dir())
                .sink(sink.clone()),
        )
        .init();
        log_everything();
        guard.flush();
        assert_eq!(sink.take(), expected);
        println!("child ok");
        return;
    }
    let dir = common::temp_dir(test);
    let mut child = common::child(test, test, &dir);
    child.envs(env.iter().copied());
    common::assert_child_ok(&mut child);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ttlog_wins_over_rust_log_and_level_and_filter_wins_over_ttlog() {
    // TTLOG's default (trace) beats RUST_LOG=off and .level(Error) on `other`; .filter()
    // beats TTLOG for the target both name (filter_reload=info covers filter_reload::db too:
    // the most specific prefix wins).
    precedence(
        "ttlog_wins_over_rust_log_and_level_and_filter_wins_over_ttlog",
        &[("TTLOG", "trace,filter_reload=trace"), ("RUST_LOG", "off")],
        |b| b.level(Level::Error).filter("filter_reload=info"),
        &[
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "INFO filter_reload i",
            "ERROR other e",
            "WARN other w",
            "INFO other i",
            "DEBUG other d",
            "TRACE other t",
        ],
    );
}

#[test]
fn rust_log_is_read_when_ttlog_is_unset_and_wins_over_level() {
    precedence(
        "rust_log_is_read_when_ttlog_is_unset_and_wins_over_level",
        &[("RUST_LOG", "warn,other=debug")],
        |b| b.level(Level::Trace),
        &[
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "ERROR other e",
            "WARN other w",
            "INFO other i",
            "DEBUG other d",
        ],
    );
}

#[test]
fn blank_ttlog_is_ignored_and_env_directives_layer_over_level() {
    // A blank TTLOG falls through to RUST_LOG, which names only `other`: the default stays
    // .level()'s.
    precedence(
        "blank_ttlog_is_ignored_and_env_directives_layer_over_level",
        &[("TTLOG", "  "), ("RUST_LOG", "other=trace")],
        |b| b.level(Level::Warn),
        &[
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "ERROR other e",
            "WARN other w",
            "INFO other i",
            "DEBUG other d",
            "TRACE other t",
        ],
    );
}

#[test]
fn reload_replaces_the_filter() {
    let dir = common::temp_dir("reload");
    // In this process: no environment; reload at run time.
    std::env::remove_var("TTLOG");
    std::env::remove_var("RUST_LOG");
    let sink = Messages::default();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .sink(sink.clone())
        .try_init()
        .unwrap();
    log_everything();
    guard.flush();
    assert_eq!(
        sink.take(),
        [
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "INFO filter_reload i",
            "ERROR other e",
            "WARN other w",
            "INFO other i",
        ]
    );

    guard.set_filter("warn,filter_reload::db=trace").unwrap();
    log_everything();
    guard.flush();
    assert_eq!(
        sink.take(),
        [
            "ERROR filter_reload e",
            "WARN filter_reload w",
            "DEBUG filter_reload::db db query",
            "TRACE filter_reload::db db rows",
            "ERROR other e",
            "WARN other w",
        ]
    );

    // Only a target directive: it replaces the whole filter, default included, so the other
    // targets fall back to `error` (the default of a filter without one), not to the `warn`
    // set before nor to init's `info`.
    guard.set_filter("filter_reload::db=trace").unwrap();
    log_everything();
    guard.flush();
    assert_eq!(
        sink.take(),
        [
            "ERROR filter_reload e",
            "DEBUG filter_reload::db db query",
            "TRACE filter_reload::db db rows",
            "ERROR other e",
        ]
    );

    guard.set_filter("off").unwrap();
    log_everything();
    guard.flush();
    assert!(sink.take().is_empty());

    // An invalid directive is an error that names it; the filter stays as it was.
    let err = guard.set_filter("info,filter_reload=loud").unwrap_err();
    assert!(err.to_string().contains("filter_reload=loud"), "{err}");
    log_everything();
    guard.flush();
    assert!(sink.take().is_empty());

    // A second init in the same process is refused.
    let again = ttlog::init().no_console().try_init().unwrap_err();
    assert!(again.is_already_initialized(), "{again}");
    // ... and `init()` says so in its panic.
    let panic = std::panic::catch_unwind(|| ttlog::init().no_console().init()).unwrap_err();
    let text = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or("");
    assert!(text.contains("already initialised"), "{text}");
}

#[test]
fn invalid_filter_is_an_error_from_try_init() {
    if common::is_child("invalid") {
        // RUST_LOG holds a span filter, which ttlog does not support.
        let err = ttlog::init().no_console().try_init().unwrap_err();
        assert!(err.to_string().contains("RUST_LOG"), "{err}");
        assert!(err.to_string().contains("[span]=debug"), "{err}");
        std::env::remove_var("RUST_LOG");
        let err = ttlog::init()
            .no_console()
            .filter("info,orders=verbose")
            .try_init()
            .unwrap_err();
        assert!(err.to_string().contains("orders=verbose"), "{err}");
        assert!(err.filter_error().is_some());
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("invalid");
    common::assert_child_ok(
        common::child("invalid_filter_is_an_error_from_try_init", "invalid", &dir)
            .env("RUST_LOG", "[span]=debug"),
    );
}
