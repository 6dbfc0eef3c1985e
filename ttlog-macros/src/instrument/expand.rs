//! Code generation: the instrumented function.
//!
//! A plain `fn` becomes (the names are hygienic, invisible to the body):
//!
//! ```text
//! fn load(id: u64, conn: &Conn) -> Result<User, Error> {
//!     let span = ::ttlog::span!(::ttlog::Level::Info, "load", id = id, conn = ?conn);
//!     // follows_from = ..:  if !span.is_none() { for cause in EXPR { span.follows_from(cause); } }
//!     let guard = span.enter();
//!     BODY                                    // without ret, err or trace_fn: as written
//! }
//! ```
//!
//! With `ret`, `err` or `#[trace_fn]`, the body runs in a closure called on the spot, so that
//! `return` and `?` inside it still leave only the body, and what it returns can be looked at:
//!
//! ```text
//!     let ret = (move || { FAKE_RETURN BODY })();
//!     match IsResult::into_result(ret) {   // `IsResult`: only `Result` has it
//!         Ok(x) => { ::ttlog::info!(return = ?x); from_result(Ok(x)) }
//!         Err(e) => { ::ttlog::error!(error = %e); span.set_error(); from_result(Err(e)) }
//!     }
//! ```
//!
//! `FAKE_RETURN` is `if false { let r: RET = unreachable!(); return r; }` with the declared
//! return type (any `impl Trait` in it replaced by `_`): it never runs, but it tells the
//! compiler the closure's return type before it reads the body, so that `?` in the body
//! knows what to convert its error into. tracing-attributes does the same.
//!
//! An `async fn` keeps its signature and awaits its body inside the span:
//! `::ttlog::Instrument::instrument(async move { FAKE_RETURN BODY }, span).await`, with the
//! `ret`/`err` handling inside the instrumented block, so the span is entered on every poll
//! and every event the body logs, before or after an `.await`, carries it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{AttrStyle, ItemFn, Type};

use super::args::{EventPlan, Mode, Plan};
use super::kind::Kind;
use crate::level::Level;

/// The function, rewritten to run its body inside the span.
pub(crate) fn instrumented(plan: &Plan, function: &ItemFn) -> TokenStream {
    let ItemFn {
        attrs, vis, sig, ..
    } = function;
    let outer = attrs.iter().filter(|a| matches!(a.style, AttrStyle::Outer));
    let inner = attrs
        .iter()
        .filter(|a| matches!(a.style, AttrStyle::Inner(_)));
    let body = body(plan, function);
    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #body
        }
    }
}

/// Hygienic names for the expansion's own variables.
struct Names {
    span: syn::Ident,
    guard: syn::Ident,
    err_span: syn::Ident,
    ret: syn::Ident,
    ok: syn::Ident,
    err: syn::Ident,
}

impl Names {
    fn new() -> Names {
        let name = |s: &str| syn::Ident::new(s, Span::mixed_site());
        Names {
            span: name("__ttlog_span"),
            guard: name("__ttlog_guard"),
            err_span: name("__ttlog_err_span"),
            ret: name("__ttlog_ret"),
            ok: name("__ttlog_ok"),
            err: name("__ttlog_err"),
        }
    }
}

