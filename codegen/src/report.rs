//! The change report between two documents: its entries, their classes, the semver bump they
//! imply, and its two renderings (plain text for the terminal, Markdown for a pull request).

use std::fmt::Write;

/// What a change does to code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code that compiled and worked may stop compiling or behave differently.
    Breaking,
    /// Existing code keeps compiling and working; there is something new to use.
    Additive,
}

/// One change to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking or additive.
    pub class: Class,
    /// What changed: an operation, one of its parameters or statuses, or a type's field.
    pub subject: String,
    /// How it changed, in terms of the crate's Rust API.
    pub detail: String,
}

/// The semver bump a report implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// The documents mean the same and read the same.
    None,
    /// Only descriptions, examples and the like changed.
    Patch,
    /// Only additive changes.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Bump {
    fn word(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// Every change between two documents, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The old document: its name, `info.title` and `info.version`.
    pub old: String,
    /// The new document, likewise.
    pub new: String,
    /// API changes, breaking first, each group in document order.
    pub changes: Vec<Change>,
    /// Edits that change no API: descriptions, summaries, examples, documented constraints.
    pub doc_edits: Vec<String>,
}

impl Report {
    /// The semver bump the changes imply.
    pub fn bump(&self) -> Bump {
        if self.count(Class::Breaking) > 0 {
            Bump::Major
        } else if !self.changes.is_empty() {
            Bump::Minor
        } else if !self.doc_edits.is_empty() {
            Bump::Patch
        } else {
            Bump::None
        }
    }

    fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    fn of(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }

    fn summary(&self) -> String {
        let api = if self.changes.is_empty() {
            "no API change".to_owned()
        } else {
            format!(
                "{} breaking, {} additive",
                self.count(Class::Breaking),
                self.count(Class::Additive)
            )
        };
        format!(
            "{api}; {} doc-only edits; semver bump: {}",
            self.doc_edits.len(),
            self.bump().word()
        )
    }

    /// The report as plain text, for the terminal.
    pub fn text(&self) -> String {
        let mut out = format!(
            "API changes from {} to {}: {}\n",
            self.old,
            self.new,
            self.summary()
        );
        for (class, title) in [(Class::Breaking, "breaking"), (Class::Additive, "additive")] {
            if self.count(class) > 0 {
                let _ = writeln!(out, "{title}:");
                for change in self.of(class) {
                    let _ = writeln!(out, "  - {}: {}", change.subject, change.detail);
                }
            }
        }
        if !self.doc_edits.is_empty() {
            let _ = writeln!(out, "doc-only edits (no API change):");
            for edit in &self.doc_edits {
                let _ = writeln!(out, "  - {edit}");
            }
        }
        out
    }

    /// The report as Markdown, for a pull request.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## API changes\n\nFrom {} to {}: **{}**.\n",
            self.old,
            self.new,
            self.summary()
        );
        for (class, title) in [(Class::Breaking, "Breaking"), (Class::Additive, "Additive")] {
            if self.count(class) > 0 {
                let _ = writeln!(out, "\n### {title}\n");
                for change in self.of(class) {
                    let _ = writeln!(out, "- {}: {}", change.subject, change.detail);
                }
            }
        }
        if !self.doc_edits.is_empty() {
            let _ = writeln!(
                out,
                "\n<details><summary>Doc-only edits ({}, no API change)</summary>\n",
                self.doc_edits.len()
            );
            for edit in &self.doc_edits {
                let _ = writeln!(out, "- {edit}");
            }
            out.push_str("\n</details>\n");
        }
        out
    }
}
