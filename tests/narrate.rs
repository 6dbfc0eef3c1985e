//! `narrate!` and the struct form, end to end through a capturing logger: every field, the
//! interpolated texts, the level gates, evaluation, and the run-time rules.

use std::cell::Cell;

use ttlog::{FieldValue, Level, LevelFilter, LogEvent, NarrationFields, ValueRef};

mod common;

use common::capture::{field, Addr, Observe, Req, Session};

fn capture() -> Session<Captured> {
    common::capture::capture()
}

/// One captured event, with its callsite's metadata copied out.
#[derive(Debug)]
struct Captured {
    level: Level,
    target: &'static str,
    line: u32,
    message: String,
    names: &'static [&'static str],
    values: Vec<FieldValue>,
}

impl Captured {
    fn value(&self, name: &str) -> ValueRef<'_> {
        field(self.names, &self.values, name)
    }

    fn text(&self, name: &str) -> &str {
        match self.value(name) {
            ValueRef::Str(s) => s,
            other => panic!("`{name}` is {other:?}, not text"),
        }
    }
}

impl Observe for Captured {
    fn event(event: LogEvent) -> Captured {
        let cs = event.callsite();
        Captured {
            level: event.level(),
            target: event.target(),
            line: cs.line(),
            message: event.message().to_owned(),
            names: cs.field_names(),
            values: event.values().to_vec(),
        }
    }
}

/// The provenance every narration ends with, checked and cut off, leaving the other names.
fn provenance(e: &Captured, line: u32) -> Vec<&'static str> {
    let mut names = e.names.to_vec();
    if cfg!(debug_assertions) {
        assert_eq!(names.pop(), Some("source_location"));
        assert_eq!(
            e.text("source_location"),
            format!("tests/narrate.rs:{line}")
        );
    }
    assert_eq!(names.pop(), Some("emitted_at_ms"));
    assert_eq!(names.pop(), Some("emitted_by"));
    // Before init, emitted_by is the binary's name.
    let exe = std::env::current_exe().unwrap();
    assert_eq!(
        e.text("emitted_by"),
        exe.file_stem().unwrap().to_string_lossy()
    );
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    match e.value("emitted_at_ms") {
        ValueRef::U64(ms) => assert!(ms <= now_ms && ms + 600_000 > now_ms, "{ms} vs {now_ms}"),
        other => panic!("emitted_at_ms is {other:?}"),
    }
    names
}

#[test]
fn the_issue_example() {
    let seen = capture();
    let job_id = String::from("job-7");
    let (pos, eta_ms, cid) = (3u32, 120u64, "req-1");
    let line = line!() + 1;
    ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
        human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
        cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
        correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);
    let e = seen.one();
    assert_eq!(e.level, Level::Info);
    assert_eq!(e.target, module_path!());
    assert_eq!(e.line, line);
    assert_eq!(
        provenance(&e, line),
        [
            "human",
            "cute",
            "actor",
            "action",
            "target",
            "correlation_id",
            "queue_position",
            "predicted_start_ms"
        ]
    );
    let human = "Accepted request; queued at position 3 (ETA 120 ms)";
    assert_eq!(e.message, human);
    assert_eq!(e.text("human"), human);
    assert_eq!(
        e.text("cute"),
        "Orchestrator welcomes job-7 to the queue! You're #3 in line!"
    );
    assert_eq!(e.text("actor"), "orchestrator");
    assert_eq!(e.text("action"), "accept");
    assert_eq!(e.text("target"), "job-7");
    assert_eq!(e.text("correlation_id"), "req-1");
    assert_eq!(e.value("queue_position"), ValueRef::U64(3));
    assert_eq!(e.value("predicted_start_ms"), ValueRef::U64(120));
}

#[test]
fn templates_name_the_fields_of_the_call() {
    let seen = capture();
    let job = 42u64;
    let who = "scheduler";
    let target = "a local that the field shadows";
    let _ = target;
    let line = line!() + 1;
    ttlog::narrate!(Debug, actor: who, action: "plan", target: job,
        human: "{actor} will {action} {target} at {slot:>3} (#{correlation_id})",
        story: "Then {actor} looked at {target:?} and said {quote}",
        correlation_id: 9, slot = 5, quote = "hi");
    let e = seen.one();
    assert_eq!(e.level, Level::Debug);
    assert_eq!(
        provenance(&e, line),
        [
            "human",
            "story",
            "actor",
            "action",
            "target",
            "correlation_id",
            "slot",
            "quote"
        ]
    );
    assert_eq!(e.message, "scheduler will plan 42 at   5 (#9)");
    assert_eq!(e.text("story"), "Then scheduler looked at 42 and said hi");
    assert_eq!(e.value("target"), ValueRef::U64(42));
    assert_eq!(e.value("correlation_id"), ValueRef::I64(9));
    assert_eq!(e.value("quote"), ValueRef::Str("hi"));
}

