//! `cargo xtask codegen [--check]`: regenerate `generated/` from `spec/openrouter.yaml`.
//!
//! Writing is all-or-nothing: the new crate is written to a sibling directory first and swapped
//! in with renames, so a failure leaves `generated/` exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/openrouter.yaml";
const OUT: &str = "generated";
const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec FILE] [--out DIR]

  codegen             regenerate generated/ from spec/openrouter.yaml
  codegen --check     exit non-zero with a unified diff if generated/ is stale
  --spec FILE         read another document (default: spec/openrouter.yaml)
  --out DIR           write or check another directory (default: generated)";

/// What `codegen` was asked to do.
struct Options {
    check: bool,
    spec: Option<String>,
    out: Option<String>,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        check: false,
        spec: None,
        out: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--spec" => options.spec = Some(rest.next().ok_or("--spec needs a file")?.clone()),
            "--out" => options.out = Some(rest.next().ok_or("--out needs a directory")?.clone()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => parse_options(&args[1..]).and_then(codegen),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown task {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn codegen(options: Options) -> Result<(), String> {
    let root = workspace_root();
    let spec_name = options.spec.as_deref().unwrap_or(SPEC);
    let spec_path = options
        .spec
        .as_ref()
        .map_or_else(|| root.join(SPEC), PathBuf::from);
    let out_name = options.out.as_deref().unwrap_or(OUT);
    let out = options
        .out
        .as_ref()
        .map_or_else(|| root.join(OUT), PathBuf::from);

    let text =
        fs::read_to_string(&spec_path).map_err(|e| format!("{spec_name}: cannot read: {e}"))?;
    let source = codegen::Source {
        name: spec_name,
        text: &text,
    };
    let files = codegen::generate(source).map_err(|e| e.to_string())?;
    let existing = read_tree(&out).map_err(|e| format!("{out_name}: cannot read: {e}"))?;

    if options.check {
        let diff = diff_trees(out_name, &existing, &files);
        if diff.is_empty() {
            println!(
                "{out_name}/ is up to date with {spec_name} ({} files)",
                files.len()
            );
            return Ok(());
        }
        print!("{diff}");
        return Err(format!(
            "{out_name}/ is stale; run `cargo xtask codegen` and commit the result"
        ));
    }
    let changed = files
        .iter()
        .filter(|(path, text)| existing.get(*path) != Some(text))
        .count();
    let removed = existing
        .keys()
        .filter(|path| !files.contains_key(*path))
        .count();
    if changed == 0 && removed == 0 {
        println!("{out_name}/ is already up to date ({} files)", files.len());
        return Ok(());
    }
    replace_dir(&out, &files).map_err(|e| format!("{out_name}: cannot write: {e}"))?;
    println!(
        "wrote {out_name}/: {} files, {changed} changed, {removed} removed",
        files.len()
    );
    Ok(())
}

/// Every file under `dir` as (relative path with `/`, text); an absent directory is empty.
fn read_tree(dir: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, fs::read_to_string(&path)?);
            }
        }
    }
    Ok(out)
}

/// A unified diff from what is on disk to what the generator makes.
fn diff_trees(
    out_name: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        let before = old.get(path).map_or("", String::as_str);
        let after = new.get(path).map_or("", String::as_str);
        if before == after && old.contains_key(path) == new.contains_key(path) {
            continue;
        }
        let diff = similar::TextDiff::from_lines(before, after);
        let a = if old.contains_key(path) {
            format!("a/{out_name}/{path}")
        } else {
            "/dev/null".into()
        };
        let b = if new.contains_key(path) {
            format!("b/{out_name}/{path}")
        } else {
            "/dev/null".into()
        };
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .to_string(),
        );
    }
    out
}

/// Writes `files` into a fresh sibling directory, then swaps it in for `dir`.
fn replace_dir(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    let staging = dir.with_extension("new");
    let backup = dir.with_extension("old");
    for leftover in [&staging, &backup] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    let written = (|| {
        for (path, text) in files {
            let target = staging.join(path);
            fs::create_dir_all(target.parent().expect("files live in a directory"))?;
            fs::write(target, text)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if dir.exists() {
        fs::rename(dir, &backup)?;
    }
    if let Err(e) = fs::rename(&staging, dir) {
        // Put the old tree back before reporting.
        if backup.exists() {
            let _ = fs::rename(&backup, dir);
        }
        return Err(e);
    }
    if backup.exists() {
        fs::remove_dir_all(&backup)?;
    }
    Ok(())
}
