//! Parsing: the token stream of one macro call into a flat list of arguments.
//!
//! Parsing is deliberately shallow. It splits the input at top-level commas and says what each
//! piece *looks like* (`target: expr`, `key = value`, `%name`, a string literal, some other
//! expression), without deciding yet which literal is the message or which bare expressions are
//! format arguments: that needs the whole list and the message's placeholders, so it happens in
//! [`crate::validate`]. Parsing never fails as a whole: an argument that does not parse is
//! recorded as an error and skipped up to the next comma, so that one call reports every
//! mistake at once.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

/// Everything written between the macro's parentheses.
pub(crate) struct Args {
    pub(crate) args: Vec<Arg>,
}

/// One comma-separated argument.
pub(crate) enum Arg {
    /// `target: expr`.
    Target { keyword: Ident, value: Expr },
    /// `parent: expr`.
    Parent { keyword: Ident, value: Expr },
    /// `..expr`: the fields of a struct (or, where a format argument is due, a range). The
    /// expression is `None` for a bare `..`.
    Spread {
        dots: Token![..],
        value: Option<Expr>,
    },
    /// `key = value`, `key = %value`, `key = ?value`.
    Field {
        key: Key,
        sigil: Option<Sigil>,
        value: Expr,
    },
    /// `%name` or `?name` (also dotted: `%req.id`).
    SigilShorthand { sigil: Sigil, key: Key },
    /// A string literal: the message, a format argument, or a second (wrong) message.
    Lit(LitStr),
    /// Any other expression: a format argument, a shorthand field (`name`, `a.b`), or a mistake.
    Expr(Expr),
    /// An argument that did not parse; parsing went on at the next comma.
    Invalid(syn::Error),
}

/// How a field's value is recorded.
#[derive(Clone, Copy)]
pub(crate) enum Sigil {
    /// `%`: with `Display`.
    Display(Span),
    /// `?`: with `Debug`.
    Debug(Span),
}

impl Sigil {
    pub(crate) fn span(self) -> Span {
        match self {
            Sigil::Display(span) | Sigil::Debug(span) => span,
        }
    }

    pub(crate) fn as_char(self) -> char {
        match self {
            Sigil::Display(_) => '%',
            Sigil::Debug(_) => '?',
        }
    }
}

/// A field name as written: `user_id`, `http.status` or `"user-id"`.
#[derive(Clone)]
pub(crate) enum Key {
    /// One or more identifiers joined by dots.
    Path(Vec<Ident>),
    /// A string literal.
    Lit(LitStr),
}

impl Key {
    /// The field name recorded in the callsite (`r#type` becomes `type`).
    pub(crate) fn name(&self) -> String {
        match self {
            Key::Path(idents) => idents
                .iter()
                .map(|i| i.unraw().to_string())
                .collect::<Vec<_>>()
                .join("."),
            Key::Lit(lit) => lit.value(),
        }
    }

    /// The key read back as an expression, for shorthand fields (`user_id` means
    /// `user_id = user_id`). `None` for string-literal keys.
    pub(crate) fn to_expr(&self) -> Option<Expr> {
        match self {
            Key::Path(idents) => {
                let tokens = quote::quote!(#(#idents).*);
                syn::parse2(tokens).ok()
            }
            Key::Lit(_) => None,
        }
    }

    /// Reads an expression that is a bare identifier path (`user_id`, `req.id`) as a key.
    pub(crate) fn from_expr(expr: &Expr) -> Option<Key> {
        fn walk(expr: &Expr, out: &mut Vec<Ident>) -> bool {
            match expr {
                Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
                    match p.path.get_ident() {
                        Some(ident) if p.path.leading_colon.is_none() => {
                            out.push(ident.clone());
                            true
                        }
                        _ => false,
                    }
                }
                Expr::Field(f) if f.attrs.is_empty() => match &f.member {
                    syn::Member::Named(ident) => {
                        walk(&f.base, out) && {
                            out.push(ident.clone());
                            true
                        }
                    }
                    syn::Member::Unnamed(_) => false,
                },
                _ => false,
            }
        }
        let mut idents = Vec::new();
        walk(expr, &mut idents).then_some(Key::Path(idents))
    }
}

