//! The arguments of `narrate!`, parsed and then checked: [`NarrateArgs`] in, a [`Narration`]
//! out.
//!
//! ```text
//! narrate!(LEVEL, actor: V, action: V, target: V, human: T [, cute: T] [, story: T]
//!          [, correlation_id: V] [, FIELD]*)
//! ```
//!
//! The named arguments and the extra fields may come in any order after the level; they are
//! evaluated in the order written. The editorial rules that can be seen in the tokens (a
//! `human` literal of at most 100 characters, non-empty `actor` and `action` literals, every
//! required argument present) are compile errors here, each spanned on its token and all
//! reported together.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

use crate::level::Level;
use crate::parse::{self, Arg, Key, Sigil, Template};
use crate::validate::{add_field, combine, is_str_lit, Field, FieldKind, Slot};

/// The most characters a `human` literal may have (ttlog_core::narration::MAX_HUMAN_CHARS).
const MAX_HUMAN_CHARS: usize = 100;

/// The names a narration sets itself; extra fields cannot use them.
const BUILT_IN: [&str; 11] = [
    "human",
    "cute",
    "story",
    "actor",
    "action",
    "target",
    "correlation_id",
    "emitted_by",
    "emitted_at_ms",
    "source_location",
    "narration_violation",
];

/// The most fields a narration may have, its own included.
const MAX_FIELDS: usize = crate::validate::MAX_FIELDS;

/// The named arguments that take a value, in the order their values are stored.
pub(super) const VALUES: [&str; 4] = ["actor", "action", "target", "correlation_id"];

/// The named arguments that take a text, in the order they are stored.
pub(super) const TEXTS: [&str; 3] = ["human", "cute", "story"];

/// Everything between the parentheses.
pub(crate) struct NarrateArgs {
    level: Option<Expr>,
    args: Vec<NArg>,
}

/// One argument after the level.
enum NArg {
    /// `name: value`, `name: %value`, `name: ?value`.
    Named {
        keyword: Ident,
        sigil: Option<Sigil>,
        value: Expr,
    },
    /// Anything else, read as the event macros read it.
    Other(Arg),
}

impl Parse for NarrateArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut level = None;
        let mut args = Vec::new();
        if !input.is_empty() {
            match input.parse::<Expr>() {
                Ok(expr) => level = Some(expr),
                Err(err) => args.push(NArg::Other(Arg::Invalid(err))),
            }
            if !input.is_empty() {
                if let Err(err) = input.parse::<Token![,]>() {
                    args.push(NArg::Other(Arg::Invalid(err)));
                    parse::skip_to_comma(input);
                }
            }
        }
        while !input.is_empty() {
            match parse_narg(input) {
                Ok(arg) => {
                    args.push(arg);
                    if !input.is_empty() {
                        if let Err(err) = input.parse::<Token![,]>() {
                            args.push(NArg::Other(Arg::Invalid(err)));
                            parse::skip_to_comma(input);
                        }
                    }
                }
                Err(err) => {
                    args.push(NArg::Other(Arg::Invalid(err)));
                    parse::skip_to_comma(input);
                }
            }
        }
        Ok(NarrateArgs { level, args })
    }
}

fn parse_narg(input: ParseStream<'_>) -> syn::Result<NArg> {
    if input.peek(Ident::peek_any) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        let keyword = input.call(Ident::parse_any)?;
        let colon: Token![:] = input.parse()?;
        let name = keyword.to_string();
        if !VALUES.contains(&name.as_str()) && !TEXTS.contains(&name.as_str()) {
            return Err(syn::Error::new(
                keyword.span(),
                format!(
                    "unknown argument `{name}:`; a narration's named arguments are `actor:`, \
                     `action:`, `target:`, `human:`, `cute:`, `story:` and `correlation_id:` \
                     (extra fields are written `{name} = value`)"
                ),
            ));
        }
        let sigil = if VALUES.contains(&name.as_str()) {
            parse::parse_sigil(input)?
        } else {
            None
        };
        let after = match sigil {
            Some(s) => (s.span(), format!("`{}`", s.as_char())),
            None => (colon.span, format!("`{name}:`")),
        };
        let value = parse::parse_value(input, after.0, &after.1)?;
        return Ok(NArg::Named {
            keyword,
            sigil,
            value,
        });
    }
    parse::parse_arg(input).map(NArg::Other)
}

/// A `human:`, `cute:` or `story:` text.
pub(crate) enum TextArg {
    /// A string literal: a template checked and formatted with `format_args!`.
    Lit(LitStr, Template),
    /// Any other expression (`Display`): a run-time template.
    Expr(Expr),
}

