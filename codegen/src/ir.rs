//! The model of the SDK that every template reads: groups, operations, parameters, bodies,
//! responses and named types. It is built from the original document (3.1 or 3.0 style), so
//! it keeps the facts the 3.0.3 view has to blur: optional *and* nullable fields, `null` in
//! enums, the name and shape of every error schema.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, join};
use crate::load::{METHODS, resolve};
use crate::markdown;
use crate::media;
use crate::names::{self, Namespace, reserved};
use crate::normalize::is_error_status;

/// How deeply schemas may nest (through properties, items and references) before the document
/// is refused: far beyond any real API, well within the stack of a 2 MiB thread.
const MAX_SCHEMA_DEPTH: usize = 96;

/// The whole API as the SDK presents it.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server's URL: the client's default base URL.
    pub base_url: String,
    /// Whether the document declares an HTTP bearer security scheme.
    pub bearer_auth: bool,
    /// Operations grouped by their first tag, in the document's tag order.
    pub groups: Vec<Group>,
    /// The retry settings the document gives (`x-speakeasy-retries`), if any.
    pub retries: Option<Retries>,
    /// Every named type, by its Rust name.
    pub models: BTreeMap<String, Model>,
    /// The selected operations left out, with their reasons (filled in after the build).
    pub skipped: Vec<crate::Skipped>,
    /// Whether the settings ask for progenitor's `raw` module (filled in after the build).
    pub raw_asked: bool,
    /// Why progenitor's `raw` module is missing although asked for, if it is (filled in after
    /// the build).
    pub raw_left_out: Option<String>,
}

impl Api {
    /// Whether the crate has progenitor's `raw` module: asked for, and not left out.
    pub fn has_raw_module(&self) -> bool {
        self.raw_asked && self.raw_left_out.is_none()
    }

    /// Whether the crate has an operation.
    pub fn has_operations(&self) -> bool {
        self.groups.iter().any(|g| !g.operations.is_empty())
    }

    /// Every `(model, wire field name)` pair that holds a credential.
    pub fn secret_fields(&self) -> std::collections::BTreeSet<(String, String)> {
        self.models
            .values()
            .filter_map(|m| match &m.kind {
                ModelKind::Struct(fields) => Some((m, fields)),
                _ => None,
            })
            .flat_map(|(m, fields)| {
                fields
                    .iter()
                    .filter(|f| f.secret)
                    .map(|f| (m.name.clone(), f.wire_name.clone()))
            })
            .collect()
    }
}

/// The document's retry settings: backoff in milliseconds, as published. The runtime clamps
/// them to safe limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Retries {
    /// The first wait.
    pub initial_ms: u64,
    /// The longest wait.
    pub max_ms: u64,
    /// The factor each wait grows by.
    pub multiplier: f64,
    /// Whether connection failures are retried.
    pub connection_errors: bool,
}

/// `x-speakeasy-retries` with `strategy: backoff`.
fn retries(doc: &Value) -> Option<Retries> {
    let settings = doc.get("x-speakeasy-retries")?;
    if settings.get("strategy").and_then(Value::as_str) != Some("backoff") {
        return None;
    }
    let backoff = settings.get("backoff");
    let number = |key: &str| backoff.and_then(|b| b.get(key)).and_then(Value::as_f64);
    let ms = |key: &str, default: u64| {
        number(key)
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map_or(default, |n| n.min(3_600_000.0) as u64)
    };
    Some(Retries {
        initial_ms: ms("initialInterval", 500),
        max_ms: ms("maxInterval", 10_000),
        multiplier: number("exponent").filter(|n| n.is_finite()).unwrap_or(2.0),
        connection_errors: settings
            .get("retryConnectionErrors")
            .and_then(Value::as_bool)
            .unwrap_or(true),
    })
}

