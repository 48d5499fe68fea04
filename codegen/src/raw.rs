//! The progenitor step: typify types and a builder-style client from the 3.0.3 view.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use serde_json::{Map, Value};
use syn::visit_mut::VisitMut;

use crate::error::{Error, join};
use crate::load::METHODS;
use crate::precheck;

/// Runs progenitor on the normalized document and returns the syntax tree of `raw.rs`, parsed
/// once and edited in place.
///
/// `secrets` are the `(model, field)` pairs the IR marks as credentials: in progenitor's types
/// they become `SecretString` too. When progenitor's output would not compile (names it makes
/// twice), the module is left out with the reason; the SDK does not need it.
pub(crate) fn generate(
    file: &str,
    view: &Value,
    secrets: &BTreeSet<(String, String)>,
) -> Result<Raw, Error> {
    precheck::check(file, view)?;
    let spec = read(file, view)?;
    let tokens = match progenitor_tokens(&spec) {
        Ok(tokens) => tokens,
        Err(message) => return Err(Error::at(file, &blame(view), message)),
    };
    let mut file_ast: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::at(
            file,
            &blame(view),
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    TidyProgenitorOutput.visit_file_mut(&mut file_ast);
    AlignTypesWithTheSdk {
        secrets,
        modules: Vec::new(),
    }
    .visit_file_mut(&mut file_ast);
    if let Some(reason) = duplicate_names(&file_ast.items, "raw") {
        return Ok(Raw::Unavailable(reason));
    }
    Ok(Raw::Module(file_ast))
}

/// Crates progenitor's output may name beyond progenitor-client's own: `futures` (streams of
/// pages), `base64` and `rand` (WebSocket upgrades), `regress` (typify's `pattern` checks).
/// The `raw` feature enables the ones used.
pub(crate) const OPTIONAL_CRATES: [(&str, &str); 4] = [
    ("futures", "0.3"),
    ("base64", "0.23"),
    ("rand", "0.9"),
    ("regress", "0.12"),
];

/// The [`OPTIONAL_CRATES`] that progenitor's formatted module names by absolute path
/// (`::futures::StreamExt`, not `crate::futures::`).
pub(crate) fn crates_used(text: &str) -> BTreeSet<&'static str> {
    OPTIONAL_CRATES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| {
            text.match_indices(&format!("::{name}::")).any(|(at, _)| {
                !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '>')
            })
        })
        .collect()
}

/// progenitor's module, or why there is none.
pub(crate) enum Raw {
    /// The body of `raw.rs`.
    Module(syn::File),
    /// What makes progenitor's output unusable for this document.
    Unavailable(String),
}

/// The first name progenitor defines twice in one module (`FooBar` from `fooBar` and
/// `foo_bar`), or a field it repeats in one struct: such output does not compile.
fn duplicate_names(items: &[syn::Item], module: &str) -> Option<String> {
    let mut seen = BTreeSet::new();
    for item in items {
        let name = match item {
            syn::Item::Struct(s) => {
                let mut fields = BTreeSet::new();
                for field in &s.fields {
                    if let Some(ident) = &field.ident
                        && !fields.insert(ident.to_string())
                    {
                        return Some(format!(
                            "progenitor gives `{module}::{}` the field `{ident}` twice",
                            s.ident
                        ));
                    }
                }
                Some(s.ident.to_string())
            }
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content
                    && let Some(reason) = duplicate_names(inner, &format!("{module}::{}", m.ident))
                {
                    return Some(reason);
                }
                Some(format!("mod {}", m.ident))
            }
            _ => None,
        };
        if let Some(name) = name
            && !seen.insert(name.clone())
        {
            return Some(format!("progenitor defines `{module}::{name}` twice"));
        }
    }
    None
}

/// Why there is no `raw.rs` when progenitor cannot generate it.
pub(crate) fn left_out(error: &Error) -> String {
    format!(
        "progenitor cannot generate a client from this document (at `{}`: {})",
        error.location, error.message
    )
}

