//! `--sustained`, `--flood` and `--model`, the parent's side: each system in its own process
//! (the parent runs itself with `--run NAME`), and the tables.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::args::{Args, Mode, BATCH};
use crate::systems::*;

pub(crate) enum Outcome {
    Measured(Measure),
    /// The system is not built yet (the journal).
    Unavailable,
    Failed,
}

/// Runs `system` in a child process of its own.
pub(crate) fn run_child(
    system: System,
    mode: Mode,
    args: &Args,
    threads: usize,
    drain: u64,
) -> Outcome {
    let exe = std::env::current_exe().expect("own path");
    let mode_flag = match mode {
        Mode::Flood => "--flood",
        Mode::Model => "--model",
        Mode::Sustained | Mode::Latency => "--sustained",
    };
    let mut child = Command::new(exe)
        .args(["--run", system.arg(), mode_flag])
        .args(["--threads", &threads.to_string()])
        .args(["--events", &args.events.to_string()])
        .args(["--warmup", &args.warmup.to_string()])
        .args(["--paced", &args.paced.to_string()])
        .args(["--drain", &drain.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let out = child.stdout.take().expect("child stdout");
    let mut outcome = Outcome::Failed;
    for line in BufReader::new(out).lines().map_while(Result::ok) {
        if line == "UNAVAILABLE" {
            outcome = Outcome::Unavailable;
        } else if let Some(rest) = line.strip_prefix("MEASURE\t") {
            let m = rest
                .split('\t')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.parse().expect("a number")))
                .collect();
            outcome = Outcome::Measured(m);
        }
    }
    let status = child.wait().expect("wait child");
    if !status.success() {
        eprintln!("compare: {} failed ({status})", system.arg());
        return Outcome::Failed;
    }
    outcome
}

/// Runs every system of `systems` `args.repeat` times, one round after another (so slow
/// drifts of a shared machine spread over all systems), and gives each system's runs.
pub(crate) fn rounds(
    systems: &[System],
    mode: Mode,
    args: &Args,
    threads: usize,
    drain: u64,
) -> Vec<(System, Option<Vec<Measure>>)> {
    let mut runs: Vec<(System, Option<Vec<Measure>>)> =
        systems.iter().map(|&s| (s, Some(Vec::new()))).collect();
    for round in 1..=args.repeat {
        for (system, measures) in &mut runs {
            let Some(list) = measures else { continue };
            eprintln!(
                "compare: {} run {round}/{} ({threads} thread(s)) ...",
                system.arg(),
                args.repeat
            );
            match run_child(*system, mode, args, threads, drain) {
                Outcome::Measured(m) => list.push(m),
                Outcome::Unavailable => *measures = None,
                Outcome::Failed => {}
            }
        }
    }
    runs
}

