//! The whole generator (`codegen::generate`) against bare progenitor on the same document: the
//! normalized 3.0 view given to `progenitor::Generator` (builder style, tags merged), its tokens
//! formatted by prettyplease. Also the normalization stage alone (`codegen::normalized_view`).
//! Rounds interleave the three; the table gives medians of wall time, ms per operation, ratios,
//! and the CPU time of the whole process (all threads: the generator runs progenitor on a
//! second thread while it makes its own files).
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

/// Wall and CPU milliseconds of `f`.
fn ms(f: impl FnOnce()) -> (f64, f64) {
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
        "{:<22} {:>5} {:>10} {:>10} {:>11} {:>8} {:>10} {:>8} {:>8} {:>9} {:>9} {:>9}",
        "document",
        "ops",
        "ours",
        "ours/op",
        "progenitor",
        "prog/op",
        "normalize",
        "norm/op",
        "ratio",
        "ours cpu",
        "prog cpu",
        "cpu ratio"
    );
    for (name, ops, text) in &documents {
        let source = codegen::Source { name, text };
        let view = codegen::normalized_view(source).expect("normalizes");
        let (mut ours, mut bare, mut norm) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ours_cpu, mut bare_cpu) = (Vec::new(), Vec::new());
        // One untimed run of each, then rounds in rotating order.
        let _ = codegen::generate(source).expect("generates");
        let _ = progenitor(&view);
        for round in 0..rounds {
            for k in 0..3 {
                match (k + round) % 3 {
                    0 => {
                        let (wall, cpu) =
                            ms(|| drop(codegen::generate(source).expect("generates")));
                        ours.push(wall);
                        ours_cpu.push(cpu);
                    }
                    1 => {
                        let (wall, cpu) = ms(|| drop(progenitor(&view)));
                        bare.push(wall);
                        bare_cpu.push(cpu);
                    }
                    _ => norm.push(ms(|| drop(codegen::normalized_view(source).expect("view"))).0),
                }
            }
        }
        let (o, p, n) = (median(&ours), median(&bare), median(&norm));
        let (oc, pc) = (median(&ours_cpu), median(&bare_cpu));
        let per = |t: f64| t / *ops as f64;
        println!(
            "{:<22} {:>5} {:>10.1} {:>10.3} {:>11.1} {:>8.3} {:>10.1} {:>8.3} {:>8.2} {:>9.1} {:>9.1} {:>9.2}",
            name,
            ops,
            o,
            per(o),
            p,
            per(p),
            n,
            per(n),
            o / p,
            oc,
            pc,
            oc / pc
        );
    }
    println!(
        "ratio = ours / progenitor (wall); cpu = process CPU time, all threads; normalize is part of ours"
    );
}
