//! `narrate!` and the struct form above the static maximum (`max_level_debug`; in release
//! builds `release_max_level_warn`): nothing is evaluated, no callsite registers, nothing
//! reaches the logger, even though the run-time level lets everything through.

use std::cell::Cell;
use std::sync::{Arc, Mutex};

use ttlog::{Level, LevelFilter, LogEvent, Logger, NarrationFields};

#[derive(Default)]
struct Capture(Mutex<Vec<(Level, String)>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        let message = event.message().to_owned();
        self.0.lock().unwrap().push((event.level(), message));
    }
}

#[test]
fn narrations_above_the_static_maximum_are_removed() {
    let capture = Arc::new(Capture::default());
    ttlog::set_logger(capture.clone());
    ttlog::set_max_level(LevelFilter::Trace);
    let evaluated = Cell::new(0);
    let counted = |v: u32| {
        evaluated.set(evaluated.get() + 1);
        v
    };
    let registered_before = ttlog::callsite::registered_count();

    ttlog::narrate!(Trace, actor: "a", action: "b", target: counted(1), human: "trace {target}");
    ttlog::narrate!(Info, actor: "a", action: "b", target: counted(2), human: "info {target}");
    ttlog::narrate!(Warn, actor: "a", action: "b", target: counted(3), human: "warn {target}");
    for level in [Level::Trace, Level::Info, Level::Warn] {
        ttlog::narrate(NarrationFields {
            level,
            actor: "a",
            action: "b",
            human: format!("struct {level}"),
            ..Default::default()
        });
    }

    let logged = capture.0.lock().unwrap().clone();
    if cfg!(debug_assertions) {
        assert_eq!(evaluated.get(), 2);
        assert_eq!(
            logged,
            [
                (Level::Info, "info 2".to_owned()),
                (Level::Warn, "warn 3".to_owned()),
                (Level::Info, "struct INFO".to_owned()),
                (Level::Warn, "struct WARN".to_owned()),
            ]
        );
        // The two macro callsites and the struct form's two run-time ones.
        assert_eq!(ttlog::callsite::registered_count() - registered_before, 4);
    } else {
        assert_eq!(evaluated.get(), 1);
        assert_eq!(
            logged,
            [
                (Level::Warn, "warn 3".to_owned()),
                (Level::Warn, "struct WARN".to_owned()),
            ]
        );
        assert_eq!(ttlog::callsite::registered_count() - registered_before, 2);
    }
}
