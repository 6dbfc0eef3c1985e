//! The narration modes through the real runtime, in every format: each mode runs in a child
//! process (init is once per process) that writes one file per format.

use std::path::Path;

use ttlog::{Format, Narration};

mod common;

const TEST: &str = "modes";

const FORMATS: [(&str, Format); 4] = [
    ("compact", Format::Compact),
    ("full", Format::Full),
    ("logfmt", Format::Logfmt),
    ("json", Format::Json),
];

/// The child: narrates under `mode` into one file per format.
fn child(mode: Narration) {
    let dir = common::child_dir();
    let mut builder = ttlog::init()
        .service("orders")
        .version("1.2.3")
        .narration(mode)
        .no_console()
        .signals(false)
        .panic_hook(false);
    for (name, format) in FORMATS {
        builder = builder.file(dir.join(name), format);
    }
    let guard = builder.init();

    let (job_id, pos, password) = ("job-7", 3, "hunter2");
    let span = ttlog::info_span!("request", id = 7);
    let entered = span.enter();
    ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
        human: "Accepted; queued at position {pos}",
        cute: "Welcome {job_id}, you're #{pos}!",
        story: "Once upon a time, {job_id} joined the queue",
        correlation_id: "req-1", queue_position = pos, password);
    drop(entered);
    ttlog::narrate!(Warn, actor: "worker", action: "stall", target: job_id,
        human: "Stalled on {target}");
    ttlog::info!("plain event", human = "not a narration");
    drop(guard);
    println!("child ok");
}

fn run(mode: Narration, role: &str) -> Vec<(&'static str, Vec<String>)> {
    let dir = common::temp_dir(&format!("narrate-{role}"));
    common::assert_child_ok(&mut common::child(TEST, role, &dir));
    FORMATS
        .iter()
        .map(|(name, _)| (*name, lines(&dir.join(name))))
        .inspect(|(name, lines)| assert_eq!(lines.len(), 3, "{mode:?} {name}: {lines:?}"))
        .collect()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Checks one mode's output; `first` and `second` are the messages the text formats show.
fn check(mode: Narration, role: &str, first: &str, second: &str) {
    let out = run(mode, role);
    let location = |line: u32| {
        if cfg!(debug_assertions) {
            format!(" source_location=tests/narrate_modes.rs:{line}")
        } else {
            String::new()
        }
    };
    for (name, lines) in &out {
        let [a, b, plain] = &lines[..] else {
            unreachable!()
        };
        if *name == "json" {
            let a: serde_json::Value = serde_json::from_str(a).unwrap();
            let f = &a["fields"];
            assert_eq!(f["message"], "Accepted; queued at position 3");
            assert_eq!(f["human"], "Accepted; queued at position 3");
            assert_eq!(f["cute"], "Welcome job-7, you're #3!");
            assert_eq!(f["story"], "Once upon a time, job-7 joined the queue");
            assert_eq!(f["actor"], "orchestrator");
            assert_eq!(f["action"], "accept");
            assert_eq!(f["target"], "job-7");
            assert_eq!(f["correlation_id"], "req-1");
            assert_eq!(f["queue_position"], 3);
            assert_eq!(f["password"], "[REDACTED]");
            assert_eq!(f["emitted_by"], "orders@1.2.3");
            assert!(f["emitted_at_ms"].as_u64().unwrap() > 1_600_000_000_000);
            assert_eq!(a["span"]["name"], "request");
            let b: serde_json::Value = serde_json::from_str(b).unwrap();
            assert_eq!(b["fields"]["message"], "Stalled on job-7");
            assert!(b["fields"].get("cute").is_none());
            let plain: serde_json::Value = serde_json::from_str(plain).unwrap();
            assert_eq!(plain["fields"]["human"], "not a narration");
            continue;
        }
        assert!(!a.contains("hunter2"), "{name}: {a}");
        let fields = "actor=orchestrator action=accept target=job-7 correlation_id=req-1 \
             queue_position=3 password=[REDACTED] emitted_by=orders@1.2.3 emitted_at_ms=";
        let (msg, msg2) = if *name == "logfmt" {
            (format!("msg=\"{first}\""), format!("msg=\"{second}\""))
        } else {
            (format!(": {first} "), format!(": {second} "))
        };
        assert!(a.contains(&msg), "{name}: {a}");
        assert!(a.contains(fields), "{name}: {a}");
        assert!(a.ends_with(&location(NARRATION_LINE)), "{name}: {a}");
        assert!(a.contains("request{id=7}"), "{name}: {a}");
        for text in [" human=", " cute=", " story="] {
            assert!(!a.contains(text), "{name}: {a}");
            assert!(!b.contains(text), "{name}: {b}");
        }
        assert!(b.contains(&msg2), "{name}: {b}");
        assert!(
            b.contains(" WARN ") || b.contains("level=warn"),
            "{name}: {b}"
        );
        assert!(b.ends_with(&location(NARRATION_LINE + 6)), "{name}: {b}");
        // Ordinary events are untouched, even with a field called `human`.
        assert!(plain.contains("plain event"), "{name}: {plain}");
        assert!(
            plain.contains("human=\"not a narration\""),
            "{name}: {plain}"
        );
    }
}

/// The line of the first `narrate!` in [`child`] (the second is 6 lines below).
const NARRATION_LINE: u32 = 37;

#[test]
fn modes() {
    for (role, mode) in [
        ("human", Narration::Human),
        ("cute", Narration::Cute),
        ("story", Narration::Story),
    ] {
        if common::is_child(role) {
            return child(mode);
        }
    }
    common::all_levels::assert_every_level_kept();
    check(
        Narration::Human,
        "human",
        "Accepted; queued at position 3",
        "Stalled on job-7",
    );
    check(
        Narration::Cute,
        "cute",
        "Welcome job-7, you're #3!",
        "Stalled on job-7",
    );
    check(
        Narration::Story,
        "story",
        "Once upon a time, job-7 joined the queue",
        "Stalled on job-7",
    );
}
