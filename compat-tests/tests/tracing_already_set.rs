//! An application that already set a tracing global default (here tracing-subscriber's fmt)
//! cannot also route tracing into ttlog: `try_init` says which adapter failed and why, and
//! the application's subscriber keeps working. (Global install: its own file.)

use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn another_global_default_is_an_error() {
    let buf = Buf::default();
    let writer = buf.clone();
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let err = ttlog::init()
        .no_console()
        .signals(false)
        .panic_hook(false)
        .with_tracing()
        .try_init()
        .unwrap_err();
    assert_eq!(err.adapter_name(), Some("tracing"));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "cannot install the tracing adapter: a global default tracing subscriber is already set"
        ),
        "{text}"
    );

    // The application's subscriber is still tracing's default.
    tracing::info!("still here");
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("still here"), "{out}");
}
