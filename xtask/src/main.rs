//! `cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--report FILE]`: regenerate
//! `generated/` from `spec/openrouter.yaml` and report the API changes;
//! `cargo xtask diff OLD NEW`: report the API changes between two documents.
//!
//! Writing is all-or-nothing: the new crate is written to a sibling directory first and swapped
//! in with renames, so a failure leaves `generated/` exactly as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod changes;

const SPEC: &str = "spec/openrouter.yaml";
const OUT: &str = "generated";
const SETTINGS: &str = "spec/codegen.yaml";
const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec FILE] [--settings FILE] [--out DIR] [--report FILE]
       cargo xtask diff OLD NEW [--settings FILE] [--markdown]

  codegen             regenerate generated/ from spec/openrouter.yaml, printing the API changes
                      since the document generated/ was made from
  codegen --check     exit non-zero with a unified diff if generated/ is stale
  --spec FILE         read another document (default: spec/openrouter.yaml)
  --settings FILE     which operations to generate (default: spec/codegen.yaml if present,
                      else all)
  --out DIR           write or check another directory (default: generated)
  --report FILE       also write the API changes as Markdown, for a pull request
  diff OLD NEW        print the API changes between the crates two documents generate (the
                      same selection for both, as --settings says); writes nothing
  --markdown          print them as Markdown
  -h, --help          print this help";

/// What the command line asks for.
enum Task {
    Help,
    Codegen(Options),
    Diff {
        old: String,
        new: String,
        settings: Option<String>,
        markdown: bool,
    },
}

/// What `codegen` was asked to do.
struct Options {
    check: bool,
    spec: Option<String>,
    settings: Option<String>,
    out: Option<String>,
    report: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Task, String> {
    match args.first().map(String::as_str) {
        Some("codegen") => parse_codegen(&args[1..]),
        Some("diff") => parse_diff(&args[1..]),
        Some("-h" | "--help" | "help") => Ok(Task::Help),
        Some(other) => Err(format!("unknown task {other:?}\n\n{USAGE}")),
        None => Err(format!("no task given\n\n{USAGE}")),
    }
}

fn parse_codegen(args: &[String]) -> Result<Task, String> {
    let mut options = Options {
        check: false,
        spec: None,
        settings: None,
        out: None,
        report: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Task::Help),
            "--check" => options.check = true,
            "--spec" => options.spec = Some(rest.next().ok_or("--spec needs a file")?.clone()),
            "--settings" => {
                options.settings = Some(rest.next().ok_or("--settings needs a file")?.clone())
            }
            "--out" => options.out = Some(rest.next().ok_or("--out needs a directory")?.clone()),
            "--report" => {
                options.report = Some(rest.next().ok_or("--report needs a file")?.clone())
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(Task::Codegen(options))
}

fn parse_diff(args: &[String]) -> Result<Task, String> {
    let mut files = Vec::new();
    let mut markdown = false;
    let mut settings = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Task::Help),
            "--markdown" => markdown = true,
            "--settings" => {
                settings = Some(args.next().ok_or("--settings needs a file")?.clone());
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown argument {flag:?}\n\n{USAGE}"));
            }
            file => files.push(file.to_owned()),
        }
    }
    match <[String; 2]>::try_from(files) {
        Ok([old, new]) => Ok(Task::Diff {
            old,
            new,
            settings,
            markdown,
        }),
        Err(_) => Err(format!("diff needs two documents, OLD and NEW\n\n{USAGE}")),
    }
}

