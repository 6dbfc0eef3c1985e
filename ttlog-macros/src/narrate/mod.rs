//! `narrate!`: one call parsed, checked and expanded.
//!
//! 1. `args` - parsing and checking one call: [`NarrateArgs`] in, a `Narration` out, every
//!    mistake reported together.
//! 2. `expand` - code generation: the block expression for one checked call.

mod args;
mod expand;

pub(crate) use args::{validate, NarrateArgs};
pub(crate) use expand::expand;
