//! Code generation for `narrate!`:
//!
//! ```text
//! {
//!     #[cfg(debug_assertions)]
//!     static __TTLOG_CALLSITE: Callsite = Callsite::new(level, module_path!(), …,
//!         "<human template>", &["human", "cute", "actor", "action", "target", …extras,
//!                               "emitted_by", "emitted_at_ms", "source_location"]);
//!     #[cfg(not(debug_assertions))]
//!     static __TTLOG_CALLSITE: Callsite = …the same without "source_location"…;
//!     if const { STATIC_MAX_LEVEL.enables(level) } && enabled(&__TTLOG_CALLSITE, level) {
//!         match (&target, &pos, …) {            // each expression once, in the order written
//!             (__ttlog_0, __ttlog_1, …) => narrate_emit(
//!                 &__TTLOG_CALLSITE,
//!                 Formatted(message(format_args!("… {pos} …", queue_position = *__ttlog_1))),
//!                 Some(…cute…), None,
//!                 Values::from_array([static_str("orchestrator"), static_str("accept"),
//!                                     value(__ttlog_0), value(__ttlog_1), …]),
//!                 if cfg!(debug_assertions) { Some(static_str(concat!(file!(), ":", line!()))) }
//!                 else { None },
//!             ),
//!         }
//!     }
//! }
//! ```
//!
//! A literal text names the call's fields (`{target}`, `{queue_position}`) as named
//! arguments of `format_args!`, so each is the value already evaluated; any other name is an
//! inline capture of a variable, as in `format!`, and an unknown one is the compiler's error.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::{Eval, Narration, TextArg, TEXTS, VALUES};
use crate::expand::{callsite_item, field_value, gate};
use crate::validate::{Field, FieldKind};

