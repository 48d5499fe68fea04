//! What a generated crate was made from: the SHA-256 of the document's text and the generator's
//! version, recorded in `[package.metadata.openrouter-codegen]` of the crate's `Cargo.toml`.
//!
//! The record lets `cargo xtask codegen --check` say *why* a crate is stale, and lets the change
//! report find the document the committed crate was made from (in git history, by its hash).

use sha2::{Digest, Sha256};

/// The `Cargo.toml` table the record lives in.
const TABLE: &str = "[package.metadata.openrouter-codegen]";

/// The document and generator a crate was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Lower-case hex SHA-256 of the document's text, with CRLF line ends read as LF (so a
    /// checkout with `core.autocrlf` records the same hash).
    pub source_sha256: String,
    /// The version of this generator (`openrouter-codegen`).
    pub generator: String,
}

impl Provenance {
    /// The record for a crate generated now from `text`.
    pub fn of(text: &str) -> Provenance {
        Provenance {
            source_sha256: sha256_hex(text),
            generator: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// Reads the record from a generated `Cargo.toml`; `None` when it has none.
    pub fn from_cargo_toml(text: &str) -> Option<Provenance> {
        let table = text.split_once(TABLE)?.1;
        // The table ends at the next header; its values are plain strings.
        let table = table.split("\n[").next().unwrap_or_default();
        let value = |key: &str| {
            table.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        Some(Provenance {
            source_sha256: value("source-sha256")?,
            generator: value("generator")?,
        })
    }

    /// The table appended to the crate's `Cargo.toml`.
    pub(crate) fn cargo_toml_table(&self) -> String {
        format!(
            "\n# What this crate was made from: `cargo xtask codegen --check` compares it.\n\
             {TABLE}\nsource-sha256 = \"{}\"\ngenerator = \"{}\"\n",
            self.source_sha256, self.generator
        )
    }
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.replace("\r\n", "\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_of_the_text_with_lf_line_ends() {
        // `printf 'a\nb\n' | sha256sum`
        let lf = "a\nb\n";
        let expected = "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2";
        assert_eq!(Provenance::of(lf).source_sha256, expected);
        assert_eq!(Provenance::of(lf), Provenance::of("a\r\nb\r\n"));
        assert_ne!(Provenance::of(lf), Provenance::of("a\nc\n"));
    }

    #[test]
    fn a_recorded_table_reads_back() {
        let record = Provenance::of("openapi: 3.1.0\n");
        let toml = format!(
            "[package]\nname = \"x\"\n{}\n[[example]]\nname = \"y\"\n",
            record.cargo_toml_table()
        );
        assert_eq!(Provenance::from_cargo_toml(&toml), Some(record));
        assert_eq!(
            Provenance::from_cargo_toml("[package]\nname = \"x\"\n"),
            None
        );
    }
}
