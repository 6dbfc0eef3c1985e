//! Snapshots on signals: SIGTERM and SIGINT (snapshot, flush, then the default action) and
//! SIGUSR1 (snapshot, keep running).
//!
//! The handlers themselves only do what signal-hook's self-pipe does (async-signal-safe);
//! a thread named "ttlog-signals" waits on the pipe and asks the collector for the snapshot.

use std::io;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};
use signal_hook::iterator::Signals;

use ttlog_core::Handle;

const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(5);
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// Installs the handlers; the returned function removes them.
pub(crate) fn install(handle: Handle) -> io::Result<Box<dyn FnOnce() + Send>> {
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGUSR1])?;
    let closer = signals.handle();
    std::thread::Builder::new()
        .name("ttlog-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = match signal {
                    SIGTERM => "SIGTERM",
                    SIGINT => "SIGINT",
                    _ => "SIGUSR1",
                };
                match handle.snapshot_timeout(name, SNAPSHOT_TIMEOUT) {
                    Ok(path) => eprintln!("ttlog: {name}: snapshot written to {}", path.display()),
                    Err(e) => eprintln!("ttlog: {name}: {e}"),
                }
                if signal != SIGUSR1 {
                    handle.flush_timeout(FLUSH_TIMEOUT);
                    // Resets the default disposition and raises the signal again: the process
                    // ends exactly as it would have without ttlog.
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                }
            }
        })?;
    Ok(Box::new(move || closer.close()))
}
