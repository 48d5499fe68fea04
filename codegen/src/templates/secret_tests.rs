//! `tests/no_secret_in_output/operations.rs`: for every operation, a test that answers each declared
//! status (and a decode failure, an undeclared status, a refused connection) with bodies full
//! of secrets, and checks every output form. Made from the IR, so a new operation, status or
//! model is covered without writing a test by hand.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use super::operations::{Input, InputKind, inputs, success, variant_name};
use super::types::{example_literal, ident};
use crate::ir::{Api, Group, ModelKind, Operation, Type};

/// What the strings of a sample body hold.
#[derive(Clone, Copy, PartialEq)]
enum Fill {
    /// Secret fields hold the key; other strings are plain text.
    Success,
    /// Secret fields hold the other secret; every other string quotes the key, as an error
    /// message might.
    Error,
}

/// Nesting beyond this leaves optional fields out, so recursive models stay finite.
const MAX_DEPTH: usize = 4;

/// A JSON value of type `ty`.
fn sample(api: &Api, ty: &Type, secret: bool, fill: Fill, depth: usize) -> Value {
    // A model that requires itself has no finite value; stop (the case then fails to decode,
    // which the test expects to be kept as an error without a secret).
    if depth > 4 * MAX_DEPTH {
        return Value::Null;
    }
    match ty {
        Type::String if secret => match fill {
            Fill::Success => json!("{KEY}"),
            Fill::Error => json!("{OTHER}"),
        },
        Type::String | Type::Any | Type::Bytes | Type::File => match fill {
            Fill::Success => json!("plain text"),
            Fill::Error => json!("rejected {KEY} here"),
        },
        Type::DateTime => json!("2025-08-24T10:30:00Z"),
        Type::Uuid => json!("00000000-0000-0000-0000-000000000000"),
        Type::Integer => json!(1),
        Type::Number => json!(1.5),
        Type::Boolean => json!(true),
        Type::Array(inner) => json!([sample(api, inner, false, fill, depth + 1)]),
        Type::Boxed(inner) => sample(api, inner, secret, fill, depth + 1),
        Type::Map(inner) => json!({ "entry": sample(api, inner, false, fill, depth + 1) }),
        Type::Named(name) => match api.models.get(name).map(|m| &m.kind) {
            Some(ModelKind::Struct(fields)) => {
                let mut object = Map::new();
                for field in fields {
                    if field.required || depth < MAX_DEPTH {
                        let value = sample(api, &field.ty, field.secret, fill, depth + 1);
                        object.insert(field.wire_name.clone(), value);
                    }
                }
                Value::Object(object)
            }
            Some(ModelKind::Enum(values)) => json!(values.first().cloned().unwrap_or_default()),
            Some(ModelKind::Const(value)) => value.clone(),
            Some(ModelKind::Union(union)) => match union.variants.first() {
                Some(variant) => sample(api, &variant.ty, false, fill, depth + 1),
                None => Value::Null,
            },
            None => Value::Null,
        },
    }
}

/// The sample with every number and boolean replaced by a secret string: it cannot decode,
/// and the decode error must not quote what it found.
fn undecodable(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), undecodable(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(undecodable).collect()),
        // Key-shaped: a body printed in `Debug` hides it even outside a secret field.
        Value::Number(_) | Value::Bool(_) => json!("{KEY}"),
        other => other.clone(),
    }
}

/// Whether decoding `value` as `ty` fails in the generated crate, for a value made by
/// [`undecodable`], which only turns numbers and booleans into text: a union keeps any value as
/// `Other`, an enum is open to any text, and `Value` takes anything.
fn fails(api: &Api, ty: &Type, value: &Value) -> bool {
    match ty {
        Type::Integer | Type::Number | Type::Boolean => value.is_string(),
        Type::Array(inner) => value
            .as_array()
            .is_some_and(|items| items.iter().any(|item| fails(api, inner, item))),
        Type::Map(inner) => value
            .as_object()
            .is_some_and(|entries| entries.values().any(|entry| fails(api, inner, entry))),
        Type::Boxed(inner) => fails(api, inner, value),
        Type::Named(name) => match api.models.get(name).map(|m| &m.kind) {
            Some(ModelKind::Struct(fields)) => value.as_object().is_some_and(|object| {
                fields.iter().any(|field| {
                    object
                        .get(&field.wire_name)
                        .is_some_and(|v| fails(api, &field.ty, v))
                })
            }),
            Some(ModelKind::Const(constant)) => {
                (constant.is_number() || constant.is_boolean()) && value.is_string()
            }
            Some(ModelKind::Enum(_) | ModelKind::Union(_)) | None => false,
        },
        _ => false,
    }
}

/// One `Case { .. }` literal.
fn case(status: u16, content_type: &str, body: &str, expect: &str) -> TokenStream {
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    quote! {
        Case {
            status: #status,
            content_type: #content_type,
            body: #body,
            expect: #expect,
        }
    }
}

/// A status a response key stands for: `404` → 404, `4XX` → 499, `default` → 599.
fn status_code(status: &str) -> u16 {
    if status == "default" {
        return 599;
    }
    status
        .parse()
        .unwrap_or_else(|_| u16::from(status.as_bytes()[0] - b'0') * 100 + 99)
}

