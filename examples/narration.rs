//! Narration in its three output modes, side by side, and in JSON.
//!
//! Run with `cargo run --example narration`. ttlog is initialised once per process, so the
//! example runs itself once per mode (`narration human|cute|story|json`) and prints what each
//! run wrote.

use std::process::Command;

use ttlog::{Format, Narration};

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some(mode) => run(mode),
        None => {
            let exe = std::env::current_exe().expect("the example's own path");
            for mode in ["human", "cute", "story", "json"] {
                let out = Command::new(&exe)
                    .arg(mode)
                    .output()
                    .expect("run the example for one mode");
                println!("== {mode} ==");
                print!("{}", String::from_utf8_lossy(&out.stdout));
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
            }
        }
    }
}

/// Initialises ttlog for `mode`, writing to stdout, and narrates a job's way through a queue.
fn run(mode: &str) {
    let (narration, format) = match mode {
        "cute" => (Narration::Cute, Format::Compact),
        "story" => (Narration::Story, Format::Compact),
        "json" => (Narration::Human, Format::Json),
        _ => (Narration::Human, Format::Compact),
    };
    let guard = ttlog::init()
        .service("orchestrator")
        .version(env!("CARGO_PKG_VERSION"))
        .narration(narration)
        .no_console()
        .writer(std::io::stdout(), format)
        .init();

    let job_id = "job-7";
    let cid = "req-5f2a";
    let (pos, eta_ms) = (3, 120);
    ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
        human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
        cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
        story: "The orchestrator took {job_id} in and gave it place {pos} in the queue",
        correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);

    let worker = "worker-2";
    ttlog::narrate!(Info, actor: worker, action: "start", target: job_id,
        human: "Started {target} on {actor}",
        cute: "{actor} rolls up its sleeves for {target}!",
        correlation_id: cid);

    // The struct form: parts known only at run time; its texts are run-time templates.
    ttlog::narrate(ttlog::NarrationFields {
        level: ttlog::Level::Warn,
        actor: "orchestrator",
        action: "retry",
        target: job_id.to_owned(),
        human: "Retrying {target} after {attempts} failed attempts".into(),
        story: Some("Not giving up: {target} goes around once more".into()),
        correlation_id: Some(cid.to_owned()),
        fields: vec![("attempts", 2.into())],
        ..Default::default()
    });
    drop(guard);
}
