//! `src/crate_error.rs`: `openrouter::Error`, one variant per operation's error, so that `?`
//! works across operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operations::op_type;
use super::types::ident;
use crate::ir::{Api, Group, Operation};

/// The variant for an operation: group and operation (`ApiKeysCreate`), unique in the crate
/// because operation names are unique within a group.
pub(crate) fn variant(group: &Group, op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}{}", crate::names::camel(&group.name), op_type(op))
}

pub(crate) fn crate_error_rs(api: &Api) -> TokenStream {
    let ops: Vec<(&Group, &Operation)> = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .collect();
    let variants: Vec<_> = ops.iter().map(|(g, op)| variant(g, op)).collect();
    let paths: Vec<TokenStream> = ops
        .iter()
        .map(|(g, op)| {
            let module = ident(&g.name);
            let error = format_ident!("{}Error", op_type(op));
            quote!(crate::#module::#error)
        })
        .collect();
    let variant_docs = ops.iter().map(|(g, op)| {
        let target = format!(
            "crate::{}::{}::{}",
            g.name,
            crate::names::camel(&g.name),
            op.name
        );
        let call = super::docs::link(&format!("{}()", op.name), &target);
        format!(" `{} {}`: {call} failed.", op.method, op.path)
    });
    let operations = ops
        .iter()
        .map(|(_, op)| format!("{} {}", op.method, op.path));
    // An empty enum is matched through `*self`: a document may have no operations.
    let each = |body: TokenStream| {
        if variants.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(Self::#variants(e) => #body,)* })
        }
    };
    let operation = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(Self::#variants(_) => #operations,)* })
    };
    let status = each(quote!(e.status()));
    let headers = each(quote!(e.headers()));
    let raw_body = each(quote!(e.raw_body()));
    let code = each(quote!(e.code()));
    let transport = each(quote!(e.transport()));
    let message = each(quote!(e.message()));
    let display = each(quote!(std::fmt::Display::fmt(e, f)));
    let source = each(quote!(std::error::Error::source(e)));
    let from_impls = variants.iter().zip(&paths).map(|(variant, path)| {
        quote! {
            impl From<#path> for Error {
                fn from(error: #path) -> Self {
                    Error::#variant(error)
                }
            }
        }
    });
    quote! {
        //! The crate-wide error: every operation's error converts into it, so a function that
        //! makes several calls can use `?` on each.

        /// Any operation's failure. Match a variant to reach the operation's own error (and its
        /// typed body); the methods answer for every variant.
        ///
        /// `Display` is the operation's one line: method, path, status and the API's message.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            #(#[doc = #variant_docs] #variants(#paths),)*
        }

        impl Error {
            /// The operation as `METHOD /path`, such as `GET /keys/{hash}`.
            pub fn operation(&self) -> &'static str {
                #operation
            }

            /// The HTTP status, when a response arrived.
            pub fn status(&self) -> Option<reqwest::StatusCode> {
                #status
            }

            /// The response headers, when a response arrived.
            pub fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
                #headers
            }

            /// The response body exactly as received, when a response arrived.
            pub fn raw_body(&self) -> Option<&[u8]> {
                #raw_body
            }

            /// What went wrong on the way, when no complete response arrived.
            pub fn transport(&self) -> Option<&crate::TransportError> {
                #transport
            }

            /// `error.code` of a declared error body.
            pub fn code(&self) -> Option<i64> {
                #code
            }

            /// `error.message` of a declared error body.
            pub fn message(&self) -> Option<&str> {
                #message
            }
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }

        /// The operation's error is this error's text, so the chain continues with its cause.
        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                #source
            }
        }

        #(#from_impls)*
    }
}
