//! The options of `#[instrument(..)]`, parsed and then checked against the function.
//!
//! Parsing reads every option it can and keeps going after a mistake (up to the next comma),
//! so that one attribute reports all of its errors at once. [`check`] then turns the options
//! and the function's signature into a [`Plan`]: the level, the span's name, which
//! parameters become fields and how, and which events to emit. Every error is spanned on the
//! token that caused it.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

use super::kind::Kind;
use super::params::{self, Binding};
use crate::level::Level;
use crate::parse::{Arg, Args, Key};

/// The options as written.
#[derive(Default)]
pub(crate) struct InstrumentArgs {
    level: Option<Level>,
    /// `level = Level::Warn` as written, when it names the variant exactly.
    level_path: Option<syn::Path>,
    name: Option<LitStr>,
    target: Option<LitStr>,
    parent: Option<Expr>,
    follows_from: Option<Expr>,
    skips: Vec<Ident>,
    skip_all: Option<Ident>,
    fields: Option<Fields>,
    ret: Option<EventArgs>,
    err: Option<EventArgs>,
}

/// `fields(..)`: the tokens, handed to `span!` as they are, and the names they declare.
pub(crate) struct Fields {
    pub(crate) tokens: TokenStream,
    names: Vec<String>,
}

/// `ret`, `ret(Debug)`, `err(Display, level = "warn")`.
struct EventArgs {
    mode: Option<Mode>,
    level: Option<Level>,
}

/// How `ret` and `err` record the value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// `%value`.
    Display,
    /// `?value`.
    Debug,
}

/// What to emit, once the options have been checked against the function.
pub(crate) struct Plan {
    pub(crate) kind: Kind,
    /// The span's level.
    pub(crate) level: Level,
    /// The level as the user wrote it, when it is a path to the variant (`Level::Warn`): the
    /// span names it, so that an import used only there is used.
    pub(crate) level_path: Option<syn::Path>,
    /// The span's name.
    pub(crate) name: LitStr,
    pub(crate) target: Option<LitStr>,
    pub(crate) parent: Option<Expr>,
    pub(crate) follows_from: Option<Expr>,
    /// The parameters recorded as fields, in order.
    pub(crate) arg_fields: Vec<Binding>,
    /// `fields(..)`, after the parameters.
    pub(crate) custom_fields: Option<TokenStream>,
    /// The event for the returned value (for a `Result`, the `Ok` value).
    pub(crate) ret: Option<EventPlan>,
    /// The event for an `Err`.
    pub(crate) err: Option<EventPlan>,
}

/// One of the events `ret` and `err` emit.
#[derive(Clone, Copy)]
pub(crate) struct EventPlan {
    pub(crate) mode: Mode,
    pub(crate) level: Level,
}

const OPTIONS: &str = "`level`, `name`, `target`, `skip`, `skip_all`, `fields`, `ret`, `err`, \
                       `parent` or `follows_from`";

impl Parse for InstrumentArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = InstrumentArgs::default();
        let mut errors: Vec<syn::Error> = Vec::new();
        while !input.is_empty() {
            if let Err(err) = args.parse_option(input) {
                errors.push(err);
                skip_to_comma(input);
                continue;
            }
            if !input.is_empty() {
                if let Err(err) = input.parse::<Token![,]>() {
                    errors.push(syn::Error::new(err.span(), "expected `,` between options"));
                    skip_to_comma(input);
                }
            }
        }
        match errors.into_iter().reduce(|mut all, e| {
            all.combine(e);
            all
        }) {
            Some(err) => Err(err),
            None => Ok(args),
        }
    }
}

