//! Every form of `narrate!` compiles, with no warnings about unused values.
#![deny(warnings)]

#[derive(Debug)]
struct Req {
    #[allow(dead_code)]
    id: u32,
}

fn main() {
    let (job_id, pos, eta_ms, cid) = ("job-7", 3, 120u64, String::from("req-1"));
    let req = Req { id: 9 };
    let addr = std::net::Ipv4Addr::LOCALHOST;
    ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
        human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
        cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
        correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);
    ttlog::narrate!(ttlog::Level::Debug, target: ?req, actor: %addr, action: "route",
        human: "Routed {target} from {actor}", story: "{actor} sent {target}",
        %addr, ?req, http.status = 200, "user-agent" = "curl", pos);
    let text = String::from("computed {target}");
    ttlog::narrate!(Error, actor: "a", action: "b", target: 1, human: text, cute: "{{braces}}");
}
