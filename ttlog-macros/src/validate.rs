//! Validation: the parsed arguments of one call into an [`Event`] (or, for the span macros,
//! a [`SpanDecl`]), with every mistake found.
//!
//! This is where the arguments get their roles. The first lone string literal is the message;
//! as many bare expressions as its placeholders need come right after it and are format
//! arguments; everything else is a field. Each mistake becomes a `syn::Error` spanned on the
//! token that caused it, and all of them are combined into one report.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::{Expr, LitStr, Token};

use crate::parse::{unescape_braces, Arg, Args, Key, Sigil, Template};

/// The most fields one event may have.
pub(crate) const MAX_FIELDS: usize = 32;

/// One validated macro call.
pub(crate) struct Event {
    /// `target: expr`, if given.
    pub(crate) target: Option<Expr>,
    /// `parent: expr`, if given.
    pub(crate) parent: Option<Expr>,
    /// The message, if any.
    pub(crate) message: Option<Message>,
    /// The fields, in source order.
    pub(crate) fields: Vec<Field>,
    /// The `..expr` arguments, in source order.
    pub(crate) structs: Vec<StructArg>,
    /// The expressions to evaluate, in source order.
    pub(crate) order: Vec<Slot>,
}

/// A `..expr` argument: the fields of a struct that implements `StructFields`.
pub(crate) struct StructArg {
    pub(crate) dots: Token![..],
    pub(crate) value: Expr,
    /// How many of the event's fields come before it.
    pub(crate) fields_before: usize,
}

/// The message literal and its format arguments.
pub(crate) struct Message {
    pub(crate) lit: LitStr,
    pub(crate) template: Template,
    /// The bare expressions that fill its positional placeholders.
    pub(crate) args: Vec<Expr>,
}

impl Message {
    /// The text stored in the callsite: the literal message, or the format template.
    pub(crate) fn callsite_text(&self) -> String {
        if self.template.has_placeholders {
            self.lit.value()
        } else {
            unescape_braces(&self.lit.value())
        }
    }
}

/// One field.
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) key: Key,
    pub(crate) kind: FieldKind,
    pub(crate) value: Expr,
}

/// How a field's value is recorded.
pub(crate) enum FieldKind {
    /// `key = "literal"`: carried as a `&'static str`, never evaluated.
    StaticStr,
    /// `key = value`, through `ToFieldValue`.
    Value,
    /// `key = %value`.
    Display,
    /// `key = ?value`.
    Debug,
}

/// An expression that is evaluated (once) when the event is enabled.
#[derive(Clone, Copy)]
pub(crate) enum Slot {
    /// `message.args[i]`.
    Positional(usize),
    /// `fields[i].value`.
    Field(usize),
    /// `structs[i].value`.
    Struct(usize),
}

enum State {
    BeforeMessage,
    /// Format arguments still owed to the message.
    Positional(usize),
    AfterMessage,
}