/// `cargo xtask diff OLD NEW`: the report between the crates two documents generate with the
/// same settings, on standard output.
fn diff(old: &str, new: &str, settings: Option<&str>, markdown: bool) -> Result<(), String> {
    let settings = read_settings(&workspace_root(), settings)?;
    let read =
        |name: &str| fs::read_to_string(name).map_err(|e| format!("{name}: cannot read: {e}"));
    let (old_text, new_text) = (read(old)?, read(new)?);
    let report = codegen::diff_with(
        codegen::Source {
            name: old,
            text: &old_text,
        },
        codegen::Source {
            name: new,
            text: &new_text,
        },
        &settings,
    )
    .map_err(|e| e.to_string())?;
    print!(
        "{}",
        if markdown {
            report.markdown()
        } else {
            report.text()
        }
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse_args(&args).and_then(|task| match task {
        Task::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Task::Codegen(options) => codegen(options),
        Task::Diff {
            old,
            new,
            settings,
            markdown,
        } => diff(&old, &new, settings.as_deref(), markdown),
    });
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
    let settings = read_settings(&root, options.settings.as_deref())?;
    let generated = codegen::generate_with(source, &settings).map_err(|e| e.to_string())?;
    // A crate without a single operation is no crate: the reasons are the error.
    if generated.operations == 0 && !generated.skipped.is_empty() {
        let reasons: Vec<String> = generated
            .skipped
            .iter()
            .map(|s| format!("{spec_name}: at {}: {}", s.pointer, s.reason))
            .collect();
        return Err(reasons.join("\nerror: "));
    }
    for skipped in &generated.skipped {
        eprintln!(
            "warning: left out {}: {}: at {}: {}",
            skipped.operation, spec_name, skipped.pointer, skipped.reason
        );
    }
    if let Some(e) = &generated.raw_left_out {
        eprintln!("warning: no raw feature: {e}");
    }
    let files = generated.files;
    let existing = read_tree(&out, out_name)?;
    let record = changes::recorded(&out);

    if options.check {
        let now = codegen::Provenance::of(&text);
        for line in changes::provenance_lines(out_name, spec_name, record.as_ref(), &now) {
            println!("{line}");
        }
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
    let specs = [spec_path.as_path(), &root.join(SPEC)];
    report_changes(
        &out,
        out_name,
        &specs,
        source,
        &settings,
        options.report.as_deref(),
    )?;
    let changed = files
        .iter()
        .filter(|(path, text)| !existing.get(*path).is_some_and(|file| file.matches(text)))
        .count();
    let removed = existing
        .keys()
        .filter(|path| !files.contains_key(*path))
        .count();
    if changed == 0 && removed == 0 {
        println!("{out_name}/ is already up to date ({} files)", files.len());
        return Ok(());
    }
    replace_dir(&out, &files)?;
    println!(
        "wrote {out_name}/: {} files, {changed} changed, {removed} removed",
        files.len()
    );
    Ok(())
}

/// The settings file given, or `spec/codegen.yaml` when it exists; all operations otherwise.
fn read_settings(root: &Path, given: Option<&str>) -> Result<codegen::Settings, String> {
    let (name, path) = match given {
        Some(name) => (name, PathBuf::from(name)),
        None if root.join(SETTINGS).is_file() => (SETTINGS, root.join(SETTINGS)),
        None => return Ok(codegen::Settings::new()),
    };
    let text = fs::read_to_string(&path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    codegen::Settings::parse(codegen::Source { name, text: &text }).map_err(|e| e.to_string())
}

/// Prints the API changes since the document `out` was made from, and writes them as Markdown
/// to `report` when asked. Without a report file, not finding the old document is only a note.
fn report_changes(
    out: &Path,
    out_name: &str,
    specs: &[&Path],
    source: codegen::Source<'_>,
    settings: &codegen::Settings,
    report: Option<&str>,
) -> Result<(), String> {
    match changes::since_generated(out, out_name, specs, source, settings) {
        Ok(changes) => {
            print!("{}", changes.text());
            if let Some(file) = report {
                // `target/` does not exist yet in a fresh clone.
                if let Some(parent) = Path::new(file).parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| format!("{file}: cannot create its directory: {e}"))?;
                }
                fs::write(file, changes.markdown())
                    .map_err(|e| format!("{file}: cannot write: {e}"))?;
                println!("wrote the API changes to {file}");
            }
            Ok(())
        }
        Err(why) if report.is_none() => {
            println!("API changes: not reported: {why}");
            Ok(())
        }
        Err(why) => Err(format!("cannot write the API changes: {why}")),
    }
}

/// A file found in the output directory, as compared with what the generator makes.
enum OnDisk {
    /// UTF-8 text with CRLF line ends turned into LF, so a checkout with `core.autocrlf` is
    /// not reported as stale.
    Text(String),
    /// Not UTF-8: never equal to generated text, and shown as a binary file in the diff.
    Binary,
}

impl OnDisk {
    fn matches(&self, generated: &str) -> bool {
        matches!(self, OnDisk::Text(text) if *text == to_lf(generated))
    }
}

/// `text` with CRLF line ends as LF; the generator's runtime files may come from a CRLF checkout.
fn to_lf(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Every file under `dir` by relative path with `/`; an absent directory is empty.
/// `name` is how errors refer to `dir`.
fn read_tree(dir: &Path, name: &str) -> Result<BTreeMap<String, OnDisk>, String> {
    let mut out = BTreeMap::new();
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{name}: exists and is not a directory")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("{name}: cannot read: {e}")),
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let cannot_read = |e: io::Error| format!("{}: cannot read: {e}", current.display());
        for entry in fs::read_dir(&current).map_err(cannot_read)? {
            let entry = entry.map_err(cannot_read)?;
            let path = entry.path();
            // `file_type` does not follow links, so a link to a directory cannot loop.
            if entry.file_type().map_err(cannot_read)?.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes =
                    fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                let file = match String::from_utf8(bytes) {
                    Ok(text) => OnDisk::Text(to_lf(&text).into_owned()),
                    Err(_) => OnDisk::Binary,
                };
                out.insert(relative, file);
            }
        }
    }
    Ok(out)
}

