//! What progenitor and typify take for granted and panic on otherwise, checked on the 3.0.3
//! view first, so that the error names the operation or schema.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::Value;

use crate::error::{Error, join};
use crate::load::{METHODS, follow};

/// Checks the whole view; the first problem found is the error.
pub(crate) fn check(file: &str, view: &Value) -> Result<(), Error> {
    references(file, view, "")?;
    if let Some(schemas) = view
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            readable_schema(file, schema, &join("/components/schemas", name))?;
        }
    }
    let Some(paths) = view.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        for (i, param) in item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(schema) = param.get("schema") {
                let at = join(
                    &join(&join(&item_pointer, "parameters"), &i.to_string()),
                    "schema",
                );
                readable_schema(file, schema, &at)?;
            }
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = join(&item_pointer, method);
            operation_schemas(file, op, &pointer)?;
            responses(file, view, op, &pointer)?;
            query_params(file, view, item, op, &pointer)?;
            request_body(file, view, op, &pointer)?;
        }
    }
    Ok(())
}

/// Every schema the operation holds inline: parameters, request body, responses.
fn operation_schemas(file: &str, op: &Value, pointer: &str) -> Result<(), Error> {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, param) in params.enumerate() {
        if let Some(schema) = param.get("schema") {
            let at = join(
                &join(&join(pointer, "parameters"), &i.to_string()),
                "schema",
            );
            readable_schema(file, schema, &at)?;
        }
    }
    let mut holders = vec![(op.get("requestBody"), join(pointer, "requestBody"))];
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        holders.push((Some(response), join(&join(pointer, "responses"), status)));
    }
    for (holder, at) in holders {
        let content = holder
            .and_then(|h| h.get("content"))
            .and_then(Value::as_object);
        for (media, body) in content.into_iter().flatten() {
            if let Some(schema) = body.get("schema") {
                readable_schema(
                    file,
                    schema,
                    &join(&join(&join(&at, "content"), media), "schema"),
                )?;
            }
        }
    }
    Ok(())
}

/// openapiv3 reads a schema by trying one form after another at every level, so a mistake deep
/// inside a nested schema costs time exponential in its depth. Reading each subschema before its
/// parent finds the mistake at once, and names the subschema.
fn readable_schema(file: &str, schema: &Value, pointer: &str) -> Result<(), Error> {
    if let Some(map) = schema.as_object() {
        // typify merges such properties into every variant, and recurses without end when
        // they refer back to the schema.
        if map.contains_key("properties")
            && (map.contains_key("oneOf") || map.contains_key("anyOf"))
        {
            return Err(Error::at(
                file,
                pointer,
                "progenitor cannot take `properties` beside `oneOf`/`anyOf`",
            ));
        }
        for (key, value) in map {
            let here = join(pointer, key);
            match key.as_str() {
                "properties" => {
                    for (name, prop) in value.as_object().into_iter().flatten() {
                        readable_schema(file, prop, &join(&here, name))?;
                    }
                }
                "items" | "not" => readable_schema(file, value, &here)?,
                "additionalProperties" if value.is_object() => readable_schema(file, value, &here)?,
                "allOf" | "anyOf" | "oneOf" => {
                    for (i, member) in value.as_array().into_iter().flatten().enumerate() {
                        readable_schema(file, member, &join(&here, &i.to_string()))?;
                    }
                }
                _ => {}
            }
        }
    }
    serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema.clone())
        .map(drop)
        .map_err(|e| Error::at(file, pointer, format!("not an OpenAPI 3.0 schema: {e}")))
}

