//! `#[derive(Fields)]`: implements `StructFields` for a struct with named fields, so that
//! `info!(..value)` records its fields.
//!
//! The impl holds the names as a constant and pushes one value per recorded field, each the
//! way the event macros would record it: through `ToFieldValue`, or with `Display` or `Debug`
//! when the field says so. Every mistake (an enum or tuple struct, an unknown or conflicting
//! option, an empty or duplicate name) is spanned on its token and reported together.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Type};

/// How one field is recorded.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Value,
    Display,
    Debug,
}

/// One recorded field.
struct Recorded<'a> {
    field: &'a syn::Field,
    name: String,
    mode: Mode,
}

/// The options of one field's `#[fields(..)]` attributes.
#[derive(Default)]
struct Options {
    skip: Option<Span>,
    mode: Option<Mode>,
    rename: Option<LitStr>,
}

pub(crate) fn derive(input: DeriveInput) -> TokenStream {
    match expand(&input) {
        Ok(tokens) => tokens,
        Err(err) => fallback(&input, err),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => &named.named,
            Fields::Unnamed(_) | Fields::Unit => {
                return Err(syn::Error::new_spanned(
                    &input.ident,
                    "`#[derive(Fields)]` needs a struct with named fields: the field names \
                     become the event's field names",
                ))
            }
        },
        Data::Enum(data) => {
            return Err(syn::Error::new(
                data.enum_token.span,
                "`#[derive(Fields)]` works on structs with named fields, not enums; record an \
                 enum with `%value` or `?value`",
            ))
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "`#[derive(Fields)]` works on structs with named fields, not unions",
            ))
        }
    };
    let mut errors = Vec::new();
    for attr in &input.attrs {
        if attr.path().is_ident("fields") {
            errors.push(syn::Error::new_spanned(
                attr,
                "`#[fields(..)]` goes on the struct's fields, not on the struct",
            ));
        }
    }

    let mut recorded = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for field in fields {
        let options = match options(field) {
            Ok(options) => options,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        if options.skip.is_some() {
            continue;
        }
        let ident = field.ident.as_ref().expect("named fields have names");
        let name = match &options.rename {
            Some(lit) => lit.value(),
            None => ident.unraw().to_string(),
        };
        let spanned: &dyn quote::ToTokens = match &options.rename {
            Some(lit) => lit,
            None => ident,
        };
        if name.is_empty() {
            errors.push(syn::Error::new_spanned(
                spanned,
                "a field name cannot be empty",
            ));
        } else if seen.insert(name.clone(), ()).is_some() {
            errors.push(syn::Error::new_spanned(
                spanned,
                format!("duplicate field name `{name}`"),
            ));
        }
        recorded.push(Recorded {
            field,
            name,
            mode: options.mode.unwrap_or(Mode::Value),
        });
    }
    if let Some(extra) = recorded.get(crate::validate::MAX_FIELDS) {
        errors.push(syn::Error::new_spanned(
            extra.field.ident.as_ref().expect("named"),
            format!(
                "too many recorded fields: an event has at most {}, and this is field {}; \
                 skip some with `#[fields(skip)]`",
                crate::validate::MAX_FIELDS,
                crate::validate::MAX_FIELDS + 1
            ),
        ));
    }
    if let Some(err) = errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        return Err(err);
    }

    let ident = &input.ident;
    let names = recorded.iter().map(|r| &r.name);
    let out = syn::Ident::new("__ttlog_out", Span::mixed_site());
    let pushes = recorded.iter().map(|r| {
        let member = r.field.ident.as_ref().expect("named");
        let span = r.field.ty.span();
        let function = match r.mode {
            Mode::Value => quote_spanned!(span=> value),
            Mode::Display => quote_spanned!(span=> display),
            Mode::Debug => quote_spanned!(span=> debug),
        };
        quote_spanned!(span=> #out.push(::ttlog::__private::#function(&self.#member));)
    });

    // Bound the field types that use the struct's type parameters by what records them.
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let params: Vec<&syn::Ident> = input.generics.type_params().map(|p| &p.ident).collect();
    let mut where_clause = where_clause
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(where));
    for r in &recorded {
        if !mentions(&r.field.ty, &params) {
            continue;
        }
        let ty = &r.field.ty;
        where_clause.predicates.push(match r.mode {
            Mode::Value => syn::parse_quote!(#ty: ::ttlog::__private::ToFieldValue),
            Mode::Display => syn::parse_quote!(#ty: ::ttlog::__private::Display),
            Mode::Debug => syn::parse_quote!(#ty: ::ttlog::__private::Debug),
        });
    }

    Ok(quote! {
        impl #impl_generics ::ttlog::__private::StructFields for #ident #ty_generics #where_clause {
            const NAMES: &'static [&'static str] = &[#(#names),*];

            #[inline]
            fn push_values(&self, #out: &mut ::ttlog::__private::Values) {
                #(#pushes)*
            }
        }
    })
}

/// Reads every `#[fields(..)]` attribute of `field`.
fn options(field: &syn::Field) -> syn::Result<Options> {
    let mut options = Options::default();
    let mut errors: Vec<syn::Error> = Vec::new();
    for attr in &field.attrs {
        if !attr.path().is_ident("fields") {
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let set_mode = |options: &mut Options, mode: Mode, word: &str| match options.mode {
                Some(_) => Err(syn::Error::new(
                    span,
                    format!(
                        "`{word}` conflicts with an earlier `display` or `debug`: a field \
                             is recorded one way"
                    ),
                )),
                None => {
                    options.mode = Some(mode);
                    Ok(())
                }
            };
            if meta.path.is_ident("skip") {
                if options.skip.is_some() {
                    return Err(syn::Error::new(span, "duplicate `skip`"));
                }
                options.skip = Some(span);
                Ok(())
            } else if meta.path.is_ident("display") {
                set_mode(&mut options, Mode::Display, "display")
            } else if meta.path.is_ident("debug") {
                set_mode(&mut options, Mode::Debug, "debug")
            } else if meta.path.is_ident("rename") {
                if options.rename.is_some() {
                    return Err(syn::Error::new(span, "duplicate `rename`"));
                }
                let lit: LitStr = meta.value()?.parse()?;
                options.rename = Some(lit);
                Ok(())
            } else {
                Err(syn::Error::new(
                    span,
                    "unknown option; expected `skip`, `display`, `debug` or `rename = \"name\"`",
                ))
            }
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    if let Some(skip) = options.skip {
        if options.mode.is_some() || options.rename.is_some() {
            errors.push(syn::Error::new(
                skip,
                "a skipped field is not recorded, so `display`, `debug` and `rename` do not \
                 apply to it",
            ));
        }
    }
    match errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        Some(err) => Err(err),
        None => Ok(options),
    }
}

/// Whether `ty` names one of `params`.
fn mentions(ty: &Type, params: &[&syn::Ident]) -> bool {
    fn walk(tokens: TokenStream, params: &[&syn::Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(ident) => params.iter().any(|p| **p == ident),
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote!(#ty), params)
}

/// After an error: the error, and an impl with no fields so that uses of the struct with `..`
/// do not add errors of their own.
fn fallback(input: &DeriveInput, err: syn::Error) -> TokenStream {
    let errors = err.into_compile_error();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        impl #impl_generics ::ttlog::__private::StructFields for #ident #ty_generics #where_clause {
            const NAMES: &'static [&'static str] = &[];
            fn push_values(&self, _: &mut ::ttlog::__private::Values) {}
        }
    }
}
