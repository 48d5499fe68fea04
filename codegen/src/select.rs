//! Narrowing a document to what a run generates: the selected operations, minus those marked
//! `x-speakeasy-ignore` or found impossible to generate, and only the components they reach.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::join;
use crate::load::METHODS;
use crate::settings::Settings;

/// An operation left out of the crate, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The `operationId` (given, or made from the method and path when the document has none).
    pub operation: String,
    /// The most precise place of the problem (RFC 6901 pointer into the document).
    pub pointer: String,
    /// Why it cannot be generated.
    pub reason: String,
}

/// Component kinds that only matter when something refers to them (security schemes apply
/// by name, not by reference, so they always stay).
const REFERABLE: [&str; 9] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
];

/// Keeps the operations `settings` selects that are not `x-speakeasy-ignore`d, drops ignored
/// properties, then every component no kept operation reaches.
pub(crate) fn apply(doc: &mut Value, settings: &Settings) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|key, op| {
                !METHODS.contains(&key.as_str()) || (!ignored(op) && selected(settings, op))
            });
        }
        paths.retain(|_, item| METHODS.iter().any(|m| item.get(m).is_some()));
    }
    drop_ignored_properties(doc);
    prune(doc);
}

fn ignored(node: &Value) -> bool {
    node.get("x-speakeasy-ignore") == Some(&Value::Bool(true))
}

fn selected(settings: &Settings, op: &Value) -> bool {
    let tags: Vec<&str> = op
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    settings.selects(op.get("operationId").and_then(Value::as_str), &tags)
}

/// Removes every property marked `x-speakeasy-ignore: true`, and its name from `required`.
fn drop_ignored_properties(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let mut gone = Vec::new();
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                props.retain(|name, prop| {
                    let keep = !ignored(prop);
                    if !keep {
                        gone.push(Value::from(name.as_str()));
                    }
                    keep
                });
            }
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|name| !gone.contains(name));
            }
            map.values_mut().for_each(drop_ignored_properties);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_ignored_properties),
        _ => {}
    }
}

/// Drops every component that nothing outside `components` reaches through references.
pub(crate) fn prune(doc: &mut Value) {
    let mut roots = BTreeSet::new();
    if let Some(map) = doc.as_object() {
        for (key, node) in map {
            if key != "components" {
                component_refs(node, &mut roots);
            }
        }
    }
    let reached = closure(doc, roots);
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for (kind, entries) in components.iter_mut() {
        if !REFERABLE.contains(&kind.as_str()) {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            let prefix = join("/components", kind);
            entries.retain(|name, _| reached.contains(&join(&prefix, name)));
        }
    }
}

/// The `/components/<kind>/<name>` pointers that `$ref`s in `node` lead into.
fn component_refs(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(key) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(component_of)
            {
                out.insert(key);
            }
            map.values().for_each(|v| component_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| component_refs(v, out)),
        _ => {}
    }
}

/// `/components/schemas/A` for `#/components/schemas/A/properties/b` or a pointer like it.
fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix('#').unwrap_or(pointer);
    let mut parts = rest.splitn(5, '/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(""), Some("components"), Some(kind), Some(name)) if !name.is_empty() => {
            Some(format!("/components/{kind}/{name}"))
        }
        _ => None,
    }
}

/// Everything reachable from `start` through references inside components.
fn closure(doc: &Value, start: BTreeSet<String>) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut work: Vec<String> = start.into_iter().collect();
    while let Some(key) = work.pop() {
        if !reached.insert(key.clone()) {
            continue;
        }
        if let Some(target) = doc.pointer(&key) {
            let mut next = BTreeSet::new();
            component_refs(target, &mut next);
            work.extend(next.into_iter().filter(|k| !reached.contains(k)));
        }
    }
    reached
}

/// The `/paths/<path>/<method>` pointers of every operation in the document.
fn operations(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if item.get(method).is_some() {
                out.push(join(&join("/paths", path), method));
            }
        }
    }
    out
}

/// The operations a problem at `location` belongs to: the operation it is in, every operation
/// of the path it is in, or every operation that reaches the component it is in.
pub(crate) fn operations_at(doc: &Value, location: &str) -> Vec<String> {
    let ops = operations(doc);
    if let Some(component) = component_of(location) {
        return ops
            .into_iter()
            .filter(|op| {
                let mut roots = BTreeSet::new();
                if let Some(node) = doc.pointer(op) {
                    component_refs(node, &mut roots);
                }
                // The path item's own parameters apply to the operation too.
                if let Some(Some(params)) =
                    parent(op).map(|item| doc.pointer(item).and_then(|i| i.get("parameters")))
                {
                    component_refs(params, &mut roots);
                }
                closure(doc, roots).contains(&component)
            })
            .collect();
    }
    ops.into_iter()
        .filter(|op| {
            let item = parent(op).unwrap_or_default();
            location == op
                || location.starts_with(&format!("{op}/"))
                || location == item
                || (location.starts_with(&format!("{item}/"))
                    && !METHODS.iter().any(|m| location.starts_with(&join(item, m))))
        })
        .collect()
}

fn parent(pointer: &str) -> Option<&str> {
    pointer.rsplit_once('/').map(|(parent, _)| parent)
}

/// Removes the operation at `pointer` and returns how to call it in a report.
pub(crate) fn remove(doc: &mut Value, pointer: &str) -> String {
    let label = label(doc, pointer);
    if let Some((item, method)) = pointer.rsplit_once('/')
        && let Some(map) = doc.pointer_mut(item).and_then(Value::as_object_mut)
    {
        map.remove(method);
    }
    label
}

/// The `operationId`, or `METHOD /path`.
fn label(doc: &Value, pointer: &str) -> String {
    if let Some(id) = doc
        .pointer(pointer)
        .and_then(|op| op.get("operationId"))
        .and_then(Value::as_str)
    {
        return id.to_owned();
    }
    let mut parts = pointer.rsplitn(2, '/');
    let method = parts.next().unwrap_or_default().to_uppercase();
    let path = parts
        .next()
        .and_then(|item| item.strip_prefix("/paths/"))
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~");
    format!("{method} {path}")
}
