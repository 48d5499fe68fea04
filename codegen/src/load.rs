//! Reading the document: YAML or JSON text into a JSON value, plus the checks every later step
//! relies on (a supported OpenAPI version, local `$ref`s that resolve, an operationId everywhere).

use serde_json::{Map, Number, Value};

use crate::error::{Error, join};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses `text` (JSON when `file` ends in `.json` or the text starts with `{`, YAML otherwise).
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, Error> {
    let is_json = file.ends_with(".json") || text.trim_start().starts_with('{');
    let value = if is_json {
        serde_json::from_str(text).map_err(|e| Error {
            file: file.to_owned(),
            location: format!("line {} column {}", e.line(), e.column()),
            message: format!("invalid JSON: {e}"),
        })?
    } else {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| Error {
            file: file.to_owned(),
            location: e
                .location()
                .map(|l| format!("line {} column {}", l.line(), l.column()))
                .unwrap_or_else(|| "/".to_owned()),
            message: format!("invalid YAML: {e}"),
        })?;
        yaml_to_json(file, "", yaml)?
    };
    if !value.is_object() {
        return Err(Error::at(
            file,
            "",
            "the document must be a mapping at the top level",
        ));
    }
    Ok(value)
}

/// YAML allows non-string keys (`200:` is an integer); OpenAPI means them as strings.
fn yaml_to_json(file: &str, pointer: &str, yaml: serde_yaml::Value) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    Error::at(file, pointer, format!("the number {n} has no JSON form"))
                })?)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(file, &join(pointer, &i.to_string()), item))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::at(
                            file,
                            pointer,
                            format!("mapping key {other:?} is not a string"),
                        ));
                    }
                };
                let value = yaml_to_json(file, &join(pointer, &key), item)?;
                map.insert(key, value);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => {
            return Err(Error::at(
                file,
                pointer,
                format!("YAML tag {} is not supported", tagged.tag),
            ));
        }
    })
}

/// The OpenAPI version the document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V3_0,
    V3_1,
}

/// Checks the facts every later step assumes, and reports the first violation.
pub(crate) fn validate(file: &str, doc: &Value) -> Result<Version, Error> {
    let version = match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Version::V3_0,
        Some(Value::String(v)) if v.starts_with("3.1.") => Version::V3_1,
        Some(other) => {
            return Err(Error::at(
                file,
                "/openapi",
                format!("unsupported OpenAPI version {other}; the generator reads 3.0.x and 3.1.x"),
            ));
        }
        None if doc.get("swagger").is_some() => {
            return Err(Error::at(
                file,
                "/swagger",
                "Swagger 2.0 is not supported; the generator reads OpenAPI 3.0.x and 3.1.x",
            ));
        }
        None => {
            return Err(Error::at(
                file,
                "/openapi",
                "missing the `openapi` version field",
            ));
        }
    };
    check_refs(file, doc, doc, "")?;
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Err(Error::at(
            file,
            "/paths",
            "the document has no `paths` mapping",
        ));
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let pointer = join(&item_pointer, method);
            match operation.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => {}
                _ => {
                    return Err(Error::at(
                        file,
                        &pointer,
                        format!(
                            "{} {path} has no operationId; every operation needs one to name its method",
                            method.to_uppercase()
                        ),
                    ));
                }
            }
        }
    }
    Ok(version)
}

/// Every `$ref` must be local (`#/...`) and point at something that exists.
fn check_refs(file: &str, doc: &Value, node: &Value, pointer: &str) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let here = join(pointer, "$ref");
                let Some(target) = reference.as_str() else {
                    return Err(Error::at(file, &here, "`$ref` must be a string"));
                };
                let Some(local) = target.strip_prefix('#') else {
                    return Err(Error::at(
                        file,
                        &here,
                        format!(
                            "external reference {target:?} is not supported; only `#/...` references are"
                        ),
                    ));
                };
                if doc.pointer(local).is_none() {
                    return Err(Error::at(
                        file,
                        &here,
                        format!(
                            "dangling reference {target:?}: nothing in the document is at {local}"
                        ),
                    ));
                }
            }
            for (key, value) in map {
                // Examples are data, not document structure.
                if key == "example" || key == "examples" {
                    continue;
                }
                check_refs(file, doc, value, &join(pointer, key))?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_refs(file, doc, item, &join(pointer, &i.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Follows a local `$ref` (already checked by [`validate`]).
pub(crate) fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}
