//! Programs written against `log`, `tracing` and `slog`, run through ttlog. They arrive with
//! the compatibility shims work.
