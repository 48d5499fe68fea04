//! The project's own templates: what progenitor does not make.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// The crate manifest. Versions are pinned by the workspace's Cargo.lock.
pub(crate) fn cargo_toml(api: &Api) -> String {
    let _ = api;
    r#"[package]
name = "openrouter"
version = "0.1.0"
description = "Client for OpenRouter's OAuth and API-key endpoints."
edition = "2024"
rust-version = "1.88"
license = "MIT"
publish = false

[features]
default = ["rustls"]
# TLS backends for https: rustls by default, or the platform's native TLS.
rustls = ["reqwest/rustls"]
native-tls = ["reqwest/native-tls"]

[dependencies]
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
progenitor-client = "0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
uuid = { version = "1", default-features = false, features = ["serde"] }
"#
    .to_owned()
}

/// The crate's README.
pub(crate) fn readme(api: &Api) -> String {
    let mut out = format!(
        "# openrouter\n\nA Rust client for the {} ({} version {}).\n\n## Operations\n\n",
        api.title, "document", api.version
    );
    out.push_str("| group | method | HTTP |\n|---|---|---|\n");
    for group in &api.groups {
        for op in &group.operations {
            out.push_str(&format!(
                "| `{}` | `{}` | `{} {}` |\n",
                group.name, op.name, op.method, op.path
            ));
        }
    }
    out
}

/// The crate root.
pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let title = format!(" A client for the {}.", api.title);
    quote! {
        #![doc = #title]
        #![deny(missing_docs)]

        /// progenitor's client: one builder per operation, typify types in [`raw::types`].
        #[allow(missing_docs)]
        #[rustfmt::skip]
        pub mod raw;
    }
}
