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

/// Every file under `dir` (relative path, contents), to compare before and after.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", current.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let contents = fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), contents));
            }
        }
    }
    out.sort();
    out
}

/// The names of the entries in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What a fresh run writes for the default document, to compare a regenerated directory with.
fn reference() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reference");
    let result = xtask(&["codegen", "--out", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    snapshot(&out)
}

/// A directory standing for an earlier crate, or for someone else's files: `marker` names it.
fn fill(dir: &Path, marker: &str) {
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("src/lib.rs"), "// the previous crate\n").unwrap();
    fs::write(dir.join("marker"), format!("{marker}\n")).unwrap();
}

#[test]
fn bad_documents_fail_with_file_and_pointer_and_leave_the_output_untouched() {
    let cases = [
        ("invalid-yaml.yaml", "line 6 column 1"),
        (
            "dangling-ref.yaml",
            "/paths/~1x/get/responses/200/content/application~1json/schema/$ref",
        ),
        (
            "operation-id-not-text.yaml",
            "/paths/~1keys/get/operationId",
        ),
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
        text(&first.stdout)
            .lines()
            .any(|line| line.starts_with(&format!("wrote {out_arg}/"))),
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
fn help_prints_usage_on_stdout_and_succeeds() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["codegen", "--help"],
        &["codegen", "-h"],
        &["codegen", "--check", "--help"],
    ] {
        let result = xtask(args);
        assert!(
            result.status.success(),
            "{args:?}: {}",
            text(&result.stderr)
        );
        assert!(
            text(&result.stdout).starts_with("usage: cargo xtask codegen"),
            "{args:?}: {}",
            text(&result.stdout)
        );
        assert!(
            result.stderr.is_empty(),
            "{args:?}: {}",
            text(&result.stderr)
        );
    }
}

#[test]
fn unknown_arguments_fail_with_usage_on_stderr() {
    for (args, named) in [
        (&["codegen", "--frobnicate"][..], "\"--frobnicate\""),
        (&["codegen", "--check", "-x"], "\"-x\""),
        (&["--frobnicate"], "\"--frobnicate\""),
        (&["frobnicate"], "\"frobnicate\""),
        (&[], "no task given"),
    ] {
        let result = xtask(args);
        let stderr = text(&result.stderr);
        assert!(!result.status.success(), "{args:?}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(
            stderr.contains("usage: cargo xtask codegen"),
            "{args:?}: {stderr}"
        );
        assert!(
            result.stdout.is_empty(),
            "{args:?}: {}",
            text(&result.stdout)
        );
    }
}

/// Regenerates `parent/out` next to look-alike siblings, all of which must survive as they were.
fn regenerate_among_siblings(out: &str, siblings: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    for name in siblings.iter().chain([&out]) {
        fill(&dir.path().join(name), name);
    }
    // A plain file among the siblings too.
    fs::write(dir.path().join(format!("{out}.orig")), "a file\n").unwrap();
    let names_before = names(dir.path());
    let siblings_before: Vec<_> = siblings
        .iter()
        .map(|name| snapshot(&dir.path().join(name)))
        .collect();

    let target = dir.path().join(out);
    let result = xtask(&["codegen", "--out", target.to_str().unwrap()]);

    assert!(result.status.success(), "{out}: {}", text(&result.stderr));
    assert!(
        text(&result.stdout)
            .lines()
            .any(|line| line.starts_with("wrote ")),
        "{out}: {}",
        text(&result.stdout)
    );
    assert_eq!(names(dir.path()), names_before, "{out}: entries next to it");
    assert_eq!(
        snapshot(&target),
        reference(),
        "{out}: the previous contents are replaced by exactly the generated crate"
    );
    for (name, before) in siblings.iter().zip(siblings_before) {
        assert_eq!(
            snapshot(&dir.path().join(name)),
            before,
            "{out}: sibling {name} changed"
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join(format!("{out}.orig"))).unwrap(),
        "a file\n"
    );
}

#[test]
fn an_output_named_like_a_backup_is_regenerated_and_nothing_else_is_touched() {
    regenerate_among_siblings("x.old", &["x", "x.new", "x.old.new", "x.old.old"]);
}

#[test]
fn an_output_named_like_a_staging_directory_is_regenerated_and_nothing_else_is_touched() {
    regenerate_among_siblings("x.new", &["x", "x.old", "x.new.new", "x.new.old"]);
}

#[test]
fn look_alike_siblings_of_the_output_survive_untouched() {
    regenerate_among_siblings(
        "generated",
        &[
            "generated.new",
            "generated.old",
            "generated.tmp",
            "generated.bak",
            "generated~",
            ".generated.new",
            "generated.new.old",
            "generated.xtask",
            "generated.xtask-0-0",
        ],
    );
}

