//! Standard output with a cap on how much a command prints.
//!
//! Output is written a whole line at a time; the first line that would pass the cap is not
//! written, nor anything after it, and the command says on stderr that it stopped (see
//! `main.rs`). `--max-bytes N` sets the cap, `--full` lifts it.

use std::io::{self, Write};

/// How much one command prints at most by default, in bytes (64 MiB): far more than anyone
/// reads in a terminal or a pager, far less than a hostile file could make it print.
pub(crate) const MAX_OUTPUT_BYTES: u64 = 64 << 20;

/// A writer that stops before the line that would pass its cap.
pub(crate) struct Capped<W: Write> {
    out: W,
    /// Bytes that may still be written; `None` for no cap.
    left: Option<u64>,
    written: u64,
    cut: bool,
}

impl<W: Write> Capped<W> {
    pub(crate) fn new(out: W, cap: Option<u64>) -> Capped<W> {
        Capped {
            out,
            left: cap,
            written: 0,
            cut: false,
        }
    }

    /// Writes `lines` (whole lines) unless that would pass the cap. Returns whether they were
    /// written; once one was not, nothing more is.
    pub(crate) fn lines(&mut self, lines: &[u8]) -> io::Result<bool> {
        if self.cut {
            return Ok(false);
        }
        if let Some(left) = &mut self.left {
            let len = lines.len() as u64;
            if len > *left {
                self.cut = true;
                return Ok(false);
            }
            *left -= len;
        }
        self.written += lines.len() as u64;
        self.out.write_all(lines)?;
        Ok(true)
    }

    /// Flushes; returns how many bytes were written if the cap cut the output.
    pub(crate) fn finish(mut self) -> io::Result<Option<u64>> {
        self.out.flush()?;
        Ok(self.cut.then_some(self.written))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_first_line_past_the_cap() {
        let mut out = Capped::new(Vec::new(), Some(10));
        assert!(out.lines(b"12345\n").unwrap());
        assert!(!out.lines(b"123456\n").unwrap());
        assert!(!out.lines(b"1\n").unwrap());
        assert_eq!(out.out, b"12345\n");
        assert_eq!(out.finish().unwrap(), Some(6));

        let mut out = Capped::new(Vec::new(), None);
        assert!(out.lines(&[b'x'; 1000]).unwrap());
        assert_eq!(out.finish().unwrap(), None);
    }
}
