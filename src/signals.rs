//! Snapshots on signals: SIGTERM and SIGINT (snapshot, flush, then what the signal did before
//! ttlog: the default action ends the process; a signal the application ignored or handles
//! leaves it running), SIGUSR1 (snapshot, keep running) and SIGHUP (reopen the log files by
//! path, after logrotate moved them; keep running).
//!
//! A forked child inherits the handlers but not the thread that answers them: in a child that
//! has not called `init` itself, each of these signals does what it did before ttlog (the
//! default action ends it).
//!
//! The handlers themselves only do what signal-hook's self-pipe does (async-signal-safe);
//! a thread named "ttlog-signals" waits on the pipe and asks the collector for the snapshot.
//!
//! Once the guard drops, the three signals act as they did before ttlog first handled them.
//! Removing ttlog's actions is not enough for that: signal-hook keeps its own handler
//! installed for good, and with no action left that handler swallows the signal (see
//! `signal_hook_registry::unregister`), so a process that had dropped its guard would survive
//! `kill -TERM`. So, for each signal whose disposition was the default action before ttlog's
//! first `init`, dropping the guard registers an action that runs the default action
//! ([`signal_hook::flag::register_conditional_default`]). A signal that was ignored stays
//! ignored, and a handler the application had installed before `init` (directly or through
//! signal-hook) still runs and the process lives on, as without ttlog. An action the
//! application registers through signal-hook *after* `init` runs too, but the default action
//! follows it (signal-hook does not tell whether other actions exist), and one registered
//! after the guard dropped runs after that default action, that is, not at all: signal-hook
//! runs actions in the order they were registered.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGUSR1};
use signal_hook::iterator::Signals;
use signal_hook::SigId;

use ttlog_core::Handle;

const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

const SIGNALS: [libc::c_int; 4] = [SIGTERM, SIGINT, SIGUSR1, SIGHUP];

/// For each of [`SIGNALS`]: whether its disposition was the default action before ttlog
/// first installed its handlers (read once, since afterwards it is signal-hook's handler).
static DEFAULT_BEFORE: OnceLock<[bool; 4]> = OnceLock::new();

/// The actions that run the default action while no guard is live.
static FALLBACKS: Mutex<Vec<SigId>> = Mutex::new(Vec::new());

/// Installs the handlers; the returned function removes them and gives each signal back its
/// disposition from before ttlog.
pub(crate) fn install(handle: Handle) -> io::Result<Box<dyn FnOnce() + Send>> {
    let default_before = *DEFAULT_BEFORE.get_or_init(|| SIGNALS.map(is_default));
    // SIGHUP is taken over only to reopen log files, and only where its default action (end
    // the process) was in place: a process started under `nohup` keeps ignoring it, and one
    // with no log file still ends when its terminal hangs up.
    let files = handle
        .stats()
        .sinks
        .iter()
        .any(|s| s.name.starts_with("file "));
    let handled = SIGNALS.map(|s| s != SIGHUP || (files && default_before[3]));
    let default_before = [0, 1, 2, 3].map(|i| default_before[i] && handled[i]);
    guard_forked_children(default_before)?;
    let list: Vec<libc::c_int> = SIGNALS
        .into_iter()
        .zip(handled)
        .filter_map(|(s, h)| h.then_some(s))
        .collect();
    let mut signals = Signals::new(&list)?;
    let closer = signals.handle();
    std::thread::Builder::new()
        .name("ttlog-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if signal == SIGHUP {
                    // logrotate moved the files away: open them again by path. The process
                    // lives on (SIGHUP's default action would end it).
                    handle.reopen();
                    continue;
                }
                let name = match signal {
                    SIGTERM => "SIGTERM",
                    SIGINT => "SIGINT",
                    _ => "SIGUSR1",
                };
                // An automatic snapshot: within the logger's rate limit (a suppressed one
                // says "snapshot suppressed (rate limit; …)" below).
                let written = match handle.automatic_snapshot(name) {
                    Ok(path) => {
                        eprintln!("ttlog: {name}: snapshot written to {}", path.display());
                        true
                    }
                    Err(e) => {
                        eprintln!("ttlog: {name}: {e}");
                        false
                    }
                };
                if signal != SIGUSR1 {
                    handle.flush_timeout(FLUSH_TIMEOUT);
                    // The signal was the default action's before ttlog: reset the default
                    // disposition and raise the signal again, so the process ends exactly as
                    // it would have without ttlog. One that was ignored, or handled by the
                    // application (its handler ran, chained), leaves the process running, as
                    // without ttlog.
                    let was_default = SIGNALS
                        .iter()
                        .zip(default_before)
                        .any(|(s, default)| *s == signal && default);
                    if was_default {
                        // The snapshot holds the recorder: no file is left to recover too
                        // (unless there is no snapshot: then the file is all there is).
                        if written {
                            handle.close_recorder();
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                    }
                }
            }
        })?;
    // A guard is live again: the fallbacks an earlier guard left go, now that this guard's
    // actions are in place and its thread runs (so that no signal falls between the two, and
    // a failed start leaves them as they were).
    for id in FALLBACKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .drain(..)
    {
        signal_hook::low_level::unregister(id);
    }
    ACTIVE_PID.store(std::process::id() as i32, Ordering::Release);
    Ok(Box::new(move || {
        ACTIVE_PID.store(0, Ordering::Release);
        closer.close();
        restore(default_before);
    }))
}