/// Gives the arguments their roles and checks them. `call_site` is where errors about the call
/// as a whole (an empty one) point.
pub(crate) fn validate(args: Args, call_site: Span) -> Result<Event, syn::Error> {
    let Args { args } = args;
    let mut errors = Vec::new();
    if args.is_empty() {
        errors.push(syn::Error::new(
            call_site,
            "expected a message or fields, e.g. `info!(\"started\", port = 8080)`",
        ));
    }

    let mut event = Event {
        target: None,
        parent: None,
        message: None,
        fields: Vec::new(),
        structs: Vec::new(),
        order: Vec::new(),
    };
    let mut state = State::BeforeMessage;
    let mut missing_args_reported = false;

    let mut seen = HashSet::new();
    let mut named = Named::default();
    for (index, arg) in args.into_iter().enumerate() {
        let Some(arg) = named.take(index, arg, &mut errors, "the message and fields") else {
            continue;
        };

        // Format arguments owed to the message come first.
        if let State::Positional(owed) = state {
            let positional = match arg {
                Arg::Lit(lit) => Some(Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit: syn::Lit::Str(lit),
                })),
                Arg::Expr(expr) => Some(expr),
                // `..x` where a format argument is due is the range `..x`, as in `format!`.
                Arg::Spread { dots, value } => Some(Expr::Range(syn::ExprRange {
                    attrs: Vec::new(),
                    start: None,
                    limits: syn::RangeLimits::HalfOpen(dots),
                    end: value.map(Box::new),
                })),
                other => {
                    // A field where a format argument was expected: report the shortfall on
                    // the message, then read this and the rest as fields.
                    report_missing_args(&event, &mut errors, &mut missing_args_reported);
                    state = State::AfterMessage;
                    add_field(
                        &mut event.fields,
                        &mut event.order,
                        other,
                        &mut seen,
                        &mut errors,
                    );
                    continue;
                }
            };
            let message = event
                .message
                .as_mut()
                .expect("owed arguments imply a message");
            event.order.push(Slot::Positional(message.args.len()));
            message.args.extend(positional);
            state = if owed > 1 {
                State::Positional(owed - 1)
            } else {
                State::AfterMessage
            };
            continue;
        }

        match arg {
            Arg::Lit(lit) => match state {
                State::BeforeMessage => {
                    let template = Template::parse(&lit.value());
                    let owed = template.positional;
                    event.message = Some(Message {
                        lit,
                        template,
                        args: Vec::new(),
                    });
                    state = if owed > 0 {
                        State::Positional(owed)
                    } else {
                        State::AfterMessage
                    };
                }
                _ => errors.push(syn::Error::new(
                    lit.span(),
                    "an event has one message; to record this text, name it as a field: \
                     `key = \"...\"`",
                )),
            },
            Arg::Expr(expr) if Key::from_expr(&expr).is_none() => {
                let msg = match state {
                    State::BeforeMessage => {
                        "the message must be a string literal; to log a computed value, write \
                         `\"{}\", value` or record it as a field: `name = value`"
                    }
                    _ => {
                        "expected a field: `name = value`, `name`, `%name` or `?name` \
                         (the message has no placeholder left for a format argument)"
                    }
                };
                errors.push(syn::Error::new_spanned(&expr, msg));
            }
            Arg::Spread { dots, value: None } => errors.push(syn::Error::new_spanned(
                dots,
                "expected a value after `..`: `..value` records the fields of a struct that \
                 derives `ttlog::Fields`",
            )),
            Arg::Spread {
                dots,
                value: Some(value),
            } => {
                event.order.push(Slot::Struct(event.structs.len()));
                event.structs.push(StructArg {
                    dots,
                    value,
                    fields_before: event.fields.len(),
                });
            }
            other => add_field(
                &mut event.fields,
                &mut event.order,
                other,
                &mut seen,
                &mut errors,
            ),
        }
    }
    event.target = named.target;
    event.parent = named.parent;
    if let State::Positional(_) = state {
        report_missing_args(&event, &mut errors, &mut missing_args_reported);
    }

    if let Some(extra) = event.fields.get(MAX_FIELDS) {
        errors.push(syn::Error::new_spanned(
            &extra.key,
            format!(
                "too many fields: an event has at most {MAX_FIELDS}, and this is field {}",
                MAX_FIELDS + 1
            ),
        ));
    }

    combine(errors).map(|()| event)
}

