//! Code generation: one validated [`Event`] into the block a macro call expands to.
//!
//! ```text
//! {
//!     static __TTLOG_CALLSITE: Callsite = Callsite::new(level, target, module_path!(),
//!                                                       file!(), line!(), message, &[names]);
//!     if const { STATIC_MAX_LEVEL.enables(level) } && enabled(&__TTLOG_CALLSITE, level) {
//!         match (&arg0, &value1, …) {          // each expression evaluated once, in order
//!             (__ttlog_0, __ttlog_1, …) => emit(&__TTLOG_CALLSITE,
//!                                               [value(__ttlog_1), …]),
//!         }
//!     }
//! }
//! ```
//!
//! Every path it names is under `::ttlog::__private`. The first gate is evaluated at compile
//! time (an inline `const` block), so a level removed by a `max_level_*` feature leaves nothing
//! behind, even in debug builds; nothing in the argument list is
//! evaluated unless all gates pass. The `match` keeps the temporaries of every expression alive
//! until the event is handed over, exactly as `format_args!` needs them.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::validate::{Event, FieldKind, Slot};
use crate::Level;

/// The block expression for one event.
pub(crate) fn expand(level: Level, event: Event) -> TokenStream {
    let level_variant = Ident::new(level.variant(), Span::call_site());
    let level = quote!(::ttlog::__private::Level::#level_variant);
    let callsite = Ident::new("__TTLOG_CALLSITE", Span::mixed_site());

    let target = match &event.target {
        Some(target) => quote!(#target),
        None => quote!(::ttlog::__private::module_path!()),
    };
    let text = event
        .message
        .as_ref()
        .map(|m| m.callsite_text())
        .unwrap_or_default();
    let names = event.fields.iter().map(|f| &f.name);

    // One binding per evaluated expression, named for its place in `event.order`.
    let mut bindings = Vec::with_capacity(event.order.len());
    let mut field_binding: Vec<Option<Ident>> = vec![None; event.fields.len()];
    let mut positional_binding: Vec<Option<Ident>> = vec![None; event.order.len()];
    let mut scrutinee = Vec::with_capacity(event.order.len());
    for (k, slot) in event.order.iter().enumerate() {
        let expr = match *slot {
            Slot::Positional(i) => &event.message.as_ref().expect("positional").args[i],
            Slot::Field(i) => &event.fields[i].value,
        };
        // Spanned on the user's expression, so that a type error in a value points at it.
        // The bindings are only in scope inside the match arm, where no user expression is.
        let span = expr.span();
        let ident = format_ident!("__ttlog_{}", k, span = span);
        scrutinee.push(quote_spanned!(span=> &(#expr)));
        match *slot {
            Slot::Positional(i) => positional_binding[i] = Some(ident.clone()),
            Slot::Field(i) => field_binding[i] = Some(ident.clone()),
        }
        bindings.push(ident);
    }

    let values = event
        .fields
        .iter()
        .zip(&field_binding)
        .map(|(field, bound)| {
            let span = field.value.span();
            match (&field.kind, bound) {
                (FieldKind::StaticStr, _) => {
                    let lit = &field.value;
                    quote_spanned!(span=> ::ttlog::__private::static_str(#lit))
                }
                (FieldKind::Value, Some(b)) => quote_spanned!(span=> ::ttlog::__private::value(#b)),
                (FieldKind::Display, Some(b)) => {
                    quote_spanned!(span=> ::ttlog::__private::display(#b))
                }
                (FieldKind::Debug, Some(b)) => quote_spanned!(span=> ::ttlog::__private::debug(#b)),
                (_, None) => unreachable!("every evaluated field has a binding"),
            }
        });
    let values = quote!(::ttlog::__private::ManuallyDrop::new([#(#values),*]));

    let log_event = match &event.message {
        Some(message) if message.template.has_placeholders => {
            let lit = &message.lit;
            let positional = positional_binding.iter().flatten().map(|b| quote!(*#b));
            // A named placeholder that names a field formats that field's value.
            let named = message.template.named.iter().filter_map(|name| {
                let (i, field) = event
                    .fields
                    .iter()
                    .enumerate()
                    .find(|(_, f)| f.name == *name && !f.name.contains('.'))?;
                let arg = Ident::new(name, lit.span());
                Some(match &field_binding[i] {
                    Some(b) => quote!(#arg = *#b),
                    None => {
                        let value = &field.value;
                        quote!(#arg = #value)
                    }
                })
            });
            quote! {
                ::ttlog::__private::emit_message(
                    &#callsite,
                    ::ttlog::__private::message(
                        ::ttlog::__private::format_args!(#lit #(, #positional)* #(, #named)*)
                    ),
                    #values,
                )
            }
        }
        _ => quote!(::ttlog::__private::emit(&#callsite, #values)),
    };

    let dispatch = log_event;
    let body = if bindings.is_empty() {
        quote!(#dispatch;)
    } else {
        quote! {
            match (#(#scrutinee,)*) {
                (#(#bindings,)*) => #dispatch,
            }
        }
    };

    quote! {
        {
            static #callsite: ::ttlog::__private::Callsite = ::ttlog::__private::Callsite::new(
                #level,
                #target,
                ::ttlog::__private::module_path!(),
                ::ttlog::__private::file!(),
                ::ttlog::__private::line!(),
                #text,
                &[#(#names),*],
            );
            if const { ::ttlog::__private::STATIC_MAX_LEVEL.enables(#level) }
                && ::ttlog::__private::enabled(&#callsite, #level)
            {
                #body
            }
        }
    }
}

/// What a call that failed validation expands to: the errors, in a block of type `()`, so the
/// user sees those errors and nothing else.
pub(crate) fn fallback(error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote!({ #errors })
}