/// The process whose "ttlog-signals" thread reads the self-pipe (0 while no guard is live).
static ACTIVE_PID: AtomicI32 = AtomicI32::new(0);

/// Registers, once, for each signal whose disposition was the default action, an action that
/// runs that default action in a forked child. A child inherits signal-hook's handler but not
/// the thread that answers it, so without this the signal would only be written to a pipe
/// nobody reads: the child would ignore SIGTERM. (A child that calls `init` again has a
/// thread of its own and is left alone.)
fn guard_forked_children(default_before: [bool; 4]) -> io::Result<()> {
    static REGISTERED: [AtomicBool; 4] = [const { AtomicBool::new(false) }; 4];
    for ((signal, default), registered) in SIGNALS.into_iter().zip(default_before).zip(&REGISTERED)
    {
        if !default || registered.load(Ordering::Acquire) {
            continue;
        }
        let action = move || {
            let active = ACTIVE_PID.load(Ordering::Acquire);
            // SAFETY: `getpid` is async-signal-safe.
            #[allow(unsafe_code)]
            let me = unsafe { libc::getpid() };
            if active != 0 && active != me {
                default_action(signal);
            }
        };
        // SAFETY: the action only reads an atomic and calls async-signal-safe functions
        // (`getpid`, `sigaction`, `raise`, in `default_action`).
        #[allow(unsafe_code)]
        unsafe {
            signal_hook::low_level::register(signal, action)?;
        }
        registered.store(true, Ordering::Release);
    }
    Ok(())
}

/// Resets `signal` to its default disposition and raises it again (from a signal handler:
/// async-signal-safe calls only).
#[allow(unsafe_code)]
fn default_action(signal: libc::c_int) {
    // SAFETY: `sigaction` with a zeroed struct whose handler is SIG_DFL (an all-zero
    // `sigaction` is valid) and `raise` are async-signal-safe; the old action is not wanted.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signal, &action, std::ptr::null_mut());
        libc::raise(signal);
    }
}

/// Registers, for each signal whose disposition was the default action, an action that runs
/// it. Registered last, it runs after any action registered before it.
fn restore(default_before: [bool; 4]) {
    let mut fallbacks = FALLBACKS.lock().unwrap_or_else(PoisonError::into_inner);
    for (signal, default) in SIGNALS.into_iter().zip(default_before) {
        if !default {
            continue;
        }
        let always = Arc::new(AtomicBool::new(true));
        match signal_hook::flag::register_conditional_default(signal, always) {
            Ok(id) => fallbacks.push(id),
            Err(e) => eprintln!("ttlog: cannot restore the default action of signal {signal}: {e}"),
        }
    }
}

/// Whether `signal`'s current disposition is the default action (not ignored, no handler).
#[allow(unsafe_code)]
fn is_default(signal: libc::c_int) -> bool {
    // SAFETY: `sigaction` is a plain C struct, for which all-zero bytes are a valid value; with
    // a null new action, `sigaction` changes nothing and only writes the current disposition
    // into `old`, a valid, exclusively borrowed `sigaction`.
    let (rc, old) = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        let rc = libc::sigaction(signal, std::ptr::null(), &mut old);
        (rc, old)
    };
    rc == 0 && old.sa_sigaction == libc::SIG_DFL
}
