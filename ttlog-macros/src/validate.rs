//! Validation: the parsed arguments of one call into an [`Event`], with every mistake found.
//!
//! This is where the arguments get their roles. The first lone string literal is the message;
//! as many bare expressions as its placeholders need come right after it and are format
//! arguments; everything else is a field. Each mistake becomes a `syn::Error` spanned on the
//! token that caused it, and all of them are combined into one report.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::{Expr, LitStr};

use crate::parse::{unescape_braces, Arg, Args, Key, Sigil, Template};

/// The most fields one event may have.
pub(crate) const MAX_FIELDS: usize = 32;

/// One validated macro call.
pub(crate) struct Event {
    /// `target: expr`, if given.
    pub(crate) target: Option<Expr>,
    /// The message, if any.
    pub(crate) message: Option<Message>,
    /// The fields, in source order.
    pub(crate) fields: Vec<Field>,
    /// The expressions to evaluate, in source order.
    pub(crate) order: Vec<Slot>,
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
        message: None,
        fields: Vec::new(),
        order: Vec::new(),
    };
    let mut state = State::BeforeMessage;
    let mut missing_args_reported = false;

    let mut seen = HashSet::new();
    for (index, arg) in args.into_iter().enumerate() {
        let arg = match arg {
            Arg::Invalid(err) => {
                errors.push(err);
                continue;
            }
            Arg::Target { keyword, value } => {
                if event.target.is_some() {
                    errors.push(syn::Error::new(keyword.span(), "duplicate `target:`"));
                } else {
                    if index != 0 {
                        errors.push(syn::Error::new(
                            keyword.span(),
                            "`target:` must come first, before the message and fields",
                        ));
                    }
                    event.target = Some(value);
                }
                continue;
            }
            arg => arg,
        };

        // Format arguments owed to the message come first.
        if let State::Positional(owed) = state {
            let positional = match arg {
                Arg::Lit(lit) => Some(Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit: syn::Lit::Str(lit),
                })),
                Arg::Expr(expr) => Some(expr),
                other => {
                    // A field where a format argument was expected: report the shortfall on
                    // the message, then read this and the rest as fields.
                    report_missing_args(&event, &mut errors, &mut missing_args_reported);
                    state = State::AfterMessage;
                    add_field(&mut event, other, &mut seen, &mut errors);
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
            other => add_field(&mut event, other, &mut seen, &mut errors),
        }
    }
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

    match errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        Some(err) => Err(err),
        None => Ok(event),
    }
}

/// Adds a `key = value`, `%name`, `?name` or shorthand `name` argument as a field.
fn add_field(
    event: &mut Event,
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
        Arg::Lit(_) | Arg::Target { .. } | Arg::Invalid(_) => {
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
        event.order.push(Slot::Field(event.fields.len()));
    }
    event.fields.push(Field {
        name,
        key,
        kind,
        value,
    });
}

fn is_str_lit(expr: &Expr) -> bool {
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