impl ToTokens for Key {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Key::Path(idents) => tokens.extend(quote::quote!(#(#idents).*)),
            Key::Lit(lit) => lit.to_tokens(tokens),
        }
    }
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Vec::new();
        while !input.is_empty() {
            match parse_arg(input) {
                Ok(arg) => {
                    args.push(arg);
                    if !input.is_empty() {
                        if let Err(err) = input.parse::<Token![,]>() {
                            args.push(Arg::Invalid(syn::Error::new(
                                err.span(),
                                "expected `,` between arguments",
                            )));
                            skip_to_comma(input);
                        }
                    }
                }
                Err(err) => {
                    args.push(Arg::Invalid(err));
                    skip_to_comma(input);
                }
            }
        }
        Ok(Args { args })
    }
}

/// Skips the rest of a broken argument, and the comma after it.
pub(crate) fn skip_to_comma(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if let TokenTree::Punct(p) = &tt {
                if p.as_char() == ',' {
                    break;
                }
            }
        }
        Ok(((), rest))
    });
}

pub(crate) fn parse_arg(input: ParseStream<'_>) -> syn::Result<Arg> {
    // `target: expr` or `parent: expr` (but not a path such as `target::X`).
    if input.peek(Ident::peek_any) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        let keyword = input.call(Ident::parse_any)?;
        let colon: Token![:] = input.parse()?;
        return if keyword == "target" {
            let value = parse_value(input, colon.span, "`target:`")?;
            Ok(Arg::Target { keyword, value })
        } else if keyword == "parent" {
            let value = parse_value(input, colon.span, "`parent:`")?;
            Ok(Arg::Parent { keyword, value })
        } else {
            Err(syn::Error::new(
                keyword.span(),
                format!(
                    "unknown argument `{keyword}:`; the only named arguments are `target:` and \
                     `parent:` (fields are written `{keyword} = value`)"
                ),
            ))
        };
    }

    // `..expr` (but not `..=expr`, an inclusive range).
    if input.peek(Token![..]) && !input.peek(Token![..=]) && !input.peek(Token![...]) {
        let dots: Token![..] = input.parse()?;
        let value = if at_arg_end(input) {
            None
        } else {
            Some(input.parse()?)
        };
        return Ok(Arg::Spread { dots, value });
    }

    // `%name` / `?name`.
    if let Some(sigil) = parse_sigil(input)? {
        if at_arg_end(input) {
            return Err(syn::Error::new(
                sigil.span(),
                format!("expected a field name after `{}`", sigil.as_char()),
            ));
        }
        let expr: Expr = input.parse()?;
        return match Key::from_expr(&expr) {
            Some(key) => Ok(Arg::SigilShorthand { sigil, key }),
            None => Err(syn::Error::new_spanned(
                &expr,
                format!(
                    "expected a field name after `{0}`; to record an expression, name it: \
                     `name = {0}expr`",
                    sigil.as_char()
                ),
            )),
        };
    }

    // `key = value` with an identifier, dotted or string-literal key.
    if let Some(key) = parse_key(input)? {
        let eq: Token![=] = input.parse()?;
        let sigil = parse_sigil(input)?;
        let after = match sigil {
            Some(s) => (s.span(), format!("`{}`", s.as_char())),
            None => (eq.span, "`=`".to_owned()),
        };
        let value = parse_value(input, after.0, &after.1)?;
        return Ok(Arg::Field { key, sigil, value });
    }

    if input.peek(LitStr) {
        let lit: LitStr = input.fork().parse()?;
        // Only a literal on its own; `"a".len()` is an ordinary expression.
        let ahead = input.fork();
        ahead.parse::<LitStr>()?;
        if at_arg_end(&ahead) {
            input.parse::<LitStr>()?;
            return Ok(Arg::Lit(lit));
        }
    }

    let expr: Expr = input.parse()?;
    if let Expr::Assign(assign) = &expr {
        return Err(syn::Error::new_spanned(
            &assign.left,
            "unsupported field name; a field name is an identifier (`user_id`), dotted \
             identifiers (`http.status`) or a string literal (`\"user-id\"`)",
        ));
    }
    Ok(Arg::Expr(expr))
}

