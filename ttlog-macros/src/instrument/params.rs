//! The function's parameters as span fields: which names they bind, and how each is recorded.
//!
//! A parameter records every identifier its pattern binds (`(a, b): (i32, i32)` records `a`
//! and `b`), like tracing-attributes. A binding whose type is, syntactically, a primitive
//! (an integer, a float, `bool`, `char`), `str` or `String`, behind any number of references,
//! or an `Option` of one of those, is recorded by value, so an integer stays an integer. Any
//! other type is recorded with its `Debug` impl. The decision is made on the type as written:
//! a type alias for `u64` is recorded with `Debug`, which gives the same text.
//!
//! `self` is never recorded, and neither is a parameter whose name looks like a secret (see
//! [`looks_secret`]).

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{FnArg, Ident, Pat, Type};

/// One identifier bound by a parameter's pattern.
pub(crate) struct Binding {
    pub(crate) ident: Ident,
    pub(crate) record: Record,
}

/// How a binding is recorded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Record {
    /// `name = name`, through `ToFieldValue`.
    Value,
    /// `name = ?name`.
    Debug,
}

impl Binding {
    /// The field name (`r#type` is `type`).
    pub(crate) fn name(&self) -> String {
        self.ident.unraw().to_string()
    }

    /// How this binding is written as a `span!` field: `name = name` or `name = ?name`. The
    /// tokens carry the parameter's span, so that a type error (a parameter without `Debug`)
    /// points at the parameter.
    pub(crate) fn field_tokens(&self) -> TokenStream {
        let ident = &self.ident;
        match self.record {
            Record::Value => quote!(#ident = #ident),
            Record::Debug => quote!(#ident = ?#ident),
        }
    }
}

/// Parts of parameter names that mark a secret: a parameter whose name contains one of them,
/// ignoring case, is never recorded unless `fields(..)` names it.
pub(crate) const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "credential",
    "private_key",
];

/// Whether `name` looks like it holds a secret (`password`, `db_password`, `auth_token`,
/// `API_KEY`, `client_secret`, …).
pub(crate) fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// Every identifier the parameters bind, in order, except `self`.
pub(crate) fn bindings(sig: &syn::Signature) -> Vec<Binding> {
    let mut out = Vec::new();
    for input in &sig.inputs {
        if let FnArg::Typed(arg) = input {
            bind(&arg.pat, Some(&arg.ty), &mut out);
        }
    }
    out
}

fn bind(pat: &Pat, ty: Option<&Type>, out: &mut Vec<Binding>) {
    let ty = ty.map(strip);
    match pat {
        Pat::Ident(p) => {
            out.push(Binding {
                ident: p.ident.clone(),
                record: ty.map_or(Record::Debug, record),
            });
            if let Some((_, sub)) = &p.subpat {
                bind(sub, ty, out);
            }
        }
        Pat::Reference(p) => {
            let inner = match ty {
                Some(Type::Reference(r)) => Some(&*r.elem),
                _ => None,
            };
            bind(&p.pat, inner, out);
        }
        Pat::Tuple(p) => {
            let types = match ty {
                Some(Type::Tuple(t))
                    if t.elems.len() == p.elems.len()
                        && !p.elems.iter().any(|e| matches!(e, Pat::Rest(_))) =>
                {
                    t.elems.iter().map(Some).collect()
                }
                _ => vec![None; p.elems.len()],
            };
            for (elem, ty) in p.elems.iter().zip(types) {
                bind(elem, ty, out);
            }
        }
        Pat::Slice(p) => {
            let elem = match ty {
                Some(Type::Array(a)) => Some(&*a.elem),
                Some(Type::Slice(s)) => Some(&*s.elem),
                _ => None,
            };
            for pat in &p.elems {
                bind(pat, elem, out);
            }
        }
        Pat::TupleStruct(p) => p.elems.iter().for_each(|e| bind(e, None, out)),
        Pat::Struct(p) => p.fields.iter().for_each(|f| bind(&f.pat, None, out)),
        Pat::Paren(p) => bind(&p.pat, ty, out),
        Pat::Type(p) => bind(&p.pat, Some(&p.ty), out),
        // `_`, `..`, literals, ranges, paths, macros: nothing bound that can be recorded.
        _ => {}
    }
}

/// Removes invisible groups and parentheses around a type.
fn strip(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(g) => ty = &g.elem,
            Type::Paren(p) => ty = &p.elem,
            _ => return ty,
        }
    }
}

