//! `cargo xtask codegen` as a maintainer runs it: exit codes, messages, and what it leaves on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` with its contents, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn bad_documents_fail_with_file_and_pointer_and_leave_the_output_untouched() {
    let cases = [
        ("invalid-yaml.yaml", "line 6 column 1"),
        (
            "dangling-ref.yaml",
            "/paths/~1x/get/responses/200/content/application~1json/schema/$ref",
        ),
        ("missing-operation-id.yaml", "/paths/~1keys/get"),
        ("unsupported-version.yaml", "/swagger"),
        ("inexpressible.yaml", "/properties/id/type"),
    ];
    for (file, location) in cases {
        let out = tempfile::tempdir().unwrap();
        fs::create_dir_all(out.path().join("src")).unwrap();
        fs::write(out.path().join("src/lib.rs"), "// the previous crate\n").unwrap();
        let before = snapshot(out.path());

        let spec = format!("tests/fixtures/bad/{file}");
        let result = xtask(&[
            "codegen",
            "--spec",
            &spec,
            "--out",
            out.path().to_str().unwrap(),
        ]);

        let stderr = text(&result.stderr);
        assert!(!result.status.success(), "{file}: should fail");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{file}: one error line, got {stderr}"
        );
        assert!(
            stderr.contains(&spec),
            "{file}: the error names the file: {stderr}"
        );
        assert!(
            stderr.contains(location),
            "{file}: the error names {location}: {stderr}"
        );
        assert_eq!(
            snapshot(out.path()),
            before,
            "{file}: the output directory changed"
        );
        let siblings: Vec<_> = fs::read_dir(out.path().parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&*out.path().file_name().unwrap().to_string_lossy())
            })
            .collect();
        assert_eq!(
            siblings.len(),
            1,
            "{file}: no staging directory is left behind"
        );
    }
}

#[test]
fn write_then_check_then_detect_edits_and_remove_stale_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let out_arg = out.to_str().unwrap();

    let first = xtask(&["codegen", "--out", out_arg]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).starts_with(&format!("wrote {out_arg}/")),
        "{}",
        text(&first.stdout)
    );
    let written = snapshot(&out);

    let check = xtask(&["codegen", "--check", "--out", out_arg]);
    assert!(check.status.success(), "{}", text(&check.stderr));

    // Byte-identical run to run.
    let again = xtask(&["codegen", "--out", out_arg]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("already up to date"));
    assert_eq!(snapshot(&out), written);

    // A hand edit is reported as a unified diff naming the file.
    let lib = out.join("src/lib.rs");
    let original = fs::read_to_string(&lib).unwrap();
    fs::write(
        &lib,
        original.replace(
            "#![forbid(unsafe_code)]",
            "#![forbid(unsafe_code)]\n// hand edit",
        ),
    )
    .unwrap();
    let stale = xtask(&["codegen", "--check", "--out", out_arg]);
    assert!(!stale.status.success());
    let diff = text(&stale.stdout);
    assert!(
        diff.contains(&format!("--- a/{out_arg}/src/lib.rs")),
        "{diff}"
    );
    assert!(diff.contains("-// hand edit"), "{diff}");
    assert!(text(&stale.stderr).contains("run `cargo xtask codegen`"));

    // A file the generator no longer emits is removed by the next run.
    fs::write(out.join("src/old.rs"), "// from an older document\n").unwrap();
    let rerun = xtask(&["codegen", "--out", out_arg]);
    assert!(rerun.status.success());
    assert!(
        text(&rerun.stdout).contains("1 removed"),
        "{}",
        text(&rerun.stdout)
    );
    assert_eq!(snapshot(&out), written);
}

#[test]
fn a_changed_document_makes_check_fail_with_the_change_in_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openrouter.yaml");
    let original = fs::read_to_string(root().join("spec/openrouter.yaml")).unwrap();
    let changed = original.replacen("minLength: 1", "minLength: 3", 1);
    assert_ne!(original, changed, "the document has a minLength to change");
    fs::write(&spec, changed).unwrap();

    // Against the committed generated/, which was made from the unchanged document.
    let result = xtask(&["codegen", "--check", "--spec", spec.to_str().unwrap()]);
    assert!(!result.status.success());
    let diff = text(&result.stdout);
    assert!(
        diff.contains("+    /// Constraints: at least 3 characters"),
        "{diff}"
    );
}

#[test]
fn unknown_arguments_print_usage() {
    let result = xtask(&["codegen", "--frobnicate"]);
    assert!(!result.status.success());
    assert!(text(&result.stderr).contains("usage: cargo xtask codegen"));
}