/// A set of operations that share a tag, like `api_keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The accessor name on the client (`api_keys`).
    pub name: String,
    /// The tag as written in the document (`API Keys`).
    pub tag: String,
    /// The tag's description.
    pub description: Option<String>,
    /// The group's operations in document order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// The SDK-facing method name in snake case (from `x-speakeasy-name-override` when present).
    pub name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, such as `/keys/{hash}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Path, query and header parameters: the path item's first, then the operation's.
    pub params: Vec<Param>,
    /// The JSON request body, when there is one.
    pub body: Option<Body>,
    /// Every declared response, in status order.
    pub responses: Vec<Response>,
    /// Whether repeating the request cannot change the result: by HTTP method (GET, HEAD, PUT,
    /// DELETE, OPTIONS), or `x-idempotent: true|false` on the operation. Decides what is
    /// retried.
    pub idempotent: bool,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// A query-string pair.
    Query,
    /// An HTTP header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name (`include_disabled`, `http_referer`).
    pub name: String,
    /// The name on the wire (`include_disabled`, `HTTP-Referer`).
    pub wire_name: String,
    /// Where it travels.
    pub location: Location,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its type.
    pub ty: Type,
    /// Whether `null` is allowed (then an absent value and `null` mean the same on the wire).
    pub nullable: bool,
    /// `description`.
    pub description: Option<String>,
    /// The schema's or parameter's `example`, for docs.
    pub example: Option<Value>,
    /// Whether the client configuration sets it for every call (`x-speakeasy-globals`).
    pub global: bool,
    /// For a list in the query: one `name=value` pair per item (`explode`, the default), or
    /// one pair with the items joined by commas.
    pub explode: bool,
}

/// A request body, in the media type [`media::request`] chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Whether the body must be sent.
    pub required: bool,
    /// Its type: a named model for JSON (usually), multipart and form bodies; `String` for
    /// text; [`Type::Bytes`] for any other media type.
    pub ty: Type,
    /// `description`.
    pub description: Option<String>,
    /// How it is encoded.
    pub kind: media::Kind,
    /// The `Content-Type` it is sent with (for multipart the client adds the boundary).
    pub content_type: String,
}

/// One declared response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status as written: `200`, `4XX` or `default`.
    pub status: String,
    /// `description`.
    pub description: String,
    /// The body's type, when the response declares one: decoded from JSON, or `String` for
    /// text, or [`Type::Bytes`] for any other media type (see [`media::response`]).
    pub body: Option<Type>,
    /// How the body is read ([`media::Kind::Json`] when there is none).
    pub kind: media::Kind,
}

impl Response {
    /// Whether this is an error response (4xx, 5xx or default).
    pub fn is_error(&self) -> bool {
        is_error_status(&self.status)
    }
}

/// A value's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A JSON string.
    String,
    /// A string in RFC 3339 date-time form.
    DateTime,
    /// A string holding a UUID.
    Uuid,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list.
    Array(Box<Type>),
    /// A value kept on the heap because its type contains itself (a recursive field).
    Boxed(Box<Type>),
    /// An object with arbitrary keys.
    Map(Box<Type>),
    /// Any JSON value.
    Any,
    /// A named [`Model`].
    Named(String),
    /// A whole body of bytes (`application/octet-stream`, `image/png`, ...): `bytes::Bytes`.
    Bytes,
    /// A file part of a `multipart/form-data` body: bytes with an optional file name and
    /// content type. Only fields of a multipart body have this type.
    File,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The Rust name.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// What it is.
    pub kind: ModelKind,
}

/// The two kinds of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    /// An object with known properties.
    Struct(Vec<Field>),
    /// A string enum. The SDK keeps enums open: an unknown value is kept, never refused.
    Enum(Vec<String>),
    /// A single constant value (`const`), such as `deleted: true`.
    Const(Value),
    /// One of several shapes (`oneOf`/`anyOf`). A value that fits none is kept as JSON.
    Union(Union),
}

/// The shapes a `oneOf`/`anyOf` value may take.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose value says which variant a value is (`discriminator`, or a property
    /// every variant holds as a distinct constant); `None` when only the shape can tell.
    pub tag: Option<String>,
    /// The variants in document order: the first that fits a value takes it.
    pub variants: Vec<Variant>,
}

/// One shape of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name: the component's, the tag value's, or the type's (`String`, `Array`).
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// The tag value that selects it, when the union has a tag.
    pub tag_value: Option<String>,
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The JSON name.
    pub wire_name: String,
    /// Its type.
    pub ty: Type,
    /// Whether the property must be present.
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// Whether the value is a credential that must never be printed.
    pub secret: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `description`.
    pub description: Option<String>,
    /// `minLength`, `maxLength`, `minimum`, `format: uri` and the like, in words, for docs.
    pub constraints: Vec<String>,
    /// The property's `example`, for docs.
    pub example: Option<Value>,
}

/// Property names whose values are credentials when the document does not say: the plaintext
/// API key OpenRouter returns once, and the usual names of tokens, passwords and PKCE verifiers.
const SECRET_NAMES: [&str; 9] = [
    "key",
    "api_key",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refresh_token",
    "password",
    "code_verifier",
];

/// Whether a string property is a credential. The document decides first: `x-secret: true` or
/// `false` (our extension), `format: password` or `writeOnly: true`; the name list otherwise.
fn is_secret(wire_name: &str, schema: &Value) -> bool {
    if let Some(flag) = schema.get("x-secret").and_then(Value::as_bool) {
        return flag;
    }
    schema.get("format") == Some(&Value::from("password"))
        || schema.get("writeOnly") == Some(&Value::Bool(true))
        || SECRET_NAMES.contains(&heck::ToSnakeCase::to_snake_case(wire_name).as_str())
}

/// Builds the IR from the original document (already validated by `load`).
pub fn build(file: &str, original: &Value) -> Result<Api, Error> {
    // Error schemas keep their own components' names even when they have one shape (only
    // progenitor's 3.0 view merges them), so a change to one never renames the others.
    let mut merged = original.clone();
    if let Some(origin) = origin(original) {
        absolute_links(&mut merged, &origin);
    }
    let doc = &merged;
    let globals: Vec<String> = doc
        .pointer("/x-speakeasy-globals/parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => resolve(doc, r).unwrap_or(p),
            None => p,
        })
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    // Component schemas keep their names: they are claimed before any inline type is named.
    let mut types = Namespace::with_reserved(reserved::PRELUDE_TYPES);
    let components = schemas
        .into_iter()
        .flatten()
        .map(|(name, _)| (name.clone(), types.claim_camel(&names::camel(name))))
        .collect();
    let mut b = Builder {
        file,
        doc,
        models: BTreeMap::new(),
        globals,
        types,
        components,
        in_progress: Vec::new(),
        following: Vec::new(),
        recursive: BTreeSet::new(),
        done: BTreeMap::new(),
        depth: 0,
    };
    for (name, schema) in schemas.into_iter().flatten() {
        b.component(name, schema)?;
    }
    let tags: Vec<(String, Option<String>)> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                markdown::one_line(t.get("name")?.as_str()?),
                text(t, "description"),
            ))
        })
        .collect();
    let mut groups: Vec<Group> = tags
        .into_iter()
        .map(|(tag, description)| Group {
            name: String::new(),
            tag,
            description,
            operations: vec![],
        })
        .collect();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::at(file, "/paths", "the document has no `paths` mapping"))?;
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = join(&item_pointer, method);
            let operation = b.operation(path, method, item, op, &pointer)?;
            let tag = markdown::one_line(
                op.pointer("/tags/0")
                    .and_then(Value::as_str)
                    .unwrap_or("default"),
            );
            match groups.iter_mut().find(|g| g.tag == tag) {
                Some(group) => group.operations.push(operation),
                None => groups.push(Group {
                    name: String::new(),
                    tag,
                    description: None,
                    operations: vec![operation],
                }),
            }
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    name_groups(&mut groups);
    let mut models = b.models;
    file_models_only_in_multipart(file, &groups, &models)?;
    box_recursive_fields(&mut models);
    let server = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("/");
    let bearer_auth = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .is_some_and(|s| {
            s.values().any(|scheme| {
                scheme.get("type") == Some(&Value::from("http"))
                    && scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        == Some("bearer".into())
            })
        });
    Ok(Api {
        title: markdown::one_line(
            doc.pointer("/info/title")
                .and_then(Value::as_str)
                .unwrap_or("API"),
        ),
        version: markdown::one_line(
            doc.pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or("0"),
        ),
        description: doc.get("info").and_then(|i| text(i, "description")),
        base_url: server.trim_end_matches('/').to_owned(),
        bearer_auth,
        groups,
        retries: retries(doc),
        models,
        skipped: Vec::new(),
        raw_asked: false,
        raw_left_out: None,
    })
}

/// Module names for groups, then per group its type and its operations' names, apart from each
/// other and from what the crate already has (see [`names`] for the rule).
fn name_groups(groups: &mut [Group]) {
    let mut modules = Namespace::with_reserved(reserved::MODULES);
    for name in reserved::CLIENT_METHODS {
        modules.insert(name);
    }
    let group_types =
        Namespace::with_reserved(&[reserved::PRELUDE_TYPES, reserved::GROUP_IMPORTS].concat());
    for group in groups.iter_mut() {
        group.name = modules.claim_with(&names::group(&group.tag), names::snake_suffixed, |c| {
            group_types.is_free(&names::camel(c))
        });
        let mut types = group_types.clone();
        types.insert(&names::camel(&group.name));
        let mut methods = Namespace::with_reserved(reserved::TRAIT_METHODS);
        for op in &mut group.operations {
            op.name = methods.claim_with(&op.name, names::snake_suffixed, |c| {
                let camel = names::camel(c);
                types.is_free(&format!("{camel}Request")) && types.is_free(&format!("{camel}Error"))
            });
            let camel = names::camel(&op.name);
            types.insert(&format!("{camel}Request"));
            types.insert(&format!("{camel}Error"));
        }
    }
}

/// A model with file parts is a multipart body and nothing else: it cannot be JSON. An
/// operation that uses it another way (as a JSON body or response, or inside another model) is
/// refused, naming the operation.
fn file_models_only_in_multipart(
    file: &str,
    groups: &[Group],
    models: &BTreeMap<String, Model>,
) -> Result<(), Error> {
    let has_files = |name: &str| {
        matches!(models.get(name).map(|m| &m.kind), Some(ModelKind::Struct(fields))
            if fields.iter().any(|f| matches!(&f.ty, Type::File)
                || f.ty == Type::Array(Box::new(Type::File))))
    };
    for op in groups.iter().flat_map(|g| &g.operations) {
        let pointer = join(&join("/paths", &op.path), &op.method.to_ascii_lowercase());
        // What the operation holds other than its own multipart body model.
        let mut roots: Vec<&Type> = op
            .responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .collect();
        match &op.body {
            Some(body) if body.kind == media::Kind::Multipart => {
                if let Type::Named(name) = &body.ty
                    && let Some(ModelKind::Struct(fields)) = models.get(name).map(|m| &m.kind)
                {
                    roots.extend(fields.iter().map(|f| &f.ty));
                }
            }
            Some(body) => roots.push(&body.ty),
            None => {}
        }
        if let Some(name) = reachable_models(models, roots)
            .into_iter()
            .find(|name| has_files(name))
        {
            return Err(Error::at(
                file,
                &pointer,
                format!(
                    "`{name}` has file parts, so it can only be a multipart/form-data body, \
                     but this operation also uses it as JSON"
                ),
            ));
        }
    }
    Ok(())
}

/// Models reachable from `roots` through fields, variants, lists and maps.
pub(crate) fn reachable_models<'a>(
    models: &BTreeMap<String, Model>,
    roots: impl IntoIterator<Item = &'a Type>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Type> = roots.into_iter().collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(inner) | Type::Map(inner) | Type::Boxed(inner) => stack.push(inner),
            Type::Named(name) if seen.insert(name.clone()) => {
                match models.get(name).map(|m| &m.kind) {
                    Some(ModelKind::Struct(fields)) => stack.extend(fields.iter().map(|f| &f.ty)),
                    Some(ModelKind::Union(union)) => {
                        stack.extend(union.variants.iter().map(|v| &v.ty))
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    seen
}

/// A struct that contains itself, directly or through other structs, needs a `Box` on the way
/// round; lists and maps already hold their items on the heap.
fn box_recursive_fields(models: &mut BTreeMap<String, Model>) {
    // Direct containment: struct -> the structs its fields hold by value.
    let edges: BTreeMap<String, Vec<String>> = models
        .iter()
        .map(|(name, model)| {
            let held: Vec<&Type> = match &model.kind {
                ModelKind::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
                ModelKind::Union(union) => union.variants.iter().map(|v| &v.ty).collect(),
                _ => Vec::new(),
            };
            let targets = held
                .into_iter()
                .filter_map(|ty| match ty {
                    Type::Named(target) => Some(target.clone()),
                    _ => None,
                })
                .collect();
            (name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.extend(edges.get(&next).into_iter().flatten().cloned());
            }
        }
        false
    };
    for (name, model) in models.iter_mut() {
        let held: Vec<&mut Type> = match &mut model.kind {
            ModelKind::Struct(fields) => fields.iter_mut().map(|f| &mut f.ty).collect(),
            ModelKind::Union(union) => union.variants.iter_mut().map(|v| &mut v.ty).collect(),
            _ => Vec::new(),
        };
        for ty in held {
            if let Type::Named(target) = ty
                && reaches(target, name)
            {
                *ty = Type::Boxed(Box::new(ty.clone()));
            }
        }
    }
}

/// `https://openrouter.ai` for a first server `https://openrouter.ai/api/v1`.
fn origin(doc: &Value) -> Option<String> {
    let url = doc.pointer("/servers/0/url")?.as_str()?;
    let (scheme, rest) = url.split_once("://")?;
    Some(format!("{scheme}://{}", rest.split('/').next()?))
}

