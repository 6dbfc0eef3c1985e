//! The redaction corpus (issue 14) through the real runtime: every case of
//! `ttlog-core/tests/data/redaction/` is logged as a formatted message, as a string field and,
//! for `key` cases, as a field named after the key, through ttlog's macros and (with the
//! `log`, `tracing` and `slog` features) through each adapter, into a writer in every
//! [`Format`]. Every secret must be absent from every output, and every near-miss must come
//! out exactly as it does with redaction off. A narration whose texts interpolate a secret
//! field must show the mask in its texts too.
//!
//! Init is once per process: a child process logs everything with redaction on, another with
//! it off, and the parent compares their outputs, case by case.

mod common;

use std::path::Path;

use common::sinks::Shared;
use ttlog::callsite::{intern, CallsiteKey};
use ttlog::{EventBuilder, Format, Level};
use ttlog_test_support::redaction::parse;

const SECRETS: &str = include_str!("../ttlog-core/tests/data/redaction/secrets.txt");
const NEAR_MISSES: &str = include_str!("../ttlog-core/tests/data/redaction/near_misses.txt");

const FORMATS: [(Format, &str); 4] = [
    (Format::Compact, "compact"),
    (Format::Full, "full"),
    (Format::Json, "json"),
    (Format::Logfmt, "logfmt"),
];

/// The secret a narration interpolates into its texts.
const NARRATED: &str = "narrated-Secret-77";

/// The message of the event logged before case `i` of `part`, which splits the output.
fn separator(part: &str, i: usize) -> String {
    format!("corpus {part} case {i} begins")
}

// ===== the child: logs every case =====

/// Logs `text` as a message and as a field through every path, and `name = value` as a field.
fn log_case(text: &str, key: Option<(&str, &str)>) {
    ttlog::info!(target: "corpus", "{}", text, value = text);
    if let Some((name, value)) = key {
        let names = [name];
        let cs = intern(&CallsiteKey {
            level: Level::Info,
            target: "corpus",
            module_path: module_path!(),
            file: file!(),
            line: line!(),
            message: "key field",
            field_names: &names,
        })
        .unwrap();
        ttlog::logger::dispatch(EventBuilder::new(cs).value(value).build());
    }
    #[cfg(feature = "log")]
    {
        log::info!(target: "corpus", "{}", text);
        log::info!(target: "corpus", value = text; "value");
        if let Some((name, value)) = key {
            let kvs = [(name, value)];
            log::logger().log(
                &log::Record::builder()
                    .args(format_args!("key field"))
                    .level(log::Level::Info)
                    .target("corpus")
                    .key_values(&kvs)
                    .build(),
            );
        }
    }
    #[cfg(feature = "tracing")]
    {
        tracing::info!(target: "corpus", "{}", text);
        tracing::info!(target: "corpus", value = %text);
        if let Some((name, value)) = key {
            dynamic_tracing::event(name, value);
        }
    }
    #[cfg(feature = "slog")]
    {
        use std::sync::OnceLock;
        static LOGGER: OnceLock<slog::Logger> = OnceLock::new();
        let logger = LOGGER.get_or_init(|| {
            use slog::Drain as _;
            slog::Logger::root(ttlog::slog::Drain::new().fuse(), slog::o!())
        });
        slog::info!(logger, "{}", text);
        slog::info!(logger, "value"; "value" => text);
        if let Some((name, value)) = key {
            let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
            slog::info!(logger, "key field"; name => value);
        }
    }
}

/// A `tracing` event with a field name known only at run time, as the `tracing` macros
/// cannot make one: a leaked callsite per name.
#[cfg(feature = "tracing")]
mod dynamic_tracing {
    use std::sync::OnceLock;

    use tracing::callsite::{Callsite, Identifier};
    use tracing::field::FieldSet;
    use tracing::metadata::Kind;
    use tracing::subscriber::Interest;
    use tracing::{Event, Level, Metadata, Value};

    struct Dynamic(OnceLock<Metadata<'static>>);

    impl Callsite for Dynamic {
        fn set_interest(&self, _: Interest) {}
        fn metadata(&self) -> &Metadata<'_> {
            self.0.get().unwrap()
        }
    }

    pub fn event(name: &str, value: &str) {
        let cs: &'static Dynamic = Box::leak(Box::new(Dynamic(OnceLock::new())));
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let names: &'static [&'static str] = Box::leak(Box::new([name]));
        let meta = Metadata::new(
            "key field",
            "corpus",
            Level::INFO,
            Some(file!()),
            Some(line!()),
            Some(module_path!()),
            FieldSet::new(names, Identifier(cs)),
            Kind::EVENT,
        );
        let _ = cs.0.set(meta);
        tracing::callsite::register(cs);
        let meta = cs.metadata();
        let field = meta.fields().field(name).unwrap();
        let values = [(&field, Some(&value as &dyn Value))];
        Event::dispatch(meta, &meta.fields().value_set(&values));
    }
}

