//! Compares the IR of two documents and classifies every change by what it does to the crate's
//! users. The rules are written down in `docs/api-changes.md`; each has a fixture pair in
//! `tests/fixtures/changes/`.
//!
//! Operations are matched by method and path (then by `operationId`, for a moved path),
//! parameters by place and wire name, responses by status, fields by wire name. Types are
//! matched by position: the types found at the same place in both documents (an operation's body,
//! a response, a field) are compared with each other, so a type whose generated name changed is
//! reported as renamed, not as removed and added. Types are compared as the templates render
//! them, so a rewrite with the same meaning (such as `nullable: true` turned into a type array)
//! reports no change.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Field, Group, Location, Model, ModelKind, Operation, Type};
use crate::report::{Change, Class, Report};

/// Every change from `old` to `new`; the names say which documents they are.
pub(crate) fn compare((old_name, old): (&str, &Api), (new_name, new): (&str, &Api)) -> Report {
    let mut diff = Diff {
        old: Side::new(old),
        new: Side::new(new),
        changes: Vec::new(),
        doc_edits: Vec::new(),
        pairs: BTreeMap::new(),
    };
    diff.api();
    let mut changes = diff.changes;
    // Breaking first; within a class, the order they were found (document order).
    changes.sort_by_key(|c| c.class);
    Report {
        old: format!("{old_name} ({} {})", old.title, old.version),
        new: format!("{new_name} ({} {})", new.title, new.version),
        changes,
        doc_edits: diff.doc_edits,
    }
}

/// One document's IR, with the facts the templates derive from it.
struct Side<'a> {
    api: &'a Api,
    /// Models reachable from request bodies: their optional nullable fields have three states.
    requests: BTreeSet<String>,
}

impl<'a> Side<'a> {
    fn new(api: &'a Api) -> Self {
        let ops = api.groups.iter().flat_map(|g| &g.operations);
        Side {
            api,
            requests: reachable(api, ops.filter_map(|op| op.body.as_ref().map(|b| &b.ty))),
        }
    }

    fn operations(&self) -> Vec<(&'a Group, &'a Operation)> {
        self.api
            .groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
            .collect()
    }

    /// The Rust type of a value, as the templates write it (without the `crate::` prefixes).
    fn render(&self, ty: &Type, secret: bool) -> String {
        match ty {
            Type::String if secret => "SecretString".into(),
            Type::String => "String".into(),
            Type::DateTime => "Timestamp".into(),
            Type::Uuid => "UuidString".into(),
            Type::Integer => "i64".into(),
            Type::Number => "f64".into(),
            Type::Boolean => "bool".into(),
            Type::Any => "serde_json::Value".into(),
            Type::Bytes => "Bytes".into(),
            Type::File => "FilePart".into(),
            Type::Array(inner) => format!("Vec<{}>", self.render(inner, false)),
            // Boxing a recursive field is how it is stored, not what it is.
            Type::Boxed(inner) => self.render(inner, secret),
            Type::Map(inner) => format!("Map<String, {}>", self.render(inner, false)),
            Type::Named(name) => match self.api.models.get(name).map(|m| &m.kind) {
                // A constant is carried as its JSON type.
                Some(ModelKind::Const(value)) => match value {
                    serde_json::Value::Bool(_) => "bool".into(),
                    serde_json::Value::Number(n) if n.is_f64() => "f64".into(),
                    serde_json::Value::Number(_) => "i64".into(),
                    serde_json::Value::String(_) => "String".into(),
                    _ => "serde_json::Value".into(),
                },
                _ => name.clone(),
            },
        }
    }

    /// The Rust type of a struct field, as `templates/models.rs` writes it.
    fn field_type(&self, model: &str, field: &Field) -> String {
        let inner = self.render(&field.ty, field.secret);
        if self.requests.contains(model) && !field.required && field.nullable {
            format!("Option<Nullable<{inner}>>")
        } else if !field.required || field.nullable {
            format!("Option<{inner}>")
        } else {
            inner
        }
    }
}