/// Descriptions link to the site with site-relative Markdown links (`](/docs/...)`); in rustdoc
/// they must be absolute.
fn absolute_links(node: &mut Value, origin: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(s) if key == "description" => {
                        *s = s.replace("](/", &format!("]({origin}/"))
                    }
                    _ => absolute_links(value, origin),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| absolute_links(i, origin)),
        _ => {}
    }
}

/// Prose from the document, made safe for rustdoc: no code block in it runs, bare URLs are
/// links and brackets that are no links are escaped (see [`markdown::prose`]).
fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key)
        .and_then(Value::as_str)
        .map(|s| markdown::prose(s.trim()).trim().to_owned())
        .filter(|s| !s.is_empty())
}

struct Builder<'a> {
    file: &'a str,
    doc: &'a Value,
    models: BTreeMap<String, Model>,
    /// Wire names of the parameters the document marks as client-wide (`x-speakeasy-globals`).
    globals: Vec<String>,
    /// Model names given out so far.
    types: Namespace,
    /// The Rust name of each component schema, by its key under `components/schemas`.
    components: BTreeMap<String, String>,
    /// Component schemas being read: a reference back to one of them is recursion.
    in_progress: Vec<String>,
    /// Other references being followed: meeting one again is a cycle no type can express.
    following: Vec<String>,
    /// Components referred to while they were being read.
    recursive: BTreeSet<String>,
    /// Components already read, so that each is read once however often it is referred to.
    done: BTreeMap<String, Resolved>,
    /// How many schemas enclose the one being read.
    depth: usize,
}