/// In the child: logs the corpus and a narration with redaction `on` or not, and writes
/// each part's output in each format to `dir/{role}-{part}-{format}.log`.
fn run_child(role: &str, dir: &Path) {
    let outs: Vec<Shared> = FORMATS.iter().map(|_| Shared::default()).collect();
    let mut builder = ttlog::init().no_console();
    for (out, (format, _)) in outs.iter().zip(FORMATS) {
        builder = builder.writer(out.clone(), format);
    }
    if role == "off" {
        builder = builder.no_redaction();
    }
    #[cfg(feature = "log")]
    {
        builder = builder.with_log();
    }
    #[cfg(feature = "tracing")]
    {
        builder = builder.with_tracing();
    }
    let guard = builder.init();
    let write = |part: &str| {
        guard.flush();
        for (out, (_, name)) in outs.iter().zip(FORMATS) {
            let text = out.take_lines().join("\n");
            std::fs::write(dir.join(format!("{role}-{part}-{name}.log")), text).unwrap();
        }
    };
    for (part, data) in [("secrets", SECRETS), ("near", NEAR_MISSES)] {
        for (i, case) in parse(data).iter().enumerate() {
            ttlog::info!(target: "corpus", "{}", separator(part, i));
            log_case(&case.text, case.key_value());
        }
        write(part);
    }
    let password = NARRATED;
    ttlog::narrate!(Info, actor: "auth", action: "login", target: "ann",
        human: "ann logged in with {password}",
        cute: "ann whispered {password} and got in!",
        story: "\"{password}\", said ann, and the door opened",
        password = password);
    write("narration");
    drop(guard);
}

// ===== the parent: compares =====

/// `line` with its timestamps (`2026-11-23T10:00:00.123456Z`) replaced by `<ts>`.
fn without_timestamps(line: &str) -> String {
    let b = line.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let mut out = String::new();
    let mut at = 0;
    let mut i = 0;
    while i + shape.len() <= b.len() {
        let matches = shape.iter().zip(&b[i..]).all(|(&s, &c)| match s {
            b'd' => c.is_ascii_digit(),
            s => s == c,
        });
        if !matches {
            i += 1;
            continue;
        }
        let mut end = i + shape.len();
        if b.get(end) == Some(&b'.') {
            end += 1;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        if b.get(end) == Some(&b'Z') {
            end += 1;
        }
        out.push_str(&line[at..i]);
        out.push_str("<ts>");
        at = end;
        i = end;
    }
    out.push_str(&line[at..]);
    out
}

/// The output of `role` for `part` in `format`, split into one group of lines per case.
fn groups(dir: &Path, role: &str, part: &str, format: &str, cases: usize) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(format!("{role}-{part}-{format}.log"))).unwrap();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        let next = groups.len();
        if line.contains(&separator(part, next)) {
            groups.push(Vec::new());
            continue;
        }
        groups
            .last_mut()
            .unwrap_or_else(|| panic!("{role} {part} {format}: line before the first case"))
            .push(without_timestamps(line));
    }
    assert_eq!(groups.len(), cases, "{role} {part} {format}: cases logged");
    groups
}

#[test]
fn corpus_through_runtime() {
    const TEST: &str = "corpus_through_runtime";
    for role in ["on", "off"] {
        if common::is_child(role) {
            run_child(role, &common::child_dir());
            println!("child ok");
            return;
        }
    }
    let dir = common::temp_dir(TEST);
    for role in ["on", "off"] {
        common::assert_child_ok(&mut common::child(TEST, role, &dir));
    }

    let secrets = parse(SECRETS);
    let near = parse(NEAR_MISSES);
    let mut failures = Vec::new();
    let mut caught = vec![true; secrets.len()];
    let mut false_positive = vec![false; near.len()];
    for (_, format) in FORMATS {
        let on = groups(&dir, "on", "secrets", format, secrets.len());
        let off = groups(&dir, "off", "secrets", format, secrets.len());
        for (i, case) in secrets.iter().enumerate() {
            // The formats escape newlines: look for each line of a secret.
            for s in case.secrets.iter().flat_map(|s| s.split('\n')) {
                // Redaction off shows the secret: the case was logged and reached the output.
                assert!(
                    off[i].iter().any(|l| l.contains(s)),
                    "{format}: {s:?} never logged"
                );
                for line in on[i].iter().filter(|l| l.contains(s)) {
                    failures.push(format!("{format}: secret {s:?} in {line}"));
                    caught[i] = false;
                }
            }
        }
        let on = groups(&dir, "on", "near", format, near.len());
        let off = groups(&dir, "off", "near", format, near.len());
        for (i, case) in near.iter().enumerate() {
            if on[i] != off[i] {
                failures.push(format!(
                    "{format}: near-miss {:?} changed:\n  {}\n  vs\n  {}",
                    case.text,
                    on[i].join("\n  "),
                    off[i].join("\n  ")
                ));
                false_positive[i] = true;
            }
        }
        let on = std::fs::read_to_string(dir.join(format!("on-narration-{format}.log"))).unwrap();
        let off = std::fs::read_to_string(dir.join(format!("off-narration-{format}.log"))).unwrap();
        assert!(
            off.contains(NARRATED),
            "{format}: the narration was not logged"
        );
        if on.contains(NARRATED) || !on.contains("[REDACTED]") {
            failures.push(format!("{format}: narrated secret not masked: {on}"));
        }
    }

    let mut classes: Vec<(&str, usize, usize)> = Vec::new();
    for (case, ok) in secrets.iter().zip(&caught) {
        match classes.iter_mut().find(|c| c.0 == case.class) {
            Some(c) => {
                c.1 += 1;
                c.2 += usize::from(*ok);
            }
            None => classes.push((&case.class, 1, usize::from(*ok))),
        }
    }
    let paths = if cfg!(all(feature = "log", feature = "tracing", feature = "slog")) {
        "macros, log, tracing, slog"
    } else {
        "macros only (enable log, tracing, slog for the adapters)"
    };
    println!("through the runtime ({paths}), formats compact, full, json, logfmt:");
    for (class, cases, ok) in &classes {
        println!("| {class} | {cases} | {ok} |");
    }
    println!(
        "| near-misses | {} | {} false positives |",
        near.len(),
        false_positive.iter().filter(|f| **f).count()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
