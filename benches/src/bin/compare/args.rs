//! The command line of `compare`, and what every part of it shares.

/// Events per timed batch.
pub(crate) const BATCH: usize = 1000;

/// Which table the parent prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The caller-latency table (the default).
    Latency,
    /// `--sustained`: events per second reaching the sink, lossless.
    Sustained,
    /// `--flood`: the share of a flood the lossy-by-default systems drop.
    Flood,
    /// `--model`: per-event costs by thread, and the throughput they predict for N producers.
    Model,
}

pub(crate) struct Args {
    pub(crate) mode: Mode,
    pub(crate) threads: usize,
    pub(crate) batches: usize,
    /// Events per run, all threads together (`--sustained`, `--flood`, `--model`).
    pub(crate) events: u64,
    /// Runs of each system; the tables give the median.
    pub(crate) repeat: usize,
    /// Warm-up events per thread before a sustained run.
    pub(crate) warmup: u64,
    /// Paced batches of 1000 events measuring the caller's cost (`--model`).
    pub(crate) paced: usize,
    /// Child of `--model`: time an asynchronous system's worker draining this many events.
    pub(crate) drain: u64,
    /// Child of the latency table: the system to run.
    pub(crate) system: Option<String>,
    /// Child of the other tables: the system to run.
    pub(crate) run: Option<String>,
}

pub(crate) const USAGE: &str =
    "use [--threads N] [--batches B] | --sustained [--threads N] [--events E] \
[--repeat R] [--warmup W] | --flood [--threads N] [--events E] [--repeat R] | --model \
[--events E] [--repeat R] [--paced P]";

pub(crate) fn parse_args() -> Args {
    let mut args = Args {
        mode: Mode::Latency,
        threads: 1,
        batches: 200,
        events: 1_000_000,
        repeat: 3,
        warmup: 10_000,
        paced: 200,
        drain: 0,
        system: None,
        run: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match a.as_str() {
            "--threads" => args.threads = value("--threads").parse().expect("--threads N"),
            "--batches" => args.batches = value("--batches").parse().expect("--batches B"),
            "--system" => args.system = Some(value("--system")),
            "--sustained" => args.mode = Mode::Sustained,
            "--flood" => args.mode = Mode::Flood,
            "--model" => args.mode = Mode::Model,
            "--events" => args.events = value("--events").parse().expect("--events E"),
            "--repeat" => args.repeat = value("--repeat").parse().expect("--repeat R"),
            "--warmup" => args.warmup = value("--warmup").parse().expect("--warmup W"),
            "--paced" => args.paced = value("--paced").parse().expect("--paced P"),
            "--run" => args.run = Some(value("--run")),
            "--drain" => args.drain = value("--drain").parse().expect("--drain K"),
            other => panic!("unknown argument {other:?}; {USAGE}"),
        }
    }
    assert!(args.threads >= 1 && args.batches >= 1 && args.repeat >= 1);
    assert!(
        args.events >= args.threads as u64,
        "--events must be at least --threads"
    );
    args
}