/// progenitor looks references up by name: each must be `#/components/<kind>/<name>`.
fn references(file: &str, node: &Value, pointer: &str) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let name = reference
                    .strip_prefix("#/components/")
                    .and_then(|rest| rest.split_once('/'))
                    .map(|(_, name)| name);
                if !name.is_some_and(|n| !n.is_empty() && !n.contains('/')) {
                    return Err(Error::at(
                        file,
                        &join(pointer, "$ref"),
                        format!(
                            "progenitor follows only references to `#/components/<kind>/<name>`, \
                             not {reference:?}"
                        ),
                    ));
                }
            }
            if let Some(values) = map.get("enum").and_then(Value::as_array) {
                enum_variants(file, values, &join(pointer, "enum"))?;
            }
            for (key, value) in map {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
                    references(file, value, &join(pointer, key))?;
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                references(file, item, &join(pointer, &i.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// typify names a variant after each value; two values with one name cannot both be variants.
fn enum_variants(file: &str, values: &[Value], pointer: &str) -> Result<(), Error> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for value in values.iter().filter_map(Value::as_str) {
        let cleaned: String = value
            .chars()
            .filter(|c| *c != '\'')
            .map(|c| {
                if c.is_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let variant = cleaned.to_upper_camel_case();
        if let Some((_, other)) = seen.iter().find(|(v, _)| *v == variant) {
            return Err(Error::at(
                file,
                pointer,
                format!(
                    "the values {other:?} and {value:?} would both be the variant `{variant}` \
                     in progenitor's types"
                ),
            ));
        }
        seen.push((variant, value));
    }
    Ok(())
}

/// How progenitor sees a response body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    None,
    Json(String),
    Raw,
}

/// progenitor has one success type and one error type per operation.
fn responses(file: &str, view: &Value, op: &Value, pointer: &str) -> Result<(), Error> {
    let Some(map) = op.get("responses").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut success = BTreeSet::new();
    let mut errors = BTreeSet::new();
    let has_success_range = map.keys().any(|s| s.eq_ignore_ascii_case("2XX"));
    for (status, response) in map {
        let at = join(&join(pointer, "responses"), status);
        let kind = response_kind(file, follow(view, response), &at)?;
        let class = status.chars().next().unwrap_or('?');
        if status == "default" {
            if !has_success_range {
                success.insert(kind.clone());
            }
            errors.insert(kind);
        } else if class == '2' {
            success.insert(kind);
        } else if class == '4' || class == '5' {
            errors.insert(kind);
        }
    }
    for (set, what) in [(success, "success"), (errors, "error")] {
        if set.len() > 1 {
            return Err(Error::at(
                file,
                &join(pointer, "responses"),
                format!(
                    "progenitor needs one body type for all {what} statuses of an operation; \
                     these differ (JSON schemas, other media types or no body)"
                ),
            ));
        }
    }
    Ok(())
}

fn response_kind(file: &str, response: &Value, pointer: &str) -> Result<Kind, Error> {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok(Kind::None);
    };
    let json = content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    match json {
        Some((media, body)) => {
            let at = join(&join(pointer, "content"), media);
            json_media(file, body, &at)?;
            Ok(Kind::Json(
                body.get("schema").map(Value::to_string).unwrap_or_default(),
            ))
        }
        None if content.is_empty() => Ok(Kind::None),
        None => Ok(Kind::Raw),
    }
}

/// A JSON body needs a schema, and progenitor reads no `encoding`.
fn json_media(file: &str, body: &Value, pointer: &str) -> Result<(), Error> {
    if body.get("schema").is_none() {
        return Err(Error::at(file, pointer, "a JSON body needs a `schema`"));
    }
    if body
        .get("encoding")
        .and_then(Value::as_object)
        .is_some_and(|e| !e.is_empty())
    {
        return Err(Error::at(
            file,
            &join(pointer, "encoding"),
            "`encoding` cannot be expressed by progenitor",
        ));
    }
    Ok(())
}

/// Query values are flat: progenitor cannot serialize an object into a query string.
fn query_params(
    file: &str,
    view: &Value,
    item: &Value,
    op: &Value,
    pointer: &str,
) -> Result<(), Error> {
    let item_pointer = pointer.rsplit_once('/').map_or("", |p| p.0);
    for (holder, holder_pointer) in [(item, item_pointer), (op, pointer)] {
        let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            let param = follow(view, param);
            if param.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some(schema) = param.get("schema") else {
                continue;
            };
            let schema = follow(view, schema);
            let schema = match schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                Some([only]) => follow(view, only),
                _ => schema,
            };
            if schema.get("type").and_then(Value::as_str) == Some("object")
                || schema.get("properties").is_some()
            {
                return Err(Error::at(
                    file,
                    &join(
                        &join(&join(holder_pointer, "parameters"), &i.to_string()),
                        "schema",
                    ),
                    "an object cannot be a query parameter in progenitor's client",
                ));
            }
        }
    }
    Ok(())
}

/// progenitor takes one media type per request body, and no multipart one.
fn request_body(file: &str, view: &Value, op: &Value, pointer: &str) -> Result<(), Error> {
    let Some(body) = op.get("requestBody") else {
        return Ok(());
    };
    let at = join(pointer, "requestBody");
    let Some(content) = follow(view, body).get("content").and_then(Value::as_object) else {
        return Ok(());
    };
    if content.len() > 1 {
        return Err(Error::at(
            file,
            &join(&at, "content"),
            "progenitor takes one media type per request body",
        ));
    }
    for (media, body) in content {
        if media == "application/json" || media.starts_with("application/json;") {
            json_media(file, body, &join(&join(&at, "content"), media))?;
        }
        // Known here, so progenitor is not run (and then searched for the culprit) to learn it.
        if media.starts_with("multipart/") {
            return Err(Error::at(
                file,
                &join(&join(&at, "content"), media),
                format!("progenitor cannot send a {media} body"),
            ));
        }
    }
    Ok(())
}
