//! Procedural macros for ttlog. (Contract stub: implementation in progress.)

use proc_macro::TokenStream;

/// Logs at TRACE.
#[proc_macro]
pub fn trace(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
/// Logs at DEBUG.
#[proc_macro]
pub fn debug(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
/// Logs at INFO.
#[proc_macro]
pub fn info(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
/// Logs at WARN.
#[proc_macro]
pub fn warn(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
/// Logs at ERROR.
#[proc_macro]
pub fn error(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
