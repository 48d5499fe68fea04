//! The progenitor step: typify types and a builder-style client from the 3.0.3 view.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::error::Error;

/// Runs progenitor on the normalized document and returns the module body of `raw.rs`.
pub(crate) fn generate(file: &str, view: &Value) -> Result<TokenStream, Error> {
    let spec: OpenAPI = serde_path_to_error::deserialize(view).map_err(|e| {
        let pointer = format!("/{}", e.path().to_string().replace('.', "/"));
        Error::at(
            file,
            &pointer,
            format!("cannot be read as OpenAPI 3.0: {}", e.inner()),
        )
    })?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq");
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator.generate_tokens(&spec).map_err(|e| {
        Error::at(
            file,
            "/paths",
            format!("progenitor cannot generate a client: {e}"),
        )
    })?;
    let mut file_ast: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::at(
            file,
            "/",
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    TidyProgenitorOutput.visit_file_mut(&mut file_ast);
    Ok(quote::ToTokens::into_token_stream(file_ast))
}

/// Two edits to progenitor's output. It sends `api-version: <info.version>` on every request;
/// OpenRouter defines no such header, so the statement that appends it is removed. Its usage
/// snippets are marked `ignore`, which rustdoc counts as skipped tests; they become plain text.
struct TidyProgenitorOutput;

impl VisitMut for TidyProgenitorOutput {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut nv.value
            && text.value().contains("```ignore")
        {
            *text = syn::LitStr::new(&text.value().replace("```ignore", "```text"), text.span());
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| {
            let text = quote::ToTokens::to_token_stream(stmt).to_string();
            !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
        });
        syn::visit_mut::visit_block_mut(self, block);
    }
}
