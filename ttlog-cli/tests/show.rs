//! `ttlog show` on real snapshot files: header, events, filters, JSON, and bad files.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use ttlog_core::snapshot::{self, Header};
use ttlog_core::{FieldValue, Fields, Level, Record};

mod common;

use common::{temp_dir, ttlog};

fn write_sample(dir: &Path) -> PathBuf {
    let values_login = [FieldValue::from(42u64), FieldValue::from("10.0.0.1")];
    let values_fail = [FieldValue::from(7u64)];
    let values_db = [FieldValue::from(3i64)];
    let t0 = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let record = |level, target, message, fields, secs| Record {
        level,
        timestamp: t0 + Duration::from_secs(secs),
        target,
        module_path: target,
        file: "src/main.rs",
        line: 10,
        message,
        thread_name: "main",
        thread_id: 1,
        span_id: 0,
        spans: None,
        fields,
    };
    let records = vec![
        record(
            Level::Info,
            "orders::api",
            "user logged in",
            Fields::split(&["user_id", "ip"], &values_login),
            0,
        ),
        record(
            Level::Warn,
            "orders::api",
            "login failed",
            Fields::split(&["user_id"], &values_fail),
            1,
        ),
        record(
            Level::Error,
            "orders::db",
            "db error: timeout",
            Fields::split(&["attempt"], &values_db),
            2,
        ),
        record(Level::Debug, "orders::audit", "checked", Fields::empty(), 3),
    ];
    let mut header = Header::new("orders", "manual");
    header.capacity = 16_384;
    snapshot::write(dir, &header, records).unwrap()
}

#[test]
fn shows_header_and_events() {
    let dir = temp_dir("show");
    let path = write_sample(&dir);
    let out = ttlog(&["show", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("service   orders"), "{text}");
    assert!(text.contains("reason    manual"), "{text}");
    assert!(
        text.contains("events    4 (recorder capacity 16384"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("2026-")).collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].ends_with(" INFO orders::api: user logged in user_id=42 ip=10.0.0.1"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].contains("ERROR orders::db: db error: timeout attempt=3"),
        "{}",
        lines[2]
    );
}

#[test]
fn filters_by_level_target_and_text() {
    let dir = temp_dir("filters");
    let path = write_sample(&dir);
    let p = path.to_str().unwrap();
    let events = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["show", p];
        all.extend_from_slice(args);
        let out = ttlog(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("2026-"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(events(&["--level", "warn"]).len(), 2);
    assert_eq!(events(&["--level", "error"]).len(), 1);
    assert_eq!(events(&["--target", "orders::api"]).len(), 2);
    assert_eq!(events(&["--grep", "timeout"]).len(), 1);
    assert_eq!(
        events(&["--grep", "10.0.0.1"]).len(),
        1,
        "grep searches field values too"
    );
    assert_eq!(
        events(&["--level", "warn", "--target", "orders::db"]).len(),
        1
    );
}

#[test]
fn json_output_is_one_object_per_line() {
    let dir = temp_dir("json");
    let path = write_sample(&dir);
    let out = ttlog(&["show", path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0].starts_with("{\"snapshot\":{\"service\":\"orders\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(
            "\"fields\":{\"message\":\"user logged in\",\"user_id\":42,\"ip\":\"10.0.0.1\"}"
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn bad_files_fail_with_the_readers_error() {
    let dir = temp_dir("bad");
    let path = write_sample(&dir);
    let bytes = std::fs::read(&path).unwrap();

    let truncated = dir.join("truncated.snap");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let out = ttlog(&["show", truncated.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated"), "{err}");
    // A torn file still shows the events before the damage.
    let torn = dir.join("torn.snap");
    std::fs::write(&torn, &bytes[..bytes.len() - 3]).unwrap();
    let out = ttlog(&["show", torn.to_str().unwrap()]);
    assert!(!out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("2026-"))
        .count();
    assert_eq!(shown, 4);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is damaged"));

    let garbage = dir.join("garbage.snap");
    std::fs::write(&garbage, b"definitely not a snapshot").unwrap();
    let out = ttlog(&["show", garbage.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a ttlog snapshot"));

    let out = ttlog(&["show", dir.join("missing.snap").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.snap"));

    let out = ttlog(&["show", path.to_str().unwrap(), "--level", "loud"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loud"));
}
