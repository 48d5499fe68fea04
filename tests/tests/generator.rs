//! Snapshots of everything the generator emits, the freshness of generated/, and its errors.
//!
//! A change to spec/ or to the generator shows here as a reviewable diff: refresh generated/ with
//! `cargo xtask codegen`, then write every changed snapshot in one run with
//! `INSTA_UPDATE=always cargo test -p openrouter-tests --test generator` and read `git diff`.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{FileSet, Source};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(relative: &str) -> String {
    fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// Every operation generated; progenitor's raw module may be left out (its snapshot says why).
fn generate_leniently(relative: &str) -> FileSet {
    let text = read(relative);
    let source = Source {
        name: relative,
        text: &text,
    };
    let generated = codegen::generate_with(source, &codegen::Settings::new().with_raw(true))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        generated.skipped,
        [],
        "{relative}: every operation generates"
    );
    generated.files
}

fn generate(relative: &str) -> FileSet {
    let text = read(relative);
    codegen::generate(Source {
        name: relative,
        text: &text,
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn view(relative: &str) -> String {
    let text = read(relative);
    codegen::normalized_view(Source {
        name: relative,
        text: &text,
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// One snapshot per emitted file, named after the document and the file's path.
fn snapshot_files(prefix: &str, files: &FileSet) {
    for (path, text) in files {
        insta::assert_snapshot!(format!("{prefix}__{}", path.replace('/', "__")), text);
    }
}

#[test]
fn openrouter_crate_snapshots() {
    snapshot_files("openrouter", &generate("spec/openrouter.yaml"));
}

#[test]
fn openrouter_normalized_view_snapshot() {
    insta::assert_snapshot!("openrouter__normalized_view", view("spec/openrouter.yaml"));
}

#[test]
fn generated_directory_is_what_the_generator_makes_now() {
    let expected = generate("spec/openrouter.yaml");
    for (path, text) in &expected {
        let on_disk = fs::read_to_string(root().join("generated").join(path)).unwrap_or_default();
        assert!(
            on_disk == *text,
            "generated/{path} is stale: run `cargo xtask codegen` and commit the result"
        );
    }
    let mut stack = vec![root().join("generated")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(root().join("generated")).unwrap();
            let relative = relative.to_string_lossy().replace('\\', "/");
            assert!(
                expected.contains_key(&relative),
                "generated/{relative} is no longer emitted: run `cargo xtask codegen` to remove it"
            );
        }
    }
}

/// The README's feature table lists exactly the features the manifest declares: with and
/// without the sign-in, with and without progenitor's client.
#[test]
fn the_readme_lists_every_feature_of_the_manifest() {
    for fixture in [
        "spec/openrouter.yaml",
        "tests/fixtures/unions.yaml",
        "tests/fixtures/hostile-names.yaml",
        "tests/fixtures/no-paths.yaml",
    ] {
        let files = generate_leniently(fixture);
        let manifest = &files["Cargo.toml"];
        let section = manifest
            .split("[features]\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_else(|| panic!("{fixture}: no [features]"));
        let mut declared: Vec<&str> = section
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(" = ").map(|(name, _)| name))
            .filter(|name| *name != "default")
            .collect();
        let readme = &files["README.md"];
        let table = readme
            .split("## Features\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{fixture}: no Features section"));
        let mut listed: Vec<&str> = table
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|line| line.split('`').next())
            .collect();
        declared.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, declared, "{fixture}");
        let defaults: Vec<&str> = table
            .lines()
            .filter(|line| line.contains("| yes |"))
            .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
            .collect();
        let default_line = section
            .lines()
            .find(|line| line.starts_with("default = "))
            .unwrap_or_default();
        for name in &defaults {
            assert!(
                default_line.contains(&format!("\"{name}\"")),
                "{fixture}: {name}"
            );
        }
        assert_eq!(
            default_line.matches('"').count() / 2,
            defaults.len(),
            "{fixture}: {default_line}"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        generate("spec/openrouter.yaml"),
        generate("spec/openrouter.yaml")
    );
}

#[test]
fn every_emitted_file_carries_the_regenerate_header() {
    for (path, text) in generate("spec/openrouter.yaml") {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.contains("Generated by `cargo xtask codegen`") && first.contains("Do not edit"),
            "{path} starts with {first:?}"
        );
    }
}

/// Each fixture exercises one normalizer rule; its view and its emitted files are snapshotted.
macro_rules! fixture_snapshots {
    ($($test:ident => $file:literal,)*) => {$(
        #[test]
        fn $test() {
            let path = concat!("tests/fixtures/", $file);
            let stem = $file.trim_end_matches(".yaml");
            insta::assert_snapshot!(format!("{stem}__normalized_view"), view(path));
            snapshot_files(stem, &generate_leniently(path));
        }
    )*};
}

fixture_snapshots! {
    fixture_type_arrays => "type-arrays.yaml",
    fixture_null_in_enum => "null-in-enum.yaml",
    fixture_const => "const.yaml",
    fixture_nullable_3_0 => "nullable-3-0.yaml",
    fixture_error_schemas => "error-schemas.yaml",
    fixture_hostile_names => "hostile-names.yaml",
    fixture_hostile_text => "hostile-text.yaml",
    fixture_recursion => "recursion.yaml",
    fixture_no_paths => "no-paths.yaml",
    fixture_unions => "unions.yaml",
    fixture_unions_3_0 => "unions-3-0.yaml",
    fixture_whole_bodies => "whole-bodies.yaml",
    fixture_bodies => "bodies.yaml",
    fixture_bodies_bytes_only => "bodies-bytes-only.yaml",
    fixture_unnamed_operations => "unnamed-operations.yaml",
    fixture_big_numbers => "big-numbers.yaml",
}

/// No code block from the document survives as Rust: every fence in an emitted doc comment is
/// one of the templates' own examples (`no_run`, or the `compile_fail` that shows `raw` is
/// opt-in) or `text`.
#[test]
fn document_prose_never_becomes_a_doctest() {
    let files = generate("tests/fixtures/hostile-text.yaml");
    for (path, text) in &files {
        for line in text.lines() {
            let doc = line.trim_start();
            let Some(doc) = doc.strip_prefix("///").or_else(|| doc.strip_prefix("//!")) else {
                continue;
            };
            let doc = doc.trim();
            if doc.starts_with("```") || doc.starts_with("~~~") {
                let label = doc.trim_start_matches(['`', '~']);
                assert!(
                    ["", "text", "no_run", "compile_fail"].contains(&label),
                    "{path}: fence {doc:?}"
                );
            }
            assert!(!doc.starts_with("    "), "{path}: indented code {doc:?}");
        }
        assert!(!text.contains('\r'), "{path} keeps a carriage return");
    }
    // The prose is kept, as text.
    assert!(files["src/raw.rs"].contains("std::process::exit(1);"));
    assert!(files["src/notes.rs"].contains("std::process::exit(2);"));
    assert!(files["README.md"].contains(r#"Text "with" quotes \ and more"#));
    assert!(files["Cargo.toml"].contains(r#"Text \"with\" quotes \\ and more"#));
    // Bare URLs become links and brackets that are no links are escaped, in our docs and in
    // progenitor's; real links and code spans are left alone.
    for path in ["src/models.rs", "src/raw.rs"] {
        let text = &files[path];
        assert!(
            text.contains(r#"(e.g. "\[EMAIL\]", "\[PHONE\]")"#),
            "{path}"
        );
        assert!(
            text.contains(
                r"provider.options\[provider_slug\]. More: <https://example.com/options>"
            ),
            "{path}"
        );
    }
    let drafts = &files["src/drafts_beta.rs"];
    assert!(drafts.contains("A [real link](https://example.com/a_(b)), a [reference][ref]"));
    assert!(drafts.contains("`code with [brackets] and https://example.com/in-code`"));
    assert!(drafts.contains("see <https://example.com/drafts> for \\[details\\]"));
}

#[test]
fn hostile_names_become_distinct_identifiers() {
    let files = generate("tests/fixtures/hostile-names.yaml");
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    // Tags named after the crate's own modules get a suffix instead of replacing them.
    for path in [
        "src/error_2.rs",
        "src/main_2.rs",
        "src/raw_2.rs",
        "src/launch.rs",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    assert!(!paths.contains(&"src/main.rs"));
    let models = &files["src/models.rs"];
    for field in [
        "pub r#type: String",
        "pub self_: Option<String>",
        "pub self_2: String",
        "pub crate_: Option<i64>",
        "pub v1st: Option<bool>",
        "pub unnamed: Option<String>",
        "pub foo_bar: Option<String>",
        "pub foo_bar_2: Option<String>",
        "pub send_2: String",
        "pub body_2: Option<String>",
        "pub new_2: Option<i64>",
        "pub client_2: Option<String>",
        "pub r#gen:",
        "pub struct FooBar ",
        "pub struct FooBar2 ",
        "pub struct String2 ",
        "Unknown2,",
        "V1h,",
    ] {
        assert!(models.contains(field), "{field:?} missing from models.rs");
    }
    let error = &files["src/error_2.rs"];
    for item in [
        "pub fn r#type(&self, r#type: impl Into<String>)",
        "pub fn self_(mut self",
        "pub fn send_2(mut self",
        "pub fn timeout_2(mut self",
        "pub fn client_2(mut self",
        "pub fn v1st(mut self",
    ] {
        assert!(error.contains(item), "{item:?} missing from error_2.rs");
    }
    let main = &files["src/main_2.rs"];
    assert!(
        main.contains("pub fn api_2(&self"),
        "an `ApiError` would clash"
    );
    let raw = &files["src/raw_2.rs"];
    assert!(raw.contains("pub fn r#gen(&self") && raw.contains("pub fn gen_2(&self"));
}

/// An operation without an operationId is named from its method and path, and a name already
/// taken gets the next suffix instead of replacing another operation.
#[test]
fn operations_without_an_id_are_named_from_method_and_path() {
    let files = generate("tests/fixtures/unnamed-operations.yaml");
    let default = &files["src/default_2.rs"];
    for method in [
        "pub fn get_2(&self)",
        "pub fn get(&self)",
        "pub fn get_id(&self, id: impl Into<String>)",
        "pub fn delete_id(&self, id: impl Into<String>)",
    ] {
        assert!(
            default.contains(method),
            "{method:?} missing from default_2.rs"
        );
    }
    let users = &files["src/users.rs"];
    for method in [
        "pub fn post_users(&self)",
        "pub fn post_users_2(&self)",
        "pub fn get_users_id(&self)",
        "pub fn put_users_id(&self)",
        "pub fn get_users_id_2(&self, id: impl Into<String>)",
    ] {
        assert!(users.contains(method), "{method:?} missing from users.rs");
    }
    assert!(files["src/bars.rs"].contains("pub fn get_v1_foo_bar_bar_id_json("));
    // The given operationId `postUsers` keeps its name; the made one moves aside.
    let raw = &files["src/raw.rs"];
    let given = raw.find("pub fn post_users(&self)").unwrap();
    assert!(raw[given.saturating_sub(400)..given].contains("/accounts"));
}

/// Examples and defaults beyond 64 bits neither fail the run nor lose digits, and progenitor's
/// client still generates (its view leaves out what an `i64` cannot hold).
#[test]
fn numbers_beyond_64_bits_are_kept_as_text() {
    let path = "tests/fixtures/big-numbers.yaml";
    let files = generate(path);
    assert!(files["src/default_2.rs"].contains(".get_ledger(\"123456789012345678901234567890\")"));
    assert!(files["src/raw.rs"].contains("pub fn get_ledger"));
    let v: serde_json::Value = serde_json::from_str(&view(path)).unwrap();
    let ledger = &v["components"]["schemas"]["Ledger"]["properties"];
    assert_eq!(ledger["serial"].get("default"), None);
    assert_eq!(ledger["balance"].get("example"), None);
    assert_eq!(
        ledger["limits"]["example"],
        serde_json::json!([1, "18446744073709551616"])
    );
}

/// A `null` member among several in a union (3.1) and `nullable: true` on the union (3.0) give
/// progenitor the same nullable union, which it takes: the raw module is generated for both.
#[test]
fn null_members_of_wide_unions_become_a_nullable_union() {
    for path in [
        "tests/fixtures/unions.yaml",
        "tests/fixtures/unions-3-0.yaml",
    ] {
        let v: serde_json::Value = serde_json::from_str(&view(path)).unwrap();
        let props = &v["components"]["schemas"]["Drawing"]["properties"];
        for (name, key, members) in [
            ("fill", "anyOf", 2),
            ("label", "anyOf", 2),
            ("marker", "oneOf", 2),
        ] {
            assert_eq!(props[name]["nullable"], true, "{path}: {name}");
            assert_eq!(
                props[name][key].as_array().map(Vec::len),
                Some(members),
                "{path}: {name}"
            );
        }
        let files = generate(path);
        assert!(
            files["Cargo.toml"].contains("raw = [\"dep:progenitor-client\"]"),
            "{path}: progenitor takes the view"
        );
        assert!(files["src/raw.rs"].contains("pub fill: ::std::option::Option<DrawingFill>"));
        assert!(
            files["src/models.rs"]
                .contains("pub fill: Option<crate::Nullable<crate::models::DrawingFill>>")
        );
    }
}

/// The rules' effects, asserted directly so that a wrong snapshot cannot be accepted unnoticed.
#[test]
fn normalizer_rules_produce_3_0_constructs() {
    let v: serde_json::Value =
        serde_json::from_str(&view("tests/fixtures/type-arrays.yaml")).unwrap();
    assert_eq!(v["openapi"], "3.0.3");
    let props = &v["paths"]["/things"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"];
    assert_eq!(props["limit"]["type"], "number");
    assert_eq!(props["limit"]["nullable"], true);
    assert_eq!(props["note"]["type"], "string");
    assert_eq!(props["tags"]["type"], "array");
    assert_eq!(props["id"].get("nullable"), None);
    assert_eq!(props["slug"].get("pattern"), None);
    assert_eq!(props["slug"]["nullable"], true);

    let v: serde_json::Value =
        serde_json::from_str(&view("tests/fixtures/null-in-enum.yaml")).unwrap();
    let reset = &v["paths"]["/schedules"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"]["reset"];
    assert_eq!(reset["enum"], serde_json::json!(["daily", "weekly"]));
    assert_eq!(reset["nullable"], true);

    let v: serde_json::Value = serde_json::from_str(&view("tests/fixtures/const.yaml")).unwrap();
    let deleted = &v["paths"]["/things/{id}"]["delete"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]["deleted"];
    assert_eq!(deleted["enum"], serde_json::json!([true]));
    assert_eq!(deleted.get("const"), None);

    let v: serde_json::Value =
        serde_json::from_str(&view("tests/fixtures/error-schemas.yaml")).unwrap();
    let same = &v["paths"]["/same"]["get"]["responses"];
    for status in ["400", "404"] {
        assert_eq!(
            same[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorResponse"
        );
    }
    let different = &v["paths"]["/different"]["get"]["responses"];
    assert_eq!(
        different["409"]["content"]["application/json"]["schema"].get("$ref"),
        None
    );

    // A request body keeps only the media type the client sends; a range is sent as bytes.
    let v: serde_json::Value = serde_json::from_str(&view("tests/fixtures/bodies.yaml")).unwrap();
    let media = |path: &str, method: &str| -> Vec<String> {
        v["paths"][path][method]["requestBody"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(media("/notes/{id}", "patch"), ["application/json"]);
    assert_eq!(
        media("/blobs/{name}/thumbnail", "put"),
        ["application/octet-stream"]
    );
    assert_eq!(media("/documents", "post"), ["multipart/form-data"]);
}

#[test]
fn openrouter_error_schemas_merge_into_one() {
    let v: serde_json::Value = serde_json::from_str(&view("spec/openrouter.yaml")).unwrap();
    let schemas = v["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("ErrorResponse"));
    for gone in [
        "BadRequestResponse",
        "NotFoundResponse",
        "InternalServerResponseErrorData",
    ] {
        assert!(!schemas.contains_key(gone), "{gone} should be merged away");
    }
}

fn error_of(relative: &str) -> codegen::Error {
    let text = read(relative);
    match codegen::generate(Source {
        name: relative,
        text: &text,
    }) {
        Ok(_) => panic!("{relative} should not generate"),
        Err(e) => e,
    }
}

#[test]
fn invalid_yaml_names_file_and_position() {
    let e = error_of("tests/fixtures/bad/invalid-yaml.yaml");
    assert_eq!(e.file, "tests/fixtures/bad/invalid-yaml.yaml");
    assert_eq!(e.location, "line 6 column 1");
    assert!(e.message.starts_with("invalid YAML"), "{e}");
}

#[test]
fn dangling_ref_names_the_pointer_of_the_reference() {
    let e = error_of("tests/fixtures/bad/dangling-ref.yaml");
    assert_eq!(
        e.location,
        "/paths/~1x/get/responses/200/content/application~1json/schema/$ref"
    );
    assert!(e.message.contains("#/components/schemas/Missing"), "{e}");
}

#[test]
fn an_operation_id_that_is_not_text_names_the_operation() {
    let e = error_of("tests/fixtures/bad/operation-id-not-text.yaml");
    assert_eq!(e.location, "/paths/~1keys/get/operationId");
    assert!(
        e.message
            .contains("operationId of GET /keys must be a string"),
        "{e}"
    );
}

#[test]
fn unsupported_version_is_refused() {
    let e = error_of("tests/fixtures/bad/unsupported-version.yaml");
    assert_eq!(e.location, "/swagger");
    assert!(e.message.contains("Swagger 2.0 is not supported"), "{e}");
    let e = codegen::generate(Source {
        name: "v4.yaml",
        text: "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "v4.yaml: at /openapi: unsupported OpenAPI version \"4.0.0\"; the generator reads 3.0.x and 3.1.x"
    );
}

#[test]
fn inexpressible_construct_names_the_schema() {
    let e = error_of("tests/fixtures/bad/inexpressible.yaml");
    assert_eq!(
        e.location,
        "/paths/~1x/post/requestBody/content/application~1json/schema/properties/id/type"
    );
    assert!(e.message.contains("cannot be expressed"), "{e}");
}

#[test]
fn json_documents_are_read_too() {
    let text = r#"{"openapi": "3.1.0", "info": {"title": "J", "version": "1"},
        "paths": {"/p": {"get": {"operationId": "getP", "responses": {"204": {"description": "ok"}}}}}}"#;
    let files = codegen::generate(Source {
        name: "doc.json",
        text,
    })
    .unwrap();
    assert!(files["src/raw.rs"].contains("pub fn get_p"));
}

#[test]
fn a_response_key_that_is_not_a_status_is_refused() {
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n      operationId: getP\n      responses:\n        ok: {description: fine}\n";
    let e = codegen::generate(Source {
        name: "status.yaml",
        text,
    })
    .unwrap_err();
    assert_eq!(e.location, "/paths/~1p/get/responses/ok");
    assert!(e.message.contains("\"ok\" is not a status"), "{e}");
}

/// Rewrites 3.1 nullability (`type: [T, 'null']`, `null` in `enum`) into the 3.0 style
/// (`nullable: true`) that OpenRouter published until mid-2026.
fn to_nullable_style(node: &mut serde_json::Value) {
    use serde_json::Value;
    match node {
        Value::Object(map) => {
            let mut nullable = false;
            if let Some(Value::Array(types)) = map.get("type").cloned()
                && types.iter().any(|t| t == "null")
            {
                let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
                assert_eq!(rest.len(), 1, "one non-null type");
                map.insert("type".into(), rest[0].clone());
                nullable = true;
            }
            if let Some(Value::Array(values)) = map.get_mut("enum")
                && values.iter().any(Value::is_null)
            {
                values.retain(|v| !v.is_null());
                nullable = true;
            }
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            for (key, value) in map.iter_mut() {
                if key != "example" {
                    to_nullable_style(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_nullable_style),
        _ => {}
    }
}

/// The switch between the two styles rewrote almost every line of OpenRouter's document and
/// changed no meaning; the generated crate must not change either.
#[test]
fn nullable_true_style_generates_the_same_crate_as_type_arrays() {
    let text = read("spec/openrouter.yaml");
    let mut document: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    to_nullable_style(&mut document);
    let old_style = serde_json::to_string_pretty(&document).unwrap();
    assert!(old_style.contains("\"nullable\": true"));
    assert!(
        !old_style.contains("\"null\""),
        "no type array or enum keeps null"
    );

    let source = Source {
        name: "spec/openrouter.yaml",
        text: &old_style,
    };
    let from_old_style = codegen::generate(source).unwrap();
    let from_type_arrays = generate("spec/openrouter.yaml");
    assert_eq!(
        from_old_style.keys().collect::<Vec<_>>(),
        from_type_arrays.keys().collect::<Vec<_>>()
    );
    // Only the recorded hash of the document's text may differ.
    let without_hash = |text: &str| -> String {
        text.lines()
            .filter(|line| !line.starts_with("source-sha256 = "))
            .collect()
    };
    for (path, text) in &from_type_arrays {
        assert!(
            without_hash(&from_old_style[path]) == without_hash(text),
            "{path} differs between the two nullability styles"
        );
    }
    let report = codegen::diff(
        source,
        Source {
            name: "spec/openrouter.yaml",
            text: &text,
        },
    )
    .unwrap();
    assert_eq!((report.changes, report.doc_edits), (vec![], vec![]));
}

#[test]
fn a_cookie_parameter_is_refused() {
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n      operationId: getP\n      parameters:\n        - {name: session, in: cookie, schema: {type: string}}\n      responses:\n        '204': {description: fine}\n";
    let e = codegen::generate(Source {
        name: "cookie.yaml",
        text,
    })
    .unwrap_err();
    assert_eq!(e.location, "/paths/~1p/get/parameters/0");
    assert!(
        e.message.contains("cookie parameters cannot be expressed"),
        "{e}"
    );
}

/// The credentials of the OpenRouter document are secret fields, and nothing else is: the
/// generated secret tests start from this list.
#[test]
fn openrouter_credentials_are_the_secret_fields() {
    let document: serde_json::Value =
        serde_yaml::from_str(&read("spec/openrouter.yaml")).expect("the document parses");
    let api = codegen::ir::build("spec/openrouter.yaml", &document).expect("the IR builds");
    let secret: Vec<(String, String)> = api.secret_fields().into_iter().collect();
    let expected = [
        ("AuthCode", "id"),
        ("CreateApiKeyResponse", "key"),
        ("ExchangeAuthCodeRequest", "code"),
        ("ExchangeAuthCodeRequest", "code_verifier"),
        ("ExchangeAuthCodeResponse", "key"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, f)| (m.to_string(), f.to_string()))
        .collect();
    assert_eq!(secret, expected);
}

/// The document decides first: `x-secret: false` opts a usual name out, `format: password`,
/// `writeOnly` and `x-secret: true` opt other names in.
#[test]
fn secret_fields_follow_the_document_before_the_name_list() {
    let text = r#"
openapi: 3.1.0
info: { title: Demo, version: "1" }
paths: {}
components:
  schemas:
    Login:
      type: object
      properties:
        token: { type: string, x-secret: false }
        pin: { type: string, format: password }
        otp: { type: string, writeOnly: true }
        session: { type: string, x-secret: true }
        api_key: { type: string }
        name: { type: string }
"#;
    let document: serde_json::Value = serde_yaml::from_str(text).expect("parses");
    let api = codegen::ir::build("demo.yaml", &document).expect("the IR builds");
    let fields: Vec<String> = api.secret_fields().into_iter().map(|(_, f)| f).collect();
    assert_eq!(fields, ["api_key", "otp", "pin", "session"]);
}

/// The error for a small document made of `paths` and `components` written as YAML flow text.
fn error_for(paths: &str, components: &str) -> codegen::Error {
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {paths}\ncomponents: {components}\n"
    );
    match codegen::generate(Source {
        name: "doc.yaml",
        text: &text,
    }) {
        Ok(_) => panic!("should not generate:\n{text}"),
        Err(e) => e,
    }
}

/// An operation answering with the component schema `name`: only schemas in use are read.
fn get_returning(name: &str) -> String {
    format!(
        "{{/p: {{get: {{operationId: p, responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{name}'}}}}}}}}}}}}}}}}"
    )
}

#[test]
fn reference_cycles_are_errors_that_name_the_cycle() {
    let e = error_for(
        &get_returning("A"),
        "{schemas: {A: {$ref: '#/components/schemas/B'}, B: {$ref: '#/components/schemas/A'}}}",
    );
    assert_eq!(e.location, "/components/schemas/A/$ref");
    assert!(e.message.contains("reference cycle #/components/schemas/B → #/components/schemas/A → #/components/schemas/B"), "{e}");

    let e = error_for(
        "{/p: {get: {operationId: p, responses: {'200': {$ref: '#/components/responses/A'}}}}}",
        "{responses: {A: {$ref: '#/components/responses/B'}, B: {$ref: '#/components/responses/A'}}}",
    );
    assert_eq!(e.location, "/components/responses/A/$ref");

    let e = error_for(
        "{/p: {get: {operationId: p, responses: {'200': {description: d, content: {application/json: {schema: {$ref: '#'}}}}}}}}",
        "{}",
    );
    assert_eq!(
        e.location,
        "/paths/~1p/get/responses/200/content/application~1json/schema/$ref"
    );
    assert!(e.message.contains("\"#\" contains this reference"), "{e}");

    // A list of itself names no type.
    let e = error_for(
        &get_returning("L"),
        "{schemas: {L: {type: array, items: {$ref: '#/components/schemas/L'}}}}",
    );
    assert_eq!(e.location, "/components/schemas/L");
    assert!(e.message.contains("contains itself"), "{e}");
}

#[test]
fn recursive_schemas_generate_with_boxed_fields() {
    let text = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /tree:
    get:
      operationId: getTree
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
components:
  schemas:
    Node:
      type: object
      required: [name, children]
      properties:
        name: {type: string}
        parent: {$ref: '#/components/schemas/Node'}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        by_name: {type: object, additionalProperties: {$ref: '#/components/schemas/Node'}}
"#;
    let files = codegen::generate(Source {
        name: "tree.yaml",
        text,
    })
    .unwrap();
    let models = &files["src/models.rs"];
    assert!(
        models.contains("pub parent: Option<Box<crate::models::Node>>"),
        "{models}"
    );
    assert!(models.contains("pub children: Vec<crate::models::Node>"));
    assert!(models.contains("std::collections::BTreeMap<String, crate::models::Node>"));
}

#[test]
fn what_progenitor_cannot_take_is_an_error_naming_the_operation() {
    let cases = [
        (
            "{/p: {get: {operationId: p, responses: {'200': {description: a, content: {application/json: {schema: {type: string}}}}, '201': {description: b, content: {application/json: {schema: {type: integer}}}}}}}}",
            "/paths/~1p/get/responses",
            "success statuses",
        ),
        (
            "{/p: {get: {operationId: p, responses: {'204': {description: a}, '400': {description: t, content: {text/plain: {schema: {type: string}}}}, '404': {description: j, content: {application/json: {schema: {type: object}}}}}}}}",
            "/paths/~1p/get/responses",
            "error statuses",
        ),
        (
            "{'/p/{id}': {get: {operationId: p, responses: {'204': {description: ok}}}}}",
            "/paths/~1p~1{id}/get",
            "{id} is not declared",
        ),
        (
            "{'/p/{id}': {get: {operationId: p, parameters: [{name: id, in: path, schema: {type: string}}], responses: {'204': {description: ok}}}}}",
            "/paths/~1p~1{id}/get/parameters/0",
            "must be `required: true`",
        ),
        (
            "{/p: {get: {operationId: p, parameters: [{name: f, in: query, schema: {type: object, properties: {a: {type: string}}}}], responses: {'204': {description: ok}}}}}",
            "/paths/~1p/get/parameters/0/schema",
            "an object, map or free-form value cannot be a parameter",
        ),
        (
            "{/p: {get: {operationId: p, parameters: [{name: f, in: query, schema: {type: string, enum: [foo-bar, foo_bar]}}], responses: {'204': {description: ok}}}}}",
            "/paths/~1p/get/parameters/0/schema/enum",
            "would both be the variant `FooBar`",
        ),
    ];
    for (paths, location, message) in cases {
        let e = error_for(paths, "{}");
        assert_eq!(e.location, location, "{e}");
        assert!(e.message.contains(message), "{e}");
    }
}

#[test]
fn a_progenitor_panic_becomes_an_error_naming_the_schema() {
    // typify panics on a schema that is only a format; no check knows this one.
    let e = error_for(
        &get_returning("Odd"),
        "{schemas: {Odd: {type: object, properties: {n: {format: double}}}}}",
    );
    assert_eq!(e.location, "/components/schemas/Odd", "{e}");
    assert!(e.message.contains("panicked"), "{e}");
}

/// progenitor's output for names it makes twice (`fooBar` and `foo_bar`) would not compile: the
/// crate comes without the `raw` module and feature, and its manifest says why.
#[test]
fn raw_module_is_left_out_when_progenitor_would_repeat_a_name() {
    let files = generate("tests/fixtures/hostile-names.yaml");
    assert!(!files.contains_key("src/raw.rs"));
    let manifest = &files["Cargo.toml"];
    assert!(!manifest.contains("\nraw = "), "{manifest}");
    assert!(
        manifest.contains("# No `raw` feature: progenitor "),
        "{manifest}"
    );
    assert!(!files["src/lib.rs"].contains("mod raw;"));

    let files = generate("spec/openrouter.yaml");
    assert!(files.contains_key("src/raw.rs"));
    assert!(files["Cargo.toml"].contains("\nraw = [\"dep:progenitor-client\"]"));
}

/// Settings select operations by tag or id; ignored operations and properties, unused schemas
/// and operations that cannot be generated are left out, and the rest still generates.
#[test]
fn selection_leaves_out_what_cannot_be_generated() {
    let path = "tests/fixtures/selection.yaml";
    let text = read(path);
    let source = Source {
        name: path,
        text: &text,
    };
    let all = codegen::generate_with(source, &codegen::Settings::new()).unwrap();
    let skipped: Vec<(&str, &str)> = all
        .skipped
        .iter()
        .map(|s| (s.operation.as_str(), s.pointer.as_str()))
        .collect();
    assert_eq!(skipped, [("getItem", "/components/schemas/Odd/type")]);
    let readme = &all.files["README.md"];
    assert!(
        readme.contains("| `getItem` | `/components/schemas/Odd/type` |"),
        "{readme}"
    );
    let models = &all.files["src/models.rs"];
    assert!(
        !models.contains("internal") && !models.contains("Unused"),
        "{models}"
    );
    assert!(!all.files.values().any(|f| f.contains("hidden_create")));
    assert!(all.files.contains_key("src/other.rs"));
    // Strict generation refuses the same document at the same place.
    let e = codegen::generate(source).unwrap_err();
    assert_eq!(e.location, "/components/schemas/Odd/type");

    let by_id = codegen::Settings::new().with_operations(["listItems"]);
    let some = codegen::generate_with(source, &by_id).unwrap();
    assert!(some.skipped.is_empty());
    assert!(!some.files.contains_key("src/other.rs"));
    let by_tag = codegen::Settings::new().with_tags(["Other"]);
    let other = codegen::generate_with(source, &by_tag).unwrap();
    assert!(!other.files["src/models.rs"].contains("pub struct Item"));
    insta::assert_snapshot!("selection__README.md", all.files["README.md"]);

    let settings = codegen::Settings::parse(Source {
        name: "codegen.yaml",
        text: "tags: [Kept]\noperations: [otherThing]\n",
    })
    .unwrap();
    assert_eq!(
        settings,
        codegen::Settings::new()
            .with_tags(["Kept"])
            .with_operations(["otherThing"])
    );
    let e = codegen::Settings::parse(Source {
        name: "codegen.yaml",
        text: "tags: [1]\n",
    })
    .unwrap_err();
    assert_eq!(e.location, "/tags/0");
}

/// progenitor's client is made only when the settings ask for it; without it the crate has no
/// `raw` module, feature or dependency, says nothing about it, and is otherwise the same.
#[test]
fn progenitor_runs_only_when_asked() {
    let path = "spec/openrouter.yaml";
    let text = read(path);
    let source = Source {
        name: path,
        text: &text,
    };
    let without = codegen::generate_with(source, &codegen::Settings::new()).unwrap();
    assert_eq!(without.raw_left_out, None);
    let files = &without.files;
    assert!(!files.contains_key("src/raw.rs"));
    assert!(
        !files["Cargo.toml"].contains("raw"),
        "{}",
        files["Cargo.toml"]
    );
    assert!(!files["Cargo.toml"].contains("progenitor"));
    assert!(!files["src/lib.rs"].contains("mod raw"));
    assert!(!files["src/lib.rs"].contains("RawIsOptIn"));
    assert!(
        !files["README.md"].contains("`raw`"),
        "{}",
        files["README.md"]
    );

    let with = codegen::generate_with(source, &codegen::Settings::new().with_raw(true)).unwrap();
    assert!(with.files["src/raw.rs"].contains("pub struct Client"));
    assert!(with.files["Cargo.toml"].contains("\nraw = [\"dep:progenitor-client\""));
    let differing: Vec<&String> = with
        .files
        .keys()
        .filter(|path| files.get(*path) != Some(&with.files[*path]))
        .collect();
    assert_eq!(
        differing,
        ["Cargo.toml", "README.md", "src/lib.rs", "src/raw.rs"]
    );

    let settings = codegen::Settings::parse(Source {
        name: "codegen.yaml",
        text: "raw: true\n",
    })
    .unwrap();
    assert_eq!(settings, codegen::Settings::new().with_raw(true));
    for wrong in ["raw: yes please\n", "raw: [true]\n", "raw: 1\n"] {
        let e = codegen::Settings::parse(Source {
            name: "codegen.yaml",
            text: wrong,
        })
        .unwrap_err();
        assert_eq!(
            (e.location.as_str(), e.message.as_str()),
            ("/raw", "must be true or false")
        );
    }
}

/// Whatever keeps progenitor's client out, the crate's docs stop offering it and say why.
#[test]
fn docs_say_why_there_is_no_raw_module() {
    for fixture in [
        "tests/fixtures/hostile-names.yaml",
        "tests/fixtures/no-paths.yaml",
    ] {
        let files = generate(fixture);
        assert!(
            !files["src/lib.rs"].contains("With the `raw` feature"),
            "{fixture}"
        );
        assert!(
            files["README.md"].contains("There is no `raw` feature"),
            "{fixture}"
        );
    }
}
