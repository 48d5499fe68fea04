//! The project's own templates: everything in the crate that progenitor does not make.

mod docs;
mod models;
mod operations;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use types::ident;

/// Hand-written runtime code copied into the crate as is: it does not vary with the document.
pub(crate) const RUNTIME: [(&str, &str); 6] = [
    ("src/client.rs", include_str!("../../runtime/client.rs")),
    ("src/error.rs", include_str!("../../runtime/error.rs")),
    ("src/nullable.rs", include_str!("../../runtime/nullable.rs")),
    ("src/response.rs", include_str!("../../runtime/response.rs")),
    ("src/secret.rs", include_str!("../../runtime/secret.rs")),
    (
        "src/transport.rs",
        include_str!("../../runtime/transport.rs"),
    ),
];

/// Rust files made from the IR, by path.
pub(crate) fn rust_files(api: &Api) -> Vec<(String, TokenStream)> {
    let mut files = vec![
        ("src/lib.rs".to_owned(), lib_rs(api)),
        ("src/models.rs".to_owned(), models::models_rs(api)),
        ("src/global_headers.rs".to_owned(), global_headers_rs(api)),
    ];
    for group in &api.groups {
        files.push((
            format!("src/{}.rs", group.name),
            operations::group_rs(api, group),
        ));
    }
    files
}

/// `README.md`.
pub(crate) fn readme(api: &Api) -> String {
    docs::readme(api)
}

/// The crate manifest. Versions are pinned by the workspace's Cargo.lock.
pub(crate) fn cargo_toml(api: &Api) -> String {
    format!(
        r#"[package]
name = "openrouter"
version = "0.1.0"
description = "Client for the {title}: OAuth and API-key operations."
edition = "2024"
rust-version = "1.88"
license = "MIT"
publish = false

[features]
default = ["rustls"]
# The TLS backend for https: rustls by default, or the platform's native TLS.
rustls = ["reqwest/rustls"]
native-tls = ["reqwest/native-tls"]

[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
percent-encoding = "2"
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "query"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
uuid = {{ version = "1", default-features = false, features = ["serde"] }}
"#,
        title = api.title.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn lib_rs(api: &Api) -> TokenStream {
    let doc = docs::inner_lines(&docs::crate_doc(api));
    let groups = api.groups.iter().map(|g| {
        let name = ident(&g.name);
        let text = format!(" The {} operations.", g.tag);
        quote! {
            #[doc = #text]
            #[rustfmt::skip]
            pub mod #name;
        }
    });
    let base_url = &api.base_url;
    quote! {
        #doc
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        mod client;
        mod error;
        #[rustfmt::skip]
        mod global_headers;
        mod nullable;
        mod response;
        mod secret;
        mod transport;

        #(#groups)*

        /// The types of request and response bodies.
        #[rustfmt::skip]
        pub mod models;

        /// progenitor's client for the same operations: one builder per operation, typify types
        /// in [`raw::types`], no authentication (pass a `reqwest::Client` with default headers).
        #[allow(missing_docs)]
        #[rustfmt::skip]
        pub mod raw;

        pub use client::{API_KEY_ENV, DEFAULT_USER_AGENT};
        pub use client::{BuildError, OpenRouter, OpenRouterBuilder};
        pub use error::{ApiError, DecodeError, ErrorBody, InvalidRequest, UnexpectedResponse};
        pub use nullable::Nullable;
        pub use response::Response;
        pub use secret::SecretString;
        pub use {chrono, reqwest, uuid};

        /// Where requests go unless the client or the call says otherwise: the document's server.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #[doc = include_str!("../README.md")]
        #[cfg(doctest)]
        pub struct ReadmeDoctests;
    }
}

/// Client-wide setters for the parameters the document marks as global.
fn global_headers_rs(api: &Api) -> TokenStream {
    let setters = docs::global_params(api).into_iter().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let mut text = p.description.clone().unwrap_or_default();
        text.push_str(&format!(
            "\n\nSent as the `{wire}` header on every request; a call can override it."
        ));
        let doc = docs::lines(&text);
        quote! {
            #doc
            pub fn #name(self, value: impl Into<String>) -> Self {
                self.default_header(#wire, value.into())
            }
        }
    });
    quote! {
        //! Client-wide values of the parameters the document marks as global.

        impl crate::OpenRouterBuilder {
            #(#setters)*
        }
    }
}
