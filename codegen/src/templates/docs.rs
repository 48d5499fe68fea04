//! The words: rustdoc for every emitted item, and the generated crate's README.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{Input, InputKind, inputs, op_type, success, variant_name};
use super::types::example_literal;
use crate::ir::{Api, Field, Group, Location, ModelKind, Operation, Type};

/// `#[doc = "..."]` attributes, one per line (rustdoc joins them). Only the templates' own
/// `no_run` examples stay code; any other code block is text (see [`crate::markdown`]).
pub(crate) fn lines(text: &str) -> TokenStream {
    let text = crate::markdown::inert(text, &["no_run"]);
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = "..."]` attributes: the documentation of the module they open.
pub(crate) fn inner_lines(text: &str) -> TokenStream {
    let text = crate::markdown::inert(text, &["no_run"]);
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote!(#(#![doc = #lines])*)
}

/// A type as a reader of the reference tables says it.
fn type_label(api: &Api, ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::DateTime => "date-time".into(),
        Type::Uuid => "uuid".into(),
        Type::Integer => "integer".into(),
        Type::Number => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Any => "any JSON".into(),
        Type::Bytes => "bytes".into(),
        Type::File => "file ([`FilePart`](crate::FilePart))".into(),
        Type::Array(inner) => format!("list of {}", type_label(api, inner)),
        Type::Boxed(inner) => type_label(api, inner),
        Type::Map(_) => "object".into(),
        Type::Named(name) => match api.models.get(name).map(|m| &m.kind) {
            Some(ModelKind::Const(value)) => format!("always `{value}`"),
            Some(ModelKind::Enum(values)) => {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| format!("`{}`", v.escape_debug()))
                    .collect();
                format!("[`{name}`](crate::models::{name}): {}", values.join(", "))
            }
            _ => format!("[`{name}`](crate::models::{name})"),
        },
    }
}

/// Table cells hold one line without pipes.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

const THREE_STATES: &str = "Optional and nullable: leave it unset to omit the field, pass `None` \
(or `Nullable::Null`) to send `null`, or pass a value.";

pub(crate) fn field_doc(api: &Api, field: &Field, in_request: bool) -> String {
    let mut out = field
        .description
        .clone()
        .unwrap_or_else(|| format!("`{}`.", field.wire_name.escape_debug()));
    if let Type::Named(name) = &field.ty
        && let Some(ModelKind::Const(value)) = api.models.get(name).map(|m| &m.kind)
    {
        out.push_str(&format!("\n\nAlways `{value}`."));
    }
    if !field.constraints.is_empty() {
        out.push_str(&format!(
            "\n\nConstraints: {}.",
            field.constraints.join(", ")
        ));
    }
    if in_request && !field.required && field.nullable {
        out.push_str(&format!("\n\n{THREE_STATES}"));
    }
    if field.secret {
        out.push_str("\n\nA credential: `Debug` and `Display` print `[redacted]`.");
    }
    if field.deprecated {
        out.push_str("\n\nDeprecated by the API.");
    }
    out
}

pub(crate) fn setter_doc(input: &Input<'_>) -> String {
    let mut out = input
        .description
        .map(str::to_owned)
        .unwrap_or_else(|| format!("`{}`.", input.name));
    match input.kind {
        InputKind::Param(p) if p.location == Location::Header => {
            out.push_str(&format!(
                "\n\nSent as the `{}` header; overrides the client's value for this call.",
                p.wire_name
            ));
        }
        InputKind::Param(p) if p.location == Location::Query => {
            out.push_str(&format!(
                "\n\nSent as the `{}` query parameter.",
                p.wire_name
            ));
        }
        InputKind::BodyField(f) if !f.constraints.is_empty() => {
            out.push_str(&format!("\n\nConstraints: {}.", f.constraints.join(", ")));
        }
        _ => {}
    }
    if input.three_state {
        out.push_str(&format!("\n\n{THREE_STATES}"));
    }
    out
}

pub(crate) fn group_doc(group: &Group) -> String {
    let mut out = format!("The `{}` operations.", group.tag);
    if let Some(description) = &group.description {
        out.push_str(&format!(" {description}"));
    }
    out.push_str("\n\n| Method | HTTP |\n|---|---|\n");
    for op in &group.operations {
        let target = format!(
            "crate::{}::{}::{}",
            group.name,
            crate::names::camel(&group.name),
            op.name
        );
        out.push_str(&format!(
            "| {} | `{} {}` |\n",
            link(&op.name, &target),
            op.method,
            op.path
        ));
    }
    out
}

/// `` [`text`](target) ``, or plain `` `text` `` when the target has a raw identifier: rustdoc
/// reads the `#` of `r#fn` as the start of a fragment.
pub(crate) fn link(text: &str, target: &str) -> String {
    if target.contains("r#") {
        format!("`{text}`")
    } else {
        format!("[`{text}`]({target})")
    }
}

