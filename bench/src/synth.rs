//! Synthetic OpenAPI 3.1 documents in the style of OpenRouter's: resources with list, create,
//! get, update and delete operations, query, path and header parameters, JSON bodies, shared
//! error responses, nullable and formatted fields. The fields vary with the resource's number so
//! that no two models are the same.

use serde_json::{Map, Value, json};

/// Operations per resource: list, create, get, update, delete.
const OPERATIONS_PER_RESOURCE: usize = 5;
/// Resources per tag (each tag becomes one module of the generated crate).
const RESOURCES_PER_TAG: usize = 4;

/// A document of exactly `operations` operations, as JSON text (which is YAML too).
pub fn document(operations: usize) -> String {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut tags = Vec::new();
    let mut made = 0;
    let mut resource = 0;
    while made < operations {
        let take = (operations - made).min(OPERATIONS_PER_RESOURCE);
        let tag = format!("Group {}", resource / RESOURCES_PER_TAG);
        if resource % RESOURCES_PER_TAG == 0 {
            tags.push(json!({ "name": tag, "description": format!("Endpoints of {tag}") }));
        }
        add_resource(resource, take, &tag, &mut paths, &mut schemas);
        made += take;
        resource += 1;
    }
    schemas.insert("ErrorResponse".into(), error_schema());
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "Synthetic", "version": "1.0.0" },
        "servers": [{ "url": "https://example.test/api/v1" }],
        "security": [{ "apiKey": [] }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer" } },
            "parameters": {
                "AppTitle": {
                    "name": "X-Title", "in": "header",
                    "description": "Display name of the calling app",
                    "schema": { "type": "string" }
                }
            }
        }
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serializes")
}

/// One resource `/things{r}` with `take` (1 to 5) of its operations.
fn add_resource(
    r: usize,
    take: usize,
    tag: &str,
    paths: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
) {
    let name = format!("Thing{r}");
    let create = format!("CreateThing{r}Request");
    let update = format!("UpdateThing{r}Request");
    let list = format!("ListThing{r}Response");
    let single = format!("Thing{r}Response");
    schemas.insert(name.clone(), model(r));
    schemas.insert(create.clone(), request_body(r, true));
    schemas.insert(update.clone(), request_body(r, false));
    schemas.insert(list.clone(), wrapper(&name, true));
    schemas.insert(single.clone(), wrapper(&name, false));

    let collection = format!("/things{r}");
    let item = format!("/things{r}/{{id}}");
    let mut ops: Vec<(String, &str, Value)> = vec![
        (collection.clone(), "get", list_op(r, tag, &list)),
        (
            collection.clone(),
            "post",
            body_op(r, tag, "create", &create, &single, "201"),
        ),
        (item.clone(), "get", item_op(r, tag, "get", &single)),
        (
            item.clone(),
            "patch",
            body_op(r, tag, "update", &update, &single, "200"),
        ),
        (item, "delete", item_op(r, tag, "delete", &single)),
    ];
    ops.truncate(take);
    for (path, method, op) in ops {
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[method] = op;
    }
}

/// A model whose fields vary with `r`: strings, numbers, integers, booleans, nullable values,
/// dates, uuids, an enum, and an array.
fn model(r: usize) -> Value {
    let mut properties = Map::new();
    let mut required = vec![json!("id")];
    properties.insert(
        "id".into(),
        json!({ "type": "string", "description": "Identifier" }),
    );
    let kinds = 6 + r % 7;
    for f in 0..kinds {
        let field = format!("field_{f}");
        let schema = match (f + r) % 7 {
            0 => json!({ "type": "string", "description": "A label" }),
            1 => json!({ "type": "number", "format": "double", "description": "An amount in USD" }),
            2 => json!({ "type": ["integer", "null"], "description": "A count, or null" }),
            3 => json!({ "type": "boolean", "description": "A switch" }),
            4 => {
                json!({ "type": ["string", "null"], "format": "date-time", "description": "A time" })
            }
            5 => json!({ "type": "string", "format": "uuid", "description": "A workspace" }),
            _ => {
                json!({ "type": "string", "enum": ["daily", "weekly", "monthly"], "description": "A period" })
            }
        };
        if f.is_multiple_of(2) {
            required.push(json!(field));
        }
        properties.insert(field, schema);
    }
    properties.insert(
        "tags".into(),
        json!({ "type": "array", "items": { "type": "string" }, "description": "Tags" }),
    );
    json!({
        "type": "object",
        "description": format!("Thing number {r}"),
        "properties": properties,
        "required": required,
    })
}