/// Parses a `key` followed by a single `=`, or nothing (the input is left untouched then).
fn parse_key(input: ParseStream<'_>) -> syn::Result<Option<Key>> {
    let ahead = input.fork();
    let key = if ahead.peek(LitStr) {
        Key::Lit(ahead.parse()?)
    } else if ahead.peek(Ident::peek_any) {
        let mut idents = vec![ahead.call(Ident::parse_any)?];
        while ahead.peek(Token![.]) && !ahead.peek(Token![..]) && ahead.peek2(Ident::peek_any) {
            ahead.parse::<Token![.]>()?;
            idents.push(ahead.call(Ident::parse_any)?);
        }
        Key::Path(idents)
    } else {
        return Ok(None);
    };
    if ahead.peek(Token![=]) && !ahead.peek(Token![==]) && !ahead.peek(Token![=>]) {
        // Commit: re-parse on the real stream.
        match &key {
            Key::Lit(_) => {
                input.parse::<LitStr>()?;
            }
            Key::Path(idents) => {
                input.call(Ident::parse_any)?;
                for _ in 1..idents.len() {
                    input.parse::<Token![.]>()?;
                    input.call(Ident::parse_any)?;
                }
            }
        }
        Ok(Some(key))
    } else {
        Ok(None)
    }
}

pub(crate) fn parse_sigil(input: ParseStream<'_>) -> syn::Result<Option<Sigil>> {
    if input.peek(Token![%]) && !input.peek(Token![%=]) {
        let t: Token![%] = input.parse()?;
        Ok(Some(Sigil::Display(t.span)))
    } else if input.peek(Token![?]) {
        let t: Token![?] = input.parse()?;
        Ok(Some(Sigil::Debug(t.span)))
    } else {
        Ok(None)
    }
}

/// An expression after `what`, with a clear error when there is none.
pub(crate) fn parse_value(input: ParseStream<'_>, after: Span, what: &str) -> syn::Result<Expr> {
    if at_arg_end(input) {
        return Err(syn::Error::new(
            after,
            format!("expected a value after {what}"),
        ));
    }
    input.parse()
}

pub(crate) fn at_arg_end(input: ParseStream<'_>) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// What a message's format string asks for, read the way `format_args!` reads it.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Template {
    /// Whether there is any `{…}` placeholder (escaped `{{` and `}}` do not count).
    pub(crate) has_placeholders: bool,
    /// How many positional arguments the placeholders use: `{}`, `{:?}`, `{0}`, `{:1$}`, `{:.*}`.
    pub(crate) positional: usize,
    /// The named arguments the placeholders use (`{err}`, `{:width$}`), first use first.
    pub(crate) named: Vec<String>,
}

impl Template {
    /// Scans `s`. Malformed format strings are reported as having placeholders, so that
    /// `format_args!` sees them and reports the mistake itself.
    pub(crate) fn parse(s: &str) -> Template {
        let mut t = Template::default();
        let mut implicit = 0usize;
        let mut max_explicit: Option<usize> = None;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                }
                '}' => t.has_placeholders = true,
                '{' => {
                    t.has_placeholders = true;
                    let rest = &s[i + 1..];
                    let Some(end) = rest.find('}') else { break };
                    let inner = &rest[..end];
                    while chars.peek().is_some_and(|&(j, _)| j <= i + 1 + end) {
                        chars.next();
                    }
                    let (arg, spec) = match inner.find(':') {
                        Some(colon) => (&inner[..colon], Some(&inner[colon + 1..])),
                        None => (inner, None),
                    };
                    let mut note = |r: ArgRef<'_>, t: &mut Template| match r {
                        ArgRef::Next => implicit += 1,
                        ArgRef::Index(n) => {
                            max_explicit = Some(max_explicit.map_or(n, |m: usize| m.max(n)))
                        }
                        ArgRef::Name(name) => {
                            if !t.named.iter().any(|n| n == name) {
                                t.named.push(name.to_owned());
                            }
                        }
                    };
                    // `{:.*}` takes the precision before the value.
                    let spec_refs = spec.map(spec_refs).unwrap_or_default();
                    for r in spec_refs.iter().filter(|r| matches!(r, ArgRef::Next)) {
                        note(*r, &mut t);
                    }
                    note(arg_ref(arg.trim()), &mut t);
                    for r in spec_refs.iter().filter(|r| !matches!(r, ArgRef::Next)) {
                        note(*r, &mut t);
                    }
                }
                _ => {}
            }
        }
        t.positional = implicit.max(max_explicit.map_or(0, |m| m + 1));
        t
    }
}