impl InstrumentArgs {
    fn parse_option(&mut self, input: ParseStream<'_>) -> syn::Result<()> {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(format!("expected an option: {OPTIONS}")));
        }
        let option = input.call(Ident::parse_any)?;
        let duplicate = |set: bool| {
            if set {
                Err(syn::Error::new(
                    option.span(),
                    format!("duplicate option `{option}`"),
                ))
            } else {
                Ok(())
            }
        };
        match option.to_string().as_str() {
            "level" => {
                duplicate(self.level.is_some())?;
                input.parse::<Token![=]>()?;
                let (level, path) = parse_level(input)?;
                self.level = Some(level);
                self.level_path = path;
            }
            "name" => {
                duplicate(self.name.is_some())?;
                input.parse::<Token![=]>()?;
                self.name = Some(parse_lit_str(input, "the span's name")?);
            }
            "target" => {
                duplicate(self.target.is_some())?;
                input.parse::<Token![=]>()?;
                self.target = Some(parse_lit_str(input, "the target")?);
            }
            "parent" => {
                duplicate(self.parent.is_some())?;
                input.parse::<Token![=]>()?;
                self.parent = Some(input.parse()?);
            }
            "follows_from" => {
                duplicate(self.follows_from.is_some())?;
                input.parse::<Token![=]>()?;
                self.follows_from = Some(input.parse()?);
            }
            "skip" => {
                duplicate(!self.skips.is_empty())?;
                let content;
                syn::parenthesized!(content in input);
                let names = content.parse_terminated(Ident::parse_any, Token![,])?;
                if names.is_empty() {
                    return Err(syn::Error::new(
                        option.span(),
                        "`skip` needs the names of the parameters to leave out, e.g. `skip(conn)`",
                    ));
                }
                self.skips.extend(names);
            }
            "skip_all" => {
                duplicate(self.skip_all.is_some())?;
                self.skip_all = Some(option);
            }
            "fields" => {
                duplicate(self.fields.is_some())?;
                let content;
                syn::parenthesized!(content in input);
                self.fields = Some(parse_fields(content.parse()?)?);
            }
            "ret" => {
                duplicate(self.ret.is_some())?;
                self.ret = Some(parse_event_args(input)?);
            }
            "err" => {
                duplicate(self.err.is_some())?;
                self.err = Some(parse_event_args(input)?);
            }
            _ => {
                return Err(syn::Error::new(
                    option.span(),
                    format!("unknown option `{option}`; expected {OPTIONS}"),
                ))
            }
        }
        Ok(())
    }
}

/// Skips the rest of a broken option, and the comma after it.
fn skip_to_comma(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
        }
        Ok(((), rest))
    });
}

fn parse_lit_str(input: ParseStream<'_>, what: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        input.parse()
    } else {
        Err(input.error(format!("expected a string literal for {what}")))
    }
}

/// A level: `"info"`, `Level::Info` (any path ending in a level's name), `info`, or tracing's
/// numbers (`1` is TRACE … `5` is ERROR). It must be known when the macro runs, since a level
/// compiled out by a `max_level_*` feature leaves the function untouched.
///
/// A path of two or more segments ending in a variant's exact name (`Level::Warn`,
/// `ttlog::Level::Warn`) comes back too, to be written into the span.
fn parse_level(input: ParseStream<'_>) -> syn::Result<(Level, Option<syn::Path>)> {
    const EXPECTED: &str = "expected a level: \"trace\", \"debug\", \"info\", \"warn\" or \
                            \"error\" (or `Level::Info`, `info`, 1 to 5)";
    let expr: Expr = input.parse()?;
    let by_name = |name: &str, span: Span, shown: String| {
        level_by_name(name)
            .ok_or_else(|| syn::Error::new(span, format!("unknown level {shown}; {EXPECTED}")))
    };
    match &expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => by_name(&s.value(), s.span(), format!("\"{}\"", s.value())).map(|l| (l, None)),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => match i.base10_parse::<u8>() {
            Ok(1) => Ok((Level::Trace, None)),
            Ok(2) => Ok((Level::Debug, None)),
            Ok(3) => Ok((Level::Info, None)),
            Ok(4) => Ok((Level::Warn, None)),
            Ok(5) => Ok((Level::Error, None)),
            _ => Err(syn::Error::new(
                i.span(),
                format!("unknown level `{i}`; {EXPECTED}"),
            )),
        },
        Expr::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().expect("a path has a segment");
            let name = last.ident.unraw().to_string();
            let level = by_name(&name, last.ident.span(), format!("`{name}`"))?;
            let exact = p.path.segments.len() > 1
                && p.attrs.is_empty()
                && matches!(last.arguments, syn::PathArguments::None)
                && name == level.variant();
            Ok((level, exact.then(|| p.path.clone())))
        }
        other => Err(syn::Error::new_spanned(
            other,
            format!(
                "{EXPECTED}; the level must be written out, since it decides at compile time \
                 whether the function is instrumented at all"
            ),
        )),
    }
}

