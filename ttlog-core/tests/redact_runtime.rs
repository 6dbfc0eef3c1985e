//! Redaction through the real runtime: sinks and snapshots never see a secret (fields,
//! formatted and literal messages, span fields), while the caller's thread does not redact: a
//! logger installed in front of the ring logger receives the event as logged. (Init is once
//! per process, so this file holds one test.)

mod common;

use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};

use ttlog_core::__private::{self, Parent};
use ttlog_core::redact::Pattern;
use ttlog_core::snapshot;
use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, Logger};

static LOGIN: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app::auth",
    "src/auth.rs",
    1,
    "login",
    &["user", "password", "url", "ssn"],
);
static LITERAL: Callsite = Callsite::new(
    Level::Warn,
    "app",
    "app::auth",
    "src/auth.rs",
    2,
    "fallback key AKIAIOSFODNN7EXAMPLE in use",
    &[],
);
static CALL: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app::http",
    "src/http.rs",
    3,
    "call {}",
    &["authorization"],
);
static REQUEST: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app::http",
    "src/http.rs",
    4,
    "request",
    &["path", "api_key"],
);
static INSIDE: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app::http",
    "src/http.rs",
    5,
    "inside",
    &[],
);

const SECRETS: &[&str] = &[
    "hunter2",
    "s3cr3tT0k",
    "AKIAIOSFODNN7EXAMPLE",
    "0123456789abcdef",
    "k-42-live",
    "078-05-1120",
    "sk_live_zzz",
];

/// What a tap in front of the ring logger saw, as logged.
struct Tap {
    inner: Arc<dyn Logger>,
    seen: Mutex<Vec<String>>,
}

impl Logger for Tap {
    fn log(&self, event: LogEvent) {
        let mut text = event.message().to_owned();
        for v in event.values() {
            text.push(' ');
            text.push_str(&v.to_string());
        }
        self.seen.lock().unwrap().push(text);
        self.inner.log(event);
    }
    fn span(&self, op: SpanOp) {
        let mut seen = self.seen.lock().unwrap();
        match &op.kind {
            SpanOpKind::New { values, .. } => {
                seen.extend(values.iter().map(|v| v.to_string()));
            }
            SpanOpKind::Record { value, .. } => seen.push(value.to_string()),
            _ => {}
        }
        drop(seen);
        self.inner.span(op);
    }
    fn flush(&self) {
        self.inner.flush();
    }
}

fn log_everything() {
    __private::emit(
        &LOGIN,
        ManuallyDrop::new([
            "ann".into(),
            "hunter2".into(),
            FieldValue::from("/cb?state=1&token=s3cr3tT0k"),
            "078-05-1120".into(),
        ]),
    );
    __private::emit(&LITERAL, ManuallyDrop::new([]));
    __private::emit_message(
        &CALL,
        FieldValue::from(format!(
            "with Bearer {} and sk_live_zzz",
            "0123456789abcdef"
        )),
        ManuallyDrop::new(["Bearer 0123456789abcdef".into()]),
    );
    let span = __private::new_span(
        &REQUEST,
        Parent::Current,
        ManuallyDrop::new(["/x?api_key=k-42-live".into(), FieldValue::EMPTY]),
    );
    span.record("api_key", "k-42-live");
    span.in_scope(|| __private::emit(&INSIDE, ManuallyDrop::new([])));
    drop(span);
}

#[test]
fn secrets_never_reach_sinks_or_snapshots() {
    let dir = common::temp_dir("redact-runtime");
    let sink = common::Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .level(Level::Info)
        .snapshot_dir(&dir)
        .sink(sink.clone())
        .span_events(ttlog_core::SpanEvents::CLOSE)
        .redact_key("ssn")
        .redact_pattern(Pattern::prefix("sk_live_"))
        .init();

    // The caller's side: a logger in front of the ring logger sees every value as logged.
    let ring = ttlog_core::logger().expect("ring logger installed");
    let tap = Arc::new(Tap {
        inner: ring.clone(),
        seen: Mutex::new(Vec::new()),
    });
    ttlog_core::set_logger(tap.clone());
    log_everything();
    ttlog_core::set_logger(ring);
    // And straight into the ring logger.
    log_everything();

    let path = guard.snapshot("redaction").unwrap();
    guard.flush();

    let seen = tap.seen.lock().unwrap().join("\n");
    for secret in SECRETS {
        assert!(seen.contains(secret), "the tap saw {secret:?} unredacted");
    }

    let lines = sink.take();
    assert!(lines.len() >= 8, "{lines:#?}");
    let text = format!("{lines:?}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "sink saw {secret:?}: {text}");
    }
    let login = lines.iter().find(|l| l.message == "login").unwrap();
    assert_eq!(
        login.fields,
        [
            ("user".to_owned(), "ann".to_owned()),
            ("password".to_owned(), "[REDACTED]".to_owned()),
            ("url".to_owned(), "/cb?state=1&token=[REDACTED]".to_owned()),
            ("ssn".to_owned(), "[REDACTED]".to_owned()),
        ]
    );
    assert!(lines
        .iter()
        .any(|l| l.message == "fallback key [REDACTED] in use"));
    assert!(lines
        .iter()
        .any(|l| l.message == "with Bearer [REDACTED] and sk_live_[REDACTED]"));

    let snap = snapshot::read(&path).unwrap();
    let mut all = String::new();
    for e in &snap.events {
        let mut line = Vec::new();
        ttlog_core::sink::format_record(ttlog_core::Format::Full, &snap.record(e), &mut line);
        all.push_str(&String::from_utf8(line).unwrap());
    }
    for s in &snap.spans {
        for f in s.fields() {
            all.push_str(&format!(" {}={}", f.name, f.value));
        }
    }
    assert!(all.contains("api_key=[REDACTED]"), "{all}");
    assert!(all.contains("password=[REDACTED]"), "{all}");
    for secret in SECRETS {
        assert!(!all.contains(secret), "snapshot holds {secret:?}: {all}");
    }
    // The raw file, too.
    let bytes = std::fs::read(&path).unwrap();
    for secret in SECRETS {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "snapshot file holds {secret:?}"
        );
    }
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
