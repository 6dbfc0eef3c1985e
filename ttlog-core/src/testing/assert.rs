//! The assertions and queries of a [`Capture`].

use std::fmt::Write as _;

use super::capture::Capture;
use super::event::CapturedEvent;
use crate::level::Level;

impl Capture {
    /// The first captured event for which `predicate` holds.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static LOGIN: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "login", &["user_id"]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&LOGIN).value(7).build());
    /// ttlog_core::logger::dispatch(EventBuilder::new(&LOGIN).value(42).build());
    /// let event = logs.find(|e| e.field("user_id") == Some(&42.into())).unwrap();
    /// assert_eq!(event.message(), "login");
    /// assert!(logs.find(|e| e.field("user_id") == Some(&1.into())).is_none());
    /// ```
    pub fn find(&self, mut predicate: impl FnMut(&CapturedEvent) -> bool) -> Option<CapturedEvent> {
        self.shared.events().iter().find(|e| predicate(e)).cloned()
    }

    /// Every captured event for which `predicate` holds, in order.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static RETRY: Callsite = Callsite::new(Level::Warn, "app", "app", "src/app.rs", 1, "retry", &["n"]);
    ///
    /// let logs = testing::capture();
    /// for n in 1..=3 {
    ///     ttlog_core::logger::dispatch(EventBuilder::new(&RETRY).value(n).build());
    /// }
    /// let late = logs.filter(|e| e.field("n").and_then(|v| v.as_u64()) > Some(1));
    /// assert_eq!(late.len(), 2);
    /// ```
    pub fn filter(&self, mut predicate: impl FnMut(&CapturedEvent) -> bool) -> Vec<CapturedEvent> {
        self.shared
            .events()
            .iter()
            .filter(|e| predicate(e))
            .cloned()
            .collect()
    }

    /// How many captured events `predicate` holds for.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static RETRY: Callsite = Callsite::new(Level::Warn, "app", "app", "src/app.rs", 1, "retry", &[]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&RETRY).build());
    /// ttlog_core::logger::dispatch(EventBuilder::new(&RETRY).build());
    /// assert_eq!(logs.count(|e| e.level() == Level::Warn), 2);
    /// ```
    pub fn count(&self, mut predicate: impl FnMut(&CapturedEvent) -> bool) -> usize {
        self.shared.events().iter().filter(|e| predicate(e)).count()
    }

    /// Whether an event at `level` whose message contains `text` was captured.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static DOWN: Callsite = Callsite::new(Level::Error, "app", "app", "src/app.rs", 1, "backend down", &[]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&DOWN).build());
    /// assert!(logs.contains(Level::Error, "down"));
    /// assert!(!logs.contains(Level::Warn, "down"));
    /// ```
    pub fn contains(&self, level: Level, text: &str) -> bool {
        self.count(|e| matches(e, level, text)) > 0
    }

    /// Asserts that an event at `level` whose message contains `text` was captured, and
    /// returns the first such event (to check its fields).
    ///
    /// # Panics
    ///
    /// When there is none; the message lists what was captured.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static FAILED: Callsite = Callsite::new(Level::Warn, "app::auth", "app::auth", "src/auth.rs", 1, "login failed", &["user_id"]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&FAILED).value(42).build());
    /// let event = logs.assert_logged(Level::Warn, "login failed");
    /// assert_eq!(event.field("user_id"), Some(&42.into()));
    ///
    /// let missing = std::panic::catch_unwind(|| logs.assert_logged(Level::Error, "login failed"));
    /// let message = *missing.unwrap_err().downcast::<String>().unwrap();
    /// assert!(message.contains("WARN app::auth: login failed user_id=42"), "{message}");
    /// ```
    #[track_caller]
    pub fn assert_logged(&self, level: Level, text: &str) -> CapturedEvent {
        match self.find(|e| matches(e, level, text)) {
            Some(event) => event,
            None => panic!(
                "expected an event at {level} whose message contains {text:?}, but none was \
                 captured\n{}",
                self.listing()
            ),
        }
    }

    /// Asserts that no event at `level` whose message contains `text` was captured.
    ///
    /// # Panics
    ///
    /// When there is one; the message lists what was captured.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static FAILED: Callsite = Callsite::new(Level::Warn, "app", "app", "src/app.rs", 1, "login failed", &[]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&FAILED).build());
    /// logs.assert_not_logged(Level::Error, "login failed");
    /// logs.assert_not_logged(Level::Warn, "password");
    /// ```
    #[track_caller]
    pub fn assert_not_logged(&self, level: Level, text: &str) {
        if let Some(event) = self.find(|e| matches(e, level, text)) {
            panic!(
                "expected no event at {level} whose message contains {text:?}, but this one \
                 was captured:\n    {event}\n{}",
                self.listing()
            );
        }
    }

    /// What was captured, for assertion messages.
    fn listing(&self) -> String {
        let events = self.shared.events();
        if events.is_empty() {
            return "nothing was captured (with init(), is the level enabled by its filter?)"
                .to_owned();
        }
        let mut out = format!("captured {} event(s):", events.len());
        for event in events.iter() {
            let _ = write!(out, "\n    {event}");
        }
        out
    }
}

fn matches(event: &CapturedEvent, level: Level, text: &str) -> bool {
    event.level() == level && event.message().contains(text)
}
