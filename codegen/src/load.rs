//! Reading the document: YAML or JSON text into a JSON value, plus the checks every later step
//! relies on (a supported OpenAPI version, local `$ref`s that resolve, an operationId everywhere).
//!
//! An operation without an `operationId` (or with a blank one) is given one by
//! [`name_operations`]: the method and the path, as one snake-case name.

use std::collections::BTreeSet;

use serde_json::{Map, Number, Value};

use crate::error::{Error, join};

/// How deeply the document may nest. OpenRouter's goes 11 levels deep; every later step
/// recurses over the document, and must not run out of stack on a 2 MiB thread.
const MAX_DEPTH: usize = 64;

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses `text` (JSON when `file` ends in `.json` or the text starts with `{`, YAML otherwise).
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, Error> {
    let is_json = file.ends_with(".json") || text.trim_start().starts_with('{');
    let value = if is_json {
        serde_json::from_str(&quote_big_integers(text)).map_err(|e| Error {
            file: file.to_owned(),
            location: format!("line {} column {}", e.line(), e.column()),
            message: format!("invalid JSON: {e}"),
        })?
    } else {
        let yaml = serde_yaml::from_str::<Yaml>(text)
            .map(|y| y.0)
            .map_err(|e| Error {
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
    if let Some(pointer) = too_deep(&value) {
        return Err(Error::at(
            file,
            &pointer,
            format!("the document nests more than {MAX_DEPTH} levels deep here"),
        ));
    }
    let mut value = value;
    // OpenAPI 3.1 allows a document without paths (webhooks or components only): its client
    // has no operations.
    if let Some(root) = value.as_object_mut()
        && !root.contains_key("paths")
    {
        root.insert("paths".into(), Value::Object(Default::default()));
    }
    name_operations(&mut value);
    Ok(value)
}

/// Gives every operation without an `operationId` (or with a blank one) a name made from its
/// method and path, so that it is generated like any other:
///
/// 1. The method, then every segment of the path, with the braces of a `{parameter}` dropped:
///    `get /users/{id}/posts` → `get users id posts`.
/// 2. That text made snake case by [`crate::names::snake`] (every character that is not an ASCII
///    letter or digit separates words; words split at case changes): `get_users_id_posts`,
///    `get /v1/foo-bar/{bar_id}.json` → `get_v1_foo_bar_bar_id_json`, `get /` → `get`.
/// 3. A name whose snake case is already taken, by an `operationId` the document gives or by a
///    name made earlier, gets the first free suffix `_2`, `_3`, ... Names are made in the order
///    of the paths sorted as text, then of the methods as OpenAPI lists them (`get`, `put`,
///    `post`, `delete`, `options`, `head`, `patch`, `trace`), so the same document always gives
///    the same names, and a name changes only when an operation with the same name appears.
///
/// The name is written into the document as the operation's `operationId`: selection settings,
/// the change report and progenitor's client all see it.
pub(crate) fn name_operations(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let unnamed = |id: Option<&Value>| match id {
        None => true,
        Some(Value::String(id)) => id.trim().is_empty(),
        Some(_) => false,
    };
    let mut taken: BTreeSet<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| METHODS.iter().filter_map(|m| item.get(*m)))
        .filter(|op| op.is_object() && !unnamed(op.get("operationId")))
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(|id| crate::names::bare(&crate::names::snake(id)).to_owned())
        .collect();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if !unnamed(op.get("operationId")) {
                continue;
            }
            let base = crate::names::snake(&format!("{method} {}", path.replace(['{', '}'], " ")));
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(crate::names::bare(&name)) {
                name = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(crate::names::bare(&name).to_owned());
            op.insert("operationId".into(), Value::String(name));
        }
    }
}

/// JSON text with every integer that fits neither `i64` nor `u64` written as a string of its
/// digits: serde_json would read it as the nearest `f64`, losing digits. Numbers appear in a
/// document as examples, defaults and enum values; one beyond 64 bits is kept as text, exactly.
/// Numbers with a fraction or an exponent are floats by their own account and stay as they are.
fn quote_big_integers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || b".+-".contains(&bytes[i]))
            {
                i += 1;
            }
            let token = &text[start..i];
            let digits = token.strip_prefix('-').unwrap_or(token);
            let integer = !digits.is_empty() && digits.bytes().all(|d| d.is_ascii_digit());
            if integer && token.parse::<i64>().is_err() && token.parse::<u64>().is_err() {
                out.push_str(&text[copied..start]);
                out.push('"');
                out.push_str(token);
                out.push('"');
                copied = i;
            }
            continue;
        }
        i += 1;
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// A YAML value read like `serde_yaml::Value`, except that an integer beyond 64 bits (which
/// serde_yaml hands over as `u128` or `i128`, and `serde_yaml::Value` refuses) is kept as the
/// string of its digits. An integer beyond 128 bits reaches us only as the nearest `f64`, and
/// stays a number.
struct Yaml(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for Yaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(Yaml)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(u.into()))
    }

    fn visit_i128<E>(self, i: i128) -> Result<Self::Value, E> {
        Ok(match i64::try_from(i) {
            Ok(i) => serde_yaml::Value::Number(i.into()),
            Err(_) => serde_yaml::Value::String(i.to_string()),
        })
    }

    fn visit_u128<E>(self, u: u128) -> Result<Self::Value, E> {
        Ok(match u64::try_from(u) {
            Ok(u) => serde_yaml::Value::Number(u.into()),
            Err(_) => serde_yaml::Value::String(u.to_string()),
        })
    }

    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(f.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Yaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut mapping = serde_yaml::Mapping::new();
        while let Some((Yaml(key), Yaml(value))) = map.next_entry()? {
            if mapping.contains_key(&key) {
                return Err(serde::de::Error::custom(match &key {
                    serde_yaml::Value::String(key) => format!("duplicate entry with key {key:?}"),
                    _ => "duplicate entry in YAML map".to_owned(),
                }));
            }
            mapping.insert(key, value);
        }
        Ok(serde_yaml::Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents) = data.variant::<String>()?;
        let Yaml(value) = contents.newtype_variant()?;
        Ok(serde_yaml::Value::Tagged(Box::new(
            serde_yaml::value::TaggedValue {
                tag: serde_yaml::value::Tag::new(tag),
                value,
            },
        )))
    }
}