fn cases(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let (_, ok) = success(api, op);
    let success_response = ok.iter().find(|r| r.body.is_some());
    let success_body = success_response.and_then(|r| r.body.as_ref());
    let ok_status = ok.first().map_or(200, |r| status_code(&r.status));
    // A text or binary body is the caller's data, taken as it comes.
    match success_response.map(|r| r.kind) {
        Some(crate::media::Kind::Text) => {
            out.push(case(ok_status, "text/plain", "plain text", "Ok"));
        }
        Some(crate::media::Kind::Json) | None => {}
        Some(_) => {
            out.push(case(
                ok_status,
                "application/octet-stream",
                "plain bytes",
                "Ok",
            ));
        }
    }
    match success_body {
        _ if success_response.is_some_and(|r| r.kind != crate::media::Kind::Json) => {}
        Some(ty) => {
            let body = sample(api, ty, false, Fill::Success, 0);
            out.push(case(ok_status, "application/json", &body.to_string(), "Ok"));
            let broken = undecodable(&sample(api, ty, false, Fill::Error, 0));
            if fails(api, ty, &broken) {
                out.push(case(
                    ok_status,
                    "application/json",
                    &broken.to_string(),
                    "Decode",
                ));
            }
            let structured = match ty {
                Type::Array(_) | Type::Map(_) => true,
                Type::Named(name) => {
                    matches!(
                        api.models.get(name).map(|m| &m.kind),
                        Some(ModelKind::Struct(_))
                    )
                }
                _ => false,
            };
            if structured {
                out.push(case(ok_status, "application/json", "\"{KEY}\"", "Decode"));
            }
        }
        None => out.push(case(ok_status, "application/json", "", "Ok")),
    }
    for response in op.responses.iter().filter(|r| r.is_error()) {
        if let Some(ty) = &response.body {
            let status = status_code(&response.status);
            let variant = variant_name(&response.status);
            let body = sample(api, ty, false, Fill::Error, 0).to_string();
            out.push(case(status, "application/json", &body, &variant));
        }
    }
    out
}

/// The statuses of the operation's declared errors, each also answered with a body that is
/// not the declared JSON (`undeclared_bodies` in the support module).
fn error_statuses(op: &Operation) -> Vec<u16> {
    op.responses
        .iter()
        .filter(|r| r.is_error())
        .map(|r| status_code(&r.status))
        .collect()
}

/// The call with every required argument, and every secret optional one set to `OTHER`.
fn call(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
    let all: Vec<Input<'_>> = inputs(api, op);
    let mut args = Vec::new();
    for input in all.iter().filter(|i| i.required) {
        args.push(argument(api, input)?);
    }
    let setters = all.iter().filter(|i| !i.required && i.secret).map(|i| {
        let name = ident(&i.name);
        quote!(.#name(OTHER))
    });
    let group = ident(&group.name);
    let method = ident(&op.name);
    Some(quote!(client.#group().#method(#(#args),*) #(#setters)*))
}

fn argument(api: &Api, input: &Input<'_>) -> Option<TokenStream> {
    if input.secret {
        return Some(quote!(OTHER));
    }
    let is_path =
        matches!(input.kind, InputKind::Param(p) if p.location == crate::ir::Location::Path);
    if is_path && input.ty == &Type::String {
        return Some(quote!("plain-text"));
    }
    example_literal(api, input.ty, input.example)?.parse().ok()
}

/// The test file, or `None` when no operation can be called (then there is nothing to test).
pub(crate) fn secret_tests_rs(api: &Api) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = api.groups.iter().flat_map(|group| {
        group.operations.iter().filter_map(move |op| {
            let call = call(api, group, op)?;
            let cases = cases(api, op);
            let test = format_ident!("{}_{}", group.name.trim_start_matches("r#"), op.name.trim_start_matches("r#"));
            let operation = format!("{} {}", op.method, op.path);
            let statuses = error_statuses(op).into_iter().map(proc_macro2::Literal::u16_unsuffixed);
            // Any status is declared when `default` is.
            let undeclared = (!op.responses.iter().any(|r| r.status == "default"))
                .then(|| quote!(cases.extend(undeclared_statuses());));
            Some(quote! {
                #[tokio::test]
                async fn #test() {
                    let mut cases = Vec::from([#(#cases),*]);
                    cases.extend(undeclared_bodies(&[#(#statuses),*]));
                    #undeclared
                    check_operation(#operation, &cases, |client| async move { #call.await }).await;
                    let client = request_client();
                    let request = #call;
                    check_debug(concat!(#operation, ": the request"), &request);
                }
            })
        })
    }).collect();
    if tests.is_empty() {
        return None;
    }
    let operations = || api.groups.iter().flat_map(|g| &g.operations);
    let mut imports = vec![
        quote!(Case),
        quote!(check_debug),
        quote!(check_operation),
        quote!(request_client),
        quote!(undeclared_bodies),
    ];
    // `OTHER` is passed to secret inputs; a document may have none.
    if operations().any(|op| inputs(api, op).iter().any(|i| i.secret)) {
        imports.insert(1, quote!(OTHER));
    }
    // The undeclared-status cases, unless every operation declares `default`.
    if operations().any(|op| !op.responses.iter().any(|r| r.status == "default")) {
        imports.push(quote!(undeclared_statuses));
    }
    Some(quote! {
        //! A test per operation: its cases, its call, and its request's `Debug`.

        use super::secret_support::{#(#imports),*};

        #(#tests)*
    })
}
