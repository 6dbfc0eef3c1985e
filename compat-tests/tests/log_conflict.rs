//! An application that still calls `env_logger::init()` and adds
//! `ttlog::init().with_log()`: `log` allows one logger per process, so ttlog cannot take
//! `log`'s records. `try_init` returns an error that names the `log` adapter and says why;
//! `init` panics with the same message (checked in a child process, as `init` runs once per
//! process).

use std::process::Command;

const CHILD: &str = "TTLOG_LOG_CONFLICT_CHILD";
const WHY: &str = "cannot install the log adapter: another `log` logger is already set";

#[test]
fn another_log_logger_is_refused() {
    env_logger::Builder::new().parse_filters("warn").init();

    if std::env::var_os(CHILD).is_some() {
        // The child: `init()` must panic with the message.
        let _guard = ttlog::init().with_log().no_console().init();
        unreachable!("init() returned although another log logger is set");
    }

    let err = ttlog::init()
        .with_log()
        .no_console()
        .try_init()
        .expect_err("env_logger already holds log's logger");
    assert_eq!(err.adapter_name(), Some("log"));
    assert!(err.to_string().starts_with(WHY), "{err}");
    // `log` still goes to env_logger, untouched.
    assert_eq!(log::max_level(), log::LevelFilter::Warn);

    let child = ttlog_test_support::output_within(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "another_log_logger_is_refused",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1"),
        ttlog_test_support::CHILD_TIMEOUT,
    );
    let stderr = String::from_utf8_lossy(&child.stderr).into_owned()
        + &String::from_utf8_lossy(&child.stdout);
    assert!(
        !child.status.success(),
        "the child's init() did not panic: {stderr}"
    );
    assert!(stderr.contains("ttlog::init() failed"), "{stderr}");
    assert!(stderr.contains(WHY), "{stderr}");
}