/// A unified diff from what is on disk to what the generator makes.
fn diff_trees(
    out_name: &str,
    old: &BTreeMap<String, OnDisk>,
    new: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        if let (Some(file), Some(text)) = (old.get(path), new.get(path))
            && file.matches(text)
        {
            continue;
        }
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
        let before = match old.get(path) {
            Some(OnDisk::Binary) => {
                out.push_str(&format!("Binary files {a} and {b} differ\n"));
                continue;
            }
            Some(OnDisk::Text(text)) => text.as_str(),
            None => "",
        };
        let after = new.get(path).map_or(Cow::Borrowed(""), |text| to_lf(text));
        let diff = similar::TextDiff::from_lines(before, &after)
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        if diff.is_empty() {
            // An empty file added or removed has no hunks; the headers still name it.
            out.push_str(&format!("--- {a}\n+++ {b}\n"));
        } else {
            out.push_str(&diff);
        }
    }
    out
}

/// Writes `files` into a fresh sibling directory, then swaps it in for `dir`.
///
/// Everything this run writes lives in one work directory it creates itself next to `dir` (a
/// name no other file has), holding `new/` (the staging tree) and, during the swap, `old/` (the
/// previous tree). Only that work directory is ever deleted, and on any failure `dir` is put back.
fn replace_dir(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    let shown = dir.display();
    let existed = match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        // Renaming a link would replace the link, not the directory it points to.
        Ok(meta) if meta.is_symlink() => {
            return Err(format!(
                "{shown}: is a symbolic link; pass the directory it points to"
            ));
        }
        Ok(_) => return Err(format!("{shown}: exists and is not a directory")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    let work = create_work_dir(dir)?;
    let staging = work.join("new");
    let backup = work.join("old");
    let discard_work = || {
        let _ = fs::remove_dir_all(&work);
    };

    if let Err(e) = write_files(&staging, files) {
        discard_work();
        return Err(e);
    }
    if existed && let Err(e) = fs::rename(dir, &backup) {
        discard_work();
        return Err(format!("cannot move {shown} to {}: {e}", backup.display()));
    }
    if let Err(e) = fs::rename(&staging, dir) {
        let mut message = format!("cannot move {} to {shown}: {e}", staging.display());
        if existed && let Err(e) = fs::rename(&backup, dir) {
            // Keep the work directory: it now holds the only copy of the previous tree.
            message.push_str(&format!(
                "; restoring the previous contents also failed ({e}), they are in {}",
                backup.display()
            ));
            return Err(message);
        }
        discard_work();
        return Err(message);
    }
    // The new tree is in place, so the run succeeded; a leftover is only worth a warning.
    if let Err(e) = fs::remove_dir_all(&work) {
        eprintln!("warning: cannot remove {}: {e}", work.display());
    }
    Ok(())
}

/// Creates `<name>.xtask-<pid>-<n>` next to `dir` with `create_dir`, which fails rather than
/// reuse a path that already exists, so the name cannot belong to anyone else.
fn create_work_dir(dir: &Path) -> Result<PathBuf, String> {
    let name = dir.file_name().ok_or_else(|| {
        format!(
            "{}: cannot replace a path that does not end in a directory name",
            dir.display()
        )
    })?;
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "{}: the parent directory {} does not exist",
            dir.display(),
            parent.display()
        ));
    }
    for n in 0..1000 {
        let mut work_name = name.to_os_string();
        work_name.push(format!(".xtask-{}-{n}", std::process::id()));
        let work = parent.join(work_name);
        match fs::create_dir(&work) {
            Ok(()) => return Ok(work),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create {}: {e}", work.display())),
        }
    }
    Err(format!(
        "cannot find an unused name next to {} for the staging directory",
        dir.display()
    ))
}

/// Writes every file under `root`, which must not exist yet.
fn write_files(root: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    fs::create_dir(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    for (path, text) in files {
        let target = root.join(path);
        let parent = target.parent().expect("files live in a directory");
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        fs::write(&target, text).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}
