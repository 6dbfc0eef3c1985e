//! What `init()` (unlike `try_init()`) does with a bad configuration: it warns once on stderr
//! for each invalid filter directive and each log file it cannot open, skips them, and runs
//! with the rest. Each case runs in a child process (init is once per process) whose stderr
//! is read here.

mod common;

use std::path::Path;

use common::sinks::Messages;
use ttlog::Format;

fn log_some() {
    ttlog::info!(target: "app", "i");
    ttlog::debug!(target: "app", "d");
    ttlog::debug!(target: "db", "d");
    ttlog::trace!(target: "db", "t");
}

/// Runs `test` as a child with `env`, checks it passed, and returns its stderr's lines.
fn child_stderr(test: &str, env: &[(&str, &str)], dir: &Path) -> Vec<String> {
    let out = common::output(common::child(test, test, dir).envs(env.iter().copied()));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("child ok"));
    stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_invalid_directive_is_one_warning_and_skipped() {
    const TEST: &str = "an_invalid_directive_is_one_warning_and_skipped";
    if common::is_child(TEST) {
        let sink = Messages::default();
        let guard = ttlog::init()
            .no_console()
            .snapshot_dir(common::child_dir())
            .filter("info,app=verbose,db=debug")
            .sink(sink.clone())
            .init();
        log_some();
        guard.flush();
        // The valid directives around the invalid one apply.
        assert_eq!(*sink.0.lock().unwrap(), ["INFO app i", "DEBUG db d"]);
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("init-warn-directive");
    assert_eq!(
        child_stderr(TEST, &[], &dir),
        [
            "ttlog: ignoring invalid filter directive `app=verbose`: invalid level `verbose` \
          (expected one of off, error, warn, info, debug, trace)"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_directives_in_the_environment_and_in_code_are_one_warning_each() {
    const TEST: &str = "invalid_directives_in_the_environment_and_in_code_are_one_warning_each";
    if common::is_child(TEST) {
        let sink = Messages::default();
        let guard = ttlog::init()
            .no_console()
            .snapshot_dir(common::child_dir())
            .filter("db=loud")
            .sink(sink.clone())
            .init();
        log_some();
        guard.flush();
        // TTLOG's valid `app=debug` applies; `db` has no valid directive: the default, info.
        assert_eq!(*sink.0.lock().unwrap(), ["INFO app i", "DEBUG app d"]);
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("init-warn-env");
    let lines = child_stderr(TEST, &[("TTLOG", "app=debug,a=b=c")], &dir);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with("ttlog: ignoring invalid filter directive `a=b=c` in TTLOG: "),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with("ttlog: ignoring invalid filter directive `db=loud`: "),
        "{lines:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unopenable_file_is_one_warning_and_skipped() {
    const TEST: &str = "an_unopenable_file_is_one_warning_and_skipped";
    let blocked = |dir: &Path| dir.join("not-a-dir").join("app.log");
    if common::is_child(TEST) {
        let dir = common::child_dir();
        let good = dir.join("good.log");
        let sink = Messages::default();
        let guard = ttlog::init()
            .no_console()
            .snapshot_dir(&dir)
            .file(blocked(&dir), Format::Compact)
            .file(&good, Format::Logfmt)
            .sink(sink.clone())
            .init();
        ttlog::info!(target: "app", "still logging");
        guard.flush();
        assert_eq!(*sink.0.lock().unwrap(), ["INFO app still logging"]);
        let written = std::fs::read_to_string(&good).unwrap();
        assert!(written.contains("msg=\"still logging\""), "{written}");
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("init-warn-file");
    // A regular file where the log file's directory should be: it cannot be created.
    std::fs::write(dir.join("not-a-dir"), b"").unwrap();
    let lines = child_stderr(TEST, &[], &dir);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let prefix = format!("ttlog: cannot open log file {}: ", blocked(&dir).display());
    assert!(lines[0].starts_with(&prefix), "{lines:#?}");
    assert!(lines[0].ends_with("; continuing without it"), "{lines:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}
