//! A ttlog [`Logger`] that keeps every event and span operation, for the tracing adapter's
//! tests: it replaces the ring logger, so what the adapter hands to ttlog can be checked
//! directly, with the values' types.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{FieldValue, Level, LogEvent, Logger};

/// One event as the adapter built it.
#[derive(Debug, Clone)]
pub struct Event {
    pub level: Level,
    pub target: String,
    pub module_path: String,
    pub file: String,
    pub line: u32,
    pub message: String,
    pub fields: Vec<(String, FieldValue)>,
    pub span: u64,
}

impl Event {
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// One span operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    New {
        id: u64,
        parent: Option<u64>,
        name: String,
        fields: Vec<(String, FieldValue)>,
    },
    Enter(u64),
    Exit(u64),
    Record(u64, String, FieldValue),
    FollowsFrom(u64, u64),
    Close(u64),
    Other(u64),
}

#[derive(Default)]
pub struct Capture {
    events: Mutex<Vec<Event>>,
    ops: Mutex<Vec<Op>>,
    names: Mutex<std::collections::HashMap<u64, &'static [&'static str]>>,
}

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        let cs = event.callsite();
        let fields = cs
            .field_names()
            .iter()
            .zip(event.values())
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        self.events.lock().unwrap().push(Event {
            level: event.level(),
            target: cs.target().to_owned(),
            module_path: cs.module_path().to_owned(),
            file: cs.file().to_owned(),
            line: cs.line(),
            message: event.message().to_owned(),
            fields,
            span: event.span_id(),
        });
    }

    fn span(&self, op: SpanOp) {
        let id = op.id.into_u64();
        let op = match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                self.names
                    .lock()
                    .unwrap()
                    .insert(id, callsite.field_names());
                Op::New {
                    id,
                    parent: parent.map(|p| p.into_u64()),
                    name: callsite.message().to_owned(),
                    fields: callsite
                        .field_names()
                        .iter()
                        .zip(values.iter())
                        .map(|(n, v)| (n.to_string(), v.clone()))
                        .collect(),
                }
            }
            SpanOpKind::Enter => Op::Enter(id),
            SpanOpKind::Exit => Op::Exit(id),
            SpanOpKind::Record { field, value } => {
                let name = self.names.lock().unwrap()[&id][field].to_owned();
                Op::Record(id, name, value)
            }
            SpanOpKind::FollowsFrom(from) => Op::FollowsFrom(id, from.into_u64()),
            SpanOpKind::Close => Op::Close(id),
            _ => Op::Other(id),
        };
        self.ops.lock().unwrap().push(op);
    }
}

/// The process's capture, installed as ttlog's logger with every level enabled.
pub fn capture() -> &'static Arc<Capture> {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Arc::new(Capture::default());
        ttlog_core::set_logger(capture.clone());
        ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
        capture
    })
}

/// Serializes the tests of one file (they share the capture) and clears it.
pub fn start() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let c = capture();
    c.events.lock().unwrap().clear();
    c.ops.lock().unwrap().clear();
    guard
}

pub fn events() -> Vec<Event> {
    capture().events.lock().unwrap().clone()
}

pub fn ops() -> Vec<Op> {
    capture().ops.lock().unwrap().clone()
}

/// The id of the span created with `name`.
pub fn span_id(name: &str) -> u64 {
    ops()
        .iter()
        .find_map(|op| match op {
            Op::New { id, name: n, .. } if n == name => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no span {name}"))
}

/// The `New` operation of the span `id`.
pub fn new_op(id: u64) -> Op {
    ops()
        .into_iter()
        .find(|op| matches!(op, Op::New { id: i, .. } if *i == id))
        .unwrap()
}