/// What a schema says about one value.
#[derive(Clone)]
struct Resolved {
    ty: Type,
    nullable: bool,
}

impl Builder<'_> {
    fn err(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::at(self.file, pointer, message)
    }

    /// Follows `$ref`s on parameters, bodies and responses (not on schemas).
    fn deref<'v>(&self, node: &'v Value) -> &'v Value
    where
        Self: 'v,
    {
        let mut node = node;
        for _ in 0..16 {
            match node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| resolve(self.doc, r))
            {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &Value,
        op: &Value,
        pointer: &str,
    ) -> Result<Operation, Error> {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| self.err(pointer, "the operation has no operationId"))?
            .to_owned();
        let sdk_name = names::snake(
            op.get("x-speakeasy-name-override")
                .and_then(Value::as_str)
                .unwrap_or(&id),
        );
        let type_prefix = names::camel(&id);
        let mut params = Vec::new();
        for (holder, holder_pointer) in [(item, join("/paths", path)), (op, pointer.to_owned())] {
            let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let at = join(&join(&holder_pointer, "parameters"), &i.to_string());
                let param = self.deref(param);
                let wire_name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.err(&at, "parameter has no name"))?;
                let location = match param.get("in").and_then(Value::as_str) {
                    Some("path") => Location::Path,
                    Some("query") => Location::Query,
                    Some("header") => Location::Header,
                    other => {
                        return Err(self.err(&at, format!("parameters in {other:?} cannot be expressed by the generated client")));
                    }
                };
                let schema = param
                    .get("schema")
                    .ok_or_else(|| self.err(&at, "parameter has no schema"))?;
                let hint = format!("{type_prefix}{}", names::camel(wire_name));
                let resolved = self.resolve_schema(schema, &join(&at, "schema"), &hint)?;
                if !self.is_text_value(&resolved.ty, location == Location::Query) {
                    return Err(self.err(
                        &join(&at, "schema"),
                        "an object, map or free-form value cannot be a parameter: only strings, \
                         numbers, booleans and enums (in the query also lists of them) have a \
                         text form",
                    ));
                }
                let sdk_name = param
                    .get("x-speakeasy-name-override")
                    .and_then(Value::as_str)
                    .unwrap_or(wire_name);
                let name = names::snake(sdk_name);
                // An operation-level parameter overrides a path-level one of the same name and place.
                params.retain(|p: &Param| !(p.wire_name == wire_name && p.location == location));
                params.push(Param {
                    name,
                    wire_name: wire_name.to_owned(),
                    location,
                    required: location == Location::Path
                        || param.get("required") == Some(&Value::Bool(true)),
                    ty: resolved.ty,
                    nullable: resolved.nullable,
                    description: text(param, "description").or_else(|| text(schema, "description")),
                    example: param
                        .get("example")
                        .or_else(|| schema.get("example"))
                        .cloned(),
                    global: self.globals.iter().any(|g| g == wire_name),
                    explode: param
                        .get("explode")
                        .and_then(Value::as_bool)
                        .unwrap_or(true),
                });
            }
        }
        let body = match op.get("requestBody") {
            None => None,
            Some(body) => {
                let at = join(pointer, "requestBody");
                let body = self.deref(body);
                let content = body.get("content").and_then(Value::as_object);
                let Some((media, kind)) = content.and_then(media::request) else {
                    return Err(self.err(
                        &join(&at, "content"),
                        "a request body needs at least one media type",
                    ));
                };
                let media_at = join(&join(&at, "content"), media);
                let schema = content
                    .and_then(|c| c.get(media))
                    .and_then(|m| m.get("schema"));
                let ty = match kind {
                    media::Kind::Text => Type::String,
                    media::Kind::Binary => Type::Bytes,
                    media::Kind::Json | media::Kind::Multipart | media::Kind::Form => {
                        let Some(schema) = schema else {
                            return Err(self.err(&media_at, "this body needs a `schema`"));
                        };
                        let schema_at = join(&media_at, "schema");
                        let resolved = self.resolve_schema(
                            schema,
                            &schema_at,
                            &format!("{type_prefix}Request"),
                        )?;
                        if kind != media::Kind::Json {
                            self.fields_body(&resolved.ty, schema, &schema_at, kind)?;
                        }
                        resolved.ty
                    }
                };
                Some(Body {
                    required: body.get("required") == Some(&Value::Bool(true)),
                    ty,
                    description: text(body, "description"),
                    kind,
                    content_type: media::content_type(media, kind),
                })
            }
        };
        self.name_params(&mut params, body.as_ref());
        let mut responses: Vec<Response> = Vec::new();
        if let Some(map) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in map {
                let at = join(&join(pointer, "responses"), status);
                if !is_status_key(status) {
                    return Err(self.err(&at, format!("{status:?} is not a status: use a code like 404, a range like 4XX, or default")));
                }
                if let Some(twin) = responses
                    .iter()
                    .find(|r| r.status.eq_ignore_ascii_case(status))
                {
                    return Err(self.err(
                        &at,
                        format!("{status:?} repeats the range {:?}", twin.status),
                    ));
                }
                let response = self.deref(response);
                let content = response.get("content").and_then(Value::as_object);
                let chosen = content.and_then(media::response);
                let (body, kind) = match chosen {
                    Some((media, media::Kind::Json)) => {
                        let media_at = join(&join(&at, "content"), media);
                        match content
                            .and_then(|c| c.get(media))
                            .and_then(|m| m.get("schema"))
                        {
                            Some(schema) => {
                                let hint = if is_error_status(status) {
                                    format!("{type_prefix}Error{status}")
                                } else {
                                    format!("{type_prefix}Response")
                                };
                                let schema_at = join(&media_at, "schema");
                                let ty = self.resolve_schema(schema, &schema_at, &hint)?.ty;
                                (Some(ty), media::Kind::Json)
                            }
                            None => (None, media::Kind::Json),
                        }
                    }
                    // An error body that is not JSON is kept as it came (`Unexpected`).
                    Some(_) if is_error_status(status) => (None, media::Kind::Json),
                    Some((_, media::Kind::Text)) => (Some(Type::String), media::Kind::Text),
                    Some((_, kind)) => (Some(Type::Bytes), kind),
                    None => (None, media::Kind::Json),
                };
                responses.push(Response {
                    status: status.clone(),
                    description: text(response, "description").unwrap_or_default(),
                    body,
                    kind,
                });
            }
        }
        let idempotent = op
            .get("x-idempotent")
            .and_then(Value::as_bool)
            .unwrap_or(matches!(
                method,
                "get" | "head" | "put" | "delete" | "options"
            ));
        Ok(Operation {
            idempotent,
            id,
            name: sdk_name,
            method: method.to_uppercase(),
            path: path.to_owned(),
            summary: text(op, "summary"),
            description: text(op, "description"),
            params,
            body,
            responses,
        })
    }

    /// Whether values of `ty` have a text form for a path, query or header: scalars and enums,
    /// and with `list_allowed` a list of them.
    fn is_text_value(&self, ty: &Type, list_allowed: bool) -> bool {
        match ty {
            Type::String
            | Type::DateTime
            | Type::Uuid
            | Type::Integer
            | Type::Number
            | Type::Boolean => true,
            Type::Array(inner) => list_allowed && self.is_text_value(inner, false),
            Type::Named(name) => self
                .models
                .get(name)
                .is_some_and(|m| matches!(m.kind, ModelKind::Enum(_) | ModelKind::Union(_))),
            Type::Boxed(_) | Type::Map(_) | Type::Any | Type::Bytes | Type::File => false,
        }
    }

    /// A multipart or form body must be an object with properties: its fields become parts or
    /// pairs. In a multipart body a binary string field (`format: binary`, or 3.1's
    /// `contentMediaType`/`contentEncoding`), or a list of them, becomes a file part.
    fn fields_body(
        &mut self,
        ty: &Type,
        schema: &Value,
        pointer: &str,
        kind: media::Kind,
    ) -> Result<(), Error> {
        let what = match kind {
            media::Kind::Multipart => "a multipart/form-data body",
            _ => "an application/x-www-form-urlencoded body",
        };
        let model = match ty {
            Type::Named(name) => self.models.get(name).map(|m| (name.clone(), &m.kind)),
            _ => None,
        };
        let Some((name, ModelKind::Struct(fields))) = model else {
            return Err(self.err(pointer, format!("{what} must be an object with properties")));
        };
        if kind != media::Kind::Multipart {
            return Ok(());
        }
        let files: Vec<(usize, Type)> = fields
            .iter()
            .enumerate()
            .filter_map(|(i, field)| {
                let prop = self.property_schema(schema, &field.wire_name)?;
                if is_binary(self.target(prop)) {
                    return Some((i, Type::File));
                }
                let items = self.target(prop).get("items")?;
                is_binary(self.target(items)).then(|| (i, Type::Array(Box::new(Type::File))))
            })
            .collect();
        if let Some(Model {
            kind: ModelKind::Struct(fields),
            ..
        }) = self.models.get_mut(&name)
        {
            for (i, ty) in files {
                fields[i].ty = ty;
                fields[i].secret = false;
            }
        }
        Ok(())
    }

    /// The schema of property `name` of an object schema (following references and `allOf`).
    fn property_schema<'v>(&self, schema: &'v Value, name: &str) -> Option<&'v Value>
    where
        Self: 'v,
    {
        let schema = self.target(schema);
        if let Some(prop) = schema.get("properties").and_then(|p| p.get(name)) {
            return Some(prop);
        }
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|member| self.property_schema(member, name))
    }

    /// Parameter names: apart from each other, from the body's fields (both become setters) and
    /// from the request builder's own members; a global one also from the client builder's.
    fn name_params(&self, params: &mut [Param], body: Option<&Body>) {
        let mut taken = Namespace::with_reserved(reserved::REQUEST_MEMBERS);
        if let Some(Type::Named(model)) = body.map(|b| &b.ty)
            && let Some(ModelKind::Struct(fields)) = self.models.get(model).map(|m| &m.kind)
        {
            fields.iter().for_each(|f| taken.insert(&f.name));
        }
        for param in params {
            param.name = if param.global {
                let builder = Namespace::with_reserved(reserved::BUILDER_METHODS);
                taken.claim_with(&param.name, names::snake_suffixed, |c| builder.is_free(c))
            } else {
                taken.claim_snake(&param.name)
            };
        }
    }

    /// Reads one component schema (once), under its own name.
    fn component(&mut self, key: &str, schema: &Value) -> Result<Resolved, Error> {
        if let Some(done) = self.done.get(key) {
            return Ok(done.clone());
        }
        let rust = self
            .components
            .get(key)
            .cloned()
            .unwrap_or_else(|| names::camel(key));
        let pointer = join("/components/schemas", key);
        self.in_progress.push(key.to_owned());
        let resolved = self.resolve_schema(schema, &pointer, &rust);
        self.in_progress.pop();
        let resolved = resolved?;
        if self.recursive.contains(&rust) && !self.models.contains_key(&rust) {
            return Err(self.err(
                &pointer,
                format!(
                    "{key} contains itself, but only an object with properties can: a reference \
                     cycle such as A: {{$ref: B}}, B: {{$ref: A}} or a list of itself names no type"
                ),
            ));
        }
        self.done.insert(key.to_owned(), resolved.clone());
        Ok(resolved)
    }

    /// Reads a schema in either nullability style. Inline objects and enums become models named
    /// after `hint`; references keep their component's name.
    fn resolve_schema(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
    ) -> Result<Resolved, Error> {
        if self.depth >= MAX_SCHEMA_DEPTH {
            return Err(self.err(
                pointer,
                format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here"),
            ));
        }
        self.depth += 1;
        let resolved = self.resolve_schema_inner(schema, pointer, hint);
        self.depth -= 1;
        resolved
    }

    fn resolve_schema_inner(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
    ) -> Result<Resolved, Error> {
        let Some(map) = schema.as_object() else {
            return match schema {
                Value::Bool(true) => Ok(Resolved {
                    ty: Type::Any,
                    nullable: true,
                }),
                _ => Err(self.err(pointer, "a schema must be a mapping")),
            };
        };
        if let Some(reference) = map.get("$ref") {
            let at = join(pointer, "$ref");
            let reference = reference
                .as_str()
                .ok_or_else(|| self.err(&at, "`$ref` must be a string"))?;
            let target = resolve(self.doc, reference)
                .ok_or_else(|| self.err(&at, format!("dangling reference {reference:?}")))?;
            if let Some(key) = component_key(reference)
                && let Some(rust) = self.components.get(&key).cloned()
            {
                let nullable = is_nullable(target);
                if self.in_progress.contains(&key) {
                    self.recursive.insert(rust.clone());
                    return Ok(Resolved {
                        ty: Type::Named(rust),
                        nullable,
                    });
                }
                let resolved = self.component(&key, target)?;
                return Ok(Resolved {
                    ty: resolved.ty,
                    nullable: nullable || resolved.nullable,
                });
            }
            if self.following.iter().any(|r| r == reference) {
                return Err(self.err(
                    &at,
                    format!("{reference:?} refers back to itself; no type can hold this cycle"),
                ));
            }
            self.following.push(reference.to_owned());
            let resolved = self.resolve_schema(target, reference.trim_start_matches('#'), hint);
            self.following.pop();
            return resolved;
        }
        let mut nullable = is_nullable(schema);
        // `anyOf`/`oneOf` of one schema and null; `allOf` of exactly one schema. Several
        // become a union, or for `allOf` one struct of all their properties.
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(members) = map.get(key).and_then(Value::as_array) {
                let at = join(pointer, key);
                let is_null = |m: &Value| m.get("type") == Some(&Value::from("null"));
                nullable |= members.iter().any(is_null);
                // In `allOf`, a member of annotations only (a description, `nullable: true`)
                // adds no shape; nor does one that only narrows the values of another member
                // that has a shape (`allOf: [{$ref: Tier}, {enum: [auto, flex]}]`).
                let shaped = |m: &Value| !annotations_only(m) && !constraints_only(m);
                let narrows_only = key == "allOf" && members.iter().any(shaped);
                if key == "allOf" {
                    nullable |= members
                        .iter()
                        .any(|m| m.get("nullable") == Some(&Value::Bool(true)) && !shaped(m));
                }
                let non_null: Vec<(usize, &Value)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !is_null(m))
                    .filter(|(_, m)| key != "allOf" || !annotations_only(m))
                    .filter(|(_, m)| !narrows_only || shaped(m))
                    .collect();
                let inner = match non_null.as_slice() {
                    [(index, only)] => {
                        self.resolve_schema(only, &join(&at, &index.to_string()), hint)?
                    }
                    [] => Resolved {
                        ty: Type::Any,
                        nullable: true,
                    },
                    _ if key == "allOf" => {
                        let merged = self.merge_all_of(map).ok_or_else(|| {
                            self.err(
                                &at,
                                "`allOf` of schemas that are not all objects cannot be expressed by the generated client",
                            )
                        })?;
                        self.resolve_schema(&merged, &at, hint)?
                    }
                    _ => self.union(schema, &non_null, &at, hint)?,
                };
                return Ok(Resolved {
                    ty: inner.ty,
                    nullable: nullable || inner.nullable,
                });
            }
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            _ => vec![],
        };
        if types.len() > 1 {
            return Err(self.err(
                &join(pointer, "type"),
                format!(
                    "a value of several types {types:?} cannot be expressed by the generated client"
                ),
            ));
        }
        if let Some(value) = map.get("const")
            && !value.is_null()
        {
            let name = self.insert_model(hint, schema, ModelKind::Const(value.clone()));
            return Ok(Resolved {
                ty: Type::Named(name),
                nullable,
            });
        }
        // Numbers and booleans in an enum are carried as their type; the docs list the values.
        let scalar_enum = |values: &Vec<Value>| {
            values.iter().any(|v| v.is_number() || v.is_boolean())
                && values
                    .iter()
                    .all(|v| v.is_number() || v.is_boolean() || v.is_null())
        };
        if let Some(values) = map.get("enum").and_then(Value::as_array)
            && !scalar_enum(values)
        {
            let strings: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if strings.len() + values.iter().filter(|v| v.is_null()).count() != values.len() {
                return Err(self.err(
                    &join(pointer, "enum"),
                    "only string enums can be expressed by the generated client",
                ));
            }
            // A value listed twice is one value.
            let mut seen = BTreeSet::new();
            let strings: Vec<String> = strings
                .into_iter()
                .filter(|v| seen.insert(v.clone()))
                .collect();
            let name = self.insert_model(hint, schema, ModelKind::Enum(strings));
            return Ok(Resolved {
                ty: Type::Named(name),
                nullable,
            });
        }
        let format = map.get("format").and_then(Value::as_str);
        let ty = match types.first().copied() {
            Some("string") => match format {
                Some("date-time") => Type::DateTime,
                Some("uuid") => Type::Uuid,
                _ => Type::String,
            },
            Some("integer") => Type::Integer,
            Some("number") => Type::Number,
            Some("boolean") => Type::Boolean,
            Some("array") => {
                // An array without `items` holds anything.
                match map.get("items") {
                    Some(items) => {
                        let inner = self.resolve_schema(
                            items,
                            &join(pointer, "items"),
                            &format!("{hint}Item"),
                        )?;
                        Type::Array(Box::new(inner.ty))
                    }
                    None => Type::Array(Box::new(Type::Any)),
                }
            }
            Some("object") | None if map.contains_key("properties") => {
                let fields = self.fields(map, pointer, hint)?;
                Type::Named(self.insert_model(hint, schema, ModelKind::Struct(fields)))
            }
            Some("object") => match map.get("additionalProperties") {
                Some(inner @ Value::Object(m)) if !m.is_empty() => {
                    let inner = self.resolve_schema(
                        inner,
                        &join(pointer, "additionalProperties"),
                        &format!("{hint}Value"),
                    )?;
                    Type::Map(Box::new(inner.ty))
                }
                _ => Type::Map(Box::new(Type::Any)),
            },
            None => Type::Any,
            Some(other) => {
                return Err(self.err(&join(pointer, "type"), format!("unknown type {other:?}")));
            }
        };
        Ok(Resolved { ty, nullable })
    }

    /// A `oneOf`/`anyOf` of several schemas as a [`Union`] named after `hint`.
    fn union(
        &mut self,
        schema: &Value,
        members: &[(usize, &Value)],
        pointer: &str,
        hint: &str,
    ) -> Result<Resolved, Error> {
        let tag = self.union_tag(schema, members);
        let mut taken = Namespace::with_reserved(reserved::UNION_VARIANTS);
        let mut variants = Vec::new();
        for (index, member) in members {
            let tag_value = tag.as_ref().and_then(|t| self.tag_value(schema, member, t));
            let component = member
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(component_key)
                .and_then(|key| self.components.get(&key).cloned());
            let member_hint = match &tag_value {
                Some(value) => format!("{hint}{}", names::camel(value)),
                None => format!("{hint}Variant{}", index + 1),
            };
            let at = join(pointer, &index.to_string());
            let resolved = self.resolve_schema(member, &at, &member_hint)?;
            let name = component
                .or_else(|| tag_value.as_deref().map(names::camel))
                .unwrap_or_else(|| shape_name(&resolved.ty).to_owned());
            variants.push(Variant {
                name: taken.claim_camel(&names::camel(&name)),
                ty: resolved.ty,
                tag_value,
            });
        }
        let name = self.insert_model(hint, schema, ModelKind::Union(Union { tag, variants }));
        Ok(Resolved {
            ty: Type::Named(name),
            nullable: false,
        })
    }

    /// The union's tag property: `discriminator.propertyName`, or a property every member
    /// holds as a distinct single string (`const` or a one-value `enum`).
    fn union_tag(&self, schema: &Value, members: &[(usize, &Value)]) -> Option<String> {
        if let Some(name) = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        {
            return Some(name.to_owned());
        }
        let first = self.target(members.first()?.1);
        let candidates = first.get("properties")?.as_object()?.keys();
        candidates
            .filter(|property| {
                let values: Option<BTreeSet<String>> = members
                    .iter()
                    .map(|(_, m)| self.tag_value(&Value::Null, m, property))
                    .collect();
                values.is_some_and(|v| v.len() == members.len())
            })
            .min()
            .cloned()
    }

    /// The value of `property` that marks `member`: from the discriminator's mapping, or the
    /// property's single allowed string.
    fn tag_value(&self, schema: &Value, member: &Value, property: &str) -> Option<String> {
        if let (Some(mapping), Some(reference)) = (
            schema
                .pointer("/discriminator/mapping")
                .and_then(Value::as_object),
            member.get("$ref").and_then(Value::as_str),
        ) && let Some((value, _)) = mapping.iter().find(|(_, r)| r.as_str() == Some(reference))
        {
            return Some(value.clone());
        }
        let prop = self.target(self.target(member).get("properties")?.get(property)?);
        match (
            prop.get("const"),
            prop.get("enum").and_then(Value::as_array),
        ) {
            (Some(Value::String(value)), _) => Some(value.clone()),
            (None, Some(values)) if values.len() == 1 => values[0].as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// The schema a `$ref` chain ends at.
    fn target<'v>(&self, node: &'v Value) -> &'v Value
    where
        Self: 'v,
    {
        crate::load::follow(self.doc, node)
    }

    /// The members of an `allOf` (and the schema's own properties) as one object schema, or
    /// `None` when a member is not an object.
    fn merge_all_of(&self, map: &serde_json::Map<String, Value>) -> Option<Value> {
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        let mut add = |schema: &serde_json::Map<String, Value>| {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                properties.extend(props.clone());
            }
            if let Some(names) = schema.get("required").and_then(Value::as_array) {
                required.extend(names.iter().cloned());
            }
        };
        add(map);
        for member in map.get("allOf")?.as_array()? {
            let member = self.target(member).as_object()?;
            let member_value = Value::Object(member.clone());
            if member.get("type") == Some(&Value::from("null")) || annotations_only(&member_value) {
                continue;
            }
            let member = match member.get("allOf") {
                Some(_) => self.merge_all_of(member)?.as_object()?.clone(),
                None => member.clone(),
            };
            let object = member.contains_key("properties")
                || member.get("type") == Some(&Value::from("object"));
            if !object {
                return None;
            }
            add(&member);
        }
        let mut merged = serde_json::Map::new();
        merged.insert("type".into(), "object".into());
        merged.insert("properties".into(), Value::Object(properties));
        merged.insert("required".into(), Value::Array(required));
        if let Some(description) = map.get("description") {
            merged.insert("description".into(), description.clone());
        }
        Some(Value::Object(merged))
    }

    fn fields(
        &mut self,
        map: &serde_json::Map<String, Value>,
        pointer: &str,
        parent: &str,
    ) -> Result<Vec<Field>, Error> {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields = Vec::new();
        let mut taken = Namespace::with_reserved(reserved::REQUEST_MEMBERS);
        let props = map
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                self.err(
                    &join(pointer, "properties"),
                    "`properties` must be a mapping",
                )
            })?;
        for (wire_name, prop) in props {
            let at = join(&join(pointer, "properties"), wire_name);
            // An inline type is named after its parent and field (`ApiKeyLimitReset`): a function
            // of its own place, so an edit elsewhere never renames it.
            let hint = format!("{parent}{}", names::camel(wire_name));
            let resolved = self.resolve_schema(prop, &at, &hint)?;
            let secret = resolved.ty == Type::String && is_secret(wire_name, prop);
            fields.push(Field {
                name: taken.claim_snake(&names::snake(wire_name)),
                wire_name: wire_name.clone(),
                ty: resolved.ty,
                required: required.contains(&wire_name.as_str()),
                nullable: resolved.nullable,
                secret,
                deprecated: prop.get("deprecated") == Some(&Value::Bool(true)),
                description: text(prop, "description").or_else(|| {
                    prop.get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| resolve(self.doc, r))
                        .and_then(|t| text(t, "description"))
                }),
                constraints: constraints(prop),
                example: prop.get("example").cloned(),
            });
        }
        Ok(fields)
    }

    /// Adds a model under `hint` and returns its name. Equal models in different places stay
    /// apart: a name never depends on whether another schema happens to be equal. Should two
    /// places give the same name, the one read later gets a suffix.
    fn insert_model(&mut self, hint: &str, schema: &Value, kind: ModelKind) -> String {
        let hint = names::camel(hint);
        // A component takes the name claimed for it; everything else claims a free one.
        let own_component = self
            .in_progress
            .last()
            .and_then(|key| self.components.get(key))
            .is_some_and(|rust| *rust == hint && !self.models.contains_key(&hint));
        let name = if own_component {
            hint
        } else {
            self.types.claim_camel(&hint)
        };
        self.models.insert(
            name.clone(),
            Model {
                name: name.clone(),
                description: text(schema, "description"),
                kind,
            },
        );
        name
    }
}