fn level_by_name(name: &str) -> Option<Level> {
    match name.to_ascii_lowercase().as_str() {
        "trace" => Some(Level::Trace),
        "debug" => Some(Level::Debug),
        "info" => Some(Level::Info),
        "warn" => Some(Level::Warn),
        "error" => Some(Level::Error),
        _ => None,
    }
}

/// `fields(..)`, read with the event macros' argument parser so that the syntax is exactly
/// `span!`'s; only the names are kept here, the tokens go to `span!` unchanged.
fn parse_fields(tokens: TokenStream) -> syn::Result<Fields> {
    let args: Args = syn::parse2(tokens.clone())?;
    let mut names = Vec::new();
    let mut errors: Vec<syn::Error> = Vec::new();
    for arg in args.args {
        match arg {
            Arg::Field { key, .. } | Arg::SigilShorthand { key, .. } => names.push(key.name()),
            Arg::Expr(expr) => match Key::from_expr(&expr) {
                Some(key) => names.push(key.name()),
                None => errors.push(syn::Error::new_spanned(
                    &expr,
                    "expected a field: `name = value`, `name`, `%name` or `?name`",
                )),
            },
            Arg::Lit(lit) => errors.push(syn::Error::new(
                lit.span(),
                "a span has no message; to record this text, name it: `key = \"...\"`",
            )),
            Arg::Target { keyword, .. } => errors.push(syn::Error::new(
                keyword.span(),
                "set the target with the `target = \"...\"` option, not inside `fields(..)`",
            )),
            Arg::Invalid(err) => errors.push(err),
            Arg::Parent { keyword, .. } => errors.push(syn::Error::new(
                keyword.span(),
                "set the parent with the `parent = ..` option, not inside `fields(..)`",
            )),
            Arg::Spread { dots, .. } => errors.push(syn::Error::new_spanned(
                dots,
                "`..value` is for events; a span declares its fields one by one",
            )),
        }
    }
    match errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        Some(err) => Err(err),
        None => Ok(Fields { tokens, names }),
    }
}

