//! `#[instrument]` and `#[trace_fn]`: wrap a function's body in a span.
//!
//! The module is in four files besides this one, which holds the entry point (`expand`):
//!
//! 1. `args` - the attribute's options, parsed and then checked against the function.
//! 2. `params` - the function's parameters: the names they bind, how each is recorded, which
//!    look like secrets.
//! 3. `expand` - code generation: the instrumented function.
//! 4. `kind` - [`Kind`]: which of the two attributes is being expanded.
//!
//! Both attributes rewrite the function they are put on so that its body runs inside a span
//! created by `::ttlog::span!` (with the function's arguments as fields) and entered for the
//! whole body: with an `Entered` guard for a plain `fn`, and with `::ttlog::Instrument` for an
//! `async fn`, so that the span is entered on every poll rather than only until the first
//! `.await`. The span's events (`ret`, `err`, `trace_fn`'s entry and exit) are written with the
//! facade's own event macros, so their gating and static callsites are the ordinary ones.
//!
//! **Static levels.** The `max_level_*` and `release_max_level_*` features of `ttlog` are
//! forwarded to this crate too, so that a level they compile out costs nothing at all: the
//! attribute then emits the function exactly as written. The `span!` inside would be compiled
//! out by its own gate anyway, but the closure, the guard and the `match` on the result would
//! still be there. A proc-macro crate is built for the host and its `cfg!(debug_assertions)`
//! says nothing about the user's profile, so when the release maximum differs from the debug
//! one the attribute emits two copies of the function, one under `#[cfg(debug_assertions)]`
//! and one under `#[cfg(not(debug_assertions))]`.
//!
//! The stages are those of the event macros: [`args`] parses and checks the attribute's
//! options, [`params`] reads the parameters (which names they bind, how each is recorded,
//! which look like secrets) and [`expand`] writes the new function.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;

use crate::level::Level;

mod args;
mod expand;
mod kind;
mod params;

pub(crate) use args::InstrumentArgs;
pub(crate) use kind::Kind;

/// The most verbose level each build profile keeps, as chosen by the `max_level_*` and
/// `release_max_level_*` features (the same rules as `ttlog_core::STATIC_MAX_LEVEL`).
///
/// A level is kept when its rank is at most the maximum's: 0 is `off`, 1 `error` … 5 `trace`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct StaticMax {
    /// With `debug_assertions`.
    pub(crate) debug: u8,
    /// Without `debug_assertions`.
    pub(crate) release: u8,
}

impl StaticMax {
    /// Everything enabled: what a build without any max-level feature keeps.
    #[cfg(test)]
    pub(crate) const ALL: StaticMax = StaticMax {
        debug: 5,
        release: 5,
    };

    /// The maxima this crate was built with.
    pub(crate) fn from_features() -> StaticMax {
        // As ttlog-core's `STATIC_MAX_LEVEL`: features are additive, the most verbose wins.
        let debug = if cfg!(feature = "max_level_trace") {
            5
        } else if cfg!(feature = "max_level_debug") {
            4
        } else if cfg!(feature = "max_level_info") {
            3
        } else if cfg!(feature = "max_level_warn") {
            2
        } else if cfg!(feature = "max_level_error") {
            1
        } else if cfg!(feature = "max_level_off") {
            0
        } else {
            5
        };
        let release = if cfg!(feature = "release_max_level_trace") {
            5
        } else if cfg!(feature = "release_max_level_debug") {
            4
        } else if cfg!(feature = "release_max_level_info") {
            3
        } else if cfg!(feature = "release_max_level_warn") {
            2
        } else if cfg!(feature = "release_max_level_error") {
            1
        } else if cfg!(feature = "release_max_level_off") {
            0
        } else {
            debug
        };
        StaticMax { debug, release }
    }
}

/// The rank of a level for comparisons with [`StaticMax`]: `error` is 1, `trace` 5.
pub(crate) fn rank(level: Level) -> u8 {
    match level {
        Level::Error => 1,
        Level::Warn => 2,
        Level::Info => 3,
        Level::Debug => 4,
        Level::Trace => 5,
    }
}