/// The view as openapiv3 types; an error names the place that does not fit.
fn read(file: &str, view: &Value) -> Result<OpenAPI, Error> {
    serde_path_to_error::deserialize(view).map_err(|e| {
        let mut pointer = String::new();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer = join(&pointer, &index.to_string()),
                Segment::Map { key } => pointer = join(&pointer, key),
                Segment::Enum { variant } => pointer = join(&pointer, variant),
                Segment::Unknown => break,
            }
        }
        let message = e.inner().to_string();
        // serde's path stops where openapiv3 tries alternatives (a reference or an item); then
        // the piece that cannot be read alone is the more precise place.
        let located = blame_with(view, |v| {
            serde_json::from_value::<OpenAPI>(v.clone()).is_err()
        });
        if located.starts_with(&format!("{pointer}/")) {
            pointer = located;
        } else if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            // serde names a missing field only in its message.
            pointer = join(&pointer, field);
        }
        Error::at(
            file,
            &pointer,
            format!("cannot be read as OpenAPI 3.0: {message}"),
        )
    })
}

/// progenitor's tokens, or why it could not make them: its error, or the message of a panic
/// (it asserts on shapes the checks above do not know of).
fn progenitor_tokens(spec: &OpenAPI) -> Result<TokenStream, String> {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq");
    let run = quietly(|| progenitor::Generator::new(&settings).generate_tokens(spec));
    match run {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("progenitor cannot generate a client: {e}")),
        Err(panic) => Err(format!(
            "progenitor cannot generate a client (it panicked: {panic})"
        )),
    }
}

thread_local! {
    /// Set while [`quietly`] runs on this thread: its panics are expected and reported as errors.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into its message, without printing it. The panic hook is replaced
/// once by one that stays silent on threads inside `quietly` and defers to the old one elsewhere.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned())
    })
}

/// Whether progenitor fails on `view`.
fn fails(view: &Value) -> bool {
    serde_json::from_value::<OpenAPI>(view.clone())
        .map_or(true, |spec| progenitor_tokens(&spec).is_err())
}

/// Where progenitor fails.
fn blame(view: &Value) -> String {
    blame_with(view, fails)
}

/// Where `fails` holds: a component on its own (a schema with what it refers to), else the
/// first operation that fails alone, else the paths as a whole.
fn blame_with(view: &Value, fails: impl Fn(&Value) -> bool) -> String {
    let mut bare = view.clone();
    if let Some(root) = bare.as_object_mut() {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    if fails(&bare) {
        let names: Vec<String> = schemas(&bare)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            if fails(&with_schemas(&bare, &closure(&bare, &name))) {
                return join("/components/schemas", &name);
            }
        }
        let components = bare.get("components").and_then(Value::as_object);
        for (kind, entries) in components.into_iter().flatten() {
            for name in entries.as_object().into_iter().flat_map(|e| e.keys()) {
                let mut alone = bare.clone();
                if let Some(root) = alone.as_object_mut() {
                    let entry = entries.get(name).cloned().unwrap_or_default();
                    root.insert(
                        "components".into(),
                        serde_json::json!({ kind: { name: entry } }),
                    );
                }
                if fails(&alone) {
                    return join(&join("/components", kind), name);
                }
            }
        }
        return "/components".to_owned();
    }
    let Some(paths) = view.get("paths").and_then(Value::as_object) else {
        return "/paths".to_owned();
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut alone = Map::new();
            alone.insert(method.to_owned(), op.clone());
            if let Some(params) = item.get("parameters") {
                alone.insert("parameters".to_owned(), params.clone());
            }
            let mut single = bare.clone();
            if let Some(root) = single.as_object_mut() {
                root.insert("paths".into(), serde_json::json!({ path.clone(): alone }));
            }
            if fails(&single) {
                return join(&join("/paths", path), method);
            }
        }
    }
    "/paths".to_owned()
}