/// The example call of an operation: required arguments, then up to two optional setters.
pub(crate) fn example_call(api: &Api, group: &Group, op: &Operation) -> String {
    let all = inputs(api, op);
    let required: Vec<String> = all
        .iter()
        .filter(|i| i.required)
        // A value with no literal form (a struct or union) is the caller's to build.
        .map(|i| {
            example_literal(api, i.ty, i.example).unwrap_or_else(|| {
                let ty = super::types::rust_type(api, i.ty, i.secret).to_string();
                let ty = ty.replace(' ', "").replace("crate::", "openrouter::");
                format!("{{ let value: {ty} = todo!(); value }}")
            })
        })
        .collect();
    let mut call = format!(
        "let response = client\n    .{}()\n    .{}({})\n",
        group.name,
        op.name,
        required.join(", ")
    );
    let optional = all
        .iter()
        .filter(|i| {
            !i.required
                && matches!(
                    i.kind,
                    InputKind::BodyField(_)
                        | InputKind::WholeBody
                        | InputKind::Param(crate::ir::Param {
                            location: Location::Query,
                            ..
                        })
                )
        })
        .filter(|i| !matches!(i.kind, InputKind::BodyField(f) if f.deprecated))
        .filter_map(|i| Some((i, example_literal(api, i.ty, i.example)?)))
        .take(2);
    for (input, literal) in optional {
        call.push_str(&format!("    .{}({literal})\n", input.name));
    }
    call.push_str("    .await?;\n");
    call
}