/// What is evaluated, in the order written.
#[derive(Clone, Copy)]
pub(crate) enum Eval {
    /// `named[i]`'s value.
    Named(usize),
    /// `extras[i]`'s value.
    Extra(usize),
    /// `texts[i]`, a non-literal text.
    Text(usize),
}

/// One checked `narrate!` call.
pub(crate) struct Narration {
    pub(crate) level: Level,
    /// `actor`, `action`, `target`, `correlation_id`, as fields.
    pub(crate) named: [Option<Field>; 4],
    /// `human`, `cute`, `story`.
    pub(crate) texts: [Option<TextArg>; 3],
    /// The extra fields, in order.
    pub(crate) extras: Vec<Field>,
    pub(crate) order: Vec<Eval>,
}

/// Checks a call and gives its arguments their roles; `call_site` is where errors about the
/// call as a whole point.
pub(crate) fn validate(args: NarrateArgs, call_site: Span) -> Result<Narration, syn::Error> {
    let mut errors = Vec::new();
    let level = match &args.level {
        Some(expr) => level_of(expr).unwrap_or_else(|| {
            errors.push(syn::Error::new_spanned(
                expr,
                "expected the narration's level first: `Trace`, `Debug`, `Info`, `Warn` or \
                 `Error` (or a path to one, such as `ttlog::Level::Info`)",
            ));
            Level::Info
        }),
        None => {
            errors.push(syn::Error::new(
                call_site,
                "expected a level and the narration, e.g. `narrate!(Info, actor: \"auth\", \
                 action: \"login\", target: user_id, human: \"User logged in\")`",
            ));
            Level::Info
        }
    };
    let mut n = Narration {
        level,
        named: Default::default(),
        texts: Default::default(),
        extras: Vec::new(),
        order: Vec::new(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    for arg in args.args {
        match arg {
            NArg::Named {
                keyword,
                sigil,
                value,
            } => named(&mut n, keyword, sigil, value, &mut errors),
            NArg::Other(arg) => extra(&mut n, arg, &mut seen, &mut errors),
        }
    }

    let missing: Vec<&str> = ["actor", "action", "target", "human"]
        .into_iter()
        .filter(|name| match *name {
            "human" => n.texts[0].is_none(),
            name => n.named[value_index(name)].is_none(),
        })
        .collect();
    if !missing.is_empty() && args.level.is_some() {
        let mut list: Vec<String> = missing.iter().map(|m| format!("`{m}:`")).collect();
        let last = list.pop().expect("not empty");
        let list = if list.is_empty() {
            last
        } else {
            format!("{} or {last}", list.join(", "))
        };
        errors.push(syn::Error::new(
            call_site,
            format!(
                "this narration has no {list}: every narration needs `actor:`, `action:`, \
                 `target:` and `human:`"
            ),
        ));
    }

    let own = n.named.iter().flatten().count()
        + n.texts.iter().flatten().count()
        + [
            "emitted_by",
            "emitted_at_ms",
            "source_location",
            "narration_violation",
        ]
        .len();
    if let Some(extra) = n.extras.get(MAX_FIELDS.saturating_sub(own)) {
        errors.push(syn::Error::new_spanned(
            &extra.key,
            format!(
                "too many fields: a narration has at most {MAX_FIELDS}, counting its own {own} \
                 (texts, actor, action, target, correlation_id and provenance)"
            ),
        ));
    }
    combine(errors).map(|()| n)
}

/// The level a path names: `Info`, `Level::Info`, `ttlog::Level::Info`.
fn level_of(expr: &Expr) -> Option<Level> {
    let Expr::Path(path) = expr else { return None };
    let last = path.path.segments.last()?;
    if !last.arguments.is_empty() {
        return None;
    }
    Some(match last.ident.to_string().as_str() {
        "Trace" => Level::Trace,
        "Debug" => Level::Debug,
        "Info" => Level::Info,
        "Warn" => Level::Warn,
        "Error" => Level::Error,
        _ => return None,
    })
}

fn value_index(name: &str) -> usize {
    VALUES
        .iter()
        .position(|v| *v == name)
        .expect("a value name")
}

/// Takes `keyword: value`.
fn named(
    n: &mut Narration,
    keyword: Ident,
    sigil: Option<Sigil>,
    value: Expr,
    errors: &mut Vec<syn::Error>,
) {
    let name = keyword.to_string();
    if let Some(t) = TEXTS.iter().position(|t| *t == name) {
        if n.texts[t].is_some() {
            errors.push(syn::Error::new(
                keyword.span(),
                format!("duplicate `{name}:`"),
            ));
            return;
        }
        let text = match value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                attrs,
            }) if attrs.is_empty() => {
                let template = Template::parse(&lit.value());
                check_template(&name, &lit, &template, errors);
                TextArg::Lit(lit, template)
            }
            expr => {
                n.order.push(Eval::Text(t));
                TextArg::Expr(expr)
            }
        };
        n.texts[t] = Some(text);
        return;
    }
    let i = value_index(&name);
    if n.named[i].is_some() {
        errors.push(syn::Error::new(
            keyword.span(),
            format!("duplicate `{name}:`"),
        ));
        return;
    }
    if matches!(name.as_str(), "actor" | "action") {
        if let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) = &value
        {
            if lit.value().trim().is_empty() {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`{name}` cannot be empty: say {}",
                        if name == "actor" {
                            "who acted (a component, a service, a role), e.g. `actor: \"auth\"`"
                        } else {
                            "what was done, as a verb, e.g. `action: \"authenticate\"`"
                        }
                    ),
                ));
            }
        }
    }
    let kind = match sigil {
        Some(Sigil::Display(_)) => FieldKind::Display,
        Some(Sigil::Debug(_)) => FieldKind::Debug,
        None if is_str_lit(&value) => FieldKind::StaticStr,
        None => FieldKind::Value,
    };
    if !matches!(kind, FieldKind::StaticStr) {
        n.order.push(Eval::Named(i));
    }
    n.named[i] = Some(Field {
        name,
        key: Key::Path(vec![keyword]),
        kind,
        value,
    });
}