/// The body of a create (`name` required) or update (every field optional) call.
fn request_body(r: usize, create: bool) -> Value {
    let mut body = json!({
        "type": "object",
        "description": if create { "Body for creating a thing" } else { "Body for updating a thing" },
        "properties": {
            "name": { "type": "string", "description": "Name of the thing" },
            "limit": { "type": ["number", "null"], "format": "double", "description": "Spending cap" },
            "disabled": { "type": "boolean", "description": "Whether it is disabled" },
            "expires_at": { "type": ["string", "null"], "format": "date-time", "description": "Expiry" },
        }
    });
    if r % 2 == 1 {
        body["properties"]["note"] = json!({ "type": "string", "description": "A note" });
    }
    if create {
        body["required"] = json!(["name"]);
    }
    body
}

/// `{ "data": Thing }` or `{ "data": [Thing] }`.
fn wrapper(model: &str, list: bool) -> Value {
    let reference = json!({ "$ref": format!("#/components/schemas/{model}") });
    let data = match list {
        true => json!({ "type": "array", "items": reference, "description": "The things" }),
        false => reference,
    };
    json!({ "type": "object", "properties": { "data": data }, "required": ["data"] })
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Error response",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": { "type": "integer", "description": "HTTP status code" },
                    "message": { "type": "string", "description": "What went wrong" },
                },
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    })
}

/// The success response plus the shared errors (a few of them, varying with `r`).
fn responses(r: usize, status: &str, schema: &str, description: &str) -> Value {
    let mut responses = Map::new();
    responses.insert(
        status.into(),
        json!({
            "description": description,
            "content": { "application/json": {
                "schema": { "$ref": format!("#/components/schemas/{schema}") }
            } }
        }),
    );
    let errors = [
        ("400", "Bad request"),
        ("401", "Unauthorized"),
        ("404", "Not found"),
        ("429", "Too many requests"),
        ("500", "Internal server error"),
    ];
    for (i, (code, text)) in errors.iter().enumerate() {
        if i < 2 || (i + r).is_multiple_of(2) {
            responses.insert(
                (*code).into(),
                json!({
                    "description": text,
                    "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/ErrorResponse" }
                    } }
                }),
            );
        }
    }
    Value::Object(responses)
}

fn title_header() -> Value {
    json!({ "$ref": "#/components/parameters/AppTitle" })
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "description": "Which thing",
            "schema": { "type": "string" } })
}

fn list_op(r: usize, tag: &str, list: &str) -> Value {
    json!({
        "operationId": format!("listThings{r}"),
        "summary": format!("List things {r}"),
        "description": "Returns the things of the caller.",
        "tags": [tag],
        "parameters": [
            title_header(),
            { "name": "offset", "in": "query", "required": false, "description": "How many to skip",
              "schema": { "type": ["integer", "null"], "minimum": 0 } },
            { "name": "include_disabled", "in": "query", "required": false,
              "description": "Whether to include disabled things", "schema": { "type": "boolean" } },
            { "name": "workspace_id", "in": "query", "required": false, "description": "A workspace",
              "schema": { "type": "string", "format": "uuid" } },
        ],
        "responses": responses(r, "200", list, "The things"),
    })
}

fn body_op(r: usize, tag: &str, verb: &str, body: &str, answer: &str, status: &str) -> Value {
    let mut parameters = vec![title_header()];
    if verb == "update" {
        parameters.push(id_param());
    }
    json!({
        "operationId": format!("{verb}Thing{r}"),
        "summary": format!("{verb} a thing {r}"),
        "description": "Changes a thing.",
        "tags": [tag],
        "parameters": parameters,
        "requestBody": { "required": true, "content": { "application/json": {
            "schema": { "$ref": format!("#/components/schemas/{body}") }
        } } },
        "responses": responses(r, status, answer, "The thing"),
    })
}

fn item_op(r: usize, tag: &str, verb: &str, answer: &str) -> Value {
    json!({
        "operationId": format!("{verb}Thing{r}"),
        "summary": format!("{verb} a thing {r}"),
        "description": "One thing.",
        "tags": [tag],
        "parameters": [title_header(), id_param()],
        "responses": responses(r, "200", answer, "The thing"),
    })
}

#[cfg(test)]
mod tests {
    use super::document;

    /// The documents count what they claim and both generators accept them.
    #[test]
    fn documents_have_the_operations_asked_for() {
        for n in [1, 7, 23] {
            let text = document(n);
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let count: usize = value["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|item| item.as_object().unwrap().len())
                .sum();
            assert_eq!(count, n);
            let source = codegen::Source {
                name: "synthetic.json",
                text: &text,
            };
            let files = codegen::generate(source).unwrap();
            assert!(files.contains_key("src/lib.rs"));
        }
    }
}
