//! The facade's redaction settings reach the collector: `.redact_key` and `.redact_pattern`
//! mask the sinks' output and the snapshot on top of the default rules, and `.no_redaction()`
//! turns every rule off. Each case initialises in a child process (init is once per process).

mod common;

use common::sinks::Shared;
use ttlog::redact::Pattern;
use ttlog::{Builder, Format};

/// In the child for `test`: initialises with `configure`, logs one event with a custom
/// secret key, a custom-prefixed token (in a value and in the message) and a default secret
/// key, and checks the compact line and the snapshot's event. In the parent: runs the child.
fn check(test: &str, configure: impl FnOnce(Builder) -> Builder, line: &str, fields: [&str; 3]) {
    if common::is_child(test) {
        let out = Shared::default();
        let guard = configure(
            ttlog::init()
                .no_console()
                .snapshot_dir(common::child_dir())
                .writer(out.clone(), Format::Compact),
        )
        .init();
        ttlog::info!(
            target: "billing",
            "charged with acme_live_4eC39HqLyjWDarjtT1zdp7dc",
            user_ssn = "078-05-1120",
            card = "acme_live_51HqLyjWDarjtT1zdp7dc",
            password = "hunter2",
        );
        let snap = ttlog::snapshot::read(guard.snapshot("redaction").unwrap()).unwrap();
        drop(guard);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let logged = text.trim_end().split_once(' ').unwrap().1.trim_start();
        assert_eq!(logged, line);
        let event = snap
            .events
            .iter()
            .find(|e| e.target() == "billing")
            .unwrap();
        let got: Vec<String> = ["user_ssn", "card", "password"]
            .iter()
            .map(|name| event.field(name).unwrap().to_string())
            .collect();
        assert_eq!(got, fields);
        println!("child ok");
        return;
    }
    let dir = common::temp_dir(test);
    common::assert_child_ok(&mut common::child(test, test, &dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn custom_rules_mask_output_and_snapshots() {
    check(
        "custom_rules_mask_output_and_snapshots",
        |b| {
            b.redact_key("ssn")
                .redact_pattern(Pattern::prefix("acme_live_"))
        },
        "INFO billing: charged with acme_live_[REDACTED] user_ssn=[REDACTED] \
         card=acme_live_[REDACTED] password=[REDACTED]",
        ["[REDACTED]", "acme_live_[REDACTED]", "[REDACTED]"],
    );
}

#[test]
fn without_custom_rules_only_the_defaults_apply() {
    check(
        "without_custom_rules_only_the_defaults_apply",
        |b| b,
        "INFO billing: charged with acme_live_4eC39HqLyjWDarjtT1zdp7dc user_ssn=078-05-1120 \
         card=acme_live_51HqLyjWDarjtT1zdp7dc password=[REDACTED]",
        [
            "078-05-1120",
            "acme_live_51HqLyjWDarjtT1zdp7dc",
            "[REDACTED]",
        ],
    );
}

#[test]
fn no_redaction_wins_over_custom_rules() {
    check(
        "no_redaction_wins_over_custom_rules",
        |b| {
            b.redact_key("ssn")
                .redact_pattern(Pattern::prefix("acme_live_"))
                .no_redaction()
        },
        "INFO billing: charged with acme_live_4eC39HqLyjWDarjtT1zdp7dc user_ssn=078-05-1120 \
         card=acme_live_51HqLyjWDarjtT1zdp7dc password=hunter2",
        ["078-05-1120", "acme_live_51HqLyjWDarjtT1zdp7dc", "hunter2"],
    );
}