/// `ret` / `err`, optionally followed by `(Display)`, `(Debug)`, `(level = ..)` or both.
fn parse_event_args(input: ParseStream<'_>) -> syn::Result<EventArgs> {
    let mut args = EventArgs {
        mode: None,
        level: None,
    };
    if !input.peek(syn::token::Paren) {
        return Ok(args);
    }
    let content;
    syn::parenthesized!(content in input);
    while !content.is_empty() {
        let word = content.call(Ident::parse_any)?;
        match word.to_string().as_str() {
            "Display" | "Debug" if args.mode.is_some() => {
                return Err(syn::Error::new(
                    word.span(),
                    "only one of `Display` or `Debug`",
                ));
            }
            "Display" => args.mode = Some(Mode::Display),
            "Debug" => args.mode = Some(Mode::Debug),
            "level" if args.level.is_some() => {
                return Err(syn::Error::new(word.span(), "duplicate `level`"));
            }
            "level" => {
                content.parse::<Token![=]>()?;
                args.level = Some(parse_level(&content)?.0);
            }
            _ => {
                return Err(syn::Error::new(
                    word.span(),
                    format!("unknown `{word}`; expected `Display`, `Debug` or `level = ..`"),
                ))
            }
        }
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    Ok(args)
}

/// Checks the options against the function and decides what to emit.
pub(crate) fn check(
    kind: Kind,
    args: InstrumentArgs,
    function: &syn::ItemFn,
) -> Result<Plan, syn::Error> {
    let sig = &function.sig;
    let mut errors: Vec<syn::Error> = Vec::new();
    let bindings = params::bindings(sig);

    let (level, ret, err) = match kind {
        Kind::Instrument => {
            let level = args.level.unwrap_or(Level::Info);
            let ret = args.ret.map(|r| EventPlan {
                mode: r.mode.unwrap_or(Mode::Debug),
                level: r.level.unwrap_or(level),
            });
            let err = args.err.map(|e| EventPlan {
                mode: e.mode.unwrap_or(Mode::Display),
                level: e.level.unwrap_or(Level::Error),
            });
            (level, ret, err)
        }
        // `level = "trace", ret, err`, as far as the signature allows: `ret` needs a value
        // to show and `err` a `Result`.
        Kind::TraceFn => {
            let ret = matches!(sig.output, syn::ReturnType::Type(..)).then_some(EventPlan {
                mode: Mode::Debug,
                level: Level::Trace,
            });
            let err = params::returns_result(&sig.output).then_some(EventPlan {
                mode: Mode::Display,
                level: Level::Error,
            });
            (Level::Trace, ret, err)
        }
    };

    if err.is_some() && matches!(sig.output, syn::ReturnType::Default) {
        errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "`err` records the `Err` of a returned `Result`, but `{}` returns nothing",
                sig.ident
            ),
        ));
    }

    let known: HashSet<String> = bindings.iter().map(|b| b.name()).collect();
    for skip in &args.skips {
        let name = skip.unraw().to_string();
        if name != "self" && !known.contains(&name) {
            errors.push(syn::Error::new(
                skip.span(),
                format!(
                    "`{name}` is not a parameter of `{}`; `skip` takes parameter names",
                    sig.ident
                ),
            ));
        }
    }
    if let (Some(all), Some(first)) = (&args.skip_all, args.skips.first()) {
        errors.push(syn::Error::new(
            first.span(),
            format!("`{all}` already leaves out every parameter; remove `skip(..)`"),
        ));
    }

    let custom: HashSet<&str> = args
        .fields
        .iter()
        .flat_map(|f| f.names.iter().map(String::as_str))
        .collect();
    let skipped: HashSet<String> = args.skips.iter().map(|s| s.unraw().to_string()).collect();
    let arg_fields = if args.skip_all.is_some() {
        Vec::new()
    } else {
        bindings
            .into_iter()
            .filter(|b| {
                let name = b.name();
                !skipped.contains(&name)
                    && !custom.contains(name.as_str())
                    && !params::looks_secret(&name)
            })
            .collect()
    };

    let name = args
        .name
        .unwrap_or_else(|| LitStr::new(&sig.ident.unraw().to_string(), sig.ident.span()));

    if let Some(err) = errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        return Err(err);
    }
    Ok(Plan {
        kind,
        level,
        level_path: args.level_path,
        name,
        target: args.target,
        parent: args.parent,
        follows_from: args.follows_from,
        arg_fields,
        custom_fields: args.fields.map(|f| f.tokens),
        ret,
        err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(attr: &str) -> syn::Result<InstrumentArgs> {
        syn::parse_str(attr)
    }

    fn err(attr: &str) -> String {
        match parse(attr) {
            Ok(_) => panic!("`{attr}` parsed"),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }

    fn plan(attr: &str, function: &str) -> Result<Plan, String> {
        let function: syn::ItemFn = syn::parse_str(function).unwrap();
        check(Kind::Instrument, parse(attr).unwrap(), &function).map_err(|e| e.to_string())
    }

    fn fields(plan: &Plan) -> Vec<String> {
        plan.arg_fields
            .iter()
            .map(|b| b.field_tokens().to_string())
            .collect()
    }

    #[test]
    fn levels_in_every_form() {
        for (attr, want) in [
            ("level = \"debug\"", "Debug"),
            ("level = \"WARN\"", "Warn"),
            ("level = Level::Error", "Error"),
            ("level = ttlog::Level::Trace", "Trace"),
            ("level = tracing::Level::INFO", "Info"),
            ("level = debug", "Debug"),
            ("level = 5", "Error"),
            ("level = 1", "Trace"),
        ] {
            let level = parse(attr).unwrap().level.unwrap();
            assert_eq!(level.variant(), want, "{attr}");
        }
        let path = |attr: &str| {
            let path = parse(attr).unwrap().level_path;
            path.map(|p| quote::quote!(#p).to_string())
        };
        assert_eq!(
            path("level = Level::Warn").as_deref(),
            Some("Level :: Warn")
        );
        assert_eq!(
            path("level = ttlog::Level::Info").as_deref(),
            Some("ttlog :: Level :: Info")
        );
        assert_eq!(path("level = tracing::Level::INFO"), None);
        assert_eq!(path("level = Warn"), None);
        assert_eq!(path("level = \"warn\""), None);
    }

    #[test]
    fn bad_levels() {
        assert!(err("level = \"verbose\"").contains("unknown level \"verbose\""));
        assert!(err("level = Level::Loud").contains("unknown level `Loud`"));
        assert!(err("level = 9").contains("unknown level `9`"));
        assert!(err("level = pick()").contains("must be written out"));
    }

    #[test]
    fn every_option_parses() {
        let args = parse(
            "level = \"debug\", name = \"load\", target = \"app::db\", skip(a, self), \
             fields(user = 1, %addr, req.id = ?r), ret(Display), err(Debug, level = \"warn\"), \
             parent = None, follows_from = [a, b]",
        )
        .unwrap();
        assert_eq!(args.name.unwrap().value(), "load");
        assert_eq!(args.target.unwrap().value(), "app::db");
        assert_eq!(args.skips.len(), 2);
        assert_eq!(args.fields.unwrap().names, ["user", "addr", "req.id"]);
        assert_eq!(args.ret.unwrap().mode, Some(Mode::Display));
        let err = args.err.unwrap();
        assert_eq!(err.mode, Some(Mode::Debug));
        assert_eq!(err.level.unwrap().variant(), "Warn");
        assert!(args.parent.is_some() && args.follows_from.is_some());
    }

    #[test]
    fn mistakes_are_all_reported() {
        let e = err("levle = \"debug\", name = 3, skip_all, skip_all, ret(Json)");
        assert!(e.contains("unknown option `levle`"), "{e}");
        assert!(
            e.contains("expected a string literal for the span's name"),
            "{e}"
        );
        assert!(e.contains("duplicate option `skip_all`"), "{e}");
        assert!(e.contains("unknown `Json`"), "{e}");
        assert!(err("fields(\"a message\")").contains("a span has no message"));
        assert!(err("fields(parent: None)").contains("the `parent = ..` option"));
        assert!(err("fields(..req)").contains("`..value` is for events"));
        assert!(err("fields(target: \"x\")").contains("the `target = \"...\"` option"));
        assert!(err("skip()").contains("`skip` needs the names"));
    }

    #[test]
    fn arguments_become_fields() {
        let p = plan(
            "",
            "fn f(id: u64, name: &str, owned: String, user: User, (a, b): (i32, Vec<u8>)) {}",
        )
        .unwrap();
        assert_eq!(
            fields(&p),
            [
                "id = id",
                "name = name",
                "owned = owned",
                "user = ? user",
                "a = a",
                "b = ? b"
            ]
        );
        assert_eq!(p.name.value(), "f");
        assert_eq!(p.level.variant(), "Info");
    }

    #[test]
    fn skipped_secret_and_custom_arguments_are_left_out() {
        let p = plan(
            "skip(conn), fields(token, id = id + 1)",
            "fn login(&self, conn: Conn, id: u32, password: &str, token: &str, DB_Password: String, auth_token: u8, user: &str) {}",
        )
        .unwrap();
        assert_eq!(fields(&p), ["user = user"]);
        let p = plan("skip_all", "fn f(a: u8, b: u8) {}").unwrap();
        assert!(p.arg_fields.is_empty());
    }

    #[test]
    fn misuse_against_the_signature() {
        let e = plan("skip(usr)", "fn f(user: u8) {}").err().unwrap();
        assert_eq!(
            e,
            "`usr` is not a parameter of `f`; `skip` takes parameter names"
        );
        let e = plan("err", "fn f(user: u8) {}").err().unwrap();
        assert!(e.contains("returns nothing"), "{e}");
        let e = plan("skip_all, skip(user)", "fn f(user: u8) {}")
            .err()
            .unwrap();
        assert!(e.contains("already leaves out every parameter"), "{e}");
        assert!(plan("skip(self)", "fn f(&self) {}").is_ok());
    }

    #[test]
    fn trace_fn_picks_ret_and_err_from_the_signature() {
        let check_fn = |f: &str| {
            let function: syn::ItemFn = syn::parse_str(f).unwrap();
            let p = check(Kind::TraceFn, InstrumentArgs::default(), &function).unwrap();
            (p.ret.is_some(), p.err.is_some(), p.level.variant())
        };
        assert_eq!(check_fn("fn f() {}"), (false, false, "Trace"));
        assert_eq!(check_fn("fn f() -> u8 { 1 }"), (true, false, "Trace"));
        assert_eq!(
            check_fn("fn f() -> io::Result<u8> { Ok(1) }"),
            (true, true, "Trace")
        );
        assert_eq!(
            check_fn("async fn f() -> Result<(), E> { Ok(()) }"),
            (true, true, "Trace")
        );
    }
}