/// The pointer of the first value nested deeper than [`MAX_DEPTH`], without recursing.
fn too_deep(root: &Value) -> Option<String> {
    let mut stack = vec![(root, String::new(), 0)];
    while let Some((node, pointer, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Some(pointer);
        }
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    stack.push((value, join(&pointer, key), depth + 1));
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    stack.push((value, join(&pointer, &i.to_string()), depth + 1));
                }
            }
            _ => {}
        }
    }
    None
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
        let template = path_template(path).map_err(|m| Error::at(file, &item_pointer, m))?;
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let pointer = join(&item_pointer, method);
            check_path_params(file, doc, &template, item, operation, &pointer)?;
            match operation.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => {}
                // `parse` names every operation without one.
                _ => {
                    return Err(Error::at(
                        file,
                        &join(&pointer, "operationId"),
                        format!(
                            "the operationId of {} {path} must be a string",
                            method.to_uppercase()
                        ),
                    ));
                }
            }
        }
    }
    Ok(version)
}

/// The `{name}`s of a path template, in order; an error for a path no URL can be built from.
fn path_template(path: &str) -> Result<Vec<&str>, String> {
    if !path.starts_with('/') {
        return Err(format!("the path {path:?} must start with `/`"));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the path {path:?} contains whitespace or control characters"
        ));
    }
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find(['{', '}']) {
        let after = &rest[start + 1..];
        let end = after.find(['{', '}']);
        match (rest[start..].starts_with('{'), end) {
            (true, Some(end)) if after[end..].starts_with('}') && end > 0 => {
                names.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => {
                return Err(format!(
                    "the path {path:?} has a brace that does not enclose a parameter name"
                ));
            }
        }
    }
    Ok(names)
}

/// Path parameters and the path template agree: each `{name}` is declared `in: path` and
/// required, and each path parameter appears in the template.
fn check_path_params(
    file: &str,
    doc: &Value,
    template: &[&str],
    item: &Value,
    operation: &Value,
    pointer: &str,
) -> Result<(), Error> {
    let mut declared = BTreeSet::new();
    for (holder, holder_pointer) in [
        (item, pointer.rsplit_once('/').map_or("", |p| p.0)),
        (operation, pointer),
    ] {
        let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            let at = join(&join(holder_pointer, "parameters"), &i.to_string());
            let param = follow(doc, param);
            if param.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                return Err(Error::at(file, &at, "parameter has no name"));
            };
            if !template.contains(&name) {
                return Err(Error::at(
                    file,
                    &at,
                    format!("path parameter {name:?} does not appear in the path"),
                ));
            }
            if param.get("required") != Some(&Value::Bool(true)) {
                return Err(Error::at(
                    file,
                    &at,
                    format!("path parameter {name:?} must be `required: true`"),
                ));
            }
            declared.insert(name);
        }
    }
    if let Some(missing) = template.iter().find(|name| !declared.contains(*name)) {
        return Err(Error::at(
            file,
            pointer,
            format!("the path's {{{missing}}} is not declared as an `in: path` parameter"),
        ));
    }
    Ok(())
}