fn schemas(view: &Value) -> Option<&Map<String, Value>> {
    view.pointer("/components/schemas")?.as_object()
}

/// `name` and every component schema it reaches through references.
fn closure(view: &Value, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![name.to_owned()];
    while let Some(next) = stack.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        if let Some(schema) = schemas(view).and_then(|s| s.get(&next)) {
            let mut refs = Vec::new();
            schema_refs(schema, &mut refs);
            stack.extend(refs);
        }
    }
    seen
}

fn schema_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| schema_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// `view` with only the named component schemas.
fn with_schemas(view: &Value, keep: &BTreeSet<String>) -> Value {
    let mut out = view.clone();
    if let Some(Value::Object(schemas)) = out.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| keep.contains(name));
    }
    out
}

/// Edits to progenitor's output. It sends `api-version: <info.version>` on every request;
/// OpenRouter defines no such header, so the statement that appends it is removed. Its usage
/// snippets are marked `ignore`, which rustdoc counts as skipped tests, and the document's prose
/// may hold code blocks: all become plain text.
struct TidyProgenitorOutput;

impl VisitMut for TidyProgenitorOutput {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut nv.value
        {
            // Prose from the document and progenitor's snippets alike: no block runs.
            let inert = crate::markdown::prose_keeping_code_links(&crate::markdown::inert(
                &text.value(),
                &[],
            ));
            if inert != text.value() {
                *text = syn::LitStr::new(&inert, text.span());
            }
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| {
            // Only a statement that starts with `header_map.append` is printed and read.
            !(starts_with_header_map_append(stmt) && {
                let text = quote::ToTokens::to_token_stream(stmt).to_string();
                text.starts_with("header_map . append") && text.contains("\"api-version\"")
            })
        });
        // Without that header, a map no other statement adds to need not be `mut`.
        if block.stmts.len() < before {
            let mutated = block.stmts.iter().any(|stmt| {
                let text = quote::ToTokens::to_token_stream(stmt).to_string();
                text.contains("header_map . append") || text.contains("header_map . insert")
            });
            if !mutated {
                for stmt in &mut block.stmts {
                    if let syn::Stmt::Local(local) = stmt
                        && let syn::Pat::Ident(pat) = &mut local.pat
                        && pat.ident == "header_map"
                    {
                        pat.mutability = None;
                    }
                }
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    /// progenitor's builder module imports `super::types` whether or not an operation uses a
    /// type (one that sends and returns bytes uses none): the import may go unused.
    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        if quote::ToTokens::to_token_stream(&item.tree).to_string() == "super :: types" {
            item.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
        }
    }
}

/// Whether a statement is an expression that begins with `header_map.append` (then a call
/// chain, `?` or `.await` may follow).
fn starts_with_header_map_append(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(expr, _) = stmt else {
        return false;
    };
    let mut expr = expr;
    loop {
        match expr {
            syn::Expr::MethodCall(call) => {
                if let syn::Expr::Path(receiver) = &*call.receiver
                    && receiver.path.is_ident("header_map")
                {
                    return call.method == "append";
                }
                expr = &call.receiver;
            }
            syn::Expr::Try(e) => expr = &e.expr,
            syn::Expr::Await(e) => expr = &e.base,
            syn::Expr::Field(e) => expr = &e.base,
            _ => return false,
        }
    }
}

/// Gives typify's types what the SDK's types promise: `#[non_exhaustive]` (a new optional field
/// is not a breaking change) and `SecretString` for credentials, in the types and in their
/// builders, so `raw` prints no key either.
struct AlignTypesWithTheSdk<'a> {
    secrets: &'a BTreeSet<(String, String)>,
    /// The modules the visitor is inside, such as `["types", "builder"]`.
    modules: Vec<String>,
}

