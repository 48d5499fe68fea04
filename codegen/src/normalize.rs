//! The 3.0.3 view of the document that openapiv3 and progenitor accept.
//!
//! OpenRouter publishes OpenAPI 3.1 (and, until mid-2026, 3.0-style `nullable: true` inside a
//! document that said 3.1). Each rule below rewrites one 3.1 construct into its 3.0 equivalent;
//! the original document stays untouched for the IR, which reads the facts from it directly.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::error::{Error, join};
use crate::load::{METHODS, resolve};

/// Keys whose values are data or annotations, never schemas.
const DATA_KEYS: [&str; 4] = ["example", "examples", "default", "enum"];

/// Rewrites `doc` into the 3.0.3 view. `file` only names the document in errors.
pub(crate) fn to_openapi_3_0(file: &str, doc: &Value) -> Result<Value, Error> {
    let mut out = doc.clone();
    let Some(root) = out.as_object_mut() else {
        return Err(Error::at(
            file,
            "",
            "the document must be a mapping at the top level",
        ));
    };
    root.insert("openapi".into(), json!("3.0.3"));
    // 3.1-only top-level fields that 3.0 has no place for.
    for key in ["jsonSchemaDialect", "webhooks"] {
        root.remove(key);
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
    }
    let n = Normalizer { file };
    n.document(&mut out)?;
    keep_chosen_request_media(&mut out);
    merge_error_schemas(&mut out);
    Ok(out)
}

/// Rule: a request body keeps only the media type the client sends ([`crate::media::request`]);
/// progenitor takes one media type per body. A range (`image/*`) becomes the type the client
/// sends for it (`application/octet-stream`, or `text/plain` for `text/*`).
fn keep_chosen_request_media(doc: &mut Value) {
    let keep = |body: &mut Value| {
        if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut)
            && let Some((chosen, kind)) = crate::media::request(content)
        {
            let chosen = chosen.to_owned();
            let sent = match kind {
                _ if !chosen.contains('*') => chosen.clone(),
                crate::media::Kind::Text => "text/plain".to_owned(),
                _ => "application/octet-stream".to_owned(),
            };
            let media = content.remove(&chosen).unwrap_or_default();
            content.clear();
            content.insert(sent, media);
        }
    };
    if let Some(bodies) = doc
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
    {
        bodies.values_mut().for_each(keep);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(body) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("requestBody"))
                {
                    keep(body);
                }
            }
        }
    }
}

struct Normalizer<'a> {
    file: &'a str,
}