/// The rules of a literal text: `human` at most 100 characters and not empty, named
/// placeholders only.
fn check_template(name: &str, lit: &LitStr, template: &Template, errors: &mut Vec<syn::Error>) {
    let text = lit.value();
    if name == "human" {
        let chars = text.chars().count();
        if chars > MAX_HUMAN_CHARS {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`human` is {chars} characters; the limit is {MAX_HUMAN_CHARS}: keep it to \
                     one short sentence, and put details in fields or in `story:`"
                ),
            ));
        }
        if text.trim().is_empty() {
            errors.push(syn::Error::new(
                lit.span(),
                "`human` cannot be empty: say what happened, in a short sentence",
            ));
        }
    }
    if template.positional > 0 {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "`{name}` has a positional placeholder (`{{}}` or `{{0}}`), but a narration \
                 text takes no format arguments: name what it shows, e.g. `{{target}}`, \
                 `{{queue_position}}` or a variable `{{pos}}`"
            ),
        ));
    }
}

/// Takes an extra field (or reports what else the argument is).
fn extra(n: &mut Narration, arg: Arg, seen: &mut HashSet<String>, errors: &mut Vec<syn::Error>) {
    let key = match &arg {
        Arg::Invalid(err) => {
            errors.push(err.clone());
            return;
        }
        Arg::Lit(lit) => {
            errors.push(syn::Error::new(
                lit.span(),
                "a narration has no message: its texts are `human: \"...\"`, `cute: \"...\"` \
                 and `story: \"...\"`; to record this text, name it: `key = \"...\"`",
            ));
            return;
        }
        Arg::Spread { dots, .. } => {
            errors.push(syn::Error::new_spanned(
                dots,
                "`..value` is for the event macros; a narration lists its extra fields one by \
                 one",
            ));
            return;
        }
        Arg::Target { keyword, .. } | Arg::Parent { keyword, .. } => {
            errors.push(syn::Error::new(keyword.span(), "unexpected argument"));
            return;
        }
        Arg::Field { key, .. } | Arg::SigilShorthand { key, .. } => key.clone(),
        Arg::Expr(expr) => match Key::from_expr(expr) {
            Some(key) => key,
            None => {
                errors.push(syn::Error::new_spanned(
                    expr,
                    "expected a field: `name = value`, `name`, `%name` or `?name`",
                ));
                return;
            }
        },
    };
    let name = key.name();
    if BUILT_IN.contains(&name.as_str()) {
        errors.push(syn::Error::new_spanned(
            &key,
            format!(
                "`{name}` is one of the narration's own fields; {}",
                if VALUES.contains(&name.as_str()) || TEXTS.contains(&name.as_str()) {
                    format!("write it as `{name}: value`")
                } else {
                    "it is added automatically; choose another name".to_owned()
                }
            ),
        ));
        return;
    }
    let mut order = Vec::new();
    add_field(&mut n.extras, &mut order, arg, seen, errors);
    for slot in order {
        if let Slot::Field(i) = slot {
            n.order.push(Eval::Extra(i));
        }
    }
}
