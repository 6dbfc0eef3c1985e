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

use crate::level::Level;
use crate::validate::{Event, FieldKind, Slot, SpanDecl};

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
    let mut bindings = Vec::with_capacity(event.order.len() + 1);
    let mut field_binding: Vec<Option<Ident>> = vec![None; event.fields.len()];
    let mut positional_binding: Vec<Option<Ident>> = vec![None; event.order.len()];
    let mut struct_binding: Vec<Option<Ident>> = vec![None; event.structs.len()];
    let mut scrutinee = Vec::with_capacity(event.order.len() + 1);
    // `parent: expr` is written first, so it is evaluated first.
    let parent_binding = Ident::new("__ttlog_parent", Span::mixed_site());
    if let Some(parent) = &event.parent {
        scrutinee.push(quote_spanned!(parent.span()=> ::ttlog::__private::parent_of(#parent)));
        bindings.push(parent_binding.clone());
    }
    let parent = match &event.parent {
        Some(_) => quote!(#parent_binding),
        None => quote!(::ttlog::__private::Parent::Current),
    };
    for (k, slot) in event.order.iter().enumerate() {
        let expr = match *slot {
            Slot::Positional(i) => &event.message.as_ref().expect("positional").args[i],
            Slot::Field(i) => &event.fields[i].value,
            Slot::Struct(i) => &event.structs[i].value,
        };
        // Spanned on the user's expression, so that a type error in a value points at it.
        // The bindings are only in scope inside the match arm, where no user expression is.
        let span = expr.span();
        let ident = format_ident!("__ttlog_{}", k, span = span);
        scrutinee.push(quote_spanned!(span=> &(#expr)));
        match *slot {
            Slot::Positional(i) => positional_binding[i] = Some(ident.clone()),
            Slot::Field(i) => field_binding[i] = Some(ident.clone()),
            Slot::Struct(i) => struct_binding[i] = Some(ident.clone()),
        }
        bindings.push(ident);
    }

    let values: Vec<TokenStream> = event
        .fields
        .iter()
        .zip(&field_binding)
        .map(|(field, bound)| field_value(&field.kind, &field.value, bound.as_ref()))
        .collect();

    // The formatted message, when the message has arguments.
    let formatted = match &event.message {
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
            Some(quote! {
                ::ttlog::__private::message(
                    ::ttlog::__private::format_args!(#lit #(, #positional)* #(, #named)*)
                )
            })
        }
        _ => None,
    };

    if !event.structs.is_empty() {
        let names = event.fields.iter().map(|f| f.name.as_str()).collect();
        return expand_structs(
            StructEvent {
                level,
                target,
                text,
                names,
                values,
                formatted,
                parent,
            },
            &event,
            &struct_binding,
            &scrutinee,
            &bindings,
        );
    }

    let values = quote!(::ttlog::__private::ManuallyDrop::new([#(#values),*]));
    let dispatch = match (formatted, &event.parent) {
        (Some(formatted), None) => quote! {
            ::ttlog::__private::emit_message(&#callsite, #formatted, #values)
        },
        (None, None) => quote!(::ttlog::__private::emit(&#callsite, #values)),
        // With `parent:`, through the entry point that takes the span as given.
        (formatted, Some(_)) => {
            let message = optional(formatted);
            quote!(::ttlog::__private::emit_with_parent(&#callsite, #parent, #message, #values))
        }
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

    let static_callsite = callsite_item(&callsite, &level, &target, &text, names);
    let gate = gate(&callsite, &level);
    quote! {
        {
            #static_callsite
            if #gate {
                #body
            }
        }
    }
}

/// The `static` [`Callsite`] of a call: its level, target, location, text (message,
/// template or span name) and field names.
///
/// [`Callsite`]: https://docs.rs/ttlog/latest/ttlog/struct.Callsite.html
pub(crate) fn callsite_item(
    callsite: &Ident,
    level: &TokenStream,
    target: &TokenStream,
    text: &dyn quote::ToTokens,
    names: impl Iterator<Item = impl quote::ToTokens>,
) -> TokenStream {
    quote! {
        static #callsite: ::ttlog::__private::Callsite = ::ttlog::__private::Callsite::new(
            #level,
            #target,
            ::ttlog::__private::module_path!(),
            ::ttlog::__private::file!(),
            ::ttlog::__private::line!(),
            #text,
            &[#(#names),*],
        );
    }
}

/// The three gates, cheapest first: the `STATIC_MAX_LEVEL` constant, the run-time maximum
/// level, the callsite's cached interest.
pub(crate) fn gate(callsite: &Ident, level: &TokenStream) -> TokenStream {
    quote! {
        const { ::ttlog::__private::STATIC_MAX_LEVEL.enables(#level) }
            && ::ttlog::__private::enabled(&#callsite, #level)
    }
}

/// The parts of an event with `..struct` fields that [`expand`] has already written.
struct StructEvent<'a> {
    level: TokenStream,
    target: TokenStream,
    text: String,
    /// The names of the call's own fields.
    names: Vec<&'a str>,
    /// The call's own fields' values.
    values: Vec<TokenStream>,
    /// The formatted message, if the message has arguments.
    formatted: Option<TokenStream>,
    /// The event's `Parent`: the binding of `parent: expr`, or `Parent::Current`.
    parent: TokenStream,
}

/// `Option::Some(tokens)` or `Option::None`.
fn optional(tokens: Option<TokenStream>) -> TokenStream {
    match tokens {
        Some(tokens) => quote!(::ttlog::__private::Option::Some(#tokens)),
        None => quote!(::ttlog::__private::Option::None),
    }
}

/// The block for an event with `..struct` fields:
///
/// ```text
/// {
///     static __TTLOG_CALLSITE: Callsite = Callsite::new(level, …, message, &[]);  // the gates
///     static __TTLOG_FIELDS: OnceLock<&'static Callsite> = OnceLock::new();
///     if const { … } && enabled(&__TTLOG_CALLSITE, level) {
///         match (&arg0, &struct1, …) {
///             (__ttlog_0, __ttlog_1, …) => {
///                 fn names<T1: StructFields + ?Sized>(_: &T1) -> &'static [&'static str] {
///                     const { &NameList::concat(&[&["a"], T1::NAMES, …]) }.as_slice()
///                 }
///                 let mut values = Values::new();
///                 values.push(value(__ttlog_0));
///                 push_struct(&mut values, __ttlog_1);
///                 emit_values(struct_callsite(&__TTLOG_CALLSITE, &__TTLOG_FIELDS,
///                                             names(__ttlog_1)), parent, message, values)
///             }
///         }
///     }
/// }
/// ```
///
/// The names are a constant per callsite and struct type (a generic `names` function, so that
/// the structs' types, which the macro cannot write, are its type parameters), checked for
/// length and duplicates at compile time; see `ttlog_core::callsite` for the callsite copy.
fn expand_structs(
    parts: StructEvent<'_>,
    event: &Event,
    struct_binding: &[Option<Ident>],
    scrutinee: &[TokenStream],
    bindings: &[Ident],
) -> TokenStream {
    let StructEvent {
        level,
        target,
        text,
        names,
        values,
        formatted,
        parent,
    } = parts;
    let callsite = Ident::new("__TTLOG_CALLSITE", Span::mixed_site());
    let fields_callsite = Ident::new("__TTLOG_FIELDS", Span::mixed_site());
    let out = Ident::new("__ttlog_values", Span::mixed_site());
    let names_fn = Ident::new("__ttlog_names", Span::mixed_site());

    // Names and values in the order written: each struct after the fields before it.
    let mut name_parts = Vec::new();
    let mut pushes = Vec::new();
    let mut type_params = Vec::new();
    let mut struct_args = Vec::new();
    let mut next_field = 0;
    let mut values = values.into_iter();
    for (i, arg) in event.structs.iter().enumerate() {
        let own = &names[next_field..arg.fields_before];
        if !own.is_empty() {
            name_parts.push(quote!(&[#(#own),*]));
        }
        for value in values.by_ref().take(arg.fields_before - next_field) {
            pushes.push(quote!(#out.push(#value);));
        }
        next_field = arg.fields_before;

        let ty = format_ident!("__T{}", i, span = Span::mixed_site());
        name_parts.push(quote!(<#ty as ::ttlog::__private::StructFields>::NAMES));
        let bound = struct_binding[i]
            .as_ref()
            .expect("every struct has a binding");
        // Spanned on `..expr`, so that a type without the trait is reported there.
        let span = arg.dots.spans[0]
            .join(arg.value.span())
            .unwrap_or(arg.value.span());
        pushes.push(quote_spanned!(span=> ::ttlog::__private::push_struct(&mut #out, #bound);));
        struct_args.push(bound);
        type_params.push(ty);
    }
    let own = &names[next_field..];
    if !own.is_empty() {
        name_parts.push(quote!(&[#(#own),*]));
    }
    for value in values {
        pushes.push(quote!(#out.push(#value);));
    }
    let message = optional(formatted);

    quote! {
        {
            static #callsite: ::ttlog::__private::Callsite = ::ttlog::__private::Callsite::new(
                #level,
                #target,
                ::ttlog::__private::module_path!(),
                ::ttlog::__private::file!(),
                ::ttlog::__private::line!(),
                #text,
                &[],
            );
            static #fields_callsite: ::ttlog::__private::OnceLock<
                &'static ::ttlog::__private::Callsite,
            > = ::ttlog::__private::OnceLock::new();
            if const { ::ttlog::__private::STATIC_MAX_LEVEL.enables(#level) }
                && ::ttlog::__private::enabled(&#callsite, #level)
            {
                match (#(#scrutinee,)*) {
                    (#(#bindings,)*) => {
                        fn #names_fn<#(#type_params: ::ttlog::__private::StructFields + ?Sized),*>(
                            #(_: &#type_params),*
                        ) -> &'static [&'static str] {
                            const {
                                &::ttlog::__private::NameList::concat(&[#(#name_parts),*])
                            }
                            .as_slice()
                        }
                        let mut #out = ::ttlog::__private::Values::new();
                        #(#pushes)*
                        ::ttlog::__private::emit_values(
                            ::ttlog::__private::struct_callsite(
                                &#callsite,
                                &#fields_callsite,
                                #names_fn(#(#struct_args),*),
                            ),
                            #parent,
                            #message,
                            #out,
                        )
                    }
                }
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

/// The block expression for one span macro call: `level` for `info_span!` and the others,
/// `None` for `span!`, whose level is the expression it was given.
///
/// ```text
/// {
///     const __TTLOG_LEVEL: Level = <level expression>;          // span! only
///     static __TTLOG_CALLSITE: Callsite = Callsite::new(level, target, module_path!(),
///                                                       file!(), line!(), "name", &[names]);
///     if const { STATIC_MAX_LEVEL.enables(level) } && enabled(&__TTLOG_CALLSITE, level) {
///         match (parent_of(parent), &value0, …) {   // or Parent::Current without `parent:`
///             (__ttlog_parent, __ttlog_0, …) => new_span(&__TTLOG_CALLSITE, __ttlog_parent,
///                                                        ManuallyDrop::new([value(__ttlog_0), …])),
///         }
///     } else {
///         Span::none()
///     }
/// }
/// ```
pub(crate) fn expand_span(level: Option<Level>, span: SpanDecl) -> TokenStream {
    let callsite = Ident::new("__TTLOG_CALLSITE", Span::mixed_site());
    let (level_item, level) = match (level, &span.level) {
        (Some(level), _) => {
            let variant = Ident::new(level.variant(), Span::call_site());
            (quote!(), quote!(::ttlog::__private::Level::#variant))
        }
        (None, Some(expr)) => {
            let name = Ident::new("__TTLOG_LEVEL", Span::mixed_site());
            // Spanned on the user's expression: a level that is not a constant `Level` is
            // reported there.
            let item = quote_spanned! {expr.span()=>
                const #name: ::ttlog::__private::Level = #expr;
            };
            (item, quote!(#name))
        }
        (None, None) => unreachable!("validation requires a level for span!"),
    };
    let target = match &span.target {
        Some(target) => quote!(#target),
        None => quote!(::ttlog::__private::module_path!()),
    };
    let name = &span.name;
    let names = span.fields.iter().map(|f| &f.name);

    let parent_binding = Ident::new("__ttlog_parent", Span::mixed_site());
    let mut scrutinee = vec![match &span.parent {
        Some(parent) => quote_spanned!(parent.span()=> ::ttlog::__private::parent_of(#parent)),
        None => quote!(::ttlog::__private::Parent::Current),
    }];
    let mut bindings = vec![parent_binding.clone()];
    let mut field_binding: Vec<Option<Ident>> = vec![None; span.fields.len()];
    for (k, slot) in span.order.iter().enumerate() {
        let Slot::Field(i) = *slot else {
            unreachable!("a span has only fields to evaluate")
        };
        let expr = &span.fields[i].value;
        let span = expr.span();
        let ident = format_ident!("__ttlog_{}", k, span = span);
        scrutinee.push(quote_spanned!(span=> &(#expr)));
        field_binding[i] = Some(ident.clone());
        bindings.push(ident);
    }
    let values = span
        .fields
        .iter()
        .zip(&field_binding)
        .map(|(field, bound)| field_value(&field.kind, &field.value, bound.as_ref()));

    let static_callsite = callsite_item(&callsite, &level, &target, &name, names);
    let gate = gate(&callsite, &level);
    quote! {
        {
            #level_item
            #static_callsite
            if #gate {
                match (#(#scrutinee,)*) {
                    (#(#bindings,)*) => ::ttlog::__private::new_span(
                        &#callsite,
                        #parent_binding,
                        ::ttlog::__private::ManuallyDrop::new([#(#values),*]),
                    ),
                }
            } else {
                ::ttlog::__private::Span::none()
            }
        }
    }
}

/// The expression recording one field's value (`bound`: the binding of its evaluated value).
pub(crate) fn field_value(
    kind: &FieldKind,
    value: &syn::Expr,
    bound: Option<&Ident>,
) -> TokenStream {
    let span = value.span();
    match (kind, bound) {
        (FieldKind::StaticStr, _) => quote_spanned!(span=> ::ttlog::__private::static_str(#value)),
        (FieldKind::Value, Some(b)) => quote_spanned!(span=> ::ttlog::__private::value(#b)),
        (FieldKind::Display, Some(b)) => quote_spanned!(span=> ::ttlog::__private::display(#b)),
        (FieldKind::Debug, Some(b)) => quote_spanned!(span=> ::ttlog::__private::debug(#b)),
        (_, None) => unreachable!("every evaluated field has a binding"),
    }
}

/// What a span macro call that failed validation expands to: the errors, in a block of type
/// `Span`, so that code using the span adds no errors of its own.
pub(crate) fn fallback_span(error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote!({ #errors; ::ttlog::__private::Span::none() })
}
