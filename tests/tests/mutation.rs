//! Seeded mutation test: `codegen::generate` on thousands of damaged and hostile variants of the
//! OpenRouter document and the fixtures must return `Ok` or an `Error`, never panic, abort,
//! overflow its stack or hang.
//!
//! The documents are generated in child processes (this test binary, run again with
//! `MUTATION_WORKER` set), so an abort is reported as a failure naming the seed and mutations
//! instead of ending the whole suite. Reproduce one document with
//! `MUTATION_SEEDS=<seed> cargo test -p openrouter-tests --test mutation -- --nocapture`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

use serde_json::{Map, Value, json};

/// Documents per run, split between two worker processes.
const DOCUMENTS: u64 = 2000;
/// The first seed; change it to explore other documents.
const FIRST_SEED: u64 = 0x5EED_0000;
/// No single document may take longer than this to generate (a debug build on a busy CI core).
const PER_DOCUMENT: Duration = Duration::from_secs(20);
const WORKERS: u64 = 2;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The documents mutations start from: the real one and every fixture, except the one whose
/// integers beyond 64 bits a `serde_json::Value` cannot hold (the generator reads it, the
/// mutations cannot).
fn originals() -> Vec<(String, Value)> {
    let mut paths = vec![root().join("spec/openrouter.yaml")];
    let mut fixtures: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| !p.ends_with("big-numbers.yaml"))
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_yaml::from_str(&text).unwrap())
        })
        .collect()
}

/// splitmix64: small, seeded, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// Names that have broken generators: keywords, digits, emoji, empty, module and type names
/// the crate uses itself, builder members, and pairs that differ only in case or separators.
const ODD_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "gen",
    "fn",
    "async",
    "await",
    "try",
    "union",
    "macro_rules",
    "r#type",
    "1st",
    "42",
    "🚀",
    "",
    "_",
    "__",
    "-",
    "Error",
    "error",
    "main",
    "lib",
    "raw",
    "models",
    "client",
    "transport",
    "response",
    "Response",
    "send",
    "body",
    "options",
    "timeout",
    "new",
    "base_url",
    "builder",
    "default",
    "clone",
    "fooBar",
    "foo_bar",
    "FOO-BAR",
    "foo bar",
    "Unknown",
    "unknown",
    "String",
    "Option",
    "ApiError",
    "api",
    "Api Keys",
    "api_keys",
    "a\nb",
    "quote\"d",
    "back\\slash",
    "日本",
    "x/y",
    "~0",
];

const HOSTILE_TEXT: &[&str] = &[
    "```rust\nstd::process::exit(1);\n```",
    "```\npanic!(\"doctest ran\");\n```",
    "Example:\n\n    std::process::exit(2);\n",
    "~~~\nfn main() { panic!() }\n~~~",
    "line one\r\nline two\rline three",
    "a \"quoted\" */ /* `tick` #[doc] \\ end",
    "```no_run\ncompile_error!(\"x\");\n```",
];