fn body(plan: &Plan, function: &ItemFn) -> TokenStream {
    let names = Names::new();
    let Names {
        span,
        guard,
        err_span,
        ret,
        ..
    } = &names;
    let block = &function.block;
    let is_async = function.sig.asyncness.is_some();

    let new_span = new_span(plan);
    let follows_from = plan.follows_from.as_ref().map(|causes| {
        quote! {
            if !#span.is_none() {
                for __ttlog_cause in #causes {
                    #span.follows_from(__ttlog_cause);
                }
            }
        }
    });
    let create = quote! {
        let #span = #new_span;
        #follows_from
    };

    let looks_at_result = plan.ret.is_some() || plan.err.is_some() || plan.kind == Kind::TraceFn;
    let (started, completed) = match plan.kind {
        Kind::TraceFn => {
            let (started, completed) = trace_fn_events(plan, &function.sig);
            (Some(started), Some(completed))
        }
        Kind::Instrument => (None, None),
    };

    if is_async {
        let fake_return = fake_return(&function.sig);
        let future = if looks_at_result {
            let result = result(plan, &names, err_span, completed.as_ref(), &function.sig);
            quote! {
                async move {
                    #started
                    let #ret = async move { #fake_return #block }.await;
                    #result
                }
            }
        } else {
            quote!(async move { #fake_return #block })
        };
        let clone_for_err = plan
            .err
            .is_some()
            .then(|| quote!(let #err_span = ::core::clone::Clone::clone(&#span);));
        quote! {
            #create
            #clone_for_err
            ::ttlog::Instrument::instrument(#future, #span).await
        }
    } else if looks_at_result {
        let fake_return = fake_return(&function.sig);
        let result = result(plan, &names, span, completed.as_ref(), &function.sig);
        quote! {
            #create
            let #guard = #span.enter();
            #started
            #[allow(clippy::redundant_closure_call, clippy::let_unit_value)]
            let #ret = (move || { #fake_return #block })();
            #result
        }
    } else {
        quote! {
            #create
            let #guard = #span.enter();
            #block
        }
    }
}

/// `::ttlog::span!(target: .., parent: .., LEVEL, "name", args.., fields..)`.
fn new_span(plan: &Plan) -> TokenStream {
    let level = match &plan.level_path {
        Some(path) => quote!(#path),
        None => level_variant(plan.level),
    };
    let target = plan.target.as_ref().map(|t| quote!(target: #t,));
    let parent = plan.parent.as_ref().map(|p| quote!(parent: #p,));
    let name = &plan.name;
    let args = plan.arg_fields.iter().map(|b| b.field_tokens());
    let custom = plan.custom_fields.iter();
    quote!(::ttlog::span!(#target #parent #level, #name #(, #args)* #(, #custom)*))
}

fn level_variant(level: Level) -> TokenStream {
    let variant = syn::Ident::new(level.variant(), Span::call_site());
    quote!(::ttlog::Level::#variant)
}

/// The event macro for a level: `::ttlog::info`.
fn event_macro(level: Level) -> TokenStream {
    let name = format_ident!("{}", level.variant().to_ascii_lowercase());
    quote!(::ttlog::#name)
}

/// The tail of the body once the result is in `ret`: the `ret`/`err` events, `set_error`, the
/// exit event, and the value.
fn result(
    plan: &Plan,
    names: &Names,
    span: &syn::Ident,
    completed: Option<&TokenStream>,
    sig: &syn::Signature,
) -> TokenStream {
    let Names { ret, ok, err, .. } = names;
    let output_span = match &sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => sig.ident.span(),
    };
    let target = plan.target.as_ref().map(|t| quote!(target: #t,));
    let ret_event = |value: &syn::Ident, event: &EventPlan| {
        let mac = event_macro(event.level);
        match event.mode {
            Mode::Debug => quote!(#mac!(#target return = ?#value);),
            Mode::Display => quote!(#mac!(#target return = %#value);),
        }
    };
    match (&plan.ret, &plan.err) {
        (ret_plan, Some(err_plan)) => {
            let on_ok = ret_plan.as_ref().map(|r| ret_event(ok, r));
            let mac = event_macro(err_plan.level);
            let on_err = match err_plan.mode {
                Mode::Display => quote!(#mac!(#target error = %#err);),
                Mode::Debug => quote!(#mac!(#target error = ?#err);),
            };
            // Through `IsResult`, spanned on the return type, so that a function that does
            // not return a `Result` gets an error that says so, there. The braces carry the
            // span of the argument (the hygienic name's own span would be shown at the
            // attribute, as rustc shows every span from another crate's macro).
            let into_result = quote_spanned!(output_span=>
                ::ttlog::__private::IsResult::into_result({ #ret }));
            let from_ok = quote_spanned!(output_span=>
                ::ttlog::__private::IsResult::from_result(::core::result::Result::Ok(#ok)));
            let from_err = quote_spanned!(output_span=>
                ::ttlog::__private::IsResult::from_result(::core::result::Result::Err(#err)));
            let result = syn::Ident::new("__ttlog_result", Span::mixed_site());
            quote! {
                #[allow(unused_braces)]
                let #result = #into_result;
                match #result {
                    ::core::result::Result::Ok(#ok) => {
                        #on_ok
                        #completed
                        #from_ok
                    }
                    ::core::result::Result::Err(#err) => {
                        #on_err
                        #span.set_error();
                        #completed
                        #from_err
                    }
                }
            }
        }
        (Some(ret_plan), None) => {
            let on_ret = ret_event(ret, ret_plan);
            quote! {
                #on_ret
                #completed
                #ret
            }
        }
        (None, None) => quote! {
            #completed
            #ret
        },
    }
}

/// `#[trace_fn]`'s entry and exit events: `"<fn> started"` and `"<fn> completed"` at TRACE,
/// with `actor` = the last segment of `module_path!()` (the crate's name at its root).
fn trace_fn_events(plan: &Plan, sig: &syn::Signature) -> (TokenStream, TokenStream) {
    let name = syn::ext::IdentExt::unraw(&sig.ident).to_string();
    let span = sig.ident.span();
    let started = syn::LitStr::new(&format!("{name} started"), span);
    let completed = syn::LitStr::new(&format!("{name} completed"), span);
    let target = plan.target.as_ref().map(|t| quote!(target: #t,));
    let actor = quote! {
        actor = {
            const __TTLOG_ACTOR: &str =
                ::ttlog::__private::module_leaf(::ttlog::__private::module_path!());
            ::ttlog::__private::static_str(__TTLOG_ACTOR)
        }
    };
    (
        quote!(::ttlog::trace!(#target #started, #actor);),
        quote!(::ttlog::trace!(#target #completed, #actor);),
    )
}

/// The never-taken early return that fixes the body's return type before the body is read.
fn fake_return(sig: &syn::Signature) -> TokenStream {
    let ty = match &sig.output {
        syn::ReturnType::Type(_, ty) => {
            let mut ty = (**ty).clone();
            EraseImplTrait.visit_type_mut(&mut ty);
            quote!(#ty)
        }
        syn::ReturnType::Default => quote!(()),
    };
    quote! {
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::let_unit_value,
            clippy::unreachable,
            clippy::needless_return
        )]
        if false {
            let __ttlog_fake_return: #ty = ::core::unreachable!();
            return __ttlog_fake_return;
        }
    }
}

/// Replaces every `impl Trait` in a type by `_`, which a `let` accepts.
struct EraseImplTrait;

impl VisitMut for EraseImplTrait {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(imp) = ty {
            *ty = Type::Infer(syn::TypeInfer {
                underscore_token: syn::Token![_](imp.impl_token.span),
            });
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{expand, Kind, StaticMax};
    use proc_macro2::TokenStream;

    fn ts(s: &str) -> TokenStream {
        s.parse().unwrap()
    }

    fn instrument(attr: &str, item: &str, max: StaticMax) -> String {
        expand(Kind::Instrument, ts(attr), ts(item), max).to_string()
    }

    fn trace_fn(item: &str, max: StaticMax) -> String {
        expand(Kind::TraceFn, TokenStream::new(), ts(item), max).to_string()
    }

    /// log's and ttlog's ranks: off 0, error 1, warn 2, info 3, debug 4, trace 5.
    const DEBUG_THEN_WARN: StaticMax = StaticMax {
        debug: 4,
        release: 2,
    };

    const ITEM: &str = "fn load(id: u64) -> Result<u8, E> { let v = get(id)?; Ok(v) }";

    #[test]
    fn a_plain_fn_enters_its_span_around_the_body() {
        let out = instrument(
            "",
            "pub fn load(id: u64, user: &User) -> u8 { if id == 0 { return 1; } 2 }",
            StaticMax::ALL,
        );
        assert!(
            out.starts_with("pub fn load (id : u64 , user : & User) -> u8 {"),
            "{out}"
        );
        assert!(
            out.contains(
                ":: ttlog :: span ! (:: ttlog :: Level :: Info , \"load\" , id = id , user = ? user)"
            ),
            "{out}"
        );
        assert!(
            out.contains("let __ttlog_guard = __ttlog_span . enter () ;"),
            "{out}"
        );
        // No closure without ret/err: the body follows the guard as it was.
        assert!(!out.contains("move ||"), "{out}");
        assert!(out.ends_with("{ if id == 0 { return 1 ; } 2 } }"), "{out}");
    }

    #[test]
    fn ret_and_err_look_at_the_result() {
        let out = instrument(
            "level = \"debug\", target = \"app::db\", ret, err, parent = None, follows_from = [a]",
            ITEM,
            StaticMax::ALL,
        );
        assert!(
            out.contains(
                ":: ttlog :: span ! (target : \"app::db\" , parent : None , :: ttlog :: Level :: Debug , \"load\" , id = id)"
            ),
            "{out}"
        );
        assert!(out.contains("for __ttlog_cause in [a]"), "{out}");
        assert!(
            out.contains("let __ttlog_fake_return : Result < u8 , E > ="),
            "{out}"
        );
        assert!(out.contains("(move || {"), "{out}");
        assert!(
            out.contains(":: ttlog :: debug ! (target : \"app::db\" , return = ? __ttlog_ok) ;"),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: error ! (target : \"app::db\" , error = % __ttlog_err) ;"),
            "{out}"
        );
        assert!(out.contains("__ttlog_span . set_error () ;"), "{out}");
        assert!(
            out.contains(
                "let __ttlog_result = :: ttlog :: __private :: IsResult :: into_result \
                 ({ __ttlog_ret }) ; match __ttlog_result {"
            ),
            "{out}"
        );
    }

    #[test]
    fn modes_and_levels_of_ret_and_err() {
        let out = instrument(
            "ret(Display, level = \"warn\"), err(Debug)",
            ITEM,
            StaticMax::ALL,
        );
        assert!(
            out.contains(":: ttlog :: warn ! (return = % __ttlog_ok) ;"),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: error ! (error = ? __ttlog_err) ;"),
            "{out}"
        );
        let out = instrument(
            "ret",
            "fn f() -> impl Iterator<Item = u8> { 0..3 }",
            StaticMax::ALL,
        );
        assert!(out.contains("let __ttlog_fake_return : _ ="), "{out}");
        assert!(
            out.contains(":: ttlog :: info ! (return = ? __ttlog_ret) ;"),
            "{out}"
        );
    }

    #[test]
    fn an_async_fn_instruments_its_future() {
        let out = instrument(
            "err",
            "async fn fetch(url: &str) -> Result<(), E> { step().await?; Ok(()) }",
            StaticMax::ALL,
        );
        assert!(
            out.starts_with("async fn fetch (url : & str) -> Result < () , E > {"),
            "{out}"
        );
        assert!(
            out.contains(
                "let __ttlog_err_span = :: core :: clone :: Clone :: clone (& __ttlog_span) ;"
            ),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: Instrument :: instrument (async move {"),
            "{out}"
        );
        assert!(out.contains("let __ttlog_ret = async move {"), "{out}");
        assert!(out.contains("__ttlog_err_span . set_error () ;"), "{out}");
        assert!(out.ends_with(", __ttlog_span) . await }"), "{out}");
        assert!(!out.contains("enter ()"), "{out}");
    }

    #[test]
    fn trace_fn_is_instrument_at_trace_with_entry_and_exit_events() {
        let out = trace_fn(ITEM, StaticMax::ALL);
        assert!(
            out.contains(":: ttlog :: Level :: Trace , \"load\" , id = id"),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: trace ! (\"load started\" , actor ="),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: trace ! (\"load completed\" , actor ="),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: trace ! (return = ? __ttlog_ok) ;"),
            "{out}"
        );
        assert!(
            out.contains(":: ttlog :: error ! (error = % __ttlog_err) ;"),
            "{out}"
        );
        // The exit event comes after ret/err, on both paths.
        let exit = out.match_indices("\"load completed\"").count();
        assert_eq!(exit, 2, "{out}");
        assert!(out.find("return = ?").unwrap() < out.find("\"load completed\"").unwrap());
    }

    #[test]
    fn a_level_compiled_out_everywhere_leaves_the_function_untouched() {
        // max_level_debug + release_max_level_warn: TRACE is gone in both profiles.
        let out = trace_fn(ITEM, DEBUG_THEN_WARN);
        assert_eq!(out, ts(ITEM).to_string());
        let out = instrument("level = \"trace\", ret, err", ITEM, DEBUG_THEN_WARN);
        assert_eq!(out, ts(ITEM).to_string());
        let out = instrument(
            "",
            ITEM,
            StaticMax {
                debug: 0,
                release: 0,
            },
        );
        assert_eq!(out, ts(ITEM).to_string());
    }

    #[test]
    fn a_level_kept_in_one_profile_only_gets_two_copies() {
        // INFO is kept in debug builds (max DEBUG) and removed in release builds (max WARN).
        let out = instrument("", ITEM, DEBUG_THEN_WARN);
        let instrumented = instrument("", ITEM, StaticMax::ALL);
        assert_eq!(
            out,
            format!(
                "# [cfg (debug_assertions)] {instrumented} # [cfg (not (debug_assertions))] {}",
                ts(ITEM)
            )
        );
        // And the other way round.
        let out = instrument(
            "level = \"debug\"",
            ITEM,
            StaticMax {
                debug: 2,
                release: 5,
            },
        );
        assert!(
            out.starts_with(&format!("# [cfg (debug_assertions)] {} #", ts(ITEM))),
            "{out}"
        );
        // WARN is kept in both.
        let out = instrument("level = \"warn\"", ITEM, DEBUG_THEN_WARN);
        assert!(!out.contains("cfg"), "{out}");
        assert!(out.contains("span !"), "{out}");
    }

    #[test]
    fn errors_come_with_the_unchanged_item() {
        let out = instrument("levle = 3", ITEM, StaticMax::ALL);
        assert!(out.starts_with(":: core :: compile_error ! {"), "{out}");
        assert!(out.ends_with(&ts(ITEM).to_string()), "{out}");
        let out = instrument("", "struct S;", StaticMax::ALL);
        assert!(
            out.contains("can only be used on functions and methods"),
            "{out}"
        );
        let out = instrument("", "const fn f() {}", StaticMax::ALL);
        assert!(out.contains("cannot be used on a `const fn`"), "{out}");
        let out = instrument("", "fn f(&self);", StaticMax::ALL);
        assert!(out.contains("needs a function with a body"), "{out}");
        let out = expand(
            Kind::TraceFn,
            ts("level = \"info\""),
            ts(ITEM),
            StaticMax::ALL,
        )
        .to_string();
        assert!(out.contains("`#[trace_fn]` takes no arguments"), "{out}");
        // Errors are reported even where the level is compiled out.
        let out = instrument("level = \"trace\", skip(nope)", ITEM, DEBUG_THEN_WARN);
        assert!(out.contains("`nope` is not a parameter of `load`"), "{out}");
    }

    #[test]
    fn inner_attributes_stay_at_the_top_of_the_body() {
        let out = instrument(
            "",
            "#[inline] fn f() { #![allow(unused)] let x = 1; }",
            StaticMax::ALL,
        );
        assert!(
            out.starts_with("# [inline] fn f () { # ! [allow (unused)] let __ttlog_span"),
            "{out}"
        );
    }
}