/// All the errors as one, or `Ok` when there are none.
pub(crate) fn combine(errors: Vec<syn::Error>) -> Result<(), syn::Error> {
    match errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// The named arguments, `target:` then `parent:`, which must come before everything else.
#[derive(Default)]
struct Named {
    target: Option<Expr>,
    parent: Option<Expr>,
    /// Whether an argument other than `target:` and `parent:` has been seen.
    past: bool,
}

impl Named {
    /// Takes `arg` if it is `target:` or `parent:` (checking its place; `rest` names what
    /// they must come before, in errors), and hands any other argument back.
    fn take(
        &mut self,
        index: usize,
        arg: Arg,
        errors: &mut Vec<syn::Error>,
        rest: &str,
    ) -> Option<Arg> {
        match arg {
            Arg::Invalid(err) => {
                errors.push(err);
                None
            }
            Arg::Target { keyword, value } => {
                if self.target.is_some() {
                    errors.push(syn::Error::new(keyword.span(), "duplicate `target:`"));
                } else {
                    if index != 0 {
                        errors.push(syn::Error::new(
                            keyword.span(),
                            format!("`target:` must come first, before {rest}"),
                        ));
                    }
                    self.target = Some(value);
                }
                None
            }
            Arg::Parent { keyword, value } => {
                if self.parent.is_some() {
                    errors.push(syn::Error::new(keyword.span(), "duplicate `parent:`"));
                } else {
                    if self.past {
                        errors.push(syn::Error::new(
                            keyword.span(),
                            format!("`parent:` must come after `target:` and before {rest}"),
                        ));
                    }
                    self.parent = Some(value);
                }
                None
            }
            arg => {
                self.past = true;
                Some(arg)
            }
        }
    }
}

/// Adds a `key = value`, `%name`, `?name` or shorthand `name` argument as a field.
pub(crate) fn add_field(
    fields: &mut Vec<Field>,
    order: &mut Vec<Slot>,
    arg: Arg,
    seen: &mut HashSet<String>,
    errors: &mut Vec<syn::Error>,
) {
    let (key, sigil, value) = match arg {
        Arg::Field { key, sigil, value } => (key, sigil, value),
        Arg::SigilShorthand { sigil, key } => match key.to_expr() {
            Some(value) => (key, Some(sigil), value),
            None => return,
        },
        Arg::Expr(expr) => match Key::from_expr(&expr) {
            Some(key) => (key, None, expr),
            None => return,
        },
        Arg::Lit(_)
        | Arg::Target { .. }
        | Arg::Parent { .. }
        | Arg::Spread { .. }
        | Arg::Invalid(_) => {
            unreachable!("handled by the caller")
        }
    };
    let name = key.name();
    if name.is_empty() {
        errors.push(syn::Error::new_spanned(
            &key,
            "a field name cannot be empty",
        ));
    } else if !seen.insert(name.clone()) {
        errors.push(syn::Error::new_spanned(
            &key,
            format!("duplicate field `{name}`"),
        ));
    }
    let kind = match sigil {
        Some(Sigil::Display(_)) => FieldKind::Display,
        Some(Sigil::Debug(_)) => FieldKind::Debug,
        None if is_str_lit(&value) => FieldKind::StaticStr,
        None => FieldKind::Value,
    };
    if !matches!(kind, FieldKind::StaticStr) {
        order.push(Slot::Field(fields.len()));
    }
    fields.push(Field {
        name,
        key,
        kind,
        value,
    });
}

pub(crate) fn is_str_lit(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            attrs,
        }) if attrs.is_empty()
    )
}

fn report_missing_args(event: &Event, errors: &mut Vec<syn::Error>, reported: &mut bool) {
    if std::mem::replace(reported, true) {
        return;
    }
    let Some(message) = &event.message else {
        return;
    };
    let want = message.template.positional;
    let got = message.args.len();
    errors.push(syn::Error::new(
        message.lit.span(),
        format!(
            "the message has {want} positional placeholder{} but {} format argument{} \
             follow{} it",
            if want == 1 { "" } else { "s" },
            if got == 0 {
                "no".to_owned()
            } else {
                got.to_string()
            },
            if got == 1 { "" } else { "s" },
            if got == 1 { "s" } else { "" },
        ),
    ));
}

/// One validated span macro call.
pub(crate) struct SpanDecl {
    /// `target: expr`, if given.
    pub(crate) target: Option<Expr>,
    /// `parent: expr`, if given.
    pub(crate) parent: Option<Expr>,
    /// The level expression of `span!` (`None` for `info_span!` and the others).
    pub(crate) level: Option<Expr>,
    /// The span's name.
    pub(crate) name: String,
    /// The declared fields, in source order.
    pub(crate) fields: Vec<Field>,
    /// The field values to evaluate, in source order.
    pub(crate) order: Vec<Slot>,
}

/// Where a span macro call is in its arguments.
enum SpanState {
    /// `span!` still needs its level.
    Level,
    /// The name comes next.
    Name,
    /// Fields; `named` says whether the name was seen (or its absence already reported).
    Fields { named: bool },
}