/// Follows a chain of `$ref`s to what it finally points at (cycles were refused before).
pub(crate) fn follow<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..64 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve(doc, r))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// Whether `pointer` is `/components/schemas/<name>`: the one place a reference may point
/// back into its own ancestors (a recursive type).
fn is_component_schema(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// A reference that leads, through references only, back to itself names nothing:
/// `A: {$ref: B}, B: {$ref: A}`. Returns the cycle as text.
fn reference_cycle(doc: &Value, first: &str) -> Option<String> {
    let mut chain = vec![first];
    let mut seen = BTreeSet::from([first]);
    // Each step reaches a reference not seen before, so the loop ends.
    loop {
        let next = resolve(doc, chain.last()?)?.get("$ref")?.as_str()?;
        chain.push(next);
        if !seen.insert(next) {
            return Some(chain.join(" → "));
        }
    }
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
                // The reference sits inside what it points at: only a component schema may
                // hold itself (as a recursive type); `#` or a path item cannot.
                if (pointer == local || pointer.starts_with(&format!("{local}/")))
                    && !is_component_schema(local)
                {
                    return Err(Error::at(
                        file,
                        &here,
                        format!("reference cycle: {target:?} contains this reference"),
                    ));
                }
                if let Some(cycle) = reference_cycle(doc, target) {
                    return Err(Error::at(
                        file,
                        &here,
                        format!("reference cycle {cycle}: the references never reach a definition"),
                    ));
                }
            }
            for (key, value) in map {
                // Examples, defaults and enums are data, not document structure.
                if matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) {
                    continue;
                }
                let here = join(pointer, key);
                // A map of names to schemas: a property may be named `$ref` (GitHub's SCIM
                // types), which is no reference.
                if is_named_map(pointer, key)
                    && let Value::Object(named) = value
                {
                    for (name, schema) in named {
                        check_refs(file, doc, schema, &join(&here, name))?;
                    }
                    continue;
                }
                check_refs(file, doc, value, &here)?;
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

/// Whether `key` under `pointer` holds a map from names the document chooses to schemas or
/// other objects, rather than an object of its own that could be a reference.
fn is_named_map(pointer: &str, key: &str) -> bool {
    matches!(
        key,
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
    ) || pointer == "/components"
}

/// Follows a local `$ref` (already checked by [`validate`]).
pub(crate) fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::parse;

    const DOC: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn integers_beyond_64_bits_keep_their_digits_as_text() {
        let yaml = format!(
            "{DOC}x-n:\n  big: 123456789012345678901234567890\n  negative: -98765432109876543210\n  edge: 18446744073709551616\n  max: 18446744073709551615\n  min: -9223372036854775808\n  list: [1, 340282366920938463463374607431768211455]\n  float: 1.5e300\n"
        );
        let doc = parse("big.yaml", &yaml).unwrap();
        assert_eq!(
            doc["x-n"],
            json!({
                "big": "123456789012345678901234567890",
                "negative": "-98765432109876543210",
                "edge": "18446744073709551616",
                "max": 18446744073709551615u64,
                "min": i64::MIN,
                "list": [1, "340282366920938463463374607431768211455"],
                "float": 1.5e300,
            })
        );
    }

    #[test]
    fn json_integers_beyond_64_bits_keep_their_digits_and_strings_are_untouched() {
        let text = r#"{"openapi": "3.1.0", "info": {"title": "t \" 123456789012345678901234567890", "version": "1"},
            "paths": {}, "x-n": [123456789012345678901234567890, -98765432109876543210,
            18446744073709551615, 12345678901234567890123.5, 1e30, -7]}"#;
        let doc = parse("big.json", text).unwrap();
        assert_eq!(doc["info"]["title"], "t \" 123456789012345678901234567890");
        assert_eq!(
            doc["x-n"],
            json!([
                "123456789012345678901234567890",
                "-98765432109876543210",
                18446744073709551615u64,
                12345678901234567890123.5,
                1e30,
                -7
            ])
        );
    }

    #[test]
    fn repeated_keys_and_tags_are_still_refused() {
        let e = parse("dup.yaml", &format!("{DOC}x-a: 1\nx-a: 2\n")).unwrap_err();
        assert!(
            e.message.contains("duplicate entry with key \"x-a\""),
            "{e}"
        );
        let e = parse("tag.yaml", &format!("{DOC}x-a: !custom 1\n")).unwrap_err();
        assert_eq!(e.location, "/x-a");
        assert!(e.message.contains("YAML tag !custom"), "{e}");
    }
}
