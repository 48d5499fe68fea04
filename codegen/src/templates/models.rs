//! `src/models.rs`: every named type of the document, with open enums, three-state request
//! fields and redacted secrets.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::{
    ident, is_three_state, rename, request_models, response_models, rust_type, type_ident,
};
use crate::ir::{Api, Field, Model, ModelKind, Type, Union};

pub(crate) fn models_rs(api: &Api) -> TokenStream {
    let requests = request_models(api);
    let responses = response_models(api);
    let error_bodies = error_body_models(api);
    let items = api.models.values().map(|model| {
        let in_request = requests.contains(&model.name);
        let in_response = responses.contains(&model.name);
        match &model.kind {
            ModelKind::Struct(fields) => {
                let item = struct_item(api, model, fields, in_request, in_response);
                let error_body = error_bodies
                    .contains(&model.name)
                    .then(|| error_body_impl(api, model, fields));
                quote!(#item #error_body)
            }
            ModelKind::Enum(values) => {
                let item = enum_item(model, values);
                let error_body = error_bodies
                    .contains(&model.name)
                    .then(|| shapeless_error_body_impl(model));
                quote!(#item #error_body)
            }
            ModelKind::Union(union) => {
                let item = union_item(api, model, union, in_response);
                let error_body = error_bodies
                    .contains(&model.name)
                    .then(|| shapeless_error_body_impl(model));
                quote!(#item #error_body)
            }
            // Carried as their JSON type by the fields that use them.
            ModelKind::Const(_) => quote!(),
        }
    });
    quote! {
        //! The types of request and response bodies.
        //!
        //! Response types accept fields they do not know, and enums keep values they do not know
        //! (`Unknown`), so a newer API does not break an older client.
        #(#items)*
    }
}

fn struct_item(
    api: &Api,
    model: &Model,
    fields: &[Field],
    in_request: bool,
    in_response: bool,
) -> TokenStream {
    let doc = docs::lines(model.description.as_deref().unwrap_or(&model.name));
    let name = type_ident(&model.name);
    // A multipart body with file parts is never JSON: it is sent part by part.
    let files = fields
        .iter()
        .any(|f| matches!(&f.ty, Type::File) || f.ty == Type::Array(Box::new(Type::File)));
    let serialize = (!files).then(|| quote!(, serde::Serialize));
    let deserialize = (in_response && !files).then(|| quote!(, serde::Deserialize));
    let field_items = fields.iter().map(|field| {
        let name = ident(&field.name);
        let inner = rust_type(api, &field.ty, field.secret);
        let mut serde = Vec::new();
        if let Some(wire) = rename(&field.name, &field.wire_name) {
            serde.push(quote!(rename = #wire));
        }
        let ty = if in_request && is_three_state(field) {
            serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
            quote!(Option<crate::Nullable<#inner>>)
        } else if !field.required {
            serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
            quote!(Option<#inner>)
        } else if field.nullable {
            quote!(Option<#inner>)
        } else {
            inner
        };
        let serde = (!serde.is_empty() && !files).then(|| quote!(#[serde(#(#serde),*)]));
        let doc = docs::lines(&docs::field_doc(api, field, in_request));
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    });
    // `#[non_exhaustive]` forbids struct literals outside the crate, so a type the caller
    // sends gets a constructor from its required fields (or `Default` when it has none).
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let default = (in_request && required.is_empty()).then(|| quote!(, Default));
    let constructor = (in_request && !required.is_empty()).then(|| {
        let args = required.iter().map(|f| {
            let name = ident(&f.name);
            let inner = rust_type(api, &f.ty, f.secret);
            if f.nullable {
                quote!(#name: Option<#inner>)
            } else {
                quote!(#name: impl Into<#inner>)
            }
        });
        let inits = fields.iter().map(|f| {
            let name = ident(&f.name);
            match (f.required, f.nullable) {
                (true, false) => quote!(#name: #name.into(),),
                (true, true) => quote!(#name,),
                (false, _) => quote!(#name: None,),
            }
        });
        let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let doc = format!(
            " A `{}` from its required fields; the optional ones start as `None`.",
            model.name
        );
        quote! {
            impl #name {
                #[doc = #doc]
                #many
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits)* }
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #default #serialize #deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_items)*
        }

        #constructor
    }
}

fn enum_item(model: &Model, values: &[String]) -> TokenStream {
    let doc = docs::lines(model.description.as_deref().unwrap_or(&model.name));
    let name = type_ident(&model.name);
    let variants: Vec<_> = crate::names::variants(values)
        .iter()
        .map(|v| ident(v))
        .collect();
    let variant_docs = values.iter().map(|v| format!(" `{}`", v.escape_debug()));
    // An enum of no string value (`enum: [null]`) has nothing to match.
    let from_str_body = if values.is_empty() {
        quote!(Self::Unknown(value.to_owned()))
    } else {
        quote! {
            match value {
                #(#values => Self::#variants,)*
                other => Self::Unknown(other.to_owned()),
            }
        }
    };
    quote! {
        #doc
        ///
        /// Open: a value this version does not know is kept in `Unknown`, and any string can be
        /// sent with `From<&str>`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value this version of the crate does not know.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_str_body
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl From<&str> for crate::Nullable<#name> {
            fn from(value: &str) -> Self {
                crate::Nullable::Value(#name::from(value))
            }
        }

        impl From<String> for crate::Nullable<#name> {
            fn from(value: String) -> Self {
                crate::Nullable::Value(#name::from(value))
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A union: serialized as the variant's own value; read by its tag when it has one, else as the
/// first variant that fits, and as `Other` when none does, so a new shape never fails a response.
fn union_item(api: &Api, model: &Model, union: &Union, in_response: bool) -> TokenStream {
    let doc = docs::lines(model.description.as_deref().unwrap_or(&model.name));
    let name = type_ident(&model.name);
    let variants: Vec<_> = union.variants.iter().map(|v| type_ident(&v.name)).collect();
    let types: Vec<_> = union
        .variants
        .iter()
        .map(|v| rust_type(api, &v.ty, false))
        .collect();
    let variant_docs = union.variants.iter().map(|v| match &v.tag_value {
        Some(tag) => format!(
            " `{}`: `{}`",
            union.tag.as_deref().unwrap_or_default(),
            tag.escape_debug()
        ),
        None => format!(" {}", v.name),
    });
    let guards = union
        .variants
        .iter()
        .map(|v| match (&union.tag, &v.tag_value) {
            (Some(tag), Some(value)) => {
                quote!(value.get(#tag).and_then(serde_json::Value::as_str) == Some(#value))
            }
            _ => quote!(true),
        });
    let deserialize = in_response.then(|| {
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    #(
                        if #guards
                            && let Ok(variant) = <#types as serde::Deserialize>::deserialize(&value)
                        {
                            return Ok(Self::#variants(variant));
                        }
                    )*
                    Ok(Self::Other(value))
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        // Variants hold their values inline, as the document shapes them.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants(#types),)*
            /// A value of a shape this version of the crate does not know.
            Other(serde_json::Value),
        }

        #deserialize

        // Parameters are sent as text: a string variant as itself, any other as JSON.
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match serde_json::to_value(self).map_err(|_| std::fmt::Error)? {
                    serde_json::Value::String(text) => f.write_str(&text),
                    other => write!(f, "{other}"),
                }
            }
        }
    }
}

/// Models used as the body of an error response.
fn error_body_models(api: &Api) -> std::collections::BTreeSet<String> {
    api.groups
        .iter()
        .flat_map(|g| &g.operations)
        .flat_map(|op| &op.responses)
        .filter(|r| r.is_error())
        .filter_map(|r| match &r.body {
            Some(Type::Named(name)) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// An error body that is an enum or a union has no `error` object to read.
fn shapeless_error_body_impl(model: &Model) -> TokenStream {
    let name = type_ident(&model.name);
    quote! {
        impl crate::ErrorBody for #name {
            fn code(&self) -> Option<i64> {
                None
            }

            fn message(&self) -> Option<&str> {
                None
            }

            fn metadata(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
                None
            }
        }
    }
}

/// OpenRouter's error bodies are `{error: {code, message, metadata}}`; a body of that shape
/// answers `code()`, `message()` and `metadata()`, any other body answers `None`.
fn error_body_impl(api: &Api, model: &Model, fields: &[Field]) -> TokenStream {
    let name = type_ident(&model.name);
    let detail = fields
        .iter()
        .find(|f| f.wire_name == "error" && f.required)
        .and_then(|f| match &f.ty {
            Type::Named(detail) => match &api.models.get(detail)?.kind {
                ModelKind::Struct(inner) => Some((ident(&f.name), inner)),
                _ => None,
            },
            _ => None,
        });
    let inner_fields = detail.as_ref().map(|(_, inner)| *inner);
    let find = |wire: &str, ty: Type| {
        inner_fields
            .and_then(|inner| inner.iter().find(|f| f.wire_name == wire && f.ty == ty))
            .map(|f| (ident(&f.name), f))
    };
    let error = detail.as_ref().map(|(name, _)| name);
    let code = match find("code", Type::Integer) {
        Some((field, f)) if f.required && !f.nullable => quote!(Some(self.#error.#field)),
        Some((field, _)) => quote!(self.#error.#field),
        None => quote!(None),
    };
    let message = match find("message", Type::String) {
        Some((field, f)) if f.required && !f.nullable => quote!(Some(&self.#error.#field)),
        Some((field, _)) => quote!(self.#error.#field.as_deref()),
        None => quote!(None),
    };
    let metadata = match find("metadata", Type::Map(Box::new(Type::Any))) {
        Some((field, f)) if f.required && !f.nullable => quote!(Some(&self.#error.#field)),
        Some((field, _)) => quote!(self.#error.#field.as_ref()),
        None => quote!(None),
    };
    quote! {
        impl crate::ErrorBody for #name {
            fn code(&self) -> Option<i64> {
                #code
            }

            fn message(&self) -> Option<&str> {
                #message
            }

            fn metadata(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
                #metadata
            }
        }
    }
}