/// Every node of the document, as a path of keys and indices.
fn nodes(doc: &Value) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let mut stack = vec![(doc, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(json!(k));
                    stack.push((v, p));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(json!(i));
                    stack.push((v, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn get_mut<'a>(doc: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut node = doc;
    for step in path {
        node = match step {
            Value::String(k) => node.as_object_mut()?.get_mut(k)?,
            Value::Number(i) => node.as_array_mut()?.get_mut(i.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(node)
}

fn describe(path: &[Value]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Value::String(k) => out.push_str(&format!("/{k}")),
            other => out.push_str(&format!("/{other}")),
        }
    }
    if out.is_empty() { "/".into() } else { out }
}

/// Nodes whose keys are names the generator turns into identifiers.
fn name_maps(doc: &Value) -> Vec<Vec<Value>> {
    nodes(doc)
        .into_iter()
        .filter(|p| {
            matches!(
                p.last().and_then(Value::as_str),
                Some("properties" | "schemas" | "responses" | "parameters" | "requestBodies")
            )
        })
        .collect()
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn schemas_map(doc: &mut Value) -> &mut Map<String, Value> {
    if !doc.is_object() {
        *doc = json!({});
    }
    let root = doc.as_object_mut().unwrap();
    let components = root.entry("components").or_insert_with(|| json!({}));
    if !components.is_object() {
        *components = json!({});
    }
    let schemas = components
        .as_object_mut()
        .unwrap()
        .entry("schemas")
        .or_insert_with(|| json!({}));
    if !schemas.is_object() {
        *schemas = json!({});
    }
    schemas.as_object_mut().unwrap()
}

/// Applies one random mutation and says what it did.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let all = nodes(doc);
    let path = rng.pick(&all).cloned().unwrap_or_default();
    let odd = *rng.pick(ODD_NAMES).unwrap();
    // Cycles (5, 8) fail early and the same way each time: they come up less often.
    let kind = match rng.below(20) {
        k @ 0..14 => k,
        k => [0, 1, 2, 4, 6, 10][k - 14],
    };
    match kind {
        0 => {
            // Delete a key or an item.
            let Some((last, parent)) = path.split_last() else {
                return "nothing".into();
            };
            if let Some(node) = get_mut(doc, parent) {
                match (node, last) {
                    (Value::Object(m), Value::String(k)) => {
                        m.remove(k);
                    }
                    (Value::Array(a), Value::Number(i)) => {
                        a.remove(i.as_u64().unwrap() as usize);
                    }
                    _ => {}
                }
            }
            format!("delete {}", describe(&path))
        }
        1 => {
            // Change a value's type.
            let replacement = [
                json!("text"),
                json!(7),
                json!(-1.5),
                json!(true),
                Value::Null,
                json!([]),
                json!({}),
                json!(["string", "null"]),
            ][rng.below(8)]
            .clone();
            let text = format!("set {} = {replacement}", describe(&path));
            if let Some(node) = get_mut(doc, &path) {
                *node = replacement;
            }
            text
        }
        2 | 3 => {
            // Rename a key that becomes an identifier.
            let maps = name_maps(doc);
            let Some(map_path) = rng.pick(&maps).cloned() else {
                return "no name map".into();
            };
            let Some(Value::Object(map)) = get_mut(doc, &map_path) else {
                return "not a map".into();
            };
            let keys: Vec<String> = map.keys().cloned().collect();
            let Some(key) = rng.pick(&keys).cloned() else {
                return "empty map".into();
            };
            if let Some(value) = map.remove(&key) {
                map.insert(odd.to_owned(), value);
            }
            format!("rename {}/{key} to {odd:?}", describe(&map_path))
        }
        4 => {
            // An odd tag, operationId, name override or parameter name.
            let targets: Vec<Vec<Value>> = all
                .iter()
                .filter(|p| {
                    matches!(
                        p.last().and_then(Value::as_str),
                        Some("operationId" | "x-speakeasy-name-override" | "name")
                    ) || p.iter().rev().nth(1).and_then(Value::as_str) == Some("tags")
                })
                .cloned()
                .collect();
            let Some(target) = rng.pick(&targets).cloned() else {
                return "no names".into();
            };
            if let Some(node) = get_mut(doc, &target) {
                *node = json!(odd);
            }
            format!("name {} = {odd:?}", describe(&target))
        }
        5 => {
            // A reference cycle between two schemas.
            let schemas = schemas_map(doc);
            schemas.insert(
                "CycleA".into(),
                json!({"$ref": "#/components/schemas/CycleB"}),
            );
            schemas.insert(
                "CycleB".into(),
                json!({"$ref": "#/components/schemas/CycleA"}),
            );
            "schemas CycleA -> CycleB -> CycleA".into()
        }
        6 => {
            // Recursion through a property, a list or a map.
            let names = schema_names(doc);
            let Some(name) = rng.pick(&names).cloned() else {
                return "no schemas".into();
            };
            let reference = json!({"$ref": format!("#/components/schemas/{name}")});
            let via = [
                reference.clone(),
                json!({"type": "array", "items": reference}),
                json!({"type": "object", "additionalProperties": reference}),
                json!({"anyOf": [reference, {"type": "null"}]}),
            ][rng.below(4)]
            .clone();
            let schemas = schemas_map(doc);
            if let Some(Value::Object(schema)) = schemas.get_mut(&name) {
                let props = schema.entry("properties").or_insert_with(|| json!({}));
                if let Value::Object(props) = props {
                    props.insert("again".into(), via.clone());
                }
            }
            format!("recursive {name}.again = {via}")
        }
        7 => {
            // A reference to odd places: the whole document, an ancestor, a non-component.
            let targets = [
                "#",
                "#/",
                "#/paths",
                "#/components",
                "#/info",
                "#/components/schemas",
            ];
            let target = *rng.pick(&targets).unwrap();
            let text = format!("{} = $ref {target}", describe(&path));
            if let Some(node) = get_mut(doc, &path) {
                *node = json!({"$ref": target});
            }
            text
        }
        8 => {
            // A cycle between components/responses, or a parameter that is its own reference.
            let schemas = schemas_map(doc).clone();
            let responses = rng.below(2) == 0;
            let root = doc.as_object_mut().unwrap();
            let components = root.entry("components").or_insert_with(|| json!({}));
            if let Value::Object(c) = components {
                c.insert("schemas".into(), Value::Object(schemas));
                c.insert(
                    "responses".into(),
                    json!({"A": {"$ref": "#/components/responses/B"}, "B": {"$ref": "#/components/responses/A"}}),
                );
                c.insert(
                    "parameters".into(),
                    json!({"P": {"$ref": "#/components/parameters/P"}}),
                );
            }
            if let Some(Value::Object(paths)) = doc.get_mut("paths")
                && let Some(Value::Object(item)) = paths.values_mut().next()
                && let Some(Value::Object(op)) = item.values_mut().find(|v| v.is_object())
            {
                if responses {
                    op.insert(
                        "responses".into(),
                        json!({"200": {"$ref": "#/components/responses/A"}}),
                    );
                } else {
                    op.insert(
                        "parameters".into(),
                        json!([{"$ref": "#/components/parameters/P"}]),
                    );
                }
            }
            format!(
                "cycle in components/{}",
                if responses { "responses" } else { "parameters" }
            )
        }
        9 => {
            // Duplicated or colliding enum values.
            let enums: Vec<Vec<Value>> = all
                .iter()
                .filter(|p| p.last().and_then(Value::as_str) == Some("enum"))
                .cloned()
                .collect();
            let Some(target) = rng.pick(&enums).cloned() else {
                return "no enums".into();
            };
            let extra = [
                json!("dup"),
                json!("dup"),
                json!("foo-bar"),
                json!("foo_bar"),
                json!(""),
            ];
            if let Some(Value::Array(values)) = get_mut(doc, &target) {
                let first = values.first().cloned().unwrap_or(json!("x"));
                values.push(first);
                values.extend(extra.iter().take(1 + rng.below(extra.len())).cloned());
            }
            format!("enum values at {}", describe(&target))
        }
        10 => {
            // Hostile prose.
            let text = *rng.pick(HOSTILE_TEXT).unwrap();
            let targets: Vec<Vec<Value>> = all
                .iter()
                .filter(|p| {
                    matches!(
                        p.last().and_then(Value::as_str),
                        Some("description" | "summary" | "title")
                    )
                })
                .cloned()
                .collect();
            let Some(target) = rng.pick(&targets).cloned() else {
                return "no prose".into();
            };
            if let Some(node) = get_mut(doc, &target) {
                *node = json!(text);
            }
            format!("prose {} = {text:?}", describe(&target))
        }
        11 => {
            // Deep nesting.
            let depth = 10 + rng.below(70);
            let mut schema = json!({"type": "string"});
            for _ in 0..depth {
                schema = json!({"type": "array", "items": schema});
            }
            schemas_map(doc).insert("Deep".into(), schema);
            format!("schema Deep nested {depth} deep")
        }
        12 => {
            // Odd path templates and parameters.
            let paths = [
                "/x/{undeclared}",
                "/y/{id}",
                "no-slash",
                "/{",
                "/}",
                "/a/{}",
                "/q",
            ];
            let path_key = *rng.pick(&paths).unwrap();
            let param = [
                json!({"name": "id", "in": "path", "schema": {"type": "string"}}),
                json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}),
                json!({"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}),
                json!({"name": "X-Weird Header", "in": "header", "schema": {"type": "string"}}),
            ][rng.below(4)]
            .clone();
            let text = format!("path {path_key:?} with {param}");
            if let Some(Value::Object(p)) = doc.get_mut("paths") {
                p.insert(
                    path_key.into(),
                    json!({"get": {"operationId": odd, "parameters": [param],
                        "responses": {"200": {"description": "ok"}}}}),
                );
            }
            text
        }
        _ => {
            // Two success types, or a text error beside a JSON one.
            let responses = [
                json!({"200": {"description": "a", "content": {"application/json": {"schema": {"type": "string"}}}},
                       "201": {"description": "b", "content": {"application/json": {"schema": {"type": "integer"}}}}}),
                json!({"200": {"description": "a"},
                       "400": {"description": "t", "content": {"text/plain": {"schema": {"type": "string"}}}},
                       "404": {"description": "j", "content": {"application/json": {"schema": {"type": "object"}}}}}),
                json!({"4XX": {"description": "a"}, "4xx": {"description": "b"}, "default": {"description": "c"}}),
            ];
            let chosen = rng.pick(&responses).unwrap().clone();
            if let Some(Value::Object(paths)) = doc.get_mut("paths")
                && let Some(Value::Object(item)) = paths.values_mut().next()
                && let Some(Value::Object(op)) = item.values_mut().find(|v| v.is_object())
            {
                op.insert("responses".into(), chosen.clone());
            }
            format!("responses {chosen}")
        }
    }
}

/// The document for one seed: an original, one to four mutations, as YAML or JSON text.
fn document(originals: &[(String, Value)], seed: u64) -> (String, String, Vec<String>) {
    let mut rng = Rng(seed);
    // The OpenRouter document is the largest and slowest; it is every fourth base.
    let (name, base) = if rng.below(4) == 0 {
        &originals[0]
    } else {
        &originals[1 + rng.below(originals.len() - 1)]
    };
    let mut doc = base.clone();
    let mutations = (0..1 + rng.below(4))
        .map(|_| mutate(&mut doc, &mut rng))
        .collect();
    let text = if rng.below(2) == 0 {
        serde_json::to_string(&doc).unwrap()
    } else {
        serde_yaml::to_string(&doc).unwrap()
    };
    (name.clone(), text, mutations)
}

/// Worker: generates the documents for its seeds, printing a line before and after each.
#[test]
fn mutation_worker() {
    let Ok(range) = env::var("MUTATION_WORKER") else {
        return;
    };
    let (start, end) = range.split_once("..").unwrap();
    let (start, end): (u64, u64) = (start.parse().unwrap(), end.parse().unwrap());
    let originals = originals();
    let stdout = std::io::stdout();
    for seed in start..end {
        writeln!(stdout.lock(), "making {seed}").unwrap();
        let (name, text, mutations) = document(&originals, seed);
        writeln!(
            stdout.lock(),
            "start {seed} {name}: {}",
            mutations.join("; ")
        )
        .unwrap();
        stdout.lock().flush().unwrap();
        let began = Instant::now();
        let source = codegen::Source {
            name: &name,
            text: &text,
        };
        let outcome = match codegen::generate(source) {
            Ok(_) => "ok".to_owned(),
            Err(e) => {
                assert!(
                    !e.location.is_empty() && e.location != "/" || e.message.contains("top level"),
                    "seed {seed}: an error without a place: {e}"
                );
                format!("err {}: {}", e.location, e.message.replace('\n', " "))
            }
        };
        let elapsed = began.elapsed();
        assert!(
            elapsed < PER_DOCUMENT,
            "seed {seed} took {elapsed:?}: {}",
            mutations.join("; ")
        );
        writeln!(
            stdout.lock(),
            "done {seed} {outcome} {}",
            elapsed.as_millis()
        )
        .unwrap();
    }
}

/// Runs the workers and reports any document that made one fail, with its seed.
#[test]
fn generation_survives_mutated_documents() {
    if env::var("MUTATION_WORKER").is_ok() {
        return;
    }
    let seeds: Vec<u64> = match env::var("MUTATION_SEEDS") {
        Ok(one) => vec![one.parse().unwrap()],
        Err(_) => {
            let count = env::var("MUTATION_DOCUMENTS").map_or(DOCUMENTS, |n| n.parse().unwrap());
            (FIRST_SEED..FIRST_SEED + count).collect()
        }
    };
    let began = Instant::now();
    let chunk = seeds.len().div_ceil(WORKERS as usize);
    let workers: Vec<_> = seeds
        .chunks(chunk)
        .map(|part| {
            let (start, end) = (part[0], part[part.len() - 1] + 1);
            thread::spawn(move || run_worker(start, end))
        })
        .collect();
    let mut ok = 0;
    let mut err = 0;
    let mut failures = Vec::new();
    for worker in workers {
        let report = worker.join().unwrap();
        ok += report.ok;
        err += report.err;
        failures.extend(report.failure);
    }
    println!(
        "{} documents in {:?}: {ok} Ok, {err} Err",
        seeds.len(),
        began.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(ok + err, seeds.len(), "every document was generated");
}

struct Report {
    ok: usize,
    err: usize,
    failure: Option<String>,
}

fn run_worker(start: u64, end: u64) -> Report {
    let mut child = Command::new(env::current_exe().unwrap())
        .args([
            "--exact",
            "mutation_worker",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MUTATION_WORKER", format!("{start}..{end}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let errors = thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    // A watchdog kills the worker if a document hangs: no line for longer than the bound.
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut report = Report {
        ok: 0,
        err: 0,
        failure: None,
    };
    let mut current: Option<String> = None;
    loop {
        match lines_rx.recv_timeout(PER_DOCUMENT * 2) {
            Ok(line) => {
                if line.starts_with("start ") || line.starts_with("making ") {
                    current = Some(line);
                } else if let Some(rest) = line.strip_prefix("done ") {
                    current = None;
                    if rest.split(' ').nth(1) == Some("ok") {
                        report.ok += 1;
                    } else {
                        report.err += 1;
                    }
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                child.kill().ok();
                report.failure = Some(format!(
                    "hang: no progress for {:?} in {}",
                    PER_DOCUMENT * 2,
                    current.as_deref().unwrap_or("the worker")
                ));
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait().unwrap();
    let stderr = errors.join().unwrap();
    if report.failure.is_none() && (!status.success() || current.is_some()) {
        // The panic message, without the backtrace.
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with("stack backtrace"))
            .rev()
            .take(8)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        report.failure = Some(format!(
            "worker {start}..{end} failed ({status}) on {}\n{}",
            current.as_deref().unwrap_or("no document"),
            tail.join("\n")
        ));
    }
    report
}