#[test]
fn a_failed_run_leaves_the_output_byte_identical_and_no_extra_directories() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    fill(&out, "generated");
    let before = snapshot(&out);

    let result = xtask(&[
        "codegen",
        "--spec",
        "tests/fixtures/bad/dangling-ref.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);

    assert!(!result.status.success());
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(dir.path()), ["generated"]);
}

#[test]
fn an_output_path_that_is_a_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    fs::write(&out, "not a directory\n").unwrap();
    let out_arg = out.to_str().unwrap();

    for args in [
        &["codegen", "--out", out_arg][..],
        &["codegen", "--check", "--out", out_arg],
    ] {
        let result = xtask(args);
        let stderr = text(&result.stderr);
        assert!(!result.status.success(), "{args:?}");
        assert!(
            stderr.contains(&format!("{out_arg}: exists and is not a directory")),
            "{args:?}: {stderr}"
        );
        assert_eq!(fs::read_to_string(&out).unwrap(), "not a directory\n");
        assert_eq!(names(dir.path()), ["generated"]);
    }
}

#[test]
fn an_output_whose_parent_is_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing/generated");
    let result = xtask(&["codegen", "--out", out.to_str().unwrap()]);
    let stderr = text(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains(&format!(
            "the parent directory {} does not exist",
            dir.path().join("missing").display()
        )),
        "{stderr}"
    );
    assert!(names(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symbolic_link_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real");
    fill(&target, "real");
    let before = snapshot(&target);
    let link = dir.path().join("generated");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    let result = xtask(&["codegen", "--out", link.to_str().unwrap()]);

    let stderr = text(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert_eq!(fs::read_link(&link).unwrap(), target);
    assert_eq!(snapshot(&target), before);
    assert_eq!(names(dir.path()), ["generated", "real"]);
}

#[test]
fn crlf_line_ends_in_the_output_are_not_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let out_arg = out.to_str().unwrap();
    assert!(xtask(&["codegen", "--out", out_arg]).status.success());
    for (path, contents) in snapshot(&out) {
        let crlf = text(&contents).replace('\n', "\r\n");
        fs::write(out.join(path), crlf).unwrap();
    }
    let before = snapshot(&out);
    assert!(
        before.iter().any(|(_, contents)| contents.contains(&b'\r')),
        "the files now have CRLF line ends"
    );

    let check = xtask(&["codegen", "--check", "--out", out_arg]);
    assert!(check.status.success(), "{}", text(&check.stdout));

    let write = xtask(&["codegen", "--out", out_arg]);
    assert!(write.status.success(), "{}", text(&write.stderr));
    assert!(
        text(&write.stdout).contains("already up to date"),
        "{}",
        text(&write.stdout)
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn files_that_are_not_utf8_are_named_as_binary_in_the_diff_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let out_arg = out.to_str().unwrap();
    assert!(xtask(&["codegen", "--out", out_arg]).status.success());
    fs::write(out.join("src/lib.rs"), b"// \xff\xfe not UTF-8\n").unwrap();
    fs::write(out.join("src/blob.bin"), b"\x00\xff\x00").unwrap();

    let check = xtask(&["codegen", "--check", "--out", out_arg]);
    assert!(!check.status.success());
    let diff = text(&check.stdout);
    assert!(
        diff.contains(&format!(
            "Binary files a/{out_arg}/src/lib.rs and b/{out_arg}/src/lib.rs differ\n"
        )),
        "{diff}"
    );
    assert!(
        diff.contains(&format!(
            "Binary files a/{out_arg}/src/blob.bin and /dev/null differ\n"
        )),
        "{diff}"
    );
    assert!(
        text(&check.stderr).contains("is stale"),
        "{}",
        text(&check.stderr)
    );

    let write = xtask(&["codegen", "--out", out_arg]);
    assert!(write.status.success(), "{}", text(&write.stderr));
    assert!(
        text(&write.stdout).contains("1 changed, 1 removed"),
        "{}",
        text(&write.stdout)
    );
    assert_eq!(snapshot(&out), reference());
}

#[test]
fn a_stray_empty_file_makes_check_fail_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let out_arg = out.to_str().unwrap();
    assert!(xtask(&["codegen", "--out", out_arg]).status.success());
    fs::write(out.join("src/empty.rs"), "").unwrap();

    let check = xtask(&["codegen", "--check", "--out", out_arg]);
    assert!(!check.status.success());
    let diff = text(&check.stdout);
    assert!(
        diff.contains(&format!("--- a/{out_arg}/src/empty.rs\n+++ /dev/null\n")),
        "{diff}"
    );
}
