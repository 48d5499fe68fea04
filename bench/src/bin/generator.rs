//! The whole generator against bare progenitor on the same document: the normalized 3.0 view
//! given to `progenitor::Generator` (builder style, tags merged), its tokens formatted by
//! prettyplease. The generator runs with its default settings (the SDK alone: progenitor does
//! not run) and with progenitor's client asked for (`codegen::generate`, which runs progenitor
//! on a second thread while it makes its own files). Also the normalization stage alone
//! (`codegen::normalized_view`), a part of the second. Rounds interleave the four; the table
//! gives medians of wall time, ms per operation, the CPU time of the whole process (all
//! threads) and ratios to progenitor's.
//!
//! `cargo run --release -p openrouter-bench --bin generator [-- --rounds N]`

use std::time::Instant;

use openrouter_bench::{median, process_cpu, rounds_arg, synth};

/// Bare progenitor: the JSON view to formatted Rust, as progenitor's docs do it.
fn progenitor(view: &str) -> String {
    let spec: openapiv3::OpenAPI = serde_json::from_str(view).expect("an OpenAPI 3.0 view");
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .expect("progenitor generates");
    let file = syn::parse2(tokens).expect("progenitor's tokens parse");
    prettyplease::unparse(&file)
}

/// One variant's whole run.
type Run<'a> = Box<dyn Fn() + 'a>;

/// Wall and CPU milliseconds of `f`.
fn ms(f: impl Fn()) -> (f64, f64) {
    let (start, cpu) = (Instant::now(), process_cpu());
    f();
    (
        start.elapsed().as_secs_f64() * 1e3,
        (process_cpu() - cpu).as_secs_f64() * 1e3,
    )
}

fn main() {
    let rounds = rounds_arg(7);
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/openrouter.yaml"
    ))
    .expect("spec/openrouter.yaml");
    let documents = [
        ("spec/openrouter.yaml", 8, spec),
        ("synthetic", 100, synth::document(100)),
        ("synthetic", 1000, synth::document(1000)),
    ];
    println!("{rounds} rounds, medians in ms");
    println!(
        "{:<22} {:>5} {:<26} {:>9} {:>8} {:>7} {:>9} {:>7}",
        "document", "ops", "variant", "wall", "ms/op", "ratio", "cpu", "ratio"
    );
    for (name, ops, text) in &documents {
        let source = codegen::Source { name, text };
        let view = codegen::normalized_view(source).expect("normalizes");
        let sdk_only = codegen::Settings::new();
        let variants: [(&str, Run); 4] = [
            ("progenitor", Box::new(|| drop(progenitor(&view)))),
            (
                "ours (default: no raw)",
                Box::new(|| drop(codegen::generate_with(source, &sdk_only).expect("generates"))),
            ),
            (
                "ours with raw",
                Box::new(|| drop(codegen::generate(source).expect("generates"))),
            ),
            (
                "normalize (part of raw)",
                Box::new(|| drop(codegen::normalized_view(source).expect("view"))),
            ),
        ];
        let mut wall = vec![Vec::new(); variants.len()];
        let mut cpu = vec![Vec::new(); variants.len()];
        // One untimed run of each, then rounds in rotating order.
        for (_, run) in &variants {
            run();
        }
        for round in 0..rounds {
            for k in 0..variants.len() {
                let i = (k + round) % variants.len();
                let (w, c) = ms(&variants[i].1);
                wall[i].push(w);
                cpu[i].push(c);
            }
        }
        // How much Rust each makes: the work of parsing and printing grows with it.
        let rust_bytes = |files: &codegen::FileSet| -> usize {
            files
                .iter()
                .filter(|(path, _)| path.ends_with(".rs"))
                .map(|(_, text)| text.len())
                .sum()
        };
        let sdk = rust_bytes(
            &codegen::generate_with(source, &sdk_only)
                .expect("generates")
                .files,
        );
        let with_raw = codegen::generate(source).expect("generates");
        let raw = with_raw.get("src/raw.rs").map_or(0, String::len);
        println!(
            "{name} ({ops} ops): Rust made: progenitor {:.2} MB; ours {:.2} MB without raw, raw.rs {:.2} MB",
            progenitor(&view).len() as f64 / 1e6,
            sdk as f64 / 1e6,
            raw as f64 / 1e6
        );
        let (base_wall, base_cpu) = (median(&wall[0]), median(&cpu[0]));
        for (i, (variant, _)) in variants.iter().enumerate() {
            let (w, c) = (median(&wall[i]), median(&cpu[i]));
            println!(
                "{:<22} {:>5} {:<26} {:>9.1} {:>8.3} {:>7.2} {:>9.1} {:>7.2}",
                name,
                ops,
                variant,
                w,
                w / *ops as f64,
                w / base_wall,
                c,
                c / base_cpu
            );
        }
    }
    println!(
        "ratios are to progenitor's; cpu = process CPU time, all threads (the generator uses two)"
    );
}
