//! Sinks and writers the tests read back.
#![allow(dead_code)] // each test uses some of these

use std::io;
use std::sync::{Arc, Mutex};

use ttlog::{Record, Sink};

/// A writer whose bytes the test reads back.
#[derive(Clone, Default)]
pub struct Shared(pub Arc<Mutex<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Shared {
    /// The lines written so far (taken: the next call starts empty).
    pub fn take_lines(&self) -> Vec<String> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap());
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// A sink that keeps `LEVEL target message` of each event.
#[derive(Clone, Default)]
pub struct Messages(pub Arc<Mutex<Vec<String>>>);

impl Sink for Messages {
    fn write(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {} {}", r.level, r.target, r.message));
        Ok(())
    }
}

impl Messages {
    /// The messages so far (taken: the next call starts empty).
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A writer that never returns from its first write (a pipe nobody reads, a hung disk).
pub struct Stuck;

impl io::Write for Stuck {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        loop {
            std::thread::park();
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