/// Whether a schema is a string of bytes rather than text: `format: binary` (3.0), or a
/// `contentMediaType`/`contentEncoding` (3.1).
fn is_binary(schema: &Value) -> bool {
    let string = match schema.get("type") {
        None => true,
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        Some(_) => false,
    };
    string
        && (schema.get("format") == Some(&Value::from("binary"))
            || schema.get("contentMediaType").is_some()
            || schema.get("contentEncoding").is_some())
}

/// Whether a schema only describes (`description`, `example`, `x-...`) and adds no shape.
fn annotations_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "description"
                        | "title"
                        | "example"
                        | "examples"
                        | "deprecated"
                        | "default"
                        | "readOnly"
                        | "writeOnly"
                        | "$comment"
                        | "required"
                        | "nullable"
                )
        })
    })
}

/// Whether a schema only restricts values (`enum`, `format`, bounds) without a type or
/// properties of its own: as a member of `allOf` beside a typed member it narrows that type.
fn constraints_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "enum"
                        | "format"
                        | "pattern"
                        | "minLength"
                        | "maxLength"
                        | "minimum"
                        | "maximum"
                        | "exclusiveMinimum"
                        | "exclusiveMaximum"
                        | "multipleOf"
                        | "minItems"
                        | "maxItems"
                        | "uniqueItems"
                        | "nullable"
                        | "description"
                        | "title"
                        | "example"
                        | "examples"
                        | "default"
                        | "deprecated"
                        | "$comment"
                )
        })
    })
}

