//! Small tracing helpers built on the event macros: loop progress, state changes, entry and
//! exit, and a timer. Each logs at TRACE (the timer at DEBUG) and, like every event macro,
//! compiles to nothing when its level is removed by a `max_level_*` feature: its arguments
//! are then not even evaluated.

/// Logs one step of a loop at TRACE: `loop iteration` with fields `actor`, `action`, `index`,
/// `total` and `detail`.
///
/// `actor`, `action` and `detail` are recorded with their `Display`; `index` and `total` as
/// numbers.
///
/// ```
/// for (i, item) in ["a", "b"].iter().enumerate() {
///     ttlog::trace_loop!("importer", "import", i, 2, item);
/// }
/// ```
#[macro_export]
macro_rules! trace_loop {
    ($actor:expr, $action:expr, $index:expr, $total:expr, $detail:expr $(,)?) => {
        $crate::trace!(
            "loop iteration",
            actor = %$actor,
            action = %$action,
            index = $index,
            total = $total,
            detail = %$detail
        )
    };
}

/// Logs a state change at TRACE: `state change` with fields `actor` and `what` (`Display`)
/// and `from` and `to` (`Debug`, so enums work as they are).
///
/// ```
/// #[derive(Debug)]
/// enum Conn { Idle, Busy }
/// ttlog::trace_state!("pool", "connection 7", Conn::Idle, Conn::Busy);
/// ```
#[macro_export]
macro_rules! trace_state {
    ($actor:expr, $what:expr, $from:expr, $to:expr $(,)?) => {
        $crate::trace!("state change", actor = %$actor, what = %$what, from = ?$from, to = ?$to)
    };
}

/// Logs entry into a function at TRACE: `enter` with fields `actor`, `fn` and `detail`
/// (all `Display`). Pair it with [`trace_exit!`](crate::trace_exit!).
///
/// ```
/// fn load(id: u32) {
///     ttlog::trace_enter!("store", "load", id);
///     // ...
///     ttlog::trace_exit!("store", "load", "ok");
/// }
/// # load(1);
/// ```
#[macro_export]
macro_rules! trace_enter {
    ($actor:expr, $function:expr, $detail:expr $(,)?) => {
        $crate::trace!("enter", actor = %$actor, "fn" = %$function, detail = %$detail)
    };
}

/// Logs exit from a function at TRACE: `exit` with fields `actor`, `fn` and `detail` (all
/// `Display`). See [`trace_enter!`](crate::trace_enter!).
#[macro_export]
macro_rules! trace_exit {
    ($actor:expr, $function:expr, $detail:expr $(,)?) => {
        $crate::trace!("exit", actor = %$actor, "fn" = %$function, detail = %$detail)
    };
}

/// Starts a [`Timer`](crate::Timer): when the guard is dropped it logs at DEBUG how long it
/// lived, as `"{name} took {ms} ms"` with fields `name`, `elapsed_us` and `elapsed_ms`. The
/// event's target is the module the timer was started in.
///
/// ```
/// fn rebuild_index() {
///     let _t = ttlog::timer!("rebuild index");
///     // ... work ...
/// } // logs "rebuild index took 0.012 ms"
/// # rebuild_index();
/// ```
#[macro_export]
macro_rules! timer {
    ($name:expr $(,)?) => {{
        static __TTLOG_TIMER: $crate::__private::Callsite = $crate::__private::Callsite::new(
            $crate::__private::Level::Debug,
            $crate::__private::module_path!(),
            $crate::__private::module_path!(),
            $crate::__private::file!(),
            $crate::__private::line!(),
            "{name} took {ms} ms",
            &["name", "elapsed_us", "elapsed_ms"],
        );
        $crate::Timer::start(&__TTLOG_TIMER, $name)
    }};
}
