//! Build cost of the generated crate against progenitor's own crate for the same operations:
//! a clean debug build (fresh target directory) and a crate-only rebuild (`touch src/lib.rs`),
//! plus the number of packages built (`cargo tree -e normal,build`). Three crates, in rotating
//! order each round: generated/ with its default features, generated/ with
//! `--no-default-features --features rustls`, and progenitor's output for spec/openrouter.yaml
//! in a temporary crate (progenitor-client 0.15.1, reqwest 0.13 with rustls on the ring
//! provider as ours, serde, serde_json, chrono, uuid). Both are built as crates of their own
//! (generated/ copied out of the workspace) with the workspace's Cargo.lock and cargo's default
//! profile, as an application that depends on them would build them.
//!
//! `cargo run --release -p openrouter-bench --bin compile [-- --rounds N]`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use openrouter_bench::{median, rounds_arg};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

struct Subject {
    name: &'static str,
    /// The directory cargo runs in.
    dir: PathBuf,
    /// Arguments after `cargo build` / `cargo tree`.
    args: Vec<&'static str>,
    /// The file touched for a crate-only rebuild.
    lib: PathBuf,
}

/// A crate with progenitor's client for the spec, as progenitor's documentation sets one up.
fn progenitor_crate(dir: &Path) -> Subject {
    let spec = std::fs::read_to_string(format!("{WORKSPACE}/spec/openrouter.yaml")).expect("spec");
    let view = codegen::normalized_view(codegen::Source {
        name: "openrouter.yaml",
        text: &spec,
    })
    .expect("view");
    let api: openapiv3::OpenAPI = serde_json::from_str(&view).expect("3.0 view");
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&api)
        .expect("generates");
    let code = prettyplease::unparse(&syn::parse2(tokens).expect("parses"));
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(dir.join("src/lib.rs"), code).expect("write lib.rs");
    // Same TLS stack as the generated crate: rustls on ring (reqwest's default provider needs
    // cmake), installed by the user before building a client.
    let manifest = r#"[package]
name = "progenitor-baseline"
version = "0.1.0"
edition = "2024"

[dependencies]
progenitor-client = "0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
uuid = { version = "1", default-features = false, features = ["serde"] }

[workspace]
"#;
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    // The workspace's versions: cargo drops what this crate does not use.
    std::fs::copy(format!("{WORKSPACE}/Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
    Subject {
        name: "progenitor crate (rustls)",
        dir: dir.to_owned(),
        args: vec![],
        lib: dir.join("src/lib.rs"),
    }
}

fn cargo(dir: &Path, sub: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .arg(sub)
        .args(args)
        .output()
        .expect("cargo runs");
    if !output.status.success() {
        panic!(
            "cargo {sub} {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// Seconds of one `cargo build`.
fn build(subject: &Subject, target: &Path) -> f64 {
    let mut args = subject.args.clone();
    args.extend(["--target-dir", target.to_str().expect("a UTF-8 path")]);
    let start = Instant::now();
    cargo(&subject.dir, "build", &args);
    start.elapsed().as_secs_f64()
}

/// Packages in the normal and build dependency graph.
fn packages(subject: &Subject) -> usize {
    let mut args = subject.args.clone();
    args.extend(["-e", "normal,build", "--prefix", "none"]);
    let output = cargo(&subject.dir, "tree", &args);
    let text = String::from_utf8_lossy(&output.stdout);
    let mut names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// generated/ as a crate of its own, with the workspace's Cargo.lock: built inside the
/// workspace it would take the workspace's `[profile.dev.package]` settings, which optimize
/// syn and serde_json for the generator's tests, and an application's build does not.
fn standalone_copy(from: &Path, to: &Path) -> PathBuf {
    copy_tree(from, to);
    let manifest = to.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
    std::fs::write(&manifest, text + "\n[workspace]\n").expect("write Cargo.toml");
    std::fs::copy(format!("{WORKSPACE}/Cargo.lock"), to.join("Cargo.lock")).expect("lock");
    to.to_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn touch(path: &Path) {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .expect("open");
    file.set_modified(std::time::SystemTime::now())
        .expect("touch");
}

fn main() {
    let rounds = rounds_arg(3);
    let scratch =
        std::env::temp_dir().join(format!("openrouter-bench-build-{}", std::process::id()));
    let generated = standalone_copy(
        &PathBuf::from(format!("{WORKSPACE}/generated")),
        &scratch.join("generated"),
    );
    let subjects = [
        Subject {
            name: "generated/ (default features)",
            dir: generated.clone(),
            args: vec![],
            lib: generated.join("src/lib.rs"),
        },
        Subject {
            name: "generated/ (rustls only)",
            dir: generated.clone(),
            args: vec!["--no-default-features", "--features", "rustls"],
            lib: generated.join("src/lib.rs"),
        },
        progenitor_crate(&scratch.join("progenitor-crate")),
    ];
    let count = subjects.len();
    let (mut clean, mut rebuild) = (vec![Vec::new(); count], vec![Vec::new(); count]);
    for round in 0..rounds {
        for k in 0..count {
            let i = (k + round) % count;
            let target = scratch.join(format!("target-{i}"));
            let _ = std::fs::remove_dir_all(&target);
            let seconds = build(&subjects[i], &target);
            eprintln!("round {round}: {} clean {seconds:.1} s", subjects[i].name);
            clean[i].push(seconds);
            for _ in 0..3 {
                touch(&subjects[i].lib);
                let seconds = build(&subjects[i], &target);
                eprintln!("round {round}: {} rebuild {seconds:.2} s", subjects[i].name);
                rebuild[i].push(seconds);
            }
        }
    }
    println!("\n{rounds} rounds, debug builds, medians in seconds");
    println!(
        "{:<32} {:>8} {:>7} {:>9} {:>7} {:>9}",
        "crate", "clean", "ratio", "rebuild", "ratio", "packages"
    );
    let base = count - 1;
    for (i, subject) in subjects.iter().enumerate() {
        let (c, r) = (median(&clean[i]), median(&rebuild[i]));
        println!(
            "{:<32} {:>8.1} {:>7.2} {:>9.2} {:>7.2} {:>9}",
            subject.name,
            c,
            c / median(&clean[base]),
            r,
            r / median(&rebuild[base]),
            packages(subject)
        );
    }
    println!("ratios are to progenitor's crate");
    let _ = std::fs::remove_dir_all(&scratch);
}
