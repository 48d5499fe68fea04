//! The progenitor step: typify types and a builder-style client from the 3.0.3 view.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::error::Error;

/// Runs progenitor on the normalized document and returns the module body of `raw.rs`.
///
/// `secrets` are the `(model, field)` pairs the IR marks as credentials: in progenitor's types
/// they become `SecretString` too.
pub(crate) fn generate(
    file: &str,
    view: &Value,
    secrets: &BTreeSet<(String, String)>,
) -> Result<TokenStream, Error> {
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
    AlignTypesWithTheSdk {
        secrets,
        modules: Vec::new(),
    }
    .visit_file_mut(&mut file_ast);
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

/// Gives typify's types what the SDK's types promise: `#[non_exhaustive]` (a new optional field
/// is not a breaking change) and `SecretString` for credentials, in the types and in their
/// builders, so `raw` prints no key either.
struct AlignTypesWithTheSdk<'a> {
    secrets: &'a BTreeSet<(String, String)>,
    /// The modules the visitor is inside, such as `["types", "builder"]`.
    modules: Vec<String>,
}

impl AlignTypesWithTheSdk<'_> {
    fn is_secret(&self, model: &syn::Ident, field: &syn::Ident) -> bool {
        let field = field.to_string();
        let field = field.trim_start_matches("r#");
        self.secrets
            .iter()
            .any(|(m, f)| model == m && heck::ToSnakeCase::to_snake_case(f.as_str()) == field)
    }

    fn in_modules(&self, path: &[&str]) -> bool {
        self.modules
            .iter()
            .map(String::as_str)
            .eq(path.iter().copied())
    }
}

/// `String` → `crate::SecretString`, and `Option<String>` → `Option<crate::SecretString>`.
fn secret_type(ty: &mut syn::Type) {
    let text = quote::ToTokens::to_token_stream(&*ty).to_string();
    let replaced = match text.as_str() {
        ":: std :: string :: String" => quote::quote!(crate::SecretString),
        ":: std :: option :: Option < :: std :: string :: String >" => {
            quote::quote!(::std::option::Option<crate::SecretString>)
        }
        _ => return,
    };
    if let Ok(new) = syn::parse2(replaced) {
        *ty = new;
    }
}

/// The first type argument of a path type: `A` in `Result<A, B>` or `TryInto<A>`.
fn first_type_argument(arguments: &mut syn::PathArguments) -> Option<&mut syn::Type> {
    match arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter_mut().find_map(|a| match a {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

impl VisitMut for AlignTypesWithTheSdk<'_> {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        self.modules.push(module.ident.to_string());
        syn::visit_mut::visit_item_mod_mut(self, module);
        self.modules.pop();
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if self.in_modules(&["types"]) {
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            for field in item.fields.iter_mut() {
                if let Some(name) = &field.ident
                    && self.is_secret(&item.ident, name)
                {
                    secret_type(&mut field.ty);
                }
            }
        } else if self.in_modules(&["types", "builder"]) {
            // Builder fields are `Result<T, String>`: only `T` changes.
            for field in item.fields.iter_mut() {
                if let Some(name) = &field.ident
                    && self.is_secret(&item.ident, name)
                    && let syn::Type::Path(path) = &mut field.ty
                    && let Some(last) = path.path.segments.last_mut()
                    && let Some(inner) = first_type_argument(&mut last.arguments)
                {
                    secret_type(inner);
                }
            }
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        if self.in_modules(&["types"]) {
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        // The builder's setter of a secret field: `where T: TryInto<String>`.
        if !self.in_modules(&["types", "builder"]) || item.trait_.is_some() {
            return;
        }
        let syn::Type::Path(self_ty) = &*item.self_ty else {
            return;
        };
        let Some(model) = self_ty.path.get_ident().cloned() else {
            return;
        };
        for member in &mut item.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            if !self.is_secret(&model, &method.sig.ident) {
                continue;
            }
            let Some(clause) = &mut method.sig.generics.where_clause else {
                continue;
            };
            for predicate in &mut clause.predicates {
                let syn::WherePredicate::Type(predicate) = predicate else {
                    continue;
                };
                for bound in &mut predicate.bounds {
                    if let syn::TypeParamBound::Trait(bound) = bound
                        && let Some(last) = bound.path.segments.last_mut()
                        && last.ident == "TryInto"
                        && let Some(inner) = first_type_argument(&mut last.arguments)
                    {
                        secret_type(inner);
                    }
                }
            }
        }
    }
}