/// A union variant's name from its type, when neither a component nor a tag names it.
fn shape_name(ty: &Type) -> &'static str {
    match ty {
        Type::String | Type::DateTime | Type::Uuid => "String",
        Type::Integer => "Integer",
        Type::Number => "Number",
        Type::Boolean => "Boolean",
        Type::Array(_) => "Array",
        Type::Boxed(inner) => shape_name(inner),
        Type::Bytes | Type::File => "Bytes",
        Type::Map(_) | Type::Any | Type::Named(_) => "Object",
    }
}

/// `Foo` for `#/components/schemas/Foo` (one segment, unescaped), `None` for other references.
fn component_key(reference: &str) -> Option<String> {
    let key = reference.strip_prefix("#/components/schemas/")?;
    (!key.contains('/')).then(|| key.replace("~1", "/").replace("~0", "~"))
}

/// `404`, `4XX` or `default`: the keys OpenAPI allows under `responses`.
fn is_status_key(status: &str) -> bool {
    let bytes = status.as_bytes();
    status == "default"
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit)
                || bytes[1..].eq_ignore_ascii_case(b"XX")))
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || matches!(schema.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"))
        || matches!(schema.get("enum"), Some(Value::Array(vs)) if vs.iter().any(Value::is_null))
        || schema.get("const") == Some(&Value::Null)
}

fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, words) in [
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
        ("minimum", "at least {}"),
        ("maximum", "at most {}"),
    ] {
        if let Some(n) = schema.get(key) {
            out.push(words.replace("{}", &n.to_string()));
        }
    }
    // Numeric formats are already in the Rust type; the others say something the type does not.
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && !matches!(format, "double" | "float" | "int32" | "int64")
    {
        out.push(format!("format `{format}`"));
    }
    out
}
