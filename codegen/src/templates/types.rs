//! How IR types and names become Rust tokens.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::ir::{Api, Field, ModelKind, Type};
use crate::names;

/// An identifier, raw (`r#type`) when the IR name says so. The IR makes every name with
/// [`names`]; anything else is made into an identifier by the same rule rather than panic.
pub(crate) fn ident(name: &str) -> Ident {
    if !names::is_ident(name) {
        return ident(&names::snake(name));
    }
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The name a field has on the wire when it differs from its Rust name.
pub(crate) fn rename(field_name: &str, wire_name: &str) -> Option<String> {
    (field_name.trim_start_matches("r#") != wire_name).then(|| wire_name.to_owned())
}

/// A model's name, as the IR made it.
pub(crate) fn type_ident(name: &str) -> Ident {
    if names::is_ident(name) {
        ident(name)
    } else {
        ident(&names::camel(name))
    }
}

/// The Rust type of a value; `secret` strings become `SecretString`.
pub(crate) fn rust_type(api: &Api, ty: &Type, secret: bool) -> TokenStream {
    match ty {
        Type::String if secret => quote!(crate::SecretString),
        Type::String => quote!(String),
        // Kept as text: a malformed value from the server must not fail the whole response.
        Type::DateTime => quote!(crate::Timestamp),
        Type::Uuid => quote!(crate::UuidString),
        Type::Integer => quote!(i64),
        Type::Number => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::Any => quote!(serde_json::Value),
        Type::Bytes => quote!(bytes::Bytes),
        Type::File => quote!(crate::FilePart),
        Type::Array(inner) => {
            let inner = rust_type(api, inner, false);
            quote!(Vec<#inner>)
        }
        Type::Boxed(inner) => {
            let inner = rust_type(api, inner, secret);
            quote!(Box<#inner>)
        }
        Type::Map(inner) if **inner == Type::Any => {
            quote!(serde_json::Map<String, serde_json::Value>)
        }
        Type::Map(inner) => {
            let inner = rust_type(api, inner, false);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Type::Named(name) => match api.models.get(name).map(|m| &m.kind) {
            Some(ModelKind::Const(value)) => const_type(value),
            _ => {
                let ident = type_ident(name);
                quote!(crate::models::#ident)
            }
        },
    }
}

/// A `const` value is carried as its JSON type; the docs say which value it always has.
fn const_type(value: &Value) -> TokenStream {
    match value {
        Value::Bool(_) => quote!(bool),
        Value::Number(n) if n.is_i64() || n.is_u64() => quote!(i64),
        Value::Number(_) => quote!(f64),
        Value::String(_) => quote!(String),
        _ => quote!(serde_json::Value),
    }
}

/// Models reachable from `roots`, following struct fields, union variants, arrays and maps.
pub(crate) fn reachable<'a>(
    api: &Api,
    roots: impl IntoIterator<Item = &'a Type>,
) -> BTreeSet<String> {
    crate::ir::reachable_models(&api.models, roots)
}

/// Models that request bodies use: their optional nullable fields get three states.
pub(crate) fn request_models(api: &Api) -> BTreeSet<String> {
    let bodies = api
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter_map(|op| op.body.as_ref());
    reachable(api, bodies.map(|b| &b.ty))
}

/// Models that responses use: they are deserialized.
pub(crate) fn response_models(api: &Api) -> BTreeSet<String> {
    let bodies = api
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .flat_map(|op| &op.responses);
    reachable(api, bodies.filter_map(|r| r.body.as_ref()))
}

/// Whether a field in a request model has three states (absent, null, value).
pub(crate) fn is_three_state(field: &Field) -> bool {
    !field.required && field.nullable
}

/// A literal for docs, from the document's example or the type.
pub(crate) fn example_literal(api: &Api, ty: &Type, example: Option<&Value>) -> Option<String> {
    Some(match (ty, example) {
        (Type::String, Some(Value::String(s))) => format!("{s:?}"),
        (Type::String, _) => "\"example\"".to_owned(),
        (Type::DateTime | Type::Uuid, Some(Value::String(s))) => format!("{s:?}"),
        (Type::DateTime, _) => "\"2025-08-24T10:30:00Z\"".to_owned(),
        (Type::Uuid, _) => "\"00000000-0000-0000-0000-000000000000\"".to_owned(),
        (Type::Number, Some(Value::Number(n))) => {
            let f = n.as_f64()?;
            if f.fract() == 0.0 {
                format!("{f:.1}")
            } else {
                f.to_string()
            }
        }
        (Type::Number, _) => "1.0".to_owned(),
        (Type::Integer, Some(Value::Number(n))) => n.as_i64()?.to_string(),
        (Type::Integer, _) => "1".to_owned(),
        (Type::Boolean, Some(Value::Bool(b))) => b.to_string(),
        (Type::Boolean, _) => "true".to_owned(),
        (Type::Bytes, _) => "b\"example\".to_vec()".to_owned(),
        (Type::File, _) => {
            "openrouter::FilePart::new(b\"example\".to_vec()).file_name(\"example.txt\")".to_owned()
        }
        (Type::Named(name), example) => match &api.models.get(name)?.kind {
            ModelKind::Enum(values) => {
                let value = example
                    .and_then(Value::as_str)
                    .or(values.first().map(String::as_str))?;
                // Setters of open enums take any string.
                format!("{value:?}")
            }
            _ => return None,
        },
        _ => return None,
    })
}