#[test]
fn value_forms() {
    let seen = capture();
    let req = Req { id: 9 };
    let user_id = 7;
    let line = line!() + 1;
    ttlog::narrate!(Warn, actor: %Addr, action: "reject", target: ?req,
        human: "Rejected {target} from {actor}", user_id, %Addr, ?req, http.status = 403,
        "user-agent" = "curl");
    let e = seen.one();
    assert_eq!(e.level, Level::Warn);
    assert_eq!(
        provenance(&e, line),
        [
            "human",
            "actor",
            "action",
            "target",
            "user_id",
            "Addr",
            "req",
            "http.status",
            "user-agent"
        ]
    );
    assert_eq!(e.message, "Rejected Req { id: 9 } from 10.0.0.1");
    assert_eq!(e.text("actor"), "10.0.0.1");
    assert_eq!(e.text("target"), "Req { id: 9 }");
    assert_eq!(e.value("user_id"), ValueRef::I64(7));
    assert_eq!(e.text("Addr"), "10.0.0.1");
    assert_eq!(e.text("req"), "Req { id: 9 }");
    assert_eq!(e.value("http.status"), ValueRef::I64(403));
    assert_eq!(e.text("user-agent"), "curl");
}

#[test]
fn level_paths() {
    let seen = capture();
    ttlog::narrate!(ttlog::Level::Error, actor: "a", action: "b", target: 1, human: "x");
    ttlog::narrate!(Level::Trace, actor: "a", action: "b", target: 1, human: "x");
    let levels: Vec<Level> = seen.take().iter().map(|e| e.level).collect();
    assert_eq!(levels, [Level::Error, Level::Trace]);
}

#[test]
fn computed_texts_are_run_time_templates() {
    let seen = capture();
    let greeting = String::from("{actor} greets {target} ({missing}, {{braces}})");
    let cute = format_args!("{} {}", "{target}", "hops in!").to_string();
    ttlog::narrate!(Info, actor: "door", action: "greet", target: "guest",
        human: greeting, cute: cute.as_str());
    let e = seen.one();
    assert_eq!(e.message, "door greets guest ({missing}, {braces})");
    assert_eq!(e.text("human"), e.message);
    assert_eq!(e.text("cute"), "guest hops in!");
}