/// Checks a span macro call: `[target: T,] [parent: P,] [LEVEL,] "name" [, fields..]`, with
/// `LEVEL` when `with_level` (for `span!`).
pub(crate) fn validate_span(
    args: Args,
    call_site: Span,
    with_level: bool,
) -> Result<SpanDecl, syn::Error> {
    let Args { args } = args;
    let mut errors = Vec::new();
    let mut span = SpanDecl {
        target: None,
        parent: None,
        level: None,
        name: String::new(),
        fields: Vec::new(),
        order: Vec::new(),
    };
    let mut state = if with_level {
        SpanState::Level
    } else {
        SpanState::Name
    };
    let mut seen = HashSet::new();
    let mut named = Named::default();
    let rest = if with_level {
        "the level, the name and the fields"
    } else {
        "the name and the fields"
    };
    for (index, arg) in args.into_iter().enumerate() {
        let Some(arg) = named.take(index, arg, &mut errors, rest) else {
            continue;
        };
        if let SpanState::Level = state {
            state = SpanState::Name;
            match arg {
                Arg::Expr(level) => {
                    span.level = Some(level);
                    continue;
                }
                other => {
                    errors.push(syn::Error::new(
                        arg_span(&other),
                        "expected the span's level before its name, e.g. \
                         `span!(ttlog::Level::Info, \"request\")`",
                    ));
                    // Read it as what it looks like: the name, or a field.
                    if !matches!(other, Arg::Lit(_)) {
                        state = SpanState::Fields { named: true };
                    }
                    add_span_arg(&mut span, &mut state, other, &mut seen, &mut errors);
                    continue;
                }
            }
        }
        add_span_arg(&mut span, &mut state, arg, &mut seen, &mut errors);
    }
    span.target = named.target;
    span.parent = named.parent;

    let example = if with_level {
        "`span!(ttlog::Level::Info, \"request\", id = 7)`"
    } else {
        "`info_span!(\"request\", id = 7)`"
    };
    match state {
        SpanState::Level => errors.push(syn::Error::new(
            call_site,
            format!("expected a level and a name, e.g. {example}"),
        )),
        SpanState::Name => errors.push(syn::Error::new(
            call_site,
            format!("expected the span's name, a string literal, e.g. {example}"),
        )),
        SpanState::Fields { .. } => {}
    }
    if let Some(extra) = span.fields.get(MAX_FIELDS) {
        errors.push(syn::Error::new_spanned(
            &extra.key,
            format!(
                "too many fields: a span has at most {MAX_FIELDS}, and this is field {}",
                MAX_FIELDS + 1
            ),
        ));
    }
    combine(errors).map(|()| span)
}

/// Takes one argument after the level: the name, then fields.
fn add_span_arg(
    span: &mut SpanDecl,
    state: &mut SpanState,
    arg: Arg,
    seen: &mut HashSet<String>,
    errors: &mut Vec<syn::Error>,
) {
    match arg {
        Arg::Lit(lit) => match state {
            SpanState::Fields { named: true } => errors.push(syn::Error::new(
                lit.span(),
                "a span has one name; to record this text, name it as a field: `key = \"...\"`",
            )),
            _ => {
                let template = Template::parse(&lit.value());
                if template.has_placeholders {
                    errors.push(syn::Error::new(
                        lit.span(),
                        "a span's name is fixed text: it cannot have `{}` placeholders or \
                         format arguments; record the values as fields instead: \
                         `info_span!(\"request\", id = id)`",
                    ));
                }
                span.name = unescape_braces(&lit.value());
                *state = SpanState::Fields { named: true };
            }
        },
        Arg::Expr(expr) if Key::from_expr(&expr).is_none() => {
            let msg = match state {
                SpanState::Fields { .. } => {
                    "expected a field: `name = value`, `name`, `%name` or `?name` (a span's name \
                     takes no format arguments)"
                }
                _ => {
                    "the span's name must be a string literal; to record a computed value, \
                     name the span and record the value as a field: `name = value`"
                }
            };
            errors.push(syn::Error::new_spanned(&expr, msg));
            *state = SpanState::Fields { named: true };
        }
        Arg::Spread { dots, .. } => errors.push(syn::Error::new_spanned(
            dots,
            "`..value` is for events; a span declares its fields one by one",
        )),
        other => {
            if let SpanState::Name = state {
                errors.push(syn::Error::new(
                    arg_span(&other),
                    "expected the span's name, a string literal, before its fields, e.g. \
                     `info_span!(\"request\", id = 7)`",
                ));
                // Any literal that follows is then taken as the name without more errors.
                *state = SpanState::Fields { named: false };
            }
            add_field(&mut span.fields, &mut span.order, other, seen, errors);
        }
    }
}

/// Where to point an error about `arg` as a whole.
fn arg_span(arg: &Arg) -> Span {
    use syn::spanned::Spanned;
    match arg {
        Arg::Target { keyword, .. } | Arg::Parent { keyword, .. } => keyword.span(),
        Arg::Field { key, .. } | Arg::SigilShorthand { key, .. } => key.span(),
        Arg::Spread { dots, .. } => dots.spans[0],
        Arg::Lit(lit) => lit.span(),
        Arg::Expr(expr) => expr.span(),
        Arg::Invalid(err) => err.span(),
    }
}
