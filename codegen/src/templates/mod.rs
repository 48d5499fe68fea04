//! The project's own templates: everything in the crate that progenitor does not make.

mod crate_error;
mod docs;
mod models;
mod operations;
mod secret_tests;
mod types;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Group};
use types::ident;

/// Hand-written runtime code copied into the crate as is: it does not vary with the document.
///
/// The generated items runtime code may name: `crate::DEFAULT_BASE_URL`,
/// `crate::SECRET_FIELDS` and `crate::DOCUMENT_RETRIES` (all in `lib.rs`).
pub(crate) const RUNTIME: [(&str, &str); 9] = [
    ("src/client.rs", include_str!("../../runtime/client.rs")),
    ("src/error.rs", include_str!("../../runtime/error.rs")),
    ("src/nullable.rs", include_str!("../../runtime/nullable.rs")),
    ("src/redact.rs", include_str!("../../runtime/redact.rs")),
    ("src/response.rs", include_str!("../../runtime/response.rs")),
    ("src/retry.rs", include_str!("../../runtime/retry.rs")),
    ("src/secret.rs", include_str!("../../runtime/secret.rs")),
    (
        "src/text_values.rs",
        include_str!("../../runtime/text_values.rs"),
    ),
    (
        "src/transport.rs",
        include_str!("../../runtime/transport.rs"),
    ),
];

/// What every operation's builder and error type share (`call_settings!`, `operation_error!`);
/// only in crates with an operation ([`Api::has_operations`]), where the macros are used.
pub(crate) const OPERATION: (&str, &str) = (
    "src/operation.rs",
    include_str!("../../runtime/operation.rs"),
);

/// Bodies that are not JSON (multipart, form, text, bytes), with [`FilePart`]; only in crates
/// whose document has such a body ([`has_payloads`]). It needs the `bytes` crate.
pub(crate) const PAYLOAD: (&str, &str) =
    ("src/payload.rs", include_str!("../../runtime/payload.rs"));

/// Whether an operation has a request or success body that is not JSON.
pub(crate) fn has_payloads(api: &Api) -> bool {
    api.groups.iter().flat_map(|g| &g.operations).any(|op| {
        op.body
            .as_ref()
            .is_some_and(|b| b.kind != crate::media::Kind::Json)
            || op
                .responses
                .iter()
                .any(|r| r.body.is_some() && r.kind != crate::media::Kind::Json)
    })
}

/// Signing in with OpenRouter, and the examples that show the crate in use: they call
/// OpenRouter's own operations, so they come only with a document that has them
/// ([`has_openrouter_sign_in`]).
pub(crate) const SIGN_IN: [(&str, &str); 8] = [
    ("src/pkce.rs", include_str!("../../runtime/pkce.rs")),
    ("src/login.rs", include_str!("../../runtime/login.rs")),
    ("src/loopback.rs", include_str!("../../runtime/loopback.rs")),
    (
        "src/callback_page.rs",
        include_str!("../../runtime/callback_page.rs"),
    ),
    ("src/browser.rs", include_str!("../../runtime/browser.rs")),
    (
        "examples/login.rs",
        include_str!("../../runtime/examples/login.rs"),
    ),
    (
        "examples/rotate_key.rs",
        include_str!("../../runtime/examples/rotate_key.rs"),
    ),
    (
        "examples/list_keys.rs",
        include_str!("../../runtime/examples/list_keys.rs"),
    ),
];

/// One Rust file made from the IR, other than `lib.rs` (which says whether progenitor's client
/// is there). Each is made, parsed and printed on its own, on whichever thread is free.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Template<'a> {
    /// `tests/no_secret_in_output/operations.rs`, when an operation can be tested.
    SecretTests,
    CrateError,
    Models,
    GlobalHeaders,
    /// `src/<group>.rs`.
    Group(&'a Group),
}

/// Every file [`render`] makes, the largest first.
pub(crate) fn independent_templates(api: &Api) -> Vec<Template<'_>> {
    let mut out = vec![
        Template::SecretTests,
        Template::CrateError,
        Template::Models,
        Template::GlobalHeaders,
    ];
    out.extend(api.groups.iter().map(Template::Group));
    out
}

/// The path and tokens of one file; `None` when the file is not needed (no operation for the
/// secret tests).
pub(crate) fn render(api: &Api, template: Template<'_>) -> Option<(String, TokenStream)> {
    Some(match template {
        Template::SecretTests => (
            "tests/no_secret_in_output/operations.rs".to_owned(),
            secret_tests::secret_tests_rs(api)?,
        ),
        Template::CrateError => (
            "src/crate_error.rs".to_owned(),
            crate_error::crate_error_rs(api),
        ),
        Template::Models => ("src/models.rs".to_owned(), models::models_rs(api)),
        Template::GlobalHeaders => ("src/global_headers.rs".to_owned(), global_headers_rs(api)),
        Template::Group(group) => (
            format!("src/{}.rs", group.name),
            operations::group_rs(api, group),
        ),
    })
}