/// The block expression for one `narrate!` call.
pub(crate) fn expand(n: Narration) -> TokenStream {
    let level_variant = Ident::new(n.level.variant(), Span::call_site());
    let level = quote!(::ttlog::__private::Level::#level_variant);
    let callsite = Ident::new("__TTLOG_CALLSITE", Span::mixed_site());
    let target = quote!(::ttlog::__private::module_path!());

    // Names in the layout of ttlog_core::narration.
    let mut names: Vec<String> = Vec::new();
    for (text, name) in n.texts.iter().zip(TEXTS) {
        if text.is_some() {
            names.push(name.to_owned());
        }
    }
    for (field, name) in n.named.iter().zip(VALUES) {
        if field.is_some() {
            names.push(name.to_owned());
        }
    }
    names.extend(n.extras.iter().map(|f| f.name.clone()));
    names.extend(["emitted_by".to_owned(), "emitted_at_ms".to_owned()]);
    let mut debug_names = names.clone();
    debug_names.push("source_location".to_owned());
    let callsite_text = match &n.texts[0] {
        Some(TextArg::Lit(lit, _)) => lit.value(),
        _ => String::new(),
    };

    // One binding per evaluated expression.
    let mut scrutinee = Vec::new();
    let mut bindings = Vec::new();
    let mut named_binding: [Option<Ident>; 4] = Default::default();
    let mut extra_binding: Vec<Option<Ident>> = vec![None; n.extras.len()];
    let mut text_binding: [Option<Ident>; 3] = Default::default();
    for (k, eval) in n.order.iter().enumerate() {
        let expr = match *eval {
            Eval::Named(i) => &n.named[i].as_ref().expect("evaluated").value,
            Eval::Extra(i) => &n.extras[i].value,
            Eval::Text(i) => match &n.texts[i] {
                Some(TextArg::Expr(expr)) => expr,
                _ => unreachable!("only non-literal texts are evaluated"),
            },
        };
        let span = expr.span();
        let ident = format_ident!("__ttlog_{}", k, span = span);
        scrutinee.push(quote_spanned!(span=> &(#expr)));
        match *eval {
            Eval::Named(i) => named_binding[i] = Some(ident.clone()),
            Eval::Extra(i) => extra_binding[i] = Some(ident.clone()),
            Eval::Text(i) => text_binding[i] = Some(ident.clone()),
        }
        bindings.push(ident);
    }

    // The values after the texts: actor, action, target, correlation_id, extras.
    let mut values = Vec::new();
    for (field, bound) in n.named.iter().zip(&named_binding) {
        if let Some(field) = field {
            values.push(field_value(&field.kind, &field.value, bound.as_ref()));
        }
    }
    for (field, bound) in n.extras.iter().zip(&extra_binding) {
        values.push(field_value(&field.kind, &field.value, bound.as_ref()));
    }

    // The fields a literal text may name, with what formats them.
    let mut nameable: Vec<(&Field, Option<&Ident>)> = Vec::new();
    for (field, bound) in n.named.iter().zip(&named_binding) {
        if let Some(field) = field {
            nameable.push((field, bound.as_ref()));
        }
    }
    for (field, bound) in n.extras.iter().zip(&extra_binding) {
        if !field.name.contains('.') && syn::parse_str::<Ident>(&field.name).is_ok() {
            nameable.push((field, bound.as_ref()));
        }
    }
    let mut texts = n.texts.iter().zip(&text_binding).map(|(text, bound)| {
        text.as_ref()
            .map(|text| text_tokens(text, bound.as_ref(), &nameable))
    });
    let human = texts
        .next()
        .flatten()
        .expect("validation requires `human:`");
    let mut optional = texts.map(|text| match text {
        Some(text) => quote!(::ttlog::__private::Option::Some(#text)),
        None => quote!(::ttlog::__private::Option::None),
    });
    let cute = optional.next().expect("three texts");
    let story = optional.next().expect("three texts");

    let dispatch = quote! {
        ::ttlog::__private::narrate_emit(
            &#callsite,
            #human,
            #cute,
            #story,
            ::ttlog::__private::Values::from_array([#(#values),*]),
            if ::ttlog::__private::cfg!(debug_assertions) {
                ::ttlog::__private::Option::Some(::ttlog::__private::static_str(
                    ::ttlog::__private::concat!(
                        ::ttlog::__private::file!(), ":", ::ttlog::__private::line!()
                    ),
                ))
            } else {
                ::ttlog::__private::Option::None
            },
        )
    };
    let body = if bindings.is_empty() {
        quote!(#dispatch;)
    } else {
        quote! {
            match (#(#scrutinee,)*) {
                (#(#bindings,)*) => #dispatch,
            }
        }
    };
    let release = callsite_item(&callsite, &level, &target, &callsite_text, names.iter());
    let debug = callsite_item(
        &callsite,
        &level,
        &target,
        &callsite_text,
        debug_names.iter(),
    );
    let gate = gate(&callsite, &level);
    quote! {
        {
            #[cfg(debug_assertions)]
            #debug
            #[cfg(not(debug_assertions))]
            #release
            if #gate {
                #body
            }
        }
    }
}

/// One text as a `NarrationText`.
fn text_tokens(
    text: &TextArg,
    bound: Option<&Ident>,
    nameable: &[(&Field, Option<&Ident>)],
) -> TokenStream {
    match text {
        TextArg::Lit(lit, template) => {
            let named = template.named.iter().filter_map(|name| {
                let (field, bound) = nameable.iter().find(|(f, _)| f.name == *name)?;
                let arg = Ident::new(name, lit.span());
                // A field that is not evaluated is a string literal: written in place. A `?`
                // field shows as recorded, with `Debug`.
                Some(match bound {
                    Some(b) if matches!(field.kind, FieldKind::Debug) => {
                        quote!(#arg = ::ttlog::__private::format_args!("{:?}", *#b))
                    }
                    Some(b) => quote!(#arg = *#b),
                    None => {
                        let value = &field.value;
                        quote!(#arg = #value)
                    }
                })
            });
            quote! {
                ::ttlog::__private::NarrationText::Formatted(::ttlog::__private::message(
                    ::ttlog::__private::format_args!(#lit #(, #named)*)
                ))
            }
        }
        TextArg::Expr(expr) => {
            let b = bound.expect("a non-literal text is evaluated");
            quote_spanned!(expr.span()=> ::ttlog::__private::narration_template(#b))
        }
    }
}