pub(crate) fn operation_doc(api: &Api, group: &Group, op: &Operation) -> String {
    let error = format!("{}Error", op_type(op));
    let mut out = String::new();
    out.push_str(op.summary.as_deref().unwrap_or(&op.name));
    out.push_str(&format!("\n\n`{} {}`", op.method, op.path));
    if let Some(description) = &op.description {
        out.push_str(&format!(": {description}"));
    }
    out.push_str("\n\n# Example\n\n```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str("let client = openrouter::OpenRouter::from_env()?;\n");
    out.push_str(&example_call(api, group, op));
    out.push_str(
        "println!(\"{} {:?}\", response.status(), response.body());\n# Ok(())\n# }\n```\n",
    );

    let all = inputs(api, op);
    if !all.is_empty() {
        out.push_str("\n# Parameters\n\n| Name | In | Type | Required | Description |\n|---|---|---|---|---|\n");
        for input in &all {
            let place = match input.kind {
                InputKind::Param(p) => match p.location {
                    Location::Path => "path".to_owned(),
                    Location::Query => "query".to_owned(),
                    Location::Header => format!("header `{}`", p.wire_name),
                },
                InputKind::BodyField(_) | InputKind::WholeBody => "body".to_owned(),
            };
            let required = if input.required {
                "yes".to_owned()
            } else if input.three_state {
                "no, nullable".to_owned()
            } else {
                "no".to_owned()
            };
            out.push_str(&format!(
                "| `{}` | {place} | {} | {required} | {} |\n",
                input.name,
                type_label(api, input.ty),
                cell(input.description.unwrap_or(""))
            ));
        }
    }

    out.push_str("\n# Retries\n\n");
    out.push_str(if op.idempotent {
        "Idempotent: repeating it cannot change the result, so every retryable failure \
(connection, timeout, 408, 429, 5xx) is retried under the [`RetryPolicy`](crate::RetryPolicy).\n"
    } else {
        "Not idempotent: it is retried only when the request cannot have been acted on (no \
connection, 429, or 503 with `Retry-After`), never after a timeout, a cut-short response or \
another 5xx. [`RetryPolicy::retry_non_idempotent`](crate::RetryPolicy::retry_non_idempotent) \
opts in.\n"
    });

    let (_, ok) = success(api, op);
    out.push_str("\n# Response\n\n");
    for response in ok {
        let body = response
            .body
            .as_ref()
            .map_or("no body".to_owned(), |ty| type_label(api, ty));
        out.push_str(&format!(
            "- `{}`: {} ({body}), as a [`crate::Response`] with status and headers.\n",
            response.status,
            cell(&response.description)
        ));
    }

    out.push_str(&format!("\n# Errors\n\nEach failure is a variant of [`{error}`].\n\n| Status | Variant | Meaning |\n|---|---|---|\n"));
    for response in op.responses.iter().filter(|r| r.is_error()) {
        let variant = variant_name(&response.status);
        out.push_str(&format!(
            "| {} | [`{variant}`]({error}::{variant}) | {} |\n",
            response.status,
            cell(&response.description)
        ));
    }
    out.push_str(&format!("| any other | [`Unexpected`]({error}::Unexpected) | An undeclared status or a body that is not the declared JSON |\n"));
    out.push_str(&format!(
        "| success | [`Decode`]({error}::Decode) | The body does not match the document |\n"
    ));
    out.push_str(&format!("| none | [`Timeout`]({error}::Timeout), [`Transport`]({error}::Transport), [`TooLarge`]({error}::TooLarge), [`InvalidRequest`]({error}::InvalidRequest) | No complete response |\n"));
    out
}

/// The crate root's documentation: a quick start and where to go next.
pub(crate) fn crate_doc(api: &Api) -> String {
    let mut out = format!("A client for the {}: ", crate::markdown::inline(&api.title));
    let groups: Vec<String> = api
        .groups
        .iter()
        .map(|g| link(&format!("{}()", g.name), &format!("OpenRouter::{}", g.name)))
        .collect();
    out.push_str(&groups.join(" and "));
    out.push_str(".\n\n# Quick start\n\n");
    out.push_str(&quick_start(api));
    out.push_str("- Every operation returns a [`Response`] (status, headers, typed body) or its own error type, \
with a variant per status the API declares for it.\n");
    out.push_str("- Optional nullable fields take [`Nullable`]: leave unset, send `null`, or send a value.\n");
    out.push_str(
        "- Enums in [`models`] are open: unknown values are kept, never a decode failure.\n",
    );
    out.push_str("- Keys are [`SecretString`]s: `Debug` and `Display` never print them.\n");
    out.push_str("- Every operation's error converts into [`Error`], so `?` works across calls.\n");
    if api.has_raw_module() {
        out.push_str("- With the `raw` feature, `raw` is progenitor's lower-level client for the same operations.\n");
    }
    out
}

/// Two calls under one error type with `?`, then a match on one operation's own error.
fn quick_start(api: &Api) -> String {
    let ops: Vec<(&Group, &Operation)> = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .collect();
    let mut out = String::from("```no_run\nuse openrouter::OpenRouter;\n\n");
    out.push_str("// Every operation's error converts into `openrouter::Error`, so `?` works across calls.\n");
    out.push_str("async fn two_calls(client: &OpenRouter) -> Result<(), openrouter::Error> {\n");
    for (group, op) in ops.iter().take(2) {
        for line in example_call(api, group, op).lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out.push_str("    println!(\"{:?}\", response.body());\n");
    }
    out.push_str(
        "    Ok(())\n}\n\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    out.push_str("// The API key comes from OPENROUTER_API_KEY.\nlet client = OpenRouter::from_env()?;\ntwo_calls(&client).await?;\n");
    let declared = ops.iter().find_map(|(g, op)| {
        let response = op.responses.iter().find(|r| r.is_error())?;
        Some((*g, *op, variant_name(&response.status)))
    });
    if let Some((group, op, variant)) = declared {
        let call = example_call(api, group, op);
        let expr = call
            .trim_start_matches("let response = ")
            .trim_end()
            .trim_end_matches("?;");
        out.push_str(
            "\n// Or match the operation's own error: a variant per status it declares.\nmatch ",
        );
        out.push_str(expr);
        out.push_str(&format!(
            " {{\n    Ok(response) => println!(\"{{:?}}\", response.body()),\n    Err(openrouter::{}::{}Error::{variant}(e)) => println!(\"declared error {{}}\", e.status()),\n    Err(other) => return Err(other.into()),\n}}\n",
            group.name,
            op_type(op)
        ));
    }
    out.push_str("# Ok(())\n# }\n```\n\n");
    out
}

/// `generated/README.md`. Its examples are compiled as doctests of the crate.
pub(crate) fn readme(api: &Api) -> String {
    let mut out = format!(
        "# openrouter\n\nA Rust client for the {} (document version {}).\n\n",
        api.title, api.version
    );
    out.push_str("## Operations\n\n| Group | Method | HTTP | Summary |\n|---|---|---|---|\n");
    for group in &api.groups {
        for op in &group.operations {
            out.push_str(&format!(
                "| `{}()` | `{}` | `{} {}` | {} |\n",
                group.name,
                op.name,
                op.method,
                op.path,
                cell(op.summary.as_deref().unwrap_or(""))
            ));
        }
    }
    if !api.skipped.is_empty() {
        out.push_str("\n## Left out\n\nThese operations could not be generated:\n\n| Operation | Where | Why |\n|---|---|---|\n");
        for skipped in &api.skipped {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                cell(&skipped.operation),
                cell(&skipped.pointer),
                cell(&skipped.reason)
            ));
        }
    }
    if let Some(reason) = &api.raw_left_out {
        out.push_str(&format!(
            "\nThere is no `raw` feature: progenitor could not generate its client ({}).\n",
            cell(reason)
        ));
    }
    out.push_str("\n## Common calls\n\n```rust,no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str("// The API key comes from OPENROUTER_API_KEY; without it no Authorization header is sent.\n");
    out.push_str("let client = openrouter::OpenRouter::from_env()?;\n");
    for group in &api.groups {
        for op in &group.operations {
            // A comment is one line, whatever the summary's line breaks.
            let summary = op.summary.as_deref().unwrap_or(&op.name);
            let summary: Vec<&str> = summary.split_whitespace().collect();
            out.push_str(&format!("\n// {}\n{{\n", summary.join(" ")));
            for line in example_call(api, group, op).lines() {
                out.push_str(&format!("    {line}\n"));
            }
            out.push_str("    println!(\"{} {:?}\", response.status(), response.body());\n}\n");
        }
    }
    out.push_str("# Ok(())\n# }\n```\n\n## Behaviour\n\n");
    let globals: Vec<&crate::ir::Param> = global_params(api);
    if !globals.is_empty() {
        let names: Vec<String> = globals
            .iter()
            .map(|p| format!("`{}` (`{}`)", p.wire_name, p.name))
            .collect();
        out.push_str(&format!(
            "- {} can be set on the client builder and on each call; the call's value wins.\n",
            names.join(", ")
        ));
    }
    out.push_str(
        "- Optional nullable body fields have three states: leave the setter uncalled to omit the field, \
pass `Nullable::Null` to send `null`, or pass a value.\n\
- Enums are open: an unknown value is kept as `Unknown(String)`, and any string can be sent.\n\
- Path parameters are percent-encoded, so a value can never reach another endpoint.\n\
- Each operation has its own error enum: a variant per declared status with `code`, `message`, \
`metadata`, status, headers and raw body; `Unexpected` for anything undeclared; `Decode`, \
`Timeout`, `Transport`, `TooLarge` and `InvalidRequest` for the rest. `Display` is one line. \
Every operation's error converts into `openrouter::Error`, so `?` works across calls.\n\
- Retries never repeat a side effect: idempotent operations retry connection failures, \
timeouts, 408, 429 and 5xx; the others only what cannot have been acted on (no connection, \
429, 503 with `Retry-After`). Every attempt has a timeout and every call a deadline.\n\
- Secrets never print: keys are `SecretString`s (`Debug` and `Display` print `[redacted]`), \
bodies kept by errors print with secret values replaced, and decode errors never quote a value.\n",
    );
    out.push_str(&features(api));
    out
}

/// The crate's features, as its manifest declares them ([`super::cargo_toml`]).
fn features(api: &Api) -> String {
    let mut out = String::from(
        "\n## Features\n\n| Feature | Default | What it adds |\n|---|---|---|\n\
| `rustls` | yes | TLS through rustls with the ring provider (no cmake) |\n\
| `native-tls` | | The platform's TLS instead (with `default-features = false`) |\n",
    );
    if super::has_openrouter_sign_in(api) {
        out.push_str("| `login` | yes | `login::LoopbackLogin`, the one-call browser sign-in on a loopback listener |\n");
    }
    out.push_str("| `gzip` | | Accepts gzip-compressed responses |\n");
    out.push_str("| `tracing` | | A span per call and an event per attempt, through `tracing` |\n");
    if api.has_raw_module() {
        out.push_str(
            "| `raw` | | progenitor's client for the same operations, as `openrouter::raw` |\n",
        );
    }
    out
}

/// Parameters the document marks as client-wide, once each, in first-seen order.
pub(crate) fn global_params(api: &Api) -> Vec<&crate::ir::Param> {
    let mut out: Vec<&crate::ir::Param> = Vec::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for param in op.params.iter().filter(|p| p.global) {
            if !out.iter().any(|p| p.wire_name == param.wire_name) {
                out.push(param);
            }
        }
    }
    out
}