/// Types recorded by value (their last path segment, without generic arguments).
const VALUE_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64", "bool", "char", "str", "String",
];

fn record(ty: &Type) -> Record {
    match strip(ty) {
        Type::Reference(r) => record(&r.elem),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return Record::Debug;
            };
            match &last.arguments {
                syn::PathArguments::None if VALUE_TYPES.iter().any(|t| last.ident == t) => {
                    Record::Value
                }
                syn::PathArguments::AngleBracketed(a) if last.ident == "Option" => {
                    match a.args.first() {
                        Some(syn::GenericArgument::Type(inner)) if a.args.len() == 1 => {
                            record(inner)
                        }
                        _ => Record::Debug,
                    }
                }
                _ => Record::Debug,
            }
        }
        _ => Record::Debug,
    }
}

/// Whether the declared return type is a `Result` (its last path segment is `Result`:
/// `Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`). `#[trace_fn]` adds `err` then.
pub(crate) fn returns_result(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Type(_, ty) => match strip(ty) {
            Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        syn::ReturnType::Default => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(sig: &str) -> Vec<(String, Record)> {
        let function: syn::ItemFn = syn::parse_str(&format!("{sig} {{}}")).unwrap();
        bindings(&function.sig)
            .into_iter()
            .map(|b| (b.name(), b.record))
            .collect()
    }

    use Record::{Debug, Value};

    #[test]
    fn primitives_by_value_others_with_debug() {
        assert_eq!(
            recorded(
                "fn f(a: u8, b: &i64, c: &&str, d: String, e: f64, g: bool, h: char, \
                 i: Vec<u8>, j: impl std::fmt::Debug, k: T, l: Option<u32>, m: Option<Vec<u8>>, \
                 n: &mut usize, r#type: u16, o: std::string::String, p: (u8))"
            ),
            [
                ("a".into(), Value),
                ("b".into(), Value),
                ("c".into(), Value),
                ("d".into(), Value),
                ("e".into(), Value),
                ("g".into(), Value),
                ("h".into(), Value),
                ("i".into(), Debug),
                ("j".into(), Debug),
                ("k".into(), Debug),
                ("l".into(), Value),
                ("m".into(), Debug),
                ("n".into(), Value),
                ("type".into(), Value),
                ("o".into(), Value),
                ("p".into(), Value),
            ]
        );
    }

    #[test]
    fn patterns_record_what_they_bind() {
        assert_eq!(
            recorded(
                "fn f(&self, (a, b): (i32, Vec<u8>), Point { x, y: why }: Point, \
                 [first, ..]: [u8; 4], &c: &u32, _: u8, mut d: u8, (e, ..): (u8, u8, u8), \
                 whole @ (f, _): (u8, u8))"
            ),
            [
                ("a".into(), Value),
                ("b".into(), Debug),
                ("x".into(), Debug),
                ("why".into(), Debug),
                ("first".into(), Value),
                ("c".into(), Value),
                ("d".into(), Value),
                ("e".into(), Debug),
                ("whole".into(), Debug),
                ("f".into(), Value),
            ]
        );
    }

    #[test]
    fn secrets() {
        for name in [
            "password",
            "db_password",
            "auth_token",
            "API_KEY",
            "client_secret",
            "Authorization",
            "passwd",
            "refresh_token",
            "credentials",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["user", "id", "key", "auth", "pass", "name"] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn result_return_types() {
        let ret = |s: &str| -> syn::ReturnType { syn::parse_str(s).unwrap() };
        assert!(returns_result(&ret("-> Result<u8, E>")));
        assert!(returns_result(&ret("-> std::io::Result<()>")));
        assert!(!returns_result(&ret("-> Option<u8>")));
        assert!(!returns_result(&ret("")));
    }
}