impl AlignTypesWithTheSdk<'_> {
    fn is_secret(&self, model: &syn::Ident, field: &syn::Ident) -> bool {
        let field = field.to_string();
        let field = field.trim_start_matches("r#");
        self.secrets
            .iter()
            .any(|(m, f)| model == m && heck::ToSnakeCase::to_snake_case(f.as_str()) == field)
    }

    fn in_modules(&self, path: &[&str]) -> bool {
        self.modules
            .iter()
            .map(String::as_str)
            .eq(path.iter().copied())
    }
}

/// `String` → `crate::SecretString`, and `Option<String>` → `Option<crate::SecretString>`.
fn secret_type(ty: &mut syn::Type) {
    let text = quote::ToTokens::to_token_stream(&*ty).to_string();
    let replaced = match text.as_str() {
        ":: std :: string :: String" => quote::quote!(crate::SecretString),
        ":: std :: option :: Option < :: std :: string :: String >" => {
            quote::quote!(::std::option::Option<crate::SecretString>)
        }
        _ => return,
    };
    if let Ok(new) = syn::parse2(replaced) {
        *ty = new;
    }
}

/// The first type argument of a path type: `A` in `Result<A, B>` or `TryInto<A>`.
fn first_type_argument(arguments: &mut syn::PathArguments) -> Option<&mut syn::Type> {
    match arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter_mut().find_map(|a| match a {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

impl VisitMut for AlignTypesWithTheSdk<'_> {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        self.modules.push(module.ident.to_string());
        syn::visit_mut::visit_item_mod_mut(self, module);
        self.modules.pop();
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if self.in_modules(&["types"]) {
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            for field in item.fields.iter_mut() {
                if let Some(name) = &field.ident
                    && self.is_secret(&item.ident, name)
                {
                    secret_type(&mut field.ty);
                }
            }
        } else if self.in_modules(&["types", "builder"]) {
            // Builder fields are `Result<T, String>`: only `T` changes.
            for field in item.fields.iter_mut() {
                if let Some(name) = &field.ident
                    && self.is_secret(&item.ident, name)
                    && let syn::Type::Path(path) = &mut field.ty
                    && let Some(last) = path.path.segments.last_mut()
                    && let Some(inner) = first_type_argument(&mut last.arguments)
                {
                    secret_type(inner);
                }
            }
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        if self.in_modules(&["types"]) {
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        // The builder's setter of a secret field: `where T: TryInto<String>`.
        if !self.in_modules(&["types", "builder"]) || item.trait_.is_some() {
            return;
        }
        let syn::Type::Path(self_ty) = &*item.self_ty else {
            return;
        };
        let Some(model) = self_ty.path.get_ident().cloned() else {
            return;
        };
        for member in &mut item.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            if !self.is_secret(&model, &method.sig.ident) {
                continue;
            }
            let Some(clause) = &mut method.sig.generics.where_clause else {
                continue;
            };
            for predicate in &mut clause.predicates {
                let syn::WherePredicate::Type(predicate) = predicate else {
                    continue;
                };
                for bound in &mut predicate.bounds {
                    if let syn::TypeParamBound::Trait(bound) = bound
                        && let Some(last) = bound.path.segments.last_mut()
                        && last.ident == "TryInto"
                        && let Some(inner) = first_type_argument(&mut last.arguments)
                    {
                        secret_type(inner);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_feature_enables_the_crates_progenitor_names() {
        let text = "mod builder {\n    use ::futures::StreamExt;\n    fn key() -> [u8; 16] {\n        \
                    ::rand::random::<[u8; 16]>()\n    }\n    // Paths that only contain a crate's \
                    name.\n    use crate::base64::engine;\n    fn f() { Vec::<u8>::regress::x(); }\n}\n";
        assert_eq!(
            crates_used(text).into_iter().collect::<Vec<_>>(),
            ["futures", "rand"]
        );
    }
}