pub(crate) fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The median of `key` over `runs` (NaN when no run has it).
pub(crate) fn median_of(runs: &[Measure], key: &str) -> f64 {
    let mut v: Vec<f64> = runs.iter().filter_map(|m| m.get(key).copied()).collect();
    median(&mut v)
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Each thread's CPU ns per event, as `callers 412, ttlog 530`.
pub(crate) fn cpu_split(runs: &[Measure], events: f64) -> String {
    let keys: Vec<&String> = runs[0].keys().filter(|k| k.starts_with("cpu.")).collect();
    keys.iter()
        .map(|k| (k.trim_start_matches("cpu."), median_of(runs, k) / events))
        .filter(|(_, ns)| *ns >= 0.5)
        .map(|(name, ns)| format!("{name} {ns:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ----- parents -----

/// `--sustained`: events per second reaching the sink, lossless.
pub(crate) fn sustained(args: &Args) {
    let runs = rounds(SUSTAINED, Mode::Sustained, args, args.threads, 0);
    let per_thread = args.events / args.threads as u64;
    let events = per_thread * args.threads as u64;
    let eps = |m: &Measure| m["events"] / m["nanos"] * 1e9;
    let tracing = runs
        .iter()
        .find(|(s, _)| *s == System::TracingFmt)
        .and_then(|(_, r)| r.as_ref())
        .map(|r| median(&mut r.iter().map(eps).collect::<Vec<_>>()))
        .unwrap_or(f64::NAN);
    println!(
        "sustained, lossless: {} producer thread(s), {} events per run ({} per thread) \
         after {} warm-up events per thread; {} run(s) per system, one round after \
         another; events/s = events / (first event .. the sink has counted the last line)\n",
        args.threads,
        thousands(events as f64),
        thousands(per_thread as f64),
        thousands(args.warmup as f64),
        args.repeat
    );
    println!("| system | events/s (median) | ns/event | × tracing fmt | lost | runs: events/s min–max | CPU ns/event by thread (median) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (system, measures) in &runs {
        let Some(measures) = measures else {
            eprintln!("compare: {} is not built yet; left out", system.label());
            continue;
        };
        if measures.is_empty() {
            println!("| {} | failed | | | | | |", system.label());
            continue;
        }
        let mut rates: Vec<f64> = measures.iter().map(eps).collect();
        let (min, max) = rates
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
        let med = median(&mut rates);
        // Lines the sink never counted, in the worst run; and what the system itself says.
        let lost = measures
            .iter()
            .map(|m| m["events"] - m["lines"])
            .fold(0.0, f64::max);
        let dropped = measures
            .iter()
            .map(|m| m.get("dropped").copied().unwrap_or(0.0))
            .fold(0.0, f64::max);
        let lost = if dropped > 0.0 {
            format!("{lost:.0} (system: {dropped:.0})")
        } else {
            format!("{lost:.0}")
        };
        println!(
            "| {} | {} | {:.1} | {:.2} | {lost} | {}–{} | {} |",
            system.label(),
            thousands(med),
            1e9 / med,
            med / tracing,
            thousands(min),
            thousands(max),
            cpu_split(measures, events as f64),
        );
    }
    println!(
        "\nlost = events − lines the sink counted (worst run); a run waits at most 30 s \
         for the last line. CPU = each thread's CPU time (/proc/self/task/*/schedstat) \
         over the timed run / events; `callers` is all producer threads together, \
         including waiting for room (spinning or blocking) under Block."
    );
}

/// `--flood`: what the lossy-by-default systems drop of a flood.
pub(crate) fn flood(args: &Args) {
    let runs = rounds(FLOOD, Mode::Flood, args, args.threads, 0);
    let per_thread = args.events / args.threads as u64;
    let events = per_thread * args.threads as u64;
    println!(
        "flood, default configuration: {} producer thread(s) log {} events as fast as \
         they can ({} per thread); {} run(s) per system, one round after another\n",
        args.threads,
        thousands(events as f64),
        thousands(per_thread as f64),
        args.repeat
    );
    println!("| system | dropped (median) | dropped share | runs: share min–max | events at the sink = logged − dropped | producers' time (median) |");
    println!("| --- | ---: | ---: | ---: | --- | ---: |");
    for (system, measures) in &runs {
        let Some(measures) = measures.as_ref().filter(|m| !m.is_empty()) else {
            println!("| {} | failed | | | | |", system.label());
            continue;
        };
        let mut shares: Vec<f64> = measures
            .iter()
            .map(|m| m["dropped"] / m["events"] * 100.0)
            .collect();
        let (min, max) = shares
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
        let share = median(&mut shares);
        let consistent = measures.iter().all(|m| m["consistent"] == 1.0);
        println!(
            "| {} | {} | {share:.1} % | {min:.1}–{max:.1} % | {} | {:.0} ms |",
            system.label(),
            thousands(median_of(measures, "dropped")),
            if consistent { "yes" } else { "NO" },
            median_of(measures, "nanos") / 1e6,
        );
    }
    println!(
        "\ndropped: the system's own count (ttlog `Guard::dropped`, tracing-appender's \
         `ErrorCounter`, slog-async: logged − INFO records its worker received). \
         ttlog's and slog-async's drop reports are extra lines at the sink."
    );
}

/// Per-event costs of one system, by thread, for the model.
pub(crate) struct Costs {
    label: String,
    /// The caller's CPU time per event, uncontended (mean over the paced batches).
    caller: f64,
    /// The median paced batch's wall time per event.
    caller_median: f64,
    /// Every other thread's CPU per event, and how many events per ns can pass each
    /// (`parallel` copies of it at once).
    stages: Vec<Stage>,
}

pub(crate) struct Stage {
    name: String,
    ns: f64,
    /// How many threads can do this stage's work at once (`None`: as many as there are
    /// cores left).
    parallel: Option<f64>,
}

impl Costs {
    fn total(&self) -> f64 {
        self.caller + self.stages.iter().map(|s| s.ns).sum::<f64>()
    }

    /// Events per second with `n` producers on `n + 1` cores, and what bounds it.
    fn rate(&self, n: f64) -> (f64, String) {
        let mut best = (n / self.caller, "callers".to_string());
        for s in &self.stages {
            if let Some(p) = s.parallel {
                let r = p / s.ns;
                if r < best.0 {
                    best = (r, s.name.clone());
                }
            }
        }
        let cores = (n + 1.0) / self.total();
        if cores < best.0 {
            best = (cores, "cores".to_string());
        }
        (best.0 * 1e9, best.1)
    }
}

/// `--model`: per-event costs measured with one producer, and the sustained lossless
/// throughput they predict for N producers on N + 1 cores.
pub(crate) fn model(args: &Args) {
    let runs = rounds(MODEL, Mode::Model, args, 1, 0);
    // The asynchronous peers' worker threads spin between events when they are not
    // saturated, so their CPU over a sustained run overstates their cost per event: time
    // them draining a backlog instead (their writer held while the caller queues it).
    let drains = rounds(DRAINED, Mode::Model, args, 1, DRAIN_EVENTS);
    let get = |system: System| -> Option<&Vec<Measure>> {
        runs.iter()
            .find(|(s, _)| *s == system)
            .and_then(|(_, r)| r.as_ref())
            .filter(|r| !r.is_empty())
    };
    let drained = |system: System| -> Option<&Vec<Measure>> {
        drains
            .iter()
            .find(|(s, _)| *s == system)
            .and_then(|(_, r)| r.as_ref())
            .filter(|r| !r.is_empty())
    };
    let costs_of = |system: System| -> Option<Costs> {
        let runs = get(system)?;
        // Worker threads: from the drain where there is one, else from the sustained run.
        let (source, prefix, events) = match drained(system) {
            Some(d) => (d, "drain.", d[0]["drain_events"]),
            None => (runs, "cpu.", runs[0]["events"]),
        };
        let stages = source[0]
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .filter(|name| *name != "callers")
            .map(|name| Stage {
                name: name.to_string(),
                ns: median_of(source, &format!("{prefix}{name}")) / events,
                parallel: Some(1.0),
            })
            .filter(|s| s.ns >= 0.5)
            .collect();
        Some(Costs {
            label: system.label().to_string(),
            caller: median_of(runs, "paced_cpu_ns"),
            caller_median: median_of(runs, "paced_ns"),
            stages,
        })
    };
    let measured = |system: System| -> f64 {
        get(system).map_or(f64::NAN, |r| {
            median(
                &mut r
                    .iter()
                    .map(|m| m["events"] / m["nanos"] * 1e9)
                    .collect::<Vec<_>>(),
            )
        })
    };
    let mut table: Vec<(Costs, f64)> = Vec::new();
    let order = [
        System::TtlogText,
        System::TracingFmt,
        System::TracingNonBlocking,
        System::SpdlogAsync,
        System::SlogAsyncBlock,
    ];
    for system in order {
        match costs_of(system) {
            Some(c) => table.push((c, measured(system))),
            None => eprintln!("compare: no measurements for {}", system.arg()),
        }
    }
    // ttlog's collector split in two: merge + decode + redaction (the collector of the
    // no-formatting run) and formatting (the rest of the text run's collector).
    let ttlog = costs_of(System::TtlogText);
    let noop = costs_of(System::TtlogNoop);
    let mut split = None;
    if let (Some(text), Some(noop)) = (&ttlog, &noop) {
        let collector = |c: &Costs| c.stages.iter().find(|s| s.name == "ttlog").map(|s| s.ns);
        let writer = text
            .stages
            .iter()
            .find(|s| s.name == "ttlog-sink")
            .map(|s| s.ns);
        if let (Some(all), Some(merge), Some(write)) = (collector(text), collector(noop), writer) {
            split = Some((merge, (all - merge).max(0.0), write));
            table.push((
                Costs {
                    label: "ttlog text, formatting on workers (item 4, projected)".into(),
                    caller: text.caller,
                    caller_median: text.caller_median,
                    stages: vec![
                        Stage {
                            name: "merge".into(),
                            ns: merge,
                            parallel: Some(1.0),
                        },
                        Stage {
                            name: "format".into(),
                            ns: (all - merge).max(0.0),
                            parallel: None,
                        },
                        Stage {
                            name: "ttlog-sink".into(),
                            ns: write,
                            parallel: Some(1.0),
                        },
                    ],
                },
                f64::NAN,
            ));
        }
    }

    println!(
        "model: per-event costs with 1 producer, median of {} run(s) per system; \
         {} events per sustained run\n",
        args.repeat,
        thousands(args.events as f64)
    );
    println!("| system | caller CPU ns/event (mean) | caller ns/event (median batch) | other threads, CPU ns/event | total CPU ns/event | measured events/s, 1 producer, 2 cores |");
    println!("| --- | ---: | ---: | --- | ---: | ---: |");
    for (c, measured) in &table {
        let stages = c
            .stages
            .iter()
            .map(|s| format!("{} {:.0}", s.name, s.ns))
            .collect::<Vec<_>>()
            .join(", ");
        let measured = if measured.is_nan() {
            String::new()
        } else {
            thousands(*measured)
        };
        println!(
            "| {} | {:.0} | {:.0} | {stages} | {:.0} | {measured} |",
            c.label,
            c.caller,
            c.caller_median,
            c.total()
        );
    }
    if let Some((merge, format, write)) = split {
        println!(
            "\nttlog's collector per event: merge + decode + redaction {merge:.0} ns, \
             formatting (Compact) {format:.0} ns; its writer thread (ttlog-sink) \
             {write:.0} ns."
        );
    }

    let producers = [1.0, 2.0, 8.0, 16.0];
    let tracing = table
        .iter()
        .find(|(c, _)| c.label == System::TracingFmt.label())
        .map(|(c, _)| c);
    println!("\nprojected sustained lossless events/s with N producers on N + 1 cores (× tracing fmt; what bounds it)\n");
    println!("| system | N = 1 | N = 2 | N = 8 | N = 16 |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (c, _) in &table {
        let cells: Vec<String> = producers
            .iter()
            .map(|&n| {
                let (r, bound) = c.rate(n);
                let ratio = tracing.map_or(f64::NAN, |t| r / t.rate(n).0);
                format!("{} ({ratio:.2}×; {bound})", thousands(r))
            })
            .collect();
        println!("| {} | {} |", c.label, cells.join(" | "));
    }
    println!(
        "\nevents/s = min(N / caller, 1 / each single-threaded stage, (N + 1) / total CPU). \
         Assumptions: the costs per event measured with one producer hold at every N (no \
         contention between producers: no shared lock or cache line in the sink, which \
         favours tracing fmt, whose real file writer takes a lock and a write(2) per event; \
         no growth of ttlog's merge with the number of threads, which is a heap, \
         O(log threads)); each background thread is one stage that cannot go faster than \
         one core; the OS spreads threads perfectly over the N + 1 cores; a producer \
         waiting for room costs nothing (under Block ttlog's spins, then yields). caller = \
         the caller thread's CPU time (CLOCK_THREAD_CPUTIME_ID) per event over {} paced \
         batches of {BATCH} on one thread, the system caught up (its sink has every line) \
         before each batch (the mean, so page faults and wake-ups count); ttlog's threads \
         = their CPU time (schedstat) over a sustained run of {} events, in which the \
         collector is saturated; the peers' worker threads = their CPU time draining a \
         backlog of {} events queued while their sink was held (over a sustained run \
         they spin between events and look several times costlier). merge = the collector \
         with a sink that formats nothing (one newline per event). Each sink is the \
         counting writer (counting lines as well). The projected ttlog row splits the \
         collector into one merge thread and formatting on any free core.",
        args.paced,
        thousands(args.events as f64),
        thousands(DRAIN_EVENTS as f64)
    );
}

// ----- children -----