/// The static parts of the generated secret tests, emitted when there are any: the test
/// crate's root and its support module.
pub(crate) const SECRET_TEST_SUPPORT: [(&str, &str); 2] = [
    (
        "tests/no_secret_in_output.rs",
        include_str!("../../runtime/tests/no_secret_in_output.rs"),
    ),
    (
        "tests/secret_support/mod.rs",
        include_str!("../../runtime/tests/secret_support.rs"),
    ),
];

/// `README.md`.
pub(crate) fn readme(api: &Api) -> String {
    docs::readme(api)
}

/// The crate manifest. Versions are pinned by the workspace's Cargo.lock. `raw_crates` are the
/// optional crates progenitor's module names ([`crate::raw::crates_used`]).
pub(crate) fn cargo_toml(api: &Api, raw_crates: &BTreeSet<&str>) -> String {
    let sign_in = has_openrouter_sign_in(api);
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
default = ["rustls"{default_login}]
# The TLS backend for https: rustls with the ring provider by default (no cmake), or the
# platform's native TLS.
rustls = ["reqwest/rustls-no-provider", "dep:rustls"]
native-tls = ["reqwest/native-tls"]
# Accept gzip-compressed responses. Off by default: decompression adds ten crates to the
# build, and small JSON responses gain little from it.
gzip = ["reqwest/gzip"]
{raw_feature}# A span per call and an event per attempt, through `tracing`.
tracing = ["dep:tracing"]
{login_feature}
[dependencies]
{bytes_dep}chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
httpdate = "1"
percent-encoding = "2"
{progenitor_dep}reqwest = {{ version = "0.13", default-features = false, features = ["json", "query"] }}
rustls = {{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_path_to_error = "0.1"
tokio = {{ version = "1", default-features = false, features = ["time"] }}
tracing = {{ version = "0.1", default-features = false, features = ["std"], optional = true }}
uuid = {{ version = "1", default-features = false, features = ["serde"] }}
{pkce_deps}{raw_deps}
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
{login_example}"#,
        bytes_dep = if has_payloads(api) {
            "# Bodies of bytes and file parts (already a dependency of reqwest).\nbytes = \"1\"\n"
        } else {
            ""
        },
        title = api.title.replace('\\', "\\\\").replace('"', "\\\""),
        raw_feature = match &api.raw_left_out {
            None if !api.raw_asked => String::new(),
            None => {
                let extra: String = raw_crates
                    .iter()
                    .map(|name| format!(", \"dep:{name}\""))
                    .collect();
                format!("# progenitor's lower-level client for the same operations, in `openrouter::raw`.\nraw = [\"dep:progenitor-client\"{extra}]\n")
            }
            Some(reason) => format!("# No `raw` feature: {}.\n", reason.replace('\n', " ")),
        },
        progenitor_dep = if api.has_raw_module() {
            "progenitor-client = { version = \"0.15.1\", optional = true }\n"
        } else {
            ""
        },
        raw_deps = raw_crates
            .iter()
            .filter_map(|name| crate::raw::OPTIONAL_CRATES.iter().find(|(n, _)| n == name))
            .map(|(name, version)| {
                format!("# Named by progenitor's client (`raw`).\n{name} = {{ version = \"{version}\", optional = true }}\n")
            })
            .collect::<String>(),
        pkce_deps = if sign_in {
            "# PKCE: the verifier's randomness, its S256 challenge, and the callback's query.\nform_urlencoded = \"1\"\ngetrandom = \"0.4\"\nsha2 = { version = \"0.11\", default-features = false }\n"
        } else {
            ""
        },
        default_login = if sign_in { ", \"login\"" } else { "" },
        login_feature = if sign_in {
            "# The one-call browser sign-in (`login::LoopbackLogin`): a loopback listener on tokio's sockets.\nlogin = [\"tokio/net\", \"tokio/io-util\", \"tokio/rt\"]\n"
        } else {
            ""
        },
        login_example = if sign_in {
            "\n[[example]]\nname = \"login\"\nrequired-features = [\"login\"]\n"
        } else {
            ""
        },
    )
}

/// Whether the document has the operations and models OpenRouter's sign-in and the examples
/// call: the code exchange, and listing, creating, reading and deleting keys.
pub(crate) fn has_openrouter_sign_in(api: &Api) -> bool {
    let has = |group: &str, op: &str| {
        api.groups
            .iter()
            .any(|g| g.name == group && g.operations.iter().any(|o| o.name == op))
    };
    has("oauth", "exchange_auth_code_for_api_key")
        && [
            "get_current_key_metadata",
            "list",
            "create",
            "get",
            "delete",
        ]
        .iter()
        .all(|op| has("api_keys", op))
        && [
            "CreateAuthCodeRequestCodeChallengeMethod",
            "ExchangeAuthCodeRequestCodeChallengeMethod",
            "ExchangeAuthCodeResponse",
        ]
        .iter()
        .all(|m| api.models.contains_key(*m))
}

/// `lib.rs`: the modules, the re-exports and the document's constants.
pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let doc = docs::inner_lines(&docs::crate_doc(api));
    let groups = api.groups.iter().map(|g| {
        let name = ident(&g.name);
        let text = format!(" The {} operations.", crate::markdown::inline(&g.tag));
        quote! {
            #[doc = #text]
            #[rustfmt::skip]
            pub mod #name;
        }
    });
    let base_url = &api.base_url;
    let secret_fields = secret_fields(api);
    let retries = document_retries(api);
    let available = api.has_raw_module();
    let raw_module = available.then(|| {
        quote! {
            /// progenitor's client for the same operations: one builder per operation, typify types
            /// in `raw::types`, no authentication (pass a `reqwest::Client` with default headers).
            /// Only with the `raw` feature.
            #[cfg(feature = "raw")]
            // progenitor's code and the document's prose as progenitor lays it out (a list item
            // continued without indentation, say): not held to this crate's lints.
            #[allow(missing_docs, clippy::all)]
            #[rustfmt::skip]
            pub mod raw;
        }
    });
    let raw_is_opt_in = available.then(|| {
        quote! {
            /// The default build has one model set: progenitor's client needs the `raw` feature.
            ///
            /// ```compile_fail
            /// use openrouter::raw;
            /// ```
            #[cfg(all(doctest, not(feature = "raw")))]
            pub struct RawIsOptIn;
        }
    });
    // Without operations nothing sends a request: the runtime is there, unused.
    let no_operations = (!api.has_operations()).then(|| {
        quote!(#![allow(dead_code, unused_variables, reason = "the document has no operations")])
    });
    let sign_in_pkce = has_openrouter_sign_in(api).then(|| {
        quote!(
            pub mod pkce;
        )
    });
    let sign_in_browser = has_openrouter_sign_in(api).then(|| {
        quote! {
            #[cfg(feature = "login")]
            mod browser;
            #[cfg(feature = "login")]
            mod callback_page;
        }
    });
    let sign_in_login = has_openrouter_sign_in(api).then(|| {
        quote! {
            pub mod login;
            #[cfg(feature = "login")]
            mod loopback;
        }
    });
    let operation_module = api.has_operations().then(|| {
        quote!(
            mod operation;
        )
    });
    let payloads = has_payloads(api);
    let payload_module = payloads.then(|| {
        quote!(
            mod payload;
        )
    });
    let payload_exports = payloads.then(|| {
        quote! {
            pub use bytes;
            pub use payload::FilePart;
        }
    });
    quote! {
        #doc
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]
        #no_operations

        // In the order rustfmt sorts them to. `crate_error` and `global_headers` pass rustfmt as
        // prettyplease prints them; the operation and model files do not, so they are skipped.
        #sign_in_browser
        mod client;
        mod crate_error;
        mod error;
        mod global_headers;
        #sign_in_login
        mod nullable;
        #operation_module
        #payload_module
        #sign_in_pkce
        mod redact;
        mod response;
        mod retry;
        mod secret;
        mod text_values;
        mod transport;

        #(#groups)*

        /// The types of request and response bodies.
        #[rustfmt::skip]
        pub mod models;

        #raw_module

        pub use client::install_tls_provider;
        pub use client::{API_KEY_ENV, DEFAULT_USER_AGENT};
        pub use client::{BuildError, OpenRouter, OpenRouterBuilder};
        pub use client::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT};
        pub use client::{DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES};
        pub use crate_error::Error;
        pub use error::{ApiError, DecodeError, ErrorBody, InvalidRequest, UnexpectedResponse};
        pub use error::{TransportError, TransportKind};
        pub use nullable::Nullable;
        pub use response::Response;
        pub use retry::RetryPolicy;
        pub use secret::SecretString;
        pub use text_values::{Timestamp, UuidString};
        pub use {chrono, reqwest, uuid};
        #payload_exports

        /// Where requests go unless the client or the call says otherwise: the document's server.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// JSON properties the document marks as credentials: their values are never printed,
        /// not even inside a body kept by an error.
        pub(crate) const SECRET_FIELDS: &[&str] = &[#(#secret_fields),*];

        /// The document's retry settings, before the runtime clamps them.
        pub(crate) const DOCUMENT_RETRIES: retry::DocumentRetries = #retries;

        #[doc = include_str!("../README.md")]
        #[cfg(doctest)]
        pub struct ReadmeDoctests;

        #raw_is_opt_in
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

/// Wire names of every secret field, once each, sorted.
fn secret_fields(api: &Api) -> Vec<String> {
    let names: std::collections::BTreeSet<String> = api
        .secret_fields()
        .into_iter()
        .map(|(_, field)| field)
        .collect();
    names.into_iter().collect()
}

/// The `DocumentRetries` literal: the document's settings, or the defaults when it has none.
fn document_retries(api: &Api) -> TokenStream {
    let defaults = crate::ir::Retries {
        initial_ms: 500,
        max_ms: 10_000,
        multiplier: 2.0,
        connection_errors: true,
    };
    let r = api.retries.as_ref().unwrap_or(&defaults);
    let (initial, max, connection) = (r.initial_ms, r.max_ms, r.connection_errors);
    let multiplier = proc_macro2::Literal::f64_suffixed(r.multiplier);
    quote! {
        retry::DocumentRetries {
            initial_ms: #initial,
            max_ms: #max,
            multiplier: #multiplier,
            connection_errors: #connection,
        }
    }
}