/// Replaces `{{` and `}}` by `{` and `}`: the text of a message without placeholders.
pub(crate) fn unescape_braces(s: &str) -> String {
    s.replace("{{", "{").replace("}}", "}")
}

#[derive(Clone, Copy, Debug)]
enum ArgRef<'a> {
    Next,
    Index(usize),
    Name(&'a str),
}

fn arg_ref(s: &str) -> ArgRef<'_> {
    if s.is_empty() {
        ArgRef::Next
    } else if let Ok(n) = s.parse() {
        ArgRef::Index(n)
    } else {
        ArgRef::Name(s)
    }
}

/// The arguments a format spec (after the `:`) refers to: `width$`, `1$`, `.*`.
fn spec_refs(spec: &str) -> Vec<ArgRef<'_>> {
    let mut out = Vec::new();
    let mut s = spec;
    // [[fill]align]
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(fill), Some('<' | '^' | '>')) => s = &s[fill.len_utf8() + 1..],
        (Some('<' | '^' | '>'), _) => s = &s[1..],
        _ => {}
    }
    // [sign]['#']
    s = s.strip_prefix(['+', '-']).unwrap_or(s);
    s = s.strip_prefix('#').unwrap_or(s);
    // ['0'], unless it is the argument `0$`
    if s.starts_with('0') && !s[1..].starts_with('$') {
        s = &s[1..];
    }
    // [width]
    let (width, rest) = count(s);
    if let Some(r) = width {
        out.push(r);
    }
    s = rest;
    // ['.' precision]
    if let Some(p) = s.strip_prefix('.') {
        if p.starts_with('*') {
            out.push(ArgRef::Next);
        } else if let (Some(r), _) = count(p) {
            out.push(r);
        }
    }
    out
}

/// A `count` that names an argument (`3$`, `name$`), and what follows it.
fn count(s: &str) -> (Option<ArgRef<'_>>, &str) {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    match rest.strip_prefix('$') {
        Some(after) if !word.is_empty() => (Some(arg_ref(word)), after),
        _ => (None, rest),
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    fn t(s: &str) -> (bool, usize, Vec<String>) {
        let t = Template::parse(s);
        (t.has_placeholders, t.positional, t.named)
    }

    #[test]
    fn literal_messages() {
        assert_eq!(t("user logged in"), (false, 0, vec![]));
        assert_eq!(t("a {{b}} c"), (false, 0, vec![]));
        assert_eq!(t(""), (false, 0, vec![]));
    }

    #[test]
    fn positional() {
        assert_eq!(t("retry {} of {}").1, 2);
        assert_eq!(t("{:?} {:>8.3} {:#x}").1, 3);
        assert_eq!(t("{0} {0} {1}").1, 2);
        assert_eq!(t("{} {2}").1, 3);
        assert_eq!(t("{:.*}").1, 2);
        assert_eq!(t("{:1$}").1, 2);
        assert_eq!(t("{:0$}").1, 1);
        assert_eq!(t("{:08.2}").1, 1);
        assert_eq!(t("{:$>5}").1, 1);
        assert_eq!(t("{{}} {}").1, 1);
    }

    #[test]
    fn named() {
        assert_eq!(t("db error: {err}"), (true, 0, vec!["err".into()]));
        assert_eq!(t("{x:>w$} {x} {}"), (true, 1, vec!["x".into(), "w".into()]));
        assert_eq!(t("{:.prec$}").2, vec!["prec".to_owned()]);
    }

    #[test]
    fn malformed_counts_as_template() {
        assert!(t("open {").0);
        assert!(t("close }").0);
    }
}