/// Models reachable from `roots`, through fields, arrays and maps.
fn reachable<'a>(api: &Api, roots: impl Iterator<Item = &'a Type>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Type> = roots.collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(inner) | Type::Map(inner) => stack.push(inner),
            Type::Named(name) => {
                if seen.insert(name.clone())
                    && let Some(ModelKind::Struct(fields)) = api.models.get(name).map(|m| &m.kind)
                {
                    stack.extend(fields.iter().map(|f| &f.ty));
                }
            }
            _ => {}
        }
    }
    seen
}

struct Diff<'a> {
    old: Side<'a>,
    new: Side<'a>,
    changes: Vec<Change>,
    doc_edits: Vec<String>,
    /// Models found at the same place in both documents: (old name, new name) → where first seen.
    pairs: BTreeMap<(String, String), String>,
}

impl Diff<'_> {
    fn change(&mut self, class: Class, subject: impl Into<String>, detail: impl Into<String>) {
        self.changes.push(Change {
            class,
            subject: subject.into(),
            detail: detail.into(),
        });
    }

    fn doc<T: PartialEq>(&mut self, subject: &str, what: &str, old: &T, new: &T) {
        if old != new {
            self.doc_edits.push(format!("{subject}: {what}"));
        }
    }

    fn api(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
        self.doc(
            "the document",
            "title or version",
            &(&old.title, &old.version),
            &(&new.title, &new.version),
        );
        self.doc(
            "the document",
            "description",
            &old.description,
            &new.description,
        );
        if old.base_url != new.base_url {
            self.change(
                Class::Breaking,
                "the client",
                format!("default base URL {} → {}", old.base_url, new.base_url),
            );
        }
        if old.bearer_auth != new.bearer_auth {
            let now = if new.bearer_auth {
                "sends"
            } else {
                "no longer sends"
            };
            self.change(
                Class::Breaking,
                "the client",
                format!("{now} the API key as a bearer token"),
            );
        }
        match (&old.retries, &new.retries) {
            (None, Some(_)) => self.change(
                Class::Breaking,
                "the client",
                "retries by default now (the document gives retry settings)",
            ),
            (Some(_), None) => self.change(
                Class::Breaking,
                "the client",
                "no longer retries by default (the document gives no retry settings)",
            ),
            (Some(o), Some(n)) if o != n => self.change(
                Class::Additive,
                "the client",
                "the document's default backoff changed; what is retried did not",
            ),
            _ => {}
        }
        for group in &new.groups {
            if let Some(before) = old.groups.iter().find(|g| g.tag == group.tag) {
                self.doc(
                    &format!("tag {}", group.tag),
                    "description",
                    &before.description,
                    &group.description,
                );
            }
        }
        self.operations();
        self.models();
    }

    fn operations(&mut self) {
        let olds = self.old.operations();
        let news = self.new.operations();
        let key = |op: &Operation| (op.method.clone(), op.path.clone());
        let mut matched = BTreeSet::new();
        for &(group, op) in &news {
            // By method and path; failing that, by operationId (the path moved).
            let before = olds.iter().find(|(_, o)| key(o) == key(op)).or_else(|| {
                olds.iter()
                    .find(|(_, o)| o.id == op.id && !news.iter().any(|(_, n)| key(n) == key(o)))
            });
            match before {
                Some(&(old_group, old_op)) => {
                    matched.insert(key(old_op));
                    self.operation(old_group, old_op, group, op);
                }
                None => self.change(
                    Class::Additive,
                    label(group, op),
                    "new operation".to_owned(),
                ),
            }
        }
        for &(group, op) in &olds {
            if !matched.contains(&key(op)) {
                self.change(Class::Breaking, label(group, op), "operation removed");
            }
        }
    }

    fn operation(&mut self, og: &Group, o: &Operation, ng: &Group, n: &Operation) {
        let at = label(ng, n);
        if (&og.name, &o.name) != (&ng.name, &n.name) {
            self.change(
                Class::Breaking,
                &at,
                format!(
                    "method `{}().{}` renamed to `{}().{}`",
                    og.name, o.name, ng.name, n.name
                ),
            );
        }
        if (&o.method, &o.path) != (&n.method, &n.path) {
            self.change(
                Class::Additive,
                &at,
                format!(
                    "moved from `{} {}`; the method is unchanged",
                    o.method, o.path
                ),
            );
        }
        if o.idempotent != n.idempotent {
            let detail = if n.idempotent {
                "retry class: now idempotent, so retried after a 5XX or a lost connection"
            } else {
                "retry class: no longer idempotent, so never retried once sent"
            };
            self.change(Class::Breaking, &at, detail);
        }
        self.doc(&at, "operationId", &o.id, &n.id);
        self.doc(&at, "summary", &o.summary, &n.summary);
        self.doc(&at, "description", &o.description, &n.description);
        self.params(&at, o, n);
        self.body(&at, o, n);
        self.responses(&at, o, n);
    }

    fn params(&mut self, at: &str, o: &Operation, n: &Operation) {
        let place = |l: Location| match l {
            Location::Path => "path parameter",
            Location::Query => "query parameter",
            Location::Header => "header parameter",
        };
        for p in &n.params {
            let subject = format!("{at} {} `{}`", place(p.location), p.wire_name);
            let Some(before) = o
                .params
                .iter()
                .find(|q| (q.location, &q.wire_name) == (p.location, &p.wire_name))
            else {
                if p.required {
                    self.change(
                        Class::Breaking,
                        subject,
                        format!("new required parameter: a new argument `{}`", p.name),
                    );
                } else {
                    self.change(
                        Class::Additive,
                        subject,
                        format!("new optional parameter: setter `.{}(..)`", p.name),
                    );
                }
                continue;
            };
            if before.name != p.name {
                self.change(
                    Class::Breaking,
                    &subject,
                    format!("renamed `{}` → `{}`", before.name, p.name),
                );
            }
            if before.required != p.required {
                let detail = if p.required {
                    "now required: an argument instead of a setter"
                } else {
                    "now optional: a setter instead of an argument"
                };
                self.change(Class::Breaking, &subject, detail);
            }
            let (was, is) = (
                self.old.render(&before.ty, false),
                self.new.render(&p.ty, false),
            );
            if was != is {
                self.change(Class::Breaking, &subject, format!("type `{was}` → `{is}`"));
            }
            self.link(&before.ty, &p.ty, &subject);
            // A parameter's nullability has no Rust form: absent and `null` mean the same.
            self.doc(&subject, "description", &before.description, &p.description);
            self.doc(&subject, "example", &before.example, &p.example);
        }
        for p in &o.params {
            if !n
                .params
                .iter()
                .any(|q| (q.location, &q.wire_name) == (p.location, &p.wire_name))
            {
                let subject = format!("{at} {} `{}`", place(p.location), p.wire_name);
                self.change(
                    Class::Breaking,
                    subject,
                    format!("parameter removed (argument or setter `{}`)", p.name),
                );
            }
        }
    }

    fn body(&mut self, at: &str, o: &Operation, n: &Operation) {
        let subject = format!("{at} request body");
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(_)) => self.change(Class::Breaking, subject, "new request body"),
            (Some(_), None) => self.change(Class::Breaking, subject, "request body removed"),
            (Some(before), Some(body)) => {
                let (was, is) = (
                    self.old.render(&before.ty, false),
                    self.new.render(&body.ty, false),
                );
                if was != is {
                    self.change(Class::Breaking, &subject, format!("type `{was}` → `{is}`"));
                }
                self.link(&before.ty, &body.ty, &subject);
                self.doc(
                    &subject,
                    "description",
                    &before.description,
                    &body.description,
                );
            }
        }
    }

    fn responses(&mut self, at: &str, o: &Operation, n: &Operation) {
        for r in &n.responses {
            let subject = format!("{at} status {}", r.status);
            let Some(before) = o.responses.iter().find(|q| q.status == r.status) else {
                let detail = if r.is_error() {
                    format!(
                        "new error status: a new variant of `{}Error` (#[non_exhaustive])",
                        type_name(&n.name)
                    )
                } else {
                    "new success status".to_owned()
                };
                self.change(Class::Additive, subject, detail);
                continue;
            };
            let render = |side: &Side, ty: &Option<Type>| {
                ty.as_ref()
                    .map_or("no body".to_owned(), |t| side.render(t, false))
            };
            let (was, is) = (render(&self.old, &before.body), render(&self.new, &r.body));
            if was != is {
                self.change(
                    Class::Breaking,
                    &subject,
                    format!("body type `{was}` → `{is}`"),
                );
            }
            if let (Some(a), Some(b)) = (&before.body, &r.body) {
                self.link(a, b, &subject);
            }
            self.doc(&subject, "description", &before.description, &r.description);
        }
        for r in &o.responses {
            if !n.responses.iter().any(|q| q.status == r.status) {
                let subject = format!("{at} status {}", r.status);
                let detail = if r.is_error() {
                    format!(
                        "error status removed: its variant of `{}Error` is gone",
                        type_name(&o.name)
                    )
                } else {
                    "success status removed: the crate now reports it as an unexpected status"
                        .to_owned()
                };
                self.change(Class::Breaking, subject, detail);
            }
        }
    }

    /// Records the models found at the same place in both documents, and those nested in them.
    fn link(&mut self, o: &Type, n: &Type, at: &str) {
        match (o, n) {
            (Type::Array(a), Type::Array(b)) | (Type::Map(a), Type::Map(b)) => self.link(a, b, at),
            (Type::Named(a), Type::Named(b)) => {
                let key = (a.clone(), b.clone());
                if self.pairs.contains_key(&key) {
                    return;
                }
                self.pairs.insert(key, at.to_owned());
                let kinds = (
                    self.old.api.models.get(a).map(|m| &m.kind),
                    self.new.api.models.get(b).map(|m| &m.kind),
                );
                if let (Some(ModelKind::Struct(fa)), Some(ModelKind::Struct(fb))) = kinds {
                    for f in fb {
                        if let Some(before) = fa.iter().find(|g| g.wire_name == f.wire_name) {
                            self.link(&before.ty, &f.ty, at);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn models(&mut self) {
        let pairs: Vec<((String, String), String)> =
            std::mem::take(&mut self.pairs).into_iter().collect();
        for ((a, b), at) in pairs {
            let (Some(o), Some(n)) = (self.old.api.models.get(&a), self.new.api.models.get(&b))
            else {
                continue;
            };
            self.model(o, n, &at);
        }
    }

    fn model(&mut self, o: &Model, n: &Model, at: &str) {
        let subject = format!("type `{}` ({at})", n.name);
        if o.name != n.name && !matches!(n.kind, ModelKind::Const(_)) {
            self.change(
                Class::Breaking,
                &subject,
                format!("renamed from `{}`", o.name),
            );
        }
        self.doc(&subject, "description", &o.description, &n.description);
        match (&o.kind, &n.kind) {
            (ModelKind::Enum(was), ModelKind::Enum(is)) => {
                for value in is.iter().filter(|v| !was.contains(v)) {
                    self.change(
                        Class::Additive,
                        &subject,
                        format!(
                            "new enum value `{value}` (the enum is open and #[non_exhaustive])"
                        ),
                    );
                }
                for value in was.iter().filter(|v| !is.contains(v)) {
                    self.change(
                        Class::Breaking,
                        &subject,
                        format!("enum value `{value}` removed: its variant is gone"),
                    );
                }
            }
            (ModelKind::Const(was), ModelKind::Const(is)) => {
                if was != is {
                    self.change(Class::Breaking, &subject, format!("constant {was} → {is}"));
                }
            }
            (ModelKind::Struct(was), ModelKind::Struct(is)) => self.fields(o, n, was, is, at),
            _ => self.change(
                Class::Breaking,
                &subject,
                "a different kind of type (struct, enum or constant)",
            ),
        }
    }

    fn fields(&mut self, o: &Model, n: &Model, was: &[Field], is: &[Field], at: &str) {
        let input = self.new.requests.contains(&n.name) || self.old.requests.contains(&o.name);
        for f in is {
            let subject = format!("`{}.{}` ({at})", n.name, f.wire_name);
            let Some(before) = was.iter().find(|g| g.wire_name == f.wire_name) else {
                let detail = match (input, f.required) {
                    (true, true) => "new required request field: a new argument, so existing calls no longer compile".to_owned(),
                    (true, false) => format!("new optional request field: setter `.{}(..)`", f.name),
                    (false, required) => format!(
                        "new {} response field (the struct is #[non_exhaustive])",
                        if required { "required" } else { "optional" }
                    ),
                };
                let class = if input && f.required {
                    Class::Breaking
                } else {
                    Class::Additive
                };
                self.change(class, subject, detail);
                continue;
            };
            self.field(&o.name, before, &n.name, f, input, &subject);
        }
        for f in was {
            if !is.iter().any(|g| g.wire_name == f.wire_name) {
                let subject = format!("`{}.{}` ({at})", n.name, f.wire_name);
                self.change(
                    Class::Breaking,
                    subject,
                    format!("field removed (`{}`)", f.name),
                );
            }
        }
    }

    /// One field present in both documents; `input` when its struct is part of a request.
    fn field(&mut self, om: &str, o: &Field, nm: &str, n: &Field, input: bool, subject: &str) {
        let (was, is) = (self.old.field_type(om, o), self.new.field_type(nm, n));
        let mut facts = Vec::new();
        if o.required != n.required {
            facts.push(if n.required {
                "now required"
            } else {
                "no longer required"
            });
        }
        if o.nullable != n.nullable {
            facts.push(if n.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            });
        }
        if o.secret != n.secret {
            facts.push(if n.secret {
                "now a secret (redacted)"
            } else {
                "no longer a secret"
            });
        }
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!(" ({})", facts.join(", "))
        };
        if o.name != n.name {
            self.change(
                Class::Breaking,
                subject,
                format!("Rust name `{}` → `{}`", o.name, n.name),
            );
        }
        if was != is {
            self.change(
                Class::Breaking,
                subject,
                format!("type `{was}` → `{is}`{facts}"),
            );
        } else if input && o.required != n.required {
            self.change(
                Class::Breaking,
                subject,
                format!("{} (an argument and a setter trade places)", facts.trim()),
            );
        } else if !facts.is_empty() {
            // Same Rust type: only what the server may send or accept changed.
            self.change(
                Class::Additive,
                subject,
                format!("the Rust type `{is}` is unchanged{facts}"),
            );
        }
        if o.deprecated != n.deprecated {
            let detail = if n.deprecated {
                "marked deprecated"
            } else {
                "no longer deprecated"
            };
            self.change(Class::Additive, subject, detail);
        }
        self.doc(subject, "description", &o.description, &n.description);
        self.doc(subject, "example", &o.example, &n.example);
        self.doc(
            subject,
            "documented constraints",
            &o.constraints,
            &n.constraints,
        );
    }
}

/// `GET /keys` (`api_keys().list`).
fn label(group: &Group, op: &Operation) -> String {
    format!(
        "`{} {}` (`{}().{}`)",
        op.method, op.path, group.name, op.name
    )
}

/// `list` → `List`, as `templates/operations.rs` names an operation's types.
fn type_name(op_name: &str) -> String {
    use heck::ToUpperCamelCase;
    op_name.to_upper_camel_case()
}