#[test]
fn huge_run_time_texts_are_cut_once_at_the_limit() {
    use ttlog_core::field::{MAX_TEXT_LEN, TRUNCATION_MARKER};
    let seen = capture();
    // 1 + 4 × 16383 bytes fit: the cut lands 3 bytes short of the limit, where the marker's
    // `…` would fit if the cut text were cut again.
    let wide = "😀".repeat(MAX_TEXT_LEN / 4);
    let kept = |full: &str| FieldValue::from(full).as_str().unwrap().to_owned();
    ttlog::narrate(NarrationFields {
        actor: "a",
        action: "b",
        target: wide.clone(),
        human: "ok".into(),
        story: Some("x{target}".repeat(1024)),
        ..Default::default()
    });
    let e = seen.one();
    assert_eq!(e.text("story"), kept(&format!("x{wide}x{wide}")));
    assert_eq!(
        e.text("story").len(),
        MAX_TEXT_LEN - 3 + TRUNCATION_MARKER.len()
    );

    let msg = "{target}".repeat(16 * 1024);
    ttlog::narrate!(Info, actor: "a", action: "b", target: "t".repeat(MAX_TEXT_LEN),
        human: msg);
    let e = seen.one();
    assert_eq!(e.message.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
    assert_eq!(e.message, kept(&"t".repeat(2 * MAX_TEXT_LEN)));
}

#[test]
fn a_disabled_narration_evaluates_nothing() {
    let seen = capture();
    let calls = Cell::new(0);
    let count = |v: u32| {
        calls.set(calls.get() + 1);
        v
    };
    ttlog::set_max_level(LevelFilter::Info);
    ttlog::narrate!(Debug, actor: "a", action: "b", target: count(1),
        human: "x {n}", correlation_id: count(2), n = count(3), text = %count(4));
    ttlog::narrate!(Trace, actor: "a", action: "b", target: 1,
        human: { calls.set(calls.get() + 10); "computed" });
    assert_eq!(calls.get(), 0);
    assert!(seen.take().is_empty());
    ttlog::narrate(NarrationFields {
        level: Level::Debug,
        actor: "a",
        action: "b",
        human: "x".into(),
        ..Default::default()
    });
    assert!(seen.take().is_empty());

    // Enabled: each value once, in the order written.
    ttlog::set_max_level(LevelFilter::Trace);
    let order = std::cell::RefCell::new(Vec::new());
    let note = |v: u32| {
        order.borrow_mut().push(v);
        v
    };
    ttlog::narrate!(Debug, n = note(1), actor: "a", action: "b", target: note(2),
        human: "x {n} {target}", correlation_id: note(3), m = note(4));
    assert_eq!(*order.borrow(), [1, 2, 3, 4]);
    assert_eq!(seen.one().message, "x 1 2");
}

#[test]
fn struct_form() {
    let seen = capture();
    let user_id = 42;
    let line = line!() + 1;
    ttlog::narrate(NarrationFields {
        actor: "auth",
        action: "authenticate",
        target: user_id.to_string(),
        human: "User {target} authenticated by {actor} in {ms} ms".into(),
        cute: Some("Welcome back, {target}!".into()),
        story: Some("{actor} checked the papers".into()),
        correlation_id: Some("req-9".into()),
        fields: vec![("ms", 12.into()), ("method", "password".into())],
        ..Default::default()
    });
    let e = seen.one();
    assert_eq!(e.level, Level::Info);
    assert_eq!(e.target, ttlog::narrate::STRUCT_TARGET);
    assert_eq!(e.line, line);
    assert_eq!(
        provenance(&e, line),
        [
            "human",
            "cute",
            "story",
            "actor",
            "action",
            "target",
            "correlation_id",
            "ms",
            "method"
        ]
    );
    assert_eq!(e.message, "User 42 authenticated by auth in 12 ms");
    assert_eq!(e.text("human"), e.message);
    assert_eq!(e.text("cute"), "Welcome back, 42!");
    assert_eq!(e.text("story"), "auth checked the papers");
    assert_eq!(e.text("actor"), "auth");
    assert_eq!(e.text("action"), "authenticate");
    assert_eq!(e.text("target"), "42");
    assert_eq!(e.text("correlation_id"), "req-9");
    assert_eq!(e.value("ms"), ValueRef::I64(12));
    assert_eq!(e.text("method"), "password");

    // The minimal form of the issue.
    let user_id = "u-42";
    ttlog::narrate(NarrationFields {
        actor: "auth",
        action: "authenticate",
        target: user_id.into(),
        human: "User authenticated".into(),
        ..Default::default()
    });
    let e = seen.one();
    assert_eq!(e.message, "User authenticated");
    assert!(!e.names.contains(&"cute") && !e.names.contains(&"narration_violation"));
}

#[test]
fn broken_rules_at_run_time_are_reported_not_fatal() {
    let seen = capture();
    ttlog::narrate(NarrationFields {
        human: "x".repeat(101),
        fields: vec![
            ("actor", 1.into()),
            ("", 2.into()),
            ("ok", 3.into()),
            ("ok", 4.into()),
        ],
        ..Default::default()
    });
    let e = seen.one();
    assert_eq!(e.names.last(), Some(&"narration_violation"));
    assert_eq!(
        e.text("narration_violation"),
        "extra fields `actor`, ``, `ok` dropped: the name is empty or already used; \
         actor is empty; action is empty; human is 101 characters, over the limit of 100"
    );
    assert_eq!(e.message.len(), 101);
    assert_eq!(e.value("ok"), ValueRef::I64(3));
    assert_eq!(e.names.iter().filter(|n| **n == "actor").count(), 1);

    // The macro: a computed empty actor, a human text that grows past the limit.
    let nobody = "";
    let long = "y".repeat(95);
    ttlog::narrate!(Info, actor: nobody, action: "wait", target: 1, human: "Waited {long}");
    let e = seen.one();
    assert_eq!(
        e.text("narration_violation"),
        "actor is empty; human is 102 characters, over the limit of 100"
    );
    assert_eq!(e.message, format!("Waited {long}"));
    // The same callsite within the rules has no violation field.
    let fine = "ok";
    for actor in [fine, nobody] {
        ttlog::narrate!(Info, actor: actor, action: "wait", target: 1, human: "Waited");
    }
    let seen = seen.take();
    assert!(!seen[0].names.contains(&"narration_violation"));
    assert_eq!(seen[1].text("narration_violation"), "actor is empty");
}
