//! The change report of `cargo xtask codegen` and `cargo xtask diff`, and the provenance lines of
//! `--check`.
//!
//! The crate records the SHA-256 of the document it was made from (`generated/Cargo.toml`,
//! `[package.metadata.openrouter-codegen]`). To compare with that document, its text is looked up
//! in git: the versions of the spec file in the last commits, taking the one whose hash matches.
//! So the report is about exactly what the committed crate was made from, even when the spec was
//! committed without regenerating, and the repository needs no second copy of the document.

use std::fs;
use std::path::Path;
use std::process::Command;

use codegen::{Provenance, Report, Source};

/// How many commits back to look for the document `generated/` was made from.
const HISTORY: &str = "200";

/// What the output directory records, if it records anything.
pub fn recorded(out: &Path) -> Option<Provenance> {
    let manifest = fs::read_to_string(out.join("Cargo.toml")).ok()?;
    Provenance::from_cargo_toml(&manifest)
}

/// Lines saying how the record in `out_name/` differs from what generating now would record.
pub fn provenance_lines(
    out_name: &str,
    spec_name: &str,
    record: Option<&Provenance>,
    now: &Provenance,
) -> Vec<String> {
    let Some(record) = record else {
        return vec![format!(
            "{out_name}/ records no source document (no [package.metadata.openrouter-codegen] in its Cargo.toml)"
        )];
    };
    let mut lines = Vec::new();
    if record.source_sha256 != now.source_sha256 {
        lines.push(format!(
            "{out_name}/ was made from a document with sha256 {}; {spec_name} has sha256 {}",
            record.source_sha256, now.source_sha256
        ));
    }
    if record.generator != now.generator {
        lines.push(format!(
            "{out_name}/ was made by generator {}; this generator is {}",
            record.generator, now.generator
        ));
    }
    lines
}

/// The report from the document `out` was made from to `new`, both generated with `settings`,
/// or why there is none. The old document is looked for in the history of `specs` (the file
/// given, and the default spec).
pub fn since_generated(
    out: &Path,
    out_name: &str,
    specs: &[&Path],
    new: Source<'_>,
    settings: &codegen::Settings,
) -> Result<Report, String> {
    let now = Provenance::of(new.text);
    let Some(record) = recorded(out) else {
        return Err(format!(
            "{out_name}/ records no source document, so there is nothing to compare with"
        ));
    };
    if record.source_sha256 == now.source_sha256 {
        return codegen::diff_with(new, new, settings).map_err(|e| e.to_string());
    }
    let found = specs
        .iter()
        .find_map(|spec| find_in_git(spec, &record.source_sha256));
    let Some((name, old)) = found else {
        return Err(format!(
            "the document {out_name}/ was made from (sha256 {}) is not among the last {HISTORY} \
             committed versions of the spec; compare two files with `cargo xtask diff OLD NEW`",
            record.source_sha256,
        ));
    };
    codegen::diff_with(
        Source {
            name: &name,
            text: &old,
        },
        new,
        settings,
    )
    .map_err(|e| e.to_string())
}

/// The committed version of `spec_path` whose text has `sha256`, named `path@commit`.
fn find_in_git(spec_path: &Path, sha256: &str) -> Option<(String, String)> {
    let spec = fs::canonicalize(spec_path).ok()?;
    let top = git(spec.parent()?, &["rev-parse", "--show-toplevel"])?;
    let top = fs::canonicalize(top.trim()).ok()?;
    let relative = spec
        .strip_prefix(&top)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let commits = git(
        &top,
        &["log", "--format=%h", "-n", HISTORY, "--", &relative],
    )?;
    commits.lines().find_map(|commit| {
        let text = git(&top, &["show", &format!("{commit}:{relative}")])?;
        (Provenance::of(&text).source_sha256 == sha256)
            .then(|| (format!("{relative}@{commit}"), text))
    })
}

/// The standard output of a successful git command; `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
}
