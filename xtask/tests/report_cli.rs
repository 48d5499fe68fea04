//! The change report through the command line: `diff`, `codegen --report FILE`, the report
//! since the document a crate was made from (found in git), and the provenance lines of `--check`.

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

fn pair(rule: &str, side: &str) -> String {
    root()
        .join("tests/fixtures/changes")
        .join(rule)
        .join(format!("{side}.yaml"))
        .to_string_lossy()
        .into_owned()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.test"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn diff_prints_the_report_and_writes_nothing() {
    let rule = "nullability-style-and-new-status";
    let before = fs::read_dir(root()).unwrap().count();
    let result = xtask(&["diff", &pair(rule, "old"), &pair(rule, "new")]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.contains("0 breaking, 1 additive"), "{stdout}");
    assert!(stdout.contains("status 400: new error status"), "{stdout}");
    assert_eq!(fs::read_dir(root()).unwrap().count(), before);

    let markdown = xtask(&["diff", &pair(rule, "old"), &pair(rule, "new"), "--markdown"]);
    assert!(text(&markdown.stdout).starts_with("## API changes"));
}

#[test]
fn diff_needs_two_documents() {
    let result = xtask(&["diff", &pair("doc-only", "old")]);
    assert!(!result.status.success());
    assert!(text(&result.stderr).contains("diff needs two documents"));
}

#[test]
fn codegen_reports_against_the_committed_document_the_crate_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let spec = repo.join("spec.yaml");
    let out = repo.join("out");
    let (spec_arg, out_arg) = (spec.to_str().unwrap(), out.to_str().unwrap());
    fs::copy(pair("parameter-retyped", "old"), &spec).unwrap();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "spec.yaml"]);
    git(repo, &["commit", "-q", "-m", "old document"]);
    let first = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
    assert!(first.status.success(), "{}", text(&first.stderr));

    // Same document: nothing changed, and the Markdown says so.
    let report = repo.join("not-yet/changes.md");
    let report_arg = report.to_str().unwrap();
    let same = xtask(&[
        "codegen", "--spec", spec_arg, "--out", out_arg, "--report", report_arg,
    ]);
    assert!(same.status.success(), "{}", text(&same.stderr));
    assert!(
        fs::read_to_string(&report)
            .unwrap()
            .contains("no API change")
    );

    // A new document on disk: the old one is found in git by the hash the crate records.
    fs::copy(pair("parameter-retyped", "new"), &spec).unwrap();
    let check = xtask(&["codegen", "--check", "--spec", spec_arg, "--out", out_arg]);
    assert!(!check.status.success());
    assert!(
        text(&check.stdout).contains("was made from a document with sha256"),
        "{}",
        text(&check.stdout)
    );
    let next = xtask(&[
        "codegen", "--spec", spec_arg, "--out", out_arg, "--report", report_arg,
    ]);
    assert!(next.status.success(), "{}", text(&next.stderr));
    let stdout = text(&next.stdout);
    assert!(stdout.contains("1 breaking, 0 additive"), "{stdout}");
    assert!(
        stdout.contains("query parameter `offset`: type `String` → `i64`"),
        "{stdout}"
    );
    let markdown = fs::read_to_string(&report).unwrap();
    assert!(markdown.contains("### Breaking"), "{markdown}");
}

#[test]
fn a_report_without_the_old_document_fails_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("changes.md");
    let result = xtask(&[
        "codegen",
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(!result.status.success());
    assert!(text(&result.stderr).contains("records no source document"));
    assert!(!out.exists() && !report.exists());
}