impl Normalizer<'_> {
    fn document(&self, doc: &mut Value) -> Result<(), Error> {
        if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
            for (kind, visit) in [
                (
                    "schemas",
                    Self::schema as fn(&Self, &mut Value, &str) -> Result<(), Error>,
                ),
                ("parameters", Self::parameter),
                ("requestBodies", Self::content_holder),
                ("responses", Self::response),
                ("headers", Self::parameter),
            ] {
                if let Some(items) = components.get_mut(kind).and_then(Value::as_object_mut) {
                    for (name, item) in items.iter_mut() {
                        visit(self, item, &join(&join("/components", kind), name))?;
                    }
                }
            }
        }
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                let item_pointer = join("/paths", path);
                self.parameters(item, &item_pointer)?;
                for method in METHODS {
                    let Some(op) = item.get_mut(method) else {
                        continue;
                    };
                    let pointer = join(&item_pointer, method);
                    self.parameters(op, &pointer)?;
                    if let Some(body) = op.get_mut("requestBody") {
                        self.content_holder(body, &join(&pointer, "requestBody"))?;
                    }
                    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut)
                    {
                        for (status, response) in responses.iter_mut() {
                            self.response(response, &join(&join(&pointer, "responses"), status))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn parameters(&self, holder: &mut Value, pointer: &str) -> Result<(), Error> {
        if let Some(params) = holder.get_mut("parameters").and_then(Value::as_array_mut) {
            for (i, param) in params.iter_mut().enumerate() {
                self.parameter(param, &join(&join(pointer, "parameters"), &i.to_string()))?;
            }
        }
        Ok(())
    }

    fn parameter(&self, param: &mut Value, pointer: &str) -> Result<(), Error> {
        if param.get("in").and_then(Value::as_str) == Some("cookie") {
            return Err(Error::at(
                self.file,
                pointer,
                "cookie parameters cannot be expressed by the generated client",
            ));
        }
        if let Some(schema) = param.get_mut("schema") {
            self.schema(schema, &join(pointer, "schema"))?;
        }
        self.content_holder(param, pointer)
    }

    fn response(&self, response: &mut Value, pointer: &str) -> Result<(), Error> {
        if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &join(&join(pointer, "headers"), name))?;
            }
        }
        self.content_holder(response, pointer)
    }

    fn content_holder(&self, holder: &mut Value, pointer: &str) -> Result<(), Error> {
        if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
            for (media, body) in content.iter_mut() {
                let media_pointer = join(&join(pointer, "content"), media);
                if let Some(body) = body.as_object_mut() {
                    body.remove("examples");
                }
                if let Some(schema) = body.get_mut("schema") {
                    self.schema(schema, &join(&media_pointer, "schema"))?;
                }
            }
        }
        Ok(())
    }

    fn schema(&self, schema: &mut Value, pointer: &str) -> Result<(), Error> {
        let Some(map) = schema.as_object_mut() else {
            // `true`/`false` schemas (3.1) mean "anything" / "nothing".
            return match schema {
                Value::Bool(true) => {
                    *schema = json!({});
                    Ok(())
                }
                _ => Err(Error::at(self.file, pointer, "a schema must be a mapping")),
            };
        };
        if map.contains_key("$ref") {
            // 3.0 ignores everything beside a reference; drop it so the view says so too.
            map.retain(|key, _| key == "$ref");
            return Ok(());
        }
        let mut nullable = map.get("nullable") == Some(&Value::Bool(true));

        // Rule: `type: [T, 'null']` becomes `type: T` + `nullable: true`.
        if let Some(Value::Array(types)) = map.get("type") {
            let mut rest: Vec<Value> = Vec::new();
            for t in types {
                if t == "null" {
                    nullable = true;
                } else {
                    rest.push(t.clone());
                }
            }
            match rest.len() {
                0 => {
                    map.remove("type");
                }
                1 => {
                    map.insert("type".into(), rest.remove(0));
                }
                _ => {
                    return Err(Error::at(
                        self.file,
                        &join(pointer, "type"),
                        format!(
                            "a value of several types {} cannot be expressed by the generated client",
                            Value::Array(rest)
                        ),
                    ));
                }
            }
        }
        // Rule: a value listed twice in `enum` is one value (typify refuses repeats).
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            let mut seen = BTreeSet::new();
            values.retain(|v| seen.insert(v.to_string()));
        }
        // Rule: `null` inside `enum` means the field is nullable, not a variant named null.
        if let Some(Value::Array(values)) = map.get_mut("enum")
            && values.iter().any(Value::is_null)
        {
            nullable = true;
            values.retain(|v| !v.is_null());
        }
        // Rule: `const: v` is a one-value enum.
        if let Some(value) = map.remove("const") {
            if value.is_null() {
                nullable = true;
            } else {
                map.insert("enum".into(), json!([value]));
            }
        }
        // Rule: 3.1 numeric exclusive bounds are 3.0 boolean flags beside the bound.
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
                map.insert(bound.into(), n);
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
        // Rule: `{type: 'null'}` members of an `anyOf`/`oneOf` make the union nullable: one
        // other member is that schema, nullable (`allOf: [it]`); several stay the union, with
        // `nullable: true` on it (progenitor cannot take a `null` member).
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                let is_null = |m: &Value| {
                    m.get("type") == Some(&json!("null")) || m.get("type") == Some(&json!(["null"]))
                };
                let others: Vec<Value> = members.iter().filter(|m| !is_null(m)).cloned().collect();
                if others.len() < members.len() && !others.is_empty() {
                    map.remove(key);
                    if let [only] = others.as_slice() {
                        map.insert("allOf".into(), json!([only]));
                    } else {
                        map.insert(key.into(), Value::Array(others));
                    }
                    nullable = true;
                }
            }
        }
        // 3.1 `examples` (a list) has no 3.0 schema equivalent beside `example`.
        if let Some(Value::Array(examples)) = map.remove("examples")
            && let Some(first) = examples.into_iter().next()
        {
            map.entry("example").or_insert(first);
        }
        // Rule: `pattern` is left out of the view. typify checks it with the `regress` crate,
        // which the generated crate does not depend on; the SDK's own types do not check
        // patterns either, so both accept the same strings.
        if map.get("pattern").is_some_and(Value::is_string) {
            map.remove("pattern");
        }
        // Rule: a number beyond 64 bits, kept as text by `load`, is no value of an `integer` or
        // `number` schema to typify (it checks defaults against the type): the view leaves such
        // a `default` or `example` out; the document, and the docs made from it, keep it.
        if matches!(
            map.get("type").and_then(Value::as_str),
            Some("integer" | "number")
        ) {
            for key in ["default", "example"] {
                if map.get(key).is_some_and(Value::is_string) {
                    map.remove(key);
                }
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }

        for (key, value) in map.iter_mut() {
            if DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            let here = join(pointer, key);
            match key.as_str() {
                "properties" | "patternProperties" => {
                    if let Some(props) = value.as_object_mut() {
                        for (name, prop) in props.iter_mut() {
                            self.schema(prop, &join(&here, name))?;
                        }
                    }
                }
                "items" | "not" => self.schema(value, &here)?,
                "additionalProperties" if value.is_object() => self.schema(value, &here)?,
                "allOf" | "anyOf" | "oneOf" => {
                    if let Some(members) = value.as_array_mut() {
                        for (i, member) in members.iter_mut().enumerate() {
                            self.schema(member, &join(&here, &i.to_string()))?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// How many nodes [`shape`] may visit for one schema: references can make a small document
/// expand without end (`A: {a: $ref B, b: $ref B}`, `B: ...`).
const SHAPE_BUDGET: usize = 10_000;

/// A schema's meaning without its prose, with references replaced by what they point to;
/// `None` when it is too large to compare.
fn shape(doc: &Value, schema: &Value, depth: usize, budget: &mut usize) -> Option<Value> {
    *budget = budget.checked_sub(1)?;
    if depth > 32 {
        return Some(Value::Null);
    }
    Some(match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                return match resolve(doc, reference) {
                    Some(s) => shape(doc, s, depth + 1, budget),
                    None => Some(Value::Null),
                };
            }
            let mut out = Map::new();
            for (key, value) in map {
                if matches!(
                    key.as_str(),
                    "description" | "example" | "examples" | "title"
                ) {
                    continue;
                }
                let value = if key == "enum" {
                    value.clone()
                } else {
                    shape(doc, value, depth + 1, budget)?
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| shape(doc, i, depth + 1, budget))
                .collect::<Option<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Where one operation's error responses point: (pointer to the `schema` value, the schema).
fn error_schemas(doc: &Value) -> BTreeMap<String, Vec<(String, Value)>> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(responses) = item
                .pointer(&format!("/{method}/responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            let op = join(&join("/paths", path), method);
            let mut schemas = Vec::new();
            for (status, response) in responses {
                if !is_error_status(status) {
                    continue;
                }
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => resolve(doc, r).unwrap_or(response),
                    None => response,
                };
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (media, body) in content {
                    if let Some(schema) = body.get("schema") {
                        let at = join(
                            &join(&join(&join(&op, "responses"), status), "content"),
                            media,
                        );
                        schemas.push((join(&at, "schema"), schema.clone()));
                    }
                }
            }
            out.insert(op, schemas);
        }
    }
    out
}

pub(crate) fn is_error_status(status: &str) -> bool {
    status == "default" || status.starts_with('4') || status.starts_with('5')
}

/// progenitor requires one error type per operation. OpenRouter declares seven error schemas of
/// one shape (`BadRequestResponse`, `NotFoundResponse`, ...); they merge into `ErrorResponse`
/// in this view only. An operation whose errors still differ gets untyped JSON errors, as
/// progenitor needs; the IR keeps every error typed by its own component instead.
pub(crate) fn merge_error_schemas(doc: &mut Value) {
    let per_operation = error_schemas(doc);
    // Component schemas referenced by error responses, grouped by shape.
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for schemas in per_operation.values() {
        for (_, schema) in schemas {
            // A schema too large to compare is merged with nothing.
            if let Some(name) = component_name(schema)
                && let Some(shape) = shape(doc, schema, 0, &mut SHAPE_BUDGET.clone())
            {
                groups
                    .entry(shape.to_string())
                    .or_default()
                    .insert(name.to_owned());
            }
        }
    }
    let merged: Vec<&BTreeSet<String>> = groups.values().filter(|g| g.len() > 1).collect();
    let mut rename: BTreeMap<String, String> = BTreeMap::new();
    let mut added: Vec<(String, Value)> = Vec::new();
    for group in &merged {
        let Some(first) = group.first().cloned() else {
            continue;
        };
        let target = if merged.len() == 1 {
            "ErrorResponse".to_owned()
        } else {
            first.clone()
        };
        let mut schema = doc["components"]["schemas"][&first].clone();
        // Nested component references named after the first member follow the new name:
        // `BadRequestResponseErrorData` becomes `ErrorResponseErrorData`.
        if target != first {
            rename_nested(doc, &mut schema, &first, &target, &mut added);
            if let Some(map) = schema.as_object_mut() {
                map.insert(
                    "description".into(),
                    json!("The error body shared by every declared error status."),
                );
            }
        }
        for name in *group {
            rename.insert(name.clone(), target.clone());
        }
        added.push((target, schema));
    }
    let schemas_map = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    if let Some(schemas_map) = schemas_map {
        for (name, schema) in added {
            schemas_map.insert(name, schema);
        }
    }
    for (op, schemas) in &per_operation {
        let distinct: BTreeSet<String> = schemas
            .iter()
            .map(|(_, s)| match component_name(s) {
                Some(name) => rename.get(name).cloned().unwrap_or_else(|| name.to_owned()),
                None => s.to_string(),
            })
            .collect();
        for (pointer, schema) in schemas {
            let replacement = if distinct.len() > 1 {
                json!({"description": format!("Untyped: the error responses of {op} differ in shape.")})
            } else if let Some(target) = component_name(schema).and_then(|n| rename.get(n)) {
                json!({"$ref": format!("#/components/schemas/{target}")})
            } else {
                continue;
            };
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = replacement;
            }
        }
    }
    prune_unreferenced(doc, rename.keys().cloned().collect());
}

fn component_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn rename_nested(
    doc: &Value,
    schema: &mut Value,
    from: &str,
    to: &str,
    added: &mut Vec<(String, Value)>,
) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(name) = reference.strip_prefix("#/components/schemas/")
                    && let Some(suffix) = name.strip_prefix(from)
                {
                    let new_name = format!("{to}{suffix}");
                    if let Some(target) = doc.pointer(&format!("/components/schemas/{name}")) {
                        let mut target = target.clone();
                        if let Some(map) = target.as_object_mut() {
                            let text =
                                format!("Part of {to}, shared by every declared error status.");
                            map.insert("description".into(), json!(text));
                        }
                        added.push((new_name.clone(), target));
                    }
                    *reference = format!("#/components/schemas/{new_name}");
                }
                return;
            }
            for value in map.values_mut() {
                rename_nested(doc, value, from, to, added);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| rename_nested(doc, i, from, to, added)),
        _ => {}
    }
}

/// Drops the merged-away schemas (and what only they used) so the view has no dead types.
fn prune_unreferenced(doc: &mut Value, candidates: BTreeSet<String>) {
    let mut candidates = candidates;
    loop {
        let mut used = BTreeSet::new();
        collect_refs(doc, &mut used);
        let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let dead: Vec<String> = candidates
            .iter()
            .filter(|name| schemas.contains_key(*name) && !used.contains(*name))
            .cloned()
            .collect();
        if dead.is_empty() {
            return;
        }
        let mut next = BTreeSet::new();
        for name in &dead {
            if let Some(schema) = schemas.remove(name) {
                let mut inner = BTreeSet::new();
                collect_refs(&schema, &mut inner);
                next.extend(inner);
            }
        }
        candidates = next;
    }
}

fn collect_refs(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(name) = component_name(node) {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