/// Expands one attribute: `attr` is what was written between its parentheses, `item` the
/// item it is on. Errors come back as `compile_error!`s next to the unchanged item, so that
/// the rest of the crate still sees the function and the user sees only the real mistake.
pub(crate) fn expand(
    kind: Kind,
    attr: TokenStream,
    item: TokenStream,
    max: StaticMax,
) -> TokenStream {
    let args = match kind {
        Kind::Instrument => syn::parse2::<InstrumentArgs>(attr),
        Kind::TraceFn => trace_fn_args(attr),
    };
    let function = parse_fn(kind, item.clone());
    let (args, function) = match (args, function) {
        (Ok(args), Ok(function)) => (args, function),
        (args, function) => {
            let errors = [args.err(), function.err()]
                .into_iter()
                .flatten()
                .reduce(|mut all, e| {
                    all.combine(e);
                    all
                })
                .expect("one of them failed");
            return fallback(errors, item);
        }
    };
    let plan = match args::check(kind, args, &function) {
        Ok(plan) => plan,
        Err(errors) => return fallback(errors, item),
    };

    let level = rank(plan.level);
    match (level <= max.debug, level <= max.release) {
        (true, true) => expand::instrumented(&plan, &function),
        (false, false) => item,
        (in_debug, in_release) => {
            let pick = |keep: bool| {
                if keep {
                    expand::instrumented(&plan, &function)
                } else {
                    item.clone()
                }
            };
            let debug = pick(in_debug);
            let release = pick(in_release);
            quote! {
                #[cfg(debug_assertions)]
                #debug
                #[cfg(not(debug_assertions))]
                #release
            }
        }
    }
}

/// `#[trace_fn]` takes no options; anything between parentheses is a mistake.
fn trace_fn_args(attr: TokenStream) -> syn::Result<InstrumentArgs> {
    if attr.is_empty() {
        return Ok(InstrumentArgs::default());
    }
    Err(syn::Error::new_spanned(
        attr,
        "`#[trace_fn]` takes no arguments; for options, write \
         `#[ttlog::instrument(level = \"trace\", ret, err, ..)]` instead",
    ))
}

/// Parses the item, with a clear error when it is not a function with a body.
fn parse_fn(kind: Kind, item: TokenStream) -> syn::Result<syn::ItemFn> {
    let name = match kind {
        Kind::Instrument => "#[instrument]",
        Kind::TraceFn => "#[trace_fn]",
    };
    if let Ok(function) = syn::parse2::<syn::ItemFn>(item.clone()) {
        if let Some(constness) = &function.sig.constness {
            return Err(syn::Error::new(
                constness.span,
                format!("`{name}` cannot be used on a `const fn`: spans are not available in const contexts"),
            ));
        }
        return Ok(function);
    }
    // A trait method without a default body.
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        return Err(syn::Error::new(
            method.sig.fn_token.span,
            format!("`{name}` needs a function with a body; put it on the implementations instead"),
        ));
    }
    Err(syn::Error::new(
        item_keyword(&item),
        format!("`{name}` can only be used on functions and methods"),
    ))
}

/// The span of an item's keyword (`struct`, `mod`, …), past its attributes and visibility,
/// so that an error points at what the item is rather than at all of it.
fn item_keyword(item: &TokenStream) -> Span {
    let mut tokens = item.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match &token {
            // `#[attr]`
            TokenTree::Punct(p) if p.as_char() == '#' => {
                tokens.next();
            }
            // `pub`, `pub(crate)`
            TokenTree::Ident(ident) if ident == "pub" => {
                if matches!(tokens.peek(), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis)
                {
                    tokens.next();
                }
            }
            other => return other.span(),
        }
    }
    Span::call_site()
}

/// The errors, followed by the item as it was written.
fn fallback(errors: syn::Error, item: TokenStream) -> TokenStream {
    let errors = errors.into_compile_error();
    quote!(#errors #item)
}
